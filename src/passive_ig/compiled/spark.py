"""The compiled checks on Spark: a PySpark DataFrame of claim lines in, a DataFrame of
findings out, computed on the cluster. Only the distinct payers, line signatures and
texts, which the library cleans, come back to the driver (see
:mod:`passive_ig.compiled`).

It takes a ``pyspark.sql.DataFrame`` (classic or Spark Connect), or a `sqlframe
<https://github.com/eakmanrq/sqlframe>`_ DataFrame, which runs PySpark's API on DuckDB
and other SQL engines. The tests run it through sqlframe on DuckDB (no Java); no test
here runs a real Spark.

::

    from passive_ig.compiled import check_table
    findings = check_table(spark.read.parquet("claims/"), payer="Medicare")
    findings.write.parquet("findings/")

See :doc:`/how-to/check-with-spark` for an example that runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

import narwhals as nw

from ..answers import Severity
from ..errors import InvalidInputError
from ._columns import (
    DAY,
    FLAG,
    NUMBER,
    NUMBER_TEXT,
    TEXTS,
    Schema,
    no_code,
    number_columns,
    readable_types,
    wrong_values,
)
from ._rows import JoinsSortLast
from ._rules import Columns, Key
from ._run import PREPARED, run

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["check_spark"]

_NAMES = itertools.count()


_WHAT = "a PySpark DataFrame (pyspark.sql.DataFrame, or sqlframe's)"


def _lazy(native: Any) -> nw.LazyFrame[Any]:
    lazy: nw.LazyFrame[Any] = nw.from_native(native)
    return lazy


def _module(frame: nw.LazyFrame[Any], name: str) -> ModuleType:
    """The module ``name`` (functions, types, window) of the frame's Spark API."""
    implementation = frame.implementation
    if implementation is nw.Implementation.SQLFRAME:
        package = type(frame.to_native()).__module__.rsplit(".", 1)[0]  # sqlframe.duckdb
        return import_module(f"{package}.{name}")
    if implementation is nw.Implementation.PYSPARK_CONNECT and name != "types":
        return import_module(f"pyspark.sql.connect.{name}")
    return import_module(f"pyspark.sql.{name}")


def _modules(frame: nw.LazyFrame[Any]) -> tuple[ModuleType, Any]:
    """The functions module and the Window class of the frame's Spark API."""
    return _module(frame, "functions"), _module(frame, "window").Window


class _Spark(JoinsSortLast):
    """The Engine of :mod:`passive_ig.compiled._run` on a Spark session."""

    packs = True  # few wide columns: Spark shuffles and sqlframe's SQL stay short

    def __init__(self, session: Any, types: ModuleType) -> None:
        self.session = session
        self.types = types

    def table(self, columns: dict[str, list[Any]], types: dict[str, str]) -> nw.LazyFrame[Any]:
        names = list(columns)
        t = self.types
        kinds = {
            "str": t.StringType(),
            "bool": t.BooleanType(),
            "int": t.LongType(),
            "float": t.DoubleType(),
            "date": t.DateType(),
            "list[str]": t.ArrayType(t.StringType()),
            "list[int]": t.ArrayType(t.LongType()),
            "cat": t.StringType(),
            "list[cat]": t.ArrayType(t.StringType()),
        }
        # (a StructType, not a DDL string: the names hold ':' and '-')
        schema = t.StructType([t.StructField(name, kinds[types[name]]) for name in names])
        count = len(columns[names[0]]) if names else 0
        rows = [tuple(columns[name][i] for name in names) for i in range(count)]
        frame = _lazy(self.session.createDataFrame(rows, schema=schema))
        if _duckdb_connection(self.session) is not None:
            # sqlframe writes the rows into the SQL of every query that reads them
            return self.cache(frame)
        return frame

    def kept(self, key: Key, columns: Columns, types: dict[str, str]) -> nw.LazyFrame[Any]:
        return self.table(columns(), types)  # (made again for each check)

    def explode(self, frame: nw.LazyFrame[Any], column: str) -> nw.LazyFrame[Any]:
        functions, _ = _modules(frame)
        native = frame.to_native()
        others = [name for name in native.columns if name != column]
        # posexplode (not _outer) gives no row for an empty or null list
        out = native.select(*others, functions.posexplode(column).alias("pos", "value"))
        out = out.select(*others, functions.col("pos").cast("bigint").alias("pos"), "value").filter(
            functions.col("value").isNotNull()
        )
        return _lazy(out)

    def concat(self, frames: list[nw.LazyFrame[Any]]) -> nw.LazyFrame[Any]:
        natives = [frame.to_native() for frame in frames]
        return _lazy(functools.reduce(lambda a, b: a.unionAll(b), natives))

    def share(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return frame  # read again: a Spark plan is cheaper to run twice than to keep

    def unique(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return _lazy(frame.to_native().distinct())

    def cache(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        # computed once: the rules read the lines from some forty branches of the plan
        native = frame.to_native()
        connection = _duckdb_connection(self.session)
        if connection is None:
            return _lazy(native.cache())
        # sqlframe on DuckDB ignores cache(), and writes each use of a frame out as SQL
        # again: a temporary table computes it once and keeps the SQL of what follows short
        name = f"passive_ig_cache_{next(_NAMES)}"
        sql = native.sql(dialect="duckdb", optimize=False, pretty=False)
        columns = {field.name: field.dataType.simpleString() for field in native.schema.fields}
        connection.execute(f'CREATE TEMP TABLE "{name}" AS {sql}')
        self.session.catalog.add_table(name, columns)
        return _lazy(self.session.table(name))

    def hashed(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> nw.LazyFrame[Any]:
        functions, _ = _modules(frame)
        native = frame.to_native()
        # Spark's xxhash64 (64 bits); sqlframe has only hash, DuckDB's, unsigned: its top
        # bit goes, to fit a bigint
        xxhash64 = getattr(functions, "xxhash64", None)
        if xxhash64 is not None:
            digest = xxhash64(*columns)
        else:
            digest = functions.shiftRight(functions.hash(*columns), 1).cast("bigint")
        return _lazy(native.withColumn("hash", digest))

    def distinct(self, frame: nw.LazyFrame[Any], column: str) -> list[Any]:
        return [row[0] for row in frame.select(column).unique().to_native().collect()]

    def rows(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]:
        native = frame.select(*columns).to_native()
        return [dict(zip(columns, tuple(row), strict=True)) for row in native.collect()]


def _duckdb_connection(session: Any) -> Any:
    """The DuckDB connection of a sqlframe DuckDB session; None for any other session."""
    if type(session).__module__.startswith("sqlframe.duckdb"):
        return session._conn
    return None


def _session(native: Any) -> Any:
    session = getattr(native, "sparkSession", None)
    return session if session is not None else native.session


def _texts(f: ModuleType, name: str, schema: Schema) -> Any:
    """A list column of texts, never null (an empty list for none)."""
    dtype = schema.get(name)
    empty = f.array_remove(f.array(f.lit("")), "").cast("array<string>")  # (sqlframe: no array())
    if dtype is None:
        return empty
    if dtype == nw.String:
        # text separated by commas, semicolons or spaces, as the other engines read it
        return f.coalesce(f.array_remove(f.split(f.col(name), r"[,;\s]+"), ""), empty)
    return f.coalesce(f.col(name).cast("array<string>"), empty)


def _place(f: ModuleType, schema: Schema) -> Any:
    dtype = schema.get("place_of_service")
    if dtype is None:
        return f.lit(None).cast("string")
    if dtype.is_numeric():
        # a whole number from 0 to 99 as two digits, any other as it is written
        number = f.col("place_of_service").cast("double")
        whole = (number == f.floor(number)) & (number >= 0) & (number <= 99)
        two_digits = f.lpad(number.cast("bigint").cast("string"), 2, "0")
        return f.when(whole, two_digits).otherwise(f.col("place_of_service").cast("string"))
    return f.col("place_of_service").cast("string")


def _day(f: ModuleType, schema: Schema) -> Any:
    dtype = schema.get("date_of_service")
    if dtype is None:
        return f.lit(None).cast("date")
    if dtype == nw.String:
        # a date that does not read is a missing date, also under ANSI mode
        if hasattr(f, "try_to_date"):  # PySpark 3.5 and later
            return f.try_to_date(f.col("date_of_service"), "yyyy-MM-dd")
        return f.expr("to_date(`date_of_service`, 'yyyy-MM-dd')")
    return f.col("date_of_service").cast("date")


def _optional(f: ModuleType, name: str, schema: Schema, kind: str) -> Any:
    if name not in schema:
        return f.lit(None).cast(kind)
    return f.col(name).cast(kind)


def _is_text(dtype: Any) -> bool:
    return dtype in (nw.String, nw.Categorical, nw.Enum)


def _readable(kind: str, dtype: Any) -> bool:
    """Whether a column of ``dtype`` holds what a column of ``kind`` holds (see
    :data:`passive_ig.compiled._columns.KINDS`); a type narwhals does not know, Spark's
    own, is left to Spark."""
    if dtype in (nw.Unknown, nw.Object):
        return True
    if kind == NUMBER:
        return bool(dtype.is_numeric()) or _is_text(dtype)
    if kind == FLAG:
        return dtype == nw.Boolean or bool(dtype.is_integer())
    if kind == TEXTS:
        return _is_text(dtype) or (dtype == nw.List and _is_text(dtype.inner))
    if kind == DAY:
        return dtype in (nw.Date, nw.Datetime) or _is_text(dtype)
    return _is_text(dtype) or bool(dtype.is_numeric())  # PLACE


def _number(f: ModuleType, name: str, schema: Schema) -> Any:
    """A column of numbers (text that is no number: null, refused before; blank text:
    null)."""
    if name not in schema:
        return f.lit(None).cast("double")
    if _is_text(schema[name]):
        text = f.trim(f.col(name).cast("string"))
        return f.when(
            text.rlike(NUMBER_TEXT), f.expr(f"try_cast(trim(CAST(`{name}` AS string)) AS double)")
        )
    return f.col(name).cast("double")


def _columns(native: Any, schema: Schema, f: ModuleType, window: Any) -> Schema:
    """The frame's columns the rules read, by type: a column of a type they cannot read
    that holds no value is left out, any other is refused; so is text that does not read
    as the number it stands for (the first such value, its row and how many there are:
    a job on the cluster, only for a column of text)."""

    def empty(names: list[str]) -> set[str]:
        counts = native.agg(*(f.count(f.col(name)).alias(name) for name in names)).collect()[0]
        return {name for name in names if not counts[name]}

    schema = readable_types(schema, _readable, empty)
    for name in number_columns(schema, _is_text):
        numbered = native.select(
            _row_number(f, window).alias("n"), f.col(name).cast("string").alias("value")
        )
        text = f.trim(f.col("value"))
        bad = numbered.filter(text.isNotNull() & (text != "") & ~text.rlike(NUMBER_TEXT))
        count = bad.count()
        if count:
            first = bad.orderBy("n").limit(1).collect()[0]
            raise wrong_values(name, first["n"], first["value"], count)
    return schema


def _row_number(f: ModuleType, window: Any) -> Any:
    """Each row's position in the frame, from 0."""
    if hasattr(f, "monotonically_increasing_id"):
        # Spark: the id grows with the partition and the position in it, so ordering by
        # it is the frame's order (one partition does the numbering)
        order = window.orderBy(f.monotonically_increasing_id())
        return f.row_number().over(order) - 1
    # sqlframe: the SQL engine's order of the rows
    return f.expr("row_number() OVER ()") - 1


def prepare(frame: nw.LazyFrame[Any], payer: str | None) -> nw.LazyFrame[Any]:
    """The frame's lines in the columns the compiled rules read (PREPARED)."""
    given = frame.collect_schema()
    if "code" not in given:
        raise no_code(list(given))
    f, window = _modules(frame)
    schema = _columns(frame.to_native(), given, f, window)
    payer_col = f.lit(payer).cast("string")
    if "payer" in schema:
        payer_col = f.coalesce(f.col("payer").cast("string"), payer_col)
    prepared = frame.to_native().select(
        _row_number(f, window).cast("bigint").alias("row"),
        _optional(f, "claim_id", schema, "string").alias("claim_id"),
        _optional(f, "line_id", schema, "string").alias("line_id"),
        payer_col.alias("payer_raw"),
        f.col("code").cast("string").alias("code_raw"),
        _texts(f, "modifiers", schema).alias("mods"),
        _number(f, "units", schema).alias("units"),
        _place(f, schema).alias("pos_raw"),
        _day(f, schema).alias("date"),
        _texts(f, "diagnoses", schema).alias("dx"),
        _number(f, "dose_mg", schema).alias("dose"),
        _number(f, "discarded_mg", schema).alias("disc"),
        f.coalesce(
            _optional(f, "evaluation_and_management", schema, "boolean"), f.lit(False)
        ).alias("em"),
        _optional(f, "prior_authorization", schema, "string").alias("pa_raw"),
    )
    prepared = prepared.select(*PREPARED)
    return _lazy(prepared)


def check_spark(
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
    """Check a Spark DataFrame of claim lines; see :func:`passive_ig.compiled.check_table`.

    ``frame`` is a ``pyspark.sql.DataFrame`` (or a sqlframe DataFrame); the findings
    come back as a DataFrame of the same session, with the columns of
    :data:`~passive_ig.compiled.FINDING_COLUMNS`. The lines are numbered (``row``) in
    the frame's order; the Python checker's part, if any, runs before it returns."""
    try:
        lazy = nw.from_native(frame)
    except TypeError:
        lazy = None
    if not isinstance(lazy, nw.LazyFrame) or not lazy.implementation.is_spark_like():
        raise InvalidInputError(frame, _WHAT, what="claim lines")
    engine = _Spark(_session(frame), _module(lazy, "types"))
    prepared = engine.cache(prepare(lazy, payer))
    out = run(
        prepared,
        engine,
        registry,
        as_of=as_of,
        select=select,
        ignore=ignore,
        min_severity=min_severity,
        notes=notes,
        payer=payer,
    )
    return out.to_native()
