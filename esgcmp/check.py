"""`esgcmp check`: reconcile the catalog with itself and with its sources.

Each check declares its name, severity, what it means and how a finding of it is worded
beside the function that makes its findings (``@declares``, esgcmp/checkbase.py); the
declarations are the registry CHECKS (the table of docs/checks.md is generated from it)
and run_checks runs the functions so declared. The checks are grouped by what they read:
the catalog as written (checkcited.py), a year's figures against each other
(checkfigures.py), emissions against electricity and energy (checkgrid.py), and here a
company against its group, a value against the year before and what the catalog states
without a source. Importing this module registers them all, in the order of
docs/checks.md: the order of the imports below. A finding says what was expected, what
was found and the facts behind it (``details``), and its message words them. Severities:
``error`` (the catalog is wrong: it does not load, or a value is not on its cited line),
``warning`` (the reports disagree with themselves or are implausible) and ``info``
(differences at the level of rounding, and facts worth knowing). Tolerances and ranges
are data: esgcmp/checks.toml.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from .catalog import Catalog
from .checkbase import (CHECKS, RUNS, Check, Wanted, Years, about, declares, key_of, meaning,
                        refs, settings, span)
from .checkcited import check_source_lines, load_failure
from .checkfigures import check_ratios, check_sums
from .checkgrid import check_emission_factor, check_emission_per_energy
from .model import NO_TREND_FLAGS, Observation
from .results import Finding, Key, Severity, SourceLines
from .units import format_decimal

__all__ = ["CHECKS", "Check", "Finding", "Severity", "SourceLines", "check_basis_cited",
           "check_emission_factor", "check_emission_per_energy", "check_group_members",
           "check_jumps", "check_ratios", "check_source_lines", "check_subsidiaries",
           "check_sums", "inconsistent", "load_failure", "meaning", "ordered", "run_checks",
           "settings"]


_NOT_ADDITIVE = ("percent", "points", "ratio")


def _additive(catalog: Catalog, metric: str) -> bool:
    unit = catalog.metrics[metric].unit
    return unit not in _NOT_ADDITIVE and "/" not in unit


@declares(Check(
    "subsidiary", "error", "an additive figure of a company larger than the same figure, year "
    "and basis of the group it is part of (`parent:`)",
    lambda f: (f"{f.company} {f.metric} {format_decimal(f.found)} exceeds its group "
               f"{f.details['parent']}'s {format_decimal(f.expected)}, which includes it")))
def check_subsidiaries(catalog: Catalog, wanted: Wanted = None,
                       years: Years = None) -> Iterator[Finding]:
    """A part of a group cannot have more of an additive quantity than the group."""
    for company in sorted(catalog.companies.values(), key=lambda c: c.id):
        parent = company.parent
        if not parent or parent not in catalog.companies:
            continue
        for metric in catalog.metrics:
            if not about(wanted, metric) or not _additive(catalog, metric):
                continue
            for year in catalog.years(company.id, metric):
                if years is not None and year not in years:
                    continue
                own = catalog.get(company.id, metric, year)
                group = catalog.get(parent, metric, year)
                if own is None or group is None or own.basis != group.basis:
                    continue
                if span(own).low > span(group).high:
                    yield Finding(Severity.error, "subsidiary", company.id, year, metric,
                                  group.normalized, own.normalized,
                                  catalog.metrics[metric].unit, refs(own, group),
                                  {"parent": parent}, (key_of(own), key_of(group)))


@declares(Check(
    "jump", "warning (info for economic metrics)", "a change of more than `--jump` (default "
    "{jump} = {jump_pct} %) from the previous year a company reports (across gaps too) that "
    "no `not_comparable` flag or change of basis explains",
    lambda f: (f"{f.metric} changed {f.details['change'] * 100:+.1f} % from {f.details['from']} "
               f"to {f.details['to']}, with no not_comparable flag or change of basis to "
               "explain it")), options=("jump",))
def check_jumps(catalog: Catalog, jump: Decimal | None = None, wanted: Wanted = None,
                years: Years = None) -> Iterator[Finding]:
    """Changes from the previous reported year beyond ``jump`` that neither a
    ``not_comparable`` flag nor a change of basis explains."""
    limit = settings().jump if jump is None else jump
    for metric_id in catalog.metrics_with_values():
        if not about(wanted, metric_id):
            continue
        # Business growth (subscribers, base stations) is not a data problem.
        economic = catalog.metrics[metric_id].category == "economic"
        # the values alone say whether there is a jump: the records only where there is
        columns: dict[int, dict[str, Decimal]] = {}
        adjacent: dict[tuple[int, ...], list[tuple[int, int]]] = {}  # by years held
        for company, held in sorted(catalog.shard(metric_id).items()):
            given = tuple(held.keys())
            pairs = adjacent.get(given)
            if pairs is None:
                pairs = adjacent[given] = _adjacent(sorted(given), years)
                for year in {year for pair in pairs for year in pair} - columns.keys():
                    columns[year] = catalog.normalized(metric_id, year)
            for year_before, year_after in pairs:
                old, new = columns[year_before][company], columns[year_after][company]
                if old == 0 or abs(new - old) <= limit * abs(old):  # |change| <= limit
                    continue
                before, after = held[year_before], held[year_after]
                change = (new - old) / abs(old)
                if set(NO_TREND_FLAGS) & set(after.flags) or before.basis != after.basis:
                    continue  # explained: the basis changed
                suspect, other = ((before, after) if _outlier(held, year_before, new, limit)
                                  else (after, before))
                yield Finding(Severity.info if economic else Severity.warning, "jump",
                              company, after.year, metric_id, old, new,
                              catalog.metrics[metric_id].unit,
                              refs(before, after),
                              {"change": change, "from": before.year, "to": after.year},
                              () if economic else (key_of(suspect),),
                              () if economic else (key_of(other),))


def _outlier(held: Mapping[int, Observation], year: int, after: Decimal,
             limit: Decimal) -> bool:
    """Whether the value of ``year`` is itself the odd one out of a jump to ``after`` (the
    next year's number): it jumped from the year before it too, the other way, on the
    same basis, while that year and ``after`` lie within ``limit`` of each other (11.04,
    then 2.23, then 6.37: the 2.23 is suspect, not the 6.37)."""
    earlier = [y for y in held if y < year]
    if not earlier:
        return False
    previous, this = held[max(earlier)], held[year]
    first, middle = previous.normalized, this.normalized
    if (not first or set(NO_TREND_FLAGS) & set(this.flags) or previous.basis != this.basis
            or abs(middle - first) <= limit * abs(first)):
        return False
    return (middle - first) * (after - middle) < 0 and abs(after - first) <= limit * abs(first)


@declares(Check(
    "basis_cited", "info", "each aspect of a basis (a value's, or a company's entity) cites the "
    "line of the report that states it (`{{value: ..., line: N}}`): one given as plain text is "
    "a claim without a source; cite the line, or write it in `notes`, which makes no flag",
    lambda f: (f"{f.metric or 'the company'} basis '{f.details['aspect']}' "
               f"('{f.details['text']}') cites no line of the report: cite the line that "
               "states it, or write it in notes")), run=False)
def check_basis_cited(catalog: Catalog) -> Iterator[Finding]:
    """Each aspect of a basis given as plain text, once per KPI entry (or company): only
    ``esgcmp check`` runs it, since it reads every value's record."""
    for company in sorted(catalog.companies.values(), key=lambda c: c.id):
        stated = {aspect for aspect, *_cited in company.stated}
        for aspect, text in company.basis:
            if aspect not in stated:
                yield Finding(Severity.info, "basis_cited", company.id,
                              sources=(str(company.origin),),
                              details={"aspect": aspect, "text": text})
    said: set[tuple[str, str, str]] = set()  # an entry's aspect once, however many years
    for metric_id in catalog.metrics_with_values():
        for company_id, held in sorted(catalog.shard(metric_id).items()):
            for observation in (held[year] for year in sorted(held)):
                stated = {aspect for aspect, *_cited in observation.stated}
                for aspect, text in observation.basis:
                    place = (str(observation.origin), aspect, text)
                    if aspect in stated or place in said:
                        continue
                    said.add(place)
                    yield Finding(Severity.info, "basis_cited", company_id, None, metric_id,
                                  sources=(str(observation.origin),),
                                  details={"aspect": aspect, "text": text},
                                  names=(key_of(observation),))


@declares(Check(
    "group_member", "error", "each member of a catalog's peer group (`groups:`) names a "
    "company of the catalogs read, as `-c` takes it",
    lambda f: (f"peer group '{f.details['group']}' names '{f.details['member']}', which is "
               "no company of the catalogs read: name a company's id, name, alias or "
               "ticker")), run=False)
def check_group_members(catalog: Catalog) -> Iterator[Finding]:
    """Each member of a catalog group that names no company: `--peers` would refuse the
    group, so `check` says so before it is used."""
    from .errors import NotFoundError

    for group in catalog.groups.values():
        for member in group.members:
            try:
                catalog.resolve_company(member)
            except NotFoundError:
                yield Finding(Severity.error, "group_member", sources=(str(group.origin),),
                              details={"group": group.id, "member": member})


def _adjacent(held: list[int], years: Years) -> list[tuple[int, int]]:
    """Each year of ``held`` (sorted) with the next; with ``years``, only the pairs with
    one of those years."""
    if years is None:
        return list(zip(held, held[1:]))
    pairs: set[tuple[int, int]] = set()
    last = len(held) - 1
    for year in years.intersection(held):
        at = held.index(year)
        if at:
            pairs.add((held[at - 1], year))
        if at < last:
            pairs.add((year, held[at + 1]))
    return sorted(pairs)


def run_checks(catalog: Catalog, jump: Decimal | None = None, wanted: Wanted = None,
               years: Years = None) -> list[Finding]:
    """Every check's findings of the catalog against itself, most severe first; with
    ``wanted``, only those about these metrics, and with ``years`` only those naming a
    value of those years."""
    given = {"jump": jump}
    return ordered([finding for run, options in RUNS
                    for finding in run(catalog, wanted=wanted, years=years,
                                       **{name: given[name] for name in options})])


def ordered(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then by company, metric, year and check."""
    order = {s: i for i, s in enumerate(Severity)}
    return sorted(findings, key=lambda f: (order[f.severity], f.company, f.metric,
                                           f.year or 0, f.check))


def inconsistent(catalog: Catalog, metrics: set[str], years: Years = None,
                 with_involved: bool = False) -> Any:
    """The values of these metrics (and years) that a warning or an error suspects, with
    the findings; with ``with_involved``, also the inputs of the findings that suspect
    none of their values (an implied factor nothing tells apart), which are shown with
    the finding but not flagged."""
    named: dict[Key, list[Finding]] = {}
    involved: dict[Key, list[Finding]] = {}
    for finding in _warnings(catalog, metrics, years):
        for key in finding.names:
            if key[1] in metrics:
                named.setdefault(key, []).append(finding)
        if not finding.names:
            for key in finding.involved:
                if key[1] in metrics:
                    involved.setdefault(key, []).append(finding)
    return (named, involved) if with_involved else named


def _warnings(catalog: Catalog, metrics: set[str], years: Years) -> list[Finding]:
    """The warnings and errors of run_checks about these metrics and years: kept in the
    cache with the catalog's files when it has one (esgcmp.findingstore), so that a warm
    command does not run the checks again."""
    kept = getattr(catalog.values, "kept", None)
    if kept is not None:
        from . import findingstore

        found = findingstore.read(kept, metrics, years)
        if found is not None:
            return found
    found = [finding for finding in run_checks(catalog, wanted=metrics, years=years)
             if finding.severity is not Severity.info]
    if kept is not None:
        findingstore.keep(kept, metrics, years, found)
    return found
