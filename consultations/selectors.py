"""Reads of requests and cases, scoped to the person who asks, in a constant number of queries."""

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from consultations.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Consultation,
    Document,
    Status,
)
from portal.accounts.models import User
from portal.accounts.roles import COORDINATOR
from portal.advisors.availability import Busy, Slot, free_slots
from portal.advisors.models import AdvisorProfile
from portal.advisors.selectors import Match, advisors_ranked
from portal.core.models import AuditEntry

# How many advisors an officer is offered when booking without a preferred one.
BOOKING_CHOICES = 3
# How many free times per advisor the booking page shows at most.
SLOTS_SHOWN = 12
# A request still waiting for triage after this many working days appears in the digest.
TRIAGE_WORKING_DAYS = 3

# Appointments whose own time counts as free while one of them is being moved (see
# `free_slot_end`); a context variable, so concurrent requests never see each other's.
_moving: ContextVar[frozenset[int]] = ContextVar("appointments being moved", default=frozenset())


def appointments_busy(advisor_ids: list[int], start: datetime, end: datetime) -> list[Busy]:
    """The busy source for `portal.advisors`: scheduled appointments overlapping [start, end)."""
    rows = Appointment.objects.scheduled().filter(
        advisor_id__in=advisor_ids, starts_at__lt=end, ends_at__gt=start
    )
    if moving := _moving.get():
        rows = rows.exclude(pk__in=moving)
    return [
        Busy(advisor_id, starts_at, ends_at)
        for advisor_id, starts_at, ends_at in rows.values_list("advisor_id", "starts_at", "ends_at")
    ]


def free_slot_end(
    advisor: AdvisorProfile,
    start: datetime,
    *,
    now: datetime,
    ignoring: Appointment | None = None,
) -> datetime | None:
    """The end of the advisor's free slot that starts at `start`, or None when there is none.

    `ignoring` is an appointment being moved: its current time counts as free, so it may
    move to a slot next to (or overlapping) where it is now.
    """
    length = timedelta(minutes=advisor.slot_minutes)
    token = _moving.set(frozenset({ignoring.pk}) if ignoring is not None else frozenset())
    try:
        for slot in free_slots(advisor, start=start, end=start + length, now=now):
            if slot.start == start:
                return slot.end
    finally:
        _moving.reset(token)
    return None


def open_cases_by_advisor(user_ids: list[int]) -> dict[int, int]:
    """The caseload source for `portal.advisors`: assigned or running cases each advisor leads."""
    rows = (
        Consultation.objects.filter(status__in=ACTIVE_STATUSES, lead_advisor__user_id__in=user_ids)
        .values("lead_advisor__user_id")
        .annotate(count=Count("pk"))
    )
    return {row["lead_advisor__user_id"]: row["count"] for row in rows}


def active_coordinators():
    """The coordinators who are told about new requests and waiting ones."""
    return User.objects.filter(groups__name=COORDINATOR, is_active=True).distinct()


def consultations_for(user):
    """The requests a person sees on /consultations/, with what the list shows, in four
    queries however many there are."""
    next_start = (
        Appointment.objects.scheduled()
        .filter(consultation=OuterRef("pk"), starts_at__gt=timezone.now())
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return (
        Consultation.objects.visible_to(user)
        .select_related("municipality", "organisation", "requester", "lead_advisor__user")
        .prefetch_related("topics")
        .annotate(next_appointment_at=Subquery(next_start))
        .order_by("-submitted_at")
    )


def consultation_detail(user, pk: int) -> Consultation:
    """One request with everything its page shows; raises DoesNotExist outside the scope."""
    return (
        Consultation.objects.visible_to(user)
        .select_related(
            "municipality",
            "organisation",
            "requester",
            "lead_advisor__user",
            "co_advisor__user",
            "preferred_advisor__user",
        )
        .prefetch_related(
            "topics",
            Prefetch("documents", queryset=Document.objects.for_requester()),
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("advisor__user").order_by("starts_at"),
            ),
            "messages__author",
        )
        .get(pk=pk)
    )


@dataclass
class BookingChoice:
    """An advisor offered for a first conversation, with why and when."""

    profile: AdvisorProfile
    match: Match | None
    slots: list[Slot] = field(default_factory=list)

    @property
    def days(self) -> list[tuple]:
        """The slots grouped by their local day, for the page."""
        grouped: dict = {}
        for slot in self.slots:
            grouped.setdefault(slot.local_start.date(), []).append(slot)
        return list(grouped.items())


def booking_choices(
    consultation: Consultation,
    *,
    advisor: AdvisorProfile | None = None,
    now: datetime | None = None,
) -> list[BookingChoice]:
    """The advisors a request can book a first conversation with, and their free times.

    The chosen (or preferred) advisor alone when there is one; otherwise the best-matching
    advisors with free capacity and a free time, ranked as on the matching page.
    """
    now = now or timezone.now()
    topics = list(consultation.topics.all())
    profiles = AdvisorProfile.objects.public().for_cards()
    chosen = advisor or consultation.preferred_advisor
    if chosen is not None:
        profiles = profiles.filter(pk=chosen.pk)
    matches = advisors_ranked(
        topics=topics,
        state=consultation.state,
        format=consultation.format,
        mode=consultation.contact_mode,
        profiles=profiles.order_by("user__full_name", "pk"),
        now=now,
    )
    if chosen is None:
        matches = [m for m in matches if not m.is_full and m.next_slot][:BOOKING_CHOICES]
    if not matches:
        return []
    horizon = timedelta(weeks=max(m.profile.horizon_weeks for m in matches))
    by_advisor: dict[int, list[Slot]] = {}
    for slot in free_slots([m.profile for m in matches], start=now, end=now + horizon, now=now):
        shown = by_advisor.setdefault(slot.advisor_id, [])
        if len(shown) < SLOTS_SHOWN:
            shown.append(slot)
    return [
        BookingChoice(profile=m.profile, match=m, slots=by_advisor.get(m.profile.pk, []))
        for m in matches
    ]


def meeting_mode(consultation: Consultation, advisor: AdvisorProfile) -> str:
    """How a booked conversation takes place: as the request prefers, if the advisor offers
    it, else the advisor's first way of meeting."""
    if consultation.contact_mode in advisor.modes or not advisor.modes:
        return consultation.contact_mode
    return advisor.modes[0]


def upcoming_appointment(consultation: Consultation) -> Appointment | None:
    """The next scheduled appointment, from the prefetched list."""
    now = timezone.now()
    for appointment in consultation.appointments.all():
        if appointment.status == AppointmentStatus.SCHEDULED and appointment.starts_at > now:
            return appointment
    return None


# --- The trail of a case ------------------------------------------------------------------


def case_history(consultation: Consultation):
    """The audit entries of a case and of its appointments, newest first."""
    appointment_ids = (
        Appointment.objects.filter(consultation=consultation)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    types = ContentType.objects.get_for_models(Consultation, Appointment)
    return (
        AuditEntry.objects.filter(
            Q(content_type=types[Consultation], object_id=str(consultation.pk))
            | Q(content_type=types[Appointment], object_id__in=appointment_ids)
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def status_history(consultation: Consultation) -> list[str]:
    """The statuses the case went through, oldest first, from its audit trail."""
    entries = (
        AuditEntry.objects.for_object(consultation)
        .changes()
        .exclude(to_status="")
        .order_by("at", "pk")
    )
    return list(entries.values_list("to_status", flat=True))


# --- The triage digest --------------------------------------------------------------------


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days (Monday to Friday) before `day`."""
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def untriaged_since(today: date):
    """Requests still waiting for triage since more than three working days."""
    cutoff = working_days_before(today, TRIAGE_WORKING_DAYS)
    return Consultation.objects.filter(status=Status.SUBMITTED, submitted_at__date__lt=cutoff)
