"""The emails to the author of a practice example: published, or sent back with the reason.

Rows hold ids (and the reason as given); the example is loaded when the email is sent, and an
email whose news is no longer true (published, then sent back before the email went out) is
cancelled (`Obsolete`) instead of sent.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchanges.models import ExampleStatus, PracticeExample
from portal.notifications.kinds import Kind, Obsolete, register
from portal.notifications.models import Category
from portal.notifications.rendering import absolute_url

PUBLISHED = "practice_published"
RETURNED = "practice_returned"


def _context(notification, status: str) -> dict:
    example = (
        PracticeExample.objects.select_related("municipality")
        .filter(pk=notification.context["example_id"])
        .first()
    )
    if example is None:
        raise Obsolete(_("The practice example was deleted before the email went out."))
    if example.status != status:
        raise Obsolete(_("The practice example has changed its status since."))
    return {
        "example": example,
        "example_url": absolute_url(example.get_absolute_url()),
        "mine_url": absolute_url(reverse("exchanges:practice_mine")),
    }


def _published_context(notification) -> dict:
    return _context(notification, ExampleStatus.PUBLISHED)


def _returned_context(notification) -> dict:
    context = _context(notification, ExampleStatus.RETURNED)
    context["reason"] = notification.context.get("reason") or context["example"].return_reason
    context["edit_url"] = absolute_url(
        reverse("exchanges:practice_edit", args=[context["example"].slug])
    )
    return context


for name, build, label in [
    (PUBLISHED, _published_context, gettext_lazy("Practice example published")),
    (RETURNED, _returned_context, gettext_lazy("Practice example sent back")),
]:
    register(
        Kind(
            name=name,
            category=Category.TRANSACTIONAL,
            templates=f"exchanges/email/{name}",
            build_context=build,
            label=label,
        )
    )
