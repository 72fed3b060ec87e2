from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and municipalities")

    def ready(self):
        from portal.accounts import desk  # noqa: F401 (its line on the kernel's desk)
        from portal.accounts.demo import load_demo
        from portal.accounts.roles import sync_role_permissions
        from portal.accounts.services import user_set_language
        from portal.core.preferences import register_language_saver
        from portal.core.registry import demo_data

        demo_data.register("accounts")(load_demo)
        # The kernel's language switch stores a signed-in person's choice through this service.
        register_language_saver(user_set_language)

        # Runs after the last app migrated, when every permission exists.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_roles")
