"""Issue 14 in the browser: the advisor profile in the admin (14.14) and the admin's header
and outbox (14.12)."""

from datetime import date, time

import pytest
from django.conf import settings
from django.urls import reverse

from portal.accounts.emails import MEMBERSHIP_DIGEST
from portal.advisors.models import Absence
from portal.notifications.services import notify
from tests.e2e.conftest import WIDE, axe_violations, describe_violations
from tests.factories import AdvisorProfileFactory, UserFactory

SHOTS = "/tmp/h6shots"


@pytest.fixture
def profile(transactional_db):
    profile = AdvisorProfileFactory(
        user__full_name="Dr. Miriam Hoffmann-Yilmaz",
        slug="miriam-hoffmann-yilmaz",
        windows=[(0, time(9), time(12)), (2, time(13), time(16))],
    )
    Absence.objects.create(
        advisor=profile, first_day=date(2026, 12, 21), last_day=date(2027, 1, 2), note="Urlaub"
    )
    return profile


@pytest.mark.parametrize("role", ["coordinator", "advisor"])
def test_the_advisor_profile_in_the_admin_has_no_axe_violations(new_page, profile, role):
    user = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    if role == "advisor":
        user = profile.user
    page = new_page(user=user, viewport=WIDE)
    page.goto(reverse("admin:advisors_advisorprofile_change", args=[profile.pk]))

    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll(
            '.inline-group input:not([type=hidden]), .inline-group select, .inline-group textarea'
        )].filter(el => !el.closest('.empty-form') && el.labels.length === 0
            && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')
        ).map(el => el.name)"""
    )
    assert unlabelled == []
    spans = page.evaluate(
        "() => [...document.querySelectorAll('span[aria-label]')]"
        ".filter(el => !el.getAttribute('role')).length"
    )
    assert spans == 0
    assert "/advisors//." not in page.content()
    page.screenshot(path=f"{SHOTS}/admin-advisor-profile-{role}.png", full_page=True)


def test_the_admin_header_shows_the_full_name_and_the_breadcrumbs_are_underlined(new_page, profile):
    page = new_page(user=profile.user, viewport=WIDE)
    page.goto(reverse("admin:advisors_advisorprofile_change", args=[profile.pk]))

    greeting = page.locator("#user-tools strong")
    assert greeting.inner_text() == "Dr. Miriam Hoffmann-Yilmaz"
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#user-tools')).textTransform")
        == "none"
    )
    crumb = page.locator("div.breadcrumbs a").first
    assert "underline" in crumb.evaluate("el => getComputedStyle(el).textDecorationLine")
    statement = page.locator("#footer a")
    assert statement.get_attribute("href") == reverse(
        "core:page", kwargs={"slug": "barrierefreiheit"}
    )
    page.screenshot(path=f"{SHOTS}/admin-header.png")


def test_the_outbox_lists_kinds_in_words(new_page, transactional_db):
    coordinator = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    notify(kind=MEMBERSHIP_DIGEST, key="e2e:digest", user=coordinator, context={})
    superuser = UserFactory(is_staff=True, is_superuser=True, full_name="Sam Admin")
    page = new_page(user=superuser, viewport=WIDE)
    page.goto(reverse("admin:notifications_notification_changelist"))

    cell = page.locator("td.field-kind_shown").first
    assert cell.inner_text() != MEMBERSHIP_DIGEST
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.screenshot(path=f"{SHOTS}/admin-outbox.png", full_page=True)


def test_the_accounts_and_advisors_admin_pages_read_in_german_without_axe_violations(
    new_page, profile
):
    from tests.factories import MembershipFactory

    MembershipFactory(verified=False, role="Integrationsbeauftragte")
    superuser = UserFactory(is_staff=True, is_superuser=True, full_name="Sam Admin")
    page = new_page(user=superuser, viewport=WIDE)
    pages = {
        "index": reverse("admin:index"),
        "users": reverse("admin:accounts_user_changelist"),
        "user": reverse("admin:accounts_user_change", args=[profile.user.pk]),
        "memberships": reverse("admin:accounts_membership_changelist"),
        "advisors": reverse("admin:advisors_advisorprofile_changelist"),
        "topics": reverse("admin:advisors_topic_changelist"),
    }
    found = {}
    for name, url in pages.items():
        page.goto(url)
        page.screenshot(path=f"{SHOTS}/admin-{name}.png", full_page=True)
        violations = axe_violations(page)
        if violations:
            found[name] = describe_violations(violations)
        # Django's German lacks its 5.2 picker buttons ("Choose all Gruppen"): the project's
        # djangojs catalogue supplies them (issue 14.12).
        content = page.locator("#content").inner_text()
        if (settings.BASE_DIR / "locale/de/LC_MESSAGES/djangojs.mo").exists():
            assert "Choose all" not in content, name
        assert "Datumsangaben" not in content, name
    assert not found, found
