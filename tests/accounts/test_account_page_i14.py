"""Issue 14.12: the account page of someone who works for the programme, and the admin header."""

import pytest
from django.urls import reverse

from tests.factories import AdvisorProfileFactory, MembershipFactory, UserFactory


@pytest.mark.django_db
def test_an_advisors_account_page_does_not_ask_where_she_works(client):
    advisor = AdvisorProfileFactory(user__full_name="Dr. Miriam Hoffmann-Yilmaz").user
    client.force_login(advisor)

    response = client.get(reverse("accounts:overview"))

    assert response.status_code == 200
    assert reverse("accounts:membership_new") not in response.content.decode()
    assert 'id="memberships-title"' not in response.content.decode()


@pytest.mark.django_db
def test_an_officers_account_page_asks_where_she_works(client):
    client.force_login(UserFactory(roles=["integration_officer"]))

    response = client.get(reverse("accounts:overview"))

    assert reverse("accounts:membership_new") in response.content.decode()


@pytest.mark.django_db
def test_a_coordinator_with_a_membership_still_sees_it(client, coordinator):
    MembershipFactory(user=coordinator, verified=True, municipality__name="Gotha, Stadt")
    client.force_login(coordinator)

    assert "Gotha, Stadt" in client.get(reverse("accounts:overview")).content.decode()


@pytest.mark.django_db
def test_the_admin_greets_with_the_full_name_and_links_the_accessibility_statement(
    client, coordinator
):
    coordinator.full_name = "Dr. Miriam Hoffmann-Yilmaz"
    coordinator.save(update_fields=["full_name"])
    client.force_login(coordinator)

    content = client.get(reverse("admin:index")).content.decode()

    assert "Dr. Miriam Hoffmann-Yilmaz</strong>" in content
    assert reverse("core:page", kwargs={"slug": "barrierefreiheit"}) in content
    assert "css/admin.css" in content


@pytest.mark.django_db
def test_the_user_form_names_the_roles_in_words_with_checkboxes(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    advisor = UserFactory(roles=["advisor"])
    client.force_login(superuser)

    content = client.get(reverse("admin:accounts_user_change", args=[advisor.pk])).content.decode()

    assert 'type="checkbox" name="groups"' in content
    assert "Berater:in</label>" in content
    assert "selectfilter" not in content
    assert 'name="user_permissions"' not in content
