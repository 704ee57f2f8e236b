"""Records turn into DataFrames: ``to_records()`` rows that pandas and polars both accept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest

from passive_ig import Registry, registry
from passive_ig.records import NotAvailable
from passive_ig.registry import SPECS
from passive_ig.render.rows import NOT_AVAILABLE_COLUMN, to_row, to_rows

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

MINIMAL = Path(__file__).parent / "data" / "minimal"
COLLECTIONS = tuple(spec.name for spec in SPECS)  # every collection the registry has


@pytest.fixture(scope="module")
def minimal() -> Registry:
    return Registry.from_directory(MINIMAL)


def _registries(minimal: Registry) -> list[Registry]:
    return [registry, minimal]


@pytest.mark.parametrize("name", COLLECTIONS)
def test_every_collection_makes_a_pandas_and_a_polars_frame(name: str, minimal: Registry) -> None:
    for source in _registries(minimal):
        collection = getattr(source, name)
        rows = collection.to_records()
        assert len(rows) == len(collection)
        frame = pd.DataFrame(rows)
        assert frame.shape[0] == len(collection)
        strict = pl.DataFrame(rows)  # polars refuses a column of mixed types
        assert strict.height == len(collection)
        assert list(frame.columns) == strict.columns


@pytest.mark.parametrize("name", COLLECTIONS)
def test_rows_share_their_columns_and_each_column_one_type(name: str) -> None:
    rows = getattr(registry, name).to_records()
    columns = list(rows[0])
    assert columns[-1] == NOT_AVAILABLE_COLUMN
    for row in rows:
        assert list(row) == columns
    for column in columns:
        kinds = {type(row[column]) for row in rows if row[column] is not None}
        assert len(kinds) <= 1, f"{name}.{column} mixes {kinds}"


def test_columns_follow_the_fields_with_nested_records_dotted() -> None:
    row = registry.codes.to_records()[0]
    assert row["code"] == "90283"
    assert "descriptor.text" in row
    assert "descriptor.kind" in row
    assert "effective.start" in row
    assert "billing_unit.quantity" in row
    assert "descriptor" not in row


def test_not_available_is_none_and_named_with_its_reason() -> None:
    code = registry.codes["90283"]
    assert isinstance(code.single_dose_container, NotAvailable)
    row = next(r for r in registry.codes.to_records() if r["code"] == "90283")
    assert row["single_dose_container"] is None
    assert (
        f"single_dose_container: {code.single_dose_container.reason}" in row[NOT_AVAILABLE_COLUMN]
    )


def test_none_empty_and_not_available_stay_distinguishable(minimal: Registry) -> None:
    row = next(r for r in minimal.codes.to_records() if r["code"] == "90283")
    assert row["products"] == []  # known to be none
    assert row["billing_unit.quantity"] is None  # does not apply ...
    assert not any(
        e.startswith("billing_unit") for e in row[NOT_AVAILABLE_COLUMN]
    )  # ... so not listed
    assert row["effective.start"] is None  # not available ...
    assert "effective.start: unknown" in row[NOT_AVAILABLE_COLUMN]  # ... so listed


def test_a_nested_record_that_is_not_available_fills_its_columns_with_none(
    minimal: Registry,
) -> None:
    code = attrs.evolve(minimal.codes["J1459"], descriptor=NotAvailable(reason="not licensed"))
    row = to_row(code)
    assert row["descriptor.text"] is None
    assert row["descriptor.kind"] is None
    assert "descriptor: not licensed" in row[NOT_AVAILABLE_COLUMN]


def test_lists_of_records_become_lists_of_rows_with_nested_gaps_named(minimal: Registry) -> None:
    row = next(r for r in minimal.codes.to_records() if r["code"] == "90283")
    assert row["related"] == [
        {"code": "J1459", "kind": "product-specific-hcpcs", "note": "", "sources": ["pub"]}
    ]
    policy = to_row(minimal.policies["uhc-90283"])
    assert policy["documents"][0]["url"] is None
    assert "documents[0].url: n" in policy[NOT_AVAILABLE_COLUMN]


def test_values_are_plain(minimal: Registry) -> None:
    row = next(r for r in minimal.modifiers.to_records() if r["code"] == "JW")
    assert row["effective.start"] == dt.date(2017, 1, 1)
    assert row["origin"] == "bundled"
    assert row["applies_to"] == [{"first": "J1459", "last": "J1459"}]
    assert row["placeholder"] is False


def test_polars_reads_dates_and_enums_natively() -> None:
    frame = pl.DataFrame(registry.policies.to_records())
    assert frame.schema["as_of"] == pl.Date
    assert frame.schema["payer"] == pl.String
    assert sorted(frame["payer"].to_list()) == ["aetna", "bcbs", "cigna", "medicare", "uhc"]


def test_a_tuple_of_records_and_any_attrs_record_become_rows() -> None:
    steps = to_rows(registry.workflow("90283"))
    assert [step["order"] for step in steps] == [1, 2, 3, 4, 5]
    pd.DataFrame(steps)
    pl.DataFrame(steps)

    @attrs.frozen(kw_only=True)
    class Finding:
        rule: str
        suggestion: str | NotAvailable

    rows = to_rows(
        [Finding(rule="a", suggestion=NotAvailable(reason="r")), Finding(rule="b", suggestion="s")]
    )
    assert rows == [
        {"rule": "a", "suggestion": None, NOT_AVAILABLE_COLUMN: ["suggestion: r"]},
        {"rule": "b", "suggestion": "s", NOT_AVAILABLE_COLUMN: []},
    ]


@pytest.mark.parametrize("value", [{"code": "90283"}, "90283", None, 3])
def test_only_records_become_rows(value: Any) -> None:
    with pytest.raises(TypeError, match="expected a record"):
        to_row(value)
