"""The compiled checks (passive_ig.compiled) beside check_many, on the same distinct lines.

    python benchmarks/compiled.py                       # 2,000,000 lines, then memory at 10M
    python benchmarks/compiled.py --size 200000 --memory-size 0   # a short look

The batch is ``claims_batch.make_distinct_columns(size)``: no two lines equal, dates over
all of 2024, each patient's own dose, 5 % broken lines, claims of one to four lines, all
five payers. It is written once to a Parquet file (kept in the system's temp folder), and
each figure is measured in a fresh process that reads it:

* DuckDB: ``check_table(path)`` (the file in, the findings table materialised);
* polars: ``check_table(pl.read_parquet(path))`` (eager; reading is not timed);
* check_many: the same lines as ClaimLine/Claim objects (building them is not timed),
  one Claim per claim id, through ``registry.check_many``.

Each engine runs once per repeat, interleaved; the figure is the median of lines per
second, and the ratios are to check_many in the same run. Peak memory is the child's
high-water mark (VmHWM) for the compiled path on ``--memory-size`` lines, reading the
Parquet file. No test runs this.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, {here!r})
from passive_ig import registry
registry.load_all()
path, engine = {path!r}, {engine!r}
if engine == "duckdb":
    import duckdb
    from passive_ig.compiled import check_table
    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    t0 = time.perf_counter()
    found = check_table(path, connection=con).count("*").fetchall()[0][0]
elif engine == "polars":
    import polars as pl
    from passive_ig.compiled import check_table
    frame = pl.read_parquet(path)
    t0 = time.perf_counter()
    found = check_table(frame).height
else:
    import polars as pl
    from passive_ig.claims import Claim, ClaimLine
    frame = pl.read_parquet(path)
    claims = {{}}
    for row in frame.iter_rows(named=True):
        line = ClaimLine(code=row["code"], modifiers=tuple(row["modifiers"]), units=row["units"],
            place_of_service=row["place_of_service"], date_of_service=row["date_of_service"],
            diagnoses=tuple(row["diagnoses"]), dose_mg=row["dose_mg"],
            discarded_mg=row["discarded_mg"],
            evaluation_and_management=row["evaluation_and_management"])
        claims.setdefault(row["claim_id"], (row["payer"], row["prior_authorization"], []))[2].append(line)
    items = [Claim(payer=p, lines=ls, prior_authorization=a, claim_id=c)
             for c, (p, a, ls) in claims.items()]
    t0 = time.perf_counter()
    found = sum(len(report.findings) for report in registry.check_many(items))
seconds = time.perf_counter() - t0
peak = 0
for text in open("/proc/self/status"):
    if text.startswith("VmHWM:"):
        peak = int(text.split()[1])
print(json.dumps({{"seconds": seconds, "findings": found, "peak_kib": peak}}))
"""


def batch(size: int) -> str:
    path = os.path.join(tempfile.gettempdir(), f"passive_ig_distinct_{size}.parquet")
    if not os.path.exists(path):
        sys.path.insert(0, str(HERE))
        from claims_batch import make_distinct_columns

        make_distinct_columns(size).write_parquet(path)
    return path


def child(path: str, engine: str) -> dict[str, float]:
    code = CHILD.format(here=str(HERE), path=path, engine=engine)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=3, help="0: memory only")
    parser.add_argument("--memory-size", type=int, default=10_000_000)
    args = parser.parse_args()
    speeds: dict[str, list[float]] = {"duckdb": [], "polars": [], "check_many": []}
    path = batch(args.size) if args.repeats else ""
    for _ in range(args.repeats):
        for engine in speeds:
            result = child(path, engine)
            speeds[engine].append(args.size / result["seconds"])
    if args.repeats:
        base = statistics.median(speeds["check_many"])
        print(f"{args.size:,} distinct lines (median of {args.repeats})\n")
        print("| engine | lines/s | x check_many |")
        print("|---|---:|---:|")
        for engine, values in speeds.items():
            speed = statistics.median(values)
            print(f"| {engine} | {speed:,.0f} | {speed / base:.1f} |")
    if args.memory_size:
        big = batch(args.memory_size)
        print(f"\npeak memory (VmHWM) for {args.memory_size:,} lines read from Parquet:")
        for engine in ("duckdb", "polars"):
            result = child(big, engine)
            print(
                f"- {engine}: {result['peak_kib'] / 1024:,.0f} MiB, "
                f"{args.memory_size / result['seconds']:,.0f} lines/s, "
                f"{result['findings']:,} findings"
            )


if __name__ == "__main__":
    main()
