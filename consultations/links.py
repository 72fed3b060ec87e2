"""The signed links of consultations' emails, as kernel `LinkPurpose`s.

Salts, payloads and lifetimes are those the app signed with before the kernel existed, so
links already sent keep working until they expire.
"""

from datetime import timedelta

from django.db.models import Q

from consultations.models import (
    ENDED_STATUSES,
    Appointment,
    AppointmentStatus,
    Consultation,
    Status,
)
from portal.core.links import LinkPurpose, register_link


def _appointment(data: dict) -> Appointment | None:
    # Once a case has ended its appointments can no longer be moved or cancelled online:
    # a cancelled one still shows as cancelled, any other answers 404.
    return (
        Appointment.objects.select_related("consultation__requester", "advisor__user")
        .filter(pk=data["a"], consultation__requester_id=data["u"])
        .exclude(
            Q(consultation__status__in=ENDED_STATUSES) & ~Q(status=AppointmentStatus.CANCELLED)
        )
        .first()
    )


APPOINTMENT_LINK = register_link(
    LinkPurpose(
        name="consultations.appointment",
        salt="consultations.appointment",
        max_age=timedelta(days=400),
        payload=lambda appointment: {
            "a": appointment.pk,
            "u": appointment.consultation.requester_id,
        },
        lookup=_appointment,
    )
)

# The follow-up's feedback form: only a closed case takes feedback.
FEEDBACK_LINK = register_link(
    LinkPurpose(
        name="consultations.feedback",
        salt="consultations.feedback",
        max_age=timedelta(days=365),
        payload=lambda consultation: {"c": consultation.pk},
        lookup=lambda data: Consultation.objects.filter(pk=data["c"], status=Status.CLOSED).first(),
    )
)


def appointment_token(appointment: Appointment) -> str:
    """The signed link in the emails that lets the requester move or cancel without a login."""
    return APPOINTMENT_LINK.sign(appointment)


def appointment_from_token(token: str) -> Appointment | None:
    return APPOINTMENT_LINK.resolve(token)


def feedback_token(consultation: Consultation) -> str:
    return FEEDBACK_LINK.sign(consultation)


def consultation_from_feedback_token(token: str) -> Consultation | None:
    return FEEDBACK_LINK.resolve(token)
