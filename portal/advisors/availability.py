"""Free slots: weekly windows minus absences, appointments, buffers and the booking rules.

Windows are wall-clock times in Europe/Berlin; everything else is an instant. Each slot is
built from its day's wall-clock window and then turned into UTC, and all arithmetic after that
happens in UTC. This matters twice a year: Python compares two datetimes that share a tzinfo
by their wall-clock reading, so arithmetic in local time would mis-measure the night of the
switch. A window of 09:00–12:00 therefore gives 09:00 slots in March and in November, while a
window across the switch itself is one hour shorter or longer, as the clock on the wall is.

Appointments live in other apps (consultations). They register a *busy source* here, a
function that returns the busy intervals of some advisors, so this module depends on none of
them: `register_busy_source(appointments_busy)`.
"""

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from portal.advisors.models import Absence

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True, order=True)
class Slot:
    """A bookable time of one advisor; start and end are in UTC."""

    start: datetime
    end: datetime
    advisor_id: int

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(BERLIN)


@dataclass(frozen=True)
class Busy:
    """Time an advisor is taken, e.g. an appointment. Buffers are added around it."""

    advisor_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BookingRules:
    slot_minutes: int = 60
    buffer_minutes: int = 15
    min_notice_hours: int = 24
    horizon_weeks: int = 8
    daily_max: int = 4

    @classmethod
    def of(cls, profile) -> "BookingRules":
        return cls(
            slot_minutes=profile.slot_minutes,
            buffer_minutes=profile.buffer_minutes,
            min_notice_hours=profile.min_notice_hours,
            horizon_weeks=profile.horizon_weeks,
            daily_max=profile.daily_max,
        )


BusySource = Callable[[list[int], datetime, datetime], Iterable[Busy]]
_busy_sources: list[BusySource] = []


def register_busy_source(source: BusySource) -> BusySource:
    """Add a function `(advisor_ids, start, end) -> Busy intervals overlapping [start, end)`.

    The ids are AdvisorProfile ids, as in `Busy.advisor_id` and `Slot.advisor_id`
    (the caseload sources of selectors.py take user ids instead: cases point at users).
    """
    if source not in _busy_sources:
        _busy_sources.append(source)
    return source


def unregister_busy_source(source: BusySource) -> None:
    if source in _busy_sources:
        _busy_sources.remove(source)


def busy_intervals(advisor_ids: list[int], start: datetime, end: datetime) -> list[Busy]:
    return [busy for source in _busy_sources for busy in source(advisor_ids, start, end)]


def local_instant(day: date, wall_clock) -> datetime:
    """The UTC instant at which Berlin's clocks show `wall_clock` on `day`.

    A time that does not exist (02:30 on the night clocks go forward) is read with the
    offset before the switch, i.e. it becomes 03:30; an ambiguous one is its first occurrence.
    """
    return datetime.combine(day, wall_clock, tzinfo=BERLIN).astimezone(UTC)


def compute_slots(
    *,
    advisor_id: int,
    rules: BookingRules,
    windows: Iterable,
    absences: Iterable,
    busy: Iterable[Busy],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[Slot]:
    """The free slots of one advisor that start in [start, end), in order.

    `windows` have `weekday`, `start` and `end` (wall-clock times); `absences` have
    `first_day` and `last_day` (inclusive); `busy` are this advisor's appointments.
    A slot is free when it lies in a window, not on an absent day, at least the minimum
    notice after `now` and within the horizon, on a day below the daily maximum, and
    keeps the buffer to every appointment on both sides.
    """
    length = timedelta(minutes=rules.slot_minutes)
    buffer = timedelta(minutes=rules.buffer_minutes)
    step = length + buffer
    earliest = max(start, now + timedelta(hours=rules.min_notice_hours))
    latest = min(end, now + timedelta(weeks=rules.horizon_weeks))
    if earliest >= latest:
        return []

    by_weekday = defaultdict(list)
    for window in windows:
        by_weekday[window.weekday].append(window)
    absent = [(absence.first_day, absence.last_day) for absence in absences]

    taken = sorted((b.start, b.end) for b in busy)
    starts = [interval[0] for interval in taken]
    longest = max((b_end - b_start for b_start, b_end in taken), default=timedelta(0))
    per_day = Counter(b_start.astimezone(BERLIN).date() for b_start, _end in taken)

    def conflicts(slot_start: datetime, slot_end: datetime) -> bool:
        # Only appointments that start in this range can come within a buffer of the slot.
        low = bisect_left(starts, slot_start - buffer - longest)
        high = bisect_left(starts, slot_end + buffer)
        return any(taken[i][1] + buffer > slot_start for i in range(low, high))

    slots = []
    day = earliest.astimezone(BERLIN).date()
    last_day = latest.astimezone(BERLIN).date()
    while day <= last_day:
        if (
            day.weekday() in by_weekday
            and per_day[day] < rules.daily_max
            and not any(first <= day <= last for first, last in absent)
        ):
            for window in sorted(by_weekday[day.weekday()], key=lambda w: w.start):
                window_end = local_instant(day, window.end)
                slot_start = local_instant(day, window.start)
                while slot_start + length <= window_end:
                    slot_end = slot_start + length
                    if earliest <= slot_start < latest and not conflicts(slot_start, slot_end):
                        slots.append(Slot(slot_start, slot_end, advisor_id))
                    slot_start += step
        day += timedelta(days=1)
    return slots


def free_slots(
    advisors, *, start: datetime, end: datetime, now: datetime | None = None
) -> list[Slot]:
    """The free slots of one advisor profile or several, merged in order of time.

    Three queries whatever the number of advisors (windows, absences, and one per busy
    source); profiles that are already prefetched cost nothing more.
    """
    profiles = [advisors] if hasattr(advisors, "pk") else list(advisors)
    if not profiles:
        return []
    now = now or timezone.now()
    prefetch_related_objects(
        profiles,
        "windows",
        Prefetch(
            "absences",
            queryset=Absence.objects.filter(last_day__gte=start.astimezone(BERLIN).date()),
            to_attr="current_absences",
        ),
    )
    longest_buffer = timedelta(minutes=max(p.buffer_minutes for p in profiles))
    busy_by_advisor = defaultdict(list)
    # Appointments up to a day around the range still count towards buffers and daily maxima.
    for busy in busy_intervals(
        [p.pk for p in profiles],
        start - longest_buffer - timedelta(days=1),
        end + longest_buffer + timedelta(days=1),
    ):
        busy_by_advisor[busy.advisor_id].append(busy)
    slots = []
    for profile in profiles:
        slots.extend(
            compute_slots(
                advisor_id=profile.pk,
                rules=BookingRules.of(profile),
                windows=profile.windows.all(),
                absences=profile.current_absences,
                busy=busy_by_advisor[profile.pk],
                start=start,
                end=end,
                now=now,
            )
        )
    slots.sort()
    return slots


def next_free_slot(advisors, *, now: datetime | None = None) -> dict[int, Slot]:
    """The earliest free slot of each advisor within their horizon (advisors without one are
    left out)."""
    profiles = [advisors] if hasattr(advisors, "pk") else list(advisors)
    if not profiles:
        return {}
    now = now or timezone.now()
    horizon = timedelta(weeks=max(p.horizon_weeks for p in profiles))
    earliest = {}
    for slot in free_slots(profiles, start=now, end=now + horizon, now=now):
        earliest.setdefault(slot.advisor_id, slot)
    return earliest
