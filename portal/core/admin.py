from django.contrib import admin

from portal.core.models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title_de", "slug", "updated_at"]
    search_fields = ["title_de", "title_en", "body_de", "body_en"]

    def get_readonly_fields(self, request, obj=None):
        # The footer links to these addresses; renaming one would break it.
        return ["slug"] if obj else []
