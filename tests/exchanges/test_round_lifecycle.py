"""A round's life as coordinators lead it: saved as a draft, published, moved (participants
told once, with an updated calendar entry, reminders moved), cancelled (registrations called
off, calendar CANCEL files), held, and a round table's next meeting with the open follow-up
items carried."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from exchanges.emails import registrations as registration_emails
from exchanges.emails import rounds as emails
from exchanges.errors import ExchangeError
from exchanges.ics import round_uid
from exchanges.models import ExchangeRound, FollowUpItem, RoundSeries
from exchanges.services.rounds import (
    round_cancel,
    round_hold,
    round_next_meeting,
    round_publish,
    round_save,
)
from portal.advisors.models import Topic
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.exchanges.conftest import emails_about, guest_registration
from tests.factories import ExchangeRoundFactory, RoundRegistrationFactory, UserFactory


def actions(obj) -> list[str]:
    return list(AuditEntry.objects.for_object(obj).order_by("pk").values_list("action", flat=True))


def new_round(**fields) -> ExchangeRound:
    return ExchangeRoundFactory.build(**fields)


# --- Saving and publishing ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_round_is_a_draft_with_its_themes_and_moderators(coordinator):
    advisor = UserFactory(roles=["advisor"])
    burial = Topic.objects.get(slug="bestattung")

    round = round_save(
        round=new_round(status="open"), by=coordinator, themes=[burial], moderators=[advisor]
    )

    round.refresh_from_db()
    assert round.status == "draft"
    assert list(round.themes.all()) == [burial]
    assert list(round.moderators.all()) == [advisor]
    assert actions(round) == ["exchange_round.create"]


@pytest.mark.django_db
def test_only_coordinators_change_rounds_and_only_advisors_moderate(coordinator, officer):
    round = ExchangeRoundFactory(status="draft")

    with pytest.raises(ExchangeError):
        round_save(round=new_round(), by=officer)
    with pytest.raises(ExchangeError):
        round_publish(round=round, by=UserFactory(roles=["advisor"]))
    with pytest.raises(ExchangeError):
        round_save(round=round, by=coordinator, moderators=[officer])


@pytest.mark.django_db
def test_publishing_opens_a_draft_with_a_theme(coordinator):
    round = ExchangeRoundFactory(status="draft")

    with pytest.raises(ExchangeError, match=r"theme|Thema"):
        round_publish(round=round, by=coordinator)
    round.themes.add(Topic.objects.get(slug="bestattung"))
    round_publish(round=round, by=coordinator)

    round.refresh_from_db()
    assert round.status == "open"
    assert actions(round)[-1] == "exchange_round.publish"
    with pytest.raises(ExchangeError):
        round_publish(round=round, by=coordinator)


@pytest.mark.django_db
def test_a_plain_save_keeps_the_status_and_the_documentation(coordinator):
    round = ExchangeRoundFactory(status="open", documentation_summary="")
    round.status = "documented"
    round.documentation_summary = "untergeschoben"
    round.title = "Neuer Titel"

    round_save(round=round, by=coordinator)

    round.refresh_from_db()
    assert (round.status, round.documentation_summary, round.title) == ("open", "", "Neuer Titel")
    assert actions(round) == ["exchange_round.change"]


# --- Moving ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_a_round_tells_each_active_participant_once(coordinator, register_member):
    round = ExchangeRoundFactory(capacity=1, reminder_days=2)
    seated = register_member(round)
    waiting = register_member(round)
    guest = guest_registration(
        round, status="waitlisted", email_confirmed=True, language="en", guest_email="g@x.org"
    )
    gone = RoundRegistrationFactory(round=round, status="cancelled")
    first_entry = emails_about(seated, registration_emails.REGISTERED).get().calendar

    round.start += timedelta(days=1, hours=1)
    round.end += timedelta(days=1, hours=1)
    round_save(round=round, by=coordinator)

    moved = Notification.objects.filter(kind__in=[emails.MOVED, emails.GUEST_MOVED])
    assert moved.count() == 3
    assert not emails_about(gone).exists()
    entry = emails_about(seated, emails.MOVED).get().calendar
    assert entry["uid"] == first_entry["uid"] == round_uid(round)
    assert entry["sequence"] > first_entry["sequence"]
    assert entry["start"] == round.start.astimezone(UTC).isoformat()
    assert emails_about(waiting, emails.MOVED).get().calendar is None
    to_guest = emails_about(guest).get()
    assert (to_guest.kind, to_guest.to_email, to_guest.language) == (
        emails.GUEST_MOVED,
        "g@x.org",
        "en",
    )
    # The reminder follows the new start.
    reminder = emails_about(seated, registration_emails.REMINDER).get()
    assert reminder.due_at == round.start - timedelta(days=2)
    assert actions(round)[-1] == "exchange_round.move"

    round_save(round=round, by=coordinator)  # nothing changed: nothing more is sent
    assert moved.count() == 3
    round.venue, round.town = "Stadthalle", "Erfurt"
    round_save(round=round, by=coordinator)  # a second move is news again
    assert moved.count() == 6


@pytest.mark.django_db
def test_a_moved_round_email_with_its_calendar_file(coordinator, register_member, send_due_emails):
    round = ExchangeRoundFactory(title="Grabfelder planen")
    seated = register_member(round)
    round.start += timedelta(days=2)
    round.end += timedelta(days=2)
    round_save(round=round, by=coordinator)
    Notification.objects.exclude(kind=emails.MOVED).update(status="cancelled")

    send_due_emails()

    [message] = [m for m in mail.outbox if m.to == [seated.person.email]]
    assert "Grabfelder planen" in message.subject
    [(_name, content, mimetype)] = message.attachments
    assert "method=REQUEST" in mimetype
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["uid"]) == round_uid(round)
    assert event.decoded("dtstart") == round.start


@pytest.mark.django_db
def test_seats_cannot_drop_below_those_taken_and_new_seats_go_to_the_waitlist(
    coordinator, register_member
):
    round = ExchangeRoundFactory(capacity=2)
    register_member(round)
    register_member(round)
    waiting = register_member(round)
    round.refresh_from_db()
    assert round.status == "full"

    round.capacity = 1
    with pytest.raises(ExchangeError):
        round_save(round=round, by=coordinator)
    round.capacity = 3
    round_save(round=round, by=coordinator)

    waiting.refresh_from_db()
    round.refresh_from_db()
    assert waiting.status == "confirmed"
    assert round.status == "full"


@pytest.mark.django_db
def test_a_round_that_has_taken_place_keeps_its_time(coordinator):
    now = timezone.now()
    round = ExchangeRoundFactory(
        status="held", start=now - timedelta(days=3), end=now - timedelta(days=3, hours=-2)
    )
    round.start -= timedelta(hours=1)

    with pytest.raises(ExchangeError):
        round_save(round=round, by=coordinator)
    with pytest.raises(ExchangeError):
        round_cancel(round=round, by=coordinator, reason="zu spät")


# --- Cancelling -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_calls_off_every_registration_with_a_cancel_file(coordinator, register_member):
    round = ExchangeRoundFactory(capacity=1, audience="public")
    seated = register_member(round)
    waiting = register_member(round)
    guest = guest_registration(round, status="waitlisted", email_confirmed=False)
    reminder = emails_about(seated, registration_emails.REMINDER).get()

    with pytest.raises(ExchangeError):
        round_cancel(round=round, by=coordinator, reason="  ")
    told = round_cancel(round=round, by=coordinator, reason="Der Saal steht nicht zur Verfügung.")

    assert told == 3
    round.refresh_from_db()
    assert round.status == "cancelled"
    assert round.cancelled_reason == "Der Saal steht nicht zur Verfügung."
    for registration in (seated, waiting, guest):
        registration.refresh_from_db()
        assert registration.status == "called_off"
        assert actions(registration)[-1] == "round_registration.call_off"
        assert emails_about(registration, emails.CANCELLED).count() == 1
    entry = emails_about(seated, emails.CANCELLED).get().calendar
    assert (entry["method"], entry["uid"]) == ("CANCEL", round_uid(round))
    assert emails_about(waiting, emails.CANCELLED).get().calendar is None
    assert emails_about(guest, emails.CANCELLED).get().to_email == guest.guest_email
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"
    with pytest.raises(ExchangeError):
        round_cancel(round=round, by=coordinator, reason="noch einmal")


@pytest.mark.django_db
def test_the_cancellation_email_carries_a_calendar_cancel(
    coordinator, register_member, send_due_emails
):
    round = ExchangeRoundFactory()
    seated = register_member(round)
    round_cancel(round=round, by=coordinator, reason="Die Referentin ist erkrankt.")

    send_due_emails()

    [message] = [m for m in mail.outbox if "Die Referentin ist erkrankt." in m.body]
    assert message.to == [seated.person.email]
    [(_name, content, mimetype)] = message.attachments
    assert "method=CANCEL" in mimetype
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


# --- Held -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_round_is_held_once_it_has_ended(coordinator):
    moderator = UserFactory(roles=["advisor"])
    round = ExchangeRoundFactory()
    round.moderators.add(moderator)

    with pytest.raises(ExchangeError):
        round_hold(round=round, by=coordinator)
    later = round.end + timedelta(minutes=1)
    with pytest.raises(ExchangeError):
        round_hold(round=round, by=UserFactory(roles=["advisor"]), now=later)
    round_hold(round=round, by=moderator, now=later)
    round_hold(round=round, by=coordinator, now=later)  # held already: nothing changes

    round.refresh_from_db()
    assert round.status == "held"
    assert actions(round).count("exchange_round.hold") == 1


# --- The next meeting of a round table ---------------------------------------------------------


def past_round_table(**fields) -> ExchangeRound:
    start = fields.pop("start", timezone.now() - timedelta(days=14))
    values = {
        "format": "round_table",
        "status": "documented",
        "start": start,
        "end": start + timedelta(hours=2),
        "states": ["05"],
        "audience": "both",
    }
    return ExchangeRoundFactory(**{**values, **fields})


@pytest.mark.django_db
def test_the_next_meeting_copies_the_last_and_carries_its_open_items(coordinator):
    advisor = UserFactory(roles=["advisor"])
    last = past_round_table(title="Runder Tisch Moscheebau", seats_per_municipality=2)
    last.themes.set([Topic.objects.get(slug="moscheebau")])
    last.moderators.set([advisor])
    earlier = past_round_table(start=last.start - timedelta(days=60))
    open_item = FollowUpItem.objects.create(round=last, what="Bauantrag prüfen", who="Bauamt")
    FollowUpItem.objects.create(round=last, what="Protokoll", who="Moderation", done=True)
    carried_in = FollowUpItem.objects.create(
        round=earlier, what="Parkplätze klären", who="Ordnungsamt", carried_to=last
    )
    start = timezone.now() + timedelta(days=30)

    meeting = round_next_meeting(
        round=last, by=coordinator, start=start, end=start + timedelta(hours=2)
    )

    meeting.refresh_from_db()
    last.refresh_from_db()
    assert meeting.status == "draft"
    assert meeting.previous == last
    assert isinstance(last.series, RoundSeries)
    assert meeting.series == last.series
    assert (meeting.title, meeting.states, meeting.audience, meeting.town) == (
        last.title,
        ["05"],
        "both",
        last.town,
    )
    assert meeting.seats_per_municipality == 2
    assert list(meeting.themes.values_list("slug", flat=True)) == ["moscheebau"]
    assert list(meeting.moderators.all()) == [advisor]
    assert sorted(meeting.carried_follow_ups.values_list("pk", flat=True)) == [
        open_item.pk,
        carried_in.pk,
    ]
    assert actions(open_item) == ["follow_up.carry"]
    assert actions(meeting) == ["exchange_round.next_meeting"]

    # The series goes on from its latest meeting only.
    with pytest.raises(ExchangeError):
        round_next_meeting(
            round=last,
            by=coordinator,
            start=start + timedelta(days=30),
            end=start + timedelta(days=30, hours=2),
        )


@pytest.mark.django_db
def test_the_next_meeting_is_refused_for_other_formats_and_past_times(coordinator):
    forum = ExchangeRoundFactory(format="forum")
    table = past_round_table()
    start = timezone.now() + timedelta(days=10)

    with pytest.raises(ExchangeError):
        round_next_meeting(round=forum, by=coordinator, start=start, end=start + timedelta(hours=1))
    with pytest.raises(ExchangeError):
        past = timezone.now() - timedelta(days=1)
        round_next_meeting(round=table, by=coordinator, start=past, end=past + timedelta(hours=1))
    with pytest.raises(ExchangeError):
        round_next_meeting(round=table, by=coordinator, start=start, end=start)
    with pytest.raises(ExchangeError):
        round_next_meeting(
            round=table,
            by=UserFactory(roles=["advisor"]),
            start=start,
            end=start + timedelta(hours=1),
        )


@pytest.mark.django_db
def test_publishing_takes_up_open_items_of_an_earlier_round_on_its_theme(coordinator):
    burial = Topic.objects.get(slug="bestattung")
    earlier = past_round_table(format="working_session")
    earlier.themes.add(burial)
    item = FollowUpItem.objects.create(round=earlier, what="Satzung teilen", who="Stadt Bonn")
    FollowUpItem.objects.create(round=earlier, what="Erledigt", who="Moderation", done=True)
    round = ExchangeRoundFactory(status="draft")
    round.themes.add(burial)

    round_publish(round=round, by=coordinator)

    item.refresh_from_db()
    assert item.carried_to == round
    assert list(round.carried_follow_ups.all()) == [item]


@pytest.mark.django_db
def test_a_guest_reads_the_moved_email_in_their_language(coordinator, send_due_emails):
    round = ExchangeRoundFactory(title="Offener Abend", audience="public")
    guest = guest_registration(
        round, status="confirmed", email_confirmed=True, language="en", guest_email="g@x.org"
    )
    round.start += timedelta(hours=2)
    round.end += timedelta(hours=2)
    round_save(round=round, by=coordinator)

    send_due_emails()

    [message] = mail.outbox
    assert message.to == ["g@x.org"]
    assert message.subject.startswith("Changed: Offener Abend")
    assert "cancel" in message.body.lower()
    assert not emails_about(guest, emails.GUEST_MOVED).get().body_text
