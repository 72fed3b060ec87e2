"""Rounds as coordinators enter them: saving, publishing, moving, cancelling, holding a round,
and the next meeting of a round-table series.

Only coordinators manage rounds (`permissions.may_manage_rounds`); the round's moderators
also mark it held (their documentation does). A round's status changes only through
`portal.core.workflows.transition` along `ROUND`; every other write leaves an audit entry.
Participants hear of a moved or cancelled round once, in their own language (a guest in the
one they registered in), with a calendar entry under the round's UID
(`exchanges.ics.round_uid`) whose sequence grows with every audited change, so their
calendar replaces the entry instead of adding a second one.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from exchanges.emails import registrations as registration_emails
from exchanges.emails import rounds as emails
from exchanges.errors import ExchangeError
from exchanges.ics import round_calendar_entry
from exchanges.models import (
    ROUND,
    ROUND_REGISTRATION,
    ExchangeRound,
    FollowUpItem,
    RegistrationStatus,
    RoundFormat,
    RoundRegistration,
    RoundSeries,
    RoundStatus,
)
from exchanges.permissions import may_manage_rounds, may_moderate
from exchanges.services.follow_ups import follow_ups_carry
from exchanges.services.registrations import reminder_due, reminder_plan, round_seats_refill
from portal.accounts.models import User
from portal.accounts.roles import ADVISOR
from portal.core.audit import audit_record
from portal.core.guests import registration_recipient
from portal.core.models import AuditEntry
from portal.core.workflows import transition
from portal.notifications.services import notifications_cancel, notifications_move, notify

# A change of any of these is a move: every participant is told, with a new calendar entry.
MOVING_FIELDS = ("start", "end", "mode", "venue", "address", "town", "video_link")
MOVED_ACTION = "exchange_round.move"
# Written by the status steps and the documentation services, never by a plain save.
KEPT_FIELDS = (
    "status",
    "cancelled_reason",
    "documentation_summary",
    "documentation_results",
    "documentation_open_to_officers",
    "documented_at",
    "created_at",
)
# What the next meeting of a series takes over from the last one.
COPIED_FIELDS = (
    "title",
    "summary",
    "description",
    "agenda",
    "format",
    "mode",
    "venue",
    "address",
    "town",
    "venue_state",
    "video_link",
    "coordinator",
    "states",
    "audience",
    "capacity",
    "seats_per_municipality",
    "seats_per_state",
    "reminder_days",
)
TAKING_SEATS = (RoundStatus.OPEN, RoundStatus.FULL)
REMINDERS = [registration_emails.REMINDER, registration_emails.GUEST_REMINDER]


def _refuse_unless_managing(by: User) -> None:
    if not may_manage_rounds(by):
        raise ExchangeError(_("Only coordinators can announce and change exchange rounds."))


def _locked(round: ExchangeRound) -> ExchangeRound:
    return ExchangeRound.objects.select_for_update().get(pk=round.pk)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _active(round: ExchangeRound) -> list[RoundRegistration]:
    return list(
        RoundRegistration.objects.filter(round=round)
        .active()
        .select_related("person", "round")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def _unique_slug(model, text: str, fallback: str) -> str:
    """`text` as a slug not yet taken among `model`'s rows ("…-2", "…-3" otherwise)."""
    base = slugify(text)[:70].strip("-") or fallback
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- Saving -------------------------------------------------------------------------------


@transaction.atomic
def round_save(
    *,
    round: ExchangeRound,
    by: User,
    themes=None,
    moderators=None,
    now: datetime | None = None,
) -> ExchangeRound:
    """Save a round as a coordinator entered it, new (always as a draft) or changed.

    Its status, cancellation and documentation stay as they are: they change through the
    steps and the documentation. Refused: a capacity below the seats taken, and moving a
    round that was cancelled or has taken place. A move (time or place) of a round that
    takes registrations tells every active participant once, the confirmed ones with an
    updated calendar entry, and moves their reminders; seats added by a larger capacity go to
    the waitlist. `themes` and `moderators` (None: as they are) are set with it; a
    moderator is an advisor.
    """
    _refuse_unless_managing(by)
    now = now or timezone.now()
    if round.pk is None:
        round.status = RoundStatus.DRAFT
        round.full_clean(exclude=["themes", "moderators"])
        round.save()
        _set_team(round, themes=themes, moderators=moderators)
        audit_record(target=round, action="exchange_round.create", by=by, at=now)
        return round

    stored = _locked(round)
    for name in KEPT_FIELDS:
        setattr(round, name, getattr(stored, name))
    round.full_clean(exclude=["themes", "moderators"])
    changed = [
        f.name
        for f in ExchangeRound._meta.concrete_fields
        if getattr(stored, f.attname) != getattr(round, f.attname)
    ]
    changed += _set_team(round, themes=themes, moderators=moderators)
    if not changed:
        return round
    moved = [name for name in changed if name in MOVING_FIELDS]
    if moved and stored.status not in (RoundStatus.DRAFT, *TAKING_SEATS):
        raise ExchangeError(
            _("A round that was cancelled or has taken place keeps its time and place.")
        )
    taken = RoundRegistration.objects.filter(round=round).holding_seats().count()
    if round.capacity < taken:
        raise ExchangeError(
            _("%(count)s people hold a seat, so the round needs at least %(count)s seats.")
            % {"count": taken}
        )
    fields = [name for name in changed if name not in ("themes", "moderators")]
    if fields:
        round.save(update_fields=fields)
    entry = audit_record(
        target=round,
        action=MOVED_ACTION if moved else "exchange_round.change",
        by=by,
        details={
            "changed": changed,
            "before": {name: _plain(getattr(stored, name)) for name in moved},
        },
        at=now,
    )
    if round.status in TAKING_SEATS:
        if moved and round.end > now:
            _announce_move(round, entry=entry)
        if moved or "reminder_days" in changed:
            _move_reminders(round, now=now)
        if "capacity" in changed:
            round_seats_refill(round=round, now=now)
    return round


def _set_team(round: ExchangeRound, *, themes, moderators) -> list[str]:
    """Set the round's themes and moderators where given; the names of those that changed."""
    changed = []
    if moderators is not None:
        moderators = list(moderators)
        if any(not person.has_role(ADVISOR) for person in moderators):
            raise ExchangeError(_("Only advisors moderate exchange rounds."))
    for name, wanted in (("themes", themes), ("moderators", moderators)):
        if wanted is None:
            continue
        related = getattr(round, name)
        if {item.pk for item in wanted} != set(related.values_list("pk", flat=True)):
            related.set(wanted)
            changed.append(name)
    return changed


def _announce_move(round: ExchangeRound, *, entry: AuditEntry) -> None:
    """Every active participant once per move; a calendar entry for those with a seat."""
    number = AuditEntry.objects.for_object(round).filter(action=MOVED_ACTION).count()
    for registration in _active(round):
        guest = registration.is_guest
        notify(
            kind=emails.GUEST_MOVED if guest else emails.MOVED,
            key=f"exchange_round:{round.pk}:moved:{number}:registration:{registration.pk}",
            context={"registration_id": registration.pk, "audit_id": entry.pk},
            about=registration,
            calendar=(
                round_calendar_entry(round, registration=registration)
                if registration.status == RegistrationStatus.CONFIRMED
                else None
            ),
            **registration_recipient(registration),
        )


def _move_reminders(round: ExchangeRound, *, now: datetime) -> None:
    """Pending reminders follow the round's new start; without a time left for one, they
    are cancelled (the moved email says it all). A confirmed participant who had none (the
    round wanted none, or they registered too late for one) gets one if its time is ahead."""
    due = reminder_due(round)
    for registration in (
        RoundRegistration.objects.filter(round=round).holding_seats().select_related("round")
    ):
        if due is None or due <= now:
            notifications_cancel(about=registration, kinds=REMINDERS)
            continue
        for kind in REMINDERS:
            notifications_move(about=registration, kind=kind, due_at=due)
        if registration.status == RegistrationStatus.CONFIRMED:
            reminder_plan(registration, now=now)


@transaction.atomic
def series_save(*, series: RoundSeries, by: User) -> RoundSeries:
    """Save a round-table series (its title, address and description)."""
    _refuse_unless_managing(by)
    created = series.pk is None
    series.full_clean()
    series.save()
    audit_record(
        target=series, action="round_series.create" if created else "round_series.change", by=by
    )
    return series


# --- Status steps --------------------------------------------------------------------------


@transaction.atomic
def round_publish(*, round: ExchangeRound, by: User, now: datetime | None = None) -> ExchangeRound:
    """Publish a draft: the round appears on the list, in the feed, and takes registrations
    (from its opening on); open follow-up items of earlier rounds on its themes or of its
    series are carried into it. Refused for a round without a theme or one that has ended."""
    _refuse_unless_managing(by)
    now = now or timezone.now()
    round = _locked(round)
    if round.end <= now:
        raise ExchangeError(_("This round has ended; it can no longer be published."))
    if not round.themes.exists():
        raise ExchangeError(_("Give the round at least one theme before publishing it."))
    transition(
        round, workflow=ROUND, to=RoundStatus.OPEN, by=by, action="exchange_round.publish", at=now
    )
    # Open items of earlier rounds on its themes or of its series are taken up here.
    follow_ups_carry(into=round, by=by)
    return round


@transaction.atomic
def round_cancel(
    *, round: ExchangeRound, by: User, reason: str = "", now: datetime | None = None
) -> int:
    """Call off a round that has not taken place. Every active registration is called off
    and its pending emails (reminders) cancelled; each participant is told once, those with a
    seat with a calendar CANCEL. A published round needs the reason, which they read.
    Returns how many people were told."""
    _refuse_unless_managing(by)
    now = now or timezone.now()
    round = _locked(round)
    reason = reason.strip()
    if round.status in TAKING_SEATS and round.end <= now:
        raise ExchangeError(_("This round has taken place; it can no longer be cancelled."))
    if not reason and round.status != RoundStatus.DRAFT:
        raise ExchangeError(_("Please give the reason: the participants will read it."))
    affected = _active(round)
    transition(
        round,
        workflow=ROUND,
        to=RoundStatus.CANCELLED,
        by=by,
        action="exchange_round.cancel",
        fields={"cancelled_reason": reason},
        details={"reason": reason, "told": len(affected)},
        at=now,
    )
    for registration in affected:
        had_seat = registration.status == RegistrationStatus.CONFIRMED
        notifications_cancel(about=registration, reason=str(_("The round was cancelled.")))
        transition(
            registration,
            workflow=ROUND_REGISTRATION,
            to=RegistrationStatus.CALLED_OFF,
            by=by,
            action="round_registration.call_off",
            fields={"cancelled_at": now},
            details={"round": round.pk},
            at=now,
        )
        notify(
            kind=emails.CANCELLED,
            key=f"exchange_round:{round.pk}:status:cancelled:registration:{registration.pk}",
            context={"registration_id": registration.pk},
            about=registration,
            calendar=(
                round_calendar_entry(round, registration=registration, method="CANCEL")
                if had_seat
                else None
            ),
            **registration_recipient(registration),
        )
    return len(affected)


@transaction.atomic
def round_hold(
    *, round: ExchangeRound, by: User | None, now: datetime | None = None
) -> ExchangeRound:
    """Mark an open or full round held once it has ended (the documentation starts there);
    a round already held or documented stays as it is. `by`: a coordinator or one of the
    round's moderators (None: the portal itself)."""
    if by is not None and not may_moderate(by, round):
        raise ExchangeError(_("Only the round's moderators and coordinators can do this."))
    now = now or timezone.now()
    round = _locked(round)
    if round.status in (RoundStatus.HELD, RoundStatus.DOCUMENTED):
        return round
    if round.status in TAKING_SEATS and round.end > now:
        raise ExchangeError(_("A round is held once it has ended."))
    return transition(
        round, workflow=ROUND, to=RoundStatus.HELD, by=by, action="exchange_round.hold", at=now
    )


# --- The next meeting of a series ------------------------------------------------------------


@transaction.atomic
def round_next_meeting(
    *,
    round: ExchangeRound,
    by: User,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> ExchangeRound:
    """The next meeting of a round table: a draft copied from `round`, the series' latest
    meeting (its themes, moderators, states, audience, place, seats, and its registration
    window moved along), in the same series (one is made for a round that had none), with
    `previous` set. The open follow-up items of the last meeting, and those carried into it
    and still open, are carried into the new one. Returns the new draft."""
    _refuse_unless_managing(by)
    now = now or timezone.now()
    last = _locked(round)
    if last.status in (RoundStatus.DRAFT, RoundStatus.CANCELLED):
        raise ExchangeError(_("A next meeting follows a published round that was not cancelled."))
    if last.format != RoundFormat.ROUND_TABLE and last.series_id is None:
        raise ExchangeError(_("Only a round table continues with a next meeting."))
    if end <= start:
        raise ExchangeError(_("A round ends after it starts."))
    if start <= max(now, last.end):
        raise ExchangeError(_("The next meeting must start after this one, in the future."))
    later = Q(previous=last)
    if last.series_id:
        later |= Q(series_id=last.series_id, start__gt=last.start)
    if ExchangeRound.objects.filter(later).exclude(status=RoundStatus.CANCELLED).exists():
        raise ExchangeError(
            _("This series already has a later meeting: plan the next one from the latest.")
        )
    if last.series_id is None:
        last.series = RoundSeries.objects.create(
            title=last.title, slug=_unique_slug(RoundSeries, last.title, "runder-tisch")
        )
        audit_record(target=last.series, action="round_series.create", by=by, at=now)
        last.save(update_fields=["series"])
        audit_record(
            target=last,
            action="exchange_round.change",
            by=by,
            details={"changed": ["series"]},
            at=now,
        )
    shift = start - last.start
    meeting = ExchangeRound(
        **{name: getattr(last, name) for name in COPIED_FIELDS},
        slug=_unique_slug(
            ExchangeRound, f"{last.series.slug}-{timezone.localtime(start):%Y-%m-%d}", "runde"
        ),
        start=start,
        end=end,
        registration_opens=last.registration_opens + shift if last.registration_opens else None,
        registration_deadline=(
            last.registration_deadline + shift if last.registration_deadline else None
        ),
        series=last.series,
        previous=last,
        status=RoundStatus.DRAFT,
        created_at=now,
    )
    meeting.full_clean(exclude=["themes", "moderators"])
    meeting.save()
    meeting.themes.set(last.themes.all())
    meeting.moderators.set(last.moderators.all())
    # Its own open items not yet carried elsewhere, and those carried into it still open.
    carried = list(
        FollowUpItem.objects.filter(done=False)
        .filter(Q(round=last, carried_to__isnull=True) | Q(carried_to=last))
        .select_for_update()
        .order_by("pk")
    )
    for item in carried:
        audit_record(
            target=item,
            action="follow_up.carry",
            by=by,
            details={"from_round": item.carried_to_id or item.round_id, "to_round": meeting.pk},
            at=now,
        )
    FollowUpItem.objects.filter(pk__in=[item.pk for item in carried]).update(carried_to=meeting)
    audit_record(
        target=meeting,
        action="exchange_round.next_meeting",
        by=by,
        details={"previous": last.pk, "series": last.series_id, "carried": [i.pk for i in carried]},
        at=now,
    )
    return meeting
