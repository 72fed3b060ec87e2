"""German content inside the English interface is marked lang="de" (issue 14.17): course
texts always, topics only where they have no English name; German pages add nothing."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from portal.advisors.models import Topic
from tests.factories import CourseDateFactory, CourseFactory, MembershipFactory
from trainings.models import Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    made = CourseFactory(
        title="Interkulturelle Öffnungsprozesse",
        summary="Ein Tag zu Öffnungsprozessen in der Verwaltung.",
        description="Mit Beispielen aus Köln.",
        learning_goals="Prozesse planen",
        target_group="Integrationsbeauftragte",
    )
    translated = Topic.objects.create(
        slug="test-bestattung", name_de="Muslimische Bestattungen", name_en="Muslim burials"
    )
    german_only = Topic.objects.create(
        slug="test-moscheebau", name_de="Moscheebaukonflikte", name_en=""
    )
    made.topics.set([translated, german_only])
    CourseDateFactory(course=made)
    return made


def get(client, url, language):
    client.cookies["django_language"] = language
    with translation.override(language):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def main_of(page):
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_the_course_page_in_english_marks_its_german_texts(client, course):
    main = main_of(get(client, course.get_absolute_url(), "en"))

    assert re.search(r'<h1 class="course-title" lang="de">Interkulturelle', main)
    assert 'lang="de">Ein Tag zu Öffnungsprozessen' in main
    assert 'lang="de">Integrationsbeauftragte' in main
    assert '<span class="course-topic" lang="de">Moscheebaukonflikte</span>' in main
    assert '<span class="course-topic">Muslim burials</span>' in main
    assert re.search(r'<div lang="de">\s*<p>Mit Beispielen aus Köln', main)
    assert '<ul lang="de"><li>Prozesse planen' in main


def test_german_pages_add_no_lang_attributes(client, course):
    for url in [course.get_absolute_url(), reverse("trainings:calendar")]:
        main = main_of(get(client, url, "de"))
        assert 'lang="de"' not in main, url
        assert "Muslimische Bestattungen" in main


def test_the_calendar_in_english_marks_titles_summaries_and_german_topics(client, course):
    main = main_of(get(client, reverse("trainings:calendar"), "en"))

    assert re.search(r'<h3 class="h5 mb-1 course-title" lang="de"><a [^>]*>Interkulturelle', main)
    assert '<p class="mb-2" lang="de">Ein Tag' in main
    assert '<span class="course-topic" lang="de">Moscheebaukonflikte</span>' in main
    # The topic filter's options: the German-only topic says so, the translated one does not.
    assert '<option value="test-moscheebau" lang="de">Moscheebaukonflikte</option>' in main
    assert '<option value="test-bestattung">Muslim burials</option>' in main


def test_the_registration_form_marks_the_german_title_and_questions(client, course):
    Question.objects.create(
        course=course, position=1, label="Mittagessen", kind="choice", choices="vegan\nmit Fleisch"
    )
    membership = MembershipFactory(verified=True)
    client.force_login(membership.user)

    main = main_of(get(client, reverse("trainings:register", args=[course.slug]), "en"))

    assert '<span lang="de">Interkulturelle Öffnungsprozesse</span>' in main
    assert '<span lang="de">Mittagessen</span>' in main
    assert '<span lang="de">mit Fleisch</span>' in main


def test_the_filter_escapes_and_the_tag_follows_the_topics_english_name():
    template = Template(
        '{% load content_language %}{{ title|german }}|<i{% lang_de topic "name" %}></i>'
    )
    topic = Topic(name_de="Dialog", name_en="")
    title = "<b>Dialog & Begegnung</b>"

    with translation.override("en"):
        english = template.render(Context({"title": title, "topic": topic}))
        topic.name_en = "Dialogue"
        translated = template.render(Context({"title": title, "topic": topic}))
    with translation.override("de"):
        german = template.render(Context({"title": title, "topic": topic}))

    assert english == (
        '<span lang="de">&lt;b&gt;Dialog &amp; Begegnung&lt;/b&gt;</span>|<i lang="de"></i>'
    )
    assert translated.endswith("|<i></i>")
    assert german == "&lt;b&gt;Dialog &amp; Begegnung&lt;/b&gt;|<i></i>"
