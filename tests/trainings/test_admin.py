"""The admin of trainings writes only through the services: publishing, duplicating, the
series flag, saving dates (inline and on their own page), cancelling registrations and dates,
moving someone up. A save the services refuse is rolled back as a whole and says why."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.factories import CourseDateFactory, CourseFactory, RegistrationFactory, UserFactory
from tests.trainings.conftest import admin_form_data, dates_of, make_course
from trainings import emails
from trainings.models import Course, CourseDate, DateStatus, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db

CHANGED = r"was changed successfully|erfolgreich geändert"


@pytest.fixture
def staff(client, coordinator):
    client.force_login(coordinator)
    return client


def actions_of(obj):
    return list(AuditEntry.objects.for_object(obj).order_by("pk").values_list("action", flat=True))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def change_url(obj):
    return reverse(f"admin:trainings_{obj._meta.model_name}_change", args=[obj.pk])


def run_action(client, model, action, objects):
    return client.post(
        reverse(f"admin:trainings_{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def changed_successfully(response) -> bool:
    """Whether the admin says it saved (its own words, in either language)."""
    return any(re.search(CHANGED, message) for message in messages_of(response))


# --- Publishing ------------------------------------------------------------------------------


def test_publish_and_unpublish_actions_go_through_the_services(staff, coordinator):
    draft, other = CourseFactory(published=False), CourseFactory(published=False)

    run_action(staff, "course", "publish", [draft, other])
    draft.refresh_from_db()
    assert draft.published
    (entry,) = AuditEntry.objects.for_object(draft)
    assert (entry.action, entry.actor) == ("course.publish", coordinator)

    # Publishing a published course changes nothing and records nothing.
    run_action(staff, "course", "publish", [draft])
    assert actions_of(draft) == ["course.publish"]

    run_action(staff, "course", "unpublish", [draft])
    draft.refresh_from_db()
    assert not draft.published
    assert actions_of(draft) == ["course.publish", "course.unpublish"]
    assert actions_of(other) == ["course.publish"]


def test_ticking_published_in_the_course_form_publishes_through_the_service(staff):
    course = make_course(dates=1, published=False)
    data = admin_form_data(staff.get(change_url(course)))
    data["published"] = "on"

    response = staff.post(change_url(course), data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.published
    assert actions_of(course) == ["course.publish"]


# --- Dates ----------------------------------------------------------------------------------


def test_duplicating_a_date_one_week_later(staff, coordinator):
    date = CourseDateFactory(registration_deadline=None)
    date.registration_deadline = date.start - timedelta(days=2)
    date.save()

    run_action(staff, "coursedate", "duplicate", [date])

    copy = CourseDate.objects.exclude(pk=date.pk).get()
    assert copy.course == date.course
    assert copy.start == date.start + timedelta(weeks=1)
    assert copy.end == date.end + timedelta(weeks=1)
    assert copy.registration_deadline == date.registration_deadline + timedelta(weeks=1)
    assert copy.status == DateStatus.SCHEDULED
    (entry,) = AuditEntry.objects.for_object(copy)
    assert (entry.action, entry.actor, entry.details) == (
        "course_date.duplicate",
        coordinator,
        {"copy_of": date.pk},
    )


def test_a_refused_inline_rolls_back_the_whole_save_and_says_why(staff, register):
    course = make_course(dates=2, capacity=3, title="Werkstatt Dialog")
    register(course)
    register(course)
    first, second = dates_of(course)
    before = AuditEntry.objects.count()
    data = admin_form_data(staff.get(change_url(course)))
    data["title"] = "Neuer Titel"
    data["dates-0-capacity"] = 1  # two people hold a seat
    data["dates-1-capacity"] = 5

    response = staff.post(change_url(course), data)

    assert response.status_code == 200  # the form again, not a redirect
    assert not changed_successfully(response)
    (reason,) = response.context["adminform"].form.non_field_errors()
    # How many hold a seat, on which date.
    assert "2" in reason and timezone.localtime(first.start).strftime("%d.%m.%Y %H:%M") in reason
    assert reason in response.content.decode()
    # Nothing was saved: neither the course's title nor the other date's seats.
    course.refresh_from_db()
    assert course.title == "Werkstatt Dialog"
    assert [d.capacity for d in dates_of(course)] == [3, 3]
    assert AuditEntry.objects.count() == before
    # What was entered is still in the form.
    assert response.context["adminform"].form["title"].value() == "Neuer Titel"

    data["dates-0-capacity"] = 2
    response = staff.post(change_url(course), data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Neuer Titel"
    assert [d.capacity for d in dates_of(course)] == [2, 5]
    assert actions_of(course) == ["course.change"]
    assert AuditEntry.objects.for_object(course).get().details == {"changed": ["title"]}
    assert actions_of(first) == actions_of(second) == ["course_date.change"]
    assert AuditEntry.objects.for_object(first).get().details == {"changed": ["capacity"]}


def test_raising_the_capacity_inline_moves_the_waitlist_up(staff, register):
    course = make_course(dates=2, capacity=1)
    register(course)
    waiting = register(course)
    assert waiting.status == RegistrationStatus.WAITLISTED
    data = admin_form_data(staff.get(change_url(course)))
    data["dates-0-capacity"] = data["dates-1-capacity"] = 2

    response = staff.post(change_url(course), data, follow=True)

    assert changed_successfully(response)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert actions_of(waiting)[-1] == "registration.promote"
    assert Notification.objects.about(waiting).filter(kind=emails.PROMOTED).count() == 1


def test_the_date_page_refuses_fewer_seats_than_are_taken(staff, register):
    course = make_course(dates=1, capacity=3, is_series=False)
    date = dates_of(course)[0]
    register(course, date=date)
    register(course, date=date)
    data = admin_form_data(staff.get(change_url(date)))
    data["capacity"] = 1
    data["venue"] = "Anderer Saal"

    response = staff.post(change_url(date), data)

    assert response.status_code == 200
    assert not changed_successfully(response)
    assert response.context["adminform"].form.non_field_errors()
    date.refresh_from_db()
    assert (date.capacity, date.venue) == (3, "Forum am Schlossgarten")


def test_a_date_people_registered_for_is_not_deleted_but_refused(client, register):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    course = make_course(dates=2)
    register(course)
    data = admin_form_data(client.get(change_url(course)))
    data["dates-1-DELETE"] = "on"
    data["summary"] = "Geändert"

    response = client.post(change_url(course), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert course.dates.count() == 2
    course.refresh_from_db()
    assert course.summary != "Geändert"


# --- The series flag: one rule, asked by the form and by the service -------------------------


def test_the_series_flag_stays_once_people_registered(staff, register):
    course = make_course(dates=2)
    data = admin_form_data(staff.get(change_url(course)))
    data.pop("is_series")  # unticked

    register(course)
    refused = staff.post(change_url(course), data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["is_series"]
    course.refresh_from_db()
    assert course.is_series

    Registration.objects.all().delete()
    assert staff.post(change_url(course), data).status_code == 302
    course.refresh_from_db()
    assert not course.is_series
    assert AuditEntry.objects.for_object(course).get().details == {"changed": ["is_series"]}


# --- Registrations: steps and the cancel action ---------------------------------------------


def test_the_cancel_action_uses_the_coordinators_step(staff, coordinator, register):
    course = make_course(dates=1, capacity=1)
    seated = register(course)
    waiting = register(course)
    first_date = dates_of(course)[0]
    first_date.registration_deadline = timezone.now() - timedelta(minutes=1)
    first_date.save()  # too late for participants; coordinators still cancel

    response = run_action(staff, "registration", "cancel", [seated])

    assert "1" in " ".join(messages_of(response))
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    cancel = AuditEntry.objects.for_object(seated).get(action="registration.cancel")
    assert (cancel.actor, cancel.to_status, cancel.details) == (
        coordinator,
        RegistrationStatus.CANCELLED,
        {"by": "coordinator"},
    )


def test_the_registration_page_offers_the_open_steps_and_runs_them(staff, coordinator):
    started = CourseDateFactory(start=timezone.now() - timedelta(hours=1), capacity=1)
    seated = RegistrationFactory(course=started.course)
    waiting = RegistrationFactory(
        course=started.course, status=RegistrationStatus.WAITLISTED, confirmed_at=None
    )
    step_url = reverse("admin:trainings_registration_step", args=[waiting.pk, "promote"])

    page = staff.get(change_url(waiting)).content.decode()
    assert step_url in page
    assert (
        reverse("admin:trainings_registration_step", args=[waiting.pk, "cancel_for_participant"])
        in page
    )
    assert reverse("admin:trainings_registration_step", args=[waiting.pk, "cancel"]) not in page

    # No free seat: refused, with the reason.
    refused = staff.post(step_url, follow=True)
    assert refused.redirect_chain[-1][0] == change_url(waiting)
    assert messages_of(refused)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED

    # Someone leaves after the start: the seat is not handed out by itself, but at the door.
    staff.post(
        reverse("admin:trainings_registration_step", args=[seated.pk, "cancel_for_participant"])
    )
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.WAITLISTED

    staff.post(step_url)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert waiting.confirmed_at is not None
    promote = AuditEntry.objects.for_object(waiting).get()
    assert (promote.action, promote.actor, promote.details) == (
        "registration.promote",
        coordinator,
        {"reason": "coordinator"},
    )
    assert Notification.objects.about(waiting).filter(kind=emails.PROMOTED).count() == 1
    # The step is no longer open for a confirmed registration.
    assert step_url not in staff.get(change_url(waiting)).content.decode()


def test_steps_are_for_coordinators_only(client):
    registration = RegistrationFactory(course=CourseDateFactory().course)
    client.force_login(UserFactory(roles=["advisor"]))
    url = reverse("admin:trainings_registration_step", args=[registration.pk, "promote"])
    assert client.post(url).status_code in (302, 403, 404)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


# --- Cancelling a date, and the history on the date's and the course's page -------------------


def test_the_date_page_offers_the_cancel_step_and_shows_its_history(staff, coordinator, register):
    course = make_course(dates=1, is_series=False)
    date = dates_of(course)[0]
    registration = register(course, date=date)
    step_url = reverse("admin:trainings_coursedate_step", args=[date.pk, "cancel"])
    assert step_url in staff.get(change_url(date)).content.decode()

    staff.post(step_url, {"reason": "Die Referentin ist krank."})
    staff.post(step_url, {"reason": "Noch einmal"})  # a replayed request

    date.refresh_from_db()
    registration.refresh_from_db()
    assert date.status == DateStatus.CANCELLED
    assert date.cancelled_reason == "Die Referentin ist krank."
    assert registration.status == RegistrationStatus.CALLED_OFF
    assert Notification.objects.filter(kind=emails.DATE_CANCELLED).count() == 1
    entry = AuditEntry.objects.for_object(date).get(action="course_date.cancel")
    assert (entry.actor, entry.from_status, entry.to_status) == (
        coordinator,
        DateStatus.SCHEDULED,
        DateStatus.CANCELLED,
    )
    assert entry.details == {"reason": "Die Referentin ist krank.", "told": 1}

    page = staff.get(change_url(date)).content.decode()
    assert "course_date.cancel" in page
    assert "Die Referentin ist krank." in page
    assert step_url not in page  # nothing left to cancel


def test_the_course_page_shows_its_history(staff, coordinator):
    course = CourseFactory(published=False)
    run_action(staff, "course", "publish", [course])

    page = staff.get(change_url(course)).content.decode()

    assert "course.publish" in page
    assert coordinator.full_name in page or coordinator.email in page


def test_an_advisor_sees_no_course_admin(client):
    course = CourseFactory()
    client.force_login(UserFactory(roles=["advisor"]))
    assert client.post(
        reverse("admin:trainings_course_changelist"),
        {
            "action": "unpublish",
            "_selected_action": [course.pk],
        },
    ).status_code in (302, 403)
    assert Course.objects.get(pk=course.pk).published
