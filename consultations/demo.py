"""Demo requests and cases for `manage.py seed_demo`, in every status of the workflow.

Runs after the demo people (portal.accounts.demo) and advisors (portal.advisors.demo). The
requests themselves are data (`demo/requests.json`); this module walks them and makes every
change through the services, taking each case along its `steps` with the workflow's
registered steps (consultations.steps), each by the first person the step's rule allows. So
every change leaves its audit entry, as a real programme would. Afterwards the timestamps
are moved into the past (submitted weeks ago, appointments held, and so on), relative to
today. Every text is invented. Running it again creates nothing: the demo requests are
recognised by their `concern`.
"""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import emails, selectors
from consultations.models import (
    CASE,
    OPEN_STATUSES,
    Appointment,
    Consultation,
    Feedback,
    Message,
    Note,
    Phase,
)
from consultations.services import (
    appointment_book,
    appointment_record,
    consultation_submit,
    feedback_submit,
    message_post,
    note_add,
)
from portal.accounts.demo import DOMAIN, person
from portal.accounts.models import Membership, Municipality, Organisation, User
from portal.accounts.roles import COORDINATOR, INTEGRATION_OFFICER
from portal.accounts.services import membership_request, membership_verify
from portal.advisors.availability import free_slots, local_instant
from portal.advisors.models import AdvisorProfile, ContactMode, Topic
from portal.core.models import AuditEntry
from portal.core.workflows import steps_of
from portal.notifications.services import notifications_cancel

DATA = Path(__file__).with_name("demo") / "requests.json"


def _load() -> dict:
    """The demo data, with the demo domain filled into its email addresses."""
    raw = DATA.read_text(encoding="utf-8").replace("{domain}", DOMAIN)
    return json.loads(raw)


_DATA = _load()
# People the demo needs besides those of portal.accounts.demo: officers in two more federal
# states and representatives of two more associations.
EXTRA_REQUESTERS: list[dict] = _DATA["extra_requesters"]
# Each request: who asks for which body, what about, the steps it has taken since, and on
# which days (`days`: the submission and each step, in days ago, moved back to the previous
# working day when on a weekend). Past appointments, notes and messages are dated the same.
REQUESTS: list[dict] = _DATA["requests"]
DEMO_CONCERNS = [request["concern"] for request in REQUESTS]
# The answers of the steps' pages that the data holds under the same names (besides the
# advisors `lead` and `co`, given as slugs).
ANSWER_KEYS = ("outcome", "measures", "reason", "referred_to")


def _workday(days_ago: int) -> date:
    """The day `days_ago` days before today, moved back to a Friday if on a weekend."""
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _at(days_ago: int, clock: str) -> datetime:
    hours, minutes = clock.split(":")
    return local_instant(_workday(days_ago), time(int(hours), int(minutes)))


def _requester_membership(email: str, body: dict) -> tuple[User, Membership]:
    user = User.objects.get(email=email)
    membership = Membership.objects.verified().get(user=user, **_body_lookup(body))
    return user, membership


def _body_lookup(body: dict) -> dict:
    if "municipality" in body:
        return {"municipality": Municipality.objects.get(ags=body["municipality"])}
    return {"organisation": Organisation.objects.get(name=body["organisation"])}


def _ensure_requesters(coordinator: User) -> None:
    for extra in EXTRA_REQUESTERS:
        user = person(extra["email"], extra["name"], INTEGRATION_OFFICER)
        lookup = _body_lookup(extra["body"])
        membership = Membership.objects.filter(user=user, **lookup).first()
        if membership is None:
            membership = membership_request(user=user, role=extra["role"], **lookup)
        if not membership.verified:
            membership_verify(membership=membership, by=coordinator)


def _free_start(advisor: AdvisorProfile, *, after_days: int, minutes: int):
    """The first free slot of `advisor` at least `after_days` ahead in which a meeting of
    `minutes` fits inside one of the advisor's weekly windows."""
    now = timezone.now()
    windows = list(advisor.windows.all())
    for slot in free_slots(
        advisor,
        start=now + timedelta(days=after_days),
        end=now + timedelta(weeks=advisor.horizon_weeks),
        now=now,
    ):
        local = slot.local_start
        end = slot.start + timedelta(minutes=minutes)
        for window in windows:
            if (
                window.weekday == local.weekday()
                and end <= local_instant(local.date(), window.end)
                and slot.start >= local_instant(local.date(), window.start)
            ):
                return slot.start, end
    raise RuntimeError(f"No free time for {advisor} in the demo horizon.")


def _take_steps(consultation: Consultation, names: list[str], *, people: list, answers: dict):
    """Take the registered steps `names` in order, each by the first of `people` the step's
    rule allows, with the answers its page would ask for."""
    steps = steps_of(CASE.name)
    for name in names:
        step = steps[name]
        actor = next(
            (user for user in people if user is not None and step.may(user, consultation)), None
        )
        if actor is None:
            raise RuntimeError(f"{consultation.reference}: nobody may take the step {name}")
        given = {field: answers[field] for field in step.fields if answers.get(field) is not None}
        consultation = step.run(CASE, consultation, by=actor, **given)
    return consultation


def _create(spec: dict, *, coordinator: User, advisors: dict, topics: dict) -> Consultation:
    requester, membership = _requester_membership(spec["requester"], spec["body"])
    consultation = consultation_submit(
        requester=requester,
        membership=membership,
        format=spec["format"],
        topics=[topics[slug] for slug in spec["topics"]],
        concern=spec["concern"],
        goal=spec["goal"],
        urgency=spec["urgency"],
        contact_mode=spec["contact_mode"],
        preferred_advisor=advisors.get(spec.get("preferred_advisor")),
        privacy_accepted=True,
    )
    lead = advisors.get(spec.get("lead"))
    co = advisors.get(spec.get("co"))
    people = {
        "coordinator": coordinator,
        "requester": requester,
        "lead": lead.user if lead else None,
        "co": co.user if co else None,
    }
    # Who takes a step: the advisors where they may, else the requester, else coordination.
    actors = [people["lead"], people["co"], requester, coordinator]
    answers = {"lead": lead, "co": co, **{key: spec.get(key) for key in ANSWER_KEYS}}
    # The steps while the work is open first; those that conclude or end it come last, after
    # the meetings, notes and messages of the open case.
    steps = steps_of(CASE.name)
    open_part = [n for n in spec["steps"] if steps[n].target in OPEN_STATUSES]
    ending_part = [n for n in spec["steps"] if steps[n].target not in OPEN_STATUSES]
    consultation = _take_steps(consultation, open_part, people=actors, answers=answers)

    # What happened while the case was open: meetings, notes, messages.
    for meeting in spec.get("appointments", []):
        starts_at = _at(meeting["days_ago"], meeting["at"])
        appointment_record(
            consultation=consultation,
            by=lead.user,
            advisor=advisors[meeting["advisor"]],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=meeting["duration"]),
            mode=meeting["mode"],
            place=meeting["place"],
            video_link=(
                f"https://video.{DOMAIN}/{consultation.reference.lower()}"
                if meeting["mode"] == ContactMode.VIDEO
                else ""
            ),
            phase=meeting["phase"],
            minutes=meeting["minutes"],
        )
    if round_table := spec.get("round_table"):
        advisor = advisors[round_table["advisor"]]
        start, end = _free_start(advisor, after_days=7, minutes=120)
        appointment_record(
            consultation=consultation,
            by=lead.user,
            advisor=advisor,
            starts_at=start,
            ends_at=end,
            mode=ContactMode.IN_PERSON,
            place=round_table["place"],
            phase=Phase.ROUND_TABLE,
        )
    if spec.get("book_first_conversation"):
        start, _end = _free_start(lead, after_days=3, minutes=lead.slot_minutes)
        appointment_book(consultation=consultation, advisor=lead, start=start, by=requester)
    for note in spec.get("notes", []):
        written = note_add(consultation=consultation, text=note["text"], by=people[note["by"]])
        Note.objects.filter(pk=written.pk).update(created_at=_at(note["days_ago"], "16:10"))
    for message in spec.get("messages", []):
        sent = message_post(
            consultation=consultation, text=message["text"], by=people[message["by"]]
        )
        clock = "11:20" if message["by"] == "requester" else "15:40"
        Message.objects.filter(pk=sent.pk).update(created_at=_at(message["days_ago"], clock))

    consultation = _take_steps(consultation, ending_part, people=actors, answers=answers)
    if consultation.status != spec["status"]:
        raise RuntimeError(
            f"{consultation.reference}: ended as {consultation.status}, not {spec['status']}"
        )
    if spec.get("feedback"):
        answers = dict(spec["feedback"])
        days_ago = answers.pop("days_ago")
        feedback = feedback_submit(consultation=consultation, **answers)
        Feedback.objects.filter(pk=feedback.pk).update(created_at=_at(days_ago, "19:30"))
        # Answered already: the follow-up email asking for it is not needed any more.
        notifications_cancel(about=consultation, kinds=[emails.FOLLOW_UP])

    _backdate(consultation, spec["days"])
    return consultation


def _backdate(consultation: Consultation, days: list[int]) -> None:
    """Move the submission, each step and the rest of the case's trail into the past.

    Status changes go to their days; a note, message or feedback entry to the time of its
    object; a past meeting's entry to just after the meeting; anything else to shortly
    after the entry before it.
    """
    status_entries = list(
        AuditEntry.objects.for_object(consultation).exclude(to_status="").order_by("pk")
    )
    if len(status_entries) != len(days):
        raise RuntimeError(
            f"{consultation.reference}: {len(status_entries)} status changes, {len(days)} days"
        )
    moments = [
        _at(days_ago, f"{9 + index}:{15 + 7 * index:02d}") for index, days_ago in enumerate(days)
    ]
    dated = {entry.pk: moment for entry, moment in zip(status_entries, moments, strict=True)}
    objects = {
        kind: dict(model.objects.filter(consultation=consultation).values_list("pk", "created_at"))
        for kind, model in (("note_id", Note), ("message_id", Message), ("feedback_id", Feedback))
    }
    meetings = dict(
        Appointment.objects.filter(consultation=consultation).values_list("pk", "ends_at")
    )
    now = timezone.now()
    previous = moments[0]
    for entry in selectors.case_history(consultation).order_by("pk"):
        moment = dated.get(entry.pk)
        for kind, created in objects.items():
            if moment is None and entry.details.get(kind) in created:
                moment = created[entry.details[kind]]
        if moment is None and entry.action == "appointment.recorded":
            ends_at = meetings[int(entry.object_id)]
            moment = ends_at + timedelta(hours=1) if ends_at < now else None
        moment = moment or previous + timedelta(minutes=20)
        AuditEntry.objects.filter(pk=entry.pk).update(at=moment)
        previous = moment
    fields = {
        "submitted_at": moments[0],
        "privacy_accepted_at": moments[0],
        "status_changed_at": moments[-1],
    }
    if consultation.closed_at:
        fields["closed_at"] = moments[-1]
    Consultation.objects.filter(pk=consultation.pk).update(**fields)


@transaction.atomic
def seed() -> list[Consultation]:
    """Create the demo requests once; later runs return the existing ones unchanged."""
    existing = list(Consultation.objects.filter(concern__in=DEMO_CONCERNS))
    if existing:
        return existing
    coordinator = User.objects.filter(groups__name=COORDINATOR).order_by("pk").first()
    if coordinator is None:
        raise RuntimeError("Run the accounts demo first: no coordinator exists.")
    _ensure_requesters(coordinator)
    advisors = {
        profile.slug: profile
        for profile in AdvisorProfile.objects.select_related("user").prefetch_related("windows")
    }
    topics = Topic.objects.in_bulk(field_name="slug")
    return [
        _create(spec, coordinator=coordinator, advisors=advisors, topics=topics)
        for spec in REQUESTS
    ]


def load_demo() -> list[str]:
    requests = seed()
    return [_("Requests for advice: %(count)d.") % {"count": len(requests)}]
