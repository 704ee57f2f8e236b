"""The fast path for the bundled data builds exactly what the strict path builds.

The default registry builds the bundled records with :mod:`passive_ig._fastload`
and skips the cross-file checks; these tests are what lets it: the same files,
loaded strictly (both tiers of checks), give equal records, record for record.
They also hold the fast path to the strict path's verdict on data that is not
the bundled data: whatever the strict path refuses, the fast path refuses too,
so the registry falls back to the strict path and its problem list.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import passive_ig
from passive_ig import DataError, Registry
from passive_ig._converter import structure_file, structure_one
from passive_ig._fastload import structure_list
from passive_ig._fastload import structure_one as fast_one
from passive_ig.records import Manifest
from passive_ig.registry import MANIFEST_FILE, SPECS, _BundledReader

DATA = Path(passive_ig.__file__).parent / "data"


def bundled(name: str) -> Any:
    return json.loads((DATA / name).read_bytes())


@pytest.fixture(scope="module")
def strict() -> Registry:
    """The bundled files, loaded the way any other data set is: strictly, both tiers."""
    return Registry.from_directory(DATA)


@pytest.fixture(scope="module")
def fast() -> Registry:
    registry = Registry()  # the default reader: the bundled data, by the fast path
    registry.load_all()
    return registry


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_every_bundled_file_takes_the_fast_path(spec: Any) -> None:
    # None would mean a silent fall back to the strict path: correct, but slow
    assert structure_list(bundled(spec.file), spec.record_type) is not None
    assert fast_one(bundled(MANIFEST_FILE), Manifest) is not None


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_fast_and_strict_records_are_equal_record_for_record(
    spec: Any, fast: Registry, strict: Registry
) -> None:
    fast_records = tuple(getattr(fast, spec.name))
    strict_records = tuple(getattr(strict, spec.name))
    assert len(fast_records) == len(strict_records) > 0
    for mine, theirs in zip(fast_records, strict_records, strict=True):
        assert type(mine) is type(theirs)
        assert mine == theirs
        assert repr(mine) == repr(theirs)
        assert mine.to_dict() == theirs.to_dict()


def test_fast_and_strict_manifests_are_equal(fast: Registry, strict: Registry) -> None:
    assert fast.manifest == strict.manifest
    assert (
        fast_one(bundled(MANIFEST_FILE), Manifest)
        == structure_one(bundled(MANIFEST_FILE), Manifest, file=MANIFEST_FILE)[0]
    )


def test_the_bundled_data_passes_every_strict_check(strict: Registry) -> None:
    # Registry.from_directory ran both tiers over the same files: no DataError
    assert len(strict.codes) == len(passive_ig.registry.codes)


def test_the_default_registry_uses_neither_cattrs_nor_the_cross_checks() -> None:
    code = (
        "import sys, passive_ig\n"
        "passive_ig.registry.load_all()\n"
        "passive_ig.registry.check(\n"
        "    __import__('passive_ig.claims').claims.ClaimLine(code='J1459'), payer='UHC'\n"
        ")\n"
        "print(sorted(m for m in ('cattrs', 'passive_ig._converter', 'passive_ig._integrity')"
        " if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------ refusing like the strict path


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, as the keys and indexes that lead to it."""
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths(item, (*at, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(paths(item, (*at, index)))
    return found


def replaced(data: Any, at: tuple[Any, ...], new: Any) -> Any:
    data = copy.deepcopy(data)
    if not at:
        return new
    parent = data
    for step in at[:-1]:
        parent = parent[step]
    parent[at[-1]] = new
    return data


def removed(data: Any, at: tuple[Any, ...]) -> Any:
    data = copy.deepcopy(data)
    parent = data
    for step in at[:-1]:
        parent = parent[step]
    del parent[at[-1]]
    return data


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.sampled_from(
        ["", " ", "x", "2024-01-01", "2024-13-01", "20240101", "1.50", "1e3", "active", "mg"]
    )
    | st.sampled_from([{"not_available": "reason"}, {"not_available": " "}, {"not_available": 1}]),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)

# a few records of every file (all of them would make each example slow)
SAMPLES = {spec.name: (spec, bundled(spec.file)[:3]) for spec in SPECS}


def agree(data: Any, spec: Any) -> None:
    mine = structure_list(data, spec.record_type)
    theirs = structure_file(data, spec.record_type, file=spec.file)
    if theirs.problems:
        assert mine is None, f"the fast path took what the strict path refused: {theirs.problems}"
    else:
        assert mine == theirs.records, "the fast path refused or differed where strict did not"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    data=st.data(),
    new=json_values,
    action=st.sampled_from(["replace", "remove", "add"]),
)
def test_fast_path_refuses_whatever_the_strict_path_refuses(
    name: str, data: st.DataObject, new: Any, action: str
) -> None:
    spec, records = SAMPLES[name]
    where = data.draw(st.sampled_from(paths(records)))
    if action == "replace":
        changed = replaced(records, where, new)
    elif action == "remove" and where:
        changed = removed(records, where)
    else:
        target = records
        for step in where:
            target = target[step]
        if not isinstance(target, dict):
            return
        changed = replaced(records, (*where, "unexpected_key"), new)
    agree(changed, spec)


@pytest.mark.parametrize(
    ("name", "at", "value"),
    [
        ("codes", (0, "code"), 90283),  # a number for text
        ("codes", (0, "routes"), "intravenous"),  # text for a list
        ("codes", (0, "effective", "end"), "2024-1-01"),  # a date not as YYYY-MM-DD
        ("codes", (0, "status"), "Active"),  # not one of the enum's values
        ("codes", (0, "single_dose_container"), 1),  # a number for true/false
        ("codes", (0, "descriptor"), {"not_available": ""}),  # a blank reason
        ("payers", (2, "aliases", 0), None),
        ("workflow_steps", (0, "order"), True),  # a boolean for a number
        ("workflow_steps", (0, "order"), 1.0),  # a float for an integer
        ("sources", (0, "as_of"), {"not_available": "x", "extra": 1}),
    ],
)
def test_fast_path_refuses_each_kind_of_shape_problem(
    name: str, at: tuple[Any, ...], value: Any
) -> None:
    spec, records = SAMPLES[name]
    changed = replaced(records, at, value)
    assert structure_file(changed, spec.record_type, file=spec.file).problems
    assert structure_list(changed, spec.record_type) is None


def test_a_refused_bundled_file_goes_the_strict_way_and_lists_its_problems(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    codes = json.loads((tmp_path / "codes.json").read_bytes())
    codes[1]["kind"] = "vaccine"
    del codes[2]["sources"]
    (tmp_path / "codes.json").write_text(json.dumps(codes))
    reader = _BundledReader()
    reader.root = tmp_path
    with pytest.raises(DataError) as info:
        Registry(reader).codes["90283"]
    assert [str(p) for p in info.value.problems] == [
        "codes.json: $[1].kind: expected one of 'immune-globulin-product', 'drug-product', "
        "'administration', 'home-infusion-services', 'preadministration', got 'vaccine'",
        "codes.json: $[2].sources: required key missing",
    ]


def test_duplicate_keys_in_a_bundled_file_go_the_strict_way(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    payers = json.loads((tmp_path / "payers.json").read_bytes())
    payers.append(payers[0])
    (tmp_path / "payers.json").write_text(json.dumps(payers))
    reader = _BundledReader()
    reader.root = tmp_path
    with pytest.raises(DataError, match=r"payers.json: \$\[5\]: duplicate key"):
        Registry(reader).payers["UHC"]


def test_origin_in_a_bundled_file_goes_the_strict_way(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    payers = json.loads((tmp_path / "payers.json").read_bytes())
    payers[1]["origin"] = "bundled"
    (tmp_path / "payers.json").write_text(json.dumps(payers))
    reader = _BundledReader()
    reader.root = tmp_path
    with pytest.raises(DataError, match=r"payers.json: \$\[1\].origin: set by passive_ig"):
        Registry(reader).payers["UHC"]
