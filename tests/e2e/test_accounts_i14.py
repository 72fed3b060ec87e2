"""Issue 14 in the browser: the accounts pages an officer sees."""

import pytest
from django.urls import reverse

from portal.accounts.models import Municipality
from portal.advisors.models import Topic
from tests.e2e.conftest import NARROW, WIDE, axe_violations, describe_violations
from tests.factories import AdvisorProfileFactory, MunicipalityFactory, UserFactory


def test_the_municipality_search_shows_results_as_you_type(new_page, transactional_db):
    district = MunicipalityFactory(
        name="Görlitz", ags="14626000", kind=Municipality.Kind.LANDKREIS, postcode=""
    )
    MunicipalityFactory(
        name="Niesky, Stadt", ags="14626360", kind=Municipality.Kind.STADT, district=district
    )
    page = new_page(user=UserFactory(), viewport=WIDE)
    page.goto(reverse("accounts:membership_new_municipality"))
    assert page.locator("[hx-get]").count() == 0

    page.get_by_label("Name, Postleitzahl oder AGS").press_sequentially("LK Görl", delay=30)

    result = page.locator("#municipality-results label").first
    result.wait_for(state="visible", timeout=5000)
    assert "Görlitz" in result.inner_text()
    assert "Landkreis" in result.inner_text()
    # The page itself did not reload: the query is still in the address only as typed.
    assert "q=" not in page.url
    page.screenshot(path="/tmp/h6shots/municipality-search-wide.png", full_page=True)


def test_the_organisation_search_loads_htmx_and_pages_without_search_do_not(
    new_page, transactional_db
):
    page = new_page(user=UserFactory(), viewport=NARROW)
    page.goto(reverse("accounts:membership_new_organisation"))
    assert page.evaluate("typeof window.htmx") == "object"

    page.goto(reverse("accounts:overview"))
    assert page.evaluate("typeof window.htmx") == "undefined"


# --- Matching (issue 14.9) -------------------------------------------------------------------


@pytest.mark.parametrize(("language", "viewport"), [("de", WIDE), ("en", NARROW)])
def test_each_match_says_which_wishes_it_meets(new_page, transactional_db, language, viewport):
    topic, _created = Topic.objects.get_or_create(
        slug="bestattung", defaults={"name_de": "Bestattung", "name_en": "Burial"}
    )
    AdvisorProfileFactory(
        user__full_name="Samira Haddad", topics=[topic], languages=["de", "ar"], states=["14"]
    )
    AdvisorProfileFactory(user__full_name="Bernd Ohne", topics=[topic], states=["14"])
    page = new_page(language=language, viewport=viewport)

    page.goto(reverse("advisors:match") + "?topics=bestattung&language=ar&state=14&mode=video")

    cards = page.locator(".match-reasons")
    first, second = cards.nth(0).inner_text(), cards.nth(1).inner_text()
    arabic = "Arabisch" if language == "de" else "Arabic"
    assert arabic in first and "Haddad" in page.locator("main").inner_text()
    assert arabic in second  # "does not speak Arabic", and ranked second
    assert "of your topic" not in first
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.screenshot(path=f"/tmp/h6shots/match-{language}.png", full_page=True)
