"""Booking a first conversation: the slot check, the race for one slot, the constraint."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from consultations.errors import ConsultationError, SlotTaken
from consultations.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentStatus,
    Consultation,
    Status,
)
from consultations.services import appointment_book, appointment_move
from portal.advisors.availability import free_slots, next_free_slot
from tests.factories import AdvisorProfileFactory, AppointmentFactory, ConsultationFactory


def first_slot(profile):
    return next_free_slot(profile)[profile.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_officers_racing_for_one_slot_make_exactly_one_appointment():
    advisor = AdvisorProfileFactory()
    cases = [ConsultationFactory() for _ in range(20)]
    slot = first_slot(advisor)
    barrier = threading.Barrier(len(cases))
    outcomes = []

    def book(case):
        try:
            barrier.wait()
            appointment_book(
                consultation=case, advisor=advisor, start=slot.start, by=case.requester
            )
            outcomes.append("booked")
        except SlotTaken as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 1
    assert len(outcomes) == 20
    taken = [outcome for outcome in outcomes if outcome != "booked"]
    assert all("just taken" in text or "gerade vergeben" in text for text in taken)
    assert Appointment.objects.filter(advisor=advisor).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_exclusion_constraint_refuses_overlaps_the_service_did_not_see():
    existing = AppointmentFactory()
    with pytest.raises(IntegrityError, match="appointment_no_overlap"), transaction.atomic():
        Appointment.objects.create(
            consultation=existing.consultation,
            advisor=existing.advisor,
            starts_at=existing.starts_at + timedelta(minutes=30),
            ends_at=existing.ends_at + timedelta(minutes=30),
            mode="video",
        )
    # Cancelled appointments and back-to-back ones do not count.
    Appointment.objects.filter(pk=existing.pk).update(status=AppointmentStatus.CANCELLED)
    Appointment.objects.create(
        consultation=existing.consultation,
        advisor=existing.advisor,
        starts_at=existing.starts_at,
        ends_at=existing.ends_at,
        mode="video",
    )
    Appointment.objects.create(
        consultation=existing.consultation,
        advisor=existing.advisor,
        starts_at=existing.ends_at,
        ends_at=existing.ends_at + timedelta(hours=1),
        mode="video",
    )


@pytest.mark.django_db
def test_the_loser_sees_that_the_time_was_just_taken_and_the_next_free_times(client):
    advisor = AdvisorProfileFactory()
    winner, loser = ConsultationFactory(), ConsultationFactory()
    slot = first_slot(advisor)
    appointment_book(consultation=winner, advisor=advisor, start=slot.start, by=winner.requester)

    client.force_login(loser.requester)
    response = client.post(
        reverse("consultations:book", args=[loser.pk]),
        {"slot": f"{advisor.pk}|{slot.start.isoformat()}"},
    )

    assert response.status_code == 200
    text = [str(message) for message in response.context["messages"]]
    assert any("just taken" in m or "gerade vergeben" in m for m in text)
    offered = [s.start for choice in response.context["choices"] for s in choice.slots]
    assert offered and slot.start not in offered
    assert not Appointment.objects.filter(consultation=loser).exists()


@pytest.mark.django_db
def test_only_offered_slots_can_be_booked():
    advisor = AdvisorProfileFactory()
    case = ConsultationFactory()
    slot = first_slot(advisor)
    with pytest.raises(SlotTaken):  # not on the slot grid
        appointment_book(
            consultation=case,
            advisor=advisor,
            start=slot.start + timedelta(minutes=7),
            by=case.requester,
        )
    with pytest.raises(ConsultationError):  # someone from elsewhere
        other = ConsultationFactory()
        appointment_book(consultation=case, advisor=advisor, start=slot.start, by=other.requester)


@pytest.mark.django_db
def test_a_second_first_conversation_is_refused_but_moving_keeps_the_advisor_free():
    advisor = AdvisorProfileFactory()
    case = ConsultationFactory()
    slot = first_slot(advisor)
    appointment = appointment_book(
        consultation=case, advisor=advisor, start=slot.start, by=case.requester
    )
    with pytest.raises(ConsultationError, match=r"already booked|bereits ein Gespräch gebucht"):
        appointment_book(
            consultation=case,
            advisor=advisor,
            start=slot.start + timedelta(days=1),
            by=case.requester,
        )
    # Moving to the slot right after its own old time works: the old time is freed first.
    later = next(
        s
        for s in free_slots(advisor, start=slot.start, end=slot.start + timedelta(days=7))
        if s.start > slot.start
    )
    moved = appointment_move(appointment=appointment, start=later.start, by=case.requester)
    assert moved.starts_at == later.start
    assert Appointment.objects.scheduled().filter(advisor=advisor).count() == 1


# --- One rule: can this request still book a conversation? ---------------------------------


SITUATIONS = ["nothing", "upcoming", "upcoming cancelled", "past"]


@pytest.mark.django_db
@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("status", Status.values)
def test_the_bookable_queryset_and_property_agree(status, situation):
    case = ConsultationFactory(status=status)
    now = timezone.now()
    if situation != "nothing":
        starts_at = now + (
            timedelta(days=2) if situation.startswith("upcoming") else -timedelta(days=2)
        )
        AppointmentFactory(
            consultation=case,
            starts_at=starts_at,
            status="cancelled" if situation.endswith("cancelled") else "scheduled",
        )
    expected = status in OPEN_STATUSES and situation != "upcoming"

    in_queryset = Consultation.objects.bookable().filter(pk=case.pk).exists()
    loaded = Consultation.objects.prefetch_related("appointments").get(pk=case.pk)
    assert in_queryset == loaded.is_bookable == Consultation.objects.get(pk=case.pk).is_bookable
    assert in_queryset == expected


@pytest.mark.django_db
def test_the_booking_page_and_the_service_ask_the_same_rule(client):
    advisor = AdvisorProfileFactory()
    case = ConsultationFactory(status="concluded")
    client.force_login(case.requester)
    response = client.get(reverse("consultations:book", args=[case.pk]))
    assert response.status_code == 302  # not bookable: back to the request
    with pytest.raises(ConsultationError, match=r"no longer open|keine Termine mehr"):
        appointment_book(
            consultation=case, advisor=advisor, start=first_slot(advisor).start, by=case.requester
        )
