"""The exchange rounds' lines on the coordinator's desk (see `portal.core.desk`), and the admin
filter the documentation line leads to, so that each count and its list agree.

A round is documented once its moderator publishes the documentation. Until then a round that
has ended waits for it, whether it was marked held or is still open or full after its end.
Advisors do not work in the rounds' admin: their line leads to "My exchange rounds", which
lists the rounds they moderate with the same query.

No line counts rounds with a free seat and people waiting, as trainings has for its dates:
before a round begins every freed or added seat goes to the waitlist in the same transaction,
and rounds have no step for giving a seat by hand once they have begun, so such a line would
lead nowhere.
"""

from datetime import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from exchanges.models import ExampleStatus, ExchangeRound, PracticeExample, RoundStatus
from portal.accounts.roles import ADVISOR, COORDINATOR
from portal.core.desk import changelist, desk

DOCUMENTATION_MISSING = "missing"

# The statuses of a round still to be held or documented (a draft is not announced yet).
UNDOCUMENTED = (RoundStatus.OPEN, RoundStatus.FULL, RoundStatus.HELD)


def rounds_without_documentation(*, moderator=None, now: datetime | None = None):
    """Rounds that have ended and whose documentation is not published yet; only those
    `moderator` moderates, if named."""
    rounds = ExchangeRound.objects.filter(status__in=UNDOCUMENTED, end__lte=now or timezone.now())
    if moderator is not None:
        rounds = rounds.filter(moderators=moderator)
    return rounds


def rounds_to_moderate(user):
    """The rounds `user` moderates that are still to be held or documented, soonest first:
    those that have ended are exactly `rounds_without_documentation(moderator=user)`."""
    return ExchangeRound.objects.filter(moderators=user, status__in=UNDOCUMENTED).order_by(
        "start", "pk"
    )


def _my_rounds_to_document() -> str:
    return reverse("exchanges:mine") + "#moderated"


@desk.line(
    "rounds_without_documentation",
    position=55,
    roles=(COORDINATOR,),
    label=ngettext_lazy(
        "exchange round has ended without documentation",
        "exchange rounds have ended without documentation",
        "count",
    ),
    url=changelist("exchanges.exchangeround", documentation=DOCUMENTATION_MISSING),
)
def rounds_documentation_missing(user) -> int:
    return rounds_without_documentation().count()


@desk.line(
    "moderated_rounds_without_documentation",
    position=56,
    roles=(ADVISOR,),
    label=ngettext_lazy(
        "round you moderate has ended without documentation",
        "rounds you moderate have ended without documentation",
        "count",
    ),
    url=_my_rounds_to_document,
)
def moderated_rounds_documentation_missing(user) -> int:
    return rounds_without_documentation(moderator=user).count()


@desk.line(
    "practice_examples_waiting",
    position=65,
    roles=(COORDINATOR,),
    label=ngettext_lazy(
        "practice example waits for review", "practice examples wait for review", "count"
    ),
    url=changelist("exchanges.practiceexample", status__exact=ExampleStatus.SUBMITTED),
)
def practice_examples_waiting(user) -> int:
    return PracticeExample.objects.filter(status=ExampleStatus.SUBMITTED).count()


class DocumentationMissingFilter(admin.SimpleListFilter):
    """Rounds that have ended without published documentation."""

    title = _("documentation")
    parameter_name = "documentation"

    def lookups(self, request, model_admin):
        return [(DOCUMENTATION_MISSING, _("missing after the round"))]

    def queryset(self, request, queryset):
        if self.value() != DOCUMENTATION_MISSING:
            return queryset
        return queryset.filter(pk__in=rounds_without_documentation().values("pk"))
