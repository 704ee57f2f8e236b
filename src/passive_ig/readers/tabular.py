"""CSV claim exports into claims: named column presets, or a mapping you pass.

Two layouts. *Long*: one row a service line, the rows of a claim together and
sharing its claim id (``claim-lines``, ``cms1500``, and any ``columns=`` mapping).
*Wide*: one row a claim, its lines in numbered columns (the CMS DE-SynPUF
carrier and outpatient files: ``HCPCS_CD_1`` ... ``HCPCS_CD_13``, dates as
``YYYYMMDD``, ICD-9-CM diagnoses, Medicare the payer).

Presets:

* ``claim-lines``: one column per field, named as the field (``claim_id``,
  ``payer``, ``code``, ``modifiers``, ``units``, ``date_of_service``, ...).
  Several values in a cell (modifiers, diagnoses, pointers) are separated by
  spaces, commas or semicolons.
* ``cms1500``: the CMS-1500 form's items: ``patient_account_no`` (26),
  ``insured_id`` (1a), ``payer_name``, ``icd_ind`` (21: 9 or 0), ``dx_a`` to
  ``dx_l`` (21 A-L), ``prior_auth`` (23), ``line`` , ``from_date`` and
  ``to_date`` (24A), ``pos`` (24B), ``cpt_hcpcs`` and ``modifier_1`` to
  ``modifier_4`` (24D), ``dx_pointer`` (24E, letters A-L), ``units`` (24G) and
  ``ndc`` (24's shaded area: ``N4`` and the NDC, a unit and a quantity, e.g.
  ``N400944270003ML10``).
* ``synpuf-carrier`` and ``synpuf-outpatient``: the CMS DE-SynPUF files.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ..claims import Claim, ClaimLine
from ..codes import parse_iso_date
from ..errors import InvalidInputError
from ._build import build_line
from ._result import CodeSet, NotClaimsError, ReadProblem, ReadResult
from ._source import Source, Text, looks_like, open_text

__all__ = ["PRESETS", "read_csv"]

_CLAIM_FIELDS = ("claim_id", "patient_id", "payer", "bill_type", "prior_authorization")
_LINE_FIELDS = (
    "line_id",
    "code",
    "modifiers",
    "units",
    "date_of_service",
    "service_end",
    "place_of_service",
    "diagnoses",
    "diagnosis_pointers",
    "ndc",
    "ndc_quantity",
    "ndc_unit",
    "revenue_code",
    "dose_mg",
    "discarded_mg",
)
FIELDS = _CLAIM_FIELDS + _LINE_FIELDS + ("claim_diagnoses", "code_set")
"""The names a column may map to: the claim's and the line's fields, plus
``claim_diagnoses`` (the claim's diagnoses, one or more columns) and ``code_set``
(``9``/``ICD-9-CM`` or ``0``/``ICD-10-CM``)."""
_MANY = frozenset({"modifiers", "diagnoses", "diagnosis_pointers", "claim_diagnoses"})


@attrs.frozen
class _Wide:
    """A one-row-a-claim layout (DE-SynPUF)."""

    claim_id: str
    patient_id: str
    start: str
    end: str
    claim_diagnoses: re.Pattern[str]
    code: re.Pattern[str]  # group 1 is the line number
    line_diagnosis: re.Pattern[str] | None
    known: re.Pattern[str]
    examples: tuple[str, ...]  # the column names, to suggest the nearest

    def __attrs_post_init__(self) -> None:
        assert all(self.known.match(name) for name in self.examples)

    payer: str = "Medicare"
    code_set: CodeSet = CodeSet.ICD9CM


_CARRIER_LINE_FAMILIES = (
    "PRF_PHYSN_NPI",
    "TAX_NUM",
    "HCPCS_CD",
    "LINE_NCH_PMT_AMT",
    "LINE_BENE_PTB_DDCTBL_AMT",
    "LINE_BENE_PRMRY_PYR_PD_AMT",
    "LINE_COINSRNC_AMT",
    "LINE_ALOWD_CHRG_AMT",
    "LINE_PRCSG_IND_CD",
    "LINE_ICD9_DGNS_CD",
)
_OUTPATIENT_SINGLES = (
    "DESYNPUF_ID",
    "CLM_ID",
    "SEGMENT",
    "CLM_FROM_DT",
    "CLM_THRU_DT",
    "PRVDR_NUM",
    "CLM_PMT_AMT",
    "NCH_PRMRY_PYR_CLM_PD_AMT",
    "AT_PHYSN_NPI",
    "OP_PHYSN_NPI",
    "OT_PHYSN_NPI",
    "NCH_BENE_BLOOD_DDCTBL_LBLTY_AM",
    "NCH_BENE_PTB_DDCTBL_AMT",
    "NCH_BENE_PTB_COINSRNC_AMT",
    "CLM_IP_ADMSN_DT",
    "ADMTNG_ICD9_DGNS_CD",
)


def _numbered(singles: tuple[str, ...], *families: tuple[str, int]) -> tuple[str, ...]:
    """The column names of a DE-SynPUF file: ``singles`` and ``FAMILY_1`` ... ``FAMILY_n``."""
    return singles + tuple(
        f"{family}_{n}" for family, count in families for n in range(1, count + 1)
    )


_CMS1500 = {
    "patient_account_no": "claim_id",
    "insured_id": "patient_id",
    "payer_name": "payer",
    "icd_ind": "code_set",
    "prior_auth": "prior_authorization",
    "line": "line_id",
    "from_date": "date_of_service",
    "to_date": "service_end",
    "pos": "place_of_service",
    "cpt_hcpcs": "code",
    "dx_pointer": "diagnosis_pointers",
    "units": "units",
    "ndc": "ndc",
    **{f"modifier_{n}": "modifiers" for n in range(1, 5)},
    **{f"dx_{letter}": "claim_diagnoses" for letter in "abcdefghijkl"},
}

PRESETS: dict[str, Mapping[str, str] | _Wide] = {
    "claim-lines": {name: name for name in FIELDS},
    "cms1500": _CMS1500,
    "synpuf-carrier": _Wide(
        claim_id="CLM_ID",
        patient_id="DESYNPUF_ID",
        start="CLM_FROM_DT",
        end="CLM_THRU_DT",
        claim_diagnoses=re.compile(r"^ICD9_DGNS_CD_([0-9]+)$"),
        code=re.compile(r"^HCPCS_CD_([0-9]+)$"),
        line_diagnosis=re.compile(r"^LINE_ICD9_DGNS_CD_([0-9]+)$"),
        known=re.compile(
            r"^(DESYNPUF_ID|CLM_ID|CLM_FROM_DT|CLM_THRU_DT|(ICD9_DGNS_CD|PRF_PHYSN_NPI|TAX_NUM|"
            r"HCPCS_CD|LINE_NCH_PMT_AMT|LINE_BENE_PTB_DDCTBL_AMT|LINE_BENE_PRMRY_PYR_PD_AMT|"
            r"LINE_COINSRNC_AMT|LINE_ALOWD_CHRG_AMT|LINE_PRCSG_IND_CD|LINE_ICD9_DGNS_CD)_[0-9]+)$"
        ),
        examples=_numbered(
            ("DESYNPUF_ID", "CLM_ID", "CLM_FROM_DT", "CLM_THRU_DT"),
            ("ICD9_DGNS_CD", 8),
            *((family, 13) for family in _CARRIER_LINE_FAMILIES),
        ),
    ),
    "synpuf-outpatient": _Wide(
        claim_id="CLM_ID",
        patient_id="DESYNPUF_ID",
        start="CLM_FROM_DT",
        end="CLM_THRU_DT",
        claim_diagnoses=re.compile(r"^ICD9_DGNS_CD_([0-9]+)$"),
        code=re.compile(r"^HCPCS_CD_([0-9]+)$"),
        line_diagnosis=None,
        known=re.compile(
            r"^(DESYNPUF_ID|CLM_ID|SEGMENT|CLM_FROM_DT|CLM_THRU_DT|PRVDR_NUM|CLM_PMT_AMT|"
            r"NCH_PRMRY_PYR_CLM_PD_AMT|AT_PHYSN_NPI|OP_PHYSN_NPI|OT_PHYSN_NPI|"
            r"NCH_BENE_BLOOD_DDCTBL_LBLTY_AM|NCH_BENE_PTB_DDCTBL_AMT|NCH_BENE_PTB_COINSRNC_AMT|"
            r"CLM_IP_ADMSN_DT|ADMTNG_ICD9_DGNS_CD|((ICD9_DGNS_CD|ICD9_PRCDR_CD|HCPCS_CD)_[0-9]+))$"
        ),
        examples=_numbered(
            _OUTPATIENT_SINGLES,
            ("ICD9_DGNS_CD", 10),
            ("ICD9_PRCDR_CD", 6),
            ("HCPCS_CD", 45),
        ),
    ),
}
"""The named column layouts ``read_csv(preset=...)`` knows."""

_SPLIT = re.compile(r"[\s,;]+")
_LETTERS = re.compile(r"^[A-La-l]{1,12}$")
_SHADED_NDC = re.compile(r"^N4\s*([0-9-]{10,13})\s*(UN|ML|GR|F2|ME)\s*([0-9.]+)$", re.I)


def _nearest(name: str, known: list[str] | tuple[str, ...], *, cutoff: float = 0.4) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=cutoff)
    return f"; did you mean {close[0]!r}?" if close else ""


def _day(text: str) -> dt.date | None:
    text = text.strip()
    if len(text) == 8 and text.isdigit():
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            return None
    if re.match(r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$", text):
        try:
            return dt.date(int(text[6:]), int(text[:2]), int(text[3:5]))
        except ValueError:
            return None
    return parse_iso_date(text)


class _Rows:
    """Turns cell text into field values, recording each cell that does not fit."""

    def __init__(self, claim_id: str | None, row: int) -> None:
        self.claim_id = claim_id
        self.row = row
        self.problems: list[ReadProblem] = []

    def problem(self, column: str, found: str, expected: str) -> None:
        where = f"row {self.row}, column {column}"
        self.problems.append(
            ReadProblem(claim_id=self.claim_id, where=where, found=found, expected=expected)
        )

    def value(self, field: str, column: str, text: str) -> Any:
        if field in ("date_of_service", "service_end"):
            day = _day(text)
            if day is None:
                self.problem(column, repr(text), "a date as YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY")
            return day
        if field in ("units", "ndc_quantity", "dose_mg", "discarded_mg"):
            try:
                number = decimal.Decimal(text.strip())
            except decimal.InvalidOperation:
                self.problem(column, repr(text), "a number, e.g. 1 or 1.5")
                return None
            return float(number) if field in ("dose_mg", "discarded_mg") else number
        if field == "diagnosis_pointers":
            pointers = []
            for part in _SPLIT.split(text.strip()):
                if part.isdigit():
                    pointers.append(int(part))
                elif _LETTERS.match(part):  # CMS-1500 24E: letters A-L, e.g. "AB"
                    pointers.extend(ord(letter) - ord("A") + 1 for letter in part.upper())
                else:
                    self.problem(column, repr(part), "a diagnosis pointer: 1 to 12 or A to L")
            return tuple(pointers)
        if field in _MANY:
            return tuple(part for part in _SPLIT.split(text.strip()) if part)
        return text.strip()


def _line(fields: dict[str, Any], rows: _Rows, columns: Mapping[str, str]) -> ClaimLine | None:
    if fields.get("service_end") is not None and fields.get("service_end") == fields.get(
        "date_of_service"
    ):
        del fields["service_end"]  # a period of one day is that day
    shaded = fields.get("ndc")
    if isinstance(shaded, str) and shaded[:2].upper() == "N4":
        match = _SHADED_NDC.match(shaded)
        if match:
            fields["ndc"], fields["ndc_unit"] = match.group(1), match.group(2).upper()
            fields["ndc_quantity"] = decimal.Decimal(match.group(3))

    def refused(field: str, exc: InvalidInputError) -> None:
        rows.problem(columns.get(field, field), repr(exc.value), f"{exc.what}: {exc.expected}")

    return build_line(fields, refused)


def _claim(
    state: dict[str, Any],
    lines: list[ClaimLine],
    rows: _Rows,
    source: str,
    position: str,
    payer: str | None,
) -> ReadResult:
    claim_id = state.get("claim_id")
    code_set = state.get("code_set")
    claim = None
    chosen = state.get("payer") or payer
    if not lines:
        rows.problems.append(
            ReadProblem(
                claim_id=claim_id,
                where=position,
                found="no line with a code",
                expected="one row or column with a procedure code or more",
            )
        )
    elif not chosen:
        rows.problems.append(
            ReadProblem(
                claim_id=claim_id,
                where=position,
                found="no payer",
                expected="a payer column, or read_csv(..., payer='Medicare')",
            )
        )
    else:
        try:
            claim = Claim(
                payer=chosen,
                lines=lines,
                diagnoses=tuple(state.get("claim_diagnoses", ())),
                claim_id=claim_id,
                patient_id=state.get("patient_id"),
                bill_type=state.get("bill_type"),
                prior_authorization=state.get("prior_authorization"),
            )
        except InvalidInputError as exc:
            rows.problems.append(
                ReadProblem(
                    claim_id=claim_id,
                    where=position,
                    found=repr(exc.value),
                    expected=f"{exc.what}: {exc.expected}",
                )
            )
    return ReadResult(
        claim=claim,
        claim_id=claim_id,
        source=source,
        position=position,
        problems=tuple(rows.problems),
        diagnosis_code_set=code_set,
    )


def _code_set(text: str) -> CodeSet | None:
    value = text.strip().upper()
    if value in ("9", "ICD-9-CM", "ICD9"):
        return CodeSet.ICD9CM
    if value in ("0", "ICD-10-CM", "ICD10"):
        return CodeSet.ICD10CM
    return None


def _long(
    reader: Iterator[list[str]],
    header: list[str],
    mapping: Mapping[str, str],
    source: str,
    payer: str | None,
) -> Iterator[ReadResult]:
    indexes = [
        (index, column, mapping[column]) for index, column in enumerate(header) if column in mapping
    ]
    by_field = {field: column for _, column, field in indexes}
    seen: set[str] = set()
    current: str | None = None
    state: dict[str, Any] = {}
    lines: list[ClaimLine] = []
    rows: _Rows | None = None
    position = ""
    first_row = 0
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {
            field: row[index] if index < len(row) else ""
            for index, _, field in indexes
            if field not in _MANY
        }
        claim_id = cells.get("claim_id", "").strip() or None
        if rows is None or claim_id is None or claim_id != current:
            if rows is not None:
                yield _claim(state, lines, rows, source, position, payer)
            current, state, lines, position = claim_id, {}, [], f"row {number}"
            first_row = number
            rows = _Rows(claim_id, number)
            if claim_id is not None:
                if claim_id in seen:
                    rows.problem(
                        by_field["claim_id"],
                        repr(claim_id),
                        "the rows of a claim together: this claim id came before, with other claims between",
                    )
                seen.add(claim_id)
        rows.row = number
        fields: dict[str, Any] = {}
        for index, column, field in indexes:
            text = row[index] if index < len(row) else ""
            if not text.strip():
                continue
            if field == "code_set":
                code_set = _code_set(text)
                if code_set is None:
                    rows.problem(column, repr(text), "9 (ICD-9-CM) or 0 (ICD-10-CM)")
                state["code_set"] = code_set
                continue
            value = rows.value(field, column, text)
            if value is None:
                continue
            if field in _CLAIM_FIELDS:
                state.setdefault(field, value)
            elif field == "claim_diagnoses":
                if number == first_row:  # the claim's diagnoses, from its first row
                    state.setdefault("claim_diagnoses", []).extend(value)
            elif field in _MANY:
                fields[field] = fields.get(field, ()) + value
            else:
                fields[field] = value
        if "code" not in fields:
            rows.problem(
                by_field.get("code", "code"), "an empty cell", "a procedure code on every line"
            )
            continue
        line = _line(fields, rows, by_field)
        if line is not None:
            lines.append(line)
    if rows is not None:
        yield _claim(state, lines, rows, source, position, payer)


def _wide(
    reader: Iterator[list[str]], header: list[str], layout: _Wide, source: str, payer: str | None
) -> Iterator[ReadResult]:
    index = {column: number for number, column in enumerate(header)}
    codes = sorted(
        (int(m.group(1)), column) for column in header if (m := layout.code.match(column))
    )
    dx = sorted(
        (int(m.group(1)), column)
        for column in header
        if (m := layout.claim_diagnoses.match(column))
    )
    line_dx = {
        int(m.group(1)): column
        for column in header
        if layout.line_diagnosis and (m := layout.line_diagnosis.match(column))
    }
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(column: str, row: list[str] = row) -> str:
            at = index[column]
            return row[at].strip() if at < len(row) else ""

        claim_id = cell(layout.claim_id) or None
        rows = _Rows(claim_id, number)
        start = rows.value("date_of_service", layout.start, cell(layout.start))
        end_text = cell(layout.end)
        end = rows.value("service_end", layout.end, end_text) if end_text else None
        state: dict[str, Any] = {
            "claim_id": claim_id,
            "patient_id": cell(layout.patient_id) or None,
            "payer": payer or layout.payer,
            "claim_diagnoses": [cell(column) for _, column in dx if cell(column)],
            "code_set": layout.code_set,
        }
        lines = []
        for line_number, column in codes:
            code = cell(column)
            if not code:
                continue
            fields: dict[str, Any] = {
                "line_id": str(line_number),
                "code": code,
                "date_of_service": start,
            }
            if end is not None and start is not None and end != start:
                fields["service_end"] = end
            if line_number in line_dx and cell(line_dx[line_number]):
                fields["diagnoses"] = (cell(line_dx[line_number]),)
            line = _line(fields, rows, {"code": column, "service_end": layout.end})
            if line is not None:
                lines.append(line)
        yield _claim(state, lines, rows, source, f"row {number}", None)


def read_csv(
    source: Source,
    *,
    preset: str | None = None,
    columns: Mapping[str, str] | None = None,
    payer: str | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8-sig",
) -> Iterator[ReadResult]:
    """Read the claims of a CSV file, one :class:`ReadResult` per claim, row by row.

    Give a ``preset`` (see :data:`PRESETS`), or ``columns``, a mapping from the
    file's column names to field names (:data:`FIELDS`); with neither, the preset
    is guessed from the header. ``payer`` is used for claims whose row names none
    (the DE-SynPUF presets use Medicare). ``delimiter`` is guessed (comma, tab,
    semicolon or bar) when not given. ``encoding`` decodes a path or bytes (UTF-8 by
    default; an export from a spreadsheet may need ``"cp1252"``).

    A column the layout does not know, or a required one that is missing, is an
    :class:`~passive_ig.errors.InvalidInputError` at once, naming the column and
    the nearest known name; a cell that does not fit is a problem of its claim.
    """
    return read_text(
        open_text(source, encoding),
        preset=preset,
        columns=columns,
        payer=payer,
        delimiter=delimiter,
    )


def read_text(
    text: Text,
    *,
    preset: str | None = None,
    columns: Mapping[str, str] | None = None,
    payer: str | None = None,
    delimiter: str | None = None,
) -> Iterator[ReadResult]:
    """:func:`read_csv` on an opened source."""
    first = text.head.splitlines()[0] if text.head else ""
    if delimiter is None:
        counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
        delimiter = max(counts, key=lambda d: counts[d])
        if not counts[delimiter]:
            delimiter = ","
    reader = csv.reader(text.lines(), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    if not header or not any(header):
        raise NotClaimsError(text.name, f"CSV with a header row; {looks_like(text.head)}")
    if columns is not None and preset is not None:
        raise InvalidInputError(preset, "either preset or columns, not both", what="CSV layout")
    if columns is not None:
        for column, field in columns.items():
            if field not in FIELDS:
                raise InvalidInputError(
                    field,
                    f"a field name{_nearest(field, FIELDS)}",
                    what=f"field for column {column!r}",
                )
            if column not in header:
                raise InvalidInputError(
                    column,
                    f"a column of the file's header{_nearest(column, header)}",
                    what="column",
                )
        layout: Mapping[str, str] | _Wide = columns
    else:
        name = preset or guess_preset(header)
        if name not in PRESETS:
            raise InvalidInputError(
                name,
                f"one of {', '.join(map(repr, PRESETS))}{_nearest(name, tuple(PRESETS))}",
                what="CSV preset",
            )
        layout = PRESETS[name]
        known = list(layout) if not isinstance(layout, _Wide) else list(layout.examples)
        for column in header:
            unknown = (
                column not in layout
                if not isinstance(layout, _Wide)
                else not layout.known.match(column)
            )
            if unknown:
                raise InvalidInputError(
                    column, f"a column of the {name} layout{_nearest(column, known)}", what="column"
                )
        required = (
            ["code"]
            if not isinstance(layout, _Wide)
            else [layout.claim_id, layout.start, "HCPCS_CD_1"]
        )
        present = [layout[c] for c in header] if not isinstance(layout, _Wide) else header
        for needed in required:
            if needed not in present:
                name_of = (
                    needed
                    if isinstance(layout, _Wide)
                    else next(c for c, f in layout.items() if f == needed)
                )
                raise InvalidInputError(
                    header,
                    f"a header with the column {name_of!r}, which the {name} layout needs"
                    + _nearest(name_of, header, cutoff=0.6),
                    what="CSV header",
                )
    if isinstance(layout, _Wide):
        return _wide(reader, header, layout, text.name, payer)
    if "code" not in layout.values():
        raise InvalidInputError(
            dict(layout), "a mapping with a column for 'code'", what="column mapping"
        )
    return _long(reader, header, layout, text.name, payer)


def guess_preset(header: list[str]) -> str:
    """The preset whose columns the header has: DE-SynPUF by ``HCPCS_CD_1`` and its
    diagnosis columns, CMS-1500 by ``cpt_hcpcs``, else ``claim-lines``."""
    names = set(header)
    if {"CLM_ID", "HCPCS_CD_1"} <= names:
        return (
            "synpuf-carrier" if any(n.startswith("LINE_") for n in names) else "synpuf-outpatient"
        )
    if "cpt_hcpcs" in names:
        return "cms1500"
    return "claim-lines"
