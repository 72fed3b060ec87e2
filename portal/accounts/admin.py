"""Accounts in the admin.

Only superusers change accounts: credentials (the password form and its URL), email, groups,
flags and permissions. Coordinators read users and memberships and act through admin actions
that call the services, which check who may do what and leave audit entries: verify or
reject a membership, give the integration officer role.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.accounts.models import Membership, Municipality, Organisation, User
from portal.accounts.roles import ADVISOR, COORDINATOR, INTEGRATION_OFFICER, role_label
from portal.accounts.services import (
    membership_reject,
    membership_verify,
    register_entry_save,
    user_grant_role,
)
from portal.core.admin import AuditTrailMixin, ReadOnlyAdminMixin
from portal.core.errors import DomainError, show_error


def _refused(request, obj, error: DomainError) -> None:
    """Show a service's refusal for one of several selected rows, naming the row."""
    show_error(request, type(error)(f"{obj}: {error.message}"))


@admin.register(User)
class UserAdmin(AuditTrailMixin, DjangoUserAdmin):
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "roles", "is_staff", "is_active", "date_joined"]
    list_filter = ["groups", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "preferred_language"]}),
        (
            _("Roles and permissions"),
            # Roles are groups (roles.py); permissions given to one person would bypass them.
            {"fields": ["is_active", "is_staff", "is_superuser", "groups"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        (_("History"), {"fields": ["audit_trail"]}),
    ]
    # What coordinators see: no password hash, no permission lists; all of it read-only.
    coordinator_fieldsets = [
        (None, {"fields": ["email", "full_name", "phone", "preferred_language"]}),
        (_("Roles"), {"fields": ["is_active", "is_staff", "roles"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        (_("History"), {"fields": ["audit_trail"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined", "roles", "audit_trail"]
    # Checkboxes, not Django's two-box picker, whose label icons are spans with aria-label.
    filter_horizontal = []
    actions = ["grant_officer", "grant_advisor", "grant_coordinator"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label_from_instance = lambda group: role_label(group.name)
        return field

    # Only superusers change, add or delete accounts. Without the change permission the
    # admin's password form (admin/accounts/user/<id>/password/) answers 403 as well.
    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_grant_officer_permission(self, request):
        return request.user.has_perm("accounts.grant_officer_role")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.coordinator_fieldsets
        return super().get_fieldsets(request, obj)

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(str(role_label(group.name)) for group in user.groups.all())

    def _grant(self, request, queryset, role):
        granted = 0
        for user in queryset:
            try:
                if user_grant_role(user=user, role=role, by=request.user):
                    granted += 1
            except DomainError as error:
                _refused(request, user, error)
        if granted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d user now holds the role.",
                    "%(count)d users now hold the role.",
                    granted,
                )
                % {"count": granted},
                messages.SUCCESS,
            )

    @admin.action(description=_("Give the integration officer role"), permissions=["grant_officer"])
    def grant_officer(self, request, queryset):
        self._grant(request, queryset, INTEGRATION_OFFICER)

    @admin.action(description=_("Give the advisor role"), permissions=["change"])
    def grant_advisor(self, request, queryset):
        self._grant(request, queryset, ADVISOR)

    @admin.action(description=_("Give the coordinator role"), permissions=["change"])
    def grant_coordinator(self, request, queryset):
        self._grant(request, queryset, COORDINATOR)


class RegisterEntryAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Municipalities and organisations: saved through the service, which records who
    changed which fields."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "audit_trail"]

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "audit_trail"]
        return [*fields, "audit_trail"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        register_entry_save(entry=obj, by=request.user, fields=form.changed_data)


@admin.register(Municipality)
class MunicipalityAdmin(RegisterEntryAdmin):
    list_display = ["name", "ags", "kind", "state", "district", "postcode", "population"]
    list_filter = ["state", "kind"]
    search_fields = ["name", "ags", "postcode"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]


@admin.register(Organisation)
class OrganisationAdmin(RegisterEntryAdmin):
    list_display = ["name", "kind", "town", "state", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "town"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, AuditTrailMixin, admin.ModelAdmin):
    """Memberships are asked for in the portal and decided here, by the actions only."""

    list_display = ["user", "body", "role", "status", "created_at", "verified_by"]
    list_filter = ["status", "municipality__state", "organisation__kind"]
    search_fields = [
        "user__email",
        "user__full_name",
        "municipality__name",
        "municipality__ags",
        "organisation__name",
    ]
    list_select_related = ["user", "municipality", "organisation", "verified_by"]
    fields = [
        "user",
        "municipality",
        "organisation",
        "role",
        "status",
        "created_at",
        "verified_by",
        "verified_at",
        "rejected_by",
        "rejected_at",
        "audit_trail",
    ]
    readonly_fields = fields
    actions = ["verify", "reject"]

    def get_queryset(self, request):
        return Membership.objects.visible_to(request.user).select_related(*self.list_select_related)

    # Read-only (ReadOnlyAdminMixin): the person asks in the portal, a coordinator decides
    # through the actions, and a rejected request stays as a record.
    def has_decide_permission(self, request):
        return request.user.has_perm("accounts.decide_membership")

    @admin.display(description=_("municipality or organisation"))
    def body(self, membership):
        return membership.body

    def _apply(self, request, queryset, service) -> int:
        """Run the service for each row; a refused row becomes a message, not a crash."""
        done = 0
        for membership in queryset:
            try:
                service(membership=membership, by=request.user)
            except DomainError as error:
                _refused(request, membership, error)
            else:
                done += 1
        return done

    @admin.action(description=_("Verify the selected memberships"), permissions=["decide"])
    def verify(self, request, queryset):
        if done := self._apply(request, queryset, membership_verify):
            message = ngettext(
                "%(count)d membership verified.", "%(count)d memberships verified.", done
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Reject the selected pending requests"), permissions=["decide"])
    def reject(self, request, queryset):
        if done := self._apply(request, queryset, membership_reject):
            message = ngettext("%(count)d request rejected.", "%(count)d requests rejected.", done)
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
