"""The consultations' lines on the coordinator's desk (see `portal.core.desk`), and the
admin filter the appointments line leads to, so that the count and the list agree."""

from datetime import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from consultations.models import Appointment, Consultation, Status
from portal.accounts.roles import ADVISOR, COORDINATOR, is_coordinating
from portal.core.desk import changelist, desk

MINUTES_MISSING = "missing"


def appointments_without_minutes(user, *, now: datetime | None = None):
    """Appointments that took place (scheduled, and over) and have no minutes yet; an
    advisor's own only, unless she coordinates."""
    appointments = Appointment.objects.scheduled().filter(
        ends_at__lte=now or timezone.now(), minutes=""
    )
    if not is_coordinating(user):
        appointments = appointments.filter(advisor__user=user)
    return appointments


@desk.line(
    "requests_untriaged",
    position=20,
    roles=(COORDINATOR,),
    label=ngettext_lazy("new request waits for triage", "new requests wait for triage", "count"),
    url=changelist("consultations.consultation", status__exact=Status.SUBMITTED),
)
def requests_untriaged(user) -> int:
    return Consultation.objects.filter(status=Status.SUBMITTED).count()


@desk.line(
    "cases_without_advisor",
    position=30,
    roles=(COORDINATOR,),
    label=ngettext_lazy(
        "case in triage has no advisor yet", "cases in triage have no advisor yet", "count"
    ),
    url=changelist(
        "consultations.consultation", status__exact=Status.IN_TRIAGE, lead_advisor__isnull="1"
    ),
)
def cases_without_advisor(user) -> int:
    return Consultation.objects.filter(status=Status.IN_TRIAGE, lead_advisor__isnull=True).count()


@desk.line(
    "appointments_without_minutes",
    position=40,
    roles=(COORDINATOR, ADVISOR),
    label=ngettext_lazy(
        "appointment that took place has no minutes",
        "appointments that took place have no minutes",
        "count",
    ),
    url=changelist("consultations.consultation", minutes=MINUTES_MISSING),
)
def appointments_minutes_missing(user) -> int:
    return appointments_without_minutes(user).count()


class MinutesMissingFilter(admin.SimpleListFilter):
    """Cases with an appointment that took place and has no minutes (an advisor's own)."""

    title = _("minutes")
    parameter_name = "minutes"

    def lookups(self, request, model_admin):
        return [(MINUTES_MISSING, _("missing after an appointment"))]

    def queryset(self, request, queryset):
        if self.value() != MINUTES_MISSING:
            return queryset
        missing = appointments_without_minutes(request.user).filter(consultation=OuterRef("pk"))
        return queryset.filter(Exists(missing))
