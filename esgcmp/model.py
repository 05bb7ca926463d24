"""The catalog's records: frozen structs (msgspec), no I/O."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

import msgspec
from msgspec import field

from .precision import (Range, cagr_range, change_pct_range, difference, exact, printed_range,
                        shown, significant)


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
    "inconsistent": "a warning or error of `esgcmp check` suspects the value (not one it "
                    "only read: docs/checks.md)",
    "basis_differs": "in a comparison (in a trend, among the companies of a year): the value's "
                     "basis differs from another value's",
    "partial": "a derived total from fewer components than the total requires (asked for)",
    "fx": "printed in another currency than the metric's and converted at a rate the user "
          "gave (--fx); the note names the rate, its date and its source",
    "year_differs": "in a comparison with no year common to every company (each company's "
                    "latest is shown): the value is of another year than the others",
    "shared": "in a comparison: another company shown counts the same figure (a network two "
              "operators built and share, `shared_with:`); one count, never to be added up",
}
# Flags esgcmp sets itself; a catalog may not.
COMPUTED_FLAGS = ("derived", "implied", "sources_disagree", "inconsistent", "basis_differs",
                  "partial", "fx", "year_differs", "shared")
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
    "entity": "what entity the figures are of (`group parent (unlisted)`, `listed company`): "
              "stated once on the company, it is part of the basis of each total it is compared "
              "on (not of a ratio, rate or rank)",
}
Basis = tuple[tuple[str, str], ...]  # (aspect, text) pairs in BASIS_ASPECTS order
NOT_STATED = "not stated"
# What an aspect a value leaves out means: a boundary is stated only where it is narrower
# than the entity the company is.
UNSTATED = {"boundary": "the whole entity"}


# A basis aspect cited as a value is: (aspect, source file, line, page or 0, the words
# printed there that state it). An aspect given as plain text cites nothing.
Stated = tuple[str, str, int, int, str]
# Another company that counts the same figure (a network two operators built and share):
# (company, source file, line, page or 0, the words printed there that say so).
Shared = tuple[str, str, int, int, str]
# Units of figures that are not totals of what an entity holds or does: a group parent's
# figure and a listed company's are unlike when they are totals (revenue, emissions,
# employees), not when they are rates, ratios or ranks.
NOT_TOTAL_UNITS = ("percent", "points", "ratio", "rank")


def entity_matters(unit: str) -> bool:
    """Whether figures in this unit are totals, whose entity makes two companies' unlike."""
    return unit not in NOT_TOTAL_UNITS and "/" not in unit


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
    basis: tuple[tuple[str, str], ...] = ()  # the company's own aspects (its entity)
    stated: tuple[Stated, ...] = ()  # where its report states them
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

    @property
    def reference(self) -> str:
        return f"{self.source.file}:{self.line}"


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
    # the currency of an amount printed in another than the metric's: "HKD" (an amount),
    # "/HKD" (per an amount); then ``normalized`` is in the metric's unit with this
    # currency in the place of the metric's, until a rate the user gives converts it
    currency: str = ""
    stated: tuple[Stated, ...] = ()  # where the report states the aspects of ``basis``
    shared: tuple[Shared, ...] = ()  # other companies that count the same figure

    @property
    def normalized(self) -> Decimal:
        """The value in the metric's unit (computed, so that millions of values need not
        keep a second number each)."""
        return self.value * self.factor

    @property
    def reference(self) -> str:
        return f"{self.source.file}:{self.line}"


Shard = dict[str, dict[int, Observation]]  # company -> year -> value, for one metric


class Group(msgspec.Struct, frozen=True):
    """A named peer group a catalog defines (``groups:``), for ``--peers``."""

    id: str
    members: tuple[str, ...]  # company ids, names, aliases or tickers, as written
    origin: Origin


class Parts(msgspec.Struct):
    """What catalog files define, in layering order: what the reader builds, the store
    keeps and a Catalog is made of."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    sources: dict[str, dict[str, Source]] = field(default_factory=dict)  # by company
    shards: dict[str, Shard] = field(default_factory=dict)  # by metric
    files: list[str] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)  # peer groups, by name


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
    no_rate = "no_rate"  # printed in another currency, and no rate for its year (``currency``)


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
    # (from, to): the currencies of the exchange rate the value needs (Why.no_rate)
    currency: tuple[str, ...] = ()


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
    span: Range | None = None  # the range the printed numerator and ratio allow the value
    full: Decimal | None = None  # the quotient before its digits were cut, to compute with


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
    fx: str = ""  # the rate it was converted at from the currency printed (esgcmp.fx)


def value_range(value: Value) -> Range | None:
    """The range a value stands for (docs/output.md#digits): a reported value's printed
    range in the value's unit, a derived total's the sum of its components', an implied
    value's the one its numerator and ratio allow; None when not known."""
    observation = value.observation
    if value.kind is Kind.reported and observation is not None:
        scale = value.value / observation.value if observation.value else observation.factor
        return printed_range(observation.value, "approx" in observation.flags, scale)
    if value.kind is Kind.derived and value.inputs:
        total = exact(Decimal(0))
        for item in value.inputs:
            printed = item.observation.value
            total = total + (printed_range(printed, "approx" in item.observation.flags,
                                           item.contribution / printed)
                             if printed else exact(item.contribution))
        return total
    if isinstance(value.how, Implication):
        return value.how.span
    return None


def figure(value: Value) -> Decimal:
    """The value to the digits it has: a reported or implied one as it is (its printed
    digits; an implied one is cut already), a derived total rounded by the one rule of
    docs/output.md#digits (:func:`precision.shown`) at the place its components' printed
    ranges allow. Only for people and files: sums and checks use ``value.value``."""
    if value.kind is Kind.derived and value.inputs:
        return shown(value.value, value_range(value))
    return value.value


def value_digits(value: Value) -> int:
    """The significant digits a value has: a reported one's printed digits
    (:func:`precision.significant`), a computed one's as many as its range allows (to the
    place of its width); a double's 15 when exact."""
    observation = value.observation
    if value.kind is Kind.reported and observation is not None:
        return significant(observation.value, "approx" in observation.flags)
    if isinstance(value.how, Implication) and value.how.span is not None:
        return len(value.value.as_tuple().digits)  # cut to its inputs' digits already
    span = value_range(value)
    if span is None or span.high == span.low or not value.value:
        return 15
    return max(1, value.value.adjusted() - (span.high - span.low).adjusted() + 1)


def _per_cent(number: Decimal, span: Range | None) -> Decimal:
    """A figure in per cent to the digits its range allows, never past 2 decimals."""
    number = shown(number, span)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return number.quantize(Decimal("0.01")) if exponent < -2 else number


def change_pct(before: Decimal, change: Decimal, spans: tuple[Range | None, Range | None]
               = (None, None)) -> Decimal | None:
    """A change in per cent of the value before it, to the digits the printed ranges of
    the two values (``spans``: before, after) allow, at most 2 decimals; None from zero."""
    if not before:
        return None
    span = change_pct_range(*spans) if None not in spans else None
    return _per_cent(change / abs(before) * 100, span)


def cagr_pct(before: Decimal, after: Decimal, years: int,
             spans: tuple[Range | None, Range | None] = (None, None)) -> Decimal | None:
    """The compound annual growth rate, in per cent: (after / before) ** (1 / years) - 1,
    to the digits the printed ranges of the two values allow, at most 2 decimals; None
    unless both values are above 0."""
    if before <= 0 or after <= 0:
        return None
    first, last = spans
    span = cagr_range(first, last, years) if first is not None and last is not None else None
    return _per_cent(((after / before) ** (Decimal(1) / years) - 1) * 100, span)


def change_of(before: Decimal, after: Decimal,
              spans: tuple[Range | None, Range | None] = (None, None)) -> Decimal:
    """``after - before`` to the decimal place the printed ranges of the two allow."""
    first, last = spans
    return shown(after - before,
                 difference(last, first) if first is not None and last is not None else None)


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
                        self.value.year - self.previous.year,
                        (value_range(self.previous), value_range(self.value)))

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
