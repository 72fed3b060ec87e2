"""Case work in the admin: the list's cost, the advisor's default, search and the inlines."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import emails
from consultations.models import Appointment, Consultation, Document, Message, Note
from portal.advisors.models import Topic
from portal.core.audit import audit_record
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.consultations.test_journey import add_inline, admin_form_data
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    DocumentFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:consultations_consultation_changelist")


def change_url(case):
    return reverse("admin:consultations_consultation_change", args=[case.pk])


def form_data(client, case) -> dict:
    """The change form as rendered, without the documents' file inputs (never re-posted)."""
    data = admin_form_data(client.get(change_url(case)))
    return {key: value for key, value in data.items() if not key.endswith("-file")}


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def make_cases(count, *, lead):
    """`count` cases with topics and an upcoming appointment each, written in bulk."""
    from portal.accounts.models import Membership

    topic = Topic.objects.get(slug="dialog")
    requester = UserFactory(roles=["integration_officer"])
    towns = [MunicipalityFactory() for _ in range(5)]
    Membership.objects.bulk_create(
        Membership(user=requester, municipality=town, role="IB", verified=True) for town in towns
    )
    now = timezone.now()
    existing = Consultation.objects.count()
    cases = Consultation.objects.bulk_create(
        Consultation(
            reference=f"KV-B{existing + n:05d}",
            requester=requester,
            municipality=towns[n % 5],
            state=towns[n % 5].state,
            format="fachberatung",
            concern="Anliegen",
            goal="Ziel",
            contact_mode="video",
            privacy_accepted_at=now,
            status="in_progress",
            lead_advisor=lead,
            submitted_at=now - timedelta(days=n % 40),
        )
        for n in range(count)
    )
    Consultation.topics.through.objects.bulk_create(
        Consultation.topics.through(consultation=case, topic=topic) for case in cases
    )
    Appointment.objects.bulk_create(
        Appointment(
            consultation=case,
            advisor=lead,
            starts_at=now + timedelta(days=1, hours=2 * (existing + n)),
            ends_at=now + timedelta(days=1, hours=2 * (existing + n) + 1),
            mode="video",
        )
        for n, case in enumerate(cases)
    )
    return cases


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_change_list_costs_the_same_for_20_and_2000_cases(client):
    lead = AdvisorProfileFactory()
    coordinator = UserFactory(roles=["coordinator"])
    client.force_login(coordinator)
    make_cases(20, lead=lead)
    few, response = count_queries(client, CHANGELIST)
    assert response.context["cl"].result_count == 20
    make_cases(1980, lead=lead)
    many, response = count_queries(client, CHANGELIST)
    assert response.context["cl"].result_count == 2000
    print(f"admin change list: {few} queries for 20 cases, {many} for 2000")
    assert few == many, (few, many)

    client.force_login(lead.user)
    few_advisor, _response = count_queries(client, CHANGELIST + "?mine=open")
    assert few_advisor <= many + 2


def test_an_advisor_starts_on_their_open_cases(client):
    lead = AdvisorProfileFactory()
    open_case = ConsultationFactory(lead_advisor=lead, status="in_progress")
    ConsultationFactory(lead_advisor=lead, status="closed")
    client.force_login(lead.user)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].endswith("?mine=open")
    response = client.get(response["Location"])
    assert list(response.context["cl"].result_list) == [open_case]
    response = client.get(CHANGELIST + "?mine=all")
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize("query", ["Bergheim", "05362008", "Ilse Fragt", "Trauerhalle", "KV-S"])
def test_search_by_municipality_ags_requester_and_text(client, query):
    town = MunicipalityFactory(name="Bergheim", ags="05362008")
    case = ConsultationFactory(
        municipality=town,
        requester=UserFactory(full_name="Ilse Fragt"),
        concern="Die Gemeinde wünscht eine Trauerhalle für rituelle Waschungen.",
        reference="KV-SEARCH",
    )
    ConsultationFactory()
    client.force_login(UserFactory(roles=["coordinator"]))
    response = client.get(CHANGELIST, {"q": query})
    assert list(response.context["cl"].result_list) == [case]


@pytest.mark.parametrize(
    "filters",
    [
        {"status__exact": "in_triage"},
        {"state__exact": "05"},
        {"format__exact": "fachberatung"},
        {"age": "week"},
        {"advisor": "LEAD"},
    ],
)
def test_the_filters_work(client, filters):
    lead = AdvisorProfileFactory()
    wanted = ConsultationFactory(status="in_triage", lead_advisor=lead)
    ConsultationFactory(
        status="closed",
        municipality=MunicipalityFactory(state="06", ags="06412000"),
        format="prozessbegleitung",
        submitted_at=timezone.now() - timedelta(days=60),
    )
    filters = {k: (str(lead.pk) if v == "LEAD" else v) for k, v in filters.items()}
    client.force_login(UserFactory(roles=["coordinator"]))
    response = client.get(CHANGELIST, filters)
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_change_page_shows_the_workflow_its_history_and_no_delete(client):
    case = ConsultationFactory()
    audit_record(
        target=case, action="consultation.submitted", by=case.requester, to_status="submitted"
    )
    appointment = AppointmentFactory(consultation=case)
    audit_record(target=appointment, action="appointment.recorded", to_status="scheduled")
    client.force_login(UserFactory(roles=["coordinator"]))
    response = client.get(reverse("admin:consultations_consultation_change", args=[case.pk]))
    page = response.content.decode()
    assert "consultation.submitted" in page
    assert "appointment.recorded" in page  # the case's trail includes its appointments
    assert reverse("admin:consultations_consultation_action", args=[case.pk, "triage"]) in page
    assert reverse("admin:consultations_consultation_action", args=[case.pk, "start"]) not in page
    assert reverse("admin:consultations_consultation_delete", args=[case.pk]) not in page
    assert client.get(reverse("admin:consultations_consultation_add")).status_code == 403


def test_an_overlapping_appointment_entered_in_the_admin_is_refused(client):
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(lead_advisor=lead, status="in_progress")
    existing = AppointmentFactory(advisor=lead)  # in another case
    client.force_login(lead.user)
    url = reverse("admin:consultations_consultation_change", args=[case.pk])
    data = admin_form_data(client.get(url))
    start = timezone.localtime(existing.starts_at)
    end = start + timedelta(minutes=30)  # may fall on the next day near midnight
    add_inline(
        data,
        "appointments",
        {
            "starts_at_0": start.date().isoformat(),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": end.date().isoformat(),
            "ends_at_1": end.strftime("%H:%M:%S"),
            "advisor": lead.pk,
            "phase": "advice",
            "mode": "phone",
            "status": "scheduled",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already has an appointment" in str(response.context["errors"]) or "bereits" in str(
        response.context["errors"]
    )
    assert not case.appointments.exists()


# --- Saving through the services, all or nothing -------------------------------------------


def test_a_closed_case_refuses_a_new_note_and_says_why(client):
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(lead_advisor=lead, status="closed")
    client.force_login(lead.user)
    data = form_data(client, case)
    add_inline(data, "notes", {"text": "Nachtrag nach dem Abschluss."})
    add_inline(data, "messages", {"text": "Noch eine Frage?"})

    response = client.post(change_url(case), data)

    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "takes no new notes" in page or "keine neuen Notizen" in page
    assert not any("successfully" in t or "erfolgreich" in t for t in texts(response))
    assert not Note.objects.exists() and not Message.objects.exists()
    assert not AuditEntry.objects.exists()
    # What was typed is still there to copy.
    assert "Nachtrag nach dem Abschluss." in page


def test_one_refused_inline_rolls_back_the_whole_save(client):
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(lead_advisor=lead, status="in_progress")
    from_requester = DocumentFactory(consultation=case, shared=True, uploaded_by=case.requester)
    client.force_login(lead.user)
    data = form_data(client, case)
    add_inline(data, "notes", {"text": "Diese Notiz darf nicht bleiben."})  # saved first ...
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("documents-") and key.endswith("-id") and value == from_requester.pk
    )
    del data[f"documents-{index}-shared"]  # ... then hiding the requester's own file is refused

    response = client.post(change_url(case), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "always visible" in page or "immer sichtbar" in page
    assert not Note.objects.exists()  # rolled back with the refusal
    from_requester.refresh_from_db()
    assert from_requester.shared
    assert not AuditEntry.objects.exists()


def test_sharing_a_document_in_the_admin_goes_through_the_service(client):
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(lead_advisor=lead, status="in_progress")
    internal = DocumentFactory(consultation=case, shared=False, uploaded_by=lead.user)
    client.force_login(lead.user)
    data = form_data(client, case)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("documents-") and key.endswith("-id") and value == internal.pk
    )
    data[f"documents-{index}-shared"] = "on"

    response = client.post(change_url(case), data)

    assert response.status_code == 302
    internal.refresh_from_db()
    assert internal.shared
    entry = AuditEntry.objects.for_object(case).get()
    assert (entry.action, entry.actor, entry.details["document_id"]) == (
        "document.shared",
        lead.user,
        internal.pk,
    )

    data = form_data(client, case)
    del data[f"documents-{index}-shared"]
    assert client.post(change_url(case), data).status_code == 302
    internal.refresh_from_db()
    assert not internal.shared
    assert AuditEntry.objects.for_object(case).first().action == "document.unshared"
    assert Document.objects.count() == 1


def local_parts(moment) -> dict:
    local = timezone.localtime(moment)
    return {"0": local.date().isoformat(), "1": local.strftime("%H:%M:%S")}


def test_appointments_entered_moved_and_cancelled_in_the_admin_go_through_the_services(client):
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(lead_advisor=lead, status="in_progress")
    client.force_login(lead.user)
    start = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    data = form_data(client, case)
    add_inline(
        data,
        "appointments",
        {
            **{f"starts_at_{k}": v for k, v in local_parts(start).items()},
            **{f"ends_at_{k}": v for k, v in local_parts(start + timedelta(hours=1)).items()},
            "advisor": lead.pk,
            "phase": "advice",
            "mode": "phone",
            "status": "scheduled",
        },
    )
    assert client.post(change_url(case), data).status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.booked_by == lead.user
    assert {n.user for n in Notification.objects.filter(kind=emails.BOOKED)} == {
        case.requester,
        lead.user,
    }
    assert AuditEntry.objects.for_object(appointment).get().action == "appointment.recorded"

    # A new time is announced as a move.
    later = start + timedelta(days=1)
    data = form_data(client, case)
    for key, value in local_parts(later).items():
        data[f"appointments-0-starts_at_{key}"] = value
    for key, value in local_parts(later + timedelta(hours=1)).items():
        data[f"appointments-0-ends_at_{key}"] = value
    assert client.post(change_url(case), data).status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == later
    assert Notification.objects.filter(kind=emails.MOVED).count() == 2
    moved = AuditEntry.objects.for_object(appointment).get(action="appointment.moved")
    assert moved.details == {
        "from": start.astimezone(UTC).isoformat(),
        "to": later.astimezone(UTC).isoformat(),
    }

    # Saving the page again unchanged announces nothing.
    assert client.post(change_url(case), form_data(client, case)).status_code == 302
    assert Notification.objects.filter(kind=emails.MOVED).count() == 2

    # Cancelling tells both sides, with the calendar's cancellation.
    data = form_data(client, case)
    data["appointments-0-status"] = "cancelled"
    assert client.post(change_url(case), data).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    cancelled = Notification.objects.filter(kind=emails.CANCELLED)
    assert {n.calendar["method"] for n in cancelled} == {"CANCEL"} and cancelled.count() == 2
    assert (
        AuditEntry.objects.for_object(appointment).filter(action="appointment.cancelled").exists()
    )

    # The way back is refused, and the page says so.
    data = form_data(client, case)
    data["appointments-0-status"] = "scheduled"
    response = client.post(change_url(case), data)
    assert response.status_code == 200
    assert "cannot become" in response.content.decode() or "kann nicht" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
