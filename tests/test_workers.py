"""Bulk checks in worker processes: what crosses a process boundary survives it.

The registry, its records, reports and every exception pickle; the bulk check is
a pure function of its inputs, so a batch split across a process pool gives the
same reports as in-process.
"""

from __future__ import annotations

import copy
import datetime as dt
import multiprocessing
import pickle
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passive_ig import (
    DataError,
    DataProblem,
    InvalidCodeFormat,
    InvalidInputError,
    Registry,
    UnknownCodeError,
    UnknownModifierError,
    UnknownPayerError,
    UnknownRecordError,
    registry,
)
from passive_ig.answers import Report
from passive_ig.claims import Claim, ClaimLine

DAY = dt.date(2024, 3, 1)

LINES = [
    ClaimLine(code="J1459", modifiers=("JZ",), units=70, dose_mg=35000, place_of_service="11",
              date_of_service=DAY, diagnoses=("D80.0",)),
    ClaimLine(code="J1459", modifiers=("JW",), units=18, dose_mg=9000, discarded_mg=1000,
              place_of_service="22", date_of_service=DAY),
    ClaimLine(code="90283", place_of_service="11", date_of_service=DAY),
    ClaimLine(code="96365", units=1, date_of_service=DAY),
    ClaimLine(code="9O283", modifiers=("J Z",), place_of_service="1A"),
    ClaimLine(code="Q2052", units=2, place_of_service="11", date_of_service=DAY),
    ClaimLine(code="J9999", modifiers=("00", "ZZ"), date_of_service=dt.date(1999, 1, 1)),
]  # fmt: skip
BATCH = [LINES[i % len(LINES)] for i in range(0, 700, 3)] + LINES


def check_chunk(chunk: Sequence[ClaimLine], payer: str) -> list[Report]:
    """What a worker runs: the bulk check of its chunk, on the default registry."""
    return list(registry.check_many(chunk, payer=payer))


def check_chunk_with(source: Registry, chunk: Sequence[ClaimLine], payer: str) -> list[Report]:
    """The same on a registry sent to the worker (pickled with the task)."""
    return list(source.check_many(chunk, payer=payer))


def chunks(items: Sequence[ClaimLine], size: int) -> list[Sequence[ClaimLine]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    # spawn: each worker is a fresh interpreter, as on macOS and Windows
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as ex:
        yield ex


@pytest.mark.parametrize("payer", ["Medicare", "UHC"])
def test_a_batch_split_across_a_process_pool_gives_the_in_process_reports(
    pool: ProcessPoolExecutor, payer: str
) -> None:
    in_process = list(registry.check_many(BATCH, payer=payer))
    parts = chunks(BATCH, 40)
    pooled = [
        report for part in pool.map(check_chunk, parts, [payer] * len(parts)) for report in part
    ]
    assert pooled == in_process
    assert pooled == [registry.check(line, payer=payer) for line in BATCH]


def test_a_registry_sent_to_workers_checks_as_it_does_here(pool: ProcessPoolExecutor) -> None:
    overlaid = registry.with_overlay(Path(__file__).parent / "data" / "overlay")
    parts = chunks(BATCH, 60)
    pooled = [
        report
        for part in pool.map(
            check_chunk_with, [overlaid] * len(parts), parts, ["Aetna"] * len(parts)
        )
        for report in part
    ]
    assert pooled == list(overlaid.check_many(BATCH, payer="Aetna"))


def test_the_bulk_check_is_a_pure_function_of_its_inputs() -> None:
    first = list(registry.check_many(BATCH, payer="Medicare"))
    fresh = Registry()  # nothing loaded, nothing remembered
    assert list(fresh.check_many(BATCH, payer="Medicare")) == first
    assert list(registry.check_many(reversed(BATCH), payer="Medicare")) == first[::-1]
    shuffled = BATCH[1::2] + BATCH[::2]
    by_line = dict(zip(map(id, BATCH), first, strict=True))
    assert list(registry.check_many(shuffled, payer="Medicare")) == [
        by_line[id(x)] for x in shuffled
    ]


def test_bulk_checks_take_claims_and_equal_copies_of_lines() -> None:
    claim = Claim(payer="Medicare", lines=LINES[:3], date_of_service=DAY)
    copies = [copy.copy(line) for line in LINES]
    reports = list(registry.check_many([claim, *LINES, claim, *copies], payer="Medicare"))
    assert reports[0] == reports[len(LINES) + 1] == registry.check(claim)
    assert reports[1 : len(LINES) + 1] == reports[len(LINES) + 2 :]


# ------------------------------------------------------------------ pickling


@pytest.mark.parametrize("loaded", [False, True], ids=["unloaded", "loaded"])
def test_the_registry_pickles_loaded_or_not(loaded: bool) -> None:
    source = Registry()
    if loaded:
        source.load_all()
        source.check(LINES[0], payer="Medicare")  # caches, contexts: not pickled
        source.codes[" cpt 90283 "]
    copied = pickle.loads(pickle.dumps(source))
    assert copied.codes["90283"] == registry.codes["90283"]
    assert copied.policy("UHC") == registry.policy("UHC")
    assert copied.check(LINES[0], payer="Medicare") == registry.check(LINES[0], payer="Medicare")
    assert list(copied.payers) == list(registry.payers)


def test_records_reports_and_findings_pickle_and_deep_copy() -> None:
    report = registry.check(LINES[1], payer="Medicare")
    things: list[object] = [
        registry.codes["90283"],
        registry.policy("Medicare"),
        registry.manifest,
        report,
        report.findings[0],
        LINES[0],
        Claim(payer="UHC", lines=LINES[:2]),
    ]
    for thing in things:
        assert pickle.loads(pickle.dumps(thing)) == thing
        assert copy.deepcopy(thing) == thing
        assert hash(pickle.loads(pickle.dumps(thing))) == hash(thing)


@pytest.mark.parametrize(
    "error",
    [
        InvalidInputError(3, "a code", what="billing code"),
        InvalidCodeFormat("9O283", "5 digits", what="billing code"),
        UnknownCodeError("90285", ("90284", "90283"), collection="codes"),
        UnknownModifierError("ZZ", ("JZ",), collection="modifiers"),
        UnknownPayerError("Humana", (), collection="payers"),
        UnknownRecordError("x", ("y",), collection="policies"),
        DataError([DataProblem(file="codes.json", path="$[0]", message="bad")], origin="here"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_exception_pickles_with_its_details(error: Exception) -> None:
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is type(error)
    assert str(copied) == str(error)
    assert copied.args == error.args


def test_an_exception_raised_in_a_worker_arrives_whole(pool: ProcessPoolExecutor) -> None:
    future = pool.submit(check_chunk, LINES[:2], "Cignna")
    with pytest.raises(UnknownPayerError) as info:
        future.result()
    with pytest.raises(UnknownPayerError) as here:
        check_chunk(LINES[:2], "Cignna")
    assert info.value.suggestions == here.value.suggestions != ()
    assert str(info.value) == str(here.value)


# ------------------------------------------------------------------ the memos change nothing

texts = st.sampled_from(
    ["90283", " cpt 90283 ", "J1459", "j1459", "9O283", "J9999", "96365", "Q2052"]
)
modifiers = st.sampled_from(["JW", "JZ", " jz", "J Z", "00", "ZZ", "25", "JA", "JB", "51"])
places = st.sampled_from(["11", "12", "22", "1A", "99", " 19 "])
diagnoses = st.sampled_from(["D80.0", "d80.0", "D80", "L10.0", "G61.81", "Z00.00"])
amounts = st.none() | st.sampled_from([0.0, 500.0, 1000.0, 1200.0, 35000.0])
# (values of the wrong type, and negative amounts, are refused when a line is built:
# tests/test_claims.py)


@st.composite
def claim_lines(draw: st.DrawFn) -> ClaimLine:
    return ClaimLine(
        code=draw(texts),
        modifiers=tuple(draw(st.lists(modifiers, max_size=3))),
        units=draw(st.none() | st.integers(min_value=0, max_value=80)),
        place_of_service=draw(st.none() | places),
        date_of_service=draw(st.none() | st.sampled_from([DAY, dt.date(2009, 6, 1)])),
        diagnoses=tuple(draw(st.lists(diagnoses, max_size=2))),
        dose_mg=draw(amounts),
        discarded_mg=draw(amounts),
        evaluation_and_management=draw(st.booleans()),
    )


BULK = Registry()  # its memos grow from example to example
GROUND = Registry()  # copied afresh, without what checks keep, before every check


@st.composite
def batches(draw: st.DrawFn) -> list[ClaimLine]:
    """Lines, some again, and some that differ from another in one field only."""
    items = draw(st.lists(claim_lines(), min_size=1, max_size=8))
    variants = []
    for item in items:
        other = draw(claim_lines())
        name = draw(st.sampled_from([field.name for field in attrs.fields(ClaimLine)]))
        variants.append(attrs.evolve(item, **{name: getattr(other, name)}))
    return draw(st.permutations(items + items[::2] + variants))


@settings(max_examples=200, deadline=None)
@given(batches(), st.sampled_from(["Medicare", "UHC", "bcbs"]), st.sampled_from([None, DAY]))
def test_the_memos_never_change_a_report(
    batch: list[ClaimLine], payer: str, as_of: dt.date | None
) -> None:
    expected = []
    for item in batch:
        fresh = copy.copy(GROUND)  # the same data, none of what a check keeps
        expected.append(fresh.check(item, payer=payer, as_of=as_of))
    assert list(BULK.check_many(batch, payer=payer, as_of=as_of)) == expected
    assert [BULK.check(item, payer=payer, as_of=as_of) for item in batch] == expected
