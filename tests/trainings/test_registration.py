"""Registering for courses: seats, the waitlist, its emails, caps, deadlines, duplicates."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.notifications.models import Notification, Status
from tests.factories import MunicipalityFactory, RegistrationFactory, UserFactory
from tests.trainings.conftest import dates_of, emails_about, make_course
from trainings import emails
from trainings.errors import TrainingError
from trainings.models import Registration, RegistrationStatus
from trainings.selectors import waitlist_position
from trainings.services import (
    FOLLOW_UP_AFTER,
    course_dates_changed,
    offer_refill,
    registration_cancel,
    registration_create,
)

pytestmark = pytest.mark.django_db

# TrainingError messages are translated; German is the default language, but the German
# catalogue may not hold them yet. Every assertion on a message accepts either language.
ALREADY = r"already registered|bereits angemeldet"
DEADLINE = r"deadline|Anmeldeschluss|Frist"


def fill(course, count, **kwargs):
    """`count` confirmed registrations written directly (no emails), each from elsewhere."""
    return [RegistrationFactory(course=course, **kwargs) for _ in range(count)]


def reminders_of(registration, date):
    return emails_about(date, emails.REMINDER).filter(user=registration.person)


def assert_confirmation_emails(registration, kind):
    """One confirmation of `kind`, a reminder per date and a follow-up after the last date."""
    course = registration.course
    dates = dates_of(course) if course.is_series else [registration.date]
    assert emails_about(registration, kind).count() == 1
    for date in dates:
        reminder = reminders_of(registration, date).get()
        assert reminder.status == Status.QUEUED
        assert reminder.due_at == date.start - timedelta(days=course.reminder_days)
        assert reminder.context == {"registration_id": registration.pk, "date_id": date.pk}
    follow_up = emails_about(registration, emails.FOLLOW_UP).get()
    assert follow_up.status == Status.QUEUED
    assert follow_up.due_at == dates[-1].end + FOLLOW_UP_AFTER


# --- Seats and the waitlist ----------------------------------------------------------------


def test_a_free_seat_confirms_and_writes_the_confirmation_reminders_and_follow_up(series, register):
    registration = register(series)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.confirmed_at is not None
    assert registration.date is None  # a series: one registration covers all three dates
    assert waitlist_position(registration) is None
    assert_confirmation_emails(registration, emails.REGISTERED)
    registered = emails_about(registration, emails.REGISTERED).get()
    assert registered.user == registration.person
    assert registered.due_at <= timezone.now()
    assert len(registered.calendar["events"]) == 3  # a calendar event for each date
    assert not emails_about(registration, emails.WAITLISTED).exists()
    assert Notification.objects.filter(user=registration.person).count() == 1 + 3 + 1


def test_a_single_date_confirmation_carries_a_calendar_entry(repeated, register):
    date = dates_of(repeated)[0]
    registration = register(repeated, date=date)

    assert registration.date == date
    assert_confirmation_emails(registration, emails.REGISTERED)
    entry = emails_about(registration, emails.REGISTERED).get().calendar
    assert entry["method"] == "REQUEST"
    assert entry["uid"] == f"course-date-{date.pk}@kommune-vielfalt"


def test_the_26th_on_a_full_25_seat_series_is_waitlisted_first(series, register):
    fill(series, 24)
    last_seat = register(series)
    assert last_seat.status == RegistrationStatus.CONFIRMED

    first_waiting = register(series)
    second_waiting = register(series)

    assert first_waiting.status == RegistrationStatus.WAITLISTED
    assert first_waiting.confirmed_at is None
    assert waitlist_position(first_waiting) == 1
    assert waitlist_position(second_waiting) == 2
    assert series.registrations.confirmed().count() == 25
    waitlisted = emails_about(first_waiting, emails.WAITLISTED).get()
    assert waitlisted.user == first_waiting.person
    assert waitlisted.context == {"registration_id": first_waiting.pk}
    # Nothing to remind of, nothing to follow up, while waiting.
    assert not emails_about(first_waiting, emails.REGISTERED).exists()
    assert not emails_about(first_waiting, emails.FOLLOW_UP).exists()
    for date in dates_of(series):
        assert not reminders_of(first_waiting, date).exists()


def test_a_seat_counts_the_smallest_capacity_of_the_series(register):
    course = make_course(dates=3, capacity=3)
    course.dates.filter(pk=dates_of(course)[1].pk).update(capacity=1)

    assert register(course).status == RegistrationStatus.CONFIRMED
    assert register(course).status == RegistrationStatus.WAITLISTED


def test_no_reminder_is_planned_for_a_date_closer_than_the_reminder_days(register):
    course = make_course(dates=1, reminder_days=30)  # the date is three weeks ahead
    registration = register(course)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert not emails_about(dates_of(course)[0], emails.REMINDER).exists()
    assert emails_about(registration, emails.FOLLOW_UP).exists()


# --- A cancellation promotes the first on the waitlist -------------------------------------


def test_a_cancellation_promotes_the_first_waiting_in_the_same_step(series, register):
    fill(series, 24)
    leaving = register(series)
    first, second = register(series), register(series)
    assert [first.status, second.status] == [RegistrationStatus.WAITLISTED] * 2

    promoted = registration_cancel(registration=leaving, by=leaving.person)

    assert [r.pk for r in promoted] == [first.pk]
    leaving.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert leaving.status == RegistrationStatus.CANCELLED
    assert leaving.cancelled_at is not None
    assert first.status == RegistrationStatus.CONFIRMED
    assert first.confirmed_at is not None
    assert second.status == RegistrationStatus.WAITLISTED
    assert waitlist_position(second) == 1
    assert series.registrations.confirmed().count() == 25

    # The promoted person: the promotion email, reminders for every date, the follow-up.
    assert_confirmation_emails(first, emails.PROMOTED)
    assert not emails_about(first, emails.REGISTERED).exists()
    # The one who left: a cancellation email; their reminders and follow-up are called off.
    assert emails_about(leaving, emails.CANCELLED).count() == 1
    for date in dates_of(series):
        assert reminders_of(leaving, date).get().status == Status.CANCELLED
        assert reminders_of(first, date).get().status == Status.QUEUED
    assert emails_about(leaving, emails.FOLLOW_UP).get().status == Status.CANCELLED
    # The registration email that already went out (or is on its way) stays.
    assert emails_about(leaving, emails.REGISTERED).get().status == Status.QUEUED


def test_leaving_the_waitlist_promotes_nobody(series, register):
    fill(series, 25)
    first, second = register(series), register(series)

    assert registration_cancel(registration=first, by=first.person) == []

    second.refresh_from_db()
    assert second.status == RegistrationStatus.WAITLISTED
    assert waitlist_position(second) == 1
    assert series.registrations.confirmed().count() == 25


def test_cancelling_twice_is_refused(series, register):
    registration = register(series)
    registration_cancel(registration=registration, by=registration.person)
    with pytest.raises(TrainingError, match=r"already been cancelled|bereits storniert"):
        registration_cancel(registration=registration, by=registration.person)


def test_nobody_else_may_cancel_a_registration(series, register, officer_factory):
    registration = register(series)
    stranger = officer_factory().user
    with pytest.raises(TrainingError):
        registration_cancel(registration=registration, by=stranger)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_raised_capacity_goes_to_the_waitlist_in_order(register):
    course = make_course(dates=3, capacity=2)
    confirmed = [register(course) for _ in range(2)]
    waiting = [register(course) for _ in range(4)]
    assert {r.status for r in confirmed} == {RegistrationStatus.CONFIRMED}
    assert {r.status for r in waiting} == {RegistrationStatus.WAITLISTED}
    first, second, third = dates_of(course)

    # Two more seats on two dates, one more on the third: the series has one more seat.
    course.dates.filter(pk__in=[first.pk, second.pk]).update(capacity=4)
    course.dates.filter(pk=third.pk).update(capacity=3)
    promoted = offer_refill(course=course)
    assert [r.pk for r in promoted] == [waiting[0].pk]

    # Now all dates have four seats: course_dates_changed hands out the next one.
    course.dates.filter(pk=third.pk).update(capacity=4)
    assert course_dates_changed(course=course) == 1

    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]
    for registration in waiting[:2]:
        assert_confirmation_emails(Registration.objects.get(pk=registration.pk), emails.PROMOTED)
    assert waitlist_position(Registration.objects.get(pk=waiting[2].pk)) == 1
    assert offer_refill(course=course) == []  # nothing more to hand out
    assert course.registrations.confirmed().count() == 4


def test_a_raised_capacity_of_one_date_of_a_repeated_course_fills_that_date(repeated, register):
    first, second = dates_of(repeated)
    repeated.dates.update(capacity=1)
    register(repeated, date=first)
    waiting_first = register(repeated, date=first)
    register(repeated, date=second)
    waiting_second = register(repeated, date=second)

    repeated.dates.filter(pk=first.pk).update(capacity=2)
    promoted = offer_refill(course=repeated, date=first)

    assert [r.pk for r in promoted] == [waiting_first.pk]
    waiting_second.refresh_from_db()
    assert waiting_second.status == RegistrationStatus.WAITLISTED
    with pytest.raises(TrainingError):  # a repeated course: which date?
        offer_refill(course=repeated)


# --- Seats per municipality ----------------------------------------------------------------


def test_a_municipality_holds_at_most_its_seats_and_waiting_counts(register, officer_factory):
    course = make_course(dates=3, capacity=1, seats_per_municipality=2)
    town = MunicipalityFactory(name="Kleinstadt")
    holder = register(course, officer_factory(town))
    waiting = register(course, officer_factory(town))
    assert holder.status == RegistrationStatus.CONFIRMED
    assert waiting.status == RegistrationStatus.WAITLISTED  # counts against the cap too

    third = officer_factory(town)
    with pytest.raises(TrainingError) as refused:
        register(course, third)
    message = refused.value.message
    assert str(town) in message
    assert "2" in message
    assert re.search(r"seat|Platz|Plätze", message)
    assert not course.registrations.filter(person=third.user).exists()

    # Someone from another municipality is accepted (on the waitlist: one seat only).
    elsewhere = register(course, officer_factory())
    assert elsewhere.status == RegistrationStatus.WAITLISTED

    # Once one of the town's registrations ends, the town may register again.
    registration_cancel(registration=holder, by=holder.person)
    assert register(course, third).status == RegistrationStatus.WAITLISTED


def test_without_a_cap_a_municipality_takes_any_number_of_seats(register, officer_factory):
    course = make_course(dates=1, capacity=5)
    town = MunicipalityFactory()
    statuses = {register(course, officer_factory(town)).status for _ in range(4)}
    assert statuses == {RegistrationStatus.CONFIRMED}


# --- Opening and deadline ------------------------------------------------------------------


def test_registration_after_the_deadline_is_refused(series, register, officer_factory):
    first = dates_of(series)[0]
    first.registration_deadline = first.start - timedelta(days=7)
    first.save()
    membership = officer_factory()

    with pytest.raises(TrainingError, match=DEADLINE):
        register(series, membership, now=first.registration_deadline)
    with pytest.raises(TrainingError, match=DEADLINE):
        register(series, membership, now=first.registration_deadline + timedelta(minutes=1))
    assert not series.registrations.exists()

    ok = register(series, membership, now=first.registration_deadline - timedelta(minutes=1))
    assert ok.status == RegistrationStatus.CONFIRMED


def test_without_a_deadline_registration_ends_when_the_first_date_starts(series, register):
    first = dates_of(series)[0]
    with pytest.raises(TrainingError, match=DEADLINE):
        register(series, now=first.start)


def test_registration_before_the_opening_is_refused(series, register, officer_factory):
    first = dates_of(series)[0]
    first.registration_opens = timezone.now() + timedelta(days=2)
    first.save()
    membership = officer_factory()

    with pytest.raises(TrainingError) as refused:
        register(series, membership)
    opens = timezone.localtime(first.registration_opens).strftime("%d.%m.%Y %H:%M")
    assert opens in refused.value.message
    assert re.search(r"opens|öffnet|beginnt|ab dem", refused.value.message)

    ok = register(series, membership, now=first.registration_opens)
    assert ok.status == RegistrationStatus.CONFIRMED


def test_after_the_deadline_only_a_coordinator_cancels(series, register):
    first = dates_of(series)[0]
    first.registration_deadline = first.start - timedelta(days=7)
    first.save()
    fill(series, 24)
    before = first.registration_deadline - timedelta(days=1)
    leaving = register(series, now=before)
    waiting = register(series, now=before)
    late = first.registration_deadline + timedelta(hours=1)

    with pytest.raises(TrainingError, match=DEADLINE):
        registration_cancel(registration=leaving, by=leaving.person, now=late)
    leaving.refresh_from_db()
    assert leaving.status == RegistrationStatus.CONFIRMED

    coordinator = UserFactory(roles=["coordinator"])
    promoted = registration_cancel(registration=leaving, by=coordinator, now=late)

    leaving.refresh_from_db()
    assert leaving.status == RegistrationStatus.CANCELLED
    assert [r.pk for r in promoted] == [waiting.pk]  # the course has not started yet


def test_a_seat_freed_after_the_start_is_not_handed_out(series, register):
    fill(series, 24)
    leaving = register(series)
    waiting = register(series)
    coordinator = UserFactory(roles=["coordinator"])

    started = dates_of(series)[0].start + timedelta(minutes=5)
    assert registration_cancel(registration=leaving, by=coordinator, now=started) == []
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED


# --- One active registration per person and course -----------------------------------------


def test_a_second_registration_for_the_same_course_is_refused(series, register, officer_factory):
    membership = officer_factory()
    first = register(series, membership)

    with pytest.raises(TrainingError, match=ALREADY):
        register(series, membership)
    assert series.registrations.filter(person=membership.user).count() == 1

    registration_cancel(registration=first, by=membership.user)
    again = register(series, membership)
    assert again.status == RegistrationStatus.CONFIRMED
    assert again.pk != first.pk


def test_one_date_of_a_repeated_course_per_person(repeated, register, officer_factory):
    first_date, second_date = dates_of(repeated)
    membership = officer_factory()
    register(repeated, membership, date=first_date)

    with pytest.raises(TrainingError, match=ALREADY):
        register(repeated, membership, date=second_date)


def test_the_database_holds_one_active_registration_per_course(series, officer_factory):
    person = officer_factory().user
    existing = RegistrationFactory(course=series, person=person)

    for status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        with (
            pytest.raises(
                IntegrityError, match=r"registration_one_active_per_course|UNIQUE constraint"
            ),
            transaction.atomic(),
        ):
            Registration.objects.create(course=series, person=person, status=status)

    # Ended registrations do not count: any number of them, and a fresh active one after.
    Registration.objects.create(course=series, person=person, status=RegistrationStatus.CANCELLED)
    Registration.objects.filter(pk=existing.pk).update(status=RegistrationStatus.CANCELLED)
    Registration.objects.create(course=series, person=person, status=RegistrationStatus.CONFIRMED)
    assert series.registrations.filter(person=person).active().count() == 1


# --- Who may register for what -------------------------------------------------------------


def test_an_unverified_membership_is_refused(series, register, officer_factory):
    pending = officer_factory(verified=False)
    with pytest.raises(TrainingError, match=r"confirmed|bestätigt"):
        register(series, pending)
    assert not series.registrations.exists()


def test_someone_elses_membership_is_refused(series, officer_factory):
    mine, theirs = officer_factory(), officer_factory()
    with pytest.raises(TrainingError):
        registration_create(person=mine.user, course=series, membership=theirs)


def test_an_unpublished_course_is_refused(series, register):
    series.published = False
    series.save()
    with pytest.raises(TrainingError):
        register(series)


def test_a_repeated_course_needs_one_of_its_dates(repeated, series, register, officer_factory):
    membership = officer_factory()
    with pytest.raises(TrainingError, match=r"date|Termin"):
        register(repeated, membership)
    with pytest.raises(TrainingError, match=r"date|Termin"):
        register(repeated, membership, date=dates_of(series)[0])
    assert not Registration.objects.exists()

    date = dates_of(repeated)[1]
    registration = register(repeated, membership, date=date)
    assert registration.date == date
    assert registration.municipality == membership.municipality


def test_a_series_ignores_a_given_date(series, register):
    registration = register(series, date=dates_of(series)[1])
    assert registration.date is None


def test_a_cancelled_date_of_a_repeated_course_takes_no_registrations(repeated, register):
    date = dates_of(repeated)[0]
    date.status = "cancelled"
    date.save()
    with pytest.raises(TrainingError, match=r"cancelled|abgesagt"):
        register(repeated, date=date)
