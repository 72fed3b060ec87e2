"""The filters of the list of exchange rounds, read from the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.models import Audience, RoundFormat
from portal.accounts.models import FederalState
from portal.core.forms import FilterForm
from trainings.forms import TopicFilterField

UPCOMING = "upcoming"
PAST = "past"


class RoundFilterForm(FilterForm):
    """Theme, federal state, format, audience, and upcoming or past. A value the form does
    not know (a hand-edited address) is left out and the rest still filter."""

    when = forms.ChoiceField(
        label=_("When"),
        choices=[(UPCOMING, _("Upcoming rounds")), (PAST, _("Past rounds"))],
        required=False,
        widget=forms.HiddenInput,
    )
    theme = TopicFilterField(label=_("Theme"), empty_label=_("All themes"))
    state = forms.ChoiceField(
        label=_("Open to the federal state"),
        required=False,
        help_text=_("Rounds open to every state are always included."),
    )
    format = forms.ChoiceField(label=_("Format"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *FederalState.choices]
        self.fields["format"].choices = [("", _("All formats")), *RoundFormat.choices]
        self.fields["audience"].choices = [("", _("Everyone")), *Audience.choices]

    def filters(self) -> dict:
        """The valid filters as keyword arguments of `selectors.public.round_list`."""
        valid = self.valid()
        return {
            "past": valid.get("when") == PAST,
            "theme": valid.get("theme"),
            "state": valid.get("state", ""),
            "format": valid.get("format", ""),
            "audience": valid.get("audience", ""),
        }

    @property
    def narrowed(self) -> bool:
        """Whether any filter but `when` is in use."""
        filters = self.filters()
        return any(filters[name] for name in ("theme", "state", "format", "audience"))
