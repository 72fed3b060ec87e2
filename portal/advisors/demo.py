"""Demo advisor profiles and availability for `manage.py seed_demo`.

The profiles are in `data/demo_advisors.json` (invented people); every write goes through the
services, so the demo leaves the same audit trail as real use.
"""

import json
from datetime import time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.demo import person
from portal.accounts.models import User
from portal.accounts.roles import ADVISOR, COORDINATOR
from portal.advisors.models import AdvisorProfile, Topic
from portal.advisors.services import (
    absences_replace,
    advisor_profile_ensure,
    advisor_profile_update,
    booking_rules_update,
    weekly_windows_replace,
)

TEXT_FIELDS = [
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
]
DATA = Path(__file__).resolve().parent / "data" / "demo_advisors.json"
ADVISOR_PROFILES: list[dict] = json.loads(DATA.read_text(encoding="utf-8"))["advisors"]

RULES = ["slot_minutes", "buffer_minutes", "min_notice_hours", "horizon_weeks", "daily_max"]


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@transaction.atomic
def seed() -> list[AdvisorProfile]:
    """Create or refresh the demo advisors; absences are placed relative to today."""
    coordinator = User.objects.filter(groups__name=COORDINATOR).order_by("pk").first()
    topics = Topic.objects.in_bulk(field_name="slug")
    today = timezone.localdate()
    profiles = []
    for data in ADVISOR_PROFILES:
        user = person(data["email"], data["full_name"], ADVISOR)
        profile = advisor_profile_ensure(user=user)
        if (
            profile.slug != data["slug"]
            and not AdvisorProfile.objects.filter(slug=data["slug"]).exclude(pk=profile.pk).exists()
        ):
            extra = {"slug": data["slug"]}
        else:
            extra = {}
        advisor_profile_update(
            profile=profile,
            by=coordinator,
            topics=[topics[slug] for slug in data["topics"] if slug in topics],
            languages=data["languages"],
            states=data["states"],
            formats=data["formats"],
            modes=data["modes"],
            max_open_cases=data["max_open_cases"],
            is_public=True,
            **extra,
            **{name: data[name] for name in TEXT_FIELDS},
        )
        booking_rules_update(profile=profile, by=coordinator, **{n: data[n] for n in RULES})
        weekly_windows_replace(
            profile=profile,
            by=coordinator,
            windows=[
                (window["weekday"], _time(window["start"]), _time(window["end"]))
                for window in data["windows"]
            ],
        )
        absences_replace(
            profile=profile,
            by=coordinator,
            absences=[
                (
                    today + timedelta(days=absence["in_days"]),
                    today + timedelta(days=absence["in_days"] + absence["days"] - 1),
                    absence["note_de"],
                )
                for absence in data["absences"]
            ],
        )
        profiles.append(profile)
    return profiles


def load_demo() -> list[str]:
    profiles = seed()
    return [
        _("Advisor profiles: %(count)d, public and bookable.") % {"count": len(profiles)},
        f"  {'advisor':<30} {ADVISOR_PROFILES[0]['email']}",
    ]
