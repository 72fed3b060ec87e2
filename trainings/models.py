"""Qualification courses, their dates, competence modules, registrations and certificates.

A `Course` is offered on one or more `CourseDate`s. Either its dates form a series, and one
registration covers all of them (a three-date workshop), or each date is the same course
offered again, and a registration is for one chosen date. Either way the thing a person
registers for is an *offer* (`Offer`): the course and, unless it is a series, the date. Its
seats are the smallest capacity of its scheduled dates.

A `Registration` is confirmed while seats are free and wait-listed otherwise; the waitlist is
ordered by arrival (the row's id, handed out under the lock on the offer's dates). Seats are
counted by `portal.core.capacity` (`Offer.pool()`), the module exchange rounds use too. Its
status moves only along `REGISTRATION` (a date's along `COURSE_DATE`), through `services.py`
and `portal.core.workflows.transition`.

A course open to the public (`Course.open_to_public`) also takes guests: a registration with
a name and an email address instead of an account (`person` empty). A guest's registration is
*unconfirmed* until the guest follows the link in the email (`portal.core.guests`); it holds a
seat meanwhile, or waits without a place in the queue if the offer is full, and expires
after 24 hours (`expires_at`) so its seat moves on.

Whether a date takes registrations is one rule with two spellings that tests hold together:
`CourseDateQuerySet.with_registration_window` (SQL, for lists) and
`CourseDate.registration_window` (Python, for one date or offer).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Count, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultations.models import Rating  # the same five-step scale as the advice's feedback
from portal.accounts.models import FederalState, Municipality, Organisation
from portal.advisors.models import Topic
from portal.core.capacity import Pool
from portal.core.workflows import Workflow
from trainings.errors import TrainingError


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class CompletionRule(models.TextChoices):
    ALL = "all", _("all modules")
    SOME = "some", _("a number of the modules")


class Programme(models.Model):
    """A qualification series made of competence modules (Kompetenzbausteine)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    completion_rule = models.CharField(
        _("completed with"),
        max_length=10,
        choices=CompletionRule.choices,
        default=CompletionRule.ALL,
    )
    modules_required = models.PositiveSmallIntegerField(
        _("modules required"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Only for “a number of the modules”: how many must be completed."),
    )
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_rule=CompletionRule.ALL) | Q(modules_required__gte=1),
                name="programme_rule_has_number",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("trainings:programme", args=[self.slug])

    def clean(self):
        if self.completion_rule == CompletionRule.SOME and not self.modules_required:
            raise ValidationError(
                {"modules_required": _("Say how many modules complete the programme.")}
            )

    def required_count(self, module_count: int) -> int:
        """How many modules complete the programme, given how many it has."""
        if self.completion_rule == CompletionRule.SOME and self.modules_required:
            return min(self.modules_required, module_count)
        return module_count


class Module(models.Model):
    """A competence module of a programme; completed by attending every date of one of its
    courses."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="modules", verbose_name=_("programme")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("competence module")
        verbose_name_plural = _("competence modules")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="module_position_unique"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for the calendar.")
    )
    description = models.TextField(_("description"), blank=True)
    learning_goals = models.TextField(
        _("learning goals"), blank=True, help_text=_("One goal per line.")
    )
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    format = models.CharField(_("format"), max_length=12, choices=CourseFormat.choices)
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("competence module"),
        help_text=_("Attending every date of this course completes the module."),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_courses",
        verbose_name=_("responsible coordinator"),
    )
    is_series = models.BooleanField(
        _("the dates form a series"),
        default=True,
        help_text=_(
            "On: one registration covers all dates. Off: each date offers the whole course "
            "again, and people register for one date."
        ),
    )
    seats_per_municipality = models.PositiveSmallIntegerField(
        _("seats per municipality"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit. Otherwise one municipality may hold at most this many."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before"),
        default=3,
        help_text=_("Participants are reminded this many days before each date; 0: no reminder."),
    )
    open_to_public = models.BooleanField(
        _("open to the public"),
        default=False,
        help_text=_(
            "On: anyone may register as a guest with a name and an email address, without an "
            "account (e.g. a public lecture). Guests count in the seats; they get no certificate."
        ),
    )
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("trainings:course", args=[self.slug])

    @property
    def goals(self) -> list[str]:
        return [line.strip() for line in self.learning_goals.splitlines() if line.strip()]


class DateStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    CANCELLED = "cancelled", pgettext_lazy("course date", "cancelled")


DATE_TRANSITIONS: dict[str, frozenset[str]] = {
    DateStatus.SCHEDULED: frozenset({DateStatus.CANCELLED}),
    DateStatus.CANCELLED: frozenset(),
}

COURSE_DATE = Workflow(
    name="course_date",
    statuses=DateStatus,
    table=DATE_TRANSITIONS,
    error=TrainingError,
    refusal=_("A date that is %(current)s cannot become %(new)s."),
)


class Window:
    """Whether a date takes registrations at a moment, and if not, why not."""

    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"  # the deadline has passed
    CANCELLED = "cancelled"


class CourseDateQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=DateStatus.SCHEDULED)

    def public(self):
        """Dates of published courses, cancelled ones included (calendars show the change)."""
        return self.filter(course__published=True)

    def with_registration_window(self, now: datetime):
        """Annotate `offer_opens`, `offer_deadline` and `window` (a `Window` value at `now`).

        The SQL spelling of `CourseDate.registration_window`: a date takes registrations while
        it is scheduled, from its offer's opening (none: at once) until its offer's deadline
        (none: the start); in a series both are those of its first scheduled date.
        """
        first_of_series = self.model.objects.filter(
            course=OuterRef("course"), status=DateStatus.SCHEDULED
        ).order_by("start", "pk")

        def of_offer(expression):
            return Case(
                When(
                    course__is_series=True,
                    then=Subquery(first_of_series.annotate(value=expression).values("value")[:1]),
                ),
                default=expression,
            )

        return self.annotate(
            offer_opens=of_offer(F("registration_opens")),
            offer_deadline=of_offer(Coalesce("registration_deadline", "start")),
        ).annotate(
            window=Case(
                When(~Q(status=DateStatus.SCHEDULED), then=Value(Window.CANCELLED)),
                When(offer_deadline__lte=now, then=Value(Window.CLOSED)),
                When(offer_opens__gt=now, then=Value(Window.NOT_YET_OPEN)),
                default=Value(Window.OPEN),
                output_field=models.CharField(),
            )
        )

    def taking_registrations(self, now: datetime):
        """The dates that take registrations at `now` (twin of `CourseDate.takes_registrations`)."""
        return self.with_registration_window(now).filter(window=Window.OPEN)

    def with_seats(self):
        """Annotate `seats`, `taken`, `free`, `series_index` and `series_length`; for a series
        they describe the whole series the date belongs to."""
        series_dates = self.model.objects.filter(
            course=OuterRef("course"), status=DateStatus.SCHEDULED
        ).order_by()
        series_capacity = series_dates.values("course").annotate(m=Min("capacity")).values("m")
        confirmed = (
            Registration.objects.filter(course=OuterRef("course"), status__in=SEAT_HOLDING)
            .filter(Q(date=OuterRef("pk")) | Q(date__isnull=True))
            .order_by()
            .values("course")
            .annotate(n=Count("pk"))
            .values("n")
        )
        earlier = (
            series_dates.filter(start__lt=OuterRef("start"))
            .values("course")
            .annotate(n=Count("pk"))
            .values("n")
        )
        length = series_dates.values("course").annotate(n=Count("pk")).values("n")
        return self.annotate(
            seats=Case(
                When(course__is_series=True, then=Coalesce(Subquery(series_capacity), 0)),
                default=F("capacity"),
                output_field=models.IntegerField(),
            ),
            taken=Coalesce(Subquery(confirmed), 0),
            free=F("seats") - F("taken"),
            series_index=Coalesce(Subquery(earlier), 0) + 1,
            series_length=Coalesce(Subquery(length), 0),
        )


class CourseDate(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="dates", verbose_name=_("course")
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    online = models.BooleanField(
        _("online"), default=False, help_text=_("Held as a video meeting (or hybrid).")
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(
        pgettext_lazy("street address", "address"), max_length=300, blank=True
    )
    town = models.CharField(_("town"), max_length=120, blank=True)
    state = models.CharField(
        _("federal state"), max_length=2, choices=FederalState.choices, blank=True
    )
    video_link = models.URLField(
        _("video link"),
        blank=True,
        help_text=_("Shown only to confirmed participants, on the course page and in emails."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1)], default=25
    )
    registration_opens = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open at once.")
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_(
            "Registering and cancelling end here. Empty: when the date starts. "
            "In a series the first date's deadline counts."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DateStatus.choices, default=DateStatus.SCHEDULED
    )
    cancelled_reason = models.TextField(_("reason for the cancellation"), blank=True)

    objects = CourseDateQuerySet.as_manager()

    class Meta:
        verbose_name = _("course date")
        verbose_name_plural = _("course dates")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="date_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_opens__isnull=True)
                | Q(registration_deadline__gt=models.F("registration_opens")),
                name="date_deadline_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["status", "start"], name="date_status_start")]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{self.course.title}, {local:%d.%m.%Y %H:%M}"

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("A date ends after it starts.")
        if (
            self.registration_opens
            and self.registration_deadline
            and self.registration_deadline <= self.registration_opens
        ):
            errors["registration_deadline"] = _("The deadline must come after the opening.")
        if not self.online and not (self.venue and self.town):
            errors["venue"] = _("Give the venue and town, or mark the date as online.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == DateStatus.CANCELLED

    def registration_window(self, now: datetime, *, first: "CourseDate | None" = None) -> str:
        """Whether this date takes registrations at `now` (a `Window` value).

        The Python spelling of `CourseDateQuerySet.with_registration_window`. `first` is the
        first scheduled date of the offer when the caller holds it already; otherwise it is
        read from the course's dates (prefetch `course__dates` for lists).
        """
        if self.status != DateStatus.SCHEDULED:
            return Window.CANCELLED
        first = first or self.first_of_offer()
        if now >= first.deadline:
            return Window.CLOSED
        if first.registration_opens is not None and now < first.registration_opens:
            return Window.NOT_YET_OPEN
        return Window.OPEN

    def takes_registrations(self, now: datetime) -> bool:
        return self.registration_window(now) == Window.OPEN

    def first_of_offer(self) -> "CourseDate":
        """The date whose opening and deadline count: this one, or its series' first
        scheduled date."""
        if not self.course.is_series:
            return self
        scheduled = [d for d in self.course.dates.all() if d.status == DateStatus.SCHEDULED]
        return min(scheduled, key=lambda d: (d.start, d.pk), default=self)

    @property
    def deadline(self) -> datetime:
        return self.registration_deadline or self.start

    @property
    def hours(self) -> Decimal:
        """Length in hours, to the half hour."""
        seconds = Decimal((self.end - self.start).total_seconds())
        return (seconds / 1800).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2

    @property
    def place(self) -> str:
        if self.online and not self.venue:
            return str(_("Online"))
        return ", ".join(part for part in (self.venue, self.address, self.town) if part)


@dataclass
class Offer:
    """What a person registers for: a whole series, or one date of a repeated course.

    `dates` are the scheduled dates the registration covers, earliest first.
    """

    course: Course
    date: CourseDate | None
    dates: list[CourseDate]

    @property
    def capacity(self) -> int:
        return min((d.capacity for d in self.dates), default=0)

    @property
    def opens(self) -> datetime | None:
        return self.dates[0].registration_opens if self.dates else None

    @property
    def deadline(self) -> datetime | None:
        return self.dates[0].deadline if self.dates else None

    @property
    def starts(self) -> datetime | None:
        return self.dates[0].start if self.dates else None

    @property
    def ends(self) -> datetime | None:
        return self.dates[-1].end if self.dates else None

    def window(self, now: datetime) -> str:
        """Whether the offer takes registrations at `now` (see `CourseDate.registration_window`)."""
        if not self.dates:
            return Window.CANCELLED
        return self.dates[0].registration_window(now, first=self.dates[0])

    def is_open(self, now: datetime) -> bool:
        return self.window(now) == Window.OPEN

    def takes_cancellations(self, now: datetime) -> bool:
        """Participants cancel until the deadline of the first date they registered for."""
        return bool(self.dates) and now < self.deadline

    def registrations(self):
        return Registration.objects.filter(course=self.course, date=self.date)

    def pool(self) -> Pool:
        """The offer's seats as `portal.core.capacity` counts them (under the caller's lock)."""
        return self.registrations().pool(capacity=self.capacity)


class RegistrationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("waiting for the guest's confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waitlist")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired unconfirmed")
    CALLED_OFF = "called_off", _("called off by the organisers")


# Statuses that hold a seat (a guest's unconfirmed registration keeps one for 24 hours), and
# those that count as registered (against caps, and for one active registration per course).
SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.UNCONFIRMED)
ACTIVE_REGISTRATION = (*SEAT_HOLDING, RegistrationStatus.WAITLISTED)

TRANSITIONS: dict[str, frozenset[str]] = {
    # A guest's, until the address is confirmed or 24 hours have passed.
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
            RegistrationStatus.EXPIRED,  # a guest on the waitlist who never confirmed
            RegistrationStatus.CANCELLED,
            RegistrationStatus.CALLED_OFF,
        }
    ),
    RegistrationStatus.CANCELLED: frozenset(),
    RegistrationStatus.EXPIRED: frozenset(),
    RegistrationStatus.CALLED_OFF: frozenset(),
}

REGISTRATION = Workflow(
    name="registration",
    statuses=RegistrationStatus,
    table=TRANSITIONS,
    error=TrainingError,
    refusal=_("A registration that is %(current)s cannot become %(new)s."),
)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_REGISTRATION)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("pk")

    def holding_seats(self):
        return self.filter(status__in=SEAT_HOLDING)

    def waiting(self):
        """The waitlist in order of arrival (ids are handed out under the offer's lock); a
        guest waits only once their address is confirmed."""
        return self.waitlisted().filter(email_confirmed=True)

    def guests(self):
        return self.filter(person__isnull=True)

    def members(self):
        return self.filter(person__isnull=False)

    def unconfirmed_expired(self, now: datetime):
        """Guests' registrations whose 24 hours for confirming have passed."""
        return self.active().filter(email_confirmed=False, expires_at__lte=now)

    def pool(self, *, capacity: int) -> Pool:
        """These registrations (one offer's) as a pool of `capacity` seats. Positions on the
        waitlist do not depend on the number of seats."""
        return Pool(
            capacity=capacity,
            holders=self.holding_seats(),
            waiting=self.waiting(),
            active=self.active(),
        )


class Registration(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("course")
    )
    date = models.ForeignKey(
        CourseDate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("date"),
        help_text=_("Empty for a series: the registration covers all its dates."),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="course_registrations",
        verbose_name=_("participant"),
        help_text=_("Empty for a guest of a course open to the public."),
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
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, db_index=True
    )
    answers = models.JSONField(
        _("answers"),
        default=list,
        blank=True,
        help_text=_("The registration questions as asked, with the answers given."),
    )
    share_contact = models.BooleanField(
        _("listed for other participants"),
        default=False,
        help_text=_("Name and municipality may be shown to the other confirmed participants."),
    )
    guest_name = models.CharField(_("guest's name"), max_length=150, blank=True)
    guest_email = models.EmailField(_("guest's email address"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("A guest's emails are written in this language."),
    )
    email_confirmed = models.BooleanField(
        _("address confirmed"),
        default=True,
        help_text=_("A guest confirms through the link in the email; members always are."),
    )
    expires_at = models.DateTimeField(
        _("expires unconfirmed at"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, guest_email="")
                    | Q(person__isnull=True) & ~Q(guest_email="") & ~Q(guest_name="")
                ),
                name="registration_member_or_guest",
            ),
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=Q(status__in=["unconfirmed", "confirmed", "waitlisted"]),
                name="registration_one_active_per_course",
                violation_error_message=_("You are already registered for this course."),
            ),
            models.UniqueConstraint(
                "course",
                Lower("guest_email"),
                condition=Q(status__in=["unconfirmed", "confirmed", "waitlisted"])
                & ~Q(guest_email=""),
                name="registration_one_active_per_guest",
                violation_error_message=_("This address is already registered for this course."),
            ),
        ]
        indexes = [
            models.Index(fields=["course", "date", "status"], name="registration_offer_status"),
        ]

    def __str__(self):
        return f"{self.who} – {self.course}"

    @property
    def who(self) -> str:
        """The member (as their account reads) or the guest's name."""
        return self.guest_name if self.is_guest else str(self.person)

    @property
    def is_guest(self) -> bool:
        return self.person_id is None

    @property
    def name(self) -> str:
        """The participant's name as lists and certificates show it."""
        if self.is_guest:
            return self.guest_name
        return self.person.full_name or self.person.email

    @property
    def email(self) -> str:
        return self.guest_email if self.is_guest else self.person.email

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATION

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def body(self):
        return self.municipality or self.organisation


class Question(models.Model):
    """A question the coordinator asks everyone who registers for a course."""

    class Kind(models.TextChoices):
        TEXT = "text", _("free text")
        CHOICE = "choice", _("one of several answers")
        YES_NO = "yes_no", _("yes or no")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("course")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices)
    choices = models.TextField(
        _("answers to choose from"), blank=True, help_text=_("One per line; only for a choice.")
    )
    required = models.BooleanField(_("answer required"), default=False)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["course", "position", "pk"]

    def __str__(self):
        return self.label

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.options) < 2:
            raise ValidationError({"choices": _("Give at least two answers, one per line.")})


class Attendance(models.Model):
    """Whether a confirmed participant was there on one date, as recorded at the door."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("registration"),
    )
    date = models.ForeignKey(
        CourseDate, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("date")
    )
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "date"], name="attendance_once_per_date"
            ),
        ]

    def __str__(self):
        return f"{self.registration.who}: {self.date}"


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_certificate_code() -> str:
    """`TB-` and two groups of four letters or digits: 40 bits, not guessable."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _index in range(8))
    return f"TB-{letters[:4]}-{letters[4:]}"


def certificate_code_as_issued(typed: str) -> str:
    """The code as printed (`TB-7QH3-MZ2K`) from what a person typed or read out: case,
    hyphens and spaces do not matter (`tb7qh3mz2k`). Anything else comes back in capitals
    without its punctuation, and is then found nowhere."""
    letters = "".join(char for char in typed[:40].upper() if char.isascii() and char.isalnum())
    if len(letters) == 10 and letters.startswith("TB"):
        return f"TB-{letters[2:6]}-{letters[6:]}"
    return letters


class Certificate(models.Model):
    """A certificate handed out once and verifiable by its code.

    The name, title and dates are copied when it is issued, so it stays what was printed.
    """

    class Kind(models.TextChoices):
        COURSE = "course", _("certificate of attendance")
        PROGRAMME = "programme", _("programme certificate")

    code = models.CharField(_("verification code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("participant"),
    )
    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("registration"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name on the certificate"), max_length=200)
    title = models.CharField(_("course or programme"), max_length=200)
    details = models.JSONField(_("what it lists"), default=dict)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="course", registration__isnull=False, programme__isnull=True)
                    | Q(kind="programme", registration__isnull=True, programme__isnull=False)
                ),
                name="certificate_of_one_thing",
            ),
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(kind="programme"),
                name="certificate_one_per_programme",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.name}, {self.title}"

    def get_absolute_url(self):
        return reverse("certificate_verify", args=[self.code])


class CourseFeedback(models.Model):
    """A participant's answer to the follow-up email; one per registration."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("overall, how was the course?"), choices=Rating.choices
    )
    will_apply = models.TextField(_("what will you apply in your work?"), blank=True)
    comment = models.TextField(
        pgettext_lazy("feedback", "anything else you want to tell us"), blank=True
    )
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("course feedback")
        verbose_name_plural = _("course feedback")

    def __str__(self):
        return f"{self.registration.course}: {self.get_rating_display()}"
