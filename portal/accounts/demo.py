"""Demo people, organisations and memberships for `manage.py seed_demo`.

All people are invented; all addresses use the reserved `.example` domain.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import FederalState, Membership, Municipality, Organisation, User
from portal.accounts.roles import ADVISOR, COORDINATOR, INTEGRATION_OFFICER
from portal.accounts.services import membership_request, membership_verify, user_grant_role
from portal.advisors.demo_data import ADVISOR_PROFILES

DEMO_PASSWORD = "Vielfalt-Demo-2026"
DOMAIN = "demo.kommune-vielfalt.example"

COORDINATORS = [
    ("koordination@" + DOMAIN, "Miriam Albrecht"),
    ("projektleitung@" + DOMAIN, "Jonas Petersen"),
]

# The advisors' profiles live with the advisors app; their logins are made here with the rest.
ADVISORS = [(profile["email"], profile["full_name"]) for profile in ADVISOR_PROFILES]

# (email, name, AGS of the municipality, role there, verified)
OFFICERS = [
    (
        "integration@koeln." + DOMAIN,
        "Katharina Schulte",
        "05315000",
        "Integrationsbeauftragte",
        True,
    ),
    ("vielfalt@kassel." + DOMAIN, "Mehmet Aydın", "06611000", "Integrationsbeauftragter", True),
    (
        "integration@leipzig." + DOMAIN,
        "Franziska Lehmann",
        "14713000",
        "Referentin für Migration",
        True,
    ),
    (
        "integration@mannheim." + DOMAIN,
        "Daniel Krüger",
        "08222000",
        "Integrationsbeauftragter",
        True,
    ),
    (
        "integration@nuernberg." + DOMAIN,
        "Sabine Hofmann",
        "09564000",
        "Leiterin Integrationsbüro",
        True,
    ),
    ("integration@bremen." + DOMAIN, "Lars Meyer", "04011000", "Integrationsbeauftragter", True),
    (
        "integration@lk-osnabrueck." + DOMAIN,
        "Julia Brandt",
        "03459000",
        "Koordinatorin Integration",
        True,
    ),
    (
        "integration@erfurt." + DOMAIN,
        "Thomas Wagner",
        "16051000",
        "Integrationsbeauftragter",
        False,
    ),
]

ORGANISATIONS = [
    (
        "Islamische Gemeinde Nordstadt e. V.",
        Organisation.Kind.MOSQUE_COMMUNITY,
        FederalState.HESSEN,
        "Kassel",
    ),
    (
        "Alevitisches Kulturzentrum Rhein-Neckar e. V.",
        Organisation.Kind.ALEVITE_COMMUNITY,
        FederalState.BADEN_WUERTTEMBERG,
        "Mannheim",
    ),
    (
        "Muslimische Jugend im Dialog Sachsen e. V.",
        Organisation.Kind.ASSOCIATION,
        FederalState.SACHSEN,
        "Leipzig",
    ),
    (
        "Netzwerk interkulturelle Vereine Bremen",
        Organisation.Kind.OTHER,
        FederalState.BREMEN,
        "Bremen",
    ),
]

# (email, name, organisation name, role there, verified)
REPRESENTATIVES = [
    (
        "vorstand@ig-nordstadt." + DOMAIN,
        "Emine Kaya",
        "Islamische Gemeinde Nordstadt e. V.",
        "Vorstandsvorsitzende",
        True,
    ),
    (
        "jugend@akz-rhein-neckar." + DOMAIN,
        "Deniz Arslan",
        "Alevitisches Kulturzentrum Rhein-Neckar e. V.",
        "Jugendreferent",
        False,
    ),
]


def person(email: str, name: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user_grant_role(user=user, role=role)
    return user


def _membership(user: User, coordinator: User, verified: bool, role: str, **body):
    membership = Membership.objects.filter(user=user, **body).first()
    if membership is None:
        membership = membership_request(user=user, role=role, **body)
    if verified and not membership.verified:
        membership_verify(membership=membership, by=coordinator)


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Create or complete the demo people; returns (role, email) pairs to show."""
    coordinators = [person(email, name, COORDINATOR) for email, name in COORDINATORS]
    for email, name in ADVISORS:
        person(email, name, ADVISOR)
    organisations = {}
    for name, kind, state, town in ORGANISATIONS:
        organisations[name], _created = Organisation.objects.get_or_create(
            name=name, town=town, defaults={"kind": kind, "state": state}
        )
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
        ("advisor", ADVISORS[0][0]),
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
