"""The case workflow: one transition table, one service per step, every other step refused."""

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import emails, services
from consultations.errors import ConsultationError
from consultations.models import TRANSITIONS, Consultation, Status, StatusChange
from portal.notifications.models import Notification
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def perform(action, consultation, by, lead=None):
    kwargs = {"consultation": consultation, "by": by}
    if action == "assign":
        kwargs["lead"] = lead
    if action == "conclude":
        kwargs["outcome"] = "Ein Runder Tisch wurde vereinbart."
    if action == "decline":
        kwargs["reason"] = "Kein Bezug zum Programm."
    if action == "refer":
        kwargs.update(referred_to="Landesdemokratiezentrum", reason="Dort zuständig.")
    return getattr(services, f"consultation_{action}")(**kwargs)


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(Status.values, services.ACTIONS))
)
def test_every_transition_follows_the_table(status, action):
    coordinator = UserFactory(roles=["coordinator"])
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(status=status, lead_advisor=lead if status != "submitted" else None)
    target, _who = services.ACTIONS[action]
    allowed = target in TRANSITIONS[status] or (
        action == "assign" and status in {Status.ASSIGNED, Status.IN_PROGRESS}
    )
    if allowed:
        perform(action, case, coordinator, lead=AdvisorProfileFactory())
        case.refresh_from_db()
        assert case.status in {target, status}
    else:
        with pytest.raises(ConsultationError) as refused:
            perform(action, case, coordinator, lead=lead)
        assert "cannot become" in refused.value.message or "kann nicht" in refused.value.message
        case.refresh_from_db()
        assert case.status == status


def test_each_step_records_who_and_when():
    coordinator = UserFactory(roles=["coordinator"])
    case = ConsultationFactory()
    services.consultation_triage(consultation=case, by=coordinator)
    change = StatusChange.objects.get(consultation=case)
    assert (change.from_status, change.to_status, change.by) == (
        "submitted",
        "in_triage",
        coordinator,
    )
    assert abs(change.at - timezone.now()) < timedelta(seconds=5)
    assert case.history.first().history_user == coordinator


def test_who_may_do_what():
    lead = AdvisorProfileFactory()
    other_advisor = AdvisorProfileFactory()
    case = ConsultationFactory(status="assigned", lead_advisor=lead)
    with pytest.raises(ConsultationError):
        services.consultation_start(consultation=case, by=other_advisor.user)
    with pytest.raises(ConsultationError):
        services.consultation_start(consultation=case, by=case.requester)
    with pytest.raises(ConsultationError):  # only coordinators assign
        services.consultation_assign(consultation=case, lead=other_advisor, by=lead.user)
    services.consultation_start(consultation=case, by=lead.user)
    with pytest.raises(ConsultationError):  # the advisor cannot withdraw for the requester
        services.consultation_withdraw(consultation=case, by=lead.user)
    services.consultation_withdraw(consultation=case, by=case.requester)
    assert Consultation.objects.get(pk=case.pk).status == Status.WITHDRAWN


def test_refusals_need_their_reasons():
    coordinator = UserFactory(roles=["coordinator"])
    case = ConsultationFactory(status="in_triage")
    with pytest.raises(ConsultationError, match=r"reason|Begründung"):
        services.consultation_decline(consultation=case, reason=" ", by=coordinator)
    with pytest.raises(ConsultationError, match=r"programme|Programm"):
        services.consultation_refer(consultation=case, referred_to="", reason="x", by=coordinator)
    lead = AdvisorProfileFactory()
    with pytest.raises(ConsultationError, match=r"co-advisor|Co-Berater"):
        services.consultation_assign(consultation=case, lead=lead, co=lead, by=coordinator)


def test_the_admin_shows_a_refused_step_as_a_message(client):
    coordinator = UserFactory(roles=["coordinator"])
    case = ConsultationFactory(status="closed")
    client.force_login(coordinator)
    url = reverse("admin:consultations_consultation_action", args=[case.pk, "triage"])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any("cannot become" in t or "kann nicht" in t for t in texts)
    case.refresh_from_db()
    assert case.status == "closed"
    assert (
        client.get(
            reverse("admin:consultations_consultation_action", args=[case.pk, "nonsense"])
        ).status_code
        == 404
    )


def test_declining_cancels_future_appointments_and_tells_the_requester():
    coordinator = UserFactory(roles=["coordinator"])
    case = ConsultationFactory(status="in_triage")
    appointment = AppointmentFactory(consultation=case)
    services.consultation_decline(
        consultation=case, reason="Außerhalb des Programms.", by=coordinator
    )
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert Notification.objects.filter(kind=emails.CANCELLED).count() == 2
    assert Notification.objects.get(kind=emails.ENDED).user == case.requester


def test_the_triage_digest_counts_working_days():
    coordinator = UserFactory(roles=["coordinator"])
    friday = date(2026, 11, 20)
    assert services.working_days_before(friday, 3) == date(2026, 11, 17)
    monday = date(2026, 11, 23)
    assert services.working_days_before(monday, 3) == date(2026, 11, 18)

    fresh = ConsultationFactory()
    assert services.triage_digest_queue(today=timezone.localdate()) == 0
    Consultation.objects.filter(pk=fresh.pk).update(submitted_at=timezone.now() - timedelta(days=6))
    assert services.triage_digest_queue(today=timezone.localdate()) == 1
    assert services.triage_digest_queue(today=timezone.localdate()) == 1  # same key: one email
    assert Notification.objects.filter(kind=emails.DIGEST, user=coordinator).count() == 1
