"""The library of practice examples: who reads which example, writing one (the municipality
search, the contact's consent, drafts), the review (submit, send back with a reason, revise,
submit, publish, with the author's emails), the admin, and the panel on a round's page."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exchanges.emails import practice as emails
from exchanges.errors import ExchangeError
from exchanges.models import ExampleStatus, PracticeExample, RoundStatus
from exchanges.selectors.practice import examples_panel
from exchanges.services.practice import (
    ExampleContent,
    example_create,
    example_publish,
    example_return,
    example_submit,
    example_update,
)
from portal.advisors.models import Topic
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.factories import (
    ExchangeRoundFactory,
    MembershipFactory,
    MunicipalityFactory,
    PracticeExampleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = {"status": ExampleStatus.DRAFT, "published_at": None}


@pytest.fixture
def author(db):
    """An integration officer whose membership with a municipality is confirmed."""
    return MembershipFactory(
        user=UserFactory(roles=["integration_officer"], preferred_language="en"),
        municipality=MunicipalityFactory(name="Leipzig", ags="14713000", state="14"),
        verified=True,
    ).user


@pytest.fixture
def topics(db):
    return list(Topic.objects.filter(slug__in=["bestattung", "moscheebau"]))


def content(municipality, topics, **fields) -> ExampleContent:
    values = {
        "title": "Grabfeld für Muslime",
        "municipality": municipality,
        "topics": topics,
        "situation": "Familien ließen ihre Angehörigen im Herkunftsland bestatten.",
        "action": "Die Stadt richtete mit zwei Gemeinden ein Grabfeld ein.",
        "effort": "Zwei Jahre Gespräche und eine geänderte Friedhofssatzung.",
        "outcome": "Jedes Jahr etwa zwanzig Bestattungen vor Ort.",
    }
    return ExampleContent(**{**values, **fields})


def form_data(municipality, topics, **fields) -> dict:
    data = {
        "title": "Interreligiöser Kalender für Schulen",
        "municipality": municipality.pk,
        "topics": [topic.pk for topic in topics],
        "situation": "Lehrkräfte wussten wenig über die Feiertage ihrer Schülerinnen.",
        "action": "Die Stadt gab mit den Gemeinden einen Kalender heraus.",
        "effort": "Eine halbe Stelle für drei Monate, Druckkosten.",
        "outcome": "Alle Schulen der Stadt hängen ihn aus.",
        "contact_name": "",
        "contact_email": "",
        "q": "",
    }
    data.update(fields)
    return data


def own_municipality(user):
    return user.memberships.get().municipality


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def step_url(example, name):
    return reverse("admin:exchanges_practiceexample_step", args=[example.pk, name])


# --- Who reads which example -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client):
    example = PracticeExampleFactory()
    for url in (
        reverse("exchanges:practice_list"),
        reverse("exchanges:practice_new"),
        reverse("exchanges:practice_mine"),
        reverse("exchanges:practice_detail", args=[example.slug]),
        reverse("exchanges:practice_edit", args=[example.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_an_unpublished_example_is_seen_by_its_author_and_coordinators_only(client, status):
    example = PracticeExampleFactory(status=status, published_at=None, title="Noch geheim")
    detail = reverse("exchanges:practice_detail", args=[example.slug])
    edit = reverse("exchanges:practice_edit", args=[example.slug])
    listing = reverse("exchanges:practice_list")

    for other in (
        UserFactory(roles=["integration_officer"]),
        UserFactory(roles=["advisor"]),
        MembershipFactory(municipality=example.municipality, verified=True).user,
    ):
        client.force_login(other)
        assert client.get(detail).status_code == 404
        assert client.get(edit).status_code == 404
        assert "Noch geheim" not in client.get(listing).content.decode()
        assert "Noch geheim" not in client.get(listing, {"q": "geheim"}).content.decode()

    for reader in (example.author, UserFactory(roles=["coordinator"])):
        client.force_login(reader)
        response = client.get(detail)
        assert response.status_code == 200
        assert "Noch geheim" in response.content.decode()


def test_a_published_example_is_read_by_every_signed_in_person(client):
    example = PracticeExampleFactory(
        title="Kantinenessen für alle", contact_name="Aylin Demir", contact_consent=True
    )
    client.force_login(UserFactory(roles=["integration_officer"]))

    response = client.get(reverse("exchanges:practice_detail", args=[example.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Kantinenessen für alle" in page
    assert "Aylin Demir" in page
    assert example.municipality.name in page
    assert reverse("exchanges:practice_edit", args=[example.slug]) not in page
    missing = reverse("exchanges:practice_detail", args=["no-such-example"])
    assert client.get(missing).status_code == 404


def test_only_rounds_that_were_announced_link_to_the_example(client):
    held = ExchangeRoundFactory(status=RoundStatus.HELD, title="Austausch Ost")
    draft = ExchangeRoundFactory(status=RoundStatus.DRAFT, title="Geplante Runde")
    example = PracticeExampleFactory()
    example.rounds.set([held, draft])
    client.force_login(UserFactory())

    page = client.get(example.get_absolute_url()).content.decode()

    assert "Austausch Ost" in page
    assert held.get_absolute_url() in page
    assert "Geplante Runde" not in page


# --- Writing an example ------------------------------------------------------------------------


def test_an_officer_without_a_confirmed_membership_is_told_how_to_get_one(client):
    pending = MembershipFactory(user=UserFactory(roles=["integration_officer"]))
    client.force_login(pending.user)

    response = client.get(reverse("exchanges:practice_new"))

    assert response.status_code == 200
    assert response.templates[0].name == "exchanges/practice/not_yet.html"
    assert pending.municipality.name in response.content.decode()
    with pytest.raises(ExchangeError):
        example_create(
            author=pending.user, content=content(pending.municipality, Topic.objects.all()[:1])
        )


@pytest.mark.parametrize("role", ["advisor", "coordinator"])
def test_advisors_and_coordinators_write_examples_without_a_membership(role, topics):
    writer = UserFactory(roles=[role])

    example = example_create(author=writer, content=content(MunicipalityFactory(), topics))

    assert example.status == ExampleStatus.DRAFT
    assert example.author == writer


def test_the_form_offers_the_authors_own_municipality_first_with_state_and_size(client, author):
    client.force_login(author)

    response = client.get(reverse("exchanges:practice_new"))

    options = response.context["options"]
    assert [o.municipality for o in options] == [own_municipality(author)]
    assert options[0].mine
    page = response.content.decode()
    assert 'name="municipality"' in page
    assert "Saxony" in page or "Sachsen" in page


def test_htmx_searches_the_register_and_keeps_the_choice(client, author):
    other = MunicipalityFactory(name="Dresden", ags="14612000", state="14", population=560_000)
    client.force_login(author)

    response = client.get(
        reverse("exchanges:practice_new"),
        {"q": "Dresd", "municipality": str(other.pk)},
        headers={"HX-Request": "true"},
    )

    assert response.templates[0].name == "exchanges/practice/_municipality_choices.html"
    options = response.context["options"]
    assert [o.municipality for o in options] == [own_municipality(author), other]
    assert options[1].size.key == "large"
    assert f'value="{other.pk}"\n                 checked' in response.content.decode()


def test_a_search_without_javascript_keeps_what_was_typed_and_saves_nothing(client, author, topics):
    MunicipalityFactory(name="Chemnitz", ags="14511000", state="14")
    client.force_login(author)
    data = form_data(own_municipality(author), topics, title="Mein halber Entwurf", q="Chemnitz")
    data["find"] = "1"
    del data["situation"]

    response = client.post(reverse("exchanges:practice_new"), data)

    assert response.status_code == 200
    assert PracticeExample.objects.count() == 0
    assert not response.context["form"].is_bound
    page = response.content.decode()
    assert "Mein halber Entwurf" in page
    assert "Chemnitz" in page
    assert "is-invalid" not in page


def test_a_contact_without_consent_is_refused_with_a_message_and_nothing_is_lost(
    client, author, topics
):
    client.force_login(author)
    data = form_data(
        own_municipality(author), topics, contact_name="Selin Kaya", contact_email="s@k.example"
    )

    response = client.post(reverse("exchanges:practice_new"), {**data, "submit": "1"})

    assert response.status_code == 200
    assert PracticeExample.objects.count() == 0
    form = response.context["form"]
    assert form.errors["contact_consent"]
    page = response.content.decode()
    assert str(form.errors["contact_consent"][0]) in page
    assert "Selin Kaya" in page
    assert "Interreligiöser Kalender für Schulen" in page
    with pytest.raises(ExchangeError, match="consent"):
        example_create(
            author=author,
            content=content(own_municipality(author), topics, contact_name="Selin Kaya"),
        )


def test_missing_fields_are_marked_and_nothing_is_saved(client, author):
    client.force_login(author)

    response = client.post(
        reverse("exchanges:practice_new"), {"title": "Nur ein Titel", "submit": "1"}
    )

    assert response.status_code == 200
    assert PracticeExample.objects.count() == 0
    assert {"municipality", "topics", "situation", "action", "effort", "outcome"} <= set(
        response.context["form"].errors
    )
    assert "Nur ein Titel" in response.content.decode()


def test_a_draft_is_saved_and_can_be_written_on_later(client, author, topics):
    client.force_login(author)

    response = client.post(
        reverse("exchanges:practice_new"),
        {**form_data(own_municipality(author), topics), "save": "1"},
    )

    example = PracticeExample.objects.get()
    assert response.status_code == 302
    assert response["Location"] == example.get_absolute_url()
    assert example.status == ExampleStatus.DRAFT
    assert example.slug == "interreligioeser-kalender-fuer-schulen"
    assert set(example.topics.all()) == set(topics)
    mine = client.get(reverse("exchanges:practice_mine")).content.decode()
    assert reverse("exchanges:practice_edit", args=[example.slug]) in mine


def test_slugs_are_unique_and_never_a_word_of_the_librarys_addresses(author, topics):
    place = own_municipality(author)

    first = example_create(author=author, content=content(place, topics))
    second = example_create(author=author, content=content(place, topics))
    new = example_create(author=author, content=content(place, topics, title="New"))
    mine = example_create(author=author, content=content(place, topics, title="Mine!"))

    assert (first.slug, second.slug) == ("grabfeld-fuer-muslime", "grabfeld-fuer-muslime-2")
    assert (new.slug, mine.slug) == ("new-2", "mine-2")
    assert new.get_absolute_url() == "/exchanges/practice/new-2/"


def test_only_rounds_that_took_place_can_be_named(author, topics):
    upcoming = ExchangeRoundFactory(status=RoundStatus.OPEN)
    held = ExchangeRoundFactory(status=RoundStatus.HELD)

    with pytest.raises(ExchangeError):
        example_create(
            author=author, content=content(own_municipality(author), topics, rounds=[upcoming])
        )
    example = example_create(
        author=author, content=content(own_municipality(author), topics, rounds=[held])
    )
    assert list(example.rounds.all()) == [held]


# --- The review --------------------------------------------------------------------------------


def test_submit_return_with_reason_revise_submit_publish(client, author, topics, send_due_emails):
    coordinator = UserFactory(roles=["coordinator"], preferred_language="de")
    client.force_login(author)
    client.post(
        reverse("exchanges:practice_new"),
        {**form_data(own_municipality(author), topics), "submit": "1"},
    )
    example = PracticeExample.objects.get()
    assert example.status == ExampleStatus.SUBMITTED
    assert example.submitted_at is not None

    # The author cannot change it while it is reviewed.
    edit = reverse("exchanges:practice_edit", args=[example.slug])
    assert client.get(edit)["Location"] == example.get_absolute_url()

    # Sent back without a reason: refused, on the step page and by the service.
    client.force_login(coordinator)
    response = client.post(step_url(example, "send_back"), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    with pytest.raises(ExchangeError):
        example_return(example=example, by=coordinator, reason="   ")
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED

    # Sent back with a reason: the author reads it in an email, in English.
    client.post(step_url(example, "send_back"), {"reason": "Bitte nennen Sie die Kosten."})
    example.refresh_from_db()
    assert example.status == ExampleStatus.RETURNED
    assert example.return_reason == "Bitte nennen Sie die Kosten."
    send_due_emails()
    returned = mail.outbox[-1]
    assert returned.to == [author.email]
    assert returned.subject == f"Please revise your practice example: {example.title}"
    assert "Bitte nennen Sie die Kosten." in returned.body
    assert edit in returned.body

    # The author sees the reason, revises and hands it in again.
    client.force_login(author)
    assert (
        "Bitte nennen Sie die Kosten."
        in client.get(reverse("exchanges:practice_mine")).content.decode()
    )
    assert "Bitte nennen Sie die Kosten." in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            **form_data(own_municipality(author), topics, effort="3.000 Euro Druckkosten."),
            "submit": "1",
        },
    )
    assert response["Location"] == reverse("exchanges:practice_mine")
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED
    assert example.effort == "3.000 Euro Druckkosten."

    # Published from the admin list: the author hears of it.
    client.force_login(coordinator)
    client.post(
        reverse("admin:exchanges_practiceexample_changelist"),
        {"action": "publish", "_selected_action": [example.pk]},
    )
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED
    assert example.published_at is not None
    send_due_emails()
    published = mail.outbox[-1]
    assert published.subject == f"Your practice example is published: {example.title}"
    assert example.get_absolute_url() in published.body

    assert list(
        AuditEntry.objects.for_object(example).order_by("pk").values_list("action", flat=True)
    ) == [
        "practice_example.create",
        "practice_example.submitted",
        "practice_example.returned",
        "practice_example.update",
        "practice_example.submitted",
        "practice_example.published",
    ]
    kinds = Notification.objects.about(example).order_by("pk").values_list("kind", flat=True)
    assert list(kinds) == [emails.RETURNED, emails.PUBLISHED]


def test_a_published_example_sent_back_again_writes_a_second_email(author, topics):
    coordinator = UserFactory(roles=["coordinator"])
    example = example_create(
        author=author, content=content(own_municipality(author), topics), submit=True
    )
    example_publish(example=example, by=coordinator)
    example_return(example=example, by=coordinator, reason="Der Kontakt hat widersprochen.")
    example_submit(example=example, by=author)
    example_return(example=example, by=coordinator, reason="Noch einmal, bitte.")

    keys = (
        Notification.objects.about(example).order_by("pk").values_list("idempotency_key", flat=True)
    )
    assert list(keys) == [
        f"practice_example:{example.pk}:published:1",
        f"practice_example:{example.pk}:returned:1",
        f"practice_example:{example.pk}:returned:2",
    ]


def test_an_email_that_is_no_longer_true_is_not_sent(author, topics, send_due_emails):
    coordinator = UserFactory(roles=["coordinator"])
    example = example_create(
        author=author, content=content(own_municipality(author), topics), submit=True
    )
    example_publish(example=example, by=coordinator)
    example_return(example=example, by=coordinator, reason="Zurück, bitte.")

    send_due_emails()

    assert [message.subject for message in mail.outbox] == [
        f"Please revise your practice example: {example.title}"
    ]


def test_only_coordinators_publish_or_send_back(author, topics):
    example = example_create(
        author=author, content=content(own_municipality(author), topics), submit=True
    )
    for someone in (author, UserFactory(roles=["advisor"])):
        with pytest.raises(ExchangeError):
            example_publish(example=example, by=someone)
        with pytest.raises(ExchangeError):
            example_return(example=example, by=someone, reason="Nein.")
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED


def test_a_draft_cannot_be_published_before_it_is_handed_in(author, topics):
    example = example_create(author=author, content=content(own_municipality(author), topics))

    with pytest.raises(ExchangeError):
        example_publish(example=example, by=UserFactory(roles=["coordinator"]))


def test_the_author_edits_only_drafts_and_returned_examples_coordinators_any(author, topics):
    coordinator = UserFactory(roles=["coordinator"])
    example = example_create(
        author=author, content=content(own_municipality(author), topics), submit=True
    )
    example_publish(example=example, by=coordinator)

    with pytest.raises(ExchangeError):
        example_update(
            example=example, by=author, content=content(own_municipality(author), topics)
        )
    corrected = example_update(
        example=example,
        by=coordinator,
        content=content(own_municipality(author), topics, title="Grabfeld für Musliminnen"),
    )
    assert corrected.status == ExampleStatus.PUBLISHED
    assert corrected.title == "Grabfeld für Musliminnen"
    assert corrected.slug == "grabfeld-fuer-muslime"  # links keep working


def test_the_detail_page_offers_coordinators_the_open_steps(client, author, topics):
    example = example_create(
        author=author, content=content(own_municipality(author), topics), submit=True
    )
    client.force_login(UserFactory(roles=["coordinator"]))

    page = client.get(example.get_absolute_url()).content.decode()

    assert step_url(example, "publish") in page
    assert step_url(example, "send_back") in page
    client.force_login(author)
    assert (
        step_url(example, "publish") not in client.get(example.get_absolute_url()).content.decode()
    )


# --- The admin ---------------------------------------------------------------------------------


def test_coordinators_hold_the_permissions_to_review_in_the_admin():
    coordinator = UserFactory(roles=["coordinator"])
    advisor = UserFactory(roles=["advisor"])

    for code in ("exchanges.view_practiceexample", "exchanges.change_practiceexample"):
        assert coordinator.has_perm(code), f"ROLE_PERMISSIONS[COORDINATOR] needs {code}"
        assert not advisor.has_perm(code)
    for code in ("exchanges.add_practiceexample", "exchanges.delete_practiceexample"):
        assert not coordinator.has_perm(code)


def test_the_admin_lists_what_waits_for_review_and_saves_through_the_service(
    client, author, topics
):
    coordinator = UserFactory(roles=["coordinator"])
    waiting = example_create(
        author=author, content=content(own_municipality(author), topics), submit=True
    )
    PracticeExampleFactory(title="Schon veröffentlicht")
    client.force_login(coordinator)
    changelist = reverse("admin:exchanges_practiceexample_changelist")

    page = client.get(changelist, {"status__exact": "submitted"}).content.decode()

    assert waiting.title in page
    assert "Schon veröffentlicht" not in page
    change = reverse("admin:exchanges_practiceexample_change", args=[waiting.pk])
    response = client.get(change)
    assert response.status_code == 200
    data = {
        "title": "Grabfeld, überarbeitet",
        "municipality": waiting.municipality_id,
        "topics": [t.pk for t in topics],
        "situation": waiting.situation,
        "action": waiting.action,
        "effort": waiting.effort,
        "outcome": waiting.outcome,
        "contact_name": "Aylin Demir",
        "contact_email": "",
    }
    refused = client.post(change, data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["contact_consent"]
    client.post(change, {**data, "contact_consent": "on"})
    waiting.refresh_from_db()
    assert (waiting.title, waiting.contact_name, waiting.status) == (
        "Grabfeld, überarbeitet",
        "Aylin Demir",
        ExampleStatus.SUBMITTED,
    )
    update = AuditEntry.objects.for_object(waiting).filter(action="practice_example.update").get()
    assert update.actor == coordinator
    assert set(update.details["changed"]) == {"title", "contact_name", "contact_consent"}


def test_the_admin_of_examples_is_for_coordinators_only(client, author, topics):
    example = example_create(
        author=author, content=content(own_municipality(author), topics), submit=True
    )
    client.force_login(UserFactory(roles=["advisor"]))

    assert client.get(reverse("admin:exchanges_practiceexample_changelist")).status_code == 403
    assert client.post(step_url(example, "publish")).status_code in (302, 403, 404)
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED


# --- The panel on a round's page ---------------------------------------------------------------


def test_the_round_panel_shows_published_examples_to_signed_in_people_only(author):
    start = timezone.now() - timedelta(hours=3)
    round = ExchangeRoundFactory(
        status=RoundStatus.HELD, start=start, end=start + timedelta(hours=2)
    )
    shown = PracticeExampleFactory(title="Gezeigt")
    hidden = PracticeExampleFactory(title="Nicht fertig", **DRAFT)
    for example in (shown, hidden):
        example.rounds.add(round)
    anonymous = examples_panel(round, AnonymousUser())
    signed_in = examples_panel(round, author)

    assert (anonymous["signed_in"], anonymous["examples"], anonymous["count"]) == (False, [], 1)
    assert anonymous["login_url"] == (
        f"{reverse('account_login')}?{urlencode({'next': round.get_absolute_url()})}"
    )
    assert signed_in["signed_in"]
    assert signed_in["examples"] == [shown]
    assert signed_in["examples"][0].size is not None
    assert examples_panel(ExchangeRoundFactory(), AnonymousUser())["login_url"] == ""


def test_the_rounds_page_shows_the_panel(client, author):
    start = timezone.now() - timedelta(days=3)
    round = ExchangeRoundFactory(
        status=RoundStatus.HELD, start=start, end=start + timedelta(hours=2)
    )
    PracticeExampleFactory(title="Gezeigt in der Runde").rounds.add(round)

    anonymous = client.get(round.get_absolute_url()).content.decode()
    client.force_login(author)
    signed_in = client.get(round.get_absolute_url()).content.decode()

    assert "Gezeigt in der Runde" not in anonymous
    assert f"?next={round.get_absolute_url().replace('/', '%2F')}" in anonymous
    assert "Gezeigt in der Runde" in signed_in
