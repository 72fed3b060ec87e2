"""Registering for exchange rounds: members and guests, confirming, cancelling, expiring,
the waitlist.

Every service that takes or frees a seat first locks the round's row (`_lock_round`), then
counts through `portal.core.capacity` (`selectors.registrations.seat_pool`): there is no
other seat counter. A seat freed by a cancellation or an expiry goes to the first person
waiting in the same transaction (`capacity.fill`), and the round turns full or open again as
its seats fill and free. The emails each step implies are written to the outbox in that
transaction, each under a key that names the change (`round_registration:42:status:confirmed`),
so a replayed request or a second run of a task writes no second email. Statuses change only
through `portal.core.workflows.transition`; every service leaves an audit entry.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.emails import registrations as emails
from exchanges.errors import ExchangeError
from exchanges.ics import round_calendar_entry
from exchanges.models import (
    ROUND,
    ROUND_REGISTRATION,
    ExchangeRound,
    RegistrationStatus,
    RoundRegistration,
    RoundStatus,
)
from exchanges.permissions import may_manage_rounds
from exchanges.selectors import registrations as selectors
from portal.accounts.models import Membership, User
from portal.core import capacity
from portal.core.audit import audit_record
from portal.core.guests import (
    guest_details,
    guest_queue,
    guest_registration_create,
    guest_seat_confirm,
    registration_recipient,
)
from portal.core.workflows import transition
from portal.notifications.services import notifications_cancel, notify

# --- The round's lock and its seats -------------------------------------------------------------


def _lock_round(round: ExchangeRound) -> ExchangeRound:
    """Lock the round's row and read it again: every seat is counted under this lock."""
    return capacity.lock(ExchangeRound.objects.filter(pk=round.pk))[0]


def _sync_status(round: ExchangeRound, pool: capacity.Pool, *, now: datetime) -> None:
    """An open round without a free seat becomes full; a full one with a free seat opens."""
    if round.status == RoundStatus.OPEN and not pool.has_seat():
        to = RoundStatus.FULL
    elif round.status == RoundStatus.FULL and pool.has_seat():
        to = RoundStatus.OPEN
    else:
        return
    transition(
        round,
        workflow=ROUND,
        to=to,
        by=None,
        action="exchange_round.seats_taken"
        if to == RoundStatus.FULL
        else "exchange_round.seat_free",
        details={"taken": pool.taken(), "capacity": pool.capacity},
        at=now,
    )


def _fill(round: ExchangeRound, *, now: datetime, reason: str) -> list[RoundRegistration]:
    """Hand free seats of the locked round to the people waiting longest, then set the round
    open or full. After the start nobody moves up (the round is under way)."""
    pool = selectors.seat_pool(round)
    promoted = []
    if round.status in (RoundStatus.OPEN, RoundStatus.FULL) and now < round.start:
        promoted = capacity.fill(
            pool, promote=lambda registration: _promote(registration, now=now, reason=reason)
        )
    _sync_status(round, pool, now=now)
    return promoted


@transaction.atomic
def round_seats_refill(
    *, round: ExchangeRound, now: datetime | None = None
) -> list[RoundRegistration]:
    """After the round's capacity changed: new seats go to the waitlist, in order, and the
    round is open or full as its seats say. Returns the people who moved up."""
    round = _lock_round(round)
    return _fill(round, now=now or timezone.now(), reason="capacity_changed")


# --- Emails of a seat ---------------------------------------------------------------------------


def _seated(registration: RoundRegistration, *, kind: str, now: datetime) -> None:
    """The emails of a confirmed seat: the confirmation with the calendar file, the reminder.

    A registration is confirmed once (a confirmed one never waits again), so its key is the
    same whether it was confirmed at once, by the guest's link, or moved up.
    """
    notify(
        kind=kind,
        key=f"round_registration:{registration.pk}:status:confirmed",
        context={"registration_id": registration.pk},
        about=registration,
        calendar=round_calendar_entry(registration.round, registration=registration),
        **registration_recipient(registration),
    )
    reminder_plan(registration, now=now)


def reminder_plan(registration: RoundRegistration, *, now: datetime) -> None:
    """Plan a confirmed participant's reminder, if the round wants one and its time is still
    ahead; a reminder planned before (under the same key) stays as it is."""
    due_at = reminder_due(registration.round)
    if due_at is None or due_at <= now:
        return  # no reminder wanted, or registered too late for one: the confirmation says it
    notify(
        kind=emails.GUEST_REMINDER if registration.is_guest else emails.REMINDER,
        key=f"round_registration:{registration.pk}:reminder",
        context={"registration_id": registration.pk},
        about=registration,
        due_at=due_at,
        **registration_recipient(registration),
    )


def reminder_due(round: ExchangeRound) -> datetime | None:
    """When participants are reminded (`reminder_days` before the start), or None."""
    if not round.reminder_days:
        return None
    return round.start - timedelta(days=round.reminder_days)


def _promote(registration: RoundRegistration, *, now: datetime, reason: str) -> RoundRegistration:
    """Give a waiting registration a seat of the locked round, with its emails."""
    transition(
        registration,
        workflow=ROUND_REGISTRATION,
        to=RegistrationStatus.CONFIRMED,
        by=None,
        action="round_registration.promote",
        fields={"confirmed_at": now},
        details={"reason": reason},
        at=now,
    )
    kind = emails.GUEST_PROMOTED if registration.is_guest else emails.PROMOTED
    _seated(registration, kind=kind, now=now)
    return registration


# --- Members ------------------------------------------------------------------------------------


@transaction.atomic
def round_register(
    *,
    person: User,
    round: ExchangeRound,
    membership: Membership,
    now: datetime | None = None,
) -> RoundRegistration:
    """Register a verified member for a round on behalf of one body: a free seat confirms,
    a full round puts them on its waitlist. Refused, with a sentence saying why, when the
    round takes no registrations, is not open to the body's federal state or kind, the person
    is registered already, or their municipality or state holds its share of seats. Nobody
    sees an error because others registered at the same moment."""
    if membership.user_id != person.pk:
        raise ExchangeError(
            _("You can register only for a body our team has confirmed you work for.")
        )
    membership = Membership.objects.select_related("municipality", "organisation").get(
        pk=membership.pk
    )
    round = _lock_round(round)
    # Read the clock under the lock: registered-at times follow the order of arrival.
    now = now or timezone.now()
    pool = selectors.seat_pool(round)
    refusal = selectors.registration_refusal(round, membership, now=now, pool=pool)
    if refusal:
        raise ExchangeError(refusal)

    seated = pool.has_seat()
    try:
        with transaction.atomic():
            registration = RoundRegistration.objects.create(
                round=round,
                person=person,
                municipality=membership.municipality,
                organisation=membership.organisation,
                state=selectors.state_of(membership),
                language=person.preferred_language or "de",
                status=RegistrationStatus.CONFIRMED if seated else RegistrationStatus.WAITLISTED,
                created_at=now,
                confirmed_at=now if seated else None,
            )
    except IntegrityError:
        raise ExchangeError(_("You are already registered for this round.")) from None
    audit_record(
        target=registration,
        action="round_registration.create",
        by=person,
        to_status=registration.status,
        details={"round": round.pk, "body": str(membership.body)},
        at=now,
    )
    if seated:
        _seated(registration, kind=emails.REGISTERED, now=now)
        _sync_status(round, pool, now=now)
    else:
        notify(
            kind=emails.WAITLISTED,
            key=f"round_registration:{registration.pk}:status:waitlisted",
            user=person,
            context={"registration_id": registration.pk},
            about=registration,
        )
    return registration


# --- Cancelling ---------------------------------------------------------------------------------


def _cancel(
    registration: RoundRegistration, round: ExchangeRound, *, by: User | None, now: datetime
) -> list[RoundRegistration]:
    """Cancel a registration of the locked round: the participant is told (a confirmed one's
    calendar entry is taken out), the reminder is dropped, a freed seat moves on."""
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    held_seat = registration.status in (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.UNCONFIRMED,
    )
    by_participant = by is None or registration.person_id == getattr(by, "pk", None)
    transition(
        registration,
        workflow=ROUND_REGISTRATION,
        to=RegistrationStatus.CANCELLED,
        by=by,
        action="round_registration.cancel",
        fields={"cancelled_at": now},
        details={"by": "participant" if by_participant else "coordinator"},
        at=now,
    )
    notifications_cancel(
        about=registration,
        kinds=[emails.REMINDER, emails.GUEST_REMINDER],
        reason=str(_("Cancelled: the registration was cancelled.")),
    )
    if registration.email_confirmed:
        notify(
            kind=emails.CANCELLED,
            key=f"round_registration:{registration.pk}:status:cancelled",
            context={"registration_id": registration.pk, "by_participant": by_participant},
            about=registration,
            calendar=(
                round_calendar_entry(round, registration=registration, method="CANCEL")
                if was_confirmed
                else None
            ),
            **registration_recipient(registration),
        )
    return _fill(round, now=now, reason="seat_freed") if held_seat else []


@transaction.atomic
def round_registration_cancel(
    *, registration: RoundRegistration, by: User, now: datetime | None = None
) -> list[RoundRegistration]:
    """The participant cancels their registration (or leaves the waitlist) until the round's
    deadline; a coordinator cancels anyone's, at any time. A freed seat goes to the first
    person waiting at once, with their email. Returns the people who moved up."""
    round = _lock_round(registration.round)
    now = now or timezone.now()  # under the lock, like registrations
    registration = RoundRegistration.objects.select_for_update().get(pk=registration.pk)
    coordinator = may_manage_rounds(by)
    if registration.person_id != by.pk and not coordinator:
        raise ExchangeError(_("You may not cancel this registration."))
    if not registration.is_active:
        raise ExchangeError(_("This registration has already been cancelled."))
    if not coordinator and now >= round.deadline:
        raise ExchangeError(
            _("The deadline for cancelling has passed. Please write to the round's coordinator.")
        )
    return _cancel(registration, round, by=by, now=now)


# --- Guests -------------------------------------------------------------------------------------


@transaction.atomic
def round_guest_register(
    *,
    round: ExchangeRound,
    name: str,
    email: str,
    language: str,
    now: datetime | None = None,
) -> RoundRegistration:
    """A guest registers for a public event with name and address only.

    With a free seat, the registration holds it unconfirmed until the guest confirms the
    address through the emailed link (`round_guest_confirm`) or `GUEST_CONFIRMATION` passes
    (`round_registrations_expire`). Without one, it waits unconfirmed and joins the waitlist
    once the address is confirmed. Either way one email goes out with the confirm and the
    cancel link, in the guest's language.
    """
    name, email, language = guest_details(
        name=name, email=email, language=language, error=ExchangeError
    )
    round = _lock_round(round)
    now = now or timezone.now()
    refusal = selectors.guest_refusal(round, now)
    if refusal:
        raise ExchangeError(refusal)
    seated = selectors.seat_pool(round).has_seat()
    registration = guest_registration_create(
        RoundRegistration,
        active=RoundRegistration.objects.filter(round=round).active(),
        email=email,
        already=_(
            "This address is already registered for this round; the email we sent to it "
            "holds the links to confirm or cancel."
        ),
        error=ExchangeError,
        now=now,
        round=round,
        guest_name=name,
        language=language,
        status=RegistrationStatus.UNCONFIRMED if seated else RegistrationStatus.WAITLISTED,
    )
    audit_record(
        target=registration,
        action="round_registration.guest_create",
        to_status=registration.status,
        details={"round": round.pk},
        at=now,
    )
    notify(
        kind=emails.GUEST_CONFIRM,
        key=f"round_registration:{registration.pk}:guest:confirm",
        context={"registration_id": registration.pk},
        about=registration,
        **registration_recipient(registration),
    )
    if seated:
        _sync_status(round, selectors.seat_pool(round), now=now)
    return registration


@transaction.atomic
def round_guest_confirm(
    *, registration: RoundRegistration, now: datetime | None = None
) -> RoundRegistration:
    """The guest confirms their address through the emailed link (double opt-in).

    A held seat becomes theirs (the confirmation carries the calendar file); a guest without
    a seat joins the waitlist now, behind everyone who registered before them, and moves up
    at once if a seat has meanwhile become free. Confirming twice changes nothing more.
    """
    round = _lock_round(registration.round)
    now = now or timezone.now()
    registration = RoundRegistration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_guest:
        raise ExchangeError(_("This link is not valid."))
    if registration.email_confirmed:
        if registration.is_active:
            return registration  # the link followed twice
        raise ExchangeError(_("This registration is no longer active."))
    if registration.is_active and registration.expires_at and registration.expires_at <= now:
        # Followed after the 24 hours, before the expiry task came by: the same outcome as
        # the task's (as for course guests), so the seat moves on now.
        _expire(round, [registration], now=now)
        return registration
    if registration.status == RegistrationStatus.UNCONFIRMED:
        guest_seat_confirm(
            registration,
            workflow=ROUND_REGISTRATION,
            to=RegistrationStatus.CONFIRMED,
            action="round_registration.guest_confirm",
            now=now,
        )
        _seated(registration, kind=emails.GUEST_CONFIRMED, now=now)
        return registration
    if registration.status == RegistrationStatus.CALLED_OFF:
        raise ExchangeError(_("This round was cancelled."))
    if registration.status == RegistrationStatus.CANCELLED:
        raise ExchangeError(_("This registration has already been cancelled."))
    if registration.status != RegistrationStatus.WAITLISTED:
        raise ExchangeError(
            _(
                "The time to confirm has passed, so this registration has lapsed. You are "
                "welcome to register again."
            )
        )
    guest_queue(
        registration,
        action="round_registration.guest_confirm",
        details={"waitlist": True},
        now=now,
        from_status=registration.status,
        to_status=registration.status,
    )
    promoted = _fill(round, now=now, reason="seat_free")
    if registration.pk in {each.pk for each in promoted}:
        registration.refresh_from_db()
        return registration
    notify(
        kind=emails.GUEST_CONFIRMED,
        key=f"round_registration:{registration.pk}:email_confirmed",
        context={"registration_id": registration.pk},
        about=registration,
        **registration_recipient(registration),
    )
    return registration


@transaction.atomic
def round_guest_cancel(
    *, registration: RoundRegistration, now: datetime | None = None
) -> list[RoundRegistration]:
    """The guest cancels through the emailed link until the round's deadline; the freed seat
    goes to the first person waiting. Returns the people who moved up."""
    round = _lock_round(registration.round)
    now = now or timezone.now()
    registration = RoundRegistration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_guest:
        raise ExchangeError(_("This link is not valid."))
    if not registration.is_active:
        raise ExchangeError(_("This registration has already been cancelled."))
    if now >= round.deadline:
        raise ExchangeError(
            _("The deadline for cancelling has passed. Please write to the organisers.")
        )
    return _cancel(registration, round, by=None, now=now)


@transaction.atomic
def _expire_round(round: ExchangeRound, *, now: datetime) -> tuple[int, int]:
    round = _lock_round(round)
    lapsed = list(
        RoundRegistration.objects.filter(
            round=round,
            email_confirmed=False,
            status__in=(RegistrationStatus.UNCONFIRMED, RegistrationStatus.WAITLISTED),
            expires_at__lte=now,
        )
        .select_for_update()
        .order_by("pk")
    )
    return _expire(round, lapsed, now=now)


def _expire(
    round: ExchangeRound, lapsed: list[RoundRegistration], *, now: datetime
) -> tuple[int, int]:
    """Expire unconfirmed guests of the locked round and give their seats to those waiting."""
    for registration in lapsed:
        transition(
            registration,
            workflow=ROUND_REGISTRATION,
            to=RegistrationStatus.EXPIRED,
            action="round_registration.expire",
            details={"expires_at": registration.expires_at.isoformat()},
            at=now,
        )
    promoted = _fill(round, now=now, reason="unconfirmed_expired") if lapsed else []
    return len(lapsed), len(promoted)


def round_registrations_expire(*, now: datetime | None = None) -> dict:
    """Guests who did not confirm their address within `GUEST_CONFIRMATION` lose their
    registration; the seats they held go to the people waiting longest (each round in a
    transaction of its own). Running it twice expires nothing twice and sends nothing twice.
    Returns how many expired and how many moved up."""
    now = now or timezone.now()
    round_ids = (
        RoundRegistration.objects.filter(
            email_confirmed=False,
            status__in=(RegistrationStatus.UNCONFIRMED, RegistrationStatus.WAITLISTED),
            expires_at__lte=now,
        )
        .order_by("round_id")
        .values_list("round_id", flat=True)
        .distinct()
    )
    expired = promoted = 0
    for round in ExchangeRound.objects.filter(pk__in=list(round_ids)).order_by("pk"):
        lapsed, moved = _expire_round(round, now=now)
        expired += lapsed
        promoted += moved
    return {"expired": expired, "promoted": promoted}
