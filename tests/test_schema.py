"""The published JSON Schemas: generated, shipped, up to date, and in step with the loader."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import importlib_resources
import jsonschema
import pytest

from passive_ig import InvalidInputError
from passive_ig._converter import structure_file, structure_one
from passive_ig.records import Manifest
from passive_ig.registry import SPECS
from passive_ig.schema import FILES, json_schema, schema_file_name, write_schemas

MINIMAL = Path(__file__).parent / "data" / "minimal"
RECORD_TYPES: dict[str, type[Any]] = {
    "manifest.json": Manifest,
    **{spec.file: spec.record_type for spec in SPECS},
}


def validator(file: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json_schema(file), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def loader_accepts(file: str, data: object) -> bool:
    """Whether the converter (the loader's shape tier) accepts ``data`` for ``file``."""
    if file == "manifest.json":
        return not structure_one(data, Manifest, file=file)[1]
    return not structure_file(data, RECORD_TYPES[file], file=file).problems


def test_files_are_the_loaders_data_files() -> None:
    assert FILES[0] == "manifest.json"
    assert set(FILES) == set(RECORD_TYPES)
    assert len(FILES) == len(set(FILES))


@pytest.mark.parametrize("file", FILES)
def test_each_schema_is_a_valid_draft_2020_12_schema(file: str) -> None:
    schema = json_schema(file)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    json.dumps(schema)  # plain JSON values only


@pytest.mark.parametrize("file", FILES)
def test_shipped_schema_is_up_to_date(file: str) -> None:
    shipped = importlib_resources.files("passive_ig").joinpath("schemas", schema_file_name(file))
    expected = json.dumps(json_schema(file), indent=2, ensure_ascii=False) + "\n"
    assert shipped.read_text(encoding="utf-8") == expected, (
        f"{schema_file_name(file)} is out of date: run `python -m passive_ig.schema`"
    )


def test_no_stray_schema_is_shipped() -> None:
    shipped = importlib_resources.files("passive_ig").joinpath("schemas")
    names = {item.name for item in shipped.iterdir() if item.name.endswith(".json")}
    assert names == {schema_file_name(file) for file in FILES}


def test_write_schemas_writes_what_json_schema_returns(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out")
    assert [path.name for path in written] == [schema_file_name(file) for file in FILES]
    for file, path in zip(FILES, written, strict=True):
        assert json.loads(path.read_text(encoding="utf-8")) == json_schema(file)


@pytest.mark.parametrize("file", FILES)
def test_bundled_data_validates(file: str) -> None:
    data = json.loads(importlib_resources.files("passive_ig").joinpath("data", file).read_bytes())
    validator(file).validate(data)


@pytest.mark.parametrize("file", FILES)
def test_minimal_data_set_validates(file: str) -> None:
    data = json.loads((MINIMAL / file).read_bytes())
    validator(file).validate(data)


def test_names_with_or_without_extension() -> None:
    assert json_schema("codes") == json_schema("codes.json") == json_schema(" codes.json ")
    assert schema_file_name("workflow") == "workflow.schema.json"


@pytest.mark.parametrize("name", ["codez.json", "", "../codes.json", "manifest.schema.json", 3])
def test_unknown_file_is_a_value_error_naming_the_choices(name: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        json_schema(name)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    assert "'codes.json'" in str(caught.value)
    assert pickle.loads(pickle.dumps(caught.value)).value == name


def test_conventions() -> None:
    codes = json_schema("codes.json")
    defs = codes["$defs"]
    code = defs["BillingCode"]
    assert code["additionalProperties"] is False
    assert "products" not in code["required"]  # has a default
    assert code["properties"]["products"]["default"] == []
    assert "sources" in code["required"]
    assert {"$ref": "#/$defs/NotAvailable"} in code["properties"]["descriptor"]["anyOf"]
    assert {"type": "null"} in code["properties"]["billing_unit"]["anyOf"]
    assert defs["CodeSystem"]["enum"] == ["CPT", "HCPCS"]
    start = defs["Effective"]["properties"]["start"]["anyOf"]
    assert {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"} in start
    assert defs["NotAvailable"]["required"] == ["not_available"]
    # field docstrings become descriptions, written for JSON readers
    assert "`null`" in code["properties"]["billing_unit"]["description"]


# ------------------------------------------------------------------ schema == loader
#
# For every key at every depth of the minimal data set, replace the value with each
# probe (and drop the key, and add an unknown key beside it). The schema and the
# loader's shape tier must give the same verdict on every resulting document.

PROBES: tuple[object, ...] = (
    "text",
    "",
    "2024-01-31",
    "2024-02-30",
    "31/01/2024",
    "intravenous",
    "primary",
    "420.48",
    "-1",
    "1e3",
    0,
    7,
    1.5,
    True,
    False,
    None,
    [],
    ["text"],
    [1],
    {},
    {"not_available": "our sources do not say"},
    {"not_available": ""},
    {"not_available": "   "},
    {"not_available": "why", "extra": 1},
    {"start": "2024-01-01"},
    {"text": "a paraphrase"},
    {"quantity": 500, "measure": "mg"},
)


def _paths(value: object, path: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """Every container path (to a dict or list) in a JSON value."""
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        yield path
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _at(document: Any, path: tuple[object, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _mutations(document: object) -> Iterator[tuple[str, object]]:
    for path in _paths(document):
        container = _at(document, path)
        if isinstance(container, dict):
            for key in container:
                for probe in PROBES:
                    mutated = copy.deepcopy(document)
                    _at(mutated, path)[key] = copy.deepcopy(probe)
                    yield f"{path}.{key} = {probe!r}", mutated
                mutated = copy.deepcopy(document)
                del _at(mutated, path)[key]
                yield f"{path}: drop {key}", mutated
            mutated = copy.deepcopy(document)
            _at(mutated, path)["unknown_key"] = "x"
            yield f"{path}: add unknown_key", mutated
        elif path:  # a list inside a record: a wrong-typed item
            for probe in ("text", 1, None, {}):
                mutated = copy.deepcopy(document)
                _at(mutated, path).append(probe)
                yield f"{path} + {probe!r}", mutated


@pytest.mark.parametrize("file", FILES)
def test_schema_and_loader_agree_on_every_mutation(file: str) -> None:
    original = json.loads((MINIMAL / file).read_bytes())
    records = [original] if file == "manifest.json" else original
    check = validator(file)
    disagreements = []
    count = 0
    for record in records:
        document = record if file == "manifest.json" else [record]
        for label, mutated in _mutations(document):
            count += 1
            by_schema = check.is_valid(mutated)
            by_loader = loader_accepts(file, mutated)
            if by_schema != by_loader:
                disagreements.append(f"{label}: schema {by_schema}, loader {by_loader}")
    assert count > 20
    assert not disagreements, "\n".join(disagreements[:20])


@pytest.mark.parametrize("file", [file for file in FILES if file != "manifest.json"])
def test_schema_and_loader_agree_on_the_top_level(file: str) -> None:
    check = validator(file)
    for document in ({}, None, "codes", [None], [[]], []):
        assert check.is_valid(document) == loader_accepts(file, document), document
