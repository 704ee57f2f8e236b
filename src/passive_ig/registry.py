"""The registry: the bundled data (or yours), loaded on first use, looked up one way.

``from passive_ig import registry`` gives the default registry over the bundled
data. Importing it reads nothing; each collection is read and structured the
first time it is used, once, under a lock, so threads can share one registry.

Every collection behaves the same way:

>>> from passive_ig import registry
>>> registry.codes["cpt 90283"].code
'90283'
>>> registry.codes.get("99999") is None
True
>>> "J1459" in registry.codes
True
>>> registry.payers["UHC"].name
'UnitedHealthcare'
>>> registry.codes["90285"]
Traceback (most recent call last):
...
passive_ig.errors.UnknownCodeError: no billing code '90285' in codes; did you mean '90284', '90283' or '90287'?
"""

from __future__ import annotations

import datetime as dt
import operator
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from . import codes as _codes
from .errors import (
    DataError,
    DataProblem,
    InvalidInputError,
    UnknownCodeError,
    UnknownKeyError,
    UnknownModifierError,
    UnknownPayerError,
    UnknownRecordError,
    show,
)
from .records import (
    BillingCode,
    ClinicalWorkflowStep,
    CodeKind,
    CoverageCriterion,
    CoverageDetermination,
    DiagnosisList,
    Manifest,
    Modifier,
    NotAvailable,
    Origin,
    Payer,
    PayerPolicy,
    PaymentBenchmark,
    PlaceOfService,
    PriorAuthorization,
    ProviderTaxonomy,
    RelatedCode,
    RelationKind,
    Source,
    _attrs_type,
)

if TYPE_CHECKING:
    from importlib_resources.abc import Traversable

    from ._converter import Structured
    from .answers import Report, Severity, Unchecked
    from .claims import Claim, ClaimLine
    from .guide import Guide
    from .units import UnitCount

__all__ = ["Collection", "Registry", "registry"]

R = TypeVar("R")

MANIFEST_FILE = "manifest.json"


def _casefold_key(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(value, "an id as a string", what="record id")
    return value.strip().casefold()


def _payer_key(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


@attrs.frozen
class _Spec:
    """How one collection is stored: its file, record type, key and lookup rules."""

    name: str
    file: str
    record_type: type[Any]
    key: Callable[[Any], str]
    normalize: Callable[[object], str]
    error: type[UnknownKeyError]


_by_id = operator.attrgetter("id")
_by_code = operator.attrgetter("code")


def _step_key(step: ClinicalWorkflowStep) -> str:
    return f"{step.code}/{step.order}"


_STEP_ORDER = re.compile(r"\s*([0-9]{1,9})\s*")  # ASCII digits: int() refuses "²"


def _normalize_step(value: object) -> str:
    expected = "'CODE/ORDER', e.g. '90283/1'"
    if not isinstance(value, str) or "/" not in value:
        raise InvalidInputError(value, expected, what="workflow step key")
    code, _, order = value.partition("/")
    digits = _STEP_ORDER.fullmatch(order)
    if digits is None or not _codes.is_valid_code(code):
        raise InvalidInputError(value, expected, what="workflow step key")
    return f"{_codes.validate_code(code)}/{int(digits.group(1))}"


def _normalize_payer(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(value, "a payer name or alias as a string", what="payer")
    return _payer_key(value)


SPECS: tuple[_Spec, ...] = (
    _Spec("sources", "sources.json", Source, _by_id, _casefold_key, UnknownRecordError),
    _Spec("codes", "codes.json", BillingCode, _by_code, _codes.validate_code, UnknownCodeError),
    _Spec(
        "modifiers",
        "modifiers.json",
        Modifier,
        _by_code,
        _codes.validate_modifier,
        UnknownModifierError,
    ),
    _Spec("payers", "payers.json", Payer, _by_id, _normalize_payer, UnknownPayerError),
    _Spec("policies", "policies.json", PayerPolicy, _by_id, _casefold_key, UnknownRecordError),
    _Spec(
        "coverage",
        "coverage.json",
        CoverageDetermination,
        _by_id,
        _casefold_key,
        UnknownRecordError,
    ),
    _Spec(
        "diagnosis_lists",
        "diagnosis_lists.json",
        DiagnosisList,
        _by_id,
        _casefold_key,
        UnknownRecordError,
    ),
    _Spec(
        "places_of_service",
        "places_of_service.json",
        PlaceOfService,
        _by_code,
        _codes.validate_place_of_service,
        UnknownRecordError,
    ),
    _Spec(
        "taxonomies",
        "taxonomies.json",
        ProviderTaxonomy,
        _by_code,
        _casefold_key,
        UnknownRecordError,
    ),
    _Spec(
        "payment_benchmarks",
        "payment_benchmarks.json",
        PaymentBenchmark,
        _by_id,
        _casefold_key,
        UnknownRecordError,
    ),
    _Spec(
        "workflow_steps",
        "workflow.json",
        ClinicalWorkflowStep,
        _step_key,
        _normalize_step,
        UnknownRecordError,
    ),
    _Spec(
        "criteria",
        "criteria.json",
        CoverageCriterion,
        _by_id,
        _casefold_key,
        UnknownRecordError,
    ),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
DATA_FILES = (MANIFEST_FILE, *(spec.file for spec in SPECS))


class Collection(Generic[R]):
    """One kind of record, looked up by key.

    ``collection[key]`` returns the record or raises a :class:`KeyError` subclass
    that names the key and suggests the nearest known ones; ``collection.get(key)``
    returns ``None`` instead. Keys are cleaned first, so ``" cpt 90283 "`` and
    ``"90283"`` are the same key; a key that cannot be valid raises a ``ValueError``.
    Iterating yields the records in data order.
    """

    __slots__ = ("_hits", "_name", "_registry", "_spec")

    def __init__(self, registry: Registry, spec: _Spec) -> None:
        self._registry = registry
        self._spec = spec
        self._name = spec.name
        # Each key as given (``"90283"``, ``" cpt 90283 "``) that found a record, so
        # a repeated lookup is one dict lookup. Sound because the records of a
        # collection never change once loaded and every key cleaner is a pure function.
        self._hits: dict[object, R] = {}

    @property
    def name(self) -> str:
        """The collection's name, as the registry's attribute: ``"codes"``, ``"payers"``."""
        return self._name

    @property
    def registry(self) -> Registry:
        """The registry the collection belongs to."""
        return self._registry

    def _remember(self, key: object, record: R) -> None:
        # only short keys: a long-running service must not keep what its users send
        if type(key) is str and len(key) <= _HIT_KEY_LIMIT and len(self._hits) < _HITS_LIMIT:
            self._hits[key] = record

    def _index(self) -> _Index[R]:
        return self._registry._index(self._name)

    def _resolve(self, key: object) -> tuple[str, R | None]:
        index = self._index()
        clean = self._spec.normalize(_clean_key(self._name, key))
        if not clean:  # a payer key with no letter or digit: it names no payer
            return clean, None
        found = index.by_key.get(clean)
        if found is None and index.aliases:
            canonical = index.aliases.get(clean)
            if canonical is not None:
                found = index.by_key[canonical]
        if found is None and self._spec.normalize is _casefold_key:
            found = index.by_folded.get(clean)
        return clean, found

    def __getitem__(self, key: str | int) -> R:
        try:
            return self._hits[key]
        except (KeyError, TypeError):
            pass
        clean, found = self._resolve(key)
        if found is None:
            index = self._index()
            probe = key.strip() if isinstance(key, str) and self._name == "payers" else clean
            raise self._spec.error(
                str(key) if not isinstance(key, str) else key,
                _codes.nearest(probe, index.suggestion_keys),
                collection=self._name,
            )
        self._remember(key, found)
        return found

    def lookup(self, text: str | int) -> R:
        """The record ``text`` names: its key (cleaned as ``collection[key]`` cleans
        it), or exactly one of its names: a name, title, alias or brand, in any case.

        Raises the collection's :class:`KeyError` subclass, naming ``text`` and the
        nearest records :meth:`search` finds, as pycountry's ``lookup`` raises
        ``LookupError``.

        >>> registry.codes.lookup("Privigen").code
        'J1459'
        >>> registry.codes.lookup("J-1459").code
        'J1459'
        >>> registry.payers.lookup("United Healthcare").id
        'uhc'
        >>> registry.codes.lookup("Privagen")
        Traceback (most recent call last):
        ...
        passive_ig.errors.UnknownCodeError: no billing code 'Privagen' in codes; did you mean 'J1459'?
        """
        found = self.get(text) if isinstance(text, (str, int)) else None
        if found is not None:
            return found
        folded = " ".join(str(text).split()).casefold()
        named = [record for record in self if folded in _names_of(record)]
        if len(named) == 1:
            return named[0]
        near = named or self.search(str(text), limit=3)
        raise self._spec.error(
            str(text), tuple(self._spec.key(record) for record in near), collection=self._name
        )

    def search(self, text: str, *, limit: int | None = 10) -> list[R]:
        """The records that match ``text``, best first: by key, name, title, alias,
        brand or the words of a descriptor, with spelling mistakes forgiven (as
        pycountry's ``search_fuzzy``). An empty list when nothing matches; at most
        ``limit`` records (all with ``None``).

        >>> [code.code for code in registry.codes.search("Privigen")]
        ['J1459']
        >>> registry.codes.search("gammagard liquid")[0].code
        'J1569'
        >>> registry.codes.search("privigin")[0].code      # a spelling mistake forgiven
        'J1459'
        >>> registry.codes.search("no such thing")
        []
        >>> [m.code for m in registry.modifiers.search("discarded")]
        ['JW', 'JZ']
        """
        if not isinstance(text, str):
            raise InvalidInputError(text, "search text as a string", what="search text")
        query = _words(text)
        if not query:
            return []
        folded = " ".join(text.split()).casefold()
        try:
            by_key = self.get(text)
        except TypeError:  # pragma: no cover - get() never raises for a str
            by_key = None
        scored: list[tuple[float, int, R]] = []
        for position, record in enumerate(self):
            if record is by_key:
                score = 1000.0
            elif folded in _names_of(record):
                score = 900.0
            else:
                score = _match(query, _words(" ".join(_texts_of(record))))
            if score > 0:
                scored.append((-score, position, record))
        scored.sort(key=lambda item: (item[0], item[1]))
        found = [record for _, _, record in scored]
        return found if limit is None else found[:limit]

    def get(self, key: str | int, default: R | None = None) -> R | None:
        """The record for ``key``, or ``default`` when there is none (or the key is malformed)."""
        try:
            return self._hits[key]
        except (KeyError, TypeError):
            pass
        try:
            _, found = self._resolve(key)
        except InvalidInputError:
            return default
        if found is None:
            return default
        self._remember(key, found)
        return found

    def __contains__(self, key: object) -> bool:
        try:
            if key in self._hits:
                return True
        except TypeError:
            pass
        try:
            found = self._resolve(key)[1]
        except InvalidInputError:
            return False
        if found is None:
            return False
        self._remember(key, found)
        return True

    def __iter__(self) -> Iterator[R]:
        return iter(self._index().records)

    def __len__(self) -> int:
        return len(self._index().records)

    def keys(self) -> tuple[str, ...]:
        """The canonical keys, in data order."""
        return self._index().display_keys

    def to_records(self) -> list[dict[str, Any]]:
        """The records as flat rows for ``pandas.DataFrame(...)`` or ``polars.DataFrame(...)``.

        Nested records become dotted columns (``effective.start``); a fact that is
        not available is ``None`` in its column and named, with its reason, in the
        ``not_available_fields`` column. For the JSON form use each record's
        ``to_dict()``. See :func:`passive_ig.render.rows.to_rows`.
        """
        from .render.rows import to_rows

        return to_rows(self)

    def _repr_html_(self) -> str:
        from .render.html import to_html

        return to_html(self)

    def __repr__(self) -> str:
        state = (
            f"{len(self)} records" if self._registry._is_loaded(self._name) else "not loaded yet"
        )
        return f"<Collection {self._name}: {state}>"


_LETTER_DIGITS = re.compile(r"(?i)\b([A-Z])[\s\-._/]+(?=[0-9]{4}\b)")
_POS_PREFIX = re.compile(r"(?i)^\s*(?:pos|place of service)[\s\-:#]*")


def _clean_key(collection: str, key: object) -> object:
    """What every collection does to a key before its own cleaning: an integer (a
    ``numpy`` one too) becomes its digits, so ``codes[90283]`` is ``codes["90283"]``;
    a separator inside a HCPCS code goes (``"J-1459"``, ``"J 1459"``); a place of
    service may carry a ``POS`` prefix (``"POS 11"``)."""
    if not isinstance(key, str):
        if isinstance(key, bool) or not hasattr(key, "__index__"):
            return key
        try:
            number = operator.index(key)
        except TypeError:  # pragma: no cover - __index__ that refuses
            return key
        # no key has more than a few digits: a huge number stays itself (and is refused
        # as it was) rather than be turned into thousands of digits
        return str(number) if -(10**18) < number < 10**18 else key
    if collection == "places_of_service":
        return _POS_PREFIX.sub("", key)
    if collection in ("codes", "workflow_steps"):
        return _LETTER_DIGITS.sub(r"\1", key)
    return key


_WORD = re.compile(r"[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in _WORD.findall(text))


def _names_of(record: object) -> set[str]:
    """The names a record goes by, case-folded: its key, name, title, aliases, brands."""
    names: set[str] = set()
    for attribute in ("code", "id", "name", "title"):
        value = getattr(record, attribute, None)
        if isinstance(value, str):
            names.add(" ".join(value.split()).casefold())
    for attribute in ("aliases", "products"):
        for value in getattr(record, attribute, ()) or ():
            names.add(" ".join(value.split()).casefold())
    return names


def _texts_of(record: object) -> list[str]:
    """The text a search reads: the names, a descriptor, a publisher, a setting."""
    texts = sorted(_names_of(record))
    descriptor = getattr(record, "descriptor", None)
    if descriptor is not None and isinstance(getattr(descriptor, "text", None), str):
        texts.append(descriptor.text)
    for attribute in ("publisher", "when_to_use", "setting"):
        value = getattr(record, attribute, None)
        if isinstance(value, str):
            texts.append(value)
    return texts


def _match(query: tuple[str, ...], words: tuple[str, ...]) -> float:
    """How well the query's words match a record's words: each query word scores 1
    when it is a word, 0.9 when it begins one (3 letters or more), and its
    similarity when that is 0.8 or more; the record scores the mean, if every word
    of the query found something, scaled to 100."""
    import difflib

    if not words:
        return 0.0
    vocabulary = set(words)
    total = 0.0
    for word in query:
        if word in vocabulary:
            total += 1.0
            continue
        best = 0.0
        for candidate in vocabulary:
            if len(word) >= 3 and candidate.startswith(word):
                best = max(best, 0.9)
            elif abs(len(candidate) - len(word)) <= 3:
                ratio = difflib.SequenceMatcher(None, word, candidate).ratio()
                if ratio >= 0.8:
                    best = max(best, ratio * 0.85)
        if best == 0.0:
            return 0.0
        total += best
    return 100.0 * total / len(query)


_HITS_LIMIT = 4096
"""How many keys as given a collection (or ``Registry.policy``) remembers."""

_HIT_KEY_LIMIT = 64
"""The longest key (in characters) a collection (or ``Registry.policy``) remembers;
longer keys are looked up every time, never kept."""


@attrs.frozen
class _Index(Generic[R]):
    records: tuple[R, ...]
    by_key: dict[str, R]
    by_folded: dict[str, R]
    display_keys: tuple[str, ...]
    aliases: dict[str, str]
    suggestion_keys: tuple[str, ...]


def _build_index(spec: _Spec, records: tuple[Any, ...]) -> _Index[Any]:
    by_key = {spec.key(record): record for record in records}
    display_keys = tuple(spec.key(record) for record in records)
    suggestion_keys = display_keys
    aliases: dict[str, str] = {}
    if spec.name == "payers":
        by_key = {_payer_key(record.id): record for record in records}
        suggestion_keys = tuple(name for r in records for name in (r.name, *r.aliases))
        for record in records:
            for name in (record.name, *record.aliases):
                aliases.setdefault(_payer_key(name), _payer_key(record.id))
    return _Index(
        records=records,
        by_key=by_key,
        by_folded={spec.key(record).casefold(): record for record in records},
        display_keys=display_keys,
        aliases=aliases,
        suggestion_keys=suggestion_keys,
    )


FILE_SIZE_LIMIT = 16 * 1024 * 1024
"""The largest data file read (16 MiB; the bundled files are each under 200 KiB)."""

JSON_DEPTH_LIMIT = 64
"""How deeply arrays and objects may nest in a data file (the format needs fewer than 10)."""

JSON_INTEGER_DIGITS = 100
"""The most digits an integer in a data file may have."""


class _Unreadable(Exception):
    """A data file that is not read: its message says why."""


def _read_file(path: str) -> bytes:
    """The bytes of a regular file of at most :data:`FILE_SIZE_LIMIT` bytes.

    Opened without blocking (a FIFO would wait for a writer forever) and checked
    once open, so nothing but a regular file is ever read (not a FIFO, a device
    such as ``/dev/zero``, or a directory), and never more than the limit.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise _Unreadable(f"not a regular file ({_file_kind(mode)}); only files are read")
        chunks = []
        left = FILE_SIZE_LIMIT + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(descriptor)
    if left <= 0:
        raise _Unreadable(_too_large())
    return b"".join(chunks)


def _too_large() -> str:
    return f"larger than {FILE_SIZE_LIMIT // (1024 * 1024)} MiB, the limit for a data file"


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"  # pragma: no cover - no other kind on the systems we run on


class _Refused:
    """A JSON value the format refuses wherever it stands (an integer of too many digits,
    a number out of range, NaN); the scan reports it with its JSON path."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"<{self.message}>"


class _TwiceKeyed(dict[str, Any]):
    """A JSON object that gave a key more than once; ``twice`` names those keys."""

    __slots__ = ("twice",)
    twice: tuple[str, ...]


def _json_int(text: str) -> object:
    digits = len(text) - text.startswith("-")
    if digits > JSON_INTEGER_DIGITS:
        return _Refused(f"an integer of {digits} digits (at most {JSON_INTEGER_DIGITS})")
    return int(text)


def _json_float(text: str) -> object:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return _Refused(f"a number out of range ({text[:20]}{'...' if len(text) > 20 else ''})")
    return value


def _json_constant(text: str) -> object:
    return _Refused(f"{text} is not JSON")


def _add(seen: set[str], key: str) -> bool:
    seen.add(key)
    return False


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    twice = _TwiceKeyed(obj)
    seen: set[str] = set()
    twice.twice = tuple(dict.fromkeys(key for key, _ in pairs if key in seen or _add(seen, key)))
    return twice


def _parse_json(raw: bytes, name: str) -> tuple[object, tuple[DataProblem, ...]]:
    """Parse a data file. Values the format refuses are kept as markers for :func:`_scan`."""
    import json

    def problem(message: str) -> tuple[object, tuple[DataProblem, ...]]:
        return None, (DataProblem(file=name, path="$", message=message),)

    try:
        return json.loads(
            raw,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        ), ()
    except json.JSONDecodeError as exc:
        return problem(f"not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})")
    except UnicodeDecodeError as exc:
        return problem(f"not valid JSON ({exc})")
    except RecursionError:
        return problem(f"arrays or objects nested more than {JSON_DEPTH_LIMIT} levels deep")


def _scan(data: object, name: str) -> list[DataProblem]:
    """What the format refuses in parsed JSON, each with its JSON path: keys given twice,
    integers of too many digits, numbers out of range, nesting too deep."""
    problems = []
    stack: list[tuple[object, str, int]] = [(data, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if type(value) is _Refused:
            problems.append(DataProblem(file=name, path=path, message=value.message))
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= JSON_DEPTH_LIMIT:
            problems.append(
                DataProblem(
                    file=name,
                    path=path,
                    message=f"arrays or objects nested more than {JSON_DEPTH_LIMIT} levels deep",
                )
            )
            continue
        children: list[tuple[object, str, int]] = []
        if isinstance(value, dict):
            if type(value) is _TwiceKeyed:
                for key in value.twice:
                    problems.append(
                        DataProblem(
                            file=name,
                            path=_json_path(path, key),
                            message=f"key {show(key)} given more than once in one object",
                        )
                    )
            children = [(item, _json_path(path, key), depth + 1) for key, item in value.items()]
        else:
            children = [(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
        stack.extend(reversed(children))
    return problems


def _json_path(path: str, key: str) -> str:
    if key.isidentifier() and key.isascii() and len(key) <= 60:
        path = f"{path}.{key}"
    else:
        path = f"{path}[{show(key)}]"
    if len(path) > _PATH_LIMIT:  # long keys, deeply nested: keep both ends
        half = _PATH_LIMIT // 2 - 2
        path = f"{path[:half]}...{path[-half:]}"
    return path


_PATH_LIMIT = 500
"""The longest JSON path in a problem (a path through long keys is shortened)."""


@attrs.frozen
class _Loaded:
    """One collection's file, read and structured: what structured and every problem.

    ``failed_keys`` are the keys of records that did not structure but whose key
    could be read; ``keys_known`` is False when some record's key could not be (or
    the file could not be read at all), so references to the collection cannot be
    checked until those problems are fixed.
    """

    records: tuple[Any, ...]
    problems: tuple[DataProblem, ...]
    failed_keys: frozenset[str] = frozenset()
    keys_known: bool = True

    @property
    def complete(self) -> bool:
        return self.keys_known and not self.failed_keys


class _Reader:
    """Reads the data files of one data set (bundled package data or a directory)."""

    checked_in_tests = False
    """True for the bundled data only: the test suite checks it strictly before it ships."""

    def __init__(self, root: Traversable | os.PathLike[str] | str, label: str) -> None:
        if isinstance(root, (str, os.PathLike)):
            from pathlib import Path

            try:
                text = os.fspath(root)
                os.fsencode(text)  # a lone surrogate cannot name a file
            except Exception:
                text = None
            if not isinstance(text, str) or not text or "\0" in text:
                raise InvalidInputError(
                    root,
                    "a directory path (str or os.PathLike of str) without NUL characters",
                    what="data directory",
                )
            root = Path(text)
        elif not hasattr(root, "joinpath"):
            raise InvalidInputError(
                root, "a directory path (str or os.PathLike)", what="data directory"
            )
        self.root: Traversable = root
        # the label is printed in messages: a name that would not print is shown escaped
        self.label = label if label.isprintable() else show(label)

    def exists(self, name: str) -> bool:
        target = self.root.joinpath(name)
        if isinstance(target, os.PathLike):
            return os.path.lexists(target)
        return bool(target.is_file() or target.is_dir())

    def names(self) -> list[str] | None:
        """The names in the directory, or None when it cannot be listed."""
        try:
            if isinstance(self.root, os.PathLike):
                return sorted(os.listdir(self.root))
            return sorted(str(entry.name) for entry in self.root.iterdir())
        except Exception:
            return None

    def unknown_files(self, allowed: tuple[str, ...], what: str) -> list[DataProblem]:
        """A problem for each name in the directory that is not one of ``allowed``
        (names starting with a dot are left alone), with the nearest allowed name."""
        problems = []
        for name in self.names() or ():
            if name in allowed or name.startswith("."):
                continue
            if name in DATA_FILES:
                problem = f"not part of {what}"
            else:
                nearest = _codes.nearest(name, allowed, limit=1)
                hint = f"; did you mean {show(nearest[0])}?" if nearest else ""
                problem = f"not a data file name{hint}"
            problems.append(
                DataProblem(
                    file=name if name.isprintable() and len(name) <= 100 else show(name),
                    path="$",
                    message=f"{problem} ({what} holds only {', '.join(allowed)})",
                )
            )
        return problems

    def records(self, spec: _Spec) -> tuple[tuple[Any, ...], tuple[DataProblem, ...]]:
        """Read and strictly structure one collection's file: its records and every problem."""
        loaded = self.load(spec)
        return loaded.records, loaded.problems

    def load(self, spec: _Spec) -> _Loaded:
        """Read and strictly structure one collection's file (see :class:`_Loaded`)."""
        from ._converter import structure_file

        data, problems = self.read(spec.file)
        if (data is None and problems) or type(data) is _Refused:  # not read, or refused
            return _Loaded(records=(), problems=problems, keys_known=False)
        if not isinstance(data, list):
            # the converter says why; no record, and no key, can be read
            result = structure_file(data, spec.record_type, file=spec.file)
            return _Loaded(records=(), problems=(*result.problems, *problems), keys_known=False)
        # a record with a problem found by the scan is not structured; the others are
        skip = frozenset(_top_index(problem.path) for problem in problems)
        data, origin_problems = _without_origin(data, spec.file)
        from .units import arithmetic

        with arithmetic():
            result = structure_file(data, spec.record_type, file=spec.file, skip=skip)
        # a record with any problem of shape (an origin key too) is left out of the
        # rules across records, so that it adds no problem that follows from the first
        refused = {_top_index(problem.path) for problem in origin_problems}
        kept = [
            (index, record)
            for index, record in zip(result.positions, result.records, strict=True)
            if index not in refused
        ]
        structured = {index for index, _ in kept}
        failed_keys = set()
        keys_known = True
        items: list[object] = data  # type: ignore[assignment]  # a list: checked above
        for index, item in enumerate(items):
            if index not in structured:
                key = _raw_key(spec, item)
                if key is None:
                    keys_known = False
                else:
                    failed_keys.add(key)
        return _Loaded(
            records=tuple(record for _, record in kept),
            problems=(
                *problems,
                *origin_problems,
                *result.problems,
                *_duplicate_problems(spec, result),
            ),
            failed_keys=frozenset(failed_keys),
            keys_known=keys_known,
        )

    def read_bytes(self, name: str) -> bytes:
        """The bytes of one file; raises OSError or :class:`_Unreadable`."""
        target = self.root.joinpath(name)
        if isinstance(target, (os.PathLike, _OsPath)):
            return _read_file(os.fspath(target))
        with target.open("rb") as handle:  # a zipped or frozen install's resources
            raw: bytes = handle.read(FILE_SIZE_LIMIT + 1)
        if len(raw) > FILE_SIZE_LIMIT:
            raise _Unreadable(_too_large())
        return raw

    def read(self, name: str, *, scan: bool = True) -> tuple[object, tuple[DataProblem, ...]]:
        """The parsed JSON of one file and its problems.

        When the file cannot be read or parsed, the data is None. Otherwise the
        problems are those of :func:`_scan` (not run when ``scan`` is False: the
        fast path refuses the scan's markers itself, and reads again with it).
        """
        try:
            raw = self.read_bytes(name)
        except FileNotFoundError:
            return None, (DataProblem(file=name, path="$", message="file missing"),)
        except _Unreadable as exc:
            return None, (DataProblem(file=name, path="$", message=str(exc)),)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return None, (DataProblem(file=name, path="$", message=f"cannot be read ({reason})"),)
        data, problems = _parse_json(raw, name)
        if problems or not scan:
            return data, problems
        return data, tuple(_scan(data, name))

    def manifest(self) -> tuple[Manifest | None, tuple[DataProblem, ...]]:
        """Read and strictly structure the manifest."""
        from ._converter import structure_one

        data, problems = self.read(MANIFEST_FILE)
        if problems:
            return None, problems
        return structure_one(data, Manifest, file=MANIFEST_FILE)


def _top_index(path: str) -> int:
    """The index of the record a JSON path is in (``$[3].code`` gives 3), or -1."""
    if path.startswith("$["):
        digits = path[2 : path.find("]")]
        if digits.isascii() and digits.isdigit():
            return int(digits)
    return -1


def _raw_key(spec: _Spec, item: object) -> str | None:
    """The key of a record that did not structure, read from its JSON, or None."""
    if not isinstance(item, dict):
        return None
    if spec.name == "workflow_steps":
        code, order = item.get("code"), item.get("order")
        if type(code) is str and type(order) is int:
            return f"{code}/{order}"
        return None
    key = item.get("code" if spec.key is _by_code else "id")
    return key if type(key) is str else None


class _BundledReader(_Reader):
    """The package's own data: found on first read, and built by the fast path.

    This is the one data set whose records skip the strict converter, and whose
    ``load_all()`` skips the cross-file checks: the test suite loads the same files
    strictly, both tiers, and compares record for record (``tests/test_fastload.py``).
    :mod:`passive_ig._fastload` still refuses anything the strict converter would
    refuse; a refusal, duplicate keys or an ``origin`` key send the file through
    the strict path, which reports every problem.
    """

    checked_in_tests = True

    def __init__(self) -> None:
        self.label = "bundled data"
        self._root: Traversable | None = None

    @property
    def root(self) -> Traversable:
        if self._root is None:
            self._root = _bundled_root()
        return self._root

    @root.setter
    def root(self, value: Traversable) -> None:
        self._root = value

    def __reduce__(self) -> tuple[object, ...]:
        return (_BundledReader, ())  # found again where it is unpickled

    def load(self, spec: _Spec) -> _Loaded:
        from ._fastload import structure_list

        data, problems = self.read(spec.file, scan=False)
        if problems:
            return _Loaded(records=(), problems=problems, keys_known=False)
        # (no arithmetic here: a Decimal made from a string is exact in any context)
        records = structure_list(data, spec.record_type)
        if (
            records is not None
            and len({spec.key(r).casefold() for r in records}) == len(records)  # no duplicate
            and not any("origin" in item for item in data)  # type: ignore[attr-defined]
        ):
            return _Loaded(records=records, problems=())
        return super().load(spec)  # reads again, and lists every problem

    def manifest(self) -> tuple[Manifest | None, tuple[DataProblem, ...]]:
        from ._fastload import structure_one

        data, problems = self.read(MANIFEST_FILE, scan=False)
        if problems:
            return None, problems
        manifest = structure_one(data, Manifest)
        return (manifest, ()) if manifest is not None else super().manifest()


def _without_origin(data: object, file: str) -> tuple[object, tuple[DataProblem, ...]]:
    """Refuse ``origin`` in a data file: passive_ig sets it (bundled or user), so a file
    cannot claim to be bundled data, nor slip licensed text past the bundled-data rules."""
    if not isinstance(data, list):
        return data, ()
    problems = []
    cleaned: list[object] = []
    for index, item in enumerate(data):
        if isinstance(item, dict) and "origin" in item:
            problems.append(
                DataProblem(
                    file=file,
                    path=f"$[{index}].origin",
                    message="set by passive_ig (bundled or user), not by a data file",
                )
            )
            item = {key: value for key, value in item.items() if key != "origin"}
        cleaned.append(item)
    return cleaned, tuple(problems)


class _OsPath:
    """A file or folder on disk with the three methods the readers use.

    For the bundled data installed as files (the usual case): plain ``open()``,
    so neither importlib_resources nor pathlib is imported before a first answer.
    """

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def joinpath(self, name: str) -> _OsPath:
        return _OsPath(os.path.join(self.path, name))

    def __fspath__(self) -> str:
        return self.path

    def is_file(self) -> bool:
        return os.path.isfile(self.path)

    def is_dir(self) -> bool:
        return os.path.isdir(self.path)

    def read_bytes(self) -> bytes:
        return _read_file(self.path)


def _bundled_root() -> Traversable:
    # A package installed as files (the usual case) reads them straight from its
    # directory; importlib_resources costs about as much to import as a first
    # answer, so it is only used where it is needed: zipped or frozen installs.
    data = os.path.join(os.path.dirname(__file__), "data")
    if os.path.isdir(data):
        return _OsPath(data)  # type: ignore[return-value]  # the part of Traversable we use
    import importlib_resources

    return importlib_resources.files("passive_ig").joinpath("data")


OVERLAY_SUFFIX = "+overlay"
"""What a data version gains when an overlay shaped the data set."""


def _overlaid(manifest: Manifest) -> Manifest:
    if manifest.data_version.endswith(OVERLAY_SUFFIX):
        return manifest
    return attrs.evolve(manifest, data_version=manifest.data_version + OVERLAY_SUFFIX)


def _mark_user(record: Any) -> Any:
    return attrs.evolve(record, origin=Origin.USER) if hasattr(record, "origin") else record


class Registry:
    """Typed, citable facts about billing immune globulin, over one data set.

    Use the default ``passive_ig.registry`` for the bundled data,
    :meth:`from_directory` for another data set of the same format, and
    :meth:`with_overlay` to add or replace records with your own.
    """

    def __init__(self, reader: _Reader | None = None) -> None:
        self._reader = reader if reader is not None else _BundledReader()
        self._lock = threading.RLock()
        self._indexes: dict[str, _Index[Any]] = {}
        self._manifest: Manifest | None = None
        self._verified = False
        self._engines: dict[str, Any] = {}  # the rules bound to each payer, made on first use
        self._policy_hits: dict[tuple[str, str], PayerPolicy] = {}  # policy() by its arguments
        self._policies_by_payer: dict[str, dict[str, PayerPolicy]] = {}  # payer id: code: policy
        self.sources: Collection[Source] = Collection(self, SPEC_BY_NAME["sources"])
        """Every source a fact rests on, by id."""
        self.codes: Collection[BillingCode] = Collection(self, SPEC_BY_NAME["codes"])
        """CPT and HCPCS codes, by code (``"90283"``, ``"cpt 90283"``, ``"j1459"``)."""
        self.modifiers: Collection[Modifier] = Collection(self, SPEC_BY_NAME["modifiers"])
        """Modifiers, by code (``"JW"``, ``"25"``); ``"00"`` is a placeholder, not a modifier."""
        self.payers: Collection[Payer] = Collection(self, SPEC_BY_NAME["payers"])
        """The five payers, by id, name or alias (``"UHC"``, ``"BCBS"``, ``"CMS"``)."""
        self.policies: Collection[PayerPolicy] = Collection(self, SPEC_BY_NAME["policies"])
        """Payer policies, by id (``"medicare-90283"``); see also :meth:`policy`."""
        self.coverage: Collection[CoverageDetermination] = Collection(
            self, SPEC_BY_NAME["coverage"]
        )
        """Medicare coverage documents (NCD, LCDs, articles, manual sections), by id."""
        self.diagnosis_lists: Collection[DiagnosisList] = Collection(
            self, SPEC_BY_NAME["diagnosis_lists"]
        )
        """ICD-10-CM lists that policies tie to the codes, by id."""
        self.places_of_service: Collection[PlaceOfService] = Collection(
            self, SPEC_BY_NAME["places_of_service"]
        )
        """Place-of-service codes, by code (``"11"``)."""
        self.taxonomies: Collection[ProviderTaxonomy] = Collection(self, SPEC_BY_NAME["taxonomies"])
        """NUCC provider taxonomy codes, by code."""
        self.payment_benchmarks: Collection[PaymentBenchmark] = Collection(
            self, SPEC_BY_NAME["payment_benchmarks"]
        )
        """What is known about what each payer pays, by id (``"medicare-Q2052"``);
        see also :meth:`payment_benchmark`."""
        self.workflow_steps: Collection[ClinicalWorkflowStep] = Collection(
            self, SPEC_BY_NAME["workflow_steps"]
        )
        """Clinical workflow steps, by ``"CODE/ORDER"``; see also :meth:`workflow`."""
        self.criteria: Collection[CoverageCriterion] = Collection(self, SPEC_BY_NAME["criteria"])
        """Payers' coverage criteria by indication, by id; see also :meth:`criteria_for`."""

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_directory(cls, path: os.PathLike[str] | str) -> Registry:
        """A registry over the data set in ``path``, validated in full now.

        The directory holds the same files as the bundled data (and nothing else,
        apart from names starting with a dot). Raises
        :class:`~passive_ig.errors.DataError` listing every problem found, and
        :class:`~passive_ig.errors.InvalidInputError` for what cannot be a path.
        """
        registry = cls(_Reader(path, str(path)))
        registry.load_all()
        return registry

    def with_overlay(self, path: os.PathLike[str] | str) -> Registry:
        """A new registry: this one's records plus those in the overlay directory ``path``.

        The overlay holds any of the data files (not the manifest, and nothing else
        apart from names starting with a dot); each record replaces the record with
        the same key, or is added. Overlay records are validated in full (shape,
        then the rules across the merged data set), and marked ``origin=Origin.USER``.
        Raises :class:`~passive_ig.errors.DataError` listing every problem found.

        What the new registry answers says that user data shaped it: its manifest's
        ``data_version``, and so every report's and guide's, gains ``+overlay``
        (``"2026.12.0+overlay"``, a local version in PEP 440's sense), and the
        overlay's records are marked ``origin=Origin.USER``.
        """
        self.load_all()
        reader = _Reader(path, str(path))
        origin = f"overlay {reader.label}"
        problems = reader.unknown_files(tuple(spec.file for spec in SPECS), "an overlay")
        merged: dict[str, tuple[Any, ...]] = {}
        results: dict[str, _Loaded] = {}
        overlaid = False
        for spec in SPECS:
            base = self._indexes[spec.name].records
            if not reader.exists(spec.file):
                merged[spec.name] = base
                continue
            overlaid = True
            loaded = results[spec.name] = reader.load(spec)
            problems.extend(loaded.problems)
            # keys match as lookups do: case-folded, and payers by their cleaned id
            fold = _payer_key if spec.name == "payers" else str.casefold
            replacing = {fold(spec.key(record)): _mark_user(record) for record in loaded.records}
            kept = tuple(replacing.pop(fold(spec.key(r)), r) for r in base)
            merged[spec.name] = kept + tuple(replacing.values())
        if not overlaid and not problems:
            problems.append(
                DataProblem(
                    file=reader.label,
                    path="$",
                    message="no data file found; an overlay holds one or more of "
                    + ", ".join(spec.file for spec in SPECS),
                )
            )
            raise DataError(problems, origin=origin)
        problems.extend(_cross_check(merged, results, self._manifest))
        if problems:
            raise DataError(problems, origin=origin)
        combined = Registry(self._reader)
        combined._manifest = _overlaid(self.manifest)
        combined._install(merged)
        return combined

    # ------------------------------------------------------------------ loading

    def _is_loaded(self, name: str) -> bool:
        return name in self._indexes

    def _index(self, name: str) -> _Index[Any]:
        index = self._indexes.get(name)
        if index is None:
            with self._lock:
                index = self._indexes.get(name)
                if index is None:
                    index = self._load_one(SPEC_BY_NAME[name])
                    self._indexes[name] = index
        return index

    def _load_one(self, spec: _Spec) -> _Index[Any]:
        records, problems = self._reader.records(spec)
        if problems:
            raise DataError(problems, origin=self._reader.label)
        return _build_index(spec, records)

    def load_all(self) -> None:
        """Read, structure and cross-check every file now, instead of on first use.

        Raises :class:`~passive_ig.errors.DataError` listing every problem of every
        file: the problems of shape, and the problems across records and files of
        whatever structured (a record that did not is left out of those rules, so
        none is reported twice). The bundled data set, checked in full by the test
        suite before it ships, is only read and built (in a few milliseconds);
        every other data set is checked.
        """
        if self._verified:
            return
        with self._lock:
            if self._verified:
                return
            problems: list[DataProblem] = []
            if not self._reader.checked_in_tests:
                problems.extend(self._reader.unknown_files(DATA_FILES, "a data set"))
            loaded: dict[str, tuple[Any, ...]] = {}
            results: dict[str, _Loaded] = {}
            if self._manifest is None:
                manifest, manifest_problems = self._reader.manifest()
                problems.extend(manifest_problems)
                self._manifest = manifest
            for spec in SPECS:
                if spec.name in self._indexes:
                    loaded[spec.name] = self._indexes[spec.name].records
                    continue
                result = results[spec.name] = self._reader.load(spec)
                problems.extend(result.problems)
                loaded[spec.name] = result.records
            if problems or not self._reader.checked_in_tests:
                problems.extend(_cross_check(loaded, results, self._manifest))
            if problems:
                raise DataError(problems, origin=self._reader.label)
            self._install(loaded)

    def _install(self, collections: Mapping[str, tuple[Any, ...]]) -> None:
        with self._lock:
            for spec in SPECS:
                if spec.name not in self._indexes:
                    self._indexes[spec.name] = _build_index(spec, collections[spec.name])
            self._verified = True

    @property
    def manifest(self) -> Manifest:
        """The data set's manifest: its version, as-of date, sources and files."""
        if self._manifest is None:
            with self._lock:
                if self._manifest is None:
                    manifest, problems = self._reader.manifest()
                    if problems or manifest is None:
                        raise DataError(problems, origin=self._reader.label)
                    self._manifest = manifest
        return self._manifest

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the data set and what is loaded of it; not the lock, the collections'
        caches or the check contexts, which are rebuilt where it is unpickled."""
        with self._lock:
            return {
                "reader": self._reader,
                "indexes": dict(self._indexes),
                "manifest": self._manifest,
                "verified": self._verified,
            }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["reader"])  # type: ignore[misc]  # fresh lock, collections, caches
        self._indexes.update(state["indexes"])
        self._manifest = state["manifest"]
        self._verified = state["verified"]

    def __repr__(self) -> str:
        return f"<Registry over {self._reader.label}>"

    # ------------------------------------------------------------------ checks

    def check(
        self,
        item: ClaimLine | Claim,
        *,
        payer: str | None = None,
        as_of: dt.date | None = None,
        select: Iterable[str] | str | None = None,
        ignore: Iterable[str] | str | None = None,
        min_severity: Severity | str | None = None,
        notes: bool = False,
    ) -> Report:
        """Check a claim line or a claim and return every finding.

        ``payer`` is required for a single line (a :class:`~passive_ig.claims.Claim`
        names its own). ``as_of`` is the date to check a line against when it has
        no date of service.

        Which rules run is chosen as a linter chooses: ``select`` and ``ignore``
        take rule ids or family prefixes (``"modifier"``, ``"medicare.jw-required"``),
        ``min_severity`` drops findings below ``"warning"`` or ``"error"``, and
        ``notes=True`` adds the notes on what the data does not know (whether a
        payer's site-of-care policy exists, a code's status ...), which a report
        leaves out by default.

        Problems in the claim become findings; only misuse raises: an unknown payer
        (:class:`~passive_ig.errors.UnknownPayerError`), something that is not a
        line or claim, or an unknown rule in ``select``
        (:class:`~passive_ig.errors.InvalidInputError`).
        """
        from .rules import check

        return check(
            self,
            item,
            payer=payer,
            as_of=as_of,
            select=select,
            ignore=ignore,
            min_severity=min_severity,
            notes=notes,
        )

    def check_many(
        self,
        items: Iterable[ClaimLine | Claim],
        *,
        payer: str | None = None,
        as_of: dt.date | None = None,
        select: Iterable[str] | str | None = None,
        ignore: Iterable[str] | str | None = None,
        min_severity: Severity | str | None = None,
        notes: bool = False,
    ) -> Iterator[Report | Unchecked]:
        """Check many lines or claims lazily, yielding one result each, in order.

        Takes the same choices as :meth:`check`, and checks them at once: an
        unknown ``payer`` argument or rule raises here, before any item is checked.

        One bad item never stops the batch: an item that cannot be checked (a
        claim for a payer the data does not know, a line when no ``payer`` is
        given, a claim whose payer is not ``payer``, something that is not a
        line or claim) yields an :class:`~passive_ig.answers.Unchecked` carrying
        its position in the batch, its ids and the reason, in its place, and the
        batch goes on. ``isinstance(result, Unchecked)`` (or ``not
        result.checked``) tells them apart and narrows the type.

        Real batches repeat the same combinations; each distinct line is checked
        once per batch and its report reused.
        """
        from .rules import check_many

        return check_many(
            self,
            items,
            payer=payer,
            as_of=as_of,
            select=select,
            ignore=ignore,
            min_severity=min_severity,
            notes=notes,
        )

    # ------------------------------------------------------------------ answers

    def guide(self, code: str = "90283", payer: str | None = None) -> Guide:
        """The guidance sheet for ``code``: the code, related codes, sites, modifiers,
        each payer's policy (or only ``payer``'s), the workflow, what is not available
        and the sources. ``guide.to_text()`` renders it."""
        from .guide import build_guide

        return build_guide(self, code, payer)

    def workflow(self, code: str = "90283") -> tuple[ClinicalWorkflowStep, ...]:
        """The clinical workflow for ``code``, in order, each step with what it must document.

        A product-specific HCPCS code with no workflow of its own follows its generic
        CPT code (J1459 is given as 90283 is), as :meth:`governing_policy` does.
        Returns an empty tuple for a known code with no workflow in the data.

        >>> [step.code for step in registry.workflow("J1459")][:1]
        ['90283']
        """
        record = self.codes[code]
        for candidate in (record.code, *_generic_codes(record)):
            steps = [step for step in self.workflow_steps if step.code == candidate]
            if steps:
                return tuple(sorted(steps, key=lambda step: step.order))
        return ()

    def governing_policy(self, payer: str, code: str = "90283") -> tuple[PayerPolicy, str]:
        """The policy that governs ``code`` for ``payer``, with the code it is found under.

        This is the one answer to "which policy applies": :meth:`policy`,
        :meth:`prior_authorization`, :meth:`policies_for`, :meth:`guide`,
        :meth:`workflow` and every check use it. A payer's policy lists the codes it
        names; a product-specific HCPCS code it does not name is governed by the
        policy of the generic CPT code it stands in for (a payer's immune globulin
        policy governs the product, whichever code bills it).

        >>> policy, under = registry.governing_policy("Aetna", "J1459")
        >>> policy.id, under
        ('aetna-90283', '90283')
        >>> registry.governing_policy("Medicare", "J1459")[1]   # Medicare names J1459 itself
        'J1459'

        Raises :class:`~passive_ig.errors.UnknownRecordError` (a ``KeyError``) when
        the data holds no policy of the payer for the code or its generic code.
        """
        payer_record = self.payers[payer]
        record = self.codes[code]
        found, under = self._governing_policy(payer_record.id, record)
        if found is None:
            raise UnknownRecordError(
                f"{payer_record.id}/{record.code}",
                tuple(p.id for p in self.policies if p.payer == payer_record.id),
                collection="policies",
            )
        return found, under

    def _governing_policy(
        self, payer_id: str, record: BillingCode
    ) -> tuple[PayerPolicy | None, str]:
        """:meth:`governing_policy` for a payer id and a code record, ``None`` if none
        (what the rules' resolver calls, once per payer and code)."""
        by_code = self._policies_by_payer.get(payer_id)
        if by_code is None:
            by_code = {
                listed: policy
                for policy in self.policies
                if policy.payer == payer_id
                for listed in policy.codes
            }
            self._policies_by_payer[payer_id] = by_code
        found = by_code.get(record.code)
        if found is not None:
            return found, record.code
        for generic in _generic_codes(record):
            found = by_code.get(generic)
            if found is not None:
                return found, generic
        return None, record.code

    def policy(self, payer: str, code: str = "90283") -> PayerPolicy:
        """The payer's policy for ``code``: the one :meth:`governing_policy` finds, so
        ``registry.policy("Aetna", "J1459")`` is Aetna's 90283 policy. Raises
        :class:`~passive_ig.errors.UnknownRecordError` (a ``KeyError``) when the data
        holds none."""
        try:
            return self._policy_hits[payer, code]
        except (KeyError, TypeError):
            pass
        policy = self.governing_policy(payer, code)[0]
        if (
            type(payer) is str
            and type(code) is str
            and len(payer) + len(code) <= _HIT_KEY_LIMIT
            and len(self._policy_hits) < _HITS_LIMIT
        ):
            self._policy_hits[payer, code] = policy
        return policy

    def policies_for(self, code: str = "90283") -> dict[str, PayerPolicy]:
        """Every payer's policy for ``code`` (as :meth:`governing_policy` finds it),
        keyed by payer id, in the payers' order."""
        record = self.codes[code]
        found = {}
        for payer in self.payers:
            policy = self._governing_policy(payer.id, record)[0]
            if policy is not None:
                found[payer.id] = policy
        return found

    def payment_benchmark(self, payer: str, code: str = "90283") -> PaymentBenchmark:
        """What is known about what ``payer`` pays for ``code``: figures with their
        sources, or :class:`~passive_ig.records.NotAvailable` saying what is missing.

        Always answers for a known payer and code: when the data holds nothing for
        the pair, the answer says so.
        """
        payer_record = self.payers[payer]
        record = self.codes[code]
        for benchmark in self.payment_benchmarks:
            if benchmark.payer == payer_record.id and benchmark.code == record.code:
                return benchmark
        missing = NotAvailable(
            reason=f"passive_ig's data holds no payment information for {record.code} "
            f"under {payer_record.name}"
        )
        return PaymentBenchmark(
            id=f"{payer_record.id}-{record.code}",
            payer=payer_record.id,
            code=record.code,
            pricing=missing,
            figures=missing,
            as_of=self.manifest.as_of,
            sources=(),
        )

    def billing_units(
        self,
        code: str,
        *,
        dose_mg: float | int | str,
        discarded_mg: float | int | str | None = None,
    ) -> UnitCount:
        """The billing units of ``code`` for a dose in mg, and for the amount discarded (JW).

        ``registry.billing_units("J1459", dose_mg=35000).units`` is 70. A dose that is
        not a whole number of units gives :class:`~passive_ig.records.NotAvailable`
        with the reason, since how to round is payer policy our sources do not give.
        """
        from .units import billing_units

        return billing_units(self, code, dose_mg=dose_mg, discarded_mg=discarded_mg)

    def criteria_for(self, payer: str, code: str = "90283") -> tuple[CoverageCriterion, ...]:
        """The payer's coverage criteria that apply to the product ``code``: those limited to
        it, to the generic CPT code it stands in for, or to no product in particular.
        A code that is not a product (an administration code) has none.

        >>> from passive_ig import registry
        >>> [c.indication for c in registry.criteria_for("Aetna", "J1459")][:1]
        ['Severe combined immunodeficiency, or congenital agammaglobulinemia']
        >>> registry.criteria_for("Cigna")
        ()
        """
        payer_record = self.payers[payer]
        record = self.codes[code]
        if record.kind not in (CodeKind.IMMUNE_GLOBULIN_PRODUCT, CodeKind.DRUG_PRODUCT):
            return ()  # criteria are about the product given, not its administration
        under = {record.code} | {
            link.code for link in record.related if link.kind is RelationKind.GENERIC_CPT
        }
        return tuple(
            criterion
            for criterion in self.criteria
            if criterion.payer == payer_record.id
            and (not criterion.codes or not under.isdisjoint(criterion.codes))
        )

    def prior_authorization(self, payer: str, code: str = "90283") -> PriorAuthorization:
        """Whether ``payer`` requires prior authorization for ``code``, with the detail."""
        return self.policy(payer, code).prior_authorization

    def related(self, code: str) -> tuple[tuple[RelatedCode, BillingCode], ...]:
        """The codes related to ``code``: each link with the record it points to."""
        record = self.codes[code]
        return tuple((link, self.codes[link.code]) for link in record.related)

    def indications(self, code: str) -> tuple[DiagnosisList, ...] | NotAvailable:
        """The diagnosis lists that apply to ``code``, or why they are not available."""
        record = self.codes[code]
        if isinstance(record.indications, NotAvailable):
            return record.indications
        return tuple(self.diagnosis_lists[key] for key in record.indications)

    def sources_of(self, record: object) -> tuple[Source, ...]:
        """The sources a record rests on, as :class:`~passive_ig.records.Source` records.

        Includes the sources of the records nested inside it (a policy's documents
        and rules), each once, in order of first mention.
        """
        ids: dict[str, None] = {}
        _collect_sources(record, ids)
        return tuple(self.sources[key] for key in ids)


def _generic_codes(record: BillingCode) -> tuple[str, ...]:
    """The generic CPT codes a product-specific code stands in for, in data order."""
    return tuple(link.code for link in record.related if link.kind is RelationKind.GENERIC_CPT)


def _collect_sources(value: object, ids: dict[str, None]) -> None:
    if attrs.has(type(value)):
        for field in attrs.fields(_attrs_type(value)):
            item = getattr(value, field.name)
            if field.name == "sources" and isinstance(item, tuple):
                ids.update(dict.fromkeys(item))
            else:
                _collect_sources(item, ids)
    elif isinstance(value, tuple):
        for item in value:
            _collect_sources(item, ids)


def _cross_check(
    collections: Mapping[str, tuple[Any, ...]],
    results: Mapping[str, _Loaded],
    manifest: Manifest | None,
) -> list[DataProblem]:
    """The second tier over what structured: ``results`` holds how each file read
    went (a collection not in it was loaded before, in full)."""
    from ._integrity import check_data_set

    keys = {spec.name: {spec.key(r) for r in collections[spec.name]} for spec in SPECS}
    unchecked = set()
    for name, result in results.items():
        keys[name] |= result.failed_keys
        if not result.keys_known:
            unchecked.add(name)
    policies = results.get("policies")
    if policies is not None and not policies.complete:
        unchecked.add("billing_rules")  # the rules of a policy that did not structure
    files = {spec.name: spec.file for spec in SPECS}
    from .units import arithmetic

    with arithmetic():
        return check_data_set(collections, keys, files, manifest, unchecked=frozenset(unchecked))


def _duplicate_problems(spec: _Spec, result: Structured[Any]) -> list[DataProblem]:
    seen: dict[str, int] = {}
    problems = []
    for index, record in zip(result.positions, result.records, strict=True):
        key = spec.key(record)
        folded = key.casefold()
        if folded in seen:
            problems.append(
                DataProblem(
                    file=spec.file,
                    path=f"$[{index}]",
                    message=f"duplicate key {key!r} (first at $[{seen[folded]}])",
                )
            )
        else:
            seen[folded] = index
    return problems


registry = Registry()
"""The default registry over the bundled data."""
