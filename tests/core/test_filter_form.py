"""The kernel's filter form (portal.core.forms.FilterForm) and its include's columns."""

from django import forms

from portal.core.forms import FilterForm
from portal.core.templatetags.filter_forms import placed_fields


class Filters(FilterForm):
    columns = {"word": "col-12 col-lg-6"}

    word = forms.CharField(required=False, max_length=5)
    colour = forms.ChoiceField(choices=[("", "any"), ("red", "red")], required=False)
    secret = forms.CharField(required=False, widget=forms.HiddenInput)


def test_a_wrong_value_is_left_out_and_the_others_still_filter():
    form = Filters({"word": "tea", "colour": "purple"})
    assert form.valid() == {"word": "tea", "secret": ""}
    assert "colour" in form.errors


def test_an_unbound_form_filters_nothing():
    assert Filters().valid() == {}


def test_each_visible_field_has_its_column():
    form = Filters()
    placed = [(field.name, classes) for field, classes in placed_fields(form)]
    assert placed == [("word", "col-12 col-lg-6"), ("colour", "col-12 col-md-6 col-xl-3")]
    assert placed_fields(form, "col-12 col-xl")[1][1] == "col-12 col-xl"
