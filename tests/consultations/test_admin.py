"""Case work in the admin: the list's cost, the advisor's default, search and the inlines."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import Appointment, Consultation, StatusChange
from portal.advisors.models import Topic
from tests.factories import (
    AdvisorProfileFactory,
    ConsultationFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:consultations_consultation_changelist")


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


def test_the_change_page_shows_the_workflow_and_no_delete(client):
    case = ConsultationFactory()
    StatusChange.objects.create(consultation=case, to_status="submitted", by=case.requester)
    client.force_login(UserFactory(roles=["coordinator"]))
    response = client.get(reverse("admin:consultations_consultation_change", args=[case.pk]))
    page = response.content.decode()
    assert reverse("admin:consultations_consultation_action", args=[case.pk, "triage"]) in page
    assert reverse("admin:consultations_consultation_action", args=[case.pk, "start"]) not in page
    assert reverse("admin:consultations_consultation_delete", args=[case.pk]) not in page
    assert client.get(reverse("admin:consultations_consultation_add")).status_code == 403


def test_an_overlapping_appointment_entered_in_the_admin_is_refused(client):
    from tests.consultations.test_journey import add_inline, admin_form_data
    from tests.factories import AppointmentFactory

    lead = AdvisorProfileFactory()
    case = ConsultationFactory(lead_advisor=lead, status="in_progress")
    existing = AppointmentFactory(advisor=lead)  # in another case
    client.force_login(lead.user)
    url = reverse("admin:consultations_consultation_change", args=[case.pk])
    data = admin_form_data(client.get(url))
    start = timezone.localtime(existing.starts_at)
    add_inline(
        data,
        "appointments",
        {
            "starts_at_0": start.date().isoformat(),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": start.date().isoformat(),
            "ends_at_1": (start + timedelta(minutes=30)).strftime("%H:%M:%S"),
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
