"""Reads of courses, dates and registrations, scoped to who asks.

The calendar's numbers (free seats, deadline, "date 2 of 3") are computed by the database
in the query that fetches the dates, so a page costs the same few queries whatever the
number of dates.
"""

from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.accounts.roles import is_coordinating
from portal.advisors.models import Topic
from trainings.models import (
    Course,
    CourseDate,
    DateStatus,
    Programme,
    Registration,
    RegistrationStatus,
)


def _scalar(queryset, field):
    return Subquery(queryset.order_by().values(field)[:1])


def with_seats(dates):
    """Annotate dates with `seats`, `taken`, `free`, `offer_deadline`, `series_index` and
    `series_length`; for a series they describe the whole series the date belongs to."""
    series_dates = CourseDate.objects.filter(
        course=OuterRef("course"), status=DateStatus.SCHEDULED
    ).order_by()
    series_capacity = series_dates.values("course").annotate(m=Min("capacity")).values("m")
    series_deadline = series_dates.annotate(
        deadline=Coalesce("registration_deadline", "start")
    ).order_by("start", "pk")
    series_opens = series_dates.order_by("start", "pk")
    confirmed = (
        Registration.objects.filter(course=OuterRef("course"), status=RegistrationStatus.CONFIRMED)
        .filter(Q(date=OuterRef("pk")) | Q(date__isnull=True))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    earlier = (
        series_dates.filter(start__lt=OuterRef("start"))
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    length = series_dates.values("course").annotate(n=Count("pk")).values("n")
    return dates.annotate(
        seats=Case(
            When(course__is_series=True, then=Coalesce(Subquery(series_capacity), 0)),
            default=F("capacity"),
            output_field=IntegerField(),
        ),
        taken=Coalesce(Subquery(confirmed), 0),
        free=F("seats") - F("taken"),
        offer_deadline=Case(
            When(course__is_series=True, then=_scalar(series_deadline, "deadline")),
            default=Coalesce("registration_deadline", "start"),
        ),
        offer_opens=Case(
            When(course__is_series=True, then=_scalar(series_opens, "registration_opens")),
            default=F("registration_opens"),
        ),
        series_index=Coalesce(Subquery(earlier), 0) + 1,
        series_length=Coalesce(Subquery(length), 0),
    )


def calendar_dates(
    *,
    topic: Topic | None = None,
    format: str = "",
    month: datetime | None = None,
    state: str = "",
    free_only: bool = False,
    now: datetime | None = None,
):
    """Upcoming scheduled dates of published courses, earliest first."""
    now = now or timezone.now()
    dates = CourseDate.objects.public().scheduled().filter(end__gte=now)
    if topic:
        dates = dates.filter(course__topics=topic)
    if format:
        dates = dates.filter(course__format=format)
    if month:
        following = (
            month.replace(year=month.year + 1, month=1)
            if month.month == 12
            else (month.replace(month=month.month + 1))
        )
        dates = dates.filter(start__gte=month, start__lt=following)
    if state:
        dates = dates.filter(state=state)
    dates = with_seats(dates)
    if free_only:
        dates = dates.filter(free__gt=0, offer_deadline__gt=now)
    return (
        dates.select_related("course__module__programme")
        .prefetch_related(Prefetch("course__topics", queryset=Topic.objects.order_by("position")))
        .order_by("start", "pk")
    )


def feed_dates(*, now: datetime | None = None):
    """Every date of a published course from the last 90 days on, cancelled ones included."""
    now = now or timezone.now()
    return (
        CourseDate.objects.public()
        .filter(end__gte=now - timedelta(days=90))
        .select_related("course")
        .order_by("start", "pk")
    )


def courses_visible_to(user):
    """Published courses for everyone; coordinators also see drafts."""
    courses = Course.objects.all()
    if not is_coordinating(user):
        courses = courses.published()
    return courses


def course_dates(course: Course):
    """All dates of a course for its page, cancelled ones included."""
    return with_seats(CourseDate.objects.filter(course=course)).order_by("start", "pk")


def registrations_of(user):
    """A person's own registrations, newest first, with what their page shows."""
    if not user.is_authenticated:
        return Registration.objects.none()
    ahead = (
        Registration.objects.waitlisted()
        .filter(course=OuterRef("course"), pk__lt=OuterRef("pk"))
        .filter(Q(date=OuterRef("date")) | Q(date__isnull=True))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Registration.objects.filter(person=user)
        .annotate(
            position=Case(
                When(
                    status=RegistrationStatus.WAITLISTED,
                    then=Coalesce(Subquery(ahead), 0) + 1,
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
        .select_related("course__module__programme", "date", "certificate", "feedback")
        .prefetch_related(
            Prefetch(
                "course__dates",
                queryset=CourseDate.objects.order_by("start", "pk"),
            ),
            "attendances__date",
        )
        .order_by("-created_at", "-pk")
    )


def programmes_public():
    return Programme.objects.filter(published=True)


def participants_shared(course: Course, date: CourseDate | None):
    """Confirmed participants who agreed to be listed for the others."""
    return (
        Registration.objects.confirmed()
        .filter(course=course, date=date, share_contact=True)
        .select_related("person", "municipality", "organisation")
        .order_by("person__full_name", "pk")
    )


def programmes_of(user):
    """The programmes the person has a confirmed registration in, with their progress."""
    from trainings.services import programme_progress

    programmes = Programme.objects.filter(
        published=True,
        modules__courses__registrations__person=user,
        modules__courses__registrations__status=RegistrationStatus.CONFIRMED,
    ).distinct()
    return [(programme, programme_progress(user, programme)) for programme in programmes]
