"""Changes reach the requester (issue 14.6) and calendar files tell the truth (issue 14.7)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from consultations import emails, services
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from portal.notifications.rendering import render_notification
from tests.consultations.test_admin import change_url, form_data, local_parts
from tests.factories import AdvisorProfileFactory, ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return AdvisorProfileFactory(user__full_name="Dr. Leyla Kaya", modes=["video", "in_person"])


@pytest.fixture
def running(lead):
    """A case in progress of Stadt Bergheim with an appointment recorded in five days."""
    case = ConsultationFactory(
        lead_advisor=lead,
        status="in_progress",
        requester__full_name="Jana Becker",
        municipality__name="Stadt Bergheim",
    )
    start = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    appointment = services.appointment_record(
        consultation=case,
        by=lead.user,
        advisor=lead,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode="in_person",
        phase="advice",
        place="Rathaus Bergheim",
    )
    return case, appointment


def ics_of(notification):
    """The calendar file as the email carries it, parsed."""
    rendered = render_notification(notification)
    (attachment,) = rendered.message.attachments
    (event,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    return event


def updates():
    return Notification.objects.filter(kind=emails.UPDATED)


def test_a_new_video_link_sends_the_requester_one_update_with_a_new_calendar_file(
    client, running, lead
):
    case, appointment = running
    booked = Notification.objects.get(kind=emails.BOOKED, user=case.requester)
    client.force_login(lead.user)
    data = form_data(client, case)
    data["appointments-0-video_link"] = "https://meet.example/bergheim"
    data["appointments-0-mode"] = "video"

    assert client.post(change_url(case), data).status_code == 302

    (update,) = updates()
    assert update.user == case.requester  # the advisor changed it herself
    assert update.idempotency_key == f"appointment:{appointment.pk}:updated:1:{case.requester.pk}"
    assert update.context["changed"] == ["mode", "video_link"]
    assert update.calendar["uid"] == booked.calendar["uid"] == appointment.calendar_uid
    assert update.calendar["sequence"] > booked.calendar["sequence"]
    event = ics_of(update)
    assert str(event["location"]) == "Rathaus Bergheim, https://meet.example/bergheim"
    assert str(event["url"]) == "https://meet.example/bergheim"
    case.requester.preferred_language = "en"
    case.requester.save()
    rendered = render_notification(Notification.objects.get(pk=update.pk))
    assert rendered.subject.startswith("Appointment changed:")
    assert "https://meet.example/bergheim" in rendered.body_text
    assert "What changed: way of meeting, video link" in rendered.body_text
    assert not Notification.objects.filter(kind=emails.MOVED).exists()

    # Saving again without a change records and sends nothing.
    assert client.post(change_url(case), form_data(client, case)).status_code == 302
    assert updates().count() == 1
    # Only the minutes: quiet. A new place: the second update, with its own key.
    data = form_data(client, case)
    data["appointments-0-minutes"] = "Vorgespräch geführt."
    client.post(change_url(case), data)
    assert updates().count() == 1
    data = form_data(client, case)
    data["appointments-0-place"] = "Bürgerhaus Bergheim"
    client.post(change_url(case), data)
    second = updates().exclude(pk=update.pk).get()
    number = AuditEntry.objects.for_object(appointment).filter(action="appointment.updated").count()
    assert number == 3  # video link, minutes, place
    assert second.idempotency_key == (
        f"appointment:{appointment.pk}:updated:{number}:{case.requester.pk}"
    )
    assert second.calendar["location"].startswith("Bürgerhaus Bergheim")


def test_a_new_time_and_place_at_once_send_one_email(client, running, lead):
    case, appointment = running
    client.force_login(lead.user)
    data = form_data(client, case)
    later = appointment.starts_at + timedelta(days=1)
    for key, value in local_parts(later).items():
        data[f"appointments-0-starts_at_{key}"] = value
    for key, value in local_parts(later + timedelta(hours=1)).items():
        data[f"appointments-0-ends_at_{key}"] = value
    data["appointments-0-place"] = "Bürgerhaus Bergheim"

    client.post(change_url(case), data)

    to_requester = Notification.objects.filter(
        user=case.requester, kind__in=[emails.MOVED, emails.UPDATED]
    )
    (moved,) = to_requester
    assert moved.kind == emails.MOVED
    case.requester.preferred_language = "en"
    case.requester.save()
    assert "Bürgerhaus Bergheim" in render_notification(moved).body_text


def test_a_coordinators_change_reaches_the_advisor_too(running, lead):
    case, appointment = running
    coordinator = UserFactory(roles=["coordinator"])
    services.appointment_update(appointment=appointment, by=coordinator, place="Bürgerhaus")
    assert sorted(n.user_id for n in updates()) == sorted([case.requester.pk, lead.user.pk])


def test_past_and_cancelled_appointments_send_no_update(running, lead):
    case, appointment = running
    services.appointment_cancel(appointment=appointment, by=lead.user)
    services.appointment_update(appointment=appointment, by=lead.user, place="Anderswo")
    past = services.appointment_record(
        consultation=case,
        by=lead.user,
        advisor=lead,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
        mode="video",
    )
    services.appointment_update(appointment=past, by=lead.user, video_link="https://x.example")
    assert not updates().exists()


# --- Calendar files ------------------------------------------------------------------------------


def test_each_side_reads_the_other_side_in_its_calendar(client, running, lead, send_due_emails):
    case, appointment = running
    organizer = settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">")

    to_requester = ics_of(Notification.objects.get(kind=emails.BOOKED, user=case.requester))
    to_advisor = ics_of(Notification.objects.get(kind=emails.BOOKED, user=lead.user))

    for event in (to_requester, to_advisor):
        assert str(event["uid"]) == appointment.calendar_uid
        assert str(event["organizer"]) == f"mailto:{organizer}"
        assert sorted(str(a) for a in event["attendee"]) == sorted(
            [f"mailto:{case.requester.email}", f"mailto:{lead.user.email}"]
        )
        assert str(event["location"]) == "Rathaus Bergheim"
        assert "url" not in event  # no video link
    assert "Dr. Leyla Kaya" in str(to_requester["summary"])
    assert case.reference in str(to_requester["summary"])
    advisor_summary = str(to_advisor["summary"])
    assert "Jana Becker" in advisor_summary and "Stadt Bergheim" in advisor_summary
    assert "Leyla Kaya" not in advisor_summary
    assert reverse("admin:consultations_consultation_change", args=[case.pk]) in str(
        to_advisor["description"]
    )
    assert reverse("consultations:detail", args=[case.pk]) in str(to_requester["description"])

    # The files the worker sends are these.
    send_due_emails()
    sent = next(m for m in mail.outbox if m.to == [lead.user.email] and m.attachments)
    (event,) = Calendar.from_ical(sent.attachments[0][1]).walk("VEVENT")
    assert "Jana Becker" in str(event["summary"])


def test_a_video_appointment_has_its_link_as_location_and_url(running, lead):
    case, _appointment = running
    start = (timezone.now() + timedelta(days=8)).replace(second=0, microsecond=0)
    video = services.appointment_record(
        consultation=case,
        by=lead.user,
        advisor=lead,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode="video",
        video_link="https://meet.example/kaya",
    )
    for notification in Notification.objects.filter(kind=emails.BOOKED).about(video):
        event = ics_of(notification)
        assert str(event["location"]) == "https://meet.example/kaya"
        assert str(event["url"]) == "https://meet.example/kaya"


def test_cancellations_carry_attendees_too(running, lead):
    _case, appointment = running
    services.appointment_cancel(appointment=appointment, by=lead.user)
    for notification in Notification.objects.filter(kind=emails.CANCELLED):
        event = ics_of(notification)
        assert len(event["attendee"]) == 2
        assert str(event["status"]) == "CANCELLED"
