"""Batches from files: claims read from any format, checked one at a time, streamed.

:func:`check_read` checks what a reader yields (see :mod:`passive_ig.readers`),
pairing each claim's :class:`~passive_ig.readers.ReadResult` with its result: a
:class:`~passive_ig.answers.Report`, or an :class:`~passive_ig.answers.Unchecked`
for a claim the reader could not build or the check could not take (a payer the
data does not know). :func:`read_json` and :func:`read_jsonl` read claims as
``Claim.to_dict()`` writes them, as the readers read the other formats. Nothing
here holds more than one claim at a time, so memory stays flat however long the
input; the renderers in :mod:`passive_ig.render` write the entries as they come.

>>> import io
>>> from passive_ig import registry
>>> from passive_ig.readers import read_claims
>>> csv_text = (
...     "claim_id,payer,line_id,code,modifiers,units,date_of_service,claim_diagnoses\\n"
...     "C1,Medicare,1,J1459,JZ,70,2024-03-01,D80.0\\n"
...     "C2,Humana,1,J1459,JZ,70,2024-03-01,D80.0\\n"
...     "C3,Medicare,1,90283,51,1,2024-03-01,D80.0\\n"
... )
>>> for entry in check_read(registry, read_claims(io.StringIO(csv_text))):
...     print(entry.index, entry.claim_id, entry.position, entry.result.ok)
0 C1 row 2 True
1 C2 row 3 False
2 C3 row 4 False
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

import attrs

from .answers import Report, Severity, Unchecked
from .claims import Claim
from .errors import InvalidInputError
from .readers._result import ReadProblem, ReadResult
from .readers._source import looks_like

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["Entry", "Totals", "check_read", "read_json", "read_jsonl"]


@attrs.frozen(kw_only=True)
class Entry:
    """One claim of a batch as checked: its position in the batch (from 0), where its
    source has it, what the reader could not map, and the result of its check."""

    index: int
    result: Report | Unchecked
    position: str | None = None
    problems: tuple[ReadProblem, ...] = ()

    @property
    def claim_id(self) -> str | None:
        """The claim's own id, when its source gives one."""
        return self.result.claim_id

    @property
    def ok(self) -> bool:
        """True when the claim was read whole, checked, and has no error."""
        return self.result.ok and not self.problems


def check_read(
    registry: Registry,
    results: Iterable[ReadResult],
    *,
    as_of: dt.date | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
) -> Iterator[Entry]:
    """Check each claim a reader yields, one :class:`Entry` each, in order, lazily.

    A claim the reader could not build is an :class:`~passive_ig.answers.Unchecked`
    (``error="ReadError"``) naming what the reader found; a claim the check cannot
    take is one too, and the batch goes on. The selection arguments are those of
    :meth:`~passive_ig.Registry.check`, and are checked at once.
    """
    pending: deque[ReadResult] = deque()

    def built() -> Iterator[Claim]:
        for result in results:
            pending.append(result)
            if result.claim is not None:
                yield result.claim

    checked = registry.check_many(
        built(), as_of=as_of, select=select, ignore=ignore, min_severity=min_severity, notes=notes
    )
    return _entries(checked, pending)


def _entries(checked: Iterator[Report | Unchecked], pending: deque[ReadResult]) -> Iterator[Entry]:
    index = 0
    for outcome in checked:
        while True:
            read = pending.popleft()
            if read.claim is not None:
                break
            yield _unread(index, read)
            index += 1
        if isinstance(outcome, Unchecked):
            outcome = attrs.evolve(outcome, index=index, position=read.position)
        yield Entry(index=index, result=outcome, position=read.position, problems=read.problems)
        index += 1
    while pending:
        yield _unread(index, pending.popleft())
        index += 1


def _unread(index: int, read: ReadResult) -> Entry:
    reason = "; ".join(f"{p.where}: found {p.found}; expected {p.expected}" for p in read.problems)
    return Entry(
        index=index,
        result=Unchecked(
            index=index,
            claim_id=read.claim_id,
            reason=reason or "the reader could not build the claim",
            error="ReadError",
            position=read.position,
        ),
        position=read.position,
        problems=read.problems,
    )


# ------------------------------------------------------------------ JSON and JSON Lines


def _claim_result(data: object, where: str, source: str, payer: str | None) -> ReadResult:
    claim_id = data.get("claim_id") if isinstance(data, dict) else None
    claim_id = claim_id if isinstance(claim_id, str) else None
    if isinstance(data, dict) and payer is not None and data.get("payer") is None:
        data = {**data, "payer": payer}
    try:
        claim = Claim.from_dict(data)  # type: ignore[arg-type]
    except InvalidInputError as exc:
        problem = ReadProblem(
            claim_id=claim_id,
            where=where,
            found="a claim that does not fit the claim model",
            expected=exc.expected,
        )
        return ReadResult(
            claim=None, claim_id=claim_id, source=source, position=where, problems=(problem,)
        )
    return ReadResult(claim=claim, claim_id=claim.claim_id, source=source, position=where)


def read_jsonl(
    handle: IO[str], *, payer: str | None = None, name: str = "<stream>"
) -> Iterator[ReadResult]:
    """Claims as JSON Lines, one ``Claim.to_dict()`` object a line (blank lines are
    passed over), one :class:`~passive_ig.readers.ReadResult` each; ``payer`` is the
    payer of claims that name none. A line that is not JSON, or not a claim, is a
    result without a claim naming the line, and the reading goes on.

    >>> import io
    >>> text = '{"claim_id": "A", "lines": [{"code": "J1459"}]}\\n{"claim_id": "B"\\n'
    >>> first, second = read_jsonl(io.StringIO(text), payer="UHC")
    >>> first.claim.payer, first.position, second.claim
    ('UHC', 'line 1', None)
    >>> print(second.problems[0])
    no claim: line 2: found text that is not JSON (at character 17: Expecting ',' delimiter); expected one claim as a JSON object on each line
    """
    for number, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        where = f"line {number}"
        try:
            data = json.loads(text.strip())
        except json.JSONDecodeError as exc:
            yield _not_json(where, name, exc, "one claim as a JSON object on each line")
            continue
        yield _claim_result(data, where, name, payer)


def _not_json(where: str, name: str, exc: json.JSONDecodeError, expected: str) -> ReadResult:
    problem = ReadProblem(
        claim_id=None,
        where=where,
        found=f"text that is not JSON (at character {exc.pos + 1}: {exc.msg})",
        expected=expected,
    )
    return ReadResult(claim=None, claim_id=None, source=name, position=where, problems=(problem,))


_CHUNK = 1 << 16


def read_json(
    handle: IO[str], *, payer: str | None = None, name: str = "<stream>"
) -> Iterator[ReadResult]:
    """Claims as one JSON document: a claim object, or a list of them, read one claim
    at a time (the list is never held whole). A list item that is not a claim is a
    result without a claim naming ``$[index]``, and the reading goes on. A document
    that is not JSON from the start is refused with
    :class:`~passive_ig.readers.NotClaimsError`, naming the line and column; one that
    breaks off after some claims ends with a result naming where.

    >>> import io
    >>> text = '[{"payer": "UHC", "lines": [{"code": "J1459"}]}, {"payer": "UHC"}, {"pay'
    >>> first, second, third = read_json(io.StringIO(text))
    >>> first.claim.lines[0].code, second.position
    ('J1459', '$[1]')
    >>> print(second.problems[0])
    no claim: $[1]: found a claim that does not fit the claim model; expected a claim in the documented format ($.lines: required key missing)
    >>> print(third.problems[0])
    no claim: $[2]: found JSON that breaks off or is malformed at line 1 column 69 (Unterminated string starting at); expected a claim object, then ',' or ']'
    """
    from .readers import NotClaimsError

    decoder = json.JSONDecoder()
    buffer = ""
    position = 0  # in buffer
    dropped = 0  # characters before buffer
    newlines = 0  # newlines before buffer
    line_start = 0  # where the current line starts, counted from the start of the text
    ended = False

    def more() -> bool:
        nonlocal buffer, position, ended, dropped, newlines, line_start
        if ended:
            return False
        chunk = handle.read(_CHUNK)
        if not chunk:
            ended = True
            return False
        gone = buffer[:position]
        count = gone.count("\n")
        if count:
            newlines += count
            line_start = dropped + gone.rindex("\n") + 1
        dropped += position
        buffer = buffer[position:] + chunk
        position = 0
        return True

    def where(at: int) -> str:
        before = buffer[:at]
        line = newlines + before.count("\n") + 1
        start = dropped + before.rindex("\n") + 1 if "\n" in before else line_start
        return f"line {line} column {dropped + at - start + 1}"

    def skip(characters: str) -> str:
        """The next character that is not one of ``characters`` ("" at the end)."""
        nonlocal position
        while True:
            while position < len(buffer) and buffer[position] in characters:
                position += 1
            if position < len(buffer):
                return buffer[position]
            if not more():
                return ""

    def value() -> tuple[Any, str | None]:
        """The next JSON value, or where and why it is not one."""
        nonlocal position
        while True:
            try:
                data, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError as exc:
                if more():
                    continue
                return None, f"{where(exc.pos)} ({exc.msg})"
            if end == len(buffer) and more():  # a number may go on in the next chunk
                continue
            position = end
            return data, None

    expected = "a claim object or a list of claims as JSON"
    first = skip(" \t\r\n\ufeff")
    if first not in ("{", "["):
        raise NotClaimsError(name, f"{expected}; {looks_like(buffer[position:])}")
    if first == "{":
        data, broken = value()
        if broken is not None:
            raise NotClaimsError(name, f"{expected}; it is not valid JSON: {broken}")
        yield _claim_result(data, "$", name, payer)
        following = skip(" \t\r\n")
        if following:  # never pass over the rest in silence
            problem = ReadProblem(
                claim_id=None,
                where=where(position),
                found=f"more text after the claim ({following!r})",
                expected="one claim object (for a claim a line, JSON Lines: format 'jsonl')",
            )
            yield ReadResult(
                claim=None, claim_id=None, source=name, position="$", problems=(problem,)
            )
        return
    position += 1
    index = 0
    while True:
        following = skip(" \t\r\n")
        if following == "]":
            return
        at = f"$[{index}]"
        broken = None
        if following == "":
            broken = f"the end of the text at {where(position)}"
        else:
            data, broken = value()
        if broken is not None:
            if index == 0:
                raise NotClaimsError(name, f"{expected}; it is not valid JSON: {broken}")
            yield _broken(at, name, f"JSON that breaks off or is malformed at {broken}")
            return
        yield _claim_result(data, at, name, payer)
        index += 1
        following = skip(" \t\r\n")
        if following == ",":
            position += 1
        elif following != "]":
            found = f"{following!r} at {where(position)}" if following else "the end of the text"
            yield _broken(f"$[{index}]", name, found)
            return


def _broken(where: str, name: str, found: str) -> ReadResult:
    problem = ReadProblem(
        claim_id=None, where=where, found=found, expected="a claim object, then ',' or ']'"
    )
    return ReadResult(claim=None, claim_id=None, source=name, position=where, problems=(problem,))


# ------------------------------------------------------------------ totals


class Totals:
    """What a batch came to, counted as its entries go by (:meth:`count`).

    >>> totals = Totals()
    >>> totals.claims, totals.to_dict()["findings"]
    (0, {'error': 0, 'warning': 0, 'info': 0})
    """

    def __init__(self) -> None:
        self.claims = 0
        self.ok = 0
        self.unchecked = 0
        self.read_problems = 0
        self.claims_with_read_problems = 0
        self.severities: Counter[str] = Counter({"error": 0, "warning": 0, "info": 0})
        self.rules: Counter[str] = Counter()

    def add(self, entry: Entry) -> None:
        """Count one entry."""
        self.claims += 1
        result = entry.result
        if entry.ok:
            self.ok += 1
        if entry.problems:
            self.read_problems += len(entry.problems)
            self.claims_with_read_problems += 1
        if isinstance(result, Unchecked):
            self.unchecked += 1
            return
        for finding in result.findings:
            self.severities[finding.severity.value] += 1
            self.rules[finding.rule] += 1

    def count(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        """The entries, each counted as it passes."""
        for entry in entries:
            self.add(entry)
            yield entry

    def to_dict(self) -> dict[str, Any]:
        """The totals as plain data."""
        return {
            "claims": self.claims,
            "ok": self.ok,
            "not_ok": self.claims - self.ok,
            "unchecked": self.unchecked,
            "read_problems": self.read_problems,
            "claims_with_read_problems": self.claims_with_read_problems,
            "findings": dict(self.severities),
            "rules": dict(sorted(self.rules.items(), key=lambda item: (-item[1], item[0]))),
        }

    def to_text(self) -> str:
        """The totals in a few lines, for a terminal or a log."""
        s = self.severities
        text = (
            f"{self.claims} claim(s): {self.ok} ok, {self.claims - self.ok} not ok, "
            f"{self.unchecked} not checked, {self.claims_with_read_problems} with read "
            f"problems ({self.read_problems}); findings: {s['error']} error(s), "
            f"{s['warning']} warning(s), {s['info']} info"
        )
        if self.rules:
            by_rule = self.to_dict()["rules"]
            text += "\nby rule: " + ", ".join(f"{rule} {n}" for rule, n in by_rule.items())
        return text
