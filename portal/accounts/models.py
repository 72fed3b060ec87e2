"""People, the places they work for, and the tie between them.

A `User` logs in with an email address. A `Membership` says that a user works for a
`Municipality` (identified by its AGS) or an `Organisation`; it counts only once a
coordinator has verified it, and a rejected one stays as a record. Roles are Django groups
(see `roles.py`).
"""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.errors import MembershipError
from portal.core.workflows import Workflow


class FederalState(models.TextChoices):
    """The 16 federal states, keyed by the two digits that open their AGS."""

    SCHLESWIG_HOLSTEIN = "01", "Schleswig-Holstein"
    HAMBURG = "02", "Hamburg"
    NIEDERSACHSEN = "03", _("Lower Saxony")
    BREMEN = "04", "Bremen"
    NORDRHEIN_WESTFALEN = "05", _("North Rhine-Westphalia")
    HESSEN = "06", _("Hesse")
    RHEINLAND_PFALZ = "07", _("Rhineland-Palatinate")
    BADEN_WUERTTEMBERG = "08", "Baden-Württemberg"
    BAYERN = "09", _("Bavaria")
    SAARLAND = "10", "Saarland"
    BERLIN = "11", "Berlin"
    BRANDENBURG = "12", "Brandenburg"
    MECKLENBURG_VORPOMMERN = "13", _("Mecklenburg-Western Pomerania")
    SACHSEN = "14", _("Saxony")
    SACHSEN_ANHALT = "15", _("Saxony-Anhalt")
    THUERINGEN = "16", _("Thuringia")


def validate_ags(value: str) -> None:
    """An Amtlicher Gemeindeschlüssel has exactly eight digits and opens with a state."""
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("The AGS must consist of exactly 8 digits, e.g. 05315000 for Cologne."),
            code="ags_format",
        )
    if value[:2] not in FederalState.values:
        raise ValidationError(
            _("The AGS must begin with the two-digit key of a federal state (01 to 16)."),
            code="ags_state",
        )


class UserManager(DjangoUserManager):
    """Creates users by email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the interface and of the emails you receive."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Advisors and coordinators work in the admin; officers never do."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        permissions = [("grant_officer_role", _("Can give the integration officer role"))]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_role(self, role: str) -> bool:
        return any(group.name == role for group in self.groups.all())


DISTRICT_PREFIX = re.compile(r"^(landkreis|landkr\.?|lkr\.?|lk|kreis|kr\.?)\s+", re.IGNORECASE)


class MunicipalityQuerySet(models.QuerySet):
    def search(self, query: str):
        """Municipalities whose name, postcode or AGS matches what a person typed."""
        query = query.strip()
        if not query:
            return self.none()
        if query.isdigit():
            return self.filter(Q(ags__startswith=query) | Q(postcode__startswith=query))
        matches = Q(name__icontains=query)
        # The register names a district "Görlitz"; people write "Landkreis Görlitz", "LK
        # Görlitz" or "Kreis Görlitz".
        district = DISTRICT_PREFIX.match(query)
        if district and query[district.end() :].strip():
            matches |= Q(
                kind=Municipality.Kind.LANDKREIS, name__icontains=query[district.end() :].strip()
            )
        return self.filter(matches)


class Municipality(models.Model):
    class Kind(models.TextChoices):
        GEMEINDE = "gemeinde", pgettext_lazy("municipality kind", "Municipality (Gemeinde)")
        STADT = "stadt", pgettext_lazy("municipality kind", "Town (Stadt)")
        KREISFREIE_STADT = (
            "kreisfreie_stadt",
            pgettext_lazy("municipality kind", "District-free city (kreisfreie Stadt)"),
        )
        LANDKREIS = "landkreis", pgettext_lazy("municipality kind", "District (Landkreis)")

    ags = models.CharField(
        _("AGS"),
        max_length=8,
        unique=True,
        validators=[validate_ags],
        help_text=_("Official municipality key (Amtlicher Gemeindeschlüssel), 8 digits."),
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("federal state"), max_length=2, choices=FederalState.choices)
    district = models.ForeignKey(
        "self",
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipalities",
        limit_choices_to={"kind": Kind.LANDKREIS},
    )
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name", "ags"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ags__regex=r"^(0[1-9]|1[0-6])[0-9]{6}$"),
                name="municipality_ags_format",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.ags})"

    def clean(self):
        super().clean()
        if self.ags and self.state and self.ags[:2] != self.state:
            prefix = self.ags[:2]
            message = _(
                "The AGS %(ags)s belongs to %(ags_state)s, not to %(state)s: "
                "its first two digits name the federal state."
            ) % {
                "ags": self.ags,
                "ags_state": FederalState(prefix).label
                if prefix in FederalState.values
                else prefix,
                "state": self.get_state_display(),
            }
            raise ValidationError({"ags": ValidationError(message, code="ags_state_mismatch")})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MOSQUE_COMMUNITY = "mosque_community", _("Mosque community")
        ALEVITE_COMMUNITY = "alevite_community", _("Alevite community")
        UMBRELLA = "umbrella", _("Umbrella organisation or federation")
        ASSOCIATION = "association", _("Association (Verein)")
        WELFARE = "welfare", _("Welfare organisation")
        OTHER = "other", _("Other civil-society body")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    state = models.CharField(_("federal state"), max_length=2, choices=FederalState.choices)
    town = models.CharField(_("town"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "town"], name="organisation_unique_name_town"),
        ]

    def __str__(self):
        return f"{self.name} ({self.town})"


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    VERIFIED = "verified", _("confirmed")
    REJECTED = "rejected", _("rejected")


# The one table of allowed changes of a membership (the workflow `MEMBERSHIP`). A
# rejected request stays as a record of the decision; asking again makes a new request.
MEMBERSHIP_TRANSITIONS: dict[str, frozenset[str]] = {
    MembershipStatus.PENDING: frozenset({MembershipStatus.VERIFIED, MembershipStatus.REJECTED}),
    MembershipStatus.VERIFIED: frozenset(),
    MembershipStatus.REJECTED: frozenset(),
}

MEMBERSHIP = Workflow(
    name="membership",
    statuses=MembershipStatus,
    table=MEMBERSHIP_TRANSITIONS,
    error=MembershipError,
    refusal=_("A membership that is %(current)s cannot become %(new)s."),
)


class MembershipQuerySet(models.QuerySet):
    """`verified()` is the one rule of who counts as working for a body; every app asks it."""

    def verified(self):
        return self.filter(status=MembershipStatus.VERIFIED)

    def pending(self):
        return self.filter(status=MembershipStatus.PENDING)

    def current(self):
        """Pending and verified: the memberships a person sees and may not ask for twice."""
        return self.exclude(status=MembershipStatus.REJECTED)

    def visible_to(self, user):
        """Coordinators see every membership; everybody else only their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_role("coordinator"):
            return self
        return self.filter(user=user)


class MembershipManager(models.Manager.from_queryset(MembershipQuerySet)):
    def get_queryset(self):
        # `verified` in a query (filter(verified=True), order_by("-verified")) reads the status,
        # like the property on the instance: there is no second column to drift apart.
        return (
            super()
            .get_queryset()
            .alias(
                verified=models.ExpressionWrapper(
                    Q(status=MembershipStatus.VERIFIED), output_field=models.BooleanField()
                )
            )
        )


class Membership(models.Model):
    """A user works for one municipality or one organisation, once verified.

    The status changes only through the services (`membership_verify`, `membership_reject`);
    a rejected request keeps its row, so the decision can be read later, and grants nothing.
    """

    Status = MembershipStatus

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    role = models.CharField(
        _("role there"),
        max_length=120,
        help_text=_("Your position, e.g. integration officer or board member."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
        db_index=True,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = MembershipManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        permissions = [("decide_membership", _("Can verify and reject memberships"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(municipality__isnull=False, organisation__isnull=True)
                    | Q(municipality__isnull=True, organisation__isnull=False)
                ),
                name="membership_exactly_one_body",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values), name="membership_status_valid"
            ),
            # One current request or membership per body; rejected ones stay beside it.
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(municipality__isnull=False) & ~Q(status="rejected"),
                name="membership_unique_user_municipality",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(organisation__isnull=False) & ~Q(status="rejected"),
                name="membership_unique_user_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.body}"

    @property
    def body(self):
        """The municipality or organisation this membership is with."""
        return self.municipality or self.organisation

    @property
    def verified(self) -> bool:
        return self.status == MembershipStatus.VERIFIED

    @verified.setter
    def verified(self, value: bool) -> None:
        # Only for building rows in tests and fixtures (`Membership(verified=True)`); a real
        # decision goes through the services, which record who made it.
        self.status = MembershipStatus.VERIFIED if value else MembershipStatus.PENDING

    @property
    def rejected(self) -> bool:
        return self.status == MembershipStatus.REJECTED
