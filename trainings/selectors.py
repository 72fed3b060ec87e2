"""Reads of courses, dates, registrations and progress, scoped to who asks.

The calendar's numbers (free seats, deadline, "date 2 of 3") are computed by the database
in the query that fetches the dates, so a page costs the same few queries whatever the
number of dates. The reads that work on one registration (its offer, its waitlist position,
whether it can be cancelled, what it attended) use prefetched rows where a page has them.
"""

from datetime import datetime, timedelta

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.roles import is_coordinating
from portal.advisors.models import Topic
from portal.core import capacity
from trainings.models import (
    Course,
    CourseDate,
    DateStatus,
    Module,
    Offer,
    Programme,
    Registration,
    RegistrationStatus,
    Window,
)

# Attendance can be recorded from this long before a date starts (people arrive early).
ATTENDANCE_FROM = timedelta(hours=2)

# Participant lists sort by name: a member's as their account has it, a guest's as given.
PARTICIPANT_NAME = Coalesce("person__full_name", "guest_name")


# --- Dates ----------------------------------------------------------------------------------


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
    dates = dates.with_seats().with_registration_window(now)
    if free_only:
        # Free seats one can still register for, now or once registration opens.
        dates = dates.filter(free__gt=0, window__in=[Window.OPEN, Window.NOT_YET_OPEN])
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


def course_dates(course: Course, now: datetime):
    """All dates of a course for its page, cancelled ones included, with seats and window."""
    return (
        CourseDate.objects.filter(course=course)
        .with_seats()
        .with_registration_window(now)
        .order_by("start", "pk")
    )


def open_dates(course: Course, now: datetime):
    """The dates of a course one can register for at `now`, with their seats."""
    return course.dates.taking_registrations(now).with_seats().order_by("start", "pk")


def offer_for(course: Course, date: CourseDate | None = None) -> Offer:
    """The offer a registration is for, read without locks (for showing it)."""
    date_pk = getattr(date, "pk", None)
    dates = sorted(
        (
            d
            for d in course.dates.all()  # the prefetched dates, where a page prefetched them
            if d.status == DateStatus.SCHEDULED and (course.is_series or d.pk == date_pk)
        ),
        key=lambda d: (d.start, d.pk),
    )
    return Offer(course=course, date=None if course.is_series else date, dates=dates)


def attendance_open(date: CourseDate, now: datetime) -> bool:
    """Whether attendance can be recorded for the date at `now`."""
    return date.status == DateStatus.SCHEDULED and now >= date.start - ATTENDANCE_FROM


def attendance_list(date: CourseDate):
    """The confirmed participants of a date (and of its series)."""
    registrations = Registration.objects.confirmed().filter(course_id=date.course_id)
    if not date.course.is_series:
        registrations = registrations.filter(date=date)
    return registrations


def attendance_marks(date: CourseDate) -> dict[int, bool]:
    """What was recorded on the date: present (True) or absent (False), by registration id."""
    return dict(date.attendances.values_list("registration_id", "present"))


def offer_registrations(date: CourseDate):
    """The active registrations (confirmed and waiting) of the offer the date belongs to:
    its series, or the date itself; for participant lists."""
    course = date.course
    return (
        Registration.objects.active()
        .filter(course=course, date=None if course.is_series else date)
        .select_related("person", "municipality", "organisation")
    )


# --- Registrations ----------------------------------------------------------------------------


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting, None for anyone not waiting (`capacity`'s count)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    offer = Registration.objects.filter(
        course_id=registration.course_id, date_id=registration.date_id
    )
    return capacity.waitlist_position(offer.pool(capacity=0), registration)


def may_cancel(registration: Registration, now: datetime | None = None) -> bool:
    """Whether the participant can still cancel: active, and before the offer's deadline."""
    if not registration.is_active:
        return False
    offer = offer_for(registration.course, registration.date)
    return offer.takes_cancellations(now or timezone.now())


def registrations_of(user):
    """A person's own registrations, newest first, with what their page shows."""
    if not user.is_authenticated:
        return Registration.objects.none()
    ahead = (
        Registration.objects.waiting()
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


def participants_shared(course: Course, date: CourseDate | None):
    """Confirmed participants who agreed to be listed for the others."""
    return (
        Registration.objects.confirmed()
        .filter(course=course, date=date, share_contact=True)
        .select_related("person", "municipality", "organisation")
        .order_by("person__full_name", "pk")
    )


# --- Attendance, modules and programmes -------------------------------------------------------


def attended_dates(registration: Registration) -> list[CourseDate]:
    """The dates the person was marked present on (prefetch `attendances__date` for lists)."""
    present = [a.date for a in registration.attendances.all() if a.present]
    return sorted(present, key=lambda d: (d.start, d.pk))


def module_completed(registration: Registration) -> bool:
    """Attended every scheduled date the registration covers."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return False
    held = {date.pk for date in offer_for(registration.course, registration.date).dates}
    present = {date.pk for date in attended_dates(registration)}
    return bool(held) and held <= present


def _progress(programme: Programme, modules: list[Module], registrations) -> dict:
    """Which of `modules` the confirmed `registrations` (with course, module, dates and
    attendance at hand) completed, and whether that completes the programme."""
    completed = {}
    for registration in sorted(registrations, key=lambda r: r.pk):
        module = registration.course.module
        if module.pk not in completed and module_completed(registration):
            completed[module.pk] = registration
    required = programme.required_count(len(modules))
    return {
        "modules": [(module, completed.get(module.pk)) for module in modules],
        "completed": len(completed),
        "required": required,
        "done": bool(modules) and len(completed) >= required,
    }


def programme_progress(person: User, programme: Programme) -> dict:
    """Which of the programme's modules the person completed, and whether that is enough."""
    registrations = (
        Registration.objects.confirmed()
        .filter(person=person, course__module__programme=programme)
        .select_related("course__module")
        .prefetch_related("course__dates", "attendances__date")
    )
    return _progress(programme, list(programme.modules.all()), registrations)


def programmes_of(user, registrations: list[Registration]) -> list[tuple[Programme, dict]]:
    """The published programmes the person has a confirmed registration in, with their
    progress, worked out from `registrations` (as `registrations_of` reads them): one query for
    the modules, whatever the number of programmes."""
    confirmed = [
        r
        for r in registrations
        if r.person_id == user.pk
        and r.status == RegistrationStatus.CONFIRMED
        and r.course.module_id is not None
        and r.course.module.programme.published
    ]
    programmes = {r.course.module.programme_id: r.course.module.programme for r in confirmed}
    modules: dict[int, list[Module]] = {pk: [] for pk in programmes}
    for module in Module.objects.filter(programme__in=list(programmes)).order_by("position"):
        modules[module.programme_id].append(module)
    return [
        (
            programme,
            _progress(
                programme,
                modules[programme.pk],
                [r for r in confirmed if r.course.module.programme_id == programme.pk],
            ),
        )
        for programme in sorted(programmes.values(), key=lambda p: (p.title, p.pk))
    ]


def programmes_public():
    return Programme.objects.filter(published=True)
