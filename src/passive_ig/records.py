"""The typed records passive_ig answers with.

Every record is a frozen, slotted, keyword-only attrs class: immutable, hashable
by value, picklable and deep-copyable. Collections are tuples, kinds are
:class:`enum.Enum` members, dates are :class:`datetime.date`.

Two values deserve a word:

* :class:`NotAvailable` stands where a fact is unknown: the sources we have do
  not establish it. It carries the reason. An empty tuple means the opposite:
  we know there is nothing.
* ``sources`` on a record is a tuple of source ids; ``registry.sources_of(record)``
  turns them into :class:`Source` records with publisher, URL and confidence.

Records are built by the registry from the bundled JSON; you rarely construct one
yourself, except in an overlay or a test.
"""

import datetime as _dt
import decimal
import enum
import operator
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs

from ._values import Confidence, NotAvailable, Origin

__all__ = [
    "BillingCode",
    "BillingRule",
    "BillingUnit",
    "ClinicalWorkflowStep",
    "CodeKind",
    "CodeRange",
    "CodeStatus",
    "CodeSystem",
    "Comparison",
    "Confidence",
    "CoverageCriterion",
    "CoverageDetermination",
    "CriterionKind",
    "Descriptor",
    "DescriptorKind",
    "DeterminationKind",
    "DiagnosisCode",
    "DiagnosisList",
    "DocumentationItem",
    "Effective",
    "ExamplePlan",
    "LabThreshold",
    "Manifest",
    "Measure",
    "Modifier",
    "NotAvailable",
    "Origin",
    "Payer",
    "PayerKind",
    "PayerPolicy",
    "PaymentBenchmark",
    "PaymentFigure",
    "PaymentFigureKind",
    "PlaceOfService",
    "PolicyDocument",
    "PriorAuthStatus",
    "PriorAuthorization",
    "ProviderTaxonomy",
    "RelatedCode",
    "RelationKind",
    "Role",
    "Route",
    "SiteOfCareRule",
    "SiteOfService",
    "Source",
    "TaxonomyKind",
]


# --------------------------------------------------------------------------- values


_R = TypeVar("_R", bound="Record")


class Record:
    """What every record shares: ``to_dict()`` / ``from_dict()`` through the one strict
    converter (so JSON output round-trips), and rich display in Jupyter, where a
    record renders as an HTML table with not-available facts marked and sources
    as links (see :mod:`passive_ig.render.html`).
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data."""
        from ._converter import unstructure

        data: dict[str, Any] = unstructure(self)
        return data

    @classmethod
    def from_dict(cls: type[_R], data: Mapping[str, Any]) -> _R:
        """Build a record from :meth:`to_dict`-style data, strictly.

        Raises :class:`~passive_ig.errors.InvalidInputError` naming every problem.
        """
        from ._converter import structure_input

        return structure_input(data, cls, what=_spaced(cls.__name__))

    # The records of this module share one __eq__, __hash__ and __repr__ (their
    # decorators say eq=False, repr=False) instead of attrs generating and compiling
    # the three for each class: that was half the cost of importing this module,
    # and so of a first answer. They behave as attrs' would: equal when of the same
    # class with equal fields, hashed by value, repr constructor-style and short.
    # (Classes elsewhere that let attrs generate them keep their own.)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = _VALUES.get(self.__class__) or _values_of(self.__class__)
        return bool(values(self) == values(other))

    def __hash__(self) -> int:
        values = _VALUES.get(self.__class__) or _values_of(self.__class__)
        return hash((self.__class__.__qualname__, values(self)))

    def __repr__(self) -> str:
        shown = []
        for field in attrs.fields(_attrs_type(self)):
            if field.repr is not False:
                value = getattr(self, field.name)
                text = _nested_repr(value) if field.repr is True else field.repr(value)
                shown.append(f"{field.name}={text}")
        return f"{self.__class__.__qualname__}({', '.join(shown)})"

    def __str__(self) -> str:
        """A readable one-line label, unlike the constructor-style repr: the record's
        code or id with its name or title (``"JW Drug amount discarded, not given"``)."""
        key = next((getattr(self, n) for n in ("code", "id") if hasattr(self, n)), None)
        words = next(
            (getattr(self, n) for n in ("name", "title", "text", "summary") if hasattr(self, n)),
            None,
        )
        if isinstance(words, str) and key is not None:
            return f"{key} {words}"
        if isinstance(words, str):
            return words
        return repr(self)

    def _repr_html_(self) -> str:
        # the one hook from the model up to its renderer (see passive_ig.render)
        from .render.html import to_html

        return to_html(self, registry=_default_registry_if_loaded())


def _default_registry_if_loaded() -> Any:
    """The default registry, if something has loaded it already, so that a record shown
    in a notebook links its sources; never imported from here (the model sits below it)."""
    module = sys.modules.get("passive_ig.registry")
    return getattr(module, "registry", None) if module is not None else None


_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
"""Each record class's field values as one tuple, for the shared __eq__ and __hash__."""


def _values_of(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [field.name for field in attrs.fields(_attrs_type_of(cls)) if field.eq]
    get: Callable[[Any], tuple[Any, ...]]
    if len(names) == 1:  # attrgetter of one name returns the value, not a tuple
        (name,) = names

        def get_one(record: Any) -> tuple[Any, ...]:
            return (getattr(record, name),)

        get = get_one
    else:
        get = operator.attrgetter(*names)
    _VALUES[cls] = get
    return get


def _spaced(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


_REPR_TEXT = 60
"""The longest text a repr shows whole; longer text is cut with '…'."""
_REPR_ITEMS = 3
"""The most items of a tuple a repr shows; the rest are ``...``."""
_REPR_NESTED = 100
"""The longest repr of a nested record shown whole; a longer one is ``Name(...)``."""


def _short_repr(value: object) -> str:
    """repr() that keeps a record's repr short and constructor-style.

    Long prose is cut with '…'; a tuple shows its first items, then ``...``; a
    record nested inside another shows whole when short, else as ``Name(...)``;
    an enum member shows as ``Kind.MEMBER``. What is short enough to be shown whole
    evaluates back to an equal record (with the record classes and ``datetime`` in
    scope), as attrs' own repr would.
    """
    if isinstance(value, str):
        return repr(value[: _REPR_TEXT - 1] + "…") if len(value) > _REPR_TEXT else repr(value)
    if isinstance(value, tuple):
        items = [_nested_repr(item) for item in value[:_REPR_ITEMS]]
        if len(value) > _REPR_ITEMS:
            items.append("...")
        return f"({items[0]},)" if len(value) == 1 else f"({', '.join(items)})"
    if isinstance(value, enum.Enum):
        return f"{value.__class__.__name__}.{value.name}"
    return repr(value)


def _nested_repr(value: object) -> str:
    text = _short_repr(value)
    if len(text) > _REPR_NESTED and attrs.has(type(value)):
        return f"{value.__class__.__qualname__}(...)"
    return text


def _short_reprs(cls: type, fields: "list[attrs.Attribute[Any]]") -> "list[attrs.Attribute[Any]]":
    return [f.evolve(repr=_nested_repr) if f.repr is True else f for f in fields]


def _attrs_type(value: object) -> type[attrs.AttrsInstance]:
    """The attrs class of a record (for code that walks records field by field)."""
    return cast("type[attrs.AttrsInstance]", type(value))


def _attrs_type_of(kind: type[Any]) -> type[attrs.AttrsInstance]:
    return cast("type[attrs.AttrsInstance]", kind)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Effective(Record):
    """When something applies.

    ``start`` is the first day, or :class:`NotAvailable` when our sources do not
    give it. ``end`` is the last day, ``None`` when it is still in effect, or
    :class:`NotAvailable` when whether or when it ended is unknown.
    """

    start: _dt.date | NotAvailable
    end: _dt.date | NotAvailable | None = None

    def covers(self, day: _dt.date) -> bool:
        """Whether ``day`` falls inside the period. Unknown bounds are treated as open."""
        if isinstance(self.start, _dt.date) and day < self.start:
            return False
        return not (isinstance(self.end, _dt.date) and day > self.end)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Source(Record):
    """A document a fact rests on.

    ``url`` is the issuer's own address. Where the issuer's text was read through a
    copy on another host (confidence ``PRIMARY_MIRROR``), ``read_via`` names that copy;
    it is empty otherwise. ``as_of`` is the day the document was read.
    """

    id: str
    publisher: str
    title: str
    url: str
    confidence: Confidence
    as_of: _dt.date | NotAvailable
    note: str = ""
    read_via: str = ""
    """The address of the copy the issuer's text was read through, for a primary-mirror source."""
    origin: Origin = Origin.BUNDLED

    def __str__(self) -> str:
        """``"[cms-mln-ivig-2024] CMS: MLN product ... (primary) https://..."``."""
        return f"[{self.id}] {self.publisher}: {self.title} ({self.confidence.value}) {self.url}"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Manifest(Record):
    """What the data set is: its version, the day it describes, and where it came from."""

    data_version: str
    as_of: _dt.date
    title: str
    description: str
    sources: tuple[str, ...]
    files: tuple[str, ...]


# --------------------------------------------------------------------------- codes


class CodeSystem(enum.Enum):
    """The code set a billing code belongs to."""

    CPT = "CPT"
    HCPCS = "HCPCS"


class CodeKind(enum.Enum):
    """What a billing code pays for."""

    IMMUNE_GLOBULIN_PRODUCT = "immune-globulin-product"
    """A CPT product code of the 90281-90399 family: the supply of the product only."""
    DRUG_PRODUCT = "drug-product"
    """A HCPCS Level II drug code, billed in units of the product."""
    ADMINISTRATION = "administration"
    """Giving the product: infusion, injection or push."""
    HOME_INFUSION_SERVICES = "home-infusion-services"
    """Items and services for giving IVIG at home (Medicare Q2052)."""
    PREADMINISTRATION = "preadministration"
    """Services before an IVIG infusion (the historical G0332)."""


class CodeStatus(enum.Enum):
    """Whether a code can still be billed."""

    ACTIVE = "active"
    DELETED = "deleted"


class Route(enum.Enum):
    """How a product is given."""

    INTRAVENOUS = "intravenous"
    SUBCUTANEOUS = "subcutaneous"
    INTRAMUSCULAR = "intramuscular"
    ANY = "any"


class DescriptorKind(enum.Enum):
    """Whose words a descriptor is.

    CPT descriptors are AMA copyright, so the bundled data only ever holds
    ``PARAPHRASE``. A user holding a licence can add ``LICENSED`` text in an overlay.
    """

    PARAPHRASE = "paraphrase"
    LICENSED = "licensed"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Descriptor(Record):
    """What a code means, in plain language."""

    text: str
    kind: DescriptorKind = DescriptorKind.PARAPHRASE

    @property
    def is_paraphrase(self) -> bool:
        """True when this is our own wording, not an official descriptor."""
        return self.kind is DescriptorKind.PARAPHRASE


class Measure(enum.Enum):
    """What a billing unit counts."""

    MILLIGRAM = "mg"
    INTERNATIONAL_UNIT = "IU"
    MILLILITRE = "mL"
    VIAL = "vial"
    HOUR = "hour"
    MINUTE = "min"
    """Minutes of service, e.g. ``BillingUnit(quantity=15, measure=Measure.MINUTE)``: a
    unit per 15 minutes (Medicare's Q2052 visit length)."""
    INFUSION_DAY = "infusion day"
    SERVICE = "service"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class BillingUnit(Record):
    """One billing unit of a code, e.g. 500 mg for the IVIG J-codes.

    ``sources`` are the sources that state the unit, where the data names them
    apart from the code's other sources (a units finding cites these).
    """

    quantity: int
    measure: Measure
    sources: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.quantity == 1:
            return f"per {self.measure.value}"
        return f"per {self.quantity} {self.measure.value}"


class RelationKind(enum.Enum):
    """How a related code relates to the code that lists it."""

    ADMINISTRATION = "administration"
    """Bill this administration code beside the product code."""
    PRODUCT_SPECIFIC_HCPCS = "product-specific-hcpcs"
    """A HCPCS code that names the product, used where a payer wants it instead."""
    GENERIC_CPT = "generic-cpt"
    """The CPT product code that this product-specific HCPCS code stands in for."""
    SIBLING_PRODUCT = "sibling-product"
    """Another immune globulin product code of the same family."""
    ADD_ON = "add-on"
    """Reported in addition to this code, never alone."""
    PRIMARY = "primary"
    """The code this add-on code is reported with."""
    HOME_INFUSION_SERVICES = "home-infusion-services"
    """The bundle of home infusion items and services for this drug."""
    REPLACED_BY = "replaced-by"
    REPLACES = "replaces"
    PREADMINISTRATION = "preadministration"
    """The preadministration service that went with this product (G0332, historical)."""
    PRODUCT = "product"
    """A product code this administration or service code is billed beside."""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class RelatedCode(Record):
    """A link from one billing code to another, with the kind of link and its sources."""

    code: str
    kind: RelationKind
    note: str = ""
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class SiteOfService(Record):
    """A setting where the service is typically given, with its place-of-service codes.

    ``place_of_service`` is :class:`NotAvailable` where no code for the setting is
    verified (there is, for instance, no verified code for an infusion center).
    """

    setting: str
    place_of_service: tuple[str, ...] | NotAvailable
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class BillingCode(Record):
    """A CPT or HCPCS Level II code and what a biller needs to know about it."""

    code: str
    system: CodeSystem
    kind: CodeKind
    descriptor: Descriptor | NotAvailable
    service_type: str
    routes: tuple[Route, ...] | NotAvailable
    billing_unit: BillingUnit | NotAvailable | None
    """``None``: the descriptor names no unit, so one line reports the supply given."""
    products: tuple[str, ...] = ()
    """Brand names the code covers, where the code is product-specific."""
    single_dose_container: bool | NotAvailable | None
    """Whether the drug comes in single-dose containers (drives the JW/JZ rules);
    ``None`` for codes that are not drugs, where the question does not arise."""
    typical_sites: tuple[SiteOfService, ...] | NotAvailable
    related: tuple[RelatedCode, ...]
    indications: tuple[str, ...] | NotAvailable
    """Ids of the diagnosis lists that apply (see ``registry.diagnosis_lists``)."""
    taxonomies: tuple[str, ...] | NotAvailable
    """NUCC provider taxonomy codes of the providers who typically bill it."""
    effective: Effective
    status: CodeStatus | NotAvailable
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED

    def __str__(self) -> str:
        """``"HCPCS J1459 Privigen: Privigen intravenous immune globulin, billed per 500 mg.
        (per 500 mg)"``: system, code, brands, descriptor and unit."""
        brands = f" {'/'.join(self.products)}" if self.products else ""
        text = (
            "descriptor not available"
            if isinstance(self.descriptor, NotAvailable)
            else self.descriptor.text
        )
        unit = self.billing_unit
        per = f" ({unit})" if isinstance(unit, BillingUnit) else ""
        return f"{self.system.value} {self.code}{brands}: {text}{per}"

    @property
    def is_multi_route(self) -> bool:
        """True when one code covers more than one route (JA/JB then say which)."""
        return isinstance(self.routes, tuple) and len(self.routes) > 1


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DiagnosisCode(Record):
    """An ICD-10-CM code on a diagnosis list, with a condition of use where one applies."""

    code: str
    note: str = ""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DiagnosisList(Record):
    """ICD-10-CM codes that a policy or guide ties to a service.

    ``complete`` is False when the source list was cut off: the codes shown are on
    the list, but a code missing from it may still be covered.
    """

    id: str
    title: str
    payer: str | None
    determination: str | None
    applies_to: tuple[str, ...]
    codes: tuple[DiagnosisCode, ...]
    complete: bool
    note: str = ""
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED

    def covers(self, code: str) -> bool:
        """Whether the list names ``code``, cleaned first: ``"d80.0"``, ``"D800"`` and
        ``" D80.0 "`` are all ``"D80.0"``.

        Raises :class:`~passive_ig.errors.InvalidCodeFormat` (a ``ValueError``) for
        what cannot be an ICD-10-CM code. ``code in dx_list`` is the same test, and
        is False instead for such input.

        >>> from passive_ig import registry
        >>> pidd = registry.diagnosis_lists["medicare-home-ivig-pidd"]
        >>> pidd.covers("d80.0"), pidd.covers("D800"), pidd.covers("L10.0")
        (True, True, False)
        """
        from .codes import validate_diagnosis

        clean = validate_diagnosis(code)
        return any(entry.code == clean for entry in self.codes)

    def __contains__(self, code: object) -> bool:
        from .codes import is_valid_diagnosis

        return is_valid_diagnosis(code) and self.covers(code)  # type: ignore[arg-type]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PlaceOfService(Record):
    """A CMS place-of-service code."""

    code: str
    name: str | NotAvailable
    home_type: bool
    """Accepted as a home for Medicare's home IVIG benefit (Q2052 and the drug line)."""
    effective: Effective
    note: str = ""
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED


class TaxonomyKind(enum.Enum):
    """Whether a NUCC taxonomy code describes an organization or an individual."""

    ORGANIZATION = "organization"
    INDIVIDUAL = "individual"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ProviderTaxonomy(Record):
    """A NUCC health care provider taxonomy code."""

    code: str
    name: str
    kind: TaxonomyKind
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED


# --------------------------------------------------------------------------- modifiers


@attrs.frozen(kw_only=True, eq=False, repr=False)
class CodeRange(Record):
    """An inclusive range of codes of one shape, e.g. 90281 to 90399; one code when equal."""

    first: str
    last: str

    def __contains__(self, code: object) -> bool:
        return (
            isinstance(code, str)
            and len(code) == len(self.first)
            and code[:1].isdigit() == self.first[:1].isdigit()
            and self.first <= code <= self.last
        )

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}-{self.last}"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Modifier(Record):
    """A CPT or HCPCS modifier and the rules for it on immune globulin claims.

    ``placeholder`` marks a value that is not a real modifier (the source
    publication's "00", meaning no modifier); it must never be sent on a claim.
    """

    code: str
    name: str
    description: str
    when_to_use: str
    when_not_to_use: str | NotAvailable
    applies_to: tuple[CodeRange, ...] | NotAvailable
    not_on: tuple[CodeRange, ...] = ()
    """Codes this modifier must not be reported on."""
    payers: tuple[str, ...]
    """Ids of the payers whose rules this comes from; empty for a general coding convention."""
    not_with: tuple[str, ...] = ()
    """Modifiers that must not be reported on the same line."""
    effective: Effective
    placeholder: bool = False
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED


# --------------------------------------------------------------------------- payers


class PayerKind(enum.Enum):
    """What sort of payer this is."""

    COMMERCIAL = "commercial"
    FEDERATION = "federation"
    """Independent plans under one brand, each setting its own policy (Blue Cross Blue Shield)."""
    GOVERNMENT = "government"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Payer(Record):
    """A payer, with the names billing staff call it by."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: PayerKind
    note: str = ""
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED

    def __str__(self) -> str:
        """``"UnitedHealthcare (uhc; also UHC, United)"``."""
        also = f"; also {', '.join(self.aliases)}" if self.aliases else ""
        return f"{self.name} ({self.id}{also})"


class PriorAuthStatus(enum.Enum):
    """Whether a payer requires prior authorization (precertification)."""

    REQUIRED = "required"
    NOT_REQUIRED = "not-required"
    VARIES_BY_PLAN = "varies-by-plan"
    NOT_AVAILABLE = "not-available"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PriorAuthorization(Record):
    """A payer's prior authorization requirement, with what it asks for."""

    status: PriorAuthStatus
    detail: str
    effective: Effective
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class SiteOfCareRule(Record):
    """A payer's steer on where the infusion is given.

    ``preferred`` and ``non_preferred`` are place-of-service codes; settings with
    no verified code (a standalone infusion center) are named in ``preferred_settings``.
    """

    summary: str
    document: str | None
    """The number or title of the document that sets the rule."""
    preferred: tuple[str, ...] | NotAvailable
    preferred_settings: tuple[str, ...] = ()
    non_preferred: tuple[str, ...]
    exceptions: str = ""
    effective: Effective
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PolicyDocument(Record):
    """A published policy: its number, title, where to read it and when it took effect."""

    number: str | NotAvailable
    title: str
    issuer: str
    url: str | NotAvailable
    effective: Effective
    note: str = ""
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class BillingRule(Record):
    """A billing rule a payer states, in our words, with a stable id."""

    id: str
    summary: str
    codes: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    effective: Effective
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ExamplePlan(Record):
    """One plan of a federation (a Blue Cross Blue Shield licensee) and its own policy."""

    name: str
    note: str = ""
    documents: tuple[PolicyDocument, ...]
    prior_authorization: PriorAuthorization | NotAvailable
    site_of_care: tuple[SiteOfCareRule, ...] | NotAvailable
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PayerPolicy(Record):
    """What one payer says about the codes it governs: coverage, prior authorization,
    site of care, its documents, its billing rules and the coverage determinations
    that apply."""

    id: str
    payer: str
    codes: tuple[str, ...]
    coverage_summary: str
    prior_authorization: PriorAuthorization
    site_of_care: tuple[SiteOfCareRule, ...] | NotAvailable
    documents: tuple[PolicyDocument, ...]
    billing_rules: tuple[BillingRule, ...]
    coverage_determinations: tuple[str, ...] = ()
    example_plans: tuple[ExamplePlan, ...] = ()
    not_available: tuple[NotAvailable, ...] = ()
    """Facts a biller would want from this payer that our sources do not give."""
    as_of: _dt.date
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED

    def __str__(self) -> str:
        """``"aetna-90283: aetna's policy for 90283, as of 2026-11-26; prior authorization
        required"``."""
        codes = ", ".join(self.codes[:3]) + (", ..." if len(self.codes) > 3 else "")
        status = self.prior_authorization.status.value.replace("-", " ")
        return (
            f"{self.id}: {self.payer}'s policy for {codes}, as of {self.as_of}; "
            f"prior authorization {status}"
        )


class DeterminationKind(enum.Enum):
    """The kind of Medicare coverage document."""

    NCD = "national-coverage-determination"
    LCD = "local-coverage-determination"
    BILLING_ARTICLE = "billing-and-coding-article"
    POLICY_ARTICLE = "policy-article"
    MANUAL = "manual"
    STATUTE = "statute"
    REGULATION = "regulation"
    DEMONSTRATION = "demonstration"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class CoverageDetermination(Record):
    """A Medicare coverage document: an NCD, an LCD, a billing article, a manual section,
    a statute or rule, with its contractor where known and what it sets."""

    id: str
    kind: DeterminationKind
    title: str
    contractor: str | NotAvailable | None
    """The MAC that issued it; ``None`` for national documents."""
    effective: Effective
    revised: _dt.date | NotAvailable | None = None
    summary: str
    billing_rules: tuple[str, ...] = ()
    """Ids of the payer billing rules this document sets (see ``PayerPolicy.billing_rules``)."""
    codes: tuple[str, ...] = ()
    diagnosis_lists: tuple[str, ...] = ()
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED


# --------------------------------------------------------------------------- criteria


class CriterionKind(enum.Enum):
    """What a coverage criterion says of its indication."""

    COVERED = "covered"
    """Covered (medically necessary) when the criterion's conditions hold."""
    COVERED_OFF_LABEL = "covered-off-label"
    """Covered for a use outside the product's label, when the conditions hold."""
    NOT_COVERED = "not-covered"
    """Not covered: excluded, or considered investigational."""


class Comparison(enum.Enum):
    """How a lab result compares with a threshold."""

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


@attrs.frozen(kw_only=True, eq=False, repr=False)
class LabThreshold(Record):
    """A lab result a criterion asks for: ``serum IgG < 500 mg/dL``, with any alternative."""

    test: str
    comparison: Comparison
    value: decimal.Decimal
    unit: str
    alternative: str = ""
    """Another way the criterion is met, in our words (e.g. a genetic confirmation)."""

    def __str__(self) -> str:
        text = f"{self.test} {self.comparison.value} {self.value} {self.unit}".rstrip()
        return f"{text}, {self.alternative}" if self.alternative else text


@attrs.frozen(kw_only=True, eq=False, repr=False)
class CoverageCriterion(Record):
    """When one payer's document covers immune globulin for one indication, in our words.

    The conditions a person checks (labs, prerequisites, age) sit beside what a
    check can use: the diagnosis list that names the indication's codes, where the
    data holds one (``None`` when the criterion names no codes, :class:`NotAvailable`
    when its list exists but was not read), and the product codes it is limited to
    (empty: every immune globulin product the payer's policy governs).
    """

    id: str
    payer: str
    document: str
    """The payer's document: a policy number and title, or a coverage document's id."""
    indication: str
    kind: CriterionKind
    diagnosis_list: str | NotAvailable | None = None
    codes: tuple[str, ...] = ()
    age: str = ""
    labs: tuple[LabThreshold, ...] = ()
    prerequisites: tuple[str, ...] = ()
    approval_months: int | NotAvailable | None = None
    """How many months a first approval lasts; ``None`` when the document sets no period."""
    renewal_months: int | NotAvailable | None = None
    """How many months each renewal lasts; ``None`` when the document sets none."""
    effective: Effective
    note: str = ""
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED


# --------------------------------------------------------------------------- workflow


class Role(enum.Enum):
    """Who does a workflow step."""

    PHYSICIAN = "physician"
    PHARMACY = "pharmacy"
    NURSING = "nursing"
    BILLING = "billing"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DocumentationItem(Record):
    """Something the record must show at a workflow step, and why."""

    key: str
    what: str
    why: str = ""
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ClinicalWorkflowStep(Record):
    """One step of the clinical workflow for a code, in order, with what it must document."""

    code: str
    order: int
    role: Role
    title: str
    activities: tuple[str, ...]
    documentation: tuple[DocumentationItem, ...]
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED


# --------------------------------------------------------------------------- payment


class PaymentFigureKind(enum.Enum):
    """What a payment figure is."""

    FEE_SCHEDULE_AMOUNT = "fee-schedule-amount"
    """The amount a published fee schedule sets."""
    PROPOSED_FEE_SCHEDULE_AMOUNT = "proposed-fee-schedule-amount"
    """The amount a proposed rule put forward, before the final rule."""
    DEMONSTRATION_RATE = "demonstration-rate"
    """The rate a payment demonstration paid."""
    PAYMENT_LIMIT = "payment-limit"
    """A payment limit, such as an ASP-based limit for a drug code."""
    CONTRACT_RATE = "contract-rate"
    """A rate from a contract (user-supplied figures, through an overlay)."""
    NEGOTIATED_RATE_STATISTIC = "negotiated-rate-statistic"
    """A statistic over negotiated rates (e.g. a median from price-transparency files)."""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PaymentFigure(Record):
    """One figure: what it is, the amount, what one unit is, the code and period it is for."""

    kind: PaymentFigureKind
    amount: decimal.Decimal
    currency: str = "USD"
    code: str
    """The code the figure is for (for Medicare home IVIG services, Q2052)."""
    unit: str
    """What the amount pays for, e.g. 'per infusion day'."""
    effective: Effective
    note: str = ""
    sources: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PaymentBenchmark(Record):
    """What is known about what one payer pays for one code, with sources.

    ``figures`` holds the amounts our sources give, or :class:`NotAvailable` with
    the reason when they give none. ``pricing`` says how the payer prices the
    code, where that is known; ``not_available`` lists further figures a biller
    would want that are missing.
    """

    id: str
    payer: str
    code: str
    pricing: str | NotAvailable
    figures: tuple[PaymentFigure, ...] | NotAvailable
    related: tuple[str, ...] = ()
    """Ids of other benchmarks that bear on this one (e.g. the home IVIG services bundle)."""
    not_available: tuple[NotAvailable, ...] = ()
    as_of: _dt.date
    sources: tuple[str, ...]
    origin: Origin = Origin.BUNDLED
