"""Journey 1, first half: sign up, confirm the address, log in, say where you work."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts.models import Membership, User

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def sign_up(client, email="anna.berger@stadt-beispiel.example", **extra):
    data = {
        "full_name": "Anna Berger",
        "email": email,
        "password1": "Vielfalt-im-Rathaus-7",
        "password2": "Vielfalt-im-Rathaus-7",
        "privacy_accepted": "on",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


@pytest.mark.django_db
def test_signup_verification_login_membership_and_verification(
    client, municipality, coordinator, send_due_emails
):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="anna.berger@stadt-beispiel.example")
    assert user.full_name == "Anna Berger"
    assert user.preferred_language == "de"
    assert user.has_role("integration_officer")
    assert not user.is_staff

    # The verification email goes through the outbox and arrives in German, with a link.
    assert send_due_emails()["sent"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna.berger@stadt-beispiel.example"]
    confirm_path = CONFIRM_LINK.search(message.body).group(1)

    # Before confirming, the password alone does not let anybody in.
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "anna.berger@stadt-beispiel.example", "password": "Vielfalt-im-Rathaus-7"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    client.logout()

    # Logging in now works and leads a new officer to say where they work.
    response = client.post(
        reverse("account_login"),
        {"login": "Anna.Berger@Stadt-Beispiel.example", "password": "Vielfalt-im-Rathaus-7"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:membership_new")

    search_url = reverse("accounts:membership_new_municipality")
    response = client.get(search_url, {"q": "Köln"})
    assert response.status_code == 200
    assert "Köln, Stadt" in response.content.decode()

    response = client.post(
        search_url,
        {"q": "Köln", "municipality": municipality.pk, "role": "Integrationsbeauftragte"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.municipality == municipality
    assert not membership.verified
    overview = client.get(reverse("accounts:overview")).content.decode()
    assert "Köln, Stadt" in overview
    assert 'data-status="pending"' in overview

    # A coordinator verifies the membership in the admin.
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "verify", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.verified
    assert membership.verified_by == coordinator
    assert membership.verified_at is not None

    client.force_login(user)
    overview = client.get(reverse("accounts:overview")).content.decode()
    assert 'data-status="verified"' in overview

    # ... and the officer learns it by email, in the same outbox.
    mail.outbox.clear()
    assert send_due_emails()["sent"] == 1
    assert mail.outbox[0].to == ["anna.berger@stadt-beispiel.example"]
    assert "Köln, Stadt" in mail.outbox[0].subject


@pytest.mark.django_db
def test_signup_without_privacy_consent_keeps_what_was_typed(client):
    response = sign_up(client, privacy_accepted="")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Anna Berger" in page
    assert "anna.berger@stadt-beispiel.example" in page
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_in_english_keeps_english_as_preference(client, send_due_emails):
    client.cookies["django_language"] = "en"

    sign_up(client, email="officer@town.example")
    send_due_emails()

    assert User.objects.get(email="officer@town.example").preferred_language == "en"
    assert mail.outbox[0].subject == "Please confirm your email address to finish signing up"


@pytest.mark.django_db
def test_failed_membership_form_keeps_the_chosen_municipality(client, officer, municipality):
    client.force_login(officer)

    response = client.post(
        reverse("accounts:membership_new_municipality"),
        {"q": "", "municipality": municipality.pk, "role": ""},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Köln, Stadt" in page
    assert f'value="{municipality.pk}"' in page
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_confirming_the_address_signs_in_and_asks_where_you_work(client, send_due_emails):
    sign_up(client)
    send_due_emails()
    confirm_path = CONFIRM_LINK.search(mail.outbox[0].body).group(1)

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:membership_new")
    assert client.get(response["Location"]).status_code == 200
