"""How django-allauth creates users, where it sends them afterwards, and how it emails them.

Every email allauth sends becomes an outbox row (`portal.notifications`), like every other
email of the portal. The rows hold ids, never the secret keys: the links are made when the
email goes out.
"""

import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.urls import reverse
from django.utils.translation import get_language

from portal.accounts import emails
from portal.accounts.models import User
from portal.accounts.roles import INTEGRATION_OFFICER
from portal.accounts.services import user_grant_role
from portal.core.audit import audit_record
from portal.notifications.models import Notification, about_key
from portal.notifications.services import notify


class AccountAdapter(DefaultAccountAdapter):
    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        """Sign-up: keep the full name and the language the person signed up in."""
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data["full_name"].strip()
        user.preferred_language = (get_language() or "de")[:2]
        if commit:
            user.save()
            audit_record(target=user, action="user.signup", by=user)
            # Whoever signs up publicly asks for advice: officers and representatives.
            user_grant_role(user=user, role=INTEGRATION_OFFICER)
        return user

    def get_login_redirect_url(self, request):
        """A new officer first says where they work; everybody else goes on as asked."""
        return self._where_you_work_first(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """Where the sign-up's login resumes once the address is confirmed."""
        return reverse("accounts:membership_new")

    def _where_you_work_first(self, request):
        user = request.user
        if user.is_authenticated and not user.is_staff and not user.memberships.current().exists():
            return reverse("accounts:membership_new")
        return None

    # --- Emails: through the outbox -----------------------------------------------------

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        address = emailconfirmation.email_address
        notify(
            kind=emails.CONFIRM_EMAIL,
            # Each request for a confirmation is its own email (allauth limits how often):
            # the key names the address and which request it answers.
            key=_numbered(
                f"account:email-address:{address.pk}:confirm",
                Notification.objects.filter(kind=emails.CONFIRM_EMAIL, about=about_key(address)),
            ),
            user=address.user,
            email=address.email,
            context={"email_address_id": address.pk, "signup": bool(signup)},
            about=address,
            language=_current_language(),
        )

    def send_password_reset_mail(self, user, email, context):
        notify(
            kind=emails.PASSWORD_RESET,
            key=_numbered(
                f"account:user:{user.pk}:password-reset",
                Notification.objects.filter(kind=emails.PASSWORD_RESET, about=about_key(user)),
            ),
            user=user,
            email=email,
            about=user,
        )

    def send_account_already_exists_mail(self, email):
        user = User.objects.filter(email__iexact=email).first()
        notify(
            kind=emails.ACCOUNT_EXISTS,
            key=_numbered(
                f"account:{_address_handle(email)}:signup-attempt",
                Notification.objects.filter(kind=emails.ACCOUNT_EXISTS, to_email=email),
            ),
            user=user,
            email=email,
            language=_current_language(),
        )

    def send_mail(self, template_prefix, email, context):
        """allauth's other emails: unknown account, and security notices if switched on."""
        kind = (
            emails.UNKNOWN_ACCOUNT
            if template_prefix == "account/email/unknown_account"
            else emails.ACCOUNT_NOTICE
        )
        name = template_prefix.rsplit("/", 1)[-1]
        prefix = f"account:{_address_handle(email)}:{name}"
        key = _numbered(
            prefix,
            Notification.objects.filter(kind=kind, to_email=email),
        )
        if kind == emails.UNKNOWN_ACCOUNT:
            notify(kind=kind, key=key, email=email, language=_current_language())
            return
        # A kind of its own for every notice allauth may add would be guesswork: render
        # allauth's text now, in the current language, and send that.
        message = self.render_mail(template_prefix, email, {"email": email, **context})
        notify(
            kind=kind,
            key=key,
            user=User.objects.filter(email__iexact=email).first(),
            email=email,
            context={"subject": message.subject, "text": message.body},
            language=_current_language(),
        )


def _numbered(prefix: str, earlier) -> str:
    """`<prefix>:<n>`: the n-th email sent for the same reason (1, 2, …).

    `earlier` are the outbox rows of the earlier ones; the number follows the highest one
    used, so a row cleared from the outbox never makes a key come round again. Two requests at
    the same moment get the same number, and the unique key lets one email through.
    """
    numbers = [
        int(suffix)
        for key in earlier.filter(idempotency_key__startswith=f"{prefix}:").values_list(
            "idempotency_key", flat=True
        )
        if (suffix := key.rpartition(":")[2]).isdigit()
    ]
    return f"{prefix}:{max(numbers, default=0) + 1}"


def _address_handle(email: str) -> str:
    """A short, stable name for an address in a key, without writing the address out."""
    return "address-" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def _current_language() -> str:
    return (get_language() or "de")[:2]
