"""Every write to advisor profiles and availability.

Advisors change their own profile; coordinators change anyone's. Each service checks that
first, so the admin and the advisor's own pages follow the same rule.
"""

from datetime import date, time

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.roles import ADVISOR, is_coordinating
from portal.advisors.errors import AdvisorError
from portal.advisors.models import (
    Absence,
    AdvisorProfile,
    WeeklyWindow,
    weekday_hours_overlap,
)
from portal.advisors.photos import ProcessedPhoto, process_photo

PROFILE_FIELDS = frozenset(
    {
        "role_de",
        "role_en",
        "short_bio_de",
        "short_bio_en",
        "bio_de",
        "bio_en",
        "qualifications_de",
        "qualifications_en",
        "regional_knowledge_de",
        "regional_knowledge_en",
        "languages",
        "states",
        "formats",
        "modes",
    }
)
# What only coordinators set: how many cases an advisor takes, and whether the profile is shown.
COORDINATOR_FIELDS = frozenset({"slug", "max_open_cases", "is_public"})
RULE_FIELDS = frozenset(
    {"slot_minutes", "buffer_minutes", "min_notice_hours", "horizon_weeks", "daily_max"}
)


def can_edit(*, profile: AdvisorProfile, by: User) -> bool:
    """Advisors edit their own profile; coordinators edit all."""
    return profile.user_id == by.pk or is_coordinating(by)


def _check_editor(profile: AdvisorProfile, by: User) -> None:
    if not can_edit(profile=profile, by=by):
        raise AdvisorError(_("You may only change your own profile."))


def _unique_slug(name: str) -> str:
    base = slugify(" ".join(w for w in name.split() if not w.endswith("."))) or "beratung"
    slug, number = base[:70], 2
    while AdvisorProfile.objects.filter(slug=slug).exists():
        slug, number = f"{base[:70]}-{number}", number + 1
    return slug


@transaction.atomic
def advisor_profile_ensure(*, user: User) -> AdvisorProfile:
    """The advisor's profile, created hidden from the public on first use."""
    if not user.has_role(ADVISOR):
        raise AdvisorError(_("Only advisors have an advisor profile."))
    profile = AdvisorProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = AdvisorProfile.objects.create(
            user=user, slug=_unique_slug(user.full_name or user.email.split("@")[0])
        )
    return profile


@transaction.atomic
def advisor_profile_create(*, user: User, by: User, slug: str = "") -> AdvisorProfile:
    """A hidden profile for an advisor, made by a coordinator (e.g. in the admin)."""
    if not is_coordinating(by):
        raise AdvisorError(_("Only the coordination team creates profiles for others."))
    if AdvisorProfile.objects.filter(user=user).exists():
        raise AdvisorError(_("%(name)s already has a profile.") % {"name": user})
    profile = advisor_profile_ensure(user=user)
    if slug and slug != profile.slug:
        advisor_profile_update(profile=profile, by=by, slug=slug)
    return profile


@transaction.atomic
def advisor_profile_update(
    *,
    profile: AdvisorProfile,
    by: User,
    topics=None,
    photo=None,
    remove_photo: bool = False,
    **fields,
) -> AdvisorProfile:
    """Change the profile's texts, lists and photo.

    A new photo replaces the old one, which is deleted from storage once the change has
    committed; the upload itself is never stored, only what process_photo makes of it.
    Raises ValidationError for a photo that is not one, AdvisorError for a field the
    person may not change.
    """
    _check_editor(profile, by)
    allowed = PROFILE_FIELDS | (COORDINATOR_FIELDS if is_coordinating(by) else frozenset())
    unknown = set(fields) - allowed
    if unknown:
        raise AdvisorError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    for name, value in fields.items():
        setattr(profile, name, value)
    old_photo = profile.photo.name if profile.photo else ""
    if photo is not None and not isinstance(photo, ProcessedPhoto):
        photo = process_photo(photo)
    # Validate before a new photo is written, so a refused change leaves no file behind.
    profile.full_clean(exclude=["user", "photo"])
    if photo is not None:
        profile.photo.save("photo.jpg", photo, save=False)
    elif remove_photo:
        profile.photo = ""
    profile.save()
    if topics is not None:
        # Inactive topics are offered nowhere, so nobody could have unticked them: keep them.
        kept = profile.topics.filter(active=False)
        profile.topics.set([*topics, *kept])
    _photo_forget(profile=profile, old_name=old_photo)
    return profile


def _photo_forget(*, profile: AdvisorProfile, old_name: str) -> None:
    """Delete a replaced or removed photo from storage once the change has committed."""
    if old_name and old_name != (profile.photo.name if profile.photo else ""):
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def booking_rules_update(*, profile: AdvisorProfile, by: User, **rules) -> AdvisorProfile:
    """Change appointment length, buffer, notice, horizon and daily maximum."""
    _check_editor(profile, by)
    unknown = set(rules) - RULE_FIELDS
    if unknown:
        raise AdvisorError(_("Unknown booking rule: %s") % ", ".join(sorted(unknown)))
    for name, value in rules.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user", "photo"])
    profile.save(update_fields=[*rules, "updated_at"])
    return profile


@transaction.atomic
def weekly_windows_replace(
    *, profile: AdvisorProfile, by: User, windows: list[tuple[int, time, time]]
) -> list[WeeklyWindow]:
    """Replace the advisor's weekly hours by `windows` of (weekday, start, end).

    Windows of one weekday must not overlap; each must start before it ends.
    """
    _check_editor(profile, by)
    for weekday, start, end in windows:
        if not 0 <= weekday <= 6:
            raise AdvisorError(_("Unknown weekday."))
        if start >= end:
            raise AdvisorError(_("Opening hours must end after they start."))
    if weekday_hours_overlap(windows) is not None:
        raise AdvisorError(_("Two opening hours on the same weekday overlap."))
    profile.windows.all().delete()
    return WeeklyWindow.objects.bulk_create(
        WeeklyWindow(advisor=profile, weekday=weekday, start=start, end=end)
        for weekday, start, end in sorted(windows)
    )


@transaction.atomic
def absences_replace(
    *, profile: AdvisorProfile, by: User, absences: list[tuple[date, date, str]]
) -> list[Absence]:
    """Replace the advisor's absences by `absences` of (first day, last day, note)."""
    _check_editor(profile, by)
    for first_day, last_day, _note in absences:
        if first_day > last_day:
            raise AdvisorError(_("An absence must end on or after its first day."))
    profile.absences.all().delete()
    return Absence.objects.bulk_create(
        Absence(advisor=profile, first_day=first, last_day=last, note=note)
        for first, last, note in sorted(absences)
    )
