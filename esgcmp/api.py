"""What esgcmp does, one function per command, each returning one result
(esgcmp.results): its data, the warnings to say and the exit code, never text to print.

The command line (esgcmp.cli) calls one of these per command and hands the result to
esgcmp.views; a script can call them directly, and :func:`to_rows` gives a result as
the rows of the command's CSV (docs/api.md)::

    from esgcmp import api
    with api.Session() as session:
        rows = api.to_rows(api.compare(session.catalog, "ghg"), session.catalog)
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from . import units

from .catalog import Catalog
from .derive import EnergyBasis
from .errors import CatalogError, ExitCode, NoDataError, NotFoundError, UsageError
from .load import Progress, catalog_paths, load
from .names import fold
from .model import Change, Implication, Kind, Metric, Missing, Value, Why, figure
from .results import (CheckResult, Companies, CompanyFacts, Comparisons, Coverage, Export,
                      Intensities, IntensityTrend, KpiCoverage, Metrics, Page,
                      PeerGroup, PeerGroups, Ranking, Section, Show, Trend)
from .store import Store, default_root
from .values import (change_for, change_since, changes, convert, listed_value,
                     mark_unlike_each_year, series, value_of, with_entity, years_available)
from .values import compare as compare_values
from .values import show as show_values

# the answers that read report files, and results as rows, live beside this module
from .api_rows import to_rows  # noqa: F401 (esgcmp.api.to_rows, docs/api.md)
from .api_sources import extract, read_report, source  # noqa: F401


def flag_inconsistent(catalog: Catalog, values: list[Value]) -> list[Value]:
    """The values, each that a check warning or error names flagged ``inconsistent`` and
    carrying those findings, so that the analyst sees them where they look."""
    from .check import inconsistent

    named, involved = inconsistent(catalog, {v.metric for v in values},
                                   {v.year for v in values}, with_involved=True)
    if not named and not involved:
        return values
    out = []
    for value in values:
        key = (value.company, value.metric, value.year)
        found = named.get(key, [])
        if value.kind is not Kind.reported:
            pass
        elif found:
            value = replace(value, flags=value.flags + ("inconsistent",),
                            findings=tuple(found + involved.get(key, [])))
        elif key in involved:  # an input of a finding that suspects no value: not flagged
            value = replace(value, findings=tuple(involved[key]))
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
        if self.store is not None:
            units.remember(self.store.factors())
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
        """Keep the unit factors this run worked out, so that the next run needs no pint
        (a build is written when it is made), and end the cache's reading."""
        if self.store is not None:
            self.store.keep_factors(units.learned())
            self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


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
            since: int | None = None) -> Comparisons:
    """One comparison per metric the name stands for (a framework code names several);
    with ``since``, each value's change since that year too."""
    chosen = _companies(catalog, companies)
    comparisons, warnings, errors = [], [], []
    metrics = catalog.resolve_metrics(metric)
    for found in metrics:
        try:
            comparisons.append(compare_values(catalog, found, year=year, companies=chosen,
                                              unit=unit, basis=basis,
                                              with_changes=with_changes))
        except (NoDataError, NotFoundError) as exc:  # none reported, or not that year
            if len(metrics) == 1:
                raise
            # a code names several metrics: the others are still compared
            errors.append(exc)
            warnings.append(f"{metric}: {exc}; '{found.id}' left out")
    if not comparisons:
        raise errors[0]
    out = []
    for c in comparisons:
        base = ({v.company: change_since(catalog, v, since, basis) for v in c.values}
                if since is not None else None)
        out.append(replace(c, values=flag_inconsistent(catalog, c.values), base=base))
    return Comparisons(out, warnings=tuple(warnings))


def intensity(catalog: Catalog, metric: str, per: str, year: int | None = None,
              companies: list[str] | None = None, unit: str | None = None,
              basis: EnergyBasis = EnergyBasis()) -> Intensities:
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
    return Intensities(out)


def rank(catalog: Catalog, metric: str, per: str | None = None, year: int | None = None,
         companies: list[str] | None = None, peers: str | None = None,
         unit: str | None = None, basis: EnergyBasis = EnergyBasis(),
         include_flagged: bool = False) -> Ranking:
    """The companies (those named, or a peer group's) in order of the metric's polarity
    (or of an intensity's, with ``per``), in one year chosen as ``compare`` chooses it;
    rows that cannot be ranked fairly after them with the reason (esgcmp.rank)."""
    from .rank import basis_detail, order, with_peers
    from .vocabulary import terms

    companies = with_peers(catalog, companies, peers)
    found = catalog.resolve_metric(metric)
    if per is not None:
        result = intensity(catalog, found.id, per, year=year, companies=companies, unit=unit,
                           basis=basis).comparisons[0]
        figures = [(item.numerator.company, item.numerator.year, item.value, item.flags)
                   for item in result.rows]
        converted = {item.numerator.company: "; ".join(
            f"{v.metric}: {v.fx}" for v in (item.numerator, item.denominator) if v.fx)
            for item in result.rows if item.numerator.fx or item.denominator.fx}
        choice, missing, shown_unit, denominator = (result.year, result.missing, result.unit,
                                                    result.per)
        cited = {item.numerator.company: _cited(item.numerator) + _cited(item.denominator)
                 for item in result.rows}
        numerators = basis_detail([item.numerator for item in result.rows], f"{found.id} ")
        denominators = basis_detail([item.denominator for item in result.rows],
                                    f"{result.per.id} ")
        details = {company: "; ".join(text for text in (numerators.get(company),
                                                        denominators.get(company)) if text)
                   for company in {*numerators, *denominators}}
    else:
        compared = compare(catalog, found.id, year=year, companies=companies, unit=unit,
                           basis=basis).comparisons[0]
        # a derived total ranks by the digits it is shown with, as a printed one does
        figures = [(v.company, v.year, figure(v), v.flags) for v in compared.values]
        converted = {v.company: v.fx for v in compared.values if v.fx}
        choice, missing, shown_unit, denominator = (compared.year, compared.missing,
                                                    compared.unit, None)
        cited = {v.company: _cited(v) for v in compared.values}
        details = basis_detail(compared.values)
    term = terms().get(found.id)
    polarity = term.polarity if term is not None else "neither"
    entries, spread = order(figures, polarity, include_flagged, details)
    return Ranking(found, denominator, shown_unit, choice, polarity, entries, spread, missing,
                   include_flagged, peers or "", converted, cited)


def _cited(value: Value) -> tuple[str, ...]:
    """The lines a value comes from (file:line): its own and its other printings, a derived
    total's inputs', an implied value's terms'."""
    obs = value.observation
    if obs is not None:
        return (obs.reference, *(c.reference for c in obs.also))
    if value.inputs:
        return tuple(dict.fromkeys(i.observation.reference for i in value.inputs))
    how = value.how
    return tuple(how.references) if isinstance(how, Implication) else ()


def intensity_trend(catalog: Catalog, companies: list[str] | None, metric: str, per: str,
                    unit: str | None = None, basis: EnergyBasis = EnergyBasis(),
                    first: int | None = None, last: int | None = None
                    ) -> IntensityTrend:
    """``metric`` per ``per`` for every year some company has both (from ``first`` to
    ``last``): one intensity comparison a year, each company's change from its previous
    year, and the companies with no year of both."""
    from .intensity import intensity_changes, intensity_since, never_both, years_with_both

    numerator, denominator = catalog.resolve_metric(metric), catalog.resolve_metric(per)
    chosen = _companies(catalog, companies) or sorted(catalog.companies)
    years = sorted({y for c in chosen
                    for y in years_with_both(catalog, c, numerator, denominator, basis)
                    if (first is None or y >= first) and (last is None or y <= last)})
    if not years:
        raise NoDataError(f"no company {'of those named ' if companies else ''}reports both "
                          f"'{numerator.id}' and '{denominator.id}' for one year")
    comparisons = [result for year in years
                   for result in intensity(catalog, numerator.id, denominator.id, year=year,
                                           companies=chosen, unit=unit,
                                           basis=basis).comparisons]
    base = intensity_since(comparisons, first) if first is not None else None
    return IntensityTrend(comparisons, intensity_changes(comparisons), never_both(comparisons),
                          base, first, warnings=unconverted(catalog, chosen,
                                                            [numerator, denominator], basis,
                                                            first, last))


def trend(catalog: Catalog, companies: list[str] | None, metric: str, unit: str | None = None,
          basis: EnergyBasis = EnergyBasis(), first: int | None = None,
          last: int | None = None) -> Trend:
    """A metric over every year each company reports it (from ``first`` to ``last``), with
    the change between years, and with ``first`` the change since that year; companies
    named (or, without names, held by the catalog) that never report it are missing."""
    found = catalog.resolve_metric(metric)
    if unit is not None:  # fail early on an incompatible unit
        units.target_factor(found.unit, unit, found.density)
    by_company: dict[str, list[Change]] = {}
    missing: list[Missing] = []
    for company in _companies(catalog, companies) or sorted(catalog.companies):
        values = [convert(v, unit, found.density)
                  for v in series(catalog, company, found, basis)
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
    values = mark_unlike_each_year(with_entity(catalog, found, [
        c.value for found_changes in by_company.values() for c in found_changes]))
    flagged = iter(flag_inconsistent(catalog, values))
    by_company = {company: [replace(c, value=next(flagged)) for c in found_changes]
                  for company, found_changes in by_company.items()}
    base = None
    if first is not None:
        base = {(c.value.company, c.value.year): change_since(catalog, c.value, first, basis)
                for found_changes in by_company.values() for c in found_changes}
    bridged = found.density if unit and units.by_density(found.unit, unit, found.density) else ""
    return Trend(found, unit or found.unit, by_company, missing, base, first, density=bridged,
                 warnings=unconverted(catalog, list(by_company), [found], basis, first, last))


def unconverted(catalog: Catalog, companies: list[str], metrics: list[Metric],
                basis: EnergyBasis, first: int | None = None,
                last: int | None = None) -> tuple[str, ...]:
    """A line for each value printed in another currency than its metric's that a series
    leaves out for want of a rate for its year (esgcmp.fx), saying which --fx to give."""
    from .wording import reason

    said = []
    for company in companies:
        for metric in metrics:
            for year in catalog.years(company, metric.id):
                observation = catalog.get(company, metric.id, year)
                if (observation is None or not observation.currency
                        or (first is not None and year < first)
                        or (last is not None and year > last)):
                    continue
                found = value_of(catalog, company, metric.id, year, basis)
                if isinstance(found, Missing):
                    said.append(f"{company} {metric.id} {year} left out: {reason(found)}")
    return tuple(said)


# What `esgcmp report` shows when no metric is named: the totals an analyst compares
# first, their scopes, the two denominators and the two intensities most reports print.
REPORT_METRICS = ("energy", "electricity", "ghg", "ghg_scope1", "ghg_scope2", "water",
                  "revenue", "employees", "ghg_intensity_revenue", "energy_intensity_revenue")


def report(catalog: Catalog, companies: list[str] | None = None,
           metrics: list[str] | None = None, per: str | None = None,
           year: int | None = None, peers: str | None = None,
           basis: EnergyBasis = EnergyBasis(), include_flagged: bool = False) -> Page:
    """Each metric's comparison, trend and ranking (of the intensity, with ``per``) for
    the companies named and the peer group's (or every company): the page of `esgcmp
    report`. Without ``metrics``, those of REPORT_METRICS the catalog defines (else every
    metric it defines). A metric none of the companies reports, or not in ``year``, gets
    a section that says so; a page without a single comparison is the error its first
    metric met."""
    from .rank import with_peers

    chosen = _companies(catalog, with_peers(catalog, companies, peers) or [])
    denominator = catalog.resolve_metric(per) if per is not None else None
    left_out: tuple[str, ...] = ()
    if metrics:
        found = [m for name in metrics for m in catalog.resolve_metrics(name)]
    else:
        found = [catalog.metrics[m] for m in REPORT_METRICS if m in catalog.metrics]
        left_out = tuple(m for m in REPORT_METRICS if m not in catalog.metrics)
        if not found:
            found, left_out = list(catalog.metrics.values()), ()
    sections, warnings, errors = [], [], []
    for metric in dict.fromkeys(found):
        if denominator is not None and metric.id == denominator.id:
            sections.append(Section(metric, None, None, None, (
                f"'{metric.id}' is the denominator (--per): not divided by itself",)))
            continue
        parts: list[Any] = []
        failed: dict[str, list[str]] = {}  # a message, and the parts that failed with it
        for part in ("comparison", "trend", "ranking"):
            try:
                parts.append(_report_part(catalog, part, metric, denominator, year, chosen,
                                          basis, include_flagged, peers))
            except (NoDataError, NotFoundError) as exc:
                parts.append(None)
                failed.setdefault(str(exc), []).append(part)
                errors.append(exc)
        problems = [message if len(failures) == 3 else f"{' and '.join(failures)}: {message}"
                    for message, failures in failed.items()]
        comparison, trend_result, ranking = parts
        if isinstance(comparison, Comparisons):
            warnings += comparison.warnings
            comparison = comparison.comparisons[0]
        sections.append(Section(metric, comparison, trend_result, ranking, tuple(problems)))
    if errors and not any(s.comparison for s in sections):
        raise errors[0]  # nothing to compare (a year no metric has): as compare says it
    warnings += [f"{s.metric.id}: {problem}" for s in sections for problem in s.problems]
    return Page(sections, chosen or list(catalog.companies), denominator, peers or "",
                left_out, warnings=tuple(dict.fromkeys(warnings)))


def _report_part(catalog: Catalog, part: str, metric: Metric, per: Metric | None,
                 year: int | None, companies: list[str] | None, basis: EnergyBasis,
                 include_flagged: bool, peers: str | None) -> Any:
    """One part of a report's section: the answer the command of its name gives."""
    if part == "comparison":
        if per is None:
            return compare(catalog, metric.id, year=year, companies=companies, basis=basis)
        return intensity(catalog, metric.id, per.id, year=year, companies=companies,
                         basis=basis).comparisons[0]
    if part == "trend":
        if per is None:
            return trend(catalog, companies, metric.id, basis=basis)
        return intensity_trend(catalog, companies, metric.id, per.id, basis=basis)
    return rank(catalog, metric.id, per=per.id if per else None, year=year,
                companies=companies, basis=basis, include_flagged=include_flagged,
                peers=peers)


def _why_missing(catalog: Catalog, company: str, metric: Metric, basis: EnergyBasis,
                 first: int | None, last: int | None) -> Missing:
    """Why a company has no value in a trend's years."""
    years = years_available(catalog, company, metric.id)
    if years and (first is not None or last is not None):
        return Missing(company, Why.not_for_year, years=tuple(years))
    latest = max(catalog.years(company), default=None)
    result = value_of(catalog, company, metric.id, latest, basis) if latest else None
    return result if isinstance(result, Missing) else Missing(company, Why.not_reported)


def export(catalog: Catalog, companies: list[str] | None = None,
           metrics: list[str] | None = None, years: list[int] | None = None,
           derived: bool = False, basis: EnergyBasis = EnergyBasis()) -> Export:
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
                found = listed_value(catalog, company, metric, year, basis)
                if isinstance(found, Value):
                    values.append(found)
    if not values:
        raise NoDataError("no value for the companies, metrics and years asked for")
    return Export(flag_inconsistent(catalog, values))


def metrics(catalog: Catalog, query: str | None = None) -> Metrics:
    """The catalog's metrics, or those whose id, name, Chinese name (either script),
    aliases, framework codes or printed labels contain the query (names folded as
    everywhere: case, width, spaces, Traditional and Simplified Chinese)."""
    if query is None:
        return _metrics(catalog, list(catalog.metrics.values()))
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
    return _metrics(catalog, found)


def _metrics(catalog: Catalog, found: list[Metric]) -> Metrics:
    return Metrics(found, {m.id: len(catalog.companies_reporting(m.id)) for m in found})


def companies(catalog: Catalog) -> Companies:
    """The companies the catalog holds, each with its years, its number of values and the
    report files it cites."""
    return Companies([CompanyFacts(company, catalog.years(company.id),
                                   catalog.value_count(company.id),
                                   [s.file for s in catalog.sources.get(company.id, {}).values()])
                      for company in catalog.companies.values()])


def peers(catalog: Catalog) -> PeerGroups:
    """Every peer group --peers can name: peers.toml's (built-in and the user's) and the
    catalog's ``groups:``, with where each is defined. A group with a member that names no
    company is listed without its companies: a catalog's with the error as a warning (exit
    3); a peers.toml group may name companies of catalogs not read now."""
    from .rank import peer_groups, peers as peer_members

    listed, warnings = [], []
    for name, (members, where) in sorted(peer_groups(catalog).items()):
        try:
            found = tuple(peer_members(catalog, name))
        except NotFoundError as exc:
            found = ()
            if name in catalog.groups:
                warnings.append(str(exc))
        listed.append(PeerGroup(name, tuple(members), found, where))
    return PeerGroups(listed, warnings=tuple(warnings),
                      exit_code=ExitCode.NOT_FOUND if warnings else ExitCode.OK)


def coverage(catalog: Catalog, companies: list[str] | None = None,
             years: list[int] | None = None) -> Coverage:
    """Each HKEX ESG Reporting Code KPI for each company-year the catalog holds (or those
    asked for): disclosed, with the metrics whose values disclose it; explained, where the
    report says why a metric of it is not disclosed (a company's ``not_reported``); not
    disclosed; or a description, which a catalog of figures does not hold."""
    from .vocabulary import hkex_kpis

    by_code: dict[str, list[str]] = {}
    for metric in catalog.metrics.values():
        for code in metric.hkex:
            by_code.setdefault(code, []).append(metric.id)
    rows = []
    for company in _companies(catalog, companies) or list(catalog.companies):
        for year in catalog.years(company):
            if years and year not in years:
                continue
            for kpi in hkex_kpis().values():
                if not kpi.figure:
                    rows.append(KpiCoverage(company, year, kpi.code, kpi.title, "description"))
                    continue
                disclosed = tuple(m for m in by_code.get(kpi.code, ())
                                  if catalog.get(company, m, year) is not None)
                explained = () if disclosed else tuple(
                    e for e in catalog.companies[company].not_reported
                    if kpi.code in catalog.metrics[e.metric].hkex
                    and (not e.years or year in e.years))
                if explained:
                    rows.append(KpiCoverage(
                        company, year, kpi.code, kpi.title, "explained",
                        tuple(dict.fromkeys(e.metric for e in explained)),
                        "; ".join(f"{e.metric}: {e.reason} ({e.source}, line {e.line})"
                                  for e in explained)))
                    continue
                rows.append(KpiCoverage(company, year, kpi.code, kpi.title,
                                        "disclosed" if disclosed else "not disclosed",
                                        disclosed))
    if not rows:
        asked = f" in {', '.join(map(str, years))}" if years else ""
        raise NoDataError(f"no value of the companies asked for{asked}; 'esgcmp companies' "
                          "lists the years each company has")
    return Coverage(rows)


def check(session: Session, sources: Path | None = None,
          jump: Decimal | None = None, everything: bool = False) -> CheckResult:
    """The catalog checked against itself (and its sources): a catalog that does not load
    is a finding too. Exit 1 when a finding is an error. When user catalogs are layered
    over the built-in one, only the findings about them are kept (a finding that names a
    company, metric or value they define), and the others counted, unless
    ``everything``."""
    from .catalog import builtin_catalog_path
    from .check import (check_basis_cited, check_group_members, check_source_lines,
                        load_failure, ordered, run_checks)

    files = [str(p) for p in session.paths]
    lines = None
    left_out = 0
    try:
        catalog = session.catalog
    except CatalogError as exc:
        findings = [load_failure(exc)]
    else:
        findings = ordered(run_checks(catalog, jump) + list(check_basis_cited(catalog))
                           + list(check_group_members(catalog)))
        if sources is not None:
            lines = check_source_lines(catalog, sources)
            findings = ordered(findings + lines.findings)
        builtin = str(builtin_catalog_path())
        if not everything and len(files) > 1 and builtin in files:
            mine = [f for f in findings if _about_user_catalogs(f, catalog, builtin)]
            left_out = len(findings) - len(mine)
            findings = mine
    failed = any(f.severity == "error" for f in findings)
    return CheckResult(findings, files, lines, sources, left_out=left_out,
                       exit_code=ExitCode.FINDINGS if failed else ExitCode.OK)


def _about_user_catalogs(finding: Any, catalog: Catalog, builtin: str) -> bool:
    """Whether a finding is about what a user catalog defines: a company or metric of
    its own, or a value it adds (to a built-in company too). A finding that names none
    (a file's own problem) is kept."""
    if not finding.company and not finding.metric and not finding.names:
        return True
    company = catalog.companies.get(finding.company)
    metric = catalog.metrics.get(finding.metric)
    if (company is not None and company.origin.file != builtin) or (
            metric is not None and metric.origin.file != builtin):
        return True
    keys = (finding.names + finding.involved) or ((finding.company, finding.metric,
                                                    finding.year),)
    for key_company, key_metric, key_year in keys:
        if key_year is None:
            continue
        observation = catalog.get(key_company, key_metric, key_year)
        if observation is not None and observation.origin.file != builtin:
            return True
    return False
