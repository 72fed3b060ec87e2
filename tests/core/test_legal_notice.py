"""The legal notice names the provider from the settings (Impressum, § 5 DDG)."""

import pytest
from django.urls import reverse

from portal.core.models import Page


@pytest.fixture
def legal_notice(db):
    page, _created = Page.objects.get_or_create(
        slug="impressum",
        defaults={"title_de": "Impressum", "title_en": "Legal notice", "body_de": "Text."},
    )
    return page


def test_the_legal_notice_names_provider_address_and_contact(client, legal_notice, settings):
    settings.PROVIDER = {
        "name": "Stadt Musterhausen, Integrationsbüro",
        "address": ["Rathausplatz 3", "12345 Musterhausen"],
        "representative": "Oberbürgermeisterin Ada Beispiel",
        "email": "integration@musterhausen.example",
        "phone": "+49 30 1234 567",
    }

    page = client.get(reverse("core:page", args=["impressum"])).content.decode()

    for text in [
        "Stadt Musterhausen, Integrationsbüro",
        "Rathausplatz 3",
        "12345 Musterhausen",
        "Oberbürgermeisterin Ada Beispiel",
        'href="mailto:integration@musterhausen.example"',
        'href="tel:+49301234567"',
    ]:
        assert text in page


def test_other_pages_do_not_carry_the_provider_block(client, legal_notice, settings):
    Page.objects.get_or_create(slug="datenschutz", defaults={"title_de": "Datenschutz"})

    page = client.get(reverse("core:page", args=["datenschutz"])).content.decode()

    assert settings.PROVIDER["email"] not in page


@pytest.mark.django_db
def test_the_first_legal_notice_text_no_longer_points_to_the_administration():
    page = Page.objects.get(slug="impressum")  # created and updated by the migrations
    assert "Verwaltung dieser Seite" not in page.body_de
    assert "oben genannte" in page.body_de
