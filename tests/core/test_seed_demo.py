import pytest
from django.core.management import call_command

from portal.accounts.models import Membership, Municipality, Organisation, User


def counts():
    return (
        User.objects.count(),
        Municipality.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Membership.objects.verified().count(),
    )


@pytest.mark.django_db
def test_seed_demo_builds_a_believable_programme_and_can_run_again():
    call_command("seed_demo", stdout=None)
    first = counts()

    call_command("seed_demo")

    assert counts() == first
    assert Municipality.objects.count() > 11_000
    states = set(
        Membership.objects.verified()
        .filter(municipality__isnull=False)
        .values_list("municipality__state", flat=True)
    )
    assert len(states) >= 6
    assert User.objects.filter(groups__name="coordinator", is_staff=True).exists()
    assert User.objects.filter(groups__name="advisor", is_staff=True).count() >= 3
    assert Membership.objects.pending().exists()
    assert Membership.objects.filter(organisation__isnull=False).exists()
    assert not User.objects.filter(groups__name="integration_officer", is_staff=True).exists()
