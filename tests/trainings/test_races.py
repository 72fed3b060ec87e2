"""Registrations and cancellations at the same moment, on PostgreSQL with real row locks
(`tests.concurrency`)."""

import time

import pytest

from portal.notifications.models import Notification
from tests.concurrency import run_together, watching
from tests.concurrency import verified_members as officers
from tests.trainings.conftest import make_course
from trainings import emails
from trainings.errors import TrainingError
from trainings.models import Registration, RegistrationStatus
from trainings.selectors import waitlist_position
from trainings.services import registration_cancel, registration_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_200_registrations_for_20_seats_make_20_confirmed_and_180_waiting_in_order():
    course = make_course(dates=3, capacity=20)
    memberships = officers(200)

    def registering(membership):
        return lambda: registration_create(
            person=membership.user, course=course, membership=membership
        )

    started = time.perf_counter()
    outcomes = run_together([registering(m) for m in memberships])
    elapsed = time.perf_counter() - started
    print(f"\n200 concurrent registrations took {elapsed:.2f} s")

    errors = [value for kind, value in outcomes if kind == "error"]
    assert errors == []
    registrations = list(Registration.objects.filter(course=course).order_by("pk"))
    assert len(registrations) == 200
    assert {r.person_id for r in registrations} == {m.user_id for m in memberships}
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == 20
    assert len(waiting) == 180

    # Order of arrival: the first twenty got the seats, the waitlist follows the ids.
    assert max(r.pk for r in confirmed) < min(r.pk for r in waiting)
    assert [waitlist_position(r) for r in waiting] == list(range(1, 181))
    created = [r.created_at for r in registrations]
    assert created == sorted(created), "registered-at times go back against the arrival order"

    # Each got the email of their outcome, exactly once.
    sent = Notification.objects.filter(user__in=[m.user for m in memberships])
    assert sent.filter(kind=emails.REGISTERED).count() == 20
    assert sent.filter(kind=emails.WAITLISTED).count() == 180
    assert sent.filter(kind=emails.PROMOTED).count() == 0
    assert sent.filter(kind=emails.REMINDER).count() == 20 * 3


def test_cancellations_during_registrations_give_each_seat_to_the_first_waiting():
    course = make_course(dates=3, capacity=20)
    # Set up one after the other: twenty seats taken, ten waiting.
    seated = []
    for membership in officers(20):
        seated.append(
            registration_create(person=membership.user, course=course, membership=membership)
        )
    waiting = []
    for membership in officers(10):
        waiting.append(
            registration_create(person=membership.user, course=course, membership=membership)
        )
    assert {r.status for r in seated} == {RegistrationStatus.CONFIRMED}
    assert {r.status for r in waiting} == {RegistrationStatus.WAITLISTED}
    leaving = seated[:10]
    newcomers = officers(10)

    def cancelling(registration):
        return lambda: (
            "cancel",
            registration_cancel(registration=registration, by=registration.person),
        )

    def registering(membership):
        return lambda: (
            "register",
            registration_create(person=membership.user, course=course, membership=membership),
        )

    # Interleaved, so that cancellations and registrations really meet.
    tasks = []
    for registration, membership in zip(leaving, newcomers, strict=True):
        tasks += [cancelling(registration), registering(membership)]
    # Someone watching the seat count all along: it never goes above twenty.
    with watching(lambda: Registration.objects.filter(course=course).confirmed().count()) as seen:
        outcomes = run_together(tasks, workers=len(tasks))

    errors = [value for kind, value in outcomes if kind == "error"]
    assert errors == []
    assert seen and max(seen) <= 20

    promoted = [r.pk for kind, (what, value) in outcomes if what == "cancel" for r in value]
    assert len(promoted) == len(set(promoted)) == 10, "a seat went to nobody or to two people"
    assert set(promoted) == {r.pk for r in waiting}, "the seats skipped someone waiting longer"

    registrations = Registration.objects.filter(course=course)
    assert registrations.confirmed().count() == 20
    assert set(registrations.confirmed().values_list("pk", flat=True)) == {
        r.pk for r in seated[10:] + waiting
    }
    assert set(
        registrations.filter(status=RegistrationStatus.CANCELLED).values_list("pk", flat=True)
    ) == {r.pk for r in leaving}
    # The newcomers wait behind the people promoted, in the order they arrived.
    late = list(registrations.waitlisted())
    assert {r.person_id for r in late} == {m.user_id for m in newcomers}
    assert [waitlist_position(r) for r in late] == list(range(1, 11))
    assert min(r.pk for r in late) > max(r.pk for r in waiting)
    # Each person promoted was told once, and got reminders once.
    for registration in waiting:
        assert Notification.objects.about(registration).filter(kind=emails.PROMOTED).count() == 1
        assert (
            Notification.objects.filter(user=registration.person, kind=emails.REMINDER).count() == 3
        )


def test_one_person_registering_for_two_dates_at_once_gets_one_seat_and_a_clear_refusal():
    course = make_course(dates=2, capacity=25, is_series=False)
    first, second = course.dates.order_by("start")
    people = officers(10)

    def registering(membership, date):
        return lambda: registration_create(
            person=membership.user, course=course, date=date, membership=membership
        )

    tasks = []
    for membership in people:
        tasks += [registering(membership, first), registering(membership, second)]
    outcomes = run_together(tasks, workers=len(tasks))

    for index, membership in enumerate(people):
        pair = outcomes[2 * index : 2 * index + 2]
        kinds = sorted(kind for kind, _value in pair)
        assert kinds == ["error", "ok"], pair
        error = next(value for kind, value in pair if kind == "error")
        assert type(error) is TrainingError, repr(error)  # no IntegrityError leaks out
        assert "already registered" in error.message or "bereits angemeldet" in error.message, (
            error.message
        )
        assert Registration.objects.filter(course=course, person=membership.user).count() == 1
