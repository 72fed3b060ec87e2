"""The public pages of exchange rounds in a real browser, in German and English, wide and
narrow: no axe-core violations (WCAG 2.1 AA) and no sideways scrolling, for a visitor and for
a confirmed participant (who sees the video link)."""

import pytest
from django.urls import reverse

from portal.advisors.models import Topic
from tests.e2e.conftest import NARROW, WIDE, axe_violations, describe_violations
from tests.factories import AdvisorProfileFactory, ExchangeRoundFactory, RoundRegistrationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def rounds(transactional_db):
    burial, _created = Topic.objects.get_or_create(
        slug="bestattung", defaults={"name_de": "Muslimische Bestattungen und Grabfelder"}
    )
    round = ExchangeRoundFactory(
        title="Grabfelder für muslimische Bestattungen auf kommunalen Friedhöfen",
        states=["14", "15", "16"],
        agenda="Begrüßung\nBerichte aus drei Kommunen\nVerabredungen",
        description="Kommunen berichten.\n\nDanach sprechen wir über offene Fragen.",
        mode="hybrid",
        video_link="https://video.example/grabfelder",
        capacity=3,
        seats_per_municipality=2,
    )
    round.themes.set([burial])
    round.moderators.set([AdvisorProfileFactory(user__full_name="Amina Berger").user])
    participant = RoundRegistrationFactory(round=round, state="14", municipality__state="14")
    RoundRegistrationFactory(round=round, state="16", municipality__state="16")
    ExchangeRoundFactory(
        title="Offener Abend", audience="public", format="information_evening", status="full"
    )
    ExchangeRoundFactory(title="Abgesagte Runde", status="cancelled", cancelled_reason="Krank.")
    return round, participant.person


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_the_public_pages_are_accessible(new_page, rounds, language, viewport):
    round, participant = rounds
    for url, user in [
        (reverse("exchanges:list"), None),
        (reverse("exchanges:list") + "?state=14&format=unbekannt", None),
        (reverse("exchanges:list") + "?when=past", None),
        (round.get_absolute_url(), None),
        (round.get_absolute_url(), participant),
    ]:
        page = new_page(language=language, viewport=viewport, user=user)
        page.goto(url)

        assert page.locator("html").get_attribute("lang") == language
        violations = axe_violations(page)
        assert not violations, f"{url}\n{describe_violations(violations)}"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], url
    assert page.get_by_role("link", name="https://video.example/grabfelder").count() >= 1
