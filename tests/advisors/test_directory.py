"""The public directory, profile pages and the matching of advisors to a request."""

from datetime import datetime, time

import pytest
from django.urls import reverse

from portal.advisors.availability import BERLIN
from portal.advisors.models import Topic
from portal.advisors.selectors import advisors_ranked, register_caseload_source
from tests.factories import AdvisorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics():
    return {topic.slug: topic for topic in Topic.objects.all()}


@pytest.fixture
def advisors(topics):
    """Three public advisors who differ in every filter, and a hidden one."""
    return {
        "burial": AdvisorProfileFactory(
            user__full_name="Nadia Aksoy",
            topics=[topics["bestattung"], topics["moscheebau"]],
            languages=["de", "ar"],
            states=["14", "15"],
            formats=["fachberatung"],
            modes=["video", "phone"],
        ),
        "youth": AdvisorProfileFactory(
            user__full_name="Jan Becker",
            topics=[topics["jugendarbeit"]],
            languages=["de", "tr"],
            states=["05"],
            formats=["fachberatung", "prozessbegleitung"],
            modes=["in_person"],
        ),
        "both": AdvisorProfileFactory(
            user__full_name="Selin Çelik",
            topics=[topics["bestattung"], topics["jugendarbeit"]],
            languages=["de", "tr", "en"],
            states=["05", "14"],
            formats=["prozessbegleitung"],
            modes=["in_person", "video"],
        ),
        "hidden": AdvisorProfileFactory(
            user__full_name="Verborgen Person",
            topics=[topics["bestattung"]],
            is_public=False,
        ),
    }


def names(response):
    return [profile.name for profile in response.context["profiles"]]


def test_the_directory_lists_public_advisors_only(client, advisors):
    response = client.get(reverse("advisors:directory"))

    assert response.status_code == 200
    assert names(response) == ["Jan Becker", "Nadia Aksoy", "Selin Çelik"]
    assert "Verborgen" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "bestattung"}, ["Nadia Aksoy", "Selin Çelik"]),
        ({"language": "tr"}, ["Jan Becker", "Selin Çelik"]),
        ({"language": "ar"}, ["Nadia Aksoy"]),
        ({"state": "05"}, ["Jan Becker", "Selin Çelik"]),
        ({"format": "fachberatung"}, ["Jan Becker", "Nadia Aksoy"]),
        ({"mode": "in_person"}, ["Jan Becker", "Selin Çelik"]),
        ({"topic": "bestattung", "language": "tr"}, ["Selin Çelik"]),
        ({"topic": "jugendarbeit", "state": "05", "format": "fachberatung"}, ["Jan Becker"]),
        ({"state": "14", "mode": "video", "language": "ar"}, ["Nadia Aksoy"]),
        ({"topic": "moscheebau", "state": "05"}, []),
    ],
)
def test_filters_alone_and_combined(client, advisors, query, expected):
    response = client.get(reverse("advisors:directory"), query)

    assert names(response) == expected


def test_a_language_code_is_not_found_inside_another_one(client, topics):
    AdvisorProfileFactory(user__full_name="Nur Deutsch", languages=["de"])

    assert names(client.get(reverse("advisors:directory"), {"language": "e"})) == ["Nur Deutsch"]


def test_unknown_filters_are_reported_and_left_out(client, advisors):
    response = client.get(reverse("advisors:directory"), {"topic": "gibt-es-nicht", "state": "05"})

    assert response.status_code == 200
    assert names(response) == ["Jan Becker", "Selin Çelik"]
    assert "topic" in response.context["form"].errors


def test_an_empty_result_offers_a_way_on(client, advisors):
    response = client.get(reverse("advisors:directory"), {"topic": "moscheebau", "state": "05"})

    content = response.content.decode()
    assert reverse("advisors:match") in content
    assert "0" in content


def test_the_directory_costs_the_same_queries_for_5_and_50_advisors(client, topics):
    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("advisors:directory"), {"language": "de"})
        assert response.status_code == 200
        return len(captured), len(response.context["profiles"])

    for _ in range(5):
        AdvisorProfileFactory(topics=[topics["dialog"], topics["arbeitsmarkt"]])
    five = queries_for_page()
    for _ in range(45):
        AdvisorProfileFactory(topics=[topics["dialog"], topics["bestattung"]])
    fifty = queries_for_page()

    assert five[1] == 5
    assert fifty[1] == 50
    assert five[0] == fifty[0] <= 4


def test_the_profile_page_shows_the_person_and_free_times(client, advisors):
    profile = advisors["burial"]

    response = client.get(reverse("advisors:detail", args=[profile.slug]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nadia Aksoy" in content
    assert "Arabisch" in content
    assert "Sachsen" in content
    assert response.context["slots"]
    assert f"?advisor={profile.slug}" in content or reverse("account_signup") in content


def test_the_profile_page_answers_in_english(client, advisors):
    client.cookies["django_language"] = "en"

    response = client.get(reverse("advisors:detail", args=[advisors["burial"].slug]))

    content = response.content.decode()
    assert 'lang="en"' in content
    assert "Has advised municipalities for many years." in content
    assert "Arabic" in content


def test_a_hidden_profile_answers_404_except_to_its_advisor_and_coordinators(
    client, advisors, coordinator
):
    url = reverse("advisors:detail", args=[advisors["hidden"].slug])

    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=["integration_officer"]))
    assert client.get(url).status_code == 404
    client.force_login(advisors["burial"].user)
    assert client.get(url).status_code == 404
    client.force_login(advisors["hidden"].user)
    assert client.get(url).status_code == 200
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_an_unknown_profile_answers_404(client):
    assert client.get(reverse("advisors:detail", args=["niemand"])).status_code == 404


def test_matching_ranks_the_right_topic_and_state_above_the_rest(topics):
    right = AdvisorProfileFactory(
        user__full_name="Zora Passt", topics=[topics["bestattung"]], states=["14"]
    )
    topic_only = AdvisorProfileFactory(
        user__full_name="Anton Thema", topics=[topics["bestattung"]], states=["01"]
    )
    neither = AdvisorProfileFactory(
        user__full_name="Aaron Anders", topics=[topics["arbeitsmarkt"]], states=["01"]
    )

    ranking = advisors_ranked(topics=[topics["bestattung"]], state="14")

    assert [match.profile for match in ranking] == [right, topic_only, neither]
    assert ranking[0].topics_covered == [topics["bestattung"]]
    assert ranking[0].serves_state is True
    assert ranking[2].topics_covered == []


def test_matching_weighs_language_format_and_the_earliest_free_slot(topics):
    later = AdvisorProfileFactory(
        user__full_name="Anna Später", languages=["de", "ar"], windows=[(4, time(9), time(10))]
    )
    sooner = AdvisorProfileFactory(
        user__full_name="Zeynep Früher", languages=["de", "ar"], windows=[(0, time(9), time(10))]
    )
    no_arabic = AdvisorProfileFactory(user__full_name="Bernd Ohne", languages=["de"])
    now = datetime(2026, 12, 4, 12, tzinfo=BERLIN)  # Friday: Monday comes before Friday

    ranking = advisors_ranked(languages=["ar"], format="fachberatung", now=now)

    assert [match.profile for match in ranking] == [sooner, later, no_arabic]
    assert ranking[0].languages_spoken == ["ar"]
    assert ranking[0].next_slot.local_start.weekday() == 0


def test_an_advisor_without_free_capacity_comes_last(topics):
    full = AdvisorProfileFactory(topics=[topics["dialog"]], states=["05"], max_open_cases=2)
    free = AdvisorProfileFactory(topics=[], states=["01"])

    ranking = advisors_ranked(
        topics=[topics["dialog"]], state="05", open_cases={full.user_id: 2, free.user_id: 0}
    )

    assert [match.profile for match in ranking] == [free, full]
    assert ranking[1].is_full


def test_open_cases_come_from_the_registered_caseload_source(topics):
    from portal.advisors import selectors

    busy = AdvisorProfileFactory(user__full_name="Viel Zutun", max_open_cases=1)
    idle = AdvisorProfileFactory(user__full_name="Wenig Zutun", max_open_cases=1)

    def caseload(user_ids):
        return {busy.user_id: 1}

    register_caseload_source(caseload)
    try:
        ranking = advisors_ranked()
    finally:
        selectors._caseload_sources.remove(caseload)

    assert [match.profile for match in ranking] == [idle, busy]
    assert ranking[1].free_capacity == 0


def test_the_matching_page_shows_the_best_three_with_reasons(client, advisors, topics):
    AdvisorProfileFactory(user__full_name="Vierte Person", topics=[topics["dialog"]])

    response = client.get(
        reverse("advisors:match"), {"topics": ["bestattung", "jugendarbeit"], "state": "05"}
    )

    assert response.status_code == 200
    matches = response.context["matches"]
    assert len(matches) == 3
    assert matches[0].profile == advisors["both"]
    content = response.content.decode()
    assert "Selin Çelik" in content


def test_the_matching_page_costs_the_same_queries_for_few_and_many_advisors(client, topics):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("advisors:match"), {"topics": ["dialog"], "state": "05"})
        return len(captured)

    for _ in range(3):
        AdvisorProfileFactory(topics=[topics["dialog"]])
    few = count()
    for _ in range(20):
        AdvisorProfileFactory(topics=[topics["dialog"]])

    assert count() == few


def test_a_long_booking_horizon_earns_no_head_start(topics):
    soon = AdvisorProfileFactory(
        user__full_name="Bald Frei", horizon_weeks=1, windows=[(0, time(9), time(10))]
    )
    later = AdvisorProfileFactory(
        user__full_name="Aber Später", horizon_weeks=26, windows=[(3, time(9), time(10))]
    )
    now = datetime(2026, 12, 4, 12, tzinfo=BERLIN)  # Friday: Monday before Thursday

    ranking = advisors_ranked(now=now)

    assert [match.profile for match in ranking] == [soon, later]


def test_a_perfect_match_on_the_criteria_asked_is_near_100_percent(topics):
    AdvisorProfileFactory(topics=[topics["dialog"]], max_open_cases=5)

    (match,) = advisors_ranked(topics=[topics["dialog"]])

    assert match.percent >= 90


def test_an_advisor_who_does_not_speak_the_language_comes_after_those_who_do(topics):
    expert = AdvisorProfileFactory(
        user__full_name="Alle Themen", topics=[topics["bestattung"]], states=["05"]
    )
    speaker = AdvisorProfileFactory(user__full_name="Spricht Arabisch", languages=["de", "ar"])

    ranking = advisors_ranked(topics=[topics["bestattung"]], state="05", languages=["ar"])

    assert [match.profile for match in ranking] == [speaker, expert]
    assert ranking[1].languages_missing == ["ar"]


def test_each_card_says_which_wishes_the_advisor_meets(client, topics):
    AdvisorProfileFactory(
        user__full_name="Samira Haddad",
        topics=[topics["bestattung"]],
        languages=["de", "ar"],
        formats=["fachberatung"],
        modes=["video"],
    )
    query = {
        "topics": ["bestattung"],
        "language": "ar",
        "format": "fachberatung",
        "mode": "video",
    }

    german = " ".join(client.get(reverse("advisors:match"), query).content.decode().split())
    client.cookies["django_language"] = "en"
    english = " ".join(client.get(reverse("advisors:match"), query).content.decode().split())

    # "Spricht Arabisch" once the lead has added the German of "Speaks %(language)s".
    assert "Arabisch</li>" in german
    assert "Speaks Arabic" in english
    assert "Knows your topic: " in english
    assert "of your topic" not in english
    assert "Offers Expert advice (Fachberatung)" in english
    assert "Offers this way of meeting: Video call" in english


def test_two_topics_read_as_a_plural(client, topics):
    AdvisorProfileFactory(topics=[topics["bestattung"]])
    client.cookies["django_language"] = "en"

    content = client.get(
        reverse("advisors:match"), {"topics": ["bestattung", "jugendarbeit"]}
    ).content.decode()

    assert "Knows 1 of the 2 topics you chose" in " ".join(content.split())
