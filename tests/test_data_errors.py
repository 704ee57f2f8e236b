"""Bad data sets: every problem listed at once, each with its file and JSON path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from passive_ig import DataError, Registry


def problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        Registry.from_directory(path)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(f"{path} has {len(info.value.problems)} problem")
    return [str(p) for p in info.value.problems]


def test_the_minimal_data_set_is_valid(minimal_dir: Path) -> None:
    registry = Registry.from_directory(minimal_dir)
    assert len(registry.codes) == 2
    assert registry.manifest.data_version == "test.1"


def edit_first(**changes: Any) -> Callable[[Any], Any]:
    def edit(data: Any) -> Any:
        data[0].update(changes)
        return data

    return edit


def drop_first(key: str) -> Callable[[Any], Any]:
    def edit(data: Any) -> Any:
        del data[0][key]
        return data

    return edit


def test_missing_key(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(modifiers=drop_first("when_to_use"))
    assert problems(path) == ["modifiers.json: $[0].when_to_use: required key missing"]


def test_unknown_key(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(codes=edit_first(colour="blue"))
    assert problems(path) == ["codes.json: $[0]: unknown key(s) colour (not part of the format)"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1, "expected a string, got a number (1)"),
        (None, "expected a string, got null (None)"),
        (["x"], "expected a string, got a list (['x'])"),
    ],
)
def test_no_silent_coercion_to_string(
    broken_copy: Callable[..., Path], value: object, message: str
) -> None:
    path = broken_copy(payers=edit_first(name=value))
    assert problems(path) == [f"payers.json: $[0].name: {message}"]


def test_no_silent_coercion_of_numbers_booleans_and_lists(broken_copy: Callable[..., Path]) -> None:
    def edit(data: Any) -> Any:
        data[1]["billing_unit"] = {"quantity": 1.7, "measure": "mg"}
        data[1]["single_dose_container"] = "yes"
        data[1]["products"] = "Privigen"
        return data

    assert problems(broken_copy(codes=edit)) == [
        "codes.json: $[1].billing_unit.quantity: expected an integer, got a number (1.7)",
        "codes.json: $[1].products: expected a list, got a string ('Privigen')",
        "codes.json: $[1].single_dose_container: expected true or false, got a string ('yes')",
    ]


def test_bad_enum_and_date(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(
        codes=edit_first(system="ICD", effective={"start": "01/01/2020", "end": None})
    )
    assert problems(path) == [
        "codes.json: $[0].system: expected one of 'CPT', 'HCPCS', got 'ICD'",
        "codes.json: $[0].effective.start: expected a date as 'YYYY-MM-DD', got '01/01/2020'",
    ]


def test_dates_are_exactly_yyyy_mm_dd(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(codes=edit_first(effective={"start": "2024-W01-1", "end": None}))
    assert problems(path) == [
        "codes.json: $[0].effective.start: expected a date as 'YYYY-MM-DD', got '2024-W01-1'"
    ]


def test_not_available_needs_a_reason(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(codes=edit_first(indications={"not_available": ""}))
    assert problems(path) == [
        "codes.json: $[0].indications: the reason a fact is not available must be a "
        "non-empty string, got ''"
    ]


def test_null_where_a_fact_or_not_available_is_required(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(codes=edit_first(routes=None))
    assert problems(path) == [
        "codes.json: $[0].routes: expected a value or {'not_available': '<reason>'}, got null"
    ]


def test_file_must_be_a_list(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(taxonomies=lambda data: {"items": data})
    assert problems(path) == ["taxonomies.json: $: expected a list, got an object"]


def test_invalid_json_and_missing_file(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy()
    (path / "sources.json").write_text("[{", encoding="utf-8")
    (path / "workflow.json").unlink()
    assert problems(path) == [
        "sources.json: $: not valid JSON (line 1 column 3: Expecting property name enclosed in double quotes)",
        "workflow.json: $: file missing",
    ]


def test_duplicate_keys_are_never_silently_overwritten(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(payers=lambda data: [*data, dict(data[0], name="Medicare again")])
    assert problems(path) == ["payers.json: $[2]: duplicate key 'medicare' (first at $[0])"]


def test_references_to_unknown_records(broken_copy: Callable[..., Path]) -> None:
    def codes(data: Any) -> Any:
        data[0]["related"][0]["code"] = "J1460"
        data[0]["sources"] = ["pub", "nowhere"]
        data[0]["indications"] = ["missing-list"]
        data[0]["typical_sites"][0]["place_of_service"] = ["99"]
        return data

    def policies(data: Any) -> Any:
        data[0]["payer"] = "humana"
        data[0]["coverage_determinations"] = ["L00000"]
        return data

    assert problems(broken_copy(codes=codes, policies=policies)) == [
        "codes.json: $[0].sources[1]: unknown source 'nowhere'",
        "codes.json: $[0].indications[0]: unknown diagnosis list 'missing-list'",
        "codes.json: $[0].typical_sites[0].place_of_service[0]: unknown place of service '99' (nearest: '22')",
        "codes.json: $[0].related[0].code: unknown billing code 'J1460' (nearest: 'J1459')",
        "policies.json: $[0].payer: unknown payer 'humana'",
        "policies.json: $[0].coverage_determinations[0]: unknown coverage document 'L00000'",
    ]


def test_impossible_dates_and_ranges(broken_copy: Callable[..., Path]) -> None:
    def modifiers(data: Any) -> Any:
        data[0]["effective"] = {"start": "2020-01-01", "end": "2019-12-31"}
        data[0]["applies_to"] = [{"first": "J1599", "last": "J1459"}]
        return data

    assert problems(broken_copy(modifiers=modifiers)) == [
        "modifiers.json: $[0].applies_to[0]: 'J1599' to 'J1459' is not a range of codes",
        "modifiers.json: $[0].effective.end: ends 2019-12-31 before it starts 2020-01-01",
    ]


def test_malformed_codes_in_the_data(broken_copy: Callable[..., Path]) -> None:
    def modifiers(data: Any) -> Any:
        data[2]["code"] = "x0"
        return data

    def lists(data: Any) -> Any:
        data[0]["codes"][0]["code"] = "D80"
        data[0]["codes"][1]["code"] = "80.0"
        return data

    assert problems(broken_copy(modifiers=modifiers, diagnosis_lists=lists)) == [
        "modifiers.json: $[2].code: 'x0' is not in canonical form; write 'X0'",
        "diagnosis_lists.json: $[0].codes[1].code: '80.0' is not a well-formed diagnosis code: "
        "expected an ICD-10-CM code: a letter, 2 characters, then optionally a dot and 1 to 4 "
        "characters, e.g. 'D80.0'",
    ]


def test_bundled_data_holds_only_paraphrases(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(codes=edit_first(descriptor={"text": "Official text", "kind": "licensed"}))
    assert problems(path) == [
        "codes.json: $[0].descriptor.kind: the bundled data may only hold paraphrases; "
        "licensed CPT text belongs in a user overlay"
    ]


def test_records_must_cite_a_source(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(taxonomies=edit_first(sources=[]))
    assert problems(path) == [
        "taxonomies.json: $[0].sources: a record must cite at least one source"
    ]


def test_every_problem_of_every_file_is_reported_together(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(
        codes=edit_first(system="ICD"),
        modifiers=drop_first("name"),
        payers=edit_first(kind="mutual"),
    )
    assert problems(path) == [
        "codes.json: $[0].system: expected one of 'CPT', 'HCPCS', got 'ICD'",
        "modifiers.json: $[0].name: required key missing",
        "payers.json: $[0].kind: expected one of 'commercial', 'federation', 'government', got 'mutual'",
    ]


def test_manifest_problems(broken_copy: Callable[..., Path]) -> None:
    def manifest(data: Any) -> Any:
        data["as_of"] = "2026-13-01"
        return data

    assert problems(broken_copy(manifest=manifest)) == [
        "manifest.json: $.as_of: expected a date as 'YYYY-MM-DD', got '2026-13-01'"
    ]


def test_billing_rule_ids_are_unique_and_references_resolve(
    broken_copy: Callable[..., Path],
) -> None:
    def policies(data: Any) -> Any:
        data[1]["billing_rules"] = [dict(data[0]["billing_rules"][0])]
        return data

    def coverage(data: Any) -> Any:
        data[0]["billing_rules"] = ["medicare.tset"]
        return data

    assert problems(broken_copy(policies=policies, coverage=coverage)) == [
        "policies.json: $[1].billing_rules[0].id: duplicate billing rule id 'medicare.test' "
        "(first in medicare-90283)",
        "coverage.json: $[0].billing_rules[0]: unknown billing rule 'medicare.tset' "
        "(nearest: 'medicare.test')",
    ]


def test_a_data_file_cannot_set_origin(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy(
        codes=edit_first(origin="user", descriptor={"text": "Official text", "kind": "licensed"})
    )
    # refused at the shape tier, so the licensed text cannot pass as user data
    assert problems(path) == [
        "codes.json: $[0].origin: set by passive_ig (bundled or user), not by a data file",
    ]


def test_one_policy_and_one_benchmark_per_payer_and_code(broken_copy: Callable[..., Path]) -> None:
    def policies(data: Any) -> Any:
        return [*data, dict(data[1], id="uhc-contract")]

    def benchmarks(data: Any) -> Any:
        return [*data, dict(data[0], id="uhc-90283-again")]

    assert problems(broken_copy(policies=policies, payment_benchmarks=benchmarks)) == [
        "policies.json: $[2]: 'uhc-contract' and 'uhc-90283' both answer for payer 'uhc' and "
        "code '90283'; keep one",
        "policies.json: $[2]: 'uhc-contract' and 'uhc-90283' both answer for payer 'uhc' and "
        "code 'J1459'; keep one",
        "payment_benchmarks.json: $[2]: 'uhc-90283-again' and 'uhc-90283' both answer for payer "
        "'uhc' and code '90283'; keep one",
    ]


def test_a_payer_name_or_alias_finds_one_payer(broken_copy: Callable[..., Path]) -> None:
    def payers(data: Any) -> Any:
        data[1]["aliases"] = ["UHC", "C.M.S."]
        return data

    assert problems(broken_copy(payers=payers)) == [
        "payers.json: $[1]: 'C.M.S.' would find both 'medicare' and 'uhc'"
    ]
