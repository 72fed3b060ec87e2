"""Reads of the library of practice examples, scoped to who asks.

A published example is read by every signed-in person; an unpublished one only by its author
and coordinators (`examples_visible_to`), so anyone else's slug answers 404. The library
lists published examples only: authors find their own under "My practice examples",
coordinators review the rest in the admin.

The size of a municipality comes from the register (`Municipality.population` and kind) and
is classed by `SIZE_BANDS`, the one table both the search filter (`size_condition`, in SQL)
and the pages (`size_class`, in Python) read.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exchanges.models import PUBLISHED_ROUND, ExchangeRound, PracticeExample, RoundStatus
from exchanges.models import ExampleStatus as Status
from exchanges.permissions import may_review_examples
from portal.accounts.models import Membership, Municipality
from portal.accounts.roles import ADVISOR, INTEGRATION_OFFICER
from portal.accounts.selectors import municipality_search
from portal.advisors.models import Topic

# Statuses in which the author may still change an example (coordinators: in every status).
AUTHOR_EDITS = (Status.DRAFT, Status.RETURNED)
# Rounds an example can say it was presented at: those that took place.
PRESENTED_AT = (RoundStatus.HELD, RoundStatus.DOCUMENTED)


# --- Size classes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeBand:
    """One size class: districts, or towns and municipalities within a population range
    (both ends inclusive; None: open)."""

    key: str
    label: str
    district: bool = False
    lowest: int | None = None
    highest: int | None = None

    def condition(self, prefix: str = "") -> Q:
        """The band as a filter on a municipality (`prefix`: the path to it, "municipality__")."""
        kind = Q(**{f"{prefix}kind": Municipality.Kind.LANDKREIS})
        if self.district:
            return kind
        condition = ~kind
        if self.lowest is not None:
            condition &= Q(**{f"{prefix}population__gte": self.lowest})
        if self.highest is not None:
            condition &= Q(**{f"{prefix}population__lte": self.highest})
        return condition

    def holds(self, municipality: Municipality) -> bool:
        """The same rule as `condition`, for a municipality already loaded."""
        if (municipality.kind == Municipality.Kind.LANDKREIS) != self.district:
            return False
        if self.district:
            return True
        population = municipality.population
        if population is None:
            return False
        return (self.lowest is None or population >= self.lowest) and (
            self.highest is None or population <= self.highest
        )


SIZE_BANDS: tuple[SizeBand, ...] = (
    SizeBand("small", _("under 20,000 inhabitants"), highest=19_999),
    SizeBand("medium", _("20,000 to 100,000 inhabitants"), lowest=20_000, highest=100_000),
    SizeBand("large", _("over 100,000 inhabitants"), lowest=100_001),
    SizeBand("district", pgettext_lazy("size class", "district (Landkreis)"), district=True),
)
SIZE_CHOICES = [(band.key, band.label) for band in SIZE_BANDS]
_BANDS = {band.key: band for band in SIZE_BANDS}


def size_class(municipality: Municipality) -> SizeBand | None:
    """The size class of a municipality; None when the register gives no population."""
    return next((band for band in SIZE_BANDS if band.holds(municipality)), None)


def size_condition(size: str, prefix: str = "municipality__") -> Q:
    return _BANDS[size].condition(prefix)


# --- Who may do what ------------------------------------------------------------------------


def roles_loaded(user):
    """The user, with their groups read once, however many role checks follow (`has_role`
    reads them from there: a page that asks several times makes one query)."""
    if user.is_authenticated:
        prefetch_related_objects([user], "groups")
    return user


def may_submit_examples(user) -> bool:
    """Integration officers with a confirmed membership, advisors (who moderate rounds) and
    coordinators write practice examples."""
    if not user.is_authenticated:
        return False
    roles_loaded(user)
    if may_review_examples(user) or user.has_role(ADVISOR):
        return True
    return (
        user.has_role(INTEGRATION_OFFICER)
        and Membership.objects.verified().filter(user=user).exists()
    )


def may_edit_example(user, example: PracticeExample) -> bool:
    """The author while the example is a draft or sent back; coordinators at any time."""
    if may_review_examples(roles_loaded(user)):
        return True
    return user.is_authenticated and example.author_id == user.pk and example.status in AUTHOR_EDITS


# --- Scopes ---------------------------------------------------------------------------------


def examples_visible_to(user) -> QuerySet[PracticeExample]:
    """Published examples for every signed-in person; unpublished ones for their author and
    coordinators only."""
    examples = PracticeExample.objects.all()
    if not user.is_authenticated:
        return examples.none()
    if may_review_examples(roles_loaded(user)):
        return examples
    return examples.filter(Q(status=Status.PUBLISHED) | Q(author=user))


def examples_editable_by(user) -> QuerySet[PracticeExample]:
    """The examples whose edit page `user` may open: their own, or all for coordinators. (An
    own example waiting for review or published is shown, but not changed: `may_edit_example`.)
    """
    if may_review_examples(roles_loaded(user)):
        return PracticeExample.objects.all()
    if not user.is_authenticated:
        return PracticeExample.objects.none()
    return PracticeExample.objects.filter(author=user)


def examples_of_author(user) -> QuerySet[PracticeExample]:
    """The person's own examples, last changed first."""
    return (
        PracticeExample.objects.filter(author=user)
        .select_related("municipality")
        .order_by("-updated_at", "-pk")
    )


def example_detail(user, slug: str) -> PracticeExample | None:
    """One example with what its page shows, or None when `user` may not read it."""
    return (
        examples_visible_to(user)
        .select_related("municipality", "author")
        .prefetch_related(
            "topics",
            # A round not yet announced stays unseen, even where an example names it.
            Prefetch(
                "rounds",
                queryset=ExchangeRound.objects.filter(status__in=PUBLISHED_ROUND).order_by(
                    "-start"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def with_sizes(examples):
    """The examples as a list, each with `size`: the size class of its municipality (which
    the query has already loaded)."""
    examples = list(examples)
    for example in examples:
        example.size = size_class(example.municipality)
    return examples


# --- The library's search -------------------------------------------------------------------

# The fields searched, in both ways of searching.
TEXT_FIELDS = ("title", "municipality__name", "situation", "action", "effort", "outcome")


def examples_search(
    user,
    *,
    text: str = "",
    topic: Topic | None = None,
    state: str = "",
    size: str = "",
) -> QuerySet[PracticeExample]:
    """Published examples matching every filter given, best match first for a text search,
    else newest first.

    On PostgreSQL the text is searched with German stemming (so "Moscheen" finds "Moschee"),
    as a web search ("quoted phrases", -excluded words, or), ranked with title and
    municipality counting more than the rest. On SQLite each word must appear in one of the
    fields, ignoring case.
    """
    examples = (
        examples_visible_to(user)
        .filter(status=Status.PUBLISHED)
        .select_related("municipality")
        .prefetch_related("topics")
    )
    if topic is not None:
        examples = examples.filter(topics=topic)
    if state:
        examples = examples.filter(municipality__state=state)
    if size:
        examples = examples.filter(size_condition(size))
    text = text.strip()
    if not text:
        return examples.order_by("-published_at", "-pk")
    if connection.vendor == "postgresql":
        return _full_text(examples, text)
    return _contains_words(examples, text).order_by("-published_at", "-pk")


def _full_text(examples: QuerySet, text: str) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    title, place, *body = TEXT_FIELDS
    vector = SearchVector(title, place, weight="A", config="german") + SearchVector(
        *body, weight="B", config="german"
    )
    query = SearchQuery(text, search_type="websearch", config="german")
    return (
        examples.annotate(document=vector)
        .filter(document=query)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "-published_at", "-pk")
    )


def _contains_words(examples: QuerySet, text: str) -> QuerySet:
    for word in text.split():
        examples = examples.filter(
            Q.create([(f"{field}__icontains", word) for field in TEXT_FIELDS], connector=Q.OR)
        )
    return examples


# --- The form's municipalities --------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityOption:
    municipality: Municipality
    mine: bool
    size: SizeBand | None


def municipality_options(user, *, query: str = "", chosen=None) -> list[MunicipalityOption]:
    """The municipalities the form offers: the author's own (confirmed memberships) first,
    then what the search found, with the chosen one kept."""
    mine = list(
        Municipality.objects.filter(
            memberships__in=Membership.objects.verified().filter(user=user)
        ).distinct()
    )
    mine_ids = {m.pk for m in mine}
    found = [m for m in municipality_search(query, chosen=chosen) if m.pk not in mine_ids]
    return [
        MunicipalityOption(municipality=m, mine=m.pk in mine_ids, size=size_class(m))
        for m in [*mine, *found]
    ]


def rounds_to_choose(example: PracticeExample | None):
    """The rounds an example can name as where it was presented, newest first (and those it
    already names)."""
    presented = Q(status__in=PRESENTED_AT)
    if example is not None and example.pk:
        presented |= Q(practice_examples=example)
    return ExchangeRound.objects.filter(presented).distinct().order_by("-start", "-pk")


def topics_to_choose(example: PracticeExample | None):
    """Active topics (and those the example already has, even if retired since)."""
    offered = Q(active=True)
    if example is not None and example.pk:
        offered |= Q(pk__in=example.topics.values("pk"))
    return Topic.objects.filter(offered)


# --- The panel on a round's page ------------------------------------------------------------


def examples_panel(round, user) -> dict:
    """The published practice examples presented at `round`, for its page.

    Signed-in people get the examples (`examples`); anonymous visitors only how many there
    are and where to sign in (`login_url`), since the library is for signed-in users.
    """
    published = round.practice_examples.filter(status=Status.PUBLISHED)
    if not user.is_authenticated:
        count = published.count()
        return {
            "signed_in": False,
            "examples": [],
            "count": count,
            "login_url": (
                f"{reverse('account_login')}?{urlencode({'next': round.get_absolute_url()})}"
                if count
                else ""
            ),
        }
    examples = with_sizes(published.select_related("municipality").order_by("title", "pk"))
    return {"signed_in": True, "examples": examples, "count": len(examples), "login_url": ""}
