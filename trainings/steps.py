"""The steps people take on registrations and course dates, declared once.

The participant's cancel page, the admin's step pages and actions, and the tests read them
from the kernel's registry (`portal.core.workflows.step`, `open_steps`); imported by
`TrainingsConfig.ready()`.
"""

from django.utils.translation import gettext_lazy as _

from portal.core.workflows import Step, register_steps
from trainings import permissions, services
from trainings.models import COURSE_DATE, REGISTRATION, DateStatus, RegistrationStatus

register_steps(
    REGISTRATION,
    [
        # The participant, on the portal, until the deadline.
        Step(
            name="cancel",
            target=RegistrationStatus.CANCELLED,
            label=_("Cancel my registration"),
            may=permissions.may_cancel_own,
            service=services.registration_cancel,
        ),
        # A coordinator on the participant's behalf, after the deadline too.
        Step(
            name="cancel_for_participant",
            target=RegistrationStatus.CANCELLED,
            label=_("Cancel the registration (the seat goes to the waitlist)"),
            may=permissions.may_cancel_for_participant,
            service=services.registration_cancel,
        ),
        # Free seats go to the waitlist by themselves before the start; after it, at the
        # door, a coordinator gives a free seat to someone waiting.
        Step(
            name="promote",
            target=RegistrationStatus.CONFIRMED,
            label=_("Give a free seat to this person"),
            may=permissions.may_promote,
            service=services.registration_promote,
        ),
    ],
)

register_steps(
    COURSE_DATE,
    [
        Step(
            name="cancel",
            target=DateStatus.CANCELLED,
            label=_("Cancel this date"),
            may=permissions.may_cancel_date,
            service=services.course_date_cancel,
            fields=("reason",),
            obj_arg="date",
        ),
    ],
)
