"""The emails of accounts and memberships.

The account emails of django-allauth (address confirmation, password reset) come here
through `adapter.AccountAdapter`. Their rows hold ids only: the secret link is made when the
email is sent and is not stored (keep_body=False), so nobody reading the outbox can use it.
"""

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal.accounts.models import Membership, MembershipStatus
from portal.notifications.kinds import Kind, Obsolete, register
from portal.notifications.models import Category
from portal.notifications.rendering import absolute_url

CONFIRM_EMAIL = "account_confirm_email"
PASSWORD_RESET = "account_password_reset"
UNKNOWN_ACCOUNT = "account_unknown"
ACCOUNT_EXISTS = "account_already_exists"
ACCOUNT_NOTICE = "account_notice"
MEMBERSHIP_VERIFIED = "membership_verified"
MEMBERSHIP_REJECTED = "membership_rejected"
MEMBERSHIP_DIGEST = "membership_digest"


def _account_links() -> dict:
    return {
        "login_url": absolute_url(reverse("account_login")),
        "signup_url": absolute_url(reverse("account_signup")),
        "password_reset_url": absolute_url(reverse("account_reset_password")),
    }


def _confirm_email_context(notification) -> dict:
    address = EmailAddress.objects.filter(pk=notification.context["email_address_id"]).first()
    if address is None:
        raise Obsolete(_("The address was removed before the email went out."))
    if address.verified:
        raise Obsolete(_("The address was confirmed before the email went out."))
    key = EmailConfirmationHMAC(address).key
    return {
        "signup": notification.context.get("signup", False),
        "activate_url": absolute_url(reverse("account_confirm_email", args=[key])),
        "expire_days": allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
    }


def _password_reset_context(notification) -> dict:
    user = notification.user
    if user is None or not user.is_active:
        raise Obsolete(_("The account no longer exists or is deactivated."))
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return {"reset_url": absolute_url(path)}


def _membership_verified_context(notification) -> dict:
    membership = (
        Membership.objects.select_related("municipality", "organisation")
        .filter(pk=notification.context["membership_id"], status=MembershipStatus.VERIFIED)
        .first()
    )
    if membership is None:
        raise Obsolete(_("The membership was withdrawn before the email went out."))
    return {"membership": membership, "overview_url": absolute_url(reverse("accounts:overview"))}


def _membership_rejected_context(notification) -> dict:
    # The name travels in the row (older rows name no membership): the email reads the same
    # whatever happens to the membership afterwards.
    return {
        "body_name": notification.context["body_name"],
        "new_membership_url": absolute_url(reverse("accounts:membership_new")),
    }


def _membership_digest_context(notification) -> dict:
    pending = list(
        Membership.objects.pending()
        .select_related("user", "municipality", "organisation")
        .order_by("created_at")[:20]
    )
    if not pending:
        raise Obsolete(_("No membership waits any more."))
    return {
        "pending": pending,
        "pending_count": Membership.objects.pending().count(),
        "admin_url": absolute_url(reverse("admin:accounts_membership_changelist"))
        + f"?status__exact={MembershipStatus.PENDING}",
    }


def _notice_context(notification) -> dict:
    return {"notice_subject": notification.context["subject"], **notification.context}


register(
    Kind(
        name=CONFIRM_EMAIL,
        label=_lazy("Confirm the email address"),
        category=Category.TRANSACTIONAL,
        templates="accounts/email/confirm_email",
        build_context=_confirm_email_context,
        keep_body=False,
    )
)
register(
    Kind(
        name=PASSWORD_RESET,
        label=_lazy("Reset the password"),
        category=Category.TRANSACTIONAL,
        templates="accounts/email/password_reset",
        build_context=_password_reset_context,
        keep_body=False,
    )
)
register(
    Kind(
        name=UNKNOWN_ACCOUNT,
        label=_lazy("Password reset for an unknown address"),
        category=Category.TRANSACTIONAL,
        templates="accounts/email/unknown_account",
        build_context=lambda notification: _account_links(),
    )
)
register(
    Kind(
        name=ACCOUNT_EXISTS,
        label=_lazy("Sign-up with an address already registered"),
        category=Category.TRANSACTIONAL,
        templates="accounts/email/account_exists",
        build_context=lambda notification: _account_links(),
    )
)
register(
    Kind(
        name=ACCOUNT_NOTICE,
        label=_lazy("Notice about the account"),
        category=Category.TRANSACTIONAL,
        templates="accounts/email/notice",
        build_context=_notice_context,
    )
)
register(
    Kind(
        name=MEMBERSHIP_VERIFIED,
        label=_lazy("Membership confirmed"),
        category=Category.TRANSACTIONAL,
        templates="accounts/email/membership_verified",
        build_context=_membership_verified_context,
    )
)
register(
    Kind(
        name=MEMBERSHIP_REJECTED,
        label=_lazy("Membership not confirmed"),
        category=Category.TRANSACTIONAL,
        templates="accounts/email/membership_rejected",
        build_context=_membership_rejected_context,
    )
)
register(
    Kind(
        name=MEMBERSHIP_DIGEST,
        label=_lazy("Daily list of memberships to confirm"),
        category=Category.DIGEST,
        templates="accounts/email/membership_digest",
        build_context=_membership_digest_context,
    )
)
