"""A set of choices kept in one column, filterable on SQLite and PostgreSQL alike.

An advisor speaks a few languages and serves a few federal states. A join table per such list
would cost a query or a join for every card of the directory; PostgreSQL's arrays do not exist
on the embedded SQLite. So the codes are stored sorted and fenced by commas (",ar,de,tr,"),
and `ChoiceSetField.contains(field, code)` builds the lookup that finds one of them.
"""

from django import forms
from django.core import checks, exceptions
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

SEPARATOR = ","


class ChoiceSetField(models.CharField):
    """A list of distinct codes from `choices`; the Python value is a sorted list."""

    description = _("Set of choices")

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not self.choices:
            errors.append(checks.Error("ChoiceSetField needs choices.", obj=self))
        return errors

    def validate(self, value, model_instance):
        if not self.editable:
            return
        allowed = {str(code) for code, _label in self.flatchoices}
        unknown = [code for code in value or [] if code not in allowed]
        if unknown:
            raise exceptions.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ", ".join(unknown)},
            )
        if not value and not self.blank:
            raise exceptions.ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        # CharField's max length applies to the stored text, which get_prep_value makes.
        super().run_validators(self.get_prep_value(value))

    @staticmethod
    def _split(text):
        return [code for code in text.split(SEPARATOR) if code]

    def from_db_value(self, value, expression, connection):
        return self._split(value) if value else []

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return self._split(value)
        return sorted({str(code) for code in value})

    def get_prep_value(self, value):
        if isinstance(value, str):
            value = self._split(value)  # "de" and ",de,tr," both mean a set of codes
        codes = sorted({str(code) for code in value or []})
        return f"{SEPARATOR}{SEPARATOR.join(codes)}{SEPARATOR}" if codes else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def get_default(self):
        default = super().get_default()
        return self.to_python(default)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        # CharField.formfield would add a max_length and a select of single choices.
        form_class = defaults.pop("form_class")
        defaults.pop("choices_form_class", None)
        defaults.pop("max_length", None)
        return form_class(**defaults)

    @staticmethod
    def contains(field_name: str, code: str) -> models.Q:
        """Rows whose set holds `code`: `ChoiceSetField.contains("languages", "ar")`."""
        return models.Q(**{f"{field_name}__contains": f"{SEPARATOR}{code}{SEPARATOR}"})
