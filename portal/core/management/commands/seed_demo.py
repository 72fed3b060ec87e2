"""Fill the database with a believable demo programme; safe to run again."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from consultations import demo as consultations_demo
from consultations.models import Consultation
from portal.accounts import demo as accounts_demo
from portal.accounts.models import Municipality
from portal.accounts.register import DEFAULT_REGISTER, import_register
from portal.advisors import demo as advisors_demo
from trainings import demo as trainings_demo

# The full register has about 11,300 municipalities and districts.
REGISTER_LOADED_AT = 11_000


class Command(BaseCommand):
    help = _("Create demo people, organisations and memberships (idempotent).")

    def handle(self, *args, **options):
        if Municipality.objects.count() < REGISTER_LOADED_AT:
            report = import_register(DEFAULT_REGISTER)
            self.stdout.write(
                _("Municipality register: %(created)d created, %(updated)d updated.")
                % {"created": report.created, "updated": report.updated}
            )
        logins = accounts_demo.seed()
        profiles = advisors_demo.seed()
        self.stdout.write(
            _("Advisor profiles: %(count)d, public and bookable.") % {"count": len(profiles)}
        )
        consultations_demo.seed()
        self.stdout.write(
            _("Requests for advice: %(count)d.") % {"count": Consultation.objects.count()}
        )
        courses = trainings_demo.seed()
        self.stdout.write(f"{_('Courses')}: {len(courses)}.")
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready. Demo logins:")))
        for role, email in logins:
            self.stdout.write(f"  {role:<30} {email}")
        self.stdout.write(
            _("  password for all: %(password)s") % {"password": accounts_demo.DEMO_PASSWORD}
        )
