"""The outbox for coordinators: read, filter, and send failed emails again. Nothing is edited."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.core.admin import AuditTrailMixin, ReadOnlyAdminMixin
from portal.core.errors import DomainError
from portal.notifications.kinds import get_kind, kind_label
from portal.notifications.models import EmailPreferences, Notification, Status
from portal.notifications.services import notification_retry


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        # Only kinds that occur, without a query per kind.
        kinds = Notification.objects.order_by("kind").values_list("kind", flat=True).distinct()
        return sorted(((kind, kind_label(kind)) for kind in kinds), key=lambda pair: str(pair[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, AuditTrailMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind_shown",
        "to_email",
        "status_badge",
        "due_at",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", KindFilter, "language", "due_at"]
    search_fields = ["to_email", "idempotency_key", "about", "subject"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    fieldsets = [
        (
            None,
            {"fields": ["kind_shown", "status", "user", "to_email", "language", "idempotency_key"]},
        ),
        (
            _("Schedule"),
            {
                "fields": [
                    "due_at",
                    "send_after",
                    "enqueued_at",
                    "sending_since",
                    "sent_at",
                    "attempts",
                    "last_error",
                ]
            },
        ),
        (_("Content"), {"fields": ["about", "context_shown", "calendar", "subject", "body"]}),
        # The row is its own log; the trail holds what people did to it (sent it again).
        (_("History"), {"fields": ["created_at", "updated_at", "audit_trail"]}),
    ]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, notification):
        return kind_label(notification.kind)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, notification):
        return notification.get_status_display()

    @admin.display(description=_("last error"))
    def short_error(self, notification):
        if notification.status != Status.FAILED:
            return ""
        error = notification.last_error
        return error if len(error) <= 80 else f"{error[:79]}…"

    @admin.display(description=_("context"))
    def context_shown(self, notification):
        return format_html("<code>{}</code>", notification.context)

    @admin.display(description=_("text"))
    def body(self, notification):
        if notification.body_text:
            return format_html("<pre class='notification-body'>{}</pre>", notification.body_text)
        if notification.status == Status.SENT and not get_kind(notification.kind).keeps_body(
            notification
        ):
            return _("Not stored: this email contained a personal link.")
        return _("Rendered when the email is sent.")

    def get_readonly_fields(self, request, obj=None):
        return [
            *[field.name for field in Notification._meta.fields if field.name != "id"],
            "kind_shown",
            "status_badge",
            "context_shown",
            "body",
            "audit_trail",
        ]

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.retry_notification")

    @admin.action(description=_("Send the selected failed emails again"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        retried, skipped = 0, 0
        for notification in queryset.filter(status=Status.FAILED):
            try:
                notification_retry(notification=notification, by=request.user)
            except DomainError:
                skipped += 1  # it changed since the list was shown; counted in the message below
            else:
                retried += 1
        skipped += queryset.exclude(status=Status.FAILED).count()
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email is queued to be sent again.",
                    "%(count)d emails are queued to be sent again.",
                    retried,
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected email had not failed and was left as it is.",
                    "%(count)d selected emails had not failed and were left as they are.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "reminder", "follow_up", "digest", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    readonly_fields = ["user", "reminder", "follow_up", "digest", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
