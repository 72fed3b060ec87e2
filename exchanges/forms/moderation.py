"""Forms of questions in advance and of a round's moderation: the agenda, attendance, the
documentation, follow-up items and files. They validate; the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.uploads import FilesForm

CHECK = {"class": "form-check-input"}
YES_NO = (("1", _("yes")), ("0", _("no")))


def _yes(value) -> bool:
    return value == "1"


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question or topic"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("Please write your question or topic.")},
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=None,
        required=False,
        empty_label=_("No particular theme"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    show_name = forms.BooleanField(
        label=_("My name and my municipality or organisation may be shown with the question"),
        help_text=_("Otherwise the question appears on the round's page without a name."),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        themes = round.themes.all()
        if not themes:  # a round without themes asks for none
            del self.fields["theme"]
            return
        self.fields["theme"].queryset = themes
        self.fields["theme"].error_messages["invalid_choice"] = _(
            "Please choose one of the round's themes."
        )


class AgendaForm(forms.Form):
    """Puts one question on the agenda or takes it off."""

    question = forms.IntegerField(min_value=1)
    on_agenda = forms.TypedChoiceField(choices=YES_NO, coerce=_yes)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (registration.pk, registration.name) for registration in registrations
        ]


class DocumentationForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the round"),
        max_length=20000,
        required=False,
        help_text=_("What was discussed, in a few paragraphs. Needed before publishing."),
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
    )
    results = forms.CharField(
        label=_("Results"),
        max_length=20000,
        required=False,
        help_text=_("What was agreed or learned; one result per line reads best."),
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    open_to_officers = forms.BooleanField(
        label=_("All signed-in integration officers may read the documentation"),
        help_text=_("Otherwise only the round's participants and its team read it."),
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )


class FollowUpForm(forms.Form):
    """One follow-up item: who does what by when."""

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    what = forms.CharField(
        label=_("What"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={
            "required": _("Please say what is to be done."),
            "max_length": _("Please shorten this to at most %(limit_value)d characters."),
        },
    )
    who = forms.CharField(
        label=_("Who"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={
            "required": _("Please say who takes it on."),
            "max_length": _("Please shorten this to at most %(limit_value)d characters."),
        },
    )
    due = forms.DateField(
        label=_("By when"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a date, e.g. 31.12.2026.")},
    )
    done = forms.BooleanField(label=_("Done"), required=False, widget=forms.CheckboxInput(CHECK))


class BaseFollowUpFormSet(forms.BaseFormSet):
    def __init__(self, *args, items=(), **kwargs):
        self.items = {item.pk: item for item in items}
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].widget.attrs.update(CHECK)

    def clean(self):
        super().clean()
        for form in self.forms:
            pk = form.cleaned_data.get("id") if hasattr(form, "cleaned_data") else None
            if pk and pk not in self.items:
                raise ValidationError(_("This follow-up item belongs to another round."))


FollowUpFormSet = forms.formset_factory(
    FollowUpForm,
    formset=BaseFollowUpFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class RoundFilesForm(FilesForm):
    """Files of the documentation: slides, minutes, a photo log."""


class FileRemoveForm(forms.Form):
    file = forms.IntegerField(min_value=1)


class FollowUpDoneForm(forms.Form):
    """Ticks off (or reopens) one follow-up item carried into this round."""

    item = forms.IntegerField(min_value=1)
    done = forms.TypedChoiceField(choices=YES_NO, coerce=_yes)
