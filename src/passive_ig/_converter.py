"""The one private cattrs converter: JSON values to records and back, strictly.

This is the first of two tiers of checks. It checks *shape*: every required key
is present, no unknown key is, and every value has its declared type. cattrs is
lenient by default (``1`` becomes ``"1"``, ``1.7`` becomes ``1``, a string is an
iterable of characters); the hooks here refuse all of that. Rules across records
and files live in :mod:`passive_ig._integrity`.

``structure_file`` never raises on the first problem: it returns every problem of
a file, each with the file name and a JSON path.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import ForbiddenExtraKeysError

from ._values import NotAvailable
from .codes import parse_iso_date
from .errors import DataProblem, show

__all__ = ["converter", "structure_file", "unstructure"]

T = TypeVar("T")


# anchored for the JSON Schema (which uses this pattern), and used with fullmatch():
# in Python "$" alone also matches before a final "\n"
_DECIMAL = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


class _Rejected(ValueError):
    """A value the strict hooks refuse; its message is shown as is."""


def _json_name(obj: object) -> str:
    if obj is None:
        return "null"
    if isinstance(obj, bool):
        return "a boolean"
    if isinstance(obj, (int, float)):
        return "a number"
    if isinstance(obj, str):
        return "a string"
    if isinstance(obj, list):
        return "a list"
    if isinstance(obj, dict):
        return "an object"
    return type(obj).__name__


def _structure_str(obj: object, _: type) -> str:
    if not isinstance(obj, str):
        raise _Rejected(f"expected a string, got {_json_name(obj)} ({show(obj)})")
    return obj


def _structure_int(obj: object, _: type) -> int:
    if isinstance(obj, bool) or not isinstance(obj, int):
        raise _Rejected(f"expected an integer, got {_json_name(obj)} ({show(obj)})")
    return obj


def _structure_bool(obj: object, _: type) -> bool:
    if not isinstance(obj, bool):
        raise _Rejected(f"expected true or false, got {_json_name(obj)} ({show(obj)})")
    return obj


def _structure_float(obj: object, _: type) -> float:
    if isinstance(obj, bool) or not isinstance(obj, (int, float)):
        raise _Rejected(f"expected a number, got {_json_name(obj)} ({show(obj)})")
    try:
        return float(obj)
    except OverflowError:
        raise _Rejected(f"expected a number in range, got {show(obj)}") from None


def _structure_decimal(obj: object, _: type) -> decimal.Decimal:
    if not isinstance(obj, str) or not _DECIMAL.fullmatch(obj):
        raise _Rejected(f"expected an amount as a string of digits, e.g. '420.48', got {show(obj)}")
    return decimal.Decimal(obj)


def _structure_date(obj: object, _: type) -> dt.date:
    if not isinstance(obj, str):
        raise _Rejected(f"expected a date as 'YYYY-MM-DD', got {_json_name(obj)} ({show(obj)})")
    day = parse_iso_date(obj)
    if day is None:
        raise _Rejected(f"expected a date as 'YYYY-MM-DD', got {show(obj)}")
    return day


def _is_enum(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _enum_hook(tp: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    by_value = {member.value: member for member in tp}
    allowed = ", ".join(repr(value) for value in by_value)

    def structure_enum(obj: object, _: type) -> enum.Enum:
        if isinstance(obj, str) and obj in by_value:
            return by_value[obj]
        raise _Rejected(f"expected one of {allowed}, got {show(obj)}")

    return structure_enum


def _union_args(tp: object) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(tp)
    return None


def _has_not_available(tp: object) -> bool:
    args = _union_args(tp)
    return args is not None and NotAvailable in args


def _not_available_union_hook(tp: object, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    args = _union_args(tp) or ()
    allows_none = type(None) in args
    rest = [arg for arg in args if arg is not NotAvailable and arg is not type(None)]
    if len(rest) != 1:  # pragma: no cover - a records.py mistake, caught by the tests
        raise TypeError(f"unsupported union {tp!r}")
    inner = rest[0]
    inner_hook = conv.get_structure_hook(inner)
    na_hook = conv.get_structure_hook(NotAvailable)

    def structure_optional_fact(obj: object, _: type) -> object:
        if obj is None:
            if allows_none:
                return None
            raise _Rejected("expected a value or {'not_available': '<reason>'}, got null")
        if isinstance(obj, dict) and "not_available" in obj:
            return na_hook(obj, NotAvailable)
        return inner_hook(obj, inner)

    return structure_optional_fact


def _strict_tuple_hook(tp: object, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    base: Callable[[Any, Any], Any] = homogenous_tuple_structure_factory(tp, conv)  # type: ignore[arg-type]

    def structure_tuple(obj: object, cl: type) -> object:
        if not isinstance(obj, list):
            raise _Rejected(f"expected a list, got {_json_name(obj)} ({show(obj)})")
        return base(obj, cl)

    return structure_tuple


def _is_homogeneous_tuple(tp: object) -> bool:
    if typing.get_origin(tp) is not tuple:
        return False
    args = typing.get_args(tp)
    return len(args) == 2 and args[1] is Ellipsis


def _strict_attrs_hook(tp: type, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    base: Callable[[Any, Any], Any] = cattrs.gen.make_dict_structure_fn(
        tp, conv, _cattrs_forbid_extra_keys=True
    )

    def structure_record(obj: object, cl: type) -> object:
        if not isinstance(obj, dict):
            raise _Rejected(f"expected an object, got {_json_name(obj)} ({show(obj)})")
        return base(obj, cl)

    return structure_record


def _structure_not_available(obj: object, _: type) -> NotAvailable:
    if not isinstance(obj, dict) or set(obj) != {"not_available"}:
        raise _Rejected(f"expected {{'not_available': '<reason>'}}, got {show(obj)}")
    reason = obj["not_available"]
    if not isinstance(reason, str) or not reason.strip():
        raise _Rejected(
            f"the reason a fact is not available must be a non-empty string, got {show(reason)}"
        )
    return NotAvailable(reason=reason)


def _unstructure_not_available(value: NotAvailable) -> dict[str, str]:
    return {"not_available": value.reason}


def _is_count(tp: object) -> bool:
    args = _union_args(tp)
    return args is not None and set(args) == {int, decimal.Decimal, type(None)}


def _structure_count(obj: object, _: type) -> object:
    """A count that may be fractional (claim-line units): a JSON number, passed on
    to the field's own converter (a whole number becomes an int, a fraction a
    Decimal, a bad value is refused there with the field's name)."""
    if isinstance(obj, bool) or not isinstance(obj, (int, float)):
        raise _Rejected(f"expected a number, got {_json_name(obj)} ({obj!r})")
    return obj


def _unstructure_count(value: int | decimal.Decimal | None) -> int | float | None:
    # a JSON number, as the input takes it; units carry a few decimals at most,
    # which a float keeps exactly (Decimal('2.5') -> 2.5 -> Decimal('2.5'))
    return float(value) if isinstance(value, decimal.Decimal) else value


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(decimal.Decimal, _structure_decimal)
    conv.register_unstructure_hook(decimal.Decimal, lambda amount: format(amount, "f"))
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook_factory(_is_enum, _enum_hook)
    conv.register_structure_hook_factory(
        lambda tp: isinstance(tp, type) and attrs.has(tp),
        lambda tp: _strict_attrs_hook(tp, conv),
    )
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _strict_tuple_hook)
    conv.register_structure_hook_factory(_has_not_available, _not_available_union_hook)
    conv.register_structure_hook_func(_is_count, _structure_count)
    conv.register_unstructure_hook_func(_is_count, _unstructure_count)
    conv.register_structure_hook(NotAvailable, _structure_not_available)
    conv.register_unstructure_hook(NotAvailable, _unstructure_not_available)
    return conv


converter = _make_converter()


def unstructure(record: object) -> Any:
    """Turn a record (or a tuple of them) into plain JSON-ready values."""
    return converter.unstructure(record)


_MESSAGE_LIMIT = 1000
"""The longest message of one problem (values in it are already shortened)."""


def _format_exception(exc: BaseException, tp: type | None) -> str:
    message = _message_of(exc, tp)
    if len(message) > _MESSAGE_LIMIT:  # an exception text that shows a value in full
        message = message[: _MESSAGE_LIMIT - 3] + "..."
    return message


def _message_of(exc: BaseException, tp: type | None) -> str:
    from .errors import PassiveIGError

    if isinstance(exc, (_Rejected, PassiveIGError)):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = ", ".join(
            key if key.isidentifier() and key.isascii() and len(key) <= 60 else show(key)
            for key in sorted(exc.extra_fields)
        )
        return f"unknown key(s) {keys} (not part of the format)"
    if isinstance(exc, KeyError):
        return "required key missing"
    return cattrs.v.format_exception(exc, tp)


@attrs.frozen
class Structured(Generic[T]):
    """The records of one file that structured, where each stood, and every problem."""

    records: tuple[T, ...]
    positions: tuple[int, ...]
    problems: tuple[DataProblem, ...]


def structure_file(
    data: object, tp: type[T], *, file: str, skip: frozenset[int] = frozenset()
) -> Structured[T]:
    """Structure a file that holds a JSON list of records of type ``tp``.

    Returns the records that structured and a problem for everything that did not.
    The records at the indexes in ``skip`` (already refused) are left out.
    """
    if not isinstance(data, list):
        problem = DataProblem(
            file=file, path="$", message=f"expected a list, got {_json_name(data)}"
        )
        return Structured(records=(), positions=(), problems=(problem,))
    records: list[T] = []
    positions: list[int] = []
    problems: list[DataProblem] = []
    hook = converter.get_structure_hook(tp)
    for index, item in enumerate(data):
        if index in skip:
            continue
        try:
            records.append(hook(item, tp))
            positions.append(index)
        except Exception as exc:
            problems.extend(_problems(exc, file=file, path=f"$[{index}]"))
    return Structured(records=tuple(records), positions=tuple(positions), problems=tuple(problems))


def structure_one(
    data: object, tp: type[T], *, file: str
) -> tuple[T | None, tuple[DataProblem, ...]]:
    """Structure a file that holds a single JSON object (the manifest)."""
    try:
        return converter.get_structure_hook(tp)(data, tp), ()
    except Exception as exc:
        return None, tuple(_problems(exc, file=file, path="$"))


def _problems(exc: BaseException, *, file: str, path: str) -> list[DataProblem]:
    problems = []
    for line in cattrs.transform_error(exc, path=path, format_exception=_format_exception):
        message, _, where = line.rpartition(" @ ")
        problems.append(DataProblem(file=file, path=where or path, message=message or line))
    return problems


def structure_input(data: object, tp: type[T], *, what: str) -> T:
    """Structure user input (a claim, a line, a report), raising one clear error.

    Raises :class:`~passive_ig.errors.InvalidInputError` whose message lists every
    problem with its JSON path.
    """
    from .errors import InvalidInputError

    try:
        result: T = converter.get_structure_hook(tp)(data, tp)
    except Exception as exc:
        problems = [f"{p.path}: {p.message}" for p in _problems(exc, file=what, path="$")]
        raise InvalidInputError(
            data, f"a {what} in the documented format ({'; '.join(problems)})", what=what
        ) from None
    return result
