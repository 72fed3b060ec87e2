"""Who manages accounts in the admin.

Only superusers change accounts: passwords (the admin's password form and its URL), email,
groups, flags and permissions. Coordinators read users and act through admin actions that
call the services: give the integration officer role, verify or reject memberships. Every
such action leaves an audit entry.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.accounts.errors import AccountError
from portal.accounts.models import Membership, MembershipStatus, User
from portal.accounts.services import user_grant_role
from portal.core.models import AuditEntry
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser(
        email="chefin@kommune-vielfalt.example", password=PASSWORD, full_name="Chefin"
    )


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert url == f"/admin/accounts/user/{user.pk}/password/"
    return url


def change_form_post(user, **changes):
    """What a superuser's change form would post for `user`, with `changes` applied."""
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


@pytest.mark.parametrize("target", ["superuser", "officer", "coordinator_colleague"])
def test_a_coordinator_cannot_reach_the_password_form(client, coordinator, superuser, target):
    user = {
        "superuser": superuser,
        "officer": UserFactory(roles=["integration_officer"]),
        "coordinator_colleague": UserFactory(roles=["coordinator"]),
    }[target]
    old_hash = user.password
    client.force_login(coordinator)

    shown = client.get(password_url(user))
    posted = client.post(
        password_url(user),
        {
            "password1": "Uebernommen-2026!",
            "password2": "Uebernommen-2026!",
            "usable_password": "true",
        },
    )

    assert shown.status_code in (403, 404)
    assert posted.status_code in (403, 404)
    user.refresh_from_db()
    assert user.password == old_hash
    assert not user.check_password("Uebernommen-2026!")
    client.logout()
    assert not client.login(email=user.email, password="Uebernommen-2026!")


def test_a_coordinator_cannot_change_email_groups_or_flags(client, coordinator, superuser):
    officer = UserFactory(roles=["integration_officer"])
    coordinators = Group.objects.get(name="coordinator")
    client.force_login(coordinator)

    for user in (superuser, officer):
        before = (user.email, user.is_staff, user.is_superuser, set(user.groups.all()))
        response = client.post(
            change_url(user),
            change_form_post(
                user,
                email="uebernommen@example.org",
                is_staff="on",
                is_superuser="on",
                groups=[coordinators.pk],
                user_permissions=[],
            ),
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert (user.email, user.is_staff, user.is_superuser, set(user.groups.all())) == before


def test_a_coordinator_reads_a_user_without_inputs_or_password_link(client, coordinator):
    officer = UserFactory(roles=["integration_officer"], full_name="Olga Offizierin")
    client.force_login(coordinator)

    response = client.get(change_url(officer))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Olga Offizierin" in page
    assert 'name="email"' not in page
    assert 'name="is_superuser"' not in page
    assert password_url(officer) not in page
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_a_coordinator_gives_the_officer_role_and_it_is_recorded(client, coordinator):
    person = UserFactory(roles=[])
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "grant_officer", "_selected_action": [person.pk]},
    )

    assert response.status_code == 302
    assert person.has_role("integration_officer")
    assert not User.objects.get(pk=person.pk).is_staff
    entry = AuditEntry.objects.for_object(person).get(action="user.grant_role")
    assert (entry.actor, entry.details) == (coordinator, {"role": "integration_officer"})


@pytest.mark.parametrize("action", ["grant_coordinator", "grant_advisor"])
def test_a_coordinator_cannot_hand_out_staff_roles(client, coordinator, action):
    person = UserFactory(roles=["integration_officer"])
    client.force_login(coordinator)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": action, "_selected_action": [person.pk]},
    )

    person = User.objects.get(pk=person.pk)
    assert not person.is_staff
    assert not person.has_role("coordinator")
    assert not person.has_role("advisor")
    with pytest.raises(AccountError):
        user_grant_role(user=person, role="coordinator", by=coordinator)


def test_a_superuser_still_manages_accounts(client, superuser):
    officer = UserFactory(roles=["integration_officer"])
    client.force_login(superuser)

    assert client.get(password_url(officer)).status_code == 200
    response = client.post(
        password_url(officer),
        {
            "password1": "Neu-gesetzt-2026!",
            "password2": "Neu-gesetzt-2026!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Neu-gesetzt-2026!")

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "grant_coordinator", "_selected_action": [officer.pk]},
    )
    assert response.status_code == 302
    officer = User.objects.get(pk=officer.pk)
    assert officer.has_role("coordinator") and officer.is_staff
    assert AuditEntry.objects.for_object(officer).get(action="user.grant_role").actor == superuser


def test_a_coordinator_verifies_and_rejects_memberships_by_action(client, coordinator):
    to_verify, to_reject = MembershipFactory(), MembershipFactory()
    client.force_login(coordinator)
    changelist = reverse("admin:accounts_membership_changelist")

    client.post(changelist, {"action": "verify", "_selected_action": [to_verify.pk]})
    client.post(changelist, {"action": "reject", "_selected_action": [to_reject.pk]})

    to_verify.refresh_from_db()
    to_reject.refresh_from_db()
    assert (to_verify.status, to_verify.verified_by) == (MembershipStatus.VERIFIED, coordinator)
    assert (to_reject.status, to_reject.rejected_by) == (MembershipStatus.REJECTED, coordinator)
    assert AuditEntry.objects.filter(actor=coordinator, action="membership.verified").count() == 1
    assert AuditEntry.objects.filter(actor=coordinator, action="membership.rejected").count() == 1


def test_a_refused_decision_is_a_message_and_memberships_are_not_edited(client, coordinator):
    verified = MembershipFactory(verified=True)
    client.force_login(coordinator)
    changelist = reverse("admin:accounts_membership_changelist")

    response = client.post(
        changelist, {"action": "reject", "_selected_action": [verified.pk]}, follow=True
    )
    edited = client.post(
        reverse("admin:accounts_membership_change", args=[verified.pk]),
        {"user": verified.user.pk, "role": "Bürgermeisterin", "municipality": ""},
    )
    deleted = client.post(
        reverse("admin:accounts_membership_delete", args=[verified.pk]), {"post": "yes"}
    )

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert edited.status_code == 403
    assert deleted.status_code == 403
    assert Membership.objects.get(pk=verified.pk).status == MembershipStatus.VERIFIED
    assert Membership.objects.get(pk=verified.pk).role == verified.role
