"""The exchange rounds' lines on the desk: rounds that ended without documentation (every one
for coordinators, in the admin; her own for an advisor, on "My exchange rounds") and practice
examples waiting for review. Each line counts exactly the rows its link lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.desk import rounds_without_documentation
from portal.core.desk import desk
from tests.factories import ExchangeRoundFactory, PracticeExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


def counts(user) -> dict[str, int]:
    return {row.line.name: row.count for row in desk.rows_for(user)}


def row_of(user, name: str):
    return next(row for row in desk.rows_for(user) if row.line.name == name)


def ended(status="held", *, days_ago=3, moderators=(), **fields):
    start = timezone.now() - timedelta(days=days_ago)
    round = ExchangeRoundFactory(
        status=status, start=start, end=start + timedelta(hours=4), **fields
    )
    round.moderators.add(*moderators)
    return round


@pytest.fixture
def moderator(db):
    return UserFactory(roles=["advisor"])


def test_rounds_that_ended_without_documentation(coordinator):
    waiting = [ended("held"), ended("open"), ended("full", days_ago=40)]
    ended("documented")
    ended("cancelled")
    ended("draft")  # never announced
    ExchangeRoundFactory()  # still to come
    under_way = ended("open", days_ago=0)
    under_way.end = timezone.now() + timedelta(hours=1)
    under_way.save(update_fields=["end"])

    assert counts(coordinator)["rounds_without_documentation"] == 3
    assert set(rounds_without_documentation()) == set(waiting)


def test_the_coordinators_link_lists_exactly_those_rounds(client, coordinator):
    waiting = {ended("held"), ended("open")}
    ended("documented")
    ExchangeRoundFactory()
    row = row_of(coordinator, "rounds_without_documentation")
    client.force_login(coordinator)

    response = client.get(row.url)

    assert row.url.startswith(reverse("admin:exchanges_exchangeround_changelist"))
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == waiting
    assert row.count == 2


def test_an_advisor_counts_the_rounds_she_moderates_only(coordinator, moderator):
    colleague = UserFactory(roles=["advisor"])
    ended(moderators=[moderator])
    ended("open", moderators=[moderator, colleague])
    ended(moderators=[colleague])
    ended("documented", moderators=[moderator])
    ended()  # nobody moderates it

    assert counts(moderator)["moderated_rounds_without_documentation"] == 2
    assert counts(colleague)["moderated_rounds_without_documentation"] == 2
    assert "rounds_without_documentation" not in counts(moderator)  # the admin's is not hers
    assert counts(coordinator)["rounds_without_documentation"] == 4
    assert "moderated_rounds_without_documentation" not in counts(coordinator)


def test_the_advisors_link_lists_her_rounds_to_document_on_my_exchange_rounds(client, moderator):
    due = ended(moderators=[moderator], title="Forum Seelsorge im Krankenhaus")
    coming = ExchangeRoundFactory(title="Runder Tisch Moscheebau")
    coming.moderators.add(moderator)
    ended(moderators=[UserFactory(roles=["advisor"])], title="Fremde Runde")
    ended("documented", moderators=[moderator], title="Erledigte Runde")
    row = row_of(moderator, "moderated_rounds_without_documentation")
    client.force_login(moderator)

    response = client.get(row.url)

    assert row.url == reverse("exchanges:mine") + "#moderated"
    assert response.status_code == 200
    assert response.context["documentation_due"] == [due]
    assert response.context["moderating"] == [coming]
    assert row.count == len(response.context["documentation_due"])
    html = response.content.decode()
    assert 'id="moderated"' in html
    assert reverse("exchanges:moderate_documentation", args=[due.slug]) in html
    assert reverse("exchanges:moderate_questions", args=[coming.slug]) in html
    assert "Fremde Runde" not in html and "Erledigte Runde" not in html


def test_an_officers_own_rounds_page_has_no_moderation_part(client, officer):
    round = ended()
    round.moderators.add(officer)  # not possible through the admin; still not shown
    client.force_login(officer)

    response = client.get(reverse("exchanges:mine"))

    assert response.context["documentation_due"] == response.context["moderating"] == []
    assert 'id="moderated"' not in response.content.decode()


def test_practice_examples_waiting_for_review(client, coordinator):
    waiting = {
        PracticeExampleFactory(status="submitted"),
        PracticeExampleFactory(status="submitted"),
    }
    PracticeExampleFactory(status="draft")
    PracticeExampleFactory(status="returned")
    PracticeExampleFactory()  # published
    row = row_of(coordinator, "practice_examples_waiting")
    client.force_login(coordinator)

    response = client.get(row.url)

    assert row.count == 2
    assert set(response.context["cl"].result_list) == waiting
