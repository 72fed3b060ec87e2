"""Import the official municipality register (Gemeindeverzeichnis) of Destatis.

The register lists one record per line; column `satzart` says what the line is:

- 60: a municipality. Its AGS is `land + rb + kreis + gemeinde`; `textkennzeichen` says which
  kind (61, 62 district-free city; 63, 67 town; 60, 64, 65 municipality; 66 uninhabited
  unincorporated area, which is skipped).
- 40: a district level. 43, 44 and 45 are districts (Landkreis, Kreis, Regionalverband) with the
  AGS `land + rb + kreis + "000"`; 41 and 42 are district-free cities, which appear again as a
  municipality (satzart 60) with the same AGS and are skipped here.
- 10, 20, 30, 50: states, government regions, regions, municipal associations: skipped.

`import_register` matches rows by AGS, so running it again updates what changed and creates
no duplicates. A line that cannot be read is reported with its line number and skipped as a
whole. A district's population is the sum of the populations of its municipalities.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from os import PathLike
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.accounts.models import Municipality, validate_ags
from portal.core.errors import DomainError

DEFAULT_REGISTER = Path(__file__).resolve().parent / "data" / "gemeindeverzeichnis.csv"

BATCH_SIZE = 500

Kind = Municipality.Kind

MUNICIPALITY_KINDS = {
    "60": Kind.GEMEINDE,
    "61": Kind.KREISFREIE_STADT,
    "62": Kind.KREISFREIE_STADT,
    "63": Kind.STADT,
    "64": Kind.GEMEINDE,
    "65": Kind.GEMEINDE,
    "67": Kind.STADT,
}
UNINHABITED_AREA = "66"
DISTRICT_KINDS = {"43", "44", "45"}
DISTRICT_FREE_CITIES = {"41", "42"}
OTHER_RECORDS = {"10", "20", "30", "50"}

# The columns of the register, in the order Destatis publishes them (also in its Excel file).
COLUMNS = (
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "vb",
    "gemeinde",
    "gemeindename",
    "flaeche",
    "bevoelkerung",
    "maennlich",
    "weiblich",
    "jekm2",
    "postleitzahl",
    "laengengrad",
    "breitengrad",
)
NEEDED = (
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "gemeinde",
    "gemeindename",
    "bevoelkerung",
    "postleitzahl",
    "laengengrad",
    "breitengrad",
)
# Digits of each part of the AGS.
AGS_PARTS = (("land", 2), ("rb", 1), ("kreis", 2), ("gemeinde", 3))

# The fields the register sets; everything else on a Municipality is left alone.
FIELDS = (
    "name",
    "kind",
    "state",
    "postcode",
    "population",
    "latitude",
    "longitude",
    "district_id",
)

HEADER_SEARCH_LINES = 50
DELIMITERS = (",", ";", "\t")
SIX_PLACES = Decimal("0.000001")


class RegisterError(DomainError):
    """The file cannot be read at all, or it is not a municipality register."""


class SkipReason(models.TextChoices):
    NOT_MUNICIPALITY = "not_municipality", gettext_lazy("not a municipality or district")
    LISTED_AS_MUNICIPALITY = (
        "listed_as_municipality",
        gettext_lazy("district-free city, listed as municipality"),
    )
    UNINHABITED = "uninhabited", gettext_lazy("uninhabited unincorporated area")
    NOT_DATA = "not_data", gettext_lazy("not a data line")


@dataclass
class ImportReport:
    """What an import found in the file and did to the database."""

    municipalities: int = 0  # valid municipality lines in the file
    districts: int = 0  # valid district lines in the file
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # SkipReason -> number of lines
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    encoding: str = ""
    delimiter: str = ""

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> str:
        skipped = _("%(count)d skipped") % {"count": self.skipped_total}
        if self.skipped:
            reasons = ", ".join(
                f"{count} {SkipReason(reason).label}"
                for reason, count in sorted(self.skipped.items(), key=lambda item: -item[1])
            )
            skipped = f"{skipped} ({reasons})"
        return _(
            "%(municipalities)s and %(districts)s: %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged, %(skipped)s, %(malformed)s."
        ) % {
            "municipalities": ngettext(
                "%(count)d municipality", "%(count)d municipalities", self.municipalities
            )
            % {"count": self.municipalities},
            "districts": ngettext("%(count)d district", "%(count)d districts", self.districts)
            % {"count": self.districts},
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": skipped,
            "malformed": ngettext(
                "%(count)d malformed line", "%(count)d malformed lines", len(self.errors)
            )
            % {"count": len(self.errors)},
        }


class _Malformed(Exception):
    """A line that cannot be imported; the message says why."""


def import_register(path_or_file: str | PathLike | IO = DEFAULT_REGISTER) -> ImportReport:
    """Create or update municipalities and districts from a Destatis register file.

    Accepts a path or an open file (binary or text). Raises RegisterError when the file cannot
    be read or has no header line. Everything is written in one transaction.
    """
    report = ImportReport()
    text = _read_text(path_or_file, report)
    try:
        records = _parse(text, report)
    except csv.Error as error:  # e.g. a quote that is never closed
        raise RegisterError(
            _("Cannot read %(file)s as CSV: %(error)s") % {"file": path_or_file, "error": error}
        ) from error
    with transaction.atomic():
        _write(records, report)
    return report


# Reading ------------------------------------------------------------------------------------


def _read_text(path_or_file, report: ImportReport) -> str:
    try:
        if hasattr(path_or_file, "read"):
            data = path_or_file.read()
        else:
            data = Path(path_or_file).read_bytes()
    except (OSError, UnicodeDecodeError) as error:
        raise RegisterError(
            _("Cannot read %(file)s: %(error)s")
            % {"file": path_or_file, "error": getattr(error, "strerror", None) or error}
        ) from error
    if isinstance(data, str):
        report.encoding = "text"
        return data.removeprefix("\ufeff")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        report.encoding = encoding
        return text
    raise RegisterError(
        _("Cannot read %(file)s: it is neither UTF-8 nor Windows-1252 text.")
        % {"file": path_or_file}
    )


def _heading(cell: str) -> str:
    """'Satz-art' and 'satzart', 'Bevölkerung' and 'bevoelkerung' look the same."""
    cell = cell.casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        cell = cell.replace(umlaut, spelled)
    return re.sub(r"[^a-z0-9]", "", cell)


def _is_header(row: list[str]) -> bool:
    return bool(row) and _heading(row[0]) == "satzart" and len(row) >= len(COLUMNS)


def _find_delimiter(text: str) -> str:
    """The delimiter with which one of the first lines reads as the header."""
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for row in reader:
            if _is_header(row):
                return delimiter
            if reader.line_num >= HEADER_SEARCH_LINES:
                break
    raise RegisterError(
        _(
            "No header line found: the register must have a line that begins with "
            '"satzart" and has at least %(count)d columns.'
        )
        % {"count": len(COLUMNS)}
    )


def _column_index(header: list[str]) -> dict[str, int]:
    """Columns by name when the header names them, else in the order Destatis uses."""
    headings = [_heading(cell) for cell in header]
    if all(name in headings for name in NEEDED):
        return {name: headings.index(name) for name in NEEDED}
    # The Excel file of Destatis spreads its header over several lines ("Bevölkerung" above
    # "insgesamt"), so the saved CSV names only some columns; its order is fixed.
    return {name: COLUMNS.index(name) for name in NEEDED}


def _parse(text: str, report: ImportReport) -> dict[str, dict]:
    """The valid municipality and district lines, keyed by AGS, with their values."""
    report.delimiter = delimiter = _find_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: dict[str, dict] = {}
    lines: dict[str, int] = {}
    index, width = None, 0
    next_line = 1
    for row in reader:
        line, next_line = next_line, reader.line_num + 1
        if index is None:
            # Title lines above the header (as in the Excel file of Destatis) are ignored.
            if _is_header(row):
                index, width = _column_index(row), len(row)
            continue
        if not any(cell.strip() for cell in row):
            continue
        satzart = row[0].strip()
        if not (satzart.isascii() and satzart.isdigit()):
            # Headings repeated further down, footnotes of the Excel file.
            report.skipped[SkipReason.NOT_DATA] += 1
            continue
        try:
            record = _parse_row(row, width, index, report)
            if record is None:
                continue
            ags = record["ags"]
            if ags in lines:
                raise _Malformed(
                    _("the AGS %(ags)s is already on line %(line)d")
                    % {"ags": ags, "line": lines[ags]}
                )
        except _Malformed as malformed:
            report.errors.append((line, str(malformed)))
            continue
        lines[ags] = line
        records[ags] = record
        if record["kind"] == Kind.LANDKREIS:
            report.districts += 1
        else:
            report.municipalities += 1
    return records


def _parse_row(row: list[str], width: int, index: dict[str, int], report: ImportReport):
    """The values of one line, None when the line is skipped; raises _Malformed."""
    if len(row) != width:
        raise _Malformed(
            _("expected %(expected)d columns, found %(found)d")
            % {"expected": width, "found": len(row)}
        )

    def cell(name: str) -> str:
        return row[index[name]].strip()

    satzart = cell("satzart")
    textkennzeichen = cell("textkennzeichen")
    if satzart in OTHER_RECORDS:
        report.skipped[SkipReason.NOT_MUNICIPALITY] += 1
        return None
    if satzart == "40":
        if textkennzeichen in DISTRICT_FREE_CITIES:
            report.skipped[SkipReason.LISTED_AS_MUNICIPALITY] += 1
            return None
        if textkennzeichen not in DISTRICT_KINDS:
            raise _Malformed(
                _("unknown textkennzeichen %(value)r for a district") % {"value": textkennzeichen}
            )
        kind = Kind.LANDKREIS
    elif satzart == "60":
        if textkennzeichen == UNINHABITED_AREA:
            report.skipped[SkipReason.UNINHABITED] += 1
            return None
        if textkennzeichen not in MUNICIPALITY_KINDS:
            raise _Malformed(
                _("unknown textkennzeichen %(value)r for a municipality")
                % {"value": textkennzeichen}
            )
        kind = MUNICIPALITY_KINDS[textkennzeichen]
    else:
        raise _Malformed(_("unknown satzart %(value)r") % {"value": satzart})

    ags = _ags(
        {
            name: ("000" if kind == Kind.LANDKREIS and name == "gemeinde" else cell(name))
            for name, _digits in AGS_PARTS
        }
    )
    name = cell("gemeindename")
    if not name:
        raise _Malformed(_("the name is empty"))
    if len(name) > Municipality._meta.get_field("name").max_length:
        raise _Malformed(_("the name is too long"))
    if kind == Kind.LANDKREIS:
        # Districts have no postcode or coordinates; their population is summed up later.
        return {
            "ags": ags,
            "name": name,
            "kind": kind,
            "state": ags[:2],
            "postcode": "",
            "population": None,
            "latitude": None,
            "longitude": None,
        }
    return {
        "ags": ags,
        "name": name,
        "kind": kind,
        "state": ags[:2],
        "postcode": _postcode(cell("postleitzahl")),
        "population": _population(cell("bevoelkerung")),
        "latitude": _coordinate(cell("breitengrad"), 90, _("latitude")),
        "longitude": _coordinate(cell("laengengrad"), 180, _("longitude")),
    }


def _ags(parts: dict[str, str]) -> str:
    padded = []
    for name, digits in AGS_PARTS:
        part = parts[name]
        # A spreadsheet drops leading zeros ("1" for Schleswig-Holstein): put them back.
        if part.isascii() and part.isdigit() and len(part) < digits:
            part = part.zfill(digits)
        padded.append(part)
    ags = "".join(padded)
    try:
        validate_ags(ags)
    except ValidationError as error:
        raise _Malformed(
            _("invalid AGS %(ags)r: %(error)s") % {"ags": ags, "error": " ".join(error.messages)}
        ) from None
    if [len(part) for part in padded] != [digits for _name, digits in AGS_PARTS]:
        raise _Malformed(
            _("invalid AGS %(ags)r: land, rb, kreis and gemeinde must have 2, 1, 2 and 3 digits")
            % {"ags": ags}
        )
    return ags


def _population(value: str) -> int | None:
    """' 90 164', '90164' and '90.164' are 90164; an empty cell is unknown."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", value)
    if not digits:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+", digits):
        digits = digits.replace(".", "").replace(",", "")
    if not (digits.isascii() and digits.isdigit()):
        raise _Malformed(_("the population %(value)r is not a number") % {"value": value})
    return int(digits)


def _postcode(value: str) -> str:
    if value.isascii() and value.isdigit() and len(value) == 4:
        value = value.zfill(5)  # a spreadsheet made 01067 into 1067
    if value and not (len(value) == 5 and value.isascii() and value.isdigit()):
        raise _Malformed(_("the postcode %(value)r is not five digits") % {"value": value})
    return value


def _coordinate(value: str, limit: int, label: str) -> Decimal | None:
    """'9,43751' is Decimal('9.437510'); an empty cell is unknown."""
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".")).quantize(SIX_PLACES)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        raise _Malformed(
            _("the %(label)s %(value)r is not a coordinate") % {"label": label, "value": value}
        )
    return number


# Writing ------------------------------------------------------------------------------------


def _write(records: dict[str, dict], report: ImportReport) -> None:
    existing = {m.ags: m for m in Municipality.objects.order_by()}
    ags_by_pk = {municipality.pk: ags for ags, municipality in existing.items()}

    # What the table holds once the file is in: the file's kind wins over the database's.
    kinds = {ags: municipality.kind for ags, municipality in existing.items()}
    kinds.update({ags: record["kind"] for ags, record in records.items()})
    districts = {ags for ags, kind in kinds.items() if kind == Kind.LANDKREIS}

    def district_of(ags: str) -> str | None:
        candidate = ags[:5] + "000"
        return candidate if candidate != ags and candidate in districts else None

    # Municipalities in the file get their district from the AGS; the others keep theirs.
    district_ags = {}
    for ags, record in records.items():
        if record["kind"] != Kind.LANDKREIS:
            district_ags[ags] = district_of(ags)
    populations = defaultdict(int)
    members = Counter()
    for ags, kind in kinds.items():
        if kind == Kind.LANDKREIS:
            continue
        if ags in records:
            population, district = records[ags]["population"], district_ags[ags]
        else:
            population = existing[ags].population
            district = ags_by_pk.get(existing[ags].district_id)
        if district:
            members[district] += 1
            populations[district] += population or 0
    for ags, record in records.items():
        if record["kind"] == Kind.LANDKREIS:
            record["population"] = populations[ags] if members[ags] else None

    # Districts first, so that the municipalities can point to them.
    _save(
        [record for record in records.values() if record["kind"] == Kind.LANDKREIS],
        existing,
        report,
        district_pks={},
        district_ags={},
    )
    district_pks = dict(
        Municipality.objects.filter(ags__in=sorted(districts)).values_list("ags", "pk")
    )
    _save(
        [record for record in records.values() if record["kind"] != Kind.LANDKREIS],
        existing,
        report,
        district_pks=district_pks,
        district_ags=district_ags,
    )


def _save(records, existing, report, *, district_pks, district_ags) -> None:
    to_create = []
    # bulk_update costs time per row and field, so rows are updated in groups by the fields
    # that changed: a new register mostly changes populations only.
    to_update = defaultdict(list)
    for record in records:
        values = {name: value for name, value in record.items() if name != "ags"}
        district = district_ags.get(record["ags"])
        values["district_id"] = district_pks[district] if district else None
        municipality = existing.get(record["ags"])
        if municipality is None:
            to_create.append(Municipality(ags=record["ags"], **values))
            continue
        changed = tuple(name for name in FIELDS if getattr(municipality, name) != values[name])
        if changed:
            for name in changed:
                setattr(municipality, name, values[name])
            to_update[changed].append(municipality)
        else:
            report.unchanged += 1
    Municipality.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    report.created += len(to_create)
    for changed, municipalities in to_update.items():
        fields = [name.removesuffix("_id") for name in changed]
        Municipality.objects.bulk_update(municipalities, fields, batch_size=BATCH_SIZE)
        report.updated += len(municipalities)
