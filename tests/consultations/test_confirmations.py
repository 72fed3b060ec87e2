"""Booking and cancelling ask once (issue 14.4): choosing a time shows what will be booked,
moved or cancelled, and only the confirmation (a POST) does it; a withdrawal is confirmed to
the requester by email."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations import emails, services
from consultations.models import Appointment, AppointmentStatus
from portal.advisors.availability import free_slots, next_free_slot
from portal.notifications.models import Notification
from portal.notifications.rendering import render_notification
from tests.factories import AdvisorProfileFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def slot_value(slot):
    return f"{slot.advisor_id}|{slot.start.isoformat()}"


def book_url(case):
    return reverse("consultations:book", args=[case.pk])


def later_slot(advisor, after):
    return next(
        s
        for s in free_slots(advisor, start=after, end=after + timedelta(days=14))
        if s.start > after
    )


def test_choosing_a_time_shows_it_and_books_nothing_until_confirmed(client, case, advisor_profile):
    slot = next_free_slot(advisor_profile)[advisor_profile.pk]
    client.force_login(case.requester)
    page = client.get(book_url(case)).content.decode()
    # The slot buttons belong to a form that only asks (GET), not to one that books.
    assert re.search(r'<form method="get"[^>]*>', page)
    assert 'method="post"' not in page.split("<main", 1)[-1]

    response = client.get(book_url(case), {"slot": slot_value(slot)})

    assert response.status_code == 200
    assert response.templates[0].name == "consultations/confirm.html"
    assert not Appointment.objects.exists()
    assert not Notification.objects.exists()
    content = response.content.decode()
    local = timezone.localtime(slot.start)  # Europe/Berlin
    end = timezone.localtime(slot.end)
    assert "Dr. Amal Advisor" in content
    assert f"{local:%H:%M}" in content and f"{end:%H:%M}" in content
    assert str(local.year) in content
    assert "Videogespräch" in content  # the way of meeting the booking will have
    assert f'value="{slot_value(slot)}"' in content

    response = client.post(book_url(case), {"slot": slot_value(slot)})

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.starts_at, appointment.mode) == (slot.start, "video")


def test_a_time_taken_meanwhile_says_so_with_the_next_free_times(client, case, advisor_profile):
    from tests.factories import ConsultationFactory

    slot = next_free_slot(advisor_profile)[advisor_profile.pk]
    other = ConsultationFactory()
    services.appointment_book(
        consultation=other, advisor=advisor_profile, start=slot.start, by=other.requester
    )
    client.force_login(case.requester)

    for response in (
        client.get(book_url(case), {"slot": slot_value(slot)}),
        client.post(book_url(case), {"slot": slot_value(slot)}),
    ):
        assert response.status_code == 200
        assert response.templates[0].name == "consultations/book.html"
        text = " ".join(str(m) for m in response.context["messages"])
        assert "gerade vergeben" in text or "just taken" in text
        offered = [s.start for choice in response.context["choices"] for s in choice.slots]
        assert offered and slot.start not in offered
    assert not Appointment.objects.filter(consultation=case).exists()


def test_a_forged_slot_is_refused_without_a_confirmation_page(client, case, advisor_profile):
    client.force_login(case.requester)
    response = client.get(book_url(case), {"slot": "nonsense"})
    assert response.templates[0].name == "consultations/book.html"
    assert response.context["messages"]


@pytest.fixture
def booked(case, advisor_profile):
    slot = next_free_slot(advisor_profile)[advisor_profile.pk]
    return services.appointment_book(
        consultation=case, advisor=advisor_profile, start=slot.start, by=case.requester
    )


def link_from_email(requester, send_due_emails):
    send_due_emails()
    body = next(m.body for m in mail.outbox if m.to == [requester.email])
    prefix = reverse("consultations:appointment_link", args=["TOKEN"]).removesuffix("TOKEN/")
    return re.search(re.escape(prefix) + r"[^/\s]+/", body).group(0)


def test_cancelling_through_the_email_link_asks_first(client, booked, send_due_emails):
    url = link_from_email(booked.consultation.requester, send_due_emails)

    page = client.get(url).content.decode()
    assert re.search(
        r'<form method="get"[^>]*>\s*<input type="hidden" name="action" value="cancel"', page
    )
    response = client.get(url, {"action": "cancel"})

    assert response.status_code == 200
    assert response.templates[0].name == "consultations/confirm.html"
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.SCHEDULED  # a GET never cancels
    assert not Notification.objects.filter(kind=emails.CANCELLED).exists()
    content = response.content.decode()
    local = timezone.localtime(booked.starts_at)
    assert f"{local:%H:%M}" in content and "Dr. Amal Advisor" in content
    assert 'name="action" value="cancel"' in content and 'method="post"' in content
    assert "Breadcrumb" not in content and "Brotkrümel" not in content  # no portal navigation

    response = client.post(url, {"action": "cancel"})

    assert response.status_code == 302 and response["Location"] == url
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert Notification.objects.filter(kind=emails.CANCELLED).count() == 2
    # A cancelled appointment is not asked about again.
    again = client.get(url, {"action": "cancel"})
    assert again.templates[0].name == "consultations/appointment.html"


def test_moving_shows_the_new_time_before_it_moves(client, booked, advisor_profile):
    later = later_slot(advisor_profile, booked.starts_at)
    url = reverse("consultations:appointment", args=[booked.pk])
    client.force_login(booked.consultation.requester)

    response = client.get(url, {"action": "move", "slot": slot_value(later)})

    assert response.templates[0].name == "consultations/confirm.html"
    booked.refresh_from_db()
    assert booked.starts_at != later.start
    content = response.content.decode()
    assert f"{timezone.localtime(later.start):%H:%M}" in content
    assert f"{timezone.localtime(booked.starts_at):%H:%M}" in content  # "until now"

    client.post(url, {"action": "move", "slot": slot_value(later)})
    booked.refresh_from_db()
    assert booked.starts_at == later.start

    other = AdvisorProfileFactory()
    foreign = next_free_slot(other)[other.pk]
    response = client.get(url, {"action": "move", "slot": slot_value(foreign)})
    assert response.templates[0].name == "consultations/appointment.html"


# --- Withdrawing -------------------------------------------------------------------------------


def test_withdrawing_sends_the_requester_one_confirmation(client, case, town, advisor_profile):
    case.status = "assigned"
    case.lead_advisor = advisor_profile
    case.save()
    client.force_login(case.requester)

    client.post(reverse("consultations:withdraw", args=[case.pk]), {"reason": "Erledigt."})
    client.post(reverse("consultations:withdraw", args=[case.pk]), {"reason": "Erledigt."})

    to_requester = Notification.objects.filter(kind=emails.ENDED, user=case.requester)
    (confirmation,) = to_requester
    assert confirmation.idempotency_key == (
        f"consultation:{case.pk}:ended:withdrawn:{case.requester.pk}"
    )
    assert confirmation.context["for_advisor"] is False
    case.requester.preferred_language = "en"
    case.requester.save()
    rendered = render_notification(confirmation)
    assert rendered.subject == f"Request {case.reference} has been withdrawn"
    assert f"you have withdrawn your request {case.reference}" in rendered.body_text
    assert "withdrawn by the requester" not in rendered.body_text
    assert reverse("consultations:detail", args=[case.pk]) in rendered.body_text
    # The advisor is told as before, in the advisor's words.
    advisor_profile.user.preferred_language = "en"
    advisor_profile.user.save()
    to_advisor = render_notification(
        Notification.objects.get(kind=emails.ENDED, user=advisor_profile.user)
    )
    assert "has been withdrawn by the requester" in to_advisor.body_text


def test_a_colleague_withdrawing_is_confirmed_to_the_requester(case, town):
    colleague = MembershipFactory(municipality=town, verified=True).user
    services.consultation_withdraw(consultation=case, by=colleague)

    confirmation = Notification.objects.get(kind=emails.ENDED, user=case.requester)
    case.requester.preferred_language = "en"
    case.requester.save()
    rendered = render_notification(confirmation)
    assert f"your request {case.reference} for {case.body} has been withdrawn." in (
        rendered.body_text
    )
    assert "You are welcome to submit a new request" in rendered.body_html
