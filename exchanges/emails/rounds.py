"""The emails of a round's coordinators to its participants: the round moved (new time or
place, with an updated calendar entry) and the round cancelled (with a calendar CANCEL).

Rows hold ids only. A moved email names the audit entry of the move, which keeps the time and
place before it; the round itself is read when the email is sent, so it shows the latest
time. A guest's moved email carries their signed cancel link, so it is sent but not stored.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchanges.emails.registrations import registration_context, upcoming
from portal.core.models import AuditEntry
from portal.notifications.kinds import Kind, Obsolete, register
from portal.notifications.models import Category
from portal.notifications.rendering import absolute_url

MOVED = "round_moved"
GUEST_MOVED = "round_guest_moved"
CANCELLED = "round_cancelled"


def _moved_context(notification) -> dict:
    context = upcoming(registration_context(notification))
    if not context["registration"].is_active:
        raise Obsolete(_("The registration is no longer active."))
    entry = AuditEntry.objects.filter(pk=notification.context.get("audit_id")).first()
    before = entry.details.get("before", {}) if entry is not None else {}
    context["time_changed"] = "start" in before or "end" in before
    context["place_changed"] = any(
        name in before for name in ("mode", "venue", "address", "town", "video_link")
    )
    context["confirmed"] = bool(notification.calendar)
    return context


def _cancelled_context(notification) -> dict:
    context = registration_context(notification)
    context["was_confirmed"] = bool(notification.calendar)
    context["list_url"] = absolute_url(reverse("exchanges:list"))
    return context


for name, build, label, keep_body in [
    (MOVED, _moved_context, gettext_lazy("Round moved"), True),
    (GUEST_MOVED, _moved_context, gettext_lazy("Guest: round moved"), False),
    (CANCELLED, _cancelled_context, gettext_lazy("Round cancelled"), True),
]:
    register(
        Kind(
            name=name,
            category=Category.TRANSACTIONAL,
            templates=f"exchanges/email/{CANCELLED if name == CANCELLED else MOVED}",
            build_context=build,
            keep_body=keep_body,
            label=label,
        )
    )
