"""The feed of all rounds costs the same queries with 3 rounds as with 30: each round's revision
(its count of audited changes, part of the calendar SEQUENCE) is read with the rounds, not once
per round. A single round's file and the emails still count their round's changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from exchanges.ics import round_calendar_entry, round_revision, round_uid, with_revisions
from exchanges.models import ExchangeRound
from portal.core.audit import audit_record
from portal.core.models import AuditEntry
from tests.factories import ExchangeRoundFactory

pytestmark = pytest.mark.django_db

FEED = reverse("exchanges:feed")


def changed(round, times: int) -> None:
    for n in range(times):
        audit_record(target=round, action="exchange_round.update", details={"n": n})


def rounds(number: int) -> list[ExchangeRound]:
    made = ExchangeRoundFactory.create_batch(number)
    for n, round in enumerate(made):
        changed(round, n % 4)
    return made


def feed_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED)
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == ExchangeRound.objects.count()
    return len(queries)


def test_the_feed_costs_the_same_queries_with_3_and_30_rounds(client):
    rounds(3)
    with_three = feed_queries(client)
    rounds(27)

    assert feed_queries(client) == with_three


def test_the_annotated_revision_is_the_count_of_the_rounds_changes():
    made = rounds(5)
    quiet = ExchangeRoundFactory()
    AuditEntry.objects.filter(object_id=str(quiet.pk)).delete()

    annotated = {
        round.pk: round.calendar_revision for round in with_revisions(ExchangeRound.objects)
    }

    for round in [*made, quiet]:
        counted = AuditEntry.objects.for_object(round).count()
        assert annotated[round.pk] == counted == round_revision(round)
    assert annotated[quiet.pk] == 0


def test_a_change_raises_the_sequence_of_the_round_in_the_feed_and_in_its_file(client):
    round = ExchangeRoundFactory()

    def sequences():
        feed = Calendar.from_ical(client.get(FEED).content).walk("VEVENT")
        own = Calendar.from_ical(
            client.get(reverse("exchanges:round_ics", args=[round.slug])).content
        )
        found = {str(event["uid"]): int(event["sequence"]) for event in feed}
        return found[round_uid(round)], int(own.walk("VEVENT")[0]["sequence"])

    in_feed, in_file = sequences()
    changed(round, 5)
    later_feed, later_file = sequences()

    # The sequence also counts seconds, so only its growth is compared: five changes at least.
    assert later_feed - in_feed >= 5 and later_file - in_file >= 5
    assert abs(later_feed - later_file) <= 2  # the same revision in both


def test_an_email_entry_still_counts_the_rounds_changes():
    round = ExchangeRoundFactory()
    before = round_calendar_entry(round)["sequence"]
    changed(round, 3)

    with CaptureQueriesContext(connection) as queries:
        after = round_calendar_entry(ExchangeRound.objects.get(pk=round.pk))["sequence"]

    assert after - before >= 3
    assert any("core_auditentry" in query["sql"] for query in queries.captured_queries)
