"""Every write to advisor profiles, availability and topics.

Advisors change their own profile; coordinators change anyone's. Each service checks that
first, so the admin and the advisor's own pages follow the same rule, and each leaves an
audit entry on the profile (or topic) when it changed something.
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
    Topic,
    WeeklyWindow,
    weekday_hours_overlap,
)
from portal.advisors.photos import ProcessedPhoto, process_photo
from portal.core.audit import audit_record

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
TOPIC_FIELDS = frozenset({"slug", "name_de", "name_en", "active", "position"})


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


def _hours(value: time) -> str:
    return value.strftime("%H:%M")


@transaction.atomic
def advisor_profile_ensure(*, user: User, by: User | None = None) -> AdvisorProfile:
    """The advisor's profile, created hidden from the public on first use.

    `by` is who caused the creation (the advisor opening their page, a coordinator); None
    for the portal itself.
    """
    if not user.has_role(ADVISOR):
        raise AdvisorError(_("Only advisors have an advisor profile."))
    profile = AdvisorProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = AdvisorProfile.objects.create(
            user=user, slug=_unique_slug(user.full_name or user.email.split("@")[0])
        )
        audit_record(
            target=profile,
            action="advisor_profile.create",
            by=by,
            details={"slug": profile.slug},
        )
    return profile


@transaction.atomic
def advisor_profile_create(*, user: User, by: User, slug: str = "") -> AdvisorProfile:
    """A hidden profile for an advisor, made by a coordinator (e.g. in the admin)."""
    if not is_coordinating(by):
        raise AdvisorError(_("Only the coordination team creates profiles for others."))
    if AdvisorProfile.objects.filter(user=user).exists():
        raise AdvisorError(_("%(name)s already has a profile.") % {"name": user})
    profile = advisor_profile_ensure(user=user, by=by)
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
    changed = [name for name, value in fields.items() if getattr(profile, name) != value]
    was_public = profile.is_public
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
    if (profile.photo.name if profile.photo else "") != old_photo:
        changed.append("photo")
    if topics is not None:
        # Inactive topics are offered nowhere, so nobody could have unticked them: keep them.
        before = set(profile.topics.values_list("pk", flat=True))
        kept = profile.topics.filter(active=False)
        profile.topics.set([*topics, *kept])
        if set(profile.topics.values_list("pk", flat=True)) != before:
            changed.append("topics")
    _photo_forget(profile=profile, old_name=old_photo)
    _audit_profile_change(profile, by=by, changed=changed, was_public=was_public)
    return profile


def _audit_profile_change(profile: AdvisorProfile, *, by: User, changed: list[str], was_public):
    """Publishing or hiding the profile is an entry of its own; other changes name the fields
    (not their values: the profile keeps those, the trail says who changed what when)."""
    if "is_public" in changed and profile.is_public != was_public:
        audit_record(
            target=profile,
            action="advisor_profile.publish" if profile.is_public else "advisor_profile.hide",
            by=by,
        )
    fields = sorted(name for name in changed if name != "is_public")
    if fields:
        audit_record(
            target=profile, action="advisor_profile.update", by=by, details={"fields": fields}
        )


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
    changed = {name: value for name, value in rules.items() if getattr(profile, name) != value}
    for name, value in rules.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user", "photo"])
    profile.save(update_fields=[*rules, "updated_at"])
    if changed:
        audit_record(target=profile, action="advisor_profile.booking_rules", by=by, details=changed)
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
    before = sorted(profile.windows.values_list("weekday", "start", "end"))
    profile.windows.all().delete()
    created = WeeklyWindow.objects.bulk_create(
        WeeklyWindow(advisor=profile, weekday=weekday, start=start, end=end)
        for weekday, start, end in sorted(windows)
    )
    if sorted(windows) != before:
        audit_record(
            target=profile,
            action="advisor_profile.weekly_hours",
            by=by,
            details={
                "windows": [
                    [day, _hours(start), _hours(end)] for day, start, end in sorted(windows)
                ]
            },
        )
    return created


@transaction.atomic
def absences_replace(
    *, profile: AdvisorProfile, by: User, absences: list[tuple[date, date, str]]
) -> list[Absence]:
    """Replace the advisor's absences by `absences` of (first day, last day, note)."""
    _check_editor(profile, by)
    for first_day, last_day, _note in absences:
        if first_day > last_day:
            raise AdvisorError(_("An absence must end on or after its first day."))
    before = sorted(profile.absences.values_list("first_day", "last_day", "note"))
    profile.absences.all().delete()
    created = Absence.objects.bulk_create(
        Absence(advisor=profile, first_day=first, last_day=last, note=note)
        for first, last, note in sorted(absences)
    )
    if sorted(absences) != before:
        # The days only: the notes are for the advisor and the coordination team.
        audit_record(
            target=profile,
            action="advisor_profile.absences",
            by=by,
            details={
                "absences": [
                    [first.isoformat(), last.isoformat()] for first, last, _note in sorted(absences)
                ]
            },
        )
    return created


@transaction.atomic
def advisor_profile_delete(*, profile: AdvisorProfile, by: User) -> None:
    """Remove a profile (its hours and absences go with it); the trail keeps that it existed."""
    if not is_coordinating(by):
        raise AdvisorError(_("Only the coordination team removes profiles."))
    audit_record(
        target=profile,
        action="advisor_profile.delete",
        by=by,
        details={"slug": profile.slug, "user_id": profile.user_id},
    )
    profile.delete()


# --- Topics ----------------------------------------------------------------------------------


def _check_coordinating(by: User) -> None:
    if not is_coordinating(by):
        raise AdvisorError(_("Only the coordination team changes topics."))


@transaction.atomic
def topic_create(*, by: User, **fields) -> Topic:
    """A new topic of the shared taxonomy (coordinators)."""
    _check_coordinating(by)
    unknown = set(fields) - TOPIC_FIELDS
    if unknown:
        raise AdvisorError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    topic = Topic(**fields)
    topic.full_clean()
    topic.save()
    audit_record(target=topic, action="topic.create", by=by, details={"slug": topic.slug})
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, by: User, **fields) -> Topic:
    """Rename, reorder, switch a topic on or off (coordinators)."""
    _check_coordinating(by)
    unknown = set(fields) - TOPIC_FIELDS
    if unknown:
        raise AdvisorError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(unknown))
        )
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    changed = {name: value for name, value in fields.items() if getattr(topic, name) != value}
    if not changed:
        return topic
    for name, value in changed.items():
        setattr(topic, name, value)
    topic.full_clean()
    topic.save(update_fields=list(changed))
    audit_record(target=topic, action="topic.update", by=by, details=changed)
    return topic
