"""The compiled checks on DuckDB: a Parquet or CSV file of claim lines, or a relation,
in; a relation of findings out. Nothing leaves the database but the distinct line
signatures and texts, which the library cleans (see :mod:`passive_ig.compiled`).

>>> import duckdb
>>> from passive_ig.compiled.duckdb import check_duckdb
>>> con = duckdb.connect()
>>> lines = con.sql(
...     "SELECT 'c1' AS claim_id, 'J1459' AS code, 70 AS units, 35000.0 AS dose_mg, "
...     "DATE '2024-03-01' AS date_of_service"
... )
>>> check_duckdb(lines, payer="Medicare", connection=con).select("rule, path").fetchall()
[('medicare.jw-jz-required', 'lines[0].modifiers'), ('claim.product-without-administration', 'lines[0].code')]
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import os
import re
import threading
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import duckdb
import narwhals as nw

from ..answers import Severity
from ..errors import InvalidInputError
from ..frames import _SEPARATORS, LINE_COLUMNS, _missing
from ._columns import (
    DAY,
    EXPECTED,
    FLAG,
    KINDS,
    NUMBER,
    NUMBER_TEXT,
    TEXTS,
    no_code,
    number_columns,
    readable_types,
    wrong_values,
)
from ._rows import JoinsSortLast
from ._rules import Columns, Key
from ._run import run

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["check_duckdb", "check_pandas"]

_TYPES = {
    "str": "VARCHAR",
    "bool": "BOOLEAN",
    "int": "BIGINT",
    "float": "DOUBLE",
    "date": "DATE",
    "list[str]": "VARCHAR[]",
    "list[int]": "BIGINT[]",
    "cat": "VARCHAR",
    "list[cat]": "VARCHAR[]",
}

_NAMES = itertools.count()


def _literal(value: Any, kind: str) -> str:
    if value is None:
        return f"CAST(NULL AS {_TYPES[kind]})"
    if kind == "str":
        return "'" + str(value).replace("'", "''") + "'"
    if kind == "bool":
        return "TRUE" if value else "FALSE"
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return f"CAST({float(value)!r} AS DOUBLE)"
    if kind == "date":
        return f"DATE '{value.isoformat()}'"
    if kind == "list[int]":
        return "CAST([" + ", ".join(str(int(item)) for item in value) + "] AS BIGINT[])"
    return "CAST([" + ", ".join(_literal(item, "str") for item in value) + "] AS VARCHAR[])"


_KEPT: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[Key, str]] = (
    weakref.WeakKeyDictionary()
)
"""The plans' lookup tables each connection holds (see ``Backend.kept``)."""


def _alias() -> str:
    """A name to query a relation under that no table of the connection has (a table of
    the user's called ``t`` would be read in its place)."""
    return f"passive_ig_rel_{next(_NAMES)}"


class _DuckDB(JoinsSortLast):
    packs = True  # each column of a large table costs DuckDB a pass when it is kept

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.con = connection
        self.made: list[str] = []
        """The temporary tables this check made, dropped when its findings are kept."""

    def finish(self, frame: nw.LazyFrame[Any]) -> tuple[duckdb.DuckDBPyRelation, str]:
        """The findings, kept as a table of their own, and the check's other tables
        dropped: the result reads neither them nor the user's file again.

        The table holds each finding's sources as a list of ENUM values, one byte a
        source; the relation returned reads them as text, since DuckDB hands a list of
        ENUM values to pandas and numpy as the values' numbers, not their texts. The
        table's name comes with it."""
        self.cache(frame)
        name = self.made.pop()
        self.drop()
        query = f"SELECT * REPLACE (CAST(sources AS VARCHAR[]) AS sources) FROM {name}"
        return self.con.sql(query), name

    def drop(self) -> None:
        """Drop the tables this check made (but the findings', once ``finish`` took it)."""
        if self.made:  # (one statement: each costs DuckDB's Python API a bind)
            self.con.execute(
                "; ".join(f"DROP TABLE IF EXISTS {table}" for table in reversed(self.made))
            )
        self.made.clear()

    def table(self, columns: dict[str, list[Any]], types: dict[str, str]) -> nw.LazyFrame[Any]:
        # each column goes in as one list parameter, and unnest zips them into rows: far
        # quicker than the text of a VALUES list for DuckDB to parse. A column of a few
        # texts or lists repeated (a rule's title, its sources) goes in as its distinct
        # values and each row's place among them: DuckDB's Python API converts a
        # parameter value by value, and a list of lists the slowest
        params: list[Any] = []
        inner: list[str] = []
        outer: list[str] = []
        for name, values in columns.items():
            kind = _TYPES[types[name]]
            quoted = f'"{name}"'
            if types[name] in ("cat", "list[cat]") and len(values) >= 64:
                places: dict[Any, int] = {}
                codes = [
                    places.setdefault(
                        tuple(value) if isinstance(value, list) else value, len(places)
                    )
                    for value in values
                ]
                distinct = [list(value) if isinstance(value, tuple) else value for value in places]
                params += [codes, distinct]
                inner.append(f"unnest(CAST(${len(params) - 1} AS BIGINT[])) AS {quoted}")
                looked = f"(CAST(${len(params)} AS {kind}[]))[{quoted} + 1]"
                outer.append(f"{_column(looked, values, types[name])} AS {quoted}")
            else:
                params.append(values)
                inner.append(f"unnest(CAST(${len(params)} AS {kind}[])) AS {quoted}")
                outer.append(f"{_column(quoted, values, types[name])} AS {quoted}")
        name = f"passive_ig_table_{next(_NAMES)}"
        self.con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT {', '.join(outer)} "
            f"FROM (SELECT {', '.join(inner)})",
            params,
        )
        self.made.append(name)
        return nw.from_native(self.con.table(name))

    def kept(self, key: Key, columns: Columns, types: dict[str, str]) -> nw.LazyFrame[Any]:
        # the names of the temporary tables made on this connection (names, not
        # relations: a relation would keep its connection alive)
        names = _KEPT.setdefault(self.con, {})
        name = names.get(key)
        if name is not None:
            try:
                return nw.from_native(self.con.table(name))
            except duckdb.CatalogException:  # dropped, or made in a transaction rolled back
                pass
        table = self.table(columns(), types)
        name = names[key] = table.to_native().alias
        self.made.remove(name)  # kept for the checks after this one
        return table

    def explode(self, frame: nw.LazyFrame[Any], column: str) -> nw.LazyFrame[Any]:
        relation = frame.to_native()
        t = _alias()
        out = relation.query(
            t,
            f"SELECT * FROM (SELECT * EXCLUDE ({column}), unnest({column}) AS value, "
            f"unnest(generate_series(0, len({column}) - 1)) AS pos FROM {t}) "
            "WHERE value IS NOT NULL",
        )
        return nw.from_native(out)  # type: ignore[no-any-return]

    def concat(self, frames: list[nw.LazyFrame[Any]]) -> nw.LazyFrame[Any]:
        # (narwhals asks each part for its schema, and a union of relations binds the
        # growing tree again for each part: one UNION ALL of the parts' SQL binds once)
        if len(frames) == 1:
            return frames[0]
        text = " UNION ALL ".join(f"({frame.to_native().sql_query()})" for frame in frames)
        return nw.from_native(self.con.sql(text))

    def share(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return self.cache(frame)

    def cache(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        name = f"passive_ig_cache_{next(_NAMES)}"
        self.con.execute(f"CREATE TEMP TABLE {name} AS {frame.to_native().sql_query()}")
        self.made.append(name)
        return nw.from_native(self.con.table(name))

    def unique(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        # (narwhals numbers the rows of each group with a window to keep one: DISTINCT is
        # a plain hash aggregate)
        return nw.from_native(frame.to_native().distinct())  # type: ignore[no-any-return]

    def hashed(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> nw.LazyFrame[Any]:
        relation = frame.to_native()
        quoted = ", ".join(f'"{name}"' for name in columns)
        # (DuckDB's hash is unsigned: the top bit goes, to fit a BIGINT)
        t = _alias()
        out = relation.query(t, f"SELECT *, CAST(hash({quoted}) >> 1 AS BIGINT) AS hash FROM {t}")
        return nw.from_native(out)  # type: ignore[no-any-return]

    def distinct(self, frame: nw.LazyFrame[Any], column: str) -> list[Any]:
        relation = frame.to_native()
        t = _alias()
        return [
            row[0] for row in relation.query(t, f"SELECT DISTINCT {column} FROM {t}").fetchall()
        ]

    def rows(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]:
        relation = frame.to_native().select(*columns)
        return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]


def _column(values: str, given: list[Any], kind: str) -> str:
    """A lookup table's column: a few texts repeated over many findings (a rule's id, its
    severity, its title, its sources) as an ENUM of those texts, one byte a value."""
    if kind not in ("cat", "list[cat]"):
        return values
    texts = {
        text
        for value in given
        for text in (value if kind == "list[cat]" else (value,))
        if text is not None
    }
    if not texts:
        return values
    enum = "ENUM(" + ", ".join(_literal(text, "str") for text in sorted(texts)) + ")"
    return f"CAST({values} AS {enum}{'[]' if kind == 'list[cat]' else ''})"


def _texts(name: str, types: dict[str, str]) -> str:
    """A list column of texts, never null (an empty list for none)."""
    kind = types.get(name)
    if kind is None:
        return "CAST([] AS VARCHAR[])"
    if _LIST.match(kind):
        return f'coalesce(CAST("{name}" AS VARCHAR[]), CAST([] AS VARCHAR[]))'
    split = f"regexp_split_to_array(CAST(\"{name}\" AS VARCHAR), '[,;\\s]+')"
    return f"coalesce(list_filter({split}, lambda x: x <> ''), CAST([] AS VARCHAR[]))"


_INTEGERS = frozenset(
    (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
    )
)
_NULL = '"NULL"'  # the type of a column of nulls only (a pandas column of None)


def _is_number(kind: str) -> bool:
    return kind in _INTEGERS or kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL")


def _is_text(kind: str) -> bool:
    return kind == "VARCHAR" or kind.startswith("ENUM(")


_LIST = re.compile(r"^(.*)\[[0-9]*\]$")
"""A list type (``VARCHAR[]``) or an array type (``VARCHAR[3]``), and its items' type."""


def _readable(kind: str, type_name: str) -> bool:
    """Whether a column of DuckDB type ``type_name`` holds what a column of ``kind``
    holds (see :data:`passive_ig.compiled._columns.KINDS`)."""
    if type_name == _NULL:
        return True
    if kind == NUMBER:
        return _is_number(type_name) or _is_text(type_name)
    if kind == FLAG:
        return type_name == "BOOLEAN" or type_name in _INTEGERS
    if kind == TEXTS:
        listed = _LIST.match(type_name)
        inner = listed.group(1) if listed else type_name
        return _is_text(inner) or (listed is not None and inner == _NULL)
    if kind == DAY:
        return type_name == "DATE" or type_name.startswith("TIMESTAMP") or _is_text(type_name)
    return _is_text(type_name) or _is_number(type_name)  # PLACE


def _columns(
    relation: duckdb.DuckDBPyRelation,
    types: dict[str, str],
    row: str,
    shown: dict[str, str] | None = None,
) -> dict[str, str]:
    """The relation's columns the rules read, by type: a column of a type they cannot
    read that holds no value is left out, any other is refused (named by its type as
    ``shown`` gives it, else DuckDB's); so is text that does not read as the number it
    stands for (the first such value, its row, by ``row``, and how many there are)."""

    t = _alias()

    def query(sql: str) -> list[Any]:
        found = relation.query(t, sql)
        assert found is not None
        return list(found.fetchall()[0])

    def empty(names: list[str]) -> set[str]:
        counts = query("SELECT " + ", ".join(f'count("{name}")' for name in names) + f" FROM {t}")
        return {name for name, count in zip(names, counts, strict=True) if not count}

    names = shown or {}
    types = readable_types(types, _readable, empty, lambda name: names.get(name, ""))
    for name in number_columns(types, _is_text):
        count, at, value = query(
            f"SELECT count(*), min(n), arg_min(value, n) FROM (SELECT {row} AS n, "
            f'CAST("{name}" AS VARCHAR) AS value FROM {t}) '
            f"WHERE trim(value) <> '' AND NOT regexp_full_match(trim(value), '{NUMBER_TEXT}')"
        )
        if count:
            raise wrong_values(name, at, value, count)
    return types


def _number(name: str, types: dict[str, str]) -> str:
    """A column of numbers (text that is no number: null, refused before; blank text:
    null)."""
    if name not in types:
        return "CAST(NULL AS DOUBLE)"
    if _is_text(types[name]):
        text = f'trim(CAST("{name}" AS VARCHAR))'
        return (
            f"CASE WHEN regexp_full_match({text}, '{NUMBER_TEXT}') "
            f"THEN TRY_CAST({text} AS DOUBLE) END"
        )
    return f'CAST("{name}" AS DOUBLE)'


def _place(types: dict[str, str]) -> str:
    """The place of service as text: a whole number from 0 to 99 as two digits, any other
    number as it is written (a place no one has)."""
    kind = types.get("place_of_service")
    if kind is None:
        return "CAST(NULL AS VARCHAR)"
    if _is_number(kind):
        number = "CAST(place_of_service AS DOUBLE)"
        return (
            f"CASE WHEN NOT isnan({number}) AND {number} = floor({number}) "
            f"AND {number} BETWEEN 0 AND 99 "
            f"THEN lpad(CAST(CAST({number} AS BIGINT) AS VARCHAR), 2, '0') "
            "ELSE CAST(place_of_service AS VARCHAR) END"
        )
    return "CAST(place_of_service AS VARCHAR)"


def _day(types: dict[str, str]) -> str:
    kind = types.get("date_of_service")
    if kind is None:
        return "CAST(NULL AS DATE)"
    if _is_text(kind):
        return "CAST(try_strptime(CAST(date_of_service AS VARCHAR), '%Y-%m-%d') AS DATE)"
    return "CAST(date_of_service AS DATE)"


def _optional(name: str, types: dict[str, str], kind: str) -> str:
    if name not in types:
        return f"CAST(NULL AS {kind})"
    return f'CAST("{name}" AS {kind})'


def prepare(
    relation: duckdb.DuckDBPyRelation,
    payer: str | None,
    *,
    numbered: bool = False,
    files: bool = False,
    row: str = "file_row_number",
    shown: dict[str, str] | None = None,
) -> duckdb.DuckDBPyRelation:
    """The relation's lines in the columns the compiled rules read. ``numbered``: its
    column ``row`` numbers its rows (one Parquet file read by this module, its
    ``file_row_number``; a pandas frame's positions); ``files``: several files read by
    this module, numbered file by file, in the order of their names; otherwise the rows
    are numbered in the order the relation gives them."""
    types = {name: str(kind) for name, kind in zip(relation.columns, relation.types, strict=True)}
    if "code" not in types:  # (named without the columns this module added)
        added = ({row} if numbered else set()) | (
            {"filename", "file_row_number"} if files else set()
        )
        raise no_code([name for name in types if name not in added])
    row_sql = "CAST(row_number() OVER () - 1 AS BIGINT)"
    if numbered:
        row_sql = f'CAST("{row}" AS BIGINT)'
    elif "filename" in types and "file_row_number" in types and files:
        row_sql = "CAST(row_number() OVER (ORDER BY filename, file_row_number) - 1 AS BIGINT)"
    types = _columns(relation, types, row_sql, shown)
    t = _alias()
    payer_sql = "CAST(NULL AS VARCHAR)" if payer is None else _literal(payer, "str")
    if "payer" in types:
        payer_sql = f"coalesce(CAST(payer AS VARCHAR), {payer_sql})"
    inner = (
        f"SELECT {row_sql} AS row, "
        f"{_optional('claim_id', types, 'VARCHAR')} AS claim_id, "
        f"{_optional('line_id', types, 'VARCHAR')} AS line_id, "
        f"{payer_sql} AS payer_raw, "
        "CAST(code AS VARCHAR) AS code_raw, "
        f"{_texts('modifiers', types)} AS mods, "
        f"{_number('units', types)} AS units, "
        f"{_place(types)} AS pos_raw, "
        f"{_day(types)} AS date, "
        f"{_texts('diagnoses', types)} AS dx, "
        f"{_number('dose_mg', types)} AS dose, "
        f"{_number('discarded_mg', types)} AS disc, "
        f"coalesce({_optional('evaluation_and_management', types, 'BOOLEAN')}, FALSE) AS em, "
        f"{_optional('prior_authorization', types, 'VARCHAR')} AS pa_raw "
        f"FROM {t}"
    )
    prepared = relation.query(t, inner)
    assert prepared is not None
    return prepared


def check_duckdb(
    source: duckdb.DuckDBPyRelation | str | os.PathLike[str],
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> duckdb.DuckDBPyRelation:
    """Check a DuckDB relation, or a Parquet or CSV file, of claim lines; see
    :func:`passive_ig.compiled.check_table`. ``connection`` is the connection the
    relation belongs to (default: DuckDB's default connection); the result is a
    relation on it, over a temporary table of the findings: the file or relation checked
    is not read again."""
    con = connection if connection is not None else duckdb.default_connection()
    numbered = False
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path.lower().endswith((".parquet", ".pq")):
            # one file's own row numbers are the same on every read: nothing is copied
            # (several files' start again at 0 in each: they are numbered once, in order)
            numbered = not any(mark in path for mark in "*?[{")
            relation = con.read_parquet(path, file_row_number=True, filename=not numbered)
        elif path.lower().endswith((".csv", ".csv.gz", ".tsv", ".txt")):
            relation = con.read_csv(path)
            if "place_of_service" in relation.columns:  # (as text: "01" is not 1)
                relation = con.read_csv(path, dtype={"place_of_service": "VARCHAR"})
        else:
            raise InvalidInputError(source, "a .parquet or .csv file", what="file of claim lines")
    elif isinstance(source, duckdb.DuckDBPyRelation):
        relation = source
    else:
        raise InvalidInputError(
            source, "a DuckDB relation, or the path of a Parquet or CSV file", what="claim lines"
        )
    files = isinstance(source, (str, os.PathLike)) and not numbered
    prepared = prepare(relation, payer, numbered=numbered, files=files)
    options = _options(payer, as_of, registry, select, ignore, min_severity, notes)
    return _check(prepared, con, numbered, options)[0]


_ROW = "__passive_ig_row"
"""The column of a pandas frame's positions, in the copy DuckDB reads."""

READ = ("claim_id", "line_id", *LINE_COLUMNS, "prior_authorization")
"""The columns of a table of lines the rules read."""

_OWN = threading.local()
"""passive_ig's own DuckDB connection in each thread, for the pandas frames checked
without a connection (a DuckDB connection serves one thread at a time)."""


def check_pandas(
    frame: Any,
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> Any:
    """Check a pandas DataFrame of claim lines on DuckDB; a pandas DataFrame of findings
    comes back. See :func:`passive_ig.compiled.check_table`.

    DuckDB copies the columns the rules read into a table of its own, once, on
    ``connection`` (default: a connection of passive_ig's own, one for each thread, so
    that frames can be checked in several threads at once). A finding's ``row`` is its
    line's position in the frame, whatever the frame's index; ``line`` is a nullable
    ``Int64`` column (null for a line alone), the texts are ``object`` columns, and
    ``sources`` holds an array of source ids. A date with a time zone is the date on
    that zone's clock. The tables the check made are dropped once the findings are in
    the frame returned."""
    names = [name for name in frame.columns if isinstance(name, str)]
    twice = sorted({name for name in names if names.count(name) > 1 and name in READ})
    if twice:
        raise InvalidInputError(twice[0], "a column name given once", what="column of claim lines")
    read = [name for name in READ if name in names]
    if "code" not in read:
        raise no_code([str(name) for name in frame.columns])
    lines = frame[read]
    day = lines.get("date_of_service")
    if day is not None and getattr(getattr(day, "dt", None), "tz", None) is not None:
        lines = lines.assign(date_of_service=day.dt.tz_localize(None))  # (its own clock)
    lines = lines.assign(**_typed(lines), **{_ROW: range(len(lines))})
    shown = {name: str(lines[name].dtype) for name in read}
    con = connection if connection is not None else _own_connection()
    table = _copy(con, lines)
    try:
        relation = con.table(table)
        prepared = prepare(relation, payer, numbered=True, row=_ROW, shown=shown)
        options = _options(payer, as_of, registry, select, ignore, min_severity, notes)
        findings, kept = _check(prepared, con, True, options)
        try:
            found = findings.df()
        finally:
            con.execute(f"DROP TABLE IF EXISTS {kept}")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # (the same dtypes whatever the findings: DuckDB gives a column with nulls, or none
    # at all, a dtype of its own)
    for name in ("claim_id", "line_id", "payer", "path", "suggestion"):
        found[name] = found[name].astype(object)
    found["line"] = found["line"].astype("Int64")
    return found


def _typed(lines: Any) -> dict[str, Any]:
    """The pandas columns of Python objects the rules read as numbers or as lists of text,
    typed here rather than by DuckDB from their first values: numbers alone as floats,
    numbers among other things as text (read, or refused, as text numbers are); texts
    and lists of texts mixed as lists (DuckDB would read a list as the text of its
    ``repr``)."""
    infer_dtype = importlib.import_module("pandas.api.types").infer_dtype
    typed: dict[str, Any] = {}
    for name in lines.columns:
        column = lines[name]
        if column.dtype != object or KINDS.get(name) not in (NUMBER, TEXTS):
            continue
        kind = infer_dtype(column, skipna=True)
        if KINDS[name] == NUMBER and kind in ("integer", "floating", "mixed-integer-float"):
            typed[name] = column.astype(float)
        elif KINDS[name] == NUMBER and kind not in ("string", "empty"):
            # (NaN, as pandas says missing, stays missing: not the text "nan")
            typed[name] = column.map(lambda value: None if _missing(value) else str(value))
        elif KINDS[name] == TEXTS and kind == "mixed":
            typed[name] = column.map(_listed)
    return typed


def _listed(value: Any) -> list[str] | None:
    """A value of a column of texts and lists of texts, as a list of texts."""
    if isinstance(value, str):
        return [part for part in _SEPARATORS.split(value) if part]
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return [str(item) for item in items if item is not None]
    return None


def _own_connection() -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection | None = getattr(_OWN, "connection", None)
    if con is None:
        con = _OWN.connection = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
    return con


def _copy(con: duckdb.DuckDBPyConnection, lines: Any) -> str:
    """A temporary table of a pandas frame's columns. DuckDB types a column of Python
    objects from its first thousand values; a column whose later values do not fit
    that type (a code column of numbers, then a HCPCS code) is typed again from all its
    values."""
    view = f"passive_ig_frame_{next(_NAMES)}"
    table = f"passive_ig_lines_{next(_NAMES)}"
    for name in lines.columns:  # (a dtype DuckDB has no type for, named before it says so)
        dtype = lines[name].dtype
        if getattr(dtype, "kind", "O") in "cmV" or type(dtype).__name__ == "PeriodDtype":
            expected = f"a column of {EXPECTED[name]}" if name in EXPECTED else "a column of text"
            raise InvalidInputError(str(dtype), expected, what=f"type of column {name!r}")
    con.register(view, lines)
    try:
        try:
            con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {view}")
        except (duckdb.InvalidInputException, duckdb.ConversionException):
            (before,) = con.execute("SELECT current_setting('pandas_analyze_sample')").fetchall()[0]
            con.execute(f"SET pandas_analyze_sample = {max(len(lines), 1)}")
            try:
                con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {view}")
            finally:
                con.execute(f"SET pandas_analyze_sample = {int(before)}")
    finally:
        con.unregister(view)
    return table


def _options(
    payer: str | None,
    as_of: dt.date | None,
    registry: Registry | None,
    select: Iterable[str] | str | None,
    ignore: Iterable[str] | str | None,
    min_severity: Severity | str | None,
    notes: bool,
) -> dict[str, Any]:
    """The options of :func:`passive_ig.compiled._run.run`, by name."""
    return {
        "payer": payer,
        "as_of": as_of,
        "registry": registry,
        "select": select,
        "ignore": ignore,
        "min_severity": min_severity,
        "notes": notes,
    }


def _check(
    prepared: duckdb.DuckDBPyRelation,
    con: duckdb.DuckDBPyConnection,
    numbered: bool,
    options: dict[str, Any],
) -> tuple[duckdb.DuckDBPyRelation, str]:
    """The findings of a prepared relation (``options``: those of :func:`run`), and the
    name of the table that holds them."""
    engine = _DuckDB(con)
    try:
        lines = nw.from_native(prepared)
        if not numbered:  # numbered by reading: numbered once
            lines = engine.cache(lines)
        return engine.finish(run(lines, engine, **options))
    except BaseException:  # (a check that fails leaves none of its tables behind)
        engine.drop()
        raise
