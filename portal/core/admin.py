from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.errors import DomainError, show_error
from portal.core.models import AuditEntry, Page
from portal.core.workflows import Workflow, open_steps, steps_of


class LabelledSplitDateTime(AdminSplitDateTime):
    """Django's split date and time with a `<label>` for each of its two inputs; the field's
    own label has no input to point to. `field_label` tells "starts at" from "ends at"."""

    template_name = "core/admin/split_datetime.html"
    field_label = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["field_label"] = self.field_label
        return context


def labelled_split_datetime(field: forms.Field) -> forms.Field:
    """Give a date-and-time form field the split inputs, each labelled with the field's name
    (e.g. in `formfield_for_dbfield`). Returns the field."""
    field.widget = LabelledSplitDateTime()
    field.widget.field_label = capfirst(field.label)
    return field


def reason_field(
    label: str,
    *,
    rows: int = 4,
    max_length: int = 2000,
    required: bool = True,
    help_text: str = "",
) -> forms.CharField:
    """The free text a step page asks for (`StepPagesMixin.step_fields`): why a date is
    cancelled, why an example goes back. `label` says who will read it."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=max_length,
        required=required,
        help_text=help_text,
    )


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title_de", "slug", "updated_at"]
    search_fields = ["title_de", "title_en", "body_de", "body_en"]

    def get_readonly_fields(self, request, obj=None):
        # The footer links to these addresses; renaming one would break it.
        return ["slug"] if obj else []


class AuditTrailMixin:
    """Adds a read-only "History" field that lists the object's audit entries, newest first.

    Use it on a ModelAdmin and name `audit_trail` in `readonly_fields` and in a fieldset.
    """

    audit_trail_limit = 50

    @admin.display(description=_("History"))
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        entries = list(AuditEntry.objects.for_object(obj)[: self.audit_trail_limit])
        return render_to_string("admin/core/audit_trail.html", {"entries": entries})


class ReadOnlyAdminMixin:
    """Rows nobody adds, edits or deletes in the admin: written only by services (the audit
    trail, the outbox, decided memberships). Actions that call services stay possible."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The whole trail, read-only, for superusers (coordinators see it on each object)."""

    list_display = ["at", "actor", "kind", "action", "object_repr", "from_status", "to_status"]
    list_filter = ["kind", "action"]
    search_fields = ["object_repr", "action", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


class RefusedSaveMixin:
    """A save that a service refuses rolls back as a whole and shows why.

    Django's change form saves in one transaction; a `DomainError` (or a `ValidationError`
    from a service's checks) raised by `save_model`, `save_formset` or an inline's service
    leaves it by an exception, so nothing of the save remains. The form is then shown again
    as it was filled in, with the reason as the form's error, instead of "changed
    successfully".
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (DomainError, ValidationError) as error:
            if request.method != "POST" or getattr(request, "refused_save", None) is not None:
                raise
            request.refused_save = (
                error if isinstance(error, DomainError) else DomainError("; ".join(error.messages))
            )
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "refused_save", None)
        if refusal is None:
            return form

        class Refused(form):
            """Shown again after a refusal: invalid, so the admin saves nothing this time."""

            def clean(self):
                super().clean()
                raise ValidationError(refusal.message)

        return Refused


class StepPagesMixin:
    """The registered steps of `workflow` that the user may take on an object: links on its
    change page (`workflow_steps` in the context), each on a page of its own
    (`<pk>/step/<name>/`) that asks for the step's fields and runs its service."""

    workflow: Workflow
    # Form fields of the answers a step asks for, by the names in `Step.fields`.
    step_fields: dict = {}

    def get_urls(self):
        return [
            path(
                "<int:pk>/step/<str:name>/",
                self.admin_site.admin_view(self.step_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_step",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["workflow_steps"] = open_steps(self.workflow.name, obj, request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def step_context(self, request, obj) -> dict:
        return {}

    def step_done(self, request, obj, step, result) -> None:
        self.message_user(request, gettext("Done: %(step)s.") % {"step": step.label})

    def step_view(self, request, pk, name):
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        step = steps_of(self.workflow.name).get(name)
        if step is None or not step.may(request.user, obj):
            raise Http404
        form_class = type(
            "StepForm", (forms.Form,), {field: self.step_fields[field] for field in step.fields}
        )
        form = form_class(request.POST if request.method == "POST" else None)
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        if request.method == "POST" and form.is_valid():
            try:
                result = step.run(self.workflow, obj, by=request.user, **form.cleaned_data)
            except DomainError as error:
                show_error(request, error)
            else:
                self.step_done(request, obj, step, result)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{step.label}: {obj}",
            "object": obj,
            "step": step,
            "open": step.is_open(self.workflow, obj),
            "form": form,
            "change_url": change_url,
            **self.step_context(request, obj),
        }
        templates = [
            f"admin/{self.opts.app_label}/{self.opts.model_name}/{step.name}.html",
            "admin/core/step.html",
        ]
        return TemplateResponse(request, templates, context)
