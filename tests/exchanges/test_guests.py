"""Guests at public events: register with name and address, confirm through a signed link
(double opt-in), cancel through another; an unconfirmed seat expires and moves on."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from exchanges.emails import registrations as emails
from exchanges.errors import ExchangeError
from exchanges.links import ROUND_GUEST_LINKS
from exchanges.models import RegistrationStatus, RoundRegistration, RoundStatus
from exchanges.selectors.registrations import seat_pool, waitlist_position
from exchanges.services.registrations import (
    round_guest_cancel,
    round_guest_confirm,
    round_guest_register,
    round_registrations_expire,
)
from exchanges.tasks import expire_guest_registrations
from portal.core.guests import GUEST_CONFIRMATION
from portal.notifications.models import Notification
from tests.exchanges.conftest import emails_about, guest_registration
from tests.factories import ExchangeRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client):
    """Sentences are compared in English (the msgids), on pages too."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def public_round(**fields):
    return ExchangeRoundFactory(audience="public", format="information_evening", **fields)


def guest(round, name="Mira Gast", email="mira@example.org", language="de", **kwargs):
    return round_guest_register(round=round, name=name, email=email, language=language, **kwargs)


def links_in(message) -> dict:
    """The confirm and cancel links of a guest's email, by what they do."""
    found = re.findall(r"https?://\S+/exchanges/guest/(confirm|cancel)/([^/\s]+)/", message.body)
    return {action: token for action, token in found}


# --- Registering ----------------------------------------------------------------------------


def test_a_guest_holds_a_seat_unconfirmed_for_24_hours_and_gets_both_links(send_due_emails):
    round = public_round(capacity=10)
    now = timezone.now()

    registration = guest(round, now=now)

    assert registration.status == RegistrationStatus.UNCONFIRMED
    assert registration.email_confirmed is False
    assert registration.expires_at == now + GUEST_CONFIRMATION
    assert seat_pool(round).taken() == 1
    row = emails_about(registration, emails.GUEST_CONFIRM).get()
    assert row.user is None and row.to_email == "mira@example.org" and row.language == "de"
    assert row.idempotency_key == f"round_registration:{registration.pk}:guest:confirm"

    send_due_emails()
    message = mail.outbox[-1]
    links = links_in(message)
    assert ROUND_GUEST_LINKS.confirm.resolve(links["confirm"]) == registration
    assert ROUND_GUEST_LINKS.cancel.resolve(links["cancel"]) == registration
    assert "Mira Gast" in message.body
    # The links are sent, not kept in the outbox.
    row.refresh_from_db()
    assert row.body_text == "" and row.body_html == ""


def test_the_guest_email_is_in_the_guests_language(send_due_emails):
    round = public_round()
    guest(round, email="en@example.org", language="en")
    with translation.override("de"):
        guest(round, email="de@example.org", language="de")

    send_due_emails()
    english = next(m for m in mail.outbox if m.to == ["en@example.org"])
    german = next(m for m in mail.outbox if m.to == ["de@example.org"])
    assert english.subject.startswith("Please confirm your registration")
    assert english.extra_headers["Content-Language"] == "en"
    assert german.extra_headers["Content-Language"] == "de"


def test_only_public_events_take_guests():
    round = ExchangeRoundFactory(audience="municipal")

    with pytest.raises(ExchangeError) as caught:
        guest(round)
    assert "not a public event" in caught.value.message


def test_the_same_address_twice_is_refused_whatever_its_case():
    round = public_round()
    guest(round, email="mira@example.org")

    with pytest.raises(ExchangeError) as caught:
        guest(round, email=" Mira@Example.org ")
    assert "already registered" in caught.value.message
    assert RoundRegistration.objects.filter(round=round).count() == 1


def test_the_last_seat_held_by_a_guest_makes_the_round_full():
    round = public_round(capacity=1)
    guest(round)

    round.refresh_from_db()
    assert round.status == RoundStatus.FULL


# --- Confirming -------------------------------------------------------------------------------


def test_confirming_gives_the_guest_their_seat_with_a_calendar_file_once():
    round = public_round(mode="online", video_link="https://video.example/abend")
    registration = guest(round)

    round_guest_confirm(registration=registration)
    round_guest_confirm(registration=registration)  # the link followed twice

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email_confirmed is True and registration.expires_at is None
    confirmed = emails_about(registration, emails.GUEST_CONFIRMED).get()
    assert confirmed.calendar["url"] == "https://video.example/abend"
    assert confirmed.idempotency_key == f"round_registration:{registration.pk}:status:confirmed"
    assert emails_about(registration, emails.GUEST_REMINDER).count() == 1


def test_a_guest_of_a_full_round_waits_only_once_confirmed():
    round = public_round(capacity=1)
    guest(round, email="first@example.org")
    late = guest(round, email="late@example.org")

    assert late.status == RegistrationStatus.WAITLISTED
    assert waitlist_position(late) is None  # not yet in the queue
    assert not seat_pool(round).queue().exists()

    round_guest_confirm(registration=late)

    late.refresh_from_db()
    assert late.email_confirmed is True
    assert waitlist_position(late) == 1
    row = emails_about(late, emails.GUEST_CONFIRMED).get()
    assert row.calendar is None


def test_a_lapsed_registration_cannot_be_confirmed():
    round = public_round()
    registration = guest(round)
    round_registrations_expire(now=timezone.now() + GUEST_CONFIRMATION + timedelta(minutes=1))

    with pytest.raises(ExchangeError) as caught:
        round_guest_confirm(registration=registration)
    assert "no longer active" in caught.value.message or "lapsed" in caught.value.message


def test_a_link_followed_after_the_time_to_confirm_expires_the_seat(register_member):
    round = public_round(capacity=1)
    late_guest = guest(round)
    waiting = register_member(round)
    later = timezone.now() + GUEST_CONFIRMATION + timedelta(minutes=1)

    round_guest_confirm(registration=late_guest, now=later)  # before the expiry task came by

    late_guest.refresh_from_db()
    waiting.refresh_from_db()
    assert late_guest.status == RegistrationStatus.EXPIRED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert round_registrations_expire(now=later) == {"expired": 0, "promoted": 0}


# --- Expiry -----------------------------------------------------------------------------------


def test_an_unconfirmed_seat_expires_and_goes_to_the_first_waiting(register_member):
    round = public_round(capacity=1)
    unconfirmed = guest(round)
    waiting = register_member(round)
    behind = register_member(round)
    assert waiting.status == RegistrationStatus.WAITLISTED
    later = timezone.now() + GUEST_CONFIRMATION + timedelta(minutes=1)

    first = round_registrations_expire(now=later)
    second = round_registrations_expire(now=later)

    assert first == {"expired": 1, "promoted": 1}
    assert second == {"expired": 0, "promoted": 0}
    unconfirmed.refresh_from_db()
    waiting.refresh_from_db()
    behind.refresh_from_db()
    assert unconfirmed.status == RegistrationStatus.EXPIRED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert behind.status == RegistrationStatus.WAITLISTED
    assert waitlist_position(behind) == 1
    assert Notification.objects.about(waiting).filter(kind=emails.PROMOTED).count() == 1
    assert not Notification.objects.about(unconfirmed).exclude(kind=emails.GUEST_CONFIRM).exists()


def test_before_its_time_nothing_expires():
    round = public_round()
    registration = guest(round)

    assert round_registrations_expire(now=timezone.now() + timedelta(hours=23)) == {
        "expired": 0,
        "promoted": 0,
    }
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNCONFIRMED


def test_an_unconfirmed_guest_on_the_waitlist_lapses_too():
    round = public_round(capacity=1)
    guest(round, email="first@example.org")
    late = guest(round, email="late@example.org")

    round_registrations_expire(now=timezone.now() + GUEST_CONFIRMATION + timedelta(minutes=1))

    late.refresh_from_db()
    assert late.status == RegistrationStatus.EXPIRED


def test_the_task_runs_the_expiry():
    round = public_round(capacity=1)
    guest_registration(round=round, expires_at=timezone.now() - timedelta(minutes=1))

    assert expire_guest_registrations() == {"expired": 1, "promoted": 0}
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN


def test_a_guest_waiting_confirmed_moves_up_when_a_seat_frees():
    round = public_round(capacity=1)
    seated = guest(round, email="first@example.org")
    round_guest_confirm(registration=seated)
    late = guest(round, email="late@example.org")
    round_guest_confirm(registration=late)

    round_guest_cancel(registration=seated)

    late.refresh_from_db()
    assert late.status == RegistrationStatus.CONFIRMED
    assert emails_about(late, emails.GUEST_PROMOTED).count() == 1
    cancelled = emails_about(seated, emails.CANCELLED).get()
    assert cancelled.calendar["method"] == "CANCEL"
    assert not emails_about(seated, emails.GUEST_REMINDER).pending().exists()


def test_a_guest_cannot_cancel_after_the_deadline():
    round = public_round()
    registration = guest(round)

    with pytest.raises(ExchangeError):
        round_guest_cancel(registration=registration, now=round.start + timedelta(minutes=1))


# --- The pages of the signed links ------------------------------------------------------------


def test_the_confirm_link_shows_a_button_and_confirms_only_on_post(client):
    registration = guest(public_round())
    url = reverse("exchanges:guest_confirm", args=[ROUND_GUEST_LINKS.confirm.sign(registration)])

    page = client.get(url)
    assert page.status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.UNCONFIRMED  # a mail scanner confirms nothing

    response = client.post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "Your registration is confirmed" in client.get(url).content.decode()


def test_the_cancel_link_cancels_only_on_post(client):
    registration = guest(public_round())
    round_guest_confirm(registration=registration)
    url = reverse("exchanges:guest_cancel", args=[ROUND_GUEST_LINKS.cancel.sign(registration)])

    assert client.get(url).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    client.post(url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    # A second press says so, it does not fail.
    follow = client.post(url, follow=True)
    assert follow.status_code == 200
    assert "already been cancelled" in follow.content.decode()


@pytest.mark.parametrize("name", ["exchanges:guest_confirm", "exchanges:guest_cancel"])
def test_forged_or_crossed_tokens_answer_404(client, name):
    registration = guest(public_round())
    other = "cancel" if name.endswith("confirm") else "confirm"
    crossed = getattr(ROUND_GUEST_LINKS, other).sign(registration)

    assert client.get(reverse(name, args=["forged.token:abc"])).status_code == 404
    assert client.post(reverse(name, args=["forged.token:abc"])).status_code == 404
    assert client.get(reverse(name, args=[crossed])).status_code == 404


def test_a_token_for_a_changed_address_answers_404(client):
    registration = guest(public_round())
    token = ROUND_GUEST_LINKS.confirm.sign(registration)
    RoundRegistration.objects.filter(pk=registration.pk).update(guest_email="other@example.org")

    assert client.get(reverse("exchanges:guest_confirm", args=[token])).status_code == 404


def test_the_guest_form_registers_and_says_to_check_the_inbox(client):
    round = public_round()
    url = reverse("exchanges:guest_register", args=[round.slug])

    response = client.post(
        url, {"name": "Mira Gast", "email": "mira@example.org", "consent": "on", "website": ""}
    )

    assert response.status_code == 200
    assert "mira@example.org" in response.content.decode()
    registration = RoundRegistration.objects.get(round=round)
    assert registration.guest_name == "Mira Gast"
    assert registration.language == "en"


def test_the_guest_form_keeps_what_was_typed_on_an_error(client):
    round = public_round()
    url = reverse("exchanges:guest_register", args=[round.slug])

    response = client.post(url, {"name": "Mira Gast", "email": "no-address", "website": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Mira Gast"' in page
    assert "valid email address" in page
    assert not RoundRegistration.objects.exists()


def test_the_guest_form_is_rate_limited_with_a_message_not_an_error_page(client, settings):
    settings.GUEST_RATE_LIMIT = "2/h"
    round = public_round()
    url = reverse("exchanges:guest_register", args=[round.slug])

    for number in range(2):
        client.post(
            url,
            {"name": "Gast", "email": f"g{number}@example.org", "consent": "on", "website": ""},
        )
    response = client.post(
        url, {"name": "Noch ein Gast", "email": "g9@example.org", "consent": "on", "website": ""}
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many registrations" in page
    assert 'value="Noch ein Gast"' in page
    assert RoundRegistration.objects.filter(round=round).count() == 2


def test_the_guest_form_of_a_members_round_does_not_exist(client):
    round = ExchangeRoundFactory(audience="municipal")
    assert client.get(reverse("exchanges:guest_register", args=[round.slug])).status_code == 404
