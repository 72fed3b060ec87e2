"""`manage.py import_municipalities [FILE]`: load the Destatis municipality register."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.accounts.register import DEFAULT_REGISTER, RegisterError, import_register


class Command(BaseCommand):
    help = (
        "Create or update municipalities and districts from the municipality register "
        "(Gemeindeverzeichnis) of Destatis. Rows are matched by AGS, so running it again "
        "updates what changed. Without FILE, reads the register shipped with the portal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default=str(DEFAULT_REGISTER),
            metavar="FILE",
            help="CSV file of the register (default: %(default)s)",
        )

    def handle(self, *args, file, verbosity=1, **options):
        try:
            report = import_register(file)
        except RegisterError as error:
            raise CommandError(str(error)) from error
        for line, message in report.errors:
            self.stderr.write(_("line %(line)d: %(message)s") % {"line": line, "message": message})
        if verbosity >= 1:
            style = self.style.WARNING if report.errors else self.style.SUCCESS
            self.stdout.write(style(report.summary()))
