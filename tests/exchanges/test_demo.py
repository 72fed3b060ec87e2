"""The demo exchange rounds of `manage.py seed_demo`, as behaviour: held rounds documented
with follow-up items, upcoming rounds open to several states, one full with a waitlist, a
public information evening with guests, a round-table series with two past meetings and
its open items carried, practice examples; every change through a service; idempotent."""

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges import demo as exchanges_demo
from exchanges.models import (
    AdvanceQuestion,
    ExchangeRound,
    FollowUpItem,
    PracticeExample,
    RoundRegistration,
    RoundSeries,
)
from portal.advisors import demo as advisors_demo
from portal.core.models import AuditEntry
from tests.demo import seeded
from trainings import demo as trainings_demo

pytestmark = pytest.mark.django_db

ROUNDS = {entry["key"]: entry for entry in exchanges_demo.DATA["rounds"]}


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """Seed the demo people, advisors, courses and rounds once for the module."""
    with seeded(django_db_blocker, advisors_demo.seed, trainings_demo.seed, exchanges_demo.seed):
        yield


def round_of(key: str) -> ExchangeRound:
    return ExchangeRound.objects.get(slug=ROUNDS[key]["slug"])


def test_held_rounds_are_documented_with_follow_up_items_and_examples():
    now = timezone.now()
    for key in ("grabfelder", "jugendhilfe"):
        round = round_of(key)
        assert round.end < now
        assert round.status == "documented"
        assert round.documentation_summary
        assert round.follow_ups.filter(done=False).exists()
        assert round.registrations.filter(attended=True).exists()
        assert round.practice_examples.filter(status="published").exists()


def test_upcoming_rounds_are_open_to_several_states():
    round = round_of("feiertage-ost")
    assert round.status == "open" and round.start > timezone.now()
    assert round.is_cross_state
    assert {r.state for r in round.registrations.confirmed()} <= {"14", "15", "16"}
    assert AdvanceQuestion.objects.filter(round=round, on_agenda=True).count() == 2
    assert len(round_of("konferenz-nord").states) == 5


def test_one_round_is_full_with_a_waitlist():
    round = round_of("kantinen")
    assert round.status == "full"
    assert round.registrations.confirmed().count() == round.capacity
    assert round.registrations.waiting().count() == 2


def test_a_public_information_evening_has_guests():
    round = round_of("infoabend-bielefeld")
    assert round.audience == "public" and round.format == "information_evening"
    guests = round.registrations.guests()
    assert guests.filter(status="confirmed").count() == 4
    waiting = guests.get(status="unconfirmed")
    assert not waiting.email_confirmed and waiting.expires_at > timezone.now()
    assert guests.get(guest_name="Hawa Conteh").language == "en"


def test_a_round_table_series_met_twice_and_carries_its_open_items():
    series = RoundSeries.objects.get(slug=ROUNDS["runder-tisch-leipzig"]["series"]["slug"])
    meetings = list(series.rounds.order_by("start"))
    now = timezone.now()
    assert [m.status for m in meetings] == ["documented", "documented", "open"]
    assert meetings[1].previous == meetings[0] and meetings[2].previous == meetings[1]
    assert meetings[1].end < now < meetings[2].start
    carried = FollowUpItem.objects.filter(carried_to=meetings[2])
    assert carried.filter(round=meetings[1]).exists()
    # The open item of the first meeting went on to the second and then to the third.
    assert carried.filter(round=meetings[0]).exists()
    assert not FollowUpItem.objects.filter(done=True, carried_to__isnull=False).exists()


def test_the_draft_and_the_example_waiting_for_review():
    assert round_of("extremismus-entwurf").status == "draft"
    assert PracticeExample.objects.filter(status="submitted").count() == 1
    assert PracticeExample.objects.filter(status="published").count() == 3


def test_the_demo_officer_holds_a_seat_at_the_conference():
    registration = RoundRegistration.objects.get(
        round=round_of("konferenz-nord"), person__email=exchanges_demo.KOELN
    )
    assert registration.status == "confirmed"


def test_every_round_and_registration_was_written_by_a_service():
    for round in ExchangeRound.objects.all():
        actions = set(AuditEntry.objects.for_object(round).values_list("action", flat=True))
        assert {"exchange_round.create"} <= actions or "exchange_round.next_meeting" in actions
    for registration in RoundRegistration.objects.all():
        assert AuditEntry.objects.for_object(registration).exists()


def test_running_the_demo_again_creates_nothing():
    counts = (
        ExchangeRound.objects.count(),
        RoundRegistration.objects.count(),
        FollowUpItem.objects.count(),
        PracticeExample.objects.count(),
        AuditEntry.objects.count(),
    )

    assert exchanges_demo.seed() == (0, 0)

    assert counts == (
        ExchangeRound.objects.count(),
        RoundRegistration.objects.count(),
        FollowUpItem.objects.count(),
        PracticeExample.objects.count(),
        AuditEntry.objects.count(),
    )


def test_every_demo_round_has_a_page_and_the_list_shows_them(client):
    officer = RoundRegistration.objects.filter(person__email=exchanges_demo.KOELN).first().person
    for viewer in (None, officer):
        if viewer is not None:
            client.force_login(viewer)
        for round in ExchangeRound.objects.published():
            assert client.get(round.get_absolute_url()).status_code == 200, round.slug
        for when in ("upcoming", "past"):
            assert client.get(reverse("exchanges:list"), {"when": when}).status_code == 200
    assert client.get(reverse("exchanges:feed")).status_code == 200
