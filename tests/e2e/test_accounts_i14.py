"""Issue 14 in the browser: the accounts pages an officer sees."""

from django.urls import reverse

from portal.accounts.models import Municipality
from tests.e2e.conftest import NARROW, WIDE
from tests.factories import MunicipalityFactory, UserFactory


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
