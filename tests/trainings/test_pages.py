"""The pages of trainings: calendar (and its query count), feed, course page, registering,
cancelling, my courses, attendance at the door, certificates and their verification."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from portal.notifications.models import Notification
from tests.factories import (
    CourseDateFactory,
    CourseFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)
from trainings import emails, services
from trainings.links import feedback_token
from trainings.models import (
    Attendance,
    Certificate,
    CourseDate,
    Module,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
)


def officer(**kwargs):
    membership = MembershipFactory(verified=True, **kwargs)
    return membership.user, membership


def make_dates(count):
    """`count` dates: one course in three of four, repeated, in various states and months."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    courses = [CourseFactory(is_series=bool(i % 2)) for i in range(max(1, count // 10))]
    CourseDate.objects.bulk_create(
        CourseDate(
            course=courses[i % len(courses)],
            start=start + timedelta(days=i % 300, hours=i % 5),
            end=start + timedelta(days=i % 300, hours=i % 5 + 3),
            venue="Rathaus",
            town="Köln",
            state="05" if i % 2 else "08",
            capacity=20,
        )
        for i in range(count)
    )
    return courses


def calendar_queries(client, count):
    make_dates(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("trainings:calendar"))
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_the_calendar_costs_the_same_queries_for_10_and_1000_dates(client):
    few, response = calendar_queries(client, 10)
    assert len(response.context["page"].object_list) == 10

    CourseDate.objects.all().delete()
    many, response = calendar_queries(client, 1000)
    assert response.context["page"].paginator.count == 1000

    assert few == many
    assert many <= 6


@pytest.mark.django_db
def test_the_calendar_shows_free_seats_and_filters(client):
    full = CourseDateFactory(capacity=1, state="05", town="Köln")
    RegistrationFactory(course=full.course)
    free = CourseDateFactory(capacity=10, state="08")

    page = client.get(reverse("trainings:calendar")).content.decode()
    assert full.course.title in page and free.course.title in page

    only_free = client.get(reverse("trainings:calendar"), {"free": "on"}).context["page"]
    assert [date.pk for date in only_free.object_list] == [free.pk]
    in_nrw = client.get(reverse("trainings:calendar"), {"state": "05"}).context["page"]
    assert [date.pk for date in in_nrw.object_list] == [full.pk]
    dates = client.get(reverse("trainings:calendar"), {"state": "99", "month": "x"})
    assert dates.status_code == 200  # unknown filters are left out, not a 500
    assert dates.context["page"].paginator.count == 2


@pytest.mark.django_db
def test_the_feed_validates_with_the_icalendar_parser(client):
    scheduled = CourseDateFactory()
    cancelled = CourseDateFactory(status="cancelled")
    CourseDateFactory(course=CourseFactory(published=False))

    response = client.get(reverse("trainings:feed"))

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"course-date-{scheduled.pk}@kommune-vielfalt",
        f"course-date-{cancelled.pk}@kommune-vielfalt",
    }
    event = events[f"course-date-{scheduled.pk}@kommune-vielfalt"]
    assert event.decoded("dtstart") == scheduled.start
    assert str(event["summary"]) == scheduled.course.title
    assert str(events[f"course-date-{cancelled.pk}@kommune-vielfalt"]["status"]) == "CANCELLED"


@pytest.mark.django_db
def test_a_date_has_its_own_calendar_file_and_drafts_have_none(client):
    date = CourseDateFactory()
    draft = CourseDateFactory(course=CourseFactory(published=False))

    response = client.get(reverse("trainings:date_ics", args=[date.pk]))

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1
    assert client.get(reverse("trainings:date_ics", args=[draft.pk])).status_code == 404
    assert client.get(reverse("trainings:course", args=[draft.course.slug])).status_code == 404


@pytest.mark.django_db
def test_registering_through_the_page_keeps_answers_and_shows_the_waitlist_position(client):
    date = CourseDateFactory(capacity=1)
    course = date.course
    Question.objects.create(course=course, label="Ernährung", kind="choice", choices="vegan\nalles")
    Question.objects.create(course=course, label="Rollstuhl?", kind="yes_no", required=True)
    RegistrationFactory(course=course)  # the only seat is taken
    user, membership = officer()
    client.force_login(user)
    url = reverse("trainings:register", args=[course.slug])
    questions = list(course.questions.order_by("position", "pk"))

    refused = client.post(url, {"membership": membership.pk})
    assert refused.status_code == 200
    assert not Registration.objects.filter(person=user).exists()
    assert refused.context["form"].errors[f"question_{questions[1].pk}"]

    response = client.post(
        url,
        {
            "membership": membership.pk,
            f"question_{questions[0].pk}": "vegan",
            f"question_{questions[1].pk}": "no",
            "share_contact": "on",
        },
        follow=True,
    )

    registration = Registration.objects.get(person=user)
    assert registration.status == RegistrationStatus.WAITLISTED
    # Yes/no answers are kept in the portal's language, German, whoever registered.
    assert [a["answer"] for a in registration.answers] == ["vegan", "nein"]
    assert registration.share_contact
    assert response.context["position"] == 1
    assert Notification.objects.filter(kind=emails.WAITLISTED, user=user).count() == 1


@pytest.mark.django_db
def test_without_a_confirmed_workplace_the_page_explains_instead_of_a_form(client):
    date = CourseDateFactory()
    user = UserFactory()
    client.force_login(user)

    response = client.get(reverse("trainings:register", args=[date.course.slug]))

    assert response.templates[0].name == "trainings/not_yet.html"
    assert "form" not in response.context


@pytest.mark.django_db
def test_the_video_link_is_shown_to_confirmed_participants_only(client):
    date = CourseDateFactory(online=True, video_link="https://video.example/raum-7")
    confirmed = RegistrationFactory(course=date.course)
    waiting = RegistrationFactory(course=date.course, status="waitlisted", confirmed_at=None)
    url = reverse("trainings:course", args=[date.course.slug])

    assert "raum-7" not in client.get(url).content.decode()
    client.force_login(waiting.person)
    assert "raum-7" not in client.get(url).content.decode()
    client.force_login(confirmed.person)
    assert "raum-7" in client.get(url).content.decode()


@pytest.mark.django_db
def test_cancelling_on_the_page_hands_the_seat_on(client):
    date = CourseDateFactory(capacity=1)
    user, membership = officer()
    seat = services.registration_create(person=user, course=date.course, membership=membership)
    other, other_membership = officer()
    waiting = services.registration_create(
        person=other, course=date.course, membership=other_membership
    )
    client.force_login(user)
    url = reverse("trainings:cancel", args=[seat.pk])

    assert client.get(url).status_code == 200
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 200  # the box must be ticked; nothing happened
    seat.refresh_from_db()
    assert seat.status == RegistrationStatus.CONFIRMED

    client.post(url, {"confirm": "on"})

    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED


@pytest.mark.django_db
def test_someone_elses_registration_answers_404(client):
    registration = RegistrationFactory()
    user, _membership = officer()
    client.force_login(user)

    assert client.get(reverse("trainings:cancel", args=[registration.pk])).status_code == 404
    assert client.get(reverse("trainings:certificate", args=[registration.pk])).status_code == 404


@pytest.mark.django_db
def test_my_courses_has_a_pinned_query_count(client):
    user, _membership = officer()
    client.force_login(user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("trainings:mine")).status_code == 200
        return len(captured)

    def register(n):
        for _ in range(n):
            date = CourseDateFactory()
            CourseDateFactory(course=date.course, start=date.start + timedelta(days=7))
            RegistrationFactory(course=date.course, person=user)
            waiting = RegistrationFactory(course=date.course, status="waitlisted")
            waiting.person = user
            waiting.status = "cancelled"
            waiting.save()

    register(2)
    few = queries()
    register(20)
    assert queries() == few


@pytest.mark.django_db
def test_attendance_at_the_door_and_the_certificate_pdf(client):
    date = CourseDateFactory(start=timezone.now() - timedelta(hours=1))
    date.end = date.start + timedelta(hours=6)
    date.save()
    registration = RegistrationFactory(
        course=date.course, person=UserFactory(full_name="Aylin Demir")
    )
    coordinator = UserFactory(roles=["coordinator"])
    client.force_login(coordinator)
    url = reverse("trainings:attendance", args=[date.pk])

    page = client.get(url)
    assert "Aylin Demir" in page.content.decode()
    client.post(url, {"registration": registration.pk, "present": "1"})
    assert Attendance.objects.get(registration=registration, date=date).present

    client.force_login(registration.person)
    response = client.get(reverse("trainings:certificate", args=[registration.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    certificate = Certificate.objects.get(registration=registration)
    assert "Aylin Demir" in text
    assert date.course.title in text.replace("\n", " ")
    assert certificate.code in text

    verified = client.get(reverse("certificate_verify", args=[certificate.code.lower()]))
    assert verified.status_code == 200
    body = verified.content.decode()
    assert "Aylin Demir" in body and date.course.title in body
    assert registration.person.email not in body  # nothing beyond the name and the course
    assert client.get(reverse("certificate_verify", args=["TB-NONE-XXXX"])).status_code == 404


@pytest.mark.django_db
def test_without_attendance_there_is_no_certificate_but_a_message(client):
    registration = RegistrationFactory(course=CourseDateFactory().course)
    client.force_login(registration.person)

    response = client.get(reverse("trainings:certificate", args=[registration.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("trainings:mine")
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_attendance_is_a_coordinators_page(client):
    date = CourseDateFactory()
    user, _membership = officer()
    client.force_login(user)

    assert client.get(reverse("trainings:attendance", args=[date.pk])).status_code == 404


@pytest.mark.django_db
def test_the_feedback_link_works_once(client):
    registration = RegistrationFactory(course=CourseDateFactory().course)
    url = reverse("trainings:feedback", args=[feedback_token(registration)])

    assert client.get(url).status_code == 200
    client.post(url, {"rating": "5", "will_apply": "Runder Tisch mit Moscheegemeinden"})
    again = client.post(url, {"rating": "1"})

    assert registration.feedback.rating == 5
    assert again.context["used"]


@pytest.mark.django_db
def test_the_admin_lists_participants_and_cancels_a_date(client):
    date = CourseDateFactory(course=CourseFactory(is_series=False))
    registration = RegistrationFactory(course=date.course, date=date)
    registration.answers = [{"question_id": 1, "question": "Diät", "answer": "=HYPERLINK()"}]
    registration.save()
    coordinator = UserFactory(roles=["coordinator"])
    client.force_login(coordinator)

    page = client.get(reverse("admin:trainings_coursedate_participants", args=[date.pk]))
    assert registration.person.email in page.content.decode()
    exported = client.get(
        reverse("admin:trainings_coursedate_participants", args=[date.pk]), {"format": "csv"}
    )
    assert "'=HYPERLINK()" in exported.content.decode("utf-8-sig")

    client.post(
        reverse("admin:trainings_coursedate_step", args=[date.pk, "cancel"]), {"reason": "Krank"}
    )

    date.refresh_from_db()
    registration.refresh_from_db()
    assert date.status == "cancelled" and date.cancelled_reason == "Krank"
    assert registration.status == RegistrationStatus.CALLED_OFF
    assert Notification.objects.filter(kind=emails.DATE_CANCELLED).count() == 1


@pytest.mark.django_db
def test_raising_the_capacity_in_the_admin_promotes_the_waitlist(client):
    date = CourseDateFactory(capacity=1)
    RegistrationFactory(course=date.course)
    waiting = RegistrationFactory(course=date.course, status="waitlisted", confirmed_at=None)
    client.force_login(UserFactory(roles=["coordinator"]))
    url = reverse("admin:trainings_coursedate_change", args=[date.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"start", "end"}
    }
    local_start = timezone.localtime(date.start)
    local_end = timezone.localtime(date.end)
    data.update(
        {
            "course": date.course.pk,
            "start_0": local_start.strftime("%d.%m.%Y"),
            "start_1": local_start.strftime("%H:%M:%S"),
            "end_0": local_end.strftime("%d.%m.%Y"),
            "end_1": local_end.strftime("%H:%M:%S"),
            "capacity": 2,
            "registration_opens_0": "",
            "registration_opens_1": "",
            "registration_deadline_0": "",
            "registration_deadline_1": "",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


@pytest.mark.django_db
def test_my_courses_costs_the_same_queries_for_one_and_ten_programmes(client):
    user, _membership = officer()
    coordinator = UserFactory(roles=["coordinator"])
    client.force_login(user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("trainings:mine"))
        assert response.status_code == 200
        return len(captured), response

    def programmes(count, registrations_each):
        """`count` published programmes of two modules; in each, the person has
        `registrations_each` confirmed registrations, the first module attended."""
        for _ in range(count):
            programme = Programme.objects.create(
                title=f"Reihe {Programme.objects.count()}",
                slug=f"reihe-{Programme.objects.count()}",
                published=True,
            )
            modules = [
                Module.objects.create(programme=programme, position=n, title=f"Baustein {n}")
                for n in (1, 2)
            ]
            for index in range(registrations_each):
                date = CourseDateFactory(
                    course=CourseFactory(module=modules[index % 2]),
                    start=timezone.now() - timedelta(hours=1),
                )
                registration = RegistrationFactory(course=date.course, person=user)
                if index == 0:
                    services.attendance_record(
                        date=date, registration=registration, present=True, by=coordinator
                    )

    programmes(1, 1)
    one, response = queries()
    assert len(response.context["programmes"]) == 1
    (_programme, progress) = response.context["programmes"][0]
    assert (progress["completed"], progress["required"]) == (1, 2)

    programmes(9, 3)
    ten, response = queries()
    assert len(response.context["programmes"]) == 10
    assert one == ten, (one, ten)
    assert ten <= 7  # session, user, registrations and their prefetches, the modules
