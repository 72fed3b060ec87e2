"""Regressions found in the last read of the exchange rounds: reminders that a change of the
round makes possible, registration windows past the start, practice texts without a limit, and
the sentence a guest reads when following a confirm link of a called-off registration."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from exchanges.emails import registrations as emails
from exchanges.errors import ExchangeError
from exchanges.forms.practice import TEXT_LIMIT, PracticeExampleForm
from exchanges.models import ExchangeRound
from exchanges.services.registrations import round_guest_confirm
from exchanges.services.rounds import round_cancel, round_save
from tests.exchanges.conftest import emails_about, guest_registration
from tests.factories import ExchangeRoundFactory

pytestmark = pytest.mark.django_db


def test_a_reminder_asked_for_later_reaches_those_registered_before(coordinator, register_member):
    round = ExchangeRoundFactory(capacity=1, reminder_days=0)
    seated = register_member(round)
    waiting = register_member(round)
    assert not emails_about(seated, emails.REMINDER).exists()

    round.reminder_days = 2
    round_save(round=round, by=coordinator)

    reminder = emails_about(seated, emails.REMINDER).get()
    assert reminder.due_at == round.start - timedelta(days=2)
    assert not emails_about(waiting, emails.REMINDER).exists()

    round.reminder_days = 3  # planned once, then moved
    round_save(round=round, by=coordinator)
    assert emails_about(seated, emails.REMINDER).get().due_at == round.start - timedelta(days=3)


def test_a_round_moved_further_out_reminds_those_registered_too_late_for_one(
    coordinator, register_member
):
    now = timezone.now()
    round = ExchangeRoundFactory(
        start=now + timedelta(days=1), end=now + timedelta(days=1, hours=3), reminder_days=2
    )
    seated = register_member(round)
    assert not emails_about(seated, emails.REMINDER).exists()

    round.start += timedelta(days=10)
    round.end += timedelta(days=10)
    round_save(round=round, by=coordinator)

    assert emails_about(seated, emails.REMINDER).get().due_at == round.start - timedelta(days=2)


@pytest.mark.parametrize(
    ("field", "offset"),
    [("registration_deadline", timedelta(hours=1)), ("registration_opens", timedelta(0))],
)
def test_registration_cannot_open_or_close_after_the_round_starts(coordinator, field, offset):
    round = ExchangeRoundFactory()
    setattr(round, field, round.start + offset)
    with pytest.raises(ValidationError) as refused:
        round_save(round=round, by=coordinator)
    assert field in refused.value.message_dict


def test_a_stored_deadline_after_the_start_ends_at_the_start(register_member):
    now = timezone.now()
    round = ExchangeRoundFactory(
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=2),
        registration_deadline=now + timedelta(hours=1),
    )
    assert round.deadline == round.start
    with pytest.raises(ExchangeError):
        register_member(round)


def test_the_practice_form_refuses_overlong_texts_with_a_message():
    form = PracticeExampleForm(
        data={"title": "Grabfeld", "situation": "a" * (TEXT_LIMIT + 1), "action": "kurz"}
    )
    assert not form.is_valid()
    assert "situation" in form.errors
    assert "action" not in form.errors
    assert str(TEXT_LIMIT) in form.errors["situation"][0]
    assert form["outcome"].field.widget.attrs["maxlength"] == str(TEXT_LIMIT)


def test_a_guest_of_a_cancelled_round_is_not_asked_to_register_again(coordinator):
    round = ExchangeRoundFactory(audience="public")
    guest = guest_registration(round)
    round_cancel(round=round, by=coordinator, reason="Die Referentin ist erkrankt.")

    with pytest.raises(ExchangeError) as refused:
        round_guest_confirm(registration=guest)
    assert refused.value.message == gettext("This round was cancelled.")
    assert ExchangeRound.objects.get(pk=round.pk).status == "cancelled"


def test_no_guests_confirm_link_is_kept_in_the_outbox():
    from portal.notifications.kinds import get_kind
    from trainings import emails as course_emails

    for kind in (course_emails.GUEST_CONFIRM, emails.GUEST_CONFIRM, emails.GUEST_CONFIRMED):
        assert get_kind(kind).keep_body is False, kind
