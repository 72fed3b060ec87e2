"""Who may do what with a request or case: predicates only, no writes.

The workflow's steps (`consultations.steps`) name these predicates as their `may`; services,
views, the admin and the demo ask the steps (`may_act`, `available_actions`) or the
predicates here instead of restating a rule.
"""

from consultations.models import CASE
from portal.accounts.models import Membership
from portal.accounts.roles import is_coordinating
from portal.core.workflows import open_steps, step


def is_case_advisor(user, consultation) -> bool:
    """The lead or co-advisor of the case."""
    return user.is_authenticated and user.pk in {
        getattr(consultation.lead_advisor, "user_id", None),
        getattr(consultation.co_advisor, "user_id", None),
    }


def is_requester_side(user, consultation) -> bool:
    """The requester, or a verified colleague of the same municipality or organisation."""
    if not user.is_authenticated:
        return False
    if consultation.requester_id == user.pk:
        return True
    memberships = Membership.objects.verified().filter(user=user)
    if consultation.municipality_id:
        return memberships.filter(municipality_id=consultation.municipality_id).exists()
    return memberships.filter(organisation_id=consultation.organisation_id).exists()


def may_add_documents(user, consultation) -> bool:
    """The requester's side may add documents to its request until the case has ended."""
    return not consultation.has_ended and is_requester_side(user, consultation)


def is_case_staff(user, consultation) -> bool:
    """The case's advisors and the coordinators: they see internal notes and documents."""
    return is_case_advisor(user, consultation) or is_coordinating(user)


# --- The `may` of each workflow step --------------------------------------------------------


def coordinators(user, consultation) -> bool:
    return is_coordinating(user)


def case_advisors(user, consultation) -> bool:
    """The case's advisors, and coordinators."""
    return is_case_staff(user, consultation)


def requester_side(user, consultation) -> bool:
    """The requester's side, and coordinators (on their behalf)."""
    return is_coordinating(user) or is_requester_side(user, consultation)


def may_act(user, consultation, action: str) -> bool:
    """Whether `user` may take the step `action` on the case in its current status."""
    registered = step(CASE.name, action)
    return registered.is_open(CASE, consultation) and registered.may(user, consultation)


def available_actions(user, consultation) -> list[str]:
    """The names of the steps `user` may take now, in the order they were declared."""
    return [s.name for s in open_steps(CASE.name, consultation, user)]
