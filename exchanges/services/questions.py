"""Questions in advance: participants hand in questions or topics before a round, the
moderators choose which go on the agenda.

A participant is a member with an active registration (confirmed or on the waitlist); guests of
public events have no account and hand in nothing here. Each service runs in one transaction
and leaves an audit entry on the round.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.errors import ExchangeError
from exchanges.models import (
    AdvanceQuestion,
    ExchangeRound,
    RegistrationStatus,
    RoundRegistration,
    RoundStatus,
)
from exchanges.permissions import may_moderate
from portal.accounts.models import User
from portal.advisors.models import Topic
from portal.core.audit import audit_record

# Enough for every concern of one person; a flood of questions helps no moderator.
MAX_QUESTIONS_PER_PARTICIPANT = 10
# Statuses of a registration whose person may hand in questions.
ASKING = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
# Statuses of a round that still takes questions (before it starts).
TAKING_QUESTIONS = (RoundStatus.OPEN, RoundStatus.FULL)


def takes_questions(round: ExchangeRound, now: datetime) -> bool:
    """A round takes questions while it is published and has not begun."""
    return round.status in TAKING_QUESTIONS and now < round.start


def may_ask(registration: RoundRegistration | None) -> bool:
    """Members with a confirmed or waitlisted registration hand in questions."""
    return registration is not None and not registration.is_guest and registration.status in ASKING


def _refuse_unless_asking(registration: RoundRegistration, now: datetime) -> None:
    if not may_ask(registration):
        raise ExchangeError(_("Only registered participants can hand in questions."))
    if not takes_questions(registration.round, now):
        raise ExchangeError(_("This round takes no more questions: it has begun or is closed."))


@transaction.atomic
def question_submit(
    *,
    registration: RoundRegistration,
    text: str,
    theme: Topic | None,
    show_name: bool,
    now: datetime | None = None,
) -> AdvanceQuestion:
    """A participant hands in a question or topic before the round starts.

    Guarantees: only the member of an active (confirmed or waitlisted) registration asks, before
    the round begins; the theme is one of the round's; at most MAX_QUESTIONS_PER_PARTICIPANT
    per registration. The name is shown with the question only if `show_name`.
    """
    now = now or timezone.now()
    registration = (
        RoundRegistration.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=registration.pk)
    )
    _refuse_unless_asking(registration, now)
    round = registration.round
    text = text.strip()
    if not text:
        raise ExchangeError(_("The question is empty."))
    if theme is not None and not round.themes.filter(pk=theme.pk).exists():
        raise ExchangeError(_("Please choose one of the round's themes."))
    if registration.questions.count() >= MAX_QUESTIONS_PER_PARTICIPANT:
        raise ExchangeError(
            _("You have handed in %(count)d questions, as many as one person can.")
            % {"count": MAX_QUESTIONS_PER_PARTICIPANT}
        )
    question = AdvanceQuestion.objects.create(
        round=round,
        registration=registration,
        theme=theme,
        text=text,
        show_name=show_name,
        created_at=now,
    )
    audit_record(
        target=round,
        action="advance_question.submit",
        by=registration.person,
        details={"question_id": question.pk, "show_name": show_name},
        at=now,
    )
    return question


@transaction.atomic
def question_withdraw(*, question: AdvanceQuestion, by: User, now: datetime | None = None) -> None:
    """The author takes a question back before the round starts; it is deleted (also from the
    agenda), and the audit entry on the round keeps that it was."""
    now = now or timezone.now()
    question = (
        AdvanceQuestion.objects.select_for_update(of=("self",))
        .select_related("round", "registration")
        .filter(pk=question.pk)
        .first()
    )
    if question is None:
        raise ExchangeError(_("This question has already been withdrawn."))
    if question.registration.person_id != by.pk:
        raise ExchangeError(_("Only the person who asked can withdraw a question."))
    if not takes_questions(question.round, now):
        raise ExchangeError(_("The round has begun; questions can no longer be withdrawn."))
    audit_record(
        target=question.round,
        action="advance_question.withdraw",
        by=by,
        details={"question_id": question.pk, "was_on_agenda": question.on_agenda},
        at=now,
    )
    question.delete()


@transaction.atomic
def question_set_on_agenda(*, question: AdvanceQuestion, on_agenda: bool, by: User) -> bool:
    """A moderator of the round (or a coordinator) puts a question on the agenda or takes it
    off. Returns whether anything changed; the audit entry names the question."""
    question = (
        AdvanceQuestion.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=question.pk)
    )
    round = question.round
    if not may_moderate(by, round):
        raise ExchangeError(_("Only the round's moderators and coordinators plan its agenda."))
    if round.status in (RoundStatus.DOCUMENTED, RoundStatus.CANCELLED):
        raise ExchangeError(_("The agenda of a documented or cancelled round stays as it was."))
    if question.on_agenda == on_agenda:
        return False
    question.on_agenda = on_agenda
    question.save(update_fields=["on_agenda"])
    audit_record(
        target=round,
        action="advance_question.agenda" if on_agenda else "advance_question.off_agenda",
        by=by,
        details={"question_id": question.pk},
    )
    return True
