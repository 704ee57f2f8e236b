"""The registry: lookups, normalisation, aliases, typed links, overlays, loading."""

from __future__ import annotations

import copy
import pickle
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import passive_ig
from passive_ig import (
    DataError,
    InvalidCodeFormat,
    InvalidInputError,
    NotAvailable,
    Origin,
    Registry,
    UnknownCodeError,
    UnknownModifierError,
    UnknownPayerError,
    UnknownRecordError,
)
from passive_ig.records import BillingCode, DescriptorKind, PriorAuthStatus, RelationKind
from passive_ig.registry import SPECS

OVERLAY = Path(__file__).parent / "data" / "overlay"


@pytest.fixture
def reg(minimal_dir: Path) -> Registry:
    return Registry.from_directory(minimal_dir)


@pytest.mark.parametrize("key", ["90283", " 90283 ", "CPT 90283", "cpt-90283", "cpt90283"])
def test_code_lookup_normalises_input(reg: Registry, key: str) -> None:
    assert reg.codes[key].code == "90283"
    assert reg.codes.get(key) is reg.codes["90283"]
    assert key in reg.codes


def test_hcpcs_lookup_is_case_insensitive(reg: Registry) -> None:
    assert reg.codes["j1459"].code == "J1459"


def test_unknown_code_raises_key_error_with_suggestions(reg: Registry) -> None:
    with pytest.raises(UnknownCodeError) as info:
        reg.codes["90285"]
    assert isinstance(info.value, KeyError)
    assert str(info.value) == "no billing code '90285' in codes; did you mean '90283'?"
    assert info.value.suggestions == ("90283",)
    assert reg.codes.get("90285") is None
    assert "90285" not in reg.codes


def test_malformed_code_raises_value_error(reg: Registry) -> None:
    with pytest.raises(InvalidCodeFormat, match=r"^'9028' is not a well-formed billing code"):
        reg.codes["9028"]
    assert reg.codes.get("9028") is None
    assert "9028" not in reg.codes
    assert 9028 not in reg.codes


def test_wrong_type_key_raises_value_error(reg: Registry) -> None:
    # an integer is its digits (codes[90283], as places_of_service[11]); other types are refused
    assert reg.codes[90283].code == "90283"
    with pytest.raises(InvalidInputError, match=r"^90283.0 is not a valid billing code"):
        reg.codes[90283.0]  # type: ignore[index]
    with pytest.raises(InvalidInputError, match=r"^True is not a valid billing code"):
        reg.codes[True]


def test_get_default(reg: Registry) -> None:
    fallback = reg.codes["J1459"]
    assert reg.codes.get("90281", fallback) is fallback


def test_collections_iterate_records_in_data_order(reg: Registry) -> None:
    assert [c.code for c in reg.codes] == ["90283", "J1459"]
    assert len(reg.codes) == 2
    assert reg.codes.keys() == ("90283", "J1459")
    assert all(isinstance(c, BillingCode) for c in reg.codes)


@pytest.mark.parametrize(
    ("alias", "payer"),
    [
        ("UHC", "uhc"),
        ("uhc", "uhc"),
        ("UnitedHealthcare", "uhc"),
        ("United Healthcare", "uhc"),
        ("CMS", "medicare"),
        (" medicare ", "medicare"),
    ],
)
def test_payer_aliases(reg: Registry, alias: str, payer: str) -> None:
    assert reg.payers[alias].id == payer
    assert alias in reg.payers


def test_unknown_payer_suggests_names(reg: Registry) -> None:
    with pytest.raises(UnknownPayerError) as info:
        reg.payers["United Helthcare"]
    assert str(info.value) == (
        "no payer 'United Helthcare' in payers; did you mean 'United Healthcare', "
        "'UnitedHealthcare' or 'Medicare'?"
    )


def test_modifier_lookup(reg: Registry) -> None:
    assert reg.modifiers[" jw"].code == "JW"
    with pytest.raises(UnknownModifierError, match=r"^no modifier 'JX' in modifiers; did you mean"):
        reg.modifiers["JX"]


def test_other_collections_by_id(reg: Registry) -> None:
    assert reg.sources["PUB"].id == "pub"
    assert reg.coverage["ncd-250.3"].id == "NCD-250.3"
    assert reg.places_of_service["11"].name == "Office"
    assert reg.places_of_service[12].code == "12"  # type: ignore[index]
    assert reg.workflow_steps["cpt 90283/1"].order == 1
    with pytest.raises(UnknownRecordError, match=r"^no record 'nowhere' in sources"):
        reg.sources["nowhere"]


def test_workflow_is_ordered(reg: Registry) -> None:
    assert [step.order for step in reg.workflow("90283")] == [1, 2]
    # a product-specific code follows its generic CPT code, as the policies do
    assert [(step.code, step.order) for step in reg.workflow("J1459")] == [
        ("90283", 1),
        ("90283", 2),
    ]


def test_policy_and_prior_authorization(reg: Registry) -> None:
    assert reg.policy("UHC").id == "uhc-90283"
    assert reg.policy("uhc", "J1459").id == "uhc-90283"
    assert reg.prior_authorization("UHC").status is PriorAuthStatus.REQUIRED
    assert set(reg.policies_for("90283")) == {"medicare", "uhc"}
    # J1459 links to its generic CPT code 90283: Medicare's 90283 policy governs it,
    # as it does in a check
    assert reg.governing_policy("Medicare", "J1459") == (reg.policy("Medicare"), "90283")
    assert reg.policy("Medicare", "J1459").id == "medicare-90283"


def test_typed_links(reg: Registry) -> None:
    ((link, target),) = reg.related("90283")
    assert link.kind is RelationKind.PRODUCT_SPECIFIC_HCPCS
    assert target is reg.codes["J1459"]
    lists = reg.indications("90283")
    assert isinstance(lists, tuple)
    assert [d.id for d in lists] == ["pidd"]
    assert isinstance(reg.indications("J1459"), NotAvailable)


def test_sources_resolve_to_records_including_nested_ones(reg: Registry) -> None:
    sources = reg.sources_of(reg.policy("UHC"))
    assert [s.id for s in sources] == ["pub", "blog"]
    assert sources[0].url == "https://example.org/pub"


def test_not_available_is_distinct_from_empty(reg: Registry) -> None:
    j1459 = reg.codes["J1459"]
    assert j1459.taxonomies == ()
    assert isinstance(j1459.typical_sites, NotAvailable)
    assert j1459.typical_sites.reason == "not in the sources"
    assert j1459.typical_sites != ()


def test_records_are_frozen_hashable_picklable(reg: Registry) -> None:
    for collection in (getattr(reg, spec.name) for spec in SPECS):
        for record in collection:
            assert pickle.loads(pickle.dumps(record)) == record
            assert copy.deepcopy(record) == record
            assert hash(record) == hash(copy.deepcopy(record))
    with pytest.raises(AttributeError):
        reg.codes["90283"].code = "90284"  # type: ignore[misc]


def test_registry_pickles_with_its_data(reg: Registry) -> None:
    clone = pickle.loads(pickle.dumps(reg))
    assert clone.codes["90283"] == reg.codes["90283"]
    assert clone.payers["UHC"] == reg.payers["UHC"]


def test_to_records_gives_flat_rows_and_to_dict_the_json_form(reg: Registry) -> None:
    rows = reg.codes.to_records()
    assert rows[1]["code"] == "J1459"
    assert rows[1]["billing_unit.quantity"] == 500
    assert rows[1]["typical_sites"] is None
    assert "typical_sites: not in the sources" in rows[1]["not_available_fields"]
    data = reg.codes["J1459"].to_dict()
    assert data["billing_unit"] == {"quantity": 500, "measure": "mg", "sources": []}
    assert data["typical_sites"] == {"not_available": "not in the sources"}
    assert BillingCode.from_dict(data) == reg.codes["J1459"]


def test_overlay_replaces_and_adds_marked_as_user(reg: Registry) -> None:
    combined = reg.with_overlay(OVERLAY)
    policy = combined.policy("UHC")
    assert policy.origin is Origin.USER
    assert policy.prior_authorization.status is PriorAuthStatus.NOT_REQUIRED
    assert combined.sources["our-contract"].origin is Origin.USER
    code = combined.codes["90283"]
    assert code.origin is Origin.USER
    assert not isinstance(code.descriptor, NotAvailable)
    assert code.descriptor.kind is DescriptorKind.LICENSED
    assert combined.codes["J1459"].origin is Origin.BUNDLED
    # the base registry is unchanged
    assert reg.policy("UHC").prior_authorization.status is PriorAuthStatus.REQUIRED


def test_overlay_is_validated_like_bundled_data(reg: Registry, tmp_path: Path) -> None:
    shutil.copytree(OVERLAY, tmp_path / "o")
    text = (tmp_path / "o" / "policies.json").read_text().replace('"uhc"', '"humana"')
    (tmp_path / "o" / "policies.json").write_text(text)
    with pytest.raises(DataError) as info:
        reg.with_overlay(tmp_path / "o")
    assert [str(p) for p in info.value.problems] == [
        "policies.json: $[1].payer: unknown payer 'humana'"
    ]


def test_empty_overlay_directory_is_an_error(reg: Registry, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no data file found; an overlay holds one or more of"):
        reg.with_overlay(tmp_path)


def test_first_load_from_32_threads(minimal_dir: Path) -> None:
    registry = Registry.from_directory(minimal_dir)
    fresh = Registry(registry._reader)  # same data, nothing loaded yet
    barrier = threading.Barrier(32)
    results: list[object] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(fresh.codes["90283"])
            results.append(fresh.policy("UHC"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    codes = {id(r) for r in results if isinstance(r, BillingCode)}
    assert len(codes) == 1  # loaded once: every thread got the same record object


def test_repr_says_whether_loaded(minimal_dir: Path) -> None:
    registry = Registry.from_directory(minimal_dir)
    assert repr(registry.codes) == "<Collection codes: 2 records>"
    assert repr(registry) == f"<Registry over {minimal_dir}>"


def run_python(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )


def test_import_reads_no_data_file() -> None:
    # the audit hook sees every open(), whichever API the reader uses
    code = (
        "import os, sys\n"
        "opened = []\n"
        "def hook(event, args):\n"
        "    if event == 'open' and isinstance(args[0], str) and args[0].endswith('.json'):\n"
        "        opened.append(os.path.basename(args[0]))\n"
        "sys.addaudithook(hook)\n"
        "import passive_ig\n"
        "assert not opened, opened\n"
        "assert 'cattrs' not in sys.modules\n"
        "passive_ig.registry.codes['90283']\n"
        "assert opened == ['codes.json'], opened\n"
        "print('ok')\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_load_all_under_warnings_as_errors() -> None:
    result = run_python("import passive_ig; passive_ig.registry.load_all()", "-W", "error")
    assert result.returncode == 0, result.stderr


def test_data_version_matches_manifest() -> None:
    assert passive_ig.registry.manifest.data_version == passive_ig.DATA_VERSION


def test_bundled_registry_loads_and_validates() -> None:
    passive_ig.registry.load_all()
    assert len(passive_ig.registry.payers) == 5


def test_from_directory_rejects_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        Registry.from_directory(tmp_path / "nope")
    assert str(info.value.problems[0]) == "manifest.json: $: file missing"
    assert len(info.value.problems) == len(passive_ig.registry.manifest.files) + 1  # + manifest


Edit = Callable[..., Path]


def test_from_directory_given_a_file_lists_problems_not_a_traceback(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file.json"
    not_a_dir.write_text("[]")
    with pytest.raises(DataError) as info:
        Registry.from_directory(not_a_dir)
    assert str(info.value.problems[0]) == "manifest.json: $: cannot be read (Not a directory)"


def test_from_directory_refuses_what_is_not_a_path() -> None:
    with pytest.raises(InvalidInputError) as info:
        Registry.from_directory(42)  # type: ignore[arg-type]
    assert str(info.value) == (
        "42 is not a valid data directory: expected a directory path (str or os.PathLike)"
    )


def test_copies_and_pickles_are_independent(reg: Registry) -> None:
    reg.codes["90283"]
    for clone in (copy.copy(reg), copy.deepcopy(reg), pickle.loads(pickle.dumps(reg))):
        assert clone.codes["90283"] == reg.codes["90283"]
        assert clone.codes._registry is clone
        assert reg.codes._registry is reg
        assert clone._lock is not reg._lock


def test_pickle_does_not_carry_lookup_caches(reg: Registry) -> None:
    for code in ("90283", " 90283", "cpt 90283", "J1459", "j1459"):
        reg.codes[code]
    size = len(pickle.dumps(reg))
    for index in range(2000):
        reg.codes.get(f"{90000 + index:05d}")
    assert len(pickle.dumps(reg)) == size


def test_overlay_keys_match_as_lookups_do(reg: Registry, tmp_path: Path) -> None:
    shutil.copytree(OVERLAY, tmp_path / "o")
    text = (tmp_path / "o" / "policies.json").read_text().replace('"uhc-90283"', '"UHC-90283"')
    (tmp_path / "o" / "policies.json").write_text(text)
    combined = reg.with_overlay(tmp_path / "o")
    assert len(combined.policies) == len(reg.policies)  # replaced, not added beside it
    assert combined.policy("UHC").origin is Origin.USER


def test_workflow_step_keys_are_cleaned(reg: Registry) -> None:
    assert reg.workflow_steps["90283/01"] is reg.workflow_steps["cpt 90283/1"]
    with pytest.raises(InvalidInputError, match=r"^'90283/first' is not a valid workflow step key"):
        reg.workflow_steps["90283/first"]
