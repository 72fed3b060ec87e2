"""The demo programme and courses of `manage.py seed_demo`, as behaviour: spread over
formats and states, a full course with a waitlist, someone moved up, a held course attended
and certified, every change through a service (with its audit entry and emails), the demo
officer's registrations, idempotent."""

import pytest
from django.utils import timezone

from portal.accounts import demo as accounts_demo
from portal.accounts.models import Membership, User
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.demo import seeded
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
from trainings.selectors import attended_dates, module_completed, offer_for, waitlist_position
from trainings.services import certificate_for_registration

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """Seed the demo people and courses once for the module."""
    with seeded(django_db_blocker, trainings_demo.seed):
        yield


def officer():
    return User.objects.get(email=trainings_demo.KOELN)


def offers():
    """Every offer of every demo course: the series, or each date of a repeated course."""
    for course in Course.objects.prefetch_related("dates"):
        for date in [None] if course.is_series else list(course.dates.all()):
            yield offer_for(course, date)


def test_a_published_programme_of_modules_each_with_a_course():
    programme = Programme.objects.get(slug=trainings_demo.DATA["programme"]["slug"])
    assert programme.published
    assert programme.completion_rule == CompletionRule.ALL
    positions = list(programme.modules.values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1)) and len(positions) >= 2
    assert not programme.modules.filter(courses__isnull=True).exists()


def test_published_courses_across_formats_and_states_each_published_by_the_coordinator():
    courses = Course.objects.published()
    assert courses.count() == Course.objects.count() >= 2
    assert len(set(courses.values_list("format", flat=True))) >= 2
    states = set(CourseDate.objects.exclude(state="").values_list("state", flat=True))
    assert len(states) >= 2
    assert courses.filter(is_series=True).exists()
    assert courses.filter(is_series=False).exists()
    coordinator = User.objects.get(email=accounts_demo.COORDINATORS[0][0])
    for course in courses:
        assert course.summary and course.description and course.target_group
        assert len(course.goals) >= 2
        assert course.topics.exists()
        assert course.coordinator == coordinator
        assert course.dates.exists()
        published = AuditEntry.objects.for_object(course).get(action="course.publish")
        assert published.actor == coordinator
        for date in course.dates.all():
            assert AuditEntry.objects.for_object(date).filter(action="course_date.create")


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
    assert Question.objects.filter(kind=Question.Kind.TEXT).exists()
    assert Question.objects.filter(kind=Question.Kind.YES_NO).exists()
    choice = Question.objects.filter(kind=Question.Kind.CHOICE).first()
    assert len(choice.options) >= 2
    answered = Registration.objects.filter(course=choice.course).first()
    assert [answer["question"] for answer in answered.answers] == list(
        choice.course.questions.values_list("label", flat=True)
    )


def test_a_full_course_has_a_waitlist_and_confirmed_never_exceed_the_seats():
    full = []
    for offer in offers():
        confirmed = offer.registrations().confirmed().count()
        assert confirmed <= offer.capacity
        if offer.registrations().waitlisted().exists():
            assert confirmed == offer.capacity
            full.append(offer)
    assert full
    waiting = full[0].registrations().waitlisted()
    assert [waitlist_position(r) for r in waiting] == list(range(1, waiting.count() + 1))
    for registration in waiting:
        assert Notification.objects.about(registration).filter(kind=emails.WAITLISTED).exists()


def test_someone_moved_up_when_a_seat_was_freed():
    cancel = AuditEntry.objects.get(action="registration.cancel")
    left = Registration.objects.get(pk=cancel.object_id)
    assert left.status == RegistrationStatus.CANCELLED
    assert cancel.actor == left.person
    promote = AuditEntry.objects.get(action="registration.promote")
    promoted = Registration.objects.get(pk=promote.object_id)
    assert (promoted.course, promoted.date) == (left.course, left.date)
    assert promoted.status == RegistrationStatus.CONFIRMED
    assert promote.details == {"reason": "seat_freed"}
    assert Notification.objects.about(promoted).filter(kind=emails.PROMOTED).exists()


def test_the_three_date_workshop_keeps_seats_free_for_the_reviewer():
    workshop = Course.objects.get(slug="werkstatt-muslimisches-leben-koeln")
    offer = offer_for(workshop)
    assert workshop.is_series and len(offer.dates) == 3
    assert offer.is_open(timezone.now())
    assert 0 < offer.registrations().confirmed().count() < offer.capacity
    assert not workshop.registrations.filter(person=officer()).exists()


def test_every_registration_went_through_the_service_with_its_emails_and_entry():
    for registration in Registration.objects.all():
        created = AuditEntry.objects.for_object(registration).get(action="registration.create")
        assert created.actor == registration.person
        assert created.at == registration.created_at
        kinds = set(Notification.objects.about(registration).values_list("kind", flat=True))
        if registration.is_guest:
            assert emails.GUEST_CONFIRM in kinds  # the double opt-in request
        if registration.status == RegistrationStatus.CONFIRMED:
            assert kinds & {emails.REGISTERED, emails.PROMOTED}
            assert emails.FOLLOW_UP in kinds or registration.is_guest
        elif registration.status == RegistrationStatus.WAITLISTED:
            assert emails.WAITLISTED in kinds


def test_the_held_course_was_registered_for_attended_and_certified_through_the_services():
    now = timezone.now()
    course = Course.objects.filter(dates__end__lt=now).distinct().get()
    dates = list(course.dates.order_by("start"))
    coordinator = User.objects.get(email=accounts_demo.COORDINATORS[0][0])
    registrations = list(course.registrations.all())
    assert registrations
    for registration in registrations:
        assert registration.status == RegistrationStatus.CONFIRMED
        assert registration.created_at < dates[0].start
        # Its follow-up (certificate and feedback link) is due now.
        follow_up = Notification.objects.about(registration).get(kind=emails.FOLLOW_UP)
        assert follow_up.due_at <= now
    for date in dates:
        recorded = AuditEntry.objects.for_object(date).filter(action="attendance.record")
        assert recorded.count() == date.attendances.count() == len(registrations)
        assert {entry.actor for entry in recorded} == {coordinator}
    assert Attendance.objects.filter(date__course=course, present=False).exists()
    certificates = Certificate.objects.filter(registration__course=course)
    assert certificates.exists()
    for certificate in certificates:
        issued = AuditEntry.objects.for_object(certificate).get(action="certificate.issue")
        assert issued.actor == certificate.person
        assert certificate.issued_at > dates[-1].end


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
    assert not Certificate.objects.filter(registration=attended).exists()  # hers is to download

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
        AuditEntry.objects.count(),
    )


def test_running_the_demo_again_creates_nothing():
    before = counts()

    accounts_demo.seed()
    trainings_demo.seed()

    assert counts() == before


def test_the_public_lecture_has_guests_confirmed_and_not_yet():
    course = Course.objects.get(open_to_public=True)
    guests = course.registrations.guests()
    assert guests.filter(status=RegistrationStatus.CONFIRMED).count() == 3
    assert guests.filter(status=RegistrationStatus.UNCONFIRMED).count() == 1
    # The unconfirmed guest holds a seat until the beat task expires it.
    assert offer_for(course).pool().taken() == course.registrations.holding_seats().count()
