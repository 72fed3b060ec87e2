"""The registration pages of exchange rounds in Chromium: a member registers and lands on the
waitlist, a guest registers for a public evening and confirms through the emailed link; axe-core
finds nothing on any of the pages, in German and English, wide and narrow.

With SHOTS=1 the pages are also saved as screenshots under /tmp/shots/ for a human look.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.links import ROUND_GUEST_LINKS
from exchanges.models import RegistrationStatus, RoundRegistration
from exchanges.services.registrations import round_guest_register, round_register
from tests.e2e.conftest import browser, new_page  # noqa: F401 (the browser fixtures)
from tests.e2e.test_accessibility import check_accessible
from tests.e2e.test_consultations import shoot
from tests.exchanges.conftest import municipality_in
from tests.factories import ExchangeRoundFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser]


def _start(days):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=17, minute=0, second=0, microsecond=0)


@pytest.fixture
def rounds(transactional_db):
    cross_state = ExchangeRoundFactory(
        title="Muslimische Grabfelder: Erfahrungen aus Sachsen und Thüringen",
        slug="grabfelder-sachsen-thueringen",
        states=["14", "16"],
        capacity=1,
        start=_start(30),
        end=_start(30) + timedelta(hours=3),
    )
    evening = ExchangeRoundFactory(
        title="Informationsabend: Moscheebau im Stadtteil",
        slug="informationsabend-moscheebau",
        audience="public",
        format="information_evening",
        mode="hybrid",
        video_link="https://video.example/abend",
        capacity=40,
        start=_start(20),
        end=_start(20) + timedelta(hours=2),
    )
    seated = MembershipFactory(
        verified=True,
        municipality=municipality_in("14", name="Leipzig, Stadt"),
        user=UserFactory(full_name="Jana Krüger"),
    )
    round_register(person=seated.user, round=cross_state, membership=seated)
    member = MembershipFactory(
        verified=True,
        municipality=municipality_in("16", name="Erfurt, Stadt"),
        user=UserFactory(full_name="Deniz Aydın", roles=["integration_officer"]),
    )
    MembershipFactory(
        verified=True,
        user=member.user,
        municipality=municipality_in("05", name="Bonn, Stadt"),
    )
    return {"cross_state": cross_state, "evening": evening, "member": member}


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_member_registers_for_the_waitlist_and_every_page_is_accessible(
    new_page,  # noqa: F811 (the browser fixture imported above)
    rounds,
    language,
):
    member = rounds["member"]
    round = rounds["cross_state"]
    page = new_page(language=language, user=member.user)

    register_url = reverse("exchanges:register", args=[round.slug])
    page.goto(register_url)
    check_accessible(page, language)
    shoot(page, f"exchanges-register-{language}.png")
    page.goto(register_url)
    page.locator("main form button.btn-primary").click()
    page.wait_for_url(re.compile(re.escape(round.get_absolute_url()) + "$"))

    registration = RoundRegistration.objects.get(round=round, person=member.user)
    assert registration.status == RegistrationStatus.WAITLISTED
    assert registration.municipality.name == "Erfurt, Stadt"

    page.goto(reverse("exchanges:mine"))
    check_accessible(page, language)
    shoot(page, f"exchanges-mine-{language}.png")
    assert page.locator(".badge.text-bg-warning").count() == 1

    cancel_url = reverse("exchanges:registration_cancel", args=[registration.pk])
    page.goto(cancel_url)
    check_accessible(page, language)
    shoot(page, f"exchanges-register-cancel-{language}.png")
    page.goto(cancel_url)
    page.locator("main form button.btn-danger").click()
    page.wait_for_url(re.compile(re.escape(reverse("exchanges:mine")) + "$"))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_guest_registers_confirms_and_every_page_is_accessible(
    new_page,  # noqa: F811 (the browser fixture imported above)
    rounds,
    language,
):
    round = rounds["evening"]
    page = new_page(language=language)

    guest_url = reverse("exchanges:guest_register", args=[round.slug])
    page.goto(guest_url)
    check_accessible(page, language)
    shoot(page, f"exchanges-guest-register-{language}.png")
    page.goto(guest_url)
    page.locator("#guest-name").fill("Mira Gast")
    page.locator("#guest-email").fill(f"mira-{language}@example.org")
    page.locator("#guest-consent").check()
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    assert f"mira-{language}@example.org" in page.content()
    check_accessible(page, language, reload_narrow=False)
    shoot(page, f"exchanges-guest-registered-{language}.png")

    registration = RoundRegistration.objects.get(guest_email=f"mira-{language}@example.org")
    assert registration.language == language
    confirm_url = reverse(
        "exchanges:guest_confirm", args=[ROUND_GUEST_LINKS.confirm.sign(registration)]
    )
    page.goto(confirm_url)
    check_accessible(page, language)
    page.goto(confirm_url)  # without the #main the skip link left behind
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    page.goto(confirm_url)
    check_accessible(page, language)
    shoot(page, f"exchanges-guest-confirmed-{language}.png")

    page.goto(reverse("exchanges:guest_cancel", args=[ROUND_GUEST_LINKS.cancel.sign(registration)]))
    check_accessible(page, language)
    shoot(page, f"exchanges-guest-cancel-{language}.png")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_registration_panel_is_accessible_for_a_visitor_and_a_participant(
    new_page,  # noqa: F811 (the browser fixture imported above)
    rounds,
    language,
):
    evening = rounds["evening"]
    page = new_page(language=language)
    page.goto(evening.get_absolute_url())
    check_accessible(page, language)
    shoot(page, f"exchanges-panel-visitor-{language}.png")
    assert page.locator("#panel-guest-email").count() == 1

    round_guest_register(round=evening, name="Ole Gast", email="ole@example.org", language=language)
    member = rounds["member"]
    round_register(person=member.user, round=evening, membership=member)
    participant = new_page(language=language, user=member.user)
    participant.goto(evening.get_absolute_url())
    check_accessible(participant, language)
    shoot(participant, f"exchanges-panel-participant-{language}.png")
    assert "https://video.example/abend" in participant.content()
