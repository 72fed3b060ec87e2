"""Calendar files of course dates: one date, or the subscribable feed of all public dates.

Each date keeps one UID (`course-date-<id>@kommune-vielfalt`), the same as in the emails'
calendar attachments, so a subscribed calendar updates an entry instead of adding a second
one; a cancelled date stays in the feed with STATUS:CANCELLED so subscribers see it go.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from portal.notifications.rendering import absolute_url
from trainings.models import CourseDate


def date_uid(date: CourseDate) -> str:
    return f"course-date-{date.pk}@kommune-vielfalt"


def _event(date: CourseDate, stamp) -> Event:
    course = date.course
    event = Event()
    event.add("uid", date_uid(date))
    event.add("dtstamp", stamp)
    event.add("dtstart", date.start)
    event.add("dtend", date.end)
    event.add("summary", course.title)
    event.add("description", course.summary)
    event.add("url", absolute_url(course.get_absolute_url()))
    if date.place:
        event.add("location", date.place)
    event.add("status", "CANCELLED" if date.is_cancelled else "CONFIRMED")
    return event


def calendar_bytes(dates, *, name: str) -> bytes:
    """A PUBLISH calendar of the given dates (each with its course selected)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//Trainings//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for date in dates:
        calendar.add_component(_event(date, stamp))
    return calendar.to_ical()
