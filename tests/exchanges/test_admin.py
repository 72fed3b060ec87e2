"""The admin of exchange rounds writes only through the services: adding a round (a draft),
changing and moving it (participants told), the steps publish, cancel with a reason, and the
next meeting of a round table. A refused save is rolled back and says why. Only coordinators
manage rounds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.emails import rounds as emails
from exchanges.models import ExchangeRound, FollowUpItem
from portal.advisors.models import Topic
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.factories import ExchangeRoundFactory, RoundRegistrationFactory, UserFactory
from tests.trainings.conftest import admin_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:exchanges_exchangeround_changelist")
ADD = reverse("admin:exchanges_exchangeround_add")


@pytest.fixture
def staff(client, coordinator):
    client.force_login(coordinator)
    return client


def change_url(round):
    return reverse("admin:exchanges_exchangeround_change", args=[round.pk])


def step_url(round, name):
    return reverse("admin:exchanges_exchangeround_step", args=[round.pk, name])


def actions_of(obj):
    return list(AuditEntry.objects.for_object(obj).order_by("pk").values_list("action", flat=True))


def local(moment, fmt):
    return timezone.localtime(moment).strftime(fmt)


def test_the_list_shows_rounds_with_their_seats(staff):
    round = ExchangeRoundFactory(title="Grabfelder planen", capacity=20)
    RoundRegistrationFactory(round=round)
    RoundRegistrationFactory(round=round, status="waitlisted")

    response = staff.get(CHANGELIST, {"status__exact": "open", "q": "Grabfelder"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Grabfelder planen" in page and "1 / 20" in page


def test_adding_a_round_saves_a_draft_through_the_service(staff, coordinator):
    form = admin_form_data(staff.get(ADD))
    start = timezone.now() + timedelta(days=40)
    moderator = UserFactory(roles=["advisor"])
    form.update(
        title="Forum Jugendhilfe",
        slug="forum-jugendhilfe",
        summary="Wie Moscheegemeinden freie Träger der Jugendhilfe werden.",
        themes=[Topic.objects.get(slug="arbeitsmarkt").pk],
        moderators=[moderator.pk],
        format="forum",
        mode="in_person",
        start_0=local(start, "%d.%m.%Y"),
        start_1="10:00",
        end_0=local(start, "%d.%m.%Y"),
        end_1="16:00",
        venue="Bürgerhaus",
        town="Kassel",
        states=["06", "16"],
        audience="both",
        capacity="80",
    )

    response = staff.post(ADD, form, follow=True)

    assert response.status_code == 200, response.content
    round = ExchangeRound.objects.get(slug="forum-jugendhilfe")
    assert round.status == "draft"
    assert round.states == ["06", "16"]
    assert list(round.moderators.all()) == [moderator]
    assert round.themes.count() == 1
    assert actions_of(round) == ["exchange_round.create"]
    assert AuditEntry.objects.for_object(round).get().actor == coordinator


def test_moving_a_round_in_the_admin_tells_its_participants(staff):
    round = ExchangeRoundFactory()
    round.themes.add(Topic.objects.get(slug="bestattung"))
    registration = RoundRegistrationFactory(round=round)
    form = admin_form_data(staff.get(change_url(round)))
    form["start_1"] = "11:00"

    response = staff.post(change_url(round), form, follow=True)

    assert response.status_code == 200
    round.refresh_from_db()
    assert local(round.start, "%H:%M") == "11:00"
    assert actions_of(round) == ["exchange_round.move"]
    assert Notification.objects.filter(kind=emails.MOVED, user=registration.person).count() == 1


def test_a_refused_save_is_rolled_back_and_says_why(staff):
    round = ExchangeRoundFactory(capacity=3, title="Vorher")
    round.themes.add(Topic.objects.get(slug="bestattung"))
    for _ in range(2):
        RoundRegistrationFactory(round=round)
    form = admin_form_data(staff.get(change_url(round)))
    form.update(capacity="1", title="Nachher")

    response = staff.post(change_url(round), form)

    assert response.status_code == 200
    assert "2" in str(response.context["adminform"].form.non_field_errors())
    round.refresh_from_db()
    assert (round.capacity, round.title) == (3, "Vorher")
    assert actions_of(round) == []


def test_a_moderator_must_be_an_advisor(staff, officer):
    round = ExchangeRoundFactory()
    round.themes.add(Topic.objects.get(slug="bestattung"))
    form = admin_form_data(staff.get(change_url(round)))
    form["moderators"] = [officer.pk]

    response = staff.post(change_url(round), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not round.moderators.exists()


def test_the_change_page_offers_the_open_steps_and_reads_registrations(staff):
    round = ExchangeRoundFactory(status="draft")
    RoundRegistrationFactory(round=round, person__full_name="Selin Arslan")
    FollowUpItem.objects.create(round=round, what="Satzung entwerfen", who="Stadt Kassel")

    page = staff.get(change_url(round)).content.decode()

    assert step_url(round, "publish") in page
    assert step_url(round, "cancel") in page
    assert step_url(round, "hold") not in page
    assert "Selin Arslan" in page and "Satzung entwerfen" in page


def test_the_publish_and_cancel_steps_go_through_the_services(staff, coordinator):
    round = ExchangeRoundFactory(status="draft")
    round.themes.add(Topic.objects.get(slug="bestattung"))

    staff.post(step_url(round, "publish"), follow=True)
    round.refresh_from_db()
    assert round.status == "open"

    registration = RoundRegistrationFactory(round=round)
    assert staff.get(step_url(round, "cancel")).status_code == 200
    missing = staff.post(step_url(round, "cancel"), {"reason": ""})
    assert missing.status_code == 200 and missing.context["form"].errors
    staff.post(step_url(round, "cancel"), {"reason": "Zu wenige Anmeldungen."}, follow=True)

    round.refresh_from_db()
    registration.refresh_from_db()
    assert (round.status, round.cancelled_reason) == ("cancelled", "Zu wenige Anmeldungen.")
    assert registration.status == "called_off"
    assert actions_of(round) == ["exchange_round.publish", "exchange_round.cancel"]
    assert AuditEntry.objects.for_object(round).first().actor == coordinator


def test_the_next_meeting_step_creates_a_draft_of_the_series(staff):
    now = timezone.now()
    last = ExchangeRoundFactory(
        format="round_table",
        status="held",
        start=now - timedelta(days=7),
        end=now - timedelta(days=7, hours=-2),
    )
    item = FollowUpItem.objects.create(round=last, what="Gebetsraum anfragen", who="Schulamt")
    start = now + timedelta(days=28)

    response = staff.post(
        step_url(last, "next_meeting"),
        {
            "start": local(start, "%Y-%m-%dT18:00"),
            "end": local(start, "%Y-%m-%dT20:00"),
        },
        follow=True,
    )

    assert response.status_code == 200
    meeting = ExchangeRound.objects.get(previous=last)
    assert meeting.status == "draft"
    assert local(meeting.start, "%H:%M") == "18:00"
    item.refresh_from_db()
    assert item.carried_to == meeting
    assert change_url(meeting) in response.content.decode()


# --- Who may -------------------------------------------------------------------------------------


def test_an_advisor_without_the_coordinator_role_cannot_manage_rounds(client):
    advisor = UserFactory(roles=["advisor"])
    round = ExchangeRoundFactory(status="draft")
    round.moderators.add(advisor)
    client.force_login(advisor)

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(round)).status_code in {302, 403}
    assert client.post(change_url(round), {"title": "Gekapert"}).status_code == 403
    assert client.post(step_url(round, "publish")).status_code in {403, 404}
    round.refresh_from_db()
    assert round.status == "draft" and round.title != "Gekapert"
    assert actions_of(round) == []


def test_an_officer_never_reaches_the_admin(client, officer):
    client.force_login(officer)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert "login" in response["Location"]
