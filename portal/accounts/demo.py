"""Demo people, organisations and memberships for `manage.py seed_demo`.

The people are in `data/demo_people.json`; all are invented, and all addresses use the
reserved `.example` domain. Every write goes through the services, so the demo leaves the
same audit trail as real use.
"""

import json
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import Membership, Municipality, User
from portal.accounts.roles import COORDINATOR, INTEGRATION_OFFICER
from portal.accounts.services import (
    membership_request,
    membership_verify,
    organisation_ensure,
    user_create,
    user_grant_role,
)

DEMO_PASSWORD = "Vielfalt-Demo-2026"
DOMAIN = "demo.kommune-vielfalt.example"
DATA = Path(__file__).resolve().parent / "data" / "demo_people.json"

_people = json.loads(DATA.read_text(encoding="utf-8"))

# (email, name)
COORDINATORS = [(entry["email"], entry["name"]) for entry in _people["coordinators"]]
# (email, name, AGS of the municipality, role there, verified)
OFFICERS = [
    (entry["email"], entry["name"], entry["ags"], entry["role"], entry["verified"])
    for entry in _people["officers"]
]
# (name, kind, federal state, town)
ORGANISATIONS = [
    (entry["name"], entry["kind"], entry["state"], entry["town"])
    for entry in _people["organisations"]
]
# (email, name, organisation name, role there, verified)
REPRESENTATIVES = [
    (entry["email"], entry["name"], entry["organisation"], entry["role"], entry["verified"])
    for entry in _people["representatives"]
]


def person(email: str, name: str, role: str) -> User:
    """The demo login `email` with `role`, created with a confirmed address if missing."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(email=email, full_name=name, password=DEMO_PASSWORD)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user_grant_role(user=user, role=role)
    return user


def _membership(user: User, coordinator: User, verified: bool, role: str, **body):
    membership = Membership.objects.current().filter(user=user, **body).first()
    if membership is None:
        membership = membership_request(user=user, role=role, **body)
    if verified and not membership.verified:
        membership_verify(membership=membership, by=coordinator)


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Create or complete the demo people; returns (role, email) pairs to show."""
    coordinators = [person(email, name, COORDINATOR) for email, name in COORDINATORS]
    organisations = {
        name: organisation_ensure(name=name, kind=kind, state=state, town=town)
        for name, kind, state, town in ORGANISATIONS
    }
    municipalities = Municipality.objects.in_bulk(
        [officer[2] for officer in OFFICERS], field_name="ags"
    )
    for email, name, ags, role, verified in OFFICERS:
        officer = person(email, name, INTEGRATION_OFFICER)
        if ags in municipalities:
            _membership(officer, coordinators[0], verified, role, municipality=municipalities[ags])
    for email, name, organisation, role, verified in REPRESENTATIVES:
        representative = person(email, name, INTEGRATION_OFFICER)
        _membership(
            representative,
            coordinators[0],
            verified,
            role,
            organisation=organisations[organisation],
        )
    return [
        ("coordinator", COORDINATORS[0][0]),
        ("integration_officer", OFFICERS[0][0]),
        ("integration_officer (pending)", OFFICERS[-1][0]),
        ("organisation", REPRESENTATIVES[0][0]),
    ]


# The full register has about 11,300 municipalities and districts.
REGISTER_LOADED_AT = 11_000


def load_demo() -> list[str]:
    """The demo loader `seed_demo` runs first: the register, then the people."""
    from portal.accounts.register import DEFAULT_REGISTER, import_register

    lines = []
    if Municipality.objects.count() < REGISTER_LOADED_AT:
        report = import_register(DEFAULT_REGISTER)
        lines.append(
            _("Municipality register: %(created)d created, %(updated)d updated.")
            % {"created": report.created, "updated": report.updated}
        )
    logins = seed()
    lines.append(_("Demo logins:"))
    lines += [f"  {role:<30} {email}" for role, email in logins]
    lines.append(_("  password for all: %(password)s") % {"password": DEMO_PASSWORD})
    return lines
