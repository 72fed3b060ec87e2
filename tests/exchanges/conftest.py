"""Fixtures of the exchange-round tests: verified members of a municipality or an
organisation in a given federal state, and registering them through the service."""

import itertools

import pytest

from exchanges.services.registrations import round_register
from portal.notifications.models import Notification
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory

_ags = itertools.count(1)


def municipality_in(state: str, **fields):
    """A municipality of the federal state `state` ("14": Saxony), its AGS to match."""
    return MunicipalityFactory(
        state=state, ags=f"{state}{900_000 + next(_ags) % 99_999:06d}", **fields
    )


@pytest.fixture
def member_factory(db):
    """A verified membership of a new officer: `member_factory("14")` works for a new
    municipality in Saxony, `member_factory("06", organisation=True)` for an organisation in
    Hesse, `member_factory(municipality=m)` for an existing municipality."""

    def make(state: str = "05", *, organisation: bool = False, municipality=None, **user):
        body = {}
        if organisation:
            body = {"municipality": None, "organisation": OrganisationFactory(state=state)}
        else:
            body = {"municipality": municipality or municipality_in(state)}
        return MembershipFactory(
            user=UserFactory(roles=["integration_officer"], **user), verified=True, **body
        )

    return make


@pytest.fixture
def register_member(member_factory):
    """Register through the service: `register_member(round, membership=None, state="05")`."""

    def do(round, membership=None, *, state: str = "05", **kwargs):
        membership = membership or member_factory(state)
        return round_register(person=membership.user, round=round, membership=membership, **kwargs)

    return do


def emails_about(obj, kind: str | None = None):
    """The outbox rows written about one object (a registration or a round)."""
    rows = Notification.objects.about(obj)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("pk")


def guest_registration(round=None, **fields):
    """A guest's registration written directly (no service, no emails): unconfirmed, holding
    a seat of a public round."""
    from django.utils import timezone

    from portal.core.guests import guest_expiry
    from tests.factories import ExchangeRoundFactory, RoundRegistrationFactory

    values = {
        "round": round or ExchangeRoundFactory(audience="public"),
        "person": None,
        "municipality": None,
        "state": "",
        "guest_name": "Mira Gast",
        "guest_email": f"gast{next(_ags)}@example.org",
        "status": "unconfirmed",
        "email_confirmed": False,
        "expires_at": guest_expiry(timezone.now()),
        "confirmed_at": None,
    }
    values.update(fields)
    return RoundRegistrationFactory(**values)
