"""The rules compiled to dataframe and SQL engines: bulk checks at the speed of the data.

The Python checker (:meth:`~passive_ig.Registry.check_many`) takes one line at a time.
Here the same rules run as column expressions over a whole table of claim lines, on
DuckDB (embedded: a Parquet or CSV file in, a findings table out, no server; a pandas
DataFrame in, a pandas DataFrame out), polars (eager or lazy) or Spark (a PySpark
DataFrame in, a DataFrame of findings out), through
`narwhals <https://narwhals-dev.github.io/narwhals/>`_. Install the engine you use:
``pip install 'passive-ig[duckdb]'``, ``'passive-ig[polars]'`` or ``'passive-ig[spark]'``
(with the PySpark of your cluster). ::

    from passive_ig.compiled import check_table
    findings = check_table("claims.parquet", payer="Medicare")   # a DuckDB relation

**How.** Millions of distinct lines share a few thousand *signatures* (payer, code,
modifiers, place of service, E/M flag, which of the data's date intervals the day falls
in, which amounts are given). The line rules run once per signature, as expressions
over lookup tables of the bundled data (code sets, billing units, single-dose flags,
effective dates, payer scopes, modifier conflicts, diagnosis lists, payer policies);
each rule's gate (its payers, its dates, the codes its ``codes`` predicate accepts,
what the line must give) is generated from its declaration. Each distinct code,
modifier, place and diagnosis text is cleaned once, by the library's own validators.
The answers are joined back to the lines; what a signature cannot settle (units
against the amount, the diagnoses, anything that reads the claim) is finished on the
lines, with one group-by over the claims for what is claim-wide (a claim keyed by its
first row, an integer).

**The same findings.** A test (``tests/compiled``) generates claim tables with
hypothesis (every payer, days on both sides of every dated rule and record, broken
codes, modifiers, places and diagnoses, fractional units, ICD-9-CM codes, multi-line
claims, claims whose rows are apart) and requires the compiled findings to equal the
Python checker's, row for row, on every engine. A rule with no compiled form
(:func:`fallback_rules`; none today) runs through the Python checker, so every rule is
covered.

**The table of lines.** One claim line per row, with the columns of
:data:`passive_ig.frames.LINE_COLUMNS` (only ``code`` is required) and, optionally,
``claim_id`` (the rows of one claim, in table order, are checked as one
:class:`~passive_ig.claims.Claim`; a row without one is a line alone),
``prior_authorization`` (a claim has an authorization when any of its rows gives a
non-blank one) and ``line_id`` (carried to the findings). ``modifiers`` and
``diagnoses`` are lists of text, or text separated by commas. The rows of one claim
have one payer.

**The findings table** has one row per finding, in the order of the lines, with the
columns of :data:`FINDING_COLUMNS`: ``row`` (the line's position in the table, from
0; for several Parquet files read at once, the files' lines one after the other, in
the order of their names), ``claim_id``, ``line`` (its index in its claim; null for a line alone),
``line_id``, ``payer`` (the payer's id), ``rule``, ``severity``, ``message``,
``path`` (as :class:`~passive_ig.answers.Finding` has it: ``lines[1].modifiers[0]``),
``suggestion`` and ``sources`` (a list of source ids). The message is the rule's
title and the suggestion is null. The sources are those the rule rests on
(:func:`passive_ig.rules.describe`) and, for a finding that enforces a record (the
line's code, its billing unit, the payer's policy or prior-authorization entry for
it, a modifier, a site-of-care rule of the policy), that record's, as the Python
checker cites them (a test holds them equal for every rule).

A line whose payer passive_ig does not know, or that has none (no ``payer`` value and
no ``payer`` argument), is not checked: it gets one row of its own, severity
``error``, no rule, ``path`` ``payer`` and the reason in ``message``, as
:func:`~passive_ig.frames.check_frame` gives, and the rest of the table is checked
(an unknown ``payer`` argument is misuse, and raises at once).

**Speed.** On a 2-core machine, 2,000,000 distinct lines: about 2 million lines/s on
polars, about 0.78 million on DuckDB with the Parquet file read and the findings
written, against about 60,000 for :meth:`~passive_ig.Registry.check_many` (see the
README's performance section, measured by ``benchmarks/run.py``). A DuckDB check costs
about 0.45 s whatever its size: check a large file once rather than many small ones.

**Bad columns.** A column of a type the rules cannot read (text in
``evaluation_and_management``, numbers in ``diagnoses`` or ``date_of_service``, true or
false in ``units``) is refused before any rule runs, with an
:class:`~passive_ig.errors.InvalidInputError` that names the column, its type and what
it should hold; such a column with no value at all (a pandas column of NaN only) is a
column not given. Numbers given as text (``units``, ``dose_mg``, ``discarded_mg``, as a
CSV file may give them) are read when they are plain decimal numbers (``70``,
``35000.0``, ``1e3``), blank text is no number given, and any other text (``seventy``,
``nan``, ``1,000``) is refused, with its first value, its row and how many more rows
there are. Values the Python checker
refuses when a :class:`~passive_ig.claims.ClaimLine` is built (a negative dose, a date
that is not a date, a null item in a list) are not refused here: a date that does not
read as ``YYYY-MM-DD`` is a missing date, and a null modifier or diagnosis is skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..answers import Severity
from ..errors import InvalidInputError
from ._plan import COMPILED_RULES, OUTPUT_COLUMNS, plan_for

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["COMPILED_RULES", "FINDING_COLUMNS", "check_table", "fallback_rules"]

FINDING_COLUMNS: tuple[str, ...] = OUTPUT_COLUMNS
"""The columns of the findings table, in order."""


def fallback_rules(
    registry: Registry | None = None,
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
) -> tuple[str, ...]:
    """The rules of a selection that run through the Python checker, not compiled.

    >>> fallback_rules()
    ()
    """
    if registry is None:
        from ..registry import registry as default

        registry = default
    plan = plan_for(registry, select=select, ignore=ignore, min_severity=min_severity, notes=notes)
    return plan.fallback


def check_table(
    table: Any,
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
    connection: Any = None,
) -> Any:
    """Check a table of claim lines with the compiled rules; return its findings table.

    ``table`` is a polars DataFrame (a DataFrame comes back) or LazyFrame (a LazyFrame
    comes back), a DuckDB relation, or the path of a Parquet or CSV file (a DuckDB
    relation comes back, on ``connection``, by default DuckDB's default connection), a
    pandas DataFrame (checked on DuckDB: a pandas DataFrame comes back; see
    :func:`passive_ig.compiled.duckdb.check_pandas`), or a PySpark
    DataFrame (``pyspark.sql.DataFrame``, or sqlframe's: a DataFrame of the same session
    comes back; see :func:`passive_ig.compiled.spark.check_spark`). An engine that is
    not installed raises :class:`ModuleNotFoundError` naming the extra to install.
    ``payer`` is the payer of rows with no ``payer`` value; ``as_of``, ``select``,
    ``ignore``, ``min_severity``, ``notes`` and ``registry`` are as for
    :meth:`~passive_ig.Registry.check`.
    """
    options: dict[str, Any] = {
        "payer": payer,
        "as_of": as_of,
        "registry": registry,
        "select": select,
        "ignore": ignore,
        "min_severity": min_severity,
        "notes": notes,
    }
    module = type(table).__module__.split(".", 1)[0]
    if module == "polars":
        check_polars = _engine("polars", "check_polars", "a polars frame")
        return check_polars(table, **options)
    # (before the path test: a sqlframe DataFrame answers hasattr for any name)
    if module in ("pyspark", "sqlframe"):
        check_spark = _engine("spark", "check_spark", "a Spark DataFrame")
        return check_spark(table, **options)
    if module == "pandas" and hasattr(table, "columns"):
        check_pandas = _engine("duckdb", "check_pandas", "a pandas DataFrame")
        return check_pandas(table, connection=connection, **options)
    if module in ("duckdb", "_duckdb") or isinstance(table, str) or hasattr(table, "__fspath__"):
        check_duckdb = _engine("duckdb", "check_duckdb", "a DuckDB relation or a file")
        return check_duckdb(table, connection=connection, **options)
    raise InvalidInputError(
        table,
        "a polars DataFrame or LazyFrame, a DuckDB relation, a PySpark DataFrame, "
        "a pandas DataFrame, or a Parquet or CSV file's path",
        what="table of claim lines",
    )


def _engine(module: str, name: str, what: str) -> Any:
    """The check function ``name`` of the engine module ``module``; a missing engine
    (DuckDB, polars, narwhals) is named with the extra that installs it, which has the
    module's name."""
    try:
        engine = importlib.import_module(f"{__name__}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.startswith("passive_ig"):
            raise
        raise ModuleNotFoundError(
            f"checking {what} with the compiled rules needs {exc.name}, which is not "
            f"installed: pip install 'passive-ig[{module}]'",
            name=exc.name,
        ) from exc
    return getattr(engine, name)
