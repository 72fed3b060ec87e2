"""Issue 14.2: German speaks "Sie" everywhere, also where the words come from allauth.

allauth's own German catalogue says "du"; the project's catalogue (LOCALE_PATHS) wins over
an app's, so it overrides those messages. These tests render every allauth email template
and every account page in German and look for the informal words.
"""

import re
from pathlib import Path

import allauth
import pytest
from django.contrib.messages import get_messages
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

# allauth's own German says "du"; locale_overrides/de gives its messages in "Sie".
INFORMAL = re.compile(r"\b(du|dein\w*|dich|dir)\b", re.IGNORECASE)
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"


def informal_words(text: str) -> list[str]:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)  # attributes and tags are no words a person reads
    return INFORMAL.findall(text)


def allauth_templates(folder: str) -> list[str]:
    return sorted(
        f"account/{folder}/{path.name}"
        for path in (ALLAUTH_TEMPLATES / "account" / folder).glob("*.txt")
        if not path.name.startswith("base_")
    )


EMAIL_CONTEXT = {
    "user": None,
    "email": "anna@example.org",
    "activate_url": "https://portal.example/confirm/abc/",
    "password_reset_url": "https://portal.example/reset/abc/",
    "signup_url": "https://portal.example/signup/",
    "code": "ABC123",
    "current_site": {"name": "Kommune & Vielfalt", "domain": "portal.example"},
    "username": "anna",
    "deleted_email": "alt@example.org",
    "from_email": "alt@example.org",
    "to_email": "neu@example.org",
}


@pytest.mark.parametrize("template", allauth_templates("email") + allauth_templates("messages"))
def test_every_allauth_email_and_message_says_sie_in_german(template, db):
    with translation.override("de"):
        try:
            text = render_to_string(template, {**EMAIL_CONTEXT, "user": UserFactory.build()})
        except TemplateDoesNotExist:
            pytest.skip(f"{template} extends a template this portal does not use")

    assert informal_words(text) == [], text


SIGNED_OUT_PAGES = [
    reverse("account_login"),
    reverse("account_signup"),
    reverse("account_reset_password"),
    reverse("account_reset_password_done"),
    reverse("account_email_verification_sent"),
    reverse("account_inactive"),
    reverse("account_confirm_email", kwargs={"key": "invalid"}),
    reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "invalid-key"}),
]
SIGNED_IN_PAGES = [
    reverse("accounts:overview"),
    reverse("account_logout"),
    reverse("account_email"),
    reverse("account_change_password"),
    reverse("account_set_password"),
    reverse("mfa_index"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", SIGNED_OUT_PAGES)
def test_every_account_page_says_sie_in_german_signed_out(client, url):
    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert informal_words(response.content.decode()) == [], url


@pytest.mark.django_db
@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_every_account_page_says_sie_in_german_signed_in(client, url):
    client.force_login(UserFactory(roles=["integration_officer"]))

    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert informal_words(response.content.decode()) == [], url


@pytest.mark.django_db
def test_form_errors_and_messages_say_sie_in_german(client, password):
    user = UserFactory(roles=["integration_officer"])
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "x", "password2": "y"},
    )
    signed_out = client.post(reverse("account_logout"), follow=True)

    assert informal_words(response.content.decode()) == []
    assert informal_words(signed_out.content.decode()) == []
    assert all(informal_words(str(m)) == [] for m in get_messages(signed_out.wsgi_request))
