"""The catalog's records: frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


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
    "approx": "the report says approximately / over / about (約, 餘, 多, 超過)",
    "restated": "the statistical basis was changed and earlier years restated",
    "not_comparable": "a method change makes the value not comparable with other years",
    "scope": "the value covers only part of the company",
    "misprint": "the report contradicts itself; see the note",
    "artefact": "the printed text was damaged in extraction; see the note",
    "estimated": "the value is an estimate",
    "derived": "computed by esgcmp from other catalog values",
    "implied": "implied by a reported ratio and a total; never reported",
    "sources_disagree": "two sources print different values",
}
# Flags esgcmp sets itself; a catalog may not.
COMPUTED_FLAGS = ("derived", "implied", "sources_disagree")
# Flags after which a change between years says nothing about the company.
NO_TREND_FLAGS = ("restated", "not_comparable")
# Flags about one printing of a value, which a value computed from it does not inherit.
PRINTING_FLAGS = ("sources_disagree",)


def inherited(*flag_sets: tuple[str, ...], besides: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The flags a computed value carries from its inputs: each once, in order, without
    those about a printing and without ``besides`` (the flags it sets itself)."""
    return tuple(dict.fromkeys(f for flags in flag_sets for f in flags
                               if f not in PRINTING_FLAGS and f not in besides))


@dataclass(frozen=True, slots=True)
class Origin:
    """Where something is defined in a catalog file."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Metric:
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


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    origin: Origin
    title: str = ""
    language: str = ""


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    origin: Origin
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    parent: str = ""
    entity: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
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


@dataclass(frozen=True, slots=True)
class Observation:
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

    @property
    def normalized(self) -> Decimal:
        """The value in the metric's unit (computed, so that millions of values need not
        keep a second number each)."""
        return self.value * self.factor

    @property
    def reference(self) -> str:
        return f"{self.source.file}:{self.line}"


Shard = dict[str, dict[int, Observation]]  # company -> year -> value, for one metric


@dataclass
class Parts:
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
    zero_denominator = "zero_denominator"  # an intensity's denominator is 0


@dataclass(frozen=True)
class Missing:
    """A company that has no value for a metric (and year), and why."""

    company: str
    why: Why
    year: int | None = None
    years: tuple[int, ...] = ()  # the years it does report
    absent: tuple[str, ...] = ()  # components without a value for the year
    per: str = ""  # set when what is missing is an intensity's denominator


@dataclass(frozen=True)
class Input:
    """One component of a derived value."""

    observation: Observation
    unit: str  # the component metric's unit, in which observation.normalized is
    coefficient: str  # as applied, e.g. "0.1229 kgce/kWh"
    contribution: Decimal  # in the derived value's unit


@dataclass(frozen=True)
class Derivation:
    """How a derived total was made: the standard, the electricity basis, the components
    summed and those the company never reports."""

    standard: str
    electricity: ElectricityBasis
    components: tuple[str, ...]
    unreported: tuple[str, ...]


@dataclass(frozen=True)
class Implication:
    """How an implied value was made: numerator / reported ratio."""

    numerator_metric: str
    numerator_value: Decimal
    numerator_unit: str
    ratio_metric: str
    ratio_value: Decimal
    ratio_unit: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class Value:
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


@dataclass(frozen=True)
class Change:
    """A value against the previous year the company reported."""

    value: Value
    previous: Value | None
    change: Decimal | None
    change_pct: Decimal | None
    not_comparable: tuple[str, ...] = ()  # flags that make the change meaningless

    @property
    def gap(self) -> bool:
        """Whether years lie between this one and the previous."""
        return self.previous is not None and self.value.year - self.previous.year != 1


class YearRule(StrEnum):
    """How the year of a comparison was chosen."""

    requested = "requested"  # --year
    common = "common"  # the latest year every compared company has
    any = "any"  # no common year: the latest year any company has


@dataclass(frozen=True)
class YearChoice:
    year: int
    rule: YearRule
