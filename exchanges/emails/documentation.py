"""The email that tells a round's participants its documentation is published.

It carries the summary, the results and the open follow-up items in its body, so a guest
without an account reads them too; members also get the link to the round's page, where the
files are. The row holds the registration's id; the round is read when the email goes out.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchanges.models import RegistrationStatus, RoundRegistration, RoundStatus
from portal.notifications.kinds import Kind, Obsolete, register
from portal.notifications.models import Category
from portal.notifications.rendering import absolute_url

ROUND_DOCUMENTED = "round_documented"


def _documented_context(notification) -> dict:
    registration = (
        RoundRegistration.objects.select_related("round", "person")
        .filter(pk=notification.context["registration_id"])
        .first()
    )
    if registration is None:
        raise Obsolete(_("The registration was deleted before the email went out."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Obsolete(_("The registration is no longer confirmed."))
    round = registration.round
    if round.status != RoundStatus.DOCUMENTED:
        raise Obsolete(_("The documentation is not published."))
    context = {
        "round": round,
        "follow_ups": list(round.follow_ups.filter(done=False)),
        "file_count": round.files.count(),
        # Guests have no account: the page is for members, the text of the email for all.
        "round_url": "" if registration.is_guest else absolute_url(round.get_absolute_url()),
    }
    if registration.is_guest:
        context["recipient"] = {"full_name": registration.guest_name}
    return context


register(
    Kind(
        name=ROUND_DOCUMENTED,
        category=Category.TRANSACTIONAL,
        templates=f"exchanges/email/{ROUND_DOCUMENTED}",
        build_context=_documented_context,
        label=gettext_lazy("Exchange round documentation published"),
    )
)
