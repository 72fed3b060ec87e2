"""The admin of exchange rounds; practice examples have theirs in `admin_practice`.

Coordinators announce rounds here. A round is saved only through
`services.rounds.round_save` (with its themes and moderators), which refuses what would break
a promise to participants and tells them of a move; a refused save is rolled back as a whole
and the form comes back with the reason. Publishing, cancelling, marking held and planning
the next meeting of a round table are the registered steps (`exchanges/steps.py`), each on
a page of its own. Registrations and follow-up items are shown read-only: they are written
in the portal (registration, documentation).
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exchanges import admin_practice  # noqa: F401 (registers the practice examples' admin)
from exchanges.desk import DocumentationMissingFilter
from exchanges.models import (
    ROUND,
    SEAT_HOLDING,
    ExchangeRound,
    FollowUpItem,
    RegistrationStatus,
    RoundRegistration,
    RoundSeries,
)
from exchanges.selectors.registrations import state_names
from exchanges.services import rounds as services
from portal.accounts.models import User
from portal.accounts.roles import ADVISOR, COORDINATOR
from portal.advisors.models import Topic
from portal.core.admin import (
    AuditTrailMixin,
    RefusedSaveMixin,
    StepPagesMixin,
    labelled_split_datetime,
    reason_field,
)

# Video links typed without a scheme are meant as https.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyInline:
    """Rows written in the portal, shown on the round's page for reading."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegistrationInline(ReadOnlyInline, admin.TabularInline):
    model = RoundRegistration
    verbose_name_plural = _("registrations")
    fields = ["participant", "kind", "body", "state", "status", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "municipality", "organisation")
            .order_by("status", "pk")
        )

    @admin.display(description=_("participant"))
    def participant(self, registration):
        return registration.name

    @admin.display(description=_("member or guest"))
    def kind(self, registration):
        return gettext("guest") if registration.is_guest else gettext("member")

    @admin.display(description=_("municipality or organisation"))
    def body(self, registration):
        return registration.body or "–"


class FollowUpInline(ReadOnlyInline, admin.TabularInline):
    model = FollowUpItem
    fk_name = "round"
    verbose_name_plural = _("follow-up items of this round")
    fields = ["what", "who", "due", "done", "carried_to"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("carried_to")


class CarriedFollowUpInline(FollowUpInline):
    fk_name = "carried_to"
    verbose_name_plural = _("open items carried into this round")
    fields = ["what", "who", "due", "done", "round"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round")


class UpcomingFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("upcoming")), ("past", _("past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.upcoming(now)
        if self.value() == "past":
            return queryset.past(now)
        return queryset


class ByName:
    """A choice of people labelled by their names (their address where no name is given)."""

    def label_from_instance(self, user):
        return user.full_name or user.email


class PersonField(ByName, forms.ModelChoiceField):
    pass


class PeopleField(ByName, forms.ModelMultipleChoiceField):
    pass


@admin.register(ExchangeRound)
class ExchangeRoundAdmin(RefusedSaveMixin, StepPagesMixin, AuditTrailMixin, admin.ModelAdmin):
    workflow = ROUND
    step_fields = {
        "reason": reason_field(_("Reason, as the participants will read it")),
        "start": forms.DateTimeField(
            label=_("Starts"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        ),
        "end": forms.DateTimeField(
            label=_("Ends"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        ),
    }
    formfield_overrides = URL_FIELDS
    list_display = ["title", "start_display", "format", "status", "open_to", "seats", "waiting"]
    list_filter = [
        "status",
        UpcomingFilter,
        DocumentationMissingFilter,
        "format",
        "mode",
        "audience",
        "series",
        "themes",
    ]
    list_select_related = ["series"]
    search_fields = ["title", "slug", "summary", "town", "venue"]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    # Checkboxes and plain selects rather than autocomplete boxes, whose comboboxes have no
    # accessible name (axe); the lists are short: topics, advisors, coordinators.
    inlines = [RegistrationInline, FollowUpInline, CarriedFollowUpInline]
    readonly_fields = [
        "status",
        "cancelled_reason",
        "previous",
        "documentation_summary",
        "documentation_results",
        "documentation_open_to_officers",
        "documented_at",
        "audit_trail",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "status", "themes", "format", "mode"]}),
        (
            _("When"),
            {
                "fields": [
                    ("start", "end"),
                    ("registration_opens", "registration_deadline"),
                    "reminder_days",
                ]
            },
        ),
        (_("Where"), {"fields": [("venue", "town"), "address", "venue_state", "video_link"]}),
        (
            _("Who may take part"),
            {
                "fields": [
                    "states",
                    "audience",
                    "capacity",
                    ("seats_per_municipality", "seats_per_state"),
                ]
            },
        ),
        (_("Team"), {"fields": ["coordinator", "moderators"]}),
        (_("Content"), {"fields": ["description", "agenda"]}),
        (_("Round-table series"), {"fields": ["series", "previous"]}),
        (
            _("Cancellation and documentation"),
            {
                "fields": [
                    "cancelled_reason",
                    "documentation_summary",
                    "documentation_results",
                    "documentation_open_to_officers",
                    "documented_at",
                ],
                "classes": ["collapse"],
            },
        ),
        (_("History"), {"fields": ["audit_trail"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)),
                waiting_count=Count(
                    "registrations",
                    filter=Q(registrations__status=RegistrationStatus.WAITLISTED),
                ),
            )
        )

    @admin.display(description=_("starts"), ordering="start")
    def start_display(self, round):
        return timezone.localtime(round.start).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("open to"))
    def open_to(self, round):
        return state_names(round) if round.states else gettext("all states")

    @admin.display(description=_("seats taken / capacity"))
    def seats(self, round):
        return f"{round.taken} / {round.capacity}"

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, round):
        return round.waiting_count

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "moderators":
            kwargs["queryset"] = User.objects.filter(groups__name=ADVISOR, is_active=True)
            kwargs["help_text"] = _("Advisors only.")
            kwargs["form_class"] = PeopleField
        elif db_field.name == "themes":
            # Retired topics stay offered where a round still has them.
            kwargs["queryset"] = Topic.objects.filter(
                Q(active=True) | Q(rounds__isnull=False)
            ).distinct()
        kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "coordinator":
            kwargs["queryset"] = User.objects.filter(groups__name=COORDINATOR, is_active=True)
            kwargs["form_class"] = PersonField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and field is not None:
            labelled_split_datetime(field)  # a label for each of the date and the time input
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("coordinator", request.user.pk)
        return initial

    def has_delete_permission(self, request, obj=None):
        # A round is cancelled (its participants are told), never deleted.
        return False

    def save_model(self, request, obj, form, change):
        services.round_save(
            round=obj,
            by=request.user,
            themes=form.cleaned_data.get("themes"),
            moderators=form.cleaned_data.get("moderators"),
        )

    def save_related(self, request, form, formsets, change):
        # Themes and moderators were saved by `round_save`; the inlines are read-only, so
        # nothing of them is saved (the change message reads what was).
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # --- Step pages ------------------------------------------------------------------------

    def step_context(self, request, round):
        active = RoundRegistration.objects.filter(round=round).active()
        return {
            "round": round,
            "confirmed": active.filter(status=RegistrationStatus.CONFIRMED).count(),
            "others": active.exclude(status=RegistrationStatus.CONFIRMED).count(),
            "open_items": FollowUpItem.objects.filter(done=False)
            .filter(Q(round=round, carried_to__isnull=True) | Q(carried_to=round))
            .count(),
            "states": state_names(round),
        }

    def step_done(self, request, round, step, result):
        if step.name == "cancel":
            messages.success(
                request,
                gettext("The round was cancelled; %(count)s people were told by email.")
                % {"count": result},
            )
        elif step.name == "next_meeting":
            messages.success(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("The next meeting was created as a draft."),
                    reverse("admin:exchanges_exchangeround_change", args=[result.pk]),
                    gettext("Check and publish it."),
                ),
            )
        else:
            super().step_done(request, round, step, result)


class SeriesRoundInline(ReadOnlyInline, admin.TabularInline):
    model = ExchangeRound
    fk_name = "series"
    verbose_name_plural = _("meetings")
    fields = ["title", "start", "status"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["start"]


@admin.register(RoundSeries)
class RoundSeriesAdmin(RefusedSaveMixin, AuditTrailMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "meetings"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SeriesRoundInline]
    fields = ["title", "slug", "description", "audit_trail"]
    readonly_fields = ["audit_trail"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_count=Count("rounds"))

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meetings(self, series):
        return series.meeting_count

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.series_save(series=obj, by=request.user)
