"""factory_boy factories shared by the test suite."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

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
