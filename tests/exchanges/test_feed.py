"""The feed of all rounds (`/exchanges/feed.ics`) and a round's calendar file: they parse
with icalendar, carry no video link and no participant, and answer 304 to a client whose copy
is current (ETag and Last-Modified)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from exchanges.ics import round_uid
from exchanges.services.rounds import round_save
from tests.factories import ExchangeRoundFactory, RoundRegistrationFactory

FEED = reverse("exchanges:feed")


def events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.mark.django_db
def test_the_feed_parses_and_holds_every_published_round(client):
    now = timezone.now()
    open_round = ExchangeRoundFactory(mode="online", video_link="https://video.example/geheim")
    RoundRegistrationFactory(round=open_round)
    cancelled = ExchangeRoundFactory(status="cancelled")
    recent = ExchangeRoundFactory(
        status="documented", start=now - timedelta(days=20), end=now - timedelta(days=20, hours=-2)
    )
    ExchangeRoundFactory(status="draft")
    ExchangeRoundFactory(
        status="held", start=now - timedelta(days=200), end=now - timedelta(days=200, hours=-2)
    )

    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert set(found) == {round_uid(open_round), round_uid(cancelled), round_uid(recent)}
    assert str(found[round_uid(cancelled)]["status"]) == "CANCELLED"
    assert str(found[round_uid(open_round)]["status"]) == "CONFIRMED"
    assert found[round_uid(open_round)].decoded("dtstart") == open_round.start
    assert b"video.example" not in response.content
    assert b"ATTENDEE" not in response.content


@pytest.mark.django_db
def test_an_empty_feed_is_a_valid_calendar(client):
    response = client.get(FEED)

    assert response.status_code == 200
    assert events(response) == {}


@pytest.mark.django_db
def test_the_feed_answers_304_to_a_client_whose_copy_is_current(client):
    ExchangeRoundFactory()
    first = client.get(FEED)
    etag, modified = first["ETag"], first["Last-Modified"]

    assert client.get(FEED, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(FEED, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    again = client.get(FEED, HTTP_IF_NONE_MATCH=etag)
    assert again["ETag"] == etag
    assert again.content == b""


@pytest.mark.django_db
def test_a_change_makes_the_feed_new_again(client, coordinator):
    round = ExchangeRoundFactory()
    first = client.get(FEED)
    old_modified = http_date((timezone.now() - timedelta(hours=1)).timestamp())

    round.title = "Neuer Titel"
    round_save(round=round, by=coordinator, now=timezone.now() + timedelta(seconds=2))
    newer = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])

    assert newer.status_code == 200
    assert newer["ETag"] != first["ETag"]
    assert b"Neuer Titel" in newer.content
    assert client.get(FEED, HTTP_IF_MODIFIED_SINCE=old_modified).status_code == 200
    # A new round is a change too.
    ExchangeRoundFactory()
    assert client.get(FEED, HTTP_IF_NONE_MATCH=newer["ETag"]).status_code == 200


@pytest.mark.django_db
def test_the_feed_is_named_in_the_visitors_language(client):
    ExchangeRoundFactory()
    german = client.get(FEED)
    client.cookies["django_language"] = "en"
    english = client.get(FEED, HTTP_IF_NONE_MATCH=german["ETag"])

    assert english.status_code == 200
    assert english["ETag"] != german["ETag"]


@pytest.mark.django_db
def test_a_rounds_calendar_file_answers_304_until_the_round_changes(client, coordinator):
    round = ExchangeRoundFactory()
    url = reverse("exchanges:round_ics", args=[round.slug])
    first = client.get(url)

    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    round.start += timedelta(days=1)
    round.end += timedelta(days=1)
    round_save(round=round, by=coordinator)
    moved = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert moved.status_code == 200
    assert events(moved)[round_uid(round)].decoded("dtstart") == round.start
