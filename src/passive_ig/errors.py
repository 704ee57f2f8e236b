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
survives :mod:`pickle` (so it can cross a process pool).

>>> from passive_ig import registry
>>> from passive_ig.errors import UnknownCodeError
>>> try:
...     registry.codes["90284x"]
... except ValueError as exc:
...     print(exc)
'90284x' is not a well-formed billing code: expected a CPT code (5 digits, or 4 digits and F, T or U, e.g. '90283') or a HCPCS Level II code (a letter and 4 digits, e.g. 'J1459')
"""

from __future__ import annotations

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
        return (_rebuild, (type(self), (self.value, self.expected), {"what": self.what}))

    def __str__(self) -> str:
        return f"{self.value!r} is not a valid {self.what}: expected {self.expected}"


class InvalidCodeFormat(InvalidInputError):
    """The text cannot be a billing code, modifier or other key of the kind asked for."""

    def __str__(self) -> str:
        return f"{self.value!r} is not a well-formed {self.what}: expected {self.expected}"


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
            (type(self), (self.value, self.suggestions), {"collection": self.collection}),
        )

    def __str__(self) -> str:
        where = f" in {self.collection}" if self.collection else ""
        message = f"no {self.kind} {self.value!r}{where}"
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
    quoted = [repr(item) for item in items]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
