"""Every write to courses, dates, registrations, waitlists, attendance, certificates and
feedback.

Capacity is guarded by row locks and counted by `portal.core.capacity`, the module exchange
rounds use too: every service that fills or frees a seat first locks the dates of the offer
(`_lock_offer` through `capacity.lock`, always in the order of their ids, so two services
never wait for each other in a circle), then asks the offer's `Pool` (`Offer.pool()`). A seat
freed by a cancellation or a larger capacity goes to the first person on the waitlist in the
same transaction (`capacity.fill`). The
emails each step implies are written to the outbox in that transaction too, each under a key
that names the change (`registration:42:status:confirmed`), so a replayed request writes no
second email. Statuses change only through `portal.core.workflows.transition`, and every
service leaves an audit entry.

Guests of a course open to the public (`registration_guest_*`) have no account: their
emails go to their address in their language, with signed links (`trainings.links`) to
confirm and to cancel. An unconfirmed guest holds a seat for 24 hours; then
`registrations_expire_unconfirmed` (a beat task) frees it for the waitlist.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import override

from portal.accounts.models import Membership, User
from portal.accounts.roles import is_coordinating
from portal.core import capacity
from portal.core.audit import audit_record
from portal.core.guests import (
    guest_details,
    guest_queue,
    guest_registration_create,
    guest_seat_confirm,
    registration_recipient,
)
from portal.core.workflows import transition
from portal.notifications.calendar import calendar_entry
from portal.notifications.rendering import absolute_url
from portal.notifications.services import notifications_cancel, notifications_move, notify
from trainings import emails, permissions, selectors
from trainings.errors import TrainingError
from trainings.ics import date_uid
from trainings.links import feedback_token  # noqa: F401 (tests/core imports it from here)
from trainings.models import (
    COURSE_DATE,
    REGISTRATION,
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
    Window,
    new_certificate_code,
)

FOLLOW_UP_AFTER = timedelta(days=1)


# --- Offers and locks ----------------------------------------------------------------------


def _lock_offer(course: Course, date: CourseDate | None) -> Offer:
    """Lock the offer's scheduled dates; every seat count happens under this lock."""
    dates = CourseDate.objects.filter(course=course)
    if not course.is_series:
        if date is None:
            raise TrainingError(_("Please choose a date."))
        dates = dates.filter(pk=date.pk)
    locked = [d for d in capacity.lock(dates) if d.status == DateStatus.SCHEDULED]
    locked.sort(key=lambda d: (d.start, d.pk))
    return Offer(course=course, date=None if course.is_series else date, dates=locked)


def _refuse_unless_open(offer: Offer, now: datetime) -> None:
    window = offer.window(now)
    if window == Window.CANCELLED:
        raise TrainingError(_("This date was cancelled; registration is not possible."))
    if window == Window.CLOSED:
        raise TrainingError(_("The registration deadline has passed."))
    if window == Window.NOT_YET_OPEN:
        raise TrainingError(
            _("Registration opens on %(date)s.")
            % {"date": timezone.localtime(offer.opens).strftime("%d.%m.%Y %H:%M")}
        )


# --- Registering ---------------------------------------------------------------------------


def _date_of_offer(course: Course, date: CourseDate | None) -> CourseDate | None:
    """The date a registration names: none for a series, else one of the course's."""
    if course.is_series:
        return None
    if date is None or date.course_id != course.pk:
        raise TrainingError(_("Please choose one of the course's dates."))
    return date


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
    date = _date_of_offer(course, date)
    stored_answers = clean_answers(course, answers or {})

    offer = _lock_offer(course, date)
    # Read the clock under the lock: registered-at times then follow the order of arrival.
    now = now or timezone.now()
    _refuse_unless_open(offer, now)
    if course.registrations.active().filter(person=person).exists():
        raise TrainingError(_("You are already registered for this course."))
    pool = offer.pool()
    capacity.refuse_over_caps(pool, _caps(course, membership), error=TrainingError)

    full = not pool.has_seat()
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
    audit_record(
        target=registration,
        action="registration.create",
        by=person,
        to_status=registration.status,
        details={"date": date.pk} if date else None,
        at=now,
    )

    if full:
        notify(
            kind=emails.WAITLISTED,
            key=f"registration:{registration.pk}:status:waitlisted",
            user=person,
            context={"registration_id": registration.pk},
            about=registration,
        )
    else:
        _confirmed(registration, offer, kind=emails.REGISTERED, now=now)
    return registration


def _caps(course: Course, membership: Membership) -> list[capacity.Cap]:
    """The shares a newcomer of `membership` must not exceed: the municipality's seats."""
    limit = course.seats_per_municipality
    if not (limit and membership.municipality_id):
        return []
    return [
        capacity.Cap(
            field="municipality",
            value=membership.municipality_id,
            limit=limit,
            refusal=_(
                "%(body)s already holds the %(count)s seat(s) one municipality may take "
                "in this course, so that municipalities from everywhere get a place."
            )
            % {"body": membership.municipality, "count": limit},
        )
    ]


def _confirmed(registration: Registration, offer: Offer, *, kind: str, now: datetime) -> None:
    """The emails of a confirmed seat: the confirmation, reminders, and the follow-up.

    A registration is confirmed once (a confirmed one never waits again), so the key of its
    confirmation is the same whether it was confirmed at once or moved up.
    """
    notify(
        kind=kind,
        key=f"registration:{registration.pk}:status:confirmed",
        **registration_recipient(registration),
        context={"registration_id": registration.pk},
        about=registration,
        calendar=_calendar(offer.dates, registration),
    )
    _plan_reminders(registration, offer, now=now)
    if registration.is_guest:
        return  # the follow-up offers the certificate and asks for feedback: members only
    notify(
        kind=emails.FOLLOW_UP,
        key=f"registration:{registration.pk}:follow-up",
        user=registration.person,
        context={"registration_id": registration.pk},
        about=registration,
        due_at=offer.ends + FOLLOW_UP_AFTER,
    )


def _calendar(
    dates: list[CourseDate], registration: Registration, *, method: str = "REQUEST"
) -> dict | None:
    """The calendar file of an email about a registration: one event for each of `dates`.

    Each event keeps the date's UID (`trainings.ics.date_uid`), so a later CANCEL or a
    subscribed feed updates the same entry. Several events are stored as one entry: the first
    event's fields at the top (what a reader of single events shows) and every event under
    "events", for `portal.notifications.calendar` to write into one file.
    """
    entries = [_calendar_event(date, registration, method=method) for date in dates]
    if len(entries) <= 1:
        return entries[0] if entries else None
    return {**entries[0], "events": entries}


def _calendar_event(date: CourseDate, registration: Registration, *, method: str) -> dict:
    course = date.course
    course_url = absolute_url(course.get_absolute_url())
    # The video link goes to confirmed participants only, and only they get a file.
    if date.video_link:
        location = ", ".join(filter(None, [date.venue, date.address, date.town, date.video_link]))
    else:
        location = date.place
    name = registration.guest_name if registration.is_guest else registration.person.full_name
    return calendar_entry(
        uid=date_uid(date),
        start=date.start,
        end=date.end,
        summary=course.title,
        location=location,
        description="\n".join(filter(None, [course.summary, course_url])),
        method=method,
        url=date.video_link or course_url,
        attendees=[(registration.email, name)],
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
            key=f"registration:{registration.pk}:reminder:date:{date.pk}",
            **registration_recipient(registration),
            context={"registration_id": registration.pk, "date_id": date.pk},
            about=date,
            due_at=due_at,
        )


def _cancel_pending(registration: Registration, offer: Offer) -> None:
    # The reminders are about the date: the person's own are picked out by account, a
    # guest's by their address.
    recipient = (
        {"email": registration.guest_email}
        if registration.is_guest
        else {"user": registration.person}
    )
    for date in offer.dates:
        notifications_cancel(about=date, kinds=[emails.REMINDER], **recipient)
    notifications_cancel(about=registration, kinds=[emails.FOLLOW_UP, emails.GUEST_CONFIRM])


# --- The waitlist --------------------------------------------------------------------------


def _promote(
    registration: Registration, offer: Offer, *, by: User | None, now: datetime, reason: str
) -> Registration:
    """Give a waiting registration a seat of the locked offer, with its emails."""
    transition(
        registration,
        workflow=REGISTRATION,
        to=RegistrationStatus.CONFIRMED,
        by=by,
        action="registration.promote",
        fields={"confirmed_at": now},
        details={"reason": reason},
        at=now,
    )
    _confirmed(registration, offer, kind=emails.PROMOTED, now=now)
    return registration


def _fill_from_waitlist(offer: Offer, *, now: datetime, reason: str) -> list[Registration]:
    """Give free seats to the people waiting longest; the offer's dates are locked."""
    if not offer.dates or now >= offer.starts:
        return []
    return capacity.fill(
        offer.pool(),
        promote=lambda registration: _promote(registration, offer, by=None, now=now, reason=reason),
    )


@transaction.atomic
def registration_promote(
    *, registration: Registration, by: User, now: datetime | None = None
) -> Registration:
    """A coordinator gives a free seat to someone waiting, e.g. at the door once the course
    has begun (before the start, free seats go to the waitlist by themselves, in order).
    Refused without a free seat: capacity is never oversold."""
    if not permissions.may_promote(by, registration):
        raise TrainingError(_("Only coordinators can give a seat to someone waiting."))
    offer = _lock_offer(registration.course, registration.date)
    now = now or timezone.now()
    if not offer.dates:
        raise TrainingError(_("This date was cancelled."))
    if not registration.email_confirmed:
        raise TrainingError(_("This guest has not confirmed their email address yet."))
    if not offer.pool().has_seat():
        raise TrainingError(
            _("No seat is free. Raise the capacity first; the waitlist then moves up by itself.")
        )
    return _promote(registration, offer, by=by, now=now, reason="coordinator")


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by: User, now: datetime | None = None
) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first on the waitlist at once.

    Returns the people promoted. Coordinators may cancel after the deadline too.
    """
    if not permissions.may_cancel_registration(by, registration):
        raise TrainingError(_("You may not cancel this registration."))
    offer = _lock_offer(registration.course, registration.date)
    now = now or timezone.now()  # under the lock, like registrations
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise TrainingError(_("This registration has already been cancelled."))
    by_participant = registration.person_id == by.pk
    if not is_coordinating(by) and not offer.takes_cancellations(now):
        raise TrainingError(
            _("The deadline for cancelling has passed. Please write to the course's coordinator.")
        )
    return _cancel(
        registration,
        offer,
        by=by,
        now=now,
        action="registration.cancel",
        details={"by": "participant" if by_participant else "coordinator"},
    )


def _cancel(
    registration: Registration,
    offer: Offer,
    *,
    by: User | None,
    now: datetime,
    action: str,
    details: dict,
) -> list[Registration]:
    """Cancel a locked, active registration of the locked offer: its pending emails are
    cancelled, the person is told, and a freed seat goes to the waitlist. Returns the people
    promoted."""
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    held_seat = registration.holds_seat
    transition(
        registration,
        workflow=REGISTRATION,
        to=RegistrationStatus.CANCELLED,
        by=by,
        action=action,
        fields={"cancelled_at": now},
        details=details,
        at=now,
    )
    _cancel_pending(registration, offer)
    notify(
        kind=emails.CANCELLED,
        key=f"registration:{registration.pk}:status:cancelled",
        **registration_recipient(registration),
        context={"registration_id": registration.pk},
        about=registration,
        # The confirmation put the dates into the person's calendar; this takes them out.
        calendar=_calendar(offer.dates, registration, method="CANCEL") if was_confirmed else None,
    )
    return _fill_from_waitlist(offer, now=now, reason="seat_freed") if held_seat else []


@transaction.atomic
def offer_refill(
    *, course: Course, date: CourseDate | None = None, now: datetime | None = None
) -> list[Registration]:
    """After the capacity was raised: hand the new seats to the waitlist."""
    offer = _lock_offer(course, date)
    return _fill_from_waitlist(offer, now=now or timezone.now(), reason="capacity_raised")


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
        promoted += len(_fill_from_waitlist(offer, now=now, reason="capacity_raised"))
    return promoted


# --- Guests of courses open to the public --------------------------------------------------


GUEST_ALREADY_REGISTERED = _lazy(
    "This address is already registered for this course. The email we sent to it has the "
    "links to confirm or to cancel the registration."
)


@transaction.atomic
def registration_guest_create(
    *,
    course: Course,
    date: CourseDate | None = None,
    name: str,
    email: str,
    language: str = settings.LANGUAGE_CODE,
    now: datetime | None = None,
) -> Registration:
    """A guest registers for a course open to the public with a name and an address only.

    A free seat is held for the guest for 24 hours (`unconfirmed`); a full offer puts the
    guest on the waitlist, where they queue once the address is confirmed. Either way the
    guest is sent the link to confirm (and one to cancel). Refused: a course not open to the
    public, an offer not taking registrations, an address registered already."""
    if not (course.published and course.open_to_public):
        raise TrainingError(_("This course is not open to guests."))
    date = _date_of_offer(course, date)
    name, email, language = guest_details(
        name=name, email=email, language=language, error=TrainingError
    )

    offer = _lock_offer(course, date)
    now = now or timezone.now()
    _refuse_unless_open(offer, now)
    full = not offer.pool().has_seat()
    registration = guest_registration_create(
        Registration,
        active=course.registrations.active(),
        email=email,
        already=GUEST_ALREADY_REGISTERED,
        error=TrainingError,
        now=now,
        course=course,
        date=date,
        guest_name=name,
        language=language,
        status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.UNCONFIRMED,
    )
    audit_record(
        target=registration,
        action="registration.create",
        by=None,
        to_status=registration.status,
        details={"guest": True, **({"date": date.pk} if date else {})},
        at=now,
    )
    notify(
        kind=emails.GUEST_CONFIRM,
        key=f"registration:{registration.pk}:guest:confirm-request",
        **registration_recipient(registration),
        context={"registration_id": registration.pk},
        about=registration,
    )
    return registration


@transaction.atomic
def registration_guest_confirm(
    *, registration: Registration, now: datetime | None = None
) -> Registration:
    """The guest followed the confirmation link: a held seat becomes theirs (with the
    confirmation, the calendar file and reminders), a guest on the waitlist queues from now
    on (and moves up at once if a seat is free). A second click changes nothing; a link
    followed after the 24 hours expires the registration (its seat moves on). Returns the
    registration as it is now."""
    offer = _lock_offer(registration.course, registration.date)
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_guest:
        raise TrainingError(_("Only a guest's registration is confirmed by email."))
    if not registration.is_active or registration.email_confirmed:
        return registration
    if registration.expires_at is not None and registration.expires_at <= now:
        _expire(registration, offer, now=now)
        return registration
    if registration.status == RegistrationStatus.UNCONFIRMED:
        guest_seat_confirm(
            registration,
            workflow=REGISTRATION,
            to=RegistrationStatus.CONFIRMED,
            action="registration.guest_confirm",
            now=now,
        )
        _confirmed(registration, offer, kind=emails.REGISTERED, now=now)
        return registration
    # On the waitlist: from now on the guest queues (in the order of arrival).
    guest_queue(
        registration,
        action="registration.guest_confirm",
        details={"status": registration.status},
        now=now,
    )
    promoted = _fill_from_waitlist(offer, now=now, reason="seat_free")
    if registration.pk not in {each.pk for each in promoted}:
        notify(
            kind=emails.WAITLISTED,
            key=f"registration:{registration.pk}:status:waitlisted",
            **registration_recipient(registration),
            context={"registration_id": registration.pk},
            about=registration,
        )
    registration.refresh_from_db()
    return registration


@transaction.atomic
def registration_guest_cancel(
    *, registration: Registration, now: datetime | None = None
) -> list[Registration]:
    """The guest cancels through the link in their email, until the offer's deadline; a
    freed seat goes to the first person waiting. Returns the people promoted."""
    offer = _lock_offer(registration.course, registration.date)
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_guest:
        raise TrainingError(_("Only a guest's registration is cancelled by email."))
    if not registration.is_active:
        raise TrainingError(_("This registration has already ended."))
    if not offer.takes_cancellations(now):
        raise TrainingError(
            _("The deadline for cancelling has passed. Please write to the course's coordinator.")
        )
    return _cancel(
        registration,
        offer,
        by=None,
        now=now,
        action="registration.guest_cancel",
        details={"by": "guest"},
    )


def _expire(registration: Registration, offer: Offer, *, now: datetime) -> list[Registration]:
    """End a locked guest registration whose 24 hours for confirming have passed; its seat,
    if it held one, goes to the waitlist. No email: the address was never confirmed."""
    held_seat = registration.holds_seat
    transition(
        registration,
        workflow=REGISTRATION,
        to=RegistrationStatus.EXPIRED,
        by=None,
        action="registration.expire",
        fields={"cancelled_at": now},
        details={"expires_at": registration.expires_at.isoformat()},
        at=now,
    )
    _cancel_pending(registration, offer)
    return _fill_from_waitlist(offer, now=now, reason="guest_expired") if held_seat else []


@transaction.atomic
def registrations_expire_unconfirmed(*, now: datetime | None = None) -> int:
    """Expire every guest registration not confirmed within 24 hours, offer by offer under
    the offer's lock; each freed seat goes to the first person waiting (with the "promoted"
    email). Running it again changes nothing. Returns how many expired."""
    now = now or timezone.now()
    offers = sorted(
        set(
            Registration.objects.unconfirmed_expired(now)
            .order_by()
            .values_list("course_id", "date_id")
        ),
        key=lambda pair: (pair[0], pair[1] or 0),
    )
    expired = 0
    for course_id, date_id in offers:
        course = Course.objects.get(pk=course_id)
        date = CourseDate.objects.get(pk=date_id) if date_id else None
        offer = _lock_offer(course, date)
        due = (
            Registration.objects.unconfirmed_expired(now)
            .filter(course_id=course_id, date_id=date_id)
            .select_for_update()
            .order_by("pk")
        )
        for registration in due:
            _expire(registration, offer, now=now)
            expired += 1
    return expired


# --- Courses and their dates, as coordinators enter them -------------------------------------


def _refuse_unless_managing(by: User) -> None:
    if not permissions.may_manage_courses(by):
        raise TrainingError(_("Only coordinators can change courses and their dates."))


def _changed_fields(stored, instance) -> list[str]:
    return [
        f.name
        for f in type(instance)._meta.concrete_fields
        if getattr(stored, f.attname) != getattr(instance, f.attname)
    ]


def course_series_check(*, course: Course, is_series: bool) -> None:
    """The one rule of the series flag: once people registered, whether the dates form a
    series stays, because a registration covers either the whole series or one date.
    Raises TrainingError when `is_series` would change a course with registrations."""
    if course.pk is None:
        return
    stored = Course.objects.filter(pk=course.pk).values_list("is_series", flat=True).first()
    if stored is None or stored == is_series:
        return
    if Registration.objects.filter(course_id=course.pk).exists():
        raise TrainingError(
            _("People have registered already, so whether the dates form a series stays.")
        )


@transaction.atomic
def course_save(*, course: Course, by: User) -> Course:
    """Save a course as a coordinator entered it, new or changed (its topics and questions
    are the admin's content). The series flag follows `course_series_check`; publishing and
    taking offline go through `course_publish` and `course_unpublish`."""
    _refuse_unless_managing(by)
    published = course.published
    if course.pk is None:
        course.published = False
        course.save()
        audit_record(target=course, action="course.create", by=by)
    else:
        stored = Course.objects.select_for_update().get(pk=course.pk)
        course_series_check(course=course, is_series=course.is_series)
        course.published = stored.published
        changed = _changed_fields(stored, course)
        course.save()
        if changed:
            audit_record(target=course, action="course.change", by=by, details={"changed": changed})
    if published and not course.published:
        course_publish(course=course, by=by)
    elif course.published and not published:
        course_unpublish(course=course, by=by)
    return course


def _set_published(course: Course, published: bool, by: User) -> bool:
    _refuse_unless_managing(by)
    changed = Course.objects.filter(pk=course.pk, published=not published).update(
        published=published
    )
    course.published = published
    if changed:
        audit_record(
            target=course, action="course.publish" if published else "course.unpublish", by=by
        )
    return bool(changed)


@transaction.atomic
def course_publish(*, course: Course, by: User) -> bool:
    """Show the course in the calendar and open it for registration; False if it was already."""
    return _set_published(course, True, by)


@transaction.atomic
def course_unpublish(*, course: Course, by: User) -> bool:
    """Take the course offline; registrations stay. False if it was offline already."""
    return _set_published(course, False, by)


def _has_people(date: CourseDate) -> bool:
    """Whether anyone is registered for the date (or its series) or was recorded there."""
    if date.attendances.exists() or date.registrations.exists():
        return True
    return date.course.is_series and date.course.registrations.active().exists()


def _refuse_below_taken(date: CourseDate) -> None:
    """Capacity is never oversold: a date keeps at least as many seats as are taken."""
    if date.status != DateStatus.SCHEDULED:
        return
    if not date.course.is_series and not date.pk:
        return  # a new date of a repeated course: nobody holds a seat on it yet
    offer = Offer(course=date.course, date=None if date.course.is_series else date, dates=[date])
    count = offer.pool().taken()
    if date.capacity < count:
        raise TrainingError(
            _("%(count)s people hold a seat on %(date)s, so it needs at least %(count)s seats.")
            % {"count": count, "date": date}
        )


@transaction.atomic
def course_dates_save(
    *,
    course: Course,
    dates: Sequence[CourseDate] = (),
    deleted: Sequence[CourseDate] = (),
    by: User,
    now: datetime | None = None,
) -> int:
    """Save the dates a coordinator entered or changed and delete those they removed; then
    reminders and follow-ups follow the new times and added seats go to the waitlist
    (`course_dates_changed`). Refused as a whole: a capacity below the seats taken, and
    moving or deleting a date people are registered for (cancel it instead: they are told).
    Returns how many people moved up."""
    _refuse_unless_managing(by)
    now = now or timezone.now()
    # The course's dates are locked in id order, as registrations lock them, so no seat is
    # taken between the check and the save.
    list(CourseDate.objects.select_for_update().filter(course=course).order_by("pk"))
    courses = {course.pk: course}
    for date in deleted:
        if _has_people(date):
            raise TrainingError(
                _("People are registered for %(date)s; cancel the date instead, so they are told.")
                % {"date": date}
            )
        audit_record(target=date, action="course_date.delete", by=by, at=now)
        date.delete()
    for date in dates:
        stored = CourseDate.objects.filter(pk=date.pk).select_related("course").first()
        if stored is not None and stored.course_id != date.course_id:
            if _has_people(stored):
                raise TrainingError(
                    _("People are registered for %(date)s, so it stays with its course.")
                    % {"date": stored}
                )
            courses[stored.course_id] = stored.course
        _refuse_below_taken(date)
        changed = _changed_fields(stored, date) if stored is not None else []
        date.save()
        if stored is None:
            audit_record(target=date, action="course_date.create", by=by, at=now)
        elif changed:
            audit_record(
                target=date, action="course_date.change", by=by, details={"changed": changed}
            )
    return sum(course_dates_changed(course=each, now=now) for each in courses.values())


@transaction.atomic
def course_date_duplicate(*, date: CourseDate, by: User, weeks: int = 1) -> CourseDate:
    """A scheduled copy of the date `weeks` later (its deadline moved along), for the
    coordinator to check."""
    _refuse_unless_managing(by)
    shift = timedelta(weeks=weeks)
    copy = CourseDate.objects.create(
        course=date.course,
        start=date.start + shift,
        end=date.end + shift,
        online=date.online,
        venue=date.venue,
        address=date.address,
        town=date.town,
        state=date.state,
        video_link=date.video_link,
        capacity=date.capacity,
        registration_opens=date.registration_opens,
        registration_deadline=(
            date.registration_deadline + shift if date.registration_deadline else None
        ),
    )
    audit_record(target=copy, action="course_date.duplicate", by=by, details={"copy_of": date.pk})
    return copy


# --- Cancelling a date ---------------------------------------------------------------------


@transaction.atomic
def course_date_cancel(
    *, date: CourseDate, by: User, reason: str = "", now: datetime | None = None
) -> int:
    """Call off a date: everyone registered or waiting is told once, their reminders for the
    date are cancelled. A repeated course's date takes its registrations with it; a series
    goes on with its other dates unless none is left. Returns how many people were told."""
    now = now or timezone.now()
    if not permissions.may_cancel_date(by, date):
        raise TrainingError(_("Only coordinators can cancel a date."))
    course = date.course
    _lock_offer(course, None if course.is_series else date)  # the date itself among them
    date = CourseDate.objects.select_for_update().get(pk=date.pk)
    if date.status == DateStatus.CANCELLED:
        raise TrainingError(_("This date has already been cancelled."))
    reason = reason.strip()
    affected = list(
        Registration.objects.active()
        .filter(course=course, date=None if course.is_series else date)
        .select_for_update()
        .order_by("pk")
    )
    transition(
        date,
        workflow=COURSE_DATE,
        to=DateStatus.CANCELLED,
        by=by,
        action="course_date.cancel",
        fields={"cancelled_reason": reason},
        details={"reason": reason, "told": len(affected)},
        at=now,
    )
    notifications_cancel(about=date, kinds=[emails.REMINDER])

    remaining = selectors.offer_for(course, None) if course.is_series else None
    ends_everything = not course.is_series or not remaining.dates
    for registration in affected:
        notify(
            kind=emails.DATE_CANCELLED,
            key=f"course-date:{date.pk}:status:cancelled:registration:{registration.pk}",
            **registration_recipient(registration),
            context={
                "registration_id": registration.pk,
                "date_id": date.pk,
                "ends_registration": ends_everything,
            },
            about=registration,
            calendar=(
                _calendar([date], registration, method="CANCEL")
                if registration.status == RegistrationStatus.CONFIRMED
                else None
            ),
        )
        if ends_everything:
            transition(
                registration,
                workflow=REGISTRATION,
                to=RegistrationStatus.CALLED_OFF,
                by=by,
                action="registration.call_off",
                fields={"cancelled_at": now},
                details={"date": date.pk},
                at=now,
            )
            notifications_cancel(about=registration, kinds=[emails.FOLLOW_UP])
        elif registration.status == RegistrationStatus.CONFIRMED:
            notifications_move(
                about=registration,
                kind=emails.FOLLOW_UP,
                due_at=remaining.ends + FOLLOW_UP_AFTER,
            )
    if not ends_everything:
        # The cancelled date may have had the fewest seats: the rest of the series has more.
        _fill_from_waitlist(_lock_offer(course, None), now=now, reason="date_cancelled")
    return len(affected)


# --- Attendance ----------------------------------------------------------------------------


def _refuse_unless_recording(date: CourseDate, by: User, now: datetime) -> None:
    if not permissions.may_record_attendance(by, date):
        raise TrainingError(_("Only coordinators record attendance."))
    if date.status == DateStatus.CANCELLED:
        raise TrainingError(_("This date was cancelled."))
    if now < date.start - selectors.ATTENDANCE_FROM:
        raise TrainingError(_("Attendance can be recorded from two hours before the start."))


def _mark(
    date: CourseDate, registration: Registration, *, present: bool, by: User, now: datetime
) -> Attendance:
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration,
        date=date,
        defaults={"present": present, "recorded_by": by, "recorded_at": now},
    )
    audit_record(
        target=date,
        action="attendance.record",
        by=by,
        details={
            "registration": registration.pk,
            "participant": registration.name,
            "present": present,
        },
        at=now,
    )
    return attendance


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
    _refuse_unless_recording(date, by, now)
    if not selectors.attendance_list(date).filter(pk=registration.pk).exists():
        raise TrainingError(_("This person is not a confirmed participant of the date."))
    return _mark(date, registration, present=present, by=by, now=now)


@transaction.atomic
def attendance_record_all(
    *, date: CourseDate, present: bool, by: User, now: datetime | None = None
) -> int:
    """Mark every confirmed participant of the date present (or absent) at once, e.g. before
    correcting the few who were not there. Marks that already say so stay as they were; each
    changed one leaves its audit entry, as a single mark does. Returns how many changed."""
    now = now or timezone.now()
    _refuse_unless_recording(date, by, now)
    # Locked, so that two coordinators pressing the button at once do not both create marks.
    CourseDate.objects.select_for_update().filter(pk=date.pk).first()
    marks = dict(date.attendances.values_list("registration_id", "present"))
    changed = 0
    for registration in selectors.attendance_list(date).select_related("person").order_by("pk"):
        if marks.get(registration.pk) is present:
            continue
        _mark(date, registration, present=present, by=by, now=now)
        changed += 1
    return changed


# --- Certificates --------------------------------------------------------------------------


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


def _issue_certificate(*, by: User | None, at: datetime, **fields) -> Certificate:
    """A certificate with a fresh code and its audit entry; a clash of codes (1 in 10^12)
    draws again."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=new_certificate_code(), issued_at=at, **fields
                )
        except IntegrityError:
            if not Certificate.objects.filter(**_identity(fields)).exists():
                continue
            raise
        audit_record(
            target=certificate,
            action="certificate.issue",
            by=by,
            details={"code": certificate.code, "kind": certificate.kind},
            at=at,
        )
        return certificate
    raise RuntimeError("no free certificate code after five draws")


def _identity(fields: dict) -> dict:
    if fields.get("registration") is not None:
        return {"registration": fields["registration"]}
    return {"person": fields["person"], "programme": fields["programme"]}


@transaction.atomic
def certificate_for_registration(
    *, registration: Registration, by: User | None = None, now: datetime | None = None
) -> Certificate:
    """The certificate of attendance, issued on first download; it lists the dates attended."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_guest:
        raise TrainingError(_("Guests of a public course receive no certificate."))
    existing = Certificate.objects.filter(registration=registration).first()
    if existing:
        return existing
    dates = selectors.attended_dates(registration)
    if not dates:
        raise TrainingError(_("A certificate is available once your attendance has been recorded."))
    course = registration.course
    module = course.module
    return _issue_certificate(
        by=by,
        at=now or timezone.now(),
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


@transaction.atomic
def certificate_for_programme(
    *, person: User, programme: Programme, now: datetime | None = None
) -> Certificate:
    """The programme certificate, once the required modules are completed."""
    User.objects.select_for_update().get(pk=person.pk)
    existing = Certificate.objects.filter(person=person, programme=programme).first()
    if existing:
        return existing
    progress = selectors.programme_progress(person, programme)
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
    return _issue_certificate(
        by=person,
        at=now or timezone.now(),
        kind=Certificate.Kind.PROGRAMME,
        person=person,
        programme=programme,
        name=person.full_name or person.email,
        title=programme.title,
        details={"modules": modules},
    )


# --- Feedback ------------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(
    *, registration: Registration, rating: int, will_apply: str, comment: str
) -> CourseFeedback:
    """The participant's answers to the follow-up; each registration takes one answer."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if CourseFeedback.objects.filter(registration=registration).exists():
        raise TrainingError(_("You have already given feedback on this course. Thank you!"))
    feedback = CourseFeedback.objects.create(
        registration=registration,
        rating=rating,
        will_apply=will_apply.strip(),
        comment=comment.strip(),
    )
    # Given through the link emailed to the participant, so it is theirs.
    audit_record(
        target=feedback,
        action="feedback.give",
        by=registration.person,
        details={"registration": registration.pk, "rating": rating},
    )
    return feedback
