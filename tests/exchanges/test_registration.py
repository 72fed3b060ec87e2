"""Registering members for exchange rounds: who may, the waitlist, cancelling, the emails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from exchanges.emails import registrations as emails
from exchanges.errors import ExchangeError
from exchanges.ics import round_calendar_entry, round_uid
from exchanges.models import RegistrationStatus, RoundStatus
from exchanges.selectors.registrations import registration_panel, state_counts, waitlist_position
from exchanges.services.registrations import (
    round_register,
    round_registration_cancel,
    round_seats_refill,
)
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.exchanges.conftest import emails_about
from tests.factories import ExchangeRoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """Refusals are compared in English (the msgids); German is the lead's catalogue."""
    with translation.override("en"):
        yield


SAXONY, THURINGIA, NRW, HESSE = "14", "16", "05", "06"


def refusal_of(callable_):
    with pytest.raises(ExchangeError) as caught:
        callable_()
    return caught.value.message


# --- Who may register ------------------------------------------------------------------------


def test_a_round_open_to_two_states_refuses_a_third_and_names_both(member_factory):
    round = ExchangeRoundFactory(states=[SAXONY, THURINGIA])
    membership = member_factory(NRW)

    message = refusal_of(
        lambda: round_register(person=membership.user, round=round, membership=membership)
    )

    assert message == "This round is open to Saxony and Thuringia only."
    assert not round.registrations.exists()


def test_a_round_open_to_two_states_takes_a_member_of_either(register_member):
    round = ExchangeRoundFactory(states=[SAXONY, THURINGIA])

    assert register_member(round, state=SAXONY).status == RegistrationStatus.CONFIRMED
    assert register_member(round, state=THURINGIA).status == RegistrationStatus.CONFIRMED


def test_a_round_for_municipal_staff_refuses_an_organisation(member_factory):
    round = ExchangeRoundFactory(audience="municipal")
    membership = member_factory(HESSE, organisation=True)

    message = refusal_of(
        lambda: round_register(person=membership.user, round=round, membership=membership)
    )
    assert "for municipal staff" in message


def test_a_round_for_organisations_refuses_a_municipality(member_factory):
    round = ExchangeRoundFactory(audience="organisations")
    membership = member_factory(NRW)

    message = refusal_of(
        lambda: round_register(person=membership.user, round=round, membership=membership)
    )
    assert "for Muslim and Alevite organisations" in message


@pytest.mark.parametrize("audience", ["both", "public"])
def test_both_and_public_rounds_take_municipalities_and_organisations(
    register_member, member_factory, audience
):
    round = ExchangeRoundFactory(audience=audience)

    assert register_member(round).status == RegistrationStatus.CONFIRMED
    organisation = member_factory(HESSE, organisation=True)
    assert register_member(round, organisation).status == RegistrationStatus.CONFIRMED


def test_a_public_round_limited_to_a_state_still_takes_members_of_other_states(register_member):
    round = ExchangeRoundFactory(audience="public", states=[SAXONY])

    assert register_member(round, state=NRW).status == RegistrationStatus.CONFIRMED


def test_an_unverified_or_foreign_membership_is_refused(member_factory):
    round = ExchangeRoundFactory()
    membership = member_factory()
    membership.verified = False
    membership.save()
    other = UserFactory()

    assert "confirmed you work for" in refusal_of(
        lambda: round_register(person=membership.user, round=round, membership=membership)
    )
    assert "confirmed you work for" in refusal_of(
        lambda: round_register(person=other, round=round, membership=member_factory())
    )


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"status": "draft"}, "takes no registrations"),
        ({"status": "cancelled"}, "was cancelled"),
        ({"registration_opens": timezone.now() + timedelta(days=2)}, "Registration opens on"),
        ({"registration_deadline": timezone.now() - timedelta(hours=1)}, "deadline has passed"),
    ],
)
def test_a_round_outside_its_window_is_refused(register_member, fields, says):
    if "registration_deadline" in fields:
        fields["registration_opens"] = timezone.now() - timedelta(days=3)
    round = ExchangeRoundFactory(**fields)

    assert says in refusal_of(lambda: register_member(round))


def test_registering_twice_is_refused(register_member):
    round = ExchangeRoundFactory()
    first = register_member(round)

    message = refusal_of(
        lambda: round_register(
            person=first.person, round=round, membership=first.person.memberships.get()
        )
    )
    assert message == "You are already registered for this round."


# --- Caps -------------------------------------------------------------------------------------


def test_the_municipality_cap_refuses_the_third_of_one_municipality(
    register_member, member_factory
):
    round = ExchangeRoundFactory(seats_per_municipality=2)
    first = member_factory(SAXONY)
    register_member(round, first)
    register_member(round, member_factory(municipality=first.municipality))
    third = member_factory(municipality=first.municipality)

    message = refusal_of(lambda: register_member(round, third))

    assert message.startswith("Your municipality's 2 seats are taken")
    assert first.municipality.name in message
    # Another municipality of the same state still gets a seat.
    assert register_member(round, state=SAXONY).status == RegistrationStatus.CONFIRMED


def test_the_municipality_cap_counts_people_waiting_too(register_member, member_factory):
    round = ExchangeRoundFactory(capacity=1, seats_per_municipality=1)
    register_member(round)
    waiting = register_member(round, state=SAXONY)
    assert waiting.status == RegistrationStatus.WAITLISTED

    refusal = refusal_of(
        lambda: register_member(round, member_factory(municipality=waiting.municipality))
    )
    assert refusal.startswith("Your municipality's seat is taken")


def test_the_state_cap_refuses_a_state_that_holds_its_seats(register_member, member_factory):
    round = ExchangeRoundFactory(seats_per_state=2, states=[SAXONY, THURINGIA], audience="both")
    register_member(round, state=SAXONY)
    register_member(round, member_factory(SAXONY, organisation=True))

    message = refusal_of(lambda: register_member(round, state=SAXONY))

    assert message.startswith("The 2 seats for Saxony are taken")
    assert register_member(round, state=THURINGIA).status == RegistrationStatus.CONFIRMED


def test_a_cancelled_registration_frees_its_share_of_the_cap(register_member, member_factory):
    round = ExchangeRoundFactory(seats_per_municipality=1)
    first = register_member(round)
    round_registration_cancel(registration=first, by=first.person)

    again = register_member(round, member_factory(municipality=first.municipality))
    assert again.status == RegistrationStatus.CONFIRMED


# --- Seats and the waitlist ---------------------------------------------------------------------


def test_the_last_seat_makes_the_round_full_and_the_next_waits(register_member):
    round = ExchangeRoundFactory(capacity=2)
    first, second = register_member(round), register_member(round)
    round.refresh_from_db()
    assert round.status == RoundStatus.FULL
    third = register_member(round)

    assert [first.status, second.status] == [RegistrationStatus.CONFIRMED] * 2
    assert third.status == RegistrationStatus.WAITLISTED
    assert waitlist_position(third) == 1
    assert AuditEntry.objects.for_object(round).filter(to_status="full").count() == 1


def test_cancelling_promotes_the_first_waiting_with_one_email_and_reopens_nothing(
    register_member,
):
    round = ExchangeRoundFactory(capacity=1)
    seated = register_member(round)
    first_waiting = register_member(round)
    second_waiting = register_member(round)

    promoted = round_registration_cancel(registration=seated, by=seated.person)

    assert [r.pk for r in promoted] == [first_waiting.pk]
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert second_waiting.status == RegistrationStatus.WAITLISTED
    assert waitlist_position(second_waiting) == 1
    assert emails_about(first_waiting, emails.PROMOTED).count() == 1
    assert emails_about(second_waiting, emails.PROMOTED).count() == 0
    round.refresh_from_db()
    assert round.status == RoundStatus.FULL  # the seat went on at once
    # The one who left is told, with a CANCEL for their calendar; their reminder is dropped.
    cancelled = emails_about(seated, emails.CANCELLED).get()
    assert cancelled.calendar["method"] == "CANCEL"
    assert cancelled.calendar["uid"] == round_uid(round)
    assert not emails_about(seated, emails.REMINDER).pending().exists()


def test_a_freed_seat_with_nobody_waiting_opens_the_round_again(register_member):
    round = ExchangeRoundFactory(capacity=1)
    seated = register_member(round)
    round.refresh_from_db()
    assert round.status == RoundStatus.FULL

    assert round_registration_cancel(registration=seated, by=seated.person) == []

    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN


def test_leaving_the_waitlist_moves_nobody_up(register_member):
    round = ExchangeRoundFactory(capacity=1)
    register_member(round)
    waiting = register_member(round)
    behind = register_member(round)

    assert round_registration_cancel(registration=waiting, by=waiting.person) == []
    behind.refresh_from_db()
    assert behind.status == RegistrationStatus.WAITLISTED
    assert waitlist_position(behind) == 1
    assert emails_about(waiting, emails.CANCELLED).get().calendar is None


def test_a_participant_cannot_cancel_after_the_deadline_but_a_coordinator_can(
    register_member, coordinator
):
    round = ExchangeRoundFactory(
        registration_opens=timezone.now() - timedelta(days=5),
        registration_deadline=timezone.now() + timedelta(days=1),
    )
    registration = register_member(round)
    later = timezone.now() + timedelta(days=2)

    assert "deadline for cancelling has passed" in refusal_of(
        lambda: round_registration_cancel(
            registration=registration, by=registration.person, now=later
        )
    )
    round_registration_cancel(registration=registration, by=coordinator, now=later)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert emails_about(registration, emails.CANCELLED).get().context["by_participant"] is False


def test_someone_else_cannot_cancel_a_registration(register_member):
    registration = register_member(ExchangeRoundFactory())
    stranger = UserFactory(roles=["integration_officer"])

    assert (
        refusal_of(lambda: round_registration_cancel(registration=registration, by=stranger))
        == "You may not cancel this registration."
    )


def test_cancelling_twice_is_refused_with_a_sentence(register_member):
    registration = register_member(ExchangeRoundFactory())
    round_registration_cancel(registration=registration, by=registration.person)

    assert "already been cancelled" in refusal_of(
        lambda: round_registration_cancel(registration=registration, by=registration.person)
    )


def test_more_seats_go_to_the_waitlist_in_order(register_member):
    round = ExchangeRoundFactory(capacity=1)
    register_member(round)
    waiting = [register_member(round) for _ in range(3)]
    round.capacity = 3
    round.save(update_fields=["capacity"])

    promoted = round_seats_refill(round=round)

    assert [r.pk for r in promoted] == [r.pk for r in waiting[:2]]
    round.refresh_from_db()
    assert round.status == RoundStatus.FULL


# --- Emails -------------------------------------------------------------------------------------


def test_registered_email_has_the_calendar_file_with_the_video_link_and_a_reminder(
    register_member, send_due_emails
):
    round = ExchangeRoundFactory(
        mode="hybrid", video_link="https://video.example/runde", reminder_days=2
    )
    registration = register_member(round)

    confirmation = emails_about(registration, emails.REGISTERED).get()
    assert confirmation.idempotency_key == f"round_registration:{registration.pk}:status:confirmed"
    assert confirmation.calendar["method"] == "REQUEST"
    assert confirmation.calendar["url"] == "https://video.example/runde"
    reminder = emails_about(registration, emails.REMINDER).get()
    assert reminder.due_at == round.start - timedelta(days=2)
    assert reminder.idempotency_key == f"round_registration:{registration.pk}:reminder"

    send_due_emails()
    sent = [m for m in mail.outbox if m.to == [registration.person.email]]
    assert len(sent) == 1
    assert "https://video.example/runde" in sent[0].body
    assert any(name.endswith(".ics") for name, _content, _type in sent[0].attachments)


def test_a_waitlisted_member_is_told_their_position_without_the_video_link(
    register_member, send_due_emails
):
    round = ExchangeRoundFactory(capacity=1, mode="online", video_link="https://video.example/x")
    register_member(round)
    registration = register_member(round)

    row = emails_about(registration, emails.WAITLISTED).get()
    assert row.calendar is None
    assert not emails_about(registration, emails.REMINDER).exists()
    send_due_emails()
    message = next(m for m in mail.outbox if m.to == [registration.person.email])
    assert "1" in message.subject
    assert "video.example" not in message.body


def test_the_calendar_entry_without_a_registration_has_no_video_link():
    round = ExchangeRoundFactory(mode="online", video_link="https://video.example/geheim")

    entry = round_calendar_entry(round)

    assert "geheim" not in str(entry)
    assert entry["uid"] == round_uid(round)


def test_a_member_email_is_in_their_language(register_member, member_factory, send_due_emails):
    round = ExchangeRoundFactory()
    registration = register_member(round, member_factory(preferred_language="en"))

    send_due_emails()
    message = next(m for m in mail.outbox if m.to == [registration.person.email])
    assert message.subject.startswith("Registration confirmed")


def test_no_reminder_when_registering_after_its_time(register_member):
    round = ExchangeRoundFactory(
        start=timezone.now() + timedelta(days=1), end=timezone.now() + timedelta(days=1, hours=3)
    )
    registration = register_member(round)
    assert not emails_about(registration, emails.REMINDER).exists()


# --- What a round's page shows ------------------------------------------------------------------


def test_state_counts_name_no_one_and_count_guests_apart(register_member, member_factory):
    from tests.factories import RoundRegistrationFactory

    round = ExchangeRoundFactory(audience="public")
    register_member(round, state=SAXONY)
    register_member(round, state=SAXONY)
    register_member(round, state=THURINGIA)
    RoundRegistrationFactory(
        round=round,
        person=None,
        municipality=None,
        state="",
        guest_name="Gast",
        guest_email="gast@example.org",
    )
    RoundRegistrationFactory(round=round, status="waitlisted")

    counts = state_counts(round)

    assert [(row["label"], row["count"]) for row in counts] == [
        ("Saxony", 2),
        ("Thuringia", 1),
        ("guests", 1),
    ]


def test_the_panel_says_why_a_member_cannot_register(member_factory):
    round = ExchangeRoundFactory(states=[SAXONY, THURINGIA])
    membership = member_factory(NRW)

    panel = registration_panel(round, membership.user, timezone.now())

    assert panel["can_register"] is False
    assert panel["refusal"] == "This round is open to Saxony and Thuringia only."


def test_the_panel_shows_the_video_link_to_confirmed_participants_only(register_member):
    round = ExchangeRoundFactory(capacity=1, mode="online", video_link="https://video.example/x")
    seated = register_member(round)
    waiting = register_member(round)
    now = timezone.now()

    assert registration_panel(round, seated.person, now)["video_link"] == round.video_link
    waiting_panel = registration_panel(round, waiting.person, now)
    assert waiting_panel["video_link"] == ""
    assert waiting_panel["position"] == 1
    assert waiting_panel["may_cancel"] is True


def test_one_email_per_change_even_when_a_service_runs_twice(register_member):
    round = ExchangeRoundFactory(capacity=1)
    seated = register_member(round)
    waiting = register_member(round)
    round_registration_cancel(registration=seated, by=seated.person)
    round_seats_refill(round=round)

    assert Notification.objects.about(waiting).filter(kind=emails.PROMOTED).count() == 1
