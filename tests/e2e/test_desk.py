"""The coordinator's desk in Chromium (issue 14.10): every line with its count and link,
the lines with nothing to do greyed but shown, an advisor's part, and axe-core without
violations in German and English, wide and narrow.

With SHOTS=1 the tests also save full-page screenshots to /tmp/shots/ for a human look.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from consultations.models import Status
from portal.notifications.models import Notification
from portal.notifications.models import Status as EmailStatus
from tests.e2e.conftest import NARROW, WIDE
from tests.e2e.test_accessibility import LANGUAGES, check_accessible
from tests.e2e.test_consultations import shoot
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    ExchangeRoundFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def text(message, language, context=None):
    with translation.override(language):
        return pgettext(context, message) if context else gettext(message)


@pytest.fixture
def work(transactional_db):
    """Two membership claims, a new request, an appointment without minutes, a failed email;
    nothing waits in triage and the courses are in order."""
    MembershipFactory()
    MembershipFactory()
    ConsultationFactory()
    advisor = AdvisorProfileFactory(user__full_name="Berna Beraterin")
    start = timezone.now() - timedelta(days=1)
    AppointmentFactory(
        advisor=advisor,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        consultation__status=Status.IN_PROGRESS,
        consultation__lead_advisor=advisor,
    )
    Notification.objects.create(
        kind="test",
        idempotency_key="desk-e2e:1",
        to_email="someone@kommune.example",
        language="de",
        due_at=timezone.now(),
        send_after=timezone.now(),
        status=EmailStatus.FAILED,
        last_error="550 mailbox unavailable",
    )
    return {
        "coordinator": UserFactory(roles=["coordinator"], full_name="Corinna Koordination"),
        "advisor": advisor,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_coordinator_sees_what_needs_doing_and_goes_there(new_page, work, language):
    page = new_page(language=language, user=work["coordinator"])

    page.goto(reverse("core:desk"))

    desk = text("Desk", language, context="the coordinator's desk")
    assert page.locator("h1").inner_text() == desk
    nav = page.get_by_role("navigation", name=text("Main navigation", language))
    assert nav.get_by_role("link", name=desk).get_attribute("aria-current") == "page"
    lines = page.locator(".desk-line")
    assert lines.count() == 9
    names = lines.evaluate_all("lines => lines.map(line => line.dataset.line)")
    numbers = lines.evaluate_all("lines => lines.map(line => Number(line.dataset.count))")
    assert dict(zip(names, numbers, strict=True)) == {
        "memberships_pending": 2,
        "requests_untriaged": 1,
        "cases_without_advisor": 0,
        "appointments_without_minutes": 1,
        "dates_without_attendance": 0,
        "rounds_without_documentation": 0,
        "waitlists_with_free_seats": 0,
        "practice_examples_waiting": 0,
        "emails_failed": 1,
    }
    done = page.locator(".desk-line-done")
    assert done.count() == 5
    assert done.first.inner_text().endswith(text("Nothing to do", language))
    check_accessible(page, language)
    page.goto(reverse("core:desk"))
    shoot(page, f"desk-coordinator-{language}-wide.png")
    page.set_viewport_size(NARROW)
    shoot(page, f"desk-coordinator-{language}-narrow.png")
    page.set_viewport_size(WIDE)

    page.locator("[data-line=memberships_pending] a").click()

    page.wait_for_url(f"**{reverse('admin:accounts_membership_changelist')}?status__exact=pending")
    assert page.locator("#result_list tbody tr").count() == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_advisor_sees_her_own_appointments_without_minutes(new_page, work, language):
    page = new_page(language=language, user=work["advisor"].user)

    page.goto(reverse("core:desk"))

    assert page.locator(".desk-line").count() == 2
    assert page.locator("[data-line=moderated_rounds_without_documentation]").count() == 1
    line = page.locator("[data-line=appointments_without_minutes]")
    assert line.get_attribute("data-count") == "1"
    check_accessible(page, language)
    page.goto(reverse("core:desk"))
    shoot(page, f"desk-advisor-{language}-wide.png")

    line.locator("a").click()

    page.wait_for_url(f"**{reverse('admin:consultations_consultation_changelist')}?minutes=missing")
    assert page.locator("#result_list tbody tr").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_advisor_goes_from_her_line_to_the_rounds_she_has_to_document(new_page, work, language):
    advisor = work["advisor"].user
    start = timezone.now() - timedelta(days=2)
    round = ExchangeRoundFactory(status="held", start=start, end=start + timedelta(hours=3))
    round.moderators.add(advisor)
    page = new_page(language=language, user=advisor)
    page.goto(reverse("core:desk"))
    line = page.locator("[data-line=moderated_rounds_without_documentation]")
    assert line.get_attribute("data-count") == "1"

    line.locator("a").click()

    page.wait_for_url(f"**{reverse('exchanges:mine')}#moderated")
    documentation = reverse("exchanges:moderate_documentation", args=[round.slug])
    assert page.locator(f"#moderated a[href='{documentation}']").is_visible()
    page.goto(reverse("exchanges:mine"))  # without the anchor, whose target takes the focus
    check_accessible(page, language)
    shoot(page, f"desk-advisor-rounds-{language}-wide.png")


def test_an_officer_finds_no_desk(new_page, transactional_db):
    page = new_page(user=UserFactory(roles=["integration_officer"]))

    response = page.goto(reverse("core:desk"))

    assert response.status == 404
    assert page.locator(f"a[href='{reverse('core:desk')}']").count() == 0
