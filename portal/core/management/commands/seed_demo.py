"""Fill the database with a believable demo programme; safe to run again.

The kernel knows no app: each app registers its demo loader in `portal.core.registry.
demo_data` (in its `AppConfig.ready()`), and this command runs them in the order their
`after` declares, printing the lines each returns.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.registry import demo_data


class Command(BaseCommand):
    help = _("Create demo people, advisors, requests and courses (idempotent).")

    def handle(self, *args, **options):
        for entry in demo_data.ordered():
            with transaction.atomic():
                lines = entry.func()
            for line in lines:
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready.")))
