"""Checks under hostile input: whatever is passed, only passive_ig's own errors escape,
and each is a built-in subclass that prints briefly and pickles."""

from __future__ import annotations

import datetime as dt
import pickle
import threading

from hypothesis import given, settings
from hypothesis import strategies as st
from rule_cases import line

from passive_ig import PassiveIGError, registry
from passive_ig.claims import Claim

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=10),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.dates(),
    st.just(threading.Lock()),
    st.just(lambda: None),
    st.just(x for x in ()),
)


def _assert_ours(exc: BaseException) -> None:
    assert isinstance(exc, PassiveIGError), repr(exc)
    assert isinstance(exc, (KeyError, ValueError, TypeError)), type(exc)
    text = str(exc)
    assert 0 < len(text) < 2000
    clone = pickle.loads(pickle.dumps(exc))
    assert type(clone) is type(exc)
    assert str(clone) == text


@settings(max_examples=300, deadline=None)
@given(item=anything, payer=anything, as_of=anything)
def test_check_refuses_anything_but_a_line_or_claim_with_its_own_errors(
    item: object, payer: object, as_of: object
) -> None:
    try:
        registry.check(item, payer=payer, as_of=as_of)  # type: ignore[arg-type]
    except Exception as exc:
        _assert_ours(exc)


@settings(max_examples=200, deadline=None)
@given(payer=anything, as_of=anything, select=anything, ignore=anything, minimum=anything)
def test_a_real_line_with_any_options_gives_a_report_or_our_error(
    payer: object, as_of: object, select: object, ignore: object, minimum: object
) -> None:
    try:
        report = registry.check(
            line(),
            payer=payer,  # type: ignore[arg-type]
            as_of=as_of,  # type: ignore[arg-type]
            select=select,  # type: ignore[arg-type]
            ignore=ignore,  # type: ignore[arg-type]
            min_severity=minimum,  # type: ignore[arg-type]
        )
    except Exception as exc:
        _assert_ours(exc)
    else:
        assert report.payer in {"aetna", "bcbs", "cigna", "uhc", "medicare"}


@settings(max_examples=150, deadline=None)
@given(items=anything, payer=anything)
def test_check_many_of_anything_refuses_with_its_own_errors(items: object, payer: object) -> None:
    try:
        for _ in registry.check_many(items, payer=payer):  # type: ignore[arg-type]
            pass
    except Exception as exc:
        _assert_ours(exc)


def test_a_claim_whose_authorization_is_blank_still_needs_one() -> None:
    blank = Claim(payer="UHC", lines=(line("90283"), line("96365")), prior_authorization=" \t")
    assert "payer.prior-authorization" in registry.check(blank).rules()


def test_as_of_is_a_date_not_a_datetime() -> None:
    try:
        registry.check(line(), payer="UHC", as_of=dt.datetime(2024, 1, 1))  # type: ignore[arg-type]
    except Exception as exc:
        _assert_ours(exc)
    else:
        raise AssertionError("a datetime was taken for a date")
