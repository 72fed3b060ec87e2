from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.accounts.errors import MembershipError
from portal.accounts.models import Membership, Municipality, Organisation, User
from portal.accounts.roles import ADVISOR, COORDINATOR
from portal.accounts.services import membership_reject, membership_verify, user_grant_role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "roles", "is_staff", "is_active", "date_joined"]
    list_filter = ["groups", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "preferred_language"]}),
        (
            _("Roles and permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["grant_advisor", "grant_coordinator"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        # Only superusers hand out permissions; coordinators use the role actions.
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "is_staff", "is_superuser", "groups", "user_permissions"]

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def _grant(self, request, queryset, role):
        for user in queryset:
            user_grant_role(user=user, role=role)
        self.message_user(
            request,
            ngettext(
                "%(count)d user now holds the role.",
                "%(count)d users now hold the role.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Give the advisor role"), permissions=["change"])
    def grant_advisor(self, request, queryset):
        self._grant(request, queryset, ADVISOR)

    @admin.action(description=_("Give the coordinator role"), permissions=["change"])
    def grant_coordinator(self, request, queryset):
        self._grant(request, queryset, COORDINATOR)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "kind", "state", "district", "postcode", "population"]
    list_filter = ["state", "kind"]
    search_fields = ["name", "ags", "postcode"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "town", "state", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "town"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "body", "role", "verified", "created_at", "verified_by"]
    list_filter = ["verified", "municipality__state", "organisation__kind"]
    search_fields = [
        "user__email",
        "user__full_name",
        "municipality__name",
        "municipality__ags",
        "organisation__name",
    ]
    list_select_related = ["user", "municipality", "organisation", "verified_by"]
    autocomplete_fields = ["user", "municipality", "organisation"]
    readonly_fields = ["verified", "verified_by", "verified_at", "created_at"]
    actions = ["verify", "reject"]

    def get_queryset(self, request):
        return Membership.objects.visible_to(request.user).select_related(*self.list_select_related)

    @admin.display(description=_("municipality or organisation"))
    def body(self, membership):
        return membership.body

    def _apply(self, request, queryset, service) -> int:
        """Run the service for each row; a refused row becomes a warning, not a crash."""
        done = 0
        for membership in queryset:
            try:
                service(membership=membership, by=request.user)
            except MembershipError as error:
                self.message_user(request, f"{membership}: {error.message}", messages.WARNING)
            else:
                done += 1
        return done

    @admin.action(description=_("Verify the selected memberships"), permissions=["change"])
    def verify(self, request, queryset):
        if done := self._apply(request, queryset, membership_verify):
            message = ngettext(
                "%(count)d membership verified.", "%(count)d memberships verified.", done
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected pending requests"), permissions=["delete"])
    def reject(self, request, queryset):
        if done := self._apply(request, queryset, membership_reject):
            message = ngettext("%(count)d request rejected.", "%(count)d requests rejected.", done)
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
