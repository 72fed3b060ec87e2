"""The case workflow: one transition table, one registered list of steps, every other step
refused, every change in the audit trail, and what ending a case does to its appointments."""

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import emails, selectors, services
from consultations.errors import ConsultationError
from consultations.links import appointment_token
from consultations.models import CASE, Consultation, Status
from consultations.permissions import available_actions, may_act
from portal.accounts.roles import is_coordinating
from portal.advisors.availability import next_free_slot
from portal.core.errors import DomainError
from portal.core.models import AuditEntry
from portal.core.workflows import open_steps, steps_of
from portal.notifications.models import Notification
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STEPS = steps_of(CASE.name)


# What each step is for, written down independently of the registry it checks.
TARGETS = {
    "triage": Status.IN_TRIAGE,
    "assign": Status.ASSIGNED,
    "start": Status.IN_PROGRESS,
    "conclude": Status.CONCLUDED,
    "close": Status.CLOSED,
    "decline": Status.DECLINED,
    "refer": Status.REFERRED,
    "withdraw": Status.WITHDRAWN,
}


def test_each_step_leads_to_its_status():
    assert {name: step.target for name, step in STEPS.items()} == TARGETS
    assert STEPS["assign"].keeps == {Status.ASSIGNED, Status.IN_PROGRESS}
    assert all(not step.keeps for name, step in STEPS.items() if name != "assign")


def answers(step, *, lead):
    """What a step's page would be answered with."""
    given = {
        "lead": lead,
        "co": None,
        "outcome": "Ein Runder Tisch wurde vereinbart.",
        "measures": "Treffen im Frühjahr.",
        "reason": "Kein Bezug zum Programm.",
        "referred_to": "Landesdemokratiezentrum",
    }
    return {name: given[name] for name in step.fields}


def expected_status(status, step):
    """The exact status a step leaves a case in, or None when the step is refused."""
    if CASE.allows(status, step.target):
        return step.target
    if status in step.keeps:
        return status
    return None


@pytest.mark.parametrize(("status", "name"), list(itertools.product(Status.values, STEPS)))
def test_every_step_from_every_status_follows_the_table(status, name):
    step = STEPS[name]
    coordinator = UserFactory(roles=["coordinator"])
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(status=status, lead_advisor=lead if status != "submitted" else None)
    expected = expected_status(status, step)

    if expected is None:
        with pytest.raises(ConsultationError) as refused:
            step.run(CASE, case, by=coordinator, **answers(step, lead=lead))
        assert refused.value.message == CASE.refuse(status, step.target).message
        case.refresh_from_db()
        assert case.status == status
        assert not AuditEntry.objects.for_object(case).exists()
        return

    new_lead = AdvisorProfileFactory()
    step.run(CASE, case, by=coordinator, **answers(step, lead=new_lead))
    case.refresh_from_db()
    assert case.status == expected
    (entry,) = AuditEntry.objects.for_object(case)
    assert entry.actor == coordinator
    if expected == status:  # other advisors for a case under way
        assert (entry.action, entry.from_status, entry.to_status) == (
            "consultation.reassign",
            "",
            "",
        )
        assert entry.details["lead"] == new_lead.pk == case.lead_advisor_id
    else:
        assert (entry.action, entry.from_status, entry.to_status) == (
            f"consultation.{expected}",
            status,
            expected,
        )


def test_the_steps_are_the_ones_the_admin_and_the_permissions_offer():
    lead = AdvisorProfileFactory()
    coordinator = UserFactory(roles=["coordinator"])
    for status in Status.values:
        case = ConsultationFactory(status=status, lead_advisor=lead)
        for user in (coordinator, lead.user, case.requester, AdvisorProfileFactory().user):
            offered = available_actions(user, case)
            assert offered == [s.name for s in open_steps(CASE.name, case, user)]
            for name, step in STEPS.items():
                open_ = expected_status(status, step) is not None
                assert may_act(user, case, name) == (open_ and step.may(user, case))
                if is_coordinating(user):
                    assert (name in offered) == open_


def test_each_step_records_who_and_when():
    coordinator = UserFactory(roles=["coordinator"])
    case = ConsultationFactory()
    services.consultation_triage(consultation=case, by=coordinator)
    entry = AuditEntry.objects.for_object(case).get()
    assert (entry.from_status, entry.to_status, entry.actor) == (
        "submitted",
        "in_triage",
        coordinator,
    )
    assert abs(entry.at - timezone.now()) < timedelta(seconds=5)
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


def test_the_errors_are_domain_errors():
    assert issubclass(ConsultationError, DomainError)
    assert issubclass(services.SlotTaken, ConsultationError)


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


# What a step cannot do without (the services' arguments without a default).
REQUIRED_ANSWERS = {
    "assign": {"lead"},
    "conclude": {"outcome"},
    "decline": {"reason"},
    "refer": {"referred_to", "reason"},
}


def test_each_step_page_asks_for_the_registered_fields(client):
    coordinator = UserFactory(roles=["coordinator"])
    case = ConsultationFactory(status="in_triage")
    client.force_login(coordinator)
    for name, step in STEPS.items():
        url = reverse("admin:consultations_consultation_action", args=[case.pk, name])
        response = client.get(url)
        assert response.status_code == 200
        assert list(response.context["form"].fields) == list(step.fields)
        assert response.context["title"] == step.label
        required = {n for n, f in response.context["form"].fields.items() if f.required}
        assert required == REQUIRED_ANSWERS.get(name, set()), name


# --- Ending a case ---------------------------------------------------------------------------


def end(how, case, *, lead):
    coordinator = UserFactory(roles=["coordinator"])
    if how == "close":
        services.consultation_conclude(consultation=case, outcome="Erreicht.", by=lead.user)
        return services.consultation_close(consultation=case, by=lead.user)
    if how == "withdraw":
        return services.consultation_withdraw(consultation=case, by=case.requester)
    if how == "decline":
        return services.consultation_decline(
            consultation=case, reason="Nicht bei uns.", by=coordinator
        )
    return services.consultation_refer(
        consultation=case, referred_to="Landesprogramm", reason="Dort zuständig.", by=coordinator
    )


@pytest.fixture
def running_case():
    """A case in progress with a booked first conversation (confirmations and reminders in the
    outbox) and a meeting that already took place."""
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(status="in_progress", lead_advisor=lead)
    slot = next_free_slot(lead)[lead.pk]
    upcoming = services.appointment_book(
        consultation=case, advisor=lead, start=slot.start, by=case.requester
    )
    past = AppointmentFactory(
        consultation=case,
        advisor=lead,
        starts_at=timezone.now() - timedelta(days=3),
    )
    return case, lead, upcoming, past


@pytest.mark.parametrize("how", ["close", "decline", "refer", "withdraw"])
def test_ending_a_case_cancels_its_future_appointments_and_tells_each_side_once(
    how, running_case, client, send_due_emails
):
    case, lead, upcoming, past = running_case
    if how in ("decline", "refer"):  # from an earlier status, where these steps are open
        Consultation.objects.filter(pk=case.pk).update(status="assigned")
    token = appointment_token(upcoming)
    send_due_emails()  # the confirmations went out; the reminders wait for the day before
    assert Notification.objects.filter(kind=emails.REMINDER, status="queued").count() == 2

    case = end(how, case, lead=lead)

    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert upcoming.status == "cancelled"
    assert past.status == "scheduled"  # what happened stays as it was
    cancelled_entry = AuditEntry.objects.for_object(upcoming).get(action="appointment.cancelled")
    assert cancelled_entry.details == {"because": f"consultation.{case.status}"}
    assert not Notification.objects.filter(kind=emails.REMINDER, status="queued").exists()
    assert not Notification.objects.filter(kind=emails.CANCELLED).exists()
    ended = Notification.objects.filter(kind=emails.ENDED)
    assert sorted(n.user_id for n in ended) == sorted([case.requester_id, lead.user_id])
    for notification in ended:
        assert notification.context["cancelled"] == [upcoming.pk]
        assert notification.calendar["method"] == "CANCEL"
        assert notification.calendar["uid"] == upcoming.calendar_uid
        assert str(case.pk) in notification.idempotency_key

    # The link from the confirmation email shows a cancelled appointment and changes nothing.
    url = reverse("consultations:appointment_link", args=[token])
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["choices"]
    assert "cancelled" in response.content.decode() or "abgesagt" in response.content.decode()
    client.post(url, {"action": "cancel"})
    slot = next_free_slot(lead)[lead.pk]
    client.post(url, {"action": "move", "slot": f"{lead.pk}|{slot.start.isoformat()}"})
    upcoming.refresh_from_db()
    assert (upcoming.status, upcoming.starts_at) == ("cancelled", upcoming.starts_at)
    assert not Notification.objects.filter(kind__in=[emails.MOVED, emails.CANCELLED]).exists()
    # The link of a meeting that is still on the books of an ended case answers 404.
    past_link = reverse("consultations:appointment_link", args=[appointment_token(past)])
    assert client.get(past_link).status_code == 404

    # The same end again is refused and tells nobody twice.
    with pytest.raises(ConsultationError):
        end(how, case, lead=lead)
    assert Notification.objects.filter(kind=emails.ENDED).count() == 2


def test_a_case_ended_without_appointments_tells_who_it_concerns():
    coordinator = UserFactory(roles=["coordinator"])
    lead = AdvisorProfileFactory()
    declined = ConsultationFactory(status="in_triage")
    services.consultation_decline(consultation=declined, reason="Nicht bei uns.", by=coordinator)
    assert [n.user for n in Notification.objects.filter(kind=emails.ENDED)] == [declined.requester]

    withdrawn = ConsultationFactory(status="assigned", lead_advisor=lead)
    services.consultation_withdraw(consultation=withdrawn, by=withdrawn.requester)
    told = Notification.objects.filter(kind=emails.ENDED).about(withdrawn)
    # The advisor learns of it, and the requester gets a confirmation (issue 14.4).
    assert sorted((n.user.pk, n.context["for_advisor"]) for n in told) == sorted(
        [(lead.user.pk, True), (withdrawn.requester.pk, False)]
    )

    closed = ConsultationFactory(status="concluded", lead_advisor=lead)
    services.consultation_close(consultation=closed, by=lead.user)
    assert not Notification.objects.filter(kind=emails.ENDED).about(closed).exists()


def test_an_ended_case_takes_no_new_notes_messages_or_future_appointments():
    lead = AdvisorProfileFactory()
    case = ConsultationFactory(status="closed", lead_advisor=lead)
    with pytest.raises(ConsultationError):
        services.note_add(consultation=case, text="Noch eine Notiz.", by=lead.user)
    with pytest.raises(ConsultationError):
        services.message_post(consultation=case, text="Noch eine Nachricht.", by=lead.user)
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(ConsultationError):
        services.appointment_record(
            consultation=case,
            by=lead.user,
            advisor=lead,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            mode="video",
        )
    assert not case.notes.exists() and not case.messages.exists()
    assert not case.appointments.exists()


# --- The audit trail -------------------------------------------------------------------------


def test_every_change_leaves_an_audit_entry(member, advisor_profile, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.consultations.conftest import pdf_bytes

    case = services.consultation_submit(
        requester=member,
        membership=member.memberships.get(),
        format="fachberatung",
        topics=list(advisor_profile.topics.all()),
        concern="Ein Anliegen.",
        goal="Ein Ziel.",
        urgency="normal",
        contact_mode="video",
        files=[SimpleUploadedFile("antrag.pdf", pdf_bytes())],
        privacy_accepted=True,
    )
    first, second = [s.start for s in next_free_slot_pair(advisor_profile)]
    booked = services.appointment_book(
        consultation=case, advisor=advisor_profile, start=first, by=member
    )
    services.appointment_move(appointment=booked, start=second, by=member)
    services.appointment_cancel(appointment=booked, by=member)
    services.consultation_triage(consultation=case, by=coordinator)
    services.consultation_assign(consultation=case, lead=advisor_profile, by=coordinator)
    other = AdvisorProfileFactory()
    services.consultation_assign(consultation=case, lead=advisor_profile, co=other, by=coordinator)
    lead = advisor_profile.user
    services.consultation_start(consultation=case, by=lead)
    past = timezone.now() - timedelta(days=1)
    recorded = services.appointment_record(
        consultation=case,
        by=lead,
        advisor=advisor_profile,
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        mode="phone",
    )
    services.appointment_update(appointment=recorded, by=lead, minutes="Besprochen.")
    services.note_add(consultation=case, text="Intern.", by=lead)
    document = services.document_add(
        consultation=case,
        upload=SimpleUploadedFile("konzept.pdf", pdf_bytes()),
        shared=False,
        by=lead,
    )
    services.document_share(document=document, shared=True, by=lead)
    services.document_share(document=document, shared=False, by=lead)
    services.message_post(consultation=case, text="Guten Tag.", by=lead)
    services.consultation_conclude(consultation=case, outcome="Erreicht.", by=lead)
    services.consultation_close(consultation=case, by=lead)
    services.feedback_submit(consultation=case, rating=5, usefulness=3, what_changed="", comment="")

    actions = sorted(set(selectors.case_history(case).values_list("action", flat=True)))
    assert actions == sorted(
        {
            "consultation.submitted",
            "document.added",
            "appointment.booked",
            "appointment.moved",
            "appointment.cancelled",
            "consultation.in_triage",
            "consultation.assigned",
            "consultation.reassign",
            "consultation.in_progress",
            "appointment.recorded",
            "appointment.updated",
            "note.added",
            "document.shared",
            "document.unshared",
            "message.posted",
            "consultation.concluded",
            "consultation.closed",
            "feedback.given",
        }
    )
    assert selectors.status_history(case) == [
        "submitted",
        "in_triage",
        "assigned",
        "in_progress",
        "concluded",
        "closed",
    ]
    reassigned = AuditEntry.objects.for_object(case).get(action="consultation.reassign")
    assert (reassigned.details["co"], reassigned.details["co_name"]) == (other.pk, other.name)


def next_free_slot_pair(profile):
    from portal.advisors.availability import free_slots

    now = timezone.now()
    slots = free_slots(profile, start=now, end=now + timedelta(weeks=profile.horizon_weeks))
    return slots[:2]


def test_the_triage_digest_counts_working_days():
    coordinator = UserFactory(roles=["coordinator"])
    friday = date(2026, 11, 20)
    assert selectors.working_days_before(friday, 3) == date(2026, 11, 17)
    monday = date(2026, 11, 23)
    assert selectors.working_days_before(monday, 3) == date(2026, 11, 18)

    fresh = ConsultationFactory()
    assert services.triage_digest_queue(today=timezone.localdate()) == 0
    Consultation.objects.filter(pk=fresh.pk).update(submitted_at=timezone.now() - timedelta(days=6))
    assert services.triage_digest_queue(today=timezone.localdate()) == 1
    assert services.triage_digest_queue(today=timezone.localdate()) == 1  # same key: one email
    assert Notification.objects.filter(kind=emails.DIGEST, user=coordinator).count() == 1
