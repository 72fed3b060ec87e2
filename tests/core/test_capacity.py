"""The shared capacity module (portal/core/capacity.py), on trainings' registrations.

The module sees querysets only; course dates are its first user, so the rows here are
trainings' (`Registration` written directly by the factory, without services or emails).
The concurrent tests need PostgreSQL's row locks.
"""

import pytest
from django.db import transaction

from portal.core import capacity
from tests.concurrency import run_together
from tests.factories import (
    CourseDateFactory,
    CourseFactory,
    MunicipalityFactory,
    RegistrationFactory,
)
from tests.trainings.conftest import make_course
from trainings.errors import TrainingError
from trainings.models import CourseDate, Registration, RegistrationStatus
from trainings.selectors import offer_for
from trainings.services import offer_refill

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


def rows(course, *statuses, municipality=None):
    """One registration per status, in this order (so ids follow the order of arrival)."""
    extra = {"municipality": municipality} if municipality is not None else {}
    return [RegistrationFactory(course=course, status=status, **extra) for status in statuses]


def seat(registration) -> int:
    """The smallest `promote`: confirm the row, return its id."""
    Registration.objects.filter(pk=registration.pk).update(status=CONFIRMED)
    return registration.pk


def pool_of(course, seats: int) -> capacity.Pool:
    """A pool described by hand, as any app would describe its own registrations."""
    registrations = Registration.objects.filter(course=course)
    return capacity.Pool(
        capacity=seats,
        holders=registrations.filter(status=CONFIRMED),
        waiting=registrations.filter(status=WAITLISTED),
    )


@pytest.fixture
def course(db):
    return CourseFactory()


def test_a_pool_counts_holders_only_and_never_below_zero_free(course):
    rows(course, CONFIRMED, CONFIRMED, WAITLISTED, CANCELLED)
    pool = pool_of(course, 3)
    assert (pool.taken(), pool.free(), pool.has_seat()) == (2, 1, True)
    assert (pool_of(course, 2).free(), pool_of(course, 2).has_seat()) == (0, False)
    assert pool_of(course, 1).free() == 0  # oversold by hand: still no negative seats
    assert [r.status for r in pool.counted_for_caps()] == [CONFIRMED, CONFIRMED, WAITLISTED]


def test_lock_returns_the_rows_in_the_order_of_their_ids(course):
    dates = [CourseDateFactory(course=course) for _ in range(3)]
    with transaction.atomic():
        locked = capacity.lock(CourseDate.objects.filter(course=course).order_by("-pk"))
    assert [d.pk for d in locked] == sorted(d.pk for d in dates)


def test_a_cap_refuses_with_its_own_sentence_counting_waiting_people_too(course):
    koeln, bonn = MunicipalityFactory(), MunicipalityFactory()
    rows(course, CONFIRMED, WAITLISTED, CANCELLED, municipality=koeln)
    rows(course, CONFIRMED, municipality=bonn)
    pool = pool_of(course, 10)

    def cap(municipality, limit):
        refusal = f"{municipality.name} already holds its {limit} seats."
        return capacity.Cap(
            field="municipality", value=municipality.pk, limit=limit, refusal=refusal
        )

    with pytest.raises(TrainingError) as refused:
        capacity.refuse_over_caps(pool, [cap(bonn, 2), cap(koeln, 2)], error=TrainingError)
    assert refused.value.message == f"{koeln.name} already holds its 2 seats."
    # Below the limit, without a limit, or without a value: no refusal.
    capacity.refuse_over_caps(pool, [cap(koeln, 3), cap(bonn, 2)], error=TrainingError)
    unlimited = capacity.Cap(field="municipality", value=koeln.pk, limit=None, refusal="x")
    no_value = capacity.Cap(field="municipality", value=None, limit=1, refusal="x")
    assert not unlimited.applies() and not no_value.applies()
    capacity.refuse_over_caps(pool, [unlimited, no_value], error=TrainingError)


def test_an_explicit_active_set_replaces_holders_and_waiting_for_caps(course):
    municipality = MunicipalityFactory()
    rows(course, CONFIRMED, WAITLISTED, municipality=municipality)
    registrations = Registration.objects.filter(course=course)
    pool = capacity.Pool(
        capacity=5,
        holders=registrations.filter(status=CONFIRMED),
        waiting=registrations.filter(status=WAITLISTED),
        active=registrations.filter(status=CONFIRMED),
    )
    cap = capacity.Cap(field="municipality", value=municipality.pk, limit=2, refusal="full")
    capacity.refuse_over_caps(pool, [cap], error=TrainingError)  # only one counts


def test_fill_seats_the_people_waiting_longest_as_many_as_are_free(course):
    seated = rows(course, CONFIRMED)
    waiting = rows(course, WAITLISTED, WAITLISTED, WAITLISTED, WAITLISTED)
    with transaction.atomic():
        assert capacity.fill(pool_of(course, 3), promote=seat) == [w.pk for w in waiting[:2]]
        assert capacity.fill(pool_of(course, 3), promote=seat) == []  # nothing free now
    assert pool_of(course, 3).taken() == 3
    assert set(Registration.objects.filter(status=WAITLISTED)) == set(waiting[2:])
    assert Registration.objects.get(pk=seated[0].pk).status == CONFIRMED


def test_positions_follow_arrival_and_leave_out_anyone_not_waiting(course):
    first, confirmed, second, cancelled, third = rows(
        course, WAITLISTED, CONFIRMED, WAITLISTED, CANCELLED, WAITLISTED
    )
    pool = pool_of(course, 1)
    assert [capacity.waitlist_position(pool, r) for r in (first, second, third)] == [1, 2, 3]
    assert capacity.waitlist_position(pool, confirmed) is None
    assert capacity.waitlist_position(pool, cancelled) is None


def test_trainings_offers_count_through_the_module(db, django_assert_num_queries):
    course = make_course(dates=2, capacity=2)
    rows(course, CONFIRMED, WAITLISTED, WAITLISTED)
    offer = offer_for(course)
    pool = offer.pool()
    assert (pool.capacity, pool.taken(), pool.free()) == (2, 1, 1)
    waiting = list(Registration.objects.filter(course=course, status=WAITLISTED))
    with django_assert_num_queries(1):
        assert capacity.waitlist_position(pool, waiting[1]) == 2


# Under real concurrency (PostgreSQL) ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_fills_never_oversell_and_seat_each_person_once():
    course = make_course(dates=1, capacity=5)
    rows(course, CONFIRMED)
    waiting = rows(course, *[WAITLISTED] * 12)

    def filling():
        with transaction.atomic():
            capacity.lock(CourseDate.objects.filter(course=course))
            return capacity.fill(pool_of(course, 5), promote=seat)

    outcomes = run_together([filling] * 10, workers=10)
    assert [kind for kind, _value in outcomes] == ["ok"] * 10
    promoted = [pk for _kind, value in outcomes for pk in value]
    assert sorted(promoted) == [w.pk for w in waiting[:4]]  # once each, longest waiting first
    assert pool_of(course, 5).taken() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refills_of_a_course_date_never_oversell():
    course = make_course(dates=2, capacity=3)
    rows(course, CONFIRMED)
    waiting = rows(course, *[WAITLISTED] * 8)
    CourseDate.objects.filter(course=course).update(capacity=6)

    outcomes = run_together([lambda: offer_refill(course=course)] * 8, workers=8)
    assert [kind for kind, _value in outcomes] == ["ok"] * 8
    promoted = [r.pk for _kind, value in outcomes for r in value]
    assert sorted(promoted) == [w.pk for w in waiting[:5]]
    assert offer_for(course).pool().taken() == 6
