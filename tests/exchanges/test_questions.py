"""Questions in advance: participants hand them in and withdraw them before the round, the
moderators put some on the agenda, the round's page shows those, a name only with consent."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from exchanges.errors import ExchangeError
from exchanges.models import AdvanceQuestion
from exchanges.selectors.moderation import questions_by_theme, questions_panel
from exchanges.services.questions import (
    MAX_QUESTIONS_PER_PARTICIPANT,
    question_set_on_agenda,
    question_submit,
    question_withdraw,
)
from portal.core.models import AuditEntry
from tests.exchanges.moderation_helpers import (
    advisor,
    guest,
    make_round,
    member,
    other_theme,
    past_round,
    theme,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(db):
    return make_round(themes=[theme()], title="Grabfelder in der Kommune")


def ask(registration, text="Wie finden wir eine Fläche?", *, show_name=False, topic=None):
    return question_submit(registration=registration, text=text, theme=topic, show_name=show_name)


def test_a_confirmed_or_waitlisted_member_hands_in_questions(round):
    confirmed, waiting = member(round), member(round, status="waitlisted")

    ask(confirmed, topic=theme())
    ask(waiting)

    assert AdvanceQuestion.objects.filter(round=round).count() == 2
    assert AuditEntry.objects.filter(action="advance_question.submit").count() == 2


@pytest.mark.parametrize("status", ["cancelled", "expired", "called_off"])
def test_no_questions_from_an_ended_registration(round, status):
    with pytest.raises(ExchangeError, match="angemeldete Teilnehmende"):
        ask(member(round, status=status))


def test_a_guest_hands_in_no_questions_here(round):
    with pytest.raises(ExchangeError, match="angemeldete Teilnehmende"):
        ask(guest(round))


def test_no_questions_once_the_round_has_begun():
    registration = member(past_round())
    with pytest.raises(ExchangeError, match="hat begonnen"):
        ask(registration)


def test_the_theme_must_be_one_of_the_rounds(round):
    with pytest.raises(ExchangeError, match="Themen der Runde"):
        ask(member(round), topic=other_theme(theme()))


def test_one_person_hands_in_at_most_ten(round):
    registration = member(round)
    for n in range(MAX_QUESTIONS_PER_PARTICIPANT):
        ask(registration, f"Frage {n}")
    with pytest.raises(ExchangeError, match="so viele, wie eine Person"):
        ask(registration)


def test_only_participants_reach_the_form_others_get_404(client, round):
    registration = member(round)
    client.force_login(UserFactory(roles=["integration_officer"]))
    url = reverse("exchanges:questions", args=[round.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Frage"}).status_code == 404

    client.force_login(registration.person)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Wer zahlt?", "theme": theme().pk, "show_name": "on"})
    assert response.status_code == 302
    assert response["Location"].endswith("#questions")
    question = AdvanceQuestion.objects.get()
    assert (question.registration, question.theme, question.show_name) == (
        registration,
        theme(),
        True,
    )


def test_a_refused_form_keeps_what_was_typed(client, round):
    registration = member(round)
    client.force_login(registration.person)
    response = client.post(
        reverse("exchanges:questions", args=[round.slug]),
        {"text": "Meine lange Frage zur Fläche", "theme": other_theme(theme()).pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Meine lange Frage zur Fläche" in page
    assert response.context["panel"]["form"].errors["theme"]
    assert not AdvanceQuestion.objects.exists()


def test_the_author_withdraws_their_own_question_only(client, round):
    mine, theirs = member(round), member(round)
    question = ask(mine)
    other = ask(theirs)

    client.force_login(theirs.person)
    url = reverse("exchanges:question_withdraw", args=[round.slug, question.pk])
    assert client.post(url).status_code == 404
    client.force_login(mine.person)
    assert client.post(url).status_code == 302

    assert list(AdvanceQuestion.objects.all()) == [other]
    assert AuditEntry.objects.filter(action="advance_question.withdraw").count() == 1
    with pytest.raises(ExchangeError):
        question_withdraw(question=other, by=mine.person)


def test_moderators_mark_questions_for_the_agenda_with_an_audit_entry(round):
    moderator = advisor()
    round.moderators.add(moderator)
    question = ask(member(round))

    assert question_set_on_agenda(question=question, on_agenda=True, by=moderator)
    assert not question_set_on_agenda(question=question, on_agenda=True, by=moderator)

    question.refresh_from_db()
    assert question.on_agenda
    entry = AuditEntry.objects.get(action="advance_question.agenda")
    assert entry.actor == moderator and entry.details == {"question_id": question.pk}
    with pytest.raises(ExchangeError, match="Moderation der Runde"):
        question_set_on_agenda(question=question, on_agenda=False, by=advisor())


def test_the_moderators_page_groups_by_theme_and_marks(client, round):
    moderator = advisor()
    round.moderators.add(moderator)
    first = ask(member(round), "Ohne Thema")
    second = ask(member(round), "Mit Thema", topic=theme())

    assert [(t, [q.text for q in qs]) for t, qs in questions_by_theme(round)] == [
        (theme(), ["Mit Thema"]),
        (None, ["Ohne Thema"]),
    ]
    client.force_login(moderator)
    url = reverse("exchanges:moderate_questions", args=[round.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Mit Thema" in page.content.decode() and "Ohne Thema" in page.content.decode()

    response = client.post(url, {"question": second.pk, "on_agenda": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{second.pk}")
    assert AdvanceQuestion.objects.filter(on_agenda=True).get() == second
    assert client.post(url, {"question": "x", "on_agenda": "1"}).status_code == 302
    assert client.post(url, {"question": first.pk + 999, "on_agenda": "1"}).status_code == 302
    assert AdvanceQuestion.objects.filter(on_agenda=True).count() == 1


def test_the_rounds_page_shows_chosen_questions_with_a_name_only_with_consent(rf, round):
    shy = member(round, person=UserFactory(full_name="Scheue Person"))
    open_ = member(round, person=UserFactory(full_name="Offene Person"))
    hidden = ask(shy, "Anonyme Frage", show_name=False)
    named = ask(open_, "Namentliche Frage", show_name=True)
    ask(open_, "Nicht gewählt", show_name=True)
    for question in (hidden, named):
        question.on_agenda = True
        question.save()

    request = rf.get("/")
    request.user = AnonymousUser()
    panel = questions_panel(round, request.user)
    html = render_to_string("exchanges/_questions_panel.html", {"panel": panel, "request": request})

    assert [q["text"] for q in panel["chosen"]] == ["Anonyme Frage", "Namentliche Frage"]
    assert "Anonyme Frage" in html and "Namentliche Frage" in html
    assert "Nicht gewählt" not in html
    assert "Offene Person" in html
    assert "Scheue Person" not in html
    assert panel["form"] is None and panel["own"] == []


def test_a_participant_sees_their_own_questions_and_the_form(round):
    registration = member(round)
    ask(registration, "Meine Frage")
    other = member(round)
    ask(other, "Fremde Frage")

    panel = questions_panel(round, registration.person)

    assert [q.text for q in panel["own"]] == ["Meine Frage"]
    assert panel["form"] is not None and panel["may_withdraw"]


def test_the_panel_renders_for_a_participant(round):
    registration = member(round)
    ask(registration, "Meine Frage")
    request = RequestFactory().get("/")
    request.user = registration.person
    html = render_to_string(
        "exchanges/_questions_panel.html",
        {"panel": questions_panel(round, registration.person), "request": request},
        request=request,
    )
    assert "Meine Frage" in html
    assert reverse("exchanges:questions", args=[round.slug]) in html
    assert 'style="' not in html
