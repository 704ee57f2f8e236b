"""passive_ig's performance budgets, measured as ratios side by side.

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --quick    # a short run, for a first look
    python benchmarks/run.py --json results.json

Needs the ``bench`` extra (``pip install -e '.[bench]'``): pycountry and
phonenumbers are the baselines of the import and first-answer figures.

Every figure is a ratio of two things measured in the same run, interleaved
(ours, baseline, ours, baseline, ...) and taken as the median over repeats, so
a busy or slow machine moves both sides alike. Import, first answer, full load
and memory are measured in fresh processes (one per repeat and side); the time
is taken inside the child around the statement itself, so the interpreter's own
start-up, the same for both sides, is not counted. Lookups are timed in one
process, each round timing every statement once, and the ratio is the median of
the per-round ratios. The checks run in fresh processes over the same batch
(see ``claims_batch.py``), after a ``gc.collect()`` that settles the heap the
batch was built on; the collector stays on while they run.

Children cache bytecode in a folder of their own, as an installed package has
its bytecode; peak memory is the kernel's high-water mark of the child (VmHWM).

Prints a Markdown table (figure, ours, baseline, ratio, budget, result) and
exits with status 1 when a budget is missed. No test runs this: timings do not
belong in the test suite.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
RSS = textwrap.dedent(
    """\
    {stmt}
    try:
        with open("/proc/self/status") as status:
            print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except OSError:
        import resource, sys
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(peak // 1024 if sys.platform == "darwin" else peak)
    """
)
MEMORY_BARE = RSS.format(stmt="")
MEMORY_OURS = RSS.format(stmt="from passive_ig import registry\nregistry.load_all()")


# Children cache their bytecode, as an installed package has it: with
# PYTHONDONTWRITEBYTECODE set (some containers set it), every child would compile
# passive_ig's sources again while the baselines' bytecode came with their install.
# The cache lives in a folder of its own, so nothing is written beside the sources.
CHILD_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "passive_ig-bench-pycache"),
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


def measure_checks(repeats: int, size: int) -> list[Row]:
    def side(mode: str) -> Callable[[], float]:
        return lambda: float(run_child([str(HERE / "run.py"), "--child", mode, str(size)]))

    samples = interleaved(
        {
            "bulk": side("bulk"),
            "single": side("single"),
            "new": side("new"),
            "distinct-bulk": side("distinct-bulk"),
            "distinct-single": side("distinct-single"),
        },
        repeats,
        warmup=0,
    )
    bulk, single, new = median(samples["bulk"]), median(samples["single"]), median(samples["new"])
    distinct_bulk = median(samples["distinct-bulk"])
    distinct_single = median(samples["distinct-single"])
    return [
        budget_row(
            f"5 `check_many` over {size:,} distinct lines (no two equal) / "
            "`registry.check` one at a time over the same lines",
            distinct_bulk,
            distinct_single,
            "lines/s",
            note="real lines are all distinct (each patient's dose, any day of the year): "
            "the figure a user sees; benchmarks/compare.py sets it beside an earlier commit",
        ),
        budget_row(
            f"5 `check_many` over a realistic batch of {size:,} lines / 1,000,000 lines/s",
            bulk,
            1_000_000,
            "lines/s",
            at_least=1.0,
            samples=samples,
        ),
        budget_row(
            f"5 `check_many` / `registry.check` one line at a time (same {size:,} lines)",
            bulk,
            single,
            "lines/s",
            at_least=10.0,
        ),
        budget_row(
            "5 `check_many` / `registry.check` one line at a time, distinct lines only",
            bulk,
            new,
            "lines/s",
            note="the distinct lines of the batch, each checked once: the cost of a check "
            "of a line not seen before (registry.check keeps nothing between calls)",
        ),
    ]


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
    sys.path.insert(0, str(HERE))
    from claims_batch import make_batch, make_distinct_batch

    from passive_ig import registry

    if mode.startswith("distinct-"):  # no two lines equal, as real lines are
        batch = make_distinct_batch(size)
        mode = mode.removeprefix("distinct-")
    else:
        batch = make_batch(size)
    if mode == "new":  # each distinct line once: nothing to remember, every check in full
        batch = list(dict.fromkeys(batch))
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


# ----------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller batch")
    parser.add_argument("--json", metavar="PATH", help="also write every sample to PATH")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, *rest = args.child
        if name == "lookups":
            child_lookups(int(rest[0]), int(rest[1]))
        else:
            child_checks(name, int(rest[0]))
        return 0

    fresh = 7 if args.quick else 21
    rounds, number = (7, 100_000) if args.quick else (21, 300_000)
    size, check_repeats = (200_000, 3) if args.quick else (1_000_000, 5)
    started = time.perf_counter()
    rows = [
        *measure_import(fresh),
        *measure_first_answer(fresh),
        *measure_load(fresh),
        *measure_lookups(rounds, number),
        *measure_checks(check_repeats, size),
        *measure_memory(fresh),
    ]
    print(
        f"passive_ig benchmarks ({'quick' if args.quick else 'full'} run), Python "
        f"{platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {time.perf_counter() - started:.0f} s; medians of "
        f"{fresh} fresh processes a side, {rounds} lookup rounds, {check_repeats} check runs\n"
    )
    print(table(rows))
    notes = [f"- {row.figure.split(' ', 1)[0]}: {row.note}" for row in rows if row.note]
    if notes:
        print("\n" + "\n".join(dict.fromkeys(notes)))
    if args.json:
        Path(args.json).write_text(
            json.dumps([row.__dict__ for row in rows], indent=2, default=str) + "\n"
        )
    missed = [row.figure for row in rows if row.passed is False]
    if missed:
        print(f"\n{len(missed)} budget(s) missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
