"""Hostile input breaks no promise (issue 13): lookups, validators, units, errors, the
command line, and data sets and overlays, each through the public API.

The last part drives the same entry points with arbitrary values of every type
(hypothesis) and asserts that only passive_ig's own errors escape, and that every
one of them is a built-in subclass, prints (briefly) and pickles.
"""

from __future__ import annotations

import copy
import decimal
import gc
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passive_ig import (
    DataError,
    InvalidInputError,
    NotAvailable,
    PassiveIGError,
    Registry,
    UnknownPayerError,
    registry,
)
from passive_ig import codes as codes_module
from passive_ig.cli import main
from passive_ig.errors import DataProblem, UnknownCodeError, UnknownRecordError
from passive_ig.registry import SPECS

TESTS = Path(__file__).parent
MINIMAL = TESTS / "data" / "minimal"
OVERLAY = TESTS / "data" / "overlay"
COLLECTIONS = tuple(spec.name for spec in SPECS)


# ---------------------------------------------------------------- lookups


def test_a_malformed_workflow_step_key_gives_the_library_s_errors() -> None:
    for key in ("90283/²", "90283/¹²", "90283/1²", "²⁹⁰²⁸³/1", "90283/" + "9" * 5000):
        with pytest.raises(InvalidInputError) as info:
            registry.workflow_steps[key]
        assert str(info.value).endswith(
            " is not a valid workflow step key: expected 'CODE/ORDER', e.g. '90283/1'"
        )
        assert registry.workflow_steps.get(key) is None
        assert key not in registry.workflow_steps
    assert str(info.value).startswith("'90283/99999")  # the value, shortened
    assert len(str(info.value)) < 300


def test_a_payer_key_with_no_letter_or_digit_finds_no_payer() -> None:
    for key in ("", "???", " - ", "\0"):
        with pytest.raises(UnknownPayerError, match=r"^no payer .* in payers"):
            registry.payers[key]
        assert registry.payers.get(key) is None
        assert key not in registry.payers


def test_lookup_caches_keep_no_long_key() -> None:
    fresh = Registry.from_directory(MINIMAL)
    fresh.load_all()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(16):  # 16 distinct keys of 1 MiB, each finding a record
            padding = " " * (1 << 20) + " " * index
            assert fresh.codes[padding + "90283"].code == "90283"
            assert fresh.codes.get(padding + "J1459") is not None
            assert padding + "cpt 90283" in fresh.codes
            assert fresh.sources[padding + "pub"].id == "pub"
            assert fresh.policy(padding + "UHC", padding + "90283").id == "uhc-90283"
            del padding
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1 << 20  # without the bound, about 80 MiB of keys stay


def test_short_keys_are_still_remembered_and_found() -> None:
    fresh = Registry.from_directory(MINIMAL)
    for _ in range(2):
        assert fresh.codes[" cpt 90283 "] is fresh.codes["90283"]
        assert fresh.policy("UHC") is fresh.policy("UHC")


# ---------------------------------------------------------------- validators


def test_validate_modifiers_of_what_is_not_a_list_is_invalid_input() -> None:
    for value in (1, None, 2.5, object()):
        with pytest.raises(InvalidInputError) as info:
            codes_module.validate_modifiers(value)  # type: ignore[arg-type]
        assert isinstance(info.value, ValueError)
    assert str(info.value).endswith(
        "is not a valid modifier list: expected a list of modifiers, e.g. ['JW']"
    )
    with pytest.raises(InvalidInputError) as info:
        codes_module.validate_modifiers(1)  # type: ignore[arg-type]
    assert str(info.value) == (
        "1 is not a valid modifier list: expected a list of modifiers, e.g. ['JW']"
    )
    assert codes_module.validate_modifiers(iter(["jw"])) == ("JW",)


# ---------------------------------------------------------------- units


def test_the_callers_decimal_precision_does_not_change_the_answer() -> None:
    for precision in (2, 3):
        with decimal.localcontext() as context:
            context.prec = precision
            count = registry.billing_units("J1459", dose_mg=1_234_500)
            assert count.units == 2469
            assert count.exact_units == decimal.Decimal(2469)
            partial = registry.billing_units("J1459", dose_mg=1_234_501)
            assert isinstance(partial.units, NotAvailable)
            # 6 significant digits would show 2469: enough are shown to see it is not whole
            assert partial.units.reason.startswith("1234501 mg is 2469.002 units of J1459")
            assert partial.exact_units == decimal.Decimal("2469.002")


def test_the_callers_decimal_traps_raise_nothing() -> None:
    dose = "1234.567890123456789012345678"  # / 500 has more digits than the default 28
    for precision in (28, 2):
        with decimal.localcontext() as context:
            context.prec = precision
            context.traps[decimal.Inexact] = True
            context.traps[decimal.Rounded] = True
            context.traps[decimal.FloatOperation] = True
            count = registry.billing_units("J1459", dose_mg=dose)
            float_count = registry.billing_units("J1459", dose_mg=1_200.0)
        assert count.exact_units == decimal.Decimal("2.469135780246913578024691356")
        assert isinstance(count.units, NotAvailable)
        assert count.units.reason.startswith(f"{dose} mg is 2.46914 units of J1459")
        assert isinstance(float_count.units, NotAvailable)
        assert float_count.units.reason.startswith("1200 mg is 2.4 units of J1459 (per 500 mg)")


def test_a_dose_of_many_significant_digits_is_not_counted_as_whole_units() -> None:
    count = registry.billing_units("J1459", dose_mg="500.000000000000000000000000000001")
    assert count.exact_units == decimal.Decimal("1.000000000000000000000000000000002")
    assert isinstance(count.units, NotAvailable)
    assert count.units.reason.startswith(
        "500.000000000000000000000000000001 mg is 1.000000000000000000000000000000002 units "
        "of J1459 (per 500 mg); how a partial unit is rounded"
    )
    with pytest.raises(InvalidInputError) as info:
        registry.billing_units("J1459", dose_mg="1." + "0" * 40 + "1")
    assert str(info.value) == (
        f"'1.{'0' * 40}1' is not a valid dose: expected an amount in mg of at most 40 "
        "significant digits"
    )


def test_minus_zero_and_zero_give_one_answer() -> None:
    for zero, minus in (
        (0.0, -0.0),
        ("0", "-0"),
        (decimal.Decimal("0.0"), decimal.Decimal("-0.0")),
    ):
        plus_count = registry.billing_units("J1459", dose_mg=zero, discarded_mg=zero)
        minus_count = registry.billing_units("J1459", dose_mg=minus, discarded_mg=minus)
        assert minus_count == plus_count
        assert repr(minus_count) == repr(plus_count)
        assert str(minus_count.dose_mg) == str(plus_count.dose_mg)


@pytest.mark.parametrize(
    ("dose", "shown"),
    [
        (2**1024, "<int of about 309 digits>"),
        (-(2**1024), "<int of about 309 digits>"),
        (10**5000, "<int of about 5001 digits>"),
        (float("inf"), "inf"),
        ("1" * 100, "'" + "1" * 100 + "'"),
    ],
    ids=["2**1024", "-2**1024", "10**5000", "inf", "100 digits"],
)
def test_an_amount_no_dose_can_be_is_refused_clearly(dose: object, shown: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        registry.billing_units("J1459", dose_mg=dose)  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{shown} is not a valid dose: expected an amount in mg")


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


# ---------------------------------------------------------------- overlays


def overlay_copy(tmp_path: Path) -> Path:
    target = tmp_path / "overlay"
    shutil.copytree(OVERLAY, target)
    return target


def test_a_key_given_twice_in_an_overlay_is_refused(tmp_path: Path) -> None:
    base = Registry.from_directory(MINIMAL)
    path = overlay_copy(tmp_path)
    text = (path / "policies.json").read_text(encoding="utf-8")
    (path / "policies.json").write_text(
        text.replace('"id": "uhc-90283"', '"id": "mine", "id": "uhc-90283"'), encoding="utf-8"
    )
    with pytest.raises(DataError) as info:
        base.with_overlay(path)
    assert [str(problem) for problem in info.value.problems] == [
        "policies.json: $[0].id: key 'id' given more than once in one object"
    ]


def test_a_misspelled_overlay_file_name_is_refused_with_the_nearest_name(tmp_path: Path) -> None:
    base = Registry.from_directory(MINIMAL)
    path = overlay_copy(tmp_path)
    (path / "policies.json").rename(path / "policy.json")
    (path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DataError) as info:
        base.with_overlay(path)
    names = (
        "sources.json, codes.json, modifiers.json, payers.json, policies.json, coverage.json, "
        "diagnosis_lists.json, places_of_service.json, taxonomies.json, "
        "payment_benchmarks.json, workflow.json, criteria.json"
    )
    assert [str(problem) for problem in info.value.problems] == [
        f"manifest.json: $: not part of an overlay (an overlay holds only {names})",
        f"policy.json: $: not a data file name; did you mean 'policies.json'? (an overlay "
        f"holds only {names})",
    ]


def test_an_overlay_problem_of_shape_does_not_hide_one_across_files(tmp_path: Path) -> None:
    base = Registry.from_directory(MINIMAL)
    path = overlay_copy(tmp_path)
    codes = json.loads((path / "codes.json").read_text(encoding="utf-8"))
    codes[0]["status"] = "retired"
    (path / "codes.json").write_text(json.dumps(codes), encoding="utf-8")
    policies = json.loads((path / "policies.json").read_text(encoding="utf-8"))
    policies[0]["payer"] = "humana"
    (path / "policies.json").write_text(json.dumps(policies), encoding="utf-8")
    with pytest.raises(DataError) as info:
        base.with_overlay(path)
    assert [(p.file, p.message) for p in info.value.problems] == [
        ("codes.json", "expected one of 'active', 'deleted', got 'retired'"),
        ("policies.json", "unknown payer 'humana'"),
    ]


def test_an_overlay_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    base = Registry.from_directory(MINIMAL)
    path = overlay_copy(tmp_path)
    os.mkfifo(path / "payers.json")
    found: list[BaseException] = []

    def load() -> None:
        try:
            base.with_overlay(path)
        except DataError as exc:
            found.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(60)
    assert len(found) == 1
    assert [str(p) for p in found[0].problems] == [  # type: ignore[attr-defined]
        "payers.json: $: not a regular file (a FIFO); only files are read"
    ]


# ---------------------------------------------------------------- command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_data_on_what_is_not_a_directory_is_misuse(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "validate-data", str(tmp_path / "nope"))
    assert (code, out) == (2, "")
    assert (
        err
        == f"passive-ig: error: {tmp_path / 'nope'}: no such directory: expected a data directory\n"
    )
    (tmp_path / "file.json").write_text("[]")
    for flags in ((), ("--overlay",)):
        code, out, err = run(capsys, "validate-data", *flags, str(tmp_path / "file.json"))
        assert (code, out) == (2, "")
        assert err.endswith("file.json: not a directory: expected a data directory\n")


def test_validate_data_on_hostile_data_lists_problems_without_a_traceback(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data"
    shutil.copytree(MINIMAL, os.fsdecode(path))
    (path / "codes.json").write_text("[" * 100_000 + "]" * 100_000)
    (path / "payers.json").write_text("[" + "1" * 5000 + "]")
    (path / "taxonomies.json").unlink()
    os.mkfifo(path / "taxonomies.json")
    result = subprocess.run(
        [sys.executable, "-m", "passive_ig", "validate-data", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[1:] == [
        "  codes.json: $: arrays or objects nested more than 64 levels deep",
        "  payers.json: $[0]: an integer of 5000 digits (at most 100)",
        "  taxonomies.json: $: not a regular file (a FIFO); only files are read",
    ]


def test_a_directory_name_that_does_not_print_is_shown_escaped(tmp_path: Path) -> None:
    path = os.path.join(os.fsencode(tmp_path), b"data\xff")  # not UTF-8: "\udcff" in str
    shutil.copytree(MINIMAL, os.fsdecode(path))
    shown = repr(os.fsdecode(path))
    result = subprocess.run(
        [sys.executable, "-m", "passive_ig", "validate-data", path],
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.startswith(os.fsencode(tmp_path) + b"/data\\udcff: valid; 2 sources")
    os.remove(os.path.join(path, b"codes.json"))
    with pytest.raises(DataError) as info:
        Registry.from_directory(os.fsdecode(path))
    assert str(info.value).startswith(f"{shown} has 1 problem:\n  codes.json: $: file missing")


def test_a_reader_that_leaves_ends_the_command_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "passive_ig", "guide", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()  # as `| head -c 100` does
    err = process.stderr.read()
    process.stderr.close()
    code = process.wait(timeout=120)
    assert err == b""
    assert code in (0, 141)  # 0 when the whole output fitted in the pipe before it closed


def test_a_closed_pipe_is_exit_141_without_a_word() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read
    with os.fdopen(write_end, "wb") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "passive_ig", "guide", "--json"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    assert result.stderr == b""
    assert result.returncode == 141


# ---------------------------------------------------------------- properties

SPECIAL_TEXT = [
    "",
    " ",
    "???",
    "\0",
    "²⁵",
    "90283/²",
    "90283/1",
    "cpt 90283",
    " J1459 ",
    "90283\n",
    "UHC",
    "Medicare",
    "pub",
    "medicare-90283",
    "\ud800",
    "J14²⁵",
    "9" * 5000,
    " " * 10_000 + "90283",
]

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**1024, -(2**1024), 10**5000, -1, 0, 500, 35_000]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-0.0, 0.0, float("nan"), float("inf")]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(SPECIAL_TEXT),
    st.binary(max_size=10),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.builds(object),
    st.sampled_from(HOSTILE_VALUES),
    st.builds(lambda: (item for item in [])),
)


def _check_error(error: BaseException) -> None:
    assert isinstance(error, PassiveIGError), repr(error)
    assert isinstance(error, (ValueError, KeyError))
    text = str(error)
    if isinstance(error, DataError):
        assert all(len(str(problem)) < 2000 for problem in error.problems)
    else:
        assert len(text) < 2000
    repr(error)
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert str(clone) == text


def _call(function: Callable[[], Any]) -> Any:
    try:
        return function()
    except PassiveIGError as error:
        _check_error(error)
        return error


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(COLLECTIONS), key=ANY_VALUE)
def test_lookups_of_any_value_raise_only_passive_ig_errors(name: str, key: object) -> None:
    collection = getattr(registry, name)
    found = _call(lambda: collection[key])
    got = _call(lambda: collection.get(key))
    assert not isinstance(got, PassiveIGError)  # get() never raises for a bad key
    assert (key in collection) is (got is not None)
    if not isinstance(found, PassiveIGError):
        assert got is found


VALIDATORS = [
    (codes_module.validate_code, codes_module.is_valid_code),
    (codes_module.validate_modifier, codes_module.is_valid_modifier),
    (codes_module.validate_diagnosis, codes_module.is_valid_diagnosis),
    (codes_module.validate_place_of_service, codes_module.is_valid_place_of_service),
]


@settings(max_examples=150, deadline=None)
@given(which=st.sampled_from(range(len(VALIDATORS))), value=ANY_VALUE)
def test_validators_of_any_value_raise_only_invalid_input(which: int, value: object) -> None:
    validate, is_valid = VALIDATORS[which]
    result = _call(lambda: validate(value))
    assert is_valid(value) is (not isinstance(result, PassiveIGError))
    if isinstance(result, PassiveIGError):
        assert isinstance(result, InvalidInputError)
    modifiers = _call(lambda: codes_module.validate_modifiers(value))  # type: ignore[arg-type]
    assert isinstance(modifiers, (tuple, InvalidInputError))


@settings(max_examples=150, deadline=None)
@given(
    code=st.one_of(st.sampled_from(["J1459", "90284", "J1555", "90283", "Q2052"]), ANY_VALUE),
    dose=ANY_VALUE,
    discarded=st.one_of(st.none(), ANY_VALUE),
)
def test_billing_units_of_any_value_raise_only_passive_ig_errors(
    code: object, dose: object, discarded: object
) -> None:
    with decimal.localcontext() as context:  # a hostile context changes nothing either
        context.prec = 2
        context.traps[decimal.Inexact] = True
        result = _call(
            lambda: registry.billing_units(code, dose_mg=dose, discarded_mg=discarded)  # type: ignore[arg-type]
        )
    if not isinstance(result, PassiveIGError):
        assert isinstance(result.units, (int, NotAvailable))
        repr(result)


@settings(max_examples=100, deadline=None)
@given(value=ANY_VALUE, expected=st.text(max_size=30), what=st.text(max_size=10))
def test_errors_built_around_any_value_print_and_pickle(
    value: object, expected: str, what: str
) -> None:
    _check_error(InvalidInputError(value, expected, what=what))
    _check_error(UnknownPayerError(value, (value,), collection=what))  # type: ignore[arg-type]


# Data sets: the minimal data set and the overlay, with a few hostile edits written
# as raw JSON text (so that what json.dumps cannot write, can be).


class Raw:
    """JSON text written as is: an integer of 5,000 digits, NaN, deep nesting."""

    def __init__(self, text: str) -> None:
        self.text = text


class Twice:
    """An object that gives one key twice."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        self.pairs = pairs


def dump(value: object) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Twice):
        return "{" + ", ".join(f"{json.dumps(k)}: {dump(v)}" for k, v in value.pairs) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump(item) for item in value) + "]"
    return json.dumps(value)


HOSTILE_JSON = st.sampled_from(
    [
        Raw("7" * 5000),
        Raw("-" + "7" * 200),
        Raw("NaN"),
        Raw("-Infinity"),
        Raw("1e400"),
        Raw("[" * 200 + "]" * 200),
        Raw("[" * 5000 + "]" * 5000),
        {"not_available": "n"},
        {"not_available": ""},
        [],
        {},
        ["pub"],
        0,
        -500,
        "12.50\n",
        " pub ",
        "9" * 5000,  # a message shows it shortened
        {"x" * 5000: 1},
    ]
)
JSON_VALUE = st.one_of(
    HOSTILE_JSON,  # half the values are chosen to break a promise
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-1000, max_value=1000),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=8),
        st.sampled_from(SPECIAL_TEXT[:-2]),
        st.lists(st.text(max_size=4), max_size=2),
    ),
)


@st.composite
def edits(draw: st.DrawFn, files: dict[str, Any]) -> dict[str, Any]:
    """Change one to three values, anywhere in the files, or give a key twice."""
    files = json.loads(json.dumps(files))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        name = draw(st.sampled_from(sorted(files)))
        node: Any = files[name]
        depth = draw(st.integers(min_value=0, max_value=4))
        while True:
            keys = list(range(len(node))) if isinstance(node, list) else list(node)
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if depth and isinstance(child, (dict, list)) and child:
                node, depth = child, depth - 1
                continue
            if isinstance(node, dict) and draw(st.integers(0, 4)) == 0:
                pairs = [*node.items(), (key, copy.deepcopy(draw(JSON_VALUE)))]
                _replace(files[name], node, Twice(pairs))
            else:
                node[key] = copy.deepcopy(draw(JSON_VALUE))  # sampled values are shared
            break
    return files


def _replace(root: Any, target: Any, new: Any) -> None:
    stack = [root]
    while stack:
        node = stack.pop()
        items = list(enumerate(node)) if isinstance(node, list) else list(node.items())
        for key, value in items:
            if value is target:
                node[key] = new
                return
            if isinstance(value, (dict, list)):
                stack.append(value)


def read_files(path: Path) -> dict[str, Any]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(path.glob("*.json"))}


MINIMAL_FILES = read_files(MINIMAL)
OVERLAY_FILES = read_files(OVERLAY)
BASE = Registry.from_directory(MINIMAL)


def _write(files: dict[str, Any], path: Path, renamed: str | None) -> None:
    path.mkdir()
    for name, data in files.items():
        (path / (renamed if renamed and name == "policies.json" else name)).write_text(
            dump(data), encoding="utf-8"
        )


def _check_data_error(error: DataError, names: set[str]) -> None:
    _check_error(error)
    assert error.problems
    for problem in error.problems:
        assert problem.file in names, problem
        assert problem.path.startswith("$"), problem


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=edits(MINIMAL_FILES),
    renamed=st.sampled_from([None, None, None, "policy.json"]),
)
def test_a_corrupted_data_set_is_loaded_or_refused_with_a_data_error(
    files: dict[str, Any], renamed: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data"
        _write(files, path, renamed)
        result = _call(lambda: Registry.from_directory(path))
    names = {*MINIMAL_FILES, "policy.json"}
    if isinstance(result, PassiveIGError):
        assert isinstance(result, DataError), repr(result)
        _check_data_error(result, names)
    else:
        for name in COLLECTIONS:  # a data set that loads answers every lookup
            collection = getattr(result, name)
            for record_key in collection.keys():  # noqa: SIM118  # keys, not the records
                assert collection[record_key] is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=edits(OVERLAY_FILES),
    renamed=st.sampled_from([None, None, None, "policy.json"]),
)
def test_a_corrupted_overlay_is_applied_or_refused_with_a_data_error(
    files: dict[str, Any], renamed: str | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "overlay"
        _write(files, path, renamed)
        result = _call(lambda: BASE.with_overlay(path))
    if isinstance(result, PassiveIGError):
        assert isinstance(result, DataError), repr(result)
        _check_data_error(result, {*MINIMAL_FILES, "policy.json"})
    else:
        for name in COLLECTIONS:  # an overlay that applies answers every lookup
            collection = getattr(result, name)
            for record_key in collection.keys():  # noqa: SIM118  # keys, not the records
                assert collection[record_key] is not None
