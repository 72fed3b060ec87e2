from django import forms
from django.conf import settings


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


class FilterForm(forms.Form):
    """The filters of a list page, read from the query string.

    A value the form does not know (a hand-edited address, an old bookmark) is left out and the
    other filters still apply: `valid()` gives the cleaned values of the fields without an
    error, so a list never answers 500 or nothing at all for one wrong value.

    The page shows the form with `{% include "includes/filter_form.html" %}`, each visible
    field in a Bootstrap column: `columns` (field name → classes), else `column`.
    """

    column = "col-12 col-md-6 col-xl-3"
    columns: dict[str, str] = {}

    def valid(self) -> dict:
        """The cleaned values of the fields given correctly (none for an unbound form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }
