"""Case work in the admin: advisors see the cases they work on, coordinators all.

The request's own fields are read-only here (they are the requester's words). The status
changes only through the workflow actions (one page per action, each calling its service),
and appointments, notes, documents and messages are saved through the services too, so the
admin sends the same emails and keeps the same rules as the portal.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consultations import services
from consultations.documents import check_upload
from consultations.errors import ConsultationError
from consultations.models import (
    Appointment,
    AppointmentStatus,
    Consultation,
    Document,
    Feedback,
    Message,
    Note,
    StatusChange,
)
from portal.accounts.roles import is_coordinating
from portal.advisors.models import AdvisorProfile
from portal.advisors.selectors import advisors_ranked


class MyCasesFilter(admin.SimpleListFilter):
    """Advisors start on their open cases; the filter's value sits in the URL."""

    title = _("cases")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("open", _("open cases")), ("all", _("all cases"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        return queryset

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("week", _("submitted within a week")),
            ("month", _("1 to 4 weeks old")),
            ("older", _("older than 4 weeks")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "week":
            return queryset.filter(submitted_at__gte=now - timedelta(days=7))
        if self.value() == "month":
            return queryset.filter(
                submitted_at__lt=now - timedelta(days=7),
                submitted_at__gte=now - timedelta(days=28),
            )
        if self.value() == "older":
            return queryset.filter(submitted_at__lt=now - timedelta(days=28))
        return queryset


class AdvisorFilter(admin.SimpleListFilter):
    title = _("advisor")
    parameter_name = "advisor"

    def lookups(self, request, model_admin):
        profiles = AdvisorProfile.objects.select_related("user").order_by("user__full_name")
        return [(str(p.pk), p.name) for p in profiles]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Q(lead_advisor_id=self.value()) | Q(co_advisor_id=self.value()))
        return queryset


# --- Inlines --------------------------------------------------------------------------------


class AppointmentForm(forms.ModelForm):
    video_link = forms.URLField(label=_("video link"), required=False, assume_scheme="https")

    class Meta:
        model = Appointment
        fields = [
            "starts_at",
            "ends_at",
            "advisor",
            "phase",
            "mode",
            "place",
            "video_link",
            "minutes",
            "status",
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            raise ValidationError(_("An appointment must end after it starts."))
        advisor = data.get("advisor")
        if start and end and advisor and data.get("status") == AppointmentStatus.SCHEDULED:
            planned = Appointment(
                pk=self.instance.pk, advisor=advisor, starts_at=start, ends_at=end
            )
            try:
                services.refuse_overlap(planned)
            except ConsultationError as error:
                raise ValidationError(error.message) from None
        return data


class AppointmentInline(admin.StackedInline):
    model = Appointment
    form = AppointmentForm
    extra = 0
    can_delete = False
    autocomplete_fields = ["advisor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("advisor__user")


class NoteInline(admin.StackedInline):
    """Internal notes: new ones can be added; written ones stay as they are."""

    model = Note
    extra = 0
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    verbose_name = _("internal note (never shown to the requester)")
    verbose_name_plural = _("internal notes (never shown to the requester)")

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["file", "shared"]
        # No "currently: <path>" link: stored files are served only by the scoped view.
        widgets = {"file": forms.FileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["file"].disabled = True
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and not self.instance.pk:
            check_upload(upload)
        return upload


class DocumentInline(admin.TabularInline):
    model = Document
    form = DocumentForm
    extra = 0
    can_delete = False
    fields = ["download", "file", "shared", "uploaded_by", "created_at"]
    readonly_fields = ["download", "uploaded_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description=_("file name"))
    def download(self, document):
        if not document.pk:
            return ""
        url = reverse("consultations:document", args=[document.consultation_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.name)


class MessageInline(admin.StackedInline):
    """The thread with the requester; a new message here is sent to them."""

    model = Message
    extra = 0
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    verbose_name = _("message to and from the requester")
    verbose_name_plural = _("messages with the requester")

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = _("workflow")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


# --- The case --------------------------------------------------------------------------------

REQUEST_FIELDS = [
    "reference",
    "requester",
    "body_link",
    "state",
    "format",
    "topic_list",
    "urgency",
    "contact_mode",
    "preferred_advisor",
    "concern",
    "goal",
    "submitted_at",
]
CASE_FIELDS = [
    "status",
    "status_changed_at",
    "lead_advisor",
    "co_advisor",
    "referred_to",
    "reason",
    "outcome",
    "measures",
    "closed_at",
    "feedback_summary",
]


class ActionForm(forms.Form):
    """What a workflow action needs besides the click; fields are added per action."""

    def __init__(self, *args, action: str, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        if action == "assign":
            profiles = AdvisorProfile.objects.filter(user__is_active=True).select_related("user")
            self.fields["lead"] = forms.ModelChoiceField(
                label=_("lead advisor"),
                queryset=profiles,
                initial=consultation.lead_advisor_id or consultation.preferred_advisor_id,
            )
            self.fields["co"] = forms.ModelChoiceField(
                label=_("co-advisor (optional)"),
                queryset=profiles,
                required=False,
                initial=consultation.co_advisor_id,
            )
            for name in ("lead", "co"):
                self.fields[name].label_from_instance = lambda profile: profile.name
        if action == "conclude":
            self.fields["outcome"] = forms.CharField(
                label=_("outcome"), widget=forms.Textarea, initial=consultation.outcome
            )
            self.fields["measures"] = forms.CharField(
                label=_("agreed measures"),
                widget=forms.Textarea,
                required=False,
                initial=consultation.measures,
            )
        if action == "refer":
            self.fields["referred_to"] = forms.CharField(
                label=_("referred to (programme or service)"), max_length=200
            )
        if action in ("decline", "refer"):
            self.fields["reason"] = forms.CharField(
                label=_("reason (the requester reads it)"), widget=forms.Textarea
            )


ACTION_LABELS = {
    "triage": _("Take into triage"),
    "assign": _("Assign advisors"),
    "start": _("Start the work"),
    "conclude": _("Conclude with outcome"),
    "close": _("Close the case"),
    "decline": _("Decline"),
    "refer": _("Refer to another programme"),
    "withdraw": _("Withdraw (on behalf of the requester)"),
}


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "body_name",
        "state",
        "format",
        "status",
        "lead_advisor",
        "submitted_at",
        "age",
        "next_appointment",
    ]
    list_display_links = ["reference", "body_name"]
    list_select_related = ["municipality", "organisation", "lead_advisor__user"]
    list_filter = [
        MyCasesFilter,
        "status",
        "state",
        "format",
        "topics",
        AdvisorFilter,
        AgeFilter,
    ]
    search_fields = [
        "reference",
        "municipality__name",
        "municipality__ags",
        "organisation__name",
        "requester__full_name",
        "requester__email",
        "concern",
        "goal",
    ]
    list_per_page = 50
    readonly_fields = REQUEST_FIELDS + CASE_FIELDS
    fieldsets = [
        (_("Request"), {"fields": REQUEST_FIELDS}),
        (_("Case"), {"fields": CASE_FIELDS}),
    ]
    inlines = [AppointmentInline, NoteInline, MessageInline, DocumentInline, StatusChangeInline]
    change_form_template = "admin/consultations/consultation/change_form.html"

    # -- scope ---------------------------------------------------------------------------

    def get_queryset(self, request):
        next_start = (
            Appointment.objects.scheduled()
            .filter(consultation=OuterRef("pk"), starts_at__gt=timezone.now())
            .order_by("starts_at")
            .values("starts_at")[:1]
        )
        return (
            Consultation.objects.advised_by(request.user)
            .select_related("municipality", "organisation", "lead_advisor__user")
            .annotate(next_appointment_at=Subquery(next_start))
        )

    def get_object(self, request, object_id, from_field=None):
        consultation = super().get_object(request, object_id, from_field)
        if consultation is None:
            # Someone else's case answers 404, as everywhere in the portal.
            raise Http404
        return consultation

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # 404 outside the scope, not old versions
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        if request.method == "POST":
            # Reverting would set the status past the workflow's services.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_add_permission(self, request):
        return False  # requests come from the portal's form

    def has_delete_permission(self, request, obj=None):
        return False  # cases end by a status, and their history stays

    def changelist_view(self, request, extra_context=None):
        if not is_coordinating(request.user) and not request.GET:
            return HttpResponseRedirect(request.path + "?mine=open")
        return super().changelist_view(request, extra_context)

    # -- columns -------------------------------------------------------------------------

    @admin.display(description=_("municipality or organisation"))
    def body_name(self, consultation):
        return str(consultation.body)

    @admin.display(description=_("municipality or organisation"))
    def body_link(self, consultation):
        if consultation.municipality_id:
            municipality = consultation.municipality
            return f"{municipality.name} (AGS {municipality.ags})"
        return str(consultation.organisation)

    @admin.display(description=_("topics"))
    def topic_list(self, consultation):
        return ", ".join(topic.name for topic in consultation.topics.all())

    @admin.display(description=_("age in days"), ordering="submitted_at")
    def age(self, consultation):
        return (timezone.now() - consultation.submitted_at).days

    @admin.display(description=_("next appointment"), ordering="next_appointment_at")
    def next_appointment(self, consultation):
        if consultation.next_appointment_at is None:
            return "–"
        return timezone.localtime(consultation.next_appointment_at).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("feedback"))
    def feedback_summary(self, consultation):
        feedback = Feedback.objects.filter(consultation=consultation).first()
        if feedback is None:
            return "–"
        parts = [feedback.get_rating_display(), feedback.get_usefulness_display()]
        parts += [text for text in (feedback.what_changed, feedback.comment) if text]
        return " · ".join(str(part) for part in parts)

    # -- saving through the services -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        pass  # every field of the case itself is read-only; inlines are saved below

    def save_formset(self, request, form, formset, change):
        consultation = form.instance
        try:
            for inline_form in formset.forms:
                if not inline_form.has_changed() or not hasattr(inline_form, "cleaned_data"):
                    continue
                data = inline_form.cleaned_data
                if formset.model is Appointment:
                    fields = {name: data[name] for name in AppointmentForm.Meta.fields}
                    if inline_form.instance.pk:
                        services.appointment_update(
                            appointment=inline_form.instance, by=request.user, **fields
                        )
                    else:
                        fields.pop("status")
                        services.appointment_record(
                            consultation=consultation, by=request.user, **fields
                        )
                elif formset.model is Note and not inline_form.instance.pk:
                    services.note_add(consultation=consultation, text=data["text"], by=request.user)
                elif formset.model is Message and not inline_form.instance.pk:
                    services.message_post(
                        consultation=consultation, text=data["text"], by=request.user
                    )
                elif formset.model is Document:
                    if inline_form.instance.pk:
                        Document.objects.filter(pk=inline_form.instance.pk).update(
                            shared=data["shared"]
                        )
                    else:
                        services.document_add(
                            consultation=consultation,
                            upload=data["file"],
                            shared=data["shared"],
                            by=request.user,
                        )
        except (ConsultationError, ValidationError) as error:
            text = getattr(error, "message", None) or "; ".join(error.messages)
            messages.error(request, text)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # -- workflow actions ----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/action/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="consultations_consultation_action",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["workflow_actions"] = [
                (action, ACTION_LABELS[action])
                for action in services.available_actions(request.user, obj)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def action_view(self, request, pk, action):
        if action not in services.ACTIONS:
            raise Http404
        consultation = self.get_object(request, str(pk))
        if not self.has_view_permission(request, consultation):
            raise Http404
        form = ActionForm(
            request.POST if request.method == "POST" else None,
            action=action,
            consultation=consultation,
        )
        if request.method == "POST" and form.is_valid():
            try:
                self._perform(request, consultation, action, form.cleaned_data)
            except ConsultationError as error:
                messages.error(request, error.message)
            else:
                consultation.refresh_from_db()
                messages.success(
                    request,
                    _("Done. The case is now %(status)s.")
                    % {"status": consultation.get_status_display()},
                )
                return redirect("admin:consultations_consultation_change", consultation.pk)
        ranking = []
        if action == "assign":
            ranking = advisors_ranked(
                topics=consultation.topics.all(),
                state=consultation.state,
                format=consultation.format,
                mode=consultation.contact_mode,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": ACTION_LABELS[action],
            "consultation": consultation,
            "action": action,
            "form": form,
            "ranking": ranking,
            "allowed": services.may_act(request.user, consultation, action),
        }
        return TemplateResponse(request, "admin/consultations/consultation/action.html", context)

    def _perform(self, request, consultation, action, data):
        by = request.user
        if action == "triage":
            services.consultation_triage(consultation=consultation, by=by)
        elif action == "assign":
            services.consultation_assign(
                consultation=consultation, lead=data["lead"], co=data.get("co"), by=by
            )
        elif action == "start":
            services.consultation_start(consultation=consultation, by=by)
        elif action == "conclude":
            services.consultation_conclude(
                consultation=consultation,
                outcome=data["outcome"],
                measures=data.get("measures", ""),
                by=by,
            )
        elif action == "close":
            services.consultation_close(consultation=consultation, by=by)
        elif action == "decline":
            services.consultation_decline(consultation=consultation, reason=data["reason"], by=by)
        elif action == "refer":
            services.consultation_refer(
                consultation=consultation,
                referred_to=data["referred_to"],
                reason=data["reason"],
                by=by,
            )
        elif action == "withdraw":
            services.consultation_withdraw(consultation=consultation, by=by)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["consultation", "rating", "usefulness", "created_at"]
    list_select_related = ["consultation__municipality", "consultation__organisation"]
    list_filter = ["rating", "usefulness"]
    readonly_fields = [
        "consultation",
        "rating",
        "usefulness",
        "what_changed",
        "comment",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
