"""Seats, caps and the waitlist of anything people register for: a course date (or a series
of them) and an exchange round count their seats here, and nowhere else.

The caller locks the rows that own the seats first (`lock`: always in the order of their ids,
so two services never wait for each other in a circle), then describes what it locked as a
`Pool` and asks it. Everything below runs under that lock, inside the caller's transaction:

- `Pool.has_seat()` decides whether a newcomer is seated or waits;
- `refuse_over_caps` refuses a newcomer whose municipality (or state, or any other group)
  already holds its share, with the caller's sentence;
- `fill` hands freed seats to the people waiting longest, through the caller's `promote`,
  which changes the status (`portal.core.workflows.transition`) and writes the emails;
- `waitlist_position` tells a person waiting where they stand.

A pool knows nothing of courses or rounds: it sees three querysets of registrations.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Model, Q, QuerySet

from portal.core.errors import DomainError


def lock(rows: QuerySet) -> list[Model]:
    """Lock `rows` (`select_for_update`) in the order of their ids and return them."""
    return list(rows.select_for_update().order_by("pk"))


@dataclass(frozen=True)
class Cap:
    """At most `limit` active registrations may share `value` in `field` (e.g. two per
    municipality). A cap without a limit, or a registrant without a value, does not apply."""

    field: str
    value: object
    limit: int | None
    refusal: str

    def applies(self) -> bool:
        return bool(self.limit) and self.value not in (None, "")


@dataclass
class Pool:
    """The seats of one thing people register for, counted under the caller's lock.

    `holders`: the registrations holding a seat; `waiting`: those on the waitlist who may
    move up; `active`: everybody counted against a cap (by default holders and waiting).
    """

    capacity: int
    holders: QuerySet
    waiting: QuerySet
    active: QuerySet | None = None

    def taken(self) -> int:
        return self.holders.count()

    def free(self) -> int:
        return max(self.capacity - self.taken(), 0)

    def has_seat(self) -> bool:
        return self.free() > 0

    def counted_for_caps(self) -> QuerySet:
        return self.active if self.active is not None else (self.holders | self.waiting)

    def queue(self) -> QuerySet:
        """The waitlist, longest waiting first (ids are handed out under the lock)."""
        return self.waiting.order_by("pk")


def refuse_over_caps(pool: Pool, caps: Iterable[Cap], *, error: type[DomainError]) -> None:
    """Raise `error(cap.refusal)` for the first cap the newcomer would exceed."""
    for cap in caps:
        if not cap.applies():
            continue
        if pool.counted_for_caps().filter(**{cap.field: cap.value}).count() >= cap.limit:
            raise error(cap.refusal)


def fill(pool: Pool, *, promote: Callable[[Model], Model]) -> list[Model]:
    """Give every free seat to the people waiting longest, through `promote`, one by one.

    `promote` receives a locked waiting registration and must seat it (its status then counts
    among `pool.holders`). Returns what `promote` returned, in order.
    """
    free = pool.free()
    if free <= 0:
        return []
    return [promote(registration) for registration in pool.queue().select_for_update()[:free]]


def waitlist_position(pool: Pool, registration: Model) -> int | None:
    """1 for the first person waiting, None for anyone not on the waitlist (one query)."""
    counts = pool.queue().aggregate(
        waiting=Count("pk", filter=Q(pk=registration.pk)),
        ahead=Count("pk", filter=Q(pk__lt=registration.pk)),
    )
    return counts["ahead"] + 1 if counts["waiting"] else None
