"""Calling off a course date: everyone is told once, reminders and follow-ups follow."""

from datetime import timedelta

import pytest

from portal.notifications.models import Notification, Status
from tests.trainings.conftest import dates_of, emails_about, make_course
from trainings import emails
from trainings.errors import TrainingError
from trainings.models import DateStatus, Registration, RegistrationStatus
from trainings.services import FOLLOW_UP_AFTER, course_date_cancel, registration_cancel

pytestmark = pytest.mark.django_db

ALREADY_CANCELLED = r"already been cancelled|bereits abgesagt|bereits storniert"


def fresh(registration):
    return Registration.objects.get(pk=registration.pk)


def told(registration, date=None):
    """The date-cancelled emails a registration got (about one date, if given)."""
    rows = emails_about(registration, emails.DATE_CANCELLED)
    if date is not None:
        rows = rows.filter(context__date_id=date.pk)
    return rows


def reminder_statuses(date):
    return set(emails_about(date, emails.REMINDER).values_list("status", flat=True))


def test_a_repeated_courses_date_is_called_off_for_everyone_once(register, coordinator):
    course = make_course(dates=2, capacity=2, is_series=False)
    date, other_date = dates_of(course)
    seated = [register(course, date=date) for _ in range(2)]
    waiting = register(course, date=date)
    elsewhere = register(course, date=other_date)
    assert waiting.status == RegistrationStatus.WAITLISTED
    assert reminder_statuses(date) == {Status.QUEUED}

    count = course_date_cancel(date=date, by=coordinator, reason="  Die Referentin ist krank. ")

    assert count == 3
    date.refresh_from_db()
    assert date.status == DateStatus.CANCELLED
    assert date.cancelled_reason == "Die Referentin ist krank."
    for registration in [*seated, waiting]:
        email = told(registration).get()  # exactly one
        assert email.user == registration.person
        assert email.status == Status.QUEUED
        assert email.context["date_id"] == date.pk
        assert email.context["ends_registration"] is True
        assert fresh(registration).status == RegistrationStatus.CALLED_OFF
        assert fresh(registration).cancelled_at is not None
    # Confirmed participants get the calendar entry removed; those waiting never had one.
    for registration in seated:
        assert told(registration).get().calendar["method"] == "CANCEL"
        assert emails_about(registration, emails.FOLLOW_UP).get().status == Status.CANCELLED
    assert told(waiting).get().calendar is None
    assert reminder_statuses(date) == {Status.CANCELLED}

    # The other date goes on untouched.
    assert fresh(elsewhere).status == RegistrationStatus.CONFIRMED
    assert not told(elsewhere).exists()
    assert reminder_statuses(other_date) == {Status.QUEUED}
    assert emails_about(elsewhere, emails.FOLLOW_UP).get().status == Status.QUEUED

    # A second call is refused and tells nobody again.
    before = Notification.objects.count()
    with pytest.raises(TrainingError, match=ALREADY_CANCELLED):
        course_date_cancel(date=date, by=coordinator)
    assert Notification.objects.count() == before
    for registration in [*seated, waiting]:
        assert told(registration).count() == 1


def test_a_series_date_is_called_off_and_the_series_goes_on(register, coordinator):
    course = make_course(dates=3, capacity=2)
    first, middle, last = dates_of(course)
    seated = [register(course) for _ in range(2)]
    waiting = register(course)
    assert waiting.status == RegistrationStatus.WAITLISTED
    everyone = [*seated, waiting]

    assert course_date_cancel(date=middle, by=coordinator) == 3

    for registration in everyone:
        email = told(registration, middle).get()
        assert email.context["ends_registration"] is False
        assert fresh(registration).status == registration.status  # still registered
    assert reminder_statuses(middle) == {Status.CANCELLED}
    assert reminder_statuses(first) == reminder_statuses(last) == {Status.QUEUED}
    for registration in seated:
        follow_up = emails_about(registration, emails.FOLLOW_UP).get()
        assert follow_up.status == Status.QUEUED
        assert follow_up.due_at == last.end + FOLLOW_UP_AFTER  # the last date still stands

    # The last date called off: the follow-up moves to the day after the remaining date.
    assert course_date_cancel(date=last, by=coordinator) == 3
    for registration in seated:
        follow_up = emails_about(registration, emails.FOLLOW_UP).get()
        assert follow_up.status == Status.QUEUED
        assert follow_up.due_at == first.end + FOLLOW_UP_AFTER
        assert fresh(registration).status == RegistrationStatus.CONFIRMED
    assert reminder_statuses(last) == {Status.CANCELLED}
    assert reminder_statuses(first) == {Status.QUEUED}
    for registration in everyone:
        assert told(registration).count() == 2  # once per cancelled date

    # The only date left called off too: the registrations end.
    assert course_date_cancel(date=first, by=coordinator) == 3
    for registration in everyone:
        assert fresh(registration).status == RegistrationStatus.CALLED_OFF
        assert told(registration, first).get().context["ends_registration"] is True
        assert told(registration).count() == 3
    for registration in seated:
        assert emails_about(registration, emails.FOLLOW_UP).get().status == Status.CANCELLED
    assert reminder_statuses(first) == {Status.CANCELLED}
    assert not Notification.objects.filter(kind=emails.REMINDER, status=Status.QUEUED).exists()


def test_a_cancelled_registration_is_not_told(register, coordinator):
    course = make_course(dates=1, capacity=5, is_series=False)
    date = dates_of(course)[0]
    staying, leaving = register(course, date=date), register(course, date=date)
    registration_cancel(registration=leaving, by=leaving.person)

    assert course_date_cancel(date=date, by=coordinator) == 1
    assert told(staying).count() == 1
    assert not told(leaving).exists()
    assert fresh(leaving).status == RegistrationStatus.CANCELLED


def test_only_coordinators_cancel_a_date(series, register, officer_factory):
    registration = register(series)
    date = dates_of(series)[0]
    before = Notification.objects.count()

    for someone in (registration.person, officer_factory().user):
        with pytest.raises(TrainingError, match=r"coordinator|Koordin"):
            course_date_cancel(date=date, by=someone)

    date.refresh_from_db()
    assert date.status == DateStatus.SCHEDULED
    assert Notification.objects.count() == before
    assert fresh(registration).status == RegistrationStatus.CONFIRMED


def test_a_date_closer_than_the_reminder_has_nothing_to_cancel_but_still_tells(
    register, coordinator
):
    course = make_course(dates=1, is_series=False, reminder_days=30)
    date = dates_of(course)[0]
    registration = register(course, date=date)
    assert not emails_about(date, emails.REMINDER).exists()

    assert course_date_cancel(date=date, by=coordinator, now=date.start - timedelta(days=1)) == 1
    assert told(registration).count() == 1
