"""Sample URL arguments of the exchanges pages for the role × URL matrix
(tests/core/test_access_matrix.py).

`SAMPLES` maps a URL name to a function that returns its kwargs: objects that exist but,
where a page belongs to somebody, belong to someone else (an officer then gets 404).
"""

from collections.abc import Callable

# URL name -> () -> kwargs. Each area adds its pages here.
SAMPLES: dict[str, Callable[[], dict]] = {}

# Pages of someone else's registration, question or unpublished example: an officer gets 404.
OTHERS_404: set[str] = set()

# Pages that answer only POST (the matrix posts to them).
POST_ONLY: set[str] = set()


# The library of practice examples: someone else's published example, someone else's draft.
def _practice_example(**fields) -> dict:
    from tests.factories import PracticeExampleFactory

    return {"slug": PracticeExampleFactory(**fields).slug}


SAMPLES.update(
    {
        "exchanges:practice_list": dict,
        "exchanges:practice_new": dict,
        "exchanges:practice_mine": dict,
        "exchanges:practice_detail": _practice_example,
        "exchanges:practice_edit": lambda: _practice_example(status="draft", published_at=None),
    }
)
OTHERS_404.add("exchanges:practice_edit")


# Registration: someone else's registration answers 404; a guest's links are signed.
def _round(**fields) -> dict:
    from tests.factories import ExchangeRoundFactory

    return {"slug": ExchangeRoundFactory(**fields).slug}


def _guest_token(link: str) -> dict:
    from exchanges.links import ROUND_GUEST_LINKS
    from tests.exchanges.conftest import guest_registration

    return {"token": getattr(ROUND_GUEST_LINKS, link).sign(guest_registration())}


def _others_registration() -> dict:
    from tests.factories import RoundRegistrationFactory

    return {"pk": RoundRegistrationFactory().pk}


SAMPLES.update(
    {
        "exchanges:register": _round,
        "exchanges:registration_cancel": _others_registration,
        "exchanges:mine": dict,
        "exchanges:guest_register": lambda: _round(audience="public"),
        "exchanges:guest_confirm": lambda: _guest_token("confirm"),
        "exchanges:guest_cancel": lambda: _guest_token("cancel"),
    }
)
OTHERS_404.add("exchanges:registration_cancel")


# Questions in advance, moderation and documentation files: someone else's round, question or
# file. Moderation pages are for the round's moderators and coordinators: an advisor who does
# not moderate the sample round gets 404 (`MODERATED`), a coordinator 200.
def _someone_elses_round() -> dict:
    from tests.factories import ExchangeRoundFactory

    return {"slug": ExchangeRoundFactory().slug}


def _others_question() -> dict:
    from exchanges.models import AdvanceQuestion
    from tests.factories import RoundRegistrationFactory

    registration = RoundRegistrationFactory()
    question = AdvanceQuestion.objects.create(
        round=registration.round, registration=registration, text="Wer zahlt?"
    )
    return {"slug": registration.round.slug, "pk": question.pk}


def _others_file() -> dict:
    from exchanges.models import RoundFile
    from tests.factories import ExchangeRoundFactory

    round = ExchangeRoundFactory(status="documented")
    file = RoundFile.objects.create(
        round=round,
        file=f"exchanges/{round.pk}/documentation.pdf",
        title="Protokoll",
        content_type="application/pdf",
        size=1,
    )
    return {"slug": round.slug, "pk": file.pk}


MODERATED = {
    "exchanges:moderate_questions",
    "exchanges:moderate_attendance",
    "exchanges:moderate_documentation",
    "exchanges:moderate_participants",
    "exchanges:participants_csv",
    "exchanges:badges_pdf",
}
SAMPLES.update({name: _someone_elses_round for name in MODERATED})
SAMPLES.update(
    {
        "exchanges:questions": _someone_elses_round,
        "exchanges:question_withdraw": _others_question,
        "exchanges:round_file": _others_file,
    }
)
OTHERS_404 |= {"exchanges:questions", "exchanges:question_withdraw", "exchanges:round_file"}
POST_ONLY.add("exchanges:question_withdraw")


# The public pages: the list, the feed, a published round's page and calendar file.
SAMPLES.update(
    {
        "exchanges:list": dict,
        "exchanges:feed": dict,
        "exchanges:detail": _round,
        "exchanges:round_ics": _round,
    }
)


def kwargs_for(name: str) -> dict:
    if name not in SAMPLES:
        raise AssertionError(
            f"{name}: add its sample arguments to tests/exchanges/access_samples.py"
        )
    return SAMPLES[name]()
