"""Account changes leave audit entries; the language switch of the kernel saves through the
accounts app; the outbox keys of account emails describe the email, never a random value."""

import pytest
from django.db import transaction
from django.urls import reverse

from portal.accounts import demo as accounts_demo
from portal.accounts import emails
from portal.accounts.adapter import AccountAdapter
from portal.accounts.models import Membership, MembershipStatus, Municipality, Organisation, User
from portal.accounts.services import (
    membership_reject,
    organisation_register,
    user_grant_role,
    user_update_profile,
)
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_changes_are_recorded_by_field_name_only(officer):
    user_update_profile(user=officer, full_name="Neuer Name", phone="", preferred_language="en")
    user_update_profile(user=officer, full_name="Neuer Name", phone="", preferred_language="en")

    (entry,) = AuditEntry.objects.for_object(officer).filter(action="user.update_profile")
    assert entry.actor == officer
    assert entry.details == {"fields": ["full_name", "preferred_language"]}
    assert "Neuer Name" not in str(entry.details)


def test_granting_a_role_twice_records_it_once(officer):
    assert user_grant_role(user=officer, role="integration_officer") is False
    assert user_grant_role(user=officer, role="advisor") is True
    assert user_grant_role(user=officer, role="advisor") is False

    entries = AuditEntry.objects.for_object(officer).filter(action="user.grant_role")
    assert [entry.details for entry in entries] == [{"role": "advisor"}]
    assert User.objects.get(pk=officer.pk).is_staff


def test_the_language_switch_keeps_the_choice_through_the_accounts_service(client, officer):
    client.force_login(officer)

    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.preferred_language == "en"
    entry = AuditEntry.objects.for_object(officer).get(action="user.set_language")
    assert (entry.actor, entry.details) == (officer, {"language": "en"})


def test_registering_an_organisation_is_recorded(officer):
    membership = organisation_register(
        user=officer,
        name="Islamische Gemeinde Halle e. V.",
        kind=Organisation.Kind.MOSQUE_COMMUNITY,
        state="15",
        town="Halle (Saale)",
        role="Vorstand",
    )

    assert AuditEntry.objects.for_object(membership.organisation).get().action == (
        "organisation.register"
    )
    request = AuditEntry.objects.for_object(membership).get()
    assert (request.action, request.actor, request.to_status) == (
        "membership.request",
        officer,
        MembershipStatus.PENDING,
    )


def test_each_password_reset_email_has_a_key_that_counts_the_requests(officer):
    adapter = AccountAdapter()

    adapter.send_password_reset_mail(officer, officer.email, {})
    adapter.send_password_reset_mail(officer, officer.email, {})

    keys = sorted(
        Notification.objects.filter(kind=emails.PASSWORD_RESET).values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == [
        f"account:user:{officer.pk}:password-reset:1",
        f"account:user:{officer.pk}:password-reset:2",
    ]


def test_the_numbers_go_on_after_the_highest_one_used(officer):
    adapter = AccountAdapter()
    for _ in range(3):
        adapter.send_password_reset_mail(officer, officer.email, {})
    Notification.objects.filter(idempotency_key__endswith=":1").delete()

    adapter.send_password_reset_mail(officer, officer.email, {})

    assert Notification.objects.filter(
        idempotency_key=f"account:user:{officer.pk}:password-reset:4"
    ).exists()


def test_emails_to_unknown_addresses_are_keyed_by_the_address_without_writing_it_out():
    adapter = AccountAdapter()

    adapter.send_mail("account/email/unknown_account", "Wer@Example.org", {})
    adapter.send_mail("account/email/unknown_account", "Wer@Example.org", {})
    adapter.send_mail("account/email/unknown_account", "andere@example.org", {})

    keys = list(
        Notification.objects.filter(kind=emails.UNKNOWN_ACCOUNT)
        .order_by("pk")
        .values_list("idempotency_key", flat=True)
    )
    assert [key.rsplit(":", 1)[1] for key in keys] == ["1", "2", "1"]
    assert keys[0].rsplit(":", 1)[0] == keys[1].rsplit(":", 1)[0] != keys[2].rsplit(":", 1)[0]
    assert not any("example.org" in key.lower() for key in keys)


def test_the_demo_people_come_from_the_data_file_and_their_memberships_from_the_services():
    codes = {officer[2] for officer in accounts_demo.OFFICERS}
    Municipality.objects.bulk_create(
        Municipality(ags=ags, name=f"Demostadt {ags}", state=ags[:2], kind="stadt")
        for ags in sorted(codes)
    )

    with transaction.atomic():
        accounts_demo.seed()
    entries = AuditEntry.objects.count()
    accounts_demo.seed()

    assert AuditEntry.objects.count() == entries  # a second run changes nothing
    coordinator = User.objects.get(email=accounts_demo.COORDINATORS[0][0])
    verified = Membership.objects.verified()
    wanted = sum(1 for *_rest, is_verified in accounts_demo.OFFICERS if is_verified) + sum(
        1 for *_rest, is_verified in accounts_demo.REPRESENTATIVES if is_verified
    )
    assert verified.count() == wanted
    assert AuditEntry.objects.filter(action="membership.verified", actor=coordinator).count() == (
        wanted
    )
    assert Membership.objects.pending().exists()
    assert AuditEntry.objects.filter(action="user.create").count() == User.objects.count()
    assert all(isinstance(entry, tuple) and len(entry) == 5 for entry in accounts_demo.OFFICERS)


def test_a_new_officer_without_a_current_membership_is_asked_where_they_work(
    client, coordinator, municipality
):
    officer = UserFactory(roles=["integration_officer"])
    membership = Membership.objects.create(user=officer, municipality=municipality, role="IB")
    membership_reject(membership=membership, by=coordinator)

    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:membership_new")


def test_a_coordinator_corrects_an_organisation_in_the_admin_and_it_is_recorded(
    client, coordinator
):
    organisation = OrganisationFactory(town="Kassel")
    client.force_login(coordinator)
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": organisation.name,
            "kind": organisation.kind,
            "state": organisation.state,
            "town": "Kassel-Nord",
        },
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.town == "Kassel-Nord"
    entry = AuditEntry.objects.for_object(organisation).get()
    assert (entry.action, entry.actor, entry.details) == (
        "organisation.update",
        coordinator,
        {"fields": ["town"]},
    )
