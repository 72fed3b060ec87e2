"""Calendar entries of exchange rounds, for emails, a round's calendar file and the feed.

Each round keeps one UID (`exchange-round-<id>@kommune-vielfalt`) wherever it appears, so a
moved or cancelled round replaces the entry in a participant's calendar instead of adding a
second one. The video link is written only into the files of confirmed participants: the
public calendar file, the feed and everyone else see the round's page instead.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast

from exchanges.models import ExchangeRound, RegistrationStatus, RoundMode, RoundRegistration
from portal.core.models import AuditEntry
from portal.notifications.calendar import calendar_entry
from portal.notifications.rendering import absolute_url


def round_uid(round: ExchangeRound) -> str:
    return f"exchange-round-{round.pk}@kommune-vielfalt"


def _audit_entries():
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ExchangeRound, for_concrete_model=False)
    )


def with_revisions(rounds: QuerySet) -> QuerySet:
    """`rounds` with each one's revision (`calendar_revision`) read in the same query, so a
    calendar of many rounds (the feed) costs no query per round."""
    entries = (
        _audit_entries()
        .filter(object_id=Cast(OuterRef("pk"), output_field=CharField()))
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return rounds.annotate(calendar_revision=Subquery(entries))


def round_revision(round: ExchangeRound) -> int:
    """How many audited changes the round has had (moved, cancelled, ...): annotated by
    `with_revisions`, or counted now."""
    revision = getattr(round, "calendar_revision", None)
    if revision is None:
        revision = _audit_entries().filter(object_id=str(round.pk)).count()
    return revision


def shows_video_link(round: ExchangeRound, registration: RoundRegistration | None) -> bool:
    """The one rule of the video link: a confirmed participant of an online or hybrid round."""
    return bool(
        round.video_link
        and round.mode != RoundMode.IN_PERSON
        and registration is not None
        and registration.round_id == round.pk
        and registration.status == RegistrationStatus.CONFIRMED
    )


def round_calendar_entry(
    round: ExchangeRound,
    *,
    registration: RoundRegistration | None = None,
    method: str = "REQUEST",
) -> dict:
    """The calendar entry (`portal.notifications.calendar.calendar_entry`) of a round.

    With a `registration`, the entry names its participant as attendee, and a confirmed
    participant's REQUEST carries the video link. Without one (the public file, the feed) it
    carries neither. Every audited change of the round (moved, cancelled) counts towards the
    entry's sequence (`round_revision`), so a later version replaces an earlier one.
    """
    round_url = absolute_url(round.get_absolute_url())
    with_video = method != "CANCEL" and shows_video_link(round, registration)
    location = round.place
    if with_video:
        location = ", ".join(filter(None, [location, round.video_link]))
    attendees = None
    if registration is not None:
        attendees = [(registration.email, registration.name)]
    return calendar_entry(
        uid=round_uid(round),
        start=round.start,
        end=round.end,
        summary=round.title,
        location=location,
        description="\n".join(filter(None, [round.summary, round_url])),
        method=method,
        url=round.video_link if with_video else round_url,
        attendees=attendees,
        revision=round_revision(round),
    )
