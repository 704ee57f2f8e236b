"""Check a DataFrame of claim lines (pandas or polars) into a DataFrame of findings.

Install the library you use: ``pip install 'passive-ig[pandas]'`` or
``pip install 'passive-ig[polars]'``. Neither is imported until a frame of its
kind is checked. ::

    import pandas as pd
    from passive_ig.frames import check_frame

    lines = pd.read_csv("lines.csv", dtype={"place_of_service": str})
    findings = check_frame(lines, payer="Medicare")
    errors = findings[findings["severity"] == "error"]

The input frame has one claim line per row; the columns are those of
:class:`~passive_ig.claims.ClaimLine`:

=============================  ==========================================================
column                         values (a missing value is null, ``None``, ``NaN`` or ``NaT``)
=============================  ==========================================================
``code`` (required)            text, e.g. ``"J1459"`` or ``"cpt 90283"``
``modifiers``                  a list of text, or one text with the modifiers separated by
                               commas (``"JW, 25"``), as a CSV file holds them
``units``                      a number (``70.0`` from a float column is 70; a fraction
                               such as ``2.5`` is checked: ``units.fraction``)
``place_of_service``           text, e.g. ``"11"`` (a number such as ``11`` or ``4``
                               becomes ``"11"`` or ``"04"``)
``date_of_service``            a date, a datetime or timestamp (its date), or
                               ``"YYYY-MM-DD"`` text
``diagnoses``                  like ``modifiers``: ``["D80.0"]`` or ``"D80.0, G61.81"``
``dose_mg``, ``discarded_mg``  a number of milligrams
``evaluation_and_management``  true or false (missing: false)
``payer``                      a payer name or alias for that row; rows without one use
                               the ``payer`` argument
=============================  ==========================================================

Only ``code`` is required; other columns the frame does not have are missing on
every row, and columns not listed are ignored. Problems *in* the claim (a
malformed code, a missing JW) are findings, as with
:meth:`~passive_ig.Registry.check`. One bad row never stops the frame: a row
whose value cannot be one of these (a date that is not a date, units that are
text), or that has no payer, or a payer the data does not know, gets one row in
the result with severity ``error``, no ``rule``, and a ``message`` naming the row
by the frame's own index label and the column; the other rows are checked as
usual. Only misuse raises :class:`~passive_ig.errors.InvalidInputError`: no
``code`` column, not a DataFrame, an unknown ``payer`` argument
(:class:`~passive_ig.errors.UnknownPayerError`) or rule.

The result is a frame of the same library with one row per finding, in line
order and, within a line, in the order of :meth:`~passive_ig.Registry.check`:

===============  ======================================================================
column           value
===============  ======================================================================
``line``         the row's position in the input frame, from 0 (not its index label)
``payer``        the payer's id, e.g. ``"medicare"``
``rule``         the stable rule id, e.g. ``"modifier.jw-jz-required"``
``severity``     ``"error"``, ``"warning"`` or ``"info"``
``message``      what is wrong, in words
``path``         the field of the line, e.g. ``"modifiers[0]"``
``suggestion``   the fix, or null
``sources``      the ids of the sources the finding rests on (a list of text);
                 ``registry.sources[id]`` gives each one's title and URL
===============  ======================================================================

A line with no finding has no row; a frame with no finding has the columns and no
rows. A pandas result is indexed by the input frame's own index labels (each
finding by its row's), so ``findings.loc[label]`` are that row's findings and the
result joins back to the input; a polars frame has no index, and ``line`` is
the row's position. The lines go through :meth:`~passive_ig.Registry.check_many`, so repeated
lines are checked once.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import importlib.util
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .answers import Report, Severity
from .claims import ClaimLine
from .codes import parse_iso_date
from .errors import InvalidInputError, PassiveIGError, UnknownPayerError

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["FINDING_COLUMNS", "LINE_COLUMNS", "check_frame"]

LINE_COLUMNS = (
    "code",
    "modifiers",
    "units",
    "place_of_service",
    "date_of_service",
    "diagnoses",
    "dose_mg",
    "discarded_mg",
    "evaluation_and_management",
    "payer",
)
"""The columns :func:`check_frame` reads; only ``code`` is required."""

FINDING_COLUMNS = ("line", "payer", "rule", "severity", "message", "path", "suggestion", "sources")
"""The columns of the frame :func:`check_frame` returns, in order."""

_SEPARATORS = re.compile(r"[,;\s]+")


def check_frame(
    frame: Any,
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
) -> Any:
    """Check every row of a pandas or polars DataFrame of claim lines; return the findings.

    ``payer`` is the payer of rows with no ``payer`` column value; ``as_of``,
    ``select``, ``ignore``, ``min_severity``, ``notes`` and ``registry`` (default: the
    bundled data) are as for :meth:`~passive_ig.Registry.check`.
    The result is a DataFrame of the same library; see the module documentation for
    the columns of both.
    """
    kind = _library(frame)
    columns = [str(name) for name in frame.columns]
    if "code" not in columns:
        raise InvalidInputError(
            columns, "a frame with a 'code' column (and any of the others)", what="claim lines"
        )
    if registry is None:
        from .registry import registry as default

        registry = default
    if payer is not None:
        registry.payers[payer]  # an unknown payer argument is misuse: it raises at once
    values = {name: _column(frame, name, kind) for name in LINE_COLUMNS if name in columns}
    count = len(values["code"])
    labels = _labels(frame, kind, count)
    quiet = _quiet_rows(
        frame, kind, count, payer, as_of, registry, select, ignore, min_severity, notes
    )
    reports: list[Report | None] = [None] * count
    unchecked: dict[int, str] = {}  # row -> why it could not be checked
    lines: list[ClaimLine | None] = [None] * count
    payers = values.get("payer")
    by_payer: dict[str, list[int]] = {}
    for row in range(count):
        label = _shown(labels[row])
        try:
            line: ClaimLine | None = _line(values, row, label)
            row_payer = payers[row] if payers is not None and not _missing(payers[row]) else payer
            if row_payer is None:
                raise InvalidInputError(
                    None,
                    f"a payer: the payer argument, or a 'payer' value on row {label}",
                    what="payer",
                )
            if not isinstance(row_payer, str):
                raise _bad(label, "payer", row_payer, "a payer name or alias as text")
        except InvalidInputError as exc:
            unchecked[row] = str(exc)
            continue
        lines[row] = line
        by_payer.setdefault(row_payer, []).append(row)
    for row_payer, rows in by_payer.items():
        try:
            if quiet:  # rows the compiled rules find nothing on need no report of their own
                empty = Report(
                    payer=registry.payers[row_payer].id,
                    findings=(),
                    data_version=registry.manifest.data_version,
                    as_of=as_of,
                )
                for row in rows:
                    if row in quiet:
                        reports[row] = empty
                rows = [row for row in rows if row not in quiet]
            checked = registry.check_many(
                [line for row in rows if (line := lines[row]) is not None],
                payer=row_payer,
                as_of=as_of,
                select=select,
                ignore=ignore,
                min_severity=min_severity,
                notes=notes,
            )
        except UnknownPayerError as exc:  # a row's own payer: those rows' error, not the frame's
            for row in rows:
                unchecked[row] = f"the payer on row {_shown(labels[row])}: {exc}"
            continue
        for row, report in zip(rows, checked, strict=True):
            if isinstance(report, Report):
                reports[row] = report
            else:  # pragma: no cover - every line here has a payer
                unchecked[row] = f"row {_shown(labels[row])}: {report.reason}"
    found = _findings_frame(kind, reports)
    return _aligned(kind, found, unchecked, labels)


def _labels(frame: Any, kind: str, count: int) -> list[Any]:
    """The frame's own label of each row: its index for pandas, its position for polars."""
    if kind == "pandas":
        return list(frame.index.tolist())  # Python values, not numpy's
    return list(range(count))


def _shown(label: object) -> str:
    """A row's label as an error names it: ``1``, or ``'b'`` for a text label."""
    return repr(label) if isinstance(label, str) else str(label)


def _aligned(kind: str, found: Any, unchecked: dict[int, str], labels: list[Any]) -> Any:
    """The findings with a row for each input row that could not be checked (severity
    error, no rule, the reason in ``message``), in row order; a pandas result is indexed
    by the input frame's own labels, so ``findings.loc[label]`` are that row's."""
    if unchecked:
        rows = sorted(unchecked)
        errors: dict[str, list[Any]] = {
            "line": rows,
            "payer": [None] * len(rows),
            "rule": [None] * len(rows),
            "severity": ["error"] * len(rows),
            "message": [unchecked[row] for row in rows],
            "path": [None] * len(rows),
            "suggestion": [None] * len(rows),
        }
        if kind == "pandas":
            pd = importlib.import_module("pandas")
            extra = _pandas_frame({**errors, "sources": [[] for _ in rows]})
            found = pd.concat([found, extra], ignore_index=True)
            found = found.sort_values("line", kind="stable", ignore_index=True)
        else:
            pl = importlib.import_module("polars")
            found = pl.concat([found, _polars_frame(errors, [[]], [0] * len(rows))]).sort(
                "line", maintain_order=True
            )
    if kind == "pandas":
        found.index = [labels[row] for row in found["line"]]
    return found


COMPILED_FROM = 50_000
"""From this many rows, :func:`check_frame` on a polars frame first runs the compiled rules
(:mod:`passive_ig.compiled`, when narwhals is installed) and sends to the Python checker
only the rows they find something on; the result is the same."""


def _quiet_rows(
    frame: Any,
    kind: str,
    count: int,
    payer: str | None,
    as_of: dt.date | None,
    registry: Registry,
    select: Iterable[str] | str | None,
    ignore: Iterable[str] | str | None,
    min_severity: Severity | str | None,
    notes: bool,
) -> set[int]:
    """The rows on which the compiled rules find nothing (none for a small frame)."""
    if kind != "polars" or count < COMPILED_FROM or importlib.util.find_spec("narwhals") is None:
        return set()
    from .compiled.polars import check_polars

    try:
        found = check_polars(
            frame.select([name for name in LINE_COLUMNS if name in frame.columns]),
            payer=payer,
            as_of=as_of,
            registry=registry,
            select=select,
            ignore=ignore,
            min_severity=min_severity,
            notes=notes,
        )
    except PassiveIGError:  # a row the compiled path refuses: every row goes the slow way,
        return set()  # which names the bad rows one by one
    rows: list[int] = found.get_column("row").unique().to_list()  # type: ignore[union-attr]
    return set(range(count)) - set(rows)


# ------------------------------------------------------------------ reading a frame


def _library(frame: object) -> str:
    module = type(frame).__module__.split(".", 1)[0]
    if module in ("pandas", "polars") and hasattr(frame, "columns"):
        return module
    raise InvalidInputError(frame, "a pandas or polars DataFrame", what="frame of claim lines")


def _column(frame: Any, name: str, kind: str) -> list[Any]:
    series = frame[name]
    return list(series.tolist() if kind == "pandas" else series.to_list())


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")  # pandas' NA and NaT


def _bad(row: object, column: str, value: object, expected: str) -> InvalidInputError:
    """The error of a value, naming the row by the frame's own label (its index)."""
    return InvalidInputError(value, expected, what=f"{column} on row {row}")


def _get(values: dict[str, list[Any]], name: str, row: int) -> Any:
    column = values.get(name)
    if column is None:
        return None
    value = column[row]
    return None if _missing(value) else value


def _line(values: dict[str, list[Any]], row: int, label: object) -> ClaimLine:
    def get(name: str) -> Any:
        return _get(values, name, row)

    code = get("code")
    if not isinstance(code, str):
        raise _bad(label, "code", code, "a billing code as text, e.g. 'J1459'")
    try:
        return ClaimLine(
            code=code,
            modifiers=_texts(get("modifiers"), label, "modifiers"),
            units=_units(get("units"), label),
            place_of_service=_place(get("place_of_service"), label),
            date_of_service=_date(get("date_of_service"), label),
            diagnoses=_texts(get("diagnoses"), label, "diagnoses"),
            dose_mg=_amount(get("dose_mg"), label, "dose_mg"),
            discarded_mg=_amount(get("discarded_mg"), label, "discarded_mg"),
            evaluation_and_management=_flag(get("evaluation_and_management"), label),
        )
    except InvalidInputError as exc:
        if " on row " in exc.what:
            raise
        raise InvalidInputError(
            exc.value, exc.expected, what=f"{exc.what} on row {label}"
        ) from None


def _texts(value: Any, row: object, column: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part for part in _SEPARATORS.split(value) if part)
    if hasattr(value, "tolist"):  # a numpy array, as pandas holds lists read from Parquet
        value = value.tolist()
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _bad(row, column, value, "a list of text, or text separated by commas")


def _units(value: Any, row: object) -> int | float | decimal.Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        raise _bad(row, "units", value, "a number of units")
    return value  # a fraction is the check's to judge (units.fraction)


def _place(value: Any, row: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99:
        return f"{value:02d}"
    if isinstance(value, float) and value.is_integer() and 0 <= value <= 99:
        return f"{int(value):02d}"
    raise _bad(row, "place_of_service", value, "a place-of-service code as text, e.g. '11'")


def _date(value: Any, row: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # pandas' Timestamp is one
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        day = parse_iso_date(value.strip())
        if day is not None:
            return day
    raise _bad(row, "date_of_service", value, "a date, or text as 'YYYY-MM-DD'")


def _amount(value: Any, row: object, column: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise _bad(row, column, value, "a number of milligrams")


def _flag(value: Any, row: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _bad(row, "evaluation_and_management", value, "true or false")


# ------------------------------------------------------------------ the findings frame


def _findings_frame(kind: str, reports: Sequence[Report | None]) -> Any:
    # The columns are built once, each in one pass. The sources column is the dear one
    # (a list per finding): each distinct tuple of sources is turned into its ids once,
    # and polars gathers the rows from those few lists by index.
    lines: list[int] = []
    payers: list[str] = []
    rules: list[str] = []
    severities: list[str] = []
    messages: list[str] = []
    paths: list[str] = []
    suggestions: list[str | None] = []
    source_index: list[int] = []
    distinct: dict[tuple[object, ...], int] = {}
    for row, report in enumerate(reports):
        if report is None:  # pragma: no cover - every row has a report
            continue
        payer = report.payer
        for finding in report.findings:
            lines.append(row)
            payers.append(payer)
            rules.append(finding.rule)
            severities.append(finding.severity.value)
            messages.append(finding.message)
            paths.append(finding.path)
            suggestions.append(finding.suggestion)
            index = distinct.get(finding.sources)
            if index is None:
                index = distinct[finding.sources] = len(distinct)
            source_index.append(index)
    ids = [[source.id for source in sources] for sources in distinct]  # type: ignore[attr-defined]
    columns: dict[str, Any] = {
        "line": lines,
        "payer": payers,
        "rule": rules,
        "severity": severities,
        "message": messages,
        "path": paths,
        "suggestion": suggestions,
    }
    if kind == "pandas":
        columns["sources"] = [list(ids[index]) for index in source_index]
        return _pandas_frame(columns)
    return _polars_frame(columns, ids, source_index)


def _pandas_frame(columns: dict[str, list[Any]]) -> Any:
    pd = importlib.import_module("pandas")  # untyped, and optional: not a static import

    data: dict[str, Any] = {
        name: pd.Series(values, dtype="int64" if name == "line" else "object")
        for name, values in columns.items()
    }
    return pd.DataFrame(data, columns=list(FINDING_COLUMNS))


def _polars_frame(
    columns: dict[str, list[Any]], ids: list[list[str]], source_index: list[int]
) -> Any:
    pl = importlib.import_module("polars")  # optional: not a static import

    schema: dict[str, Any] = dict.fromkeys(FINDING_COLUMNS, pl.String)
    schema["line"] = pl.Int64
    data = {name: pl.Series(name, values, dtype=schema[name]) for name, values in columns.items()}
    distinct = pl.Series("sources", ids, dtype=pl.List(pl.String))
    data["sources"] = distinct.gather(pl.Series(source_index, dtype=pl.UInt32))
    return pl.DataFrame([data[name] for name in FINDING_COLUMNS])
