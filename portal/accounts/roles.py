"""The three roles and the permissions each holds.

Roles are Django groups; the groups themselves are created by a data migration
(`0002_roles`), their permissions are kept in step with this table after every
`migrate`, because permissions of newer models exist only once their migration ran.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

# The names live in the kernel, so that its access rules can name roles without this app;
# the apps keep importing them from here.
from portal.core.roles import ADVISOR, COORDINATOR, INTEGRATION_OFFICER
from portal.core.roles import ROLES as ROLES

# The roles in words, where the admin would otherwise show the group's code name.
ROLE_LABELS = {
    INTEGRATION_OFFICER: _("Integration officer"),
    ADVISOR: _("Advisor"),
    COORDINATOR: _("Coordinator"),
}


def role_label(name: str) -> str:
    return ROLE_LABELS.get(name, name)


# Advisors and coordinators work in the admin, so they are staff; officers never are.
STAFF_ROLES = frozenset({ADVISOR, COORDINATOR})

ROLE_PERMISSIONS: dict[str, set[str]] = {
    INTEGRATION_OFFICER: set(),
    ADVISOR: {
        "accounts.view_municipality",
        "accounts.view_organisation",
        # Their own profile only: the admin and the services scope it.
        "advisors.view_advisorprofile",
        "advisors.change_advisorprofile",
        "advisors.view_weeklywindow",
        "advisors.add_weeklywindow",
        "advisors.change_weeklywindow",
        "advisors.delete_weeklywindow",
        "advisors.view_absence",
        "advisors.add_absence",
        "advisors.change_absence",
        "advisors.delete_absence",
        "advisors.view_topic",
        # The cases assigned to them only: ConsultationQuerySet.advised_by scopes the admin.
        "consultations.view_consultation",
        "consultations.change_consultation",
        "consultations.view_appointment",
        "consultations.add_appointment",
        "consultations.change_appointment",
        "consultations.view_note",
        "consultations.add_note",
        "consultations.view_document",
        "consultations.add_document",
        "consultations.change_document",
        "consultations.view_message",
        "consultations.add_message",
        "consultations.view_statuschange",
    },
    COORDINATOR: {
        # Users are read-only for coordinators: only superusers change accounts, credentials,
        # groups and flags. Coordinators give the officer role and decide on memberships
        # through admin actions that call the services.
        "accounts.view_user",
        "accounts.grant_officer_role",
        "accounts.view_municipality",
        "accounts.add_municipality",
        "accounts.change_municipality",
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_membership",
        "accounts.decide_membership",
        "advisors.view_topic",
        "advisors.add_topic",
        "advisors.change_topic",
        "advisors.view_advisorprofile",
        "advisors.add_advisorprofile",
        "advisors.change_advisorprofile",
        "advisors.view_weeklywindow",
        "advisors.add_weeklywindow",
        "advisors.change_weeklywindow",
        "advisors.delete_weeklywindow",
        "advisors.view_absence",
        "advisors.add_absence",
        "advisors.change_absence",
        "advisors.delete_absence",
        "core.view_page",
        "core.change_page",
        "notifications.view_notification",
        "notifications.retry_notification",
        "notifications.view_emailpreferences",
        "consultations.view_consultation",
        "consultations.change_consultation",
        "consultations.view_appointment",
        "consultations.add_appointment",
        "consultations.change_appointment",
        "consultations.view_note",
        "consultations.add_note",
        "consultations.view_document",
        "consultations.add_document",
        "consultations.change_document",
        "consultations.delete_document",
        "consultations.view_message",
        "consultations.add_message",
        "consultations.view_statuschange",
        "consultations.view_feedback",
        "trainings.view_programme",
        "trainings.add_programme",
        "trainings.change_programme",
        "trainings.view_module",
        "trainings.add_module",
        "trainings.change_module",
        "trainings.delete_module",
        "trainings.view_course",
        "trainings.add_course",
        "trainings.change_course",
        "trainings.view_coursedate",
        "trainings.add_coursedate",
        "trainings.change_coursedate",
        "trainings.view_question",
        "trainings.add_question",
        "trainings.change_question",
        "trainings.delete_question",
        # Registrations come from the portal; the admin cancels them through the service.
        "trainings.view_registration",
        "trainings.change_registration",
        "trainings.view_attendance",
        "trainings.view_certificate",
        "trainings.view_coursefeedback",
        # Rounds are saved through the services (exchanges/admin.py); registrations and
        # follow-up items are written in the portal and read in the admin.
        "exchanges.view_exchangeround",
        "exchanges.add_exchangeround",
        "exchanges.change_exchangeround",
        "exchanges.view_roundseries",
        "exchanges.add_roundseries",
        "exchanges.change_roundseries",
        "exchanges.view_roundregistration",
        "exchanges.view_followupitem",
        # Practice examples are reviewed in the admin, saved through exchanges.services.practice.
        "exchanges.view_practiceexample",
        "exchanges.change_practiceexample",
    },
}


def is_coordinating(user) -> bool:
    """Coordinators (and superusers) see and change what others may only see of their own."""
    return user.is_authenticated and (user.is_superuser or user.has_role(COORDINATOR))


def sync_role_permissions(**kwargs) -> None:
    """Give each role group exactly the permissions of ROLE_PERMISSIONS that exist."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
