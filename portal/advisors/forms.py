"""Forms of the directory, the matching page and the advisor's own pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import FederalState
from portal.advisors.models import (
    AdvisorProfile,
    ContactMode,
    Format,
    Language,
    Weekday,
    weekday_hours_overlap,
)
from portal.advisors.photos import PhotoField


def optional_choice(label, empty_label, choices) -> forms.ChoiceField:
    """A select whose first option, the empty one, means "no preference"."""
    return forms.ChoiceField(label=label, required=False, choices=[("", empty_label), *choices])


FORMAT_LABEL = pgettext_lazy("advice format", "Format")


class DirectoryFilterForm(forms.Form):
    """The directory's filters: a GET form, so it works without JavaScript and can be linked.

    Every field is optional; a value that is not a choice (an old or edited link) is
    reported and ignored rather than failing the page.
    """

    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = optional_choice(_("Language"), _("Any language"), Language.choices)
    state = optional_choice(_("Federal state"), _("Any federal state"), FederalState.choices)
    format = optional_choice(FORMAT_LABEL, _("Any format"), Format.choices)
    mode = optional_choice(_("Way of meeting"), _("Any way"), ContactMode.choices)

    def __init__(self, data=None, *, topics, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["topic"].choices = [("", _("Any topic"))] + [(t.slug, t.name) for t in topics]

    def filters(self) -> dict[str, str]:
        """The valid filters given; invalid ones are left out (and shown as errors)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value and name not in self.errors
        }


class MatchForm(forms.Form):
    """What a person needs advice on, to rank the advisors by fit."""

    topics = forms.MultipleChoiceField(
        label=_("Your topics"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Choose one or more."),
    )
    state = optional_choice(
        _("Federal state of your municipality"), _("Not stated"), FederalState.choices
    )
    language = optional_choice(
        _("Language of the conversation"), _("German or any"), Language.choices
    )
    format = optional_choice(FORMAT_LABEL, _("Not sure yet"), Format.choices)
    mode = optional_choice(_("Way of meeting"), _("Any way"), ContactMode.choices)

    def __init__(self, data=None, *, topics, **kwargs):
        super().__init__(data, **kwargs)
        self.topics_by_slug = {topic.slug: topic for topic in topics}
        self.fields["topics"].choices = [(t.slug, t.name) for t in topics]

    def criteria(self) -> dict:
        """Keyword arguments for selectors.advisors_ranked."""
        data = self.cleaned_data
        return {
            "topics": [self.topics_by_slug[slug] for slug in data.get("topics", [])],
            "state": data.get("state", ""),
            "languages": [data["language"]] if data.get("language") else [],
            "format": data.get("format", ""),
            "mode": data.get("mode", ""),
        }


class AdvisorProfileForm(forms.ModelForm):
    """What advisors write about themselves. Coordinators edit the rest in the admin."""

    photo = PhotoField(label=_("Photo"))
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)

    class Meta:
        model = AdvisorProfile
        fields = [
            "role_de",
            "role_en",
            "short_bio_de",
            "short_bio_en",
            "bio_de",
            "bio_en",
            "qualifications_de",
            "qualifications_en",
            "regional_knowledge_de",
            "regional_knowledge_en",
            "topics",
            "languages",
            "states",
            "formats",
            "modes",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "short_bio_de": forms.Textarea(attrs={"rows": 2}),
            "short_bio_en": forms.Textarea(attrs={"rows": 2}),
            "bio_de": forms.Textarea(attrs={"rows": 6}),
            "bio_en": forms.Textarea(attrs={"rows": 6}),
            "qualifications_de": forms.Textarea(attrs={"rows": 3}),
            "qualifications_en": forms.Textarea(attrs={"rows": 3}),
            "regional_knowledge_de": forms.Textarea(attrs={"rows": 2}),
            "regional_knowledge_en": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "short_bio_de": _("One or two sentences for the card in the directory."),
            "role_de": _("E.g. “Advisor for mosque construction and burial culture”."),
        }

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics
        self.fields["topics"].required = False
        self.fields["states"].help_text = _("Where you take on requests.")


class BookingRulesForm(forms.ModelForm):
    class Meta:
        model = AdvisorProfile
        fields = [
            "slot_minutes",
            "buffer_minutes",
            "min_notice_hours",
            "horizon_weeks",
            "daily_max",
        ]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RowForm(forms.Form):
    """A row of a formset shown as a table: Bootstrap classes, and errors marked for
    assistive technology on the inputs themselves."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-errors"


class WindowForm(RowForm):
    # An empty first choice, so the empty rows at the end stay untouched and are skipped.
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=[("", "–"), *Weekday.choices], coerce=int, empty_value=None
    )
    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("Until"), widget=TimeInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            self.add_error(
                "end", ValidationError(_("The hours must end after they start."), code="order")
            )
        return data


class RowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


class BaseWindowFormSet(RowFormSet):
    def clean(self):
        if any(self.errors):
            return
        weekday = weekday_hours_overlap(self.windows())
        if weekday is not None:
            raise ValidationError(
                _("Two opening hours on %(day)s overlap.") % {"day": Weekday(weekday).label},
                code="overlap",
            )

    def windows(self):
        return [
            (form.cleaned_data["weekday"], form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=2, can_delete=True, max_num=28
)


class AbsenceForm(RowForm):
    first_day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(label=_("Last day"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=120, required=False)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and first > last:
            self.add_error(
                "last_day",
                ValidationError(_("The last day must be on or after the first day."), code="order"),
            )
        return data


class BaseAbsenceFormSet(RowFormSet):
    def absences(self):
        return [
            (
                form.cleaned_data["first_day"],
                form.cleaned_data["last_day"],
                form.cleaned_data["note"],
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


AbsenceFormSet = forms.formset_factory(
    AbsenceForm, formset=BaseAbsenceFormSet, extra=1, can_delete=True, max_num=50
)
