"""Accessibility of the portal's pages in a real browser (WCAG 2.1 AA, BITV 2.0).

Each page is checked in German and English: no axe-core violations at 1280px and at 375px,
the right `lang`, the skip link as the first tab stop, and no horizontal scrolling on a
narrow screen.
"""

import copy

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.views.defaults import server_error

from portal.accounts.models import Membership, Municipality, Organisation
from portal.core.models import Page
from portal.notifications.rendering import render_notification, unsubscribe_token
from portal.notifications.services import notify
from tests.e2e.conftest import NARROW, WIDE, axe_violations, describe_violations
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en"]


@pytest.fixture
def content_pages(transactional_db):
    """The footer's pages. The migration creates them, but live_server's flushes remove them."""
    for slug, title in [
        ("impressum", "Impressum"),
        ("datenschutz", "Datenschutz"),
        ("barrierefreiheit", "Barrierefreiheit"),
    ]:
        Page.objects.update_or_create(
            slug=slug,
            defaults={
                "title_de": title,
                "title_en": title,
                "body_de": "## Überschrift\n\nEin Absatz.\nMit einer zweiten Zeile.",
                "body_en": "## Heading\n\nA paragraph.\nWith a second line.",
            },
        )


@pytest.fixture
def places(transactional_db):
    district = MunicipalityFactory(
        ags="05382000", name="Rhein-Sieg-Kreis", kind=Municipality.Kind.LANDKREIS, postcode=""
    )
    return {
        "koeln": MunicipalityFactory(
            ags="05315000",
            name="Köln, Stadt",
            kind=Municipality.Kind.KREISFREIE_STADT,
            postcode="50667",
            population=1_083_498,
        ),
        "koenigswinter": MunicipalityFactory(
            ags="05382024", name="Königswinter, Stadt", postcode="53639", district=district
        ),
        "district": district,
        "organisation": OrganisationFactory(
            name="Alevitische Gemeinde Kassel e. V.", kind=Organisation.Kind.ALEVITE_COMMUNITY
        ),
    }


@pytest.fixture
def member(transactional_db, places):
    """A signed-up officer with a confirmed and a pending membership."""
    user = UserFactory(full_name="Anna Schneider")
    Membership.objects.create(
        user=user,
        municipality=places["koeln"],
        role="Integrationsbeauftragte",
        verified=True,
        verified_at=timezone.now(),
    )
    Membership.objects.create(
        user=user, organisation=places["organisation"], role="Vorstand", verified=False
    )
    return user


@pytest.fixture
def newcomer(transactional_db):
    """A signed-up officer who has not yet said where they work."""
    return UserFactory(full_name="Nils Neumann")


def check_accessible(page, language, *, reload_narrow=True):
    """Everything this module asks of every page, on the page that is open now."""
    assert page.get_attribute("html", "lang") == language

    violations = axe_violations(page)
    assert not violations, f"{page.url} ({language}, wide):\n{describe_violations(violations)}"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip-link[href=\"#main\"]')"), (
        f"The first tab stop on {page.url} is not the skip link"
    )
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "main", "The skip link does not lead to the main content"

    page.set_viewport_size(NARROW)
    if reload_narrow:
        page.reload()
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{page.url} scrolls sideways at {inner_width}px: content is {scroll_width}px wide"
    )
    violations = axe_violations(page)
    assert not violations, f"{page.url} ({language}, narrow):\n{describe_violations(violations)}"
    page.set_viewport_size(WIDE)


PUBLIC_PAGES = {
    "home": ("core:home", {}, ""),
    "content page": ("core:page", {"slug": "datenschutz"}, ""),
    "login": ("account_login", {}, ""),
    "signup": ("account_signup", {}, ""),
    "password reset": ("account_reset_password", {}, ""),
}

SIGNED_IN_PAGES = {
    "overview": ("accounts:overview", {}, ""),
    "profile": ("accounts:profile", {}, ""),
    "membership choice": ("accounts:membership_new", {}, ""),
    "municipality search": ("accounts:membership_new_municipality", {}, "?q=K"),
    "organisation search": ("accounts:membership_new_organisation", {}, "?q=Kassel"),
    "email addresses": ("account_email", {}, ""),
    "password change": ("account_change_password", {}, ""),
    "two-factor authentication": ("mfa_index", {}, ""),
    "email settings": ("notifications:preferences", {}, ""),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_is_accessible(new_page, content_pages, name, language):
    url_name, kwargs, query = PUBLIC_PAGES[name]
    page = new_page(language=language)
    response = page.goto(reverse(url_name, kwargs=kwargs) + query)
    assert response.status == 200
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_found_page_is_accessible(new_page, content_pages, language):
    page = new_page(language=language)
    response = page.goto("/gibt-es-nicht/?<script>")
    assert response.status == 404
    assert "gibt-es-nicht" not in page.locator("main").inner_text()
    assert page.locator("main a[href='/']").count() == 1
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_server_error_page_needs_no_context_and_is_accessible(new_page, language):
    """Django renders 500.html without a request or context processors: it may use none."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = "MISSING[%s]"
    with override_settings(TEMPLATES=templates), translation.override(language):
        html = server_error(RequestFactory().get("/")).content.decode()
    assert "MISSING[" not in html

    page = new_page(language=language)
    page.route(
        "**/server-error-preview/",
        lambda route: route.fulfill(status=500, body=html, content_type="text/html; charset=utf-8"),
    )
    page.goto("/server-error-preview/")
    assert page.locator("link[rel=stylesheet]").count() == 2
    header_style = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert page.evaluate(header_style) == "rgb(15, 76, 92)", "portal.css did not load"
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_page_is_accessible(new_page, member, content_pages, name, language):
    url_name, kwargs, query = SIGNED_IN_PAGES[name]
    page = new_page(language=language, user=member)
    response = page.goto(reverse(url_name, kwargs=kwargs) + query)
    assert response.status == 200
    assert page.url.endswith(reverse(url_name, kwargs=kwargs) + query), "not signed in"
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_overview_without_membership_asks_where_you_work(
    new_page, newcomer, content_pages, language
):
    page = new_page(language=language, user=newcomer)
    page.goto(reverse("accounts:overview"))
    link = page.locator(f"main a[href='{reverse('accounts:membership_new')}']")
    assert link.count() == 1
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_signup_errors_are_accessible_and_tied_to_their_fields(new_page, content_pages, language):
    page = new_page(language=language)
    page.goto(reverse("account_signup"))
    privacy_link = page.locator("label[for='id_privacy_accepted'] a")
    privacy_url = reverse("core:page", kwargs={"slug": "datenschutz"})
    assert privacy_link.get_attribute("href") == privacy_url

    page.fill("#id_email", "kaputt@")
    page.fill("#id_password1", "kurz")
    page.fill("#id_password2", "anders")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    invalid = page.locator(".is-invalid")
    assert invalid.count() >= 3
    for index in range(invalid.count()):
        field = invalid.nth(index)
        described_by = field.get_attribute("aria-describedby") or ""
        texts = [page.locator(f"[id='{ref}']").inner_text().strip() for ref in described_by.split()]
        assert any(texts), f"{field.get_attribute('name')} has no error message tied to it"
    check_accessible(page, language, reload_narrow=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_error_is_announced(new_page, member, content_pages, language):
    page = new_page(language=language)
    page.goto(reverse("account_login"))
    page.fill("#id_login", member.email)
    page.fill("#id_password", "not-the-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main [role=alert]").count() == 1
    check_accessible(page, language, reload_narrow=False)


def test_municipality_search_updates_as_you_type(new_page, member, places):
    """With JavaScript, htmx replaces the results without leaving the page."""
    page = new_page(user=member)
    url = reverse("accounts:membership_new_municipality")
    page.goto(url)
    results = page.locator("#municipality-results")
    assert results.get_attribute("aria-live") == "polite"
    assert results.locator("input[type=radio]").count() == 0

    page.fill("#municipality-search", "Königswinter")
    radio = results.locator(f"input[type=radio][value='{places['koenigswinter'].pk}']")
    radio.wait_for()
    assert page.url.endswith(url), "the search left the page instead of updating it"
    assert "Rhein-Sieg-Kreis" in results.inner_text()
    assert results.locator("input[name=q]").input_value() == "Königswinter"

    radio.check()
    page.fill("#membership-role", "Integrationsbeauftragter")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(f"**{reverse('accounts:overview')}")
    assert "Königswinter, Stadt" in page.locator("main").inner_text()


def test_language_switcher_changes_language_and_state(page, content_pages):
    page.goto(reverse("core:home"))
    german = page.locator("button[name=language][value=de]")
    english = page.locator("button[name=language][value=en]")
    assert german.get_attribute("lang") == "de"
    assert german.get_attribute("aria-pressed") == "true"
    assert english.get_attribute("aria-pressed") == "false"

    english.click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("button[name=language][value=en]").get_attribute("aria-pressed") == "true"


def test_menu_opens_on_a_narrow_screen(new_page, content_pages):
    page = new_page(viewport=NARROW)
    page.goto(reverse("core:home"))
    toggler = page.locator(".navbar-toggler")
    login = page.locator(f"#site-menu a[href='{reverse('account_login')}']")
    assert toggler.get_attribute("aria-expanded") == "false"
    assert not login.is_visible()

    toggler.click()
    login.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_click_switch_off_is_accessible_before_and_after(
    new_page, member, content_pages, language
):
    token = unsubscribe_token(user_id=member.pk, category="reminder")
    page = new_page(language=language)
    url = reverse("notifications:unsubscribe", args=[token])
    page.goto(url)
    check_accessible(page, language)

    page.goto(url)  # without the #main the skip link added
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("main a[href='/me/emails/']").count() == 1
    check_accessible(page, language, reload_narrow=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_email_layout_is_accessible(new_page, member, language):
    """The HTML part of an email, opened as a page: language, contrast, link names."""
    member.preferred_language = language
    member.save()
    membership = member.memberships.filter(verified=True).get()
    notification = notify(
        kind="membership_verified",
        key=f"a11y:{language}",
        user=member,
        context={"membership_id": membership.pk},
    )
    html = render_notification(notification).body_html

    page = new_page(language=language)
    page.route(
        "**/email-preview/",
        lambda route: route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8"),
    )
    page.goto("/email-preview/")
    assert page.get_attribute("html", "lang") == language
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.set_viewport_size(NARROW)
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width
