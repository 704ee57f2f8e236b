"""Payment benchmarks: figures with sources where they are known, "not available" with
the reason where they are not, and the user's own figures through an overlay."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from passive_ig import DataError, NotAvailable, Origin, Registry, UnknownPayerError, registry
from passive_ig.records import PaymentFigureKind

OVERLAY = Path(__file__).parent / "data" / "overlay_payment"


def test_medicare_q2052_has_the_2024_amount_and_the_2023_demonstration_rate() -> None:
    benchmark = registry.payment_benchmark("Medicare", "Q2052")
    assert isinstance(benchmark.figures, tuple)
    by_kind = {f.kind: f for f in benchmark.figures}
    final = by_kind[PaymentFigureKind.FEE_SCHEDULE_AMOUNT]
    assert final.amount == decimal.Decimal("420.48")
    assert final.currency == "USD"
    assert final.effective.covers(dt.date(2024, 6, 1))
    assert not final.effective.covers(dt.date(2025, 1, 1))
    assert by_kind[PaymentFigureKind.DEMONSTRATION_RATE].amount == decimal.Decimal("408.23")
    proposed = by_kind[PaymentFigureKind.PROPOSED_FEE_SCHEDULE_AMOUNT]
    assert proposed.amount == decimal.Decimal("419.25")
    assert "2.7%" in proposed.note  # the difference only as its source states it
    assert all(registry.sources_of(f) for f in benchmark.figures)
    assert any("CY2025" in m.reason for m in benchmark.not_available)


def test_medicare_90283_says_how_it_prices_without_inventing_numbers() -> None:
    benchmark = registry.payment_benchmark("CMS")
    assert isinstance(benchmark.pricing, str)
    assert "average sales price" in benchmark.pricing
    assert isinstance(benchmark.figures, NotAvailable)
    assert "ASP" in benchmark.figures.reason
    assert benchmark.related == ("medicare-Q2052",)


@pytest.mark.parametrize("payer", ["Aetna", "BCBS", "Cigna", "UHC"])
def test_commercial_payers_are_not_available_with_the_reason(payer: str) -> None:
    benchmark = registry.payment_benchmark(payer)
    assert isinstance(benchmark.figures, NotAvailable)
    assert "never available" in benchmark.figures.reason
    assert isinstance(benchmark.pricing, NotAvailable)
    assert registry.sources_of(benchmark)


def test_a_pair_with_no_data_still_answers() -> None:
    benchmark = registry.payment_benchmark("Aetna", "J1459")
    assert isinstance(benchmark.figures, NotAvailable)
    assert benchmark.figures.reason == (
        "passive_ig's data holds no payment information for J1459 under Aetna"
    )


def test_unknown_payer_or_code_is_misuse() -> None:
    with pytest.raises(UnknownPayerError, match="no payer 'Humana'"):
        registry.payment_benchmark("Humana")
    with pytest.raises(KeyError, match="no billing code '90285'"):
        registry.payment_benchmark("Medicare", "90285")


def test_user_figures_come_through_an_overlay() -> None:
    combined = registry.with_overlay(OVERLAY)
    benchmark = combined.payment_benchmark("UHC")
    assert benchmark.origin is Origin.USER
    assert isinstance(benchmark.figures, tuple)
    assert benchmark.figures[0].kind is PaymentFigureKind.CONTRACT_RATE
    assert benchmark.figures[0].amount == decimal.Decimal("95.00")
    assert isinstance(registry.payment_benchmark("UHC").figures, NotAvailable)


def test_amounts_must_be_strings_of_digits(broken_copy: Callable[..., Path]) -> None:
    def edit(data: Any) -> Any:
        data[1]["figures"][0]["amount"] = 12.5
        return data

    with pytest.raises(DataError) as info:
        Registry.from_directory(broken_copy(payment_benchmarks=edit))
    assert [str(p) for p in info.value.problems] == [
        "payment_benchmarks.json: $[1].figures[0].amount: expected an amount as a string of "
        "digits, e.g. '420.48', got 12.5"
    ]


def test_guide_shows_payment() -> None:
    text = registry.guide("90283", payer="Medicare").to_text(full=True)
    assert "Payment for Q2052" in text
    assert "USD 420.48 per infusion date" in text
    aetna = registry.guide("90283", payer="Aetna").to_text(full=True)
    assert "Figures: not available (no published Aetna amount" in aetna


def test_payment_json_keeps_amounts_exact() -> None:
    q2052 = registry.payment_benchmarks["medicare-Q2052"].to_dict()
    assert q2052["figures"][0]["amount"] == "420.48"
    assert json.loads(json.dumps(q2052)) == q2052
