"""Reads of the public pages of exchange rounds: the list with its filters, a round's page,
its calendar file and the feed. Nothing here writes.

Everyone sees the published rounds (every status but draft); coordinators also see drafts on
a round's page (the admin's "view on site" is their preview). What a round's page shows
beyond the public facts (the video link, registration, questions, documentation) is decided
by the panels of the other areas and by `exchanges.ics.shows_video_link`.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from exchanges.models import SEAT_HOLDING, ExchangeRound
from exchanges.permissions import may_manage_rounds
from portal.accounts.models import User
from portal.advisors.models import AdvisorProfile, Topic
from portal.core.models import AuditEntry

# The feed keeps rounds that ended up to this long ago, so a subscribed calendar keeps them.
FEED_PAST = timedelta(days=90)


def rounds_visible_to(user) -> QuerySet:
    """Published rounds for everyone; drafts too for coordinators (their preview)."""
    if may_manage_rounds(user):
        return ExchangeRound.objects.all()
    return ExchangeRound.objects.published()


def _themes():
    return Prefetch("themes", queryset=Topic.objects.order_by("position", "name_de"))


def round_list(
    *,
    now: datetime,
    past: bool = False,
    theme: Topic | None = None,
    state: str = "",
    format: str = "",
    audience: str = "",
) -> QuerySet:
    """Published rounds, upcoming (soonest first) or past (latest first), with the seats
    they hold (`taken`) counted in the same query and their themes prefetched: a page costs
    the same number of queries for ten rounds and for ten thousand."""
    rounds = ExchangeRound.objects.published()
    rounds = rounds.past(now) if past else rounds.upcoming(now)
    if theme is not None:
        rounds = rounds.filter(themes=theme)
    if state:
        rounds = rounds.open_to_state(state)
    if format:
        rounds = rounds.filter(format=format)
    if audience:
        rounds = rounds.filter(audience=audience)
    return (
        rounds.annotate(
            taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING))
        )
        .prefetch_related(_themes())
        .order_by(*(("-start", "-pk") if past else ("start", "pk")))
    )


def round_for_page(user, slug: str) -> ExchangeRound | None:
    """The round of `/exchanges/<slug>/` with what its page shows, or None (a 404)."""
    return (
        rounds_visible_to(user)
        .select_related("series", "previous")
        .prefetch_related(
            _themes(),
            Prefetch(
                "moderators",
                queryset=User.objects.select_related("advisor_profile").order_by("full_name", "pk"),
            ),
        )
        .filter(slug=slug)
        .first()
    )


@dataclass(frozen=True)
class Moderator:
    name: str
    profile_url: str  # empty unless their advisor profile is public


def moderators_of(round: ExchangeRound) -> list[Moderator]:
    """The round's moderating advisors (prefetched), linked to their profile if it is
    public."""
    people = []
    for user in round.moderators.all():
        profile: AdvisorProfile | None = getattr(user, "advisor_profile", None)
        public = profile is not None and profile.is_public and user.is_active
        people.append(
            Moderator(
                name=user.full_name or str(profile or user.email),
                profile_url=reverse("advisors:detail", args=[profile.slug]) if public else "",
            )
        )
    return people


# --- Calendar files and the feed ---------------------------------------------------------


def feed_rounds(*, now: datetime) -> QuerySet:
    """Every published round that ended at most `FEED_PAST` ago, cancelled ones included."""
    return (
        ExchangeRound.objects.published().filter(end__gte=now - FEED_PAST).order_by("start", "pk")
    )


def _round_changes(rounds: QuerySet) -> dict:
    """When any of `rounds` last changed: their audit entries (every write of a round leaves
    one) and their creation."""
    content_type = ContentType.objects.get_for_model(ExchangeRound)
    ids = [str(pk) for pk in rounds.values_list("pk", flat=True)]
    audited = AuditEntry.objects.changes().filter(content_type=content_type, object_id__in=ids)
    stats = audited.aggregate(last=Max("at"), count=Count("pk"))
    created = rounds.aggregate(last=Max("created_at"))["last"]
    last = max(filter(None, [stats["last"], created]), default=None)
    return {"ids": ids, "last": last, "count": stats["count"]}


@dataclass(frozen=True)
class Version:
    """What a conditional request compares: an ETag and a Last-Modified time."""

    etag: str
    last_modified: datetime | None


def _version(changes: dict, *extra) -> Version:
    # The language names the calendar; the rounds and their number of changes the rest.
    text = "|".join(
        map(str, [get_language(), *extra, changes["count"], changes["last"], *changes["ids"]])
    )
    return Version(
        etag=hashlib.sha256(text.encode()).hexdigest()[:32], last_modified=changes["last"]
    )


def feed_version(*, now: datetime) -> Version:
    return _version(_round_changes(feed_rounds(now=now)), "feed")


def round_version(round: ExchangeRound) -> Version:
    return _version(_round_changes(ExchangeRound.objects.filter(pk=round.pk)), "round")
