"""Exchange rounds between municipalities, their registrations and guests, questions in
advance, documentation with follow-up items, and the library of practice examples.

An `ExchangeRound` is one meeting: a working session, forum or conference of a federal
state's municipalities, a local round table (which may recur as a `RoundSeries`), or an
information evening open to everyone. It is open to all federal states or to a set of them,
and to an audience: municipal staff, organisations, both, or the public.

A `RoundRegistration` is a verified member's (`person`) or, at a public round, a guest's
(`guest_name`, `guest_email`, no account). Seats are counted by `portal.core.capacity`, the
module course dates use too: confirmed registrations and unconfirmed guests hold a seat; the
waitlist is ordered by arrival. A guest confirms their address through a signed link within
24 hours, or the registration expires and its seat moves on.

Statuses move only along `ROUND` and `ROUND_REGISTRATION` (a practice example's along
`PRACTICE_EXAMPLE`), through `exchanges.services` and `portal.core.workflows.transition`.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exchanges.errors import ExchangeError
from portal.accounts.models import FederalState, Municipality, Organisation
from portal.advisors.models import Topic
from portal.core.fields import ChoiceSetField
from portal.core.workflows import Workflow

MAX_CAPACITY = 500
GUEST_CONFIRMATION_HOURS = 24


class RoundFormat(models.TextChoices):
    WORKING_SESSION = "working_session", _("working session")
    FORUM = "forum", _("forum")
    CONFERENCE = "conference", _("conference")
    ROUND_TABLE = "round_table", _("round table")
    INFORMATION_EVENING = "information_evening", _("information evening")


class RoundMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Audience(models.TextChoices):
    MUNICIPAL = "municipal", _("municipal staff")
    ORGANISATIONS = "organisations", _("Muslim and Alevite organisations")
    BOTH = "both", _("municipal staff and organisations")
    PUBLIC = "public", _("everyone (public event)")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("exchange round", "draft")
    OPEN = "open", pgettext_lazy("exchange round", "open for registration")
    FULL = "full", pgettext_lazy("exchange round", "fully booked")
    HELD = "held", pgettext_lazy("exchange round", "held")
    DOCUMENTED = "documented", pgettext_lazy("exchange round", "documented")
    CANCELLED = "cancelled", pgettext_lazy("exchange round", "cancelled")


# Open and full swap as seats are taken and freed; a held round may be documented once.
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN, RoundStatus.CANCELLED}),
    RoundStatus.OPEN: frozenset({RoundStatus.FULL, RoundStatus.HELD, RoundStatus.CANCELLED}),
    RoundStatus.FULL: frozenset({RoundStatus.OPEN, RoundStatus.HELD, RoundStatus.CANCELLED}),
    RoundStatus.HELD: frozenset({RoundStatus.DOCUMENTED}),
    RoundStatus.DOCUMENTED: frozenset(),
    RoundStatus.CANCELLED: frozenset(),
}

ROUND = Workflow(
    name="exchange_round",
    statuses=RoundStatus,
    table=ROUND_TRANSITIONS,
    error=ExchangeError,
    refusal=_("An exchange round that is %(current)s cannot become %(new)s."),
)

# Statuses in which a round is shown to the public (a draft is not).
PUBLISHED_ROUND = (
    RoundStatus.OPEN,
    RoundStatus.FULL,
    RoundStatus.HELD,
    RoundStatus.DOCUMENTED,
    RoundStatus.CANCELLED,
)


class RoundSeries(models.Model):
    """Meetings of one recurring round table; each next meeting is created from the last."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("round-table series")
        verbose_name_plural = _("round-table series")
        ordering = ["title"]

    def __str__(self):
        return self.title


class ExchangeRoundQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=PUBLISHED_ROUND)

    def open_to_state(self, state: str):
        """Rounds open to every state (an empty set) or to `state` among others."""
        return self.filter(Q(states=[]) | ChoiceSetField.contains("states", state))

    def upcoming(self, now: datetime):
        return self.filter(end__gt=now)

    def past(self, now: datetime):
        return self.filter(end__lte=now)


class ExchangeRound(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    themes = models.ManyToManyField(Topic, verbose_name=_("themes"), related_name="rounds")
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for the calendar.")
    )
    description = models.TextField(_("description"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    format = models.CharField(_("format"), max_length=24, choices=RoundFormat.choices)
    mode = models.CharField(
        _("held"), max_length=12, choices=RoundMode.choices, default=RoundMode.IN_PERSON
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(
        pgettext_lazy("street address", "address"), max_length=300, blank=True
    )
    town = models.CharField(_("town"), max_length=120, blank=True)
    venue_state = models.CharField(
        _("federal state of the venue"), max_length=2, choices=FederalState.choices, blank=True
    )
    video_link = models.URLField(
        _("video link"), blank=True, help_text=_("Shown only to confirmed participants.")
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderating advisors"),
        related_name="moderated_rounds",
        blank=True,
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_rounds",
        verbose_name=_("responsible coordinator"),
    )
    states = ChoiceSetField(
        _("open to the federal states"),
        max_length=64,
        choices=FederalState.choices,
        blank=True,
        help_text=_("None ticked: open to all federal states. Two or more: a cross-state round."),
    )
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    capacity = models.PositiveSmallIntegerField(
        _("seats"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    seats_per_municipality = models.PositiveSmallIntegerField(
        _("seats per municipality"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit."),
    )
    seats_per_state = models.PositiveSmallIntegerField(
        _("seats per federal state"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit."),
    )
    registration_opens = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open at once.")
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Registering and cancelling end here. Empty: when the round starts."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before"),
        default=2,
        help_text=_("Participants are reminded this many days before; 0: no reminder."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
        db_index=True,
    )
    cancelled_reason = models.TextField(_("reason for the cancellation"), blank=True)
    series = models.ForeignKey(
        RoundSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("round-table series"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_meetings",
        verbose_name=_("previous meeting"),
    )
    # The documentation, written by the moderator after the round.
    documentation_summary = models.TextField(_("summary of the round"), blank=True)
    documentation_results = models.TextField(_("results"), blank=True)
    documentation_open_to_officers = models.BooleanField(
        _("documentation open to all signed-in officers"),
        default=False,
        help_text=_("Off: only the round's participants and its team read it."),
    )
    documented_at = models.DateTimeField(_("documentation published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ExchangeRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange round")
        verbose_name_plural = _("exchange rounds")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="round_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=MAX_CAPACITY),
                name="round_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_opens__isnull=True)
                | Q(registration_deadline__gt=models.F("registration_opens")),
                name="round_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="round_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "start"], name="round_status_start")]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{self.title}, {local:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("exchanges:detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("A round ends after it starts.")
        if (
            self.registration_opens
            and self.registration_deadline
            and self.registration_deadline <= self.registration_opens
        ):
            errors["registration_deadline"] = _("The deadline must come after the opening.")
        if self.start and self.registration_deadline and self.registration_deadline > self.start:
            errors["registration_deadline"] = _(
                "Registration closes when the round starts at the latest."
            )
        if self.start and self.registration_opens and self.registration_opens >= self.start:
            errors["registration_opens"] = _("Registration must open before the round starts.")
        if self.mode != RoundMode.ONLINE and not (self.venue and self.town):
            errors["venue"] = _("Give the venue and town, or hold the round online.")
        if self.mode != RoundMode.IN_PERSON and not self.video_link:
            errors["video_link"] = _("An online or hybrid round needs a video link.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    @property
    def is_cross_state(self) -> bool:
        return len(self.states) >= 2

    @property
    def deadline(self) -> datetime:
        """Registering and cancelling end here: the deadline, the start at the latest."""
        if self.registration_deadline:
            return min(self.registration_deadline, self.start)
        return self.start

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]

    @property
    def place(self) -> str:
        if self.mode == RoundMode.ONLINE:
            return str(_("Online"))
        return ", ".join(part for part in (self.venue, self.address, self.town) if part)

    def takes_registrations(self, now: datetime) -> bool:
        """Open or full (a full round still takes people onto its waitlist), inside the
        registration window."""
        if self.status not in (RoundStatus.OPEN, RoundStatus.FULL):
            return False
        if self.registration_opens and now < self.registration_opens:
            return False
        return now < self.deadline


class RegistrationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("waiting for the guest's confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waitlist")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired unconfirmed")
    CALLED_OFF = "called_off", _("called off by the organisers")


# Statuses that hold a seat: a guest's unconfirmed registration keeps one for 24 hours.
SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.UNCONFIRMED)
ACTIVE_REGISTRATION = (*SEAT_HOLDING, RegistrationStatus.WAITLISTED)

REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    RegistrationStatus.UNCONFIRMED: frozenset(
        {
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.EXPIRED,
            RegistrationStatus.CANCELLED,
            RegistrationStatus.CALLED_OFF,
        }
    ),
    RegistrationStatus.CONFIRMED: frozenset(
        {RegistrationStatus.CANCELLED, RegistrationStatus.CALLED_OFF}
    ),
    RegistrationStatus.WAITLISTED: frozenset(
        {
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.EXPIRED,
            RegistrationStatus.CANCELLED,
            RegistrationStatus.CALLED_OFF,
        }
    ),
    RegistrationStatus.CANCELLED: frozenset(),
    RegistrationStatus.EXPIRED: frozenset(),
    RegistrationStatus.CALLED_OFF: frozenset(),
}

ROUND_REGISTRATION = Workflow(
    name="round_registration",
    statuses=RegistrationStatus,
    table=REGISTRATION_TRANSITIONS,
    error=ExchangeError,
    refusal=_("A registration that is %(current)s cannot become %(new)s."),
)


class RoundRegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_REGISTRATION)

    def holding_seats(self):
        return self.filter(status__in=SEAT_HOLDING)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        """The waitlist in order of arrival; a guest waits only once their address is
        confirmed."""
        return self.filter(status=RegistrationStatus.WAITLISTED, email_confirmed=True).order_by(
            "pk"
        )

    def guests(self):
        return self.filter(person__isnull=True)

    def members(self):
        return self.filter(person__isnull=False)


class RoundRegistration(models.Model):
    round = models.ForeignKey(
        ExchangeRound,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("exchange round"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="round_registrations",
        verbose_name=_("participant"),
        help_text=_("Empty for a guest of a public event."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    state = models.CharField(
        _("federal state"),
        max_length=2,
        choices=FederalState.choices,
        blank=True,
        help_text=_("The state of the participant's body; empty for guests."),
    )
    guest_name = models.CharField(_("guest's name"), max_length=150, blank=True)
    guest_email = models.EmailField(_("guest's email address"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, db_index=True
    )
    email_confirmed = models.BooleanField(
        _("address confirmed"),
        default=True,
        help_text=_("A guest confirms through the link in the email; members always are."),
    )
    expires_at = models.DateTimeField(
        _("expires unconfirmed at"), null=True, blank=True, db_index=True
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = RoundRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("round registration")
        verbose_name_plural = _("round registrations")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, guest_email="")
                    | Q(person__isnull=True) & ~Q(guest_email="") & ~Q(guest_name="")
                ),
                name="round_registration_member_or_guest",
            ),
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(status__in=["unconfirmed", "confirmed", "waitlisted"]),
                name="round_registration_one_active_per_person",
                violation_error_message=_("You are already registered for this round."),
            ),
            models.UniqueConstraint(
                "round",
                Lower("guest_email"),
                condition=Q(status__in=["unconfirmed", "confirmed", "waitlisted"])
                & ~Q(guest_email=""),
                name="round_registration_one_active_per_guest",
                violation_error_message=_("This address is already registered for this round."),
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="round_registration_status"),
        ]

    def __str__(self):
        return f"{self.name} – {self.round}"

    @property
    def is_guest(self) -> bool:
        return self.person_id is None

    @property
    def name(self) -> str:
        return self.guest_name if self.is_guest else self.person.full_name

    @property
    def email(self) -> str:
        return self.guest_email if self.is_guest else self.person.email

    @property
    def body(self):
        return self.municipality or self.organisation

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATION


class AdvanceQuestion(models.Model):
    """A question or topic a participant hands in before the round."""

    round = models.ForeignKey(
        ExchangeRound,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("exchange round"),
    )
    registration = models.ForeignKey(
        RoundRegistration,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("registration"),
    )
    theme = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("theme"),
    )
    text = models.TextField(_("question or topic"), max_length=2000)
    show_name = models.BooleanField(
        _("my name may be shown with it"),
        default=False,
        help_text=_("Off: the question appears without your name."),
    )
    on_agenda = models.BooleanField(_("on the agenda"), default=False)
    created_at = models.DateTimeField(_("handed in at"), default=timezone.now)

    class Meta:
        verbose_name = _("question in advance")
        verbose_name_plural = _("questions in advance")
        ordering = ["round", "theme", "pk"]

    def __str__(self):
        return self.text[:60]


class FollowUpItem(models.Model):
    """Who does what by when, agreed at a round; open items are shown at the next one."""

    round = models.ForeignKey(
        ExchangeRound,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("exchange round"),
    )
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(_("who"), max_length=200)
    due = models.DateField(_("by when"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    carried_to = models.ForeignKey(
        ExchangeRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_follow_ups",
        verbose_name=_("carried into"),
        help_text=_("The later round where this open item is taken up again."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["round", "position", "pk"]

    def __str__(self):
        return self.what


def round_file_path(instance, filename):
    return f"exchanges/{instance.round_id}/{filename}"


class RoundFile(models.Model):
    """A file attached to a round's documentation (slides, minutes, a photo log)."""

    round = models.ForeignKey(
        ExchangeRound,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("exchange round"),
    )
    file = models.FileField(_("file"), upload_to=round_file_path, max_length=300)
    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("documentation file")
        verbose_name_plural = _("documentation files")
        ordering = ["round", "pk"]

    def __str__(self):
        return self.title


class ExampleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("practice example", "draft")
    SUBMITTED = "submitted", pgettext_lazy("practice example", "waiting for review")
    RETURNED = "returned", pgettext_lazy("practice example", "sent back")
    PUBLISHED = "published", pgettext_lazy("practice example", "published")


EXAMPLE_TRANSITIONS: dict[str, frozenset[str]] = {
    ExampleStatus.DRAFT: frozenset({ExampleStatus.SUBMITTED}),
    ExampleStatus.SUBMITTED: frozenset({ExampleStatus.PUBLISHED, ExampleStatus.RETURNED}),
    ExampleStatus.RETURNED: frozenset({ExampleStatus.SUBMITTED}),
    ExampleStatus.PUBLISHED: frozenset({ExampleStatus.RETURNED}),
}

PRACTICE_EXAMPLE = Workflow(
    name="practice_example",
    statuses=ExampleStatus,
    table=EXAMPLE_TRANSITIONS,
    error=ExchangeError,
    refusal=_("A practice example that is %(current)s cannot become %(new)s."),
)


class PracticeExample(models.Model):
    """What one municipality did that others can learn from."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="practice_examples",
        verbose_name=_("municipality"),
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="+")
    situation = models.TextField(_("the situation"))
    action = models.TextField(_("what was done"))
    effort = models.TextField(_("what it took"), help_text=_("People, time, money, partners."))
    outcome = models.TextField(_("what came of it"))
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact address"), blank=True)
    contact_consent = models.BooleanField(
        _("the contact person agreed to be named"),
        default=False,
        help_text=_("Without their consent no contact is shown."),
    )
    rounds = models.ManyToManyField(
        ExchangeRound,
        verbose_name=_("presented at"),
        related_name="practice_examples",
        blank=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="practice_examples",
        verbose_name=_("submitted by"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExampleStatus.choices,
        default=ExampleStatus.DRAFT,
        db_index=True,
    )
    return_reason = models.TextField(_("why it was sent back"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("practice example")
        verbose_name_plural = _("practice examples")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExampleStatus.values), name="example_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(contact_consent=True) | Q(contact_name="", contact_email=""),
                name="example_contact_needs_consent",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exchanges:practice_detail", args=[self.slug])

    def clean(self):
        if (self.contact_name or self.contact_email) and not self.contact_consent:
            raise ValidationError({"contact_consent": _("Name a contact only with their consent.")})

    @property
    def is_published(self) -> bool:
        return self.status == ExampleStatus.PUBLISHED
