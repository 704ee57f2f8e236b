"""The compiled checks on polars: a DataFrame or LazyFrame of claim lines in, the same
kind of frame of findings out.

>>> import datetime as dt
>>> import polars as pl
>>> from passive_ig.compiled.polars import check_polars
>>> lines = pl.DataFrame({
...     "claim_id": ["c1", "c1"],
...     "code": ["J1459", "96365"],
...     "modifiers": [[], []],
...     "units": [70, 1],
...     "dose_mg": [35000.0, None],
...     "date_of_service": [dt.date(2024, 3, 1)] * 2,
... })
>>> check_polars(lines, payer="Medicare").select("claim_id", "line", "rule", "path").rows()
[('c1', 0, 'medicare.jw-jz-required', 'lines[0].modifiers')]
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import narwhals as nw
import polars as pl

from ..answers import Severity
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
from ._rules import Columns, Key
from ._run import run

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["check_polars"]

_TYPES: dict[str, Any] = {
    "str": pl.String,
    "bool": pl.Boolean,
    "int": pl.Int64,
    "float": pl.Float64,
    "date": pl.Date,
    "list[str]": pl.List(pl.String),
    "list[int]": pl.List(pl.Int64),
    "cat": pl.Categorical,
    "list[cat]": pl.List(pl.Categorical),
}


_KEPT: dict[Key, nw.LazyFrame[Any]] = {}
"""The plans' lookup tables, made once in a process (see ``Backend.kept``)."""
_KEEP = 256
_KEEPING = threading.Lock()


class _Polars:
    packs = False  # columns cost polars little
    keeps_order = True

    def lookup(
        self, frame: nw.LazyFrame[Any], table: nw.LazyFrame[Any], on: str
    ) -> nw.LazyFrame[Any]:
        # each row's place in the table, then the table's columns gathered by it: quicker
        # than a join that keeps the frame's order
        found = frame.to_native().collect()
        looked = table.to_native().collect()
        place = found.get_column(on).replace_strict(
            looked.get_column(on),
            pl.Series(range(looked.height), dtype=pl.UInt32),
            default=None,
            return_dtype=pl.UInt32,
        )
        return nw.from_native(  # type: ignore[no-any-return]
            pl.concat([found, looked.drop(on)[place]], how="horizontal").lazy()
        )

    def identify(self, frame: nw.LazyFrame[Any], prepared: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        # a prepared frame's rows are numbered by their place (see prepare): each
        # finding's ids are gathered by its row, with no join
        found = frame.to_native().collect()
        ids = prepared.to_native().select("claim_id", "line_id").collect()
        rows = found.get_column("row")
        return nw.from_native(  # type: ignore[no-any-return]
            found.with_columns(ids.get_column(name).gather(rows) for name in ids.columns).lazy()
        )

    def table(self, columns: dict[str, list[Any]], types: dict[str, str]) -> nw.LazyFrame[Any]:
        series = [_series(name, values, types[name]) for name, values in columns.items()]
        return nw.from_native(pl.DataFrame(series).lazy())

    def kept(self, key: Key, columns: Columns, types: dict[str, str]) -> nw.LazyFrame[Any]:
        with _KEEPING:
            frame = _KEPT.get(key)
            if frame is None:
                if len(_KEPT) >= _KEEP:  # (the tables of plans made long ago go first)
                    del _KEPT[next(iter(_KEPT))]
                frame = _KEPT[key] = self.table(columns(), types)
            return frame

    def explode(self, frame: nw.LazyFrame[Any], column: str) -> nw.LazyFrame[Any]:
        native = frame.to_native()
        out = (
            native.with_columns(pos=pl.int_ranges(0, pl.col(column).list.len(), dtype=pl.Int64))
            .explode([column, "pos"])
            .rename({column: "value"})
            .filter(pl.col("value").is_not_null())
        )
        return nw.from_native(out)  # type: ignore[no-any-return]

    def concat(self, frames: list[nw.LazyFrame[Any]]) -> nw.LazyFrame[Any]:
        return nw.concat(frames, how="vertical")

    def share(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return self.cache(frame)

    def cache(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        # computed once: the rules read the lines from some forty branches of the plan
        return nw.from_native(frame.to_native().collect().lazy())  # type: ignore[no-any-return]

    def unique(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        return frame.unique()

    def hashed(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> nw.LazyFrame[Any]:
        native = frame.to_native()
        # (polars hashes are unsigned: the top bit goes, so that every engine keeps it
        # in a signed 64-bit column)
        digest = (pl.struct(*columns).hash() // 2).cast(pl.Int64)
        return nw.from_native(native.with_columns(digest.alias("hash")))  # type: ignore[no-any-return]

    def distinct(self, frame: nw.LazyFrame[Any], column: str) -> list[Any]:
        native = frame.to_native()
        return list(native.select(pl.col(column).unique()).collect().to_series().to_list())

    def rows(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]:
        native = frame.to_native()
        return list(native.select(*columns).collect().to_dicts())


def _series(name: str, values: list[Any], kind: str) -> pl.Series:
    """A column of a lookup table. A list column repeats a few distinct lists (a rule's
    sources): each is made once, and gathered."""
    dtype = _TYPES[kind]
    if not kind.startswith("list[") or len(values) < 64:
        return pl.Series(name, values, dtype=dtype)
    places: dict[tuple[Any, ...] | None, int] = {}
    index = [
        places.setdefault(None if value is None else tuple(value), len(places)) for value in values
    ]
    distinct = [None if value is None else list(value) for value in places]
    return pl.Series(name, distinct, dtype=dtype).gather(pl.Series(index, dtype=pl.UInt32))


_TEXT = (pl.String, pl.Categorical, pl.Enum)
_ROW = "__passive_ig_row"
"""The name the frame's positions go under until they are ``row`` (a column of the
user's may be called ``row``)."""


def _is_text(dtype: Any) -> bool:
    return isinstance(dtype, _TEXT)


def _readable(kind: str, dtype: Any) -> bool:
    """Whether a column of ``dtype`` holds what a column of ``kind`` holds (see
    :data:`passive_ig.compiled._columns.KINDS`)."""
    if isinstance(dtype, pl.Null):
        return True
    if kind == NUMBER:
        return bool(dtype.is_numeric()) or _is_text(dtype)
    if kind == FLAG:
        return isinstance(dtype, pl.Boolean) or bool(dtype.is_integer())
    if kind == TEXTS:
        if isinstance(dtype, (pl.List, pl.Array)):
            return _is_text(dtype.inner) or isinstance(dtype.inner, pl.Null)
        return _is_text(dtype)
    if kind == DAY:
        return isinstance(dtype, (pl.Date, pl.Datetime)) or _is_text(dtype)
    return _is_text(dtype) or bool(dtype.is_numeric())  # PLACE


def _columns(frame: pl.LazyFrame, schema: Schema) -> Schema:
    """The frame's columns the rules read, by type: a column of a type they cannot read
    that holds no value is left out, any other is refused; so is text that does not read
    as the number it stands for (the first such value, its row and how many there
    are)."""

    def empty(names: list[str]) -> set[str]:
        given = frame.select(pl.col(name).is_not_null().any() for name in names).collect()
        return {name for name in names if not given[name][0]}

    schema = readable_types(schema, _readable, empty)
    for name in number_columns(schema, _is_text):
        text = pl.col(name).cast(pl.String).str.strip_chars(" ")
        bad = (
            frame.with_row_index(index := _index(schema))
            .filter(text.is_not_null() & (text != "") & ~text.str.contains(NUMBER_TEXT))
            .select(
                pl.len().alias("count"),
                pl.col(index).min().alias("at"),
                pl.col(name).cast(pl.String).sort_by(index).first().alias("value"),
            )
            .collect()
        )
        if bad["count"][0]:
            raise wrong_values(name, bad["at"][0], bad["value"][0], bad["count"][0])
    return schema


def _index(schema: Schema) -> str:
    """A name for the frame's positions that none of its columns has."""
    name = _ROW
    while name in schema:
        name += "_"
    return name


def _number(name: str, schema: Schema) -> pl.Expr:
    """A column of numbers (text that is no number: null, refused before; blank text:
    null)."""
    if name not in schema:
        return pl.lit(None, pl.Float64)
    if _is_text(schema[name]):
        text = pl.col(name).cast(pl.String).str.strip_chars(" ")
        return pl.when(text.str.contains(NUMBER_TEXT)).then(text.cast(pl.Float64, strict=False))
    return pl.col(name).cast(pl.Float64)


def _texts(name: str, schema: Schema) -> pl.Expr:
    """A list column of texts, never null (an empty list for none)."""
    dtype = schema.get(name)
    empty = pl.lit([], pl.List(pl.String))
    if dtype is None:
        return empty
    if _is_text(dtype) or isinstance(dtype, pl.Null):
        return pl.col(name).cast(pl.String).str.extract_all(r"[^,;\s]+").fill_null(empty)
    if isinstance(dtype, pl.Array):
        return pl.col(name).arr.to_list().cast(pl.List(pl.String)).fill_null(empty)
    return pl.col(name).cast(pl.List(pl.String)).fill_null(empty)


def _place(schema: Schema) -> pl.Expr:
    """The place of service as text: a whole number from 0 to 99 as two digits, any other
    number as it is written (a place no one has)."""
    dtype = schema.get("place_of_service")
    if dtype is None:
        return pl.lit(None, pl.String)
    place = pl.col("place_of_service")
    if dtype.is_numeric():
        number = place.cast(pl.Float64)
        whole = (number == number.floor()) & (number >= 0) & (number <= 99)
        two_digits = number.cast(pl.Int64, strict=False).cast(pl.String).str.zfill(2)
        return pl.when(whole).then(two_digits).otherwise(place.cast(pl.String))
    return place.cast(pl.String)


def _day(schema: Schema) -> pl.Expr:
    dtype = schema.get("date_of_service")
    if dtype is None:
        return pl.lit(None, pl.Date)
    if _is_text(dtype):
        text = pl.col("date_of_service").cast(pl.String)
        return text.str.to_date("%Y-%m-%d", strict=False)
    if isinstance(dtype, pl.Datetime):  # (the date on the column's own clock)
        return pl.col("date_of_service").dt.date()
    return pl.col("date_of_service").cast(pl.Date)


def _optional(name: str, schema: Schema, dtype: Any) -> pl.Expr:
    if name not in schema:
        return pl.lit(None, dtype)
    return pl.col(name).cast(dtype)


def prepare(frame: pl.LazyFrame, payer: str | None) -> pl.LazyFrame:
    """The frame's lines in the columns the compiled rules read."""
    given = frame.collect_schema()
    if "code" not in given:
        raise no_code(list(given))
    schema = _columns(frame, given)
    index = _index(given)
    payer_expr = pl.lit(payer, pl.String)
    if "payer" in schema:
        payer_expr = pl.coalesce(pl.col("payer").cast(pl.String), payer_expr)
    return frame.with_row_index(index).select(
        pl.col(index).cast(pl.Int64).alias("row"),
        _optional("claim_id", schema, pl.String).alias("claim_id"),
        _optional("line_id", schema, pl.String).alias("line_id"),
        payer_expr.alias("payer_raw"),
        pl.col("code").cast(pl.String).alias("code_raw"),
        _texts("modifiers", schema).alias("mods"),
        _number("units", schema).alias("units"),
        _place(schema).alias("pos_raw"),
        _day(schema).alias("date"),
        _texts("diagnoses", schema).alias("dx"),
        _number("dose_mg", schema).alias("dose"),
        _number("discarded_mg", schema).alias("disc"),
        _optional("evaluation_and_management", schema, pl.Boolean).fill_null(False).alias("em"),
        _optional("prior_authorization", schema, pl.String).alias("pa_raw"),
    )


def check_polars(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Check a polars frame of claim lines; see :func:`passive_ig.compiled.check_table`.

    A DataFrame gives a DataFrame; a LazyFrame gives a LazyFrame (the Python checker's
    part, if any, runs when it is built)."""
    engine = _Polars()
    lazy = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    prepared = nw.from_native(prepare(lazy, payer))
    if not isinstance(frame, pl.DataFrame):
        # a LazyFrame may give its rows in another order each time it is collected (a
        # join, a unique): collected once, so that a row number means one line
        prepared = engine.cache(prepared)
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
    ).to_native()
    return out.collect() if isinstance(frame, pl.DataFrame) else out  # type: ignore[no-any-return]
