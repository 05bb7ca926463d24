"""What the core returns: one result per command, and the records inside them.

Each command's function in esgcmp.api returns one :class:`Result` (as pipx's
``OperationResult``): its data in the fields of the result, the warnings to say on stderr
and the exit code; the command line renders it. esgcmp.views turns results into Reports
knowing only the records here and in model.py (the catalog's records and a value's own:
``Value``, ``Missing``, ``Change``, ``YearChoice``), never the modules that make them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import field

from .errors import ExitCode
from .model import (Change, Company, Kind, Metric, Missing, Source, Value, YearChoice,
                    change_pct, inherited, value_range)
from .precision import Range

if TYPE_CHECKING:  # only for the annotations: extract loads only for `esgcmp extract`
    from .draft import Draft
    from .extract import Extraction


class Result(msgspec.Struct, frozen=True, kw_only=True):
    """What every command's result carries besides its data: warnings for stderr (each a
    line) and the exit code (docs/exit-codes.md)."""

    warnings: tuple[str, ...] = ()
    exit_code: ExitCode = ExitCode.OK


# ---- values, changes and comparisons ----------------------------------------------------

class Comparison(msgspec.Struct, frozen=True):
    """One metric compared across companies in one year."""

    metric: Metric
    unit: str
    year: YearChoice
    values: list[Value]
    missing: list[Missing]
    changes: dict[str, Change] | None = None  # by company, when asked for
    base: dict[str, Change | None] | None = None  # by company: the change since a base year
    density: str = ""  # the density --unit converted through (water's 1 t/m3), if any


class Intensity(msgspec.Struct, frozen=True):
    """numerator / denominator for one company and year, beside any reported ratio."""

    numerator: Value
    denominator: Value
    value: Decimal
    unit: str
    reported: Value | None = None  # the company's own figure for the same ratio
    span: Range | None = None  # the range the printed numerator and denominator allow value
    full: Decimal | None = None  # the quotient before its digits were cut, to compute with

    @property
    def difference_pct(self) -> Decimal | None:
        """Recomputed against reported, in percent of the reported figure, to the digits
        the printed ranges allow (none when the denominator is implied by a reported
        ratio: they agree by construction)."""
        if (self.reported is None or self.reported.value == 0
                or self.denominator.kind is Kind.implied):
            return None
        return change_pct(self.reported.value, (self.full or self.value) - self.reported.value,
                          (value_range(self.reported), self.span))

    @property
    def flags(self) -> tuple[str, ...]:
        return inherited(self.numerator.flags, self.denominator.flags)


class IntensityComparison(msgspec.Struct, frozen=True):
    """One intensity compared across companies in one year, smallest first."""

    metric: Metric
    per: Metric
    unit: str
    year: YearChoice
    rows: list[Intensity]
    missing: list[Missing]


class IntensityChange(msgspec.Struct, frozen=True):
    """An intensity against the same company's intensity of the previous year it has one:
    meaningful only when neither the numerator nor the denominator changed basis."""

    previous: Intensity
    moves: tuple[Change, Change]  # the numerator's and the denominator's
    change: Decimal | None  # None when not comparable
    change_pct: Decimal | None
    cagr_pct: Decimal | None = None  # against a base year: the compound annual rate

    @property
    def comparable(self) -> bool:
        return all(move.comparable for move in self.moves)


# ---- one result per command -------------------------------------------------------------

class Show(Result, frozen=True):
    company: Company
    year: int
    values: list[Value]
    changes: dict[str, Change] | None  # by metric, when asked for


class Comparisons(Result, frozen=True):
    """`compare`: one comparison per metric a name stands for (a framework code names
    several)."""

    comparisons: list[Comparison]


# ---- rankings ---------------------------------------------------------------------------

class Entry(msgspec.Struct, frozen=True):
    """One company's figure in a ranking."""

    company: str
    year: int
    value: Decimal
    flags: tuple[str, ...]
    rank: int | None = None  # None: not ranked (see ``reasons``)
    percentile: Decimal | None = None
    quartile: int | None = None
    from_median: Decimal | None = None
    from_median_pct: Decimal | None = None
    reasons: tuple[str, ...] = ()  # why it is not ranked, or why it is marked


class Spread(msgspec.Struct, frozen=True):
    """The ranked figures taken together."""

    count: int
    median: Decimal
    low_quartile: Decimal
    high_quartile: Decimal
    minimum: Decimal
    maximum: Decimal



class Ranking(Result, frozen=True):
    """`rank`: the companies in order of the metric's polarity (esgcmp.rank), those that
    cannot be ranked fairly after them, and the spread of the ranked figures."""

    metric: Metric
    per: Metric | None
    unit: str
    year: YearChoice
    polarity: str  # "lower", "higher" or "neither" (docs/vocabulary.md)
    entries: list[Entry]
    spread: Spread | None
    missing: list[Missing]
    include_flagged: bool = False
    peers: str = ""  # the peer group asked for, if any
    fx: dict[str, str] = {}  # company: the rate its figure was converted at (esgcmp.fx)
    cited: dict[str, tuple[str, ...]] = {}  # company: the lines its figure comes from


class Intensities(Result, frozen=True):
    """`compare --per`: one intensity comparison per metric a name stands for."""

    comparisons: list[IntensityComparison]


class Trend(Result, frozen=True):
    metric: Metric
    unit: str
    series: dict[str, list[Change]]  # by company, oldest first
    missing: list[Missing] = field(default_factory=list)  # companies without the metric
    base: dict[tuple[str, int], Change | None] | None = None  # (company, year): since first
    first: int | None = None  # the base year
    density: str = ""  # the density --unit converted through (water's 1 t/m3), if any


class IntensityTrend(Result, frozen=True):
    """`trend --per`: one intensity comparison a year, each company's change from its
    previous year, and the companies with no year of both (one reason each)."""

    comparisons: list[IntensityComparison]
    changes: dict[tuple[str, int], IntensityChange]  # (company, year)
    missing: list[Missing]
    # with --from: (company, year) -> the change since the base year (None: no base value)
    base: dict[tuple[str, int], IntensityChange | None] | None = None
    first: int | None = None  # the base year


class Section(msgspec.Struct, frozen=True):
    """One metric of `esgcmp report`: its comparison, its trend and its ranking (each of
    the intensity, with ``per``); a part that has no values is None and ``problems`` says
    why, as the command of its own would."""

    metric: Metric
    comparison: Comparison | IntensityComparison | None
    trend: Trend | IntensityTrend | None
    ranking: Ranking | None
    problems: tuple[str, ...] = ()


class Page(Result, frozen=True):
    """`report`: one section per metric, for the companies named (or a peer group's, or
    every company's)."""

    sections: list[Section]
    companies: list[str]  # ids, in the order named (every company's, when none is)
    per: Metric | None = None
    peers: str = ""
    left_out: tuple[str, ...] = ()  # default metrics the catalog does not define


class Metrics(Result, frozen=True):
    """`metrics`: the metrics asked for, each with how many companies report it."""

    metrics: list[Metric]
    companies: dict[str, int]  # by metric id


class CompanyFacts(msgspec.Struct, frozen=True):
    """What the catalog holds of one company."""

    company: Company
    years: list[int]  # every year it reports a value for
    values: int  # how many values it reports
    sources: list[str]  # the report files its values cite


class Companies(Result, frozen=True):
    companies: list[CompanyFacts]  # in the catalog's order


class PeerGroup(msgspec.Struct, frozen=True):
    """A named peer group: its members as written, the companies they name (ids) and
    where it is defined (a peers.toml file, or a catalog's file and line)."""

    name: str
    members: tuple[str, ...]
    companies: tuple[str, ...]
    where: str


class PeerGroups(Result, frozen=True):
    """`peers`: every peer group --peers can name (esgcmp.rank)."""

    groups: list[PeerGroup]  # by name


class KpiCoverage(msgspec.Struct, frozen=True):
    """One HKEX KPI for one company-year: ``disclosed`` (by the metrics named),
    ``explained`` (the report says why the metrics named are not disclosed: ``reason``),
    ``not disclosed``, or ``description`` (a KPI that asks for a description, which a
    catalog of figures does not hold)."""

    company: str
    year: int
    code: str
    title: str
    status: str
    metrics: tuple[str, ...] = ()
    reason: str = ""  # for ``explained``: each metric's reason and where it is printed


class Coverage(Result, frozen=True):
    kpis: list[KpiCoverage]  # by company (catalog order), year, code


class Export(Result, frozen=True):
    values: list[Value]  # by company, metric and year


class Quote(msgspec.Struct, frozen=True):
    """One cited line of a report, with the lines around it when the report is at hand."""

    what: str  # the value it cites: "ghg", or a derived total's input "electricity"
    source: Source
    line: int
    expected: str  # the value as printed (the number, or the literal printed text)
    context: list[tuple[int, str]] | None  # (line number, text); None: not read
    found: bool | None  # the value is on the line; None: not read
    problem: str = ""  # why the report could not be read
    page: int | None = None  # a PDF's page the line is on


class Quotes(Result, frozen=True):
    """`source`: the lines a value is cited on."""

    metric: Metric
    value: Value | Missing  # Missing: the company has no such value (no quotes)
    quotes: list[Quote]
    directory: Path | None  # where the reports were looked for


class Extracted(Result, frozen=True):
    report: Path
    text: str
    extraction: Extraction
    draft: Draft


# ---- check --------------------------------------------------------------------------------

class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


Key = tuple[str, str, int]  # company, metric, year of a value a finding names
# How each check words its findings, by the check's name: filled by esgcmp.check as it
# declares its checks (beside the function that makes the findings), so that a finding
# carries its sentence to esgcmp.views without views knowing the checks.
WORDING: dict[str, Callable[[Finding], str]] = {}


class Finding(msgspec.Struct, frozen=True):
    """What a check found: what was expected, what was found and the facts behind it
    (``details``), which its check words as the ``message``."""

    severity: Severity
    check: str
    company: str = ""
    year: int | None = None
    metric: str = ""
    expected: Decimal | None = None
    found: Decimal | None = None
    unit: str = ""
    sources: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    names: tuple[Key, ...] = ()  # the values it suspects (flagged ``inconsistent``)
    involved: tuple[Key, ...] = ()  # its other inputs: listed with it, never flagged

    @property
    def message(self) -> str:
        """The finding in a sentence (worded only when asked: a comparison screens every
        company, and shows the few findings about the values it shows)."""
        return WORDING[self.check](self)

    @property
    def difference(self) -> Decimal | None:
        if self.expected is None or self.found is None:
            return None
        return self.found - self.expected

    @property
    def difference_pct(self) -> Decimal | None:
        if self.difference is None or not self.expected:
            return None
        return (self.difference / abs(self.expected) * 100).quantize(Decimal("0.01"))


class SourceLines(msgspec.Struct, frozen=True):
    """What re-finding the cited figures on their lines found."""

    findings: list[Finding]
    cited: int  # figures cited (each value, and each other citation repeating a figure)
    refound: int  # of those, found on their line
    files: int  # report files read
    files_cited: int  # report files cited


class CheckResult(Result, frozen=True):
    findings: list[Finding]
    files: list[str]
    sources: SourceLines | None = None  # with a folder of reports: what was re-found
    directory: Path | None = None  # the folder of reports
    left_out: int = 0  # findings about the built-in catalog alone, not shown (--all shows them)
