import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from portal.accounts.errors import MembershipError
from portal.accounts.models import Membership, MembershipStatus, Municipality, Organisation
from portal.accounts.services import (
    membership_reject,
    membership_request,
    membership_verify,
    organisation_register,
)
from portal.core.models import AuditEntry
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory


@pytest.mark.django_db
def test_asking_twice_for_the_same_municipality_is_refused(officer, municipality):
    membership_request(user=officer, municipality=municipality, role="Integrationsbeauftragte")

    with pytest.raises(MembershipError):
        membership_request(user=officer, municipality=municipality, role="Referentin")

    assert Membership.objects.count() == 1


@pytest.mark.django_db
def test_verifying_twice_is_refused(coordinator):
    membership = MembershipFactory()
    membership_verify(membership=membership, by=coordinator)

    with pytest.raises(MembershipError):
        membership_verify(membership=membership, by=coordinator)


@pytest.mark.django_db
def test_a_rejected_request_stays_as_a_record_and_grants_nothing(coordinator):
    pending, verified = MembershipFactory(), MembershipFactory()
    membership_verify(membership=verified, by=coordinator)

    membership_reject(membership=pending, by=coordinator)
    with pytest.raises(MembershipError):
        membership_reject(membership=verified, by=coordinator)

    pending.refresh_from_db()
    assert pending.status == MembershipStatus.REJECTED
    assert (pending.rejected_by, pending.verified) == (coordinator, False)
    assert pending.rejected_at is not None
    assert list(Membership.objects.verified()) == [verified]
    assert not Membership.objects.pending().exists()
    # Readers that still ask the old flag get the same answer as the status.
    assert list(Membership.objects.filter(verified=True)) == [verified]
    assert set(Membership.objects.filter(verified=False)) == {pending}
    entry = AuditEntry.objects.for_object(pending).get(action="membership.rejected")
    assert (entry.actor, entry.from_status, entry.to_status) == (
        coordinator,
        MembershipStatus.PENDING,
        MembershipStatus.REJECTED,
    )
    verified_entry = AuditEntry.objects.for_object(verified).get(action="membership.verified")
    assert verified_entry.actor == coordinator


@pytest.mark.django_db
def test_a_rejected_request_cannot_be_verified_and_the_person_may_ask_again(
    coordinator, officer, municipality
):
    first = membership_request(user=officer, municipality=municipality, role="Referentin")
    membership_reject(membership=first, by=coordinator)

    with pytest.raises(MembershipError):
        membership_verify(membership=first, by=coordinator)
    again = membership_request(user=officer, municipality=municipality, role="Referentin")
    membership_verify(membership=again, by=coordinator)

    assert again.pk != first.pk
    assert list(Membership.objects.verified().filter(user=officer)) == [again]
    assert Membership.objects.filter(user=officer, status=MembershipStatus.REJECTED).get() == first
    with pytest.raises(MembershipError):
        membership_request(user=officer, municipality=municipality, role="Referentin")


@pytest.mark.django_db
def test_a_rejected_request_is_not_listed_for_its_person_and_cannot_be_withdrawn(
    client, coordinator, officer, municipality
):
    rejected = MembershipFactory(user=officer, municipality=municipality)
    membership_reject(membership=rejected, by=coordinator)
    client.force_login(officer)

    overview = client.get(reverse("accounts:overview"))
    response = client.post(reverse("accounts:membership_withdraw", args=[rejected.pk]))

    assert list(overview.context["memberships"]) == []
    assert response.status_code == 404
    assert Membership.objects.filter(pk=rejected.pk).exists()


@pytest.mark.django_db
def test_the_rejection_email_names_the_body(coordinator, municipality, send_due_emails):
    membership = MembershipFactory(municipality=municipality)

    membership_reject(membership=membership, by=coordinator)

    assert send_due_emails()["sent"] == 1
    assert "Köln" in mail.outbox[0].body


@pytest.mark.django_db
def test_registering_an_unlisted_organisation_reuses_an_existing_one(officer):
    existing = OrganisationFactory(name="Alevitische Gemeinde Kassel e. V.", town="Kassel")

    membership = organisation_register(
        user=officer,
        name=" Alevitische Gemeinde Kassel e. V. ",
        kind=Organisation.Kind.ALEVITE_COMMUNITY,
        state="06",
        town="Kassel",
        role="Vorstand",
    )

    assert membership.organisation == existing
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_register_organisation_page_creates_the_organisation_and_a_pending_membership(
    client, officer
):
    client.force_login(officer)

    response = client.post(
        reverse("accounts:membership_new_organisation"),
        {
            "register": "1",
            "name": "Muslimischer Frauenverein Halle e. V.",
            "kind": "association",
            "state": "15",
            "town": "Halle (Saale)",
            "role": "Vorsitzende",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=officer)
    assert membership.organisation.name == "Muslimischer Frauenverein Halle e. V."
    assert not membership.verified


@pytest.mark.django_db
def test_nobody_withdraws_another_persons_membership(client, officer):
    foreign = MembershipFactory()
    client.force_login(officer)

    response = client.post(reverse("accounts:membership_withdraw", args=[foreign.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


@pytest.mark.django_db
def test_a_person_withdraws_their_own_membership(client, officer, municipality):
    own = MembershipFactory(user=officer, municipality=municipality)
    client.force_login(officer)

    response = client.post(reverse("accounts:membership_withdraw", args=[own.pk]))

    assert response.status_code == 302
    assert not Membership.objects.exists()
    entry = AuditEntry.objects.get(action="membership.withdraw")
    assert (entry.actor, entry.object_repr) == (officer, str(own))


@pytest.mark.django_db
def test_officers_never_reach_the_admin(client, officer):
    client.force_login(officer)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_municipality_search_finds_by_name_postcode_and_ags(client, officer):
    cologne = MunicipalityFactory(name="Köln, Stadt", ags="05315000", postcode="50667")
    MunicipalityFactory(name="Bonn, Stadt", ags="05314000", postcode="53111")
    client.force_login(officer)
    url = reverse("accounts:membership_new_municipality")

    for query in ["Köln", "köln", "50667", "05315"]:
        results = client.get(url, {"q": query}).context["results"]
        assert results == [cologne], query


@pytest.mark.django_db
def test_search_answers_htmx_with_the_results_fragment_only(client, officer, municipality):
    client.force_login(officer)

    response = client.get(
        reverse("accounts:membership_new_municipality"), {"q": "Köln"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Köln, Stadt" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_for_the_same_municipality_make_one_membership():
    officer = UserFactory()
    municipality = MunicipalityFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def ask():
        try:
            barrier.wait()
            membership_request(user=officer, municipality=municipality, role="Referentin")
            outcomes.append("created")
        except MembershipError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created", "refused"]
    assert Membership.objects.filter(user=officer).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["Landkreis Görlitz", "LK Görlitz", "Kreis Görlitz", "lkr. görlitz"]
)
def test_a_district_is_found_by_the_words_people_put_before_its_name(client, officer, query):
    district = MunicipalityFactory(
        name="Görlitz", ags="14626000", kind=Municipality.Kind.LANDKREIS, postcode=""
    )
    MunicipalityFactory(name="Görlitz, Stadt", ags="14626110", district=district)
    client.force_login(officer)

    results = client.get(reverse("accounts:membership_new_municipality"), {"q": query}).context[
        "results"
    ]

    assert results == [district]


@pytest.mark.django_db
def test_search_results_say_what_each_place_is_and_its_district(client, officer):
    district = MunicipalityFactory(
        name="Görlitz", ags="14626000", kind=Municipality.Kind.LANDKREIS, postcode=""
    )
    MunicipalityFactory(
        name="Niesky, Stadt", ags="14626360", kind=Municipality.Kind.STADT, district=district
    )
    client.force_login(officer)

    page = client.get(
        reverse("accounts:membership_new_municipality"), {"q": "Görlitz"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    town = client.get(
        reverse("accounts:membership_new_municipality"), {"q": "Niesky"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Landkreis ·" in page
    assert "Stadt · Landkreis: Görlitz" in " ".join(town.split())
