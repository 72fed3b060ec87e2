"""The registry of email kinds.

Each app declares its kinds in an `emails.py` module (found by `apps.ready()`): a name, a
category (transactional or one the recipient may switch off), the folder of its three
templates, and a function that turns the row's JSON context of ids into template context.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from portal.notifications.models import Category


class Obsolete(Exception):
    """The email has lost its reason (its object is gone): it is cancelled, not sent."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _ids_only(notification) -> dict:
    return dict(notification.context)


@dataclass(frozen=True)
class Kind:
    name: str
    category: str
    # Folder holding subject.txt, body.txt and body.html, e.g. "accounts/email/confirm_email".
    templates: str
    # Loads the objects the templates need; raises Obsolete when they are gone.
    build_context: Callable = field(default=_ids_only)
    # False for emails with secret links (password reset): their bodies are not stored.
    keep_body: bool = True

    @property
    def optional(self) -> bool:
        return self.category != Category.TRANSACTIONAL


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.category not in Category.values:
        raise ValueError(f"Unknown category {kind.category!r} for email kind {kind.name!r}")
    _registry[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"No email kind {name!r} is registered") from None


def all_kinds() -> list[Kind]:
    return sorted(_registry.values(), key=lambda kind: kind.name)
