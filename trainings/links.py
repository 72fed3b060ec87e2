"""The signed links of trainings: the course feedback link in the follow-up email, and a
guest's links to confirm or cancel a registration for a course open to the public.

Salt and payload are those the feedback link had before the kernel's `LinkPurpose` existed,
so links already sent keep working until they expire (a year after signing).
"""

from datetime import timedelta

from portal.core.guests import guest_links
from portal.core.links import LinkPurpose, register_link
from trainings.models import Registration

FEEDBACK_LINK = register_link(
    LinkPurpose(
        name="course_feedback",
        salt="trainings.feedback",
        max_age=timedelta(days=365),
        payload=lambda registration: {"r": registration.pk},
        # Confirmed registrations only: a cancelled one has nothing to give feedback on.
        lookup=lambda data: (
            Registration.objects.confirmed().select_related("course").filter(pk=data["r"]).first()
        ),
    )
)


def feedback_token(registration: Registration) -> str:
    return FEEDBACK_LINK.sign(registration)


def registration_from_feedback_token(token: str) -> Registration | None:
    """The confirmed registration a valid, unexpired feedback token names, else None."""
    return FEEDBACK_LINK.resolve(token)


# A guest's confirm link (valid 24 hours) and cancel link (until after the course), bound to
# the address the registration was made with (see `portal.core.guests`).
GUEST_LINKS = guest_links(
    name="course_registration",
    salt="trainings.registration",
    lookup=lambda pk: (
        Registration.objects.guests().select_related("course", "date").filter(pk=pk).first()
    ),
)


def guest_confirm_token(registration: Registration) -> str:
    return GUEST_LINKS.confirm.sign(registration)


def guest_cancel_token(registration: Registration) -> str:
    return GUEST_LINKS.cancel.sign(registration)
