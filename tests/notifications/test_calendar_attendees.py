"""Calendar files name who organises and who attends, and the event's URL (issue 14.7)."""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar

from portal.notifications.calendar import calendar_entry, ics_bytes


def event_of(entry, organizer="noreply@kommune-vielfalt.example"):
    calendar = Calendar.from_ical(ics_bytes(entry, organizer_email=organizer))
    (event,) = calendar.walk("VEVENT")
    return event


def entry(**extra):
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    return calendar_entry(
        uid="appointment-7@kommune-vielfalt",
        start=start,
        end=start + timedelta(hours=1),
        summary="Erstgespräch",
        sequence=4,
        **extra,
    )


def test_organizer_attendees_and_url_reach_the_file():
    event = event_of(
        entry(
            location="https://meet.example/abc",
            url="https://meet.example/abc",
            attendees=[("ina@musterstadt.de", "Ina Müller, Stadt"), ("amal@example.org", "Dr. A")],
        )
    )

    assert str(event["organizer"]) == "mailto:noreply@kommune-vielfalt.example"
    attendees = event["attendee"]
    assert [str(a) for a in attendees] == ["mailto:ina@musterstadt.de", "mailto:amal@example.org"]
    assert attendees[0].params["CN"] == "Ina Müller, Stadt"
    # Nobody reads replies to the sender address: calendars are not asked to send one.
    assert {a.params["RSVP"] for a in attendees} == {"FALSE"}
    assert str(event["url"]) == "https://meet.example/abc"
    assert str(event["location"]) == "https://meet.example/abc"


def test_entries_without_the_new_parts_stay_as_they_were():
    plain = entry(location="Rathaus")

    assert "url" not in plain and "attendees" not in plain
    event = event_of(plain)
    assert "attendee" not in event and "url" not in event
    assert str(event["organizer"]) == "mailto:noreply@kommune-vielfalt.example"
    assert event["sequence"] == 4


def test_a_later_revision_counts_higher_within_the_same_second():
    first, second = entry(), entry()
    assert first["sequence"] == second["sequence"] == 4  # given explicitly: kept
    start = timezone.now() + timedelta(days=1)
    common = {"uid": "u@x", "start": start, "end": start + timedelta(hours=1), "summary": "S"}
    booked = calendar_entry(**common, revision=1)
    updated = calendar_entry(**common, revision=2)
    assert updated["sequence"] > booked["sequence"]
