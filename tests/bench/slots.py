"""Benchmark: free slots of one advisor over 8 weeks with 500 appointments (goal: < 50 ms).

    make bench            (or: .venv/bin/python -m tests.bench.slots)

Runs on PostgreSQL (BENCH_DATABASE_URL; default: the local server, database portal_bench,
created afresh). The advisor has weekday hours 08:00–20:00 in two windows, two absences,
30-minute appointments with a 10-minute buffer and room for 14 a day, so the 500
appointments spread over the 40 working days leave a fragmented calendar: the hard case
for the buffer checks.

Measured, each the median and the worst of 50 runs after 3 warm-up runs:
1. `free_slots(profile, ...)` as views call it: the profile's windows, absences and
   appointments (the consultations app's busy source) read from PostgreSQL;
2. `compute_slots` alone, the pure computation without any query;
3. the same as 1 for ten advisors at once (the matching page's case);
4. `consultations.selectors.free_slot_end` as a move checks its new time under the lock:
   one slot of one advisor, the moved appointment's own time counting as free.

The appointments are real rows of `consultations.Appointment` (under the exclusion
constraint), so reading them is part of the figure.
"""

import argparse
import os
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from tests.bench.common import measure, setup_django

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
GOAL_MS = 50


def make_advisor(number: int, now: datetime):
    from portal.accounts.models import User
    from portal.accounts.roles import ADVISOR
    from portal.accounts.services import user_grant_role
    from portal.advisors.models import Absence, AdvisorProfile, WeeklyWindow

    user = User.objects.create_user(
        email=f"bench{number}@advisors.example", full_name=f"Bench Advisor {number}"
    )
    user_grant_role(user=user, role=ADVISOR)
    profile = AdvisorProfile.objects.create(
        user=user,
        slug=f"bench-{number}",
        is_public=True,
        slot_minutes=30,
        buffer_minutes=10,
        min_notice_hours=24,
        horizon_weeks=8,
        daily_max=14,
    )
    for weekday in range(5):
        WeeklyWindow.objects.create(
            advisor=profile, weekday=weekday, start=clock(8), end=clock(12, 30)
        )
        WeeklyWindow.objects.create(
            advisor=profile, weekday=weekday, start=clock(13, 30), end=clock(20)
        )
    today = now.date()
    Absence.objects.create(
        advisor=profile, first_day=today + timedelta(days=20), last_day=today + timedelta(days=22)
    )
    Absence.objects.create(
        advisor=profile, first_day=today + timedelta(days=40), last_day=today + timedelta(days=40)
    )
    return profile


def appointments(profile, now: datetime, count: int):
    """`count` 30-minute appointments on the working days of the next 8 weeks."""
    from portal.advisors.availability import BERLIN, Busy, local_instant

    days = [
        (now + timedelta(days=offset)).astimezone(BERLIN).date()
        for offset in range(1, 57)
        if (now + timedelta(days=offset)).astimezone(BERLIN).weekday() < 5
    ]
    # Every 40 minutes from 08:00 and from 14:00: 15 times a day, 10 minutes apart.
    starts = [
        clock(hour + minutes // 60, minutes % 60)
        for hour in (8, 14)
        for minutes in range(0, 6 * 60 - 30, 40)
    ][:15]
    busy = []
    for index in range(count):
        day = days[index % len(days)]
        # A different time for each appointment of the same day: they never overlap.
        round_ = index // len(days)
        start = local_instant(day, starts[(round_ + index) % len(starts)])
        busy.append(Busy(profile.pk, start, start + timedelta(minutes=30)))
    return busy


def store_appointments(busy: dict, now: datetime) -> None:
    """The intervals as appointment rows of one request, in bulk."""
    from consultations.models import Appointment, Consultation
    from portal.accounts.models import Municipality, User

    requester = User.objects.create_user("bench-officer@example.org", full_name="Bench Officer")
    town = Municipality.objects.create(
        ags="05315000", name="Köln", kind="stadt", state="05", postcode="50667"
    )
    case = Consultation.objects.create(
        reference="KV-BENCH1",
        requester=requester,
        municipality=town,
        state="05",
        format="fachberatung",
        concern="Benchmark",
        goal="Benchmark",
        contact_mode="video",
        privacy_accepted_at=now,
    )
    Appointment.objects.bulk_create(
        Appointment(
            consultation=case,
            advisor_id=interval.advisor_id,
            starts_at=interval.start,
            ends_at=interval.end,
            mode="video",
        )
        for intervals in busy.values()
        for interval in intervals
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appointments", type=int, default=500)
    arguments = parser.parse_args()
    setup_django(DATABASE_URL)

    from portal.advisors.availability import BookingRules, compute_slots, free_slots
    from portal.advisors.models import AdvisorProfile

    now = datetime.now(UTC)
    profiles = [make_advisor(number, now) for number in range(10)]
    busy = {p.pk: appointments(p, now, arguments.appointments) for p in profiles}
    store_appointments(busy, now)
    end = now + timedelta(weeks=8)

    def one_advisor():
        profile = AdvisorProfile.objects.get(pk=profiles[0].pk)
        return free_slots(profile, start=now, end=end, now=now)

    fetched = AdvisorProfile.objects.prefetch_related("windows", "absences").get(pk=profiles[0].pk)
    windows, absences = list(fetched.windows.all()), list(fetched.absences.all())

    def computation_only():
        return compute_slots(
            advisor_id=fetched.pk,
            rules=BookingRules.of(fetched),
            windows=windows,
            absences=absences,
            busy=busy[fetched.pk],
            start=now,
            end=end,
            now=now,
        )

    from consultations.models import Appointment
    from consultations.selectors import free_slot_end

    moving = Appointment.objects.filter(advisor_id=fetched.pk).order_by("starts_at").first()
    target = free_slots(fetched, start=now, end=end, now=now)[-1].start

    def move_check():
        profile = AdvisorProfile.objects.get(pk=profiles[0].pk)
        found = free_slot_end(profile, target, now=now, ignoring=moving)
        return [found] if found else []

    def ten_advisors():
        return free_slots(
            list(AdvisorProfile.objects.filter(pk__in=[p.pk for p in profiles])),
            start=now,
            end=end,
            now=now,
        )

    print(f"{arguments.appointments} appointments per advisor, 8 weeks, PostgreSQL")
    print(f"{'what':<52} {'median ms':>10} {'worst ms':>9} {'slots':>6}")
    rows = [
        ("free_slots, one advisor (with its queries)", one_advisor),
        ("compute_slots alone, one advisor", computation_only),
        ("free_slots, ten advisors (with their queries)", ten_advisors),
        ("free_slot_end, a move's check (with its queries)", move_check),
    ]
    results = {}
    for label, function in rows:
        median, worst, slots = measure(function, runs=50)
        results[label] = median
        print(f"{label:<52} {median:>10.1f} {worst:>9.1f} {len(slots):>6}")
    first = results[rows[0][0]]
    verdict = "met" if first < GOAL_MS else "MISSED"
    print(f"goal: one advisor under {GOAL_MS} ms: {verdict} ({first:.1f} ms)")


if __name__ == "__main__":
    main()
