"""Attendance at the door (issue 14.13): everyone present or absent at once, the printable
participant list and the CSV of a course date, and the course page saying which dates are
over."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from portal.core.models import AuditEntry
from tests.factories import (
    CourseDateFactory,
    CourseFactory,
    RegistrationFactory,
    UserFactory,
)
from trainings.errors import TrainingError
from trainings.exports import spreadsheet_safe
from trainings.models import Attendance, RegistrationStatus
from trainings.services import attendance_record, attendance_record_all

pytestmark = pytest.mark.django_db


def started_date(**course):
    """A date that began half an hour ago, of a series (unless told otherwise)."""
    start = timezone.now() - timedelta(minutes=30)
    return CourseDateFactory(
        course=CourseFactory(**course), start=start, end=start + timedelta(hours=6)
    )


def participants(date, count, **kwargs):
    extra = {"date": date} if not date.course.is_series else {}
    return [
        RegistrationFactory(
            course=date.course, person=UserFactory(full_name=f"Person {n:02d}"), **extra, **kwargs
        )
        for n in range(count)
    ]


def marks(date):
    return dict(Attendance.objects.filter(date=date).values_list("registration_id", "present"))


def attendance_entries(date):
    return AuditEntry.objects.for_object(date).filter(action="attendance.record")


# --- Everyone at once ----------------------------------------------------------------------


def test_all_present_marks_every_confirmed_participant_with_an_entry_each(coordinator):
    date = started_date()
    people = participants(date, 3)
    waiting = RegistrationFactory(
        course=date.course, status=RegistrationStatus.WAITLISTED, confirmed_at=None
    )

    changed = attendance_record_all(date=date, present=True, by=coordinator)

    assert changed == 3
    assert marks(date) == {r.pk: True for r in people}
    assert waiting.pk not in marks(date)
    entries = list(attendance_entries(date))
    assert len(entries) == 3
    assert {e.details["registration"] for e in entries} == {r.pk for r in people}
    assert all(e.details["present"] is True and e.actor == coordinator for e in entries)


def test_pressed_again_it_changes_nothing_and_records_nothing(coordinator):
    date = started_date()
    participants(date, 2)
    attendance_record_all(date=date, present=True, by=coordinator)

    assert attendance_record_all(date=date, present=True, by=coordinator) == 0
    assert attendance_entries(date).count() == 2


def test_all_absent_replaces_the_marks_that_differ(coordinator):
    date = started_date()
    first, second, third = participants(date, 3)
    attendance_record(date=date, registration=first, present=False, by=coordinator)
    attendance_record(date=date, registration=second, present=True, by=coordinator)

    changed = attendance_record_all(date=date, present=False, by=coordinator)

    assert changed == 2  # the second (present) and the third (not recorded)
    assert marks(date) == {first.pk: False, second.pk: False, third.pk: False}


def test_a_repeated_course_marks_the_participants_of_that_date_only(coordinator):
    date = started_date(is_series=False)
    other_date = CourseDateFactory(course=date.course)
    here = participants(date, 2)
    elsewhere = RegistrationFactory(course=date.course, date=other_date)

    attendance_record_all(date=date, present=True, by=coordinator)

    assert set(marks(date)) == {r.pk for r in here}
    assert not Attendance.objects.filter(registration=elsewhere).exists()


@pytest.mark.parametrize("situation", ["officer", "too_early", "cancelled"])
def test_all_at_once_is_refused_where_one_mark_is(situation, coordinator):
    date = started_date()
    participants(date, 2)
    by = coordinator
    if situation == "officer":
        by = UserFactory(roles=["integration_officer"])
    elif situation == "too_early":
        date.start = timezone.now() + timedelta(hours=3)
        date.end = date.start + timedelta(hours=6)
        date.save()
    else:
        date.status = "cancelled"
        date.save()

    with pytest.raises(TrainingError):
        attendance_record_all(date=date, present=True, by=by)
    assert not Attendance.objects.exists()
    assert not attendance_entries(date).exists()


def test_the_buttons_on_the_attendance_page(client, coordinator):
    date = started_date()
    people = participants(date, 3)
    client.force_login(coordinator)
    url = reverse("trainings:attendance", args=[date.pk])

    page = client.get(url).content.decode()
    assert 'name="all" value="1"' in page and 'name="all" value="0"' in page

    response = client.post(url, {"all": "1"}, follow=True)
    assert marks(date) == {r.pk: True for r in people}
    assert response.redirect_chain[-1][0] == url
    assert any("3" in str(message) for message in response.context["messages"])
    client.post(url, {"all": "0"})
    assert set(marks(date).values()) == {False}
    client.post(url, {"all": "maybe"})
    assert set(marks(date).values()) == {False}


def test_no_buttons_before_attendance_can_be_recorded(client, coordinator):
    date = CourseDateFactory()  # three weeks ahead
    participants(date, 2)
    client.force_login(coordinator)

    page = client.get(reverse("trainings:attendance", args=[date.pk])).content.decode()

    assert 'name="all"' not in page


def test_officers_cannot_mark_everyone(client):
    date = started_date()
    participants(date, 2)
    client.force_login(UserFactory(roles=["integration_officer"]))

    response = client.post(reverse("trainings:attendance", args=[date.pk]), {"all": "1"})

    assert response.status_code == 404
    assert not Attendance.objects.exists()


# --- The printable list and the CSV --------------------------------------------------------


def test_the_printable_list_names_the_confirmed_participants(client, coordinator):
    date = started_date()
    people = participants(date, 2)
    people[0].answers = [{"question_id": 1, "question": "Mittagessen", "answer": "vegan"}]
    people[0].save()
    waiting = RegistrationFactory(
        course=date.course,
        person=UserFactory(full_name="Wanda Wartend"),
        status=RegistrationStatus.WAITLISTED,
        confirmed_at=None,
    )
    client.force_login(coordinator)

    response = client.get(reverse("trainings:participants", args=[date.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Person 00" in page and "Person 01" in page
    assert waiting.person.full_name not in page
    assert "Mittagessen: vegan" in page
    assert "css/print-participants.css" in page
    assert 'class="signature print-only"' in page


def test_only_the_printable_list_loads_the_print_stylesheet(client, coordinator):
    date = started_date()
    client.force_login(coordinator)

    for url in [
        reverse("trainings:attendance", args=[date.pk]),
        reverse("trainings:calendar"),
        date.course.get_absolute_url(),
    ]:
        page = client.get(url).content.decode()
        assert "print-participants.css" not in page, url
        assert "css/trainings.css" in page, url


def test_the_attendance_page_links_the_list_and_the_csv(client, coordinator):
    date = started_date()
    client.force_login(coordinator)

    page = client.get(reverse("trainings:attendance", args=[date.pk])).content.decode()

    assert reverse("trainings:participants", args=[date.pk]) in page
    assert reverse("trainings:participants_csv", args=[date.pk]) in page


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_of_a_date_is_formula_safe_and_says_who_was_there(client, coordinator):
    date = started_date(is_series=False)
    first, second = participants(date, 2)
    first.person.full_name = '=HYPERLINK("http://evil")'
    first.person.save()
    second.answers = [{"question_id": 1, "question": "Diät", "answer": "+49 170"}]
    second.save()
    attendance_record(date=date, registration=second, present=True, by=coordinator)
    client.force_login(coordinator)

    rows = read_csv(client.get(reverse("trainings:participants_csv", args=[date.pk])))

    header, *body = rows
    assert header[-1] == "Diät"
    by_email = {row[2]: row for row in body}
    assert by_email[first.person.email][1] == '\'=HYPERLINK("http://evil")'
    assert by_email[second.person.email][-1] == "'+49 170"
    with translation.override("de"):  # the coordinator's language
        assert by_email[second.person.email][5] == gettext("present")
    assert by_email[first.person.email][5] == ""


def test_the_admin_and_the_page_write_the_same_file(client, coordinator):
    date = started_date()
    participants(date, 2)
    client.force_login(coordinator)

    from_page = client.get(reverse("trainings:participants_csv", args=[date.pk]))
    from_admin = client.get(
        reverse("admin:trainings_coursedate_participants", args=[date.pk]), {"format": "csv"}
    )

    assert read_csv(from_page)[0] == read_csv(from_admin)[0]
    assert sorted(read_csv(from_page)[1:]) == sorted(read_csv(from_admin)[1:])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_look_like_formulas_become_text(value):
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("Köln") == "Köln"
    assert spreadsheet_safe("") == ""


@pytest.mark.parametrize(
    "name", ["trainings:attendance", "trainings:participants", "trainings:participants_csv"]
)
def test_the_lists_cost_the_same_queries_for_5_and_40_participants(client, coordinator, name):
    date = started_date()
    client.force_login(coordinator)
    url = reverse(name, args=[date.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    people = participants(date, 5)
    attendance_record(date=date, registration=people[0], present=True, by=coordinator)
    few = queries()
    more = participants(date, 35)
    attendance_record(date=date, registration=more[0], present=False, by=coordinator)
    assert queries() == few


# --- Dates that are over -------------------------------------------------------------------


def test_the_course_page_says_which_dates_are_over(client):
    course = CourseFactory(is_series=True)
    now = timezone.now()
    over = CourseDateFactory(
        course=course, start=now - timedelta(days=7), end=now - timedelta(days=7, hours=-6)
    )
    coming = CourseDateFactory(course=course)

    for language in ("de", "en"):
        with translation.override(language):
            response = client.get(course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
            word = pgettext("course date", "past")
        page = response.content.decode()
        over_card = page.split(f'id="date-{over.pk}"')[1].split("</li>")[0]
        coming_card = page.split(f'id="date-{coming.pk}"')[1].split("</li>")[0]
        assert word in over_card, language
        assert word not in coming_card, language
    assert f'date-past" id="date-{over.pk}"' in page
