"""The coordinator's desk: what needs doing today, one line per kind of work.

Each app registers its lines in its `AppConfig.ready()` (in a `desk.py` of its own), so the
kernel imports no app::

    @desk.line(
        "memberships_pending",
        position=10,
        roles=(COORDINATOR,),
        label=ngettext_lazy(
            "membership waits for confirmation", "memberships wait for confirmation", "count"
        ),
        url=changelist("accounts.membership", status__exact="pending"),
    )
    def memberships_pending(user) -> int:
        return Membership.objects.pending().count()

A line has
- `roles`: who sees it. Coordinators see every line that names them; an advisor sees the
  lines that name advisors, and the line's count is then scoped to her own work.
- `count(user)`: how many things wait, in ONE query, so the page costs the same number of
  queries with ten rows or ten thousand (tests/core/test_desk.py pins it).
- `label`: an `ngettext_lazy(singular, plural, "count")` that follows the number shown
  before it ("3 memberships wait for confirmation").
- `url()`: where the work is done, usually an admin list with the filter that shows exactly
  those rows (`changelist`).

Lines are shown in the order of their `position`, those with nothing to do included.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import prefetch_related_objects
from django.urls import reverse

from portal.core.roles import COORDINATOR, ROLES


@dataclass(frozen=True)
class Line:
    name: str
    label: object  # a lazy ngettext with the number key "count"
    count: Callable[..., int]
    url: Callable[[], str]
    roles: frozenset[str]
    position: int = 100

    def text(self, count: int) -> str:
        """The label for `count` things, in the active language."""
        return str(self.label % {"count": count})


@dataclass(frozen=True)
class Row:
    """A line as one person sees it: how many things wait for them, and where to go."""

    line: Line
    count: int
    text: str
    url: str

    @property
    def done(self) -> bool:
        return self.count == 0


class Desk:
    def __init__(self):
        self._lines: dict[str, Line] = {}

    def line(
        self,
        name: str,
        *,
        label,
        url: Callable[[], str],
        roles: Iterable[str] = (COORDINATOR,),
        position: int = 100,
    ):
        """Decorator for the count function of a line: `count(user) -> int`, one query."""
        roles = frozenset(roles)
        if not roles or not roles <= set(ROLES):
            raise ValueError(f"desk line {name}: unknown roles {sorted(roles - set(ROLES))}")

        def decorator(count):
            self._lines[name] = Line(
                name=name, label=label, count=count, url=url, roles=roles, position=position
            )
            return count

        return decorator

    def lines(self) -> list[Line]:
        return sorted(self._lines.values(), key=lambda line: (line.position, line.name))

    def lines_for(self, user) -> list[Line]:
        """The lines a person sees: those that name one of their roles."""
        prefetch_related_objects([user], "groups")  # one query for every role check below
        return [line for line in self.lines() if any(user.has_role(r) for r in line.roles)]

    def rows_for(self, user) -> list[Row]:
        """Each of the person's lines with its count (one query each) and its link."""
        rows = []
        for line in self.lines_for(user):
            count = line.count(user)
            rows.append(Row(line=line, count=count, text=line.text(count), url=line.url()))
        return rows


desk = Desk()


def changelist(model: str, **filters) -> Callable[[], str]:
    """The admin list of `app_label.model`, filtered: `changelist("accounts.membership",
    status__exact="pending")`. Resolved when the page is shown, not when the app loads."""
    app_label, model_name = model.lower().split(".")

    def url() -> str:
        path = reverse(f"admin:{app_label}_{model_name}_changelist")
        return f"{path}?{urlencode(filters)}" if filters else path

    return url
