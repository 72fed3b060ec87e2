"""Reads of a round's moderation, scoped to who asks: questions in advance, the documentation
with its files and follow-up items, and the participant lists.

The round's page (H3's `views.public.detail`) shows two panels built here:
`questions_panel(round, user)` for `exchanges/_questions_panel.html` and
`documentation_panel(round, user)` for `exchanges/_documentation_panel.html`.
"""

from collections.abc import Iterable
from datetime import datetime
from itertools import groupby

from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from exchanges.forms.moderation import QuestionForm
from exchanges.models import (
    AdvanceQuestion,
    ExchangeRound,
    FollowUpItem,
    RegistrationStatus,
    RoundFile,
    RoundRegistration,
    RoundStatus,
)
from exchanges.permissions import may_moderate
from exchanges.services.documentation import documentable
from exchanges.services.questions import ASKING, may_ask, takes_questions
from portal.accounts.models import Membership
from portal.accounts.roles import is_coordinating

# --- Rounds a person moderates ------------------------------------------------------------


def rounds_moderated_by(user):
    """Every round for coordinators; the rounds they moderate for advisors; none otherwise."""
    if is_coordinating(user):
        return ExchangeRound.objects.all()
    if not user.is_authenticated:
        return ExchangeRound.objects.none()
    return ExchangeRound.objects.filter(moderators=user)


# --- Questions in advance ------------------------------------------------------------------

# Questions in the order of the round's themes, those without a theme last.
BY_THEME = (F("theme__position").asc(nulls_last=True), "theme__name_de", "pk")


def asking_registration(round: ExchangeRound, user) -> RoundRegistration | None:
    """The person's registration that lets them hand in questions, or None."""
    if not user.is_authenticated:
        return None
    return (
        round.registrations.filter(person=user, status__in=ASKING)
        .select_related("round", "person")
        .first()
    )


def own_question(user, round: ExchangeRound, pk: int) -> AdvanceQuestion | None:
    """The person's own question of the round, or None (someone else's id included)."""
    if not user.is_authenticated:
        return None
    return (
        AdvanceQuestion.objects.filter(round=round, registration__person=user, pk=pk)
        .select_related("round", "registration")
        .first()
    )


def question_author(question: AdvanceQuestion) -> str:
    """The name shown with a question on the round's page: only with the author's consent."""
    if not question.show_name:
        return ""
    registration = question.registration
    body = registration.body
    return f"{registration.name} ({body.name})" if body else registration.name


def _with_author(questions):
    return questions.select_related(
        "theme",
        "registration__person",
        "registration__municipality",
        "registration__organisation",
    )


def questions_panel(
    round: ExchangeRound, user, *, form: QuestionForm | None = None, now: datetime | None = None
) -> dict:
    """What `_questions_panel.html` shows: the questions chosen for the agenda (for everyone,
    the author's name only where they agreed), and for a participant their own questions and
    the form to hand in another while the round takes questions. `form` is a bound form to
    show again with its errors."""
    now = now or timezone.now()
    registration = asking_registration(round, user)
    asking = may_ask(registration)
    open_for_questions = takes_questions(round, now)
    may_submit = asking and open_for_questions
    chosen = [
        {"text": question.text, "theme": question.theme, "author": question_author(question)}
        for question in _with_author(round.questions.filter(on_agenda=True)).order_by(*BY_THEME)
    ]
    own = list(registration.questions.select_related("theme")) if asking else []
    return {
        "round": round,
        "chosen": chosen,
        "own": own,
        "participant": asking,
        "may_withdraw": asking and open_for_questions,
        "form": (form or QuestionForm(round=round)) if may_submit else None,
        "submit_url": reverse("exchanges:questions", args=[round.slug]),
        "moderate_url": (
            reverse("exchanges:moderate_questions", args=[round.slug])
            if may_moderate(user, round)
            else ""
        ),
    }


def questions_by_theme(round: ExchangeRound) -> list[tuple]:
    """The round's questions for its moderators, grouped by theme (the round's themes in their
    order, questions without a theme last), each with its author."""
    questions = _with_author(round.questions.all()).order_by(*BY_THEME)
    return [
        (theme, list(group))
        for theme, group in groupby(questions, key=lambda question: question.theme)
    ]


# --- The documentation ---------------------------------------------------------------------


def _is_officer(user) -> bool:
    """Officers in the sense of documentation opened to them: a verified membership."""
    return Membership.objects.verified().filter(user=user).exists()


def _readable_rounds(user, rounds: Iterable[ExchangeRound]) -> set[int]:
    """The ids of the published documentations among `rounds` that `user` may read as a
    participant (a confirmed registration, attended or not) or, where the round opened it, as
    a signed-in officer. Two queries whatever the number of rounds."""
    rounds = [round for round in rounds if round.status == RoundStatus.DOCUMENTED]
    if not rounds or not user.is_authenticated:
        return set()
    readable = set(
        RoundRegistration.objects.filter(
            person=user, round__in=rounds, status=RegistrationStatus.CONFIRMED
        ).values_list("round_id", flat=True)
    )
    opened = [r.pk for r in rounds if r.documentation_open_to_officers and r.pk not in readable]
    if opened and _is_officer(user):
        readable.update(opened)
    return readable


def may_read_documentation(user, round: ExchangeRound) -> bool:
    """The round's moderators and coordinators always (they write it); once published, its
    participants, and all officers with a verified membership if the round opened it."""
    if not user.is_authenticated:
        return False
    return may_moderate(user, round) or round.pk in _readable_rounds(user, [round])


def readable_file(user, slug: str, pk: int) -> RoundFile | None:
    """A file of a round's documentation for someone who may read it; None otherwise."""
    file = RoundFile.objects.filter(round__slug=slug, pk=pk).select_related("round").first()
    if file is None or not may_read_documentation(user, file.round):
        return None
    return file


def carried_follow_ups(round: ExchangeRound) -> list[FollowUpItem]:
    """Open and done items of earlier rounds carried into this one, oldest round first."""
    return list(
        FollowUpItem.objects.filter(carried_to=round)
        .select_related("round")
        .order_by("round__start", "round__pk", "position", "pk")
    )


def _carried_for(round: ExchangeRound, user, moderating: bool) -> list[FollowUpItem]:
    """The carried items `user` may see: all for the round's team and its registered people,
    otherwise those from rounds whose documentation they may read."""
    if not user.is_authenticated:
        return []
    items = carried_follow_ups(round)
    if not items or moderating or round.registrations.active().filter(person=user).exists():
        return items
    readable = _readable_rounds(user, {item.round for item in items})
    return [item for item in items if item.round_id in readable]


def documentation_panel(round: ExchangeRound, user) -> dict:
    """What `_documentation_panel.html` shows: the published documentation (summary, results,
    follow-up items, files) to those who may read it, a sentence on who may to everyone else,
    and the open items carried into this round from earlier ones."""
    moderating = may_moderate(user, round)
    published = round.status == RoundStatus.DOCUMENTED
    visible = published and (moderating or round.pk in _readable_rounds(user, [round]))
    return {
        "round": round,
        "published": published,
        "visible": visible,
        "open_to_officers": round.documentation_open_to_officers,
        "signed_in": user.is_authenticated,
        "follow_ups": list(round.follow_ups.all()) if visible else [],
        "files": list(round.files.all()) if visible else [],
        "carried": _carried_for(round, user, moderating),
        "moderate_url": (
            reverse("exchanges:moderate_documentation", args=[round.slug]) if moderating else ""
        ),
        "login_url": reverse("account_login") + "?next=" + round.get_absolute_url(),
    }


# --- Attendance and participant lists -------------------------------------------------------

_BY_NAME = Lower(Coalesce("person__full_name", "guest_name"))


def participant_list(round: ExchangeRound) -> list[RoundRegistration]:
    """The confirmed participants, members and guests, by name, with their body."""
    return list(
        round.registrations.confirmed()
        .select_related("person", "municipality", "organisation")
        .order_by(_BY_NAME, "pk")
    )


# The CSV's order: who has a seat first, then those waiting for a confirmation or a seat.
_STATUS_ORDER = Case(
    When(status=RegistrationStatus.CONFIRMED, then=Value(0)),
    When(status=RegistrationStatus.UNCONFIRMED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def registration_list(round: ExchangeRound) -> list[RoundRegistration]:
    """Every active registration (confirmed, unconfirmed guests, the waitlist) for the CSV."""
    return list(
        round.registrations.active()
        .select_related("person", "municipality", "organisation")
        .order_by(_STATUS_ORDER, _BY_NAME, "pk")
    )


def attendance_open(round: ExchangeRound, now: datetime | None = None) -> bool:
    return documentable(round, now or timezone.now())
