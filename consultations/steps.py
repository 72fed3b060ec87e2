"""The steps people take in a case's workflow, declared once.

The admin's step pages and "Next steps" buttons, `permissions.may_act` and
`available_actions`, the services' own checks, the demo data and the tests all read this
list through `portal.core.workflows` (it is registered when the app is ready). Each step
names the status it leads to, who may take it, the service that performs it and the
answers its page asks for (the service's keyword arguments of the same names).
"""

from django.utils.translation import gettext_lazy as _

from consultations import services
from consultations.models import CASE, Status
from consultations.permissions import case_advisors, coordinators, requester_side
from portal.core.workflows import Step, register_steps

STEPS = [
    Step(
        name="triage",
        target=Status.IN_TRIAGE,
        label=_("Take into triage"),
        may=coordinators,
        service=services.consultation_triage,
    ),
    Step(
        name="assign",
        target=Status.ASSIGNED,
        label=_("Assign advisors"),
        may=coordinators,
        service=services.consultation_assign,
        fields=("lead", "co"),
        # Other advisors for a case under way: the status stays.
        keeps=frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
    ),
    Step(
        name="start",
        target=Status.IN_PROGRESS,
        label=_("Start the work"),
        may=case_advisors,
        service=services.consultation_start,
    ),
    Step(
        name="conclude",
        target=Status.CONCLUDED,
        label=_("Conclude with outcome"),
        may=case_advisors,
        service=services.consultation_conclude,
        fields=("outcome", "measures"),
    ),
    Step(
        name="close",
        target=Status.CLOSED,
        label=_("Close the case"),
        may=case_advisors,
        service=services.consultation_close,
    ),
    Step(
        name="decline",
        target=Status.DECLINED,
        label=_("Decline"),
        may=coordinators,
        service=services.consultation_decline,
        fields=("reason",),
    ),
    Step(
        name="refer",
        target=Status.REFERRED,
        label=_("Refer to another programme"),
        may=coordinators,
        service=services.consultation_refer,
        fields=("referred_to", "reason"),
    ),
    Step(
        name="withdraw",
        target=Status.WITHDRAWN,
        label=_("Withdraw (on behalf of the requester)"),
        may=requester_side,
        service=services.consultation_withdraw,
        fields=("reason",),
    ),
]

register_steps(CASE, STEPS)
