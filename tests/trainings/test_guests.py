"""Guests at courses open to the public (issue 15, item 4): a person registers with a name and
an email address only, confirms through a signed link (double opt-in), can cancel through
another; an unconfirmed registration holds its seat for 24 hours, then expires and the seat
goes to the first person waiting."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.trainings.conftest import dates_of, emails_about, make_course
from trainings import emails, selectors, services
from trainings.errors import TrainingError
from trainings.links import GUEST_LINKS
from trainings.models import CourseDate, Registration, RegistrationStatus
from trainings.tasks import expire_guest_registrations

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s<>\"]+")
GUEST = {"name": "Erika Muster", "email": "erika@example.org", "consent": "on", "website": ""}


@pytest.fixture
def lecture(db):
    """A public evening lecture: one date, three seats, open to everyone."""
    return make_course(dates=1, capacity=3, open_to_public=True, title="Vortrag Islam in Köln")


def guest(course, email="erika@example.org", *, name="Erika Muster", language="de", date=None):
    return services.registration_guest_create(
        course=course, date=date, name=name, email=email, language=language
    )


def links_in(notification) -> list[str]:
    """The links of an outbox row as the guest reads them."""
    from portal.notifications.rendering import render_notification

    return LINK.findall(render_notification(notification).body_text)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# Registering, confirming ------------------------------------------------------------------


def test_a_guest_registers_holds_a_seat_and_confirms_through_the_link(
    client, lecture, send_due_emails
):
    response = client.post(reverse("trainings:guest_register", args=[lecture.slug]), GUEST)
    assert response.status_code == 302
    registration = Registration.objects.get(course=lecture)
    assert (registration.person, registration.guest_name, registration.guest_email) == (
        None,
        "Erika Muster",
        "erika@example.org",
    )
    assert registration.status == RegistrationStatus.UNCONFIRMED
    assert not registration.email_confirmed
    assert registration.expires_at == registration.created_at + timedelta(hours=24)
    # The unconfirmed guest holds a seat: the pool and the calendar's numbers agree.
    offer = selectors.offer_for(lecture)
    assert offer.pool().taken() == 1
    assert CourseDate.objects.filter(course=lecture).with_seats().get().taken == 1

    send_due_emails()
    (request,) = mail.outbox
    assert request.to == ["erika@example.org"]
    assert "Erika Muster," in request.body  # greeted by the name given
    confirm_url = next(url for url in LINK.findall(request.body) if "/guests/confirm/" in url)
    cancel_url = next(url for url in LINK.findall(request.body) if "/guests/cancel/" in url)
    assert cancel_url

    # Opening the link changes nothing (a mail scanner may open it); the button confirms.
    page = client.get(path_of(confirm_url))
    assert page.status_code == 200
    assert b'type="submit"' in page.content
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNCONFIRMED

    assert client.post(path_of(confirm_url)).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email_confirmed and registration.expires_at is None
    assert AuditEntry.objects.filter(action="registration.guest_confirm").count() == 1

    # A second press changes nothing and writes no second email.
    client.post(path_of(confirm_url))
    assert emails_about(registration, emails.REGISTERED).count() == 1
    send_due_emails()
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["erika@example.org"]
    assert "Vortrag Islam in Köln" in confirmation.subject
    assert any(name.endswith(".ics") for name, _content, _type in confirmation.attachments)
    assert "/guests/cancel/" in confirmation.body  # no account: the cancel link, not "My courses"
    assert "/trainings/mine/" not in confirmation.body


def test_a_guest_is_reminded_in_the_language_they_registered_in(lecture):
    registration = guest(lecture, language="en")
    services.registration_guest_confirm(registration=registration)
    reminder = emails_about(dates_of(lecture)[0], emails.REMINDER).get()
    assert (reminder.user, reminder.to_email, reminder.language) == (
        None,
        "erika@example.org",
        "en",
    )
    from portal.notifications.rendering import render_notification

    rendered = render_notification(reminder)
    assert rendered.subject.startswith("Reminder: Vortrag Islam in Köln")
    assert "Hello Erika Muster," in rendered.body_text
    assert "/guests/cancel/" in rendered.body_text
    # Guests get no follow-up: it offers a certificate and asks for feedback.
    assert not emails_about(registration, emails.FOLLOW_UP).exists()


def test_a_full_course_puts_a_guest_on_the_waitlist_only_once_the_address_is_confirmed(
    lecture, register
):
    seated = [register(lecture) for _ in range(3)]
    waiting_member = register(lecture)
    late = guest(lecture)
    assert late.status == RegistrationStatus.WAITLISTED and not late.email_confirmed
    assert selectors.waitlist_position(waiting_member) == 1
    assert selectors.waitlist_position(late) is None  # not queued before confirming

    services.registration_guest_confirm(registration=late)
    late.refresh_from_db()
    assert late.status == RegistrationStatus.WAITLISTED and late.email_confirmed
    assert selectors.waitlist_position(late) == 2
    assert emails_about(late, emails.WAITLISTED).count() == 1

    # A member leaves: the member waiting longest moves up, then the guest.
    services.registration_cancel(registration=seated[0], by=seated[0].person)
    services.registration_cancel(registration=seated[1], by=seated[1].person)
    late.refresh_from_db()
    assert late.status == RegistrationStatus.CONFIRMED
    promoted = emails_about(late, emails.PROMOTED).get()
    assert (promoted.user, promoted.to_email) == (None, "erika@example.org")


def test_the_same_address_registers_once_per_course_whatever_its_case(lecture):
    guest(lecture, "erika@example.org")
    with pytest.raises(TrainingError, match="already registered"):
        guest(lecture, "Erika@Example.ORG ")


def test_a_course_not_open_to_the_public_refuses_guests(client, series):
    assert not series.open_to_public
    with pytest.raises(TrainingError, match="nicht für Gäste geöffnet"):
        guest(series)
    url = reverse("trainings:guest_register", args=[series.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, GUEST).status_code == 404
    assert "guest-title" not in client.get(series.get_absolute_url()).content.decode()
    assert not Registration.objects.filter(course=series).exists()


def test_a_repeated_public_course_asks_the_guest_for_a_date(client, db):
    course = make_course(dates=2, capacity=5, is_series=False, open_to_public=True)
    _first, second = dates_of(course)
    url = reverse("trainings:guest_register", args=[course.slug])
    client.cookies["django_language"] = "en"
    response = client.post(url, GUEST)
    assert response.status_code == 200
    assert "Please choose a date" in response.content.decode()
    assert 'value="erika@example.org"' in response.content.decode()  # nothing typed is lost
    assert client.post(url, {**GUEST, "date": second.pk}).status_code == 302
    assert Registration.objects.get(course=course).date == second


def test_the_honeypot_and_missing_consent_save_nothing(client, lecture):
    url = reverse("trainings:guest_register", args=[lecture.slug])
    assert client.post(url, {**GUEST, "website": "https://spam.example"}).status_code == 200
    assert client.post(url, {**GUEST, "consent": ""}).status_code == 200
    assert not Registration.objects.filter(course=lecture).exists()


@override_settings(
    GUEST_RATE_LIMIT="2/h",
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "trainings-guest-rate-limit",
        }
    },
)
def test_the_guest_form_is_rate_limited(client, lecture):
    cache.clear()
    url = reverse("trainings:guest_register", args=[lecture.slug])
    for number in range(2):
        assert client.post(url, {**GUEST, "email": f"g{number}@example.org"}).status_code == 302
    refused = client.post(url, {**GUEST, "email": "third@example.org"})
    assert refused.status_code == 429
    assert 'value="third@example.org"' in refused.content.decode()  # kept for a later try
    assert Registration.objects.filter(course=lecture).count() == 2
    cache.clear()


# Expiry -----------------------------------------------------------------------------------


def test_an_unconfirmed_seat_expires_after_24_hours_and_goes_to_the_first_waiting(
    lecture, register
):
    guests = [guest(lecture, f"gast{n}@example.org") for n in range(3)]
    first_waiting, second_waiting = register(lecture), register(lecture)
    assert {g.status for g in guests} == {RegistrationStatus.UNCONFIRMED}
    assert first_waiting.status == RegistrationStatus.WAITLISTED
    services.registration_guest_confirm(registration=guests[1])  # one confirms in time

    assert services.registrations_expire_unconfirmed(now=timezone.now() + timedelta(hours=23)) == 0
    later = timezone.now() + timedelta(hours=25)
    assert services.registrations_expire_unconfirmed(now=later) == 2
    assert services.registrations_expire_unconfirmed(now=later) == 0  # twice: nothing twice

    statuses = dict(Registration.objects.filter(course=lecture).values_list("pk", "status"))
    assert statuses[guests[0].pk] == statuses[guests[2].pk] == RegistrationStatus.EXPIRED
    assert statuses[guests[1].pk] == RegistrationStatus.CONFIRMED
    assert statuses[first_waiting.pk] == statuses[second_waiting.pk] == RegistrationStatus.CONFIRMED
    assert emails_about(first_waiting, emails.PROMOTED).count() == 1
    assert selectors.offer_for(lecture).pool().taken() == 3
    assert AuditEntry.objects.filter(action="registration.expire").count() == 2


def test_the_beat_task_expires_and_a_late_confirmation_finds_the_registration_expired(
    client, lecture, register, send_due_emails
):
    registration = guest(lecture)
    seated = [register(lecture) for _ in range(2)]
    waiting = register(lecture)
    assert [r.status for r in seated] == [RegistrationStatus.CONFIRMED] * 2
    assert waiting.status == RegistrationStatus.WAITLISTED  # the guest holds the third seat
    send_due_emails()
    (request,) = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    confirm_url = next(url for url in LINK.findall(request.body) if "/guests/confirm/" in url)
    Registration.objects.filter(pk=registration.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # The task has not run yet: the late click expires the registration itself.
    client.post(path_of(confirm_url))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.EXPIRED
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    client.cookies["django_language"] = "en"
    assert "has expired" in client.get(path_of(confirm_url)).content.decode()
    assert expire_guest_registrations() == 0  # nothing left for the task


# Cancelling and links ---------------------------------------------------------------------


def test_the_cancel_link_cancels_and_the_seat_moves_on(client, lecture, register):
    registration = guest(lecture)
    services.registration_guest_confirm(registration=registration)
    for _ in range(2):
        register(lecture)
    waiting = register(lecture)
    url = reverse("trainings:guest_cancel", args=[GUEST_LINKS.cancel.sign(registration)])

    assert client.get(url).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED  # opening it cancels nothing
    assert client.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    cancelled = emails_about(registration, emails.CANCELLED).get()
    assert cancelled.to_email == "erika@example.org"
    assert cancelled.calendar["method"] == "CANCEL"
    # A second press: already cancelled, said once, nothing changes.
    client.post(url)
    assert emails_about(registration, emails.CANCELLED).count() == 1


def test_forged_crossed_or_stale_links_answer_404(client, lecture):
    registration = guest(lecture)
    confirm = GUEST_LINKS.confirm.sign(registration)
    cancel = GUEST_LINKS.cancel.sign(registration)
    for url in (
        reverse("trainings:guest_confirm", args=[confirm[:-2] + "xx"]),
        reverse("trainings:guest_confirm", args=[cancel]),  # a cancel token does not confirm
        reverse("trainings:guest_cancel", args=[confirm]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    # The address changed since the link was sent: the link is no longer valid.
    Registration.objects.filter(pk=registration.pk).update(guest_email="other@example.org")
    assert client.get(reverse("trainings:guest_cancel", args=[cancel])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNCONFIRMED


# Lists, attendance and certificates -------------------------------------------------------


def test_guests_appear_in_participant_lists_and_attendance_but_get_no_certificate(
    client, coordinator, lecture, register
):
    registration = guest(lecture, name="Erika Muster")
    services.registration_guest_confirm(registration=registration)
    register(lecture)
    date = dates_of(lecture)[0]
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("trainings:participants", args=[date.pk])).content.decode()
    assert "Erika Muster" in page and "guest" in page
    csv = client.get(reverse("trainings:participants_csv", args=[date.pk])).content.decode()
    assert "Erika Muster" in csv and "erika@example.org" in csv
    admin_list = client.get(
        reverse("admin:trainings_coursedate_participants", args=[date.pk])
    ).content.decode()
    assert "Erika Muster" in admin_list

    services.attendance_record(
        date=date, registration=registration, present=True, by=coordinator, now=date.start
    )
    attendance = client.get(reverse("trainings:attendance", args=[date.pk])).content.decode()
    assert "Erika Muster" in attendance
    with pytest.raises(TrainingError, match="no certificate"):
        services.certificate_for_registration(registration=registration)


def test_a_cancelled_date_tells_its_guests_by_email(coordinator, lecture):
    registration = guest(lecture, language="en")
    services.course_date_cancel(date=dates_of(lecture)[0], by=coordinator, reason="Krank")
    told = Notification.objects.filter(kind=emails.DATE_CANCELLED).get()
    assert (told.user, told.to_email, told.language) == (None, "erika@example.org", "en")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CALLED_OFF


def test_the_public_course_page_offers_the_guest_form(client, lecture):
    page = client.get(lecture.get_absolute_url()).content.decode()
    assert 'id="guest-title"' in page
    assert f'action="{reverse("trainings:guest_register", args=[lecture.slug])}"' in page
    assert 'for="guest-email"' in page and 'autocomplete="email"' in page
    assert '<div class="visually-hidden" aria-hidden="true">' in page
    # Full, the page still takes guests: onto the waitlist once they confirm.
    for number in range(3):
        guest(lecture, f"g{number}@example.org")
    assert 'id="guest-title"' in client.get(lecture.get_absolute_url()).content.decode()
