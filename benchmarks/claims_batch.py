"""A realistic batch of claim lines for the check benchmark: mostly repeats, some distinct, some broken.

Billing software sends the same few hundred combinations over and over (the
same product code and dose band, the same administration codes, the same
places of service), with a tail of one-off lines and typos. The batch here is:

* ``COMMON`` (500) combinations drawn from realistic IVIG billing (product
  J-codes and CPT 90283 with doses and units that match, JZ/JW, infusion
  administration codes, E/M lines with 25, home IVIG Q2052), each repeated with
  a skewed (Zipf-like) frequency: 97.5 % of the lines;
* distinct lines, each one of a kind (a patient's weight-based dose, or an
  administration or E/M line, on any day of the year): 2 % of the lines;
* broken lines, mostly one of a kind too (a malformed or unknown code or
  modifier, a bad place of service or diagnosis, the 00 placeholder): 0.5 %.

Every line, and every value in it, is a new object made in batch order, as a
parser reading a file row by row makes them: nothing can be reused by identity
and no hash is known in advance. The batch is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs

from passive_ig.claims import ClaimLine

COMMON = 500
DISTINCT_SHARE = 0.02
BROKEN_SHARE = 0.005

PRODUCTS = ("J1459", "J1569", "J1561", "J1557", "J1568", "J1566", "J1572", "J1599", "J1556")
ADMIN = ("96365", "96366", "96367", "96368")
PLACES = ("11", "19", "22", "12")
DIAGNOSES = (("D80.0",), ("D83.9",), ("G61.81",), ("D69.3",), ("L10.0",), ("D80.0", "Z79.899"))
BROKEN_CODES = ("9O283", "J145", "J9999", "90285", "CPT-9028", "jl459")
BROKEN_MODIFIERS = (("J Z",), ("00",), ("ZZ",), ("JW", "JZ"), ("J",), ("51",))
BROKEN_PLACES = ("1A", "99", "7")
BROKEN_DIAGNOSES = (("D80",), ("80.0",), ("D80.0.1",))


def _day(rng: random.Random, year: int = 2024) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(366))


def _product_line(rng: random.Random, *, dose_g: float, day: dt.date) -> ClaimLine:
    code = rng.choice(PRODUCTS)
    dose_mg = dose_g * 1000
    discarded = rng.random() < 0.15
    return ClaimLine(
        code=code,
        modifiers=("JW",) if discarded else ("JZ",),
        units=round(dose_mg / 500),
        place_of_service=rng.choice(PLACES),
        date_of_service=day,
        diagnoses=rng.choice(DIAGNOSES),
        dose_mg=dose_mg,
        discarded_mg=float(rng.choice((500, 1000, 2500))) if discarded else None,
    )


def _other_line(rng: random.Random, *, day: dt.date) -> ClaimLine:
    kind = rng.random()
    if kind < 0.55:
        return ClaimLine(
            code=rng.choice(ADMIN),
            units=rng.choice((1, 1, 2, 3)),
            place_of_service=rng.choice(PLACES),
            date_of_service=day,
            diagnoses=rng.choice(DIAGNOSES),
        )
    if kind < 0.8:
        return ClaimLine(
            code=rng.choice(("99213", "99214")),
            modifiers=("25",),
            units=1,
            place_of_service="11",
            date_of_service=day,
            diagnoses=rng.choice(DIAGNOSES),
            evaluation_and_management=True,
        )
    if kind < 0.9:
        return ClaimLine(
            code="Q2052",
            units=1,
            place_of_service="12",
            date_of_service=day,
            diagnoses=rng.choice(DIAGNOSES),
        )
    return ClaimLine(
        code="90283",
        units=1,
        place_of_service=rng.choice(PLACES),
        date_of_service=day,
        diagnoses=rng.choice(DIAGNOSES),
    )


def _common(rng: random.Random) -> list[ClaimLine]:
    seen: dict[ClaimLine, None] = {}
    days = [dt.date(2024, 3, 1) + dt.timedelta(days=i) for i in range(20)]
    while len(seen) < COMMON:
        day = rng.choice(days)
        if rng.random() < 0.5:
            line = _product_line(rng, dose_g=rng.choice(range(10, 75, 5)), day=day)
        else:
            line = _other_line(rng, day=day)
        seen[line] = None
    return list(seen)


def _weight_based_dose(rng: random.Random) -> float:
    # 0.4 to 2 g/kg for 30 to 120 kg, rounded to a 2.5 g vial (now and then to 0.1 g)
    dose = rng.choice((0.4, 0.5, 1.0, 2.0)) * rng.randrange(30, 121)
    return round(dose, 1) if rng.random() < 0.1 else max(2.5, round(dose / 2.5) * 2.5)


def _distinct(rng: random.Random, seen: set[ClaimLine]) -> ClaimLine:
    """A line no other line of the batch has: a patient's own dose on any day of the year."""
    while True:
        if rng.random() < 0.7:
            line = _product_line(rng, dose_g=_weight_based_dose(rng), day=_day(rng))
        else:
            line = _other_line(rng, day=_day(rng))
        if line not in seen:
            seen.add(line)
            return line


def _broken(rng: random.Random) -> ClaimLine:
    line = _product_line(rng, dose_g=_weight_based_dose(rng), day=_day(rng))
    fault = rng.randrange(4)
    changes: dict[str, Any] = {}
    if fault == 0:
        changes["code"] = rng.choice(BROKEN_CODES)
    elif fault == 1:
        changes["modifiers"] = rng.choice(BROKEN_MODIFIERS)
    elif fault == 2:
        changes["place_of_service"] = rng.choice(BROKEN_PLACES)
    else:
        changes["diagnoses"] = rng.choice(BROKEN_DIAGNOSES)
    return attrs.evolve(line, **changes)


def _text(value: str) -> str:
    return value.encode().decode()  # a new string, its hash not yet known


def _parsed(line: ClaimLine) -> ClaimLine:
    """The line as a parser reading a file row by row would make it: every value new."""
    day = line.date_of_service
    return ClaimLine(
        code=_text(line.code),
        modifiers=tuple(_text(m) for m in line.modifiers),
        units=None if line.units is None else int(str(line.units)),
        place_of_service=None if line.place_of_service is None else _text(line.place_of_service),
        date_of_service=None if day is None else dt.date(day.year, day.month, day.day),
        diagnoses=tuple(_text(d) for d in line.diagnoses),
        dose_mg=None if line.dose_mg is None else float(repr(line.dose_mg)),
        discarded_mg=None if line.discarded_mg is None else float(repr(line.discarded_mg)),
        evaluation_and_management=line.evaluation_and_management,
    )


def make_batch(size: int, *, seed: int = 90283) -> list[ClaimLine]:
    """``size`` claim lines, each a new object, in a shuffled realistic mix."""
    rng = random.Random(seed)
    common = _common(rng)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(common))]
    distinct = int(size * DISTINCT_SHARE)
    broken = int(size * BROKEN_SHARE)
    repeated = size - distinct - broken
    seen = set(common)
    rows = rng.choices(common, weights=weights, k=repeated)
    rows.extend(_distinct(rng, seen) for _ in range(distinct))
    rows.extend(_broken(rng) for _ in range(broken))
    rng.shuffle(rows)
    # each line and each of its values a new object, made in batch order, as a
    # parser reading rows would make them
    return [_parsed(row) for row in rows]


def describe(lines: list[ClaimLine]) -> str:
    """How many lines and how many of them distinct, for the report."""
    return f"{len(lines):,} lines, {len(set(lines)):,} distinct"


def make_distinct_batch(size: int, *, seed: int = 250_3) -> list[ClaimLine]:
    """``size`` claim lines of which no two are equal, as real lines are.

    Each line has its own patient's dose (weight-based, to 0.1 g now and then), a
    date anywhere in 2024, its own place and diagnoses; 70 % are product lines, the
    rest administration, E/M and home infusion lines, and 5 % are broken. A line
    that would repeat an earlier one is drawn again. Deterministic for a seed.
    """
    rng = random.Random(seed)
    seen: set[ClaimLine] = set()
    rows: list[ClaimLine] = []
    while len(rows) < size:
        line = _broken(rng) if rng.random() < 0.05 else _distinct(rng, seen)
        if line in seen and rows:
            continue
        seen.add(line)
        rows.append(line)
    return [_parsed(row) for row in rows]
