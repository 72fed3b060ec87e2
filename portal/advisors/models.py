"""Advisors, the topics they advise on, and when they can be booked.

`Topic` is the shared taxonomy of concerns: consultations, courses and exchange rounds use it
too. An `AdvisorProfile` belongs to a user of the advisor group and is what the public
directory shows once it is public. Availability is a set of `WeeklyWindow`s minus
`Absence`s, cut into slots by the booking rules on the profile (see `availability.py`).
"""

import itertools
import uuid
from collections import defaultdict
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import FederalState
from portal.accounts.roles import is_coordinating
from portal.core.fields import ChoiceSetField


def in_language(obj, field: str) -> str:
    """The English or German text of a bilingual pair of fields; German when English is empty."""
    if (get_language() or "de").startswith("en"):
        english = getattr(obj, f"{field}_en")
        if english:
            return english
    return getattr(obj, f"{field}_de")


class Format(models.TextChoices):
    """The two kinds of individual advice the programme offers."""

    FACHBERATUNG = "fachberatung", _("Expert advice (Fachberatung)")
    PROZESSBEGLEITUNG = "prozessbegleitung", _("Process support (Prozessbegleitung)")


class ContactMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", pgettext_lazy("contact mode", "Phone")


class Language(models.TextChoices):
    """Languages advisors offer advice in (ISO 639-1 codes)."""

    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    PERSIAN = "fa", _("Persian (Farsi, Dari)")
    KURDISH = "ku", _("Kurdish")
    FRENCH = "fr", _("French")
    BOSNIAN = "bs", _("Bosnian, Croatian, Serbian")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    URDU = "ur", _("Urdu")
    PASHTO = "ps", _("Pashto")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    SPANISH = "es", _("Spanish")
    ALBANIAN = "sq", _("Albanian")


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Topic(models.Model):
    """A concern a request, course or exchange round is about, e.g. Muslim burial grounds."""

    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive topics stay on old records but are offered nowhere."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "name_de"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")


def photo_path(profile, filename):
    """A fresh random name per upload: old links stop working and nothing of the original name
    (which may hold a person's name or a date) is kept."""
    return f"advisors/{uuid.uuid4().hex}.jpg"


class AdvisorProfileQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, user__is_active=True)

    def visible_to(self, user):
        """Public profiles; a hidden one also for its own advisor; all for coordinators."""
        if is_coordinating(user):
            return self
        if user.is_authenticated:
            return self.filter(Q(is_public=True, user__is_active=True) | Q(user=user))
        return self.public()

    def for_cards(self):
        """What a card of the directory shows, in a constant number of queries."""
        return self.select_related("user").prefetch_related(
            models.Prefetch("topics", queryset=Topic.objects.active())
        )


class AdvisorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="advisor_profile",
        limit_choices_to={"groups__name": "advisor"},
    )
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=80,
        unique=True,
        help_text=_(
            "Part of the profile's address, for example anna-schmidt in /advisors/anna-schmidt/."
        ),
    )
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    role_de = models.CharField(_("role (German)"), max_length=120, blank=True)
    role_en = models.CharField(_("role (English)"), max_length=120, blank=True)
    short_bio_de = models.CharField(_("short biography (German)"), max_length=300, blank=True)
    short_bio_en = models.CharField(_("short biography (English)"), max_length=300, blank=True)
    bio_de = models.TextField(_("biography (German)"), blank=True)
    bio_en = models.TextField(_("biography (English)"), blank=True)
    qualifications_de = models.TextField(
        _("degrees and further training (German)"),
        blank=True,
        help_text=_("One per line."),
    )
    qualifications_en = models.TextField(
        _("degrees and further training (English)"),
        blank=True,
        help_text=_("One per line."),
    )
    regional_knowledge_de = models.TextField(_("regional knowledge (German)"), blank=True)
    regional_knowledge_en = models.TextField(_("regional knowledge (English)"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("fields of expertise"), related_name="advisors", blank=True
    )
    languages = ChoiceSetField(
        _("languages spoken"), max_length=120, choices=Language.choices, default=["de"]
    )
    states = ChoiceSetField(
        _("federal states served"), max_length=60, choices=FederalState.choices, blank=True
    )
    formats = ChoiceSetField(
        _("formats offered"),
        max_length=60,
        choices=Format.choices,
        default=[Format.FACHBERATUNG, Format.PROZESSBEGLEITUNG],
    )
    modes = ChoiceSetField(
        _("ways of meeting"),
        max_length=40,
        choices=ContactMode.choices,
        default=[ContactMode.IN_PERSON, ContactMode.VIDEO, ContactMode.PHONE],
    )
    max_open_cases = models.PositiveSmallIntegerField(
        _("capacity (open cases at most)"),
        default=5,
        validators=[MaxValueValidator(50)],
    )
    is_public = models.BooleanField(
        _("shown in the public directory"),
        default=False,
        help_text=_("Only public profiles can be found and booked."),
    )

    # Booking rules: how free time is cut into bookable slots.
    slot_minutes = models.PositiveSmallIntegerField(
        _("length of an appointment (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between appointments (minutes)"),
        default=15,
        validators=[MaxValueValidator(120)],
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_("How long before an appointment it can be booked at the latest."),
    )
    horizon_weeks = models.PositiveSmallIntegerField(
        _("booking horizon (weeks)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text=_("How far ahead appointments can be booked."),
    )
    daily_max = models.PositiveSmallIntegerField(
        _("appointments per day at most"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AdvisorProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("advisor profile")
        verbose_name_plural = _("advisor profiles")
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=15, horizon_weeks__gte=1, daily_max__gte=1),
                name="advisor_profile_booking_rules",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.user.full_name or self.user.email

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if not w.endswith(".")]
        return "".join(word[0] for word in words[:1] + words[-1:]).upper() if words else "?"

    role = property(lambda self: in_language(self, "role"))
    short_bio = property(lambda self: in_language(self, "short_bio"))
    bio = property(lambda self: in_language(self, "bio"))
    regional_knowledge = property(lambda self: in_language(self, "regional_knowledge"))

    @property
    def qualifications(self) -> list[str]:
        return [line.strip() for line in in_language(self, "qualifications").splitlines() if line]

    @property
    def bio_paragraphs(self) -> list[str]:
        return [part.strip() for part in self.bio.split("\n\n") if part.strip()]

    def language_labels(self) -> list[str]:
        return [Language(code).label for code in self.languages if code in Language.values]

    def state_labels(self) -> list[str]:
        return [FederalState(code).label for code in self.states if code in FederalState.values]

    @property
    def serves_all_states(self) -> bool:
        return len(self.states) == len(FederalState.values)

    def format_labels(self) -> list[str]:
        return [Format(code).label for code in self.formats if code in Format.values]

    def mode_labels(self) -> list[str]:
        return [ContactMode(code).label for code in self.modes if code in ContactMode.values]


def hours_overlap(hours) -> bool:
    """Whether any two of the (start, end) pairs overlap; touching ends are fine."""
    ordered = sorted(hours)
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(ordered))


def weekday_hours_overlap(windows) -> int | None:
    """The first weekday on which two of the (weekday, start, end) windows overlap, or None."""
    by_day = defaultdict(list)
    for weekday, start, end in windows:
        by_day[weekday].append((start, end))
    return next((day for day, hours in sorted(by_day.items()) if hours_overlap(hours)), None)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyWindow(models.Model):
    """A recurring stretch of a weekday in which the advisor takes appointments.

    Times are wall-clock times in Europe/Berlin: 09:00 stays 09:00 in summer and winter.
    """

    advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("advisor"),
        on_delete=models.CASCADE,
        related_name="windows",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"), default=time(9))
    end = models.TimeField(_("until"), default=time(12))

    class Meta:
        verbose_name = _("weekly opening hours")
        verbose_name_plural = _("weekly opening hours")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="window_start_before_end"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="window_weekday_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Absence(models.Model):
    """Days on which the advisor takes no appointments, e.g. a holiday (both days included)."""

    advisor = models.ForeignKey(
        AdvisorProfile,
        verbose_name=_("advisor"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(
        _("note"),
        max_length=120,
        blank=True,
        help_text=_("Only for you and the coordination team, e.g. “holiday”."),
    )

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_day__lte=F("last_day")), name="absence_days_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.first_day:%d.%m.%Y}–{self.last_day:%d.%m.%Y}"
