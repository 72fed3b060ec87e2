"""factory_boy factories shared by the test suite."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.accounts.models import FederalState, Membership, Municipality, Organisation, User

PASSWORD = "Sichere-Testphrase-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kommune.example")
    full_name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """A verified primary address, as allauth requires before login."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role))
            if {"advisor", "coordinator"} & set(extracted):
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    state = FederalState.NORDRHEIN_WESTFALEN
    ags = factory.Sequence(lambda n: f"05{n:06d}")
    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    kind = Municipality.Kind.STADT
    postcode = "50667"
    population = 50_000


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Moscheegemeinde {n} e. V.")
    kind = Organisation.Kind.MOSQUE_COMMUNITY
    state = FederalState.HESSEN
    town = "Kassel"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = "Integrationsbeauftragte"


class AdvisorProfileFactory(factory.django.DjangoModelFactory):
    """A public advisor with a user in the advisor group and weekday hours 09:00–12:00."""

    class Meta:
        model = "advisors.AdvisorProfile"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=["advisor"])
    slug = factory.Sequence(lambda n: f"beraterin-{n}")
    short_bio_de = "Berät Kommunen seit vielen Jahren."
    short_bio_en = "Has advised municipalities for many years."
    languages = ["de"]
    states = ["05"]
    is_public = True

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        """Pass a list of (weekday, start, end); by default Monday to Friday 09:00–12:00."""
        from datetime import time

        from portal.advisors.models import WeeklyWindow

        if not create:
            return
        if extracted is None:
            extracted = [(day, time(9), time(12)) for day in range(5)]
        WeeklyWindow.objects.bulk_create(
            WeeklyWindow(advisor=self, weekday=day, start=start, end=end)
            for day, start, end in extracted
        )


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A submitted request of a verified officer for their municipality (topics: dialog)."""

    class Meta:
        model = "consultations.Consultation"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"KV-T{n:05d}")
    requester = factory.SubFactory(UserFactory, roles=["integration_officer"])
    municipality = factory.SubFactory(MunicipalityFactory)
    state = factory.LazyAttribute(lambda o: o.municipality.state if o.municipality else "06")
    format = "fachberatung"
    concern = "Eine Moscheegemeinde plant einen Neubau; im Stadtrat gibt es Widerstand."
    goal = "Ein Dialogformat mit Gemeinde, Nachbarschaft und Verwaltung."
    contact_mode = "video"
    privacy_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified_member(self, create, extracted, **kwargs):
        """The requester works for the body, verified (pass False to skip)."""
        if not create or extracted is False:
            return
        Membership.objects.get_or_create(
            user=self.requester,
            municipality=self.municipality,
            organisation=self.organisation,
            defaults={"role": "Integrationsbeauftragte", "verified": True},
        )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        from portal.advisors.models import Topic

        if create:
            self.topics.set(extracted or Topic.objects.filter(slug="dialog"))


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Appointment"

    consultation = factory.SubFactory(ConsultationFactory)
    advisor = factory.SubFactory(AdvisorProfileFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    mode = "video"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Document"

    consultation = factory.SubFactory(ConsultationFactory)
    file = factory.django.FileField(filename="konzept.pdf", data=b"%PDF-1.4\n%%EOF\n")
    name = "konzept.pdf"
    content_type = "application/pdf"
    size = 15


class CourseFactory(factory.django.DjangoModelFactory):
    """A published three-date series (add the dates with CourseDateFactory)."""

    class Meta:
        model = "trainings.Course"

    title = factory.Sequence(lambda n: f"Werkstatt kommunale Integrationsarbeit {n}")
    slug = factory.Sequence(lambda n: f"werkstatt-{n}")
    summary = "Drei Termine zu Grundlagen, Empowerment und Konfliktkommunikation."
    format = "in_person"
    is_series = True
    published = True


class CourseDateFactory(factory.django.DjangoModelFactory):
    """A scheduled date in Stuttgart, three weeks ahead, 25 seats."""

    class Meta:
        model = "trainings.CourseDate"

    course = factory.SubFactory(CourseFactory)
    start = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=21)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda date: date.start + timedelta(hours=6))
    venue = "Forum am Schlossgarten"
    address = "Schlossstraße 1"
    town = "Stuttgart"
    state = FederalState.BADEN_WUERTTEMBERG
    capacity = 25


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration written directly (no service, no emails): for fixtures."""

    class Meta:
        model = "trainings.Registration"

    course = factory.SubFactory(CourseFactory)
    person = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)


class ExchangeRoundFactory(factory.django.DjangoModelFactory):
    """An open working session in Leipzig four weeks ahead, 30 seats, open to every state and
    to municipal staff (add themes and moderators where a test needs them)."""

    class Meta:
        model = "exchanges.ExchangeRound"

    title = factory.Sequence(lambda n: f"Austauschrunde Bestattungskultur {n}")
    slug = factory.Sequence(lambda n: f"austauschrunde-{n}")
    summary = "Kommunen berichten, wie sie muslimische Grabfelder eingerichtet haben."
    format = "working_session"
    mode = "in_person"
    start = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=28)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda round: round.start + timedelta(hours=5))
    venue = "Neues Rathaus"
    address = "Martin-Luther-Ring 4"
    town = "Leipzig"
    venue_state = FederalState.SACHSEN
    audience = "municipal"
    capacity = 30
    status = "open"


class RoundRegistrationFactory(factory.django.DjangoModelFactory):
    """A member's confirmed registration written directly (no service, no emails)."""

    class Meta:
        model = "exchanges.RoundRegistration"

    round = factory.SubFactory(ExchangeRoundFactory)
    person = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    state = factory.LazyAttribute(lambda registration: registration.municipality.state)
    status = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)


class PracticeExampleFactory(factory.django.DjangoModelFactory):
    """A published practice example of a municipality (add topics where a test needs them)."""

    class Meta:
        model = "exchanges.PracticeExample"

    title = factory.Sequence(lambda n: f"Grabfeld im kommunalen Friedhof {n}")
    slug = factory.Sequence(lambda n: f"praxisbeispiel-{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    situation = "Muslimische Familien ließen ihre Angehörigen im Herkunftsland bestatten."
    action = "Die Stadt richtete gemeinsam mit zwei Moscheegemeinden ein Grabfeld ein."
    effort = "Zwei Jahre Abstimmung, eine Satzungsänderung, kleine bauliche Anpassungen."
    outcome = "Seit der Eröffnung finden jährlich etwa zwanzig Bestattungen statt."
    author = factory.SubFactory(UserFactory)
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class CourseGuestRegistrationFactory(factory.django.DjangoModelFactory):
    """A guest's unconfirmed registration for a course open to the public, written directly
    (no service, no emails): name and address, no account, holding a seat for 24 hours."""

    class Meta:
        model = "trainings.Registration"

    course = factory.SubFactory(CourseFactory, open_to_public=True)
    person = None
    municipality = None
    guest_name = "Erika Muster"
    guest_email = factory.Sequence(lambda n: f"gast{n}@example.org")
    email_confirmed = False
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
    status = "unconfirmed"
