"""The pages of registering: the register page, cancelling, "My exchange rounds", the panel of
a round's page."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from exchanges.models import RegistrationStatus, RoundRegistration
from exchanges.selectors.registrations import registration_panel
from tests.factories import ExchangeRoundFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SAXONY, THURINGIA, NRW = "14", "16", "05"


@pytest.fixture(autouse=True)
def _in_english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def page(response) -> str:
    return response.content.decode()


# --- The register page -----------------------------------------------------------------------


def test_someone_without_a_body_is_told_to_say_where_they_work(client, officer):
    round = ExchangeRoundFactory()
    client.force_login(officer)

    response = client.get(reverse("exchanges:register", args=[round.slug]))

    assert response.status_code == 200
    assert reverse("accounts:membership_new") in page(response)


def test_the_register_page_says_what_happens_and_registers_on_post(client, member_factory):
    round = ExchangeRoundFactory(reminder_days=2)
    membership = member_factory()
    client.force_login(membership.user)
    url = reverse("exchanges:register", args=[round.slug])

    shown = page(client.get(url))
    assert "your registration is confirmed at once" in shown
    assert "2 days before the round" in shown
    assert str(membership.municipality) in shown

    response = client.post(url, {"membership": membership.pk})

    assert response.status_code == 302
    assert response["Location"] == round.get_absolute_url()
    registration = RoundRegistration.objects.get(round=round)
    assert registration.person == membership.user
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.state == membership.municipality.state


def test_the_register_page_offers_a_choice_of_bodies_and_explains_the_refused(
    client, member_factory
):
    round = ExchangeRoundFactory(states=[SAXONY, THURINGIA], audience="both")
    saxony = member_factory(SAXONY)
    user = saxony.user
    thuringia = MembershipFactory(
        user=user, verified=True, municipality=member_factory(THURINGIA).municipality
    )
    elsewhere = MembershipFactory(
        user=user, verified=True, municipality=member_factory(NRW).municipality
    )
    client.force_login(user)
    url = reverse("exchanges:register", args=[round.slug])

    shown = page(client.get(url))
    assert f'value="{saxony.pk}"' in shown and f'value="{thuringia.pk}"' in shown
    assert f'value="{elsewhere.pk}"' not in shown
    assert "open to Saxony and Thuringia only" in shown

    # A refused body sent anyway (a hand-made request) is refused, nothing is saved.
    response = client.post(url, {"membership": elsewhere.pk})
    assert response.status_code == 200
    assert not RoundRegistration.objects.exists()

    client.post(url, {"membership": thuringia.pk})
    assert RoundRegistration.objects.get().municipality == thuringia.municipality


def test_a_refused_member_sees_why_and_no_button(client, member_factory):
    round = ExchangeRoundFactory(states=[SAXONY, THURINGIA])
    membership = member_factory(NRW)
    client.force_login(membership.user)

    response = client.get(reverse("exchanges:register", args=[round.slug]))

    assert "This round is open to Saxony and Thuringia only." in page(response)
    assert 'type="submit" class="btn btn-primary"' not in page(response)


def test_a_full_round_offers_the_waitlist(client, member_factory, register_member):
    round = ExchangeRoundFactory(capacity=1)
    register_member(round)
    membership = member_factory()
    client.force_login(membership.user)
    url = reverse("exchanges:register", args=[round.slug])

    assert "Join the waitlist" in page(client.get(url))
    client.post(url, {"membership": membership.pk})
    assert RoundRegistration.objects.get(person=membership.user).status == "waitlisted"


def test_a_draft_round_has_no_register_page(client, officer):
    round = ExchangeRoundFactory(status="draft")
    client.force_login(officer)
    assert client.get(reverse("exchanges:register", args=[round.slug])).status_code == 404


# --- Cancelling ------------------------------------------------------------------------------


def test_someone_elses_registration_answers_404(client, register_member, officer):
    registration = register_member(ExchangeRoundFactory())
    client.force_login(officer)
    url = reverse("exchanges:registration_cancel", args=[registration.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_participant_cancels_on_post(client, register_member):
    registration = register_member(ExchangeRoundFactory())
    client.force_login(registration.person)
    url = reverse("exchanges:registration_cancel", args=[registration.pk])

    assert client.get(url).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    response = client.post(url)
    assert response["Location"] == reverse("exchanges:mine")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_after_the_deadline_the_cancel_page_sends_back_with_a_message(client, register_member):
    round = ExchangeRoundFactory(
        registration_opens=timezone.now() - timedelta(days=3),
        registration_deadline=timezone.now() + timedelta(hours=1),
    )
    registration = register_member(round)
    round.registration_deadline = timezone.now() - timedelta(minutes=1)
    round.save(update_fields=["registration_deadline"])
    client.force_login(registration.person)

    response = client.get(
        reverse("exchanges:registration_cancel", args=[registration.pk]), follow=True
    )

    assert "can no longer be cancelled here" in page(response)


# --- My exchange rounds ------------------------------------------------------------------------


def test_my_rounds_show_status_and_position_in_a_fixed_number_of_queries(
    client, member_factory, register_member, django_assert_num_queries
):
    membership = member_factory()
    full = ExchangeRoundFactory(capacity=1, title="Volle Runde")
    register_member(full)
    register_member(full, membership)
    register_member(ExchangeRoundFactory(title="Offene Runde"), membership)
    client.force_login(membership.user)
    url = reverse("exchanges:mine")
    client.get(url)  # warm up (session, language)

    with django_assert_num_queries(3) as captured:
        response = client.get(url)
    shown = page(response)
    assert "Volle Runde" in shown and "Offene Runde" in shown
    assert "waitlist, position 1" in shown
    assert "seat confirmed" in shown

    for _number in range(4):
        register_member(ExchangeRoundFactory(), membership)
    with django_assert_num_queries(len(captured)):
        client.get(url)


def test_my_rounds_show_only_my_own(client, register_member, member_factory):
    other = register_member(ExchangeRoundFactory(title="Fremde Runde"))
    mine = member_factory()
    client.force_login(mine.user)

    assert other.round.title not in page(client.get(reverse("exchanges:mine")))


# --- The panel of a round's page ---------------------------------------------------------------


def render_panel(round, user):
    request = RequestFactory().get("/")
    request.user = user
    panel = registration_panel(round, user, timezone.now())
    return render_to_string("exchanges/_registration_panel.html", {"panel": panel}, request=request)


def test_the_panel_offers_a_visitor_the_guest_form_at_a_public_event():
    from django.contrib.auth.models import AnonymousUser

    round = ExchangeRoundFactory(audience="public")
    html = render_panel(round, AnonymousUser())

    assert reverse("exchanges:guest_register", args=[round.slug]) in html
    assert 'name="email"' in html


def test_the_panel_asks_a_visitor_of_a_members_round_to_log_in():
    from django.contrib.auth.models import AnonymousUser

    round = ExchangeRoundFactory(audience="municipal")
    html = render_panel(round, AnonymousUser())

    assert 'name="email"' not in html
    assert reverse("exchanges:register", args=[round.slug]) in html


def test_the_panel_shows_a_participant_their_seat_and_the_way_to_cancel(register_member):
    round = ExchangeRoundFactory(mode="online", video_link="https://video.example/x")
    registration = register_member(round)

    html = render_panel(round, registration.person)

    assert "Your seat is confirmed" in html or "your seat is confirmed" in html
    assert reverse("exchanges:registration_cancel", args=[registration.pk]) in html
    stranger = UserFactory(roles=["integration_officer"])
    assert "https://video.example/x" not in render_panel(round, stranger)
