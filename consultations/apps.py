"""Requests for advice, first-conversation booking, cases and appointments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        # The kernel's registries: the workflow's steps, the signed links, the desk, the demo data.
        from consultations import desk, links, steps  # noqa: F401
        from consultations.demo import load_demo
        from portal.core.registry import demo_data

        demo_data.register("consultations", after=("advisors",))(load_demo)
        from consultations.selectors import appointments_busy, open_cases_by_advisor
        from portal.advisors.availability import register_busy_source
        from portal.advisors.selectors import register_caseload_source

        # Appointments make advisors busy and cases fill their capacity; advisors itself
        # imports nothing from here.
        register_busy_source(appointments_busy)
        register_caseload_source(open_cases_by_advisor)
