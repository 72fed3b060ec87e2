"""Every page of the foundation answers in German (default) and in English."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

PUBLIC_PAGES = [
    "/",
    "/info/impressum/",
    "/info/datenschutz/",
    "/info/barrierefreiheit/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
SIGNED_IN_PAGES = [
    "/me/",
    "/me/profile/",
    "/me/memberships/new/",
    "/me/memberships/new/municipality/?q=K%C3%B6ln",
    "/me/memberships/new/organisation/?q=Gemeinde",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
]
FOOTER = {
    "de": ["Impressum", "Datenschutz", "Barrierefreiheit"],
    "en": ["Legal notice", "Privacy", "Accessibility"],
}


def get(client, url, language):
    if language == "en":
        client.cookies["django_language"] = "en"
    return client.get(url)


def assert_in_language(response, language):
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    for word in FOOTER[language]:
        assert word in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_render_in_both_languages(client, url, language):
    assert_in_language(get(client, url, language), language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_signed_in_pages_render_in_both_languages(client, officer, municipality, url, language):
    MembershipFactory(user=officer, municipality=municipality)
    client.force_login(officer)

    assert_in_language(get(client, url, language), language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_unknown_address_answers_the_portals_404_page(client, language):
    response = get(client, "/gibt-es-nicht/", language)

    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert reverse("core:home") in page


def test_home_page_german_text_is_german(client, db):
    page = client.get("/").content.decode()

    assert "Beratung" in page
    assert "Fortbildungen" in page
    assert "Austausch" in page


def test_a_signed_in_user_without_cookie_sees_their_preferred_language(client, officer):
    officer.preferred_language = "en"
    officer.save()
    client.force_login(officer)

    assert '<html lang="en">' in client.get("/").content.decode()


def test_switching_language_keeps_it_as_the_users_preference(client, officer):
    client.force_login(officer)

    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/me/"})

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert response.cookies["django_language"].value == "en"
    officer.refresh_from_db()
    assert officer.preferred_language == "en"


def test_language_switch_refuses_to_redirect_elsewhere(client, db):
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"
