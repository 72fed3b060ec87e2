"""The steps coordinators take on an exchange round, declared once.

The admin's step pages (`ExchangeRoundAdmin`, `portal.core.admin.StepPagesMixin`), the demo
data and the tests read them from the kernel's registry (`portal.core.workflows.step`,
`open_steps`); imported by `ExchangesConfig.ready()`.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.models import ROUND, ExchangeRound, RoundFormat, RoundStatus
from exchanges.permissions import may_manage_rounds
from exchanges.services import rounds as services
from portal.core.workflows import Step, register_steps


def managing_round_table(user, round: ExchangeRound) -> bool:
    """A round table (or a meeting of a series) continues with a next meeting."""
    return may_manage_rounds(user) and (
        round.format == RoundFormat.ROUND_TABLE or round.series_id is not None
    )


def managing_ended(user, round: ExchangeRound) -> bool:
    """A round is marked held once it has ended."""
    return may_manage_rounds(user) and round.end <= timezone.now()


def managing_upcoming(user, round: ExchangeRound) -> bool:
    """A round is called off before it ends; afterwards it is held."""
    return may_manage_rounds(user) and round.end > timezone.now()


register_steps(
    ROUND,
    [
        Step(
            name="publish",
            target=RoundStatus.OPEN,
            label=_("Publish the round"),
            may=managing_upcoming,
            service=services.round_publish,
            obj_arg="round",
        ),
        Step(
            name="cancel",
            target=RoundStatus.CANCELLED,
            label=_("Cancel the round"),
            may=managing_upcoming,
            service=services.round_cancel,
            fields=("reason",),
            obj_arg="round",
        ),
        Step(
            name="hold",
            target=RoundStatus.HELD,
            label=_("Mark the round as held"),
            may=managing_ended,
            service=services.round_hold,
            obj_arg="round",
        ),
        # The status of this round stays: a new draft follows it.
        Step(
            name="next_meeting",
            target=RoundStatus.DRAFT,
            label=_("Plan the next meeting of the round table"),
            may=managing_round_table,
            service=services.round_next_meeting,
            fields=("start", "end"),
            keeps=frozenset(
                {RoundStatus.OPEN, RoundStatus.FULL, RoundStatus.HELD, RoundStatus.DOCUMENTED}
            ),
            obj_arg="round",
        ),
    ],
)
