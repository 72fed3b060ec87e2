"""Attendance at the door, certificates of attendance and of programmes, feedback."""

import re
import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import signing

from portal.core.links import link_purposes
from tests.factories import RegistrationFactory, UserFactory
from tests.trainings.conftest import dates_of, make_course
from trainings.errors import TrainingError
from trainings.links import feedback_token, registration_from_feedback_token
from trainings.models import (
    Attendance,
    Certificate,
    CompletionRule,
    CourseFeedback,
    DateStatus,
    Module,
    Programme,
    Rating,
    RegistrationStatus,
)
from trainings.selectors import module_completed, programme_progress
from trainings.services import (
    attendance_record,
    certificate_for_programme,
    certificate_for_registration,
    feedback_submit,
    registration_cancel,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^TB-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


def attend(registration, date, coordinator, present=True):
    return attendance_record(
        date=date, registration=registration, present=present, by=coordinator, now=date.start
    )


def attend_all(registration, coordinator):
    course = registration.course
    for date in dates_of(course) if course.is_series else [registration.date]:
        attend(registration, date, coordinator)


# --- Attendance ----------------------------------------------------------------------------


def test_attendance_is_recorded_from_two_hours_before_the_start(series, register, coordinator):
    registration = register(series)
    date = dates_of(series)[0]

    with pytest.raises(TrainingError, match=r"two hours|zwei Stunden|2 Stunden"):
        attendance_record(
            date=date,
            registration=registration,
            present=True,
            by=coordinator,
            now=date.start - timedelta(hours=2, minutes=1),
        )
    assert not Attendance.objects.exists()

    attendance = attendance_record(
        date=date,
        registration=registration,
        present=True,
        by=coordinator,
        now=date.start - timedelta(hours=2),
    )
    assert attendance.present is True
    assert attendance.recorded_by == coordinator
    assert attendance.recorded_at == date.start - timedelta(hours=2)


def test_a_second_mark_replaces_the_first(series, register, coordinator):
    registration = register(series)
    date = dates_of(series)[0]
    other_coordinator = UserFactory(roles=["coordinator"])

    attend(registration, date, coordinator, present=True)
    later = attendance_record(
        date=date,
        registration=registration,
        present=False,
        by=other_coordinator,
        now=date.start + timedelta(hours=1),
    )

    stored = Attendance.objects.get(registration=registration, date=date)  # still one row
    assert stored.pk == later.pk
    assert stored.present is False
    assert stored.recorded_by == other_coordinator
    assert stored.recorded_at == date.start + timedelta(hours=1)


def test_only_coordinators_record_attendance(series, register):
    registration = register(series)
    date = dates_of(series)[0]
    for someone in (registration.person, UserFactory(roles=["advisor"])):
        with pytest.raises(TrainingError, match=r"coordinator|Koordin"):
            attend(registration, date, someone)
    assert not Attendance.objects.exists()


def test_attendance_only_for_confirmed_participants_of_the_date(register, coordinator):
    course = make_course(dates=3, capacity=1)
    confirmed, waiting, leaving = register(course), register(course), register(course)
    date = dates_of(course)[0]
    assert waiting.status == RegistrationStatus.WAITLISTED

    with pytest.raises(TrainingError, match=r"confirmed participant|bestätigt"):
        attend(waiting, date, coordinator)
    registration_cancel(registration=leaving, by=leaving.person)
    with pytest.raises(TrainingError, match=r"confirmed participant|bestätigt"):
        attend(leaving, date, coordinator)
    attend(confirmed, date, coordinator)
    assert Attendance.objects.filter(registration=confirmed).count() == 1
    assert not Attendance.objects.exclude(registration=confirmed).exists()


def test_attendance_of_a_repeated_course_belongs_to_the_date_registered_for(
    repeated, register, coordinator
):
    first, second = dates_of(repeated)
    registration = register(repeated, date=first)
    with pytest.raises(TrainingError):
        attend(registration, second, coordinator)
    attend(registration, first, coordinator)


def test_no_attendance_on_a_cancelled_date(series, register, coordinator):
    registration = register(series)
    date = dates_of(series)[0]
    date.status = DateStatus.CANCELLED
    date.save()
    with pytest.raises(TrainingError, match=r"cancelled|abgesagt"):
        attend(registration, date, coordinator)


# --- Certificate of attendance -------------------------------------------------------------


def test_no_certificate_without_attendance(series, register, coordinator):
    registration = register(series)
    with pytest.raises(TrainingError, match=r"attendance|Teilnahme|Anwesenheit"):
        certificate_for_registration(registration=registration)

    attend(registration, dates_of(series)[0], coordinator, present=False)  # absent counts not
    with pytest.raises(TrainingError):
        certificate_for_registration(registration=registration)
    assert not Certificate.objects.exists()


def test_the_certificate_lists_the_dates_attended_and_is_issued_once(
    series, register, officer_factory, coordinator
):
    membership = officer_factory(full_name="Dr. Leyla Yılmaz")
    registration = register(series, membership)
    first, second, third = dates_of(series)
    attend(registration, first, coordinator)
    attend(registration, third, coordinator)
    attend(registration, second, coordinator, present=False)

    certificate = certificate_for_registration(registration=registration)

    assert CODE.match(certificate.code), certificate.code
    assert certificate.kind == Certificate.Kind.COURSE
    assert certificate.person == membership.user
    assert certificate.registration == registration
    assert certificate.name == "Dr. Leyla Yılmaz"
    assert certificate.title == series.title
    listed = certificate.details["dates"]
    assert [entry["start"] for entry in listed] == [
        first.start.isoformat(),
        third.start.isoformat(),
    ]
    assert [Decimal(entry["hours"]) for entry in listed] == [Decimal(6), Decimal(6)]
    assert Decimal(certificate.details["hours"]) == Decimal(12)
    assert listed[0]["place"] == first.place

    again = certificate_for_registration(registration=registration)
    assert (again.pk, again.code) == (certificate.pk, certificate.code)
    assert Certificate.objects.count() == 1


def test_a_certificate_names_the_module_and_programme(register, coordinator):
    programme = Programme.objects.create(title="Kommunale Vielfalt", slug="vielfalt")
    module = Module.objects.create(programme=programme, position=1, title="Grundlagen")
    course = make_course(dates=1, module=module, learning_goals="Ziel eins\n\nZiel zwei\n")
    registration = register(course)
    attend_all(registration, coordinator)

    details = certificate_for_registration(registration=registration).details
    assert details["module"] == "1. Grundlagen"
    assert details["programme"] == "Kommunale Vielfalt"
    assert details["goals"] == ["Ziel eins", "Ziel zwei"]


def test_half_hours_are_counted(register, coordinator):
    course = make_course(dates=1)
    date = dates_of(course)[0]
    date.end = date.start + timedelta(hours=2, minutes=20)  # 2 h 20 min: to the half hour
    date.save()
    registration = register(course)
    attend(registration, date, coordinator)
    certificate = certificate_for_registration(registration=registration)
    assert Decimal(certificate.details["hours"]) == Decimal("2.5")


# --- Modules and programmes ----------------------------------------------------------------


def programme_of_four(**fields):
    programme = Programme.objects.create(
        title="Qualifizierung Integrationsarbeit", slug="qualifizierung", published=True, **fields
    )
    modules = [
        Module.objects.create(programme=programme, position=n, title=f"Baustein {n}")
        for n in range(1, 5)
    ]
    courses = [make_course(dates=2, module=module) for module in modules]
    return programme, modules, courses


def complete(course, person, coordinator):
    registration = RegistrationFactory(course=course, person=person)
    attend_all(registration, coordinator)
    return registration


def test_a_module_is_completed_by_attending_every_date(series, register, coordinator):
    registration = register(series)
    first, second, third = dates_of(series)
    attend(registration, first, coordinator)
    attend(registration, second, coordinator)
    assert module_completed(registration) is False
    attend(registration, third, coordinator, present=False)
    assert module_completed(registration) is False
    attend(registration, third, coordinator, present=True)
    assert module_completed(registration) is True


def test_a_cancelled_date_need_not_be_attended(series, register, coordinator):
    registration = register(series)
    first, second, third = dates_of(series)
    attend(registration, first, coordinator)
    attend(registration, second, coordinator)
    third.status = DateStatus.CANCELLED
    third.save()
    assert module_completed(registration) is True


def test_a_programme_with_rule_all_needs_all_four_modules(officer_factory, coordinator):
    programme, modules, courses = programme_of_four(completion_rule=CompletionRule.ALL)
    person = officer_factory(full_name="Jana Beispiel").user
    for course in courses[:3]:
        complete(course, person, coordinator)
    # Attended only one of the two dates of the fourth module.
    partial = RegistrationFactory(course=courses[3], person=person)
    attend(partial, dates_of(courses[3])[0], coordinator)

    progress = programme_progress(person, programme)
    assert progress["completed"] == 3
    assert progress["required"] == 4
    assert progress["done"] is False
    assert [registration is not None for _module, registration in progress["modules"]] == [
        True,
        True,
        True,
        False,
    ]
    with pytest.raises(TrainingError, match=r"4"):
        certificate_for_programme(person=person, programme=programme)
    assert not Certificate.objects.filter(kind=Certificate.Kind.PROGRAMME).exists()

    attend(partial, dates_of(courses[3])[1], coordinator)
    progress = programme_progress(person, programme)
    assert (progress["completed"], progress["done"]) == (4, True)

    certificate = certificate_for_programme(person=person, programme=programme)
    assert CODE.match(certificate.code)
    assert certificate.kind == Certificate.Kind.PROGRAMME
    assert certificate.name == "Jana Beispiel"
    assert certificate.title == programme.title
    assert [entry["module"] for entry in certificate.details["modules"]] == [
        str(module) for module in modules
    ]
    assert [entry["course"] for entry in certificate.details["modules"]] == [
        course.title for course in courses
    ]
    again = certificate_for_programme(person=person, programme=programme)
    assert again.code == certificate.code
    assert Certificate.objects.filter(kind=Certificate.Kind.PROGRAMME).count() == 1


def test_a_programme_with_rule_some_needs_the_number_of_modules(officer_factory, coordinator):
    programme, _modules, courses = programme_of_four(
        completion_rule=CompletionRule.SOME, modules_required=2
    )
    person = officer_factory().user
    complete(courses[2], person, coordinator)

    progress = programme_progress(person, programme)
    assert (progress["completed"], progress["required"], progress["done"]) == (1, 2, False)
    with pytest.raises(TrainingError, match=r"2"):
        certificate_for_programme(person=person, programme=programme)

    complete(courses[0], person, coordinator)
    progress = programme_progress(person, programme)
    assert (progress["completed"], progress["required"], progress["done"]) == (2, 2, True)
    certificate = certificate_for_programme(person=person, programme=programme)
    assert len(certificate.details["modules"]) == 2


def test_another_persons_modules_do_not_count(officer_factory, coordinator):
    programme, _modules, courses = programme_of_four(
        completion_rule=CompletionRule.SOME, modules_required=2
    )
    diligent, other = officer_factory().user, officer_factory().user
    for course in courses[:2]:
        complete(course, diligent, coordinator)
    assert programme_progress(diligent, programme)["done"] is True
    assert programme_progress(other, programme)["completed"] == 0
    with pytest.raises(TrainingError):
        certificate_for_programme(person=other, programme=programme)


def test_a_cancelled_registration_completes_no_module(register, coordinator):
    course = make_course(dates=1)
    registration = register(course)
    attend_all(registration, coordinator)
    assert module_completed(registration) is True
    registration_cancel(registration=registration, by=coordinator)
    registration.refresh_from_db()
    assert module_completed(registration) is False


# --- Feedback ------------------------------------------------------------------------------


def test_the_feedback_link_names_the_registration_and_takes_one_answer(series, register):
    registration = register(series)
    token = feedback_token(registration)
    assert registration_from_feedback_token(token) == registration

    feedback = feedback_submit(
        registration=registration,
        rating=Rating.VERY_GOOD,
        will_apply="  Den Leitfaden für Gemeindebesuche.  ",
        comment=" Danke! ",
    )
    assert feedback.will_apply == "Den Leitfaden für Gemeindebesuche."
    assert feedback.comment == "Danke!"

    with pytest.raises(TrainingError, match=r"already|bereits"):
        feedback_submit(
            registration=registration, rating=Rating.POOR, will_apply="", comment="Nochmal"
        )
    stored = CourseFeedback.objects.get(registration=registration)
    assert stored.rating == Rating.VERY_GOOD
    assert stored.comment == "Danke!"


def test_a_forged_or_foreign_feedback_token_names_nobody(series, register):
    registration = register(series)
    token = feedback_token(registration)

    assert registration_from_feedback_token("forged") is None
    assert (
        registration_from_feedback_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
        is None
    )
    # Signed with the portal's key but for something else: another salt.
    assert registration_from_feedback_token(signing.dumps({"r": registration.pk})) is None
    assert (
        registration_from_feedback_token(signing.dumps({"x": 1}, salt="trainings.feedback")) is None
    )


def test_a_cancelled_registrations_feedback_token_names_nobody(series, register):
    registration = register(series)
    token = feedback_token(registration)
    registration_cancel(registration=registration, by=registration.person)
    assert registration_from_feedback_token(token) is None


def test_the_feedback_link_is_a_registered_purpose_and_old_links_keep_working(series, register):
    registration = register(series)
    purpose = link_purposes()["course_feedback"]
    assert (purpose.salt, purpose.max_age) == ("trainings.feedback", timedelta(days=365))

    # A link as the portal signed it before the kernel's LinkPurpose existed.
    old = signing.dumps({"r": registration.pk}, salt="trainings.feedback")
    assert registration_from_feedback_token(old) == registration
    assert signing.loads(feedback_token(registration), salt="trainings.feedback") == {
        "r": registration.pk
    }


def test_a_feedback_link_expires_after_a_year(series, register):
    registration = register(series)
    signed_at = time.time() - timedelta(days=366).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=signed_at):
        token = feedback_token(registration)
    assert registration_from_feedback_token(token) is None

    signed_at = time.time() - timedelta(days=364).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=signed_at):
        token = feedback_token(registration)
    assert registration_from_feedback_token(token) == registration
