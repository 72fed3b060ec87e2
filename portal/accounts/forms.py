from django import forms
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import FederalState, Municipality, Organisation, User


def _privacy_label() -> SafeString:
    url = escape(reverse("core:page", kwargs={"slug": "datenschutz"}))
    return mark_safe(  # the translated text is ours, the URL is escaped
        gettext('I have read the <a href="%(url)s">privacy notice</a>.') % {"url": url}
    )


privacy_label = lazy(_privacy_label, SafeString)


class SignupDetailsForm(forms.Form):
    """The fields allauth's sign-up form adds to email and password."""

    field_order = ["full_name", "email", "password1", "password2", "privacy_accepted"]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    privacy_accepted = forms.BooleanField(
        label=privacy_label(),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )

    def signup(self, request, user):
        """allauth's hook after the user is saved; AccountAdapter.save_user did the work."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "preferred_language"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }


class RoleField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your role there"))
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault(
            "help_text", _("For example: integration officer, head of department, board member.")
        )
        super().__init__(**kwargs)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class MunicipalityMembershipForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please search for your municipality and choose it from the list."),
            "invalid_choice": _("Please choose a municipality from the search results."),
        },
    )
    role = RoleField()


class OrganisationMembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please search for your organisation and choose it from the list."),
            "invalid_choice": _("Please choose an organisation from the search results."),
        },
    )
    role = RoleField()


class OrganisationRegisterForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    state = forms.ChoiceField(label=_("Federal state"), choices=FederalState.choices)
    town = forms.CharField(label=_("Town"), max_length=120)
    role = RoleField()
