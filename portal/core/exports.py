"""Lists as CSV files for spreadsheet programs (participant lists of course dates and exchange
rounds).

Names, bodies and answers are typed by people: a cell that begins like a formula (`=`, `+`,
`-`, `@`, a tab or a return) is written with a leading apostrophe, so a spreadsheet shows it
as text instead of running it.
"""

import csv

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Text typed by a person, as a spreadsheet cell that cannot run as a formula."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str):
    """An attachment `filename` and a writer into it: UTF-8 with a byte-order mark, so that
    spreadsheet programs read the umlauts, and semicolons, as German spreadsheets expect."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response, delimiter=";")
