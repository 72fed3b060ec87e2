"""Trainings on the kernel: the two workflows and their steps, an audit entry for every
change, one domain error, and outbox keys that name the change (so a replay sends nothing)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from portal.core.errors import DomainError
from portal.core.models import AuditEntry
from portal.core.workflows import open_steps, registered_workflows, step, steps_of, transition
from portal.notifications.models import Notification
from tests.factories import UserFactory
from tests.trainings.conftest import dates_of, make_course
from trainings import emails, services
from trainings.errors import TrainingError
from trainings.models import (
    COURSE_DATE,
    REGISTRATION,
    DateStatus,
    Rating,
    Registration,
    RegistrationStatus,
)

pytestmark = pytest.mark.django_db


def entries(obj):
    """The audit entries about `obj`, oldest first."""
    return list(AuditEntry.objects.for_object(obj).order_by("pk"))


def fresh(registration):
    return Registration.objects.get(pk=registration.pk)


# --- The workflows and their steps -----------------------------------------------------------


def test_the_workflows_and_steps_are_registered_with_the_kernel():
    assert registered_workflows()["registration"] is REGISTRATION
    assert registered_workflows()["course_date"] is COURSE_DATE
    assert {name: s.target for name, s in steps_of("registration").items()} == {
        "cancel": RegistrationStatus.CANCELLED,
        "cancel_for_participant": RegistrationStatus.CANCELLED,
        "promote": RegistrationStatus.CONFIRMED,
    }
    assert step("course_date", "cancel").target == DateStatus.CANCELLED
    assert step("course_date", "cancel").fields == ("reason",)
    assert COURSE_DATE.table[DateStatus.CANCELLED] == frozenset()


def test_training_errors_are_domain_errors_and_the_tables_refuse_with_them(series, register):
    registration = register(series)
    registration_cancel = services.registration_cancel
    registration_cancel(registration=registration, by=registration.person)

    assert issubclass(TrainingError, DomainError)
    with pytest.raises(TrainingError):
        transition(fresh(registration), workflow=REGISTRATION, to=RegistrationStatus.CONFIRMED)
    assert fresh(registration).status == RegistrationStatus.CANCELLED


def test_the_open_steps_follow_status_role_and_deadline(series, register, coordinator):
    seated = register(series)
    waiting_course = make_course(dates=1, capacity=1)
    register(waiting_course)
    waiting = register(waiting_course)
    person = seated.person

    assert [s.name for s in open_steps("registration", seated, person)] == ["cancel"]
    assert [s.name for s in open_steps("registration", seated, coordinator)] == [
        "cancel_for_participant"
    ]
    assert [s.name for s in open_steps("registration", waiting, coordinator)] == [
        "cancel_for_participant",
        "promote",
    ]
    assert open_steps("registration", seated, UserFactory()) == []

    first = dates_of(series)[0]
    first.registration_deadline = first.start - timedelta(days=30)  # passed already
    first.save()
    late = Registration.objects.select_related("course").get(pk=seated.pk)
    assert open_steps("registration", late, person) == []
    assert [s.name for s in open_steps("registration", late, coordinator)] == [
        "cancel_for_participant"
    ]

    date = dates_of(series)[1]
    assert [s.name for s in open_steps("course_date", date, coordinator)] == ["cancel"]
    assert open_steps("course_date", date, person) == []


def test_the_participants_cancel_page_runs_the_registered_step(client, series, register):
    registration = register(series)
    client.force_login(registration.person)
    url = reverse("trainings:cancel", args=[registration.pk])

    client.post(url, {"confirm": "on"})
    client.post(url, {"confirm": "on"})  # a replayed request

    assert fresh(registration).status == RegistrationStatus.CANCELLED
    (cancel,) = [e for e in entries(registration) if e.action == "registration.cancel"]
    assert (cancel.actor, cancel.details) == (registration.person, {"by": "participant"})
    assert Notification.objects.about(registration).filter(kind=emails.CANCELLED).count() == 1


# --- Every change leaves its entry -----------------------------------------------------------


def test_registering_waiting_moving_up_and_cancelling_are_recorded(register, coordinator):
    course = make_course(dates=2, capacity=1)
    seated = register(course)
    waiting = register(course)

    (created,) = entries(seated)
    assert (created.action, created.actor, created.to_status) == (
        "registration.create",
        seated.person,
        RegistrationStatus.CONFIRMED,
    )
    assert entries(waiting)[0].to_status == RegistrationStatus.WAITLISTED

    promoted = services.registration_cancel(registration=seated, by=coordinator)

    assert [r.pk for r in promoted] == [waiting.pk]
    seated, waiting = fresh(seated), fresh(waiting)
    assert seated.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    cancel = entries(seated)[-1]
    assert (cancel.action, cancel.actor, cancel.from_status, cancel.to_status) == (
        "registration.cancel",
        coordinator,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CANCELLED,
    )
    assert cancel.details == {"by": "coordinator"}
    assert cancel.at == seated.cancelled_at  # set together, through `fields`
    promote = entries(waiting)[-1]
    assert (promote.action, promote.actor, promote.to_status, promote.details) == (
        "registration.promote",
        None,  # the portal moved them up
        RegistrationStatus.CONFIRMED,
        {"reason": "seat_freed"},
    )
    assert promote.at == waiting.confirmed_at


def test_calling_off_a_date_records_who_why_and_each_registration(register, coordinator):
    course = make_course(dates=1, capacity=5, is_series=False)
    date = dates_of(course)[0]
    registration = register(course, date=date)

    services.course_date_cancel(date=date, by=coordinator, reason="Raum fehlt")

    (cancel,) = entries(date)
    assert (cancel.action, cancel.actor, cancel.from_status, cancel.to_status) == (
        "course_date.cancel",
        coordinator,
        DateStatus.SCHEDULED,
        DateStatus.CANCELLED,
    )
    assert cancel.details == {"reason": "Raum fehlt", "told": 1}
    call_off = entries(registration)[-1]
    assert (call_off.action, call_off.actor, call_off.to_status) == (
        "registration.call_off",
        coordinator,
        RegistrationStatus.CALLED_OFF,
    )
    assert fresh(registration).status == RegistrationStatus.CALLED_OFF


def test_attendance_certificates_and_feedback_are_recorded(series, register, coordinator):
    registration = register(series)
    first, second, _third = dates_of(series)

    services.attendance_record(
        date=first, registration=registration, present=True, by=coordinator, now=first.start
    )
    services.attendance_record(
        date=second, registration=registration, present=False, by=coordinator, now=second.start
    )
    certificate = services.certificate_for_registration(
        registration=registration, by=registration.person
    )
    services.certificate_for_registration(registration=registration, by=registration.person)
    feedback = services.feedback_submit(
        registration=registration, rating=Rating.VERY_GOOD, will_apply="", comment=""
    )

    (present,) = entries(first)
    assert (present.action, present.actor) == ("attendance.record", coordinator)
    assert present.details["registration"] == registration.pk
    assert present.details["present"] is True
    assert entries(second)[0].details["present"] is False
    (issued,) = entries(certificate)  # issued once, downloaded twice
    assert (issued.action, issued.actor, issued.details["code"]) == (
        "certificate.issue",
        registration.person,
        certificate.code,
    )
    (given,) = entries(feedback)
    assert (given.action, given.details) == (
        "feedback.give",
        {"registration": registration.pk, "rating": Rating.VERY_GOOD},
    )


# --- Outbox keys name the change ---------------------------------------------------------------

KEY = re.compile(
    r"^(registration:\d+:(status:(confirmed|waitlisted|cancelled)|follow-up|reminder:date:\d+)"
    r"|course-date:\d+:status:cancelled:registration:\d+)$"
)


def test_every_email_key_names_the_change_and_a_replay_writes_nothing(register, coordinator):
    course = make_course(dates=2, capacity=1)
    seated = register(course)
    waiting = register(course)
    services.registration_cancel(registration=seated, by=seated.person)
    services.course_date_cancel(date=dates_of(course)[1], by=coordinator)
    again = register(course, seated.person.memberships.get())  # a new registration

    keys = list(
        Notification.objects.filter(kind__startswith="training_").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys and all(KEY.match(key) for key in keys), keys
    assert f"registration:{seated.pk}:status:confirmed" in keys
    assert f"registration:{waiting.pk}:status:waitlisted" in keys
    assert f"registration:{waiting.pk}:status:confirmed" in keys  # moved up
    assert f"registration:{seated.pk}:status:cancelled" in keys
    assert f"registration:{again.pk}:status:waitlisted" in keys

    # The same changes once more (a retried task, a replayed request): no new row.
    before = Notification.objects.count()
    offer = services._lock_offer(course, None)
    services._confirmed(fresh(waiting), offer, kind=emails.PROMOTED, now=dates_of(course)[0].start)
    assert Notification.objects.count() == before
