"""The outbox: written with the event, sent once, retried on temporary SMTP errors.

These tests send over SMTP to a real local server (aiosmtpd) and play the worker's part in
the test's process: dispatch, then send the ids the dispatcher handed out. The same code
runs in a real Celery worker in test_worker.py.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from portal.core.errors import DomainError
from portal.core.models import AuditEntry
from portal.notifications.calendar import calendar_entry
from portal.notifications.errors import NotificationError
from portal.notifications.models import OUTBOX, TRANSITIONS, Notification, Status
from portal.notifications.services import (
    _ONLY_FROM_SENDING,
    _claim,
    _finish,
    notification_retry,
    notifications_cancel,
    notifications_dispatch,
    notifications_move,
    notifications_send,
    notify,
    preferences_update,
)
from tests.factories import MunicipalityFactory, UserFactory
from tests.notifications.conftest import REMINDER

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """Run the dispatcher; return the batches of ids it handed to workers."""

    def run(now=None):
        with django_capture_on_commit_callbacks() as callbacks:
            notifications_dispatch(now=now)
        return [callback.args[0] for callback in callbacks]

    return run


def work(batches):
    """What the workers do with the handed-out batches."""
    for batch in batches:
        notifications_send(notification_ids=batch)


@pytest.fixture
def recipient():
    return UserFactory(email="lena.koch@stadt-beispiel.example", full_name="Lena Koch")


@pytest.fixture
def place():
    return MunicipalityFactory(name="Erfurt, Stadt", ags="16051000", state="16")


def remind(user, place, *, key="exchange:7:reminder", due_at=None, **extra):
    return notify(
        kind=REMINDER,
        key=key,
        user=user,
        context={"municipality_id": place.pk, "note": "Raum 2.14"},
        about=place,
        due_at=due_at,
        **extra,
    )


def test_a_second_notify_with_the_same_key_returns_the_first_row(recipient, place):
    first = remind(recipient, place)
    second = remind(recipient, place, due_at=timezone.now() + timedelta(days=3))

    assert second.pk == first.pk
    assert second.due_at == first.due_at
    assert Notification.objects.count() == 1


def test_an_unknown_kind_fails_in_the_caller(recipient):
    with pytest.raises(LookupError):
        notify(kind="no_such_kind", key="x", user=recipient)


def test_running_the_dispatcher_twice_sends_each_email_once(recipient, place, smtp_sink, dispatch):
    for number in range(3):
        remind(recipient, place, key=f"exchange:{number}:reminder")
    Notification.objects.update(enqueued_at=None)  # as if their on-commit hand-off was lost

    first = dispatch()
    second = dispatch()  # before any worker ran: the rows were handed out already
    work(first)
    work(first)  # the broker delivered the same task twice
    third = dispatch()

    assert sum(len(batch) for batch in first) == 3
    assert second == [] and third == []
    assert len(smtp_sink.messages) == 3
    assert len(set(smtp_sink.message_ids())) == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_the_outbox_is_its_own_log_and_writes_no_audit_entries(
    recipient, place, smtp_sink, dispatch
):
    remind(recipient, place, key="sent")
    Notification.objects.update(enqueued_at=None)
    work(dispatch())
    cancelled = remind(recipient, place, key="cancelled", due_at=timezone.now() + timedelta(days=1))

    notifications_cancel(about=place, kinds=[REMINDER])  # the pending one is called off

    assert Notification.objects.get(idempotency_key="sent").status == Status.SENT
    assert Notification.objects.get(pk=cancelled.pk).status == Status.CANCELLED
    assert not AuditEntry.objects.exists()
    assert (OUTBOX.table, OUTBOX.audit, OUTBOX.error) == (TRANSITIONS, False, NotificationError)


def test_sent_and_failed_are_reached_from_sending_only():
    # _finish leaves the check for these to transition(): the table must say so.
    for status in _ONLY_FROM_SENDING:
        sources = {source for source, targets in TRANSITIONS.items() if status in targets}
        assert sources == {Status.SENDING}


@pytest.mark.parametrize(
    ("outcome", "theirs"),
    [(Status.SENT, Status.SENT), (Status.QUEUED, Status.FAILED), (Status.FAILED, Status.SENT)],
)
def test_a_worker_whose_row_was_taken_over_leaves_the_other_result(
    recipient, place, caplog, outcome, theirs
):
    notification = _claim(remind(recipient, place).pk)
    Notification.objects.filter(pk=notification.pk).update(
        status=theirs, sent_at=timezone.now(), sending_since=None
    )

    _finish(notification, outcome, last_error="ours")

    assert Notification.objects.get(pk=notification.pk).status == theirs
    assert Notification.objects.get(pk=notification.pk).last_error == ""
    assert "changed while it was sent" in caplog.text


def test_an_email_that_has_not_failed_cannot_be_sent_again(recipient, place):
    queued = remind(recipient, place)

    with pytest.raises(NotificationError) as refused:
        notification_retry(notification=queued, by=UserFactory(roles=["coordinator"]))

    assert isinstance(refused.value, DomainError)
    assert not AuditEntry.objects.exists()


def test_a_handed_out_row_whose_task_was_lost_is_handed_out_again(
    recipient, place, smtp_sink, dispatch, settings
):
    notification = remind(recipient, place)  # handed out on commit; that task never ran

    assert dispatch() == []
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER + 1)
    batches = dispatch(now=later)
    work(batches)

    assert batches == [[notification.pk]]
    assert len(smtp_sink.messages) == 1


def test_the_causing_transaction_rolls_back_and_nothing_is_sent(
    recipient, place, smtp_sink, dispatch, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        remind(recipient, place)
        raise RuntimeError("the booking failed after the email was written")

    work(dispatch())

    assert callbacks == []
    assert not Notification.objects.exists()
    assert smtp_sink.messages == []


def test_an_email_due_now_is_handed_to_a_worker_on_commit(
    recipient, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = remind(recipient, place)
        later = remind(recipient, place, key="later", due_at=timezone.now() + timedelta(days=1))

    assert [callback.args[0] for callback in callbacks] == [[notification.pk]]
    assert later.enqueued_at is None


def test_a_temporary_refusal_is_retried_later_and_sent_once(recipient, place, smtp_sink, dispatch):
    smtp_sink.refuse(recipient.email, "451 4.3.0 Mailbox temporarily unavailable")
    notification = remind(recipient, place)

    work([[notification.pk]])
    notification.refresh_from_db()

    assert notification.status == Status.QUEUED
    assert notification.attempts == 1
    assert "451" in notification.last_error
    wait = notification.send_after - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    assert dispatch() == []  # not before its time

    batches = dispatch(now=notification.send_after + timedelta(seconds=1))
    Notification.objects.filter(pk=notification.pk).update(send_after=timezone.now())
    work(batches)
    notification.refresh_from_db()

    assert notification.status == Status.SENT
    assert notification.attempts == 2
    assert notification.last_error == ""
    assert len(smtp_sink.messages) == 1


def test_the_waits_between_attempts_grow(recipient, place, smtp_sink):
    replies = ["451 4.3.0 Try again later"] * 5
    smtp_sink.refuse(recipient.email, *replies)
    notification = remind(recipient, place)
    waits = []
    for _attempt in range(5):
        work([[notification.pk]])
        notification.refresh_from_db()
        waits.append(round((notification.send_after - timezone.now()).total_seconds() / 60))
        Notification.objects.filter(pk=notification.pk).update(send_after=timezone.now())

    assert waits == [1, 5, 15, 60, 60]


def test_a_permanent_refusal_fails_with_the_reason(recipient, place, smtp_sink):
    smtp_sink.refuse(recipient.email, "550 5.1.1 No such mailbox here")
    notification = remind(recipient, place)

    work([[notification.pk]])
    notification.refresh_from_db()

    assert notification.status == Status.FAILED
    assert "550" in notification.last_error
    assert "No such mailbox here" in notification.last_error
    assert smtp_sink.messages == []


def test_temporary_refusals_for_a_day_end_as_failed(recipient, place, smtp_sink):
    smtp_sink.refuse(recipient.email, "421 4.7.0 Too busy")
    notification = remind(recipient, place)
    Notification.objects.filter(pk=notification.pk).update(
        due_at=timezone.now() - timedelta(hours=24, minutes=1)
    )

    work([[notification.pk]])
    notification.refresh_from_db()

    assert notification.status == Status.FAILED
    assert notification.last_error.startswith("Gave up after 1 attempts in 24 hours")


def test_an_unreachable_server_is_a_temporary_failure(recipient, place, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    notification = remind(recipient, place)

    work([[notification.pk]])
    notification.refresh_from_db()

    assert notification.status == Status.QUEUED
    assert "unreachable" in notification.last_error


def test_a_row_left_in_sending_by_a_dead_worker_is_sent_after_the_timeout(
    recipient, place, smtp_sink, dispatch, settings
):
    timeout = timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    recent = remind(recipient, place, key="recent")
    stuck = remind(recipient, place, key="stuck")
    Notification.objects.filter(pk=recent.pk).update(
        status=Status.SENDING, attempts=1, sending_since=timezone.now() - timedelta(minutes=1)
    )
    Notification.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, attempts=1, sending_since=timezone.now() - timeout
    )

    batches = dispatch()
    work(batches)
    work(batches)

    assert batches == [[stuck.pk]]
    stuck.refresh_from_db()
    assert stuck.status == Status.SENT
    assert stuck.attempts == 2
    assert len(smtp_sink.messages) == 1
    assert Notification.objects.get(pk=recent.pk).status == Status.SENDING


def test_a_moved_reminder_goes_out_at_its_new_time(recipient, place, smtp_sink, dispatch):
    first_date = timezone.now() + timedelta(days=2)
    reminder = remind(recipient, place, due_at=first_date - timedelta(hours=24))
    new_due = first_date + timedelta(days=7) - timedelta(hours=24)

    moved = notifications_move(about=place, kind=REMINDER, due_at=new_due)
    reminder.refresh_from_db()

    assert moved == 1
    assert reminder.due_at == new_due
    assert dispatch(now=first_date - timedelta(hours=23)) == []
    work(dispatch(now=new_due + timedelta(seconds=1)))
    Notification.objects.filter(pk=reminder.pk).update(send_after=timezone.now())
    work(dispatch(now=new_due + timedelta(minutes=10)))
    assert len(smtp_sink.messages) == 1


def test_a_cancelled_reminder_is_never_sent(recipient, place, smtp_sink, dispatch):
    due = timezone.now() + timedelta(hours=2)
    reminder = remind(recipient, place, due_at=due)
    other = remind(recipient, MunicipalityFactory(), key="other", due_at=due)

    cancelled = notifications_cancel(about=place, reason="The exchange round was called off.")
    reminder.refresh_from_db()
    work(dispatch(now=due + timedelta(minutes=1)))

    assert cancelled == 1
    assert reminder.status == Status.CANCELLED
    assert reminder.last_error == "The exchange round was called off."
    Notification.objects.filter(pk=other.pk).update(send_after=timezone.now())
    work([[other.pk]])
    assert len(smtp_sink.messages) == 1  # only the other place's reminder


def test_cancelling_leaves_sent_emails_alone(recipient, place, smtp_sink):
    reminder = remind(recipient, place)
    work([[reminder.pk]])

    assert notifications_cancel(about=place) == 0
    reminder.refresh_from_db()
    assert reminder.status == Status.SENT


def test_an_email_whose_object_is_gone_is_cancelled_not_sent(recipient, place, smtp_sink):
    reminder = remind(recipient, place)
    place.delete()

    work([[reminder.pk]])
    reminder.refresh_from_db()

    assert reminder.status == Status.CANCELLED
    assert reminder.last_error == "The municipality is gone."
    assert smtp_sink.messages == []


def test_switched_off_reminders_are_cancelled_but_confirmations_still_go_out(
    recipient, place, smtp_sink
):
    from portal.accounts.emails import MEMBERSHIP_VERIFIED
    from tests.factories import MembershipFactory

    preferences_update(user=recipient, reminder=False)
    reminder = remind(recipient, place)
    membership = MembershipFactory(user=recipient, verified=True)
    confirmation = notify(
        kind=MEMBERSHIP_VERIFIED,
        key="membership:verified",
        user=recipient,
        context={"membership_id": membership.pk},
    )

    work([[reminder.pk, confirmation.pk]])
    reminder.refresh_from_db()

    assert reminder.status == Status.CANCELLED
    assert reminder.last_error == "Die empfangende Person hat diese E-Mails abgeschaltet."
    assert [message["To"] for message in smtp_sink.messages] == [recipient.email]


def test_the_sink_receives_the_real_message_with_its_calendar_file(recipient, place, smtp_sink):
    start = timezone.make_aware(timezone.datetime(2027, 3, 28, 10, 0))  # the DST switch day
    entry = calendar_entry(
        uid="exchange-round-7@kommune-vielfalt.example",
        start=start,
        end=start + timedelta(hours=2),
        summary="Austauschrunde Erfurt",
        location="Rathaus Erfurt",
        sequence=1,
    )
    reminder = remind(recipient, place, calendar=entry)
    moved_entry = {**entry, "sequence": 2}
    update = remind(recipient, place, key="exchange:7:moved", calendar=moved_entry)

    work([[reminder.pk, update.pk]])

    assert len(smtp_sink.messages) == 2
    first, second = smtp_sink.messages
    assert first["Subject"] == "Erinnerung: Austausch in Erfurt, Stadt"
    assert first["To"] == recipient.email
    assert first["Auto-Submitted"] == "auto-generated"
    parts = {part.get_content_type(): part for part in first.walk()}
    assert "Raum 2.14" in parts["text/plain"].get_content()
    assert "<table" in parts["text/html"].get_content()
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    ics = calendar.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "UID:exchange-round-7@kommune-vielfalt.example" in ics
    assert "DTSTART:20270328T080000Z" in ics  # 10:00 summer time in Berlin is 08:00 UTC
    assert "SEQUENCE:1" in ics
    second_ics = next(p for p in second.walk() if p.get_content_type() == "text/calendar")
    second_ics = second_ics.get_content()
    second_ics = second_ics.decode() if isinstance(second_ics, bytes) else second_ics
    assert "UID:exchange-round-7@kommune-vielfalt.example" in second_ics
    assert "SEQUENCE:2" in second_ics
