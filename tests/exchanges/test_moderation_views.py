"""Who reaches a round's moderation pages: its moderating advisors and every coordinator; an
advisor of another round, an officer and a participant get 404, a visitor the login page.
Each page renders in German and English without inline styles or scripts."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from exchanges.services.documentation import attendance_record
from exchanges.services.questions import question_submit
from tests.exchanges.access_samples import MODERATED
from tests.exchanges.moderation_helpers import advisor, guest, make_round, member, past_round, theme
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = sorted(MODERATED)
HTML_PAGES = [
    "exchanges:moderate_questions",
    "exchanges:moderate_attendance",
    "exchanges:moderate_documentation",
    "exchanges:moderate_participants",
]


@pytest.fixture
def moderator(db):
    return advisor()


@pytest.fixture
def round(moderator):
    round = past_round(moderators=[moderator], themes=[theme()], audience="public")
    member(round)
    guest(round)
    return round


@pytest.mark.parametrize("name", PAGES)
def test_moderators_and_coordinators_reach_the_page(client, round, moderator, name):
    url = reverse(name, args=[round.slug])
    for person in (moderator, UserFactory(roles=["coordinator"])):
        client.force_login(person)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_everyone_else_gets_404_or_the_login_page(client, round, name):
    url = reverse(name, args=[round.slug])
    participant = round.registrations.members().first().person
    for person in (advisor(), UserFactory(roles=["integration_officer"]), participant):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "publish"}).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_an_advisor_moderating_another_round_gets_404_here(client, round):
    elsewhere = advisor()
    make_round(moderators=[elsewhere])
    client.force_login(elsewhere)
    for name in PAGES:
        assert client.get(reverse(name, args=[round.slug])).status_code == 404


def test_an_unknown_round_answers_404(client, moderator):
    client.force_login(UserFactory(roles=["coordinator"]))
    assert client.get(reverse(PAGES[0], args=["gibt-es-nicht"])).status_code == 404


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("name", HTML_PAGES)
def test_the_pages_render_in_both_languages_without_inline_code(client, moderator, name, language):
    upcoming = make_round(moderators=[moderator], themes=[theme()])
    question_submit(
        registration=member(upcoming),
        text="Wie finden wir eine Fläche?",
        theme=theme(),
        show_name=False,
    )
    round = past_round(moderators=[moderator], themes=[theme()])
    member(round)
    attendance_record(round=round, present_ids=[], by=moderator)
    client.force_login(moderator)
    client.cookies["django_language"] = language
    for each in (upcoming, round):
        with translation.override(language):
            response = client.get(reverse(name, args=[each.slug]))
        page = response.content.decode()
        assert response.status_code == 200
        assert f'<html lang="{language}"' in page
        assert not re.search(r"\sstyle=|<script>|\son[a-z]+=", page)
        assert page.count("<h1") == 1
