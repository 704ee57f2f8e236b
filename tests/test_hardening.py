"""Hostile input breaks no promise (issue 13): lookups, validators, units, errors, the
command line, and data sets and overlays, each through the public API.

The last part drives the same entry points with arbitrary values of every type
(hypothesis) and asserts that only passive_ig's own errors escape, and that every
one of them is a built-in subclass, prints (briefly) and pickles.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from passive_ig import (
    DataError,
    InvalidInputError,
    PassiveIGError,
)
from passive_ig.errors import DataProblem, UnknownCodeError, UnknownRecordError
from passive_ig.registry import SPECS

TESTS = Path(__file__).parent
MINIMAL = TESTS / "data" / "minimal"
OVERLAY = TESTS / "data" / "overlay"
COLLECTIONS = tuple(spec.name for spec in SPECS)


# ---------------------------------------------------------------- errors


def _generator() -> Iterator[int]:
    yield 1


def _self_containing() -> list[object]:
    items: list[object] = [1]
    items.append(items)
    return items


class _BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


HOSTILE_VALUES: list[object] = [
    10**5000,
    -(10**5000),
    _self_containing(),
    {"a": _self_containing()},
    _generator(),
    lambda: 0,
    threading.Lock(),
    _BadRepr(),
    "x" * 1_000_000,
    b"\xff" * 1_000_000,
    [[[[[[[[[[1]]]]]]]]]],
    "\ud800",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=lambda value: type(value).__name__)
def test_every_error_prints_briefly_and_pickles_whatever_it_carries(value: object) -> None:
    errors: list[PassiveIGError] = [
        InvalidInputError(value, "a string", what="billing code"),
        UnknownCodeError(value, (value,), collection="codes"),  # type: ignore[arg-type]
        UnknownRecordError("x", (value,), collection="sources"),  # type: ignore[arg-type]
        DataError([DataProblem(file="codes.json", path="$", message="bad")], origin="x"),
    ]
    for error in errors:
        text = str(error)
        assert len(text) < 1000
        assert len(repr(error)) < 2000
        clone = pickle.loads(pickle.dumps(error))
        assert type(clone) is type(error)
        assert str(clone) == text
        assert isinstance(error, (ValueError, KeyError))


def test_a_huge_int_and_a_self_containing_list_are_shown_briefly() -> None:
    assert str(InvalidInputError(10**5000, "a dose", what="dose")) == (
        "<int of about 5001 digits> is not a valid dose: expected a dose"
    )
    assert str(InvalidInputError(_self_containing(), "a list", what="list")) == (
        "[1, [1, [1, [...]]]] is not a valid list: expected a list"
    )
    error = InvalidInputError(_BadRepr(), "a code", what="code")
    assert str(error) == "<_BadRepr instance> is not a valid code: expected a code"


def test_an_error_for_an_unpicklable_value_pickles_with_its_repr() -> None:
    lock = threading.Lock()
    error = InvalidInputError(lock, "a string", what="payer")
    clone = pickle.loads(pickle.dumps(error))
    # shown without its address, so the message is the same in every process
    assert (
        str(clone)
        == str(error)
        == ("<unlocked _thread.lock object> is not a valid payer: expected a string")
    )
    assert repr(clone.value) == "<unlocked _thread.lock object>"
    assert error.value is lock  # the error raised keeps the object itself
