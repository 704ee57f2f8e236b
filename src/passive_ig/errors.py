"""The exceptions passive_ig raises.

They form a small tree whose leaves also subclass the built-in exception a caller
would already catch, so code that has never heard of passive_ig still does the
right thing:

* :class:`InvalidCodeFormat` is a :class:`ValueError`: the text cannot be a code.
* :class:`UnknownCodeError` (and the other ``Unknown...`` errors) is a
  :class:`KeyError`: the text is well formed but no record has that key.
* :class:`DataError` is a :class:`ValueError`: a data set (bundled, a directory or
  an overlay) broke the format or its rules; it lists every problem at once.

Every exception has a readable message, keeps its details as attributes, and
survives :mod:`pickle` (so it can cross a process pool), whatever value it
carries: a message shows a value through a short, safe repr (a huge integer, a
list that contains itself or an object whose ``repr`` fails still print), and a
value that cannot be pickled travels as that repr.

>>> from passive_ig import registry
>>> from passive_ig.errors import UnknownCodeError
>>> try:
...     registry.codes["90284x"]
... except ValueError as exc:
...     print(exc)
'90284x' is not a well-formed billing code: expected a CPT code (5 digits, or 4 digits and F, T or U, e.g. '90283') or a HCPCS Level II code (a letter and 4 digits, e.g. 'J1459')
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "DataError",
    "DataProblem",
    "InvalidCodeFormat",
    "InvalidInputError",
    "PassiveIGError",
    "UnknownCodeError",
    "UnknownKeyError",
    "UnknownModifierError",
    "UnknownPayerError",
    "UnknownRecordError",
]


class PassiveIGError(Exception):
    """Base class of every exception passive_ig raises on purpose."""

    def __repr__(self) -> str:
        # BaseException's repr would call repr() on every argument, which fails for
        # an int of more than 4,300 digits; this one never fails and stays short.
        return f"{type(self).__name__}({', '.join(show(arg) for arg in self.args)})"


class InvalidInputError(PassiveIGError, ValueError):
    """An argument has the wrong form or type for what it names.

    ``value`` is what was given, ``expected`` says what would have been accepted.
    """

    def __init__(self, value: object, expected: str, *, what: str = "value") -> None:
        self.value = value
        self.expected = expected
        self.what = what
        super().__init__(value, expected, what)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (type(self), (portable(self.value), self.expected), {"what": self.what}),
        )

    def __str__(self) -> str:
        return f"{show(self.value)} is not a valid {self.what}: expected {self.expected}"


class InvalidCodeFormat(InvalidInputError):
    """The text cannot be a billing code, modifier or other key of the kind asked for."""

    def __str__(self) -> str:
        return f"{show(self.value)} is not a well-formed {self.what}: expected {self.expected}"


class UnknownKeyError(PassiveIGError, KeyError):
    """No record has this key. ``suggestions`` holds the nearest known keys, best first.

    This is a :class:`KeyError`, so ``except KeyError`` catches it; unlike a bare
    ``KeyError`` its message is a sentence, not a quoted key.
    """

    kind = "record"

    def __init__(
        self, value: str, suggestions: Sequence[str] = (), *, collection: str = ""
    ) -> None:
        self.value = value
        self.suggestions = tuple(suggestions)
        self.collection = collection
        super().__init__(value, self.suggestions, collection)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild,
            (
                type(self),
                (portable(self.value), tuple(portable(item) for item in self.suggestions)),
                {"collection": self.collection},
            ),
        )

    def __str__(self) -> str:
        where = f" in {self.collection}" if self.collection else ""
        message = f"no {self.kind} {show(self.value)}{where}"
        if self.suggestions:
            message += "; did you mean " + _or_list(self.suggestions) + "?"
        return message


class UnknownCodeError(UnknownKeyError):
    """A well-formed billing code that the data does not hold."""

    kind = "billing code"


class UnknownModifierError(UnknownKeyError):
    """A well-formed modifier that the data does not hold."""

    kind = "modifier"


class UnknownPayerError(UnknownKeyError):
    """A payer name or alias that matches no payer."""

    kind = "payer"


class UnknownRecordError(UnknownKeyError):
    """No record with this id (a source, policy, coverage document, ...)."""


@attrs.frozen(kw_only=True)
class DataProblem:
    """One problem in a data set: the file, the JSON path inside it, and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class DataError(PassiveIGError, ValueError):
    """A data set broke the format or its rules. ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[DataProblem], *, origin: str = "data set") -> None:
        self.problems = tuple(problems)
        self.origin = origin
        super().__init__(self.problems, origin)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), (self.problems,), {"origin": self.origin}))

    def __str__(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.origin} has {count} {noun}:"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)


def _rebuild(
    cls: type[Exception], args: tuple[object, ...], kwargs: dict[str, object]
) -> Exception:
    """Recreate an exception from its constructor arguments (used by ``__reduce__``)."""
    return cls(*args, **kwargs)


def _or_list(items: Sequence[str]) -> str:
    quoted = [show(item) for item in items]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


# ------------------------------------------------------------------ safe values

SHOWN_LIMIT = 200
"""The longest text :func:`show` gives for one value."""


class _SafeRepr(reprlib.Repr):
    """reprlib's bounded repr, keeping dict order, and safe for huge ints and bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxtuple = self.maxlist = self.maxarray = self.maxdict = 8
        self.maxset = self.maxfrozenset = self.maxdeque = 8
        self.maxstring = 120
        self.maxlong = 60
        self.maxother = 120

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 196:  # more than 59 digits: repr() may not even be allowed
            digits = int(x.bit_length() * 0.30102999566398120) + 1
            return f"<int of about {digits} digits>"
        return super().repr_int(x, level)

    def repr_bytes(self, x: bytes, level: int) -> str:
        if len(x) <= self.maxstring:
            return repr(x)
        return repr(x[: self.maxstring]) + f"... ({len(x)} bytes)"

    def repr_bytearray(self, x: bytearray, level: int) -> str:
        return "bytearray(" + self.repr_bytes(bytes(x[: self.maxstring + 1]), level) + ")"

    def repr_dict(self, x: dict[object, object], level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        pieces = []
        for index, (key, value) in enumerate(x.items()):
            if index == self.maxdict:
                pieces.append("...")
                break
            pieces.append(f"{self.repr1(key, level - 1)}: {self.repr1(value, level - 1)}")
        return "{" + ", ".join(pieces) + "}"


_SAFE_REPR = _SafeRepr()


def show(value: object) -> str:
    """A repr of ``value`` for a message: at most :data:`SHOWN_LIMIT` characters, and
    never an exception, whatever the value (a huge int, a list containing itself, an
    object whose ``repr`` raises)."""
    if type(value) is Unpicklable:
        return value.shown
    try:
        text = _SAFE_REPR.repr(value)
        if not isinstance(text, str):
            raise TypeError(text)
    except Exception:
        try:
            name = type(value).__name__
            name = name if isinstance(name, str) else "object"
        except Exception:  # pragma: no cover - a metaclass that breaks __name__
            name = "object"
        text = f"<{name[:60]} object>"
    if " at 0x" in text:  # an address: the same value shows the same in every process
        text = _ADDRESS.sub("", text)
    if len(text) > SHOWN_LIMIT:
        text = text[: SHOWN_LIMIT - 3] + "..."
    return text


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+(?=>)")


class Unpicklable:
    """Stands in, after pickling, for a value an error carried that cannot be pickled
    (a generator, a lambda, a lock): it keeps the value's repr, so the message is the
    same on both sides."""

    __slots__ = ("shown",)

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def __repr__(self) -> str:
        return self.shown

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unpicklable) and other.shown == self.shown

    def __hash__(self) -> int:
        return hash(self.shown)

    def __reduce__(self) -> tuple[object, ...]:
        return (Unpicklable, (self.shown,))


def portable(value: object) -> object:
    """``value`` if it pickles, else an :class:`Unpicklable` that shows like it."""
    import pickle  # only when an error is pickled: kept out of a first answer

    try:
        pickle.dumps(value)
    except Exception:
        return Unpicklable(show(value))
    return value
