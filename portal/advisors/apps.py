"""Advisor profiles, the public directory and bookable availability (issue 4)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisorsConfig(AppConfig):
    name = "portal.advisors"
    label = "advisors"
    verbose_name = _("Advisors")

    def ready(self):
        from portal.advisors.demo import load_demo
        from portal.core.registry import demo_data

        demo_data.register("advisors", after=("accounts",))(load_demo)
