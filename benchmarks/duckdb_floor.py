"""How close the compiled checks on DuckDB come to what DuckDB itself needs for the work.

    python benchmarks/duckdb_floor.py            # 2,000,000 distinct lines (about 1 minute)
    python benchmarks/duckdb_floor.py --size 300000

The *floor* is a handful of hand-written DuckDB statements that do only the passes no
plan of the rules can skip, on the same Parquet file as ``run.py``'s distinct batch:

1. read every column once, key each line by its claim (a window over the claim id) and
   hash its signature;
2. fetch the distinct signatures (the library cleans them in Python);
3. join each line to its signature's answers;
4. group the lines by claim, once;
5. explode the diagnoses, one row each;
6. write about a million findings (as many as the real rules find here): five rules
   instead of some thirty, each described, given its claim id and line id, sorted and
   kept as a table.

It computes far less than the rules do, so no plan of them can take less time on this
machine: the floor bounds what any DuckDB plan of the rules can reach. The real check
(``passive_ig.compiled.check_table`` on the file, its findings kept as a table) runs in
the same process, interleaved with the floor (floor, check, floor, check, ...), on
one connection each; the figure is the ratio of their medians.

Prints each step's median and the totals as a Markdown table. Needs DuckDB (the
``duckdb`` extra). No test runs this.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import SEED, batch_path, floor_report  # noqa: E402  (the same batch as the main run)

STEPS = (
    (
        "read, key by claim, hash",
        """CREATE OR REPLACE TEMP TABLE r AS SELECT file_row_number AS row,
        CASE WHEN claim_id IS NOT NULL
            THEN min(file_row_number) OVER (PARTITION BY claim_id) END AS claim,
        units, dose_mg, discarded_mg, evaluation_and_management AS em,
        coalesce(len(trim(prior_authorization)), 0) > 0 AS pa,
        coalesce(date_of_service, DATE '0001-01-01') AS dkey,
        payer, code, modifiers, place_of_service,
        (len(diagnoses) > 0)::INT + (units IS NULL)::INT * 2 + (dose_mg IS NULL)::INT * 4 AS fl,
        hash(payer, code, modifiers, place_of_service, fl) AS h
        FROM {source}""",
    ),
    (
        "distinct signatures",
        "SELECT DISTINCT h, payer, code, modifiers, place_of_service, fl FROM r",
    ),
    (
        "signature answers",
        """CREATE OR REPLACE TEMP TABLE f AS SELECT h, (hash(code) % 1000)::BIGINT AS code_id,
        (hash(payer) % 5)::BIGINT AS pidx, (hash(h) % 65536)::BIGINT AS m
        FROM (SELECT DISTINCT h, code, payer FROM r)""",
    ),
    (
        "lines joined to their answers",
        """CREATE OR REPLACE TEMP TABLE l AS SELECT r.row, r.claim, r.units, r.dose_mg,
        r.discarded_mg, r.em, r.pa, r.dkey, f.code_id, f.pidx, f.m FROM r JOIN f USING (h)""",
    ),
    (
        "claims grouped",
        """CREATE OR REPLACE TEMP TABLE c AS SELECT claim, max(row) AS last, count(*) AS n,
        bool_or(m % 2 = 1) AS a, bool_or(pa) AS b,
        min(CASE WHEN m % 4 >= 2 THEN row END) AS fp, min(CASE WHEN m % 8 >= 4 THEN row END) AS fa,
        min(code_id) AS lo, max(code_id) AS hi FROM l WHERE claim IS NOT NULL GROUP BY claim""",
    ),
    (
        "diagnoses exploded",
        """CREATE OR REPLACE TEMP TABLE i AS SELECT * FROM (SELECT file_row_number AS row,
        unnest(diagnoses) AS value, unnest(generate_series(0, len(diagnoses) - 1)) AS pos
        FROM {source}) WHERE value IS NOT NULL""",
    ),
    (
        "findings described, identified, sorted, kept",
        """CREATE OR REPLACE TEMP TABLE out AS
        WITH found AS (
            SELECT row, claim, pidx, code_id, 1 AS rank FROM l WHERE m % 16 >= 15
            UNION ALL SELECT row, claim, pidx, code_id, 2 FROM l
                WHERE m % 32 >= 28 AND units <> round(dose_mg / 10)
            UNION ALL SELECT row, claim, pidx, code_id, 3 FROM l
                WHERE m % 64 >= 60 AND claim IN (SELECT claim FROM c WHERE NOT b)
            UNION ALL SELECT l.row, l.claim, l.pidx, l.code_id, 4 FROM c JOIN l ON l.row = c.fp
                WHERE NOT c.a
            UNION ALL SELECT l.row, l.claim, l.pidx, l.code_id, 5 FROM i JOIN l USING (row)
                WHERE i.value LIKE 'Z%'
        ), d AS (
            SELECT DISTINCT rank, pidx, code_id, 'rule ' || rank AS rule, 'error' AS severity,
            'title' AS message, ['s1', 's2'] AS sources FROM found
        )
        SELECT found.row, x.claim_id, found.row - found.claim AS line, x.line_id, d.rule,
            d.severity, d.message, 'lines[' || (found.row - found.claim) || '].code' AS path,
            d.sources
        FROM found JOIN d USING (rank, pidx, code_id)
        JOIN (SELECT file_row_number AS row, claim_id, claim_id AS line_id FROM {source}) x
            USING (row)
        ORDER BY found.row, found.rank""",
    ),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2_000_000, help="lines in the batch")
    parser.add_argument("--repeats", type=int, default=5, help="runs a side (default 5)")
    args = parser.parse_args(argv)

    import duckdb

    from passive_ig import registry
    from passive_ig.compiled import check_table

    path = batch_path(args.size, SEED)
    source = f"read_parquet('{path}', file_row_number = true)"
    registry.load_all()
    floor_con = duckdb.connect()
    check_con = duckdb.connect()
    for con in (floor_con, check_con):
        con.execute("SET enable_progress_bar = false")
    check_table(path, connection=check_con)  # the lookup tables made, as after a first check

    steps: dict[str, list[float]] = {name: [] for name, _ in STEPS}
    floors: list[float] = []
    checks: list[float] = []
    found: list[int] = []
    for _ in range(args.repeats):
        gc.collect()
        total = 0.0
        for name, sql in STEPS:
            start = time.perf_counter()
            result = floor_con.execute(sql.format(source=source))
            if not sql.lstrip().startswith("CREATE"):
                result.fetchall()
            elapsed = time.perf_counter() - start
            steps[name].append(elapsed)
            total += elapsed
        floors.append(total)
        found.append(floor_con.execute("SELECT count(*) FROM out").fetchall()[0][0])
        gc.collect()
        start = time.perf_counter()
        findings = check_table(path, connection=check_con)
        checks.append(time.perf_counter() - start)
        count = findings.aggregate("count(*)").fetchall()[0][0]

    floor_report(args.size, args.repeats, steps, floors, found[-1], "DuckDB", checks, count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
