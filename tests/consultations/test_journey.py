"""Journeys 1 and 2 through the views: request, book, move, triage, assign, appointments,
conclude, close, the follow-up fourteen days later and its single-use feedback link."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultations import emails
from consultations.models import (
    Appointment,
    AppointmentStatus,
    Consultation,
    Feedback,
    Note,
    Status,
)
from consultations.selectors import status_history
from portal.advisors.models import Topic
from portal.notifications.models import Notification
from tests.consultations.conftest import pdf_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_data(user, **overrides):
    data = {
        "membership": user.memberships.get().pk,
        "format": "fachberatung",
        "topics": [Topic.objects.get(slug="dialog").pk],
        "concern": "Nach einem Brandanschlag auf eine Moschee sucht die Stadt ein Dialogformat.",
        "goal": "Ein erstes Treffen von Verwaltung, Gemeinde und Nachbarschaft.",
        "urgency": "soon",
        "contact_mode": "video",
        "preferred_advisor": "",
        "privacy": "on",
    }
    data.update(overrides)
    return data


def admin_form_data(response) -> dict:
    """The POST data of an admin change form as it was rendered (inlines included)."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.initial_forms:
            for name in form.fields:
                value = form[name].value()
                if isinstance(value, datetime):
                    local = timezone.localtime(value)
                    data[form.add_prefix(name) + "_0"] = local.date().isoformat()
                    data[form.add_prefix(name) + "_1"] = local.strftime("%H:%M:%S")
                elif value is not None and value is not False:
                    data[form.add_prefix(name)] = value
    return data


def add_inline(data: dict, prefix: str, fields: dict) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = index + 1


def test_journeys_one_and_two(
    client, member, advisor_profile, coordinator, send_due_emails, monkeypatch
):
    # 1. The officer requests advice, with an attachment.
    client.force_login(member)
    response = client.get(reverse("consultations:new"))
    assert response.status_code == 200
    upload = SimpleUploadedFile("ratsbeschluss.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("consultations:new"), {**request_data(member), "attachments": [upload]}
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:book", args=[consultation.pk])
    assert consultation.status == Status.SUBMITTED
    assert consultation.state == "05"
    assert consultation.documents.get().name == "ratsbeschluss.pdf"
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {emails.RECEIVED, emails.NEW_REQUEST} <= kinds

    # 2. She books a first conversation in the best-matching advisor's free slot.
    response = client.get(reverse("consultations:book", args=[consultation.pk]))
    choices = response.context["choices"]
    assert [choice.profile for choice in choices] == [advisor_profile]
    first, second = choices[0].slots[:2]
    response = client.post(
        reverse("consultations:book", args=[consultation.pk]),
        {"slot": f"{first.advisor_id}|{first.start.isoformat()}"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == first.start
    booked = Notification.objects.filter(kind=emails.BOOKED)
    assert {n.user for n in booked} == {member, advisor_profile.user}
    assert all(n.calendar["uid"] == appointment.calendar_uid for n in booked)
    reminders = Notification.objects.filter(kind=emails.REMINDER)
    assert {n.due_at for n in reminders} == {first.start - timedelta(hours=24)}

    sent = send_due_emails()
    assert sent["sent"] >= 4
    confirmation = next(m for m in mail.outbox if m.to == [member.email] and m.attachments)
    assert confirmation.attachments[0][0].endswith(".ics")

    # 3. She moves it to the next free time; the reminder moves with it.
    response = client.post(
        reverse("consultations:appointment", args=[appointment.pk]),
        {"action": "move", "slot": f"{second.advisor_id}|{second.start.isoformat()}"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == second.start
    assert Notification.objects.filter(kind=emails.MOVED).count() == 2
    assert {n.due_at for n in Notification.objects.filter(kind=emails.REMINDER)} == {
        second.start - timedelta(hours=24)
    }

    # 4. The coordinator triages and assigns in the admin, seeing the ranking.
    client.force_login(coordinator)
    action = "admin:consultations_consultation_action"
    response = client.post(reverse(action, args=[consultation.pk, "triage"]))
    assert response.status_code == 302, [str(m) for m in response.context["messages"]]
    response = client.get(reverse(action, args=[consultation.pk, "assign"]))
    assert [m.profile for m in response.context["ranking"]] == [advisor_profile]
    response = client.post(
        reverse(action, args=[consultation.pk, "assign"]), {"lead": advisor_profile.pk}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Status.ASSIGNED
    assert consultation.lead_advisor == advisor_profile
    assigned_to = {n.user for n in Notification.objects.filter(kind=emails.ASSIGNED)}
    assert assigned_to == {member, advisor_profile.user}

    # 5. The advisor starts, records a site analysis with minutes and an internal note.
    client.force_login(advisor_profile.user)
    client.post(reverse(action, args=[consultation.pk, "start"]))
    change_url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    response = client.get(change_url)
    assert response.status_code == 200
    data = admin_form_data(response)
    day = timezone.localtime(timezone.now() - timedelta(days=1))
    add_inline(
        data,
        "appointments",
        {
            "starts_at_0": day.date().isoformat(),
            "starts_at_1": "10:00:00",
            "ends_at_0": day.date().isoformat(),
            "ends_at_1": "12:00:00",
            "advisor": advisor_profile.pk,
            "phase": "site_analysis",
            "mode": "in_person",
            "place": "Rathaus, Raum 2",
            "minutes": "Gespräch mit Amt für Integration und Moscheevorstand.",
            "status": "scheduled",
        },
    )
    add_inline(data, "notes", {"text": "Vorsitzender wünscht Termin nach dem Freitagsgebet."})
    response = client.post(change_url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert consultation.appointments.filter(phase="site_analysis").exists()
    assert Note.objects.get().author == advisor_profile.user

    # The note stays internal: the officer's page does not show it.
    client.force_login(member)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Freitagsgebet" not in page
    assert "Gespräch mit Amt für Integration" not in page  # minutes stay with the advisors

    # 6. The advisor concludes and closes.
    client.force_login(advisor_profile.user)
    response = client.post(
        reverse(action, args=[consultation.pk, "conclude"]),
        {"outcome": "Dialogforum gegründet.", "measures": "Treffen alle drei Monate."},
    )
    assert response.status_code == 302
    client.post(reverse(action, args=[consultation.pk, "close"]))
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    assert status_history(consultation) == [
        "submitted",
        "in_triage",
        "assigned",
        "in_progress",
        "concluded",
        "closed",
    ]

    # 7. The follow-up waits fourteen days, then carries a single-use feedback link.
    mail.outbox.clear()
    send_due_emails()
    assert not [m for m in mail.outbox if "feedback" in m.body]
    later = timezone.now() + timedelta(days=14, minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    send_due_emails()
    follow_up = next(m for m in mail.outbox if "/consultations/feedback/" in m.body)
    assert follow_up.to == [member.email]
    link = re.search(r"https?://[^/\s]+(/consultations/feedback/[^\s]+/)", follow_up.body).group(1)

    client.logout()
    answers = {"rating": 5, "usefulness": 3, "what_changed": "Es gibt ein Forum.", "comment": ""}
    response = client.post(link, answers)
    assert response.status_code == 200 and response.context["thanks"]
    assert Feedback.objects.get(consultation=consultation).rating == 5
    response = client.post(link, {**answers, "rating": 1})
    assert response.context["used"]
    assert Feedback.objects.get(consultation=consultation).rating == 5


def test_cancel_from_the_signed_link_in_the_email(client, case, advisor_profile, send_due_emails):
    from consultations.links import appointment_from_token
    from consultations.services import appointment_book
    from portal.advisors.availability import next_free_slot

    slot = next_free_slot(advisor_profile)[advisor_profile.pk]
    appointment = appointment_book(
        consultation=case, advisor=advisor_profile, start=slot.start, by=case.requester
    )
    send_due_emails()
    body = next(m.body for m in mail.outbox if m.to == [case.requester.email])
    # The token carries the second it was signed, so take the link the email holds instead
    # of signing a new one (which differs when the clock ticked in between).
    prefix = reverse("consultations:appointment_link", args=["TOKEN"]).removesuffix("TOKEN/")
    url = re.search(re.escape(prefix) + r"[^/\s]+/", body).group(0)
    assert appointment_from_token(url.removeprefix(prefix).rstrip("/")) == appointment

    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    cancelled = Notification.objects.filter(kind=emails.CANCELLED)
    assert {n.calendar["method"] for n in cancelled} == {"CANCEL"}
    assert not Notification.objects.filter(kind=emails.REMINDER, status="queued").exists()
    # A forged or altered link answers 404.
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_requester_cannot_move_within_the_minimum_notice(client, case, advisor_profile):
    from consultations.services import appointment_book
    from portal.advisors.availability import next_free_slot

    slot = next_free_slot(advisor_profile)[advisor_profile.pk]
    appointment = appointment_book(
        consultation=case, advisor=advisor_profile, start=slot.start, by=case.requester
    )
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + timedelta(hours=3),
        ends_at=timezone.now() + timedelta(hours=4),
    )
    client.force_login(case.requester)
    response = client.post(
        reverse("consultations:appointment", args=[appointment.pk]),
        {"action": "cancel"},
        follow=True,
    )
    assert (
        "no longer be changed online" in response.content.decode()
        or "nicht mehr" in response.content.decode()
    )
    appointment.refresh_from_db()
    assert appointment.is_scheduled


def test_a_colleague_reads_and_writes_but_others_get_404(client, case, town):
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(municipality=town, verified=True).user
    client.force_login(colleague)
    assert client.get(case.get_absolute_url()).status_code == 200
    client.post(reverse("consultations:message", args=[case.pk]), {"text": "Gibt es Neuigkeiten?"})
    assert case.messages.get().author == colleague

    stranger = UserFactory(roles=["integration_officer"])
    client.force_login(stranger)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_the_list_costs_the_same_for_3_and_30_requests(client, member, town):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AppointmentFactory, ConsultationFactory

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("consultations:list"))
        assert response.status_code == 200
        return len(captured), len(response.context["consultations"])

    client.force_login(member)
    for _ in range(3):
        AppointmentFactory(consultation=ConsultationFactory(requester=member, municipality=town))
    few = queries()
    for _ in range(27):
        AppointmentFactory(consultation=ConsultationFactory(requester=member, municipality=town))
    many = queries()
    print(f"/consultations/: {few[0]} queries for 3 requests, {many[0]} for 30")
    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0]
