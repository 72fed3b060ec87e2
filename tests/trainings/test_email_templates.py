"""What the emails of course registrations say, written by the real services and rendered."""

import re
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from portal.notifications.models import Notification
from portal.notifications.rendering import render_notification
from tests.factories import (
    CourseDateFactory,
    CourseFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
)
from trainings import emails
from trainings.links import registration_from_feedback_token
from trainings.services import (
    attendance_record,
    course_date_cancel,
    feedback_submit,
    registration_cancel,
    registration_create,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
# The emails name their days ("Montag, 2. Juni 2031"), so the dates are fixed and the clock
# is set to a morning some weeks before them.
NOW = datetime(2031, 5, 5, 10, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


TITLE = "Konfliktkommunikation im Stadtteil"
VIDEO_LINK = "https://meet.example/werkstatt-2"
REASON = "Die Referentin ist erkrankt & der Raum fehlt."
LINK = re.compile(r"https?://[^\s<>\"]+")

# The series' first date, in person, Monday 2 June 2031 (summer time): its deadline counts.
FIRST_DAY_EN = "Monday, 2 June 2031"
FIRST_DAY_DE = "Montag, 2. Juni 2031"
# The second date, online, Monday 16 June 2031.
SECOND_DAY_EN = "Monday, 16 June 2031"
SECOND_DAY_DE = "Montag, 16. Juni 2031"


def everything(rendered) -> str:
    return "\n".join([rendered.subject, rendered.body_text, rendered.body_html])


def url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def render(notification, language="en"):
    """Render an outbox row as the worker would, in the recipient's language."""
    user = notification.user
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return render_notification(Notification.objects.get(pk=notification.pk))


def outbox(kind, person, **context) -> Notification:
    rows = Notification.objects.filter(kind=kind, user=person)
    rows = [row for row in rows if all(row.context.get(k) == v for k, v in context.items())]
    (row,) = rows
    return row


def assert_clean(rendered, language):
    text = everything(rendered)
    assert "{%" not in text
    assert "{{" not in text
    assert "%}" not in text
    assert "}}" not in text
    assert "\n" not in rendered.subject
    assert f'<html lang="{language}">' in rendered.body_html
    assert rendered.message.extra_headers["Content-Language"] == language


@pytest.fixture
def course(db):
    """A two-date series with one seat: in Stuttgart first, online second."""
    course = CourseFactory(title=TITLE, slug="konfliktkommunikation")
    CourseDateFactory(
        course=course,
        start=datetime(2031, 6, 2, 9, 30, tzinfo=BERLIN),
        end=datetime(2031, 6, 2, 16, 0, tzinfo=BERLIN),
        registration_deadline=datetime(2031, 5, 26, 12, 0, tzinfo=BERLIN),
        capacity=1,
    )
    CourseDateFactory(
        course=course,
        start=datetime(2031, 6, 16, 14, 0, tzinfo=BERLIN),
        end=datetime(2031, 6, 16, 17, 30, tzinfo=BERLIN),
        online=True,
        venue="",
        address="",
        town="",
        video_link=VIDEO_LINK,
        capacity=1,
    )
    return course


@pytest.fixture
def first_date(course):
    return course.dates.order_by("start").first()


@pytest.fixture
def second_date(course):
    return course.dates.order_by("start").last()


@pytest.fixture
def coordinator_user(db):
    return UserFactory(roles=["coordinator"], full_name="Mara Schulte")


def participant(name):
    membership = MembershipFactory(
        user=UserFactory(roles=["integration_officer"], full_name=name),
        municipality=MunicipalityFactory(name=f"Stadt von {name}"),
        verified=True,
    )
    return membership


def sign_up(course, name):
    membership = participant(name)
    return registration_create(person=membership.user, course=course, membership=membership)


@pytest.fixture
def confirmed(course):
    """Jana Becker holds the only seat."""
    return sign_up(course, "Jana Becker")


@pytest.fixture
def waiting(course, confirmed):
    """Tobias Wendt is first on the waitlist, Ina Officer second."""
    return sign_up(course, "Tobias Wendt"), sign_up(course, "Ina Officer")


# --- Registered, waitlisted, promoted, cancelled -------------------------------------------


def test_registered_lists_every_date_with_place_video_link_and_deadline(confirmed):
    rendered = render(outbox(emails.REGISTERED, confirmed.person))

    assert rendered.subject == f"Registration confirmed: {TITLE}"
    assert rendered.body_text.startswith("Hello Jana Becker,")
    assert f"your registration for the course “{TITLE}” is confirmed" in rendered.body_text
    assert "Your registration covers these 2 dates:" in rendered.body_text
    assert f"- {FIRST_DAY_EN}, 09:30 to 16:00" in rendered.body_text
    assert "Place: Forum am Schlossgarten, Schlossstraße 1, Stuttgart" in rendered.body_text
    assert f"- {SECOND_DAY_EN}, 14:00 to 17:30" in rendered.body_text
    assert "Place: Online" in rendered.body_text
    assert f"Video link: {VIDEO_LINK}" in rendered.body_text
    assert f'href="{VIDEO_LINK}"' in rendered.body_html
    assert (
        "You can cancel your registration until Monday, 26 May 2031, 12:00, under “My courses”"
        in rendered.body_text
    )
    mine = url(reverse("trainings:mine"))
    page = url(reverse("trainings:course", args=[confirmed.course.slug]))
    assert f"My courses: {mine}" in rendered.body_text
    assert f'href="{mine}"' in rendered.body_html
    assert f"View the course: {page}" in rendered.body_text
    assert f'href="{page}"' in rendered.body_html
    assert_clean(rendered, "en")


def test_registered_in_german_shows_dates_in_german(confirmed):
    rendered = render(outbox(emails.REGISTERED, confirmed.person), "de")

    assert TITLE in rendered.subject
    assert rendered.body_text.startswith("Guten Tag Jana Becker,")
    assert f"{FIRST_DAY_DE}, 09:30 bis 16:00 Uhr" in rendered.body_text
    assert f"{SECOND_DAY_DE}, 14:00 bis 17:30 Uhr" in rendered.body_text
    assert "Montag, 26. Mai 2031" in rendered.body_text
    assert VIDEO_LINK in rendered.body_text
    assert f'href="{VIDEO_LINK}"' in rendered.body_html
    assert_clean(rendered, "de")


def test_waitlisted_names_the_position_and_hides_the_video_link(waiting):
    _first, second = waiting
    rendered = render(outbox(emails.WAITLISTED, second.person))

    assert rendered.subject == f"On the waitlist (number 2): {TITLE}"
    assert f"the course “{TITLE}” is fully booked" in rendered.body_text
    assert "You are number 2 on the waitlist." in rendered.body_text
    assert "You are number 2 on the waitlist." in rendered.body_html
    assert "goes to the next person on the waitlist automatically" in rendered.body_text
    assert "we will send you an email" in rendered.body_text
    assert "leave the waitlist until Monday, 26 May 2031, 12:00" in rendered.body_text
    assert url(reverse("trainings:mine")) in rendered.body_text
    assert f'href="{url(reverse("trainings:mine"))}"' in rendered.body_html
    assert f"{FIRST_DAY_EN}, 09:30 to 16:00" in rendered.body_text
    assert VIDEO_LINK not in everything(rendered)
    assert_clean(rendered, "en")

    german = render(outbox(emails.WAITLISTED, second.person), "de")
    assert TITLE in german.subject
    assert "2" in german.subject
    assert FIRST_DAY_DE in german.body_text
    assert VIDEO_LINK not in everything(german)
    assert_clean(german, "de")


def test_a_cancelled_seat_promotes_the_first_on_the_waitlist(confirmed, waiting):
    first, _second = waiting
    registration_cancel(registration=confirmed, by=confirmed.person)

    promoted = render(outbox(emails.PROMOTED, first.person))
    assert promoted.subject == f"A seat is now yours: {TITLE}"
    assert f"a seat in the course “{TITLE}” has become free" in promoted.body_text
    assert "you were next on the waitlist, it is now yours" in promoted.body_text
    assert f"{FIRST_DAY_EN}, 09:30 to 16:00" in promoted.body_text
    assert f'href="{VIDEO_LINK}"' in promoted.body_html
    assert "cancel your registration until Monday, 26 May 2031, 12:00" in promoted.body_text
    assert_clean(promoted, "en")

    cancelled = render(outbox(emails.CANCELLED, confirmed.person))
    assert cancelled.subject == f"Registration cancelled: {TITLE}"
    assert f"your registration for the course “{TITLE}” has been cancelled" in (cancelled.body_text)
    assert f"{FIRST_DAY_EN}, 09:30 to 16:00" in cancelled.body_text
    assert VIDEO_LINK not in everything(cancelled)
    assert url(reverse("trainings:course", args=[confirmed.course.slug])) in cancelled.body_text
    assert_clean(cancelled, "en")

    for row in (outbox(emails.PROMOTED, first.person), outbox(emails.CANCELLED, confirmed.person)):
        german = render(row, "de")
        assert TITLE in german.subject
        assert FIRST_DAY_DE in german.body_text
        assert_clean(german, "de")


# --- Reminders ------------------------------------------------------------------------------


def test_reminder_of_the_first_date_lists_the_rest_of_the_series(confirmed, first_date):
    rendered = render(outbox(emails.REMINDER, confirmed.person, date_id=first_date.pk))

    assert rendered.subject == f"Reminder: {TITLE} on {FIRST_DAY_EN}"
    assert f"your course “{TITLE}” is coming up soon, on {FIRST_DAY_EN}" in rendered.body_text
    assert f"- When: {FIRST_DAY_EN}, 09:30 to 16:00" in rendered.body_text
    assert "- Place: Forum am Schlossgarten, Schlossstraße 1, Stuttgart" in rendered.body_text
    assert "The series goes on with these dates:" in rendered.body_text
    assert f"- {SECOND_DAY_EN}, 14:00 to 17:30" in rendered.body_text
    assert f'href="{VIDEO_LINK}"' in rendered.body_html
    assert rendered.body_text.count(FIRST_DAY_EN) == 2  # the intro and "When", not the list
    assert_clean(rendered, "en")


def test_reminder_of_the_last_date_shows_its_video_link_and_no_further_dates(
    confirmed, second_date
):
    rendered = render(outbox(emails.REMINDER, confirmed.person, date_id=second_date.pk))

    assert rendered.subject == f"Reminder: {TITLE} on {SECOND_DAY_EN}"
    assert f"- When: {SECOND_DAY_EN}, 14:00 to 17:30" in rendered.body_text
    assert "- Place: Online" in rendered.body_text
    assert f"- Video link: {VIDEO_LINK}" in rendered.body_text
    assert f'href="{VIDEO_LINK}"' in rendered.body_html
    assert "The series goes on" not in rendered.body_text
    assert FIRST_DAY_EN not in rendered.body_text
    assert_clean(rendered, "en")

    german = render(outbox(emails.REMINDER, confirmed.person, date_id=second_date.pk), "de")
    assert TITLE in german.subject
    assert SECOND_DAY_DE in german.subject
    assert "14:00 bis 17:30 Uhr" in german.body_text
    assert VIDEO_LINK in german.body_text
    assert_clean(german, "de")


# --- Cancelled dates ------------------------------------------------------------------------


def test_a_cancelled_date_of_a_series_names_the_reason_and_the_dates_left(
    confirmed, waiting, first_date, coordinator_user
):
    first, _second = waiting
    course_date_cancel(date=first_date, by=coordinator_user, reason=REASON)

    rendered = render(outbox(emails.DATE_CANCELLED, confirmed.person))
    assert rendered.subject == f"Date cancelled: {TITLE} on {FIRST_DAY_EN}"
    assert f"the organisers have cancelled the date of the course “{TITLE}”" in (rendered.body_text)
    assert f"on {FIRST_DAY_EN}, 09:30 to 16:00." in rendered.body_text
    assert f"Reason: {REASON}" in rendered.body_text
    assert "Die Referentin ist erkrankt &amp; der Raum fehlt." in rendered.body_html
    assert "The series goes on with its other dates" in rendered.body_text
    assert "therefore ends" not in rendered.body_text
    assert "The remaining date:" in rendered.body_text
    assert f"- {SECOND_DAY_EN}, 14:00 to 17:30" in rendered.body_text
    assert f'href="{VIDEO_LINK}"' in rendered.body_html
    assert "Please excuse the inconvenience." in rendered.body_text
    assert_clean(rendered, "en")

    to_waiting = render(outbox(emails.DATE_CANCELLED, first.person))
    assert f"Reason: {REASON}" in to_waiting.body_text
    assert SECOND_DAY_EN in to_waiting.body_text
    assert VIDEO_LINK not in everything(to_waiting)

    german = render(outbox(emails.DATE_CANCELLED, confirmed.person), "de")
    assert TITLE in german.subject
    assert FIRST_DAY_DE in german.subject
    assert REASON in german.body_text
    assert SECOND_DAY_DE in german.body_text
    assert_clean(german, "de")


def test_cancelling_the_last_date_ends_the_registration(
    confirmed, first_date, second_date, coordinator_user
):
    course_date_cancel(date=first_date, by=coordinator_user, reason=REASON)
    course_date_cancel(date=second_date, by=coordinator_user)

    rendered = render(outbox(emails.DATE_CANCELLED, confirmed.person, date_id=second_date.pk), "en")
    assert rendered.subject == f"Date cancelled: {TITLE} on {SECOND_DAY_EN}"
    assert "Your registration for the course therefore ends." in rendered.body_text
    assert "You do not need to do anything else." in rendered.body_text
    assert "The series goes on" not in rendered.body_text
    assert "Reason:" not in rendered.body_text
    assert VIDEO_LINK not in everything(rendered)
    assert_clean(rendered, "en")

    german = render(outbox(emails.DATE_CANCELLED, confirmed.person, date_id=second_date.pk), "de")
    assert TITLE in german.subject
    assert SECOND_DAY_DE in german.subject
    assert_clean(german, "de")


def test_a_cancelled_date_of_a_repeated_course_ends_its_registrations(coordinator_user):
    course = CourseFactory(title="Moscheebau begleiten", is_series=False)
    date = CourseDateFactory(course=course, start=datetime(2031, 9, 1, 10, 0, tzinfo=BERLIN))
    membership = participant("Jana Becker")
    registration = registration_create(
        person=membership.user, course=course, date=date, membership=membership
    )
    course_date_cancel(date=date, by=coordinator_user, reason="Zu wenige Anmeldungen.")

    rendered = render(outbox(emails.DATE_CANCELLED, registration.person))
    assert rendered.subject == "Date cancelled: Moscheebau begleiten on Monday, 1 September 2031"
    assert "Reason: Zu wenige Anmeldungen." in rendered.body_text
    assert "Your registration for the course therefore ends." in rendered.body_text
    assert_clean(rendered, "en")


# --- Follow-up ------------------------------------------------------------------------------


def test_follow_up_links_the_certificate_and_a_feedback_form_used_once(
    confirmed, first_date, coordinator_user
):
    attendance_record(
        date=first_date,
        registration=confirmed,
        present=True,
        by=coordinator_user,
        now=first_date.start,
    )
    row = outbox(emails.FOLLOW_UP, confirmed.person)
    rendered = render(row)

    certificate = url(reverse("trainings:certificate", args=[confirmed.pk]))
    assert rendered.subject == f"Thank you for taking part: {TITLE}"
    assert f"thank you for taking part in the course “{TITLE}”" in rendered.body_text
    assert "certificate of attendance" in rendered.body_text
    assert f"Download the certificate: {certificate}" in rendered.body_text
    assert f'href="{certificate}"' in rendered.body_html
    assert "about two minutes" in rendered.body_text
    assert "can be used to answer once" in rendered.body_text
    prefix = url(reverse("trainings:feedback", args=["TOKEN"])).removesuffix("TOKEN/")
    (feedback_link,) = {
        link for link in LINK.findall(rendered.body_text) if link.startswith(prefix)
    }
    token = feedback_link.removeprefix(prefix).rstrip("/")
    assert registration_from_feedback_token(token) == confirmed
    assert f'href="{feedback_link}"' in rendered.body_html
    assert "Switch off follow-ups with one click" in rendered.body_text
    assert_clean(rendered, "en")

    german = render(row, "de")
    assert TITLE in german.subject
    assert certificate in german.body_text
    # Signed afresh for each rendering (the token carries the second it was signed).
    (german_link,) = {link for link in LINK.findall(german.body_text) if link.startswith(prefix)}
    assert registration_from_feedback_token(german_link.removeprefix(prefix).rstrip("/")) == (
        confirmed
    )
    assert_clean(german, "de")

    feedback_submit(registration=confirmed, rating=5, will_apply="", comment="")
    answered = render(row)
    assert certificate in answered.body_text
    assert prefix not in everything(answered)
    assert "Give feedback" not in everything(answered)
    assert_clean(answered, "en")


# --- Every kind, in German and English -------------------------------------------------------


def scenario(kind, course, coordinator_user) -> Notification:
    """The outbox row of one kind, written by the services in a state it is sent in."""
    holder = sign_up(course, "Jana Becker")
    waiter = sign_up(course, "Tobias Wendt")
    first_date = course.dates.order_by("start").first()
    if kind == emails.REGISTERED:
        return outbox(kind, holder.person)
    if kind == emails.WAITLISTED:
        return outbox(kind, waiter.person)
    if kind == emails.REMINDER:
        return outbox(kind, holder.person, date_id=first_date.pk)
    if kind == emails.FOLLOW_UP:
        attendance_record(
            date=first_date,
            registration=holder,
            present=True,
            by=coordinator_user,
            now=first_date.start,
        )
        return outbox(kind, holder.person)
    if kind == emails.DATE_CANCELLED:
        course_date_cancel(date=first_date, by=coordinator_user, reason=REASON)
        return outbox(kind, holder.person)
    registration_cancel(registration=holder, by=holder.person)
    if kind == emails.PROMOTED:
        return outbox(kind, waiter.person)
    return outbox(kind, holder.person)


ALL_KINDS = [
    emails.REGISTERED,
    emails.WAITLISTED,
    emails.PROMOTED,
    emails.CANCELLED,
    emails.REMINDER,
    emails.DATE_CANCELLED,
    emails.FOLLOW_UP,
]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_renders_in_german_and_english(kind, course, coordinator_user):
    row = scenario(kind, course, coordinator_user)
    recipient = row.user

    english = render(row, "en")
    german = render(row, "de")

    for rendered, language, hello in ((english, "en", "Hello"), (german, "de", "Guten Tag")):
        assert rendered.subject
        assert TITLE in rendered.subject
        assert TITLE in rendered.body_text
        assert TITLE in rendered.body_html
        assert rendered.body_text.startswith(f"{hello} {recipient.full_name},")
        if kind != emails.FOLLOW_UP:
            assert url(reverse("trainings:course", args=[course.slug])) in rendered.body_html
        assert_clean(rendered, language)
