"""The catalog's records: frozen structs (msgspec), no I/O."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

import msgspec
from msgspec import field


class LineDict(dict):
    """A dict that knows the 1-based line of the mapping it was loaded from."""

    __slots__ = ("line",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 0


CATEGORIES = ("environmental", "social", "governance", "economic")



class Kind(StrEnum):
    """How a value came about."""

    reported = "reported"  # printed in a report
    derived = "derived"  # computed by esgcmp from reported components
    implied = "implied"  # implied by a reported ratio and its reported numerator
    missing = "missing"  # not there; the reason travels with it


class ElectricityBasis(StrEnum):
    """How electricity counts in a derived energy total (GB/T 2589)."""

    calorific = "calorific"  # calorific-equivalent (當量值), 0.1229 kgce/kWh
    generation = "generation"  # generation-equivalent (等價值), a year-specific coefficient


class Framework(StrEnum):
    """Reporting frameworks whose codes a metric may carry."""

    hkex = "hkex"
    gri = "gri"


# Flags a value can carry, and what each means (docs/catalog.md).
FLAGS: dict[str, str] = {
    "approx": "the report hedges the figure: approximately, about, over, nearly (約, 餘, 超過, "
              "近); not \"as many as\" (多達), which gives an exact figure",
    "restated": "restated onto the report's current basis: comparable with that report's "
                "other years, not with an earlier printing of the same year",
    "not_comparable": "the basis or method changed: a change from the previous year says "
                      "nothing about the company",
    "scope": "the value covers only part of the company",
    "misprint": "the report contradicts itself; see the note",
    "artefact": "the printed text was damaged in extraction; see the note",
    "estimated": "the value is an estimate",
    "derived": "computed by esgcmp from other catalog values",
    "implied": "implied by a reported ratio and a total; never reported",
    "sources_disagree": "two printings differ by more than their printed precision explains",
    "inconsistent": "`esgcmp check` names the value in a warning or error",
    "basis_differs": "in a comparison (in a trend, among the companies of a year): the value "
                     "is on another basis than the others",
    "partial": "a derived total from fewer components than the total requires (asked for)",
}
# Flags esgcmp sets itself; a catalog may not.
COMPUTED_FLAGS = ("derived", "implied", "sources_disagree", "inconsistent", "basis_differs",
                  "partial")
# Flags after which a change between years says nothing about the company.
NO_TREND_FLAGS = ("not_comparable",)

# What a value counts and where: the aspects a catalog may state (docs/catalog.md). Two
# values are on one basis when every aspect either states is stated alike by both.
BASIS_ASPECTS: dict[str, str] = {
    "boundary": "what part of the company the figure covers, where it is not the whole "
                "entity (\"certain subsidiaries\", \"contract staff only\")",
    "scopes": "the GHG scopes included, e.g. `1+2`",
    "scope2_method": "`location-based` or `market-based`, where the report says",
    "definition": "what is counted, where companies or years count differently (\"deaths "
                  "only\", \"applications filed\")",
    "electricity": "how electricity counts in an energy total (`calorific-equivalent`, "
                   "`generation-equivalent`)",
}
Basis = tuple[tuple[str, str], ...]  # (aspect, text) pairs in BASIS_ASPECTS order
NOT_STATED = "not stated"
# What an aspect a value leaves out means: a boundary is stated only where it is narrower
# than the entity the company is.
UNSTATED = {"boundary": "the whole entity"}


def unstated(aspect: str) -> str:
    return UNSTATED.get(aspect, NOT_STATED)


def basis_of(pairs: dict[str, str]) -> Basis:
    """A basis from a mapping of aspects, in the documented order."""
    return tuple((aspect, pairs[aspect]) for aspect in BASIS_ASPECTS if pairs.get(aspect))


def basis_differences(first: Basis, second: Basis) -> list[tuple[str, str, str]]:
    """(aspect, first's text, second's text) for every aspect either states and the two
    state differently; an aspect one leaves out is 'not stated' (a boundary: 'the whole
    entity')."""
    one, two = dict(first), dict(second)
    return [(aspect, one.get(aspect, unstated(aspect)), two.get(aspect, unstated(aspect)))
            for aspect in BASIS_ASPECTS
            if (aspect in one or aspect in two) and one.get(aspect) != two.get(aspect)]
# Flags about one printing of a value, which a value computed from it does not inherit.
PRINTING_FLAGS = ("sources_disagree",)


def inherited(*flag_sets: tuple[str, ...], besides: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The flags a computed value carries from its inputs: each once, in order, without
    those about a printing and without ``besides`` (the flags it sets itself)."""
    return tuple(dict.fromkeys(f for flags in flag_sets for f in flags
                               if f not in PRINTING_FLAGS and f not in besides))


class Origin(msgspec.Struct, frozen=True):
    """Where something is defined in a catalog file."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Metric(msgspec.Struct, frozen=True):
    id: str
    name: str
    unit: str
    category: str
    origin: Origin
    name_zh: str = ""
    hkex: tuple[str, ...] = ()  # HKEX ESG Reporting Guide KPI codes
    gri: tuple[str, ...] = ()  # GRI disclosure codes
    description: str = ""
    aliases: tuple[str, ...] = ()
    signed: bool = False  # may be negative (a profit, a change)
    parts: tuple[str, ...] = ()  # metrics that add up to this one (or, for rates, bound it)
    ratio_of: tuple[str, str] | None = None  # (numerator, denominator) of a reported ratio
    density: str = ""  # mass per volume, for a substance reported either way: "1 t/m3"
    change_of: str = ""  # the metric whose change from the year before this one is


class Source(msgspec.Struct, frozen=True):
    id: str
    file: str
    origin: Origin
    title: str = ""
    language: str = ""
    short: str = ""

    @property
    def name(self) -> str:
        """What people call the report: its short name, else its title, else its file."""
        return self.short or self.title or self.file

    def cite(self, line: int, page: int | None = None) -> str:
        """A line of the report as people read it: ``CU CSR 2020, line 4299``; in a PDF,
        ``Acme ESG 2022, page 31, line 12``."""
        return f"{self.name}, page {page}, line {line}" if page else f"{self.name}, line {line}"


class Explanation(msgspec.Struct, frozen=True):
    """A metric a company's report says it does not disclose, and why, cited like a value:
    ``esgcmp coverage`` shows its HKEX KPI as explained."""

    metric: str
    reason: str
    source: str  # the company's source id the reason is printed in
    line: int
    years: tuple[int, ...] = ()  # the years it covers; () for every year
    page: int | None = None


class Company(msgspec.Struct, frozen=True):
    id: str
    name: str
    origin: Origin
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    parent: str = ""
    entity: str = ""
    not_reported: tuple[Explanation, ...] = ()


class Citation(msgspec.Struct, frozen=True):
    """The same figure printed in a second source."""

    source: Source
    line: int
    label: str
    unit: str
    value: Decimal | None  # as printed in that source
    printed: str | None = None
    normalized: Decimal | None = None  # in the metric's unit
    approx: bool = False  # this printing hedges the figure
    notes: str = ""
    page: int | None = None  # a PDF's page the line is on (the line counts on that page)


class Observation(msgspec.Struct, frozen=True):
    """One reported value: company, metric, year, exactly as printed, and where."""

    company: str
    metric: str
    year: int
    value: Decimal  # the number as printed, magnitudes not applied
    unit: str  # the unit as printed
    label: str
    source: Source
    line: int
    factor: Decimal  # value x factor = the value in the metric's unit
    origin: Origin  # where in the catalog
    printed: str | None = None  # literal text on the line, when it is not the plain number
    flags: tuple[str, ...] = ()
    notes: str = ""
    conversion_note: str = ""
    also: tuple[Citation, ...] = field(default=())
    basis: tuple[tuple[str, str], ...] = ()  # what it counts and where (BASIS_ASPECTS)
    page: int | None = None  # a PDF's page the line is on (the line counts on that page)

    @property
    def normalized(self) -> Decimal:
        """The value in the metric's unit (computed, so that millions of values need not
        keep a second number each)."""
        return self.value * self.factor

    @property
    def reference(self) -> str:
        return f"{self.source.file}:{self.line}"


Shard = dict[str, dict[int, Observation]]  # company -> year -> value, for one metric


class Parts(msgspec.Struct):
    """What catalog files define, in layering order: what the reader builds, the store
    keeps and a Catalog is made of."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    sources: dict[str, dict[str, Source]] = field(default_factory=dict)  # by company
    shards: dict[str, Shard] = field(default_factory=dict)  # by metric
    files: list[str] = field(default_factory=list)


# ---- computed records: what the core returns -------------------------------------------

class Why(StrEnum):
    """Why a company has no value for a metric and year."""

    not_reported = "not_reported"  # the company never reports the metric
    not_for_year = "not_for_year"  # it reports other years (``years``)
    no_components = "no_components"  # no total, and none of the components to derive one
    components_missing = "components_missing"  # some components lack the year (``absent``)
    partial = "partial"  # components the total requires are never reported (``absent``)
    carrier_elsewhere = "carrier_elsewhere"  # a carrier under another metric (``absent``)
    total_elsewhere = "total_elsewhere"  # a total under another metric (``absent``)
    lacks_part = "lacks_part"  # as partial, for a total never summed in part (GHG scopes)
    zero_denominator = "zero_denominator"  # an intensity's denominator is 0


class Missing(msgspec.Struct, frozen=True):
    """A company that has no value for a metric (and year), and why."""

    company: str
    why: Why
    year: int | None = None
    years: tuple[int, ...] = ()  # the years it does report
    absent: tuple[str, ...] = ()  # components without a value for the year
    per: str = ""  # set when what is missing is an intensity's denominator
    # what the company printed instead: its change from the year before, under a metric
    # that declares ``change_of`` this one
    change: Value | None = None


class Input(msgspec.Struct, frozen=True):
    """One component of a derived value."""

    observation: Observation
    unit: str  # the component metric's unit, in which observation.normalized is
    coefficient: str  # as applied, e.g. "0.1229 kgce/kWh"
    contribution: Decimal  # in the derived value's unit


class Derivation(msgspec.Struct, frozen=True):
    """How a derived total was made: the standard, the electricity basis (of an energy
    total), the components summed and those the company never reports."""

    standard: str
    electricity: ElectricityBasis | None  # an energy total's; None for a sum of one kind
    components: tuple[str, ...]
    unreported: tuple[str, ...]


class Implication(msgspec.Struct, frozen=True):
    """How an implied value was made: numerator / reported ratio."""

    numerator_metric: str
    numerator_value: Decimal
    numerator_unit: str
    ratio_metric: str
    ratio_value: Decimal
    ratio_unit: str
    references: tuple[str, ...]


class Value(msgspec.Struct, frozen=True):
    """A value of one company, metric and year, reported, derived or implied, in ``unit``."""

    company: str
    metric: str
    year: int
    value: Decimal
    unit: str
    kind: Kind
    observation: Observation | None = None
    how: Derivation | Implication | None = None
    inputs: tuple[Input, ...] = ()
    flags: tuple[str, ...] = ()
    notes: str = ""
    basis: Basis = ()
    findings: tuple[Any, ...] = ()  # the check warnings and errors that name it (check.Finding)


def change_pct(before: Decimal, change: Decimal) -> Decimal | None:
    """A change in per cent of the value before it, to 2 decimals; None from zero."""
    return (change / abs(before) * 100).quantize(Decimal("0.01")) if before else None


def cagr_pct(before: Decimal, after: Decimal, years: int) -> Decimal | None:
    """The compound annual growth rate, in per cent to 2 decimals:
    (after / before) ** (1 / years) - 1; None unless both values are above 0."""
    if before <= 0 or after <= 0:
        return None
    return (((after / before) ** (Decimal(1) / years) - 1) * 100).quantize(Decimal("0.01"))


class Change(msgspec.Struct, frozen=True):
    """A value against the previous year the company reported."""

    value: Value
    previous: Value | None
    change: Decimal | None
    change_pct: Decimal | None
    not_comparable: tuple[str, ...] = ()  # flags that make the change meaningless
    basis_changed: tuple[tuple[str, str, str], ...] = ()  # (aspect, before, after)

    @property
    def comparable(self) -> bool:
        """Whether the change says something about the company: no flag and no change of
        basis between the two years."""
        return not self.not_comparable and not self.basis_changed

    @property
    def cagr_pct(self) -> Decimal | None:
        """The compound annual growth rate since the previous value (:func:`cagr_pct`)."""
        if self.previous is None:
            return None
        return cagr_pct(self.previous.value, self.value.value,
                        self.value.year - self.previous.year)

    @property
    def gap(self) -> bool:
        """Whether years lie between this one and the previous."""
        return self.previous is not None and self.value.year - self.previous.year != 1


class YearRule(StrEnum):
    """How the year of a comparison was chosen."""

    requested = "requested"  # --year
    common = "common"  # the latest year every compared company has
    any = "any"  # no common year: the latest year any company has


class YearChoice(msgspec.Struct, frozen=True):
    year: int
    rule: YearRule

    def year_for(self, years: list[int]) -> int:
        """The year to show for a company with these years: the chosen one, or with no
        common year (``YearRule.any``) the company's latest."""
        return max(years) if self.rule is YearRule.any and years else self.year
