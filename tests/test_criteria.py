"""Coverage criteria: the facts they hold, and the query that finds them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from passive_ig import UnknownPayerError, registry
from passive_ig.records import Comparison, CriterionKind, NotAvailable


def test_aetna_cvid_needs_igg_below_500_from_age_two() -> None:
    criterion = registry.criteria["aetna-0206.common-variable-immunodeficiency"]
    assert criterion.kind is CriterionKind.COVERED
    assert criterion.age == "2 years and older"
    (lab,) = criterion.labs
    assert (lab.comparison, lab.value, lab.unit) == (Comparison.LT, Decimal("500"), "mg/dL")
    assert str(lab).startswith("serum IgG < 500 mg/dL, or at least 2 standard deviations")
    assert isinstance(criterion.approval_months, NotAvailable)


def test_aetna_scid_thresholds_come_from_aetnas_own_page() -> None:
    criterion = registry.criteria["aetna-0206.severe-combined-immunodeficiency"]
    assert [(lab.value, lab.unit) for lab in criterion.labs] == [
        (Decimal("200"), "mg/dL"),
        (Decimal("300"), "per microliter"),
    ]
    assert [registry.sources[s].confidence.value for s in criterion.sources] == ["primary"]


def test_the_ncd_criterion_uses_the_ncd_list_and_its_dates() -> None:
    criterion = registry.criteria["medicare-ncd-250.3.blistering-diseases"]
    assert criterion.diagnosis_list == "medicare-ncd-250.3"
    assert criterion.effective.start == dt.date(2002, 10, 1)
    assert any("biopsy" in step for step in criterion.prerequisites)


def test_criteria_for_a_product_follow_its_generic_code() -> None:
    by_cpt = registry.criteria_for("Aetna", "90283")
    assert registry.criteria_for("Aetna", "J1459") == by_cpt
    assert {c.payer for c in by_cpt} == {"aetna"}
    assert len(by_cpt) == 2
    assert registry.criteria_for("Aetna", "96365") == ()  # an administration code
    assert registry.criteria_for("UHC") == ()


def test_every_criterion_cites_sources_that_exist() -> None:
    for criterion in registry.criteria:
        assert criterion.sources
        for key in criterion.sources:
            assert key in registry.sources


def test_an_unknown_payer_is_refused() -> None:
    with pytest.raises(UnknownPayerError, match=r"^no payer 'Humana' in payers"):
        registry.criteria_for("Humana")
