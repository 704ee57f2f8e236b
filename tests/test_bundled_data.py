"""The bundled data: valid ICD-10-CM codes, resolved sources, the facts users rely on."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import simple_icd_10_cm as icd

import passive_ig
from passive_ig import NotAvailable, registry
from passive_ig.records import Confidence, DescriptorKind, PayerKind, PriorAuthStatus
from passive_ig.registry import SPECS

registry.load_all()


def all_diagnosis_codes() -> list[str]:
    return sorted({entry.code for dx_list in registry.diagnosis_lists for entry in dx_list.codes})


@pytest.mark.parametrize("code", all_diagnosis_codes())
def test_every_icd10_code_is_valid_and_billable(code: str) -> None:
    assert icd.is_valid_item(code), f"{code} is not an ICD-10-CM code"
    assert icd.is_leaf(code), f"{code} is a header, not a billable code"


def test_every_source_is_cited_and_well_formed() -> None:
    cited = {
        s.id
        for spec in SPECS
        if spec.name != "sources"
        for collection in (getattr(registry, spec.name),)
        for record in collection
        for s in registry.sources_of(record)
    }
    cited |= set(registry.manifest.sources)
    for source in registry.sources:
        assert source.id in cited, f"source {source.id} is never cited"
        assert source.url.startswith(("http://", "https://")), source.id
        assert source.confidence in set(Confidence)


def test_manifest_names_the_files_and_the_version() -> None:
    manifest = registry.manifest
    assert manifest.data_version == passive_ig.DATA_VERSION
    data_dir = resources.files("passive_ig") / "data"
    shipped = sorted(p.name for p in data_dir.iterdir() if p.name.endswith(".json"))
    assert sorted((*manifest.files, "manifest.json")) == shipped


def test_five_payers_each_with_a_policy_for_90283() -> None:
    assert {p.name for p in registry.payers} == {
        "Aetna",
        "Blue Cross Blue Shield",
        "Cigna",
        "UnitedHealthcare",
        "Medicare",
    }
    assert set(registry.policies_for("90283")) == {"aetna", "bcbs", "cigna", "uhc", "medicare"}
    assert registry.payers["BCBS"].kind is PayerKind.FEDERATION
    assert registry.policy("BCBS").example_plans, (
        "BCBS is modelled as its reference and example plans"
    )
    assert registry.prior_authorization("BCBS").status is PriorAuthStatus.VARIES_BY_PLAN


def test_only_paraphrases_ship() -> None:
    for code in registry.codes:
        if not isinstance(code.descriptor, NotAvailable):
            assert code.descriptor.kind is DescriptorKind.PARAPHRASE
            assert code.descriptor.is_paraphrase


def test_the_placeholder_modifier_is_marked() -> None:
    assert registry.modifiers["00"].placeholder
    assert not any(m.placeholder for m in registry.modifiers if m.code != "00")


def test_unverified_facts_are_not_shipped() -> None:
    # KX and SD were only seen in unverified sources; D81.3 is no longer billable.
    assert "KX" not in registry.modifiers
    assert "SD" not in registry.modifiers
    assert "D81.3" not in all_diagnosis_codes()
    home = registry.diagnosis_lists["medicare-home-ivig-pidd"]
    assert "D80.1" not in home
    assert home.complete


def test_what_is_unknown_is_said_not_guessed() -> None:
    code = registry.codes["90283"]
    assert code.billing_unit is None  # the descriptor names no unit: a known "none"
    assert isinstance(registry.codes["J1552"].billing_unit, NotAvailable)  # unknown
    assert isinstance(registry.policy("Cigna").site_of_care, NotAvailable)
    assert isinstance(registry.codes["G0332"].status, NotAvailable)


def test_key_units_of_the_immune_globulin_codes() -> None:
    for code in ("J1459", "J1556", "J1557", "J1561", "J1566", "J1568", "J1569", "J1572", "J1599"):
        unit = registry.codes[code].billing_unit
        assert str(unit) == "per 500 mg", code
    assert str(registry.codes["90284"].billing_unit) == "per 100 mg"
    assert str(registry.codes["J1559"].billing_unit) == "per 100 mg"
    assert str(registry.codes["J1555"].billing_unit) == "per 100 mg"
    assert str(registry.codes["J1575"].billing_unit) == "per 100 mg"
    assert registry.codes["J1561"].is_multi_route
    assert registry.codes["J1569"].is_multi_route
    assert not registry.codes["J1459"].is_multi_route


def test_workflow_covers_the_publication_from_evaluation_to_billing() -> None:
    steps = registry.workflow("90283")
    assert next(s.role.value for s in steps) == "physician"
    assert steps[-1].role.value == "billing"
    documented = {item.key for step in steps for item in step.documentation}
    for key in ("indication", "informed_consent", "lot_number", "vital_signs"):
        assert any(key in d for d in documented), key


def test_data_files_are_plain_json_lists() -> None:
    data_dir = resources.files("passive_ig") / "data"
    for name in registry.manifest.files:
        assert isinstance(json.loads((data_dir / name).read_text(encoding="utf-8")), list)
