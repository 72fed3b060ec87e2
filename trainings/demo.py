"""Demo programme, courses, registrations and attendance for `manage.py seed_demo`.

Runs after the demo people (portal.accounts.demo). The texts, places and numbers are in
`trainings/data/demo.json`: one published programme with four competence modules and eleven
published courses in several federal states and formats, among them a public evening lecture
that guests register for with a name and an address (three confirmed, one not yet). Their
dates lie relative to the day of seeding: one course was held some weeks ago, the others are
still ahead.

Every change goes through the services, as the portal's pages and the admin would make it,
so each has its audit entry and its emails: courses are entered and published by the demo
coordinator, officers register a few hours apart (waitlists, a cancellation that moves
someone up), and the past course's participants registered weeks before it, were marked
present at the door and some downloaded their certificate — its follow-up emails are due.

The demo officer of Köln holds a seat in an upcoming series, waits in a full course and
attended the past one on every date, so she can download a certificate of attendance. The
three-date workshop in Köln (journey 3) keeps five of its 25 seats free for the reviewer.

Running it again creates nothing: a course that exists (by its slug) is left as it is, with
its dates and registrations.
"""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.demo import DEMO_PASSWORD, DOMAIN, OFFICERS, person
from portal.accounts.models import Membership, Municipality, User
from portal.accounts.roles import COORDINATOR, INTEGRATION_OFFICER
from portal.accounts.services import membership_request, membership_verify
from portal.advisors.availability import local_instant
from portal.advisors.models import Topic
from trainings.models import (
    CompletionRule,
    Course,
    CourseDate,
    CourseFormat,
    Module,
    Programme,
    Question,
)
from trainings.services import (
    attendance_record,
    certificate_for_registration,
    course_dates_save,
    course_publish,
    course_save,
    registration_cancel,
    registration_create,
    registration_guest_confirm,
    registration_guest_create,
)

DATA = json.loads((Path(__file__).parent / "data" / "demo.json").read_text(encoding="utf-8"))

KOELN = OFFICERS[0][0]  # the demo officer login
# (email, name, AGS of the municipality, role there)
PARTICIPANTS = [
    (f"{entry['email']}.{DOMAIN}", entry["name"], entry["ags"], entry["role"])
    for entry in DATA["participants"]
]
COURSES = DATA["courses"]


def _video(slug: str, number: int) -> str:
    return f"https://video.example/kv-{slug}-{number}"


# --- Time ------------------------------------------------------------------------------------


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


# No course on a public holiday of every federal state, nor between Christmas and New Year.
CLOSED_DAYS = {(1, 1), (5, 1), (10, 3)} | {(12, day) for day in range(24, 32)}


def _working_day(day: date) -> date:
    """`day`, or the next working day if no course can take place on it."""
    while day.weekday() >= 5 or (day.month, day.day) in CLOSED_DAYS:
        day += timedelta(days=1)
    return day


def _at(day: date, clock: str) -> datetime:
    return local_instant(day, _clock(clock))


# --- People ----------------------------------------------------------------------------------


def _ensure_participants(coordinator: User) -> list[tuple[User, Membership]]:
    """The officers the demo registers, each with a verified membership of a municipality,
    in a fixed order; officers whose municipality is missing are left out."""
    municipalities = Municipality.objects.in_bulk(
        [ags for _email, _name, ags, _role in PARTICIPANTS], field_name="ags"
    )
    wanted = [entry for entry in PARTICIPANTS if entry[2] in municipalities]
    # One hash for all new logins (they share the demo password): hashing once per person
    # would cost seconds.
    known = set(
        User.objects.filter(email__in=[entry[0] for entry in wanted]).values_list(
            "email", flat=True
        )
    )
    missing = [entry for entry in wanted if entry[0] not in known]
    if missing:
        hashed = make_password(DEMO_PASSWORD)
        User.objects.bulk_create(
            [User(email=email, full_name=name, password=hashed) for email, name, *_ in missing]
        )
    for email, name, ags, role in wanted:
        user = person(email, name, INTEGRATION_OFFICER)
        membership = Membership.objects.filter(user=user, municipality=municipalities[ags]).first()
        if membership is None:
            membership = membership_request(user=user, role=role, municipality=municipalities[ags])
        if not membership.verified:
            membership_verify(membership=membership, by=coordinator)

    emails = [officer[0] for officer in OFFICERS[1:]] + [entry[0] for entry in wanted]
    memberships = {
        membership.user.email: membership
        for membership in Membership.objects.verified()
        .filter(user__email__in=emails, municipality__isnull=False)
        .select_related("user", "municipality")
        .order_by("pk")
    }
    return [
        (memberships[email].user, memberships[email]) for email in emails if email in memberships
    ]


def _koeln() -> tuple[User, Membership] | None:
    membership = (
        Membership.objects.verified()
        .filter(user__email=KOELN, municipality__isnull=False)
        .select_related("user", "municipality")
        .order_by("pk")
        .first()
    )
    return (membership.user, membership) if membership else None


# --- Courses ---------------------------------------------------------------------------------


def _programme() -> dict[int, Module]:
    spec = DATA["programme"]
    programme, _created = Programme.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "completion_rule": CompletionRule.ALL,
            "published": True,
        },
    )
    modules = {}
    for module in DATA["modules"]:
        modules[module["position"]], _created = Module.objects.get_or_create(
            programme=programme,
            position=module["position"],
            defaults={"title": module["title"], "summary": module["summary"]},
        )
    return modules


def _course(spec: dict, modules: dict[int, Module], coordinator: User) -> Course:
    """The course as the coordinator enters and publishes it in the admin."""
    course = course_save(
        course=Course(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            description="\n\n".join(spec["description"]),
            learning_goals="\n".join(spec["goals"]),
            target_group=spec["target_group"],
            format=spec["format"],
            module=modules.get(spec.get("module")),
            coordinator=coordinator,
            is_series=spec["is_series"],
            seats_per_municipality=spec.get("seats_per_municipality"),
            reminder_days=3,
            open_to_public=spec.get("open_to_public", False),
        ),
        by=coordinator,
    )
    topics = Topic.objects.filter(slug__in=spec["topics"])
    course.topics.set(topics)
    return course


def _dates(course: Course, spec: dict, today: date, coordinator: User) -> list[CourseDate]:
    day = today
    dates = []
    for number, entry in enumerate(spec["dates"], start=1):
        day = _working_day(day + timedelta(days=entry["after_days"]))
        fields = {
            "course": course,
            "start": _at(day, entry["starts"]),
            "end": _at(day, entry["ends"]),
            "capacity": entry["seats"],
        }
        if entry["place"]:
            fields.update(DATA["places"][entry["place"]])
        if entry["place"] is None or course.format == CourseFormat.HYBRID:
            fields.update(online=True, video_link=_video(course.slug, number))
        # The deadline of a series is its first date's; a repeated course has one per date.
        if spec.get("deadline_days") and (number == 1 or not course.is_series):
            fields["registration_deadline"] = _at(
                day - timedelta(days=spec["deadline_days"]), "12:00"
            )
        if spec.get("opens_in_days") and (number == 1 or not course.is_series):
            fields["registration_opens"] = _at(
                today + timedelta(days=spec["opens_in_days"]), "09:00"
            )
        dates.append(CourseDate(**fields))
    course_dates_save(course=course, dates=dates, by=coordinator)
    return list(course.dates.order_by("start", "pk"))


def _questions(course: Course, keys: list[str]) -> None:
    questions = DATA["questions"]
    Question.objects.bulk_create(
        [
            Question(
                course=course,
                position=position,
                label=questions[key]["label"],
                kind=questions[key]["kind"],
                choices="\n".join(questions[key]["choices"]),
                required=questions[key]["required"],
            )
            for position, key in enumerate(keys, start=1)
        ]
    )


def _answers(questions: list[Question], index: int) -> dict:
    """A participant's answers, varied by their place in the queue."""
    answers = {}
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            answers[question.pk] = DATA["access_needs"].get(str(index), "")
        elif question.kind == Question.Kind.CHOICE:
            options = question.options
            answers[question.pk] = options[index % len(options)]
        else:
            answers[question.pk] = index % 3 == 0
    return answers


def _entrants(pool: list, offset: int, count: int) -> list:
    rotated = pool[offset:] + pool[:offset]
    return rotated[:count]


def _register(
    course: Course,
    offers: list[CourseDate | None],
    spec: dict,
    *,
    pool: list,
    offset: int,
    koeln: tuple | None,
    now: datetime,
) -> None:
    """Register demo officers through the service, a few hours apart, oldest first."""
    questions = list(course.questions.all())
    queue = _entrants(pool, offset, sum(spec["fill"]))
    for offer, count in zip(offers, spec["fill"], strict=True):
        people, queue = queue[:count], queue[count:]
        if offer is offers[0] and koeln and spec.get("koeln"):
            people.insert(spec["koeln"]["after"], koeln)
        registrations = []
        for index, (user, membership) in enumerate(people):
            registrations.append(
                registration_create(
                    person=user,
                    course=course,
                    date=offer,
                    membership=membership,
                    answers=_answers(questions, index),
                    share_contact=index % 3 != 1,
                    now=now - timedelta(hours=4 * (len(people) - index)),
                )
            )
        cancel = spec.get("cancel")
        if cancel and offers.index(offer) == cancel["offer"]:
            leaving = registrations[cancel["index"]]
            registration_cancel(registration=leaving, by=leaving.person, now=now)


def _held(
    course: Course,
    dates: list[CourseDate],
    spec: dict,
    *,
    pool: list,
    offset: int,
    koeln: tuple | None,
    coordinator: User,
) -> None:
    """The past course as it went: registered weeks before, attendance taken at the door by
    the coordinator, a few certificates downloaded some days after."""
    people = _entrants(pool, offset, spec["fill"][0])
    if koeln:
        people.insert(spec["koeln"]["after"], koeln)
    first = dates[0].start
    registrations = [
        registration_create(
            person=user,
            course=course,
            membership=membership,
            share_contact=index % 3 != 1,
            now=first - timedelta(days=30) + timedelta(hours=5 * index),
        )
        for index, (user, membership) in enumerate(people)
    ]
    for index, registration in enumerate(registrations):
        for day in dates:
            # Every sixth missed the last date (the demo officer was there every time).
            missed = day == dates[-1] and index % 6 == 5 and registration.person.email != KOELN
            attendance_record(
                date=day,
                registration=registration,
                present=not missed,
                by=coordinator,
                now=day.start + timedelta(minutes=20),
            )
    # Some participants downloaded their certificate a few days after the course; the demo
    # officer's is issued when she downloads it.
    issued = [r for r in registrations if r.person.email != KOELN][:4]
    for index, registration in enumerate(issued):
        certificate_for_registration(
            registration=registration,
            by=registration.person,
            now=dates[-1].end + timedelta(days=2, hours=index * 3),
        )


@transaction.atomic
def seed() -> list[Course]:
    """Create the demo programme and courses once; later runs leave them as they are."""
    coordinator = User.objects.filter(groups__name=COORDINATOR).order_by("pk").first()
    if coordinator is None:
        raise RuntimeError("Run the accounts demo first: no coordinator exists.")
    modules = _programme()
    pool = _ensure_participants(coordinator)
    koeln = _koeln()
    now = timezone.now()
    today = timezone.localdate(now)
    existing = Course.objects.in_bulk([spec["slug"] for spec in COURSES], field_name="slug")
    courses = []
    for number, spec in enumerate(COURSES):
        if spec["slug"] in existing:
            courses.append(existing[spec["slug"]])
            continue
        course = _course(spec, modules, coordinator)
        dates = _dates(course, spec, today, coordinator)
        _questions(course, spec.get("questions", []))
        course_publish(course=course, by=coordinator)
        courses.append(course)
        offset = (7 * number) % max(len(pool), 1)
        if spec.get("past"):
            _held(
                course, dates, spec, pool=pool, offset=offset, koeln=koeln, coordinator=coordinator
            )
        else:
            offers = [None] if course.is_series else dates
            _register(course, offers, spec, pool=pool, offset=offset, koeln=koeln, now=now)
            _guests(course, spec.get("guests", []), now=now)
    return courses


def _guests(course: Course, guests: list[dict], *, now: datetime) -> None:
    """Guests of a public course register through the guest service, an hour apart; those
    marked confirmed followed the link in their email."""
    for index, guest in enumerate(guests):
        registered_at = now - timedelta(hours=len(guests) - index)
        registration = registration_guest_create(
            course=course,
            name=guest["name"],
            email=f"{guest['email']}@gaeste.{DOMAIN}",
            language=guest["language"],
            now=registered_at,
        )
        if guest["confirmed"]:
            registration_guest_confirm(
                registration=registration, now=registered_at + timedelta(minutes=20)
            )


def load_demo() -> list[str]:
    courses = seed()
    return [f"{_('Courses')}: {len(courses)}."]
