"""Writing to the outbox, changing plans, and sending.

`notify()` is called by other services inside their transaction: the email exists exactly
when the event does. Sending happens later, in a Celery worker: `notifications_dispatch()`
(every minute, from beat) hands due rows to `notifications_send()`, which claims each row
under a row lock, renders it, sends it and stamps `sent_at`. A row is only ever sent by the
worker that moved it from queued to sending, so running the dispatcher or the send task twice
sends nothing twice.

Every status change goes through the kernel's `transition()` along the workflow `OUTBOX`
(models.py), which writes no audit entry: the row is its own log. A person's action on a row
(`notification_retry`) writes its audit entry itself.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.workflows import transition
from portal.notifications.errors import NotificationError
from portal.notifications.kinds import Obsolete, get_kind
from portal.notifications.models import (
    OPTIONAL_CATEGORIES,
    OUTBOX,
    EmailPreferences,
    Notification,
    Status,
    about_key,
)
from portal.notifications.rendering import render_notification

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, 3rd and every later temporary failure.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=60),
)
# A temporary failure this long after the due time is final.
GIVE_UP_AFTER = timedelta(hours=24)
# Rows per send task (one SMTP connection) and per dispatcher transaction.
BATCH_SIZE = 50
DISPATCH_CHUNK = 1000


def _sending_timeout() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)


def _requeue_after() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER)


# --- Writing -----------------------------------------------------------------------------


def notify(
    *,
    kind: str,
    key: str,
    user: User | None = None,
    email: str = "",
    context: dict | None = None,
    about=None,
    due_at: datetime | None = None,
    calendar: dict | None = None,
    language: str = "",
) -> Notification:
    """Write one email to the outbox, in the caller's transaction.

    `key` names the event (e.g. "appointment:42:reminder-24h"); a second call with the same
    key returns the first row unchanged. `context` holds ids and plain values only: the
    templates are rendered when the email is sent. Without `due_at` the email is due now and
    handed to a worker as soon as the caller's transaction commits; a later `due_at` (a
    reminder) waits for the dispatcher.
    """
    get_kind(kind)  # an unknown kind fails here, in the caller's request, not in the worker
    if user is None and not email:
        raise ValueError("an email needs a user or an address")
    now = timezone.now()
    due_at = due_at or now
    due_now = due_at <= now
    notification, created = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": kind,
            "user": user,
            "to_email": email or user.email,
            "language": (
                language
                or (user.preferred_language if user else "")
                or (get_language() or settings.LANGUAGE_CODE)
            )[:2],
            "context": context or {},
            "about": about_key(about) if about is not None else "",
            "calendar": calendar,
            "due_at": due_at,
            "send_after": due_at,
            # Handed out below, on commit; the dispatcher leaves it alone meanwhile.
            "enqueued_at": now if due_now else None,
        },
    )
    if created and due_now:
        transaction.on_commit(partial(enqueue, [notification.pk]))
    return notification


def enqueue(notification_ids: list[int]) -> None:
    """Hand rows to a worker. If the broker is down, the dispatcher retries later."""
    from portal.notifications.tasks import send_notifications

    try:
        send_notifications.delay(notification_ids)
    except Exception:  # the broker's errors vary by transport; none may break the caller
        logger.warning(
            "Broker unavailable; %d email(s) wait for the dispatcher",
            len(notification_ids),
            exc_info=True,
        )
        Notification.objects.filter(pk__in=notification_ids, status=Status.QUEUED).update(
            enqueued_at=None
        )


# --- Changing plans ----------------------------------------------------------------------


@transaction.atomic
def notifications_cancel(
    *,
    about,
    kinds: list[str] | None = None,
    user: User | None = None,
    email: str = "",
    reason: str = "",
) -> int:
    """Cancel the pending emails of an object (e.g. the reminders of a cancelled appointment),
    or only those to one `user` (the reminders of one participant of a course date), or only
    those to a guest's `email` (an address without an account, in any case of letters).

    Emails already sent stay as they are. Returns how many were cancelled.
    """
    pending = Notification.objects.about(about).pending().select_for_update()
    if kinds:
        pending = pending.filter(kind__in=kinds)
    if user is not None:
        pending = pending.filter(user=user)
    if email:
        # A guest's only: a member who happens to use the same address keeps theirs.
        pending = pending.filter(user__isnull=True, to_email__iexact=email)
    count = 0
    for notification in pending.order_by("pk"):
        transition(
            notification,
            workflow=OUTBOX,
            to=Status.CANCELLED,
            fields={"last_error": reason or str(_("Cancelled: the event was called off."))},
        )
        count += 1
    return count


@transaction.atomic
def notifications_move(*, about, kind: str, due_at: datetime, calendar: dict | None = None) -> int:
    """Move the pending emails of one kind about an object to a new time.

    For a rescheduled appointment: its reminder goes out before the new date. A reminder
    whose new time has passed is due at once. Returns how many rows moved.
    """
    pending = Notification.objects.about(about).pending().filter(kind=kind)
    moved = 0
    for notification in pending.select_for_update().order_by("pk"):
        notification.due_at = due_at
        notification.send_after = due_at
        notification.enqueued_at = None
        fields = ["due_at", "send_after", "enqueued_at", "updated_at"]
        if calendar is not None:
            notification.calendar = calendar
            fields.append("calendar")
        notification.save(update_fields=fields)
        moved += 1
    return moved


@transaction.atomic
def notification_retry(*, notification: Notification, by: User) -> Notification:
    """A coordinator sends a failed email again, now; the audit trail keeps who did."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status != Status.FAILED:
        raise NotificationError(_("Only failed emails can be sent again."))
    now = timezone.now()
    earlier_error = notification.last_error
    transition(
        notification,
        workflow=OUTBOX,
        to=Status.QUEUED,
        by=by,
        fields={
            # A fresh 24 hours for temporary failures, counted from the retry.
            "due_at": now,
            "send_after": now,
            "enqueued_at": now,
            "attempts": 0,
            "last_error": _("Sent again by %(name)s; the earlier error was: %(error)s")
            % {"name": by.full_name or by.email, "error": earlier_error},
        },
    )
    # The outbox's workflow writes no audit entries (the row is its own log); a person
    # sending an email again is recorded here.
    audit_record(
        target=notification,
        action="notification.retry",
        by=by,
        from_status=Status.FAILED,
        to_status=Status.QUEUED,
        details={"kind": notification.kind, "to": notification.to_email, "error": earlier_error},
    )
    transaction.on_commit(partial(enqueue, [notification.pk]))
    return notification


@transaction.atomic
def preferences_update(*, user: User, by: User | None = None, **choices: bool) -> EmailPreferences:
    """Switch optional categories on or off; transactional emails cannot be switched off.

    `by` is the signed-in person; None when the switch-off link in an email was used.
    """
    preferences, _created = EmailPreferences.objects.select_for_update().get_or_create(user=user)
    unknown = set(choices) - set(OPTIONAL_CATEGORIES)
    if unknown:
        raise ValueError(f"not a category that can be switched off: {sorted(unknown)}")
    changed = {
        name: bool(value) for name, value in choices.items() if getattr(preferences, name) != value
    }
    for name, value in choices.items():
        setattr(preferences, name, bool(value))
    preferences.save()
    if changed:
        audit_record(
            target=preferences,
            action="email_preferences.update",
            by=by,
            details={**changed, "via": "settings" if by is not None else "email link"},
        )
    return preferences


def preferences_for(user: User) -> EmailPreferences:
    """The stored preferences, or the default (everything on) without writing a row."""
    return EmailPreferences.objects.filter(user=user).first() or EmailPreferences(user=user)


# --- Dispatching and sending -------------------------------------------------------------


def notifications_dispatch(*, now: datetime | None = None, limit: int = 50_000) -> int:
    """Hand every due row to a worker, in batches; returns how many were handed out.

    Two dispatchers at once take disjoint rows (`skip_locked`); a handed-out row waits
    NOTIFICATIONS_REQUEUE_AFTER before it is handed out again, in case its task was lost.
    Rows are taken a thousand per transaction, so locks are held briefly.
    """
    now = now or timezone.now()
    handed_out = 0
    while handed_out < limit:
        taken = _dispatch_chunk(now=now, size=min(DISPATCH_CHUNK, limit - handed_out))
        handed_out += taken
        if taken < DISPATCH_CHUNK:
            break
    return handed_out


@transaction.atomic
def _dispatch_chunk(*, now: datetime, size: int) -> int:
    ids = list(
        Notification.objects.ready(
            now=now,
            stale_before=now - _sending_timeout(),
            requeue_before=now - _requeue_after(),
        )
        .order_by("send_after", "pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:size]
    )
    if ids:
        Notification.objects.filter(pk__in=ids).update(enqueued_at=now)
        for start in range(0, len(ids), BATCH_SIZE):
            transaction.on_commit(partial(enqueue, ids[start : start + BATCH_SIZE]))
    return len(ids)


def notifications_send(*, notification_ids: list[int]) -> dict[str, int]:
    """Send the given rows over one SMTP connection; returns a count per outcome.

    Idempotent: a row that is not queued (or stuck in sending past the timeout) when this
    worker locks it is skipped.
    """
    outcome = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0, "skipped": 0}
    connection = get_connection()
    try:
        for notification_id in notification_ids:
            if _one_file_per_email():
                connection = get_connection()
            result = _send_one(notification_id, connection)
            outcome[result] += 1
    finally:
        _close_quietly(connection)
    return outcome


def _one_file_per_email() -> bool:
    # The file backend writes everything one connection sends into one file; a file per
    # email is easier to read under var/mail/.
    return settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"


def _send_one(notification_id: int, connection) -> str:
    notification = _claim(notification_id)
    if notification is None:
        return "skipped"
    if notification.status == Status.CANCELLED:
        return "cancelled"
    try:
        rendered = render_notification(notification)
    except Obsolete as obsolete:
        _finish(notification, Status.CANCELLED, last_error=obsolete.reason)
        return "cancelled"
    except Exception as error:  # a template or context bug: nothing to retry automatically
        logger.exception("Could not render notification %s", notification_id)
        _finish(notification, Status.FAILED, last_error=f"Rendering failed: {error!r}")
        return "failed"

    rendered.message.connection = connection
    try:
        # Opened here, not by send(), so that the connection stays open for the next email.
        connection.open()
        rendered.message.send()
    except Exception as error:
        _close_quietly(connection)  # the next message opens a fresh connection
        permanent, reason = classify_error(error)
        return _record_failure(notification, reason=reason, permanent=permanent)

    kind = get_kind(notification.kind)
    _finish(
        notification,
        Status.SENT,
        sent_at=timezone.now(),
        subject=rendered.subject[:300],
        body_text=rendered.body_text if kind.keeps_body(notification) else "",
        body_html=rendered.body_html if kind.keeps_body(notification) else "",
        last_error="",
    )
    return "sent"


@transaction.atomic
def _claim(notification_id: int) -> Notification | None:
    """Lock the row and mark it sending, or return None when it is not ours to send."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return None
    now = timezone.now()
    stale = (
        notification.status == Status.SENDING
        and notification.sending_since is not None
        and notification.sending_since <= now - _sending_timeout()
    )
    if not (notification.status == Status.QUEUED or stale):
        return None
    if notification.status == Status.QUEUED and notification.send_after > now:
        return None  # moved to a later time after it was handed out

    kind = get_kind(notification.kind)
    user = notification.user
    if user is not None and kind.optional and not preferences_for(user).wants(kind.category):
        return transition(
            notification,
            workflow=OUTBOX,
            to=Status.CANCELLED,
            fields={"last_error": str(_("The recipient has switched these emails off."))},
        )
    if user is not None and not user.is_active:
        return transition(
            notification,
            workflow=OUTBOX,
            to=Status.CANCELLED,
            fields={"last_error": str(_("The recipient's account is deactivated."))},
        )
    return transition(
        notification,
        workflow=OUTBOX,
        to=Status.SENDING,
        fields={"sending_since": now, "attempts": notification.attempts + 1},
    )


# Only a row in `sending` leads to these, so transition()'s own check under its lock is the
# whole guard; `queued` and `cancelled` are reached from other statuses too and are checked
# first. The common path (sent) thus costs one lock and one update, as before the kernel.
_ONLY_FROM_SENDING = frozenset({Status.SENT, Status.FAILED})


@transaction.atomic
def _finish(notification: Notification, status: str, **fields) -> None:
    """Record the outcome of sending; only while the row is still in `sending`.

    If another worker took the row over after our timeout, its result counts and ours is
    dropped with a warning.
    """
    if status not in _ONLY_FROM_SENDING:
        current = (
            Notification.objects.select_for_update()
            .filter(pk=notification.pk)
            .values_list("status", flat=True)
            .get()
        )
        if current != Status.SENDING:
            logger.warning("Notification %s changed while it was sent", notification.pk)
            return
    try:
        transition(
            notification, workflow=OUTBOX, to=status, fields={"sending_since": None, **fields}
        )
    except NotificationError:
        logger.warning("Notification %s changed while it was sent", notification.pk)


def _record_failure(notification: Notification, *, reason: str, permanent: bool) -> str:
    now = timezone.now()
    if permanent:
        _finish(notification, Status.FAILED, last_error=reason)
        return "failed"
    if now - notification.due_at >= GIVE_UP_AFTER:
        _finish(
            notification,
            Status.FAILED,
            last_error=f"Gave up after {notification.attempts} attempts in 24 hours: {reason}",
        )
        return "failed"
    delay = RETRY_DELAYS[min(notification.attempts, len(RETRY_DELAYS)) - 1]
    _finish(
        notification,
        Status.QUEUED,
        last_error=reason,
        send_after=now + delay,
        enqueued_at=None,
    )
    return "retry"


def classify_error(error: Exception) -> tuple[bool, str]:
    """(permanent, reason) for an error raised while sending.

    SMTP replies 5xx are permanent (the address or the message is refused), 4xx and lost
    connections are temporary. Anything else is a bug and is not retried automatically.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        replies = "; ".join(
            f"{address}: {code} {_decode(message)}"
            for address, (code, message) in error.recipients.items()
        )
        return all(500 <= code < 600 for code in codes), f"Recipient refused: {replies}"
    if isinstance(error, smtplib.SMTPResponseException):
        permanent = 500 <= error.smtp_code < 600
        return permanent, f"SMTP {error.smtp_code} {_decode(error.smtp_error)}"
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return False, f"SMTP server unreachable: {error!r}"
    return True, f"Sending failed: {error!r}"


def _decode(message) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # closing a broken connection may fail in many ways; it is gone either way
        logger.debug("Closing the mail connection failed", exc_info=True)
