"""Benchmark: the public course calendar and the feed with 10 and 1,000 dates (and 10,000).

    make bench            (or: .venv/bin/python -m tests.bench.calendar)

Runs on PostgreSQL (BENCH_DATABASE_URL; default: the local server, database
portal_bench_calendar, created afresh). Each size gets a fresh set of published courses
(half series of three dates, half repeated one-date courses), dates spread over a year in
several states, and confirmed registrations filling about half the seats, so the seat
arithmetic has rows to count. The tables are analysed after each fill, as autovacuum would.

Measured for each size, through Django's test client as an anonymous visitor:
1. the number of queries of `/trainings/` (must not grow with the dates),
2. the median and worst time of `/trainings/` (first page of 20) and with the filter
   "only dates with free seats", 30 runs after 3 warm-up runs,
3. the median time of `/trainings/feed.ics` (every public date).
"""

import argparse
import os
from datetime import UTC, datetime, timedelta

from tests.bench.common import count_queries, measure, setup_django

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_calendar"
)


def populate(count: int, now: datetime) -> None:
    """`count` dates of published courses, with registrations filling about half the seats."""
    from portal.accounts.models import Municipality, User
    from trainings.models import Course, CourseDate, Registration

    Registration.objects.all().delete()
    CourseDate.objects.all().delete()
    Course.objects.all().delete()
    town = Municipality.objects.get_or_create(
        ags="05315000", defaults={"name": "Köln", "kind": "stadt", "state": "05"}
    )[0]
    people = list(User.objects.filter(email__endswith="@bench.example"))
    missing = 12 - len(people)
    people += [
        User.objects.create_user(f"person{len(people) + i}@bench.example", full_name="Bench")
        for i in range(missing)
    ]
    course_count = max(1, count // 2)
    courses = Course.objects.bulk_create(
        Course(
            title=f"Kurs {number}",
            slug=f"kurs-{count}-{number}",
            summary="Ein Kurs für den Benchmark.",
            format=("in_person", "online", "hybrid")[number % 3],
            is_series=number % 2 == 0,
            published=True,
        )
        for number in range(course_count)
    )
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    dates = CourseDate.objects.bulk_create(
        CourseDate(
            course=courses[index % course_count],
            start=start + timedelta(days=(index * 7) % 365, hours=index % 6),
            end=start + timedelta(days=(index * 7) % 365, hours=index % 6 + 4),
            venue="Rathaus",
            town="Köln",
            state=("05", "08", "11", "14")[index % 4],
            capacity=12,
        )
        for index in range(count)
    )
    by_course = {}
    for date in dates:
        by_course.setdefault(date.course_id, []).append(date)
    registrations = []
    for course in courses:
        for date in [None] if course.is_series else by_course.get(course.pk, []):
            for person in people[:6]:
                registrations.append(
                    Registration(
                        course=course,
                        date=date,
                        person=person,
                        municipality=town,
                        status="confirmed",
                        confirmed_at=now,
                    )
                )
            if course.is_series:
                break
    # One person, one active registration per course (the constraint): repeated courses
    # get their six people on the first date only.
    seen = set()
    unique = []
    for registration in registrations:
        key = (registration.course_id, registration.person_id)
        if key not in seen:
            seen.add(key)
            unique.append(registration)
    Registration.objects.bulk_create(unique)
    # Fresh statistics, as autovacuum would gather them after such an insert; without them
    # PostgreSQL plans the seat subqueries for a nearly empty table.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,1000,10000")
    arguments = parser.parse_args()
    setup_django(DATABASE_URL)

    from django.test import Client

    client = Client()
    now = datetime.now(UTC)
    print("dates   queries  /trainings/ median (worst)  free seats only   feed.ics median")
    for size in (int(part) for part in arguments.sizes.split(",")):
        populate(size, now)

        def page(query=""):
            response = client.get("/trainings/" + query)
            assert response.status_code == 200, response.status_code
            return response

        queries = count_queries(page)
        plain = measure(page)
        free = measure(lambda: page("?free=on"))
        feed = measure(lambda: client.get("/trainings/feed.ics"), runs=5, warmup=1)
        print(
            f"{size:>6}  {queries:>7}  {plain[0]:>10.1f} ms ({plain[1]:.1f})"
            f"  {free[0]:>10.1f} ms ({free[1]:.1f})  {feed[0]:>10.1f} ms"
        )


if __name__ == "__main__":
    main()
