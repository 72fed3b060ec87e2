"""Demo exchange rounds, a round-table series and practice examples for `manage.py seed_demo`.

Runs after the demo people, advisors and courses (whose officers register here too). The
texts, places and numbers are in `exchanges/data/demo.json`; the rounds lie relative to the
day of seeding:

- two rounds took place weeks ago: attendance was recorded, the documentation with its
  follow-up items was published, and practice examples presented there were published;
- a round table of Leipzig met twice, each meeting planned from the one before with its open
  items carried; its third meeting is ahead;
- ahead: a round open to three eastern states with questions handed in, a conference of five
  states in which the demo officer of Köln holds a seat, a small round that is full with a
  waitlist, a public information evening with guests (one has not yet confirmed), and a
  draft only coordinators see.

Every change goes through the services, at the time it would have happened (`now=`), as the
pages and the admin would make it, so each has its audit entry and its emails. Running it
again creates nothing: a round that exists (by its slug) is left as it is, with its meetings,
and a practice example that exists (by title and municipality) too.
"""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.models import ExchangeRound, PracticeExample, RoundRegistration, RoundSeries
from exchanges.selectors.registrations import registration_refusal
from exchanges.services.documentation import (
    FollowUpRow,
    attendance_record,
    documentation_publish,
    documentation_save,
)
from exchanges.services.practice import ExampleContent, example_create, example_publish
from exchanges.services.questions import question_set_on_agenda, question_submit
from exchanges.services.registrations import (
    round_guest_confirm,
    round_guest_register,
    round_register,
)
from exchanges.services.rounds import round_next_meeting, round_publish, round_save, series_save
from portal.accounts.demo import DOMAIN, OFFICERS
from portal.accounts.models import Membership, User
from portal.accounts.roles import COORDINATOR
from portal.advisors.availability import local_instant
from portal.advisors.models import Topic

DATA = json.loads((Path(__file__).parent / "data" / "demo.json").read_text(encoding="utf-8"))
KOELN = OFFICERS[0][0]  # the demo officer login
# A round is announced this long before it takes place (or at once, if that has passed).
ANNOUNCED_BEFORE = timedelta(days=30)
ANNOUNCED_AT_LEAST = timedelta(days=3)
# People register a few hours apart after the announcement.
REGISTRATION_STEP = timedelta(hours=5)


def _day(days: int) -> date:
    """`days` from today, a weekend moved to the Monday after."""
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: date, clock: str) -> datetime:
    hours, minutes = clock.split(":")
    return local_instant(day, time(int(hours), int(minutes)))


def _times(entry: dict) -> tuple[datetime, datetime]:
    day = _day(entry["days"])
    return _at(day, entry["starts"]), _at(day, entry["ends"])


def _members() -> list[Membership]:
    """Verified memberships of the demo, in the order of their login."""
    return list(
        Membership.objects.verified()
        .select_related("user", "municipality", "organisation")
        .order_by("user__email", "pk")
    )


def _users(prefixes: list[str]) -> list[User]:
    emails = [f"{prefix}@{DOMAIN}" for prefix in prefixes]
    found = {user.email: user for user in User.objects.filter(email__in=emails)}
    return [found[email] for email in emails if email in found]


# --- Rounds ----------------------------------------------------------------------------------


def _new_round(entry: dict, *, coordinator: User, series: RoundSeries | None) -> ExchangeRound:
    start, end = _times(entry)
    # Announced a month ahead, and at least long enough ago for everyone to have registered.
    announced = min(timezone.now() - ANNOUNCED_AT_LEAST, start - ANNOUNCED_BEFORE)
    place = entry["place"] or {}
    round = ExchangeRound(
        title=entry["title"],
        slug=entry["slug"],
        summary=entry["summary"],
        description=entry["description"],
        agenda="\n".join(entry["agenda"]),
        format=entry["format"],
        mode=entry["mode"],
        start=start,
        end=end,
        venue=place.get("venue", ""),
        address=place.get("address", ""),
        town=place.get("town", ""),
        venue_state=place.get("state", ""),
        video_link=f"https://video.example/kv-{entry['slug'][:40]}" if entry["video"] else "",
        coordinator=coordinator,
        states=entry["states"],
        audience=entry["audience"],
        capacity=entry["capacity"],
        seats_per_municipality=entry["per_municipality"],
        seats_per_state=entry["per_state"],
        series=series,
        created_at=announced - timedelta(days=1),
    )
    return round_save(
        round=round,
        by=coordinator,
        themes=list(Topic.objects.filter(slug__in=entry["themes"])),
        moderators=_users(entry["moderators"]),
        now=announced - timedelta(days=1),
    )


def _register(
    round: ExchangeRound, entry: dict, members: list[Membership], *, at: datetime, koeln: bool
) -> list[RoundRegistration]:
    """From `at` on, the members the entry names register one after the other (the services
    seat or wait-list them); then the guests. Returns the members' registrations."""
    chosen, people = [], set()
    queue = [m for m in members if m.user.email == KOELN] if koeln else []
    queue += [m for m in members if m.user.email != KOELN]
    for membership in queue:
        if len(chosen) >= entry.get("members", 0) + (1 if koeln else 0):
            break
        if membership.user_id in people:
            continue
        if registration_refusal(round, membership, now=at) is not None:
            continue
        chosen.append(
            round_register(person=membership.user, round=round, membership=membership, now=at)
        )
        people.add(membership.user_id)
        at += REGISTRATION_STEP
    for guest in entry.get("guests", []):
        # One guest has only just registered: their confirmation is still awaited.
        when = at if guest["confirmed"] else timezone.now() - timedelta(hours=2)
        registration = round_guest_register(
            round=round,
            name=guest["name"],
            email=f"{guest['email']}@{DOMAIN}",
            language=guest["language"],
            now=when,
        )
        if guest["confirmed"]:
            round_guest_confirm(registration=registration, now=when + timedelta(minutes=20))
        at += REGISTRATION_STEP
    return chosen


def _questions(round: ExchangeRound, entry: dict, registrations: list[RoundRegistration]):
    moderator = round.moderators.order_by("pk").first()
    for question in entry.get("questions", []):
        if question["index"] >= len(registrations):
            continue
        submitted = question_submit(
            registration=registrations[question["index"]],
            text=question["text"],
            theme=Topic.objects.filter(slug=question["theme"]).first(),
            show_name=question["show_name"],
        )
        if question["agenda"] and moderator is not None:
            question_set_on_agenda(question=submitted, on_agenda=True, by=moderator)


def _document(round: ExchangeRound, documentation: dict) -> None:
    """After the round: attendance (every fourth confirmed participant stayed away), the
    documentation with its follow-up items, published the day after."""
    moderator = round.moderators.order_by("pk").first()
    confirmed = list(round.registrations.confirmed().order_by("pk").values_list("pk", flat=True))
    present = [pk for index, pk in enumerate(confirmed) if index % 4 != 3]
    attendance_record(round=round, present_ids=present, by=moderator, now=round.end)
    day = timezone.localtime(round.start).date()
    documentation_save(
        round=round,
        summary=documentation["summary"],
        results=documentation["results"],
        open_to_officers=documentation["open_to_officers"],
        follow_ups=[
            FollowUpRow(
                item=None,
                what=item["what"],
                who=item["who"],
                due=day + timedelta(days=item["due_days"]),
                done=item["done"],
            )
            for item in documentation["follow_ups"]
        ],
        by=moderator,
        now=round.end + timedelta(hours=20),
    )
    documentation_publish(round=round, by=moderator, now=round.end + timedelta(days=1))


def _take_place(round: ExchangeRound, entry: dict, members, *, coordinator: User) -> None:
    """Publish the round, fill it, and, once over, document it."""
    announced = round.created_at + timedelta(days=1)
    if entry.get("publish", True):
        round = round_publish(round=round, by=coordinator, now=announced)
    registrations = _register(
        round, entry, members, at=announced + timedelta(hours=2), koeln=entry.get("koeln", False)
    )
    if round.start > timezone.now():
        _questions(round, entry, registrations)
    elif entry.get("documentation"):
        _document(round, entry["documentation"])


def _meetings(first: ExchangeRound, entry: dict, members, *, coordinator: User) -> None:
    """The further meetings of a round table, each planned from the one before, a few days
    after its documentation (or today, for one still ahead)."""
    last = first
    for meeting in entry.get("next", []):
        start, end = _times(meeting)
        planned = min(timezone.now() - ANNOUNCED_AT_LEAST, last.end + timedelta(days=3))
        round = round_next_meeting(round=last, by=coordinator, start=start, end=end, now=planned)
        round = round_publish(round=round, by=coordinator, now=planned)
        _register(round, meeting, members, at=planned + timedelta(hours=2), koeln=False)
        if end <= timezone.now() and meeting.get("documentation"):
            _document(round, meeting["documentation"])
        last = round


def _series(entry: dict, coordinator: User) -> RoundSeries | None:
    if "series" not in entry:
        return None
    data = entry["series"]
    series = RoundSeries.objects.filter(slug=data["slug"]).first()
    if series is None:
        series = series_save(
            series=RoundSeries(
                slug=data["slug"], title=data["title"], description=data["description"]
            ),
            by=coordinator,
        )
    return series


# --- Practice examples -------------------------------------------------------------------------


def _examples(rounds: dict[str, ExchangeRound], coordinator: User) -> int:
    created = 0
    for entry in DATA["examples"]:
        membership = (
            Membership.objects.verified()
            .filter(municipality__ags=entry["ags"])
            .select_related("user", "municipality")
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        if PracticeExample.objects.filter(
            title=entry["title"], municipality=membership.municipality
        ).exists():
            continue
        author = membership.user
        content = ExampleContent(
            title=entry["title"],
            municipality=membership.municipality,
            topics=list(Topic.objects.filter(slug__in=entry["topics"])),
            situation=entry["situation"],
            action=entry["action"],
            effort=entry["effort"],
            outcome=entry["outcome"],
            contact_name=author.full_name if entry["contact"] else "",
            contact_email=author.email if entry["contact"] else "",
            contact_consent=entry["contact"],
            rounds=[rounds[key] for key in entry["rounds"] if key in rounds],
        )
        example = example_create(author=author, content=content, submit=True)
        if entry["publish"]:
            example_publish(example=example, by=coordinator)
        created += 1
    return created


@transaction.atomic
def seed() -> tuple[int, int]:
    """Create the demo rounds and examples once; returns how many of each were created."""
    coordinator = User.objects.filter(groups__name=COORDINATOR).order_by("pk").first()
    if coordinator is None:
        raise RuntimeError("Run the accounts demo first: no coordinator exists.")
    members = _members()
    rounds, created = {}, 0
    for entry in DATA["rounds"]:
        round = ExchangeRound.objects.filter(slug=entry["slug"]).first()
        if round is None:
            round = _new_round(entry, coordinator=coordinator, series=_series(entry, coordinator))
            _take_place(round, entry, members, coordinator=coordinator)
            _meetings(round, entry, members, coordinator=coordinator)
            created += 1 + len(entry.get("next", []))
            round.refresh_from_db()  # the services changed its status on copies of their own
        rounds[entry["key"]] = round
    return created, _examples(rounds, coordinator)


def load_demo() -> list[str]:
    rounds, examples = seed()
    return [
        f"{_('Exchange rounds')}: {rounds}.",
        f"{_('Practice examples')}: {examples}.",
    ]
