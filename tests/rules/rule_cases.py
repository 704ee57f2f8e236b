"""What the rule tests share: line and claim builders, and the case type.

Each family's test module holds a table of cases: a rule, whether it fires, the
payer and the line or claim. Every rule needs a firing and a silent case, and a
rule bounded by dates needs a firing case on its first day and a silent one on
the day before (``test_rule_catalog.py`` holds both to it).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from passive_ig import registry
from passive_ig.answers import Report
from passive_ig.claims import Claim, ClaimLine

D = dt.date.fromisoformat
DAY = D("2024-03-01")


def line(code: str = "J1459", **kwargs: object) -> ClaimLine:
    """A correct Medicare J1459 line (35 g of Privigen, nothing discarded), or a bare
    line of another code, with ``kwargs`` changed."""
    defaults: dict[str, object] = {
        "modifiers": ("JZ",),
        "units": 70,
        "dose_mg": 35000.0,
        "place_of_service": "11",
        "date_of_service": DAY,
        "diagnoses": ("D80.0",),
    }
    if code != "J1459":
        defaults.update(units=None, dose_mg=None, modifiers=())
    defaults.update(kwargs)
    return ClaimLine(code=code, **defaults)  # type: ignore[arg-type]


def claim(payer: str, *lines: ClaimLine, **kwargs: object) -> Claim:
    return Claim(payer=payer, lines=lines, **kwargs)  # type: ignore[arg-type]


ADMIN = line("96365", diagnoses=("D80.0",))


class Case(NamedTuple):
    rule: str
    fires: bool
    payer: str
    item: ClaimLine | Claim

    @property
    def day(self) -> dt.date | None:
        """The date of service the case is checked on (its first line's)."""
        first = self.item.lines[0] if isinstance(self.item, Claim) else self.item
        return first.date_of_service


def run(case: Case) -> Report:
    """Check the case with every rule on, notes included."""
    if isinstance(case.item, Claim):
        return registry.check(case.item, notes=True)
    return registry.check(case.item, payer=case.payer, notes=True)


def assert_case(case: Case) -> None:
    report = run(case)
    fired = [f for f in report.findings if f.rule == case.rule]
    if case.fires:
        assert fired, report.to_text()
        for finding in fired:
            assert finding.message
            assert finding.path
    else:
        assert not fired, report.to_text()


def ids(cases: list[Case]) -> list[str]:
    return [f"{c.rule}-{'fires' if c.fires else 'silent'}-{i}" for i, c in enumerate(cases)]
