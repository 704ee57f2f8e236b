"""Coverage rules: what the data knows about whether the payer covers the diagnosis.

The data holds some diagnosis lists (NCD 250.3's, the home IVIG benefit's,
excerpts of others); most payers' full lists are not available. Where a list
settles a case, a rule of the payer's family says so (see
:mod:`passive_ig.rules.medicare`); where none does, the note here says what the
data holds, so a biller knows to look at the payer's own policy.
"""

from __future__ import annotations

from ..answers import Severity
from ._engine import Fired, Hit, line_rule
from ._line import Line, is_product
from ._text import join


@line_rule(
    id="coverage.diagnosis-not-known",
    title="Whether the payer covers the product for the diagnoses is not known",
    severity=Severity.INFO,
    note=True,
    needs=("diagnoses",),
    codes=is_product,
)
def diagnosis_not_known(line: Line) -> Fired:
    """A product line gives diagnoses, and no complete list of the payer's in the data
    names any of them: the note names the lists the data holds for the payer and code."""
    code = line.code
    assert code is not None
    if not line.is_product or not line.diagnoses:
        return None
    lists = line.resolver.diagnosis_lists(code)
    diagnoses = set(line.diagnoses)
    if any(dx_list.complete and not codes.isdisjoint(diagnoses) for dx_list, codes in lists):
        return None
    asked = join(line.diagnoses)
    if not lists:
        held = f"the data holds no diagnosis list of {line.payer.name} for {code.code}"
    else:
        named = [
            f"{dx_list.title} ({'complete' if dx_list.complete else 'partial'}"
            + (f"; names {join(sorted(codes & diagnoses))}" if codes & diagnoses else "")
            + ")"
            for dx_list, codes in lists
        ]
        held = f"the lists it holds for {line.payer.name} and {code.code} are: " + "; ".join(named)
    return Hit(
        f"passive_ig cannot say whether {line.payer.name} covers {code.code} for {asked}: {held}",
        "diagnoses",
        suggestion=f"check {line.payer.name}'s coverage policy for the indication",
    )
