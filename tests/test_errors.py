"""The exception tree: built-in bases, readable messages, pickling."""

from __future__ import annotations

import copy
import pickle

import pytest

from passive_ig import (
    DataError,
    DataProblem,
    InvalidCodeFormat,
    InvalidInputError,
    PassiveIGError,
    UnknownCodeError,
    UnknownModifierError,
    UnknownPayerError,
    UnknownRecordError,
)

EXAMPLES: list[Exception] = [
    InvalidInputError(3, "a string", what="billing code"),
    InvalidCodeFormat("9028", "5 digits", what="billing code"),
    UnknownCodeError("90285", ("90284", "90283"), collection="codes"),
    UnknownModifierError("QQ", (), collection="modifiers"),
    UnknownPayerError("Humana", ("Medicare",), collection="payers"),
    UnknownRecordError("nope", (), collection="sources"),
    DataError([DataProblem(file="codes.json", path="$[0].code", message="bad")], origin="x"),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_pickles_and_copies_with_its_message(error: Exception) -> None:
    for clone in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(clone) is type(error)
        assert str(clone) == str(error)
        assert vars(clone) == vars(error)


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_is_a_passive_ig_error_and_a_builtin(error: Exception) -> None:
    assert isinstance(error, PassiveIGError)
    assert isinstance(error, (KeyError, ValueError))


def test_unknown_key_message_is_a_sentence_not_a_quoted_key() -> None:
    error = UnknownCodeError("90285", ("90284", "90283"), collection="codes")
    assert isinstance(error, KeyError)
    assert str(error) == "no billing code '90285' in codes; did you mean '90284' or '90283'?"


def test_unknown_key_without_suggestions() -> None:
    assert str(UnknownPayerError("Humana")) == "no payer 'Humana'"


def test_invalid_format_names_value_and_expectation() -> None:
    error = InvalidCodeFormat("9028", "5 digits", what="billing code")
    assert isinstance(error, ValueError)
    assert str(error) == "'9028' is not a well-formed billing code: expected 5 digits"
    assert error.value == "9028"
    assert error.expected == "5 digits"


def test_data_error_lists_every_problem_with_file_and_path() -> None:
    error = DataError(
        [
            DataProblem(file="codes.json", path="$[0].code", message="bad"),
            DataProblem(
                file="modifiers.json", path="$[3].when_to_use", message="required key missing"
            ),
        ],
        origin="my data",
    )
    assert str(error) == (
        "my data has 2 problems:\n"
        "  codes.json: $[0].code: bad\n"
        "  modifiers.json: $[3].when_to_use: required key missing"
    )
