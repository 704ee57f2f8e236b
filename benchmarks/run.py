"""passive_ig's performance budgets, measured as ratios side by side.

    python benchmarks/run.py            # the full run: 2,000,000 distinct lines (10-15 minutes)
    python benchmarks/run.py --quick    # a short run, for a first look (300,000 lines)
    python benchmarks/run.py --checks-only --size 300000 --repeats 3   # the check figures only
    python benchmarks/run.py --memory   # the compiled path's peak memory, 10,000,000 lines
    python benchmarks/run.py --json results.json

Needs the ``bench`` extra (``pip install -e '.[bench]'``): pycountry and
phonenumbers are the baselines of the import and first-answer figures; the check
figures need polars, DuckDB and numpy (the ``test`` extra brings them).

Every figure is a ratio of two things measured in the same run, interleaved
(ours, baseline, ours, baseline, ...) and taken as the median over repeats, so
a busy or slow machine moves both sides alike. Import, first answer, full load
and memory are measured in fresh processes (one per repeat and side); the time
is taken inside the child around the statement itself, so the interpreter's own
start-up, the same for both sides, is not counted. Lookups are timed in one
process, each round timing every statement once, and the ratio is the median of
the per-round ratios.

The claim checks (figures 5) run on a distinct-lines batch, as real lines are
(``claims_batch.make_distinct_columns``: no two lines equal, dates over all of
2024, each patient's own dose, 5 % broken lines, claims of one to four lines),
made once from a seed and kept as a Parquet file in the temp folder. Each engine
runs in a fresh process of its own per repeat, interleaved: ``check_many`` and
``registry.check`` (one claim at a time) on the first ``--prefix`` lines (whole
claims; their rate does not depend on the batch's size), the compiled path
(``passive_ig.compiled.check_table``) on polars and on DuckDB on the whole batch.
The run checks that every engine finds the same findings, rule by rule, on the
lines they share, and says so loudly (exit status 1) when they do not. Two
figures rest on the realistic batch (``claims_batch.make_batch``: 97.5 % of its
lines repeat 500 combinations) and say so. Before each clock starts, the input is
built and ``gc.collect()`` settles the heap; the collector stays on.

Children cache bytecode in a folder of their own, as an installed package has
its bytecode, and import passive_ig from this checkout's ``src``; peak memory is
the kernel's high-water mark of the child (VmHWM).

Prints a Markdown table (figure, ours, baseline, ratio, budget, result) and
exits with status 1 when a budget is missed or the engines' findings disagree.
No test runs this: timings do not belong in the test suite.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
PAYER = "Medicare"  # the payer with the most rules, so the dearest batch to check

# ----------------------------------------------------------------- fresh processes
# Each snippet prints the seconds its statement took (or the peak RSS in KiB).
# Nothing is imported before the clock starts but ``time``, a built-in module.

TIMED = "import time\nt0 = time.perf_counter()\n{stmt}\nprint(time.perf_counter() - t0)\n"

IMPORT_OURS = TIMED.format(stmt="import passive_ig")
IMPORT_PYCOUNTRY = TIMED.format(stmt="import pycountry")
IMPORT_PHONENUMBERS = TIMED.format(stmt="import phonenumbers")
FIRST_OURS = TIMED.format(stmt='from passive_ig import registry\nregistry.codes["90283"]')
FIRST_PYCOUNTRY = TIMED.format(stmt='import pycountry\npycountry.countries.get(alpha_2="DE")')
WALL_BARE = "pass"
WALL_OURS = "import passive_ig"

LOAD_OURS = textwrap.dedent(
    """\
    import time
    from passive_ig import registry
    t0 = time.perf_counter()
    registry.load_all()
    print(time.perf_counter() - t0)
    """
)
# json.loads of the same bytes: every file load_all() reads, read before the clock starts.
LOAD_JSON = textwrap.dedent(
    """\
    import json, os, time
    import passive_ig
    data = os.path.join(os.path.dirname(passive_ig.__file__), "data")
    names = json.loads(open(os.path.join(data, "manifest.json"), "rb").read())["files"]
    blobs = [open(os.path.join(data, name), "rb").read() for name in ["manifest.json", *names]]
    t0 = time.perf_counter()
    for blob in blobs:
        json.loads(blob)
    print(time.perf_counter() - t0)
    """
)


# Peak RSS in KiB: VmHWM on Linux (ru_maxrss there keeps the parent's peak across
# fork and exec, so it would measure the benchmark runner), ru_maxrss elsewhere.
def peak_kib() -> int:
    """This process's peak RSS in KiB."""
    try:
        with open("/proc/self/status") as status:
            return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except OSError:
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak


def rss(stmt: str) -> str:
    """A snippet that runs ``stmt``, then prints the process's peak RSS in KiB."""
    return f"{stmt}\n{textwrap.dedent(inspect.getsource(peak_kib))}\nprint(peak_kib())\n"


MEMORY_BARE = rss("")
MEMORY_OURS = rss("from passive_ig import registry\nregistry.load_all()")


# Children cache their bytecode, as an installed package has it: with
# PYTHONDONTWRITEBYTECODE set (some containers set it), every child would compile
# passive_ig's sources again while the baselines' bytecode came with their install.
# The cache lives in a folder of its own, so nothing is written beside the sources.
# The children import passive_ig from this checkout's src/ (before any installed copy),
# so the figures are this checkout's even where another one is installed in editable mode.
CHILD_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "passive_ig-bench-pycache"),
    "PYTHONPATH": os.pathsep.join(
        [str(HERE.parent / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    ),
}


def run_child(args: Sequence[str]) -> str:
    result = subprocess.run(
        [PYTHON, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),  # no stray module in the working directory
        env=CHILD_ENV,
    )
    if result.returncode != 0:
        sys.exit(f"benchmark child failed: {' '.join(args)[:200]}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def snippet(code: str) -> float:
    return float(run_child(["-c", code]))


def wall(code: str) -> float:
    t0 = time.perf_counter()
    run_child(["-c", code])
    return time.perf_counter() - t0


def interleaved(
    sides: dict[str, Callable[[], float]], repeats: int, *, warmup: int = 1
) -> dict[str, list[float]]:
    """Run each side ``repeats`` times, in turn; the first ``warmup`` rounds are dropped."""
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for round_ in range(warmup + repeats):
        for name, measure in sides.items():
            value = measure()
            if round_ >= warmup:
                samples[name].append(value)
    return samples


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# ----------------------------------------------------------------- the table


@dataclass
class Row:
    figure: str
    ours: float
    baseline: float
    unit: str
    ratio: float
    budget: str = "-"
    passed: bool | None = None  # None: reported, not budgeted
    note: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value * 1e3:.1f} ms"
    if unit == "ns":
        return f"{value * 1e9:.0f} ns"
    if unit == "lines/s":
        return f"{value:,.0f} lines/s"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g}"


def budget_row(
    figure: str,
    ours: float,
    baseline: float,
    unit: str,
    *,
    ratio: float | None = None,
    at_most: float | None = None,
    at_least: float | None = None,
    note: str = "",
    samples: dict[str, list[float]] | None = None,
) -> Row:
    ratio = ours / baseline if ratio is None else ratio
    budget, passed = "-", None
    if at_most is not None:
        budget, passed = f"<= {at_most:g}x", ratio <= at_most
    elif at_least is not None:
        budget, passed = f">= {at_least:g}x", ratio >= at_least
    return Row(figure, ours, baseline, unit, ratio, budget, passed, note, samples or {})


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| figure | ours | baseline | ratio | budget | result |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        result = "-" if row.passed is None else ("pass" if row.passed else "**FAIL**")
        lines.append(
            f"| {row.figure} | {fmt(row.ours, row.unit)} | {fmt(row.baseline, row.unit)} "
            f"| {row.ratio:.2f}x | {row.budget} | {result} |"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------- the figures


def measure_import(repeats: int) -> list[Row]:
    samples = interleaved(
        {
            "passive_ig": lambda: snippet(IMPORT_OURS),
            "pycountry": lambda: snippet(IMPORT_PYCOUNTRY),
            "phonenumbers": lambda: snippet(IMPORT_PHONENUMBERS),
            "wall ours": lambda: wall(WALL_OURS),
            "wall bare": lambda: wall(WALL_BARE),
        },
        repeats,
    )
    ours = median(samples["passive_ig"])
    return [
        budget_row(
            "1 import passive_ig / import pycountry",
            ours,
            median(samples["pycountry"]),
            "ms",
            at_most=1.0,
            samples=samples,
        ),
        budget_row(
            "1 import passive_ig / import phonenumbers", ours, median(samples["phonenumbers"]), "ms"
        ),
        budget_row(
            '1 `python -c "import passive_ig"` / `python -c pass` (whole process)',
            median(samples["wall ours"]),
            median(samples["wall bare"]),
            "ms",
        ),
    ]


def measure_first_answer(repeats: int) -> list[Row]:
    samples = interleaved(
        {"ours": lambda: snippet(FIRST_OURS), "pycountry": lambda: snippet(FIRST_PYCOUNTRY)},
        repeats,
    )
    return [
        budget_row(
            '2 first answer: `registry.codes["90283"]` / `pycountry.countries.get(alpha_2="DE")`',
            median(samples["ours"]),
            median(samples["pycountry"]),
            "ms",
            at_most=1.0,
            note="fresh process, import included",
            samples=samples,
        )
    ]


def measure_load(repeats: int) -> list[Row]:
    samples = interleaved(
        {"ours": lambda: snippet(LOAD_OURS), "json": lambda: snippet(LOAD_JSON)}, repeats
    )
    return [
        budget_row(
            "3 `registry.load_all()` / `json.loads` of the same bytes",
            median(samples["ours"]),
            median(samples["json"]),
            "ms",
            at_most=10.0,
            note="fresh process; ours includes reading the files",
            samples=samples,
        )
    ]


def measure_memory(repeats: int) -> list[Row]:
    samples = interleaved(
        {"ours": lambda: snippet(MEMORY_OURS), "bare": lambda: snippet(MEMORY_BARE)}, repeats
    )
    scale = 1 / 1024  # KiB to MB
    over = (median(samples["ours"]) - median(samples["bare"])) * scale
    return [
        budget_row(
            "6 peak RSS after `load_all()` over bare Python / 30 MB",
            over,
            30.0,
            "MB",
            at_most=1.0,
            note=f"bare Python: {median(samples['bare']) * scale:.1f} MB",
            samples=samples,
        )
    ]


def measure_lookups(repeats: int, number: int) -> list[Row]:
    out = run_child([str(HERE / "run.py"), "--child", "lookups", str(repeats), str(number)])
    result = json.loads(out)
    base = median(result["dict"])
    rows = []
    for name, label, limit in (
        ("codes", '4 `registry.codes["90283"]` / `dict` lookup', 3.0),
        ("policies", '4 `registry.policies["medicare-90283"]` / `dict` lookup', 3.0),
        (
            "policy",
            '4 `registry.policy("UHC")` (payer alias and code: normalised) / `dict` lookup',
            10.0,
        ),
        ("normalised", '4 `registry.codes[" cpt 90283 "]` (normalised) / `dict` lookup', 10.0),
        ("first_sight", "4 normalised, first sight of each spelling / `dict` lookup", None),
    ):
        ratios = [o / b for o, b in zip(result[name], result["dict"], strict=True)]
        rows.append(
            budget_row(
                label,
                median(result[name]),
                base,
                "ns",
                ratio=median(ratios),
                at_most=limit,
                samples={"ours": result[name], "dict": result["dict"]},
            )
        )
    return rows


def measure_realistic(repeats: int, size: int) -> list[Row]:
    """The realistic batch: figures that rest on repeated lines, labelled as such."""

    def side(mode: str) -> Callable[[], float]:
        return lambda: float(run_child([str(HERE / "run.py"), "--child", mode, str(size)]))

    samples = interleaved({"bulk": side("bulk"), "single": side("single")}, repeats, warmup=0)
    bulk, single = median(samples["bulk"]), median(samples["single"])
    repeats_note = "realistic batch: 97.5% of its lines repeat 500 combinations"
    return [
        budget_row(
            f"5 `check_many`, realistic batch of {size:,} lines (repeats) / 1,000,000 lines/s",
            bulk,
            1_000_000,
            "lines/s",
            at_least=1.0,
            note=repeats_note,
            samples=samples,
        ),
        budget_row(
            "5 `check_many` / `registry.check` one line at a time, same realistic batch (repeats)",
            bulk,
            single,
            "lines/s",
            at_least=10.0,
            note=repeats_note,
        ),
    ]


# ----------------------------------------------------------------- the distinct batch
# Real lines are all distinct (each patient's dose, any day of the year): these are the
# figures a user sees. The batch is claims_batch.make_distinct_columns, written once to a
# Parquet file in the temp folder, and every engine reads it in a child of its own.

SEED = 90283
ENGINES = {  # engine: its name in the report
    "check_many": "check_many",
    "check": "registry.check",
    "polars": "polars",
    "duckdb": "DuckDB",
}
COMPILED = ("polars", "duckdb")
LINES_PER_SECOND = 2_000_000  # the compiled path's budget, and its budget over check_many:
OVER_CHECK_MANY = 50.0


def floor_report(
    size: int,
    repeats: int,
    steps: dict[str, list[float]],
    floors: list[float],
    found: int,
    engine: str,
    checks: list[float],
    count: int,
) -> None:
    """Print what ``duckdb_floor.py`` or ``polars_floor.py`` measured: the median of each
    step of the floor, of the whole floor and of the check, and their ratio."""
    low = statistics.median(floors)
    check = statistics.median(checks)
    print(f"{size:,} distinct lines (seed {SEED}), {repeats} runs a side, medians\n")
    print("| step | seconds |")
    print("| --- | ---: |")
    for name, times in steps.items():
        print(f"| floor: {name} | {statistics.median(times):.3f} |")
    print(f"| **floor, all steps** ({found:,} findings) | **{low:.3f}** |")
    print(f"| compiled check on {engine} ({count:,} findings) | {check:.3f} |")
    print()
    print(f"- floor: {size / low:,.0f} lines/s; the check: {size / check:,.0f} lines/s")
    print(f"- the check takes {check / low:.2f}x the floor's time")


def batch_path(size: int, seed: int = SEED) -> str:
    """The distinct batch of ``size`` lines as a Parquet file, made once (in a child) and kept.

    The name carries the size, the seed and a digest of ``claims_batch.py``: a change to
    the generator makes a new file instead of reusing a stale one.
    """
    digest = hashlib.sha256((HERE / "claims_batch.py").read_bytes()).hexdigest()[:10]
    path = Path(tempfile.gettempdir()) / f"passive_ig_distinct_{size}_{seed}_{digest}.parquet"
    if not path.exists():
        print(f"writing {size:,} distinct lines to {path} (once)", file=sys.stderr)
        run_child([str(HERE / "run.py"), "--child", "batch", str(size), str(seed), str(path)])
    return str(path)


def whole_claims(path: str, limit: int) -> int:
    """How many of the batch's first lines make whole claims, ``limit`` at the most."""
    import polars as pl

    ids = pl.read_parquet(path, columns=["claim_id"], n_rows=limit + 1)["claim_id"]
    if ids.len() <= limit:
        return ids.len()
    end = limit
    while end > 0 and ids[end] == ids[end - 1]:
        end -= 1
    return end


def run_engine(engine: str, path: str, lines: int, prefix: int) -> dict[str, Any]:
    """One engine over the first ``lines`` lines of the batch, in a fresh process."""
    args = ["--child", "distinct", engine, path, str(lines), str(prefix)]
    return json.loads(run_child([str(HERE / "run.py"), *args]))  # type: ignore[no-any-return]


def compare_findings(results: dict[str, list[dict[str, Any]]], prefix: int) -> list[str]:
    """What the engines disagree on (nothing: an empty list).

    Every run of every engine must give the same findings per rule on the first
    ``prefix`` lines (whole claims, so the compiled engines' findings there are the
    ones check_many gives for those lines alone), and the compiled engines the same
    count over the whole batch.
    """
    problems = []
    counts = {
        engine: {json.dumps(run["rules"], sort_keys=True) for run in runs}
        for engine, runs in results.items()
    }
    for engine, seen in counts.items():
        if len(seen) > 1:
            problems.append(f"{engine}: the findings per rule differ between runs")
    reference = results["check_many"][0]["rules"]
    for engine, runs in results.items():
        rules = runs[0]["rules"]
        for rule in sorted(set(reference) | set(rules)):
            ours, theirs = rules.get(rule, 0), reference.get(rule, 0)
            if ours != theirs:
                problems.append(
                    f"{engine}: {ours:,} findings of {rule} in the first {prefix:,} lines, "
                    f"check_many {theirs:,}"
                )
    totals = {engine: {run["findings"] for run in results[engine]} for engine in COMPILED}
    if len({n for seen in totals.values() for n in seen}) > 1:
        problems.append(f"compiled engines, findings over the whole batch: {totals}")
    return problems


def measure_distinct(
    repeats: int, size: int, prefix_limit: int
) -> tuple[list[Row], list[str], list[str]]:
    """The distinct batch: check_many, registry.check and the compiled path, interleaved.

    Returns the rows, the report's lines (findings, peak memory) and the engines'
    disagreements on findings (none, when all is well).
    """
    path = batch_path(size)
    prefix = whole_claims(path, min(prefix_limit, size) if prefix_limit else size)
    results: dict[str, list[dict[str, Any]]] = {engine: [] for engine in ENGINES}

    def side(engine: str) -> Callable[[], float]:
        lines = size if engine in COMPILED else prefix

        def measure() -> float:
            result = run_engine(engine, path, lines, prefix)
            results[engine].append(result)
            return lines / float(result["seconds"])

        return measure

    samples = interleaved({engine: side(engine) for engine in results}, repeats, warmup=0)
    many = median(samples["check_many"])
    first = f"the first {prefix:,}, whole claims" if prefix < size else "all of them"
    rows = [
        budget_row(
            f"5 `check_many` / `registry.check` one claim at a time: distinct lines ({first})",
            many,
            median(samples["check"]),
            "lines/s",
            samples={"check_many": samples["check_many"], "check": samples["check"]},
        )
    ]
    for engine in COMPILED:
        speed, name = median(samples[engine]), ENGINES[engine]
        rows += [
            budget_row(
                f"5 compiled on {name}: {size:,} distinct lines / {LINES_PER_SECOND:,} lines/s",
                speed,
                LINES_PER_SECOND,
                "lines/s",
                at_least=1.0,
                samples={engine: samples[engine]},
            ),
            budget_row(
                f"5 compiled on {name} / `check_many`, distinct lines (check_many: {first})",
                speed,
                many,
                "lines/s",
                at_least=OVER_CHECK_MANY,
            ),
        ]
    problems = compare_findings(results, prefix)
    mib = {e: median([r["peak_kib"] for r in runs]) / 1024 for e, runs in results.items()}
    report = [
        f"distinct batch: `claims_batch.make_distinct_columns({size:,}, seed={SEED})`, "
        f"read from {path}: no two lines equal, dates over all of 2024, each patient's own "
        "dose, 5% broken lines, claims of one to four lines, five payers",
        f"check_many and registry.check take the first {prefix:,} lines of it (whole claims), "
        "built as Claim objects before the clock starts; the compiled path takes all "
        f"{size:,}: polars a DataFrame read before the clock starts, DuckDB the Parquet file "
        "(read inside the clock), its findings materialised as a table",
        f"findings in the first {prefix:,} lines: "
        + ", ".join(f"{ENGINES[e]} {sum(r[0]['rules'].values()):,}" for e, r in results.items())
        + f"; in all {size:,} lines: "
        + ", ".join(f"{ENGINES[e]} {results[e][0]['findings']:,}" for e in COMPILED)
        + ("; all engines agree" if not problems else "; **THE ENGINES DISAGREE**"),
        "peak RSS (VmHWM) of each child: "
        + ", ".join(f"{ENGINES[e]} {value:,.0f} MiB" for e, value in mib.items()),
    ]
    return rows, report, problems


def measure_compiled_memory(size: int) -> tuple[str, list[str], list[str]]:
    """The compiled path's peak memory on ``size`` distinct lines, once per engine."""
    path = batch_path(size)
    lines = [
        f"compiled path, {size:,} distinct lines from {path}, one fresh process per engine\n",
        "| engine | peak RSS (VmHWM) | lines/s | findings | findings table | bytes per finding |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    results = {engine: run_engine(engine, path, size, 0) for engine in COMPILED}
    for engine, result in results.items():
        found, held = result["findings"], result["findings_bytes"]
        size_text = "-" if held is None else f"{held / 2**20:,.0f} MiB"
        per = "-" if held is None or not found else f"{held / found:,.0f}"
        lines.append(
            f"| {ENGINES[engine]} | {result['peak_kib'] / 1024:,.0f} MiB "
            f"| {size / result['seconds']:,.0f} | {found:,} | {size_text} | {per} |"
        )
    notes = [
        "findings table: polars `DataFrame.estimated_size()`; DuckDB, what a copy of the "
        "materialised findings table adds to `duckdb_memory()` (IN_MEMORY_TABLE)",
        f"polars' input DataFrame: {results['polars']['input_bytes'] / 2**20:,.0f} MiB "
        "(`estimated_size()`), read before the clock starts; DuckDB reads the file",
    ]
    problems = []
    if len({result["findings"] for result in results.values()}) > 1:
        problems.append(
            "compiled engines disagree on the findings: "
            + ", ".join(f"{ENGINES[e]} {r['findings']:,}" for e, r in results.items())
        )
    return "\n".join(lines), notes, problems


# ----------------------------------------------------------------- children


def child_lookups(repeats: int, number: int) -> None:
    import itertools
    import timeit

    from passive_ig import registry
    from passive_ig.registry import _HITS_LIMIT

    registry.load_all()
    plain = {record.code: record for record in registry.codes}
    # 32,000 spellings of 90283: the prefix in every case, four separators, spaces around
    spellings = [
        f"{' ' * before}{prefix}{sep * width}90283{' ' * after}"
        for prefix in (
            "".join(
                c.upper() if bit == "1" else c for c, bit in zip("cpt", f"{n:03b}", strict=True)
            )
            for n in range(8)
        )
        for sep in " -:#"
        for width in range(1, 6)
        for before in range(20)
        for after in range(10)
    ]
    filler, timed = spellings[: 2 * _HITS_LIMIT], itertools.cycle(spellings[2 * _HITS_LIMIT :])
    namespace = {"registry": registry, "d": plain, "next": next, "spellings": timed}
    statements = {
        "dict": 'd["90283"]',
        "codes": 'registry.codes["90283"]',
        "policies": 'registry.policies["medicare-90283"]',
        "policy": 'registry.policy("UHC")',
        "normalised": 'registry.codes[" cpt 90283 "]',
    }
    timers = {name: timeit.Timer(stmt, globals=namespace) for name, stmt in statements.items()}
    for timer in timers.values():
        timer.timeit(number=1000)  # the first lookup of each key is the slow one; not timed
    results: dict[str, list[float]] = {name: [] for name in [*statements, "first_sight"]}
    # Spellings never looked up before, so the key cleaner runs every time (a collection
    # remembers _HITS_LIMIT keys as given, and that memory is full), minus the cost of next().
    fresh = timeit.Timer("registry.codes[next(spellings)]", globals=namespace)
    making = timeit.Timer("next(spellings)", globals=namespace)
    for spelling in filler:  # fill the collection's memory of keys as given
        registry.codes[spelling]
    for _ in range(repeats):
        for name, timer in timers.items():
            results[name].append(timer.timeit(number=number) / number)
        few = max(number // 50, 1000)
        cost = fresh.timeit(number=few) / few - making.timeit(number=few) / few
        results["first_sight"].append(cost)
    print(json.dumps(results))


def child_checks(mode: str, size: int) -> None:
    """check_many (``bulk``) or registry.check one line at a time over the realistic batch."""
    sys.path.insert(0, str(HERE))
    from claims_batch import make_batch

    from passive_ig import registry

    batch = make_batch(size)
    registry.load_all()
    gc.collect()  # settle the heap the batch was just built on (the collector stays on)
    t0 = time.perf_counter()
    if mode == "bulk":
        for _report in registry.check_many(batch, payer=PAYER):
            pass
    else:
        check = registry.check
        for line in batch:
            check(line, payer=PAYER)
    print(len(batch) / (time.perf_counter() - t0))


def child_batch(size: int, seed: int, path: str) -> None:
    """Write the distinct batch to ``path`` (whole, or not at all)."""
    sys.path.insert(0, str(HERE))
    from claims_batch import make_distinct_columns

    partial = f"{path}.{os.getpid()}.partial"
    make_distinct_columns(size, seed=seed).write_parquet(partial)  # type: ignore[attr-defined]
    os.replace(partial, path)


def read_claims(path: str, lines: int) -> list[Any]:
    """The first ``lines`` lines of the batch as Claim objects, one per claim id."""
    import polars as pl

    from passive_ig.claims import Claim, ClaimLine

    claims: dict[str, tuple[str, str | None, list[ClaimLine]]] = {}
    for row in pl.read_parquet(path, n_rows=lines).iter_rows(named=True):
        line = ClaimLine(
            code=row["code"],
            modifiers=tuple(row["modifiers"]),
            units=row["units"],
            place_of_service=row["place_of_service"],
            date_of_service=row["date_of_service"],
            diagnoses=tuple(row["diagnoses"]),
            dose_mg=row["dose_mg"],
            discarded_mg=row["discarded_mg"],
            evaluation_and_management=row["evaluation_and_management"],
        )
        entry = (row["payer"], row["prior_authorization"], [])
        claims.setdefault(row["claim_id"], entry)[2].append(line)
    return [
        Claim(payer=payer, lines=lines_, prior_authorization=authorization, claim_id=claim_id)
        for claim_id, (payer, authorization, lines_) in claims.items()
    ]


def duckdb_table_bytes(con: Any, table: str) -> int | None:
    """What a copy of ``table`` adds to DuckDB's in-memory tables (None: not known)."""

    def held() -> int:
        query = "SELECT memory_usage_bytes FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'"
        return int(con.sql(query).fetchall()[0][0])

    try:
        before = held()
        con.execute(f"CREATE TABLE measured AS SELECT * FROM {table}")
        return held() - before
    except Exception:  # an older DuckDB without duckdb_memory()
        return None


def child_distinct(engine: str, path: str, lines: int, prefix: int) -> None:
    """One engine over the first ``lines`` lines of the distinct batch; prints a JSON object:
    the seconds, the findings, the findings per rule in the first ``prefix`` lines, the
    peak RSS in KiB, and (compiled engines) the findings table's size in bytes."""
    from passive_ig import registry

    registry.load_all()
    result: dict[str, Any] = {"findings_bytes": None, "input_bytes": None}
    if engine == "duckdb":
        import duckdb

        from passive_ig.compiled import check_table

        con = duckdb.connect()
        con.execute("SET enable_progress_bar=false")
        gc.collect()
        t0 = time.perf_counter()
        # (the findings come back as a table of their own: nothing is left to compute)
        findings = check_table(path, connection=con)
        result["seconds"] = time.perf_counter() - t0
        result["peak_kib"] = peak_kib()
        result["findings"] = findings.aggregate("count(*)").fetchall()[0][0]
        shared = findings.filter(f'"row" < {prefix}')
        result["rules"] = dict(shared.aggregate("rule, count(*)", "rule").fetchall())
        # the table the relation reads: the one table of the check's left (the lookup
        # tables kept for later checks are passive_ig_table_*)
        query = (
            "SELECT table_name FROM duckdb_tables() "
            "WHERE temporary AND table_name LIKE 'passive_ig_cache_%'"
        )
        (kept,) = con.sql(query).fetchall()
        result["findings_bytes"] = duckdb_table_bytes(con, kept[0])
    elif engine == "polars":
        import polars as pl

        from passive_ig.compiled import check_table

        frame = pl.read_parquet(path)
        gc.collect()
        t0 = time.perf_counter()
        findings = check_table(frame)
        result["seconds"] = time.perf_counter() - t0
        result["peak_kib"] = peak_kib()
        result["findings"] = findings.height
        counts = findings.filter(pl.col("row") < prefix).group_by("rule").len()
        result["rules"] = dict(counts.iter_rows())
        result["findings_bytes"] = findings.estimated_size()
        result["input_bytes"] = frame.estimated_size()
    else:  # check_many, or registry.check one claim at a time
        claims = read_claims(path, lines)
        gc.collect()  # settle the heap the claims were just built on (the collector stays on)
        t0 = time.perf_counter()
        if engine == "check_many":
            reports = list(registry.check_many(claims))
        else:
            check = registry.check
            reports = [check(claim) for claim in claims]
        result["seconds"] = time.perf_counter() - t0
        result["peak_kib"] = peak_kib()
        # an item check_many could not check has no findings: a finding of its own here,
        # so it cannot hide
        rules = Counter(
            finding.rule for report in reports for finding in getattr(report, "findings", ())
        )
        rules["(unchecked item)"] += sum(not hasattr(report, "findings") for report in reports)
        result["rules"] = {rule: count for rule, count in rules.items() if count}
        result["findings"] = sum(result["rules"].values())
    print(json.dumps(result))


# ----------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller batches")
    parser.add_argument(
        "--size",
        type=int,
        help="lines in the distinct batch (default 2,000,000; --quick 300,000)",
    )
    parser.add_argument(
        "--prefix",
        type=int,
        help="lines (whole claims) of the distinct batch for check_many and registry.check "
        "(default 200,000; --quick 100,000; 0: the whole batch)",
    )
    parser.add_argument("--repeats", type=int, help="check runs a side (default 5; --quick 3)")
    parser.add_argument(
        "--checks-only", action="store_true", help="only the claim-check figures (section 5)"
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="only the compiled path's peak memory, on --memory-size distinct lines",
    )
    parser.add_argument("--memory-size", type=int, default=10_000_000, help="default 10,000,000")
    parser.add_argument("--json", metavar="PATH", help="also write every sample to PATH")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, *rest = args.child
        if name == "lookups":
            child_lookups(int(rest[0]), int(rest[1]))
        elif name == "batch":
            child_batch(int(rest[0]), int(rest[1]), rest[2])
        elif name == "distinct":
            child_distinct(rest[0], rest[1], int(rest[2]), int(rest[3]))
        else:
            child_checks(name, int(rest[0]))
        return 0

    started = time.perf_counter()
    if args.memory:
        text, notes, problems = measure_compiled_memory(args.memory_size)
        print(
            f"passive_ig compiled path, peak memory: Python {platform.python_version()} on "
            f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
            f"{time.perf_counter() - started:.0f} s\n"
        )
        print(text + "\n\n" + "\n".join(f"- {note}" for note in notes))
        return disagreement(problems)

    fresh = 7 if args.quick else 21
    rounds, number = (7, 100_000) if args.quick else (21, 300_000)
    size = args.size or (300_000 if args.quick else 2_000_000)
    prefix = (100_000 if args.quick else 200_000) if args.prefix is None else args.prefix
    check_repeats = args.repeats or (3 if args.quick else 5)
    realistic_size = 200_000 if args.quick else 1_000_000
    distinct_rows, report, problems = measure_distinct(check_repeats, size, prefix)
    rows = [
        *distinct_rows,
        *measure_realistic(check_repeats, realistic_size),
    ]
    if not args.checks_only:
        rows = [
            *measure_import(fresh),
            *measure_first_answer(fresh),
            *measure_load(fresh),
            *measure_lookups(rounds, number),
            *rows,
            *measure_memory(fresh),
        ]
    print(
        f"passive_ig benchmarks ({'quick' if args.quick else 'full'} run), Python "
        f"{platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {time.perf_counter() - started:.0f} s; medians of "
        + ("" if args.checks_only else f"{fresh} fresh processes a side, {rounds} lookup rounds, ")
        + f"{check_repeats} check runs a side (interleaved, each in a fresh process)\n"
    )
    print(table(rows))
    notes = [f"- {row.figure.split(' ', 1)[0]}: {row.note}" for row in rows if row.note]
    notes += [f"- 5: {line}" for line in report]
    print("\n" + "\n".join(dict.fromkeys(notes)))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"rows": [row.__dict__ for row in rows], "notes": notes, "problems": problems},
                indent=2,
                default=str,
            )
            + "\n"
        )
    missed = [row.figure for row in rows if row.passed is False]
    if missed:
        print(f"\n{len(missed)} budget(s) missed", file=sys.stderr)
    return max(disagreement(problems), 1 if missed else 0)


def disagreement(problems: Sequence[str]) -> int:
    """Say loudly, on stdout and stderr, where the engines' findings disagree; 1 if they do."""
    if not problems:
        return 0
    text = "\n".join(
        [
            "",
            "!" * 78,
            "THE ENGINES DISAGREE ON THE FINDINGS: the compiled path must find what check_many does",
            *(f"  {problem}" for problem in problems),
            "!" * 78,
        ]
    )
    print(text)
    if not sys.stdout.isatty():  # the report went to a file: say it on the terminal too
        print(text, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
