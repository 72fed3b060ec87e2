"""Topics for coordinators; profiles and availability for advisors (their own) and coordinators
(all), with the matching ranking coordinators use when they look for the right person."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import is_coordinating
from portal.advisors.forms import MatchForm
from portal.advisors.models import (
    Absence,
    AdvisorProfile,
    Topic,
    WeeklyWindow,
    weekday_hours_overlap,
)
from portal.advisors.photos import PhotoField, ProcessedPhoto
from portal.advisors.selectors import advisors_ranked
from portal.advisors.services import (
    COORDINATOR_FIELDS,
    RULE_FIELDS,
    TOPIC_FIELDS,
    absences_replace,
    advisor_profile_create,
    advisor_profile_delete,
    advisor_profile_update,
    booking_rules_update,
    topic_create,
    topic_update,
    weekly_windows_replace,
)
from portal.core.admin import AuditTrailMixin, RefusedSaveMixin
from portal.core.errors import DomainError, show_error


class ServicesOnlyMixin(RefusedSaveMixin):
    """The admin saves through the services; when one refuses, nothing of the save stays.

    A change form that a service refuses is shown again with what was typed and the reason
    (the kernel's `RefusedSaveMixin`). A list's edited rows are saved in one transaction too;
    a refusal there rolls them all back and comes back as an error message on the list.
    """

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as error:
            show_error(request, error)
            return HttpResponseRedirect(request.get_full_path())


class TopicRowForm(forms.ModelForm):
    """A row of the topic list: its inputs named by column and topic ("Active: Dialog")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = _("%(column)s: %(row)s") % {
                "column": capfirst(field.label or ""),
                "row": self.instance.name_de,
            }


@admin.register(Topic)
class TopicAdmin(ServicesOnlyMixin, AuditTrailMixin, admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "active", "position", "advisor_count"]
    list_editable = ["active", "position"]
    list_filter = ["active"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_de"]}

    readonly_fields = ["audit_trail"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(advisor_count=Count("advisors"))

    def get_changelist_form(self, request, **kwargs):
        return type("TopicRowForm", (TopicRowForm, super().get_changelist_form(request)), {})

    def save_model(self, request, obj, form, change):
        """Through the services, also for the rows edited in the list."""
        values = {
            name: form.cleaned_data[name] for name in TOPIC_FIELDS if name in form.cleaned_data
        }
        if change:
            saved = topic_update(topic=obj, by=request.user, **values)
        else:
            saved = topic_create(by=request.user, **values)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        # Topics stay on old records; switching one off ("active") takes it out of every list.
        return False

    @admin.display(description=_("advisors"), ordering="advisor_count")
    def advisor_count(self, topic):
        return topic.advisor_count


class LabelledRowsFormSet(forms.BaseInlineFormSet):
    """A tabular inline's inputs named for assistive technology: the column heading is no
    `<label>`, so each input and select carries its column and row ("Weekday, row 2")."""

    def add_fields(self, form, index):
        super().add_fields(form, index)  # adds DELETE, so the names are set after it
        for field in form.fields.values():
            label = capfirst(field.label or "")
            if index is not None:
                label = _("%(column)s, row %(row)s") % {"column": label, "row": index + 1}
            field.widget.attrs["aria-label"] = label


class WindowInlineFormSet(LabelledRowsFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        windows = [
            (data["weekday"], data["start"], data["end"])
            for data in (getattr(form, "cleaned_data", None) for form in self.forms)
            if data and not data.get("DELETE") and data.get("weekday") is not None
        ]
        if weekday_hours_overlap(windows) is not None:
            raise ValidationError(_("Two opening hours on the same weekday overlap."))


class WeeklyWindowInline(admin.TabularInline):
    model = WeeklyWindow
    formset = WindowInlineFormSet
    extra = 0


class AbsenceInline(admin.TabularInline):
    model = Absence
    formset = LabelledRowsFormSet
    extra = 0


class AdvisorProfileAdminForm(forms.ModelForm):
    photo = PhotoField(label=_("photo"), widget=forms.ClearableFileInput)

    class Meta:
        model = AdvisorProfile
        fields = ["photo"]  # the admin adds the fields of its fieldsets
        # Checkboxes, not Django's two-box picker: that one names plain spans with aria-label
        # and speaks English ("Choose all") beside the German topics.
        widgets = {"topics": forms.CheckboxSelectMultiple}


@admin.register(AdvisorProfile)
class AdvisorProfileAdmin(ServicesOnlyMixin, AuditTrailMixin, admin.ModelAdmin):
    form = AdvisorProfileAdminForm
    list_display = ["name", "slug", "is_public", "max_open_cases", "topic_count", "public_link"]
    list_filter = ["is_public", "topics"]
    search_fields = ["user__full_name", "user__email", "slug"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    inlines = [WeeklyWindowInline, AbsenceInline]
    fieldsets = [
        (None, {"fields": ["user", "slug", "is_public", "max_open_cases", "photo"]}),
        (
            _("Texts"),
            {
                "fields": [
                    ("role_de", "role_en"),
                    ("short_bio_de", "short_bio_en"),
                    ("bio_de", "bio_en"),
                    ("qualifications_de", "qualifications_en"),
                    ("regional_knowledge_de", "regional_knowledge_en"),
                ]
            },
        ),
        (
            _("Expertise and reach"),
            {"fields": ["topics", "languages", "states", "formats", "modes"]},
        ),
        (
            _("Booking rules"),
            {
                "fields": [
                    "slot_minutes",
                    "buffer_minutes",
                    "min_notice_hours",
                    "horizon_weeks",
                    "daily_max",
                ]
            },
        ),
        (_("History"), {"fields": ["audit_trail"]}),
    ]

    def get_queryset(self, request):
        profiles = super().get_queryset(request).annotate(topic_count=Count("topics"))
        if is_coordinating(request.user):
            return profiles
        return profiles.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        if is_coordinating(request.user):
            return ["audit_trail"]
        return ["user", *sorted(COORDINATOR_FIELDS), "audit_trail"]

    def has_add_permission(self, request):
        return is_coordinating(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_coordinating(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Every change goes through the services, as on the advisor's own pages."""
        # A refusal (DomainError) rolls the whole save back: see ServicesOnlyMixin.
        data = form.cleaned_data
        if not change:
            created = advisor_profile_create(user=data["user"], by=request.user, slug=data["slug"])
            obj.pk, obj.slug = created.pk, created.slug
        profile = AdvisorProfile.objects.get(pk=obj.pk)
        changed = set(form.changed_data) - {"user", "topics", "photo"}
        photo = data.get("photo")
        advisor_profile_update(
            profile=profile,
            by=request.user,
            photo=photo if isinstance(photo, ProcessedPhoto) else None,
            remove_photo=photo is False,
            **{name: data[name] for name in changed - RULE_FIELDS},
        )
        rules = {name: data[name] for name in changed & RULE_FIELDS}
        if rules:
            booking_rules_update(profile=profile, by=request.user, **rules)
        form.instance = profile

    def delete_model(self, request, obj):
        advisor_profile_delete(profile=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for profile in queryset:
            advisor_profile_delete(profile=profile, by=request.user)

    def save_related(self, request, form, formsets, change):
        """Topics, weekly hours and absences through the services; a refused change of any of
        them rolls back the profile's save as well (ServicesOnlyMixin)."""
        profile = form.instance
        if "topics" in form.cleaned_data:
            advisor_profile_update(
                profile=profile, by=request.user, topics=form.cleaned_data["topics"]
            )
        for formset in formsets:
            # The services replace the rows; the admin's change message reads these lists.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            rows = [
                data
                for data in (getattr(f, "cleaned_data", None) for f in formset.forms)
                if data and not data.get("DELETE")
            ]
            if formset.model is WeeklyWindow:
                weekly_windows_replace(
                    profile=profile,
                    by=request.user,
                    windows=[(row["weekday"], row["start"], row["end"]) for row in rows],
                )
            elif formset.model is Absence:
                absences_replace(
                    profile=profile,
                    by=request.user,
                    absences=[(row["first_day"], row["last_day"], row["note"]) for row in rows],
                )

    @admin.display(description=_("name"), ordering="user__full_name")
    def name(self, profile):
        return profile.name

    @admin.display(description=_("topics"), ordering="topic_count")
    def topic_count(self, profile):
        return profile.topic_count

    @admin.display(description=_("profile page"))
    def public_link(self, profile):
        return format_html(
            '<a href="{}">{}</a>', reverse("advisors:detail", args=[profile.slug]), _("view")
        )

    def get_urls(self):
        return [
            path(
                "match/",
                self.admin_site.admin_view(self.match_view),
                name="advisors_advisorprofile_match",
            ),
            *super().get_urls(),
        ]

    def match_view(self, request):
        """The ranking of all public advisors for what a request needs (coordinators only)."""
        if not is_coordinating(request.user):
            raise PermissionDenied
        topics = list(Topic.objects.active())
        form = MatchForm(request.GET or None, topics=topics)
        matches = advisors_ranked(**form.criteria()) if form.is_bound and form.is_valid() else []
        context = {
            **self.admin_site.each_context(request),
            "title": _("Find the right advisor"),
            "opts": self.model._meta,
            "form": form,
            "matches": matches,
        }
        return TemplateResponse(request, "admin/advisors/advisorprofile/match.html", context)
