"""HTML for notebooks: tables for records, collections, reports and the guide.

Jupyter shows an object as HTML when it has a ``_repr_html_`` method; passive_ig's
records and collections have one that calls :func:`to_html`. You can also call it
yourself, or wrap any value in :func:`show` to display things that have no
``_repr_html_`` of their own, such as the tuple ``registry.workflow()`` returns:

>>> from passive_ig.render.html import to_html
>>> from passive_ig.records import NotAvailable
>>> to_html(NotAvailable(reason="the contractor was not retrieved"))
'<span class="pig-na" ...>not available: the contractor was not retrieved</span>'

How values are shown:

* a fact that is not available reads ``not available: <reason>``, in italics in a
  dashed box, so it never looks like an empty value;
* an empty list reads ``none`` (we know there is nothing), ``None`` (the field does
  not apply) reads as a dash, and an empty note stays blank;
* source ids are links to the source, with its confidence (``P`` primary,
  ``P-mirror`` primary text through a copy, ``S`` secondary), whenever the
  registry passed (a collection passes its own) can resolve them, and plain ids
  otherwise;
* in a table of many records, long text and nested lists fold into a
  ``<details>`` element you can open.

For DataFrames, see :mod:`passive_ig.render.rows`.

Rendering walks the attrs fields of whatever it is given, so any attrs class
(a report, a finding, a record of your own) renders the same way. This module
imports nothing outside the standard library and attrs (no pandas, polars or
Jupyter), and is imported only when something is displayed.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import attrs

from .._values import Confidence, NotAvailable
from ..errors import PassiveIGError
from ..records import BillingUnit, CodeRange, Descriptor, Effective, Source

__all__ = ["HasSources", "Rendered", "show", "to_html"]


class _Sources(Protocol):
    def get(self, key: str) -> Source | None: ...


class HasSources(Protocol):
    """What resolves source ids into links: a registry, or anything with ``.sources.get``."""

    @property
    def sources(self) -> _Sources: ...


MAX_ROWS = 200
"""A table of many records shows at most this many rows, then says how many more."""

_LONG_TEXT = 160
_SUMMARY_TEXT = 90
_SHORT_ITEM = 40

_CONFIDENCE_MARK = {
    Confidence.PRIMARY: "P",
    Confidence.PRIMARY_MIRROR: "P-mirror",
    Confidence.SECONDARY: "S",
}

_NA_STYLE = (
    "font-style:italic;border:1px dashed currentColor;border-radius:3px;padding:0 .3em;opacity:.85"
)
# Jupyter's own stylesheets right-align table cells and centre tables
# (JupyterLab: ".jp-RenderedHTMLCommon td {text-align: right}"; nbconvert and the
# classic notebook: ".rendered_html td"), with the same specificity as a plain
# ".passive-ig td" and loaded in an order we do not control; JupyterLab's
# sanitizer may also drop a <style> element of an untrusted notebook. So the
# alignment that matters is written twice: on each element, as an inline style
# (which beats any selector), and in the <style> with selectors more specific than
# Jupyter's (a class on the table and on the wrapper: 0,3,1 against 0,1,1).
_CELL_STYLE = "text-align:left;vertical-align:top"
_TABLE_STYLE = "margin-left:0;margin-right:auto;text-align:left"
_STYLE = (
    "<style>"
    "div.passive-ig table.pig-record,div.passive-ig table.pig-records,"
    "div.passive-ig table.pig-mapping{border-collapse:collapse;margin:.25em auto .25em 0;"
    "table-layout:auto}"
    "div.passive-ig table[class^=pig-] th,div.passive-ig table[class^=pig-] td"
    "{text-align:left;vertical-align:top;"
    "padding:.2em .5em;border:1px solid rgba(127,127,127,.35);white-space:normal;"
    "overflow-wrap:anywhere}"
    "div.passive-ig table[class^=pig-] caption{text-align:left;font-weight:bold;padding:.2em 0}"
    ".passive-ig .pig-none,.passive-ig .pig-null{opacity:.7}"
    ".passive-ig ul{margin:0;padding-left:1.2em;text-align:left}"
    "</style>"
)

_KEY_FIELDS = ("id", "code", "key", "name")


class Rendered:
    """HTML that Jupyter displays as such; ``str()`` gives the HTML text."""

    __slots__ = ("html",)

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Rendered HTML, {len(self.html)} characters>"


def show(obj: object, *, registry: HasSources | None = None) -> Rendered:
    """Wrap :func:`to_html` of ``obj`` so that a notebook displays it as a table.

    >>> show(())
    <Rendered HTML, ... characters>
    """
    return Rendered(to_html(obj, registry=registry))


def to_html(obj: object, *, registry: HasSources | None = None) -> str:
    """An HTML rendering of a record, a tuple or list of records, a collection,
    a mapping, :class:`~passive_ig.records.NotAvailable`, or any attrs object.

    ``registry`` resolves source ids into links; a collection uses its own registry
    when none is passed. Without one, or for an id the registry does not know (or
    a registry whose data cannot be read), a source shows as its plain id.
    """
    renderer = _Renderer(registry)
    if attrs.has(type(obj)) and not _is_inline(obj):
        return _wrap(renderer.record_table(obj, caption=_caption(obj)))
    if isinstance(obj, (tuple, list)) and obj and all(_is_record(item) for item in obj):
        return _wrap(renderer.records_table(list(obj), caption=_count(len(obj), "record")))
    if isinstance(obj, Mapping):
        return _wrap(renderer.mapping_table(obj))
    name = getattr(obj, "name", None)
    if isinstance(obj, Iterable) and isinstance(name, str) and hasattr(obj, "keys"):
        # a collection of a registry: its records, captioned by its name
        records = list(obj)
        own = registry if registry is not None else getattr(obj, "registry", None)
        caption = f"{name}: {_count(len(records), 'record')}"
        return _wrap(_Renderer(own).records_table(records, caption=caption))
    return renderer.value(obj, field="", compact=False)


def _wrap(body: str) -> str:
    body = (
        body.replace("<th>", f'<th style="{_CELL_STYLE}">')
        .replace("<td>", f'<td style="{_CELL_STYLE}">')
        .replace("<caption>", '<caption style="text-align:left">')
        .replace('<table class="', f'<table style="{_TABLE_STYLE}" class="')
    )
    return f'<div class="passive-ig" style="text-align:left">{_STYLE}{body}</div>'


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _is_record(value: object) -> bool:
    return attrs.has(type(value)) and not _is_inline(value)


_INLINE = (NotAvailable, Effective, Descriptor, BillingUnit, CodeRange)


def _is_inline(value: object) -> bool:
    """Small values shown as one short piece of text rather than a table."""
    return isinstance(value, _INLINE)


def _key(record: object) -> str:
    parts = []
    for name in _KEY_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value:
            parts.append(value)
            break
    order = getattr(record, "order", None)
    if isinstance(order, int) and not isinstance(order, bool):
        parts.append(f"step {order}")
    return " ".join(parts)


def _caption(record: object) -> str:
    key = _key(record)
    name = type(record).__name__
    caption = f"{name} {key}" if key else name
    ok = getattr(record, "ok", None)  # a report says whether it passed
    if isinstance(ok, bool):
        caption += ": ok" if ok else ": not ok"
    return caption


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _link(url: str, label: str, title: str = "") -> str:
    if not url.startswith(("https://", "http://")):
        return _text(label)
    title_attr = f' title="{_text(title)}"' if title else ""
    return f'<a href="{_text(url)}"{title_attr} target="_blank" rel="noopener">{_text(label)}</a>'


class _Renderer:
    def __init__(self, registry: HasSources | None) -> None:
        self._registry = registry
        self._sources: dict[str, Source | None] = {}

    # ------------------------------------------------------------------ sources

    def _source(self, key: str) -> Source | None:
        if key not in self._sources:
            self._sources[key] = self._lookup_source(key)
        return self._sources[key]

    def _lookup_source(self, key: str) -> Source | None:
        registry = self._registry
        if registry is None:
            return None
        try:
            return registry.sources.get(key)
        except PassiveIGError:  # the data cannot be read: show plain ids
            return None

    def source_links(self, items: Iterable[str | Source]) -> str:
        """Source ids (or Source records) as links, each with its confidence mark."""
        links = []
        for item in items:
            key = item.id if isinstance(item, Source) else item
            source = item if isinstance(item, Source) else self._source(item)
            if source is None:
                links.append(f'<span class="pig-source">{_text(key)}</span>')
                continue
            mark = _CONFIDENCE_MARK[source.confidence]
            title = f"{source.publisher}: {source.title} ({source.confidence.value})"
            links.append(
                f'<span class="pig-source">{_link(source.url, key, title)}'
                f'<sup title="confidence: {_text(source.confidence.value)}">{mark}</sup></span>'
            )
        return ", ".join(links)

    # ------------------------------------------------------------------ tables

    def record_table(self, record: Any, *, caption: str = "") -> str:
        """One record as a two-column table: field, value."""
        rows = []
        for field in attrs.fields(type(record)):
            value = self.value(getattr(record, field.name), field=field.name, compact=False)
            rows.append(f"<tr><th>{_text(field.name)}</th><td>{value}</td></tr>")
        head = f"<caption>{_text(caption)}</caption>" if caption else ""
        return f'<table class="pig-record">{head}<tbody>{"".join(rows)}</tbody></table>'

    def records_table(self, records: list[Any], *, caption: str = "") -> str:
        """Records as rows, one column per field; mixed kinds get one table each."""
        head = f"<caption>{_text(caption)}</caption>" if caption else ""
        if not records:
            return f'<table class="pig-records">{head}</table>{_none()}'
        kinds = {type(record) for record in records}
        if len(kinds) > 1:
            tables = "".join(self.record_table(r, caption=_caption(r)) for r in records)
            return (f"<div><strong>{_text(caption)}</strong></div>" if caption else "") + tables
        fields = attrs.fields(type(records[0]))
        header = "".join(f"<th>{_text(field.name)}</th>" for field in fields)
        rows = []
        for record in records[:MAX_ROWS]:
            cells = "".join(
                f"<td>{self.value(getattr(record, f.name), field=f.name, compact=True)}</td>"
                for f in fields
            )
            rows.append(f"<tr>{cells}</tr>")
        more = ""
        if len(records) > MAX_ROWS:
            more = f"<p>… and {len(records) - MAX_ROWS} more</p>"
        return (
            f'<table class="pig-records">{head}<thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{more}"
        )

    def mapping_table(self, mapping: Mapping[Any, Any]) -> str:
        rows = []
        for key, value in mapping.items():
            cell = self.value(value, field="", compact=False)
            rows.append(f"<tr><th>{_text(str(key))}</th><td>{cell}</td></tr>")
        if not rows:
            return _none()
        return f'<table class="pig-mapping"><tbody>{"".join(rows)}</tbody></table>'

    # ------------------------------------------------------------------ values

    def value(self, value: object, *, field: str, compact: bool) -> str:
        """One value as HTML for a table cell."""
        if isinstance(value, NotAvailable):
            return _not_available(value)
        if value is None:
            return '<span class="pig-null" title="does not apply">—</span>'
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, enum.Enum):
            return _text(str(value.value))
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, (int, float)):
            return _text(str(value))
        if isinstance(value, str):
            return self._string(value, field=field, compact=compact)
        if isinstance(value, Effective):
            return self._effective(value)
        if isinstance(value, Descriptor):
            return f"{_text(value.text)} <small>({_text(value.kind.value)})</small>"
        if isinstance(value, (BillingUnit, CodeRange)):
            return _text(str(value))
        if attrs.has(type(value)):
            table = self.record_table(value)
            return _fold(_caption(value), table) if compact else table
        if isinstance(value, (tuple, list, frozenset, set)):
            return self._sequence(tuple(value), field=field, compact=compact)
        if isinstance(value, Mapping):
            return self.mapping_table(value)
        return _text(repr(value))

    def _string(self, value: str, *, field: str, compact: bool) -> str:
        if field in ("url", "href") or (
            value.startswith(("https://", "http://")) and " " not in value
        ):
            return _link(value, value)
        if compact and len(value) > _LONG_TEXT:
            return _fold(value[:_SUMMARY_TEXT].rstrip() + "…", _text(value))
        return _text(value)

    def _effective(self, value: Effective) -> str:
        start = self.value(value.start, field="start", compact=True)
        if value.end is None:
            return f"from {start}"
        end = self.value(value.end, field="end", compact=True)
        return f"{start} to {end}"

    def _sequence(self, items: tuple[object, ...], *, field: str, compact: bool) -> str:
        if not items:
            return _none()
        if field == "sources" and all(isinstance(item, (str, Source)) for item in items):
            return self.source_links(items)  # type: ignore[arg-type]
        if all(_is_record(item) for item in items):
            table = self.records_table(list(items))
            noun = type(items[0]).__name__ if len({type(i) for i in items}) == 1 else "record"
            return _fold(_count(len(items), noun), table) if compact else table
        parts = [self.value(item, field="", compact=compact) for item in items]
        short = all(
            (isinstance(item, (str, enum.Enum, int)) and len(str(item)) <= _SHORT_ITEM)
            or _is_inline(item)
            for item in items
        )
        if short:
            return ", ".join(parts)
        listing = "<ul>" + "".join(f"<li>{part}</li>" for part in parts) + "</ul>"
        if compact and len(items) > 1:
            return _fold(_count(len(items), "item"), listing)
        return listing


def _none() -> str:
    return '<span class="pig-none" title="an empty list: there is none">none</span>'


def _not_available(value: NotAvailable) -> str:
    return (
        f'<span class="pig-na" title="not available: our sources do not establish this" '
        f'style="{_NA_STYLE}">not available: {_text(value.reason)}</span>'
    )


def _fold(summary: str, body: str) -> str:
    return f"<details><summary>{_text(summary)}</summary>{body}</details>"
