"""Courses and workshops in Chromium: journey 3 (a coordinator publishes a three-date
workshop with 25 seats in the admin; the 26th person is wait-listed and moves up when someone
cancels; attendance is recorded on a phone; the certificate is downloaded and verified), and
axe-core without violations on every page of the calendar in German and English, wide and
narrow.

With SHOTS=1 the tests also save full-page screenshots to /tmp/shots/ for a human look.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from portal.advisors.models import Topic
from portal.notifications.models import Notification
from tests.e2e.conftest import NARROW, WIDE
from tests.e2e.test_accessibility import LANGUAGES, check_accessible
from tests.e2e.test_consultations import shoot
from tests.factories import (
    CourseDateFactory,
    CourseFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
)
from trainings import services
from trainings.links import feedback_token
from trainings.models import (
    Attendance,
    Certificate,
    Course,
    CourseDate,
    Module,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
)

pytestmark = pytest.mark.browser

TITLE = "Werkstatt kommunale Integrationsarbeit"


def text(message, language="de"):
    """A message as the page shows it in `language` (the msgid while untranslated)."""
    with translation.override(language):
        return gettext(message)


def day_ahead(days, hour=9):
    """`days` from now at `hour`:00 local time (Berlin)."""
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def officer(name, municipality=None):
    """A new integration officer with a verified membership; returns the membership."""
    extra = {"municipality": municipality} if municipality is not None else {}
    return MembershipFactory(
        user=UserFactory(roles=["integration_officer"], full_name=name), verified=True, **extra
    )


def named(action, thing):
    """The accessible name of a control that names its object in visually hidden text:
    "Cancel: <title>" (browsers may put a space before the colon of the hidden part)."""
    return re.compile(rf"^{re.escape(action)}\s*: {re.escape(thing)}$")


def message_shown(page):
    return " ".join(page.locator("main .messages").all_inner_texts())


# --- Journey 3 ---------------------------------------------------------------------------------


def publish_in_the_admin(page, language):
    """The coordinator enters the workshop and its three dates in the admin and saves."""
    page.goto(reverse("admin:trainings_course_add"))
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "Drei Termine zu Grundlagen, Empowerment und Konfliktkommunikation.")
    page.fill("#id_slug", "werkstatt")  # after the title's script has proposed one
    page.select_option("#id_format", "in_person")
    page.check("#id_is_series")
    page.check("#id_published")

    with translation.override(language):
        verbose_name = capfirst(CourseDate._meta.verbose_name)
        add_another = gettext("Add another %(verbose_name)s") % {"verbose_name": verbose_name}
    for index in range(3):
        page.get_by_role("button", name=add_another).click()
        start = day_ahead(21 + 7 * index)
        prefix = f"dates-{index}"
        page.fill(f"[name='{prefix}-start_0']", start.strftime("%Y-%m-%d"))
        page.fill(f"[name='{prefix}-start_1']", "09:00")
        page.fill(f"[name='{prefix}-end_0']", start.strftime("%Y-%m-%d"))
        page.fill(f"[name='{prefix}-end_1']", "15:00")
        page.fill(f"[name='{prefix}-venue']", "Forum am Schlossgarten")
        page.fill(f"[name='{prefix}-town']", "Stuttgart")
        page.select_option(f"[name='{prefix}-state']", "08")
        page.fill(f"[name='{prefix}-capacity']", "25")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors

    course = Course.objects.get(slug="werkstatt")
    assert course.published and course.is_series
    dates = list(course.dates.order_by("start"))
    assert [d.capacity for d in dates] == [25, 25, 25]
    assert [timezone.localtime(d.start).hour for d in dates] == [9, 9, 9]
    return course


def register_in_the_browser(page, course, language, *, full=False):
    """From the course page through the registration form; the panel offers the waitlist
    when the course is `full`."""
    page.goto(course.get_absolute_url())
    panel = page.get_by_role("region", name=text("Your registration", language))
    offer = text("Join the waitlist" if full else "Register", language)
    with page.expect_navigation():
        panel.get_by_role("link", name=offer, exact=True).click()
    assert page.url.endswith(reverse("trainings:register", args=[course.slug]))
    # The only verified membership is chosen already.
    assert (
        page.get_by_role("group", name=text("On behalf of", language))
        .get_by_role("radio")
        .is_checked()
    )
    if full:
        all_taken = text(
            "All seats are taken. If you register now, you join the waitlist and get a seat "
            "automatically, with an email, as soon as one becomes free.",
            language,
        )
        assert all_taken in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name=offer, exact=True).click()
    assert page.url.endswith(course.get_absolute_url())


@pytest.mark.parametrize("language", ["en", "de"])
def test_journey_three_publish_register_wait_move_up_attend_and_certify(
    new_page, transactional_db, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    admin_page = new_page(language=language, user=coordinator)
    course = publish_in_the_admin(admin_page, language)

    for index in range(24):
        membership = officer(f"Teilnehmende {index + 1:02d}")
        services.registration_create(person=membership.user, course=course, membership=membership)
    assert course.registrations.confirmed().count() == 24

    # The 25th takes the last seat.
    twenty_fifth = officer("Paula Sommer", MunicipalityFactory(name="Königswinter, Stadt")).user
    page25 = new_page(language=language, user=twenty_fifth)
    register_in_the_browser(page25, course, language)
    registered = text("You are registered. A confirmation is on its way to your inbox.", language)
    assert registered in message_shown(page25)
    seat = Registration.objects.get(course=course, person=twenty_fifth)
    assert seat.status == RegistrationStatus.CONFIRMED

    # The 26th finds the course full and joins the waitlist.
    twenty_sixth = officer("Pia Wartend", MunicipalityFactory(name="Kassel, Stadt")).user
    page26 = new_page(language=language, user=twenty_sixth, viewport=NARROW)
    page26.goto(course.get_absolute_url())
    assert page26.get_by_text(text("full: waitlist open", language)).is_visible()
    register_in_the_browser(page26, course, language, full=True)
    with translation.override(language):
        waiting = gettext(
            "The course is full, so you are on the waitlist, position %(position)s. If a seat "
            "becomes free, it is yours at once and we tell you by email."
        ) % {"position": 1}
    assert waiting in message_shown(page26)
    wait = Registration.objects.get(course=course, person=twenty_sixth)
    assert wait.status == RegistrationStatus.WAITLISTED
    shoot(page26, f"trainings-journey-waitlisted-{language}-narrow.png")

    # The 25th cancels; the seat goes to the 26th at once, with an email.
    page25.goto(reverse("trainings:mine"))
    # The link's words may change; it leads to the cancel page and names the course.
    about_course = re.compile(rf":\s*{re.escape(TITLE)}$")
    cancel_url = reverse("trainings:cancel", args=[seat.pk])
    page25.get_by_role("link", name=about_course).and_(
        page25.locator(f"main a[href='{cancel_url}']")
    ).click()
    page25.wait_for_url(f"**{cancel_url}")
    assert page25.url.endswith(cancel_url)
    page25.get_by_label(text("Yes, cancel my registration.", language)).check()
    with page25.expect_navigation():
        page25.get_by_role("button", name=text("Cancel my registration", language)).click()
    assert page25.url.endswith(reverse("trainings:mine"))
    assert text("Your registration has been cancelled.", language) in message_shown(page25)
    seat.refresh_from_db()
    wait.refresh_from_db()
    assert seat.status == RegistrationStatus.CANCELLED
    assert wait.status == RegistrationStatus.CONFIRMED
    assert Notification.objects.filter(
        kind="training_promoted", user=twenty_sixth, about=f"trainings.registration:{wait.pk}"
    ).exists()

    # The first date begins; the coordinator marks the 26th present on a phone.
    first = course.dates.order_by("start").first()
    first.start = timezone.now() - timedelta(minutes=30)
    first.end = first.start + timedelta(hours=6)
    first.save()
    door = new_page(language=language, user=coordinator, viewport=NARROW)
    door.goto(reverse("trainings:attendance", args=[first.pk]))
    assert door.locator(".attendance-row").count() == 25
    present = door.get_by_role("button", name=named(text("present", language), "Pia Wartend"))
    with door.expect_navigation():
        present.click()
    row = door.locator(f"#registration-{wait.pk}")
    assert present.get_attribute("aria-pressed") == "true"
    assert text("present", language) in row.locator(".attendance-person").inner_text()
    assert Attendance.objects.get(registration=wait, date=first).present
    with translation.override(language):
        counted = gettext("%(present)s of %(total)s present") % {"present": 1, "total": 25}
    assert door.locator("main p[role=status]").inner_text() == counted
    scroll_width, inner_width = door.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width
    shoot(door, f"trainings-journey-attendance-{language}-narrow.png")

    # The participant downloads the certificate, and anyone can check it.
    page26.goto(reverse("trainings:mine"))
    link = page26.get_by_role(
        "link", name=named(text("Certificate of attendance (PDF)", language), TITLE)
    )
    href = link.get_attribute("href")
    assert href == reverse("trainings:certificate", args=[wait.pk])
    response = page26.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    certificate = Certificate.objects.get(registration=wait)
    assert certificate.name == "Pia Wartend"

    page26.goto(certificate.get_absolute_url())
    assert text("This certificate is genuine.", language) in page26.locator("main").inner_text()
    assert "Pia Wartend" in page26.locator("main").inner_text()


# --- Every page, accessible in both languages -------------------------------------------------


@pytest.fixture
def courses(transactional_db, settings, tmp_path):
    """A programme; a series with questions, one participant confirmed and one sharing their
    name; a full course with a waitlist; a course held yesterday, attended and certified."""
    settings.MEDIA_ROOT = tmp_path / "media"
    topic, _created = Topic.objects.get_or_create(
        slug="dialog",
        defaults={
            "name_de": "Dialogformate mit Moscheegemeinden",
            "name_en": "Dialogue with mosque communities",
        },
    )
    coordinator = UserFactory(roles=["coordinator"], full_name="Corinna Koordination")
    programme = Programme.objects.create(
        title="Kommunale Integrationsarbeit",
        slug="kommunale-integrationsarbeit",
        summary="Drei Kompetenzbausteine für Integrationsbeauftragte.",
        published=True,
    )
    basics = Module.objects.create(programme=programme, position=1, title="Grundlagen")
    Module.objects.create(programme=programme, position=2, title="Konfliktkommunikation")

    series = CourseFactory(
        title=TITLE,
        slug="werkstatt",
        module=basics,
        coordinator=coordinator,
        description="Die Werkstatt verbindet Input und kollegiale Beratung.",
        learning_goals="Akteure kennen\nKonflikte moderieren",
        target_group="Integrationsbeauftragte",
    )
    series.topics.add(topic)
    for week in range(3):
        start = day_ahead(14 + 7 * week)
        CourseDateFactory(course=series, start=start, end=start + timedelta(hours=6))
    Question.objects.create(
        course=series, position=1, label="Brauchen Sie einen barrierefreien Zugang?", kind="yes_no"
    )
    Question.objects.create(
        course=series,
        position=2,
        label="Mittagessen",
        kind="choice",
        choices="vegetarisch\nvegan\nmit Fleisch (halal)",
        required=True,
    )

    full = CourseFactory(
        title="Grundkurs Dialog",
        slug="grundkurs-dialog",
        summary="Ein Vormittag online: Dialogformate planen und moderieren.",
        format="online",
        is_series=False,
    )
    online = {"online": True, "venue": "", "address": "", "town": "", "state": ""}
    full_date = CourseDateFactory(
        course=full, start=day_ahead(10), end=day_ahead(10, hour=12), capacity=1, **online
    )
    CourseDateFactory(course=full, start=day_ahead(40), end=day_ahead(40, hour=12), **online)

    held = CourseFactory(title="Konflikte moderieren", slug="konflikte-moderieren")
    held_date = CourseDateFactory(course=held, start=day_ahead(-1), end=day_ahead(-1, hour=15))

    participant = officer("Anna Schneider", MunicipalityFactory(name="Köln, Stadt")).user
    other = officer("Bernd Vogel")
    RegistrationFactory(
        course=series, person=participant, municipality=participant.memberships.get().municipality
    )
    RegistrationFactory(
        course=series, person=other.user, municipality=other.municipality, share_contact=True
    )
    RegistrationFactory(
        course=full, date=full_date, person=other.user, municipality=other.municipality
    )
    RegistrationFactory(
        course=full,
        date=full_date,
        person=participant,
        status=RegistrationStatus.WAITLISTED,
        confirmed_at=None,
    )
    attended = RegistrationFactory(
        course=held, person=participant, municipality=participant.memberships.get().municipality
    )
    Attendance.objects.create(
        registration=attended, date=held_date, present=True, recorded_by=coordinator
    )
    certificate = services.certificate_for_registration(registration=attended)

    newcomer = officer("Nils Neumann").user
    MembershipFactory(
        user=newcomer,
        municipality=None,
        organisation=OrganisationFactory(name="Alevitische Gemeinde Kassel e. V."),
        role="Vorstand",
        verified=True,
    )
    return {
        "coordinator": coordinator,
        "participant": participant,
        "newcomer": newcomer,
        "series": series,
        "held_date": held_date,
        "attended": attended,
        "certificate": certificate,
        "programme": programme,
    }


# name: (who is signed in, the address, the status it answers)
PAGES = {
    "calendar": (None, lambda c: reverse("trainings:calendar"), 200),
    "course": (None, lambda c: c["series"].get_absolute_url(), 200),
    "course-participant": ("participant", lambda c: c["series"].get_absolute_url(), 200),
    "register": (
        "newcomer",
        lambda c: reverse("trainings:register", args=[c["series"].slug]),
        200,
    ),
    "mine": ("participant", lambda c: reverse("trainings:mine"), 200),
    "attendance": (
        "coordinator",
        lambda c: reverse("trainings:attendance", args=[c["held_date"].pk]),
        200,
    ),
    "programme": ("participant", lambda c: c["programme"].get_absolute_url(), 200),
    "verify": (None, lambda c: c["certificate"].get_absolute_url(), 200),
    "lookup": (None, lambda c: reverse("certificate_lookup"), 200),
    "participants": (
        "coordinator",
        lambda c: reverse("trainings:participants", args=[c["held_date"].pk]),
        200,
    ),
    "verify-unknown": (
        None,
        lambda c: reverse("certificate_verify", args=["TB-ABCD-EFGH"]),
        404,
    ),
    "feedback": (
        None,
        lambda c: reverse("trainings:feedback", args=[feedback_token(c["attended"])]),
        200,
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_training_page_is_accessible(new_page, courses, language):
    """All pages in one test per language: a flush of the live server's database costs more
    than a page's checks. Every page is checked; the failures are reported together."""
    pages = {}
    failures = []
    for name, (who, address, status) in PAGES.items():
        if who not in pages:
            user = courses[who] if who else None
            pages[who] = new_page(language=language, user=user)
        page = pages[who]
        page.set_viewport_size(WIDE)
        try:
            response = page.goto(address(courses))
            assert response.status == status, f"{name}: {response.status}"
            shoot(page, f"trainings-{name}-{language}-wide.png")
            check_accessible(page, language)
            page.set_viewport_size(NARROW)
            shoot(page, f"trainings-{name}-{language}-narrow.png")
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n\n".join(failures)


CLIPPED_SELECTS = """() => {
    const canvas = document.createElement("canvas").getContext("2d");
    return [...document.querySelectorAll("main form select")].filter((select) => {
        const style = getComputedStyle(select);
        canvas.font = style.font;
        const text = canvas.measureText(select.selectedOptions[0].text).width;
        const room = select.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
        return text > room;
    }).map((select) => select.name);
}"""


def test_the_pages_show_what_they_promise(new_page, courses):
    """A few facts the accessibility test's pages must show, so that it checks real pages."""
    # In German the filters' first options ("Alle Bundesländer") are long: no select may cut
    # its value off, at any width.
    page = new_page()
    for width in (375, 800, 1024, 1280, 1400):
        page.set_viewport_size({**WIDE, "width": width})
        page.goto(reverse("trainings:calendar"))
        assert page.evaluate(CLIPPED_SELECTS) == [], f"filters cut off at {width}px"

    page = new_page(language="en")
    page.goto(reverse("trainings:calendar"))
    main = page.locator("main")
    assert main.get_by_text("full: waitlist open").count() == 1
    assert main.get_by_text("part 1 of 3").count() == 1

    page = new_page(language="en", user=courses["participant"])
    page.goto(reverse("trainings:mine"))
    assert re.search(r"\d\d:\d\d, Forum am Schlossgarten", page.locator("main").inner_text())
    assert " ," not in page.locator("main").inner_text()
    upcoming = page.get_by_role("region", name="Registered and waiting").locator("li.card")
    assert upcoming.filter(has_text="seat confirmed").count() == 1
    assert upcoming.filter(has_text="waitlist, position 1").count() == 1
    past = page.get_by_role("region", name="Past courses and certificates").locator("li.card")
    certificate = named("Certificate of attendance (PDF)", "Konflikte moderieren")
    assert past.get_by_role("link", name=certificate).count() == 1
    assert past.filter(has_text="attended").count() == 1

    page = new_page(language="en", user=courses["newcomer"])
    page.goto(reverse("trainings:register", args=[courses["series"].slug]))
    assert page.get_by_role("group", name="On behalf of").get_by_role("radio").count() == 2
    assert (
        page.get_by_role("group", name="Mittagessen", exact=True).get_by_role("radio").count() == 3
    )
    accessible = page.get_by_role("group", name="Brauchen Sie einen barrierefreien Zugang?")
    assert accessible.get_by_role("radio").count() == 2

    page = new_page(language="en")
    response = page.goto(reverse("certificate_verify", args=[courses["certificate"].code]))
    assert response.status == 200
    assert "Anna Schneider" in page.locator("main").inner_text()


# --- Issue 14: long German words, German content in English, attendance, certificates ---------

LONG_TITLE = "Interkulturelle Öffnungsprozesse in Kommunalverwaltungen und Sportvereinen"
# German compounds longer than a phone is wide, at the sizes of a title and of a topic.
LONGER_TITLE = "Kommunalverwaltungsmodernisierungsprozesse mit Moscheegemeinden"
LONG_TOPICS = [
    ("test-kooperation", "Religionsgemeinschaftskooperationsvereinbarungen", ""),
    (
        "test-religionssensibel",
        "Religionssensible Organisationsentwicklungsprozesse",
        "Religion-sensitive organisational development",
    ),
]

OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("main *")]
        .filter((element) => !element.closest(".visually-hidden"))
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .map((element) => element.tagName + "." + element.className);
}"""


@pytest.fixture
def long_names(transactional_db, settings, tmp_path):
    """A course with a long German title and long topic names, one of them without an English
    name, and a participant registered for it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    course = CourseFactory(
        title=LONG_TITLE,
        slug="oeffnungsprozesse",
        summary="Wie sich Verwaltungen und Vereine für Eingewanderte öffnen.",
        target_group="Integrationsbeauftragte und Sportvereinsvorständinnen",
    )
    for slug, name_de, name_en in LONG_TOPICS:
        topic, _created = Topic.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en}
        )
        course.topics.add(topic)
    start = day_ahead(12)
    CourseDateFactory(course=course, start=start, end=start + timedelta(hours=6))
    longer = CourseFactory(title=LONGER_TITLE, slug="modernisierung")
    longer.topics.set(course.topics.all())
    CourseDateFactory(course=longer, start=start, end=start + timedelta(hours=3))
    participant = officer("Anna Schneider")
    for each in (course, longer):
        RegistrationFactory(
            course=each, person=participant.user, municipality=participant.municipality
        )
    return {"course": course, "longer": longer, "participant": participant.user}


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_titles_and_topics_wrap_on_a_phone(new_page, long_names, language):
    """At 375px nothing runs off the screen: the page does not scroll sideways and no element
    of the page's content reaches past its right edge (issue 14.16)."""
    page = new_page(language=language, user=long_names["participant"], viewport=NARROW)
    for name, url, title in [
        ("calendar", reverse("trainings:calendar"), LONG_TITLE),
        ("course", long_names["course"].get_absolute_url(), LONG_TITLE),
        ("course-longer", long_names["longer"].get_absolute_url(), LONGER_TITLE),
        ("mine", reverse("trainings:mine"), LONGER_TITLE),
    ]:
        page.goto(url)
        assert page.get_by_text(title).first.is_visible(), name
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{name} ({language}) is {width}px wide"
        assert page.evaluate(OVERFLOWING) == [], f"{name} ({language})"
        shoot(page, f"trainings-long-{name}-{language}-narrow.png")


def test_german_content_is_marked_in_the_english_interface(new_page, long_names):
    """Screen readers read the German title and the topic without an English name in German
    (issue 14.17); the translated topic is English, and German pages need no mark."""
    page = new_page(language="en")
    page.goto(long_names["course"].get_absolute_url())
    assert page.locator("h1").get_attribute("lang") == "de"
    german_topic = page.locator(".course-topic", has_text=LONG_TOPICS[0][1])
    assert german_topic.get_attribute("lang") == "de"
    english_topic = page.locator(".course-topic", has_text="Religion-sensitive")
    assert english_topic.get_attribute("lang") is None
    # What the browser takes as each element's language.
    assert page.evaluate("document.querySelector('h1').closest('[lang]').lang") == "de"
    assert page.evaluate("document.querySelector('main p').closest('[lang]').lang") == "en"

    page = new_page(language="de")
    page.goto(long_names["course"].get_absolute_url())
    assert page.locator("main [lang]").count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_everyone_present_at_once_then_one_corrected(new_page, courses, language):
    """At the door on a phone: "all present", then one person marked absent (issue 14.13)."""
    date = courses["series"].dates.order_by("start").first()
    date.start = timezone.now() - timedelta(minutes=20)
    date.end = date.start + timedelta(hours=6)
    date.save()
    door = new_page(language=language, user=courses["coordinator"], viewport=NARROW)
    door.goto(reverse("trainings:attendance", args=[date.pk]))
    rows = door.locator(".attendance-row")
    assert rows.count() == 2

    with door.expect_navigation():
        door.get_by_role("button", name=text("All present", language), exact=True).click()
    with translation.override(language):
        counted = gettext("%(present)s of %(total)s present")
    assert door.locator("main p[role=status]").inner_text() == counted % {
        "present": 2,
        "total": 2,
    }
    absent = door.get_by_role("button", name=named(text("absent", language), "Bernd Vogel"))
    with door.expect_navigation():
        absent.click()
    assert door.locator("main p[role=status]").inner_text() == counted % {
        "present": 1,
        "total": 2,
    }
    marks = dict(
        Attendance.objects.filter(date=date).values_list(
            "registration__person__full_name", "present"
        )
    )
    assert marks == {"Anna Schneider": True, "Bernd Vogel": False}
    assert door.evaluate("document.documentElement.scrollWidth") <= 375
    shoot(door, f"trainings-attendance-all-{language}-narrow.png")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_participant_list_prints_without_the_portals_frame(new_page, courses, language):
    """The printable list: on paper no menu, no footer, no buttons; a column to sign; the CSV
    is one click away (issue 14.13)."""
    date = courses["held_date"]
    page = new_page(language=language, user=courses["coordinator"])
    page.goto(reverse("trainings:attendance", args=[date.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name=text("Participant list to print", language)).click()
    assert page.url.endswith(reverse("trainings:participants", args=[date.pk]))
    table = page.get_by_role("table")
    assert table.get_by_role("rowheader", name="Anna Schneider").is_visible()
    signature = page.get_by_role("columnheader", name=text("Signature", language))
    assert not signature.is_visible()  # on screen there is nothing to sign
    check_accessible(page, language)
    page.set_viewport_size(NARROW)
    shoot(page, f"trainings-participants-{language}-narrow.png")
    page.set_viewport_size(WIDE)
    shoot(page, f"trainings-participants-{language}-wide.png")

    page.emulate_media(media="print")
    assert signature.is_visible()
    for frame in ["header.site-header", "footer.site-footer", "main .btn"]:
        assert not page.locator(frame).first.is_visible(), frame
    assert table.get_by_role("rowheader", name="Anna Schneider").is_visible()
    if os.environ.get("SHOTS") == "1":
        page.pdf(path=str(Path("/tmp/shots") / f"trainings-participants-{language}.pdf"))
    shoot(page, f"trainings-participants-{language}-print.png")

    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name=text("Participant list as CSV", language)).click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Anna Schneider" in content


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_certificate_is_found_by_its_code_typed_loosely(new_page, courses, language):
    """`/certificates/`: the code in lower case and without hyphens finds the certificate; a
    wrong one gets a clear message and the form again (issue 14.8)."""
    certificate = courses["certificate"]
    page = new_page(language=language, viewport=NARROW)
    page.goto("/certificates/")
    check_accessible(page, language, reload_narrow=False)
    page.set_viewport_size(NARROW)
    shoot(page, f"trainings-lookup-typed-{language}-narrow.png")
    field = page.get_by_label(text("Verification code", language))
    field.fill(certificate.code.replace("-", "").lower())
    with page.expect_navigation():
        page.get_by_role("button", name=text("Check the certificate", language)).click()
    assert page.url.endswith(f"/certificates/{certificate.code}/")
    main = page.locator("main").inner_text()
    assert text("This certificate is genuine.", language) in main
    assert "Anna Schneider" in main

    page.get_by_label(text("Verification code", language)).fill("tb-aaaa-bbbb")
    with page.expect_navigation():
        page.get_by_role("button", name=text("Check the certificate", language)).click()
    alert = page.get_by_role("alert").inner_text()
    assert "TB-AAAA-BBBB" in alert or "tb-aaaa-bbbb" in alert
    assert "Anna Schneider" not in page.locator("main").inner_text()
    assert page.get_by_label(text("Verification code", language)).input_value()
    shoot(page, f"trainings-lookup-wrong-{language}-narrow.png")


def test_the_course_page_says_which_dates_are_over(new_page, courses):
    for language, word in [("de", "vorbei"), ("en", "past")]:
        page = new_page(language=language)
        page.goto(courses["held_date"].course.get_absolute_url())
        card = page.locator(f"#date-{courses['held_date'].pk}")
        with translation.override(language):
            shown = translation.pgettext("course date", "past")
        assert card.get_by_text(shown, exact=True).is_visible()
        assert shown == word or shown == "past"  # "vorbei" once the catalogue has it
        shoot(page, f"trainings-course-past-{language}-wide.png")
