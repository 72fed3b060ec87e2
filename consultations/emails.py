"""The emails of requests, cases and appointments.

Rows hold ids only; the objects are loaded when the email is sent, so an email about a
case that changed meanwhile shows its current state, and one about something gone is
cancelled (`Obsolete`). Messages are never copied into an email: it says that a message
waits and links to the portal.
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.notifications.kinds import Kind, Obsolete, register
from portal.notifications.models import Category
from portal.notifications.rendering import absolute_url

RECEIVED = "consultation_received"
NEW_REQUEST = "consultation_new"
ASSIGNED = "consultation_assigned"
CONCLUDED = "consultation_concluded"
ENDED = "consultation_ended"
FOLLOW_UP = "consultation_follow_up"
MESSAGE = "consultation_message"
DOCUMENTS = "consultation_documents"
DIGEST = "consultation_digest"
BOOKED = "appointment_booked"
MOVED = "appointment_moved"
UPDATED = "appointment_updated"
CANCELLED = "appointment_cancelled"
REMINDER = "appointment_reminder"


def _consultation(consultation_id):
    from consultations.models import Consultation

    consultation = (
        Consultation.objects.select_related(
            "requester",
            "municipality",
            "organisation",
            "lead_advisor__user",
            "co_advisor__user",
        )
        .prefetch_related("topics")
        .filter(pk=consultation_id)
        .first()
    )
    if consultation is None:
        raise Obsolete(_("The request was deleted before the email went out."))
    return consultation


def _links(consultation, *, for_advisor: bool) -> dict:
    """Where the recipient works on the case: the admin for advisors, the portal otherwise."""
    if for_advisor:
        url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    else:
        url = reverse("consultations:detail", args=[consultation.pk])
    return {"case_url": absolute_url(url)}


def _case_context(notification) -> dict:
    consultation = _consultation(notification.context["consultation_id"])
    for_advisor = notification.context.get("for_advisor", False)
    return {
        "consultation": consultation,
        "topics": list(consultation.topics.all()),
        "for_advisor": for_advisor,
        **_links(consultation, for_advisor=for_advisor),
    }


def _new_request_context(notification) -> dict:
    context = _case_context(notification)
    context["case_url"] = absolute_url(
        reverse("admin:consultations_consultation_change", args=[context["consultation"].pk])
    )
    return context


def _ended_context(notification) -> dict:
    """The end of a case, and the appointments it cancelled for this recipient."""
    from consultations.models import Appointment

    context = _case_context(notification)
    consultation = context["consultation"]
    cancelled = (
        Appointment.objects.select_related("advisor__user")
        .filter(pk__in=notification.context.get("cancelled", []))
        .order_by("starts_at")
    )
    context["cancelled"] = [
        {
            "appointment": appointment,
            "starts_at": timezone.localtime(appointment.starts_at),
            "ends_at": timezone.localtime(appointment.ends_at),
        }
        for appointment in cancelled
    ]
    context["has_calendar"] = bool(notification.calendar)
    context["by_requester"] = notification.context.get("by_id") == consultation.requester_id
    return context


def _documents_context(notification) -> dict:
    """Documents the requester's side added later; those deleted meanwhile are left out."""
    from consultations.models import Document

    context = _case_context(notification)
    documents = list(
        Document.objects.filter(
            consultation=context["consultation"], pk__in=notification.context["document_ids"]
        ).select_related("uploaded_by")
    )
    if not documents:
        raise Obsolete(_("The documents were deleted before the email went out."))
    context["documents"] = documents
    context["added_by"] = documents[0].uploaded_by
    return context


def _follow_up_context(notification) -> dict:
    from consultations.links import feedback_token
    from consultations.models import Feedback, Status

    context = _case_context(notification)
    consultation = context["consultation"]
    if consultation.status != Status.CLOSED:
        raise Obsolete(_("The case was reopened before the follow-up went out."))
    if Feedback.objects.filter(consultation=consultation).exists():
        raise Obsolete(_("Feedback was given before the follow-up went out."))
    context["feedback_url"] = absolute_url(
        reverse("consultations:feedback", args=[feedback_token(consultation)])
    )
    return context


def _appointment_context(notification) -> dict:
    from consultations.links import appointment_token
    from consultations.models import Appointment

    appointment = (
        Appointment.objects.select_related(
            "advisor__user",
            "consultation__requester",
            "consultation__municipality",
            "consultation__organisation",
        )
        .filter(pk=notification.context["appointment_id"])
        .first()
    )
    if appointment is None:
        raise Obsolete(_("The appointment was deleted before the email went out."))
    for_advisor = notification.context.get("for_advisor", False)
    context = {
        "appointment": appointment,
        "consultation": appointment.consultation,
        "for_advisor": for_advisor,
        "starts_at": timezone.localtime(appointment.starts_at),
        "ends_at": timezone.localtime(appointment.ends_at),
        **_links(appointment.consultation, for_advisor=for_advisor),
    }
    if not for_advisor:
        context["manage_url"] = absolute_url(
            reverse("consultations:appointment_link", args=[appointment_token(appointment)])
        )
    return context


def _updated_context(notification) -> dict:
    """An appointment whose place, video link or way of meeting changed: what changed."""
    from consultations.models import Appointment

    context = _appointment_context(notification)
    appointment = context["appointment"]
    if not appointment.is_scheduled or appointment.consultation.has_ended:
        raise Obsolete(_("The appointment was cancelled."))
    fields = notification.context.get("changed", [])
    context["changed"] = [str(Appointment._meta.get_field(name).verbose_name) for name in fields]
    return context


def _reminder_context(notification) -> dict:
    context = _appointment_context(notification)
    appointment = context["appointment"]
    if not appointment.is_scheduled or appointment.consultation.has_ended:
        raise Obsolete(_("The appointment was cancelled."))
    if appointment.starts_at <= timezone.now():
        raise Obsolete(_("The appointment has already begun."))
    return context


def _message_context(notification) -> dict:
    from consultations.models import Message

    message = (
        Message.objects.select_related("author", "consultation")
        .filter(pk=notification.context["message_id"])
        .first()
    )
    if message is None:
        raise Obsolete(_("The message was deleted before the email went out."))
    for_advisor = notification.context.get("for_advisor", False)
    return {
        "consultation": message.consultation,
        "author_name": str(message.author) if message.author else "",
        "for_advisor": for_advisor,
        **_links(message.consultation, for_advisor=for_advisor),
    }


def _digest_context(notification) -> dict:
    from consultations.selectors import TRIAGE_WORKING_DAYS, untriaged_since

    waiting = untriaged_since(date.fromisoformat(notification.context["date"]))
    first = list(
        waiting.select_related("municipality", "organisation").order_by("submitted_at")[:20]
    )
    if not first:
        raise Obsolete(_("No request waits for triage any more."))
    return {
        "waiting": first,
        "waiting_count": waiting.count(),
        "working_days": TRIAGE_WORKING_DAYS,
        "admin_url": absolute_url(reverse("admin:consultations_consultation_changelist"))
        + "?status__exact=submitted",
    }


for name, category, build in [
    (RECEIVED, Category.TRANSACTIONAL, _case_context),
    (NEW_REQUEST, Category.TRANSACTIONAL, _new_request_context),
    (ASSIGNED, Category.TRANSACTIONAL, _case_context),
    (CONCLUDED, Category.TRANSACTIONAL, _case_context),
    (ENDED, Category.TRANSACTIONAL, _ended_context),
    (FOLLOW_UP, Category.FOLLOW_UP, _follow_up_context),
    (MESSAGE, Category.TRANSACTIONAL, _message_context),
    (DOCUMENTS, Category.TRANSACTIONAL, _documents_context),
    (DIGEST, Category.DIGEST, _digest_context),
    (BOOKED, Category.TRANSACTIONAL, _appointment_context),
    (MOVED, Category.TRANSACTIONAL, _appointment_context),
    (UPDATED, Category.TRANSACTIONAL, _updated_context),
    (CANCELLED, Category.TRANSACTIONAL, _appointment_context),
    (REMINDER, Category.REMINDER, _reminder_context),
]:
    register(
        Kind(
            name=name,
            category=category,
            templates=f"consultations/email/{name}",
            build_context=build,
        )
    )
