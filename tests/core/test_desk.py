"""The coordinator's desk at /desk/ (issue 14.10): each line counts the right rows, an advisor
sees her part and her counts only, others get 404, each line leads to a list of exactly its
rows, and the page costs the same queries with ten rows as with ten thousand."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import Appointment, AppointmentStatus, Consultation, Status
from exchanges.models import ExchangeRound, PracticeExample
from portal.accounts.models import Membership, User
from portal.accounts.services import membership_reject
from portal.core.access import RULES, role_rule, roles_of
from portal.core.desk import desk
from portal.core.desk_views import desk_view
from portal.core.roles import ADVISOR, COORDINATOR
from portal.notifications.models import Notification
from portal.notifications.models import Status as EmailStatus
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    CourseDateFactory,
    CourseFactory,
    ExchangeRoundFactory,
    MembershipFactory,
    MunicipalityFactory,
    PracticeExampleFactory,
    RegistrationFactory,
    UserFactory,
)
from trainings.models import Attendance, Course, CourseDate, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db

LINES = [
    "memberships_pending",
    "requests_untriaged",
    "cases_without_advisor",
    "appointments_without_minutes",
    "dates_without_attendance",
    "rounds_without_documentation",
    "moderated_rounds_without_documentation",
    "waitlists_with_free_seats",
    "practice_examples_waiting",
    "emails_failed",
]
# An advisor's line of her own: a coordinator has the admin's list of every round instead.
ADVISOR_LINES = ["appointments_without_minutes", "moderated_rounds_without_documentation"]
COORDINATOR_LINES = [name for name in LINES if name != "moderated_rounds_without_documentation"]


def counts(user) -> dict[str, int]:
    return {row.line.name: row.count for row in desk.rows_for(user)}


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def ahead(**delta):
    return timezone.now() + timedelta(**delta)


@pytest.fixture
def advisor(db):
    return AdvisorProfileFactory()


def past_appointment(advisor, *, hours_ago=3, **fields):
    start = ago(hours=hours_ago)
    return AppointmentFactory(
        advisor=advisor,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        consultation__status=Status.IN_PROGRESS,
        consultation__lead_advisor=advisor,
        **fields,
    )


def ended_date(course=None, **fields):
    start = ago(days=2)
    return CourseDateFactory(
        course=course or CourseFactory(is_series=False),
        start=start,
        end=start + timedelta(hours=6),
        **fields,
    )


def notification(status, n=0, **fields):
    return Notification.objects.create(
        kind="test",
        idempotency_key=f"desk-test:{status}:{n}",
        to_email="someone@kommune.example",
        language="de",
        due_at=timezone.now(),
        send_after=timezone.now(),
        status=status,
        **fields,
    )


# --- Who sees what ----------------------------------------------------------------------------


def test_every_app_registered_its_lines_in_order():
    assert [line.name for line in desk.lines()] == LINES


def test_a_coordinator_sees_every_line_that_names_coordinators(coordinator):
    assert list(counts(coordinator)) == COORDINATOR_LINES


def test_an_advisor_sees_her_part_only(advisor):
    assert list(counts(advisor.user)) == ADVISOR_LINES


def test_one_rule_names_the_two_roles_of_the_page():
    assert desk_view.access_rule == "role:advisor|coordinator" == role_rule(ADVISOR, COORDINATOR)
    assert roles_of(desk_view.access_rule) == (ADVISOR, COORDINATOR)
    assert desk_view.access_rule in RULES
    with pytest.raises(ValueError):
        role_rule(COORDINATOR, "caretaker")


def test_the_page_is_for_coordinators_and_advisors_only(client, officer, coordinator, advisor):
    url = reverse("core:desk")
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(officer)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())  # signed in, no role at all
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    client.force_login(advisor.user)
    assert client.get(url).status_code == 200


# --- What each line counts ---------------------------------------------------------------------


def test_memberships_waiting_for_confirmation(coordinator):
    MembershipFactory()
    MembershipFactory()
    MembershipFactory(verified=True)
    membership_reject(membership=MembershipFactory(), by=coordinator)

    assert counts(coordinator)["memberships_pending"] == 2


def test_requests_not_triaged_and_cases_without_advisor(coordinator, advisor):
    ConsultationFactory()  # submitted
    ConsultationFactory()
    in_triage = ConsultationFactory(status=Status.IN_TRIAGE)
    ConsultationFactory(status=Status.ASSIGNED, lead_advisor=advisor)
    ConsultationFactory(status=Status.DECLINED)

    seen = counts(coordinator)

    assert seen["requests_untriaged"] == 2
    assert seen["cases_without_advisor"] == 1
    in_triage.lead_advisor = advisor  # not through a service: only what the count reads
    in_triage.save(update_fields=["lead_advisor"])
    assert counts(coordinator)["cases_without_advisor"] == 0


def test_appointments_without_minutes_that_took_place(coordinator, advisor):
    past_appointment(advisor, hours_ago=3)
    past_appointment(advisor, hours_ago=30)
    past_appointment(advisor, hours_ago=50, minutes="Besprochen: Dialogformat.")
    past_appointment(advisor, hours_ago=70, status=AppointmentStatus.CANCELLED)
    AppointmentFactory(advisor=advisor)  # still to come
    started = past_appointment(advisor, hours_ago=0)  # began just now, not over yet
    started.ends_at = ahead(minutes=30)
    started.save(update_fields=["ends_at"])

    assert counts(coordinator)["appointments_without_minutes"] == 2
    assert counts(advisor.user)["appointments_without_minutes"] == 2


def test_an_advisor_counts_her_own_appointments_only(coordinator, advisor):
    colleague = AdvisorProfileFactory()
    past_appointment(advisor)
    past_appointment(colleague)
    past_appointment(colleague, hours_ago=30)

    assert counts(advisor.user)["appointments_without_minutes"] == 1
    assert counts(colleague.user)["appointments_without_minutes"] == 2
    assert counts(coordinator)["appointments_without_minutes"] == 3


def test_course_dates_that_ended_without_complete_attendance(coordinator):
    def with_participants(date, marks):
        for present in marks:
            registration = RegistrationFactory(course=date.course, date=date)
            if present is not None:
                Attendance.objects.create(registration=registration, date=date, present=present)
        return date

    with_participants(ended_date(), [None, None])  # nobody marked: counted
    with_participants(ended_date(), [True, None])  # one left: counted
    with_participants(ended_date(), [True, False])  # complete: not counted
    ended_date()  # nobody registered: nothing to record
    with_participants(CourseDateFactory(course=CourseFactory(is_series=False)), [None])  # ahead
    cancelled = with_participants(ended_date(), [None])
    CourseDate.objects.filter(pk=cancelled.pk).update(status="cancelled")
    RegistrationFactory(  # a cancelled registration needs no mark
        course=(other := ended_date()).course, date=other, status=RegistrationStatus.CANCELLED
    )

    assert counts(coordinator)["dates_without_attendance"] == 2


def test_a_series_counts_each_date_that_ended_unmarked(coordinator):
    series = CourseFactory(is_series=True)
    first, second = ended_date(series), ended_date(series)
    second.start, second.end = first.start + timedelta(days=1), first.end + timedelta(days=1)
    second.save()
    CourseDateFactory(course=series)  # the third date is still to come
    registration = RegistrationFactory(course=series)  # a series: no date
    Attendance.objects.create(registration=registration, date=first, present=True)

    assert counts(coordinator)["dates_without_attendance"] == 1


def test_waitlists_with_a_free_seat(coordinator):
    def offer(capacity, confirmed, waiting, *, course=None, **fields):
        date = CourseDateFactory(
            course=course or CourseFactory(is_series=False), capacity=capacity, **fields
        )
        series = date.course.is_series
        for status, number in ((RegistrationStatus.CONFIRMED, confirmed), ("waitlisted", waiting)):
            for _index in range(number):
                RegistrationFactory(
                    course=date.course, date=None if series else date, status=status
                )
        return date

    offer(capacity=2, confirmed=1, waiting=1)  # a seat is free and someone waits: counted
    offer(capacity=2, confirmed=1, waiting=3)  # counted once, not per person
    offer(capacity=2, confirmed=2, waiting=1)  # full
    offer(capacity=2, confirmed=1, waiting=0)  # nobody waits
    start = ago(days=3)
    offer(capacity=2, confirmed=1, waiting=1, start=start, end=start + timedelta(hours=6))  # over
    series = CourseFactory(is_series=True)
    offer(capacity=3, confirmed=2, waiting=1, course=series)  # a series with three dates...
    CourseDateFactory(course=series, capacity=3, start=ahead(days=28))
    CourseDateFactory(course=series, capacity=3, start=ahead(days=35))  # ...counts once

    assert counts(coordinator)["waitlists_with_free_seats"] == 3


def test_a_series_is_as_full_as_its_smallest_date(coordinator):
    series = CourseFactory(is_series=True)
    CourseDateFactory(course=series, capacity=3)
    CourseDateFactory(course=series, capacity=1, start=ahead(days=28))
    RegistrationFactory(course=series)
    RegistrationFactory(course=series, status=RegistrationStatus.WAITLISTED)

    assert counts(coordinator)["waitlists_with_free_seats"] == 0


def test_emails_that_failed(coordinator):
    notification(EmailStatus.FAILED, 1)
    notification(EmailStatus.FAILED, 2)
    notification(EmailStatus.QUEUED)
    notification(EmailStatus.SENT, sent_at=timezone.now())

    assert counts(coordinator)["emails_failed"] == 2


# --- The page ----------------------------------------------------------------------------------


def test_the_page_shows_each_line_with_count_label_and_link(client, coordinator):
    MembershipFactory()
    MembershipFactory()
    client.force_login(coordinator)

    with translation.override("de"):
        response = client.get(reverse("core:desk"), HTTP_ACCEPT_LANGUAGE="de")

    rows = response.context["rows"]
    assert [row.line.name for row in rows] == COORDINATOR_LINES
    pending = rows[0]
    assert (pending.count, pending.done) == (2, False)
    assert pending.url == reverse("admin:accounts_membership_changelist") + "?status__exact=pending"
    html = response.content.decode()
    assert f'href="{pending.url}"' in html
    done = len(COORDINATOR_LINES) - 1
    assert html.count('class="desk-line desk-line-done"') == done  # shown, not hidden
    assert html.count('class="desk-line"') == 1


def test_labels_follow_the_number_in_both_languages(coordinator):
    line = next(line for line in desk.lines() if line.name == "emails_failed")

    with translation.override("en"):
        assert line.text(1) == "email could not be sent"
        assert line.text(2) == "emails could not be sent"
    with translation.override("de"):
        assert line.text(0) != line.text(1)


def test_each_link_leads_to_a_list_of_exactly_its_rows(client, coordinator, advisor):
    """The admin list behind a line shows as many rows as the line counts."""
    MembershipFactory()
    ConsultationFactory()
    ConsultationFactory(status=Status.IN_TRIAGE)
    ConsultationFactory(status=Status.IN_TRIAGE)
    past_appointment(advisor)
    past_appointment(advisor, hours_ago=30, minutes="Protokoll")
    date = ended_date()
    RegistrationFactory(course=date.course, date=date)
    ExchangeRoundFactory(status="held", start=ago(days=3), end=ago(days=3) + timedelta(hours=4))
    PracticeExampleFactory(status="submitted")
    notification(EmailStatus.FAILED)
    client.force_login(coordinator)

    for row in desk.rows_for(coordinator):
        response = client.get(row.url)
        assert response.status_code == 200, row.line.name
        shown = response.context["cl"].result_count
        if row.line.name == "waitlists_with_free_seats":
            assert shown == 0
        else:
            assert shown == row.count > 0, row.line.name


def test_the_waitlist_link_lists_the_people_waiting_for_a_free_seat(client, coordinator):
    date = CourseDateFactory(course=CourseFactory(is_series=False), capacity=2)
    RegistrationFactory(course=date.course, date=date)
    waiting = RegistrationFactory(course=date.course, date=date, status="waitlisted")
    full = CourseDateFactory(course=CourseFactory(is_series=False), capacity=1)
    RegistrationFactory(course=full.course, date=full)
    RegistrationFactory(course=full.course, date=full, status="waitlisted")
    row = next(row for row in desk.rows_for(coordinator) if row.line.name.startswith("wait"))
    client.force_login(coordinator)

    listed = list(client.get(row.url).context["cl"].result_list)

    assert row.count == 1
    assert listed == [waiting]


def test_an_advisors_link_lists_her_cases_with_minutes_missing(client, advisor):
    mine = past_appointment(advisor)
    past_appointment(AdvisorProfileFactory())  # a colleague's
    row = desk.rows_for(advisor.user)[0]
    client.force_login(advisor.user)

    response = client.get(row.url)

    assert list(response.context["cl"].result_list) == [mine.consultation]


# --- Queries -----------------------------------------------------------------------------------


def _fill(size: int) -> None:
    """`size` rows for every line of the desk, written with bulk_create."""
    batch = 2000
    now = timezone.now()
    start = Membership.objects.count()
    municipality = MunicipalityFactory()
    users = User.objects.bulk_create(
        User(email=f"desk{start + n}@kommune.example", full_name=f"Person {n}") for n in range(size)
    )
    Membership.objects.bulk_create(
        (Membership(user=user, municipality=municipality, role="Integration") for user in users),
        batch_size=batch,
    )
    requester = users[0]
    common = {
        "requester": requester,
        "municipality": municipality,
        "state": municipality.state,
        "format": "fachberatung",
        "concern": "Anliegen",
        "goal": "Ziel",
        "contact_mode": "video",
        "privacy_accepted_at": now,
    }
    offset = Consultation.objects.count()
    cases = Consultation.objects.bulk_create(
        (
            Consultation(
                reference=f"KV-D{offset + n:07d}",
                status=Status.IN_TRIAGE if n % 2 else Status.SUBMITTED,
                **common,
            )
            for n in range(size)
        ),
        batch_size=batch,
    )
    advisor = AdvisorProfileFactory()
    Appointment.objects.bulk_create(
        (
            Appointment(
                consultation=case,
                advisor=advisor,
                starts_at=now - timedelta(hours=2 * n + 3),
                ends_at=now - timedelta(hours=2 * n + 2),
                mode="video",
            )
            for n, case in enumerate(cases)
        ),
        batch_size=batch,
    )
    # Each course has a date that has ended (one participant, unmarked) and one to come (one
    # seat, free, and one person waiting), as a calendar of many courses would.
    courses = Course.objects.bulk_create(
        (
            Course(
                title=f"Kurs {offset + n}",
                slug=f"desk-kurs-{offset + n}",
                summary="Kurs",
                format="online",
                is_series=False,
            )
            for n in range(size)
        ),
        batch_size=batch,
    )

    def dates(first_day: int, **fields):
        return CourseDate.objects.bulk_create(
            (
                CourseDate(
                    course=course,
                    start=now + timedelta(days=first_day),
                    end=now + timedelta(days=first_day, hours=6),
                    online=True,
                    **fields,
                )
                for course in courses
            ),
            batch_size=batch,
        )

    ended, coming = dates(-2), dates(14, capacity=1)
    Registration.objects.bulk_create(
        [
            *(
                Registration(course=date.course, date=date, person=user, status="confirmed")
                for date, user in zip(ended, users, strict=True)
            ),
            *(
                Registration(course=date.course, date=date, person=user, status="waitlisted")
                for date, user in zip(coming, [*users[1:], users[0]], strict=True)
            ),
        ],
        batch_size=batch,
    )
    # Rounds that have ended undocumented, and practice examples waiting for review.
    ExchangeRound.objects.bulk_create(
        (
            ExchangeRound(
                title=f"Runde {offset + n}",
                slug=f"desk-runde-{offset + n}",
                summary="Runde",
                format="forum",
                audience="municipal",
                status="held",
                start=now - timedelta(days=2),
                end=now - timedelta(days=2, hours=-3),
            )
            for n in range(size)
        ),
        batch_size=batch,
    )
    PracticeExample.objects.bulk_create(
        (
            PracticeExample(
                title=f"Beispiel {offset + n}",
                slug=f"desk-beispiel-{offset + n}",
                municipality=municipality,
                situation="Lage",
                action="Vorgehen",
                effort="Aufwand",
                outcome="Ergebnis",
                status="submitted",
            )
            for n in range(size)
        ),
        batch_size=batch,
    )
    Notification.objects.bulk_create(
        (
            Notification(
                kind="test",
                idempotency_key=f"desk-fill:{start + n}",
                to_email="someone@kommune.example",
                language="de",
                due_at=now,
                send_after=now,
                status=EmailStatus.FAILED,
            )
            for n in range(size)
        ),
        batch_size=batch,
    )


def _analyze() -> None:
    """Let the planner see the new rows, as autovacuum does in production; inside the test's
    transaction it cannot, and would plan for empty tables."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _queries_of_the_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:desk"))
    assert response.status_code == 200
    return len(queries)


# One query per line, plus the session, the user, the role check and the user's roles.
QUERIES_COORDINATOR = len(COORDINATOR_LINES) + 4
QUERIES_ADVISOR = len(ADVISOR_LINES) + 5  # the role check asks for coordinator first


def test_the_page_makes_the_same_queries_with_ten_and_ten_thousand_rows(client, coordinator):
    client.force_login(coordinator)
    _fill(10)
    assert set(counts(coordinator).values()) >= {10}

    with_ten = _queries_of_the_page(client)
    _fill(9_990)
    _analyze()
    with_ten_thousand = _queries_of_the_page(client)

    assert with_ten == with_ten_thousand == QUERIES_COORDINATOR
    seen = counts(coordinator)
    assert seen["memberships_pending"] == seen["emails_failed"] == 10_000
    assert seen["appointments_without_minutes"] == seen["dates_without_attendance"] == 10_000
    assert seen["waitlists_with_free_seats"] == 10_000
    assert seen["rounds_without_documentation"] == seen["practice_examples_waiting"] == 10_000
    assert seen["requests_untriaged"] == seen["cases_without_advisor"] == 5_000


def test_an_advisors_page_makes_a_fixed_number_of_queries(client, advisor):
    client.force_login(advisor.user)
    for hours in range(3, 30, 2):
        past_appointment(advisor, hours_ago=hours)

    assert _queries_of_the_page(client) == QUERIES_ADVISOR


def test_roles_are_read_once_for_every_line(coordinator):
    user = User.objects.get(pk=coordinator.pk)
    user.groups.add(Group.objects.get(name="advisor"))

    with CaptureQueriesContext(connection) as queries:
        desk.lines_for(user)

    assert len(queries) == 1
