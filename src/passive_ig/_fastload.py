"""The fast path for the bundled data: records straight from parsed JSON, without cattrs.

The strict converter (:mod:`passive_ig._converter`) collects every problem of a
file with its JSON path, which is what a user's data set needs and what makes it
slow: importing cattrs and structuring with detailed validation costs about 30
times parsing the JSON. The bundled data was validated by the test suite before
it shipped (``tests/test_fastload.py`` loads it strictly and compares), so here
it is only built.

Built, but not trusted blindly: a plan made once per record type from its attrs
fields and type annotations applies the same rules as the strict hooks (types
without coercion, no unknown keys, no missing required ones, dates as
``YYYY-MM-DD``, enum values, ``{"not_available": reason}``). Anything the plan
cannot vouch for makes :func:`structure_list` return ``None``, and the registry
then structures the file strictly, which reports the problems. A type the plan
does not know (a new kind of field) does the same, so a record type added to
:mod:`passive_ig.records` is always loaded correctly, if slowly, until this
module learns it (``tests/test_fastload.py`` fails meanwhile, so it is not
forgotten). Equal ``NotAvailable`` values share one immutable record.

Only the registry's bundled reader uses this module; every other data set
(``Registry.from_directory``, overlays) goes through the strict converter.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from ._values import NotAvailable
from .codes import parse_iso_date

__all__ = ["structure_list", "structure_one"]

T = TypeVar("T")

_Build = Callable[[Any], Any]


class _Refused(Exception):
    """The data is not exactly what the plan expects; the strict path will say why."""


class _Unsupported(Exception):
    """A type the plan does not know; its file is structured strictly instead."""


# ---------------------------------------------------------------- scalar values
# Each mirrors the strict hook of the same type in passive_ig._converter.


def _str(value: Any) -> Any:
    if type(value) is not str:
        raise _Refused
    return value


def _int(value: Any) -> Any:
    if type(value) is not int:  # bool is not int here, as in the strict hook
        raise _Refused
    return value


def _bool(value: Any) -> Any:
    if value is not True and value is not False:
        raise _Refused
    return value


def _float(value: Any) -> Any:
    if type(value) is not float and type(value) is not int:
        raise _Refused
    return float(value)


def _date(value: Any) -> Any:
    day = parse_iso_date(value)
    if day is None:
        raise _Refused
    return day


_DECIMAL = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")  # used with fullmatch, as the strict hook


def _decimal(value: Any) -> Any:
    if type(value) is not str or not _DECIMAL.fullmatch(value):
        raise _Refused
    return decimal.Decimal(value)


_NOT_AVAILABLE: dict[str, NotAvailable] = {}  # one (immutable) record per reason


def _not_available(value: Any) -> Any:
    if type(value) is not dict or len(value) != 1:
        raise _Refused
    reason = value.get("not_available")
    found = _NOT_AVAILABLE.get(reason)  # type: ignore[arg-type]
    if found is None:
        if type(reason) is not str or not reason.strip():
            raise _Refused
        found = _NOT_AVAILABLE[reason] = NotAvailable(reason=reason)
    return found


_SCALARS: dict[object, _Build] = {
    str: _str,
    int: _int,
    bool: _bool,
    float: _float,
    dt.date: _date,
    decimal.Decimal: _decimal,
    NotAvailable: _not_available,
}


# ---------------------------------------------------------------- plans

_PLANS: dict[object, _Build] = {}


def _plan(tp: object) -> _Build:
    """The builder for values of type ``tp``; raises :class:`_Unsupported` for an unknown type."""
    found = _PLANS.get(tp)
    if found is None:
        found = _make_plan(tp)
        _PLANS[tp] = found
    return found


def _make_plan(tp: object) -> _Build:
    scalar = _SCALARS.get(tp)
    if scalar is not None:
        return scalar
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_plan(tp)
    if isinstance(tp, type) and attrs.has(tp):
        return _record_plan(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _tuple_plan(_plan(args[0]))
    if origin is typing.Union or origin is types.UnionType:
        return _union_plan(args)
    raise _Unsupported(tp)


def _enum_plan(tp: type[enum.Enum]) -> _Build:
    by_value = {member.value: member for member in tp if isinstance(member.value, str)}

    def build_enum(value: Any) -> Any:
        if type(value) is not str:
            raise _Refused
        return by_value[value]  # a KeyError refuses

    return build_enum


def _tuple_plan(item: _Build) -> _Build:
    if item is _str:

        def build_str_tuple(value: Any) -> Any:
            if type(value) is not list:
                raise _Refused
            for entry in value:
                if type(entry) is not str:
                    raise _Refused
            return tuple(value)

        return build_str_tuple

    def build_tuple(value: Any) -> Any:
        if type(value) is not list:
            raise _Refused
        return tuple([item(entry) for entry in value])

    return build_tuple


def _union_plan(args: tuple[Any, ...]) -> _Build:
    allows_none = type(None) in args
    allows_not_available = NotAvailable in args
    rest = [arg for arg in args if arg is not NotAvailable and arg is not type(None)]
    if len(rest) != 1:
        raise _Unsupported(args)
    inner = _plan(rest[0])

    def build_union(value: Any) -> Any:
        if value is None:
            if allows_none:
                return None
            raise _Refused
        if allows_not_available and type(value) is dict and "not_available" in value:
            return _not_available(value)
        return inner(value)

    return build_union


def _record_plan(cls: type[Any]) -> _Build:
    fields = attrs.fields(cls)
    if any(isinstance(field.type, str) for field in fields):
        attrs.resolve_types(cls)
        fields = attrs.fields(cls)
    builders: dict[str, _Build | None] = {}  # None: a string, checked inline
    for field in fields:
        # cattrs builds these differently (aliases, no init argument, defaults that
        # need the instance); none is in the records, so do not guess.
        if not field.init or field.name.startswith("_") or field.alias != field.name:
            raise _Unsupported(cls)
        if isinstance(field.default, attrs.Factory) and field.default.takes_self:  # type: ignore[arg-type]
            raise _Unsupported(cls)
        build = _plan(field.type)
        builders[field.name] = None if build is _str else build

    def build_record(value: Any) -> Any:
        if type(value) is not dict:
            raise _Refused
        kwargs = {}
        for key, item in value.items():
            build = builders[key]  # an unknown key is a KeyError
            if build is not None:
                kwargs[key] = build(item)
            elif type(item) is str:
                kwargs[key] = item
            else:
                raise _Refused
        return cls(**kwargs)  # a missing required key is a TypeError

    return build_record


# ---------------------------------------------------------------- entry points


def structure_list(data: object, tp: type[T]) -> tuple[T, ...] | None:
    """The records of a file holding a JSON list of ``tp``, or ``None`` to go the strict way.

    ``None`` means the data is not exactly what the strict path would accept
    without a problem, or ``tp`` holds a type this module does not know.
    """
    try:
        build = _plan(tp)
        if type(data) is not list:
            return None
        return tuple([build(item) for item in data])
    except Exception:  # anything at all: the strict path decides, and reports
        return None


def structure_one(data: object, tp: type[T]) -> T | None:
    """One record of type ``tp`` (the manifest), or ``None`` to go the strict way."""
    try:
        record: T = _plan(tp)(data)
    except Exception:
        return None
    return record
