"""The emails of round registrations: registered, on the waitlist, moved up, the reminder,
cancelled by the participant, and a guest's confirm request and confirmation.

Rows hold ids only; the registration is loaded when the email is sent, so an email shows it
as it is then, and one that lost its reason (a reminder for someone who cancelled meanwhile)
is cancelled (`Obsolete`) instead of sent. A guest's emails go to their address in the
language they registered in; those that carry the guest's signed links are not stored in the
outbox (`keep_body=False`), as the guest kinds below say.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from exchanges.ics import shows_video_link
from exchanges.links import guest_cancel_url, guest_confirm_url
from exchanges.models import RegistrationStatus, RoundRegistration, RoundStatus
from exchanges.selectors.registrations import waitlist_position
from portal.notifications.kinds import Kind, Obsolete, register, with_waitlist_position
from portal.notifications.models import Category
from portal.notifications.rendering import absolute_url

REGISTERED = "round_registered"
WAITLISTED = "round_waitlisted"
PROMOTED = "round_promoted"
REMINDER = "round_reminder"
CANCELLED = "round_cancelled_by_participant"
GUEST_CONFIRM = "round_guest_confirm"
GUEST_CONFIRMED = "round_guest_confirmed"
GUEST_PROMOTED = "round_guest_promoted"
GUEST_REMINDER = "round_guest_reminder"

TRANSACTIONAL = Category.TRANSACTIONAL


def _registration(registration_id) -> RoundRegistration:
    registration = (
        RoundRegistration.objects.select_related("round", "person", "municipality", "organisation")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Obsolete(_("The registration was deleted before the email went out."))
    return registration


def registration_context(notification) -> dict:
    """The registration, its round, and the participant's links: a member's page of their
    rounds, a guest's signed cancel link. The context every email about a registration
    starts from (the rounds' emails too)."""
    registration = _registration(notification.context["registration_id"])
    round = registration.round
    context = {
        "registration": registration,
        "round": round,
        "guest": registration.is_guest,
        "round_url": absolute_url(round.get_absolute_url()),
        "deadline": round.deadline,
        "show_video_link": shows_video_link(round, registration),
    }
    if registration.is_guest:
        # The greeting names the guest, who has no account.
        context["recipient"] = {"full_name": registration.guest_name}
        if registration.is_active:
            context["cancel_url"] = guest_cancel_url(registration)
    else:
        context["mine_url"] = absolute_url(reverse("exchanges:mine"))
        if registration.is_active:
            context["cancel_url"] = absolute_url(
                reverse("exchanges:registration_cancel", args=[registration.pk])
            )
    return context


def upcoming(context: dict) -> dict:
    """An email about a round that has ended or was called off has lost its reason."""
    round = context["round"]
    if round.end <= timezone.now():
        raise Obsolete(_("The round has ended."))
    if round.status == RoundStatus.CANCELLED:
        raise Obsolete(_("The round was cancelled."))
    return context


def _seat_context(notification) -> dict:
    context = upcoming(registration_context(notification))
    if context["registration"].status != RegistrationStatus.CONFIRMED:
        raise Obsolete(_("The registration is no longer confirmed."))
    return context


def _waitlisted_context(notification) -> dict:
    context = upcoming(registration_context(notification))
    return with_waitlist_position(context, waitlist_position(context["registration"]))


def _reminder_context(notification) -> dict:
    context = _seat_context(notification)
    if context["round"].start <= timezone.now():
        raise Obsolete(_("The round has already begun."))
    return context


def _cancelled_context(notification) -> dict:
    context = registration_context(notification)
    context["by_participant"] = notification.context.get("by_participant", True)
    context["was_confirmed"] = bool(notification.calendar)
    return context


def _guest_confirm_context(notification) -> dict:
    """The links to confirm and to cancel; the seat is held until `expires_at`."""
    context = upcoming(registration_context(notification))
    registration = context["registration"]
    if registration.email_confirmed or not registration.is_active:
        raise Obsolete(_("The guest has confirmed or the registration has lapsed."))
    context["confirm_url"] = guest_confirm_url(registration)
    context["seat_held"] = registration.status == RegistrationStatus.UNCONFIRMED
    context["expires_at"] = registration.expires_at
    return context


def _guest_confirmed_context(notification) -> dict:
    """The confirmed seat (with the calendar file), or the place on the waitlist."""
    context = upcoming(registration_context(notification))
    registration = context["registration"]
    if registration.status == RegistrationStatus.CONFIRMED:
        context["position"] = None
        return context
    return with_waitlist_position(context, waitlist_position(registration))


for name, category, templates, build, label, keep_body in [
    (REGISTERED, TRANSACTIONAL, REGISTERED, _seat_context, _l("Round registration"), True),
    (WAITLISTED, TRANSACTIONAL, WAITLISTED, _waitlisted_context, _l("Round waiting list"), True),
    (PROMOTED, TRANSACTIONAL, PROMOTED, _seat_context, _l("Round seat from the waitlist"), True),
    (REMINDER, Category.REMINDER, REMINDER, _reminder_context, _l("Round reminder"), True),
    (
        CANCELLED,
        TRANSACTIONAL,
        CANCELLED,
        _cancelled_context,
        _l("Round registration cancelled"),
        True,
    ),
    # A guest's emails carry their signed links: sent, not stored.
    (
        GUEST_CONFIRM,
        TRANSACTIONAL,
        GUEST_CONFIRM,
        _guest_confirm_context,
        _l("Guest: please confirm the registration"),
        False,
    ),
    (
        GUEST_CONFIRMED,
        TRANSACTIONAL,
        GUEST_CONFIRMED,
        _guest_confirmed_context,
        _l("Guest: registration confirmed"),
        False,
    ),
    (
        GUEST_PROMOTED,
        TRANSACTIONAL,
        PROMOTED,
        _seat_context,
        _l("Guest: seat from the waitlist"),
        False,
    ),
    (
        GUEST_REMINDER,
        Category.REMINDER,
        REMINDER,
        _reminder_context,
        _l("Guest: round reminder"),
        False,
    ),
]:
    register(
        Kind(
            name=name,
            category=category,
            templates=f"exchanges/email/{templates}",
            build_context=build,
            keep_body=keep_body,
            label=label,
        )
    )
