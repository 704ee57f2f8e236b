"""HTML display for notebooks: readable tables, "not available" never looks empty,
sources as links, and a plain repr that stays short."""

from __future__ import annotations

import datetime as dt
import enum
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from passive_ig import NotAvailable, Registry
from passive_ig.records import BillingCode, Descriptor, Effective, PolicyDocument
from passive_ig.registry import SPECS
from passive_ig.render.html import Rendered, show, to_html

MINIMAL = Path(__file__).parent / "data" / "minimal"
VOID = {"br", "hr", "img", "meta", "link", "input", "col", "wbr"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_directory(MINIMAL)


class _Checker(HTMLParser):
    """Collects text and checks that every tag is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attributes).get("href") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        opened = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            return
        self.text.append(data)


def parse(markup: str) -> _Checker:
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    assert not checker.stack, f"unclosed tags: {checker.stack}"
    return checker


def text_of(markup: str) -> str:
    return " ".join("".join(parse(markup).text).split())


# ------------------------------------------------------------------ values


def test_not_available_shows_its_reason_and_is_marked() -> None:
    markup = to_html(NotAvailable(reason="the MAC was not retrieved"))
    assert text_of(markup) == "not available: the MAC was not retrieved"
    assert 'class="pig-na"' in markup
    assert "dashed" in markup  # styled inline, so it survives without the style sheet


def test_not_available_empty_none_and_blank_read_differently(registry: Registry) -> None:
    code = registry.codes["90283"]
    markup = to_html(code, registry=registry)
    rows = _rows(markup)
    assert rows["single_dose_container"] == "not available: not a drug code"
    assert rows["products"] == "none"  # an empty list: we know there is none
    assert rows["billing_unit"] == "—"  # None: the field does not apply
    assert rows["effective"] == "from not available: unknown"
    assert len({rows["single_dose_container"], rows["products"], rows["billing_unit"]}) == 3


def _rows(markup: str) -> dict[str, str]:
    """The field -> text pairs of a one-record table (top-level rows only)."""

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0
            self.rows: dict[str, str] = {}
            self.cell: str | None = None
            self.key = ""
            self.buffer: list[str] = []

        def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
            if tag == "table":
                self.depth += 1
            if self.depth == 1 and tag in ("th", "td"):
                self.cell = tag
                self.buffer = []

        def handle_endtag(self, tag: str) -> None:
            if self.depth == 1 and tag == self.cell:
                text = " ".join("".join(self.buffer).split())
                if tag == "th":
                    self.key = text
                else:
                    self.rows[self.key] = text
                self.cell = None
            if tag == "table":
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.buffer.append(data)

    parser = Rows()
    parser.feed(markup)
    return parser.rows


def test_plain_values() -> None:
    assert to_html(True) == "yes"
    assert to_html(False) == "no"
    assert to_html(dt.date(2026, 11, 26)) == "2026-11-26"
    assert text_of(to_html(())) == "none"
    assert text_of(to_html(None)) == "—"
    assert to_html("") == ""
    assert text_of(to_html(("JW", "JZ"))) == "JW, JZ"


def test_effective_periods_read_as_text() -> None:
    assert to_html(Effective(start=dt.date(2017, 1, 1))) == "from 2017-01-01"
    closed = Effective(start=dt.date(2008, 1, 1), end=dt.date(2010, 12, 31))
    assert to_html(closed) == "2008-01-01 to 2010-12-31"
    unknown_end = Effective(start=dt.date(2008, 1, 1), end=NotAvailable(reason="not stated"))
    assert text_of(to_html(unknown_end)) == "2008-01-01 to not available: not stated"


def test_descriptor_says_whose_words_it_is() -> None:
    assert text_of(to_html(Descriptor(text="Immune globulin, IV"))) == (
        "Immune globulin, IV (paraphrase)"
    )


def test_text_is_escaped(registry: Registry) -> None:
    code = attrs.evolve(registry.codes["90283"], service_type='<script>alert("x")</script> & more')
    markup = to_html(code, registry=registry)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert '<script>alert("x")</script> & more' in text_of(markup)


def test_only_web_urls_become_links() -> None:
    document = PolicyDocument(
        number="1",
        title="t",
        issuer="i",
        url="javascript:alert(1)",
        effective=Effective(start=dt.date(2020, 1, 1)),
        sources=(),
    )
    assert parse(to_html(document)).links == []
    web = attrs.evolve(document, url="https://example.org/policy?a=1&b=2")
    assert parse(to_html(web)).links == ["https://example.org/policy?a=1&b=2"]


# ------------------------------------------------------------------ sources


def test_sources_are_links_with_their_confidence(registry: Registry) -> None:
    markup = to_html(registry.codes["J1459"], registry=registry)
    assert "https://example.org/blog" in parse(markup).links
    rows = _rows(markup)
    assert rows["sources"] == "blogS"  # the id, then S for a secondary source
    primary = _rows(to_html(registry.codes["90283"], registry=registry))
    assert primary["sources"] == "pubP"


def test_unknown_source_ids_stay_plain_text(registry: Registry) -> None:
    code = attrs.evolve(registry.codes["90283"], sources=("no-such-source",))
    markup = to_html(code, registry=registry)
    assert _rows(markup)["sources"] == "no-such-source"
    assert "no-such-source" not in "".join(parse(markup).links)


def test_nested_sources_are_links_too(registry: Registry) -> None:
    policy = registry.policies["uhc-90283"]
    links = parse(to_html(policy, registry=registry)).links
    assert "https://example.org/pub" in links
    assert "https://example.org/blog" in links  # from the site-of-care rule and the document


def test_a_collection_links_through_its_own_registry(registry: Registry) -> None:
    markup = to_html(registry.sources)
    assert "https://example.org/pub" in parse(markup).links


# ------------------------------------------------------------------ tables


def test_collection_is_a_table_with_a_row_per_record(registry: Registry) -> None:
    markup = to_html(registry.workflow_steps)
    assert "workflow_steps: 2 records" in text_of(markup)
    assert markup.count("<tr>") >= 3  # a header and two rows
    assert "Evaluate" in text_of(markup)
    assert "Give" in text_of(markup)


def test_every_collection_renders_as_well_formed_html(registry: Registry) -> None:
    for name in (spec.name for spec in SPECS):
        collection = getattr(registry, name)
        parse(to_html(collection))
        for record in collection:
            parse(to_html(record, registry=registry))


def test_a_tuple_of_records_is_one_table(registry: Registry) -> None:
    steps = registry.workflow()
    markup = to_html(steps, registry=registry)
    text = text_of(markup)
    assert "2 records" in text
    assert text.index("Evaluate") < text.index("Give")  # in workflow order


def test_a_mapping_is_a_key_value_table(registry: Registry) -> None:
    markup = to_html(registry.policies_for("90283"), registry=registry)
    text = text_of(markup)
    assert "medicare" in text
    assert "uhc" in text


def test_long_text_folds_in_a_table_of_many_records(registry: Registry) -> None:
    prose = "Bill the product once per infusion day. " * 10
    code = attrs.evolve(registry.codes["90283"], service_type=prose)
    wide = to_html((code, registry.codes["J1459"]), registry=registry)
    assert "<details>" in wide
    assert prose.strip() in text_of(wide)  # folded, not lost
    single = to_html(code, registry=registry)
    assert _rows(single)["service_type"] == prose.strip()


def test_generic_attrs_objects_render_field_by_field(registry: Registry) -> None:
    class Severity(enum.Enum):
        ERROR = "error"

    @attrs.frozen(kw_only=True)
    class Finding:
        rule: str
        severity: Severity
        message: str
        suggestion: str | NotAvailable
        sources: tuple[str, ...]

    @attrs.frozen(kw_only=True)
    class Report:
        ok: bool
        findings: tuple[Finding, ...]

    finding = Finding(
        rule="modifier.jw-jz.both",
        severity=Severity.ERROR,
        message="JW and JZ on one line",
        suggestion=NotAvailable(reason="depends on the amount discarded"),
        sources=("pub",),
    )
    markup = to_html(Report(ok=False, findings=(finding,)), registry=registry)
    text = text_of(markup)
    assert "Report" in text
    assert "modifier.jw-jz.both" in text
    assert "error" in text
    assert "not available: depends on the amount discarded" in text
    assert "https://example.org/pub" in parse(markup).links
    empty = _rows(to_html(Report(ok=True, findings=()), registry=registry))
    assert empty == {"ok": "yes", "findings": "none"}


def test_show_wraps_html_for_a_notebook(registry: Registry) -> None:
    shown = show(registry.workflow(), registry=registry)
    assert isinstance(shown, Rendered)
    assert shown._repr_html_() == str(shown) == to_html(registry.workflow(), registry=registry)
    assert repr(shown).startswith("<Rendered HTML")


# ------------------------------------------------------------------ hooks on the records


def test_records_and_collections_display_as_html(registry: Registry) -> None:
    code = registry.codes["90283"]
    assert "<table" in code._repr_html_()  # type: ignore[attr-defined]
    assert "<table" in registry.codes._repr_html_()  # type: ignore[attr-defined]
    assert "<table" in registry.policy("UHC")._repr_html_()  # type: ignore[attr-defined]
    assert "not available" in NotAvailable(reason="r")._repr_html_()  # type: ignore[attr-defined]


def test_plain_repr_stays_constructor_style_and_short(registry: Registry) -> None:
    prose = "A long paragraph about how to bill the product. " * 20
    code: BillingCode = attrs.evolve(
        registry.codes["90283"], notes=(prose,), descriptor=Descriptor(text=prose)
    )
    text = repr(code)
    assert text.startswith("BillingCode(code='90283', ")
    assert prose not in text
    assert len(text) < len(prose)
    assert repr(NotAvailable(reason="short")) == "NotAvailable(reason='short')"


# ------------------------------------------------------------------ cost


def test_display_and_schema_are_not_imported_with_the_package() -> None:
    code = (
        "import sys, passive_ig; "
        "print(sorted(m for m in ('passive_ig.render.html', 'passive_ig.schema') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_display_imports_no_dataframe_or_notebook_library() -> None:
    heavy = ("pandas", "polars", "numpy", "jinja2", "IPython", "pyarrow", "jsonschema")
    code = (
        "import sys, passive_ig.render.html, passive_ig.schema; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------ alignment in Jupyter


def test_every_cell_is_left_aligned_inline(registry: Registry) -> None:
    """Jupyter's CSS right-aligns cells (JupyterLab: ``:not(.jp-RenderedMarkdown)
    .jp-RenderedHTMLCommon td``, specificity 0,2,1); an inline style beats any
    selector, and the <style> selectors are more specific still (0,2,3)."""
    import re

    from passive_ig.answers import Report

    for value in (
        registry.codes["90283"],
        registry.policy("UHC"),
        registry.workflow_steps,
        Report(payer="uhc", findings=(), data_version="x", as_of=None),
    ):
        markup = to_html(value, registry=registry)
        cells = re.findall(r"<t[dh]\b[^>]*>", markup)
        assert cells
        for cell in cells:
            assert 'style="text-align:left;vertical-align:top"' in cell, cell
        for table in re.findall(r"<table\b[^>]*>", markup):
            assert "margin-left:0;margin-right:auto" in table, table
        assert "div.passive-ig table[class^=pig-] th,div.passive-ig table[class^=pig-] td" in markup


def test_a_real_browser_shows_the_tables_left_aligned(tmp_path: Path) -> None:
    """tools/screenshots.py --quick: nbconvert's lab pages (JupyterLab's CSS) in headless
    Chromium, every cell's computed text-align read back (skipped without the two; the
    full run adds the classic notebook's CSS)."""
    import shutil

    pytest.importorskip("nbconvert")
    if not any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")):
        pytest.skip("no Chromium installed")
    script = Path(__file__).parent.parent / "tools" / "screenshots.py"
    result = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(", left-aligned;") == 4
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(
        f"{name}-lab.png" for name in ("record", "policy", "report", "guide")
    )
