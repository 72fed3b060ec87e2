"""Calendar files of course emails (issue 14.7): a confirmation, registered or moved up, puts
every date of the offer into the participant's calendar; cancelling takes them out again.
Each event names the portal as ORGANIZER and the participant as ATTENDEE."""

from email.utils import parseaddr

import pytest
from django.conf import settings
from django.test import override_settings
from icalendar import Calendar

from portal.notifications.calendar import ics_bytes
from portal.notifications.rendering import render_notification
from tests.factories import RegistrationFactory
from tests.trainings.conftest import dates_of, emails_about, make_course
from trainings import emails
from trainings.services import registration_cancel

pytestmark = pytest.mark.django_db

ORGANIZER = "noreply@kommune-vielfalt.example"


def events_of(entry) -> list:
    """The VEVENTs of each event stored in a notification's calendar entry, parsed."""
    found = []
    for each in entry.get("events", [entry]):
        calendar = Calendar.from_ical(ics_bytes(each, organizer_email=ORGANIZER))
        found.extend(calendar.walk("VEVENT"))
    return found


def attached_events(notification) -> tuple[str, list]:
    """The content type and the VEVENTs of the calendar file the email carries."""
    message = render_notification(notification).message
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    _name, content, content_type = attachment
    return content_type, Calendar.from_ical(content).walk("VEVENT")


def uid(date) -> str:
    return f"course-date-{date.pk}@kommune-vielfalt"


def test_a_series_confirmation_holds_an_event_for_each_date(series, register, officer_factory):
    membership = officer_factory(full_name="Aylin Demir", email="aylin@musterstadt.de")
    registration = register(series, membership)

    entry = emails_about(registration, emails.REGISTERED).get().calendar
    events = events_of(entry)

    assert entry["method"] == "REQUEST"
    assert [str(e["uid"]) for e in events] == [uid(date) for date in dates_of(series)]
    assert [e.decoded("dtstart") for e in events] == [d.start for d in dates_of(series)]
    for event in events:
        assert str(event["summary"]) == series.title
        assert str(event["organizer"]) == f"mailto:{ORGANIZER}"
        assert str(event["attendee"]) == "mailto:aylin@musterstadt.de"
        assert event["attendee"].params["CN"] == "Aylin Demir"
        assert str(event["url"]).endswith(series.get_absolute_url())
        assert "Forum am Schlossgarten" in str(event["location"])


def test_the_attached_file_holds_every_date(series, register):
    registration = register(series)

    content_type, events = attached_events(emails_about(registration, emails.REGISTERED).get())

    assert "method=REQUEST" in content_type
    assert [str(e["uid"]) for e in events] == [uid(date) for date in dates_of(series)]
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    assert {str(e["organizer"]) for e in events} == {f"mailto:{sender}"}


def test_the_attached_file_of_a_series_is_a_valid_calendar_today(series, register):
    """Until the outbox writes several events, the file still holds the first date."""
    registration = register(series)

    _content_type, events = attached_events(emails_about(registration, emails.REGISTERED).get())

    assert str(events[0]["uid"]) == uid(dates_of(series)[0])


def test_moving_up_from_the_waitlist_sends_every_date_too(register):
    course = make_course(dates=2, capacity=1)
    first = register(course)
    waiting = register(course)
    registration_cancel(registration=first, by=first.person)

    entry = emails_about(waiting, emails.PROMOTED).get().calendar

    assert entry["method"] == "REQUEST"
    assert [str(e["uid"]) for e in events_of(entry)] == [uid(d) for d in dates_of(course)]
    assert emails_about(waiting, emails.WAITLISTED).get().calendar is None


def test_one_date_of_a_repeated_course_is_one_event_with_its_video_link(repeated, register):
    date = dates_of(repeated)[1]
    date.video_link = "https://meet.example/grundkurs"
    date.save()

    registration = register(repeated, date=date)
    entry = emails_about(registration, emails.REGISTERED).get().calendar

    assert "events" not in entry
    (event,) = events_of(entry)
    assert str(event["uid"]) == uid(date)
    assert str(event["url"]) == "https://meet.example/grundkurs"
    assert "https://meet.example/grundkurs" in str(event["location"])
    assert str(event["attendee"]) == f"mailto:{registration.person.email}"


def test_cancelling_a_seat_takes_every_date_out_of_the_calendar(series, register):
    registration = register(series)

    registration_cancel(registration=registration, by=registration.person)
    entry = emails_about(registration, emails.CANCELLED).get().calendar

    assert entry["method"] == "CANCEL"
    events = events_of(entry)
    assert [str(e["uid"]) for e in events] == [uid(d) for d in dates_of(series)]
    assert {str(e["status"]) for e in events} == {"CANCELLED"}
    confirmed = emails_about(registration, emails.REGISTERED).get().calendar
    assert entry["sequence"] >= confirmed["sequence"]


def test_leaving_the_waitlist_sends_no_calendar(series, register):
    RegistrationFactory.create_batch(25, course=series)
    waiting = register(series)

    registration_cancel(registration=waiting, by=waiting.person)

    assert emails_about(waiting, emails.CANCELLED).get().calendar is None


@override_settings(SITE_URL="https://portal.example")
def test_the_description_links_the_course_page(series, register):
    registration = register(series)

    entry = emails_about(registration, emails.REGISTERED).get().calendar

    for event in entry["events"]:
        assert event["description"].endswith(f"https://portal.example{series.get_absolute_url()}")
        assert event["url"] == f"https://portal.example{series.get_absolute_url()}"
