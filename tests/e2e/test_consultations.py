"""The officer's side of consultations in Chromium: journey 1 (request, book, see the
appointment) driven by labels, errors tied to their fields, and axe-core without violations
on every page in German and English, wide and narrow.

With SHOTS=1 the tests also save full-page screenshots to /tmp/shots/ for a human look.
"""

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext

from consultations import links
from consultations.forms import ConsultationForm
from consultations.models import Appointment, Consultation, Message
from portal.advisors.availability import next_free_slot
from portal.advisors.models import Topic
from tests.e2e.conftest import NARROW, WIDE, axe_violations, describe_violations
from tests.e2e.test_accessibility import LANGUAGES, check_accessible
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    DocumentFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")


def shoot(page, name):
    """A full-page screenshot of a page that rendered; kept under /tmp/shots with SHOTS=1."""
    assert page.locator("h1").count() >= 1, name  # a real page, not an error
    picture = page.screenshot(full_page=True)
    assert len(picture) > 10_000, name
    if os.environ.get("SHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / name).write_bytes(picture)


def label(field, language="de"):
    """A field's label as the page shows it in `language` (the msgid while untranslated)."""
    with translation.override(language):
        return str(ConsultationForm.base_fields[field].label)


def text(message, language="de"):
    with translation.override(language):
        return gettext(message)


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    """A verified officer in a town of North Rhine-Westphalia, a matching advisor with free
    weekday mornings, and the topics (live_server's flush removes those of the migration)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    topics = {}
    for position, (slug, name_de, name_en) in enumerate(
        [
            ("dialog", "Dialogformate mit Moscheegemeinden", "Dialogue with mosque communities"),
            ("moscheebau", "Moscheebau", "Building a mosque"),
        ]
    ):
        topics[slug], _created = Topic.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
        )
    town = MunicipalityFactory(name="Musterstadt", ags="05315000", state="05")
    officer = MembershipFactory(
        user=UserFactory(roles=["integration_officer"], full_name="Ina Beispiel"),
        municipality=town,
        verified=True,
    ).user
    advisor = AdvisorProfileFactory(
        user__full_name="Dr. Amal Berger",
        role_de="Beraterin für Dialogformate",
        role_en="Advisor on dialogue formats",
        topics=list(topics.values()),
        states=["05"],
        formats=["fachberatung", "prozessbegleitung"],
        modes=["video", "in_person"],
    )
    return {"topics": topics, "town": town, "officer": officer, "advisor": advisor}


@pytest.fixture
def case(world):
    """A case in progress with messages from both sides, a shared document and an upcoming
    appointment."""
    consultation = ConsultationFactory(
        requester=world["officer"],
        municipality=world["town"],
        status="in_progress",
        lead_advisor=world["advisor"],
        topics=[world["topics"]["dialog"]],
    )
    Message.objects.create(
        consultation=consultation,
        author=world["officer"],
        text="Anbei der Ratsbeschluss.\nWann passt Ihnen ein erstes Gespräch?",
    )
    Message.objects.create(
        consultation=consultation,
        author=world["advisor"].user,
        from_advisors=True,
        text="Danke, ich habe den Beschluss gelesen. Ein Termin ist gebucht.",
    )
    DocumentFactory(consultation=consultation, shared=True, name="ratsbeschluss-2026-03.pdf")
    appointment = AppointmentFactory(
        consultation=consultation,
        advisor=world["advisor"],
        starts_at=timezone.now().replace(microsecond=0) + timedelta(days=5),
    )
    return {"consultation": consultation, "appointment": appointment}


@pytest.fixture
def closed_case(world):
    return ConsultationFactory(
        requester=world["officer"],
        municipality=world["town"],
        status="closed",
        lead_advisor=world["advisor"],
    )


def test_journey_one_request_book_and_see_the_appointment(new_page, world):
    page = new_page(user=world["officer"])
    page.goto(reverse("consultations:new"))

    # The only verified membership is chosen already.
    membership = page.get_by_role("group", name=label("membership")).get_by_role("radio")
    assert membership.count() == 1
    assert membership.is_checked()

    page.get_by_role("group", name=label("format")).get_by_label(
        text("Expert advice (Fachberatung)")
    ).check()
    page.get_by_role("group", name=label("topics")).get_by_label(
        "Dialogformate mit Moscheegemeinden"
    ).check()
    page.get_by_label(label("concern")).fill(
        "Nach einem Brandanschlag auf eine Moschee sucht die Stadt ein Dialogformat."
    )
    page.get_by_label(label("goal")).fill("Ein erstes Treffen von Verwaltung und Gemeinde.")
    page.get_by_role("group", name=label("contact_mode")).get_by_label(text("Video call")).check()
    page.get_by_label(label("privacy")).check()
    shoot(page, "new-de-wide.png")

    page.get_by_role("button", name=text("Send request")).click()
    page.wait_for_load_state()

    consultation = Consultation.objects.get(requester=world["officer"])
    assert page.url.endswith(reverse("consultations:book", args=[consultation.pk]))
    assert (
        consultation.reference in page.locator(".alert-success, [role=status]").first.inner_text()
    )
    assert page.get_by_role("heading", name="Dr. Amal Berger").is_visible()
    shoot(page, "book-de-wide.png")

    slot = page.locator("button[name=slot]").first
    advisor_id, start = slot.get_attribute("value").split("|", 1)
    slot.click()
    page.wait_for_load_state()

    # Choosing a time asks once: advisor, date, time (German time) and way of meeting.
    assert page.get_by_role("heading", level=1).inner_text() == text(
        "Please confirm your first conversation"
    )
    assert not Appointment.objects.exists()
    facts = page.locator("main dl").inner_text()
    local = timezone.localtime(datetime.fromisoformat(start))
    assert "Dr. Amal Berger" in facts
    assert f"{local:%H:%M}" in facts and str(local.year) in facts
    assert text("Video call") in facts
    shoot(page, "book-confirm-de-wide.png")
    page.get_by_role("button", name=text("Book this time")).click()
    page.wait_for_load_state()

    assert page.url.endswith(reverse("consultations:detail", args=[consultation.pk]))
    appointment = Appointment.objects.get(consultation=consultation)
    assert appointment.advisor_id == world["advisor"].pk == int(advisor_id)
    assert appointment.starts_at.isoformat() == start
    box = page.get_by_role("region", name=text("Appointments"))
    assert "Dr. Amal Berger" in box.inner_text()
    assert box.get_by_role("link", name=text("Move or cancel")).get_attribute("href") == reverse(
        "consultations:appointment", args=[appointment.pk]
    )


def test_an_empty_request_shows_errors_at_the_fields_and_keeps_the_text(new_page, world):
    page = new_page(user=world["officer"])
    page.goto(reverse("consultations:new"))
    concern = "Der Stadtrat streitet über einen Gebetsraum im Rathaus."
    page.get_by_label(label("concern")).fill(concern)
    page.get_by_role("button", name=text("Send request")).click()
    page.wait_for_load_state()

    assert page.url.endswith(reverse("consultations:new"))
    assert not Consultation.objects.exists()
    assert page.get_by_label(label("concern")).input_value() == concern

    def error_of(element):
        described = element.get_attribute("aria-describedby") or ""
        texts = [page.locator(f"[id='{ref}']").inner_text() for ref in described.split()]
        return " ".join(texts)

    for field, message in [
        ("format", "Please choose the kind of advice."),
        ("topics", "Please choose at least one topic."),
        ("contact_mode", "Please choose how you would like to meet."),
    ]:
        group = page.get_by_role("group", name=label(field))
        assert text(message) in error_of(group), field
    for field, message in [
        ("goal", "Please tell us what you hope to reach."),
        ("privacy", "Please confirm the data-protection notice."),
    ]:
        control = page.get_by_label(label(field))
        assert control.get_attribute("aria-invalid") == "true", field
        assert text(message) in error_of(control), field
    assert page.get_by_label(label("concern")).get_attribute("aria-invalid") is None


PAGES = {
    "list": lambda w, c: reverse("consultations:list"),
    "new": lambda w, c: reverse("consultations:new"),
    "book": lambda w, c: reverse(
        "consultations:book",
        args=[
            ConsultationFactory(
                requester=w["officer"], municipality=w["town"], topics=[w["topics"]["dialog"]]
            ).pk
        ],
    ),
    "detail": lambda w, c: reverse("consultations:detail", args=[c["consultation"].pk]),
    "appointment": lambda w, c: reverse("consultations:appointment", args=[c["appointment"].pk]),
    "appointment link": lambda w, c: reverse(
        "consultations:appointment_link", args=[links.appointment_token(c["appointment"])]
    ),
    "book confirmation": lambda w, c: book_confirmation_url(w),
    "appointment link cancel confirmation": lambda w, c: (
        reverse("consultations:appointment_link", args=[links.appointment_token(c["appointment"])])
        + "?action=cancel"
    ),
}


def book_confirmation_url(w):
    consultation = ConsultationFactory(
        requester=w["officer"], municipality=w["town"], topics=[w["topics"]["dialog"]]
    )
    slot = next_free_slot(w["advisor"])[w["advisor"].pk]
    value = f"{slot.advisor_id}|{slot.start.isoformat()}"
    return reverse("consultations:book", args=[consultation.pk]) + "?" + urlencode({"slot": value})


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_consultation_page_is_accessible(new_page, world, case, name, language):
    via_link = name.startswith("appointment link")
    page = new_page(language=language, user=None if via_link else world["officer"])
    response = page.goto(PAGES[name](world, case))
    assert response.status == 200
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_feedback_form_is_accessible(new_page, closed_case, language):
    page = new_page(language=language)
    response = page.goto(
        reverse("consultations:feedback", args=[links.feedback_token(closed_case)])
    )
    assert response.status == 200
    assert page.get_by_role("button", name=text("Send feedback", language)).is_visible()
    check_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_request_errors_are_accessible(new_page, world, language):
    page = new_page(language=language, user=world["officer"])
    page.goto(reverse("consultations:new"))
    page.get_by_role("button", name=text("Send request", language)).click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 2
    check_accessible(page, language, reload_narrow=False)


def test_every_page_renders_for_its_screenshot(new_page, world, case, closed_case):
    officer = world["officer"]
    consultation = case["consultation"]

    page = new_page(user=officer)
    page.goto(reverse("consultations:list"))
    shoot(page, "list-de-wide.png")

    page = new_page(language="en", user=officer, viewport=NARROW)
    page.goto(reverse("consultations:new"))
    shoot(page, "new-en-narrow.png")

    page = new_page(user=officer)
    page.goto(reverse("consultations:detail", args=[consultation.pk]))
    shoot(page, "detail-de-wide.png")

    page = new_page(language="en", user=officer, viewport=NARROW)
    page.goto(reverse("consultations:detail", args=[consultation.pk]))
    shoot(page, "detail-en-narrow.png")

    page = new_page(user=officer)
    page.goto(reverse("consultations:appointment", args=[case["appointment"].pk]))
    shoot(page, "appointment-de-wide.png")

    page = new_page(viewport=NARROW)
    page.goto(reverse("consultations:feedback", args=[links.feedback_token(closed_case)]))
    shoot(page, "feedback-de-narrow.png")

    coordinator = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    page = new_page(user=coordinator, viewport=WIDE)
    response = page.goto(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    assert response.status == 200
    shoot(page, "admin-case-de-wide.png")
    response = page.goto(f"/admin/consultations/consultation/{consultation.pk}/action/assign/")
    assert response.status == 200
    shoot(page, "admin-assign-de-wide.png")


def test_cancelling_through_the_email_link_asks_first(new_page, world, case):
    appointment = case["appointment"]
    page = new_page(language="en")
    page.goto(
        reverse("consultations:appointment_link", args=[links.appointment_token(appointment)])
    )
    page.get_by_role("button", name=text("Cancel appointment", "en")).click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "Cancel the appointment?"
    appointment.refresh_from_db()
    assert appointment.is_scheduled  # showing the question cancels nothing
    local = timezone.localtime(appointment.starts_at)
    assert f"{local:%H:%M}" in page.locator("main dl").inner_text()
    shoot(page, "cancel-confirm-en-wide.png")
    page.get_by_role("button", name="Yes, cancel the appointment").click()
    page.wait_for_load_state()

    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert "This appointment has been cancelled." in page.locator("main").inner_text()


def test_the_requester_adds_a_document_later(new_page, world, case, tmp_path):
    consultation = case["consultation"]
    pdf = tmp_path / "stellungnahme.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    page = new_page(user=world["officer"])
    page.goto(reverse("consultations:detail", args=[consultation.pk]))
    documents = page.get_by_role("region", name=text("Documents"))
    documents.get_by_label(text("Add documents")).set_input_files(str(pdf))
    documents.get_by_role("button", name=text("Upload documents")).click()
    page.wait_for_load_state()

    documents = page.get_by_role("region", name=text("Documents"))
    assert documents.get_by_role("link", name="stellungnahme.pdf").is_visible()
    assert consultation.documents.filter(name="stellungnahme.pdf", shared=True).exists()
    shoot(page, "detail-documents-de-wide.png")


# --- The admin ------------------------------------------------------------------------------


def admin_violations(page):
    """axe's findings, without the breadcrumb links' underline: that is the admin's global
    stylesheet (issue 14, point 14), not this page."""
    found = []
    for violation in axe_violations(page):
        nodes = [
            node
            for node in violation["nodes"]
            if not (
                violation["id"] == "link-in-text-block"
                and all(".breadcrumbs" in target for target in node["target"])
            )
        ]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


@pytest.mark.parametrize("role", ["coordinator", "advisor"])
def test_the_case_page_in_the_admin_has_a_label_for_every_input(new_page, world, case, role):
    consultation = case["consultation"]
    AppointmentFactory(
        consultation=consultation,
        advisor=world["advisor"],
        starts_at=timezone.now().replace(microsecond=0) + timedelta(days=9),
        mode="in_person",
        place="Rathaus Musterstadt, Raum 3",
        video_link="https://meet.example/abc",
    )
    if role == "coordinator":
        user = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    else:
        user = world["advisor"].user
    page = new_page(user=user)
    page.goto(reverse("admin:consultations_consultation_change", args=[consultation.pk]))

    violations = admin_violations(page)
    assert not violations, describe_violations(violations)
    # Each of the appointment's times has two inputs, each with a label naming the time.
    shown = page.locator("#appointments-group .inline-related:not(.empty-form)")
    for field in ("starts at", "ends at"):
        for part in ("Date:", "Time:"):
            name = f"{text(field).capitalize()}, {text(part)}"
            assert shown.get_by_label(name).count() == 2, name
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
    shoot(page, f"admin-case-{role}-de-wide.png")


def test_the_case_list_fits_1280_pixels_for_a_coordinator(new_page, world):
    long_towns = [
        "Verbandsgemeinde Rhein-Selz-Nierstein-Oppenheim",
        "Landeshauptstadt Düsseldorf Bezirksvertretung Stadtmitte",
        "Kreisfreie Stadt Mülheim an der Ruhr",
    ]
    advisor = AdvisorProfileFactory(user__full_name="Prof. Dr. Maximiliane Schmidt-Hohenberg")
    for number in range(12):
        town = MunicipalityFactory(name=long_towns[number % 3] + f" {number}")
        consultation = ConsultationFactory(
            municipality=town,
            status="in_progress",
            lead_advisor=advisor,
            requester__full_name="Dr. Annegret Müller-Lüdenscheidt-Wolkenstein",
        )
        AppointmentFactory(
            consultation=consultation,
            advisor=advisor,
            starts_at=timezone.now() + timedelta(days=3, hours=2 * number),
        )
    coordinator = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    page = new_page(user=coordinator)
    changelist = reverse("admin:consultations_consultation_changelist")

    # Unsorted, and sorted by a column (its heading then makes room for the sort icons).
    for query in ("", "?o=1", "?o=-6.7"):
        page.goto(changelist + query)
        headers = page.locator("#result_list thead th").all_inner_texts()
        assert len(headers) == 7, headers
        width, results = page.evaluate(
            """() => {
                const box = document.querySelector('#changelist .results');
                return [document.documentElement.scrollWidth, box.scrollWidth - box.clientWidth];
            }"""
        )
        assert width <= 1280, f"{query}: the page is {width}px wide"
        assert results <= 0, f"{query}: the table scrolls sideways by {results}px"
        for header in page.locator("#result_list thead th").all():
            box = header.bounding_box()
            assert box["x"] + box["width"] <= 1280, query
    shoot(page, "admin-case-list-de-wide.png")
