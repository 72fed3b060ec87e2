"""The email outbox: one Notification row per email, rendered and dispatched by Celery."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Emails")

    def ready(self):
        # Each app declares its email kinds in `<app>/emails.py`.
        autodiscover_modules("emails")
        from portal.notifications import desk  # noqa: F401 (its line on the kernel's desk)
