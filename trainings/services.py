"""Every write to courses, registrations, waitlists, attendance, certificates and feedback.

Capacity is guarded by row locks: every service that fills or frees a seat first locks the
scheduled dates of the offer (`_lock_offer`, always in the order of their ids, so two
services never wait for each other in a circle), then counts. A seat freed by a cancellation
or a larger capacity goes to the first person on the waitlist in the same transaction. The
emails each step implies are written to the outbox in that transaction too.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.accounts.models import Membership, User
from portal.accounts.roles import is_coordinating
from portal.notifications.calendar import calendar_entry
from portal.notifications.services import notifications_cancel, notifications_move, notify
from trainings import emails
from trainings.errors import TrainingError
from trainings.models import (
    TRANSITIONS,
    Attendance,
    Certificate,
    Course,
    CourseDate,
    CourseFeedback,
    DateStatus,
    Offer,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
    new_certificate_code,
)

FOLLOW_UP_AFTER = timedelta(days=1)
# Attendance can be recorded from this long before a date starts (people arrive early).
ATTENDANCE_FROM = timedelta(hours=2)
FEEDBACK_SALT = "trainings.feedback"


# --- Offers and locks ----------------------------------------------------------------------


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


def _lock_offer(course: Course, date: CourseDate | None) -> Offer:
    """Lock the offer's scheduled dates; every seat count happens under this lock."""
    dates = CourseDate.objects.select_for_update().filter(course=course)
    if not course.is_series:
        if date is None:
            raise TrainingError(_("Please choose a date."))
        dates = dates.filter(pk=date.pk)
    locked = [d for d in dates.order_by("pk") if d.status == DateStatus.SCHEDULED]
    locked.sort(key=lambda d: (d.start, d.pk))
    return Offer(course=course, date=None if course.is_series else date, dates=locked)


def _transition(registration: Registration, to: str, *, at: datetime) -> Registration:
    if to not in TRANSITIONS[registration.status]:
        raise TrainingError(
            _("A registration that is %(current)s cannot become %(new)s.")
            % {
                "current": RegistrationStatus(registration.status).label,
                "new": RegistrationStatus(to).label,
            }
        )
    registration.status = to
    fields = ["status"]
    if to == RegistrationStatus.CONFIRMED:
        registration.confirmed_at = at
        fields.append("confirmed_at")
    elif to in (RegistrationStatus.CANCELLED, RegistrationStatus.CALLED_OFF):
        registration.cancelled_at = at
        fields.append("cancelled_at")
    registration.save(update_fields=fields)
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting, None for anyone not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        Registration.objects.waitlisted()
        .filter(course_id=registration.course_id, date_id=registration.date_id)
        .filter(pk__lt=registration.pk)
        .count()
        + 1
    )


# --- Registering ---------------------------------------------------------------------------


def clean_answers(course: Course, raw: dict) -> list[dict]:
    """The answers to the course's questions as stored: the question as asked, the answer."""
    answers = []
    for question in course.questions.all():
        value = raw.get(question.pk)
        if question.kind == Question.Kind.YES_NO:
            # Stored in the portal's language, so a participant list reads the same whoever
            # registered in which language.
            with override(settings.LANGUAGE_CODE):
                text = {True: _("yes"), False: _("no")}.get(value, "")
        else:
            text = (value or "").strip()
        if question.required and text == "":
            raise TrainingError(
                _("Please answer the question “%(question)s”.") % {"question": question.label}
            )
        if question.kind == Question.Kind.CHOICE and text and text not in question.options:
            raise TrainingError(
                _("Please choose one of the answers to “%(question)s”.")
                % {"question": question.label}
            )
        answers.append({"question_id": question.pk, "question": question.label, "answer": text})
    return answers


@transaction.atomic
def registration_create(
    *,
    person: User,
    course: Course,
    date: CourseDate | None = None,
    membership: Membership,
    answers: dict | None = None,
    share_contact: bool = False,
    now: datetime | None = None,
) -> Registration:
    """Register for a course: a free seat confirms, a full course puts the person on the
    waitlist. Nobody sees an error because others registered at the same moment."""
    if not course.published:
        raise TrainingError(_("This course is not open for registration."))
    if membership.user_id != person.pk or not membership.verified:
        raise TrainingError(
            _("You can register only for a body our team has confirmed you work for.")
        )
    if course.is_series:
        date = None
    elif date is None or date.course_id != course.pk:
        raise TrainingError(_("Please choose one of the course's dates."))
    stored_answers = clean_answers(course, answers or {})

    offer = _lock_offer(course, date)
    # Read the clock under the lock: registered-at times then follow the order of arrival.
    now = now or timezone.now()
    if not offer.dates:
        raise TrainingError(_("This date was cancelled; registration is not possible."))
    if offer.opens and now < offer.opens:
        raise TrainingError(
            _("Registration opens on %(date)s.")
            % {"date": timezone.localtime(offer.opens).strftime("%d.%m.%Y %H:%M")}
        )
    if now >= offer.deadline:
        raise TrainingError(_("The registration deadline has passed."))
    if course.registrations.active().filter(person=person).exists():
        raise TrainingError(_("You are already registered for this course."))
    cap = course.seats_per_municipality
    if cap and membership.municipality_id:
        taken = offer.registrations().active().filter(municipality=membership.municipality_id)
        if taken.count() >= cap:
            raise TrainingError(
                _(
                    "%(body)s already holds the %(count)s seat(s) one municipality may take "
                    "in this course, so that municipalities from everywhere get a place."
                )
                % {"body": membership.municipality, "count": cap}
            )

    full = offer.registrations().confirmed().count() >= offer.capacity
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                course=course,
                date=date,
                person=person,
                municipality=membership.municipality,
                organisation=membership.organisation,
                status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED,
                answers=stored_answers,
                share_contact=share_contact,
                created_at=now,
                confirmed_at=None if full else now,
            )
    except IntegrityError:
        # Another date of the same course, registered for at the same moment.
        raise TrainingError(_("You are already registered for this course.")) from None

    if full:
        notify(
            kind=emails.WAITLISTED,
            key=f"training-waitlisted:{registration.pk}",
            user=person,
            context={"registration_id": registration.pk},
            about=registration,
        )
    else:
        _confirmed(registration, offer, kind=emails.REGISTERED, now=now)
    return registration


def _confirmed(registration: Registration, offer: Offer, *, kind: str, now: datetime) -> None:
    """The emails of a confirmed seat: the confirmation, reminders, and the follow-up."""
    single = offer.dates[0] if len(offer.dates) == 1 else None
    notify(
        kind=kind,
        key=f"{kind}:{registration.pk}",
        user=registration.person,
        context={"registration_id": registration.pk},
        about=registration,
        calendar=_calendar(single, registration) if single else None,
    )
    _plan_reminders(registration, offer, now=now)
    notify(
        kind=emails.FOLLOW_UP,
        key=f"training-follow-up:{registration.pk}",
        user=registration.person,
        context={"registration_id": registration.pk},
        about=registration,
        due_at=offer.ends + FOLLOW_UP_AFTER,
    )


def _calendar(date: CourseDate, registration: Registration, *, method: str = "REQUEST") -> dict:
    return calendar_entry(
        uid=f"course-date-{date.pk}@kommune-vielfalt",
        start=date.start,
        end=date.end,
        summary=date.course.title,
        location=date.place,
        description=date.course.summary,
        method=method,
    )


def _plan_reminders(registration: Registration, offer: Offer, *, now: datetime) -> None:
    days = registration.course.reminder_days
    if not days:
        return
    for date in offer.dates:
        due_at = date.start - timedelta(days=days)
        if due_at <= now:
            continue  # registered too late for a reminder: the confirmation says it all
        notify(
            kind=emails.REMINDER,
            key=f"training-reminder:{date.pk}:{registration.pk}",
            user=registration.person,
            context={"registration_id": registration.pk, "date_id": date.pk},
            about=date,
            due_at=due_at,
        )


def _cancel_pending(registration: Registration, offer: Offer) -> None:
    for date in offer.dates:
        notifications_cancel(about=date, kinds=[emails.REMINDER], user=registration.person)
    notifications_cancel(about=registration, kinds=[emails.FOLLOW_UP])


def _fill_from_waitlist(offer: Offer, *, now: datetime) -> list[Registration]:
    """Give free seats to the people waiting longest; the offer's dates are locked."""
    if not offer.dates or now >= offer.starts:
        return []
    free = offer.capacity - offer.registrations().confirmed().count()
    promoted = []
    if free <= 0:
        return promoted
    for registration in offer.registrations().waitlisted().select_for_update()[:free]:
        _transition(registration, RegistrationStatus.CONFIRMED, at=now)
        _confirmed(registration, offer, kind=emails.PROMOTED, now=now)
        promoted.append(registration)
    return promoted


def may_cancel(registration: Registration, now: datetime | None = None) -> bool:
    """Participants cancel until the deadline of the first date they registered for."""
    now = now or timezone.now()
    if not registration.is_active:
        return False
    offer = offer_for(registration.course, registration.date)
    return bool(offer.dates) and now < offer.deadline


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by: User, now: datetime | None = None
) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first on the waitlist at once.

    Returns the people promoted. Coordinators may cancel after the deadline too.
    """
    coordinating = is_coordinating(by)
    if registration.person_id != by.pk and not coordinating:
        raise TrainingError(_("You may not cancel this registration."))
    offer = _lock_offer(registration.course, registration.date)
    now = now or timezone.now()  # under the lock, like registrations
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise TrainingError(_("This registration has already been cancelled."))
    if not coordinating and offer.dates and now >= offer.deadline:
        raise TrainingError(
            _("The deadline for cancelling has passed. Please write to the course's coordinator.")
        )
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    _transition(registration, RegistrationStatus.CANCELLED, at=now)
    _cancel_pending(registration, offer)
    notify(
        kind=emails.CANCELLED,
        key=f"training-cancelled:{registration.pk}",
        user=registration.person,
        context={"registration_id": registration.pk},
        about=registration,
    )
    return _fill_from_waitlist(offer, now=now) if was_confirmed else []


@transaction.atomic
def offer_refill(
    *, course: Course, date: CourseDate | None = None, now: datetime | None = None
) -> list[Registration]:
    """After the capacity was raised: hand the new seats to the waitlist."""
    offer = _lock_offer(course, date)
    return _fill_from_waitlist(offer, now=now or timezone.now())


@transaction.atomic
def course_dates_changed(*, course: Course, now: datetime | None = None) -> int:
    """After a coordinator moved dates: reminders and follow-ups follow the new times, and
    seats added by a larger capacity go to the waitlist. Returns how many were promoted."""
    now = now or timezone.now()
    course = Course.objects.get(pk=course.pk)
    offers = (
        [None]
        if course.is_series
        else list(CourseDate.objects.scheduled().filter(course=course).order_by("pk"))
    )
    promoted = 0
    for date in offers:
        offer = _lock_offer(course, date)
        if not offer.dates:
            continue
        for each in offer.dates:
            if course.reminder_days:
                notifications_move(
                    about=each,
                    kind=emails.REMINDER,
                    due_at=each.start - timedelta(days=course.reminder_days),
                )
        for registration in offer.registrations().confirmed():
            notifications_move(
                about=registration, kind=emails.FOLLOW_UP, due_at=offer.ends + FOLLOW_UP_AFTER
            )
        promoted += len(_fill_from_waitlist(offer, now=now))
    return promoted


# --- Cancelling a date ---------------------------------------------------------------------


@transaction.atomic
def course_date_cancel(
    *, date: CourseDate, by: User, reason: str = "", now: datetime | None = None
) -> int:
    """Call off a date: everyone registered or waiting is told once, their reminders for the
    date are cancelled. A repeated course's date takes its registrations with it; a series
    goes on with its other dates unless none is left. Returns how many people were told."""
    now = now or timezone.now()
    if not is_coordinating(by):
        raise TrainingError(_("Only coordinators can cancel a date."))
    course = date.course
    _lock_offer(course, None if course.is_series else date)  # the date itself among them
    date = CourseDate.objects.select_for_update().get(pk=date.pk)
    if date.status == DateStatus.CANCELLED:
        raise TrainingError(_("This date has already been cancelled."))
    date.status = DateStatus.CANCELLED
    date.cancelled_reason = reason.strip()
    date.save(update_fields=["status", "cancelled_reason"])
    notifications_cancel(about=date, kinds=[emails.REMINDER])

    affected = Registration.objects.active().filter(course=course)
    affected = affected.filter(date=None if course.is_series else date)
    remaining = offer_for(course, None) if course.is_series else None
    ends_everything = not course.is_series or not remaining.dates
    told = 0
    for registration in affected.select_for_update().order_by("pk"):
        notify(
            kind=emails.DATE_CANCELLED,
            key=f"training-date-cancelled:{date.pk}:{registration.pk}",
            user=registration.person,
            context={
                "registration_id": registration.pk,
                "date_id": date.pk,
                "ends_registration": ends_everything,
            },
            about=registration,
            calendar=(
                _calendar(date, registration, method="CANCEL")
                if registration.status == RegistrationStatus.CONFIRMED
                else None
            ),
        )
        told += 1
        if ends_everything:
            _transition(registration, RegistrationStatus.CALLED_OFF, at=now)
            notifications_cancel(about=registration, kinds=[emails.FOLLOW_UP])
        elif registration.status == RegistrationStatus.CONFIRMED:
            notifications_move(
                about=registration,
                kind=emails.FOLLOW_UP,
                due_at=remaining.ends + FOLLOW_UP_AFTER,
            )
    if not ends_everything:
        # The cancelled date may have had the fewest seats: the rest of the series has more.
        _fill_from_waitlist(_lock_offer(course, None), now=now)
    return told


# --- Attendance ----------------------------------------------------------------------------


def attendance_list(date: CourseDate):
    """The confirmed participants of a date (and of its series), with their attendance."""
    registrations = Registration.objects.confirmed().filter(course_id=date.course_id)
    if not date.course.is_series:
        registrations = registrations.filter(date=date)
    return registrations


@transaction.atomic
def attendance_record(
    *,
    date: CourseDate,
    registration: Registration,
    present: bool,
    by: User,
    now: datetime | None = None,
) -> Attendance:
    """Mark one participant present or absent on one date (a second mark replaces the first)."""
    now = now or timezone.now()
    if not is_coordinating(by):
        raise TrainingError(_("Only coordinators record attendance."))
    if date.status == DateStatus.CANCELLED:
        raise TrainingError(_("This date was cancelled."))
    if now < date.start - ATTENDANCE_FROM:
        raise TrainingError(_("Attendance can be recorded from two hours before the start."))
    if not attendance_list(date).filter(pk=registration.pk).exists():
        raise TrainingError(_("This person is not a confirmed participant of the date."))
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration,
        date=date,
        defaults={"present": present, "recorded_by": by, "recorded_at": now},
    )
    return attendance


# --- Certificates --------------------------------------------------------------------------


def attended_dates(registration: Registration) -> list[CourseDate]:
    """The dates the person was marked present on (prefetch `attendances__date` for lists)."""
    present = [a.date for a in registration.attendances.all() if a.present]
    return sorted(present, key=lambda d: (d.start, d.pk))


def _certificate_dates(dates: list[CourseDate]) -> list[dict]:
    return [
        {
            "start": date.start.isoformat(),
            "end": date.end.isoformat(),
            "hours": str(date.hours),
            "place": date.place,
        }
        for date in dates
    ]


def _create_certificate(**fields) -> Certificate:
    """A certificate with a fresh code; a clash of codes (1 in 10^12) draws again."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=new_certificate_code(), **fields)
        except IntegrityError:
            if not Certificate.objects.filter(**_identity(fields)).exists():
                continue
            raise
    raise RuntimeError("no free certificate code after five draws")


def _identity(fields: dict) -> dict:
    if fields.get("registration") is not None:
        return {"registration": fields["registration"]}
    return {"person": fields["person"], "programme": fields["programme"]}


@transaction.atomic
def certificate_for_registration(*, registration: Registration) -> Certificate:
    """The certificate of attendance, issued on first download; it lists the dates attended."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    existing = Certificate.objects.filter(registration=registration).first()
    if existing:
        return existing
    dates = attended_dates(registration)
    if not dates:
        raise TrainingError(_("A certificate is available once your attendance has been recorded."))
    course = registration.course
    module = course.module
    return _create_certificate(
        kind=Certificate.Kind.COURSE,
        person=registration.person,
        registration=registration,
        name=registration.person.full_name or registration.person.email,
        title=course.title,
        details={
            "dates": _certificate_dates(dates),
            "hours": str(sum(date.hours for date in dates)),
            "module": str(module) if module else "",
            "programme": module.programme.title if module else "",
            "goals": course.goals,
        },
    )


def module_completed(registration: Registration) -> bool:
    """Attended every scheduled date the registration covers."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return False
    held = {date.pk for date in offer_for(registration.course, registration.date).dates}
    present = {date.pk for date in attended_dates(registration)}
    return bool(held) and held <= present


def programme_progress(person: User, programme: Programme) -> dict:
    """Which of the programme's modules the person completed, and whether that is enough."""
    modules = list(programme.modules.all())
    registrations = (
        Registration.objects.confirmed()
        .filter(person=person, course__module__programme=programme)
        .select_related("course__module")
        .prefetch_related("course__dates", "attendances__date")
    )
    completed = {}
    for registration in registrations:
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


@transaction.atomic
def certificate_for_programme(*, person: User, programme: Programme) -> Certificate:
    """The programme certificate, once the required modules are completed."""
    User.objects.select_for_update().get(pk=person.pk)
    existing = Certificate.objects.filter(person=person, programme=programme).first()
    if existing:
        return existing
    progress = programme_progress(person, programme)
    if not progress["done"]:
        raise TrainingError(
            _("The programme certificate needs %(required)s completed modules; you have %(done)s.")
            % {"required": progress["required"], "done": progress["completed"]}
        )
    modules = [
        {"module": str(module), "course": registration.course.title}
        for module, registration in progress["modules"]
        if registration
    ]
    return _create_certificate(
        kind=Certificate.Kind.PROGRAMME,
        person=person,
        programme=programme,
        name=person.full_name or person.email,
        title=programme.title,
        details={"modules": modules},
    )


# --- Feedback ------------------------------------------------------------------------------


def feedback_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=FEEDBACK_SALT)


def registration_from_feedback_token(token: str) -> Registration | None:
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT, max_age=timedelta(days=365))
        return (
            Registration.objects.confirmed().select_related("course").filter(pk=data["r"]).first()
        )
    except (signing.BadSignature, KeyError, TypeError):
        return None


@transaction.atomic
def feedback_submit(
    *, registration: Registration, rating: int, will_apply: str, comment: str
) -> CourseFeedback:
    """The participant's answers to the follow-up; each registration takes one answer."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if CourseFeedback.objects.filter(registration=registration).exists():
        raise TrainingError(_("You have already given feedback on this course. Thank you!"))
    return CourseFeedback.objects.create(
        registration=registration,
        rating=rating,
        will_apply=will_apply.strip(),
        comment=comment.strip(),
    )
