"""Rounds, participants and moderators for the tests of questions, documentation, follow-up
items and participant lists (registrations are written by factories, not the service)."""

from datetime import timedelta

from django.utils import timezone

from portal.advisors.models import Topic
from tests.factories import (
    ExchangeRoundFactory,
    MembershipFactory,
    RoundRegistrationFactory,
    UserFactory,
)


def theme(slug: str | None = None) -> Topic:
    topics = Topic.objects.order_by("position", "pk")
    return topics.get(slug=slug) if slug else topics.first()


def other_theme(than: Topic) -> Topic:
    return Topic.objects.exclude(pk=than.pk).order_by("position", "pk").first()


def make_round(*, days: float = 14, themes=(), moderators=(), **fields):
    """A round starting `days` from now (negative: in the past; it lasts five hours)."""
    start = timezone.now() + timedelta(days=days)
    round = ExchangeRoundFactory(start=start, end=start + timedelta(hours=5), **fields)
    round.themes.set(themes)
    round.moderators.set(moderators)
    return round


def past_round(**fields):
    """A round that ended yesterday, still open (attendance not recorded yet)."""
    return make_round(days=-1.5, **fields)


def advisor():
    return UserFactory(roles=["advisor"])


def member(round, *, status: str = "confirmed", verified: bool = True, **fields):
    """A member's registration; the person holds a verified membership of its municipality."""
    registration = RoundRegistrationFactory(round=round, status=status, **fields)
    if verified:
        MembershipFactory(
            user=registration.person, municipality=registration.municipality, verified=True
        )
    return registration


def guest(round, *, status: str = "confirmed", language: str = "en", name: str = "Jane Roe"):
    n = round.registrations.count()
    return RoundRegistrationFactory(
        round=round,
        person=None,
        municipality=None,
        state="",
        guest_name=name,
        guest_email=f"guest{n}-{round.pk}@example.org",
        language=language,
        status=status,
    )


def verified_officer():
    user = UserFactory(roles=["integration_officer"])
    MembershipFactory(user=user, verified=True)
    return user
