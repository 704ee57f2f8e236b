"""What importing costs: ``import passive_ig`` imports almost nothing, and the names it
exports come on first use. (How long that takes is for ``benchmarks/run.py``.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

import passive_ig
from passive_ig.registry import Registry


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


HEAVY = (
    "attrs",
    "cattrs",
    "json",
    "pathlib",
    "typing",
    "importlib_resources",
    "passive_ig.records",
    "passive_ig.registry",
    "passive_ig.errors",
)


def test_import_passive_ig_imports_none_of_the_heavy_modules() -> None:
    code = f"import sys, passive_ig\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    assert run(code) == "[]"


def test_the_first_answer_needs_neither_cattrs_nor_importlib_resources() -> None:
    code = (
        "import sys\n"
        "from passive_ig import registry\n"
        "registry.codes['90283']\n"
        "print(sorted(m for m in ('cattrs', 'importlib_resources', 'passive_ig._converter')"
        " if m in sys.modules))"
    )
    assert run(code) == "[]"


@pytest.mark.parametrize("name", passive_ig.__all__)
def test_every_exported_name_comes_on_first_use(name: str) -> None:
    code = f"import passive_ig\nprint(type(passive_ig.{name}).__name__)"
    assert run(code) == type(getattr(passive_ig, name)).__name__


def test_the_registry_name_stays_the_registry_whatever_is_imported_first() -> None:
    code = (
        "from passive_ig.registry import Registry\n"  # the submodule first
        "import passive_ig\n"
        "from passive_ig import registry\n"
        "print(type(registry).__name__, type(passive_ig.registry).__name__)"
    )
    assert run(code) == "Registry Registry"
    assert isinstance(passive_ig.registry, Registry)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'regsitry'"):
        passive_ig.regsitry  # type: ignore[attr-defined]  # noqa: B018
    assert "registry" in dir(passive_ig)
    assert set(passive_ig.__all__) <= set(dir(passive_ig))


def test_repeated_lookups_are_remembered_and_equal_the_first() -> None:
    fresh = Registry()
    first = fresh.codes[" cpt 90283 "]
    assert fresh.codes[" cpt 90283 "] is first
    assert fresh.codes.get(" cpt 90283 ") is first
    assert " cpt 90283 " in fresh.codes
    assert fresh.policy("uhc") is fresh.policy("UHC") is fresh.policies["uhc-90283"]
    assert fresh.codes.get("90285") is None
    assert "90285" not in fresh.codes
    with pytest.raises(KeyError):
        fresh.codes["90285"]
    with pytest.raises(ValueError, match="well-formed"):
        fresh.codes["9028x"]
    assert fresh.codes.get(90283) is first  # an integer is its digits
    assert fresh.codes.get(90283.5) is None  # type: ignore[arg-type]
