from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Portal administration")
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = _("Cases, courses and people")

urlpatterns = [
    path("", include("portal.core.urls")),
    path("healthz", include("portal.core.health_urls")),
    path("", include("portal.advisors.urls")),
    path("consultations/", include("consultations.urls")),
    path("trainings/", include("trainings.urls")),
    path("certificates/", include("trainings.certificate_urls")),
    path("exchanges/", include("exchanges.urls")),
    path("me/emails/", include("portal.notifications.urls")),
    path("me/", include("portal.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
