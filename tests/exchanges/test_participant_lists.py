"""Participant lists for moderators: printable, CSV with cells neutralised against formulas,
and name badges as PDF for rounds of 30 to 200 people."""

import csv
import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from exchanges.exports import badges_pdf
from exchanges.selectors.moderation import participant_list
from exchanges.services.questions import question_submit
from tests.exchanges.moderation_helpers import advisor, guest, make_round, member, theme
from tests.factories import RoundRegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return advisor()


@pytest.fixture
def round(moderator):
    round = make_round(moderators=[moderator], audience="public", capacity=200)
    member(round, person=UserFactory(full_name="Aylin Demir"))
    member(round, person=UserFactory(full_name='=HYPERLINK("http://x")'))
    member(round, status="waitlisted", person=UserFactory(full_name="Wartende Person"))
    guest(round, name="Max Gast")
    return round


def url(name, round):
    return reverse(f"exchanges:{name}", args=[round.slug])


def test_the_printable_list_has_the_confirmed_participants_and_a_print_stylesheet(
    client, round, moderator
):
    client.force_login(moderator)
    response = client.get(url("moderate_participants", round))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Aylin Demir" in page and "Max Gast" in page
    assert "Wartende Person" not in page
    assert "print-participants.css" in page
    assert " style=" not in page and "<script>" not in page


def test_the_csv_neutralises_formulas_and_lists_the_waitlist(client, round, moderator):
    client.force_login(moderator)
    response = client.get(url("participants_csv", round))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    assert '=HYPERLINK("http://x")' not in names
    assert {"Aylin Demir", "Max Gast", "Wartende Person"} <= set(names)
    assert rows[-1][1] == "Wartende Person"  # the waitlist comes last
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_list_pages_make_the_same_queries_whatever_the_number_of_rows(
    client, moderator, django_assert_max_num_queries
):
    topic = theme()
    small = make_round(moderators=[moderator], themes=[topic])
    ask(member(small), topic)
    big = make_round(moderators=[moderator], themes=[topic])
    for n in range(25):
        ask(member(big, verified=False), topic if n % 2 else None)
    guest(big)
    client.force_login(moderator)
    pages = (
        "moderate_participants",
        "participants_csv",
        "moderate_attendance",
        "moderate_questions",
    )
    for name in pages:
        with CaptureQueriesContext(connection) as few:
            client.get(url(name, small))
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url(name, big)).status_code == 200


def ask(registration, topic):
    question_submit(registration=registration, text="Frage", theme=topic, show_name=True)


def test_badges_eight_to_a_page_with_guests_as_guest(client, round, moderator):
    client.force_login(moderator)
    response = client.get(url("badges_pdf", round))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Aylin Demir" in text and "Max Gast" in text and "Gast" in text
    assert "Wartende Person" not in text
    with translation.override("en"):
        english = PdfReader(io.BytesIO(badges_pdf(round, participant_list(round), language="en")))
    assert "Guest" in english.pages[0].extract_text()


@pytest.mark.parametrize(("people", "pages"), [(30, 4), (200, 25)])
def test_badges_for_a_round_of_30_to_200_people(moderator, people, pages):
    round = make_round(moderators=[moderator], capacity=200)
    for n in range(people):
        RoundRegistrationFactory(round=round, person=UserFactory(full_name=f"Person {n:03d}"))

    started = time.monotonic()
    pdf = badges_pdf(round, participant_list(round), language="de")
    took = time.monotonic() - started

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    assert took < 30, f"{people} badges took {took:.1f} s"
    assert f"Person {people - 1:03d}" in reader.pages[-1].extract_text()
