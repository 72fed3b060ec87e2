"""Forms of the officer's side: the request, a message, cancelling, and the feedback."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consultations.documents import ALLOWED_LABELS, MAX_FILES
from consultations.models import Feedback, Rating, Urgency, Usefulness
from portal.accounts.models import Membership
from portal.advisors.models import AdvisorProfile, ContactMode, Format, Topic
from portal.core.uploads import FilesForm, MultipleFileField

FORMAT_EXPLANATIONS = {
    Format.FACHBERATUNG: _(
        "One or a few conversations on a clearly defined question, e.g. how to answer a "
        "request for a prayer room."
    ),
    Format.PROZESSBEGLEITUNG: _(
        "Support over several months: site analysis, inventory, needs assessment and round "
        "tables with the people involved."
    ),
}


CHECK = {"class": "form-check-input"}


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return str(membership.body)


class ConsultationForm(forms.Form):
    membership = MembershipChoiceField(
        label=_("On behalf of"),
        queryset=Membership.objects.none(),
        widget=forms.RadioSelect(attrs=CHECK),
        empty_label=None,
        error_messages={"required": _("Please choose for whom you ask.")},
    )
    format = forms.ChoiceField(
        label=_("What kind of advice do you need?"),
        choices=Format.choices,
        widget=forms.RadioSelect(attrs=CHECK),
        error_messages={"required": _("Please choose the kind of advice.")},
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
        error_messages={"required": _("Please choose at least one topic.")},
    )
    concern = forms.CharField(
        label=_("Your concern in your own words"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is the situation, who is involved, what has happened so far?"),
        error_messages={"required": _("Please describe your concern.")},
    )
    goal = forms.CharField(
        label=_("What do you hope to reach?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please tell us what you hope to reach.")},
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect(attrs=CHECK),
    )
    contact_mode = forms.ChoiceField(
        label=_("How would you like to meet?"),
        choices=ContactMode.choices,
        widget=forms.RadioSelect(attrs=CHECK),
        error_messages={"required": _("Please choose how you would like to meet.")},
    )
    preferred_advisor = forms.ModelChoiceField(
        label=_("Preferred advisor (optional)"),
        queryset=AdvisorProfile.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("No preference: suggest the best fit"),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        # Lazy text with lazy placeholders: translated when the form is shown, not imported.
        help_text=format_lazy(
            _(
                "Up to {count} files of at most 10 MB each: {types}. For example a council "
                "decision, a concept or a letter."
            ),
            count=MAX_FILES,
            types=ALLOWED_LABELS,
        ),
    )
    privacy = forms.BooleanField(
        label=_(
            "I have read the data-protection notice. The advisors and the coordination team "
            "may use what I entered to handle this request."
        ),
        error_messages={"required": _("Please confirm the data-protection notice.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.verified()
            .filter(user=user)
            .select_related("municipality", "organisation")
        )
        self.fields["topics"].queryset = Topic.objects.active()
        self.fields["preferred_advisor"].queryset = (
            AdvisorProfile.objects.public().select_related("user").order_by("user__full_name")
        )
        self.fields["preferred_advisor"].label_from_instance = lambda profile: profile.name
        self.format_explanations = FORMAT_EXPLANATIONS

    def clean_attachments(self):
        return self.cleaned_data.get("attachments") or []


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("The message is empty.")},
    )


class DocumentsForm(FilesForm):
    """Documents the requester's side adds to its request after submitting it."""


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the request? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["rating", "usefulness", "what_changed", "comment"]
        widgets = {
            "rating": forms.RadioSelect(attrs=CHECK),
            "usefulness": forms.RadioSelect(attrs=CHECK),
            "what_changed": forms.Textarea(attrs={"rows": 3}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = Rating.choices
        self.fields["usefulness"].choices = Usefulness.choices
        self.fields["rating"].error_messages["required"] = _("Please rate the advice.")
        self.fields["usefulness"].error_messages["required"] = _("Please say how useful it was.")
        for name in ("what_changed", "comment"):
            self.fields[name].max_length = 3000


def parse_slot(value: str):
    """`<advisor id>|<ISO start>` from a slot button; ValidationError for anything else."""
    from datetime import datetime

    try:
        advisor_id, start = value.split("|", 1)
        moment = datetime.fromisoformat(start)
        if moment.tzinfo is None:
            raise ValueError
        return int(advisor_id), moment
    except (ValueError, AttributeError):
        raise ValidationError(_("Please choose one of the times shown.")) from None
