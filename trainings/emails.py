"""The emails of course registrations, waitlists, reminders, cancelled dates and follow-ups,
and the confirmation request a guest of a course open to the public receives.

A guest has no account: their emails go to the address they gave, in the language they
registered in, greet them by the name they gave, and carry a signed link to cancel (instead
of "My courses").

Rows hold ids only; the objects are loaded when the email is sent, so an email shows the
registration as it is then, and one that lost its reason (a reminder for someone who
cancelled meanwhile) is cancelled (`Obsolete`) instead of sent.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal.notifications.kinds import Kind, Obsolete, register, with_waitlist_position
from portal.notifications.models import Category
from portal.notifications.rendering import absolute_url
from trainings.links import feedback_token, guest_cancel_token, guest_confirm_token
from trainings.models import CourseDate, CourseFeedback, Registration, RegistrationStatus
from trainings.selectors import attended_dates, offer_for, waitlist_position

REGISTERED = "training_registered"
WAITLISTED = "training_waitlisted"
PROMOTED = "training_promoted"
CANCELLED = "training_cancelled"
REMINDER = "training_reminder"
DATE_CANCELLED = "training_date_cancelled"
FOLLOW_UP = "training_follow_up"
GUEST_CONFIRM = "training_guest_confirm"


def _registration(registration_id):
    registration = (
        Registration.objects.select_related(
            "course__coordinator", "course__module__programme", "date", "person"
        )
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Obsolete(_("The registration was deleted before the email went out."))
    return registration


def _registration_context(notification) -> dict:
    """The registration, the dates it covers (in Berlin time) and the participant's links."""
    registration = _registration(notification.context["registration_id"])
    offer = offer_for(registration.course, registration.date)
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    context = {
        "registration": registration,
        "course": registration.course,
        "dates": offer.dates,
        "deadline": offer.deadline,
        # The video link goes to confirmed participants only.
        "show_video_link": confirmed,
        "course_url": absolute_url(registration.course.get_absolute_url()),
        "mine_url": absolute_url(reverse("trainings:mine")),
        "guest": registration.is_guest,
    }
    if registration.is_guest:
        context["recipient"] = {"full_name": registration.guest_name}
        context["cancel_url"] = absolute_url(
            reverse("trainings:guest_cancel", args=[guest_cancel_token(registration)])
        )
    return context


def _confirmed_context(notification) -> dict:
    context = _registration_context(notification)
    if context["registration"].status != RegistrationStatus.CONFIRMED:
        raise Obsolete(_("The registration is no longer confirmed."))
    return context


def _upcoming(context: dict) -> dict:
    """A confirmation that would arrive after the course has ended has lost its reason."""
    if context["dates"] and context["dates"][-1].end <= timezone.now():
        raise Obsolete(_("The course has ended."))
    return context


def _seat_context(notification) -> dict:
    return _upcoming(_confirmed_context(notification))


def _waitlisted_context(notification) -> dict:
    context = _upcoming(_registration_context(notification))
    return with_waitlist_position(context, waitlist_position(context["registration"]))


def _reminder_context(notification) -> dict:
    context = _confirmed_context(notification)
    date = next((d for d in context["dates"] if d.pk == notification.context["date_id"]), None)
    if date is None:
        raise Obsolete(_("The date was cancelled."))
    if date.start <= timezone.now():
        raise Obsolete(_("The date has already begun."))
    context["date"] = date
    return context


def _guest_confirm_context(notification) -> dict:
    """The confirmation request: only while the registration waits for it."""
    context = _upcoming(_registration_context(notification))
    registration = context["registration"]
    if not registration.is_active or registration.email_confirmed:
        raise Obsolete(_("The registration no longer waits for the guest's confirmation."))
    context["confirm_url"] = absolute_url(
        reverse("trainings:guest_confirm", args=[guest_confirm_token(registration)])
    )
    context["expires_at"] = registration.expires_at
    context["full"] = registration.status == RegistrationStatus.WAITLISTED
    return context


def _date_cancelled_context(notification) -> dict:
    context = _registration_context(notification)
    context["date"] = CourseDate.objects.get(pk=notification.context["date_id"])
    context["ends_registration"] = notification.context.get("ends_registration", True)
    return context


def _follow_up_context(notification) -> dict:
    context = _confirmed_context(notification)
    registration = context["registration"]
    if not attended_dates(registration):
        raise Obsolete(_("No attendance was recorded for this registration."))
    context["certificate_url"] = absolute_url(
        reverse("trainings:certificate", args=[registration.pk])
    )
    if not CourseFeedback.objects.filter(registration=registration).exists():
        context["feedback_url"] = absolute_url(
            reverse("trainings:feedback", args=[feedback_token(registration)])
        )
    return context


for name, category, build in [
    (REGISTERED, Category.TRANSACTIONAL, _seat_context),
    (WAITLISTED, Category.TRANSACTIONAL, _waitlisted_context),
    (PROMOTED, Category.TRANSACTIONAL, _seat_context),
    (CANCELLED, Category.TRANSACTIONAL, _registration_context),
    (REMINDER, Category.REMINDER, _reminder_context),
    (DATE_CANCELLED, Category.TRANSACTIONAL, _date_cancelled_context),
    (FOLLOW_UP, Category.FOLLOW_UP, _follow_up_context),
]:
    register(
        Kind(
            name=name,
            category=category,
            templates=f"trainings/email/{name}",
            build_context=build,
        )
    )

# The kinds above have their words in portal.notifications.kinds; this one brings its own.
# It carries the guest's signed confirm link: sent, not stored (as a round guest's).
register(
    Kind(
        name=GUEST_CONFIRM,
        category=Category.TRANSACTIONAL,
        templates=f"trainings/email/{GUEST_CONFIRM}",
        build_context=_guest_confirm_context,
        label=_lazy("Course registration of a guest: please confirm"),
        keep_body=False,
    )
)
