"""Requests for advice and the cases they become.

A `Consultation` starts as a request an integration officer (or a representative of an
organisation) submits on behalf of the body they work for. Coordinators triage and assign it;
advisors run it with appointments, internal notes and documents, and conclude it with an
outcome. Its status moves only along `TRANSITIONS` (the workflow `CASE`), through the services
in `services.py`, which change it with the kernel's `transition()`; what happened to a case is
its trail of `portal.core.models.AuditEntry` rows.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from consultations.errors import ConsultationError
from portal.accounts.models import FederalState, Membership, Municipality, Organisation
from portal.accounts.roles import is_coordinating
from portal.advisors.models import AdvisorProfile, ContactMode, Format, Topic
from portal.core.workflows import Workflow


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    IN_TRIAGE = "in_triage", _("in triage")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    CONCLUDED = "concluded", _("concluded")
    CLOSED = "closed", _("closed")
    DECLINED = "declined", _("declined")
    REFERRED = "referred", _("referred")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The one table of allowed status changes; `portal.core.workflows.transition` enforces it.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset(
        {Status.IN_TRIAGE, Status.DECLINED, Status.REFERRED, Status.WITHDRAWN}
    ),
    Status.IN_TRIAGE: frozenset(
        {Status.ASSIGNED, Status.DECLINED, Status.REFERRED, Status.WITHDRAWN}
    ),
    Status.ASSIGNED: frozenset(
        {Status.IN_PROGRESS, Status.DECLINED, Status.REFERRED, Status.WITHDRAWN}
    ),
    Status.IN_PROGRESS: frozenset({Status.CONCLUDED, Status.REFERRED, Status.WITHDRAWN}),
    Status.CONCLUDED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset(),
    Status.DECLINED: frozenset(),
    Status.REFERRED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.IN_TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS})
# Cases that take up an advisor's capacity.
ACTIVE_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
ENDED_STATUSES = frozenset({Status.CLOSED, Status.DECLINED, Status.REFERRED, Status.WITHDRAWN})
# A request can book a (first) conversation while it is open; see `bookable()`.
BOOKABLE_STATUSES = OPEN_STATUSES

CASE = Workflow(
    name="consultation",
    statuses=Status,
    table=TRANSITIONS,
    error=ConsultationError,
    refusal=_("A case that is %(current)s cannot become %(new)s."),
)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Within the next weeks")
    SOON = "soon", _("Soon: within two weeks")
    URGENT = "urgent", _("Urgent: a decision or event is imminent")


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who sees a request: its requester and verified colleagues of the same municipality
        or organisation; advisors the cases they lead, co-advise or have an appointment in;
        coordinators all. Everybody else nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if is_coordinating(user):
            return self
        verified = Membership.objects.verified().filter(user=user)
        scope = (
            Q(requester=user)
            | Q(municipality__in=verified.filter(municipality__isnull=False).values("municipality"))
            | Q(organisation__in=verified.filter(organisation__isnull=False).values("organisation"))
        )
        if user.has_role("advisor"):
            scope |= self.advised_by_q(user)
        return self.filter(scope)

    @staticmethod
    def advised_by_q(user) -> Q:
        has_appointment = Appointment.objects.filter(
            consultation=OuterRef("pk"), advisor__user=user
        )
        return Q(lead_advisor__user=user) | Q(co_advisor__user=user) | Q(Exists(has_appointment))

    def advised_by(self, user):
        """The cases an advisor works on (admin scope)."""
        if is_coordinating(user):
            return self
        return self.filter(self.advised_by_q(user))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def bookable(self, *, now=None):
        """Requests that can still book a conversation: open, and none is coming up yet.

        The one rule; `Consultation.is_bookable` is its twin for one loaded request."""
        now = now or timezone.now()
        upcoming = Appointment.objects.scheduled().filter(
            consultation=OuterRef("pk"), starts_at__gt=now
        )
        return self.filter(status__in=BOOKABLE_STATUSES).exclude(Exists(upcoming))


class Consultation(models.Model):
    """A request for advice and, once assigned, the case it becomes."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    # Copied from the body at submission: filters and reports need it without a join.
    state = models.CharField(
        _("federal state"), max_length=2, choices=FederalState.choices, db_index=True
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="consultations")
    concern = models.TextField(_("concern"))
    goal = models.TextField(_("what you hope to reach"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    contact_mode = models.CharField(
        _("preferred way of meeting"), max_length=10, choices=ContactMode.choices
    )
    preferred_advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("preferred advisor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    privacy_accepted_at = models.DateTimeField(_("data-protection notice accepted at"))

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    lead_advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("lead advisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
    )
    co_advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("co-advisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_co_advised",
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the request was declined or referred.")
    )
    referred_to = models.CharField(
        _("referred to"),
        max_length=200,
        blank=True,
        help_text=_("The programme or service the request was passed on to."),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    measures = models.TextField(_("agreed measures"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[topics])
    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("consultation", "case")
        verbose_name_plural = pgettext_lazy("consultation", "cases")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(municipality__isnull=False, organisation__isnull=True)
                    | Q(municipality__isnull=True, organisation__isnull=False)
                ),
                name="consultation_exactly_one_body",
            ),
            models.CheckConstraint(
                condition=Q(co_advisor__isnull=True) | ~Q(co_advisor=models.F("lead_advisor")),
                name="consultation_co_advisor_not_lead",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.reference} · {self.body}"

    def get_absolute_url(self):
        return reverse("consultations:detail", args=[self.pk])

    @property
    def body(self):
        """The municipality or organisation the request is made for."""
        return self.municipality or self.organisation

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def is_bookable(self) -> bool:
        """Twin of `Consultation.objects.bookable()`; reads prefetched appointments."""
        return self.is_bookable_at(timezone.now())

    def is_bookable_at(self, now) -> bool:
        if self.status not in BOOKABLE_STATUSES:
            return False
        return not any(
            a.status == AppointmentStatus.SCHEDULED and a.starts_at > now
            for a in self.appointments.all()
        )


def new_reference() -> str:
    """A short code people can say on the phone: `KV-` and six letters or digits."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    number = uuid.uuid4().int
    code = ""
    for _index in range(6):
        number, digit = divmod(number, len(alphabet))
        code += alphabet[digit]
    return f"KV-{code}"


class Phase(models.TextChoices):
    FIRST_CONVERSATION = "first_conversation", _("First conversation")
    SITE_ANALYSIS = "site_analysis", _("Site analysis")
    INVENTORY = "inventory", _("Inventory")
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    ROUND_TABLE = "round_table", _("Round table")
    ADVICE = "advice", _("Advice session")
    FOLLOW_UP = "follow_up", _("Follow-up")


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("appointment", "scheduled")
    CANCELLED = "cancelled", pgettext_lazy("appointment", "cancelled")


# A cancelled appointment stays cancelled: both sides were sent the calendar cancellation.
APPOINTMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.SCHEDULED: frozenset({AppointmentStatus.CANCELLED}),
    AppointmentStatus.CANCELLED: frozenset(),
}
APPOINTMENT = Workflow(
    name="appointment",
    statuses=AppointmentStatus,
    table=APPOINTMENT_TRANSITIONS,
    error=ConsultationError,
    refusal=_("An appointment that is %(current)s cannot become %(new)s."),
)


class AppointmentQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=AppointmentStatus.SCHEDULED)

    def overlapping(self, *, advisor_id: int, start, end):
        """Scheduled appointments of one advisor that overlap [start, end)."""
        return self.scheduled().filter(advisor_id=advisor_id, starts_at__lt=end, ends_at__gt=start)


class Appointment(models.Model):
    """A meeting of a case. No two scheduled appointments of one advisor overlap: on
    PostgreSQL an exclusion constraint (migration 0002) guarantees it, the booking service
    checks it first."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=pgettext_lazy("consultation", "case"),
        on_delete=models.CASCADE,
        related_name="appointments",
    )
    advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(_("way of meeting"), max_length=10, choices=ContactMode.choices)
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Address for a meeting in person.")
    )
    video_link = models.URLField(_("video link"), blank=True)
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.FIRST_CONVERSATION
    )
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("What was discussed and agreed.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.SCHEDULED,
        db_index=True,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("meeting", "appointment")
        verbose_name_plural = pgettext_lazy("meeting", "appointments")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%d.%m.%Y %H:%M} · {self.get_phase_display()}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == AppointmentStatus.SCHEDULED

    @property
    def can_be_changed(self) -> bool:
        """Scheduled in a case that has not ended: moving or cancelling it is still a question
        of notice (services check that), not refused outright."""
        return self.is_scheduled and not self.consultation.has_ended

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def calendar_uid(self) -> str:
        return f"appointment-{self.pk}@kommune-vielfalt"


class Note(models.Model):
    """An internal note of the advisors and coordinators; never shown to the requester."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


def document_path(document, filename):
    """A random name: the stored file reveals nothing; the original name is kept in a field."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"consultations/{uuid.uuid4().hex}.{extension}"


class DocumentQuerySet(models.QuerySet):
    def for_requester(self):
        return self.filter(shared=True)


class Document(models.Model):
    """A file of a case: attached by the requester, or added by an advisor (and shared with
    the requester only when `shared`)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=document_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    shared = models.BooleanField(
        _("visible to the requester"),
        default=False,
        help_text=_("Files from the requester are always visible to them."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class Message(models.Model):
    """The thread between the requester's side and the advisors. Emails only say that a
    message is waiting; the text stays in the portal."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    from_advisors = models.BooleanField(_("from the advisors"), default=False)
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class Rating(models.IntegerChoices):
    VERY_GOOD = 5, _("very good")
    GOOD = 4, _("good")
    FAIR = 3, _("fair")
    POOR = 2, _("poor")
    VERY_POOR = 1, _("very poor")


class Usefulness(models.IntegerChoices):
    VERY = 3, _("very useful")
    SOMEWHAT = 2, _("somewhat useful")
    NOT = 1, _("not useful")


class Feedback(models.Model):
    """The requester's answer to the follow-up email; one per case."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("overall, how was the advice?"), choices=Rating.choices
    )
    usefulness = models.PositiveSmallIntegerField(
        _("how useful was it for your work?"), choices=Usefulness.choices
    )
    what_changed = models.TextField(_("what has changed since?"), blank=True)
    comment = models.TextField(_("anything else you want to tell us"), blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return f"{self.consultation.reference}: {self.get_rating_display()}"
