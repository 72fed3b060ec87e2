"""The registry of email kinds.

Each app declares its kinds in an `emails.py` module (found by `apps.ready()`): a name, a
category (transactional or one the recipient may switch off), the folder of its three
templates, and a function that turns the row's JSON context of ids into template context.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from portal.notifications.models import Category


class Obsolete(Exception):
    """The email has lost its reason (its object is gone): it is cancelled, not sent."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def with_waitlist_position(context: dict, position: int | None) -> dict:
    """The context of a wait-listed email with the person's place at sending time; someone
    no longer waiting (moved up, cancelled) gets no such email."""
    if position is None:
        raise Obsolete(str(_("The person is no longer on the waitlist.")))
    context["position"] = position
    return context


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
    # False for emails with secret links (password reset): their bodies are not stored. An
    # email to a guest (an address without an account) is never stored either: it carries the
    # guest's signed links (`keeps_body`).
    keep_body: bool = True
    # What the email is, in words, for the outbox in the admin (gettext_lazy).
    label: str = ""

    def keeps_body(self, notification) -> bool:
        """Whether the sent text of `notification` is stored for the outbox in the admin."""
        return self.keep_body and notification.user_id is not None

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


# Labels of kinds whose app registers them without one yet; an app's own label wins.
_LABELS = {
    "consultation_received": _("Request received"),
    "consultation_new": _("New request (to coordinators)"),
    "consultation_assigned": _("Advisor assigned"),
    "consultation_concluded": _("Advice concluded"),
    "consultation_ended": _("Request ended"),
    "consultation_follow_up": _("Questions after the advice"),
    "consultation_message": _("New message about a request"),
    "consultation_documents": _("New documents for a request"),
    "consultation_digest": _("Daily list of requests to triage"),
    "appointment_booked": _("Appointment booked"),
    "appointment_moved": _("Appointment moved"),
    "appointment_updated": _("Appointment changed"),
    "appointment_cancelled": _("Appointment cancelled"),
    "appointment_reminder": _("Appointment reminder"),
    "training_registered": _("Course registration"),
    "training_waitlisted": _("Course waiting list"),
    "training_promoted": _("Course place from the waiting list"),
    "training_cancelled": _("Course registration cancelled"),
    "training_reminder": _("Course reminder"),
    "training_date_cancelled": _("Course date cancelled"),
    "training_follow_up": _("Questions after the course"),
}


def kind_label(name: str) -> str:
    """The words for an email kind; the code itself when nobody gave it words."""
    kind = _registry.get(name)
    if kind is not None and kind.label:
        return kind.label
    return _LABELS.get(name, name)
