"""The signed links of trainings: the course feedback link in the follow-up email.

Salt and payload are those the feedback link had before the kernel's `LinkPurpose` existed,
so links already sent keep working until they expire (a year after signing).
"""

from datetime import timedelta

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
