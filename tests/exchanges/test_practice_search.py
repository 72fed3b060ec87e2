"""The library's search: German full text on PostgreSQL, plain words on SQLite, the filters
by topic, state and size (each and combined), the size classes, paging and its query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchanges.models import ExampleStatus, PracticeExample
from exchanges.selectors.practice import (
    SIZE_BANDS,
    examples_search,
    size_class,
    size_condition,
)
from portal.accounts.models import FederalState, Municipality
from portal.advisors.models import Topic
from tests.factories import MunicipalityFactory, PracticeExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

SAXONY, HESSE, NRW = FederalState.SACHSEN, FederalState.HESSEN, FederalState.NORDRHEIN_WESTFALEN


def place(state: str, number: int, *, population=50_000, kind=Municipality.Kind.STADT):
    return MunicipalityFactory(
        state=state, ags=f"{state}{number:06d}", population=population, kind=kind
    )


def example(**fields):
    """A published example whose texts mention no mosque unless a test says so."""
    fields.setdefault("action", "Die Verwaltung lud die Beteiligten zu Gesprächen ein.")
    return PracticeExampleFactory(**fields)


@pytest.fixture
def reader(db):
    return UserFactory(roles=["integration_officer"])


@pytest.fixture
def library(db):
    """Five published examples of different topics, states and sizes, and one draft."""
    burial = Topic.objects.get(slug="bestattung")
    mosque = Topic.objects.get(slug="moscheebau")
    canteen = Topic.objects.get(slug="verpflegung")
    made = {
        "mosque": example(
            title="Runder Tisch zur neuen Moschee",
            situation="Die Gemeinde plante einen Neubau; Nachbarn hatten Fragen zum Verkehr.",
            municipality=place(SAXONY, 1, population=12_000, kind=Municipality.Kind.GEMEINDE),
        ),
        "burial": example(
            title="Grabfeld auf dem städtischen Friedhof",
            municipality=place(HESSE, 2, population=60_000),
        ),
        "canteen": example(
            title="Speiseplan in Schulmensen",
            situation="Eltern baten um Gerichte ohne Schweinefleisch.",
            action="Die Stadt sprach mit Caterern und der Moschee im Viertel.",
            effort="Drei Treffen.",
            outcome="Jeden Tag ein vegetarisches Gericht.",
            municipality=place(
                NRW, 3, population=1_080_000, kind=Municipality.Kind.KREISFREIE_STADT
            ),
        ),
        "district": example(
            title="Beratungsnetz im Landkreis",
            municipality=place(SAXONY, 4, population=300_000, kind=Municipality.Kind.LANDKREIS),
        ),
        "unknown_size": example(
            title="Dialogabende im Rathaus", municipality=place(HESSE, 5, population=None)
        ),
        "draft": example(
            title="Moschee-Führungen für Schulklassen",
            status=ExampleStatus.DRAFT,
            published_at=None,
            municipality=place(SAXONY, 6),
        ),
    }
    made["mosque"].topics.set([mosque])
    made["burial"].topics.set([burial])
    made["canteen"].topics.set([canteen, mosque])
    made["district"].topics.set([burial])
    return made


def titles(examples) -> set[str]:
    return {example.title for example in examples}


def keys(library, examples) -> set[str]:
    found = {example.pk for example in examples}
    return {key for key, example in library.items() if example.pk in found}


# --- Text --------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_german_stemming_finds_the_singular_for_the_plural(library, reader):
    assert keys(library, examples_search(reader, text="Moscheen")) == {"mosque", "canteen"}
    assert keys(library, examples_search(reader, text="Friedhöfe")) == {"burial"}


@pytest.mark.postgres
def test_a_title_match_ranks_before_a_match_in_the_body(library, reader):
    found = list(examples_search(reader, text="Moschee"))

    assert [e.pk for e in found] == [library["mosque"].pk, library["canteen"].pk]
    assert found[0].rank > found[1].rank


@pytest.mark.postgres
def test_web_search_syntax_excludes_words_and_needs_all_others(library, reader):
    assert keys(library, examples_search(reader, text="Moschee -Schulmensen")) == {"mosque"}
    assert keys(library, examples_search(reader, text="Moschee Verkehr")) == {"mosque"}
    assert keys(library, examples_search(reader, text='"städtischen Friedhof"')) == {"burial"}


@pytest.mark.postgres
def test_the_municipality_name_is_searched_too(library, reader):
    library["burial"].municipality.name = "Kassel"
    library["burial"].municipality.save()

    assert keys(library, examples_search(reader, text="Kassel")) == {"burial"}


def test_without_postgresql_each_word_must_appear_in_some_field(library, reader, monkeypatch):
    """The SQLite branch, on whatever database the suite runs (there, plain `icontains`)."""
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert keys(library, examples_search(reader, text="moschee")) == {"mosque", "canteen"}
    assert keys(library, examples_search(reader, text="MOSCHEE verkehr")) == {"mosque"}
    assert keys(library, examples_search(reader, text="Caterern Speiseplan")) == {"canteen"}
    # No stemming here: the plural is not a part of the singular.
    assert keys(library, examples_search(reader, text="Moscheen")) == set()
    assert keys(library, examples_search(reader, text="Jeden Tag", state=NRW)) == {"canteen"}


def test_no_text_lists_every_published_example_newest_first(library, reader):
    found = list(examples_search(reader))

    assert keys(library, found) == set(library) - {"draft"}
    assert [e.published_at for e in found] == sorted((e.published_at for e in found), reverse=True)


# --- Filters -----------------------------------------------------------------------------------


def test_each_filter_on_its_own(library, reader):
    burial = Topic.objects.get(slug="bestattung")
    mosque = Topic.objects.get(slug="moscheebau")

    assert keys(library, examples_search(reader, topic=burial)) == {"burial", "district"}
    assert keys(library, examples_search(reader, topic=mosque)) == {"mosque", "canteen"}
    assert keys(library, examples_search(reader, state=SAXONY)) == {"mosque", "district"}
    assert keys(library, examples_search(reader, state=HESSE)) == {"burial", "unknown_size"}
    assert keys(library, examples_search(reader, size="small")) == {"mosque"}
    assert keys(library, examples_search(reader, size="medium")) == {"burial"}
    assert keys(library, examples_search(reader, size="large")) == {"canteen"}
    assert keys(library, examples_search(reader, size="district")) == {"district"}


def test_filters_combine(library, reader, monkeypatch):
    burial = Topic.objects.get(slug="bestattung")
    mosque = Topic.objects.get(slug="moscheebau")

    assert keys(library, examples_search(reader, topic=burial, state=SAXONY)) == {"district"}
    assert keys(library, examples_search(reader, topic=burial, size="district")) == {"district"}
    assert keys(library, examples_search(reader, topic=mosque, state=SAXONY, size="small")) == {
        "mosque"
    }
    assert examples_search(reader, topic=mosque, state=SAXONY, size="large").count() == 0
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert keys(library, examples_search(reader, text="Moschee", topic=mosque, size="large")) == {
        "canteen"
    }


@pytest.mark.postgres
def test_text_and_filters_combine_on_postgresql(library, reader):
    mosque = Topic.objects.get(slug="moscheebau")

    assert keys(library, examples_search(reader, text="Moscheen", state=SAXONY)) == {"mosque"}
    assert keys(library, examples_search(reader, text="Moscheen", topic=mosque, size="large")) == {
        "canteen"
    }


def test_the_search_never_lists_an_unpublished_example(library, reader):
    author = library["draft"].author
    coordinator = UserFactory(roles=["coordinator"])

    for user in (reader, author, coordinator):
        assert library["draft"].pk not in {e.pk for e in examples_search(user, text="Schulklassen")}
        assert library["draft"].pk not in {e.pk for e in examples_search(user, state=SAXONY)}


# --- Size classes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "kind", "expected"),
    [
        (0, "gemeinde", "small"),
        (19_999, "gemeinde", "small"),
        (20_000, "stadt", "medium"),
        (100_000, "stadt", "medium"),
        (100_001, "kreisfreie_stadt", "large"),
        (30_000, "landkreis", "district"),
        (None, "landkreis", "district"),
        (None, "stadt", None),
    ],
)
def test_a_size_class_is_the_same_in_python_and_in_sql(population, kind, expected):
    municipality = MunicipalityFactory(population=population, kind=kind)

    band = size_class(municipality)
    in_sql = [
        b.key
        for b in SIZE_BANDS
        if Municipality.objects.filter(b.condition(), pk=municipality.pk).exists()
    ]

    assert (band.key if band else None) == expected
    assert in_sql == ([expected] if expected else [])
    if expected:
        example = PracticeExampleFactory(municipality=municipality)
        assert list(PracticeExample.objects.filter(size_condition(expected))) == [example]


# --- The page ----------------------------------------------------------------------------------


def list_queries(client, count, first_ags):
    topics = list(Topic.objects.all()[:3])
    for index in range(count):
        made = PracticeExampleFactory(municipality=place(SAXONY, first_ags + index))
        made.topics.set(topics[: 1 + index % 3])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("exchanges:practice_list"))
    assert response.status_code == 200
    return len(queries), response


def test_the_list_costs_the_same_queries_for_5_and_45_examples(client, reader):
    client.force_login(reader)
    few, response = list_queries(client, 5, 100)
    assert len(response.context["examples"]) == 5

    PracticeExample.objects.all().delete()
    many, response = list_queries(client, 45, 200)
    assert response.context["page"].paginator.count == 45
    assert len(response.context["examples"]) == 20

    assert few == many
    assert many <= 8


def test_the_list_filters_and_pages_through_the_query_string(client, reader, library):
    client.force_login(reader)

    response = client.get(reverse("exchanges:practice_list"), {"state": SAXONY, "size": "small"})

    assert titles(response.context["examples"]) == {library["mosque"].title}
    page = response.content.decode()
    assert "Runder Tisch zur neuen Moschee" in page
    assert "Sachsen" in page or "Saxony" in page


def test_wrong_filters_and_pages_are_left_out_not_an_error(client, reader, library):
    client.force_login(reader)

    response = client.get(
        reverse("exchanges:practice_list"),
        {"topic": "no-such-topic", "size": "huge", "state": "99", "page": "abc", "q": "x" * 500},
    )

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert set(response.context["form"].errors) == {"topic", "size", "state", "q"}
    assert response.context["page"].paginator.count == len(library) - 1


def test_page_two_keeps_the_filters(client, reader):
    client.force_login(reader)
    for index in range(25):
        PracticeExampleFactory(municipality=place(HESSE, 300 + index))

    response = client.get(reverse("exchanges:practice_list"), {"state": HESSE, "page": 2})

    assert len(response.context["examples"]) == 5
    assert f"state={HESSE}&amp;page=1" in response.content.decode()
