"""The admin of exchange rounds; practice examples have theirs in `admin_practice`."""

from exchanges import admin_practice  # noqa: F401 (registers the practice examples' admin)
