"""Fixtures of the course tests: a three-date series, a repeated course, verified officers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.notifications.models import Notification
from tests.factories import CourseDateFactory, CourseFactory, MembershipFactory, UserFactory
from trainings.services import registration_create


def day_ahead(days: int, hour: int = 9):
    """`days` from now at `hour`:00 local time (Berlin)."""
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def make_course(*, dates: int = 3, capacity: int = 25, is_series: bool = True, **course):
    """A published course with `dates` weekly dates (6 hours each) from three weeks ahead."""
    made = CourseFactory(is_series=is_series, **course)
    for week in range(dates):
        start = day_ahead(21 + 7 * week)
        CourseDateFactory(
            course=made, start=start, end=start + timedelta(hours=6), capacity=capacity
        )
    return made


def dates_of(course):
    return list(course.dates.order_by("start", "pk"))


def emails_about(obj, kind: str | None = None):
    """The outbox rows written about one object (a registration or a date)."""
    rows = Notification.objects.about(obj)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("pk")


@pytest.fixture
def series(db):
    """A published series: three dates a week apart, 25 seats each, reminders 3 days ahead."""
    return make_course(dates=3, capacity=25, title="Werkstatt Integrationsarbeit")


@pytest.fixture
def repeated(db):
    """The same one-day course offered twice (is_series=False); one registers for a date."""
    return make_course(dates=2, capacity=25, is_series=False, title="Grundkurs Dialog")


@pytest.fixture
def officer_factory(db):
    """Make a verified membership of a new user (of `municipality`, or of a new one).

    Returns the membership; its `user` is the person who registers.
    """

    def make(municipality=None, *, verified: bool = True, **user):
        extra = {"municipality": municipality} if municipality is not None else {}
        return MembershipFactory(
            user=UserFactory(roles=["integration_officer"], **user), verified=verified, **extra
        )

    return make


@pytest.fixture
def register(officer_factory):
    """Register someone through the service: `register(course, membership=None, date=None)`.

    Without a membership, a new verified officer of a new municipality registers.
    """

    def do(course, membership=None, *, date=None, **kwargs):
        membership = membership or officer_factory()
        return registration_create(
            person=membership.user, course=course, date=date, membership=membership, **kwargs
        )

    return do


def admin_form_data(response) -> dict:
    """The POST data of an admin change form as it stands on the page (its inline formsets
    included), to be changed by a test and sent back."""
    from django import forms

    context = response.context
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            widget = field.field.widget
            if isinstance(widget, forms.SplitDateTimeWidget):
                parts = widget.decompress(value) if value else [None, None]
                for index, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                    data[f"{field.html_name}_{index}"] = sub.format_value(part) or ""
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [getattr(v, "pk", v) for v in value]
            else:
                data[field.html_name] = "" if value is None else getattr(value, "pk", value)

    add(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data
