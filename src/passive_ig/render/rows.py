"""Rows for DataFrames: records as plain dicts that pandas and polars both accept.

:func:`to_rows` turns records into plain rows with one column type each, which
``pandas.DataFrame(rows)`` and ``polars.DataFrame(rows)`` both accept
(``collection.to_records()`` calls it):

* a nested record becomes dotted columns (``effective.start``, ``descriptor.text``);
* a list of records becomes a list of such rows, a list of values a list;
* a fact that is not available becomes ``None``, and the row's
  ``not_available_fields`` column names it with the reason, so it is never
  mistaken for a field that does not apply (also ``None``) or an empty list (``[]``);
* kinds and statuses become their values; dates stay :class:`datetime.date` and
  amounts :class:`decimal.Decimal`.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterable
from typing import Any

import attrs

from .._values import NotAvailable

__all__ = ["NOT_AVAILABLE_COLUMN", "to_row", "to_rows"]

NOT_AVAILABLE_COLUMN = "not_available_fields"
"""The column of :func:`to_row` that lists each fact not available, as ``"path: reason"``."""


def to_rows(records: Iterable[object]) -> list[dict[str, Any]]:
    """Records as plain rows for ``pandas.DataFrame(rows)`` or ``polars.DataFrame(rows)``.

    Every row of one kind of record has the same columns, and each column holds
    one type of value (or ``None``). See :func:`to_row`.
    """
    return [to_row(record) for record in records]


def to_row(record: object) -> dict[str, Any]:
    """One record as a flat dict: a column per field, nested records as dotted
    columns, and :data:`NOT_AVAILABLE_COLUMN` listing what is not available.

    >>> import datetime
    >>> from passive_ig.records import Effective, NotAvailable, PolicyDocument
    >>> document = PolicyDocument(
    ...     number="2021D0035AF", title="Immune globulin", issuer="A payer",
    ...     url=NotAvailable(reason="no public copy"),
    ...     effective=Effective(start=datetime.date(2021, 4, 1)), sources=("pub",),
    ... )
    >>> row = to_row(document)
    >>> row["url"], row["effective.start"], row["effective.end"]
    (None, datetime.date(2021, 4, 1), None)
    >>> row["not_available_fields"]
    ['url: no public copy']
    """
    if not attrs.has(type(record)):
        raise TypeError(f"expected a record (an attrs instance), got {type(record).__name__}")
    row: dict[str, Any] = {}
    missing: list[str] = []
    _flatten(record, type(record), "", row, missing, "")
    row[NOT_AVAILABLE_COLUMN] = missing
    return row


def _flatten(
    record: object, kind: type[Any], prefix: str, row: dict[str, Any], missing: list[str], path: str
) -> None:
    """Put the fields of ``record`` (of class ``kind``, or None/NotAvailable) into ``row``."""
    for field in attrs.fields(kind):
        value = getattr(record, field.name) if isinstance(record, kind) else None
        _put(
            value,
            _field_type(kind, field.name),
            f"{prefix}{field.name}",
            row,
            missing,
            f"{path}{field.name}",
        )


def _put(
    value: object, tp: Any, column: str, row: dict[str, Any], missing: list[str], path: str
) -> None:
    if isinstance(value, NotAvailable):
        missing.append(f"{path}: {value.reason}")
        value = None
    nested = _record_class(tp, value)
    if nested is not None:
        _flatten(value, nested, f"{column}.", row, missing, f"{path}.")
        return
    row[column] = _plain_value(value, missing, path)


def _plain_value(value: object, missing: list[str], path: str) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list, frozenset)):
        items: list[Any] = []
        for index, item in enumerate(value):
            if isinstance(item, NotAvailable):
                items.append(item.reason)
            elif attrs.has(type(item)):
                inner: dict[str, Any] = {}
                _flatten(item, type(item), "", inner, missing, f"{path}[{index}].")
                items.append(inner)
            else:
                items.append(_plain_value(item, missing, path))
        return items
    return value


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _field_type(kind: type[Any], name: str) -> Any:
    hints = _HINTS.get(kind)
    if hints is None:
        try:
            hints = typing.get_type_hints(kind)
        except Exception:  # unresolvable annotations: fall back to the values
            hints = {}
        _HINTS[kind] = hints
    return hints.get(name)


def _union_members(tp: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(tp)
    return (tp,)


def _record_class(tp: Any, value: object) -> type[Any] | None:
    """The record class whose fields become dotted columns, if ``tp`` names one."""
    for member in _union_members(tp):
        if isinstance(member, type) and attrs.has(member) and member is not NotAvailable:
            return member
    if tp is None and attrs.has(type(value)) and not isinstance(value, NotAvailable):
        return type(value)
    return None
