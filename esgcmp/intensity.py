"""Intensity ratios (a metric per a denominator metric) and year-over-year changes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .catalog import Catalog
from .compare import (EnergyBasis, Missing, Value, choose_year, convert, value_of,
                      years_available)
from .errors import NoDataError
from .model import Metric
from .units import format_decimal, parse_target, target_factor

NO_TREND_FLAGS = ("restated", "not_comparable")


def ratio_metric(catalog: Catalog, numerator: str, denominator: str) -> Metric | None:
    """The catalog metric that reports numerator per denominator, if there is one."""
    for metric in catalog.metrics.values():
        if metric.ratio_of == (numerator, denominator):
            return metric
    return None


def default_intensity_unit(catalog: Catalog, numerator: Metric, denominator: Metric) -> str:
    """The unit companies report this ratio in, else a readable one.

    A reported ratio metric fixes it (kgce per RMB 10,000 as China Comservice reports
    energy, t per RMB million as China Unicom reports carbon and water); revenue is
    otherwise per RMB million, and anything else per one unit of the denominator.
    """
    reported = ratio_metric(catalog, numerator.id, denominator.id)
    if reported is not None:
        return reported.unit
    if parse_target(denominator.unit).expr == "CNY":
        return f"{numerator.unit}/(10^6 CNY)"
    per = {"persons": "person"}.get(denominator.unit, denominator.unit)
    return f"{numerator.unit}/{per}" if per.isidentifier() else f"{numerator.unit}/({per})"


def implied_value(catalog: Catalog, company: str, metric: Metric, year: int,
                  basis: EnergyBasis) -> Value | None:
    """A denominator implied by a reported ratio and its reported numerator.

    China Comservice prints no revenue, but prints energy and energy per RMB 10,000 of
    revenue; revenue = energy / intensity. Marked ``implied``, never ``reported``.
    """
    for ratio in catalog.metrics.values():
        if ratio.ratio_of is None or ratio.ratio_of[1] != metric.id:
            continue
        ratio_obs = catalog.get(company, ratio.id, year)
        numerator_metric = catalog.metrics[ratio.ratio_of[0]]
        numerator = value_of(catalog, company, numerator_metric.id, year, basis)
        if ratio_obs is None or not isinstance(numerator, Value) or ratio_obs.normalized == 0:
            continue
        factor = target_factor(f"({numerator_metric.unit}) / ({ratio.unit})", metric.unit)
        implied = numerator.value / ratio_obs.normalized * factor
        references = [ratio_obs.reference]
        if numerator.observation is not None:
            references.insert(0, numerator.observation.reference)
        references = list(dict.fromkeys(references))
        flags = ("implied",) + tuple(f for f in dict.fromkeys(numerator.flags + ratio_obs.flags)
                                     if f not in ("implied", "sources_disagree"))
        return Value(
            company=company, metric=metric.id, year=year, value=implied, unit=metric.unit,
            kind="implied",
            basis=(f"implied: {numerator_metric.id} {format_decimal(numerator.value)} "
                   f"{numerator_metric.unit} / {ratio.id} {format_decimal(ratio_obs.normalized)} "
                   f"{ratio.unit} [{', '.join(references)}]"),
            flags=flags)
    return None


def denominator_value(catalog: Catalog, company: str, metric: Metric, year: int,
                      basis: EnergyBasis) -> Value | Missing:
    found = value_of(catalog, company, metric.id, year, basis)
    if isinstance(found, Value):
        return found
    implied = implied_value(catalog, company, metric, year, basis)
    return implied if implied is not None else found


@dataclass(frozen=True)
class Intensity:
    """numerator / denominator for one company and year, beside any reported ratio."""

    numerator: Value
    denominator: Value
    value: Decimal
    unit: str
    reported: Value | None = None  # the company's own figure for the same ratio

    @property
    def difference_pct(self) -> Decimal | None:
        """Recomputed against reported, in percent of the reported figure (none when the
        denominator is implied by a reported ratio: they agree by construction)."""
        if self.reported is None or self.reported.value == 0 or self.denominator.kind == "implied":
            return None
        return ((self.value - self.reported.value) / self.reported.value * 100).quantize(
            Decimal("0.01"))

    @property
    def flags(self) -> tuple[str, ...]:
        flags = self.numerator.flags + self.denominator.flags
        return tuple(dict.fromkeys(f for f in flags if f != "sources_disagree"))


@dataclass(frozen=True)
class IntensityComparison:
    metric: Metric
    per: Metric
    unit: str
    year: int
    year_note: str
    rows: list[Intensity]
    missing: list[Missing]


def _years_with_both(catalog: Catalog, company: str, metric: Metric, per: Metric,
                     basis: EnergyBasis) -> list[int]:
    years = []
    for year in years_available(catalog, company, metric.id, basis):
        if isinstance(denominator_value(catalog, company, per, year, basis), Value):
            years.append(year)
    return years


def compare_intensity(catalog: Catalog, metric: Metric, per: Metric, year: int | None = None,
                      companies: list[str] | None = None, unit: str | None = None,
                      basis: EnergyBasis = EnergyBasis()) -> IntensityComparison:
    """``metric`` per ``per`` for each company, smallest intensity first."""
    if metric.id == per.id:
        raise NoDataError(f"'{metric.id}' per itself is always 1; choose another --per metric")
    unit = unit or default_intensity_unit(catalog, metric, per)
    factor = target_factor(f"({metric.unit}) / ({per.unit})", unit)
    chosen = companies or sorted(catalog.companies)
    available = {c: _years_with_both(catalog, c, metric, per, basis) for c in chosen}
    reporting = [c for c in chosen if available[c]]
    if not reporting:
        raise NoDataError(f"no company reports both '{metric.id}' and '{per.id}' for one year")
    year, year_note = choose_year({c: available[c] for c in reporting}, year,
                                  "with both values for",
                                  f"'{metric.id}' per '{per.id}' is available for")
    ratio = ratio_metric(catalog, metric.id, per.id)
    rows: list[Intensity] = []
    missing: list[Missing] = []
    for company in chosen:
        numerator = value_of(catalog, company, metric.id, year, basis)
        denominator = denominator_value(catalog, company, per, year, basis)
        if not isinstance(numerator, Value):
            missing.append(numerator)
            continue
        if not isinstance(denominator, Value):
            missing.append(Missing(company, f"{per.id}: {denominator.reason}"))
            continue
        if denominator.value == 0:
            missing.append(Missing(company, f"{per.id} is 0 for {year}"))
            continue
        reported = None
        if ratio is not None:
            found = value_of(catalog, company, ratio.id, year, basis)
            if isinstance(found, Value):
                reported = convert(found, unit)
        rows.append(Intensity(numerator, denominator,
                              numerator.value / denominator.value * factor, unit, reported))
    rows.sort(key=lambda r: (r.value, r.numerator.company))
    return IntensityComparison(metric, per, unit, year, year_note, rows, missing)


@dataclass(frozen=True)
class Change:
    """A value against the previous year the company reported."""

    value: Value
    previous: Value | None
    change: Decimal | None
    change_pct: Decimal | None
    note: str = ""


def changes(values: list[Value]) -> list[Change]:
    """Year-over-year change along one company's series (sorted by year)."""
    out: list[Change] = []
    previous: Value | None = None
    for value in sorted(values, key=lambda v: v.year):
        if previous is None:
            out.append(Change(value, None, None, None, "first year"))
        else:
            change = value.value - previous.value
            pct = (change / abs(previous.value) * 100).quantize(Decimal("0.01")) \
                if previous.value else None
            flags = [f for f in NO_TREND_FLAGS if f in value.flags or f in previous.flags]
            note = (f"not meaningful: {', '.join(flags)}" if flags else
                    "" if value.year - previous.year == 1 else f"against {previous.year}")
            out.append(Change(value, previous, change, pct, note))
        previous = value
    return out


def series(catalog: Catalog, company: str, metric: Metric,
           basis: EnergyBasis = EnergyBasis()) -> list[Value]:
    values = []
    for year in years_available(catalog, company, metric.id, basis):
        found = value_of(catalog, company, metric.id, year, basis)
        if isinstance(found, Value):
            values.append(found)
    return values


def change_for(catalog: Catalog, value: Value, basis: EnergyBasis = EnergyBasis()) -> Change:
    """The change of one value against the company's previous reported year, in the
    value's unit."""
    metric = catalog.metrics[value.metric]
    history = [convert(v, value.unit) for v in series(catalog, value.company, metric, basis)]
    for change in changes(history):
        if change.value.year == value.year:
            return change
    return Change(value, None, None, None, "first year")
