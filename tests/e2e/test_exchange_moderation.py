"""Questions in advance, documentation and the moderators' pages of exchange rounds in a real
browser: axe-core finds nothing in German and English, wide and narrow; a participant hands in
a question on the round's page; the participant list prints without the portal's frame.
Screenshots under /tmp/shots with SHOTS=1."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.models import AdvanceQuestion
from exchanges.services.documentation import (
    FollowUpRow,
    attendance_record,
    documentation_publish,
    documentation_save,
)
from exchanges.services.questions import question_set_on_agenda, question_submit
from portal.advisors.models import Topic
from tests.e2e.conftest import NARROW, WIDE
from tests.e2e.test_accessibility import LANGUAGES, check_accessible
from tests.e2e.test_consultations import shoot
from tests.factories import (
    ExchangeRoundFactory,
    MembershipFactory,
    MunicipalityFactory,
    RoundRegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _member(round, name, municipality):
    person = UserFactory(roles=["integration_officer"], full_name=name)
    MembershipFactory(user=person, municipality=municipality, verified=True)
    return RoundRegistrationFactory(round=round, person=person, municipality=municipality)


@pytest.fixture
def rounds(transactional_db, settings, tmp_path):
    """A held round table on burial grounds, documented with follow-up items; the next round
    on the theme ahead, with questions (one on the agenda), a participant and a guest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    theme, _created = Topic.objects.get_or_create(
        slug="bestattung",
        defaults={"name_de": "Muslimische Grabfelder", "name_en": "Muslim burial grounds"},
    )
    moderator = UserFactory(roles=["advisor"], full_name="Mira Moderation")
    cologne = MunicipalityFactory(name="Köln, Stadt")
    start = timezone.now() - timedelta(days=2)
    held = ExchangeRoundFactory(
        title="Runder Tisch Bestattungskultur in Nordrhein-Westfalen",
        slug="runder-tisch-bestattung",
        start=start,
        end=start + timedelta(hours=4),
    )
    held.themes.add(theme)
    held.moderators.add(moderator)
    ahead = ExchangeRoundFactory(title="Zweite Runde Bestattungskultur", slug="zweite-runde")
    ahead.themes.add(theme)
    ahead.moderators.add(moderator)

    came = _member(held, "Anna Schneider", cologne)
    _member(held, "Bernd Vogel", MunicipalityFactory(name="Halle (Saale), Stadt", state="15"))
    RoundRegistrationFactory(
        round=held,
        person=None,
        municipality=None,
        state="",
        guest_name="Gerda Gast",
        guest_email="gerda@example.org",
    )
    attendance_record(round=held, present_ids=[came.pk], by=moderator)
    documentation_save(
        round=held,
        summary="Drei Kommunen berichteten, wie sie Grabfelder eingerichtet haben.",
        results="Ein gemeinsamer Leitfaden entsteht bis zum Frühjahr.",
        open_to_officers=False,
        follow_ups=[
            FollowUpRow(item=None, what="Leitfaden entwerfen", who="Stadt Köln", due=None),
            FollowUpRow(item=None, what="Satzungen sammeln", who="Stadt Halle", due=None),
        ],
        by=moderator,
    )
    documentation_publish(round=held, by=moderator)

    asking = _member(ahead, "Anna Schneider-Ahead", cologne)
    chosen = question_submit(
        registration=asking,
        text="Wie lange dauert eine Satzungsänderung?",
        theme=theme,
        show_name=True,
    )
    question_submit(
        registration=asking, text="Wer pflegt das Grabfeld?", theme=None, show_name=False
    )
    question_set_on_agenda(question=chosen, on_agenda=True, by=moderator)
    return {
        "moderator": moderator,
        "participant": came.person,
        "asking": asking.person,
        "held": held,
        "ahead": ahead,
    }


def _moderation(name):
    return lambda r: reverse(f"exchanges:{name}", args=[r["held"].slug])


PAGES = {
    "round-documented": ("participant", lambda r: r["held"].get_absolute_url()),
    "round-documented-visitor": (None, lambda r: r["held"].get_absolute_url()),
    "round-ahead-asking": ("asking", lambda r: r["ahead"].get_absolute_url()),
    "questions-own": ("asking", lambda r: reverse("exchanges:questions", args=["zweite-runde"])),
    "moderate-questions": (
        "moderator",
        lambda r: reverse("exchanges:moderate_questions", args=["zweite-runde"]),
    ),
    "moderate-attendance": ("moderator", _moderation("moderate_attendance")),
    "moderate-documentation": ("moderator", _moderation("moderate_documentation")),
    "moderate-documentation-ahead": (
        "moderator",
        lambda r: reverse("exchanges:moderate_documentation", args=["zweite-runde"]),
    ),
    "moderate-participants": ("moderator", _moderation("moderate_participants")),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_moderation_page_is_accessible(new_page, rounds, language):
    pages, failures = {}, []
    for name, (who, address) in PAGES.items():
        if who not in pages:
            pages[who] = new_page(language=language, user=rounds[who] if who else None)
        page = pages[who]
        page.set_viewport_size(WIDE)
        try:
            response = page.goto(address(rounds))
            assert response.status == 200, f"{name}: {response.status}"
            shoot(page, f"exchanges-moderation-{name}-{language}-wide.png")
            check_accessible(page, language)
            page.set_viewport_size(NARROW)
            shoot(page, f"exchanges-moderation-{name}-{language}-narrow.png")
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)


def test_a_participant_hands_in_a_question_on_the_rounds_page(new_page, rounds):
    page = new_page(user=rounds["asking"])
    page.goto(rounds["ahead"].get_absolute_url())
    questions = page.locator("#questions")
    assert "Wie lange dauert eine Satzungsänderung?" in questions.inner_text()
    assert "Anna Schneider-Ahead" in questions.inner_text()  # the author agreed
    page.locator("#questions textarea[name=text]").fill("Welche Flächen eignen sich?")
    page.locator("#questions button[type=submit]").last.click()
    page.wait_for_url("**/zweite-runde/#questions")
    assert AdvanceQuestion.objects.filter(text="Welche Flächen eignen sich?").exists()


def test_the_documented_round_shows_its_documentation_and_the_next_its_open_items(new_page, rounds):
    page = new_page(user=rounds["participant"])
    page.goto(rounds["held"].get_absolute_url())
    text = page.locator("#documentation").inner_text()
    assert "Drei Kommunen berichteten" in text and "Leitfaden entwerfen" in text

    visitor = new_page()
    visitor.goto(rounds["held"].get_absolute_url())
    assert "Drei Kommunen" not in visitor.locator("main").inner_text()

    asking = new_page(user=rounds["asking"])
    asking.goto(rounds["ahead"].get_absolute_url())
    assert "Satzungen sammeln" in asking.locator("#carried").inner_text()


def test_the_participant_list_prints_without_the_portals_frame(new_page, rounds):
    page = new_page(user=rounds["moderator"])
    page.goto(reverse("exchanges:moderate_participants", args=[rounds["held"].slug]))
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("nav[aria-label]").first.is_visible()
    assert page.locator("th.signature").first.is_visible()
    assert "Gerda Gast" in page.locator("table").inner_text()
