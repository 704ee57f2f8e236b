"""How close the compiled checks on polars come to what polars itself needs for the work.

    python benchmarks/polars_floor.py            # 2,000,000 distinct lines (about 1 minute)
    python benchmarks/polars_floor.py --size 300000

The polars twin of ``duckdb_floor.py`` (see there): the *floor* is the passes no plan of
the rules can skip, written by hand in polars, on the same distinct batch as
``run.py``'s, from a DataFrame read before the clock starts:

1. key each line by its claim (a window over the claim id) and hash its signature;
2. the distinct signatures (the library cleans them in Python);
3. join each line to its signature's answers;
4. group the lines by claim, once;
5. explode the diagnoses, one row each;
6. about a million findings from five rules instead of some thirty, each described,
   given its claim id and line, and sorted.

The real check (``passive_ig.compiled.check_table`` on the same DataFrame) runs in the
same process, interleaved with the floor; the figure is the ratio of their medians.
Needs polars (the ``polars`` extra). No test runs this.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import SEED, batch_path, floor_report  # noqa: E402  (the same batch as the main run)


def floor(frame: Any) -> tuple[dict[str, float], int]:
    """The floor's steps on ``frame``: the seconds of each, and the findings made."""
    import polars as pl

    steps: dict[str, float] = {}
    start = time.perf_counter()

    def step(name: str) -> None:
        nonlocal start
        now = time.perf_counter()
        steps[name] = now - start
        start = now

    row = pl.col("row")
    rows = (
        frame.lazy()
        .with_row_index("row")
        .select(
            row.cast(pl.Int64),
            pl.when(pl.col("claim_id").is_not_null())
            .then(row.cast(pl.Int64).min().over("claim_id"))
            .alias("claim"),
            "units",
            "dose_mg",
            "discarded_mg",
            pl.col("evaluation_and_management").alias("em"),
            (
                pl.col("prior_authorization").str.strip_chars().str.len_chars().fill_null(0) > 0
            ).alias("pa"),
            pl.col("date_of_service").fill_null(pl.date(1, 1, 1)).alias("dkey"),
            "payer",
            "code",
            "modifiers",
            "place_of_service",
            (
                (pl.col("diagnoses").list.len() > 0).cast(pl.Int64)
                + pl.col("units").is_null().cast(pl.Int64) * 2
                + pl.col("dose_mg").is_null().cast(pl.Int64) * 4
            ).alias("fl"),
        )
        .with_columns(h=pl.struct("payer", "code", "modifiers", "place_of_service", "fl").hash())
        .collect()
    )
    step("read, key by claim, hash")
    rows.lazy().select("payer", "code", "modifiers", "place_of_service", "fl").unique().collect()
    step("distinct signatures")
    answers = (
        rows.lazy()
        .select("h", "code", "payer")
        .unique()
        .select(
            "h",
            (pl.col("code").hash() % 1000).cast(pl.Int64).alias("code_id"),
            (pl.col("payer").hash() % 5).cast(pl.Int64).alias("pidx"),
            (pl.col("h") % 65536).cast(pl.Int64).alias("m"),
        )
        .collect()
    )
    step("signature answers")
    keep = ["row", "claim", "units", "dose_mg", "discarded_mg", "em", "pa", "dkey", "h"]
    lines = rows.lazy().select(keep).join(answers.lazy(), on="h").drop("h").collect()
    step("lines joined to their answers")
    m = pl.col("m")
    claims = (
        lines.lazy()
        .filter(pl.col("claim").is_not_null())
        .group_by("claim")
        .agg(
            row.max().alias("last"),
            pl.len().alias("n"),
            (m % 2 == 1).any().alias("a"),
            pl.col("pa").any().alias("b"),
            pl.when(m % 4 >= 2).then(row).min().alias("fp"),
            pl.when(m % 8 >= 4).then(row).min().alias("fa"),
            pl.col("code_id").min().alias("lo"),
            pl.col("code_id").max().alias("hi"),
        )
        .collect()
    )
    step("claims grouped")
    items = (
        frame.lazy()
        .with_row_index("row")
        .select(
            row.cast(pl.Int64),
            "diagnoses",
            pos=pl.int_ranges(0, pl.col("diagnoses").list.len()),
        )
        .explode(["diagnoses", "pos"])
        .filter(pl.col("diagnoses").is_not_null())
        .collect()
    )
    step("diagnoses exploded")
    lazy = lines.lazy()
    keys = ["row", "claim", "pidx", "code_id"]
    found = (
        pl.concat(
            [
                lazy.filter(m % 16 >= 15).select(*keys, rank=pl.lit(1)),
                lazy.filter(
                    (m % 32 >= 28) & (pl.col("units") != (pl.col("dose_mg") / 10).round())
                ).select(*keys, rank=pl.lit(2)),
                lazy.filter(m % 64 >= 60)
                .join(claims.lazy().filter(~pl.col("b")).select("claim"), on="claim", how="semi")
                .select(*keys, rank=pl.lit(3)),
                claims.lazy()
                .filter(~pl.col("a"))
                .select(pl.col("fp").alias("row"))
                .join(lazy, on="row")
                .select(*keys, rank=pl.lit(4)),
                items.lazy()
                .filter(pl.col("diagnoses").str.starts_with("Z"))
                .select("row")
                .join(lazy, on="row")
                .select(*keys, rank=pl.lit(5)),
            ]
        )
        .with_columns(order=row * 8 + pl.col("rank"))
        .sort("order")
        .collect()
    )
    said = (
        found.select("rank", "pidx", "code_id")
        .unique()
        .with_columns(
            rule=pl.format("rule {}", "rank"),
            severity=pl.lit("error"),
            message=pl.lit("title"),
            sources=pl.lit(["s1", "s2"]),
        )
    )
    out = found.join(said, on=["rank", "pidx", "code_id"], how="left", maintain_order="left")
    out = out.with_columns(
        claim_id=frame["claim_id"].gather(out["row"]), line=row - pl.col("claim")
    ).with_columns(path=pl.format("lines[{}].code", "line"))
    step("findings described, identified, sorted")
    return steps, out.height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2_000_000, help="lines in the batch")
    parser.add_argument("--repeats", type=int, default=5, help="runs a side (default 5)")
    args = parser.parse_args(argv)

    import polars as pl

    from passive_ig import registry
    from passive_ig.compiled import check_table

    frame = pl.read_parquet(batch_path(args.size, SEED))
    registry.load_all()
    check_table(frame.head(1000))  # the lookup tables made, as after a first check

    steps: dict[str, list[float]] = {}
    floors: list[float] = []
    checks: list[float] = []
    found = count = 0
    for _ in range(args.repeats):
        gc.collect()
        timed, found = floor(frame)
        for name, seconds in timed.items():
            steps.setdefault(name, []).append(seconds)
        floors.append(sum(timed.values()))
        gc.collect()
        start = time.perf_counter()
        count = check_table(frame).height
        checks.append(time.perf_counter() - start)

    floor_report(args.size, args.repeats, steps, floors, found, "polars", checks, count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
