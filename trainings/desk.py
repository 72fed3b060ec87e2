"""The trainings' lines on the coordinator's desk (see `portal.core.desk`), and the admin
filters they lead to, so that each count and its list agree.

An offer is what people register for: a whole series, or one date of a repeated course. Its
registrations are those of the course with no date (a series) or with the date; its seats
and the confirmed ones among them come from `CourseDateQuerySet.with_seats`.
"""

from datetime import datetime

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.accounts.roles import COORDINATOR
from portal.core.desk import changelist, desk
from trainings.models import Attendance, CourseDate, Registration, RegistrationStatus

ATTENDANCE_MISSING = "missing"
FREE_SEAT = "free_seat"


def _offer_has(registrations) -> Q:
    """Whether the offer of the outer query's date has any of `registrations`: in a series
    those of its course (they name no date), else those of the date itself. Two EXISTS, each
    answered from an index, rather than one whose OR would read every registration of the
    course for every date."""
    return Q(
        Exists(registrations.filter(course=OuterRef("course"), date__isnull=True)),
        course__is_series=True,
    ) | Q(Exists(registrations.filter(date=OuterRef("pk"))), course__is_series=False)


def dates_without_attendance(*, now: datetime | None = None):
    """Scheduled dates that have ended while a confirmed participant has no mark yet."""
    marked = Attendance.objects.filter(registration=OuterRef("pk"), date=OuterRef(OuterRef("pk")))
    unmarked = Registration.objects.confirmed().exclude(Exists(marked))
    return (
        CourseDate.objects.scheduled()
        .filter(end__lte=now or timezone.now())
        .filter(_offer_has(unmarked))
    )


def dates_with_free_seat_and_waitlist(*, now: datetime | None = None):
    """Scheduled dates not over yet whose offer has a free seat while someone waits.

    Before an offer starts, a freed seat goes to the waitlist by itself; once it has begun
    (or after a change of capacity) a coordinator gives the seat to someone waiting."""
    return (
        CourseDate.objects.scheduled()
        .filter(end__gt=now or timezone.now())
        .filter(_offer_has(Registration.objects.waiting()))
        .with_seats()
        .filter(free__gt=0)
    )


@desk.line(
    "dates_without_attendance",
    position=50,
    roles=(COORDINATOR,),
    label=ngettext_lazy(
        "course date has ended without complete attendance",
        "course dates have ended without complete attendance",
        "count",
    ),
    url=changelist("trainings.coursedate", attendance=ATTENDANCE_MISSING),
)
def dates_attendance_missing(user) -> int:
    return dates_without_attendance().count()


@desk.line(
    "waitlists_with_free_seats",
    position=60,
    roles=(COORDINATOR,),
    label=ngettext_lazy("waitlist has a free seat", "waitlists have a free seat", "count"),
    url=changelist("trainings.registration", waitlist=FREE_SEAT),
)
def waitlists_with_free_seats(user) -> int:
    """Offers, not dates: a series counts once, however many of its dates are to come."""
    counts = dates_with_free_seat_and_waitlist().aggregate(
        series=Count("course", distinct=True, filter=Q(course__is_series=True)),
        single=Count("pk", filter=Q(course__is_series=False)),
    )
    return counts["series"] + counts["single"]


class AttendanceMissingFilter(admin.SimpleListFilter):
    """Course dates that have ended with a confirmed participant not yet marked."""

    title = _("attendance")
    parameter_name = "attendance"

    def lookups(self, request, model_admin):
        return [(ATTENDANCE_MISSING, _("not complete after the date"))]

    def queryset(self, request, queryset):
        if self.value() != ATTENDANCE_MISSING:
            return queryset
        return queryset.filter(pk__in=dates_without_attendance().values("pk"))


class WaitingWithFreeSeatFilter(admin.SimpleListFilter):
    """People on a waitlist whose offer has a free seat."""

    title = _("waitlist")
    parameter_name = "waitlist"

    def lookups(self, request, model_admin):
        return [(FREE_SEAT, _("waiting although a seat is free"))]

    def queryset(self, request, queryset):
        if self.value() != FREE_SEAT:
            return queryset
        dates = dates_with_free_seat_and_waitlist()
        series = dates.filter(course__is_series=True).values("course")
        return queryset.filter(status=RegistrationStatus.WAITLISTED, email_confirmed=True).filter(
            Q(date__isnull=True, course__in=series) | Q(date__in=dates.values("pk"))
        )
