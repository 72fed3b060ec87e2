"""Each email's idempotency key names the change it announces: a replayed request sends no
second email, while a new change of the same kind (a second move, a second conclusion, an
advisor assigned again) is announced again. No key carries the moment it was written."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import emails, services
from consultations.errors import ConsultationError
from portal.advisors.availability import free_slots
from portal.notifications.models import Notification
from tests.factories import AdvisorProfileFactory, ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db

# A timestamp stamped into a key: 14 digits and more in a row (e.g. 20261129213212123456).
STAMP = re.compile(r"\d{14,}")


def count(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters).count()


def slots(advisor, how_many):
    now = timezone.now()
    found = free_slots(advisor, start=now, end=now + timedelta(weeks=advisor.horizon_weeks))
    return [slot.start for slot in found[:how_many]]


@pytest.fixture(autouse=True)
def _no_key_carries_a_timestamp():
    yield
    keys = list(Notification.objects.values_list("idempotency_key", flat=True))
    assert keys and not [key for key in keys if STAMP.search(key)], keys


def test_assigning_the_same_advisors_again_sends_nothing_new():
    coordinator = UserFactory(roles=["coordinator"])
    lead, other = AdvisorProfileFactory(), AdvisorProfileFactory()
    case = ConsultationFactory(status="in_triage")

    services.consultation_assign(consultation=case, lead=lead, by=coordinator)
    services.consultation_assign(consultation=case, lead=lead, by=coordinator)  # replayed

    assert count(emails.ASSIGNED, user=lead.user) == 1
    assert count(emails.ASSIGNED, user=case.requester) == 1
    keys = set(
        Notification.objects.filter(kind=emails.ASSIGNED).values_list("idempotency_key", flat=True)
    )
    assert f"consultation:{case.pk}:assigned:1:lead:{lead.pk}:{lead.user_id}" in keys

    # Another lead, then the first one again: each assignment is news to the person assigned.
    services.consultation_assign(consultation=case, lead=other, by=coordinator)
    services.consultation_assign(consultation=case, lead=lead, by=coordinator)
    assert count(emails.ASSIGNED, user=lead.user) == 2
    assert count(emails.ASSIGNED, user=other.user) == 1
    assert count(emails.ASSIGNED, user=case.requester) == 3


def test_a_conclusion_is_announced_once_and_a_second_conclusion_again():
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(status="in_progress", lead_advisor=lead)

    services.consultation_conclude(consultation=case, outcome="Erreicht.", by=lead.user)
    with pytest.raises(ConsultationError):  # the same click again
        services.consultation_conclude(consultation=case, outcome="Erreicht.", by=lead.user)
    assert count(emails.CONCLUDED) == 1

    services.consultation_start(consultation=case, by=lead.user)  # resumed
    services.consultation_conclude(consultation=case, outcome="Mehr erreicht.", by=lead.user)
    keys = sorted(
        Notification.objects.filter(kind=emails.CONCLUDED).values_list("idempotency_key", flat=True)
    )
    assert keys == [f"consultation:{case.pk}:concluded:1", f"consultation:{case.pk}:concluded:2"]


def test_booking_moving_and_cancelling_replayed_send_nothing_twice():
    advisor = AdvisorProfileFactory()
    case = ConsultationFactory()
    first, second = slots(advisor, 2)

    appointment = services.appointment_book(
        consultation=case, advisor=advisor, start=first, by=case.requester
    )
    with pytest.raises(ConsultationError):  # booked twice: refused, nothing sent
        services.appointment_book(
            consultation=case, advisor=advisor, start=first, by=case.requester
        )
    assert count(emails.BOOKED) == 2  # one to each side

    services.appointment_move(appointment=appointment, start=second, by=case.requester)
    services.appointment_move(appointment=appointment, start=second, by=case.requester)
    assert count(emails.MOVED) == 2

    # Back and forth: every real move is news, even to a time it had before.
    services.appointment_move(appointment=appointment, start=first, by=case.requester)
    services.appointment_move(appointment=appointment, start=second, by=case.requester)
    assert count(emails.MOVED) == 6
    assert count(emails.REMINDER) == 2  # the reminders moved along, none was added

    services.appointment_cancel(appointment=appointment, by=case.requester)
    with pytest.raises(ConsultationError):
        services.appointment_cancel(appointment=appointment, by=case.requester)
    assert count(emails.CANCELLED) == 2


def test_ending_replayed_tells_nobody_twice():
    coordinator = UserFactory(roles=["coordinator"])
    case = ConsultationFactory(status="in_triage")
    services.consultation_decline(consultation=case, reason="Nicht bei uns.", by=coordinator)
    with pytest.raises(ConsultationError):
        services.consultation_decline(consultation=case, reason="Nicht bei uns.", by=coordinator)
    (ended,) = Notification.objects.filter(kind=emails.ENDED)
    assert ended.idempotency_key == f"consultation:{case.pk}:ended:declined:{case.requester_id}"
