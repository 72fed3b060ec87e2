"""The header with text enlarged to 200 % (browser font 32 px): nothing leaves the screen.

WCAG 1.4.4 asks that text can be resized to 200 % without losing content or function. The
menu collapses at 80em, so with 32 px text it collapses below 2560 px and the sign-in,
sign-up and language controls stay reachable behind the menu button instead of overflowing.
"""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NARROW,
    WIDE,
    axe_violations,
    describe_violations,
)
from tests.factories import UserFactory


@pytest.fixture
def enlarged_text_page(browser, live_server, tmp_path: Path):
    """A page in a browser profile whose default font size is 32 px (200 %)."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    preferences = {"webkit": {"webprefs": {"default_font_size": 32}}}
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=WIDE,
        base_url=live_server.url,
    )
    yield context.new_page()
    context.close()


def test_with_200_percent_text_the_account_and_language_controls_stay_on_screen(
    enlarged_text_page, transactional_db
):
    page = enlarged_text_page
    page.goto(reverse("core:home"))
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "32px"
    toggler = page.get_by_role("button", name="Menü")
    controls = [
        page.locator(f"#site-menu a[href='{reverse('account_login')}']"),
        page.locator(f"#site-menu a[href='{reverse('account_signup')}']"),
        page.locator("button[name=language][value=en]"),
    ]

    toggler.click()

    for control in controls:
        control.wait_for(state="visible")
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDE["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]


@pytest.mark.parametrize("viewport", [WIDE, NARROW])
def test_at_normal_text_size_the_page_does_not_scroll_sideways(
    new_page, transactional_db, viewport
):
    page = new_page(viewport=viewport)
    page.goto(reverse("core:home"))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    if viewport is WIDE:
        assert page.locator(f"#site-menu a[href='{reverse('account_login')}']").is_visible()
        assert not page.locator(".navbar-toggler").is_visible()


def test_without_javascript_the_menu_stays_open(browser, live_server, transactional_db):
    context = browser.new_context(
        viewport=NARROW, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(reverse("core:home"))
    assert page.locator(f"#site-menu a[href='{reverse('account_login')}']").is_visible()
    assert not page.locator(".navbar-toggler").is_visible()
    context.close()


# The person's own things, in the order the header lists them.
OWN_PAGES = ["accounts:overview", "consultations:list", "trainings:mine", "exchanges:mine"]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("roles", [["integration_officer"], ["coordinator", "advisor"]])
@pytest.mark.parametrize("viewport", [WIDE, NARROW])
def test_signed_in_the_header_lists_the_persons_own_pages_and_fits(
    new_page, transactional_db, viewport, roles, language
):
    """Staff have the most links (desk, administration), German the longest words: the header
    still fits without sideways scrolling, and "My exchange rounds" is there beside "My
    courses", behind the menu button on a narrow screen."""
    user = UserFactory(roles=roles)
    page = new_page(viewport=viewport, user=user, language=language)
    page.goto(reverse("exchanges:mine"))
    own = page.locator("#site-menu .account-nav a.nav-link")
    if viewport is NARROW:
        assert not own.first.is_visible()
        page.locator(".navbar-toggler").click()

    hrefs = own.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert hrefs[: len(OWN_PAGES)] == [reverse(name) for name in OWN_PAGES]
    current = page.locator(f"#site-menu a[href='{reverse('exchanges:mine')}']")
    assert current.is_visible()
    assert current.get_attribute("aria-current") == "page"
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
