"""Free slots: windows in Berlin time, the daylight-saving switch, buffers, notice, absences."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from portal.advisors.availability import (
    BERLIN,
    BookingRules,
    Busy,
    compute_slots,
    free_slots,
    next_free_slot,
    register_busy_source,
    unregister_busy_source,
)
from portal.advisors.models import Absence
from tests.factories import AdvisorProfileFactory

ADVISOR = 7


def window(weekday, start, end):
    return SimpleNamespace(weekday=weekday, start=start, end=end)


def absence(first, last):
    return SimpleNamespace(first_day=first, last_day=last)


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def slots_of(*, windows, rules=None, absences=(), busy=(), start, end, now=None):
    return compute_slots(
        advisor_id=ADVISOR,
        rules=rules or BookingRules(min_notice_hours=0),
        windows=windows,
        absences=absences,
        busy=[Busy(ADVISOR, b_start, b_end) for b_start, b_end in busy],
        start=start,
        end=end,
        now=now or start - timedelta(days=1),
    )


def local_times(slots):
    return [slot.start.astimezone(BERLIN).strftime("%a %d.%m. %H:%M") for slot in slots]


def test_slots_follow_the_wall_clock_across_the_switch_to_summer_time():
    # Clocks go forward on Sunday 29 March 2026, 02:00 -> 03:00.
    every_weekday = [window(day, time(9), time(11)) for day in range(7)]
    slots = slots_of(
        windows=every_weekday,
        rules=BookingRules(slot_minutes=60, buffer_minutes=0, min_notice_hours=0, daily_max=9),
        start=berlin(2026, 3, 27),
        end=berlin(2026, 3, 31),
    )

    assert local_times(slots) == [
        "Fri 27.03. 09:00",
        "Fri 27.03. 10:00",
        "Sat 28.03. 09:00",
        "Sat 28.03. 10:00",
        "Sun 29.03. 09:00",
        "Sun 29.03. 10:00",
        "Mon 30.03. 09:00",
        "Mon 30.03. 10:00",
    ]
    # 09:00 in winter is 08:00 UTC, in summer 07:00 UTC: stored instants are right.
    assert slots[0].start == datetime(2026, 3, 27, 8, tzinfo=UTC)
    assert slots[-2].start == datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert all(slot.end - slot.start == timedelta(hours=1) for slot in slots)


def test_a_window_across_the_night_of_the_switch_to_summer_time_is_an_hour_shorter():
    night = [window(6, time(1), time(5))]  # Sunday 01:00-05:00 local: 3 real hours on 29 March
    slots = slots_of(
        windows=night,
        rules=BookingRules(slot_minutes=60, buffer_minutes=0, min_notice_hours=0, daily_max=9),
        start=berlin(2026, 3, 29),
        end=berlin(2026, 3, 30),
    )

    assert local_times(slots) == ["Sun 29.03. 01:00", "Sun 29.03. 03:00", "Sun 29.03. 04:00"]


def test_slots_follow_the_wall_clock_across_the_switch_back_to_winter_time():
    # Clocks go back on Sunday 25 October 2026, 03:00 -> 02:00.
    weekdays = [window(day, time(14), time(16)) for day in range(5)]
    slots = slots_of(
        windows=weekdays,
        rules=BookingRules(slot_minutes=45, buffer_minutes=15, min_notice_hours=0),
        start=berlin(2026, 10, 22),
        end=berlin(2026, 10, 28),
    )

    assert local_times(slots) == [
        "Thu 22.10. 14:00",
        "Thu 22.10. 15:00",
        "Fri 23.10. 14:00",
        "Fri 23.10. 15:00",
        "Mon 26.10. 14:00",
        "Mon 26.10. 15:00",
        "Tue 27.10. 14:00",
        "Tue 27.10. 15:00",
    ]
    assert slots[0].start == datetime(2026, 10, 22, 12, tzinfo=UTC)  # summer: UTC+2
    assert slots[4].start == datetime(2026, 10, 26, 13, tzinfo=UTC)  # winter: UTC+1


def test_a_window_across_the_night_of_the_switch_back_is_an_hour_longer():
    night = [window(6, time(1), time(4))]  # Sunday 01:00-04:00 local: 4 real hours on 25 October
    slots = slots_of(
        windows=night,
        rules=BookingRules(slot_minutes=60, buffer_minutes=0, min_notice_hours=0, daily_max=9),
        start=berlin(2026, 10, 25),
        end=berlin(2026, 10, 26),
    )

    # 02:00 happens twice: once in summer time (00:00 UTC) and once in winter time (01:00 UTC).
    assert [slot.start.hour for slot in slots] == [23, 0, 1, 2]
    assert len(slots) == 4


def test_buffers_keep_distance_to_appointments_on_both_sides():
    monday = [window(0, time(8), time(14))]
    rules = BookingRules(slot_minutes=60, buffer_minutes=30, min_notice_hours=0, daily_max=9)
    # An appointment 10:30-11:30 blocks every slot that comes within 30 minutes of it.
    slots = slots_of(
        windows=monday,
        rules=rules,
        busy=[(berlin(2026, 12, 7, 10, 30), berlin(2026, 12, 7, 11, 30))],
        start=berlin(2026, 12, 7),
        end=berlin(2026, 12, 8),
    )

    # The grid is 08:00, 09:30, 11:00, 12:30 (60 minutes plus 30 of buffer).
    assert local_times(slots) == ["Mon 07.12. 08:00", "Mon 07.12. 12:30"]


def test_a_slot_ending_exactly_a_buffer_before_an_appointment_is_free():
    monday = [window(0, time(9), time(10))]
    rules = BookingRules(slot_minutes=60, buffer_minutes=15, min_notice_hours=0)
    slots = slots_of(
        windows=monday,
        rules=rules,
        busy=[(berlin(2026, 12, 7, 10, 15), berlin(2026, 12, 7, 11))],
        start=berlin(2026, 12, 7),
        end=berlin(2026, 12, 8),
    )

    assert local_times(slots) == ["Mon 07.12. 09:00"]


def test_minimum_notice_hides_slots_that_come_too_soon():
    weekdays = [window(day, time(9), time(12)) for day in range(5)]
    now = berlin(2026, 12, 7, 10, 30)  # Monday morning
    slots = slots_of(
        windows=weekdays,
        rules=BookingRules(slot_minutes=60, buffer_minutes=0, min_notice_hours=24),
        start=now,
        end=berlin(2026, 12, 9),
        now=now,
    )

    # Tuesday 09:00 and 10:00 are less than 24 hours away; 11:00 is the first allowed.
    assert local_times(slots) == ["Tue 08.12. 11:00"]


def test_the_booking_horizon_ends_the_offer():
    weekdays = [window(day, time(9), time(10)) for day in range(5)]
    now = berlin(2026, 12, 7, 8)
    slots = slots_of(
        windows=weekdays,
        rules=BookingRules(min_notice_hours=0, horizon_weeks=1),
        start=now,
        end=now + timedelta(weeks=10),
        now=now,
    )

    assert len(slots) == 5
    assert slots[-1].start < now + timedelta(weeks=1)


def test_absences_remove_whole_days_including_the_last_one():
    weekdays = [window(day, time(9), time(10)) for day in range(5)]
    slots = slots_of(
        windows=weekdays,
        absences=[absence(date(2026, 12, 8), date(2026, 12, 10))],
        start=berlin(2026, 12, 7),
        end=berlin(2026, 12, 14),
    )

    assert local_times(slots) == ["Mon 07.12. 09:00", "Fri 11.12. 09:00"]


def test_a_fully_booked_day_offers_nothing():
    monday = [window(0, time(9), time(12)), window(1, time(9), time(10))]
    booked = [
        (berlin(2026, 12, 7, 9), berlin(2026, 12, 7, 10)),
        (berlin(2026, 12, 7, 10, 15), berlin(2026, 12, 7, 11, 15)),
    ]
    rules = BookingRules(slot_minutes=60, buffer_minutes=15, min_notice_hours=0, daily_max=4)

    slots = slots_of(
        windows=monday, rules=rules, busy=booked, start=berlin(2026, 12, 7), end=berlin(2026, 12, 9)
    )

    # Monday's window holds 09:00, 10:15 and the slot from 11:30 runs past 12:00: all taken.
    assert local_times(slots) == ["Tue 08.12. 09:00"]


def test_the_daily_maximum_closes_a_day_with_free_hours_left():
    monday = [window(0, time(8), time(18))]
    booked = [(berlin(2026, 12, 7, 8), berlin(2026, 12, 7, 9))]
    rules = BookingRules(slot_minutes=60, buffer_minutes=0, min_notice_hours=0, daily_max=1)

    slots = slots_of(
        windows=monday, rules=rules, busy=booked, start=berlin(2026, 12, 7), end=berlin(2026, 12, 8)
    )

    assert slots == []


@pytest.mark.django_db
def test_two_advisors_merge_in_order_of_time_with_their_own_rules_and_appointments():
    early = AdvisorProfileFactory(windows=[(0, time(9), time(11))], buffer_minutes=0)
    late = AdvisorProfileFactory(
        windows=[(0, time(9, 30), time(11))], slot_minutes=45, buffer_minutes=0
    )
    Absence.objects.create(advisor=late, first_day=date(2026, 12, 14), last_day=date(2026, 12, 14))
    appointments = [Busy(early.pk, berlin(2026, 12, 7, 10), berlin(2026, 12, 7, 11))]

    def source(advisor_ids, start, end):
        return [busy for busy in appointments if busy.advisor_id in advisor_ids]

    register_busy_source(source)
    try:
        slots = free_slots(
            [early, late],
            start=berlin(2026, 12, 7),
            end=berlin(2026, 12, 15),
            now=berlin(2026, 12, 1),
        )
    finally:
        unregister_busy_source(source)

    assert [(s.advisor_id, s.start.astimezone(BERLIN).strftime("%d. %H:%M")) for s in slots] == [
        (early.pk, "07. 09:00"),
        (late.pk, "07. 09:30"),
        (late.pk, "07. 10:15"),
        (early.pk, "14. 09:00"),
        (early.pk, "14. 10:00"),
    ]


@pytest.mark.django_db
def test_the_next_free_slot_of_each_advisor(django_assert_max_num_queries):
    profiles = [AdvisorProfileFactory() for _ in range(3)]
    AdvisorProfileFactory(windows=[])  # no hours: no next slot
    now = berlin(2026, 12, 4, 12)  # Friday noon

    # Windows, absences, and the appointments of consultations' busy source.
    with django_assert_max_num_queries(3):
        earliest = next_free_slot(profiles, now=now)

    assert {slot.local_start.strftime("%a %H:%M") for slot in earliest.values()} == {"Mon 09:00"}
    assert set(earliest) == {profile.pk for profile in profiles}
