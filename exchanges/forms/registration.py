"""Forms of registering for a round: on whose behalf a member registers. (A guest's form is
the kernel's `portal.core.guests.GuestForm`; cancelling and a guest's links are a button.)"""

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.forms import CHECK, MembershipChoiceField
from portal.accounts.models import Membership


class RoundRegistrationForm(forms.Form):
    """The body the person registers for, among those the round is open to."""

    membership = MembershipChoiceField(
        label=_("On behalf of"),
        queryset=Membership.objects.none(),
        widget=forms.RadioSelect(attrs=CHECK),
        empty_label=None,
        error_messages={
            "required": _("Please choose for whom you register."),
            "invalid_choice": _("Please choose one of the bodies this round is open to."),
        },
    )

    def __init__(self, *args, memberships: list[Membership], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = Membership.objects.filter(
            pk__in=[membership.pk for membership in memberships]
        ).select_related("municipality", "organisation")
        if len(memberships) == 1:
            field.initial = memberships[0].pk
