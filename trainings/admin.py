"""Coordinators publish courses and dates, see participants, and cancel in the admin.

Dates are entered with their course; a date's status changes only through "Cancel date"
(`services.course_date_cancel`, which tells everyone), registrations only through the
portal or the "Cancel registration" action (`services.registration_cancel`, which hands the
seat on). After a course is saved, `services.course_dates_changed` moves reminders to the new
times and gives seats added by a larger capacity to the waitlist.
"""

import csv
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import COORDINATOR
from trainings import services
from trainings.errors import TrainingError
from trainings.models import (
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
from trainings.selectors import with_seats


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
        changed = self.instance.pk and is_series != self.instance.is_series
        if changed and self.instance.registrations.exists():
            raise forms.ValidationError(
                _("People have registered already, so whether the dates form a series stays.")
            )
        return is_series


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseForm
    list_display = ["title", "format", "module", "next_date", "seats", "published"]
    list_filter = ["published", "format", "is_series", "module__programme", "topics"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["coordinator"]
    filter_horizontal = ["topics"]
    inlines = [CourseDateInline, QuestionInline]
    actions = ["publish", "unpublish"]
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
                ]
            },
        ),
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            promoted = services.course_dates_changed(course=form.instance)
            if promoted:
                messages.info(
                    request,
                    gettext("%(count)s people moved up from the waitlist and were told.")
                    % {"count": promoted},
                )

    @admin.action(description=_("Publish the selected courses"))
    def publish(self, request, queryset):
        count = queryset.update(published=True)
        self.message_user(request, gettext("%(count)s course(s) published.") % {"count": count})

    @admin.action(description=_("Take the selected courses offline"))
    def unpublish(self, request, queryset):
        count = queryset.update(published=False)
        self.message_user(request, gettext("%(count)s course(s) taken offline.") % {"count": count})


class CancelDateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, as the participants will read it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


@admin.register(CourseDate)
class CourseDateAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["__str__", "place_display", "status", "seats_display", "links"]
    list_filter = ["status", "course__format", "state", "course"]
    search_fields = ["course__title", "venue", "town"]
    date_hierarchy = "start"
    readonly_fields = ["status", "cancelled_reason"]
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
    ]

    def get_queryset(self, request):
        return with_seats(super().get_queryset(request).select_related("course"))

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
        super().save_model(request, obj, form, change)
        if change:
            promoted = services.course_dates_changed(course=obj.course)
            if promoted:
                messages.info(
                    request,
                    gettext("%(count)s people moved up from the waitlist and were told.")
                    % {"count": promoted},
                )

    @admin.action(description=_("Duplicate the selected dates one week later"))
    def duplicate(self, request, queryset):
        copies = 0
        for date in queryset:
            copy = CourseDate(
                course=date.course,
                start=date.start + timedelta(weeks=1),
                end=date.end + timedelta(weeks=1),
                online=date.online,
                venue=date.venue,
                address=date.address,
                town=date.town,
                state=date.state,
                video_link=date.video_link,
                capacity=date.capacity,
                registration_opens=date.registration_opens,
                registration_deadline=(
                    date.registration_deadline + timedelta(weeks=1)
                    if date.registration_deadline
                    else None
                ),
            )
            copy.save()
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
            path(
                "<int:pk>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="trainings_coursedate_cancel",
            ),
            *super().get_urls(),
        ]

    def _date(self, request, pk) -> CourseDate:
        date = get_object_or_404(CourseDate.objects.select_related("course"), pk=pk)
        if not self.has_view_permission(request, date):
            raise Http404
        return date

    def participants_view(self, request, pk):
        date = self._date(request, pk)
        course = date.course
        registrations = (
            Registration.objects.active()
            .filter(course=course, date=None if course.is_series else date)
            .select_related("person", "municipality", "organisation")
            .order_by("status", "pk")
        )
        if request.GET.get("format") == "csv":
            return self._csv(date, registrations)
        confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
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

    def _csv(self, date, registrations):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="participants-{date.pk}.csv"'
        response.write("\ufeff")  # so that spreadsheet programs read the umlauts
        writer = csv.writer(response, delimiter=";")
        questions = []
        for registration in registrations:
            for answer in registration.answers:
                if answer["question"] not in questions:
                    questions.append(answer["question"])
        writer.writerow(
            [
                gettext("status"),
                gettext("name"),
                gettext("email"),
                gettext("municipality or organisation"),
                gettext("registered at"),
                *questions,
            ]
        )
        for registration in registrations:
            answers = {a["question"]: a["answer"] for a in registration.answers}
            writer.writerow(
                [
                    registration.get_status_display(),
                    registration.person.full_name,
                    registration.person.email,
                    str(registration.body or ""),
                    timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
                    *[_spreadsheet_safe(answers.get(q, "")) for q in questions],
                ]
            )
        return response

    def cancel_view(self, request, pk):
        date = self._date(request, pk)
        if not self.has_change_permission(request, date) or not request.user.has_role(COORDINATOR):
            raise Http404
        form = CancelDateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                told = services.course_date_cancel(
                    date=date, by=request.user, reason=form.cleaned_data["reason"]
                )
            except TrainingError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    gettext("The date was cancelled; %(count)s people were told by email.")
                    % {"count": told},
                )
            return HttpResponseRedirect(
                reverse("admin:trainings_coursedate_change", args=[date.pk])
            )
        affected = services.attendance_list(date).count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Cancel date: %(date)s") % {"date": date},
            "date": date,
            "form": form,
            "affected": affected,
            "waiting": Registration.objects.waitlisted()
            .filter(course=date.course, date=None if date.course.is_series else date)
            .count(),
        }
        return TemplateResponse(request, "admin/trainings/coursedate/cancel.html", context)


def _spreadsheet_safe(value: str) -> str:
    """Answers typed by participants must not run as formulas in a spreadsheet."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["person", "course", "date", "status", "body_display", "created_at"]
    list_filter = ["status", "course"]
    search_fields = ["person__email", "person__full_name", "course__title"]
    list_select_related = ["person", "course", "date", "municipality", "organisation"]
    readonly_fields = [
        "course",
        "date",
        "person",
        "municipality",
        "organisation",
        "status",
        "answers",
        "share_contact",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    actions = ["cancel"]

    @admin.display(description=_("municipality or organisation"))
    def body_display(self, registration):
        return registration.body or "–"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel the selected registrations (seats go to the waitlist)"))
    def cancel(self, request, queryset):
        cancelled = 0
        for registration in queryset.active():
            try:
                services.registration_cancel(registration=registration, by=request.user)
            except TrainingError as error:
                messages.error(request, f"{registration}: {error.message}")
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
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "title", "kind", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "title"]


@admin.register(CourseFeedback)
class CourseFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["registration", "rating", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["registration__course", "registration__person"]
