"""How django-allauth creates users and where it sends them afterwards."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.urls import reverse
from django.utils.translation import get_language

from portal.accounts.roles import INTEGRATION_OFFICER
from portal.accounts.services import user_grant_role


class AccountAdapter(DefaultAccountAdapter):
    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        """Sign-up: keep the full name and the language the person signed up in."""
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data["full_name"].strip()
        user.preferred_language = (get_language() or "de")[:2]
        if commit:
            user.save()
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
        if user.is_authenticated and not user.is_staff and not user.memberships.exists():
            return reverse("accounts:membership_new")
        return None
