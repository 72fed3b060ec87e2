"""How the kernel's language switch keeps a signed-in person's choice without knowing the
user model's fields.

The accounts app registers the service that stores the preference, in its
`AppConfig.ready()`: `register_language_saver(user_set_language)`. Without one, the switch
only sets the cookie.
"""

from collections.abc import Callable

_language_saver: Callable | None = None


def register_language_saver(saver: Callable) -> Callable:
    """`saver(user=..., language=...)` stores the language a signed-in person chose."""
    global _language_saver
    _language_saver = saver
    return saver


def save_language(*, user, language: str) -> None:
    if _language_saver is not None:
        _language_saver(user=user, language=language)
