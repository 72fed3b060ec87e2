"""Exchange rounds between municipalities, public events with guests, questions in advance,
documentation with follow-up items, and the library of practice examples (issue 15)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    label = "exchanges"
    verbose_name = _("Exchange rounds")

    def ready(self):
        from exchanges import (
            desk,  # noqa: F401 (the rounds' and examples' lines on the desk)
            links,  # noqa: F401 (registers the guests' signed links)
            steps,  # noqa: F401 (the rounds' steps on the kernel)
        )
        from exchanges.demo import load_demo
        from exchanges.emails import (
            documentation,  # noqa: F401 (documentation published)
            practice,  # noqa: F401 (practice examples published or sent back)
            registrations,  # noqa: F401 (registers its email kinds)
            rounds,  # noqa: F401 (moved and cancelled rounds)
        )
        from portal.core.registry import demo_data

        demo_data.register("exchanges", after=("accounts", "advisors", "trainings"))(load_demo)
