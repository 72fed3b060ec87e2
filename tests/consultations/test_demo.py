"""The demo requests of `manage.py seed_demo`: every status, believable spread, idempotent."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from consultations.demo import DEMO_CONCERNS
from consultations.models import (
    CASE,
    Appointment,
    Consultation,
    Feedback,
    Message,
    Note,
    Phase,
    Status,
)
from consultations.selectors import case_history, status_history, untriaged_since
from portal.accounts.demo import OFFICERS
from portal.accounts.models import User
from portal.advisors.models import Format
from portal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """Run seed_demo once for the module (the register import takes seconds) inside a
    transaction that is rolled back afterwards, so other modules start from an empty
    database; each test runs in a savepoint within it."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_every_status_occurs():
    statuses = set(Consultation.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Consultation.objects.filter(concern__in=DEMO_CONCERNS).count() == len(DEMO_CONCERNS)


def test_each_case_went_through_its_statuses_and_every_change_left_an_entry():
    seen = set()
    for case in Consultation.objects.filter(concern__in=DEMO_CONCERNS):
        history = status_history(case)
        assert history[0] == Status.SUBMITTED
        assert history[-1] == case.status, case.reference
        for before, after in pairwise(history):
            assert CASE.allows(before, after), (case.reference, before, after)
        seen |= set(history)
        actions = set(case_history(case).values_list("action", flat=True))
        if case.notes.exists():
            assert "note.added" in actions
        if case.messages.exists():
            assert "message.posted" in actions
        if case.appointments.exists():
            assert actions & {"appointment.booked", "appointment.recorded"}
        if Feedback.objects.filter(consultation=case).exists():
            assert "feedback.given" in actions
        # Dated into the past in the order it happened.
        trail = list(AuditEntry.objects.for_object(case).exclude(to_status="").order_by("pk"))
        assert [entry.at for entry in trail] == sorted(entry.at for entry in trail)
        assert trail[-1].at < timezone.now()
    assert seen == set(Status.values)


def test_requests_are_spread_over_states_formats_and_bodies():
    assert len(set(Consultation.objects.values_list("state", flat=True))) >= 8
    assert set(Consultation.objects.values_list("format", flat=True)) == set(Format.values)
    assert Consultation.objects.filter(organisation__isnull=False).count() >= 2
    assert Consultation.objects.filter(municipality__isnull=False).exists()


def test_cases_have_their_details():
    assert Consultation.objects.filter(status=Status.SUBMITTED).count() >= 2
    assert untriaged_since(timezone.localdate()).exists()
    for case in Consultation.objects.filter(status__in=[Status.CONCLUDED, Status.CLOSED]):
        assert case.outcome and case.measures
    for case in Consultation.objects.filter(status__in=[Status.DECLINED, Status.REFERRED]):
        assert case.reason
    assert Consultation.objects.filter(status=Status.REFERRED).exclude(referred_to="").exists()
    assert Note.objects.exists()
    assert Message.objects.filter(from_advisors=True).exists()
    assert Feedback.objects.filter(consultation__status=Status.CLOSED).exists()


def test_process_support_has_past_phases_and_an_upcoming_round_table():
    now = timezone.now()
    case = Consultation.objects.get(status=Status.IN_PROGRESS, format=Format.PROZESSBEGLEITUNG)
    past = case.appointments.filter(starts_at__lt=now)
    assert {Phase.SITE_ANALYSIS, Phase.INVENTORY, Phase.NEEDS_ASSESSMENT} <= set(
        past.values_list("phase", flat=True)
    )
    assert all(appointment.minutes for appointment in past)
    assert case.appointments.filter(starts_at__gt=now, phase=Phase.ROUND_TABLE).exists()
    assert case.notes.exists()
    assert len(set(Appointment.objects.values_list("phase", flat=True))) >= 5


def test_no_advisor_has_overlapping_appointments():
    for appointment in Appointment.objects.scheduled():
        assert not (
            Appointment.objects.overlapping(
                advisor_id=appointment.advisor_id,
                start=appointment.starts_at,
                end=appointment.ends_at,
            )
            .exclude(pk=appointment.pk)
            .exists()
        )


def test_the_demo_officer_sees_several_requests_with_an_upcoming_conversation():
    officer = User.objects.get(email=OFFICERS[0][0])
    mine = Consultation.objects.filter(requester=officer)
    assert len(set(mine.values_list("status", flat=True))) >= 3
    assert Appointment.objects.filter(
        consultation__requester=officer,
        phase=Phase.FIRST_CONVERSATION,
        starts_at__gt=timezone.now(),
    ).exists()


def test_running_seed_demo_again_creates_nothing():
    before = (
        Consultation.objects.count(),
        Appointment.objects.count(),
        Note.objects.count(),
        Message.objects.count(),
        Feedback.objects.count(),
        AuditEntry.objects.filter(content_type__app_label="consultations").count(),
    )

    call_command("seed_demo", stdout=StringIO())

    assert (
        Consultation.objects.count(),
        Appointment.objects.count(),
        Note.objects.count(),
        Message.objects.count(),
        Feedback.objects.count(),
        AuditEntry.objects.filter(content_type__app_label="consultations").count(),
    ) == before
