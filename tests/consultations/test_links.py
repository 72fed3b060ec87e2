"""The signed links of the emails: kernel link purposes with the salts, payloads and
lifetimes the app used before, so links already sent keep working."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from consultations.links import (
    APPOINTMENT_LINK,
    FEEDBACK_LINK,
    appointment_from_token,
    appointment_token,
    consultation_from_feedback_token,
    feedback_token,
)
from portal.core.links import link_purposes
from tests.factories import AppointmentFactory, ConsultationFactory

pytestmark = pytest.mark.django_db


def old_appointment_token(appointment):
    """How the app signed the link before the kernel existed."""
    return signing.dumps(
        {"a": appointment.pk, "u": appointment.consultation.requester_id},
        salt="consultations.appointment",
    )


def test_both_links_are_registered_purposes():
    purposes = link_purposes()
    assert purposes[APPOINTMENT_LINK.name] is APPOINTMENT_LINK
    assert purposes[FEEDBACK_LINK.name] is FEEDBACK_LINK
    assert (APPOINTMENT_LINK.salt, APPOINTMENT_LINK.max_age) == (
        "consultations.appointment",
        timedelta(days=400),
    )
    assert (FEEDBACK_LINK.salt, FEEDBACK_LINK.max_age) == (
        "consultations.feedback",
        timedelta(days=365),
    )


def test_links_sent_before_the_kernel_still_work(client):
    appointment = AppointmentFactory()
    old = old_appointment_token(appointment)
    assert appointment_from_token(old) == appointment
    assert client.get(reverse("consultations:appointment_link", args=[old])).status_code == 200
    assert signing.loads(appointment_token(appointment), salt="consultations.appointment") == {
        "a": appointment.pk,
        "u": appointment.consultation.requester_id,
    }

    closed = ConsultationFactory(status="closed")
    old_feedback = signing.dumps({"c": closed.pk}, salt="consultations.feedback")
    assert consultation_from_feedback_token(old_feedback) == closed
    assert client.get(reverse("consultations:feedback", args=[old_feedback])).status_code == 200


def test_a_feedback_link_works_for_closed_cases_only():
    case = ConsultationFactory(status="concluded")
    token = feedback_token(case)
    assert consultation_from_feedback_token(token) is None
    type(case).objects.filter(pk=case.pk).update(status="closed")
    assert consultation_from_feedback_token(token) == case


def test_a_link_for_another_requester_or_purpose_or_past_its_lifetime_finds_nothing(monkeypatch):
    appointment = AppointmentFactory()
    forged = signing.dumps(
        {"a": appointment.pk, "u": appointment.consultation.requester_id + 1},
        salt="consultations.appointment",
    )
    assert appointment_from_token(forged) is None
    assert appointment_from_token(feedback_token(appointment.consultation)) is None
    token = appointment_token(appointment)
    later = timezone.now() + timedelta(days=401)
    monkeypatch.setattr("time.time", lambda: later.timestamp())
    assert appointment_from_token(token) is None
