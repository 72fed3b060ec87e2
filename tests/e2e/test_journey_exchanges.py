"""Journeys 4 and 6 of the domain in Chromium, end to end, in German:

- 4: a coordinator announces a round for municipal staff of Saxony and Thuringia in the admin
  and publishes it on its step page; a Saxon officer registers and hands in two questions (one
  with her name), a Bavarian officer is told why he may not; the moderating advisor puts the
  questions on the agenda; after the round the moderator records attendance, writes the
  documentation with a follow-up item and a file and publishes it; the participant reads it
  and downloads the file, another officer does neither; a practice example the participant
  writes is published by a coordinator in the admin and linked from the round's page; the
  outbox holds each email.
- 6: a public information evening with two seats: a guest registers with name and email
  address and confirms through the link in the email; a second takes the last seat and never
  confirms; a third waits; 25 hours later the expiry job gives the unconfirmed seat to the
  waiting guest, who is told by email; the first guest cancels through the cancel link and
  the seat moves on again.

Then every page of exchange rounds (list, a round's page in each status, registering, the
guests' pages, the person's own rounds, questions, moderation, documentation, the practice
library, the admin's round page and its steps) in German and English, wide and narrow: axe-core
finds nothing, nothing scrolls sideways. With SHOTS=1 each page is saved to /tmp/shots/
(names starting with `journey-`) for a human look.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from exchanges.emails import documentation as documentation_emails
from exchanges.emails import practice as practice_emails
from exchanges.emails import registrations as registration_emails
from exchanges.links import ROUND_GUEST_LINKS
from exchanges.models import (
    AdvanceQuestion,
    ExampleStatus,
    ExchangeRound,
    PracticeExample,
    RegistrationStatus,
    RoundRegistration,
    RoundStatus,
)
from exchanges.selectors.registrations import state_names
from exchanges.services.documentation import (
    FollowUpRow,
    attendance_record,
    documentation_publish,
    documentation_save,
)
from exchanges.services.practice import ExampleContent, example_create
from exchanges.services.questions import question_set_on_agenda, question_submit
from exchanges.services.registrations import (
    round_guest_register,
    round_register,
    round_registrations_expire,
)
from exchanges.services.rounds import round_cancel, round_publish
from portal.notifications.models import Notification
from portal.notifications.rendering import render_notification
from tests.e2e.conftest import NARROW, WIDE, axe_violations, describe_violations
from tests.e2e.test_accessibility import LANGUAGES, check_accessible
from tests.e2e.test_consultations import shoot
from tests.e2e.test_trainings import day_ahead, message_shown, officer, text
from tests.exchanges.conftest import municipality_in
from tests.exchanges.test_practice_browser import burial, mosque
from tests.factories import AdvisorProfileFactory, ExchangeRoundFactory, UserFactory

pytestmark = pytest.mark.browser

TITLE = "Muslimische Grabfelder: Erfahrungen aus Sachsen und Thüringen"
SLUG = "grabfelder-sachsen-thueringen"
WITH_NAME = "Wie haben Sie die Ruhezeiten in der Friedhofssatzung geregelt?"
WITHOUT_NAME = "Wer trägt die Kosten, wenn ein Grabfeld neu angelegt wird?"
SUMMARY = "Sechs Kommunen berichteten, wie sie Grabfelder eingerichtet haben."
FOLLOW_UP = "Musterformulierungen für die Friedhofssatzung sammeln"
EXAMPLE = "Ein Grabfeld für muslimische Bestattungen in Leipzig"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def emails_to(kind, **recipient):
    """The outbox rows of one kind for a user (`user=`) or an address (`to_email=`)."""
    return Notification.objects.filter(kind=kind, **recipient)


def link_in(notification, name):
    """The path of the exchanges link `name` (confirm, cancel) in the rendered email."""
    body = render_notification(notification).body_text
    found = re.search(rf"/exchanges/guest/{name}/[^\s/]+/", body)
    assert found, f"no {name} link in:\n{body}"
    return found.group(0)


def take_admin_step(page, change_url, label):
    """On the admin's change page, follow the step's link and confirm on its page; returns
    to the change page."""
    page.goto(change_url)
    with page.expect_navigation():
        page.locator("#content .object-tools").get_by_role("link", name=label).click()
    shoot(page, f"journey-admin-step-{re.sub(r'[^a-z]+', '-', label.lower())[:30]}-de.png")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    with page.expect_navigation():
        page.locator("#content-main input[type=submit]").click()
    assert page.url.endswith(change_url)
    errors = page.locator(".errornote, .messagelist .error").all_inner_texts()
    assert not errors, errors


# --- Journey 4 ---------------------------------------------------------------------------------


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    burial(), mosque()
    return {
        "coordinator": UserFactory(roles=["coordinator"], full_name="Corinna Koordination"),
        "moderator": AdvisorProfileFactory(user__full_name="Amina Berger").user,
        "jana": officer("Jana Krüger", municipality_in("14", name="Leipzig, Stadt")),
        "tobias": officer("Tobias Lang", municipality_in("14", name="Dresden, Stadt")),
        "deniz": officer("Deniz Aydın", municipality_in("16", name="Erfurt, Stadt")),
        "franz": officer("Franz Huber", municipality_in("09", name="Regensburg, Stadt")),
    }


def announce_in_the_admin(page, people):
    """The coordinator enters the round in the admin (a draft) and publishes it on the step
    page."""
    page.goto(reverse("admin:exchanges_exchangeround_add"))
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "Kommunen aus zwei Ländern berichten, wie sie Grabfelder planen.")
    page.fill("#id_slug", SLUG)  # after the title's script has proposed one
    page.check(f"input[name=themes][value='{burial().pk}']")
    page.select_option("#id_format", "working_session")
    page.select_option("#id_mode", "in_person")
    start = day_ahead(21, hour=10)
    for name, moment in (("start", start), ("end", start + timedelta(hours=3))):
        page.fill(f"[name={name}_0]", moment.strftime("%Y-%m-%d"))
        page.fill(f"[name={name}_1]", moment.strftime("%H:%M"))
    page.fill("#id_venue", "Neues Rathaus, Festsaal")
    page.fill("#id_town", "Leipzig")
    page.select_option("#id_venue_state", "14")
    page.check("input[name=states][value='14']")
    page.check("input[name=states][value='16']")
    page.select_option("#id_audience", "municipal")
    page.fill("#id_capacity", "30")
    page.fill("#id_seats_per_municipality", "2")
    page.check(f"input[name=moderators][value='{people['moderator'].pk}']")
    page.fill("#id_description", "Zwei Länder, ein Thema: Grabfelder auf kommunalen Friedhöfen.")
    page.fill("#id_agenda", "Ankommen\nBerichte aus Leipzig und Erfurt\nVerabredungen")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors
    round = ExchangeRound.objects.get(title=TITLE)
    assert round.slug == SLUG
    assert (round.status, round.states) == (RoundStatus.DRAFT, ["14", "16"])
    assert timezone.localtime(round.start).strftime("%H:%M") == "10:00"
    assert list(round.moderators.all()) == [people["moderator"]]

    change_url = reverse("admin:exchanges_exchangeround_change", args=[round.pk])
    page.goto(change_url)
    shoot(page, "journey-admin-round-change-de.png")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    take_admin_step(page, change_url, text("Publish the round"))
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN
    return round


def hand_in(page, question, *, with_name):
    questions = page.locator("#questions")
    questions.locator("textarea[name=text]").fill(question)
    questions.locator("select[name=theme]").select_option(str(burial().pk))
    if with_name:
        questions.locator("input[name=show_name]").check()
    with page.expect_navigation():
        questions.locator("button[type=submit]").last.click()
    assert page.url.endswith("#questions")
    assert AdvanceQuestion.objects.filter(text=question, show_name=with_name).exists()


def test_journey_four_announce_ask_meet_document_and_share(new_page, people, tmp_path):
    coordinator, moderator = people["coordinator"], people["moderator"]
    jana, tobias = people["jana"].user, people["tobias"].user
    round = announce_in_the_admin(new_page(user=coordinator), people)

    # A Saxon officer finds the round and registers on behalf of her municipality.
    page = new_page(user=jana)
    page.goto(reverse("exchanges:list"))
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()
    panel = page.get_by_role("region", name=text("Registration"))
    with page.expect_navigation():
        panel.get_by_role("link", name=text("Register"), exact=True).click()
    assert page.url.endswith(reverse("exchanges:register", args=[SLUG]))
    assert "Leipzig, Stadt" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=text("Register"), exact=True).click()
    assert page.url.endswith(round.get_absolute_url())
    registered = text("You are registered. A confirmation with a calendar file is on its way.")
    assert registered in message_shown(page)
    seat = RoundRegistration.objects.get(round=round, person=jana)
    assert (seat.status, seat.state) == (RegistrationStatus.CONFIRMED, "14")
    rendered = render_notification(emails_to(registration_emails.REGISTERED, user=jana).get())
    assert TITLE in rendered.subject + rendered.body_text
    round_register(person=people["deniz"].user, round=round, membership=people["deniz"])

    # She hands in two questions, one with her name.
    hand_in(page, WITH_NAME, with_name=True)
    hand_in(page, WITHOUT_NAME, with_name=False)
    own = page.locator("#questions").inner_text()
    assert WITH_NAME in own and WITHOUT_NAME in own
    shoot(page, "journey-round-open-participant-de.png")

    # An officer from Bavaria is told why he may not register.
    with translation.override("de"):
        refusal = gettext("This round is open to %(states)s only.") % {"states": state_names(round)}
    assert "Sachsen" in refusal and "Thüringen" in refusal
    bavarian = new_page(user=people["franz"].user)
    bavarian.goto(round.get_absolute_url())
    assert refusal in bavarian.get_by_role("region", name=text("Registration")).inner_text()
    bavarian.goto(reverse("exchanges:register", args=[SLUG]))
    assert refusal in bavarian.locator("main").inner_text()
    assert bavarian.locator("main form button[type=submit]").count() == 0
    shoot(bavarian, "journey-register-refused-de.png")
    assert not RoundRegistration.objects.filter(round=round, person=people["franz"].user).exists()

    # The moderating advisor puts both questions on the agenda, one after the other.
    desk = new_page(user=moderator)
    desk.goto(reverse("exchanges:moderate_questions", args=[SLUG]))
    assert "Jana Krüger" in desk.locator("main").inner_text()  # moderators see every name
    with_name = AdvanceQuestion.objects.get(text=WITH_NAME)
    without_name = AdvanceQuestion.objects.get(text=WITHOUT_NAME)
    with desk.expect_navigation():
        desk.locator(f"#question-{with_name.pk} button[type=submit]").click()
    with_name.refresh_from_db()
    assert with_name.on_agenda

    visitor = new_page()
    visitor.goto(round.get_absolute_url())
    chosen = visitor.locator("#questions").inner_text()
    assert WITH_NAME in chosen and "Jana Krüger (Leipzig, Stadt)" in chosen
    assert WITHOUT_NAME not in chosen

    with desk.expect_navigation():
        desk.locator(f"#question-{without_name.pk} button[type=submit]").click()
    shoot(desk, "journey-moderate-questions-de.png")
    visitor.goto(round.get_absolute_url())
    items = visitor.locator("#questions li")
    anonymous = items.filter(has_text=WITHOUT_NAME).inner_text()
    assert text("Asked anonymously") in anonymous and "Krüger" not in anonymous
    assert "Jana Krüger" in items.filter(has_text=WITH_NAME).inner_text()
    shoot(visitor, "journey-round-open-visitor-de.png")

    # The round took place.
    ExchangeRound.objects.filter(pk=round.pk).update(
        start=timezone.now() - timedelta(hours=4), end=timezone.now() - timedelta(hours=1)
    )

    # The moderator records attendance (Deniz did not come), which marks the round held.
    desk.goto(reverse("exchanges:moderate_attendance", args=[SLUG]))
    desk.check(f"#present-{seat.pk}")
    with desk.expect_navigation():
        desk.get_by_role("button", name=text("Save attendance")).click()
    round.refresh_from_db()
    seat.refresh_from_db()
    assert (round.status, seat.attended) == (RoundStatus.HELD, True)
    shoot(desk, "journey-moderate-attendance-de.png")

    # ... writes the documentation with a follow-up item, adds a file and publishes.
    documentation_url = reverse("exchanges:moderate_documentation", args=[SLUG])
    desk.goto(documentation_url)
    desk.fill("#id_summary", SUMMARY)
    desk.fill("#id_results", "Eine Arbeitshilfe für Satzungsänderungen entsteht.")
    desk.fill("[name=follow_ups-0-what]", FOLLOW_UP)
    desk.fill("[name=follow_ups-0-who]", "Stadt Leipzig")
    due = (timezone.localdate() + timedelta(days=30)).strftime("%Y-%m-%d")
    desk.fill("[name=follow_ups-0-due]", due)
    with desk.expect_navigation():
        desk.get_by_role("button", name=text("Save the documentation")).click()
    assert text("The documentation has been saved.") in message_shown(desk)
    minutes = tmp_path / "protokoll.pdf"
    minutes.write_bytes(PDF)
    desk.set_input_files("input[name=files]", str(minutes))
    with desk.expect_navigation():
        desk.get_by_role("button", name=text("Upload files")).click()
    assert round.files.count() == 1
    shoot(desk, "journey-moderate-documentation-de.png")
    with desk.expect_navigation():
        desk.get_by_role("button", name=text("Publish the documentation")).click()
    round.refresh_from_db()
    assert round.status == RoundStatus.DOCUMENTED
    assert round.follow_ups.get().what == FOLLOW_UP

    # The participant reads it and downloads the file.
    page.goto(round.get_absolute_url())
    documentation = page.locator("#documentation")
    assert SUMMARY in documentation.inner_text() and FOLLOW_UP in documentation.inner_text()
    href = documentation.get_by_role("link", name=round.files.get().title).get_attribute("href")
    download = page.request.get(href)
    assert download.status == 200 and download.body() == PDF
    took_part = page.get_by_role("region", name=text("Registration")).inner_text()
    assert text("You took part in this round.") in took_part
    shoot(page, "journey-round-documented-participant-de.png")

    # Another officer of the same state sees neither the text nor the file.
    other = new_page(user=tobias)
    other.goto(round.get_absolute_url())
    assert SUMMARY not in other.locator("main").inner_text()
    assert other.request.get(href).status == 404
    shoot(other, "journey-round-documented-other-de.png")

    # The participant writes a practice example; a coordinator publishes it in the admin.
    page.goto(reverse("exchanges:practice_new"))
    page.fill("#id_title", EXAMPLE)
    page.locator("label", has_text="Leipzig, Stadt").click()
    page.locator("label", has_text=burial().name_de).click()
    page.fill("#id_situation", "Familien ließen ihre Angehörigen im Herkunftsland bestatten.")
    page.fill("#id_action", "Die Stadt richtete mit zwei Gemeinden ein Grabfeld ein.")
    page.fill("#id_effort", "Eine Satzungsänderung und zwei Jahre Gespräche.")
    page.fill("#id_outcome", "Jedes Jahr finden dort Bestattungen statt.")
    page.locator("label", has_text=TITLE).click()
    shoot(page, "journey-practice-new-de.png")
    with page.expect_navigation():
        page.locator("button[name=submit]").click()
    assert page.url.endswith(reverse("exchanges:practice_mine"))
    example = PracticeExample.objects.get(title=EXAMPLE)
    assert example.status == ExampleStatus.SUBMITTED
    assert list(example.rounds.all()) == [round]
    shoot(page, "journey-practice-mine-de.png")

    admin = new_page(user=coordinator)
    example_url = reverse("admin:exchanges_practiceexample_change", args=[example.pk])
    take_admin_step(admin, example_url, text("Publish the example"))
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED

    # The round's page links the example, for the participant and for other officers.
    for reader in (page, other):
        reader.goto(round.get_absolute_url())
        with reader.expect_navigation():
            reader.get_by_role("link", name=EXAMPLE).click()
        assert reader.url.endswith(example.get_absolute_url())
    shoot(page, "journey-practice-detail-de.png")

    # The outbox: registered, documentation published, example published.
    assert emails_to(registration_emails.REGISTERED, user=jana).count() == 1
    assert emails_to(documentation_emails.ROUND_DOCUMENTED, user=jana).count() == 1
    assert emails_to(practice_emails.PUBLISHED, user=jana).count() == 1
    assert not emails_to(documentation_emails.ROUND_DOCUMENTED, user=tobias).exists()
    assert not Notification.objects.filter(user=people["franz"].user).exists()
    rendered = render_notification(
        emails_to(documentation_emails.ROUND_DOCUMENTED, user=jana).get()
    )
    assert TITLE in rendered.subject + rendered.body_text


# --- Journey 6 ---------------------------------------------------------------------------------


@pytest.fixture
def evening(transactional_db):
    coordinator = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    start = day_ahead(10, hour=18)
    round = ExchangeRoundFactory(
        title="Offener Abend: Ein Gebetsraum im Stadtteil",
        slug="offener-abend-gebetsraum",
        summary="Der Runde Tisch lädt alle Interessierten ein. Der Eintritt ist frei.",
        audience="public",
        format="information_evening",
        capacity=2,
        start=start,
        end=start + timedelta(hours=2),
        venue="Stadtteilzentrum",
        town="Leipzig",
        status=RoundStatus.DRAFT,
    )
    round.themes.set([mosque()])
    return round_publish(round=round, by=coordinator)


def guest_registers(page, round, name, email, *, on_the_rounds_page=False):
    """A guest fills the form, on the round's page or on the guest page."""
    if on_the_rounds_page:
        page.goto(round.get_absolute_url())
        prefix = "#panel-guest"
    else:
        page.goto(reverse("exchanges:guest_register", args=[round.slug]))
        prefix = "#guest"
    page.fill(f"{prefix}-name", name)
    page.fill(f"{prefix}-email", email)
    page.check(f"{prefix}-consent")
    with page.expect_navigation():
        page.locator(f"{prefix}-consent").locator("xpath=ancestor::form").locator(
            "button[type=submit]"
        ).click()
    assert email in page.locator("main").inner_text()
    return RoundRegistration.objects.get(round=round, guest_email=email)


def follow(page, path, button):
    """Open an emailed link and press its button (the link alone changes nothing)."""
    page.goto(path)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=button).click()


def test_journey_six_guests_confirm_expire_wait_and_cancel(new_page, evening):
    round = evening

    # The first guest registers on a phone, on the round's page, and confirms.
    first_page = new_page(viewport=NARROW)
    first = guest_registers(
        first_page, round, "Lena Hoffmann", "lena@example.org", on_the_rounds_page=True
    )
    assert (first.status, first.email_confirmed) == (RegistrationStatus.UNCONFIRMED, False)
    shoot(first_page, "journey-guest-registered-narrow-de.png")
    confirmation = emails_to(registration_emails.GUEST_CONFIRM, to_email="lena@example.org").get()
    body = render_notification(confirmation).body_text  # the email as it was sent
    assert round.title in body
    cancel_link = link_in(confirmation, "cancel")
    follow(first_page, link_in(confirmation, "confirm"), text("Confirm my registration"))
    assert text("Thank you: your email address is confirmed.") in message_shown(first_page)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    assert emails_to(registration_emails.GUEST_CONFIRMED, to_email="lena@example.org").exists()
    shoot(first_page, "journey-guest-confirmed-narrow-de.png")

    # The second takes the last seat and never confirms.
    second = guest_registers(new_page(), round, "Omar Said", "omar@example.org")
    assert second.status == RegistrationStatus.UNCONFIRMED
    mail = emails_to(registration_emails.GUEST_CONFIRM, to_email="omar@example.org").get()
    late_link = link_in(mail, "confirm")  # the email as it was sent
    round.refresh_from_db()
    assert round.status == RoundStatus.FULL

    # The third finds every seat taken, registers and confirms: she waits.
    third_page = new_page()
    third_page.goto(round.get_absolute_url())
    all_taken = text("All seats are taken; new registrations join the waitlist.")
    assert all_taken in third_page.get_by_role("region", name=text("Registration")).inner_text()
    third = guest_registers(third_page, round, "Mira Schulz", "mira@example.org")
    assert third.status == RegistrationStatus.WAITLISTED
    shoot(third_page, "journey-guest-registered-waitlist-de.png")
    mail = emails_to(registration_emails.GUEST_CONFIRM, to_email="mira@example.org").get()
    follow(third_page, link_in(mail, "confirm"), text("Confirm my registration"))
    third.refresh_from_db()
    assert (third.status, third.email_confirmed) == (RegistrationStatus.WAITLISTED, True)
    with translation.override("de"):
        waiting = gettext(
            "You are on the waitlist, position %(position)s. As soon as a seat is yours, we "
            "write to you."
        ) % {"position": 1}
    assert waiting in third_page.locator("main").inner_text()
    shoot(third_page, "journey-guest-waiting-de.png")

    # A day and an hour later the unconfirmed seat lapses and goes to the waiting guest.
    outcome = round_registrations_expire(now=timezone.now() + timedelta(hours=25))
    assert outcome == {"expired": 1, "promoted": 1}
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == RegistrationStatus.EXPIRED
    assert third.status == RegistrationStatus.CONFIRMED
    promoted = emails_to(registration_emails.GUEST_PROMOTED, to_email="mira@example.org").get()
    assert promoted.calendar, "the seat's email carries the calendar file"
    assert round_registrations_expire(now=timezone.now() + timedelta(hours=26)) == {
        "expired": 0,
        "promoted": 0,
    }

    # The second guest's late link says so and confirms nothing.
    late_page = new_page()
    late_page.goto(late_link)
    lapsed = text(
        "This registration has lapsed because it was not confirmed within 24 hours. You are "
        "welcome to register again."
    )
    assert lapsed in late_page.locator("main").inner_text()
    assert late_page.locator("main form").count() == 0
    shoot(late_page, "journey-guest-lapsed-de.png")

    # A fourth guest waits, confirmed.
    fourth_page = new_page()
    fourth = guest_registers(fourth_page, round, "Ben Richter", "ben@example.org")
    mail = emails_to(registration_emails.GUEST_CONFIRM, to_email="ben@example.org").get()
    follow(fourth_page, link_in(mail, "confirm"), text("Confirm my registration"))
    fourth.refresh_from_db()
    assert (fourth.status, fourth.email_confirmed) == (RegistrationStatus.WAITLISTED, True)

    # The first guest cancels through the link in her email; the seat goes to the fourth.
    follow(first_page, cancel_link, text("Cancel my registration"))
    assert text("Your registration has been cancelled.") in message_shown(first_page)
    shoot(first_page, "journey-guest-cancelled-narrow-de.png")
    first.refresh_from_db()
    fourth.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert fourth.status == RegistrationStatus.CONFIRMED
    assert emails_to(registration_emails.GUEST_PROMOTED, to_email="ben@example.org").exists()
    assert [r.guest_name for r in round.registrations.holding_seats().order_by("pk")] == [
        "Mira Schulz",
        "Ben Richter",
    ]


# --- Every page, in German and English, wide and narrow ------------------------------------------


@pytest.fixture
def rounds(transactional_db, settings, tmp_path):
    """Rounds in each status with a participant, questions, a documentation with a file, a
    guest at a public evening and a practice example."""
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    moderator = AdvisorProfileFactory(user__full_name="Amina Berger").user
    jana = officer("Jana Krüger", municipality_in("14", name="Leipzig, Stadt"))
    franz = officer("Franz Huber", municipality_in("09", name="Regensburg, Stadt"))
    theme = burial()

    def round_(slug, title, **fields):
        values = {"states": ["14", "16"], "status": RoundStatus.OPEN}
        values.update(fields)
        made = ExchangeRoundFactory(slug=slug, title=title, **values)
        made.themes.set([theme])
        made.moderators.set([moderator])
        return made

    draft = round_("entwurf", "Entwurf: Bestattungskultur im Wandel", status=RoundStatus.DRAFT)
    ahead = round_("grabfelder-ahead", TITLE, agenda="Ankommen\nBerichte\nVerabredungen")
    seat = round_register(person=jana.user, round=ahead, membership=jana)
    asked = question_submit(registration=seat, text=WITH_NAME, theme=theme, show_name=True)
    question_submit(registration=seat, text=WITHOUT_NAME, theme=None, show_name=False)
    question_set_on_agenda(question=asked, on_agenda=True, by=moderator)

    full = round_("voll", "Ausgebucht: Feiertage in der Verwaltung", capacity=1)
    other = officer("Paula Sommer", municipality_in("16", name="Erfurt, Stadt"))
    round_register(person=other.user, round=full, membership=other)

    start = timezone.now() - timedelta(days=3)
    held = round_(
        "gehalten", "Gehalten: Moscheebau im Dialog", start=start, end=start + timedelta(hours=3)
    )
    held_seat = round_register(
        person=jana.user, round=held, membership=jana, now=start - timedelta(days=5)
    )
    attendance_record(round=held, present_ids=[held_seat.pk], by=moderator)
    documented = round_(
        "dokumentiert",
        "Dokumentiert: Grabfelder planen",
        start=start,
        end=start + timedelta(hours=3),
    )
    documented_seat = round_register(
        person=jana.user, round=documented, membership=jana, now=start - timedelta(days=5)
    )
    attendance_record(round=documented, present_ids=[documented_seat.pk], by=moderator)
    documentation_save(
        round=documented,
        summary=SUMMARY,
        results="Eine Arbeitshilfe entsteht.",
        open_to_officers=False,
        follow_ups=[FollowUpRow(item=None, what=FOLLOW_UP, who="Stadt Leipzig", due=None)],
        by=moderator,
    )
    documentation_publish(round=documented, by=moderator)
    conference_start = day_ahead(40, hour=9)
    conference = round_(
        "konferenz",
        "Fachkonferenz: Antimuslimischer Rassismus in der Kommune",
        format="conference",
        states=[],
        start=conference_start,
        end=conference_start + timedelta(days=1, hours=8),
    )
    cancelled = round_("abgesagt", "Abgesagt: Konfliktkommunikation")
    round_cancel(round=cancelled, by=coordinator, reason="Die Moderatorin ist erkrankt.")

    evening = round_(
        "abend",
        "Offener Abend: Ein Gebetsraum im Stadtteil",
        audience="public",
        format="information_evening",
        states=[],
        capacity=20,
    )
    guest = round_guest_register(
        round=evening, name="Lena Hoffmann", email="lena@example.org", language="de"
    )
    documented.refresh_from_db()
    example = example_create(
        author=jana.user,
        content=_example_content(jana.municipality, theme, documented),
        submit=True,
    )
    return {
        "coordinator": coordinator,
        "moderator": moderator,
        "jana": jana.user,
        "franz": franz.user,
        "draft": draft,
        "ahead": ahead,
        "seat": seat,
        "full": full,
        "held": held,
        "documented": documented,
        "cancelled": cancelled,
        "conference": conference,
        "evening": evening,
        "guest": guest,
        "example": example,
    }


def _example_content(municipality, theme, round):
    return ExampleContent(
        title=EXAMPLE,
        municipality=municipality,
        topics=[theme],
        situation="Familien ließen ihre Angehörigen im Herkunftsland bestatten.",
        action="Die Stadt richtete mit zwei Gemeinden ein Grabfeld ein.",
        effort="Eine Satzungsänderung und zwei Jahre Gespräche.",
        outcome="Jedes Jahr finden dort Bestattungen statt.",
        contact_name="",
        contact_email="",
        contact_consent=False,
        rounds=[round],
    )


def _at(name, *args):
    """The address of an exchanges page whose arguments are slugs or pks of the fixture."""
    return lambda r: reverse(f"exchanges:{name}", args=[a(r) if callable(a) else a for a in args])


def _slug(key):
    return lambda r: r[key].slug


def _round(key):
    return lambda r: r[key].get_absolute_url()


def _token(kind):
    return lambda r: reverse(
        f"exchanges:guest_{kind}", args=[getattr(ROUND_GUEST_LINKS, kind).sign(r["guest"])]
    )


# Name, who looks (a key of the fixture, None: a visitor), the address.
PAGES = [
    ("list", None, _at("list")),
    ("list-past", None, lambda r: reverse("exchanges:list") + "?when=past"),
    ("list-filtered", None, lambda r: reverse("exchanges:list") + "?state=14&format=forum"),
    ("round-draft-coordinator", "coordinator", _round("draft")),
    ("round-open-visitor", None, _round("ahead")),
    ("round-open-participant", "jana", _round("ahead")),
    ("round-open-refused", "franz", _round("ahead")),
    ("round-full-officer", "jana", _round("full")),
    ("round-held-participant", "jana", _round("held")),
    ("round-documented-participant", "jana", _round("documented")),
    ("round-documented-other", "franz", _round("documented")),
    ("round-documented-visitor", None, _round("documented")),
    ("round-cancelled", None, _round("cancelled")),
    ("round-evening-visitor", None, _round("evening")),
    ("register-waitlist", "jana", _at("register", _slug("full"))),
    ("register-refused", "franz", _at("register", _slug("ahead"))),
    ("register-conference", "franz", _at("register", _slug("conference"))),
    ("registration-cancel", "jana", _at("registration_cancel", lambda r: r["seat"].pk)),
    ("mine", "jana", _at("mine")),
    ("questions", "jana", _at("questions", _slug("ahead"))),
    ("guest-register", None, _at("guest_register", _slug("evening"))),
    ("guest-confirm", None, _token("confirm")),
    ("guest-cancel", None, _token("cancel")),
    ("moderate-questions", "moderator", _at("moderate_questions", _slug("ahead"))),
    ("moderate-attendance", "moderator", _at("moderate_attendance", _slug("held"))),
    ("moderate-documentation", "moderator", _at("moderate_documentation", _slug("held"))),
    (
        "moderate-documentation-published",
        "moderator",
        _at("moderate_documentation", _slug("documented")),
    ),
    ("moderate-participants", "moderator", _at("moderate_participants", _slug("documented"))),
    ("practice-list", "jana", _at("practice_list")),
    ("practice-search", "jana", lambda r: reverse("exchanges:practice_list") + "?q=Grabfeld"),
    ("practice-detail", "jana", lambda r: r["example"].get_absolute_url()),
    ("practice-new", "jana", _at("practice_new")),
    ("practice-mine", "jana", _at("practice_mine")),
]


def _admin(name, *args):
    return lambda r: reverse(f"admin:exchanges_{name}", args=[a(r) for a in args])


def _pk(key):
    return lambda r: r[key].pk


def _step(key, step):
    return lambda r: reverse("admin:exchanges_exchangeround_step", args=[r[key].pk, step])


ADMIN_PAGES = [
    ("admin-rounds", _admin("exchangeround_changelist")),
    ("admin-round-add", _admin("exchangeround_add")),
    ("admin-round-change", _admin("exchangeround_change", _pk("ahead"))),
    ("admin-round-documented", _admin("exchangeround_change", _pk("documented"))),
    ("admin-step-publish", _step("draft", "publish")),
    ("admin-step-cancel", _step("ahead", "cancel")),
    ("admin-example-change", _admin("practiceexample_change", _pk("example"))),
    (
        "admin-example-publish",
        lambda r: reverse(
            "admin:exchanges_practiceexample_step", args=[r["example"].pk, "publish"]
        ),
    ),
]


def look(page, name, language, *, reload_narrow=True):
    """Screenshots wide and narrow, and everything `check_accessible` asks of a page."""
    page.set_viewport_size(WIDE)
    shoot(page, f"journey-{name}-{language}-wide.png")
    check_accessible(page, language, reload_narrow=reload_narrow)
    page.set_viewport_size(NARROW)
    shoot(page, f"journey-{name}-{language}-narrow.png")
    page.set_viewport_size(WIDE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_exchanges_page_is_accessible_wide_and_narrow(new_page, rounds, language):
    pages, failures = {}, []

    def page_of(who):
        if who not in pages:
            pages[who] = new_page(language=language, user=rounds[who] if who else None)
        return pages[who]

    for name, who, address in PAGES:
        page = page_of(who)
        page.set_viewport_size(WIDE)
        try:
            response = page.goto(address(rounds))
            assert response.status == 200, f"{response.status}"
            look(page, name, language)
        except AssertionError as error:
            failures.append(f"{name}: {error}")

    # A conference over two days says so on the registration page; a round that is over
    # says what was, not what may be done.
    with translation.override(language):
        full_date = pgettext("format of a full date", "l, j F Y")
        last_day = date_format(timezone.localtime(rounds["conference"].end), full_date)
        took_part = gettext("You took part in this round.")
    page = page_of("franz")
    page.goto(reverse("exchanges:register", args=["konferenz"]))
    assert last_day in page.locator("main").inner_text()
    page = page_of("jana")
    page.goto(rounds["held"].get_absolute_url())
    assert took_part in page.get_by_role("region", name=text("Registration", language)).inner_text()

    # On a phone the list's two tabs stay side by side.
    page = page_of(None)
    page.set_viewport_size(NARROW)
    page.goto(reverse("exchanges:list"))
    tops = page.evaluate(
        "[...document.querySelectorAll('.round-tabs .nav-link')]"
        ".map(tab => tab.getBoundingClientRect().top)"
    )
    assert len(set(tops)) == 1, f"the tabs wrap: {tops}"
    page.set_viewport_size(WIDE)

    # Pages that answer a form: a guest's registration, a question without text.
    page = page_of(None)
    try:
        guest_registers(page, rounds["evening"], "Ole Gast", f"ole-{language}@example.org")
        look(page, "guest-registered", language, reload_narrow=False)
    except AssertionError as error:
        failures.append(f"guest-registered: {error}")
    page = page_of("jana")
    page.goto(reverse("exchanges:questions", args=[rounds["ahead"].slug]))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    try:
        assert page.locator(".invalid-feedback").count() >= 1
        look(page, "questions-errors", language, reload_narrow=False)
    except AssertionError as error:
        failures.append(f"questions-errors: {error}")

    # The admin's pages of rounds and examples (the admin has its own skip link).
    admin = page_of("coordinator")
    for name, address in ADMIN_PAGES:
        try:
            response = admin.goto(address(rounds))
            assert response.status == 200, f"{response.status}"
            for size, viewport in (("wide", WIDE), ("narrow", NARROW)):
                admin.set_viewport_size(viewport)
                shoot(admin, f"journey-{name}-{language}-{size}.png")
                violations = axe_violations(admin)
                assert not violations, f"{size}: {describe_violations(violations)}"
            admin.set_viewport_size(WIDE)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)
