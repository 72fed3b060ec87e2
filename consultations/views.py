"""The requester's side of consultations: request, book, follow, write, give feedback.

Advisors and coordinators work on cases in the admin (`admin.py`). Every page here fetches
through `Consultation.objects.visible_to(user)`, so someone else's request answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from consultations import links, selectors, services
from consultations.errors import ConsultationError, SlotTaken
from consultations.forms import (
    ConsultationForm,
    DocumentsForm,
    FeedbackForm,
    MessageForm,
    WithdrawForm,
    parse_slot,
)
from consultations.models import Appointment, Consultation, Document, Feedback
from consultations.permissions import is_case_staff, may_act, may_add_documents
from portal.accounts.models import Membership
from portal.advisors.models import AdvisorProfile, ContactMode
from portal.core.access import signed_in, signed_link
from portal.core.errors import show_error
from portal.core.uploads import private_download


def _with_next_times(error: SlotTaken) -> SlotTaken:
    """The refusal of a taken time, pointing to the next free times the page shows again."""
    return SlotTaken(f"{error.message} {_('These are the next free times.')}")


def _visible(request, pk) -> Consultation:
    try:
        return selectors.consultation_detail(request.user, pk)
    except Consultation.DoesNotExist:
        raise Http404 from None


@signed_in
def consultation_list(request):
    consultations = list(selectors.consultations_for(request.user))
    has_membership = Membership.objects.verified().filter(user=request.user).exists()
    return render(
        request,
        "consultations/list.html",
        {"consultations": consultations, "has_membership": has_membership},
    )


@signed_in
def consultation_new(request):
    memberships = Membership.objects.filter(user=request.user)
    if not memberships.verified().exists():
        return render(
            request,
            "consultations/not_yet.html",
            {"pending": memberships.pending().select_related("municipality", "organisation")},
        )
    advisor_slug = request.GET.get("advisor", "")
    form = ConsultationForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"preferred_advisor": advisor_slug} if advisor_slug else None,
    )
    if len(form.fields["membership"].queryset) == 1:
        form.fields["membership"].initial = form.fields["membership"].queryset[0].pk
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                consultation = services.consultation_submit(
                    requester=request.user,
                    membership=data["membership"],
                    format=data["format"],
                    topics=list(data["topics"]),
                    concern=data["concern"],
                    goal=data["goal"],
                    urgency=data["urgency"],
                    contact_mode=data["contact_mode"],
                    preferred_advisor=data["preferred_advisor"],
                    files=data["attachments"],
                    privacy_accepted=data["privacy"],
                )
            except ConsultationError as error:
                show_error(request, error)
            except ValidationError as error:
                form.add_error("attachments", error)
            else:
                messages.success(
                    request,
                    _(
                        "Your request %(reference)s has been received. You can now choose a "
                        "time for a first conversation, or do it later."
                    )
                    % {"reference": consultation.reference},
                )
                return redirect("consultations:book", pk=consultation.pk)
        messages.error(request, _("Please correct the marked fields; nothing has been saved yet."))
    files_to_attach_again = [f.name for f in request.FILES.getlist("attachments")]
    return render(
        request,
        "consultations/new.html",
        {"form": form, "files_to_attach_again": files_to_attach_again},
    )


def _render_detail(request, consultation: Consultation, *, documents_form=None):
    user = request.user
    appointments = [a for a in consultation.appointments.all() if a.is_scheduled]
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "next_appointment": selectors.upcoming_appointment(consultation),
            "appointments": appointments,
            "can_book": consultation.is_bookable,
            "can_withdraw": may_act(user, consultation, "withdraw"),
            "can_write": not consultation.has_ended,
            "can_add_documents": may_add_documents(user, consultation),
            "message_form": MessageForm(),
            "withdraw_form": WithdrawForm(),
            "documents_form": documents_form or DocumentsForm(),
            "staff_view": is_case_staff(user, consultation),
        },
    )


@signed_in
def consultation_detail(request, pk):
    return _render_detail(request, _visible(request, pk))


def _slot_chosen(request, *, advisor=None, moving: Appointment | None = None):
    """(advisor, start, end) of the free slot a GET names (`?slot=<advisor id>|<start>`).

    Nothing is written. A slot that is not (or no longer) free raises `SlotTaken`, as at
    booking, so the page shows the next free times again; a malformed one raises
    `ValidationError`. The time of an appointment that is `moving` counts as free for it.
    """
    advisor_id, start = parse_slot(request.GET.get("slot", ""))
    if advisor is not None and advisor_id != advisor.pk:
        raise ValidationError(_("Please choose one of the times shown."))
    chosen = advisor or get_object_or_404(AdvisorProfile.objects.public(), pk=advisor_id)
    end = selectors.free_slot_end(chosen, start, now=timezone.now(), ignoring=moving)
    if end is None:
        raise SlotTaken(_("This time was just taken. Please choose another one."))
    return chosen, start, end


@signed_in
def consultation_book(request, pk):
    """Choose a time (GET), look at what is booked (GET with `slot`), book it (POST)."""
    consultation = _visible(request, pk)
    if not consultation.is_bookable:
        messages.info(request, _("A first conversation is already booked for this request."))
        return redirect(consultation)
    advisor = None
    if slug := request.GET.get("advisor") or request.POST.get("advisor"):
        advisor = AdvisorProfile.objects.public().filter(slug=slug).first()
    if request.method == "POST":
        try:
            advisor_id, start = parse_slot(request.POST.get("slot", ""))
            chosen = get_object_or_404(AdvisorProfile.objects.public(), pk=advisor_id)
            appointment = services.appointment_book(
                consultation=consultation, advisor=chosen, start=start, by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        except SlotTaken as error:
            show_error(request, _with_next_times(error))
        except ConsultationError as error:
            show_error(request, error)
            return redirect(consultation)
        else:
            messages.success(
                request,
                _(
                    "Your first conversation is booked. You and %(advisor)s receive a "
                    "confirmation with a calendar file."
                )
                % {"advisor": appointment.advisor.name},
            )
            return redirect(consultation)
    elif "slot" in request.GET:
        try:
            chosen, start, end = _slot_chosen(request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        except SlotTaken as error:
            show_error(request, _with_next_times(error))
        else:
            back = reverse("consultations:book", args=[consultation.pk])
            if advisor is not None:
                back += "?" + urlencode({"advisor": advisor.slug})
            return render(
                request,
                "consultations/confirm.html",
                {
                    "kind": "book",
                    "consultation": consultation,
                    "advisor": chosen,
                    "starts_at": start,
                    "ends_at": end,
                    "mode_label": ContactMode(selectors.meeting_mode(consultation, chosen)).label,
                    "hidden": [
                        ("slot", request.GET["slot"]),
                        *([("advisor", advisor.slug)] if advisor else []),
                    ],
                    "back_url": back,
                    "via_link": False,
                },
            )
    choices = selectors.booking_choices(consultation, advisor=advisor)
    return render(
        request,
        "consultations/book.html",
        {
            "consultation": consultation,
            "choices": choices,
            "advisor": advisor,
            "action": "book",
        },
    )


@signed_in
@require_POST
def consultation_withdraw(request, pk):
    consultation = _visible(request, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.consultation_withdraw(
            consultation=consultation,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ConsultationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect(consultation)


@signed_in
@require_POST
def message_post(request, pk):
    consultation = _visible(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_post(
                consultation=consultation, text=form.cleaned_data["text"], by=request.user
            )
        except ConsultationError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(consultation.get_absolute_url() + "#messages")
    else:
        messages.error(request, _("The message is empty."))
    return redirect(consultation.get_absolute_url() + "#messages")


@signed_in
def document_download(request, pk, document_pk):
    consultation = _visible(request, pk)
    documents = Document.objects.filter(consultation=consultation)
    if not is_case_staff(request.user, consultation):
        documents = documents.for_requester()
    document = get_object_or_404(documents, pk=document_pk)
    return private_download(
        document.file, filename=document.name, content_type=document.content_type
    )


@signed_in
@require_POST
def documents_add(request, pk):
    """The requester's side adds documents to its request after submitting it."""
    consultation = _visible(request, pk)
    form = DocumentsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            documents = services.documents_attach(
                consultation=consultation, uploads=form.cleaned_data["files"], by=request.user
            )
        except ValidationError as error:
            form.add_error("files", error)
        except ConsultationError as error:
            show_error(request, error)
            return redirect(consultation.get_absolute_url() + "#documents-title")
        else:
            messages.success(
                request,
                ngettext(
                    "The document has been added. The advisory team has been told.",
                    "%(count)d documents have been added. The advisory team has been told.",
                    len(documents),
                )
                % {"count": len(documents)},
            )
            return redirect(consultation.get_absolute_url() + "#documents-title")
    messages.error(request, _("The documents could not be added; see the marked field."))
    return _render_detail(request, consultation, documents_form=form)


def _visible_appointment(request, pk) -> Appointment:
    visible = Consultation.objects.visible_to(request.user)
    return get_object_or_404(
        Appointment.objects.select_related("advisor__user", "consultation__requester").filter(
            consultation__in=visible
        ),
        pk=pk,
    )


def _manage_appointment(request, appointment: Appointment, *, acting_user, template: str, extra):
    """Move or cancel an appointment: from the portal or from the signed link in an email.

    Choosing a new time or the cancel button (GET) shows what will happen; only the
    confirmation (POST) moves or cancels. Returns True when it did.
    """
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.appointment_cancel(appointment=appointment, by=acting_user)
                messages.success(request, _("The appointment has been cancelled."))
                return True
            if action == "move":
                advisor_id, start = parse_slot(request.POST.get("slot", ""))
                if advisor_id != appointment.advisor_id:
                    raise ValidationError(_("Please choose one of the times shown."))
                services.appointment_move(appointment=appointment, start=start, by=acting_user)
                messages.success(
                    request, _("The appointment has been moved. Both sides have been told.")
                )
                return True
        except ValidationError as error:
            messages.error(request, error.messages[0])
        except SlotTaken as error:
            show_error(request, _with_next_times(error))
        except ConsultationError as error:
            show_error(request, error)
        appointment.refresh_from_db()
    elif appointment.can_be_changed and request.GET.get("action") in ("cancel", "move"):
        confirmation = _confirmation(request, appointment, extra)
        if confirmation is not None:
            return confirmation
    choices = []
    if appointment.can_be_changed:
        choices = selectors.booking_choices(appointment.consultation, advisor=appointment.advisor)
    return render(
        request,
        template,
        {
            "appointment": appointment,
            "consultation": appointment.consultation,
            "choices": choices,
            "action": "move",
            **extra,
        },
    )


def _confirmation(request, appointment: Appointment, extra):
    """The page that asks before cancelling or moving; None (with a message) when the
    chosen time cannot be taken, so the caller shows the free times again."""
    context = {
        "consultation": appointment.consultation,
        "appointment": appointment,
        "advisor": appointment.advisor,
        "mode_label": appointment.get_mode_display(),
        "back_url": request.path,
        **extra,
    }
    if request.GET["action"] == "cancel":
        context.update(
            kind="cancel",
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            hidden=[("action", "cancel")],
        )
        return render(request, "consultations/confirm.html", context)
    try:
        _advisor, start, end = _slot_chosen(
            request, advisor=appointment.advisor, moving=appointment
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return None
    except SlotTaken as error:
        show_error(request, _with_next_times(error))
        return None
    context.update(
        kind="move",
        starts_at=start,
        ends_at=end,
        hidden=[("action", "move"), ("slot", request.GET["slot"])],
    )
    return render(request, "consultations/confirm.html", context)


@signed_in
def appointment_manage(request, pk):
    appointment = _visible_appointment(request, pk)
    result = _manage_appointment(
        request,
        appointment,
        acting_user=request.user,
        template="consultations/appointment.html",
        extra={"via_link": False},
    )
    if result is True:
        return redirect(appointment.consultation)
    return result


@signed_link
def appointment_link(request, token):
    """The link in the confirmation email: move or cancel without logging in."""
    appointment = links.appointment_from_token(token)
    if appointment is None:
        raise Http404
    result = _manage_appointment(
        request,
        appointment,
        acting_user=appointment.consultation.requester,
        template="consultations/appointment.html",
        extra={"via_link": True},
    )
    if result is True:
        return redirect("consultations:appointment_link", token=token)
    return result


@signed_link
def feedback(request, token):
    """The follow-up's form; the link works once, without logging in."""
    consultation = links.consultation_from_feedback_token(token)
    if consultation is None:
        raise Http404
    if Feedback.objects.filter(consultation=consultation).exists():
        return render(
            request, "consultations/feedback.html", {"consultation": consultation, "used": True}
        )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.feedback_submit(consultation=consultation, **form.cleaned_data)
            except ConsultationError as error:
                show_error(request, error)
                return render(
                    request,
                    "consultations/feedback.html",
                    {"consultation": consultation, "used": True},
                )
            return render(
                request,
                "consultations/feedback.html",
                {"consultation": consultation, "thanks": True},
            )
        messages.error(request, _("Please correct the marked fields; nothing has been saved yet."))
    return render(
        request, "consultations/feedback.html", {"consultation": consultation, "form": form}
    )
