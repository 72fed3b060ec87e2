"""Reads: the public directory and the ranking of advisors for a request."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from portal.advisors.availability import Slot, next_free_slot
from portal.advisors.models import AdvisorProfile, ContactMode, Format, Language, Topic
from portal.core.fields import ChoiceSetField


def advisor_directory(
    *, topic: str = "", language: str = "", state: str = "", format: str = "", mode: str = ""
) -> QuerySet[AdvisorProfile]:
    """Public profiles that match every filter given; each filter is one code or slug.

    Three queries whatever the number of advisors: profiles with their users, and topics.
    """
    profiles = AdvisorProfile.objects.public().for_cards()
    if topic:
        profiles = profiles.filter(topics__slug=topic, topics__active=True)
    for name, code in (("languages", language), ("states", state), ("formats", format)):
        if code:
            profiles = profiles.filter(ChoiceSetField.contains(name, code))
    if mode:
        profiles = profiles.filter(ChoiceSetField.contains("modes", mode))
    return profiles.order_by("user__full_name", "pk")


# Consultations tell how many open cases each advisor holds: a function from advisor user
# ids to counts, registered when that app loads (advisors depends on no other app).
CaseloadSource = Callable[[list[int]], Mapping[int, int]]
_caseload_sources: list[CaseloadSource] = []


def register_caseload_source(source: CaseloadSource) -> CaseloadSource:
    if source not in _caseload_sources:
        _caseload_sources.append(source)
    return source


def open_case_counts(user_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = dict.fromkeys(user_ids, 0)
    for source in _caseload_sources:
        for user_id, count in source(user_ids).items():
            counts[user_id] = counts.get(user_id, 0) + count
    return counts


# How much each criterion weighs in a match (out of 100 when everything fits).
WEIGHT_TOPICS = 40
WEIGHT_STATE = 25
WEIGHT_LANGUAGE = 12
WEIGHT_FORMAT = 10
WEIGHT_MODE = 5
WEIGHT_SOON = 5
WEIGHT_CAPACITY = 3
# A free slot today earns the whole WEIGHT_SOON, one this far ahead nothing; the same for
# everyone, so an advisor with a long booking horizon gains nothing from it.
SOON_WITHIN = timedelta(weeks=8)


@dataclass
class Match:
    """An advisor's fit for a request, with the reasons a person can read."""

    profile: AdvisorProfile
    score: float = 0.0
    topics_covered: list[Topic] = field(default_factory=list)
    topics_asked: int = 0
    serves_state: bool | None = None
    languages_spoken: list[str] = field(default_factory=list)
    languages_missing: list[str] = field(default_factory=list)
    offers_format: bool | None = None
    offers_mode: bool | None = None
    format_asked: str = ""
    mode_asked: str = ""
    free_capacity: int = 0
    next_slot: Slot | None = None
    best_possible: float = WEIGHT_SOON + WEIGHT_CAPACITY

    @property
    def is_full(self) -> bool:
        return self.free_capacity <= 0

    @property
    def speaks_the_language(self) -> bool:
        """A conversation needs a shared language: one not spoken puts the advisor further down."""
        return not self.languages_missing

    @property
    def languages_spoken_names(self) -> list[str]:
        return [Language(code).label for code in self.languages_spoken]

    @property
    def languages_missing_names(self) -> list[str]:
        return [Language(code).label for code in self.languages_missing]

    @property
    def format_label(self) -> str:
        return Format(self.format_asked).label if self.format_asked else ""

    @property
    def mode_label(self) -> str:
        return ContactMode(self.mode_asked).label if self.mode_asked else ""

    @property
    def knows_every_topic(self) -> bool:
        return self.topics_asked > 0 and len(self.topics_covered) == self.topics_asked

    @property
    def percent(self) -> int:
        """The score as a share of what the criteria asked for allow at best."""
        return max(0, min(100, round(100 * self.score / self.best_possible)))


def advisors_ranked(
    *,
    topics: Iterable[Topic] = (),
    state: str = "",
    languages: Iterable[str] = (),
    format: str = "",
    mode: str = "",
    profiles: Iterable[AdvisorProfile] | None = None,
    open_cases: Mapping[int, int] | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Match]:
    """Public advisors ranked for a request, best first.

    Topics covered weigh most, then the federal state served, the languages, the format and
    the way of meeting; an early free slot comes first among equals. Advisors without free
    capacity come after all others, however well they fit, and among the rest those who do not
    speak the language asked for come after those who do. Criteria left empty count for no one.
    Constant queries: profiles, topics, windows, absences, and the busy and caseload sources.
    """
    now = now or timezone.now()
    topics = list(topics)
    languages = [code for code in languages if code]
    wanted_topics = {topic.pk for topic in topics}
    if profiles is None:
        profiles = AdvisorProfile.objects.public().for_cards().order_by("user__full_name", "pk")
    profiles = list(profiles)
    if open_cases is None:
        open_cases = open_case_counts([p.user_id for p in profiles])
    earliest = next_free_slot(profiles, now=now)

    best_possible = (
        WEIGHT_SOON
        + WEIGHT_CAPACITY
        + sum(
            weight
            for weight, asked in [
                (WEIGHT_TOPICS, wanted_topics),
                (WEIGHT_STATE, state),
                (WEIGHT_LANGUAGE, languages),
                (WEIGHT_FORMAT, format),
                (WEIGHT_MODE, mode),
            ]
            if asked
        )
    )
    matches = []
    for profile in profiles:
        match = Match(
            profile=profile,
            topics_asked=len(wanted_topics),
            best_possible=best_possible,
            format_asked=format,
            mode_asked=mode,
        )
        match.topics_covered = [t for t in profile.topics.all() if t.pk in wanted_topics]
        if wanted_topics:
            match.score += WEIGHT_TOPICS * len(match.topics_covered) / len(wanted_topics)
        if state:
            match.serves_state = state in profile.states
            match.score += WEIGHT_STATE * match.serves_state
        if languages:
            match.languages_spoken = [code for code in languages if code in profile.languages]
            match.languages_missing = [code for code in languages if code not in profile.languages]
            match.score += WEIGHT_LANGUAGE * bool(match.languages_spoken)
        if format:
            match.offers_format = format in profile.formats
            match.score += WEIGHT_FORMAT * match.offers_format
        if mode:
            match.offers_mode = mode in profile.modes
            match.score += WEIGHT_MODE * match.offers_mode
        match.free_capacity = profile.max_open_cases - open_cases.get(profile.user_id, 0)
        if not match.is_full:
            match.score += WEIGHT_CAPACITY * min(match.free_capacity, 3) / 3
        match.next_slot = earliest.get(profile.pk)
        if match.next_slot is not None:
            waiting = match.next_slot.start - now
            match.score += WEIGHT_SOON * max(0.0, 1 - waiting / SOON_WITHIN)
        matches.append(match)

    matches.sort(
        key=lambda m: (
            m.is_full,
            not m.speaks_the_language,
            -round(m.score, 6),
            m.next_slot.start if m.next_slot else datetime.max.replace(tzinfo=now.tzinfo),
            m.profile.name,
        )
    )
    return matches[:limit] if limit else matches
