"""Follow-up items (who does what by when): written with the documentation, ticked off, and
carried into the next round on the same theme or of the same series, where they are shown."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from exchanges.errors import ExchangeError
from exchanges.models import FollowUpItem, RoundSeries
from exchanges.selectors.moderation import carried_follow_ups, documentation_panel
from exchanges.services.documentation import (
    FollowUpRow,
    attendance_record,
    documentation_publish,
    documentation_save,
    follow_up_set_done,
)
from exchanges.services.follow_ups import follow_ups_carry
from portal.core.models import AuditEntry
from tests.exchanges.moderation_helpers import (
    advisor,
    make_round,
    member,
    other_theme,
    past_round,
    theme,
    verified_officer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return advisor()


def document(round, moderator, *items, publish=True):
    """Hold `round`, write a summary and the follow-up items `(what, who)`, publish it."""
    member(round)
    attendance_record(round=round, present_ids=[], by=moderator)
    documentation_save(
        round=round,
        summary="Zusammenfassung",
        results="",
        open_to_officers=False,
        follow_ups=[FollowUpRow(item=None, what=what, who=who, due=None) for what, who in items],
        by=moderator,
    )
    if publish:
        documentation_publish(round=round, by=moderator)
    round.refresh_from_db()
    return round


def test_items_are_added_changed_ticked_off_and_deleted_with_audit_entries(moderator):
    round = document(
        past_round(moderators=[moderator]),
        moderator,
        ("Leitfaden", "Köln"),
        ("Liste", "Halle"),
        publish=False,
    )
    first, second = round.follow_ups.order_by("position")
    documentation_save(
        round=round,
        summary="Zusammenfassung",
        results="",
        open_to_officers=False,
        follow_ups=[
            FollowUpRow(item=second, what="Liste der Friedhöfe", who="Halle", due=None, done=True),
            FollowUpRow(item=first, what="Leitfaden", who="Köln", due=None, delete=True),
            FollowUpRow(item=None, what="Einladung", who="Leipzig", due=None),
        ],
        by=moderator,
    )
    items = list(round.follow_ups.order_by("position"))
    assert [(i.what, i.position, i.done) for i in items] == [
        ("Liste der Friedhöfe", 1, True),
        ("Einladung", 2, False),
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"follow_up.add", "follow_up.change", "follow_up.done", "follow_up.delete"} <= actions


def test_an_item_of_another_round_is_refused(moderator):
    other = document(past_round(moderators=[moderator]), moderator, ("A", "B"), publish=False)
    round = past_round(moderators=[moderator])
    member(round)
    with pytest.raises(ExchangeError, match="anderen Runde"):
        documentation_save(
            round=round,
            summary="",
            results="",
            open_to_officers=False,
            follow_ups=[FollowUpRow(item=other.follow_ups.get(), what="A", who="B", due=None)],
            by=moderator,
        )


def test_publishing_carries_open_items_into_the_next_round_on_the_same_theme(moderator):
    burial, building = theme(), other_theme(theme())
    next_on_theme = make_round(days=30, themes=[burial])
    later_on_theme = make_round(days=60, themes=[burial])
    other_topic = make_round(days=20, themes=[building])
    round = past_round(moderators=[moderator], themes=[burial])

    round = document(round, moderator, ("Leitfaden", "Köln"), ("Liste", "Halle"))

    assert [i.what for i in carried_follow_ups(next_on_theme)] == ["Leitfaden", "Liste"]
    assert carried_follow_ups(later_on_theme) == []
    assert carried_follow_ups(other_topic) == []
    assert AuditEntry.objects.filter(action="follow_up.carry").count() == 2


def test_a_round_published_later_takes_up_open_items_not_done_or_carried(moderator):
    burial = theme()
    round = document(
        past_round(moderators=[moderator], themes=[burial]),
        moderator,
        ("Offen", "Köln"),
        ("Erledigt", "Halle"),
    )
    done = round.follow_ups.get(what="Erledigt")
    follow_up_set_done(item=done, done=True, by=moderator)
    new = make_round(days=10, themes=[burial], status="draft")

    assert follow_ups_carry(into=new, by=None) == 1  # as round_publish calls it
    assert follow_ups_carry(into=new, by=None) == 0
    assert [i.what for i in carried_follow_ups(new)] == ["Offen"]

    new.status = "cancelled"
    new.save()
    replacement = make_round(days=12, themes=[burial])
    assert follow_ups_carry(into=replacement) == 1  # the cancelled round freed them
    with pytest.raises(ExchangeError):
        follow_ups_carry(into=round)


def test_items_of_a_series_go_to_its_next_meeting_without_a_shared_theme(moderator):
    series = RoundSeries.objects.create(title="Runder Tisch Halle", slug="runder-tisch-halle")
    first = past_round(moderators=[moderator], series=series)
    unrelated = make_round(days=5, themes=[theme()])
    next_meeting = make_round(days=30, series=series, previous=first)

    document(first, moderator, ("Raum anfragen", "Stadt Halle"))

    assert [i.what for i in carried_follow_ups(next_meeting)] == ["Raum anfragen"]
    assert carried_follow_ups(unrelated) == []


def test_items_added_after_publication_are_carried_at_once(moderator):
    burial = theme()
    upcoming = make_round(days=30, themes=[burial])
    round = document(past_round(moderators=[moderator], themes=[burial]), moderator)
    documentation_save(
        round=round,
        summary="Zusammenfassung",
        results="",
        open_to_officers=False,
        follow_ups=[FollowUpRow(item=None, what="Nachtrag", who="Köln", due=None)],
        by=moderator,
    )
    assert [i.what for i in carried_follow_ups(upcoming)] == ["Nachtrag"]


def test_the_next_rounds_page_shows_carried_items_to_its_people(moderator):
    burial = theme()
    upcoming = make_round(days=30, themes=[burial], title="Zweite Runde")
    round = document(
        past_round(moderators=[moderator], themes=[burial], title="Erste Runde"),
        moderator,
        ("Leitfaden abstimmen", "Stadt Köln"),
    )
    registered = member(upcoming).person
    earlier_participant = round.registrations.members().first().person

    for person in (registered, earlier_participant):
        html = render_to_string(
            "exchanges/_documentation_panel.html", {"panel": documentation_panel(upcoming, person)}
        )
        assert "Leitfaden abstimmen" in html
        assert "Stadt Köln" in html
        assert "Erste Runde" in html
    assert documentation_panel(upcoming, verified_officer())["carried"] == []


def test_the_moderator_of_the_later_round_ticks_a_carried_item_off(client, moderator):
    burial = theme()
    later_moderator = advisor()
    upcoming = make_round(days=30, themes=[burial], moderators=[later_moderator])
    document(past_round(moderators=[moderator], themes=[burial]), moderator, ("Liste", "Halle"))
    item = FollowUpItem.objects.get()

    client.force_login(later_moderator)
    url = reverse("exchanges:moderate_documentation", args=[upcoming.slug])
    page = client.get(url)
    assert page.status_code == 200 and "Liste" in page.content.decode()
    assert (
        client.post(url, {"action": "carried_done", "item": item.pk, "done": "1"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.done and item.done_at is not None

    with pytest.raises(ExchangeError):
        follow_up_set_done(item=item, done=False, by=advisor())
    other = make_round(days=40, moderators=[later_moderator])
    response = client.post(
        reverse("exchanges:moderate_documentation", args=[other.slug]),
        {"action": "carried_done", "item": item.pk, "done": "0"},
    )
    assert response.status_code == 404


def test_the_page_edits_an_item_in_place(client, moderator):
    round = document(past_round(moderators=[moderator]), moderator, ("Liste", "Halle"))
    item = round.follow_ups.get()
    client.force_login(moderator)
    url = reverse("exchanges:moderate_documentation", args=[round.slug])
    page = client.get(url).content.decode()
    assert f'name="follow_ups-0-id" value="{item.pk}"' in page

    response = client.post(
        url,
        {
            "action": "save",
            "summary": "Zusammenfassung",
            "results": "",
            "follow_ups-TOTAL_FORMS": "2",
            "follow_ups-INITIAL_FORMS": "1",
            "follow_ups-0-id": item.pk,
            "follow_ups-0-what": "Liste der Satzungen",
            "follow_ups-0-who": "Halle",
            "follow_ups-0-done": "on",
            "follow_ups-1-what": "",
            "follow_ups-1-who": "",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.what, item.done) == ("Liste der Satzungen", True)
    assert round.follow_ups.count() == 1


def test_an_incomplete_item_says_what_is_missing():
    from django.utils import translation

    from exchanges.forms.moderation import FollowUpFormSet

    data = {
        "follow_ups-TOTAL_FORMS": "2",
        "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-0-who": "Stadt Leipzig",
        "follow_ups-1-what": "x" * 301,
        "follow_ups-1-who": "",
    }
    with translation.override("en"):
        formset = FollowUpFormSet(data, prefix="follow_ups")
        assert not formset.is_valid()
        first, second = formset.forms
        assert first.errors["what"] == ["Please say what is to be done."]
        assert second.errors["what"] == ["Please shorten this to at most 300 characters."]
        assert second.errors["who"] == ["Please say who takes it on."]
