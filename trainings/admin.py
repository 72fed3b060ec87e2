"""Coordinators publish courses and dates, see participants, and cancel in the admin.

The admin writes only through the services: a course is saved by `services.course_save`,
its dates by `services.course_dates_save` (which moves reminders to the new times and gives
seats added by a larger capacity to the waitlist), publishing goes through
`course_publish` / `course_unpublish`, duplicating through `course_date_duplicate`. Status
changes are the registered steps (`trainings/steps.py`): each date and registration page
offers the steps open to the coordinator, on a page of their own. A save the services refuse
is rolled back as a whole and the form comes back with the reason.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.admin import AuditTrailMixin, RefusedSaveMixin, StepPagesMixin, reason_field
from portal.core.errors import DomainError, show_error
from portal.core.workflows import steps_of
from trainings import selectors, services
from trainings.desk import AttendanceMissingFilter, WaitingWithFreeSeatFilter
from trainings.exports import participants_csv
from trainings.models import (
    COURSE_DATE,
    REGISTRATION,
    Attendance,
    Certificate,
    Course,
    CourseDate,
    CourseFeedback,
    DateStatus,
    Module,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
)


def _tell_promoted(request, promoted: int) -> None:
    if promoted:
        messages.info(
            request,
            gettext("%(count)s people moved up from the waitlist and were told.")
            % {"count": promoted},
        )


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["position", "title", "summary"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "completion_rule", "modules_required", "published"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ModuleInline]


# Video links typed without a scheme are meant as https.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class CourseDateInline(admin.StackedInline):
    model = CourseDate
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = [
        ("start", "end"),
        ("online", "video_link"),
        ("venue", "address"),
        ("town", "state"),
        "capacity",
        ("registration_opens", "registration_deadline"),
        "status",
    ]
    readonly_fields = ["status"]
    show_change_link = True


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "label", "kind", "choices", "required"]


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def clean_is_series(self):
        is_series = self.cleaned_data["is_series"]
        try:
            services.course_series_check(course=self.instance, is_series=is_series)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return is_series


@admin.register(Course)
class CourseAdmin(RefusedSaveMixin, AuditTrailMixin, admin.ModelAdmin):
    form = CourseForm
    list_display = ["title", "format", "module", "next_date", "seats", "published"]
    list_filter = ["published", "format", "is_series", "module__programme", "topics"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["coordinator"]
    filter_horizontal = ["topics"]
    inlines = [CourseDateInline, QuestionInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["audit_trail"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "published"]}),
        (
            _("Content"),
            {"fields": ["description", "learning_goals", "target_group", "topics", "format"]},
        ),
        (_("Programme"), {"fields": ["module"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "coordinator",
                    "is_series",
                    "seats_per_municipality",
                    "reminder_days",
                    "open_to_public",
                ]
            },
        ),
        (_("History"), {"fields": ["audit_trail"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        first = CourseDate.objects.filter(status=DateStatus.SCHEDULED)
        return (
            super()
            .get_queryset(request)
            .select_related("module")
            .annotate(
                first_start=Subquery(
                    first.filter(course=OuterRef("pk")).order_by("start").values("start")[:1]
                ),
                confirmed=Count(
                    "registrations",
                    filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
                    distinct=True,
                ),
                waiting=Count(
                    "registrations",
                    filter=Q(registrations__status=RegistrationStatus.WAITLISTED),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("next date"), ordering="first_start")
    def next_date(self, course):
        if not course.first_start:
            return "–"
        return timezone.localtime(course.first_start).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("confirmed / waiting"))
    def seats(self, course):
        return f"{course.confirmed} / {course.waiting}"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("coordinator", request.user.pk)
        return initial

    def save_model(self, request, obj, form, change):
        services.course_save(course=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CourseDate:
            return super().save_formset(request, form, formset, change)
        dates = formset.save(commit=False)
        promoted = services.course_dates_save(
            course=form.instance, dates=dates, deleted=formset.deleted_objects, by=request.user
        )
        _tell_promoted(request, promoted)

    @admin.action(description=_("Publish the selected courses"))
    def publish(self, request, queryset):
        count = self._each(request, queryset, services.course_publish)
        self.message_user(request, gettext("%(count)s course(s) published.") % {"count": count})

    @admin.action(description=_("Take the selected courses offline"))
    def unpublish(self, request, queryset):
        count = self._each(request, queryset, services.course_unpublish)
        self.message_user(request, gettext("%(count)s course(s) taken offline.") % {"count": count})

    def _each(self, request, queryset, service) -> int:
        """Run `service` on each course; how many it changed."""
        changed = 0
        for course in queryset:
            try:
                changed += service(course=course, by=request.user)
            except DomainError as error:
                show_error(request, error)
        return changed


@admin.register(CourseDate)
class CourseDateAdmin(RefusedSaveMixin, StepPagesMixin, AuditTrailMixin, admin.ModelAdmin):
    workflow = COURSE_DATE
    step_fields = {
        "reason": reason_field(
            _("Reason, as the participants will read it"), rows=3, max_length=1000, required=False
        )
    }
    formfield_overrides = URL_FIELDS
    list_display = ["__str__", "place_display", "status", "seats_display", "links"]
    list_filter = ["status", "course__format", "state", "course", AttendanceMissingFilter]
    search_fields = ["course__title", "venue", "town"]
    date_hierarchy = "start"
    readonly_fields = ["status", "cancelled_reason", "audit_trail"]
    autocomplete_fields = ["course"]
    actions = ["duplicate"]
    fields = [
        "course",
        ("start", "end"),
        ("online", "video_link"),
        ("venue", "address"),
        ("town", "state"),
        "capacity",
        ("registration_opens", "registration_deadline"),
        ("status", "cancelled_reason"),
        "audit_trail",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course").with_seats()

    @admin.display(description=_("place"))
    def place_display(self, date):
        return date.place

    @admin.display(description=_("seats taken / free"))
    def seats_display(self, date):
        return f"{date.taken} / {max(date.free, 0)}"

    @admin.display(description=_("participants"))
    def links(self, date):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:trainings_coursedate_participants", args=[date.pk]),
            gettext("participant list"),
            reverse("trainings:attendance", args=[date.pk]),
            gettext("attendance"),
        )

    def save_model(self, request, obj, form, change):
        promoted = services.course_dates_save(course=obj.course, dates=[obj], by=request.user)
        _tell_promoted(request, promoted)

    @admin.action(description=_("Duplicate the selected dates one week later"))
    def duplicate(self, request, queryset):
        copies = 0
        for date in queryset.select_related("course"):
            try:
                services.course_date_duplicate(date=date, by=request.user)
            except DomainError as error:
                show_error(request, error)
            else:
                copies += 1
        self.message_user(
            request,
            gettext("%(count)s date(s) copied to one week later; please check the times.")
            % {"count": copies},
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/participants/",
                self.admin_site.admin_view(self.participants_view),
                name="trainings_coursedate_participants",
            ),
            *super().get_urls(),
        ]

    def participants_view(self, request, pk):
        date = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, date):
            raise Http404
        registrations = selectors.offer_registrations(date).order_by("status", "pk")
        if request.GET.get("format") == "csv":
            return participants_csv(date, registrations, marks=selectors.attendance_marks(date))
        # Seats are held by confirmed people and by guests who have not confirmed yet.
        confirmed = [r for r in registrations if r.holds_seat]
        waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Participants: %(date)s") % {"date": date},
            "date": date,
            "confirmed": confirmed,
            "waiting": waiting,
        }
        return TemplateResponse(request, "admin/trainings/coursedate/participants.html", context)

    def step_context(self, request, date):
        series = date.course.is_series
        return {
            "date": date,
            "affected": selectors.attendance_list(date).count(),
            "waiting": Registration.objects.waitlisted()
            .filter(course=date.course, date=None if series else date)
            .count(),
        }

    def step_done(self, request, date, step, told):
        messages.success(
            request,
            gettext("The date was cancelled; %(count)s people were told by email.")
            % {"count": told},
        )


@admin.register(Registration)
class RegistrationAdmin(StepPagesMixin, AuditTrailMixin, admin.ModelAdmin):
    workflow = REGISTRATION
    list_display = ["participant", "course", "date", "status", "body_display", "created_at"]
    list_filter = ["status", "course", WaitingWithFreeSeatFilter]
    search_fields = [
        "person__email",
        "person__full_name",
        "guest_name",
        "guest_email",
        "course__title",
    ]
    list_select_related = ["person", "course", "date", "municipality", "organisation"]
    readonly_fields = [
        "course",
        "date",
        "person",
        "guest_name",
        "guest_email",
        "language",
        "email_confirmed",
        "expires_at",
        "municipality",
        "organisation",
        "status",
        "answers",
        "share_contact",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "audit_trail",
    ]
    actions = ["cancel"]

    @admin.display(description=_("participant"), ordering="person__full_name")
    def participant(self, registration):
        if registration.is_guest:
            return format_html("{} ({})", registration.guest_name, gettext("guest"))
        return registration.person

    @admin.display(description=_("municipality or organisation"))
    def body_display(self, registration):
        return registration.body or "–"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the selected registrations (seats go to the waitlist)"))
    def cancel(self, request, queryset):
        cancel = steps_of(REGISTRATION.name)["cancel_for_participant"]
        cancelled = 0
        for registration in queryset.active().select_related("course", "date"):
            if not cancel.may(request.user, registration):
                raise PermissionDenied
            try:
                cancel.run(REGISTRATION, registration, by=request.user)
            except DomainError as error:
                show_error(request, error)
            else:
                cancelled += 1
        self.message_user(
            request, gettext("%(count)s registration(s) cancelled.") % {"count": cancelled}
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["registration", "date", "present", "recorded_by", "recorded_at"]
    list_filter = ["present"]
    list_select_related = ["registration__person", "registration__course", "date__course"]


@admin.register(Certificate)
class CertificateAdmin(AuditTrailMixin, ReadOnlyAdmin):
    list_display = ["code", "name", "title", "kind", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "title"]
    readonly_fields = ["audit_trail"]


@admin.register(CourseFeedback)
class CourseFeedbackAdmin(AuditTrailMixin, ReadOnlyAdmin):
    list_display = ["registration", "rating", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["registration__course", "registration__person"]
    readonly_fields = ["audit_trail"]
