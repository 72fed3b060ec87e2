"""Forms of the library of practice examples: the search and the example itself."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from consultations.forms import CHECK
from exchanges.models import PracticeExample
from exchanges.selectors.practice import SIZE_CHOICES, rounds_to_choose, topics_to_choose
from exchanges.services.practice import ExampleContent
from portal.accounts.models import FederalState
from portal.core.forms import FilterForm
from trainings.forms import TopicFilterField


class ExampleSearchForm(FilterForm):
    """The library's search, read from the query string; a wrong value is left out."""

    columns = {
        "q": "col-12 col-lg-3",
        "topic": "col-12 col-md-4 col-lg-3",
        "state": "col-12 col-md-4 col-lg-3",
        "size": "col-12 col-md-4 col-lg-3",
    }

    q = forms.CharField(label=_("Search words"), max_length=200, required=False)
    topic = TopicFilterField(label=_("Topic"), empty_label=_("All topics"))
    state = forms.ChoiceField(label=_("Federal state"), required=False)
    size = forms.ChoiceField(label=_("Size of the municipality"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *FederalState.choices]
        self.fields["size"].choices = [("", _("Any size")), *SIZE_CHOICES]

    def filters(self) -> dict:
        """The valid filters as keyword arguments of `selectors.examples_search`."""
        valid = self.valid()
        return {
            "text": valid.get("q", ""),
            "topic": valid.get("topic"),
            "state": valid.get("state", ""),
            "size": valid.get("size", ""),
        }


class RoundChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, round):
        return f"{round.title}, {date_format(localtime(round.start), 'DATE_FORMAT')}"


class ExampleChoices:
    """A form of an example offers active topics and rounds that took place, and keeps
    those the example already names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = self.instance if self.instance.pk else None
        self.fields["topics"].queryset = topics_to_choose(example)
        self.fields["rounds"].queryset = rounds_to_choose(example)


def rounds_field(**kwargs) -> RoundChoiceField:
    return RoundChoiceField(
        label=_("Presented at exchange rounds"),
        queryset=rounds_to_choose(None),
        required=False,
        **kwargs,
    )


# The longest text of one of an example's four parts (as the documentation's fields).
TEXT_LIMIT = 20000


class PracticeExampleForm(ExampleChoices, forms.ModelForm):
    """What an author writes. The municipality is chosen from the author's own and from a
    search of the register (the page lists them; the field only checks the choice)."""

    TEXTS = ("situation", "action", "effort", "outcome")

    class Meta:
        model = PracticeExample
        fields = [
            "title",
            "municipality",
            "topics",
            "situation",
            "action",
            "effort",
            "outcome",
            "contact_name",
            "contact_email",
            "contact_consent",
            "rounds",
        ]
        labels = {
            "situation": _("The situation"),
            "action": _("What was done"),
            "effort": _("What it took"),
            "outcome": _("What came of it"),
            "contact_name": _("Name"),
            "contact_email": _("Email address"),
            "contact_consent": _("The contact person agreed to be named here"),
        }
        help_texts = {
            "title": _("Say in a few words what the municipality did."),
            "situation": _("What was the starting point, who was involved, what was the need?"),
            "action": _("What did the municipality and its partners do, step by step?"),
            "effort": _("People, time, money, partners, decisions of the council."),
            "outcome": _("What has changed? What would you do differently next time?"),
            "contact_name": _("Optional: someone others may ask about the example."),
        }
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 5}),
            "action": forms.Textarea(attrs={"rows": 6}),
            "effort": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 5}),
            "topics": forms.CheckboxSelectMultiple(attrs=CHECK),
            "contact_consent": forms.CheckboxInput(attrs=CHECK),
        }
        error_messages = {
            "municipality": {
                "required": _("Please choose the municipality, or search for it first."),
                "invalid_choice": _("Please choose a municipality from the list."),
            },
            "topics": {"required": _("Please choose at least one topic.")},
        }

    rounds = rounds_field(
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
        help_text=_("Optional: the rounds where the example was presented."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.TEXTS:  # text fields of the model: no limit unless given here
            field = self.fields[name]
            field.max_length = TEXT_LIMIT
            field.validators.append(MaxLengthValidator(TEXT_LIMIT))
            field.widget.attrs["maxlength"] = str(TEXT_LIMIT)
            field.error_messages["max_length"] = _(
                "Please shorten this to at most %(limit_value)d characters."
            )

    @classmethod
    def kept(cls, data, **kwargs) -> "PracticeExampleForm":
        """An unbound form showing what was typed (after a search without JavaScript, which
        must neither save nor complain about fields not filled in yet)."""
        form = cls(**kwargs)
        form.initial.update(
            {
                name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
                for name, field in form.fields.items()
            }
        )
        return form

    def content(self) -> ExampleContent:
        return ExampleContent.of(self.cleaned_data)
