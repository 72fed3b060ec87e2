"""Bad input on the pages of exchange rounds answers with a page, a message or a 404, never
with a server error: words where numbers belong, ids that do not exist, NUL bytes (which
PostgreSQL refuses in a query), unknown actions and broken formsets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.services.registrations import round_register
from tests.exchanges.conftest import municipality_in
from tests.factories import (
    AdvisorProfileFactory,
    ExchangeRoundFactory,
    MembershipFactory,
    PracticeExampleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    moderator = AdvisorProfileFactory().user
    member = MembershipFactory(
        user=UserFactory(roles=["integration_officer"]),
        municipality=municipality_in("14"),
        verified=True,
    )
    ahead = ExchangeRoundFactory(slug="ahead", states=["14", "16"])
    start = timezone.now() - timedelta(days=2)
    past = ExchangeRoundFactory(slug="past", start=start, end=start + timedelta(hours=2))
    for round in (ahead, past):
        round.moderators.set([moderator])
    ExchangeRoundFactory(slug="evening", audience="public", capacity=1)
    PracticeExampleFactory(slug="example")
    seat = round_register(person=member.user, round=ahead, membership=member)
    return {"moderator": moderator, "member": member.user, "seat": seat}


def answers_without_error(response):
    assert response.status_code < 500, response.status_code


@pytest.mark.parametrize(
    "url",
    [
        "/exchanges/?page=abc",
        "/exchanges/?page=999999",
        "/exchanges/?when=xyz&state=99&format=zz&audience=zz&theme=nope",
        "/exchanges/?theme=%00",
        "/exchanges/guest/confirm/garbage/",
        "/exchanges/guest/cancel/x.y.z/",
    ],
)
def test_a_visitor_with_odd_addresses(client, world, url):
    answers_without_error(client.get(url))


def test_a_guest_form_with_odd_values(client, world):
    url = reverse("exchanges:guest_register", args=["evening"])
    for data in [
        {"name": "x" * 500, "email": "not-an-email", "consent": "on"},
        {"name": "\x00", "email": "a@example.org", "consent": "on"},
    ]:
        answers_without_error(client.post(url, data))


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/exchanges/practice/?page=abc&size=zz&topic=zz&state=99&q=%00", None),
        ("/exchanges/practice/new/?q=%00&municipality=abc", None),
        ("/exchanges/practice/new/", {"find": "1", "q": "Leip\x00zig"}),
        (
            "/exchanges/practice/new/",
            {"title": "t", "municipality": "abc", "topics": ["x"], "submit": "1"},
        ),
        ("/exchanges/ahead/questions/", {"text": "Frage", "theme": "abc"}),
        ("/exchanges/ahead/questions/", {"text": "\x00"}),
        ("/exchanges/ahead/register/", {"membership": "abc"}),
    ],
)
def test_a_member_with_odd_values(client, world, url, data):
    client.force_login(world["member"])
    response = client.get(url) if data is None else client.post(url, data)
    answers_without_error(response)


def test_the_municipality_search_of_an_example_ignores_a_nul_byte(client, world):
    """Regression: the search word went to PostgreSQL with the NUL byte (a 500)."""
    client.force_login(world["member"])
    response = client.get(
        reverse("exchanges:practice_new"), {"q": "Leip\x00"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("moderate_questions", {"question": "abc", "on_agenda": "1"}),
        ("moderate_questions", {"question": "999999", "on_agenda": "x"}),
        ("moderate_attendance", {"present": ["abc"]}),
        ("moderate_attendance", {"present": ["999999"]}),
        ("moderate_documentation", {"action": "nope"}),
        ("moderate_documentation", {"action": "remove_file", "file": "abc"}),
        ("moderate_documentation", {"action": "carried_done", "item": "abc", "done": "1"}),
        ("moderate_documentation", {"action": "save", "follow_ups-TOTAL_FORMS": "abc"}),
        (
            "moderate_documentation",
            {
                "action": "save",
                "summary": "Zusammenfassung",
                "follow_ups-TOTAL_FORMS": "1",
                "follow_ups-INITIAL_FORMS": "1",
                "follow_ups-0-id": "999999",
                "follow_ups-0-what": "Etwas",
                "follow_ups-0-due": "32.13.2026",
            },
        ),
        ("moderate_documentation", {"action": "publish"}),
    ],
)
def test_a_moderator_with_odd_values(client, world, page, data):
    client.force_login(world["moderator"])
    answers_without_error(client.post(reverse(f"exchanges:{page}", args=["past"]), data))
