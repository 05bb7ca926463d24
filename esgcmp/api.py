"""What esgcmp does, one function per command, each returning data (never text).

The command line (esgcmp.cli) calls one of these per command and hands the result to
esgcmp.views; a script can call them directly::

    from esgcmp import api
    session = api.Session()
    comparison = api.compare(session.catalog, "ghg")[0]
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from msgspec import field
from msgspec.structs import replace

from . import units
from .units import format_decimal

from .catalog import Catalog
from .derive import EnergyBasis
from .errors import CatalogError, ExitCode, NoDataError, NotFoundError, UsageError
from .load import Progress, catalog_paths, load
from .names import fold
from .model import Change, Company, Kind, Metric, Missing, Source, Value, Why
from .store import Store, default_root
from .values import (Comparison, change_for, change_since, changes, convert,
                     mark_unlike_each_year, series, value_of, years_available)
from .values import compare as compare_values
from .values import show as show_values

if TYPE_CHECKING:
    from .check import Finding, SourceLines
    from .draft import Draft
    from .extract import Extraction
    from .intensity import IntensityComparison


def flag_inconsistent(catalog: Catalog, values: list[Value]) -> list[Value]:
    """The values, each that a check warning or error names flagged ``inconsistent`` and
    carrying those findings, so that the analyst sees them where they look."""
    from .check import inconsistent

    named = inconsistent(catalog, {v.metric for v in values}, {v.year for v in values})
    if not named:
        return values
    out = []
    for value in values:
        found = named.get((value.company, value.metric, value.year), [])
        if found and value.kind is Kind.reported:
            value = replace(value, flags=value.flags + ("inconsistent",),
                            findings=tuple(found))
        out.append(value)
    return out


class Session:
    """The catalogs one command reads, and the cache that keeps the catalogs earlier runs
    read (opened here, handed to :func:`esgcmp.load.load`)."""

    def __init__(self, catalogs: list[Path] | None = None, builtin: bool = True,
                 progress: Progress | None = None) -> None:
        self.paths = catalog_paths(catalogs or [], builtin=builtin)
        root = default_root()
        self.store = Store(root) if root is not None else None
        self.progress = progress
        self._catalog: Catalog | None = None
        self._failure: CatalogError | None = None

    @property
    def catalog(self) -> Catalog:
        """The catalog, read once; a catalog that failed to load fails again at once."""
        if self._failure is not None:
            raise self._failure
        if self._catalog is None:
            try:
                self._catalog = load(self.paths, self.store, self.progress)
            except CatalogError as exc:
                self._failure = exc
                raise
        return self._catalog

    def close(self) -> None:
        """Nothing is left to do at the end of a session (a build is written when it is
        made; the cache's connections close with the catalog that reads through them):
        kept for callers written when the session kept a memo here."""


class Show(msgspec.Struct, frozen=True):
    company: Company
    year: int
    values: list[Value]
    changes: dict[str, Change] | None  # by metric, when asked for


def show(catalog: Catalog, company: str, year: int, basis: EnergyBasis = EnergyBasis(),
         with_changes: bool = False) -> Show:
    """Every KPI of one company-year."""
    found = catalog.resolve_company(company)
    values = flag_inconsistent(catalog, show_values(catalog, found.id, year, basis))
    found_changes = ({v.metric: change_for(catalog, v, basis) for v in values}
                     if with_changes else None)
    return Show(found, year, values, found_changes)


def _companies(catalog: Catalog, names: list[str] | None) -> list[str] | None:
    if not names:
        return None
    return list(dict.fromkeys(catalog.resolve_company(n).id for n in names))


def compare(catalog: Catalog, metric: str, year: int | None = None,
            companies: list[str] | None = None, unit: str | None = None,
            basis: EnergyBasis = EnergyBasis(), with_changes: bool = False,
            since: int | None = None) -> list[Comparison]:
    """One comparison per metric the name stands for (a framework code names several);
    with ``since``, each value's change since that year too."""
    chosen = _companies(catalog, companies)
    comparisons = [compare_values(catalog, found, year=year, companies=chosen, unit=unit,
                                  basis=basis, with_changes=with_changes)
                   for found in catalog.resolve_metrics(metric)]
    out = []
    for c in comparisons:
        base = ({v.company: change_since(catalog, v, since, basis) for v in c.values}
                if since is not None else None)
        out.append(replace(c, values=flag_inconsistent(catalog, c.values), base=base))
    return out


def intensity(catalog: Catalog, metric: str, per: str, year: int | None = None,
              companies: list[str] | None = None, unit: str | None = None,
              basis: EnergyBasis = EnergyBasis()) -> list[IntensityComparison]:
    """metric per denominator for each metric the name stands for."""
    from .intensity import compare_intensity

    chosen = _companies(catalog, companies)
    metrics = catalog.resolve_metrics(metric)
    denominator = catalog.resolve_metric(per)
    results = [compare_intensity(catalog, found, denominator, year=year, companies=chosen,
                                 unit=unit, basis=basis) for found in metrics]
    out = []
    for result in results:  # numerators and denominators flagged in one pass of the checks
        count = len(result.rows)
        flagged = flag_inconsistent(catalog, [r.numerator for r in result.rows]
                                    + [r.denominator for r in result.rows])
        out.append(replace(result, rows=[replace(r, numerator=n, denominator=d) for r, n, d
                                         in zip(result.rows, flagged[:count],
                                                flagged[count:])]))
    return out


def intensity_trend(catalog: Catalog, companies: list[str] | None, metric: str, per: str,
                    unit: str | None = None, basis: EnergyBasis = EnergyBasis(),
                    first: int | None = None, last: int | None = None
                    ) -> list[IntensityComparison]:
    """``metric`` per ``per`` for every year some company has both (from ``first`` to
    ``last``): one intensity comparison a year."""
    from .intensity import _years_with_both

    numerator, denominator = catalog.resolve_metric(metric), catalog.resolve_metric(per)
    chosen = _companies(catalog, companies) or sorted(catalog.companies)
    years = sorted({y for c in chosen
                    for y in _years_with_both(catalog, c, numerator, denominator, basis)
                    if (first is None or y >= first) and (last is None or y <= last)})
    if not years:
        raise NoDataError(f"no company {'of those named ' if companies else ''}reports both "
                          f"'{numerator.id}' and '{denominator.id}' for one year")
    return [result for year in years
            for result in intensity(catalog, numerator.id, denominator.id, year=year,
                                    companies=chosen, unit=unit, basis=basis)]


class Trend(msgspec.Struct, frozen=True):
    metric: Metric
    unit: str
    series: dict[str, list[Change]]  # by company, oldest first
    missing: list[Missing] = field(default_factory=list)  # companies without the metric
    base: dict[tuple[str, int], Change | None] | None = None  # (company, year): since first
    first: int | None = None  # the base year


def trend(catalog: Catalog, companies: list[str] | None, metric: str, unit: str | None = None,
          basis: EnergyBasis = EnergyBasis(), first: int | None = None,
          last: int | None = None) -> Trend:
    """A metric over every year each company reports it (from ``first`` to ``last``), with
    the change between years, and with ``first`` the change since that year; companies
    named (or, without names, held by the catalog) that never report it are missing."""
    found = catalog.resolve_metric(metric)
    if unit is not None:
        units.target_factor(found.unit, unit)  # fail early on an incompatible unit
    by_company: dict[str, list[Change]] = {}
    missing: list[Missing] = []
    for company in _companies(catalog, companies) or sorted(catalog.companies):
        values = [convert(v, unit) for v in series(catalog, company, found, basis)
                  if (first is None or v.year >= first) and (last is None or v.year <= last)]
        if values:
            by_company[company] = changes(values)
        else:
            missing.append(_why_missing(catalog, company, found, basis, first, last))
    if not by_company:
        span = (f" from {first} to {last}" if first and last else f" from {first} on"
                if first else f" up to {last}" if last else "")
        raise NoDataError(f"no company {'of those named ' if companies else ''}reports "
                          f"'{found.id}' ({found.name}){span}")
    # in each year, the values on another basis than the other companies' flagged (as
    # compare flags them); then every company's values in one pass of the checks
    values = mark_unlike_each_year([c.value for found_changes in by_company.values()
                                    for c in found_changes])
    flagged = iter(flag_inconsistent(catalog, values))
    by_company = {company: [replace(c, value=next(flagged)) for c in found_changes]
                  for company, found_changes in by_company.items()}
    base = None
    if first is not None:
        base = {(c.value.company, c.value.year): change_since(catalog, c.value, first, basis)
                for found_changes in by_company.values() for c in found_changes}
    return Trend(found, unit or found.unit, by_company, missing, base, first)


def _why_missing(catalog: Catalog, company: str, metric: Metric, basis: EnergyBasis,
                 first: int | None, last: int | None) -> Missing:
    """Why a company has no value in a trend's years."""
    years = years_available(catalog, company, metric.id)
    if years and (first is not None or last is not None):
        return Missing(company, Why.not_for_year, years=tuple(years))
    latest = max(catalog.years(company), default=None)
    result = value_of(catalog, company, metric.id, latest, basis) if latest else None
    return result if isinstance(result, Missing) else Missing(company, Why.not_reported)


class Quote(msgspec.Struct, frozen=True):
    """One cited line of a report, with the lines around it when the report is at hand."""

    what: str  # the value it cites: "ghg", or a derived total's input "electricity"
    source: Source
    line: int
    expected: str  # the value as printed (the number, or the literal printed text)
    context: list[tuple[int, str]] | None  # (line number, text); None: not read
    found: bool | None  # the value is on the line; None: not read
    problem: str = ""  # why the report could not be read


class Quotes(msgspec.Struct, frozen=True):
    value: Value | Missing  # Missing: the company has no such value (no quotes)
    quotes: list[Quote]
    directory: Path | None  # where the reports were looked for


def source(catalog: Catalog, company: str, metric: str, year: int,
           directory: Path | None = None, context: int = 2,
           basis: EnergyBasis = EnergyBasis()) -> Quotes:
    """The report lines a value is cited on (a derived total: its inputs' lines), each
    with ``context`` lines around it when ``directory`` holds the reports."""
    from .provenance import SourceFiles, printed_on

    found_company = catalog.resolve_company(company)
    found_metric = catalog.resolve_metric(metric)
    result = value_of(catalog, found_company.id, found_metric.id, year, basis)
    if not isinstance(result, Value):
        return Quotes(result, [], directory)
    observations = ([(found_metric.id, result.observation)] if result.observation else
                    [(i.observation.metric, i.observation) for i in result.inputs])
    files = SourceFiles(directory) if directory is not None else None
    quotes = []
    for what, obs in observations:
        places = [(obs.source, obs.line, obs.value, obs.printed)]
        places += [(c.source, c.line, c.value, c.printed) for c in obs.also]
        for cited, number, value, printed in places:
            expected = printed or (format_decimal(value) if value is not None else "")
            if files is None:
                quotes.append(Quote(what, cited, number, expected, None, None))
                continue
            lines = [(n, files.line(cited.file, n)) for n in
                     range(max(1, number - context), number + context + 1)]
            shown = [(n, text) for n, text in lines if text is not None]
            text = files.line(cited.file, number)
            problem = files.problems.get(cited.file, "")
            if not problem and files.missing(cited.file):
                problem = f"{cited.file} is not in {directory}"
            elif not problem and text is None:
                problem = f"{cited.file} has no line {number}"
            quotes.append(Quote(what, cited, number, expected, shown if not problem else None,
                                None if problem else printed_on(text or "", value, printed),
                                problem))
    return Quotes(result, quotes, directory)


def export(catalog: Catalog, companies: list[str] | None = None,
           metrics: list[str] | None = None, years: list[int] | None = None,
           derived: bool = False, basis: EnergyBasis = EnergyBasis()) -> list[Value]:
    """Every reported value (with ``derived``, derived totals too) of the companies,
    metrics (names or framework codes) and years asked for, by company, metric and year,
    flagged as everywhere (``inconsistent`` included)."""
    chosen = _companies(catalog, companies) or sorted(catalog.companies)
    wanted = list(dict.fromkeys(m.id for name in metrics for m in catalog.resolve_metrics(name))
                  ) if metrics else list(catalog.metrics)
    order = {m: i for i, m in enumerate(catalog.metrics)}
    values: list[Value] = []
    for company in chosen:
        for metric in sorted(wanted, key=order.__getitem__):
            for year in (years_available(catalog, company, metric) if derived
                         else catalog.years(company, metric)):
                if years and year not in years:
                    continue
                found = value_of(catalog, company, metric, year, basis)
                if isinstance(found, Value):
                    values.append(found)
    if not values:
        raise NoDataError("no value for the companies, metrics and years asked for")
    return flag_inconsistent(catalog, values)


def metrics(catalog: Catalog, query: str | None = None) -> list[Metric]:
    """The catalog's metrics, or those whose id, name, Chinese name (either script),
    aliases, framework codes or printed labels contain the query (names folded as
    everywhere: case, width, spaces, Traditional and Simplified Chinese)."""
    if query is None:
        return list(catalog.metrics.values())
    wanted = fold(query)
    if not wanted:
        raise UsageError("the query is empty", fix="give a word, a code or a label")
    found = []
    for metric in catalog.metrics.values():
        labels = {label for years in catalog.shard(metric.id).values()
                  for obs in years.values() for label in (obs.label, *(c.label for c in obs.also))}
        names = (metric.id, metric.name, metric.name_zh, *metric.aliases, *metric.hkex,
                 *metric.gri, *labels)
        if any(wanted in fold(name) for name in names if name):
            found.append(metric)
    try:  # an HKEX aspect (A1) or GRI standard (GRI 305) names the metrics under it
        found += [m for m in catalog.resolve_metrics(query) if m not in found]
    except NotFoundError:
        pass
    if not found:
        raise NoDataError(f"no metric matches '{query}' (searched ids, names, Chinese names, "
                          "aliases, framework codes and printed labels); see 'esgcmp metrics'")
    return found


class CheckResult(msgspec.Struct, frozen=True):
    findings: list[Finding]
    files: list[str]
    sources: SourceLines | None = None  # with a folder of reports: what was re-found

    @property
    def exit_code(self) -> ExitCode:
        if any(f.severity == "error" for f in self.findings):
            return ExitCode.FINDINGS
        return ExitCode.OK


def check(session: Session, sources: Path | None = None,
          jump: Decimal | None = None) -> CheckResult:
    """The catalog checked against itself (and its sources): a catalog that does not load
    is a finding too."""
    from .check import check_source_lines, load_failure, ordered, run_checks

    files = [str(p) for p in session.paths]
    try:
        catalog = session.catalog
    except CatalogError as exc:
        return CheckResult([load_failure(exc)], files)
    findings = run_checks(catalog, jump)
    if sources is None:
        return CheckResult(findings, files)
    lines = check_source_lines(catalog, sources)
    return CheckResult(ordered(findings + lines.findings), files, lines)


class Extracted(msgspec.Struct, frozen=True):
    report: Path
    text: str
    extraction: Extraction
    draft: Draft


def read_report(path: Path) -> str:
    """A report's plain text (UTF-8), or a usage error naming the file and the line."""
    from .files import read_regular_file
    from .provenance import MAX_SOURCE_BYTES  # a report is the source its values cite

    try:
        raw = read_regular_file(path, MAX_SOURCE_BYTES, "report",
                                fix_missing="give the text file pdftotext made")
    except CatalogError as exc:
        raise UsageError(str(exc)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: the report is not UTF-8 text",
                         fix="convert it with 'pdftotext -enc UTF-8 -layout report.pdf'") from None


def extract(catalog: Catalog, report: Path, prose: bool = False,
            year: int | None = None) -> Extracted:
    """The values a report's text prints, each assigned to a catalog metric or a proposed
    one (docs/extract.md)."""
    from .draft import make_draft
    from .extract import extract as read_values

    text = read_report(report)
    extraction = read_values(text, prose=prose, year=year)
    return Extracted(report, text, extraction, make_draft(extraction, catalog))
