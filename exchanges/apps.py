"""Exchange rounds between municipalities, questions in advance and documentation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    label = "exchanges"
    verbose_name = _("Exchange rounds")
