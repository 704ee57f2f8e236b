"""The records share one __eq__, __hash__ and __repr__ (cheaper to import than attrs
generating three per class); the contract stays what attrs gave: frozen, slotted,
equal and hashed by value, picklable, and a short constructor-style repr."""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import pickle
from typing import Any

import attrs
import pytest

from passive_ig import records, registry
from passive_ig.records import BillingCode, Effective, NotAvailable, Record
from passive_ig.registry import SPECS

RECORD_CLASSES = [
    cls
    for _, cls in inspect.getmembers(records, inspect.isclass)
    if attrs.has(cls) and cls.__module__ == records.__name__
]
VALUE_CLASSES = [NotAvailable]  # a value, not a record, that keeps the same contract


def examples() -> list[Any]:
    """A record of every class that the bundled data holds, nested ones included."""
    registry.load_all()
    found: dict[type, Any] = {}

    def walk(value: Any) -> None:
        if attrs.has(type(value)):
            found.setdefault(type(value), value)
            for field in attrs.fields(type(value)):
                walk(getattr(value, field.name))
        elif isinstance(value, tuple):
            for item in value:
                walk(item)

    for spec in SPECS:
        for record in getattr(registry, spec.name):
            walk(record)
    walk(registry.manifest)
    return list(found.values())


EXAMPLES = examples()


def test_every_record_class_has_an_example() -> None:
    assert {type(x) for x in EXAMPLES} == set(RECORD_CLASSES) | set(VALUE_CLASSES)


@pytest.mark.parametrize("record", EXAMPLES, ids=lambda r: type(r).__name__)
def test_the_record_contract(record: Any) -> None:
    cls = type(record)
    assert not hasattr(record, "__dict__")  # slotted
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.__setattr__(attrs.fields(cls)[0].name, None)
    twin = copy.deepcopy(record)
    assert twin is not record
    assert twin == record
    assert (twin != record) is False  # __ne__ follows __eq__
    assert hash(twin) == hash(record)
    assert pickle.loads(pickle.dumps(record)) == record
    assert record != object()
    assert record.__eq__(object()) is NotImplemented
    assert {record, twin} == {record}


@pytest.mark.parametrize("record", EXAMPLES, ids=lambda r: type(r).__name__)
def test_records_differing_in_one_field_differ(record: Any) -> None:
    for field in attrs.fields(type(record)):
        # evolve does not check types: any value unlike the field's will do
        other = attrs.evolve(record, **{field.name: NotAvailable(reason="a value no record has")})
        assert other != record, field.name
        assert (other == record) is False, field.name


def test_a_subclass_or_another_class_is_never_equal() -> None:
    start = dt.date(2024, 1, 1)
    assert Effective(start=start) == Effective(start=start)
    assert Effective(start=start) != NotAvailable(reason="x")
    assert hash(NotAvailable(reason="x")) == hash(NotAvailable(reason="x"))


def test_repr_is_constructor_style_with_long_text_cut() -> None:
    code = registry.codes["90283"]
    text = repr(code)
    assert text.startswith("BillingCode(code='90283', system=CodeSystem.CPT, ")
    names = [f.name for f in attrs.fields(BillingCode)]
    assert [part.split("=")[0] for part in _top_level(text[len("BillingCode(") : -1])] == names
    assert repr(NotAvailable(reason="r")) == "NotAvailable(reason='r')"
    assert repr(Effective(start=dt.date(2024, 1, 1))) == (
        "Effective(start=datetime.date(2024, 1, 1), end=None)"
    )
    long = NotAvailable(reason="x" * 100)
    assert repr(long) == f"NotAvailable(reason='{'x' * 59}…')"


def _top_level(text: str) -> list[str]:
    """Split ``a=1, b=(2, 3)`` at the commas outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif char in "'\"":
            quote = char
        elif char in "([{<":
            depth += 1
        elif char in ")]}>":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return parts


def test_record_is_the_base_of_every_record() -> None:
    assert all(issubclass(cls, Record) for cls in RECORD_CLASSES)
    assert not issubclass(NotAvailable, Record)  # a value every module may use
