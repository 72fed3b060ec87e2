"""The outbox: one row per email, written in the transaction of the event that causes it.

A row is rendered and sent by the dispatcher (see `services.py`), never by the code that
creates it, so a rolled-back event sends nothing and a crashed worker loses nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.workflows import Workflow
from portal.notifications.errors import NotificationError


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


# The one table of allowed status changes (the workflow `OUTBOX`).
# sending -> sending is the pick-up of a row whose worker died while sending.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.QUEUED: frozenset({Status.SENDING, Status.CANCELLED}),
    Status.SENDING: frozenset(
        {Status.SENDING, Status.SENT, Status.QUEUED, Status.FAILED, Status.CANCELLED}
    ),
    Status.FAILED: frozenset({Status.QUEUED}),
    Status.SENT: frozenset(),
    Status.CANCELLED: frozenset(),
}

# audit=False: a row is its own log (attempts, last_error, sent_at, sending_since), and an
# audit entry per attempt would double the outbox's writes. What a person does to a row
# (sending a failed email again) is audited by that service itself.
OUTBOX = Workflow(
    name="notification",
    statuses=Status,
    table=TRANSITIONS,
    error=NotificationError,
    refusal=_("An email that is %(current)s cannot become %(new)s."),
    audit=False,
)


class Category(models.TextChoices):
    """Transactional emails always go out; the others can be switched off by the recipient."""

    TRANSACTIONAL = "transactional", _("confirmations and cancellations")
    REMINDER = "reminder", _("reminders")
    FOLLOW_UP = "follow_up", _("follow-ups")
    DIGEST = "digest", _("digests")


OPTIONAL_CATEGORIES = (Category.REMINDER, Category.FOLLOW_UP, Category.DIGEST)


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Status.QUEUED)

    def about(self, obj):
        """The rows created for one object, e.g. an appointment."""
        return self.filter(about=about_key(obj))

    def ready(self, *, now, stale_before, requeue_before):
        """Rows the dispatcher should hand to a worker now.

        Queued rows whose time has come, and rows left in `sending` by a worker that died;
        a row handed out recently is not handed out again until `requeue_before`.
        """
        not_handed_out = Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=requeue_before)
        return self.filter(
            (Q(status=Status.QUEUED, send_after__lte=now) & not_handed_out)
            | Q(status=Status.SENDING, sending_since__lte=stale_before)
        )


def about_key(obj) -> str:
    """`app_label.model:pk`, the handle under which an object's emails are found again."""
    return f"{obj._meta.label_lower}:{obj.pk}"


class Notification(models.Model):
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("Names the event, e.g. appointment:42:reminder-24h; one email per key."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    to_email = models.EmailField(_("recipient address"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    about = models.CharField(_("about"), max_length=120, blank=True, db_index=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    calendar = models.JSONField(
        _("calendar entry"),
        null=True,
        blank=True,
        help_text=_("Attached as an .ics file: uid, start, end, summary, location, method."),
    )

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    due_at = models.DateTimeField(_("due at"))
    # When the next attempt may start: due_at at first, later than that after a failure.
    send_after = models.DateTimeField(_("next attempt"))
    enqueued_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_notification", _("Can retry failed emails"))]
        indexes = [
            models.Index(
                fields=["send_after"],
                name="notification_queued_due",
                condition=Q(status="queued"),
            ),
            models.Index(
                fields=["sending_since"],
                name="notification_sending",
                condition=Q(status="sending"),
            ),
            models.Index(fields=["status", "kind"], name="notification_status_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.to_email}"


class EmailPreferences(models.Model):
    """Which optional emails a person wants; without a row, they want all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    reminder = models.BooleanField(
        _("reminders"),
        default=True,
        help_text=_("Before appointments, courses and exchange rounds."),
    )
    follow_up = models.BooleanField(
        _("follow-ups"),
        default=True,
        help_text=_("After a consultation or course: feedback requests and next steps."),
    )
    digest = models.BooleanField(
        _("digests"),
        default=True,
        help_text=_("Summaries of what waits for you, at most once a day."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("email preferences")
        verbose_name_plural = _("email preferences")

    def __str__(self):
        return str(self.user)

    def wants(self, category: str) -> bool:
        if category == Category.TRANSACTIONAL:
            return True
        return getattr(self, category)
