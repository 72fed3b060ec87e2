"""The accounts app's line on the coordinator's desk (see `portal.core.desk`)."""

from django.utils.translation import ngettext_lazy

from portal.accounts.models import Membership, MembershipStatus
from portal.accounts.roles import COORDINATOR
from portal.core.desk import changelist, desk


@desk.line(
    "memberships_pending",
    position=10,
    roles=(COORDINATOR,),
    label=ngettext_lazy(
        "membership waits for confirmation", "memberships wait for confirmation", "count"
    ),
    url=changelist("accounts.membership", status__exact=MembershipStatus.PENDING),
)
def memberships_pending(user) -> int:
    """People who say they work for a municipality or organisation, not yet decided."""
    return Membership.objects.pending().count()
