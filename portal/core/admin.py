from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from portal.core.models import AuditEntry, Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title_de", "slug", "updated_at"]
    search_fields = ["title_de", "title_en", "body_de", "body_en"]

    def get_readonly_fields(self, request, obj=None):
        # The footer links to these addresses; renaming one would break it.
        return ["slug"] if obj else []


class AuditTrailMixin:
    """Adds a read-only "History" field that lists the object's audit entries, newest first.

    Use it on a ModelAdmin and name `audit_trail` in `readonly_fields` and in a fieldset.
    """

    audit_trail_limit = 50

    @admin.display(description=_("History"))
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        entries = list(AuditEntry.objects.for_object(obj)[: self.audit_trail_limit])
        return render_to_string("admin/core/audit_trail.html", {"entries": entries})


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The whole trail, read-only, for superusers (coordinators see it on each object)."""

    list_display = ["at", "actor", "kind", "action", "object_repr", "from_status", "to_status"]
    list_filter = ["kind", "action"]
    search_fields = ["object_repr", "action", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
