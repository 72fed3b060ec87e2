"""The demo programme and courses of `manage.py seed_demo`: spread, full courses with
waitlists, the demo officer's registrations, idempotent."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from portal.accounts import demo as accounts_demo
from portal.accounts.models import Membership, Municipality, User
from portal.notifications.models import Notification
from trainings import demo as trainings_demo
from trainings import emails
from trainings.models import (
    Attendance,
    Certificate,
    CompletionRule,
    Course,
    CourseDate,
    Module,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
)
from trainings.services import (
    attended_dates,
    certificate_for_registration,
    module_completed,
    offer_for,
    waitlist_position,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """Seed the demo people and courses once for the module, inside a transaction that is
    rolled back afterwards; each test runs in a savepoint within it.

    Instead of importing the whole municipality register (seconds), only the municipalities
    the demo people work for are created.
    """
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    codes = {officer[2] for officer in accounts_demo.OFFICERS} | {
        entry[2] for entry in trainings_demo.PARTICIPANTS
    }
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        Municipality.objects.bulk_create(
            [
                Municipality(
                    ags=ags, name=f"Demostadt {ags}", state=ags[:2], kind=Municipality.Kind.STADT
                )
                for ags in sorted(codes)
            ]
        )
        accounts_demo.seed()
        trainings_demo.seed()
        yield
        transaction.set_rollback(True)


def officer():
    return User.objects.get(email=trainings_demo.KOELN)


def offers():
    """Every offer of every demo course: the series, or each date of a repeated course."""
    for course in Course.objects.prefetch_related("dates"):
        for date in [None] if course.is_series else list(course.dates.all()):
            yield offer_for(course, date)


def test_one_published_programme_with_four_modules():
    programme = Programme.objects.get()
    assert programme.published
    assert programme.completion_rule == CompletionRule.ALL
    assert list(programme.modules.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert Module.objects.count() == 4
    assert Module.objects.filter(courses__isnull=False).distinct().count() == 4


def test_ten_published_courses_across_formats_and_states():
    courses = Course.objects.published()
    assert courses.count() == 10 == Course.objects.count()
    assert len(set(courses.values_list("format", flat=True))) >= 2
    states = set(CourseDate.objects.exclude(state="").values_list("state", flat=True))
    assert len(states) >= 4
    assert courses.filter(is_series=True).exists()
    assert courses.filter(is_series=False).exists()
    coordinator = User.objects.get(email=accounts_demo.COORDINATORS[0][0])
    for course in courses:
        assert course.summary and course.description and course.target_group
        assert len(course.goals) >= 2
        assert course.topics.exists()
        assert course.coordinator == coordinator
        assert course.reminder_days == 3
        assert course.dates.exists()


def test_dates_are_ahead_except_for_one_held_course():
    now = timezone.now()
    held = Course.objects.filter(dates__end__lt=now).distinct()
    assert held.count() == 1
    assert not held.get().dates.filter(end__gte=now).exists()
    for date in CourseDate.objects.all():
        local = timezone.localtime(date.start)
        assert local.weekday() < 5
        assert local.minute in (0, 30) and local.second == 0
        if date.online:
            assert date.video_link.startswith("https://video.example/")
        else:
            assert date.venue and date.town and date.state


def test_some_courses_ask_questions_and_store_the_answers():
    assert Question.objects.filter(label="Barrierefreiheit: Was brauchen Sie?").exists()
    choice = Question.objects.get(label="Verpflegung", course__slug__contains="koeln")
    assert len(choice.options) >= 2
    assert Question.objects.filter(kind=Question.Kind.YES_NO).exists()
    answered = Registration.objects.filter(course=choice.course).first()
    assert [answer["question"] for answer in answered.answers] == list(
        choice.course.questions.values_list("label", flat=True)
    )


def test_full_courses_have_a_waitlist_and_confirmed_never_exceed_the_seats():
    full = 0
    for offer in offers():
        confirmed = offer.registrations().confirmed().count()
        assert confirmed <= offer.capacity
        if offer.registrations().waitlisted().exists():
            assert confirmed == offer.capacity
            full += 1
    assert full >= 1
    # A 12-seat course, full, with three waiting.
    leipzig = offer_for(Course.objects.get(slug="empowerment-von-frauen-leipzig"))
    assert leipzig.capacity == 12
    assert leipzig.registrations().confirmed().count() == 12
    assert leipzig.registrations().waitlisted().count() == 3


def test_the_three_date_workshop_keeps_seats_free_for_the_reviewer():
    workshop = Course.objects.get(slug="werkstatt-muslimisches-leben-koeln")
    offer = offer_for(workshop)
    assert workshop.is_series and len(offer.dates) == 3 and offer.capacity == 25
    assert offer.is_open(timezone.now())
    assert offer.registrations().confirmed().count() == 20
    assert not workshop.registrations.filter(person=officer()).exists()


def test_registrations_of_upcoming_courses_wrote_their_emails():
    upcoming = Registration.objects.filter(course__dates__start__gt=timezone.now()).distinct()
    for registration in upcoming.filter(status=RegistrationStatus.CONFIRMED):
        kinds = set(Notification.objects.about(registration).values_list("kind", flat=True))
        assert kinds & {emails.REGISTERED, emails.PROMOTED}
        assert emails.FOLLOW_UP in kinds
    for registration in upcoming.filter(status=RegistrationStatus.WAITLISTED):
        assert Notification.objects.about(registration).filter(kind=emails.WAITLISTED).exists()
    assert Notification.objects.filter(kind=emails.PROMOTED).exists()


def test_the_demo_officer_has_a_seat_a_waitlist_place_and_an_attended_course():
    person = officer()
    membership = Membership.objects.verified().get(user=person)
    mine = Registration.objects.filter(person=person)
    now = timezone.now()

    confirmed = (
        mine.filter(status=RegistrationStatus.CONFIRMED, course__dates__start__gt=now)
        .distinct()
        .get()
    )
    assert confirmed.course.is_series
    assert confirmed.municipality == membership.municipality

    waiting = mine.get(status=RegistrationStatus.WAITLISTED)
    assert waitlist_position(waiting) >= 1

    attended = (
        mine.filter(status=RegistrationStatus.CONFIRMED, course__dates__end__lt=now)
        .distinct()
        .get()
    )
    dates = list(attended.course.dates.all())
    assert len(attended_dates(attended)) == len(dates) >= 2
    assert all(
        a.present and a.recorded_by.groups.filter(name="coordinator").exists()
        for a in Attendance.objects.filter(registration=attended)
    )
    assert module_completed(attended)
    assert Certificate.objects.filter(registration__course=attended.course).exists()

    certificate = certificate_for_registration(registration=attended)
    assert certificate.name == person.full_name
    assert len(certificate.details["dates"]) == len(dates)


def counts():
    return (
        User.objects.count(),
        Membership.objects.count(),
        Programme.objects.count(),
        Module.objects.count(),
        Course.objects.count(),
        CourseDate.objects.count(),
        Question.objects.count(),
        Registration.objects.count(),
        Attendance.objects.count(),
        Certificate.objects.count(),
        Notification.objects.count(),
    )


def test_running_the_demo_again_creates_nothing():
    before = counts()

    accounts_demo.seed()
    trainings_demo.seed()

    assert counts() == before
