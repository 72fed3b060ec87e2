"""Courses, dates, competence modules, registrations, waitlists and certificates (issue 6)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    label = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        from portal.core.registry import demo_data
        from trainings import desk, links, steps  # noqa: F401 (they register with the kernel)
        from trainings.demo import load_demo

        demo_data.register("trainings", after=("accounts",))(load_demo)
