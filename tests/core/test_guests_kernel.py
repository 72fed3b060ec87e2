"""The guest kernel (portal/core/guests.py): the form, the two signed links, the rate limit."""

import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings

from portal.core.guests import (
    GUEST_CANCEL_VALIDITY,
    GUEST_CONFIRMATION,
    GuestForm,
    email_digest,
    guest_links,
    guest_rate_limited,
)

VALID = {"name": "  Erika   Muster ", "email": "Erika@Example.org", "consent": "on", "website": ""}


def test_a_complete_form_is_valid_and_tidied():
    form = GuestForm(data=VALID)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Erika Muster"
    assert form.cleaned_data["email"] == "Erika@Example.org"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent": ""}, "consent", "Bitte stimmen Sie der Speicherung Ihrer Angaben zu"),
        ({"email": "erika(at)example"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse"),
        ({"email": ""}, "email", "Bitte geben Sie Ihre E-Mail-Adresse ein."),
        ({"name": "   "}, "name", "Bitte geben Sie Ihren Namen ein."),
        ({"name": "x" * 151}, "name", "höchstens 150 Zeichen"),
    ],
)
def test_an_incomplete_form_says_what_is_missing(change, field, message):
    """In German, the portal's language."""
    form = GuestForm(data={**VALID, **change})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_a_filled_honeypot_makes_the_form_invalid():
    form = GuestForm(data={**VALID, "website": "https://spam.example"})
    assert not form.is_valid()
    assert "konnte nicht gesendet werden" in " ".join(form.non_field_errors())
    assert [field.name for field in form.visible_fields()] == ["name", "email", "consent"]


@pytest.mark.django_db
def test_the_include_renders_labels_errors_and_a_hidden_honeypot():
    form = GuestForm(data={**VALID, "consent": "", "email": "nope"})
    form.is_valid()
    html = render_to_string("core/_guest_form.html", {"form": form, "action": "/x/"})
    assert 'for="guest-name"' in html and 'for="guest-email"' in html
    assert 'aria-describedby="guest-email-errors guest-email-help"' in html
    assert 'id="guest-consent-errors"' in html
    assert 'value="  Erika   Muster "' in html  # nothing typed is lost
    assert '<div class="visually-hidden" aria-hidden="true">' in html
    assert 'tabindex="-1"' in html
    assert "style=" not in html


# The signed links -------------------------------------------------------------------------

ROWS: dict[int, SimpleNamespace] = {}
LINKS = guest_links(name="kernel_test", salt="tests.guests", lookup=ROWS.get)


@pytest.fixture
def row():
    ROWS.clear()
    ROWS[7] = SimpleNamespace(pk=7, guest_email="erika@example.org")
    yield ROWS[7]
    ROWS.clear()


def test_the_links_are_registered_with_their_own_salts_and_ages():
    assert LINKS.confirm.salt != LINKS.cancel.salt
    assert LINKS.confirm.max_age == GUEST_CONFIRMATION
    assert LINKS.cancel.max_age == GUEST_CANCEL_VALIDITY
    assert LINKS.confirm.name == "kernel_test_guest_confirm"


def test_a_token_finds_its_registration_again(row):
    assert LINKS.confirm.resolve(LINKS.confirm.sign(row)) is row
    assert LINKS.cancel.resolve(LINKS.cancel.sign(row)) is row


def test_the_address_is_not_readable_in_the_token(row):
    token = LINKS.confirm.sign(row)
    assert "erika" not in token.lower()
    assert LINKS.confirm.read(token) == {"r": 7, "e": email_digest("ERIKA@example.org ")}


def test_forged_or_crossed_tokens_find_nothing(row):
    assert LINKS.confirm.resolve("not-a-token") is None
    assert LINKS.confirm.resolve(LINKS.confirm.sign(row) + "x") is None
    # A cancel link is no confirm link, and the reverse.
    assert LINKS.confirm.resolve(LINKS.cancel.sign(row)) is None
    assert LINKS.cancel.resolve(LINKS.confirm.sign(row)) is None


def test_a_token_stops_working_when_the_address_changes_or_the_row_is_gone(row):
    token = LINKS.cancel.sign(row)
    row.guest_email = "someone.else@example.org"
    assert LINKS.cancel.resolve(token) is None
    row.guest_email = "ERIKA@example.org"  # the same address in other letters still matches
    assert LINKS.cancel.resolve(token) is row
    ROWS.clear()
    assert LINKS.cancel.resolve(token) is None


def test_the_confirm_link_expires_after_24_hours_the_cancel_link_does_not(row):
    confirm, cancel = LINKS.confirm.sign(row), LINKS.cancel.sign(row)
    later = time.time() + GUEST_CONFIRMATION.total_seconds() + 60
    with mock.patch("time.time", return_value=later):
        assert LINKS.confirm.resolve(confirm) is None
        assert LINKS.cancel.resolve(cancel) is row


# The rate limit ---------------------------------------------------------------------------

LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "guest-rate-limit-tests",
    }
}


@override_settings(GUEST_RATE_LIMIT="3/h", CACHES=LOCAL_CACHE)
def test_the_rate_limit_trips_after_n_posts_from_one_address():
    cache.clear()
    factory = RequestFactory()

    def post(address):
        return guest_rate_limited(factory.post("/guest/", REMOTE_ADDR=address))

    assert [post("203.0.113.5") for _ in range(4)] == [False, False, False, True]
    # Another address counts on its own; reading the page never counts.
    assert post("203.0.113.9") is False
    assert guest_rate_limited(factory.get("/guest/", REMOTE_ADDR="203.0.113.5")) is False
    cache.clear()


# --- What the services of guest registrations share ------------------------------------------


@pytest.mark.parametrize(
    ("language", "stored"),
    [("en", "en"), ("en-gb", "en"), ("de-AT", "de"), ("xx", "de"), ("", "de")],
)
def test_guest_details_tidy_what_was_typed_and_keep_a_portal_language(language, stored):
    from portal.core.guests import guest_details

    assert guest_details(
        name="  Erika \t Muster ", email=" erika@example.org ", language=language, error=ValueError
    ) == ("Erika Muster", "erika@example.org", stored)


@pytest.mark.parametrize(("name", "email"), [("   ", "erika@example.org"), ("Erika", "  ")])
def test_guest_details_refuse_an_empty_name_or_address(name, email):
    from portal.core.errors import DomainError
    from portal.core.guests import guest_details

    with pytest.raises(DomainError):
        guest_details(name=name, email=email, language="de", error=DomainError)


def test_an_email_about_a_registration_goes_to_the_account_or_the_guests_address():
    from portal.core.guests import registration_recipient

    person = object()
    member = SimpleNamespace(is_guest=False, person=person)
    guest = SimpleNamespace(is_guest=True, guest_email="gast@example.org", language="en")
    assert registration_recipient(member) == {"user": person}
    assert registration_recipient(guest) == {"email": "gast@example.org", "language": "en"}
