"""The outbox's line on the coordinator's desk (see `portal.core.desk`)."""

from django.utils.translation import ngettext_lazy

from portal.accounts.roles import COORDINATOR
from portal.core.desk import changelist, desk
from portal.notifications.models import Notification, Status


@desk.line(
    "emails_failed",
    position=90,
    roles=(COORDINATOR,),
    label=ngettext_lazy("email could not be sent", "emails could not be sent", "count"),
    url=changelist("notifications.notification", status__exact=Status.FAILED),
)
def emails_failed(user) -> int:
    """Emails the worker gave up on; the admin's action sends them again."""
    return Notification.objects.filter(status=Status.FAILED).count()
