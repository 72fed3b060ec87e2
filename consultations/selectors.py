"""Reads of requests and cases, scoped to the person who asks, in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils import timezone

from consultations.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Consultation,
    Document,
)
from portal.advisors.availability import Busy, Slot, free_slots
from portal.advisors.models import AdvisorProfile
from portal.advisors.selectors import Match, advisors_ranked

# How many advisors an officer is offered when booking without a preferred one.
BOOKING_CHOICES = 3
# How many free times per advisor the booking page shows at most.
SLOTS_SHOWN = 12


def appointments_busy(advisor_ids: list[int], start: datetime, end: datetime) -> list[Busy]:
    """The busy source for `portal.advisors`: scheduled appointments overlapping [start, end)."""
    rows = (
        Appointment.objects.scheduled()
        .filter(advisor_id__in=advisor_ids, starts_at__lt=end, ends_at__gt=start)
        .values_list("advisor_id", "starts_at", "ends_at")
    )
    return [Busy(advisor_id, starts_at, ends_at) for advisor_id, starts_at, ends_at in rows]


def open_cases_by_advisor(user_ids: list[int]) -> dict[int, int]:
    """The caseload source for `portal.advisors`: assigned or running cases each advisor leads."""
    rows = (
        Consultation.objects.filter(status__in=ACTIVE_STATUSES, lead_advisor__user_id__in=user_ids)
        .values("lead_advisor__user_id")
        .annotate(count=Count("pk"))
    )
    return {row["lead_advisor__user_id"]: row["count"] for row in rows}


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
            "status_changes",
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


def upcoming_appointment(consultation: Consultation) -> Appointment | None:
    """The next scheduled appointment, from the prefetched list."""
    now = timezone.now()
    for appointment in consultation.appointments.all():
        if appointment.status == AppointmentStatus.SCHEDULED and appointment.starts_at > now:
            return appointment
    return None
