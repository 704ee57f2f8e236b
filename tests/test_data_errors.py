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


# ---------------------------------------------------------------- hostile data (issue 13)


def edit_text(path: Path, name: str, old: str, new: str) -> None:
    """Replace text in a data file as written: for what json.dumps cannot write."""
    text = (path / name).read_text(encoding="utf-8")
    assert old in text
    (path / name).write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_integer_of_too_many_digits_is_a_problem_with_its_path(
    broken_copy: Callable[..., Path],
) -> None:
    path = broken_copy()
    edit_text(path, "workflow.json", '"order": 2', '"order": ' + "7" * 5000)
    assert problems(path) == ["workflow.json: $[0].order: an integer of 5000 digits (at most 100)"]


def test_numbers_json_does_not_have_are_problems(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy()
    edit_text(path, "workflow.json", '"order": 2', '"order": NaN')
    edit_text(path, "codes.json", '"quantity": 500', '"quantity": 1e400')
    assert problems(path) == [
        "codes.json: $[1].billing_unit.quantity: a number out of range (1e400)",
        "workflow.json: $[0].order: NaN is not JSON",
    ]


def test_nesting_past_the_limit_is_a_problem_with_its_path(
    broken_copy: Callable[..., Path],
) -> None:
    path = broken_copy()
    edit_text(
        path, "codes.json", '"products": ["Privigen"]', '"products": ' + "[" * 100 + "]" * 100
    )
    # the list of records is level 0, a record 1, its products 2, ...: level 64 is refused
    assert problems(path) == [
        "codes.json: $[1].products" + "[0]" * 62 + ": arrays or objects nested more than 64 "
        "levels deep"
    ]


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_nesting_beyond_what_the_parser_follows_is_a_problem_not_a_recursion_error(
    broken_copy: Callable[..., Path], depth: int
) -> None:
    path = broken_copy()
    edit_text(
        path,
        "taxonomies.json",
        "[",
        "[" + "[" * depth + "]" * depth + ",",
    )
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith("taxonomies.json: $")
    assert found[0].endswith(": arrays or objects nested more than 64 levels deep")


def test_a_reference_in_superscript_digits_is_a_problem(broken_copy: Callable[..., Path]) -> None:
    def codes(data: Any) -> Any:
        data[0]["related"][0]["code"] = "J14²⁵"
        return data

    def workflow(data: Any) -> Any:
        data[0]["code"] = "²⁹⁰²⁸³"
        return data

    assert problems(broken_copy(codes=codes, workflow=workflow)) == [
        "codes.json: $[0].related[0].code: unknown billing code 'J14²⁵' (nearest: 'J1459')",
        "workflow.json: $[0].code: unknown billing code '²⁹⁰²⁸³'",
    ]


def test_a_key_given_twice_in_one_object_is_a_problem(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy()
    edit_text(path, "payers.json", '"id": "uhc",', '"id": "medicare", "id": "uhc",')
    edit_text(path, "codes.json", '"status": "active"', '"status": "active", "status": "active"')
    assert problems(path) == [
        "codes.json: $[0].status: key 'status' given more than once in one object",
        "payers.json: $[1].id: key 'id' given more than once in one object",
    ]


@pytest.mark.parametrize("quantity", [0, -500])
def test_a_billing_unit_of_nothing_or_less_is_refused(
    broken_copy: Callable[..., Path], quantity: int
) -> None:
    def codes(data: Any) -> Any:
        data[1]["billing_unit"]["quantity"] = quantity
        return data

    assert problems(broken_copy(codes=codes)) == [
        f"codes.json: $[1].billing_unit.quantity: a billing unit of {quantity} mg is not a "
        "unit: expected a whole number of 1 or more"
    ]


def test_a_payer_name_or_alias_without_a_letter_or_digit_is_refused(
    broken_copy: Callable[..., Path],
) -> None:
    def payers(data: Any) -> Any:
        data[0]["aliases"] = ["CMS", "???", ""]
        data[1]["aliases"] = ["UHC", "!!"]
        return data

    assert problems(broken_copy(payers=payers)) == [
        "payers.json: $[0].aliases[1]: '???' has no letter or digit, so it cannot name a payer "
        "(lookups ignore everything else)",
        "payers.json: $[0].aliases[2]: '' has no letter or digit, so it cannot name a payer "
        "(lookups ignore everything else)",
        "payers.json: $[1].aliases[1]: '!!' has no letter or digit, so it cannot name a payer "
        "(lookups ignore everything else)",
    ]


def test_an_id_with_surrounding_spaces_is_refused_once(broken_copy: Callable[..., Path]) -> None:
    def sources(data: Any) -> Any:
        data[1]["id"] = " blog "
        return data

    def policies(data: Any) -> Any:
        data[0]["billing_rules"][0]["id"] = "medicare.test\n"
        return data

    def coverage(data: Any) -> Any:
        data[0]["billing_rules"] = ["medicare.test"]
        return data

    # one problem each: the references written without the spaces are not reported again
    assert problems(broken_copy(sources=sources, policies=policies, coverage=coverage)) == [
        "sources.json: $[1].id: ' blog ' cannot be looked up: an id has no surrounding spaces; "
        "write 'blog'",
        "policies.json: $[0].billing_rules[0].id: 'medicare.test\\n' cannot be looked up: an id "
        "has no surrounding spaces; write 'medicare.test'",
    ]


def test_an_empty_id_is_refused(broken_copy: Callable[..., Path]) -> None:
    assert problems(broken_copy(diagnosis_lists=edit_first(id=""))) == [
        "codes.json: $[0].indications[0]: unknown diagnosis list 'pidd'",
        "coverage.json: $[0].diagnosis_lists[0]: unknown diagnosis list 'pidd'",
        "diagnosis_lists.json: $[0].id: an id cannot be empty",
        "criteria.json: $[0].diagnosis_list: unknown diagnosis list 'pidd'",
    ]


def test_a_workflow_step_number_below_1_is_refused(broken_copy: Callable[..., Path]) -> None:
    assert problems(broken_copy(workflow=edit_first(order=-3))) == [
        "workflow.json: $[0].order: expected a step number of 1 or more, got -3"
    ]


def test_an_amount_with_a_final_newline_is_refused(broken_copy: Callable[..., Path]) -> None:
    def benchmarks(data: Any) -> Any:
        data[1]["figures"][0]["amount"] = "12.50\n"
        return data

    assert problems(broken_copy(payment_benchmarks=benchmarks)) == [
        "payment_benchmarks.json: $[1].figures[0].amount: expected an amount as a string of "
        "digits, e.g. '420.48', got '12.50\\n'"
    ]


def test_a_shape_problem_does_not_hide_a_reference_problem(
    broken_copy: Callable[..., Path],
) -> None:
    path = broken_copy(codes=edit_first(system="ICD"), policies=edit_first(payer="humana"))
    assert problems(path) == [
        "codes.json: $[0].system: expected one of 'CPT', 'HCPCS', got 'ICD'",
        "policies.json: $[0].payer: unknown payer 'humana'",
    ]


def test_a_record_that_failed_its_shape_is_not_reported_again_as_missing(
    broken_copy: Callable[..., Path],
) -> None:
    def codes(data: Any) -> Any:
        data[1]["system"] = "ICD"  # J1459: cited by codes, policies, benchmarks, rules
        return data

    def payers(data: Any) -> Any:
        del data[1]["kind"]  # uhc: cited by policies and benchmarks
        return data

    assert problems(
        broken_copy(codes=codes, payers=payers, policies=edit_first(payer="humana"))
    ) == [
        "codes.json: $[1].system: expected one of 'CPT', 'HCPCS', got 'ICD'",
        "payers.json: $[1].kind: required key missing",
        "policies.json: $[0].payer: unknown payer 'humana'",
    ]


def test_references_to_a_file_that_did_not_read_are_not_checked(
    broken_copy: Callable[..., Path],
) -> None:
    def sources(data: Any) -> Any:
        data[0]["id"] = 7  # no key can be read for this record: no source can be said missing
        return data

    path = broken_copy(sources=sources, policies=edit_first(payer="humana"))
    (path / "payers.json").write_text("[{", encoding="utf-8")
    assert problems(path) == [
        "sources.json: $[0].id: expected a string, got a number (7)",
        "payers.json: $: not valid JSON (line 1 column 3: Expecting property name enclosed in "
        "double quotes)",
    ]


def test_only_regular_files_are_read(broken_copy: Callable[..., Path]) -> None:
    import os
    import threading

    path = broken_copy()
    (path / "taxonomies.json").unlink()
    os.mkfifo(path / "taxonomies.json")  # no writer: reading it would wait forever
    (path / "workflow.json").unlink()
    (path / "workflow.json").symlink_to("/dev/zero")  # endless: reading it exhausts memory
    (path / "sources.json").unlink()
    (path / "sources.json").mkdir()
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(problems(path)), daemon=True)
    worker.start()
    worker.join(60)
    assert found == [
        [
            "sources.json: $: not a regular file (a directory); only files are read",
            "taxonomies.json: $: not a regular file (a FIFO); only files are read",
            "workflow.json: $: not a regular file (a character device); only files are read",
        ]
    ]


def test_a_file_over_the_size_limit_is_not_read(broken_copy: Callable[..., Path]) -> None:
    from passive_ig.registry import FILE_SIZE_LIMIT

    path = broken_copy()
    text = (path / "payers.json").read_bytes()
    (path / "payers.json").write_bytes(text + b" " * (FILE_SIZE_LIMIT - len(text) + 1))
    assert problems(path) == ["payers.json: $: larger than 16 MiB, the limit for a data file"]
    (path / "payers.json").write_bytes(text + b" " * (FILE_SIZE_LIMIT - len(text)))
    Registry.from_directory(path)  # exactly the limit is read


def test_a_path_with_a_nul_character_a_lone_surrogate_or_nothing_is_refused(
    minimal_dir: Path,
) -> None:
    from passive_ig import InvalidInputError

    for call in (Registry.from_directory, Registry.from_directory(minimal_dir).with_overlay):
        for path, shown in (
            ("data\0dir", "'data\\x00dir'"),
            ("data\ud800", "'data\\ud800'"),
            ("", "''"),
        ):
            with pytest.raises(InvalidInputError) as info:
                call(path)
            assert str(info.value) == (
                f"{shown} is not a valid data directory: expected a directory path "
                "(str or os.PathLike of str) without NUL characters"
            )


def test_a_file_name_the_format_does_not_have_is_refused(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy()
    (path / "policies.json").rename(path / "policy.json")
    (path / ".hidden").write_text("left alone")
    assert problems(path) == [
        "policy.json: $: not a data file name; did you mean 'policies.json'? (a data set holds "
        "only manifest.json, sources.json, codes.json, modifiers.json, payers.json, "
        "policies.json, coverage.json, diagnosis_lists.json, places_of_service.json, "
        "taxonomies.json, payment_benchmarks.json, workflow.json, criteria.json)",
        "policies.json: $: file missing",
    ]


def test_a_file_of_one_value_the_format_refuses(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy()
    (path / "codes.json").write_text("NaN", encoding="utf-8")
    (path / "taxonomies.json").write_text("null", encoding="utf-8")
    (path / "payers.json").write_text('{"a": 1, "a": 2}', encoding="utf-8")
    (path / "manifest.json").write_text("-1e999", encoding="utf-8")
    assert problems(path) == [
        "manifest.json: $: a number out of range (-1e999)",
        "codes.json: $: NaN is not JSON",
        "payers.json: $: expected a list, got an object",
        "payers.json: $.a: key 'a' given more than once in one object",
        "taxonomies.json: $: expected a list, got null",
    ]


def test_a_long_key_is_shown_shortened_in_the_path(broken_copy: Callable[..., Path]) -> None:
    path = broken_copy()
    key = "x" * 5000
    edit_text(path, "payers.json", '"id": "uhc",', f'"{key}": 1, "{key}": 2, "id": "uhc",')
    found = problems(path)
    shown = f"'{'x' * 57}...{'x' * 58}'"
    assert found[0] == (
        f"payers.json: $[1][{shown}]: key {shown} given more than once in one object"
    )
