"""Records: frozen, typed, and round-tripping through the converter (JSON and back)."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passive_ig import NotAvailable, registry
from passive_ig._converter import converter, unstructure
from passive_ig.records import (
    BillingCode,
    ClinicalWorkflowStep,
    CodeRange,
    CoverageDetermination,
    DiagnosisList,
    Effective,
    Modifier,
    Payer,
    PayerPolicy,
    PlaceOfService,
    ProviderTaxonomy,
    Source,
)
from passive_ig.registry import SPECS

RECORD_TYPES: list[type[Any]] = [
    BillingCode,
    Modifier,
    Payer,
    PayerPolicy,
    CoverageDetermination,
    DiagnosisList,
    PlaceOfService,
    ProviderTaxonomy,
    ClinicalWorkflowStep,
    Source,
]

text = st.text(min_size=1, max_size=12)
# a reason is never blank (the format refuses one), so generate real ones
st.register_type_strategy(
    NotAvailable, st.builds(NotAvailable, reason=text.filter(lambda t: t.strip() != ""))
)
st.register_type_strategy(str, text)
st.register_type_strategy(dt.date, st.dates(min_value=dt.date(1990, 1, 1)))
st.register_type_strategy(
    decimal.Decimal,
    st.decimals(min_value=0, max_value=10**9, allow_nan=False, allow_infinity=False, places=4),
)


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda t: t.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_record_round_trips(record_type: type[Any], data: st.DataObject) -> None:
    record = data.draw(st.from_type(record_type))
    assert converter.structure(unstructure(record), record_type) == record


def test_every_bundled_record_round_trips() -> None:
    for spec in SPECS:
        for record in getattr(registry, spec.name):
            assert converter.structure(unstructure(record), spec.record_type) == record


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda t: t.__name__)
def test_records_are_frozen_slotted_keyword_only(record_type: type[Any]) -> None:
    assert "__slots__" in vars(record_type)
    assert all(field.kw_only for field in attrs.fields(record_type))


def test_not_available_is_a_value_with_a_reason() -> None:
    missing = NotAvailable(reason="not retrieved")
    assert missing == NotAvailable(reason="not retrieved")
    assert missing != ()
    assert str(missing) == "not available (not retrieved)"
    assert unstructure(missing) == {"not_available": "not retrieved"}
    assert pickle.loads(pickle.dumps(missing)) == copy.deepcopy(missing) == missing


def test_effective_covers() -> None:
    period = Effective(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert period.covers(dt.date(2023, 6, 1))
    assert not period.covers(dt.date(2022, 12, 31))
    assert not period.covers(dt.date(2024, 1, 1))
    open_ended = Effective(start=NotAvailable(reason="unknown"))
    assert open_ended.covers(dt.date(1900, 1, 1))


def test_code_range() -> None:
    span = CodeRange(first="90281", last="90399")
    assert "90283" in span
    assert "96365" not in span
    assert "J1459" not in span
    assert 90283 not in span
    assert str(span) == "90281-90399"
    assert str(CodeRange(first="JW", last="JW")) == "JW"
