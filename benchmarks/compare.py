"""This checkout's claim checks beside another commit's, measured side by side in one run.

    python benchmarks/compare.py --baseline 7efe41e [--quick]

The baseline commit is checked out (``git worktree``, detached, removed after) in a
temporary folder, and each figure is measured in fresh processes that alternate
between the two source trees, so both sides see the same machine at the same
moment. The batches come from ``claims_batch.py`` of this checkout, so both sides
check the very same lines:

* a distinct-lines batch (no two lines equal: dates over a whole year, each
  patient's own dose, 5 % broken), checked with ``check_many`` and with
  ``registry.check`` one line at a time;
* the realistic batch (mostly repeats), checked with ``check_many`` and one line
  at a time.

Each figure is a median of lines per second; the ratio is this checkout's over
the baseline's, and the budget is that none falls below 1 (nothing got slower).
Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAYER = "Medicare"

CHILD = """
import gc, json, sys, time
sys.path.insert(0, {here!r})
from claims_batch import make_batch, make_distinct_batch
from passive_ig import registry
assert registry.__class__.__module__.startswith("passive_ig")
batch = make_distinct_batch({size}) if {distinct} else make_batch({size})
registry.load_all()
gc.collect()
t0 = time.perf_counter()
if {bulk}:
    for _ in registry.check_many(batch, payer={payer!r}):
        pass
else:
    check = registry.check
    for line in batch:
        check(line, payer={payer!r})
print(json.dumps(len(batch) / (time.perf_counter() - t0)))
"""


def _child(src: Path, *, distinct: bool, bulk: bool, size: int) -> float:
    code = CHILD.format(here=str(HERE), size=size, distinct=distinct, bulk=bulk, payer=PAYER)
    env = {**os.environ, "PYTHONPATH": str(src)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    if result.returncode != 0:
        sys.exit(f"benchmark child failed ({src}):\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the commit to compare with")
    parser.add_argument("--quick", action="store_true", help="smaller batches, fewer rounds")
    parser.add_argument("--json", metavar="PATH", help="also write every sample to PATH")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 7
    distinct_size = 30_000 if args.quick else 200_000
    realistic_size = 200_000 if args.quick else 1_000_000
    single_size = 30_000 if args.quick else 100_000
    figures = [
        ("check_many, distinct lines", True, True, distinct_size),
        ("registry.check one at a time, distinct lines", True, False, single_size),
        ("check_many, realistic batch", False, True, realistic_size),
        ("registry.check one at a time, realistic batch", False, False, single_size),
    ]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.baseline],
            check=True,
        )
        try:
            sides = {"this checkout": ROOT / "src", args.baseline: base / "src"}
            samples: dict[str, dict[str, list[float]]] = {
                f[0]: {s: [] for s in sides} for f in figures
            }
            for _ in range(rounds):
                for name, distinct, bulk, size in figures:
                    for side, src in sides.items():
                        samples[name][side].append(
                            _child(src, distinct=distinct, bulk=bulk, size=size)
                        )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False
            )
    print(
        f"claim checks, this checkout vs {args.baseline}: medians of {rounds} alternating "
        f"runs a side, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"{time.perf_counter() - started:.0f} s\n"
    )
    print("| figure | this checkout | baseline | ratio | budget | result |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    missed = 0
    for name, *_ in figures:
        ours = statistics.median(samples[name]["this checkout"])
        theirs = statistics.median(samples[name][args.baseline])
        ratio = ours / theirs
        passed = ratio >= 1.0
        missed += not passed
        print(
            f"| {name} | {ours:,.0f} lines/s | {theirs:,.0f} lines/s | {ratio:.2f}x "
            f"| >= 1x | {'pass' if passed else '**FAIL**'} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(samples, indent=2) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
