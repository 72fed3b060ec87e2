"""`manage.py import_municipalities` and `portal.accounts.register.import_register`.

The fixture holds 21 lines cut from the register: the header, Schleswig-Holstein (10), the
district-free city of Flensburg (40/41, 50, 60/61), the district of Dithmarschen (40/43) with
seven good municipalities, municipal associations (50), an uninhabited area (60/66) and four
lines broken on purpose:

- line 15: population "k. A."
- line 16: AGS with a letter (gemeinde "O22")
- line 17: a column missing
- line 20: land 17, which is no federal state
"""

import csv
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from portal.accounts.models import Municipality
from portal.accounts.register import DEFAULT_REGISTER, SkipReason, import_register

FIXTURE = Path(__file__).parent / "fixtures" / "gemeindeverzeichnis-klein.csv"

DITHMARSCHEN = "01051000"
FLENSBURG = "01001000"
AVERLAK = "01051003"
# The good municipalities of Dithmarschen in the fixture and their populations.
DITHMARSCHEN_MUNICIPALITIES = {
    "01051011": 12_380,  # Brunsbüttel, Stadt
    "01051044": 21_852,  # Heide, Stadt
    AVERLAK: 554,
    "01051010": 212,  # Brickeln
    "01051012": 998,  # Buchholz
    "01051026": 756,  # Eggstedt
    "01051037": 454,  # Großenrade
}
MALFORMED_LINES = [15, 16, 17, 20]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run_command(*args):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_municipalities", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def copy_of_fixture(tmp_path, old, new):
    """A copy of the fixture with one piece of text replaced, BOM and all."""
    text = FIXTURE.read_text(encoding="utf-8-sig")
    assert text.count(old) == 1
    path = tmp_path / "register.csv"
    path.write_text(text.replace(old, new), encoding="utf-8-sig", newline="")
    return path


def test_first_run_creates_the_municipalities_and_the_district():
    report = import_register(FIXTURE)

    assert (report.municipalities, report.districts) == (8, 1)
    assert (report.created, report.updated, report.unchanged) == (9, 0, 0)
    assert report.skipped == {
        SkipReason.NOT_MUNICIPALITY: 5,
        SkipReason.LISTED_AS_MUNICIPALITY: 1,
        SkipReason.UNINHABITED: 1,
    }
    assert Municipality.objects.count() == 9
    assert Municipality.objects.filter(kind=Municipality.Kind.LANDKREIS).count() == 1


def test_fields_of_a_district_free_city():
    import_register(FIXTURE)

    flensburg = Municipality.objects.get(ags=FLENSBURG)
    assert flensburg.name == "Flensburg, Stadt"
    assert flensburg.kind == Municipality.Kind.KREISFREIE_STADT
    assert flensburg.state == "01"
    assert flensburg.postcode == "24937"
    assert flensburg.population == 90_164
    assert flensburg.latitude == Decimal("54.782520")
    assert flensburg.longitude == Decimal("9.437510")
    assert flensburg.district is None


def test_kinds_from_the_textkennzeichen():
    import_register(FIXTURE)

    kinds = dict(Municipality.objects.values_list("ags", "kind"))
    assert kinds[FLENSBURG] == Municipality.Kind.KREISFREIE_STADT  # 61
    assert kinds["01051011"] == Municipality.Kind.STADT  # 63
    assert kinds[AVERLAK] == Municipality.Kind.GEMEINDE  # 64
    assert kinds[DITHMARSCHEN] == Municipality.Kind.LANDKREIS  # 43
    assert "01053105" not in kinds  # 66, Sachsenwald: uninhabited


def test_malformed_lines_are_reported_with_their_line_numbers_and_not_imported():
    report = import_register(FIXTURE)

    assert [line for line, _message in report.errors] == MALFORMED_LINES
    messages = dict(report.errors)
    assert "population" in messages[15]
    assert "01051O22" in messages[16]
    assert "columns" in messages[17]
    assert "federal state" in messages[20]
    names = set(Municipality.objects.values_list("name", flat=True))
    assert not names & {"Burg (Dithmarschen)", "Dingen", "Eddelak", "Frestedt"}


def test_district_fk_and_district_population():
    import_register(FIXTURE)

    dithmarschen = Municipality.objects.get(ags=DITHMARSCHEN)
    assert dithmarschen.name == "Dithmarschen"
    assert dithmarschen.state == "01"
    members = dict(dithmarschen.municipalities.values_list("ags", "population"))
    assert members == DITHMARSCHEN_MUNICIPALITIES
    assert dithmarschen.population == sum(DITHMARSCHEN_MUNICIPALITIES.values()) == 37_206


def test_second_run_creates_nothing_and_reports_everything_unchanged():
    import_register(FIXTURE)
    report = import_register(FIXTURE)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 9)
    assert [line for line, _message in report.errors] == MALFORMED_LINES
    assert Municipality.objects.count() == 9


def test_a_changed_population_updates_exactly_that_row(tmp_path):
    import_register(FIXTURE)
    changed = copy_of_fixture(
        tmp_path, '"Flensburg, Stadt", 53.02, 90 164,', '"Flensburg, Stadt", 53.02, 91 000,'
    )

    report = import_register(changed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 8)
    assert Municipality.objects.get(ags=FLENSBURG).population == 91_000


def test_a_changed_population_in_a_district_updates_the_district_too(tmp_path):
    import_register(FIXTURE)
    changed = copy_of_fixture(tmp_path, "Averlak, 9.06,  554,", "Averlak, 9.06,  600,")

    report = import_register(changed)

    assert (report.created, report.updated, report.unchanged) == (0, 2, 7)
    assert Municipality.objects.get(ags=AVERLAK).population == 600
    assert Municipality.objects.get(ags=DITHMARSCHEN).population == 37_206 - 554 + 600


def test_a_repaired_line_is_imported_on_the_next_run(tmp_path):
    import_register(FIXTURE)
    repaired = copy_of_fixture(tmp_path, ",5163,O22,Dingen", ",5163,022,Dingen")

    report = import_register(repaired)

    assert (report.created, report.updated, report.unchanged) == (1, 1, 8)  # Dingen; district
    dingen = Municipality.objects.get(ags="01051022")
    assert dingen.district.ags == DITHMARSCHEN
    assert Municipality.objects.get(ags=DITHMARSCHEN).population == 37_206 + 627


def test_windows_export_with_semicolons(tmp_path):
    """The Destatis download saved as CSV by a German spreadsheet: cp1252 and semicolons."""
    with FIXTURE.open(encoding="utf-8-sig", newline="") as fixture:
        rows = list(csv.reader(fixture))
    out = StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Gemeindeverzeichnis-Informationssystem GV-ISys"])  # a title line
    writer.writerow([])
    writer.writerows(rows)
    path = tmp_path / "AuszugGV.csv"
    path.write_bytes(out.getvalue().encode("cp1252"))

    report = import_register(path)

    assert (report.encoding, report.delimiter) == ("cp1252", ";")
    assert (report.created, report.municipalities, report.districts) == (9, 8, 1)
    # The two lines above the header move everything down by two.
    assert [line for line, _message in report.errors] == [n + 2 for n in MALFORMED_LINES]
    assert Municipality.objects.get(ags="01051011").name == "Brunsbüttel, Stadt"
    assert Municipality.objects.get(ags=FLENSBURG).longitude == Decimal("9.437510")


def test_command_prints_a_summary_and_the_malformed_lines():
    stdout, stderr = run_command(str(FIXTURE))

    assert stdout.strip() == (
        "8 municipalities and 1 district: 9 created, 0 updated, 0 unchanged, 7 skipped "
        "(5 not a municipality or district, 1 district-free city, listed as municipality, "
        "1 uninhabited unincorporated area), 4 malformed lines."
    )
    assert [line.split(":")[0] for line in stderr.splitlines()] == [
        f"line {n}" for n in MALFORMED_LINES
    ]
    assert Municipality.objects.count() == 9


def test_command_run_twice_reports_everything_unchanged():
    run_command(str(FIXTURE))
    stdout, _stderr = run_command(str(FIXTURE))

    assert "0 created, 0 updated, 9 unchanged" in stdout
    assert Municipality.objects.count() == 9


def test_command_with_a_missing_file_raises_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(str(tmp_path / "missing.csv"))


def test_command_without_a_header_raises_command_error(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("name,population\nKöln,1087863\n", encoding="utf-8")

    with pytest.raises(CommandError, match="No header line"):
        run_command(str(path))
    assert not Municipality.objects.exists()


def test_command_with_broken_csv_raises_command_error(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('satzart,"' + "x" * 200_000 + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match="as CSV"):
        run_command(str(path))


def test_an_ags_twice_in_the_file_is_reported(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8-sig")
    path = tmp_path / "twice.csv"
    path.write_text(text + text.splitlines()[11] + "\n", encoding="utf-8-sig")

    report = import_register(path)

    assert report.errors[-1] == (22, "the AGS 01051003 is already on line 12")
    assert Municipality.objects.filter(ags=AVERLAK).count() == 1


def test_existing_rows_are_matched_by_ags(municipality, tmp_path):
    """The `municipality` fixture is Köln with made-up figures; the register corrects it."""
    with DEFAULT_REGISTER.open(encoding="utf-8-sig") as register:
        lines = [line for n, line in enumerate(register) if n == 0 or ",05,3,15," in line]
    path = tmp_path / "koeln.csv"
    path.write_text("".join(lines), encoding="utf-8")

    report = import_register(path)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    municipality.refresh_from_db()
    assert municipality.population == 1_087_863
    assert municipality.kind == Municipality.Kind.KREISFREIE_STADT
    assert Municipality.objects.filter(ags="05315000").count() == 1


def test_the_shipped_register_imports():
    """The whole register, once, through the command and its default FILE (the slow test)."""
    stdout, stderr = run_command()

    assert stderr == ""
    assert "0 malformed lines" in stdout
    assert Municipality.objects.count() > 11_000
    assert Municipality.objects.filter(kind=Municipality.Kind.LANDKREIS).count() == 294
    koeln = Municipality.objects.get(ags="05315000")
    assert koeln.name == "Köln, Stadt"
    assert koeln.kind == Municipality.Kind.KREISFREIE_STADT
    assert koeln.state == "05"
    assert koeln.district is None
    assert Municipality.objects.get(ags="05334002").district.name == "Städteregion Aachen"
