"""Pages that list rows make the same queries for few rows and many (the moderators'
documentation page with its follow-up items and files, an author's own practice examples);
the other list pages pin theirs beside their tests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchanges.models import RoundFile
from exchanges.services.documentation import FollowUpRow, attendance_record, documentation_save
from tests.exchanges.moderation_helpers import advisor, member, past_round
from tests.factories import MembershipFactory, PracticeExampleFactory

pytestmark = pytest.mark.django_db


def queries_of(client, url) -> int:
    client.get(url)  # warm up (session, language)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def documented(moderator, count: int):
    """A held round with `count` participants, follow-up items and files."""
    round = past_round(moderators=[moderator])
    for _ in range(count):
        member(round)
    attendance_record(round=round, present_ids=[], by=moderator)
    documentation_save(
        round=round,
        summary="Zusammenfassung",
        results="",
        open_to_officers=False,
        follow_ups=[
            FollowUpRow(item=None, what=f"Punkt {n}", who="Kommune", due=None) for n in range(count)
        ],
        by=moderator,
    )
    for n in range(count):
        RoundFile.objects.create(
            round=round,
            file=f"exchanges/{round.pk}/documentation-{n}.pdf",
            title=f"Protokoll {n}",
            content_type="application/pdf",
            size=1,
        )
    return round


def test_the_documentation_page_costs_the_same_for_1_and_12_items_and_files(client):
    moderator = advisor()
    client.force_login(moderator)

    def page(count):
        round = documented(moderator, count)
        return queries_of(client, reverse("exchanges:moderate_documentation", args=[round.slug]))

    assert page(1) == page(12)


def test_an_authors_examples_cost_the_same_for_1_and_12(client):
    author = MembershipFactory(verified=True).user
    client.force_login(author)
    url = reverse("exchanges:practice_mine")
    PracticeExampleFactory(author=author)
    few = queries_of(client, url)
    for _ in range(11):
        PracticeExampleFactory(author=author)
    assert queries_of(client, url) == few
