"""The advisor directory, profiles, matching and the advisor's own pages in Chromium:
axe-core without violations in German and English, wide and narrow, and filters that work
without JavaScript."""

import io
from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from portal.advisors.models import Topic
from portal.advisors.services import absences_replace, advisor_profile_update
from tests.e2e.conftest import WIDE
from tests.e2e.test_accessibility import LANGUAGES, check_accessible
from tests.factories import AdvisorProfileFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def advisors(transactional_db, settings, tmp_path):
    """Three public advisors, one with a photo, one with an absence; topics from the migration
    (live_server's flush removes them, so they are made again here)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    topics = {}
    for slug, name_de, name_en in [
        ("bestattung", "Muslimische Bestattungen und Grabfelder", "Muslim burials"),
        ("dialog", "Dialogformate mit Moscheegemeinden", "Dialogue with mosque communities"),
        ("jugendarbeit", "Jugendarbeit", "Youth work"),
    ]:
        topics[slug], _created = Topic.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en}
        )
    with_photo = AdvisorProfileFactory(
        user__full_name="Dr. Leyla Hamdan",
        role_de="Beraterin für Bestattungskultur",
        role_en="Advisor on burial culture",
        bio_de="Erster Absatz.\n\nZweiter Absatz.",
        bio_en="First paragraph.\n\nSecond paragraph.",
        qualifications_de="M. A. Islamwissenschaft\nSystemische Beratung",
        topics=[topics["bestattung"], topics["dialog"]],
        languages=["de", "ar", "fr"],
        states=["11", "12"],
    )
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), (30, 90, 120)).save(buffer, format="JPEG")
    advisor_profile_update(
        profile=with_photo,
        by=with_photo.user,
        photo=SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )
    nationwide = AdvisorProfileFactory(
        user__full_name="Jonas Keller",
        topics=[topics["jugendarbeit"]],
        languages=["de", "tr"],
        states=[f"{n:02d}" for n in range(1, 17)],
        modes=["video", "phone"],
        windows=[(1, time(13), time(17))],
    )
    holiday = timezone.localdate() + timedelta(days=21)
    absences_replace(
        profile=nationwide,
        by=nationwide.user,
        absences=[(holiday, holiday + timedelta(days=13), "Urlaub")],
    )
    AdvisorProfileFactory(user__full_name="Mara Schulz", topics=[topics["dialog"]], states=["05"])
    return {"photo": with_photo, "nationwide": nationwide}


PAGES = {
    "directory": lambda a: reverse("advisors:directory"),
    "directory filtered": lambda a: reverse("advisors:directory") + "?topic=dialog&state=05",
    "directory empty": lambda a: reverse("advisors:directory") + "?topic=jugendarbeit&state=05",
    "profile with photo": lambda a: reverse("advisors:detail", args=[a["photo"].slug]),
    "profile without photo": lambda a: reverse("advisors:detail", args=[a["nationwide"].slug]),
    "matching form": lambda a: reverse("advisors:match"),
    "matching results": lambda a: (
        reverse("advisors:match")
        + "?topics=dialog&topics=bestattung&state=11&language=ar&format=fachberatung"
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_public_advisor_page_is_accessible(new_page, advisors, name, language):
    page = new_page(language=language)
    response = page.goto(PAGES[name](advisors))
    assert response.status == 200
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["advisors:my_profile", "advisors:my_availability"])
def test_the_advisors_own_pages_are_accessible(new_page, advisors, name, language):
    page = new_page(language=language, user=advisors["nationwide"].user)
    response = page.goto(reverse(name))
    assert response.status == 200
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_availability_errors_are_accessible(new_page, advisors, language):
    page = new_page(language=language, user=advisors["nationwide"].user)
    page.goto(reverse("advisors:my_availability"))
    page.fill("#id_windows-0-start", "16:00")
    page.fill("#id_windows-0-end", "09:00")
    page.locator("section:has(#windows) button[type=submit]").click()
    page.wait_for_load_state()

    invalid = page.locator("#id_windows-0-end")
    assert invalid.get_attribute("aria-invalid") == "true"
    message = page.locator(f"[id='{invalid.get_attribute('aria-describedby')}']").inner_text()
    assert message.strip()
    check_accessible(page, language, reload_narrow=False)


def test_the_directory_filters_work_without_javascript(browser, live_server, advisors):
    context = browser.new_context(
        viewport=WIDE, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(reverse("advisors:directory"))
        assert page.locator(".advisor-card").count() == 3

        page.select_option("#id_language", "tr")
        page.locator("form.directory-filters button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".advisor-card").count() == 1
        assert "Jonas Keller" in page.locator(".advisor-cards").inner_text()

        page.select_option("#id_language", "")
        page.select_option("#id_topic", "dialog")
        page.select_option("#id_state", "05")
        page.locator("form.directory-filters button[type=submit]").click()
        page.wait_for_load_state()
        assert "topic=dialog" in page.url
        assert page.locator(".advisor-card h2").all_inner_texts() == ["Mara Schulz"]
    finally:
        context.close()


def test_a_card_leads_to_the_profile_and_its_request_button(new_page, advisors):
    page = new_page()
    page.goto(reverse("advisors:directory"))
    page.get_by_role("link", name="Dr. Leyla Hamdan").click()
    page.wait_for_load_state()

    assert page.url.endswith(reverse("advisors:detail", args=[advisors["photo"].slug]))
    photo = page.locator("img.advisor-photo")
    assert photo.evaluate("image => image.naturalWidth") == 600
    button = page.locator("aside a.btn-primary")
    assert "Dr. Leyla Hamdan" in button.inner_text()
    # The request form with this advisor chosen; signed out, the form asks to log in first.
    assert button.get_attribute("href") == (
        reverse("consultations:new") + f"?advisor={advisors['photo'].slug}"
    )
