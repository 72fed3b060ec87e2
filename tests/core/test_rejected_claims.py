"""A rejected membership claim grants nothing and is not shown as waiting."""

import pytest
from django.urls import reverse

from portal.accounts.models import MembershipStatus
from tests.factories import CourseFactory, MembershipFactory, MunicipalityFactory, UserFactory


@pytest.mark.django_db
def test_the_request_form_lists_waiting_claims_but_not_rejected_ones(client):
    person = UserFactory(roles=["integration_officer"])
    MembershipFactory(
        user=person, municipality=MunicipalityFactory(name="Wartestadt", ags="06611000")
    )
    MembershipFactory(
        user=person,
        municipality=MunicipalityFactory(name="Ablehnstadt", ags="06411000"),
        status=MembershipStatus.REJECTED,
    )
    client.force_login(person)

    page = client.get(reverse("consultations:new")).content.decode()

    assert "Wartestadt" in page
    assert "Ablehnstadt" not in page


@pytest.mark.django_db
def test_a_rejected_claim_does_not_open_the_request_form(client):
    person = UserFactory(roles=["integration_officer"])
    MembershipFactory(user=person, status=MembershipStatus.REJECTED)
    client.force_login(person)

    response = client.get(reverse("consultations:new"))

    assert response.templates[0].name == "consultations/not_yet.html"


@pytest.mark.django_db
def test_the_course_registration_lists_waiting_claims_but_not_rejected_ones(client):
    course = CourseFactory(published=True)
    person = UserFactory(roles=["integration_officer"])
    MembershipFactory(
        user=person, municipality=MunicipalityFactory(name="Wartestadt", ags="06611000")
    )
    MembershipFactory(
        user=person,
        municipality=MunicipalityFactory(name="Ablehnstadt", ags="06411000"),
        status=MembershipStatus.REJECTED,
    )
    client.force_login(person)

    page = client.get(reverse("trainings:register", args=[course.slug])).content.decode()

    assert "Wartestadt" in page
    assert "Ablehnstadt" not in page
