"""Calendar files (.ics) attached to emails.

The caller stores a plain description of the event on the notification (`calendar`):

    {"uid": "appointment-42@kommune-vielfalt", "start": "2026-03-29T09:00:00+00:00",
     "end": "...", "summary": "...", "location": "...", "description": "...",
     "method": "REQUEST" or "CANCEL", "sequence": 3,
     "url": "https://...", "attendees": [{"email": "...", "name": "..."}]}

Several events in one file (e.g. every date of a course) are one entry whose "events" list
holds an entry per event; its top-level fields are the first event's, so a reader of single
entries still finds a whole event, and its "method" is the file's.

`url` and `attendees` are optional: entries stored without them stay valid. The ORGANIZER is
the portal's sender address (`ics_bytes`), so a calendar knows who sends updates; attendees
are written with RSVP=FALSE, because nobody reads replies to that address.

The UID names the event, not the email: an update or cancellation with the same UID and a
higher SEQUENCE replaces the entry in the recipient's calendar instead of adding a second one.
Times are stored in UTC and written in UTC, which every calendar converts to local time
correctly, also across the daylight-saving switch.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

METHODS = ("REQUEST", "CANCEL", "PUBLISH")


def calendar_entry(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    location: str = "",
    description: str = "",
    method: str = "REQUEST",
    sequence: int | None = None,
    url: str = "",
    attendees: list[tuple[str, str]] | None = None,
    revision: int = 0,
) -> dict:
    """The JSON stored on a notification; `sequence` defaults to a counter that only grows.

    `url` (e.g. a video link) becomes the event's URL; `attendees` are (email, name) pairs.
    `revision` (how many changes the event has had) is added to the default sequence, so two
    versions written within the same second still replace each other in the right order.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("calendar times must be aware")
    if end <= start:
        raise ValueError("an event ends after it starts")
    entry = {
        "uid": uid,
        "start": start.astimezone(UTC).isoformat(),
        "end": end.astimezone(UTC).isoformat(),
        "summary": summary,
        "location": location,
        "description": description,
        "method": method,
        # Seconds since 2026 fit the 31 bits calendars expect until 2094.
        "sequence": sequence if sequence is not None else _now_sequence() + revision,
    }
    if url:
        entry["url"] = url
    if attendees:
        entry["attendees"] = [{"email": email, "name": name} for email, name in attendees]
    return entry


def _now_sequence() -> int:
    epoch = datetime(2026, 1, 1, tzinfo=UTC)
    return int((timezone.now() - epoch).total_seconds())


def ics_bytes(entry: dict, *, organizer_email: str) -> bytes:
    """The .ics file for one stored calendar entry: one VEVENT, or one for each entry under
    "events" (a course's dates), all with the entry's METHOD."""
    return ics_calendar(entry, organizer_email=organizer_email).to_ical()


def ics_calendar(entry: dict, *, organizer_email: str) -> Calendar:
    """The calendar of `ics_bytes`, for a caller that adds properties (a feed's name) before
    writing it once. An entry whose "events" is an empty list makes a calendar without
    events (a feed with nothing to show)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//Portal//DE")
    calendar.add("version", "2.0")
    calendar.add("method", entry["method"])
    events = entry.get("events")
    for each in [entry] if events is None else events:
        calendar.add_component(_event(each, organizer_email=organizer_email))
    return calendar


def _event(entry: dict, *, organizer_email: str) -> Event:
    event = Event()
    event.add("uid", entry["uid"])
    event.add("sequence", entry["sequence"])
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datetime.fromisoformat(entry["start"]))
    event.add("dtend", datetime.fromisoformat(entry["end"]))
    event.add("summary", entry["summary"])
    if entry.get("location"):
        event.add("location", entry["location"])
    if entry.get("description"):
        event.add("description", entry["description"])
    if entry.get("url"):
        event.add("url", entry["url"])
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(settings.PORTAL_NAME)
    event["organizer"] = organizer
    for person in entry.get("attendees", []):
        attendee = vCalAddress(f"mailto:{person['email']}")
        if person.get("name"):
            attendee.params["cn"] = vText(person["name"])
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["rsvp"] = "FALSE"
        event.add("attendee", attendee, encode=0)
    event.add("status", "CANCELLED" if entry["method"] == "CANCEL" else "CONFIRMED")
    return event
