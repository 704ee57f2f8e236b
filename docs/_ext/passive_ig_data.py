"""Sphinx extension: the data reference and the data format, generated at build time.

Two directives, used in the Markdown pages under ``reference/``::

    ```{passive-ig-data} codes
    ```

renders a collection of the data set (``codes``, ``modifiers``, ``policies``,
``workflow``, ``sources``, ``coverage``, ``diagnosis_lists``, ``places_of_service``,
``taxonomies``, ``payers``, ``payment_benchmarks``, or any collection added
since), its ``manifest``, or the claim check ``rules``: a summary table, then one section
per record with every field, each source id a link to the source with its
confidence. Nothing is written by hand: when the data changes, the pages change
with it (each page depends on the data files, so an incremental build rereads it).

    ```{passive-ig-schema} codes.json
    ```

renders the JSON Schema of a data file (from :mod:`passive_ig.schema`): a link
to download it and a table of the fields of each object it defines. With ``all``
it renders every data file, one section each.

The data set is the bundled one unless ``passive_ig_data`` in ``conf.py`` names a
directory. A data set that does not load fails the build with its problems.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from passive_ig import DataError, Registry
from passive_ig.records import (
    BillingUnit,
    CodeRange,
    Confidence,
    Descriptor,
    Effective,
    NotAvailable,
    Source,
)

CONFIDENCE_MARK = {
    Confidence.PRIMARY: "P",
    Confidence.PRIMARY_MIRROR: "P-mirror",
    Confidence.SECONDARY: "S",
}

# collection -> (registry attribute, summary columns, how to title a record's section)
COLLECTIONS: dict[str, tuple[str, tuple[str, ...], Callable[[Any], str]]] = {
    "codes": (
        "codes",
        ("code", "system", "kind", "descriptor", "billing_unit", "status", "sources"),
        lambda r: f"{r.code}",
    ),
    "modifiers": (
        "modifiers",
        ("code", "name", "applies_to", "payers", "effective", "sources"),
        lambda r: f"{r.code}: {r.name}",
    ),
    "policies": (
        "policies",
        ("id", "payer", "prior_authorization.status", "as_of", "sources"),
        lambda r: f"{r.id}",
    ),
    "workflow": (
        "workflow_steps",
        ("code", "order", "role", "title", "sources"),
        lambda r: f"{r.code} step {r.order}: {r.title}",
    ),
    "sources": (
        "sources",
        ("id", "publisher", "title", "confidence", "as_of"),
        lambda r: r.id,
    ),
    "payers": ("payers", ("id", "name", "aliases", "kind", "sources"), lambda r: r.name),
    "coverage": (
        "coverage",
        ("id", "kind", "title", "effective", "sources"),
        lambda r: f"{r.id}",
    ),
    "diagnosis_lists": (
        "diagnosis_lists",
        ("id", "title", "payer", "complete", "sources"),
        lambda r: r.id,
    ),
    "places_of_service": (
        "places_of_service",
        ("code", "name", "home_type", "effective", "sources"),
        lambda r: r.code,
    ),
    "taxonomies": ("taxonomies", ("code", "name", "kind", "sources"), lambda r: r.code),
    "payment_benchmarks": (
        "payment_benchmarks",
        ("id", "payer", "code", "pricing", "sources"),
        lambda r: r.id,
    ),
}

_REGISTRY_KEY = "passive_ig_registry"


def _registry(app: Sphinx) -> Registry:
    """The data set, loaded and checked in full once per build."""
    cached = getattr(app, _REGISTRY_KEY, None)
    if isinstance(cached, Registry):
        return cached
    directory = app.config.passive_ig_data
    try:
        if directory:
            registry = Registry.from_directory(Path(app.confdir, directory))
        else:
            registry = Registry()
            registry.load_all()
    except DataError as exc:
        raise ExtensionError(f"the data set does not load:\n{exc}") from exc
    setattr(app, _REGISTRY_KEY, registry)
    return registry


def _data_files(app: Sphinx) -> list[str]:
    """The data files the pages depend on (for incremental rebuilds)."""
    from passive_ig.schema import FILES

    directory = app.config.passive_ig_data
    if directory:
        root = Path(app.confdir, directory)
    else:
        import importlib_resources

        root = Path(str(importlib_resources.files("passive_ig").joinpath("data")))
    return [str(root / file) for file in FILES if (root / file).is_file()]


# --------------------------------------------------------------------------- nodes


def _para(*children: nodes.Node | str) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    for child in children:
        paragraph += nodes.Text(child) if isinstance(child, str) else child
    return paragraph


def _link(url: str, label: str) -> nodes.Node:
    if not url.startswith(("https://", "http://")):
        return nodes.Text(label)
    return nodes.reference(label, label, refuri=url)


def _not_available(value: NotAvailable) -> nodes.Node:
    return nodes.emphasis("", f"not available: {value.reason}", classes=["pig-na"])


def _source_nodes(registry: Registry, keys: Iterable[str | Source]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for index, item in enumerate(keys):
        if index:
            out.append(nodes.Text(", "))
        source = item if isinstance(item, Source) else registry.sources.get(item)
        key = item.id if isinstance(item, Source) else item
        if source is None:
            out.append(nodes.literal(key, key))
            continue
        out.append(_link(source.url, key))
        mark = CONFIDENCE_MARK[source.confidence]
        out.append(nodes.inline(mark, mark, classes=["pig-confidence"]))
    return out


def _inline(value: object, registry: Registry, field: str = "") -> list[nodes.Node] | None:
    """A short value as inline nodes, or None when it needs a block (a table or list)."""
    if isinstance(value, NotAvailable):
        return [_not_available(value)]
    if value is None:
        return [nodes.inline("—", "—", classes=["pig-null"])]
    if isinstance(value, bool):
        return [nodes.Text("yes" if value else "no")]
    if isinstance(value, enum.Enum):
        return [nodes.Text(str(value.value))]
    if isinstance(value, dt.date):
        return [nodes.Text(value.isoformat())]
    if isinstance(value, (int, float)):
        return [nodes.Text(str(value))]
    if isinstance(value, str):
        if field == "url" or (value.startswith(("https://", "http://")) and " " not in value):
            return [_link(value, value)]
        return [nodes.Text(value)]
    if isinstance(value, Effective):
        start = _inline(value.start, registry) or []
        if value.end is None:
            return [nodes.Text("from "), *start]
        return [*start, nodes.Text(" to "), *(_inline(value.end, registry) or [])]
    if isinstance(value, Descriptor):
        return [nodes.Text(value.text + " "), nodes.emphasis("", f"({value.kind.value})")]
    if isinstance(value, (BillingUnit, CodeRange)):
        return [nodes.Text(str(value))]
    if isinstance(value, tuple):
        if not value:
            return [nodes.inline("none", "none", classes=["pig-none"])]
        if field == "sources" and all(isinstance(item, (str, Source)) for item in value):
            return _source_nodes(registry, value)
        if all(_is_short(item) for item in value):
            out: list[nodes.Node] = []
            for index, item in enumerate(value):
                if index:
                    out.append(nodes.Text(", "))
                out.extend(_inline(item, registry) or [])
            return out
    return None


def _is_short(value: object) -> bool:
    if isinstance(value, (NotAvailable, Effective, BillingUnit, CodeRange, enum.Enum)):
        return True
    return isinstance(value, str) and len(value) <= 40


def _blocks(value: object, registry: Registry, field: str = "") -> list[nodes.Node]:
    """A value as block nodes for a table cell."""
    inline = _inline(value, registry, field)
    if inline is not None:
        return [_para(*inline)]
    if attrs.has(type(value)):
        return [_record_table(value, registry)]
    if isinstance(value, tuple):
        if all(attrs.has(type(item)) for item in value) and len({type(i) for i in value}) == 1:
            columns = tuple(f.name for f in attrs.fields(type(value[0])))
            return [_rows_table(value, columns, registry)]
        listing = nodes.bullet_list()
        for item in value:
            listing += nodes.list_item("", *_blocks(item, registry))
        return [listing]
    return [_para(repr(value))]


def _table(header: Sequence[str], rows: Iterable[Sequence[list[nodes.Node]]]) -> nodes.table:
    table = nodes.table(classes=["pig-data"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for title in header:
        row += nodes.entry("", _para(title))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", *cell)
        body += row
    return table


def _record_table(record: Any, registry: Registry) -> nodes.table:
    rows = [
        ([_para(nodes.literal(f.name, f.name))], _blocks(getattr(record, f.name), registry, f.name))
        for f in attrs.fields(type(record))
    ]
    return _table(("field", "value"), rows)


def _attribute(record: Any, dotted: str) -> Any:
    """``record.a.b`` for the column ``"a.b"``; a gap on the way is the value shown."""
    value = record
    for name in dotted.split("."):
        if not attrs.has(type(value)) or isinstance(value, NotAvailable):
            return value
        value = getattr(value, name)
    return value


def _rows_table(
    records: Sequence[Any],
    columns: Sequence[str],
    registry: Registry,
    link: Callable[[Any], nodes.Node] | None = None,
) -> nodes.table:
    rows = []
    for record in records:
        cells = []
        for index, column in enumerate(columns):
            if index == 0 and link is not None:
                cells.append([_para(link(record))])
            else:
                cells.append(_blocks(_attribute(record, column), registry, column))
        rows.append(cells)
    return _table(columns, rows)


# --------------------------------------------------------------------------- directives


def _rules_table(registry: Registry) -> nodes.table:
    """The claim check rules as declared, with what they are on this data set."""
    from passive_ig.rules import RULES, describe

    names = {payer.id: payer.name for payer in registry.payers}
    rows = []
    for rule in RULES:
        facts = describe(registry, rule)
        payers = (
            "all payers"
            if facts.payers is None
            else ", ".join(names.get(p, p) for p in sorted(facts.payers))
        )
        if rule.dates_from is None:
            dates = "whenever its data applies"
        else:
            start = (
                facts.start.isoformat() if facts.start else "a first day our sources do not give"
            )
            dates = f"from {start}" + (f" to {facts.end}" if facts.end else "")
            dates += f" (the dates of {rule.dates_from})"
        severity = rule.severity.value + (" (a note: shown with notes=True)" if rule.note else "")
        rests = (
            [
                _para(", ".join(str(ref) for ref in rule.rests_on) + ": "),
                _para(*_source_nodes(registry, facts.sources)),
            ]
            if rule.rests_on
            else [_para("the line's own values, and the record it names in each finding")]
        )
        rows.append(
            [
                [_para(nodes.literal(rule.id, rule.id)), _para(rule.title)],
                [_para(severity)],
                [_para(payers)],
                [_para(dates)],
                [_para(rule.description)],
                rests,
            ]
        )
    header = ("rule", "severity", "applies to", "in force", "what makes it fire", "rests on")
    return _table(header, rows)


class DataDirective(SphinxDirective):
    """``{passive-ig-data} NAME``: a collection of the data set, or its manifest."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        registry = _registry(self.env.app)
        for path in _data_files(self.env.app):
            self.env.note_dependency(path)
        if name == "manifest":
            return [_record_table(registry.manifest, registry)]
        if name == "rules":
            return [_rules_table(registry)]
        if name in COLLECTIONS:
            attribute, columns, title_of = COLLECTIONS[name]
        elif _is_collection(registry, name):  # a collection added since: its first fields
            attribute, columns, title_of = name, _first_fields(registry, name), _first_value
        else:
            choices = ", ".join(["manifest", "rules", *COLLECTIONS])
            raise self.error(f"unknown data collection {name!r}; expected one of {choices}")
        records = list(getattr(registry, attribute))
        if name == "workflow":
            records.sort(key=lambda step: (step.code, step.order))
        ids = [nodes.make_id(f"{name}-{title_of(record).split(':')[0]}") for record in records]
        by_record = {id(record): anchor for record, anchor in zip(records, ids, strict=True)}

        def link(record: Any) -> nodes.Node:
            label = str(_attribute(record, columns[0]))
            return nodes.reference(label, label, refid=by_record[id(record)])

        out: list[nodes.Node] = [
            _para(f"{len(records)} records in data version {registry.manifest.data_version}."),
            _rows_table(records, columns, registry, link),
        ]
        for record, anchor in zip(records, ids, strict=True):
            section = nodes.section(ids=[anchor])
            section += nodes.title("", title_of(record))
            section += _record_table(record, registry)
            out.append(section)
        return out


def _is_collection(registry: Registry, name: str) -> bool:
    from passive_ig import Collection

    return not name.startswith("_") and isinstance(getattr(registry, name, None), Collection)


def _first_fields(registry: Registry, name: str) -> tuple[str, ...]:
    kind = next(iter(getattr(registry, name)), None)
    if kind is None:
        return ("sources",)
    names = [f.name for f in attrs.fields(type(kind))]
    chosen = names[:4]
    if "sources" in names and "sources" not in chosen:
        chosen.append("sources")
    return tuple(chosen)


def _first_value(record: Any) -> str:
    return str(getattr(record, attrs.fields(type(record))[0].name))


class SchemaDirective(SphinxDirective):
    """``{passive-ig-schema} FILE``: the JSON Schema of one data file."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        from passive_ig.schema import FILES

        argument = self.arguments[0].strip()
        if argument != "all":
            return self._one(argument)
        out: list[nodes.Node] = []
        for file in FILES:
            section = nodes.section(ids=[nodes.make_id(f"file-{file}")])
            section += nodes.title("", file)
            section.extend(self._one(file))
            out.append(section)
        return out

    def _one(self, file: str) -> list[nodes.Node]:
        from passive_ig.schema import json_schema, schema_file_name

        try:
            schema = json_schema(file)
        except ValueError as exc:
            raise self.error(str(exc)) from exc
        shipped = Path(self.env.srcdir).parent / "src" / "passive_ig" / "schemas"
        target = shipped / schema_file_name(file)
        out: list[nodes.Node] = [_para(*_with_code(schema["description"]))]
        if target.is_file():
            self.env.note_dependency(str(target))
            name = schema_file_name(file)
            download = addnodes.download_reference(
                "",
                "",
                nodes.literal(name, name),
                reftarget=os.path.relpath(target, Path(self.env.doc2path(self.env.docname)).parent),
                refdoc=self.env.docname,
                refexplicit=True,
                reftype="download",
                refdomain="",
            )
            out.append(_para("Download: ", download, f" (JSON Schema {_dialect(schema)})."))
        top = schema.get("items", schema)
        root = _ref_name(top) or "object"
        out.append(
            _para(
                "Each ",
                nodes.literal(root, root),
                " object is:" if "items" in schema else " (the whole file) is:",
            )
        )
        for def_name, definition in schema["$defs"].items():
            if definition.get("type") != "object" or def_name == "NotAvailable":
                continue
            section_id = nodes.make_id(f"schema-{file}-{def_name}")
            section = nodes.section(ids=[section_id])
            section += nodes.title("", def_name)
            if definition.get("description"):
                section += _para(definition["description"])
            section += _fields_table(definition, schema["$defs"])
            out.append(section)
        return out


def _dialect(schema: dict[str, Any]) -> str:
    return "draft 2020-12" if "2020-12" in schema.get("$schema", "") else schema["$schema"]


def _ref_name(fragment: dict[str, Any]) -> str | None:
    ref = fragment.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _type_text(fragment: dict[str, Any], defs: dict[str, Any]) -> str:
    name = _ref_name(fragment)
    if name is not None:
        target = defs[name]
        if name == "NotAvailable":
            return '{"not_available": "<reason>"}'
        if "enum" in target:
            return "one of " + ", ".join(f'"{value}"' for value in target["enum"])
        return f"{name} object"
    if "anyOf" in fragment:
        return " or ".join(_type_text(option, defs) for option in fragment["anyOf"])
    kind = fragment.get("type")
    if kind == "array":
        items = _type_text(fragment["items"], defs)
        return f"array of ({items})" if " " in items else f"array of {items}"
    if kind == "string" and fragment.get("format") == "date":
        return 'date "YYYY-MM-DD"'
    return str(kind)


def _fields_table(definition: dict[str, Any], defs: dict[str, Any]) -> nodes.table:
    rows = []
    required = set(definition.get("required", ()))
    for name, fragment in definition["properties"].items():
        type_text = _type_text(fragment, defs)
        need = "required" if name in required else f"optional, default {_default(fragment)}"
        rows.append(
            (
                [_para(nodes.literal(name, name))],
                [_para(nodes.literal(type_text, type_text))],
                [_para(need)],
                [_para(*_with_code(fragment.get("description", "")))],
            )
        )
    return _table(("key", "type", "required", "meaning"), rows)


def _with_code(text: str) -> list[nodes.Node]:
    """Text with its `backticked` spans as inline code."""
    out: list[nodes.Node] = []
    for index, part in enumerate(text.split("`")):
        if part:
            out.append(nodes.literal(part, part) if index % 2 else nodes.Text(part))
    return out


def _default(fragment: dict[str, Any]) -> str:
    import json

    return json.dumps(fragment.get("default"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("passive_ig_data", None, "env", [str, type(None)])
    app.add_directive("passive-ig-data", DataDirective)
    app.add_directive("passive-ig-schema", SchemaDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
