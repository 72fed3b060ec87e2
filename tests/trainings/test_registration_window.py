"""Whether a date takes registrations: one rule in two spellings, held together here.

`CourseDateQuerySet.with_registration_window` / `taking_registrations` (SQL, for lists) and
`CourseDate.registration_window` / `takes_registrations` (Python) must give the same answer
for every combination of status, opening, deadline and start, for a repeated course's date
and for each date of a series (whose first scheduled date decides). The registration service
and the registration page ask the same rule.
"""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CourseDateFactory, CourseFactory, MembershipFactory
from trainings.errors import TrainingError
from trainings.models import CourseDate, DateStatus, Window
from trainings.selectors import offer_for

NOW = timezone.now().replace(microsecond=0)
DAY = timedelta(days=1)
# Offsets from NOW; None: not set. The exact moment is a boundary of its own.
OPENS = [None, -DAY, timedelta(0), DAY]
DEADLINES = [None, -DAY, timedelta(0), DAY]
STARTS = [-timedelta(hours=1), 2 * DAY]


def _combinations():
    for series, status, opens, deadline, start in itertools.product(
        [False, True], DateStatus.values, OPENS, DEADLINES, STARTS
    ):
        if opens is not None and deadline is not None and deadline <= opens:
            continue  # the database refuses a deadline before the opening
        yield pytest.param(
            series,
            status,
            opens,
            deadline,
            start,
            id=f"{'series' if series else 'date'}-{status}-o{opens}-d{deadline}-s{start}",
        )


COMBINATIONS = list(_combinations())


def make(series, status, opens, deadline, start):
    """A course whose first date has the given status and window; a series has a second,
    plain date a week later, so that the first (or, if cancelled, the second) decides."""
    course = CourseFactory(is_series=series)
    first = CourseDateFactory(
        course=course,
        start=NOW + start,
        end=NOW + start + timedelta(hours=3),
        status=status,
        registration_opens=None if opens is None else NOW + opens,
        registration_deadline=None if deadline is None else NOW + deadline,
    )
    if series:
        CourseDateFactory(
            course=course, start=first.start + 7 * DAY, end=first.end + 7 * DAY, capacity=25
        )
    return course


@pytest.mark.django_db
@pytest.mark.parametrize(("series", "status", "opens", "deadline", "start"), COMBINATIONS)
def test_sql_and_python_agree(series, status, opens, deadline, start):
    course = make(series, status, opens, deadline, start)

    in_sql = {d.pk: d.window for d in CourseDate.objects.with_registration_window(NOW)}
    taking = set(CourseDate.objects.taking_registrations(NOW).values_list("pk", flat=True))
    for date in CourseDate.objects.filter(course=course):  # fresh, nothing prefetched
        assert date.registration_window(NOW) == in_sql[date.pk]
        assert date.takes_registrations(NOW) == (date.pk in taking)

    # The offer a registration is for reads the same rule.
    dates = list(course.dates.all())
    offers = [offer_for(course)] if series else [offer_for(course, d) for d in dates]
    for offer in offers:
        expected = in_sql[offer.dates[0].pk] if offer.dates else Window.CANCELLED
        assert offer.window(NOW) == expected


@pytest.mark.django_db
def test_the_grid_reaches_every_answer():
    """The combinations above are not one-sided: together they meet every answer."""
    for combination in COMBINATIONS:
        make(*combination.values)
    windows = CourseDate.objects.with_registration_window(NOW).values_list("window", flat=True)
    assert set(windows) == {Window.OPEN, Window.NOT_YET_OPEN, Window.CLOSED, Window.CANCELLED}


@pytest.mark.django_db
@pytest.mark.parametrize(("series", "status", "opens", "deadline", "start"), COMBINATIONS)
def test_the_registration_service_asks_the_same_rule(
    series, status, opens, deadline, start, register
):
    course = make(series, status, opens, deadline, start)
    date = course.dates.order_by("start").first()
    offer = offer_for(course) if series else offer_for(course, date)

    try:
        register(course, date=None if series else date, now=NOW)
    except TrainingError:
        registered = False
    else:
        registered = True

    assert registered == offer.is_open(NOW)


@pytest.mark.django_db
def test_the_registration_page_offers_exactly_the_dates_taking_registrations(client):
    now = timezone.now()
    course = CourseFactory(is_series=False)
    open_date = CourseDateFactory(course=course, start=now + 10 * DAY, end=now + 10 * DAY + DAY / 4)
    CourseDateFactory(
        course=course,
        start=now + 20 * DAY,
        end=now + 20 * DAY + DAY / 4,
        registration_opens=now + 5 * DAY,
    )
    CourseDateFactory(
        course=course,
        start=now + 30 * DAY,
        end=now + 30 * DAY + DAY / 4,
        registration_deadline=now - DAY,
    )
    CourseDateFactory(
        course=course,
        start=now + 40 * DAY,
        end=now + 40 * DAY + DAY / 4,
        status=DateStatus.CANCELLED,
    )
    person = MembershipFactory(verified=True).user
    client.force_login(person)

    response = client.get(reverse("trainings:register", args=[course.slug]))

    offered = list(response.context["form"].fields["date"].queryset)
    assert offered == [open_date]
    assert offered == list(course.dates.taking_registrations(now))
