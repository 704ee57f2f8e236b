"""JSON Schemas for the data files, generated from the record classes.

Each data file (``codes.json``, ``modifiers.json``, ...) has a JSON Schema
(draft 2020-12) that says what the loader accepts, so the author of an overlay
can check a file in any language before passive_ig reads it. The schemas are
not written by hand: :func:`json_schema` builds them by walking the attrs record
classes and following the converter's conventions:

* ``{"not_available": "<reason>"}`` stands for a fact our sources do not give;
* dates are ``"YYYY-MM-DD"`` strings, amounts of money are strings of digits
  (``"420.48"``, never a float), kinds and statuses are their enum values,
  tuples are arrays;
* unknown keys are refused (``additionalProperties: false``) and a field with a
  default may be left out.

A schema checks the *shape* of a file, the first of the loader's two tiers of
checks. The second tier, the rules across records and files (that a cited source
exists, that a code is in canonical form, that a period does not end before it
starts), needs the whole data set and is checked by passive_ig when it loads.

>>> from passive_ig.schema import FILES, json_schema
>>> FILES[:3]
('manifest.json', 'sources.json', 'codes.json')
>>> schema = json_schema("modifiers.json")
>>> schema["type"], schema["items"]
('array', {'$ref': '#/$defs/Modifier'})
>>> schema["$defs"]["NotAvailable"]["required"]
['not_available']
>>> json_schema("codes") == json_schema("codes.json")
True

The same schemas ship inside the package (``passive_ig/schemas/*.schema.json``)
and are printed by ``passive-ig schema FILE``.
"""

from __future__ import annotations

import ast
import datetime as dt
import decimal
import enum
import inspect
import itertools
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from . import records as _records
from .errors import InvalidInputError
from .records import Manifest, NotAvailable
from .registry import DATA_FILES, MANIFEST_FILE, SPECS

__all__ = ["DIALECT", "FILES", "json_schema", "schema_file_name", "write_schemas"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect the schemas are written in."""

FILES: tuple[str, ...] = DATA_FILES
"""The names of the data files, manifest first, in the order the loader reads them."""

_RECORD_TYPES: dict[str, type[Any]] = {
    MANIFEST_FILE: Manifest,
    **{spec.file: spec.record_type for spec in SPECS},
}

_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

_SHAPE_NOTE = (
    "This schema checks the shape of the file only. References between records and "
    "files (cited sources, codes, payers, diagnosis lists), the canonical form of codes "
    "and date ranges are checked by passive_ig when it loads the whole data set."
)


def schema_file_name(file: str) -> str:
    """The name of the shipped schema for a data file: ``codes.json`` gives
    ``codes.schema.json``."""
    return _data_file(file).removesuffix(".json") + ".schema.json"


def json_schema(file: str) -> dict[str, Any]:
    """The JSON Schema of one data file, as a dict ready for :func:`json.dumps`.

    ``file`` is a name from :data:`FILES`, with or without ``.json``. Raises
    :class:`~passive_ig.errors.InvalidInputError` (a ``ValueError``) for any other name.
    """
    name = _data_file(file)
    record_type = _RECORD_TYPES[name]
    builder = _Builder()
    root = builder.ref(record_type)
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "title": f"passive_ig data file {name}",
    }
    if name == MANIFEST_FILE:
        schema["description"] = (
            "The manifest of a passive_ig data set: a single object naming the data "
            "version, the day it describes and its sources. " + _SHAPE_NOTE
        )
        schema.update(root)
    else:
        noun = record_type.__name__
        schema["description"] = f"A list of {noun} records, one JSON object each. " + _SHAPE_NOTE
        schema["type"] = "array"
        schema["items"] = root
    schema["$defs"] = dict(sorted(builder.defs.items()))
    return schema


def write_schemas(directory: str | Path) -> tuple[Path, ...]:
    """Write the schema of every data file into ``directory`` (created if needed).

    Each file is ``json.dumps(json_schema(file), indent=2)`` plus a final newline,
    named by :func:`schema_file_name`. Returns the paths written, in :data:`FILES` order.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for file in FILES:
        path = target / schema_file_name(file)
        path.write_text(_dumps(json_schema(file)), encoding="utf-8")
        written.append(path)
    return tuple(written)


def _dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _data_file(file: object) -> str:
    if isinstance(file, str):
        name = file.strip()
        if not name.endswith(".json"):
            name += ".json"
        if name in _RECORD_TYPES:
            return name
    expected = "one of " + ", ".join(repr(name) for name in FILES)
    raise InvalidInputError(file, expected, what="data file name")


class _Builder:
    """Walks record types into schema fragments, collecting named ones in ``defs``."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, tp: type[Any]) -> dict[str, Any]:
        name = tp.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserve first: records may refer to each other
            self.defs[name] = self._define(tp)
        return {"$ref": f"#/$defs/{name}"}

    def _define(self, tp: type[Any]) -> dict[str, Any]:
        if tp is NotAvailable:
            return {
                "title": "NotAvailable",
                "description": (
                    "A fact our sources do not establish, with the reason. Distinct from "
                    "an empty list (we know there is none) and from null (the field does "
                    "not apply)."
                ),
                "type": "object",
                "properties": {
                    "not_available": {
                        "description": "Why the fact is not available; not blank.",
                        "type": "string",
                        "minLength": 1,
                        "pattern": "\\S",
                    }
                },
                "required": ["not_available"],
                "additionalProperties": False,
            }
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._enum(tp)
        return self._record(tp)

    def _enum(self, tp: type[enum.Enum]) -> dict[str, Any]:
        lines = [_doc(tp)]
        member_docs = _member_docs(tp)
        lines.extend(
            f"{member.value!r}: {member_docs[member.name]}"
            for member in tp
            if member.name in member_docs
        )
        values = [member.value for member in tp]
        if not all(isinstance(value, str) for value in values):  # pragma: no cover
            raise TypeError(f"{tp.__name__}: only enums of strings have a JSON form")
        return {
            "title": tp.__name__,
            "description": "\n".join(line for line in lines if line),
            "type": "string",
            "enum": values,
        }

    def _record(self, tp: type[Any]) -> dict[str, Any]:
        if not attrs.has(tp):
            raise TypeError(f"{tp!r} has no JSON form: not a record, enum or plain value")
        attrs.resolve_types(tp)
        field_docs = _field_docs(tp)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(tp):
            if field.name == "origin":
                continue  # set by passive_ig when it loads a file, never written in one
            prop = self.value(field.type)
            doc = field_docs.get(field.name)
            if doc:
                prop = {"description": doc, **prop}
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                prop["default"] = _json_default(field.default)
            properties[field.name] = prop
        definition: dict[str, Any] = {"title": tp.__name__}
        doc = _doc(tp)
        if doc:
            definition["description"] = doc
        definition.update(
            {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
        )
        return definition

    def value(self, tp: Any) -> dict[str, Any]:
        """The schema of a value of type ``tp``, following the converter's conventions."""
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is decimal.Decimal:
            from ._converter import _DECIMAL  # the loader's own pattern, so the two agree

            return {"type": "string", "pattern": _DECIMAL.pattern}
        if tp is dt.date:
            return {"type": "string", "format": "date", "pattern": _DATE_PATTERN}
        if tp is type(None) or tp is None:
            return {"type": "null"}
        origin = typing.get_origin(tp)
        if origin is typing.Union or origin is types.UnionType:
            return {"anyOf": [self.value(arg) for arg in typing.get_args(tp)]}
        if origin is tuple:
            args = typing.get_args(tp)
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.value(args[0])}
        if isinstance(tp, type) and (
            tp is NotAvailable or issubclass(tp, enum.Enum) or attrs.has(tp)
        ):
            return self.ref(tp)
        raise TypeError(f"{tp!r} has no JSON form in the data format")


def _json_default(value: object) -> Any:
    from ._converter import unstructure

    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        value = value.factory()  # type: ignore[attr-defined]
    return unstructure(value)


# --------------------------------------------------------------------------- docstrings

_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`<]+?)`")
_LITERAL = re.compile(r"``([^`]+)``")
_JSON_WORDS = {
    "None": "null",
    "True": "true",
    "False": "false",
    "NotAvailable": '`{"not_available": "<reason>"}`',
}


def _plain(text: str) -> str:
    """A docstring paragraph as plain text: reST roles and literals unwrapped."""
    text = _ROLE.sub(lambda match: _JSON_WORDS.get(match[1], match[1]), text)
    text = _LITERAL.sub(lambda match: f"`{_JSON_WORDS.get(match[1], match[1])}`", text)
    return " ".join(text.split())


def _doc(obj: object) -> str:
    """An object's docstring as plain text, up to its first example."""
    raw = getattr(obj, "__doc__", None)
    if not isinstance(raw, str):
        return ""
    doc = inspect.cleandoc(raw)
    paragraphs = []
    for paragraph in doc.split("\n\n"):
        if paragraph.lstrip().startswith(">>>"):
            break
        paragraphs.append(_plain(paragraph))
    return "\n\n".join(paragraphs)


def _class_body(tp: type[Any]) -> list[ast.stmt]:
    """The statements of a class as written in its source; empty when the source is
    not available (a frozen application), which only drops field descriptions."""
    module = sys.modules.get(tp.__module__, _records)
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):  # pragma: no cover - depends on how Python was installed
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == tp.__qualname__:
            return node.body
    return []  # pragma: no cover


def _attribute_docs(body: list[ast.stmt]) -> Iterator[tuple[str, str]]:
    """(name, docstring) for each attribute followed by a string literal."""
    for statement, following in itertools.pairwise(body):
        if not (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            continue
        target: ast.expr | None = None
        if isinstance(statement, ast.AnnAssign):
            target = statement.target
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        if isinstance(target, ast.Name):
            yield target.id, _plain(inspect.cleandoc(following.value.value))


def _field_docs(tp: type[Any]) -> dict[str, str]:
    return dict(_attribute_docs(_class_body(tp)))


def _member_docs(tp: type[enum.Enum]) -> dict[str, str]:
    return dict(_attribute_docs(_class_body(tp)))


def _main() -> None:  # pragma: no cover - a maintainer's command, checked by the tests
    """Regenerate the shipped schemas: ``python -m passive_ig.schema``."""
    directory = Path(__file__).with_name("schemas")
    for path in write_schemas(directory):
        print(path)


if __name__ == "__main__":  # pragma: no cover
    _main()
