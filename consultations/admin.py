"""Case work in the admin: advisors see the cases they work on, coordinators all.

The request's own fields are read-only here (they are the requester's words). The status
changes only through the workflow's registered steps (consultations.steps: one page per
step, each calling its service), and appointments, notes, documents and messages are saved
through the services too, so the admin sends the same emails, keeps the same rules and
leaves the same audit trail as the portal. When a service refuses one inline, the whole
save is rolled back and the form comes back with the reason.
"""

import inspect
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from consultations import selectors, services
from consultations.desk import MinutesMissingFilter
from consultations.documents import check_upload
from consultations.errors import ConsultationError
from consultations.models import (
    CASE,
    Appointment,
    AppointmentStatus,
    Consultation,
    Document,
    Feedback,
    Message,
    Note,
)
from consultations.permissions import may_act
from portal.accounts.roles import is_coordinating
from portal.advisors.models import AdvisorProfile
from portal.advisors.selectors import advisors_ranked
from portal.core.admin import AuditTrailMixin, LabelledSplitDateTime, RefusedSaveMixin
from portal.core.errors import show_error
from portal.core.workflows import open_steps, steps_of


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


# The federal states as their ISO 3166-2 codes, keyed like `FederalState` by the AGS digits.
STATE_ABBREVIATIONS = {
    "01": "SH",
    "02": "HH",
    "03": "NI",
    "04": "HB",
    "05": "NW",
    "06": "HE",
    "07": "RP",
    "08": "BW",
    "09": "BY",
    "10": "SL",
    "11": "BE",
    "12": "BB",
    "13": "MV",
    "14": "SN",
    "15": "ST",
    "16": "TH",
}


# --- Inlines --------------------------------------------------------------------------------


class AppointmentForm(forms.ModelForm):
    video_link = forms.URLField(label=_("video link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            field = self.fields[name]
            if isinstance(field.widget, LabelledSplitDateTime):
                field.widget.field_label = capfirst(field.label)

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
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}

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
        # A table's inputs have only the column's heading above them: each names its column
        # and, for a stored document, the document, so a screen reader says which is which.
        for name in ("file", "shared"):
            label = capfirst(self.fields[name].label)
            if self.instance.pk:
                label = f"{label}: {self.instance.name}"
            self.fields[name].widget.attrs["aria-label"] = label

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


def _advisor_choice(label, *, initial, required):
    field = forms.ModelChoiceField(
        label=label,
        queryset=AdvisorProfile.objects.filter(user__is_active=True).select_related("user"),
        initial=initial,
        required=required,
    )
    field.label_from_instance = lambda profile: profile.name
    return field


# How the step pages ask for each answer a registered step names in its `fields`:
# (consultation, required) -> form field. Whether an answer is required follows the
# service's signature (an argument with a default is optional).
STEP_FIELDS = {
    "lead": lambda case, required: _advisor_choice(
        _("lead advisor"),
        initial=case.lead_advisor_id or case.preferred_advisor_id,
        required=required,
    ),
    "co": lambda case, required: _advisor_choice(
        _("co-advisor (optional)"), initial=case.co_advisor_id, required=required
    ),
    "outcome": lambda case, required: forms.CharField(
        label=_("outcome"), widget=forms.Textarea, initial=case.outcome, required=required
    ),
    "measures": lambda case, required: forms.CharField(
        label=_("agreed measures"), widget=forms.Textarea, initial=case.measures, required=required
    ),
    "referred_to": lambda case, required: forms.CharField(
        label=_("referred to (programme or service)"), max_length=200, required=required
    ),
    "reason": lambda case, required: forms.CharField(
        label=_("reason (the requester reads it)") if required else _("reason"),
        widget=forms.Textarea,
        required=required,
    ),
}


def _optional(service, name: str) -> bool:
    parameter = inspect.signature(service).parameters.get(name)
    return parameter is not None and parameter.default is not inspect.Parameter.empty


class StepForm(forms.Form):
    """The answers a workflow step asks for besides the click (its registered `fields`)."""

    def __init__(self, *args, step, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        for name in step.fields:
            required = not _optional(step.service, name)
            self.fields[name] = STEP_FIELDS[name](consultation, required)


@admin.register(Consultation)
class ConsultationAdmin(RefusedSaveMixin, AuditTrailMixin, SimpleHistoryAdmin):
    # Seven narrow columns: beside the menu and the filters they fit 1280 pixels without
    # scrolling sideways (tests/e2e/test_consultations.py); the format is a filter.
    list_display = [
        "case_reference",
        "requested_by",
        "state_short",
        "status",
        "advisor",
        "age",
        "next_appointment",
    ]
    list_display_links = ["case_reference"]
    list_select_related = ["municipality", "organisation", "requester", "lead_advisor__user"]
    list_filter = [
        MyCasesFilter,
        "status",
        "state",
        "format",
        "topics",
        AdvisorFilter,
        AgeFilter,
        MinutesMissingFilter,
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
    readonly_fields = [*REQUEST_FIELDS, *CASE_FIELDS, "audit_trail"]
    fieldsets = [
        (_("Request"), {"fields": REQUEST_FIELDS}),
        (_("Case"), {"fields": CASE_FIELDS}),
        (_("History"), {"fields": ["audit_trail"]}),
    ]
    inlines = [AppointmentInline, NoteInline, MessageInline, DocumentInline]
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
            .select_related("municipality", "organisation", "requester", "lead_advisor__user")
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

    class Media:
        css = {"all": ["consultations/admin/cases.css"]}

    @admin.display(description=pgettext_lazy("consultation", "case"), ordering="reference")
    def case_reference(self, consultation):
        return consultation.reference

    @admin.display(description=_("requested by"))
    def requested_by(self, consultation):
        requester = consultation.requester
        return format_html(
            '{}<br><span class="quiet">{}</span>',
            consultation.body.name,
            requester.full_name or requester.email,
        )

    @admin.display(description=pgettext_lazy("federal state, short", "state"), ordering="state")
    def state_short(self, consultation):
        return format_html(
            '<abbr title="{}">{}</abbr>',
            consultation.get_state_display(),
            STATE_ABBREVIATIONS.get(consultation.state, consultation.state),
        )

    @admin.display(description=_("advisor"), ordering="lead_advisor__user__full_name")
    def advisor(self, consultation):
        return consultation.lead_advisor.name if consultation.lead_advisor else "–"

    @admin.display(description=_("municipality or organisation"))
    def body_link(self, consultation):
        if consultation.municipality_id:
            municipality = consultation.municipality
            return f"{municipality.name} (AGS {municipality.ags})"
        return str(consultation.organisation)

    @admin.display(description=_("topics"))
    def topic_list(self, consultation):
        return ", ".join(topic.name for topic in consultation.topics.all())

    @admin.display(description=_("age in days"), ordering="-submitted_at")
    def age(self, consultation):
        return (timezone.now() - consultation.submitted_at).days

    @admin.display(description=_("next appointment"), ordering="next_appointment_at")
    def next_appointment(self, consultation):
        if consultation.next_appointment_at is None:
            return "–"
        local = timezone.localtime(consultation.next_appointment_at)
        return format_html("{}<br>{}", f"{local:%d.%m.%Y}", f"{local:%H:%M}")

    @admin.display(description=_("feedback"))
    def feedback_summary(self, consultation):
        feedback = Feedback.objects.filter(consultation=consultation).first()
        if feedback is None:
            return "–"
        parts = [feedback.get_rating_display(), feedback.get_usefulness_display()]
        parts += [text for text in (feedback.what_changed, feedback.comment) if text]
        return " · ".join(str(part) for part in parts)

    @admin.display(description=_("History"))
    def audit_trail(self, consultation):
        """The case's entries and those of its appointments, newest first."""
        if consultation is None or consultation.pk is None:
            return "–"
        entries = list(selectors.case_history(consultation)[: self.audit_trail_limit])
        return render_to_string("admin/core/audit_trail.html", {"entries": entries})

    # -- saving through the services -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        pass  # every field of the case itself is read-only; inlines are saved below

    def save_formset(self, request, form, formset, change):
        consultation = form.instance
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not hasattr(inline_form, "cleaned_data"):
                continue
            self._save_inline(request, consultation, inline_form)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _save_inline(self, request, consultation, inline_form):
        """One new or changed inline row, through its service (a refusal raises)."""
        data, instance, by = inline_form.cleaned_data, inline_form.instance, request.user
        if isinstance(instance, Appointment):
            fields = {name: data[name] for name in AppointmentForm.Meta.fields}
            if instance.pk:
                services.appointment_update(appointment=instance, by=by, **fields)
            else:
                fields.pop("status")
                services.appointment_record(consultation=consultation, by=by, **fields)
        elif isinstance(instance, Note) and not instance.pk:
            services.note_add(consultation=consultation, text=data["text"], by=by)
        elif isinstance(instance, Message) and not instance.pk:
            services.message_post(consultation=consultation, text=data["text"], by=by)
        elif isinstance(instance, Document):
            if instance.pk:
                services.document_share(document=instance, shared=data["shared"], by=by)
            else:
                services.document_add(
                    consultation=consultation, upload=data["file"], shared=data["shared"], by=by
                )

    # -- workflow steps (registered in consultations.steps) -------------------------------

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
                (step.name, step.label) for step in open_steps(CASE.name, obj, request.user)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def action_view(self, request, pk, action):
        step = steps_of(CASE.name).get(action)
        if step is None:
            raise Http404
        consultation = self.get_object(request, str(pk))
        if not self.has_view_permission(request, consultation):
            raise Http404
        form = StepForm(
            request.POST if request.method == "POST" else None,
            step=step,
            consultation=consultation,
        )
        if request.method == "POST" and form.is_valid():
            try:
                step.run(CASE, consultation, by=request.user, **form.cleaned_data)
            except ConsultationError as error:
                show_error(request, error)
            else:
                consultation.refresh_from_db()
                messages.success(
                    request,
                    _("Done. The case is now %(status)s.")
                    % {"status": consultation.get_status_display()},
                )
                return redirect("admin:consultations_consultation_change", consultation.pk)
        ranking = []
        if "lead" in step.fields:  # choosing advisors: show who fits the request best
            ranking = advisors_ranked(
                topics=consultation.topics.all(),
                state=consultation.state,
                format=consultation.format,
                mode=consultation.contact_mode,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": step.label,
            "consultation": consultation,
            "action": step.name,
            "form": form,
            "ranking": ranking,
            "allowed": may_act(request.user, consultation, step.name),
        }
        return TemplateResponse(request, "admin/consultations/consultation/action.html", context)


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
