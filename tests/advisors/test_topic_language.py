"""Topic names without an English name are German inside the English interface: lang="de"."""

import pytest
from django.conf import settings
from django.urls import reverse

from portal.advisors.models import Topic
from tests.factories import AdvisorProfileFactory


@pytest.mark.django_db
def test_a_topic_without_english_name_is_marked_german_on_an_english_profile(client):
    only_german = Topic.objects.create(slug="nur-deutsch", name_de="Friedhofsfragen", name_en="")
    both = Topic.objects.create(slug="beide", name_de="Jugendarbeit", name_en="Youth work")
    profile = AdvisorProfileFactory()
    profile.topics.set([only_german, both])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("advisors:detail", args=[profile.slug])).content.decode()

    assert '<span lang="de">Friedhofsfragen</span>' in page
    assert "<span>Youth work</span>" in page


@pytest.mark.django_db
def test_german_pages_add_no_lang_attribute(client):
    topic = Topic.objects.create(slug="nur-deutsch", name_de="Friedhofsfragen", name_en="")
    profile = AdvisorProfileFactory()
    profile.topics.set([topic])

    page = client.get(reverse("advisors:detail", args=[profile.slug])).content.decode()

    assert "<span>Friedhofsfragen</span>" in page
