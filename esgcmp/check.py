"""`esgcmp check`: reconcile the catalog with itself and with its sources.

Each finding says what was expected, what was found and the difference. Severities:
``error`` (the catalog is wrong: it does not load, or a value is not on its cited line),
``warning`` (the reports disagree with themselves or are implausible) and ``info``
(differences at the level of rounding, and facts worth knowing).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .catalog import Catalog
from .errors import CatalogError, EsgcmpError
from .model import Observation
from .provenance import SourceFiles, check_observation
from .units import format_decimal, target_factor

SEVERITIES = ("error", "warning", "info")
# Relative differences: up to ROUNDING is what printing rounded figures explains.
ROUNDING = Decimal("0.005")
TOLERANCE = Decimal("0.02")
JUMP = Decimal("0.5")  # a year-over-year change of more than 50 %
GRID_FACTOR_RANGE = (Decimal("0.3"), Decimal("1.0"))  # tCO2/MWh, DOMAIN notes
NO_TREND_FLAGS = {"restated", "not_comparable"}


@dataclass(frozen=True)
class Finding:
    severity: str
    check: str
    message: str
    company: str = ""
    year: int | None = None
    metric: str = ""
    expected: Decimal | None = None
    found: Decimal | None = None
    unit: str = ""
    sources: tuple[str, ...] = ()

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


def _grade(expected: Decimal, found: Decimal) -> str | None:
    """None when the two agree within rounding; else the severity of the difference."""
    relative = _relative(expected, found)
    if relative <= ROUNDING:
        return None
    return "info" if relative <= TOLERANCE else "warning"


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
            names = " + ".join(metric.parts)
            if is_rate:
                low = min(p.normalized for p in present)
                high = max(p.normalized for p in present)
                if not low <= total.normalized <= high:
                    yield Finding(
                        "warning", "rate_range",
                        f"{metric.id} {format_decimal(total.normalized)} % lies outside the "
                        f"range of its sub-rates {', '.join(metric.parts)} "
                        f"({format_decimal(low)}-{format_decimal(high)} %)",
                        company, year, metric.id, None, total.normalized, "percent",
                        _refs(total, *present))
                continue
            expected = sum((p.normalized for p in present), Decimal(0))
            grade = _grade(expected, total.normalized)
            if grade:
                yield Finding(grade, "sum",
                              f"{metric.id} differs from the sum of {names}",
                              company, year, metric.id, expected, total.normalized, metric.unit,
                              _refs(total, *present))


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
            yield Finding("error", "ratio_unit", f"metric '{metric.id}': {exc}",
                          metric=metric.id, sources=(str(metric.origin),))
            continue
        for company, year, reported in _values(catalog, metric.id):
            numerator = catalog.get(company, numerator_id, year)
            denominator = catalog.get(company, denominator_id, year)
            if numerator is None or denominator is None or denominator.normalized == 0:
                continue
            expected = numerator.normalized / denominator.normalized * factor
            grade = _grade(expected, reported.normalized)
            if grade:
                yield Finding(
                    grade, "ratio",
                    f"reported {metric.id} differs from {numerator_id} / {denominator_id} "
                    "recomputed from the catalog",
                    company, year, metric.id, expected.quantize(Decimal("0.0001")),
                    reported.normalized, metric.unit, _refs(reported, numerator, denominator))


def check_grid_factor(catalog: Catalog) -> Iterator[Finding]:
    """Scope 2 over electricity: an implied grid emission factor, tCO2/MWh."""
    if not {"ghg_scope2", "electricity"} <= set(catalog.metrics):
        return
    factor = target_factor(f"({catalog.metrics['ghg_scope2'].unit}) / "
                           f"({catalog.metrics['electricity'].unit})", "tCO2e/MWh")
    low, high = GRID_FACTOR_RANGE
    for company, year, scope2 in _values(catalog, "ghg_scope2"):
        electricity = catalog.get(company, "electricity", year)
        if electricity is None or electricity.normalized == 0:
            continue
        implied = (scope2.normalized / electricity.normalized * factor).quantize(
            Decimal("0.0001"))
        inside = low <= implied <= high
        yield Finding(
            "info" if inside else "warning", "grid_factor",
            f"implied grid emission factor {format_decimal(implied)} tCO2e/MWh "
            f"{'within' if inside else 'outside'} the plausible "
            f"{format_decimal(low)}-{format_decimal(high)} (China grid average 0.5366-0.5703)",
            company, year, "ghg_scope2", None, implied, "tCO2e/MWh", _refs(scope2, electricity))


def check_jumps(catalog: Catalog, jump: Decimal = JUMP) -> Iterator[Finding]:
    """Year-over-year changes beyond ``jump`` that no flag explains."""
    series: dict[tuple[str, str], list[Observation]] = {}
    for (company, metric_id, _year), obs in sorted(catalog.observations.items()):
        series.setdefault((company, metric_id), []).append(obs)
    for (company, metric_id), observations in series.items():
        for before, after in zip(observations, observations[1:]):
            if after.year - before.year != 1 or before.normalized == 0:
                continue
            change = (after.normalized - before.normalized) / abs(before.normalized)
            if abs(change) <= jump:
                continue
            if NO_TREND_FLAGS & (set(before.flags) | set(after.flags)):
                continue
            # Business growth (subscribers, base stations) is not a data problem.
            economic = catalog.metrics[metric_id].category == "economic"
            yield Finding(
                "info" if economic else "warning", "jump",
                f"{metric_id} changed {change * 100:+.1f} % from {before.year} to {after.year} "
                "with no restated/not_comparable flag",
                company, after.year, metric_id, before.normalized, after.normalized,
                catalog.metrics[metric_id].unit, _refs(before, after))


def check_source_lines(catalog: Catalog, directory: Path) -> Iterator[Finding]:
    """Every value re-found on its cited line of the source files in ``directory``."""
    files = SourceFiles(directory)
    absent: dict[str, int] = {}
    for obs in catalog.observations.values():
        if not files.has(obs.source.file):
            absent[obs.source.file] = absent.get(obs.source.file, 0) + 1
            continue
        for miss in check_observation(obs, files):
            yield Finding("error", "source_line",
                          f"'{miss.expected}' is not on {miss.where}: {miss.line_text!r}",
                          obs.company, obs.year, obs.metric, sources=(miss.where, miss.catalog))
    for file, count in sorted(absent.items()):
        yield Finding("info", "source_line", f"{file} is not in {directory}: its {count} values "
                      "were not re-found", sources=(file,))


def run_checks(catalog: Catalog, sources: Path | None = None,
               jump: Decimal = JUMP) -> list[Finding]:
    findings = [*check_sums(catalog), *check_ratios(catalog), *check_grid_factor(catalog),
                *check_jumps(catalog, jump)]
    if sources is not None:
        findings += check_source_lines(catalog, sources)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (order[f.severity], f.company, f.metric,
                                           f.year or 0, f.check))


def load_failure(error: CatalogError) -> Finding:
    """A catalog that does not load is one error finding."""
    return Finding("error", "schema", error.message + (f"; {error.fix}" if error.fix else ""),
                   sources=(error.where,) if error.where else ())
