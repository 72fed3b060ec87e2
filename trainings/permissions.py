"""Who may do what with courses, dates and registrations.

The services ask these before they change anything; the steps (`trainings/steps.py`) name
them as their `may`, so the admin offers a step only to whoever may take it.
"""

from datetime import datetime

from portal.accounts.roles import is_coordinating
from trainings import selectors
from trainings.models import CourseDate, Registration


def may_manage_courses(user) -> bool:
    """Coordinators publish courses, enter and move dates and call them off."""
    return is_coordinating(user)


def may_cancel_registration(user, registration: Registration) -> bool:
    """The participant, or a coordinator on their behalf (the deadline is the service's)."""
    return registration.person_id == user.pk or is_coordinating(user)


def may_cancel_own(user, registration: Registration, now: datetime | None = None) -> bool:
    """The participant, on the portal, until the deadline."""
    return registration.person_id == user.pk and selectors.may_cancel(registration, now)


def may_cancel_for_participant(user, registration: Registration) -> bool:
    """Coordinators cancel anyone's registration, after the deadline too."""
    return is_coordinating(user)


def may_promote(user, registration: Registration) -> bool:
    return is_coordinating(user)


def may_cancel_date(user, date: CourseDate) -> bool:
    return is_coordinating(user)


def may_record_attendance(user, date: CourseDate | None = None) -> bool:
    return is_coordinating(user)
