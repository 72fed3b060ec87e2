"""Checking a certificate by its code (issue 14.8): `/certificates/` takes the code as a
person types it, in lower case, with or without hyphens, and so does the certificate's own
address; an unknown code is a clear 404 that tells nothing about other codes."""

import pytest
from django.urls import reverse

from tests.factories import RegistrationFactory
from trainings.models import Certificate, certificate_code_as_issued

pytestmark = pytest.mark.django_db

CODE = "TB-K4RD-9WXP"


@pytest.fixture
def certificate():
    registration = RegistrationFactory()
    return Certificate.objects.create(
        code=CODE,
        kind=Certificate.Kind.COURSE,
        person=registration.person,
        registration=registration,
        name="Aylin Demir",
        title="Werkstatt kommunale Integrationsarbeit",
    )


@pytest.mark.parametrize(
    "typed",
    ["TB-K4RD-9WXP", "tbk4rd9wxp", "tb-k4rd-9wxp", " TB K4RD 9WXP ", "tb–k4rd–9wxp", "TBK4RD9WXP"],
)
def test_the_code_is_read_as_issued_however_it_was_typed(typed):
    assert certificate_code_as_issued(typed) == CODE


def test_other_text_is_kept_in_capitals_without_punctuation():
    assert certificate_code_as_issued("tb-k4rd") == "TBK4RD"
    assert certificate_code_as_issued("<script>") == "SCRIPT"
    assert certificate_code_as_issued("---") == ""
    assert len(certificate_code_as_issued("x" * 10_000)) == 40


def test_the_lookup_page_has_a_form_for_the_code(client):
    response = client.get(reverse("certificate_lookup"))

    assert response.status_code == 200
    assert reverse("certificate_lookup") == "/certificates/"
    page = response.content.decode()
    assert 'name="code"' in page
    assert 'method="get"' in page


@pytest.mark.parametrize("typed", ["tbk4rd9wxp", "TB-K4RD-9WXP", "tb-k4rd-9wxp "])
def test_a_typed_code_leads_to_the_certificate(client, certificate, typed):
    response = client.get(reverse("certificate_lookup"), {"code": typed})

    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("certificate_verify", args=[CODE])
        == f"/certificates/{CODE}/"
    )
    shown = client.get(response["Location"])
    assert shown.status_code == 200
    assert "Aylin Demir" in shown.content.decode()


@pytest.mark.parametrize("typed", ["tbk4rd9wxp", "TBK4RD9WXP", "tb-k4rd-9wxp"])
def test_the_certificates_address_takes_the_code_in_any_spelling(client, certificate, typed):
    response = client.get(f"/certificates/{typed}/")

    assert response.status_code == 200
    assert response.context["certificate"] == certificate
    assert CODE in response.content.decode()


def test_an_empty_code_asks_for_one(client):
    response = client.get(reverse("certificate_lookup"), {"code": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


@pytest.mark.parametrize("typed", ["--/--", "x" * 41])
def test_a_code_without_letters_or_digits_or_too_long_is_refused_in_the_form(client, typed):
    response = client.get(reverse("certificate_lookup"), {"code": typed})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


@pytest.mark.parametrize("typed", ["TB-K4RD-9WXA", "tbk4rd", "hello", "TB-ÄÖÜ", "TB-K4RD-9WX"])
def test_a_wrong_code_is_a_clear_404_without_hints(client, certificate, typed):
    followed = client.get(reverse("certificate_lookup"), {"code": typed}, follow=True)

    assert followed.status_code == 404
    page = followed.content.decode()
    assert followed.context["certificate"] is None
    assert "Aylin Demir" not in page and CODE not in page
    # The form comes back with what was typed, to correct it.
    assert followed.context["form"]["code"].value()
