"""The library of practice examples in Chromium: an officer writes an example, finding a
second municipality through the htmx search, hands it in and sees it waiting; and axe-core
finds nothing on the library's pages in German and English, wide and narrow.

With SHOTS=1 the tests also save full-page screenshots to /tmp/shots/ for a human look.
"""

import pytest
from django.urls import reverse

from exchanges.models import ExampleStatus, PracticeExample
from portal.advisors.models import Topic
from tests.e2e.conftest import (  # noqa: F401 (the browser fixtures)
    axe_violations,
    browser,
    describe_violations,
    new_page,
)
from tests.e2e.test_accessibility import LANGUAGES, check_accessible
from tests.e2e.test_consultations import shoot
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    PracticeExampleFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def topic(slug: str, name_de: str, name_en: str) -> Topic:
    """A topic; the flush after an earlier browser test may have removed the seeded ones."""
    return Topic.objects.get_or_create(
        slug=slug, defaults={"name_de": name_de, "name_en": name_en}
    )[0]


def burial():
    return topic("bestattung", "Muslimische Bestattungen und Grabfelder", "Muslim burials")


def mosque():
    return topic("moscheebau", "Moscheebau und Nutzung von Räumen", "Mosque construction")


@pytest.fixture
def officer(db):
    return MembershipFactory(
        user=UserFactory(roles=["integration_officer"], full_name="Aylin Demir"),
        municipality=MunicipalityFactory(name="Leipzig", ags="14713000", state="14"),
        verified=True,
    ).user


def test_an_officer_writes_an_example_with_the_municipality_search(new_page, officer):  # noqa: F811
    MunicipalityFactory(name="Dresden", ags="14612000", state="14", population=560_000)
    mosque()
    page = new_page(user=officer)
    page.goto(reverse("exchanges:practice_new"))

    page.fill("#id_title", "Gebetsraum im Klinikum")
    page.fill("#municipality-search", "Dresd")
    page.locator("label", has_text="Dresden").click()  # appears through htmx
    page.locator("label", has_text=mosque().name_de).click()
    page.fill("#id_situation", "Patientinnen und Angehörige suchten einen Ort zum Beten.")
    page.fill("#id_action", "Das Klinikum richtete mit der Gemeinde einen Raum der Stille ein.")
    page.fill("#id_effort", "Ein Raum, zwei Gespräche, kleine Umbauten.")
    page.fill("#id_outcome", "Der Raum wird täglich genutzt.")
    shoot(page, "practice_form_filled.png")
    page.locator("button[name=submit]").click()

    page.wait_for_url(f"**{reverse('exchanges:practice_mine')}")
    example = PracticeExample.objects.get()
    assert (example.municipality.name, example.status) == ("Dresden", ExampleStatus.SUBMITTED)
    assert "Gebetsraum im Klinikum" in page.content()
    shoot(page, "practice_mine.png")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_library_pages_are_accessible(new_page, officer, language):  # noqa: F811
    published = PracticeExampleFactory(
        title="Grabfeld auf dem städtischen Friedhof",
        contact_name="Selin Kaya",
        contact_email="kaya@stadt.example",
        contact_consent=True,
    )
    published.topics.set([burial(), mosque()])
    returned = PracticeExampleFactory(
        author=officer,
        title="Fastenbrechen im Rathaus",
        status=ExampleStatus.RETURNED,
        published_at=None,
        return_reason="Bitte beschreiben Sie, was es gekostet hat.",
    )
    returned.topics.set([topic("konfliktkommunikation", "Konfliktkommunikation", "")])
    page = new_page(user=officer, language=language)

    for name, url in [
        ("list", reverse("exchanges:practice_list")),
        ("search", reverse("exchanges:practice_list") + "?q=Grabfeld&size=medium"),
        ("detail", published.get_absolute_url()),
        ("returned", returned.get_absolute_url()),
        ("edit", reverse("exchanges:practice_edit", args=[returned.slug])),
        ("new", reverse("exchanges:practice_new")),
        ("mine", reverse("exchanges:practice_mine")),
    ]:
        page.goto(url)
        shoot(page, f"practice_{name}_{language}.png")
        check_accessible(page, language)

    # A form sent back with errors.
    page.goto(reverse("exchanges:practice_new"))
    page.fill("#id_title", "Nur ein Titel")
    page.fill("#id_contact_name", "Ohne Einverständnis")
    page.locator("button[name=submit]").click()
    page.wait_for_selector(".invalid-feedback")
    shoot(page, f"practice_errors_{language}.png")
    check_accessible(page, language, reload_narrow=False)

    # Someone without a confirmed membership is told how to get one.
    other = new_page(user=UserFactory(roles=["integration_officer"]), language=language)
    other.goto(reverse("exchanges:practice_new"))
    shoot(other, f"practice_not_yet_{language}.png")
    check_accessible(other, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_review_in_the_admin_has_no_axe_violations(new_page, officer, language):  # noqa: F811
    waiting = PracticeExampleFactory(
        author=officer, status=ExampleStatus.SUBMITTED, published_at=None, title="Iftar im Rathaus"
    )
    waiting.topics.set([mosque()])
    page = new_page(user=UserFactory(roles=["coordinator"]), language=language)

    for name, url in [
        ("changelist", reverse("admin:exchanges_practiceexample_changelist") + "?status=submitted"),
        ("change", reverse("admin:exchanges_practiceexample_change", args=[waiting.pk])),
        (
            "send_back",
            reverse("admin:exchanges_practiceexample_step", args=[waiting.pk, "send_back"]),
        ),
    ]:
        page.goto(url)
        assert "Iftar im Rathaus" in page.content(), name
        shoot(page, f"practice_admin_{name}_{language}.png")
        violations = axe_violations(page)
        assert not violations, f"{name} ({language}):\n{describe_violations(violations)}"

    page.fill("textarea[name=reason]", "Bitte ergänzen Sie die Kosten.")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**{reverse('admin:exchanges_practiceexample_change', args=[waiting.pk])}")
    waiting.refresh_from_db()
    assert waiting.status == ExampleStatus.RETURNED
