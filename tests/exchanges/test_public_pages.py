"""The public pages of exchange rounds: the list (filters, paging, its pinned query count),
a round's page (drafts hidden, counts by state without names, the video link for confirmed
participants only, moderators) and a round's calendar file."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from exchanges.ics import round_uid
from exchanges.models import ExchangeRound
from portal.advisors.models import Topic
from tests.exchanges.conftest import guest_registration
from tests.factories import (
    AdvisorProfileFactory,
    ExchangeRoundFactory,
    RoundRegistrationFactory,
    UserFactory,
)

LIST = reverse("exchanges:list")


def titles(response) -> list[str]:
    return [round.title for round in response.context["page"].object_list]


def shown(client, **query) -> list[int]:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return [round.pk for round in response.context["page"].object_list]


# --- The list ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_published_upcoming_rounds_and_hides_drafts(client):
    soon = ExchangeRoundFactory(title="Bald")
    later = ExchangeRoundFactory(title="Später", start=soon.start + timedelta(days=7))
    later.end = later.start + timedelta(hours=3)
    later.save()
    ExchangeRoundFactory(title="Entwurf", status="draft")
    ExchangeRoundFactory(
        title="Vorbei",
        status="held",
        start=timezone.now() - timedelta(days=10),
        end=timezone.now() - timedelta(days=10) + timedelta(hours=3),
    )

    response = client.get(LIST)

    assert titles(response) == ["Bald", "Später"]
    assert "Entwurf" not in response.content.decode()


@pytest.mark.django_db
def test_the_past_tab_lists_held_rounds_latest_first(client):
    now = timezone.now()
    for days, title in ((30, "Älter"), (3, "Jünger")):
        ExchangeRoundFactory(
            title=title,
            status="documented",
            start=now - timedelta(days=days),
            end=now - timedelta(days=days) + timedelta(hours=2),
        )
    ExchangeRoundFactory(title="Kommt noch")

    response = client.get(LIST, {"when": "past"})

    assert titles(response) == ["Jünger", "Älter"]


@pytest.mark.django_db
def test_each_filter_and_their_combination(client):
    burial = Topic.objects.get(slug="bestattung")
    dialogue = Topic.objects.get(slug="konfliktkommunikation")
    saxony_thuringia = ExchangeRoundFactory(states=["14", "16"], format="forum")
    saxony_thuringia.themes.set([burial])
    everywhere = ExchangeRoundFactory(states=[], format="working_session")
    everywhere.themes.set([dialogue])
    hesse = ExchangeRoundFactory(states=["06"], format="forum", audience="organisations")
    hesse.themes.set([burial])
    evening = ExchangeRoundFactory(states=["06"], format="information_evening", audience="public")

    assert shown(client, theme="bestattung") == [saxony_thuringia.pk, hesse.pk]
    # Open to Saxony: the Saxony–Thuringia round and the one open to every state.
    assert shown(client, state="14") == [saxony_thuringia.pk, everywhere.pk]
    assert shown(client, format="forum") == [saxony_thuringia.pk, hesse.pk]
    assert shown(client, audience="public") == [evening.pk]
    assert shown(client, theme="bestattung", state="06", format="forum") == [hesse.pk]
    assert shown(client, theme="bestattung", state="14", audience="organisations") == []


@pytest.mark.django_db
def test_unknown_filter_values_and_page_numbers_answer_a_clean_page(client):
    rounds = [ExchangeRoundFactory() for _ in range(3)]
    everything = [round.pk for round in rounds]

    for query in (
        {"theme": "gibt-es-nicht"},
        {"state": "99"},
        {"format": "<script>"},
        {"audience": "x" * 500},
        {"when": "gestern"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
    ):
        assert shown(client, **query) == everything, query
    warned = client.get(LIST, {"state": "99"}).content.decode()
    assert "unbekannt" in warned or "unknown" in warned


@pytest.mark.django_db
def test_the_list_pages_twelve_rounds_at_a_time(client):
    start = timezone.now() + timedelta(days=5)
    ExchangeRound.objects.bulk_create(
        ExchangeRoundFactory.build(
            slug=f"runde-{i}", start=start + timedelta(hours=i), end=start + timedelta(hours=i + 2)
        )
        for i in range(30)
    )

    first = client.get(LIST)
    third = client.get(LIST, {"page": 3, "format": "working_session"})

    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 12
    assert [r.slug for r in third.context["page"].object_list] == [
        f"runde-{i}" for i in range(24, 30)
    ]
    assert "format=working_session&amp;page=2" in third.content.decode()


def make_rounds(count: int) -> None:
    burial = Topic.objects.get(slug="bestattung")
    start = timezone.now() + timedelta(days=3)
    rounds = ExchangeRound.objects.bulk_create(
        ExchangeRoundFactory.build(
            slug=f"runde-{count}-{i}",
            states=["14", "16"] if i % 2 else [],
            start=start + timedelta(hours=i),
            end=start + timedelta(hours=i + 2),
        )
        for i in range(count)
    )
    for round in rounds:
        round.themes.add(burial)
        RoundRegistrationFactory(round=round)


def list_queries(client, count: int) -> tuple[int, object]:
    make_rounds(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"theme": "bestattung", "state": "14"})
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_few_and_many_rounds(client):
    few, response = list_queries(client, 4)
    assert response.context["page"].paginator.count == 4

    ExchangeRound.objects.update(status="draft")
    many, response = list_queries(client, 40)
    assert response.context["page"].paginator.count == 40

    assert few == many
    assert many <= 5


@pytest.mark.django_db
def test_a_card_shows_free_seats_the_states_and_the_audience(client):
    round = ExchangeRoundFactory(capacity=3, states=["14", "16"])
    RoundRegistrationFactory(round=round)

    page = client.get(LIST).content.decode()

    assert "2 Plätze frei" in page
    assert "Sachsen" in page and "Thüringen" in page


# --- A round's page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_is_hidden_from_the_public_and_shown_to_coordinators(client, officer, coordinator):
    draft = ExchangeRoundFactory(status="draft")
    url = draft.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("exchanges:round_ics", args=[draft.slug])).status_code == 404
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["is_draft"]


@pytest.mark.django_db
def test_the_page_counts_participants_by_state_without_names(client):
    round = ExchangeRoundFactory(states=["14", "16"], audience="public")
    saxons = [
        RoundRegistrationFactory(round=round, municipality__state="14", state="14")
        for _ in range(2)
    ]
    RoundRegistrationFactory(round=round, municipality__state="16", state="16")
    waiting = RoundRegistrationFactory(round=round, state="16", status="waitlisted")
    guest_registration(round, status="confirmed", email_confirmed=True, guest_name="Gül Gast")

    response = client.get(round.get_absolute_url())
    page = response.content.decode()

    counts = {row["state"]: row["count"] for row in response.context["state_counts"]}
    assert counts == {"14": 2, "16": 1, "": 1}
    for registration in [*saxons, waiting]:
        assert registration.person.full_name not in page
        assert registration.municipality.name not in page
    assert "Gül Gast" not in page


@pytest.mark.django_db
def test_no_counts_before_a_round_opens_or_after_it_was_cancelled(client, coordinator):
    draft = ExchangeRoundFactory(status="draft")
    cancelled = ExchangeRoundFactory(status="cancelled", cancelled_reason="Die Referentin fehlt.")
    client.force_login(coordinator)

    assert client.get(draft.get_absolute_url()).context["state_counts"] is None
    response = client.get(cancelled.get_absolute_url())
    assert response.context["state_counts"] is None
    assert "Die Referentin fehlt." in response.content.decode()


@pytest.mark.django_db
def test_the_video_link_only_for_confirmed_participants(client):
    round = ExchangeRoundFactory(mode="online", video_link="https://video.example/geheim")
    confirmed = RoundRegistrationFactory(round=round)
    waiting = RoundRegistrationFactory(round=round, status="waitlisted")
    url = round.get_absolute_url()

    assert "video.example/geheim" not in client.get(url).content.decode()
    client.force_login(waiting.person)
    assert "video.example/geheim" not in client.get(url).content.decode()
    client.force_login(confirmed.person)
    assert "video.example/geheim" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_page_shows_the_facts_agenda_and_moderators(client):
    visible = AdvisorProfileFactory(user__full_name="Amina Berger")
    hidden = AdvisorProfileFactory(user__full_name="Jonas Keller", is_public=False)
    round = ExchangeRoundFactory(
        title="Grabfelder planen",
        agenda="Begrüßung\nBerichte aus drei Kommunen\n\nVerabredungen",
        states=["14", "16"],
    )
    round.themes.set([Topic.objects.get(slug="bestattung")])
    round.moderators.set([visible.user, hidden.user])

    page = client.get(round.get_absolute_url()).content.decode()

    assert "Berichte aus drei Kommunen" in page
    assert "Muslimische Bestattungen und Grabfelder" in page
    assert f'href="{reverse("advisors:detail", args=[visible.slug])}"' in page
    assert "Jonas Keller" in page
    assert reverse("advisors:detail", args=[hidden.slug]) not in page
    assert "Leipzig" in page


@pytest.mark.django_db
def test_the_page_gathers_the_panels_of_the_other_areas(client):
    round = ExchangeRoundFactory()

    response = client.get(round.get_absolute_url())

    for panel in ("registration_panel", "questions_panel", "documentation_panel", "examples_panel"):
        assert response.context[panel] is not None, panel


@pytest.mark.django_db
def test_an_unknown_round_answers_404(client):
    assert client.get(reverse("exchanges:detail", args=["gibt-es-nicht"])).status_code == 404


# --- A round's calendar file ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_file_of_a_round(client):
    round = ExchangeRoundFactory(mode="hybrid", video_link="https://video.example/raum")
    RoundRegistrationFactory(round=round)
    client.force_login(UserFactory())

    response = client.get(reverse("exchanges:round_ics", args=[round.slug]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["ETag"] and response["Last-Modified"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["uid"]) for event in events] == [round_uid(round)]
    assert events[0].decoded("dtstart") == round.start
    assert b"video.example" not in response.content
    assert b"ATTENDEE" not in response.content
