"""`esgcmp check`: reconcile the catalog with itself and with its sources.

Each check is registered in CHECKS with its name, severity and what it means (the table
of docs/checks.md is generated from it). A finding says what was expected, what was
found and the facts behind it (``details``); esgcmp.views words it. Severities:
``error`` (the catalog is wrong: it does not load, or a value is not on its cited line),
``warning`` (the reports disagree with themselves or are implausible) and ``info``
(differences at the level of rounding, and facts worth knowing). Tolerances and ranges
are data: esgcmp/checks.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .errors import CatalogError, EsgcmpError
from .model import NO_TREND_FLAGS, Observation
from .provenance import SourceFiles, check_observation
from .units import target_factor


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Check:
    name: str
    severity: str  # as documented: one severity, or how it is graded
    meaning: str  # what it does; {placeholders} are filled from esgcmp/checks.toml


CHECKS: tuple[Check, ...] = (
    Check("schema", "error", "the catalog must load: YAML, known keys, required fields, types, "
          "ids, known metrics and sources, plausible years (1900-2100), no duplicates, units "
          "that read and fit the metric's dimension. The first problem is reported with file "
          "and line."),
    Check("source_line", "error", "with `--sources DIR`: each value (and each `also` citation) "
          "is printed on its cited line; a source file not in DIR is reported as info"),
    Check("sum", "warning / info", "a metric with `parts: [...]` against the sum of its parts "
          "(Scope 1 + 2 against total GHG, hires by gender, suppliers by region)"),
    Check("rate_range", "warning", "a percentage metric whose `parts` are percentages "
          "(turnover by gender) must lie between its lowest and highest sub-rate"),
    Check("ratio", "warning / info", "a metric with `ratio_of: [numerator, denominator]` "
          "against the ratio recomputed from the catalog's own totals, converted to the "
          "metric's unit"),
    Check("grid_factor", "info / warning", "{emissions} over {electricity}, the implied grid "
          "emission factor in {unit}; outside {low}-{high} is a warning"),
    Check("jump", "warning (info for economic metrics)", "a change of more than `--jump` "
          "(default {jump} = {jump_pct} %) between consecutive years with no `restated` or "
          "`not_comparable` flag on either year"),
    Check("ratio_unit", "error", "a `ratio_of` whose units cannot make the metric's unit"),
)


@dataclass(frozen=True)
class Settings:
    rounding: Decimal
    info: Decimal
    jump: Decimal
    grid: dict[str, str]

    @property
    def grid_range(self) -> tuple[Decimal, Decimal]:
        return Decimal(self.grid["low"]), Decimal(self.grid["high"])


@lru_cache(maxsize=1)
def settings() -> Settings:
    import tomllib

    data = tomllib.loads((resources.files("esgcmp") / "checks.toml").read_text(
        encoding="utf-8"))
    return Settings(rounding=Decimal(data["tolerance"]["rounding"]),
                    info=Decimal(data["tolerance"]["info"]),
                    jump=Decimal(data["jump"]["default"]), grid=dict(data["grid_factor"]))


def meaning(check: Check) -> str:
    """What a check does, with its ranges from esgcmp/checks.toml."""
    known = settings()
    return check.meaning.format(**known.grid, jump=known.jump,
                                jump_pct=f"{known.jump * 100:.0f}")


@dataclass(frozen=True)
class Finding:
    severity: Severity
    check: str
    company: str = ""
    year: int | None = None
    metric: str = ""
    expected: Decimal | None = None
    found: Decimal | None = None
    unit: str = ""
    sources: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)  # what views need to word it

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


def _relative(expected: Decimal, found: Decimal) -> Decimal:
    if expected == 0:
        return Decimal(0) if found == 0 else Decimal(1)
    return abs(found - expected) / abs(expected)


def _grade(expected: Decimal, found: Decimal) -> Severity | None:
    """None when the two agree within rounding; else the severity of the difference."""
    relative = _relative(expected, found)
    known = settings()
    if relative <= known.rounding:
        return None
    return Severity.info if relative <= known.info else Severity.warning


def _values(catalog: Catalog, metric: str) -> Iterator[tuple[str, int, Observation]]:
    """One metric's values as (company, year, value), in order."""
    for company, years in sorted(catalog.shard(metric).items()):
        for year, observation in sorted(years.items()):
            yield company, year, observation


def _refs(*observations: Observation) -> tuple[str, ...]:
    return tuple(dict.fromkeys(o.reference for o in observations))


def check_sums(catalog: Catalog) -> Iterator[Finding]:
    """A total against the sum of its parts; a rate against the range of its sub-rates."""
    for metric in catalog.metrics.values():
        if not metric.parts:
            continue
        is_rate = metric.unit == "percent" and all(
            catalog.metrics[p].unit == "percent" for p in metric.parts)
        for company, year, total in _values(catalog, metric.id):
            parts = [catalog.get(company, p, year) for p in metric.parts]
            present = [p for p in parts if p is not None]
            if len(present) != len(parts):
                continue
            if is_rate:
                low = min(p.normalized for p in present)
                high = max(p.normalized for p in present)
                if not low <= total.normalized <= high:
                    yield Finding(Severity.warning, "rate_range", company, year, metric.id, None,
                                  total.normalized, "percent", _refs(total, *present),
                                  {"parts": metric.parts, "low": low, "high": high})
                continue
            expected = sum((p.normalized for p in present), Decimal(0))
            grade = _grade(expected, total.normalized)
            if grade:
                yield Finding(grade, "sum", company, year, metric.id, expected,
                              total.normalized, metric.unit, _refs(total, *present),
                              {"parts": metric.parts})


def check_ratios(catalog: Catalog) -> Iterator[Finding]:
    """A reported ratio against numerator / denominator from the catalog's own totals."""
    for metric in catalog.metrics.values():
        if metric.ratio_of is None:
            continue
        numerator_id, denominator_id = metric.ratio_of
        numerator_unit = catalog.metrics[numerator_id].unit
        denominator_unit = catalog.metrics[denominator_id].unit
        try:
            factor = target_factor(f"({numerator_unit}) / ({denominator_unit})", metric.unit)
        except EsgcmpError as exc:
            yield Finding(Severity.error, "ratio_unit", metric=metric.id,
                          sources=(str(metric.origin),), details={"problem": str(exc)})
            continue
        for company, year, reported in _values(catalog, metric.id):
            numerator = catalog.get(company, numerator_id, year)
            denominator = catalog.get(company, denominator_id, year)
            if numerator is None or denominator is None or denominator.normalized == 0:
                continue
            expected = numerator.normalized / denominator.normalized * factor
            grade = _grade(expected, reported.normalized)
            if grade:
                yield Finding(grade, "ratio", company, year, metric.id,
                              expected.quantize(Decimal("0.0001")), reported.normalized,
                              metric.unit, _refs(reported, numerator, denominator),
                              {"numerator": numerator_id, "denominator": denominator_id})


def check_grid_factor(catalog: Catalog) -> Iterator[Finding]:
    """Scope 2 over electricity: an implied grid emission factor."""
    grid = settings().grid
    emissions, electricity_id, unit = grid["emissions"], grid["electricity"], grid["unit"]
    if not {emissions, electricity_id} <= set(catalog.metrics):
        return
    factor = target_factor(f"({catalog.metrics[emissions].unit}) / "
                           f"({catalog.metrics[electricity_id].unit})", unit)
    low, high = settings().grid_range
    for company, year, scope2 in _values(catalog, emissions):
        electricity = catalog.get(company, electricity_id, year)
        if electricity is None or electricity.normalized == 0:
            continue
        implied = (scope2.normalized / electricity.normalized * factor).quantize(
            Decimal("0.0001"))
        inside = low <= implied <= high
        yield Finding(Severity.info if inside else Severity.warning, "grid_factor", company,
                      year, emissions, None, implied, unit, _refs(scope2, electricity),
                      {"inside": inside, "low": low, "high": high,
                       "reference": grid["reference"]})


def check_jumps(catalog: Catalog, jump: Decimal | None = None) -> Iterator[Finding]:
    """Year-over-year changes beyond ``jump`` that no flag explains."""
    limit = settings().jump if jump is None else jump
    series: dict[tuple[str, str], list[Observation]] = {}
    for (company, metric_id, _year), obs in sorted(catalog.observations.items()):
        series.setdefault((company, metric_id), []).append(obs)
    for (company, metric_id), observations in series.items():
        for before, after in zip(observations, observations[1:]):
            if after.year - before.year != 1 or before.normalized == 0:
                continue
            change = (after.normalized - before.normalized) / abs(before.normalized)
            if abs(change) <= limit:
                continue
            if set(NO_TREND_FLAGS) & (set(before.flags) | set(after.flags)):
                continue
            # Business growth (subscribers, base stations) is not a data problem.
            economic = catalog.metrics[metric_id].category == "economic"
            yield Finding(Severity.info if economic else Severity.warning, "jump", company,
                          after.year, metric_id, before.normalized, after.normalized,
                          catalog.metrics[metric_id].unit, _refs(before, after),
                          {"change": change, "from": before.year, "to": after.year})


def check_source_lines(catalog: Catalog, directory: Path) -> Iterator[Finding]:
    """Every value re-found on its cited line of the source files in ``directory``."""
    files = SourceFiles(directory)
    absent: dict[str, int] = {}
    for obs in catalog.observations.values():
        if not files.has(obs.source.file):
            absent[obs.source.file] = absent.get(obs.source.file, 0) + 1
            continue
        for miss in check_observation(obs, files):
            yield Finding(Severity.error, "source_line", obs.company, obs.year, obs.metric,
                          sources=(miss.where, miss.catalog),
                          details={"expected": miss.expected, "where": miss.where,
                                   "line_text": miss.line_text})
    for file, count in sorted(absent.items()):
        yield Finding(Severity.info, "source_line", sources=(file,),
                      details={"absent": file, "directory": str(directory), "count": count})



def run_checks(catalog: Catalog, sources: Path | None = None,
               jump: Decimal | None = None) -> list[Finding]:
    findings = [*check_sums(catalog), *check_ratios(catalog), *check_grid_factor(catalog),
                *check_jumps(catalog, jump)]
    if sources is not None:
        findings += check_source_lines(catalog, sources)
    order = {s: i for i, s in enumerate(Severity)}
    return sorted(findings, key=lambda f: (order[f.severity], f.company, f.metric,
                                           f.year or 0, f.check))


def load_failure(error: CatalogError) -> Finding:
    """A catalog that does not load is one error finding."""
    return Finding(Severity.error, "schema", sources=(error.where,) if error.where else (),
                   details={"problem": error.message + (f"; {error.fix}" if error.fix else "")})
