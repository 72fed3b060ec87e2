"""No exchanges page answers 500 to what a hand-edited address or a forged form sends:
page numbers out of range, values not among the choices, over-long text, ids that are not
numbers or too large for the database, a NUL byte, tokens of another purpose."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.test_access_matrix import OWN, sample_url
from tests.factories import CourseGuestRegistrationFactory, MembershipFactory, UserFactory
from trainings.links import GUEST_LINKS

pytestmark = pytest.mark.django_db

NAMES = [name for name, _view in OWN if name.startswith("exchanges:")]
TOO_LARGE = "9" * 20  # beyond PostgreSQL's bigint
QUERIES = [
    f"?page={TOO_LARGE}",
    "?page=abc",
    "?theme=%00&state=99&format=zzz&audience=zz&when=zz",
    "?q=" + "a" * 5000 + "&topic=<b>&size=huge",
    f"?municipality={TOO_LARGE}&q=%00",
]
POSTS = [
    {"text": "x" * 20000, "theme": "abc", "membership": "abc", "name": "x" * 500, "consent": "on"},
    {"action": "remove_file", "file": TOO_LARGE},
    {"action": "carried_done", "item": "x", "done": "maybe"},
    {
        "action": "save",
        "follow_ups-TOTAL_FORMS": "100000",
        "follow_ups-INITIAL_FORMS": "abc",
        "follow_ups-0-id": "abc",
        "follow_ups-0-due": "2026-13-45",
    },
    {"action": "zzz", "question": TOO_LARGE, "on_agenda": "x", "present": ["abc", TOO_LARGE]},
    {"find": "1", "q": "\x00", "municipality": TOO_LARGE, "topics": [TOO_LARGE], "rounds": ["x"]},
]


@pytest.mark.parametrize("role", ["anonymous", "officer", "coordinator"])
def test_no_page_answers_500_to_hostile_input(role):
    client = Client(raise_request_exception=False)
    if role == "officer":
        client.force_login(MembershipFactory(verified=True).user)
    elif role == "coordinator":
        client.force_login(UserFactory(roles=["coordinator"]))
    failures = []
    for name in NAMES:
        url = sample_url(name)
        for query in QUERIES:
            if client.get(url + query).status_code >= 500:
                failures.append(("GET", name, query[:40]))
        for data in POSTS:
            if client.post(url, data).status_code >= 500:
                failures.append(("POST", name, sorted(data)))
    assert failures == []


@pytest.mark.parametrize("path", ["guest_confirm", "guest_cancel"])
def test_a_course_guests_token_opens_no_round_page(client, path):
    guest = CourseGuestRegistrationFactory()
    for token in (GUEST_LINKS.confirm.sign(guest), GUEST_LINKS.cancel.sign(guest)):
        assert client.get(reverse(f"exchanges:{path}", args=[token])).status_code == 404
