"""The admin of practice examples: coordinators review, publish or send back.

The list shows what waits for review (filter by status); each example's page offers the
steps open to it (`exchanges/services/practice.py` declares them): publish, or send back with
a reason the author reads. A coordinator may correct an example's content here at any time;
the save goes through `example_update`, and one the service refuses is rolled back and shown
again with the reason. Examples are written in the portal, not added here.
"""

from django import forms
from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exchanges.forms.practice import ExampleChoices, rounds_field
from exchanges.models import PRACTICE_EXAMPLE, PracticeExample
from exchanges.models import ExampleStatus as Status
from exchanges.selectors.practice import size_class
from exchanges.services import practice as services
from portal.core.admin import AuditTrailMixin, RefusedSaveMixin, StepPagesMixin, reason_field
from portal.core.errors import DomainError, show_error
from portal.core.workflows import step


class PracticeExampleAdminForm(ExampleChoices, forms.ModelForm):
    rounds = rounds_field(widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = PracticeExample
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)
        widgets = {"topics": forms.CheckboxSelectMultiple}


@admin.register(PracticeExample)
class PracticeExampleAdmin(RefusedSaveMixin, StepPagesMixin, AuditTrailMixin, admin.ModelAdmin):
    workflow = PRACTICE_EXAMPLE
    step_fields = {
        "reason": reason_field(
            _("Why it is sent back, as the author will read it"),
            rows=5,
            help_text=_("Say what the author should add or change; they are told by email."),
        )
    }
    form = PracticeExampleAdminForm
    change_form_template = "exchanges/practice/admin_change_form.html"
    list_display = ["title", "municipality", "state_display", "status", "author", "submitted_at"]
    list_filter = ["status", "municipality__state", "topics"]
    search_fields = [
        "title",
        "slug",
        "municipality__name",
        "author__email",
        "author__full_name",
        "situation",
        "action",
        "outcome",
    ]
    list_select_related = ["municipality", "author"]
    ordering = [F("submitted_at").desc(nulls_last=True), "-pk"]
    autocomplete_fields = ["municipality"]
    actions = ["publish"]
    readonly_fields = [
        "slug",
        "place_display",
        "status",
        "author",
        "return_reason",
        "submitted_at",
        "published_at",
        "updated_at",
        "audit_trail",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "return_reason"]}),
        (_("Where"), {"fields": ["municipality", "place_display", "topics", "rounds"]}),
        (_("The example"), {"fields": ["situation", "action", "effort", "outcome"]}),
        (_("Contact person"), {"fields": ["contact_name", "contact_email", "contact_consent"]}),
        (
            _("Review"),
            {"fields": ["author", "submitted_at", "published_at", "updated_at"]},
        ),
        (_("History"), {"fields": ["audit_trail"], "classes": ["collapse"]}),
    ]

    # Coordinators see and change examples through their role's model permissions
    # (portal/accounts/roles.py), which the admin reads without a query of its own; the
    # steps and the services ask `may_review_examples`.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("federal state"), ordering="municipality__state")
    def state_display(self, example):
        return example.municipality.get_state_display()

    @admin.display(description=_("federal state and size"))
    def place_display(self, example):
        size = size_class(example.municipality)
        state = example.municipality.get_state_display()
        return f"{state} · {size.label}" if size else state

    def save_model(self, request, obj, form, change):
        services.example_update(
            example=obj, by=request.user, content=services.ExampleContent.of(form.cleaned_data)
        )

    def save_related(self, request, form, formsets, change):
        """Topics and rounds were saved with the rest by the service."""

    @admin.action(description=_("Publish the selected examples"))
    def publish(self, request, queryset):
        publish = step(PRACTICE_EXAMPLE.name, "publish")
        published = 0
        for example in queryset.filter(status=Status.SUBMITTED).select_related("author"):
            try:
                publish.run(PRACTICE_EXAMPLE, example, by=request.user)
            except DomainError as error:
                show_error(request, error)
            else:
                published += 1
        self.message_user(
            request,
            gettext("%(count)s example(s) published; their authors were told by email.")
            % {"count": published},
        )
