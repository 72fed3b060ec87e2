"""Who sees a request: the visibility matrix for every consultation URL and the admin.

Rows: officer of the same municipality (a verified colleague), officer of another
municipality, the assigned advisor, an advisor not assigned, a coordinator, anonymous.
"""

import pytest
from django.urls import reverse

from consultations.links import appointment_token
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALLOWED = "allowed"
HIDDEN = "hidden"  # 404, as if the request did not exist
LOGIN = "login"  # sent to the login page
NO_ADMIN = "no admin"  # the admin's own login page: officers never reach it

PEOPLE = ["colleague", "other_officer", "advisor", "other_advisor", "coordinator", "anonymous"]


@pytest.fixture
def world():
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(lead_advisor=lead, status="assigned")
    appointment = AppointmentFactory(consultation=case, advisor=lead)
    document = DocumentFactory(consultation=case, shared=True)
    people = {
        "colleague": MembershipFactory(municipality=case.municipality, verified=True).user,
        "other_officer": MembershipFactory(verified=True).user,
        "advisor": lead.user,
        "other_advisor": AdvisorProfileFactory().user,
        "coordinator": UserFactory(roles=["coordinator"]),
        "anonymous": None,
    }
    return case, appointment, document, people


def portal_urls(case, appointment, document):
    return {
        "detail": ("get", reverse("consultations:detail", args=[case.pk])),
        "book": ("get", reverse("consultations:book", args=[case.pk])),
        "document": (
            "get",
            reverse("consultations:document", args=[case.pk, document.pk]),
        ),
        "appointment": ("get", reverse("consultations:appointment", args=[appointment.pk])),
        "message": ("post", reverse("consultations:message", args=[case.pk])),
        "withdraw": ("post", reverse("consultations:withdraw", args=[case.pk])),
    }


def admin_urls(case):
    return {
        "admin change": ("get", reverse("admin:consultations_consultation_change", args=[case.pk])),
        "admin history": (
            "get",
            reverse("admin:consultations_consultation_history", args=[case.pk]),
        ),
        "admin action": (
            "get",
            reverse("admin:consultations_consultation_action", args=[case.pk, "start"]),
        ),
    }


def outcome(response) -> str:
    if response.status_code == 404:
        return HIDDEN
    location = response.get("Location", "")
    if response.status_code == 302 and "/accounts/login/" in location:
        return LOGIN
    if response.status_code == 302 and "/admin/login/" in location:
        return NO_ADMIN
    assert response.status_code in {200, 302}, response.status_code
    return ALLOWED


PORTAL_EXPECTED = {
    "colleague": ALLOWED,
    "other_officer": HIDDEN,
    "advisor": ALLOWED,
    "other_advisor": HIDDEN,
    "coordinator": ALLOWED,
    "anonymous": LOGIN,
}
ADMIN_EXPECTED = {
    "colleague": NO_ADMIN,
    "other_officer": NO_ADMIN,
    "advisor": ALLOWED,
    "other_advisor": HIDDEN,
    "coordinator": ALLOWED,
    "anonymous": NO_ADMIN,
}


@pytest.mark.parametrize("person", PEOPLE)
def test_every_consultation_url_and_the_admin(client, world, person):
    case, appointment, document, people = world
    if people[person] is not None:
        client.force_login(people[person])
    found = {}
    for name, (method, url) in {
        **portal_urls(case, appointment, document),
        **admin_urls(case),
    }.items():
        found[name] = outcome(getattr(client, method)(url))
    expected = {name: PORTAL_EXPECTED[person] for name in portal_urls(case, appointment, document)}
    expected.update({name: ADMIN_EXPECTED[person] for name in admin_urls(case)})
    assert found == expected


def test_the_list_shows_colleagues_requests_and_nothing_else(client, world):
    case, _appointment, _document, people = world
    elsewhere = ConsultationFactory()
    for person, sees in [
        ("colleague", {case}),
        ("other_officer", set()),
        ("advisor", {case}),
        ("other_advisor", set()),
        ("coordinator", {case, elsewhere}),
    ]:
        client.force_login(people[person])
        response = client.get(reverse("consultations:list"))
        assert set(response.context["consultations"]) == sees, person


def test_the_admin_list_of_an_advisor_holds_their_cases_only(client, world):
    case, _appointment, _document, people = world
    ConsultationFactory()  # not theirs
    client.force_login(people["advisor"])
    response = client.get(reverse("admin:consultations_consultation_changelist") + "?mine=all")
    assert list(response.context["cl"].result_list) == [case]
    client.force_login(people["other_advisor"])
    response = client.get(reverse("admin:consultations_consultation_changelist") + "?mine=all")
    assert list(response.context["cl"].result_list) == []


def test_internal_documents_stay_internal(client, world):
    case, _appointment, _document, people = world
    internal = DocumentFactory(consultation=case, shared=False)
    url = reverse("consultations:document", args=[case.pk, internal.pk])
    client.force_login(people["colleague"])
    assert client.get(url).status_code == 404
    client.force_login(people["advisor"])
    assert client.get(url).status_code == 200


def test_an_appointment_link_works_only_with_its_own_signature(client, world):
    _case, appointment, _document, _people = world
    token = appointment_token(appointment)
    assert client.get(reverse("consultations:appointment_link", args=[token])).status_code == 200
    other = AppointmentFactory()
    # The other appointment's payload under this link's signature.
    payload = appointment_token(other).split(":", 1)[0]
    forged = payload + ":" + token.split(":", 1)[1]
    assert client.get(reverse("consultations:appointment_link", args=[forged])).status_code == 404
