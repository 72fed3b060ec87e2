"""Every write to practice examples: writing one, submitting it for review, publishing it or
sending it back with a reason.

An author (an integration officer with a confirmed membership, an advisor or a coordinator)
writes a draft and submits it; a coordinator publishes it or sends it back, and the author
hears of either by email in their language. Statuses move only along `PRACTICE_EXAMPLE`
through `portal.core.workflows.transition`; every service runs in one transaction and leaves
an audit entry. The steps people take are declared once at the end of this module; the
admin's step pages and the example's page read them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchanges.emails import practice as emails
from exchanges.errors import ExchangeError
from exchanges.models import PRACTICE_EXAMPLE, ExchangeRound, PracticeExample
from exchanges.models import ExampleStatus as Status
from exchanges.permissions import may_review_examples
from exchanges.selectors.practice import PRESENTED_AT, may_edit_example, may_submit_examples
from portal.accounts.models import Municipality, User
from portal.advisors.models import Topic
from portal.core.audit import audit_record
from portal.core.models import AuditEntry
from portal.core.workflows import Step, register_steps, transition
from portal.notifications.services import notify

SLUG_LENGTH = 70
# Words of the library's own addresses (/exchanges/practice/new/, …/mine/): never a slug.
RESERVED_SLUGS = frozenset({"new", "mine"})
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# The words of a refused contact; the form checks it too, before the service does.
CONTACT_NEEDS_CONSENT = gettext_lazy(
    "Name a contact person only with their consent: please confirm that they agreed."
)


@dataclass(frozen=True)
class ExampleContent:
    """What an author writes: the example's text, its municipality, topics and rounds."""

    title: str
    municipality: Municipality
    topics: Sequence[Topic]
    situation: str
    action: str
    effort: str
    outcome: str
    contact_name: str = ""
    contact_email: str = ""
    contact_consent: bool = False
    rounds: Sequence[ExchangeRound] = ()

    @classmethod
    def of(cls, data: dict) -> "ExampleContent":
        """The content among a form's cleaned data."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


# The content saved on the row itself (topics and rounds are many-to-many).
_ROW_FIELDS = tuple(f.name for f in fields(ExampleContent) if f.name not in {"topics", "rounds"})


def _slug_base(title: str) -> str:
    base = slugify(title.lower().translate(_GERMAN_LETTERS))[:SLUG_LENGTH].strip("-")
    return base or "praxisbeispiel"


def _unique_slug(title: str) -> str:
    """A slug from the title that no example has yet: "grabfeld", else "grabfeld-2", …"""
    base = _slug_base(title)
    taken = RESERVED_SLUGS | set(
        PracticeExample.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_content(content: ExampleContent, example: PracticeExample | None = None) -> None:
    texts = (content.title, content.situation, content.action, content.effort, content.outcome)
    if any(not text.strip() for text in texts):
        raise ExchangeError(
            _(
                "Please give the title and describe the situation, what was done, what it "
                "took and what came of it."
            )
        )
    if not content.topics:
        raise ExchangeError(_("Please choose at least one topic."))
    if (content.contact_name.strip() or content.contact_email.strip()) and not (
        content.contact_consent
    ):
        raise ExchangeError(str(CONTACT_NEEDS_CONSENT))
    named = {r.pk for r in example.rounds.all()} if example is not None else set()
    if any(r.status not in PRESENTED_AT and r.pk not in named for r in content.rounds):
        raise ExchangeError(_("An example can only name rounds that have taken place."))


def _write(example: PracticeExample, content: ExampleContent) -> list[str]:
    """Set the content on the example; the names of the fields that changed."""
    changed = []
    for name in _ROW_FIELDS:
        value = getattr(content, name)
        value = value.strip() if isinstance(value, str) else value
        # A foreign key is compared by its id: a new example has no municipality yet.
        attname = example._meta.get_field(name).attname
        if getattr(example, attname) != getattr(value, "pk", value):
            changed.append(name)
        setattr(example, name, value)
    return changed


@transaction.atomic
def example_create(
    *, author: User, content: ExampleContent, submit: bool = False
) -> PracticeExample:
    """A new practice example by `author`, as a draft or (`submit`) waiting for review.

    Refused for someone who may not write examples, for missing content, and for a contact
    person named without their consent. The slug is made from the title and is unique.
    """
    if not may_submit_examples(author):
        raise ExchangeError(
            _(
                "Practice examples are written by integration officers whose membership is "
                "confirmed, by advisors and by coordinators."
            )
        )
    _check_content(content)
    now = timezone.now()
    for attempt in range(3):
        example = PracticeExample(author=author, created_at=now, updated_at=now)
        _write(example, content)
        example.slug = _unique_slug(content.title)
        try:
            # Two authors may choose the same title at once; the second takes the next slug.
            with transaction.atomic():
                example.save()
        except IntegrityError:
            if attempt == 2:
                raise
        else:
            break
    example.topics.set(content.topics)
    example.rounds.set(content.rounds)
    audit_record(
        target=example, action="practice_example.create", by=author, details={"slug": example.slug}
    )
    if submit:
        example_submit(example=example, by=author)
    return example


@transaction.atomic
def example_update(
    *, example: PracticeExample, by: User, content: ExampleContent, submit: bool = False
) -> PracticeExample:
    """Change an example's content: its author while it is a draft or sent back, a
    coordinator at any time (a published example stays published). The address (slug) stays
    as it was, so links keep working. With `submit`, the author hands it in for review."""
    example = PracticeExample.objects.select_for_update().get(pk=example.pk)
    if not may_edit_example(by, example):
        raise ExchangeError(
            _("This example is %(status)s and can no longer be changed.")
            % {"status": example.get_status_display()}
        )
    _check_content(content, example)
    changed = _write(example, content)
    if {t.pk for t in content.topics} != {t.pk for t in example.topics.all()}:
        changed.append("topics")
        example.topics.set(content.topics)
    if {r.pk for r in content.rounds} != {r.pk for r in example.rounds.all()}:
        changed.append("rounds")
        example.rounds.set(content.rounds)
    example.updated_at = timezone.now()
    example.save()
    audit_record(
        target=example, action="practice_example.update", by=by, details={"changed": changed}
    )
    if submit:
        example_submit(example=example, by=by)
    return example


@transaction.atomic
def example_submit(*, example: PracticeExample, by: User) -> PracticeExample:
    """Hand a draft or a sent-back example in for a coordinator's review."""
    if example.author_id != by.pk and not may_review_examples(by):
        raise ExchangeError(_("Only the author hands an example in for review."))
    return transition(
        example,
        workflow=PRACTICE_EXAMPLE,
        to=Status.SUBMITTED,
        by=by,
        fields={"submitted_at": timezone.now()},
    )


def _check_reviewer(by: User) -> None:
    if not may_review_examples(by):
        raise ExchangeError(_("Only coordinators publish practice examples or send them back."))


def _times_reached(example: PracticeExample, status: str) -> int:
    """How often the example has reached `status`: names the change in an email's key."""
    return AuditEntry.objects.for_object(example).filter(to_status=status).count()


@transaction.atomic
def example_publish(*, example: PracticeExample, by: User) -> PracticeExample:
    """Publish an example waiting for review (a coordinator); its author is told by email."""
    _check_reviewer(by)
    transition(
        example,
        workflow=PRACTICE_EXAMPLE,
        to=Status.PUBLISHED,
        by=by,
        fields={"published_at": timezone.now()},
    )
    _tell_author(example, kind=emails.PUBLISHED, status=Status.PUBLISHED)
    return example


@transaction.atomic
def example_return(*, example: PracticeExample, by: User, reason: str) -> PracticeExample:
    """Send an example back to its author with a reason (a coordinator), from review or from
    the library; the author reads the reason in an email and on their page, revises the
    example and hands it in again."""
    _check_reviewer(by)
    reason = (reason or "").strip()
    if not reason:
        raise ExchangeError(
            _("Please give a reason: the author reads it and can then revise the example.")
        )
    transition(
        example,
        workflow=PRACTICE_EXAMPLE,
        to=Status.RETURNED,
        by=by,
        fields={"return_reason": reason},
        details={"reason": reason},
    )
    _tell_author(example, kind=emails.RETURNED, status=Status.RETURNED, reason=reason)
    return example


def _tell_author(example: PracticeExample, *, kind: str, status: str, **context) -> None:
    author = example.author
    if author is None or not author.is_active:
        return
    notify(
        kind=kind,
        key=f"practice_example:{example.pk}:{status}:{_times_reached(example, status)}",
        user=author,
        context={"example_id": example.pk, **context},
        about=example,
    )


# --- The steps people take ------------------------------------------------------------------


def _reviews(user, example) -> bool:
    return may_review_examples(user)


register_steps(
    PRACTICE_EXAMPLE,
    [
        Step(
            name="publish",
            target=Status.PUBLISHED,
            label=gettext_lazy("Publish the example"),
            may=_reviews,
            service=example_publish,
            obj_arg="example",
        ),
        Step(
            name="send_back",
            target=Status.RETURNED,
            label=gettext_lazy("Send the example back to its author"),
            may=_reviews,
            service=example_return,
            fields=("reason",),
            obj_arg="example",
        ),
    ],
)
