"""Screenshots of passive_ig's notebook HTML as JupyterLab and nbconvert show it.

Jupyter's own stylesheets right-align table cells; this script checks, in a real
browser, that passive_ig's tables come out left-aligned anyway. It builds a
notebook whose outputs are a record, a policy, a check report and the guide (as
``_repr_html_`` gives them), exports it with nbconvert's ``lab`` template
(JupyterLab's CSS) and ``classic`` template (the classic notebook's CSS), then in
headless Chromium:

* takes a screenshot of each page (``<out>/record-lab.png``, ``<out>/guide-classic.png``
  ...);
* reads the computed ``text-align`` of every table cell passive_ig drew, and fails
  (exit code 1) if any is not ``left``, or if a table is centred.

Needs ``pip install nbconvert`` and a Chromium (Debian: ``apt-get install
chromium``)::

    python tools/screenshots.py [--out docs/_build/screenshots] [--quick]

Exit codes: 0 every cell left-aligned; 1 some cell is not; 2 nbconvert or
Chromium missing. ``tests/test_display.py`` runs it when both are installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)

# Runs in the page: the computed alignment of every cell and table passive_ig drew.
PROBE = """
<script>
window.addEventListener("load", () => {
  const cells = [...document.querySelectorAll(
    "div.passive-ig th, div.passive-ig td, div.passive-ig pre")];
  const tables = [...document.querySelectorAll("div.passive-ig table")];
  const result = {
    cells: cells.length,
    not_left: cells.filter(c => getComputedStyle(c).textAlign !== "left")
                   .map(c => c.textContent.slice(0, 40)),
    tables: tables.length,
    centred: tables.filter(t => {
      const parent = t.parentElement, style = getComputedStyle(parent);
      const inner = parent.getBoundingClientRect().left + parseFloat(style.paddingLeft)
                    + parseFloat(style.borderLeftWidth);
      return t.getBoundingClientRect().left - inner > 4;
    }).length,
  };
  const out = document.createElement("pre");
  out.id = "passive-ig-probe";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def notebooks() -> dict[str, object]:
    """A notebook for each of the four common answers, its output as a user sees it."""
    import nbformat

    from passive_ig import registry
    from passive_ig.claims import ClaimLine

    line = ClaimLine(code="J1459", modifiers=("51",), units=3, date_of_service=dt.date(2024, 5, 2))
    shown = {
        "record": 'registry.codes["J1459"]',
        "policy": 'registry.policy("Aetna")',
        "report": 'registry.check(line, payer="Medicare")',
        "guide": 'registry.guide("90283", payer="UHC")',
    }
    # what a notebook shows: each answer's own _repr_html_
    markup = {
        'registry.codes["J1459"]': registry.codes["J1459"]._repr_html_(),
        'registry.policy("Aetna")': registry.policy("Aetna")._repr_html_(),
        'registry.check(line, payer="Medicare")': registry.check(
            line, payer="Medicare"
        )._repr_html_(),
        'registry.guide("90283", payer="UHC")': registry.guide("90283", payer="UHC")._repr_html_(),
    }
    books = {}
    for name, source in shown.items():
        book = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell(source, execution_count=1)
        cell.outputs = [
            nbformat.v4.new_output(
                "execute_result",
                data={"text/html": markup[source], "text/plain": source},
                execution_count=1,
            )
        ]
        book.cells.append(cell)
        books[name] = book
    return books


def export(book: object, template: str, target: Path, name: str) -> Path:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name=template).from_notebook_node(book)
    page = target / f"{name}-{template}.html"
    page.write_text(body.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return page


def browse(browser: str, page: Path, png: Path, profile: Path) -> dict[str, object]:
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    subprocess.run(
        [*common, f"--screenshot={png}", "--window-size=1200,1500", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    dom = subprocess.run(
        [*common, "--dump-dom", "--virtual-time-budget=5000", page.as_uri()],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    found = re.search(r'<pre id="passive-ig-probe">(.*?)</pre>', dom, re.S)
    if found is None:
        raise RuntimeError(f"{page}: the probe did not run")
    result: dict[str, object] = json.loads(html.unescape(found.group(1)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/_build/screenshots", help="where the PNGs go")
    parser.add_argument(
        "--quick", action="store_true", help="the lab template only (JupyterLab's CSS)"
    )
    args = parser.parse_args(argv)
    templates = ("lab",) if args.quick else ("lab", "classic")
    browser = chromium()
    try:
        import nbconvert  # noqa: F401
    except ImportError:
        print("screenshots: nbconvert is not installed (pip install nbconvert)", file=sys.stderr)
        return 2
    if browser is None:
        print("screenshots: no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        for name, book in notebooks().items():
            for template in templates:
                page = export(book, template, out, name)
                png = out / f"{name}-{template}.png"
                profile = Path(scratch) / f"{name}-{template}"  # a fresh profile each time
                result = browse(browser, page, png, profile)
                bad = bool(result["not_left"]) or bool(result["centred"])
                failed = failed or bad or not result["cells"]
                verdict = "NOT left-aligned" if bad else "left-aligned"
                print(
                    f"{name} ({template}): {result['cells']} cells in {result['tables']} "
                    f"tables, {verdict}; {png}"
                )
                if bad:
                    print(f"  right-aligned or centred: {result}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
