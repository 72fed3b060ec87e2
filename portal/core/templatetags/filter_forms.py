"""`{% placed_fields form column as fields %}`: the visible fields of a list's filter form
with their Bootstrap columns, for `includes/filter_form.html`."""

from django import template

register = template.Library()


@register.simple_tag
def placed_fields(form, column: str = "") -> list[tuple]:
    """(bound field, column classes) for each visible field: the form's `columns` for the
    field, else `column`, else the form's `column`."""
    columns = getattr(form, "columns", {})
    default = column or getattr(form, "column", "col-12 col-md-6 col-xl-3")
    return [(field, columns.get(field.name, default)) for field in form.visible_fields()]
