"""The ``passive-ig`` command (also ``python -m passive_ig``).

Commands: ``guide``, ``show``, ``modifiers``, ``payers``, ``check``, ``rules``,
``validate-data`` and ``schema``; ``--json`` on each. Exit codes: 0 clean, 1
findings at or above the threshold (errors by default; ``--min-severity
warning`` makes warnings count too) or a data set with problems, 2 misuse (bad
arguments, unknown code, payer or rule, a file or directory that is not there),
with the message on stderr. No input gives a traceback: passive_ig's own errors
and the operating system's are one line on stderr (with ``--json``, a JSON object
on stdout: ``{"ok": false, "error": {"type": ..., "message": ...}}``). A bare
``passive-ig`` prints the help (exit 0); ``--help`` ends with examples;
``--version`` gives the library's and the data's version.

When the reader of the output goes away (``passive-ig guide --json | head``),
the command stops quietly with exit code 141, as a Unix tool killed by SIGPIPE
does (128 + 13), so ``set -o pipefail`` sees the same as for ``cat``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, NoReturn

from . import __version__
from .errors import DataError, PassiveIGError

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_MISUSE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool whose reader left


def _date(text: str) -> dt.date:
    from .codes import parse_iso_date

    day = parse_iso_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: expected YYYY-MM-DD, e.g. 2024-03-01"
        )
    return day


def _non_negative(parse: type[int] | type[float], what: str) -> Callable[[str], Any]:
    """An argparse type that accepts numbers of ``parse``'s kind, 0 or more."""

    def convert(text: str) -> Any:
        try:
            value = parse(text)
        except ValueError:
            value = -1
        if not value >= 0 or value == float("inf"):  # also refuses nan and inf
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} (0 or more)")
        return value

    return convert


_whole_units = _non_negative(int, "a whole number of units")
_amount = _non_negative(float, "an amount in mg")


EXAMPLES = """\
examples:
  passive-ig guide 90283                  what a biller needs, on one screen
  passive-ig guide 90283 --full           everything, with every source
  passive-ig guide J1459 --payer UHC      one product code, one payer
  passive-ig show J1459                   one code's own facts
  passive-ig check --payer Medicare --code J1459 --modifier JZ --units 70 --dos 2024-03-01
  passive-ig payers --json                any command as JSON

Exit codes: 0 clean; 1 findings (or a data set with problems); 2 misuse; 141 when the
reader of the output goes away (| head). With --json, a misuse error is a JSON object
on stdout: {"ok": false, "error": {"type": ..., "message": ...}}.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, except that with ``--json`` a usage error is JSON on stdout (exit 2)."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if _Parser.json_errors:
            _print_json(_json_error("UsageError", message))
            self.exit(EXIT_MISUSE)
        super().error(message)


def _version() -> str:
    from ._version import DATA_VERSION

    return f"passive-ig {__version__} (data {DATA_VERSION})"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="passive-ig",
        description="Typed, citable billing guidance for CPT 90283 (immune globulin, IV).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, epilog: str | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--json", action="store_true", help="print JSON instead of text")
        return sub

    guide = command(
        "guide",
        "the guidance sheet for a code (default 90283), on one screen",
        "examples:\n  passive-ig guide\n  passive-ig guide J1459 --payer UHC\n"
        "  passive-ig guide Privigen --full\n  passive-ig guide 90283 --json",
    )
    guide.add_argument(
        "code", nargs="?", default="90283", help="a code (default 90283) or a brand (Privigen)"
    )
    guide.add_argument("--payer", help="only this payer (name or alias, e.g. UHC)")
    guide.add_argument(
        "--full", action="store_true", help="everything: notes, diagnoses, workflow, sources"
    )

    show = command(
        "show",
        "one billing code's own facts (the guide is `passive-ig guide`)",
        "examples:\n  passive-ig show J1459\n  passive-ig show Privigen --json",
    )
    show.add_argument("code", help="a code (J1459) or a brand (Privigen)")

    command("modifiers", "every modifier in the data, with when to use it")
    command("payers", "the payers, their aliases and prior authorization for 90283")

    check = command(
        "check", "check a claim line, or a batch of claims from a file (X12, FHIR, CSV, JSON)"
    )
    batch = check.add_argument_group(
        "a batch from a file",
        "claims from an X12 837, FHIR JSON, CSV, JSON or JSON Lines file, read and "
        "checked one at a time (memory stays flat however long the file)",
    )
    batch.add_argument("--file", metavar="PATH", help="the claims file; '-' reads standard input")
    batch.add_argument(
        "--format",
        choices=INPUT_FORMATS,
        help="the file's format (default: guessed from its first characters)",
    )
    batch.add_argument(
        "--preset",
        help="the CSV layout: " + ", ".join(_presets()) + " (default: guessed from the header)",
    )
    batch.add_argument(
        "--encoding", default="utf-8-sig", help="the file's text encoding (default UTF-8)"
    )
    output = check.add_argument_group("output")
    output.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        help="text (default), json, jsonl (one report a claim, sources by id) or csv "
        "(one row a finding); totals go to stderr",
    )
    output.add_argument(
        "--output", metavar="PATH", default="-", help="where to write ('-', the default: stdout)"
    )
    output.add_argument(
        "--sources",
        action="store_true",
        help="with jsonl: a last line with each cited source once (title, publisher, URL)",
    )
    check.add_argument(
        "--payer",
        help="the payer (name or alias): required for a single line; for a file, the "
        "payer of claims whose source names none",
    )
    check.add_argument("--code", help="the billing code of the line")
    check.add_argument("--modifier", action="append", default=[], help="a modifier (repeatable)")
    check.add_argument("--units", type=_whole_units, help="billed units")
    check.add_argument("--pos", help="place of service, two digits")
    check.add_argument("--dos", type=_date, help="date of service, YYYY-MM-DD")
    check.add_argument("--dx", action="append", default=[], help="an ICD-10-CM code (repeatable)")
    check.add_argument("--dose-mg", type=_amount, help="the dose given, in mg")
    check.add_argument("--discarded-mg", type=_amount, help="the amount discarded, in mg")
    selection = check.add_argument_group(
        "which rules run", "rule ids or family prefixes, as `passive-ig rules` lists them"
    )
    selection.add_argument(
        "--select", action="append", metavar="RULE", help="run only these rules (repeatable)"
    )
    selection.add_argument(
        "--ignore", action="append", metavar="RULE", help="do not run these rules (repeatable)"
    )
    selection.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        help="show findings of this severity or above; the exit code is 1 when any is shown",
    )
    selection.add_argument(
        "--notes",
        action="store_true",
        help="also show notes on what the data does not know (e.g. a payer's site-of-care policy)",
    )

    rules = command("rules", "the claim check rules: id, severity, payers, dates, what fires them")
    rules.add_argument("--payer", help="only the rules that run for this payer")

    validate = command("validate-data", "validate a data set or an overlay directory")
    validate.add_argument("directory")
    validate.add_argument(
        "--overlay", action="store_true", help="treat DIRECTORY as an overlay on the bundled data"
    )

    schema = command("schema", "print the JSON Schema of a data file")
    schema.add_argument("file", help="a data file name, e.g. codes.json")
    return parser


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _json_error(kind: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"type": kind, "message": message}}


def _error(message: str, kind: str = "UsageError") -> int:
    if _Parser.json_errors:
        _print_json(_json_error(kind, message))
    else:
        print(f"passive-ig: error: {message}", file=sys.stderr)
    return EXIT_MISUSE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    With no command it prints the help and returns 0: asking a tool what it does is
    no misuse, and a new user's first ``passive-ig`` should not end in an error.
    With ``--json`` every error is one JSON object on stdout (nothing on stderr), so
    a program that reads the JSON reads the error too; the exit code is still 2.
    """
    _escape_what_cannot_be_written()
    arguments = list(sys.argv[1:] if argv is None else argv)
    _Parser.json_errors = "--json" in arguments
    try:
        parser = _parser()
        args = parser.parse_args(arguments)
        if args.command is None:
            parser.print_help()
            return EXIT_OK
        try:
            return _run(args)
        except DataError as exc:
            if args.json:
                _print_json({"ok": False, "problems": [str(p) for p in exc.problems]})
            else:
                print(str(exc))
            return EXIT_FINDINGS
    except BrokenPipeError:
        return _reader_left()
    except KeyboardInterrupt:
        return 130  # 128 + SIGINT, quietly, as a shell tool stopped by Ctrl-C
    except (PassiveIGError, OSError) as exc:
        try:
            return _error(str(exc), type(exc).__name__)
        except BrokenPipeError:  # pragma: no cover - stderr closed as well
            return _reader_left()
    finally:
        _Parser.json_errors = False


def _escape_what_cannot_be_written() -> None:
    """Text the terminal's encoding cannot hold (a file name of undecodable bytes, a lone
    surrogate from a JSON escape) is written escaped, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot
                reconfigure(errors="backslashreplace")


def _reader_left() -> int:
    """The reader of stdout went away: a normal end, not an error. Point stdout at
    the null device, so the flush at exit does not complain, and say nothing."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout is no file
        pass
    return EXIT_BROKEN_PIPE


def _run(args: argparse.Namespace) -> int:
    from .registry import registry

    if args.command == "guide":
        sheet = registry.guide(_code(registry, args.code), payer=args.payer)
        if args.json:
            _print_json(sheet.to_dict())
        else:
            sys.stdout.write(sheet.to_text(full=args.full))
        return EXIT_OK
    if args.command == "show":
        from .render.text import code_text

        record = registry.codes[_code(registry, args.code)]
        if args.json:
            _print_json(record.to_dict())
        else:
            sys.stdout.write(code_text(record, registry.related(record.code)))
        return EXIT_OK
    if args.command == "modifiers":
        if args.json:
            _print_json([modifier.to_dict() for modifier in registry.modifiers])
        else:
            for modifier in registry.modifiers:
                flag = " [placeholder]" if modifier.placeholder else ""
                print(f"{modifier.code:3} {modifier.name}{flag}: {modifier.when_to_use}")
        return EXIT_OK
    if args.command == "payers":
        rows = []
        for payer in registry.payers:
            try:
                pa = registry.prior_authorization(payer.id).status.value
            except KeyError:
                pa = "no policy in the data"
            rows.append(
                {
                    "id": payer.id,
                    "name": payer.name,
                    "aliases": list(payer.aliases),
                    "kind": payer.kind.value,
                    "prior_authorization_90283": pa,
                }
            )
        if args.json:
            _print_json(rows)
        else:
            for row in rows:
                print(
                    f"{row['id']:9} {row['name']} ({row['kind']}); aliases: "
                    f"{', '.join(row['aliases'])}; prior authorization for 90283: "
                    f"{row['prior_authorization_90283']}"
                )
        return EXIT_OK
    if args.command == "check":
        return _check(args)
    if args.command == "rules":
        return _rules(args)
    if args.command == "validate-data":
        import os

        from .registry import Registry

        if not os.path.isdir(args.directory):
            what = "no such directory" if not os.path.lexists(args.directory) else "not a directory"
            return _error(f"{args.directory}: {what}: expected a data directory")
        if args.overlay:
            result = registry.with_overlay(args.directory)
        else:
            result = Registry.from_directory(args.directory)
        from .registry import SPECS

        counts = {spec.name: len(getattr(result, spec.name)) for spec in SPECS}
        if args.json:
            _print_json({"ok": True, "records": counts})
        else:
            print(f"{args.directory}: valid; " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        return EXIT_OK
    if args.command == "schema":
        from .schema import json_schema

        _print_json(json_schema(args.file))
        return EXIT_OK
    raise AssertionError(args.command)  # pragma: no cover - argparse only allows the above


INPUT_FORMATS = ("x12", "fhir", "csv", "json", "jsonl")
OUTPUT_FORMATS = ("text", "json", "jsonl", "csv")


def _presets() -> list[str]:
    # the preset names, without importing the readers for every command's --help
    return ["claim-lines", "cms1500", "synpuf-carrier", "synpuf-outpatient"]


def _code(registry: Any, text: str) -> str:
    """The code ``text`` names: a code (``J1459``, ``j-1459``), or else a brand or name
    that names exactly one code (``Privigen``), so ``passive-ig show Privigen`` works.
    What names none raises the code lookup's own error."""
    from .errors import InvalidInputError, UnknownKeyError

    try:
        return str(registry.codes[text].code)
    except InvalidInputError:
        if not re.search(r"[^\W\d_]{3}", text):  # no word in it: a malformed code
            raise
        try:
            return str(registry.codes.lookup(text).code)
        except UnknownKeyError as missing:
            if missing.suggestions:  # a brand misspelt: name the nearest codes
                raise missing from None
        raise


def _check(args: argparse.Namespace) -> int:
    from .claims import ClaimLine
    from .registry import registry

    output_format = args.output_format or ("json" if args.json else "text")
    if args.json and args.output_format not in (None, "json"):
        return _error("give --json or --output-format, not both")
    if args.file:
        line_options = [args.code, args.units, args.pos, args.dos, args.dose_mg, args.discarded_mg]
        if any(v is not None for v in line_options) or args.modifier or args.dx:
            return _error("give either --file or the line options (--code ...), not both")
        return _check_file(args, output_format)
    for option, given in (
        ("--format", args.format),
        ("--preset", args.preset),
        ("--sources", args.sources or None),
    ):
        if given is not None:
            return _error(f"{option} is for a batch: give --file too")
    if not args.code:
        return _error("give --code (and --payer) for a line, or --file for a batch")
    if not args.payer:
        return _error("give --payer for a single line, e.g. --payer Medicare")
    line = ClaimLine(
        code=args.code,
        modifiers=tuple(args.modifier),
        units=args.units,
        place_of_service=args.pos,
        date_of_service=args.dos,
        diagnoses=tuple(args.dx),
        dose_mg=args.dose_mg,
        discarded_mg=args.discarded_mg,
    )
    report = registry.check(line, payer=args.payer, **_selection(args))
    with _opened(args.output) as out:
        if output_format == "json":
            out.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
        elif output_format == "text":
            out.write(report.to_text() + "\n")
        else:
            from .batch import Entry

            _write(output_format, [Entry(index=0, result=report)], out, args.sources)
    if args.min_severity is None:
        return EXIT_OK if report.ok else EXIT_FINDINGS
    return EXIT_FINDINGS if report.findings else EXIT_OK


def _check_file(args: argparse.Namespace, output_format: str) -> int:
    from .batch import Totals, check_read
    from .registry import registry

    if args.sources and output_format != "jsonl":
        return _error("--sources is for --output-format jsonl")
    selection = _selection(args)
    with _input(args.file) as (stream, name):
        try:
            results = _read(stream, name, args)
        except _Misuse as exc:
            return _error(str(exc))
        # the selection is checked before anything is read or written
        entries = check_read(registry, results, **selection)
        totals = Totals()
        with _opened(args.output) as out:
            _write(output_format, _progress(totals.count(entries)), out, args.sources)
    print(totals.to_text(), file=sys.stderr)
    if totals.unchecked or totals.read_problems:
        return EXIT_FINDINGS
    if args.min_severity is None:
        return EXIT_FINDINGS if totals.severities["error"] else EXIT_OK
    return EXIT_FINDINGS if sum(totals.severities.values()) else EXIT_OK


class _Prefixed(io.RawIOBase):
    """A binary stream whose first bytes were read to guess its format: them, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes], name: str) -> None:
        self._head = head
        self._rest = rest
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@contextlib.contextmanager
def _input(path: str) -> Iterator[tuple[IO[bytes], str]]:
    if path == "-":
        yield sys.stdin.buffer, "<stdin>"
        return
    with open(path, "rb") as handle:
        yield handle, path


@contextlib.contextmanager
def _opened(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


_HEAD = 8192


def _read(stream: IO[bytes], name: str, args: argparse.Namespace) -> Iterator[Any]:
    """The claims of ``stream`` as reader results, in the format given or guessed."""
    from .readers import read_claims

    head = stream.read(_HEAD)
    prefixed = io.BufferedReader(_Prefixed(head, stream, name))
    fmt = args.format or _guess(head, name, args.encoding)
    if args.preset is not None and fmt != "csv":
        raise _Misuse(f"--preset is for CSV input, and {name} is {fmt}")
    if fmt in ("json", "jsonl"):
        from .batch import read_json, read_jsonl

        text = io.TextIOWrapper(prefixed, encoding=args.encoding, newline="")
        reader = read_jsonl if fmt == "jsonl" else read_json
        return reader(text, payer=args.payer, name=name)
    return read_claims(
        prefixed,
        format=fmt,  # type: ignore[arg-type]  # one of x12, fhir, csv by now
        payer=args.payer,
        preset=args.preset,
        encoding=args.encoding,
    )


class _Misuse(Exception):
    pass


def _guess(head: bytes, name: str, encoding: str) -> str:
    """The input format from the file's first bytes: X12, FHIR, JSON, JSON Lines or CSV."""
    import codecs

    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        raise _Misuse(
            f"{name} is not {'UTF-8' if encoding == 'utf-8-sig' else encoding} text: expected "
            "a JSON file or another claims file (X12, FHIR, CSV, JSON Lines); give --encoding "
            "for another encoding"
        ) from None
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("ISA"):
        return "x12"
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        if '"resourceType"' in start:
            return "fhir"
        first, newline, _ = start.partition("\n")
        if not newline and len(head) >= _HEAD:
            return "jsonl"  # a first line longer than the head: a claim a line
        try:
            json.loads(first)
        except json.JSONDecodeError:
            return "json"  # an object over several lines
        return "jsonl"
    from .readers import guess_format

    # CSV, or not claims at all: refused here saying what it looks like
    return guess_format(head)


def _write(output_format: str, entries: Iterable[Any], out: IO[str], sources: bool) -> None:
    if output_format == "jsonl":
        from .render.jsonl import write_jsonl

        write_jsonl(entries, out, sources=sources)
    elif output_format == "csv":
        from .render.csv import write_csv

        write_csv(entries, out)
    elif output_format == "json":
        from .render.jsonl import entry_record

        out.write("[")
        for index, entry in enumerate(entries):
            out.write(",\n" if index else "\n")
            out.write(json.dumps(entry_record(entry, full_sources=True), ensure_ascii=False))
        out.write("\n]\n")
    else:
        for index, entry in enumerate(entries):
            if index:
                out.write("\n")
            out.write(_entry_text(entry) + "\n")


def _entry_text(entry: Any) -> str:
    from .answers import Unchecked

    result = entry.result
    where = f" ({entry.position})" if entry.position else ""
    if isinstance(result, Unchecked):
        claim = f" claim {result.claim_id}:" if result.claim_id else ""
        # a claim the reader could not build: its reason is the reader's problems
        if result.error == "ReadError":
            return f"#{entry.index}{where} NOT READ:{claim} {result.reason}"
        text = f"#{entry.index}{where} NOT CHECKED:{claim} {result.error}: {result.reason}"
    else:
        text = f"#{entry.index}{where} {result.to_text()}"
    for problem in entry.problems:
        text += (
            f"\n- NOT READ at {problem.where}: found {problem.found}; expected {problem.expected}"
        )
    return text


def _progress(entries: Iterable[Any]) -> Iterator[Any]:
    """The entries; on a terminal, after the first two seconds, a count of them on stderr."""
    if not sys.stderr.isatty():
        yield from entries
        return
    started = time.monotonic()
    shown = started + 2.0
    for count, entry in enumerate(entries, start=1):
        if count % 256 == 0:
            now = time.monotonic()
            if now >= shown:
                rate = count / (now - started)
                sys.stderr.write(f"\rpassive-ig: {count:,} claims checked ({rate:,.0f}/s)")
                sys.stderr.flush()
                shown = now + 0.5
        yield entry
    if shown > started + 2.0:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _selection(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "select": args.select,
        "ignore": args.ignore,
        "min_severity": args.min_severity,
        "notes": args.notes,
    }


def _rules(args: argparse.Namespace) -> int:
    from .registry import registry
    from .rules import RULES, describe

    payer = registry.payers[args.payer].id if args.payer else None
    rows: list[dict[str, Any]] = []
    facts_payers: dict[str, frozenset[str] | None] = {}
    for rule in RULES:
        facts = describe(registry, rule)
        facts_payers[rule.id] = facts.payers
        if payer is not None and not facts.applies_to(payer):
            continue
        rows.append(
            {
                "id": rule.id,
                "title": rule.title,
                "severity": rule.severity.value,
                "note": rule.note,
                "payers": sorted(facts.payers) if facts.payers is not None else "all",
                "from": facts.start.isoformat() if facts.start else None,
                "to": facts.end.isoformat() if facts.end else None,
                "fires_when": rule.description,
                "sources": [source.id for source in facts.sources],
            }
        )
    if args.json:
        _print_json(rows)
        return EXIT_OK
    for row in rows:
        payers = "all" if facts_payers[row["id"]] is None else ", ".join(row["payers"])
        dates = f"; from {row['from']}" if row["from"] else ""
        dates += f" to {row['to']}" if row["to"] else ""
        note = " (note)" if row["note"] else ""
        print(f"{row['id']:42} {row['severity']}{note}; payers: {payers}{dates}")
        print(f"    {row['title']}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
