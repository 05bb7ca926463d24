"""Intensity ratios: a metric per a denominator metric, beside the ratio the company
reported."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from msgspec.structs import replace

from .catalog import Catalog
from .derive import EnergyBasis, implied_value, rules
from .errors import NoDataError
from .model import Implication, Kind, Metric, Missing, Value, Why, YearChoice, inherited
from .precision import quotient
from .units import parse_target, target_factor
from .values import choose_year, convert, mark_unlike, value_of, years_available


def ratio_metric(catalog: Catalog, numerator: str, denominator: str) -> Metric | None:
    """The catalog metric that reports numerator per denominator, if there is one."""
    for metric in catalog.metrics.values():
        if metric.ratio_of == (numerator, denominator):
            return metric
    return None


def default_intensity_unit(catalog: Catalog, numerator: Metric, denominator: Metric) -> str:
    """The unit companies report this ratio in, else a readable one.

    A reported ratio metric fixes it (kgce per RMB 10,000 as China Comservice reports
    energy, t per RMB million as China Unicom reports carbon and water); otherwise
    derive.toml's [intensity.per] says per how much of the denominator's unit (revenue
    per RMB million), and anything else is per one unit of the denominator.
    """
    reported = ratio_metric(catalog, numerator.id, denominator.id)
    if reported is not None:
        return reported.unit
    per = rules().intensity_per.get(parse_target(denominator.unit).expr, denominator.unit)
    return f"{numerator.unit}/{per}" if per.isidentifier() else f"{numerator.unit}/({per})"


def denominator_value(catalog: Catalog, company: str, metric: Metric, year: int,
                      basis: EnergyBasis) -> Value | Missing:
    found = value_of(catalog, company, metric.id, year, basis)
    if isinstance(found, Value):
        return found
    implied = implied_value(catalog, company, metric, year, basis, value_of)
    return implied if implied is not None else found


class Intensity(msgspec.Struct, frozen=True):
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
        if (self.reported is None or self.reported.value == 0
                or self.denominator.kind is Kind.implied):
            return None
        return ((self.value - self.reported.value) / self.reported.value * 100).quantize(
            Decimal("0.01"))

    @property
    def flags(self) -> tuple[str, ...]:
        return inherited(self.numerator.flags, self.denominator.flags)


class IntensityComparison(msgspec.Struct, frozen=True):
    metric: Metric
    per: Metric
    unit: str
    year: YearChoice
    rows: list[Intensity]
    missing: list[Missing]


def _years_with_both(catalog: Catalog, company: str, metric: Metric, per: Metric,
                     basis: EnergyBasis) -> list[int]:
    years = []
    for year in years_available(catalog, company, metric.id):
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
    choice = choose_year({c: available[c] for c in reporting}, year,
                         f"'{metric.id}' per '{per.id}' is available for")
    ratio = ratio_metric(catalog, metric.id, per.id)
    rows: list[Intensity] = []
    missing: list[Missing] = []
    for company in chosen:
        wanted = choice.year_for(available[company])
        numerator = value_of(catalog, company, metric.id, wanted, basis)
        denominator = denominator_value(catalog, company, per, wanted, basis)
        if not isinstance(numerator, Value):
            missing.append(numerator)
            continue
        if not isinstance(denominator, Value):
            missing.append(Missing(company, denominator.why, denominator.year,
                                   denominator.years, denominator.absent, per=per.id))
            continue
        if denominator.value == 0:
            missing.append(Missing(company, Why.zero_denominator, wanted, per=per.id))
            continue
        reported = None
        if ratio is not None:
            found = value_of(catalog, company, ratio.id, wanted, basis)
            # an intensity that implied the denominator is not set beside itself
            implied_by_it = (isinstance(denominator.how, Implication)
                             and denominator.how.ratio_metric == ratio.id)
            if isinstance(found, Value) and not implied_by_it:
                reported = convert(found, unit)
        rows.append(Intensity(numerator, denominator,
                              quotient(numerator.value / denominator.value * factor), unit,
                              reported))
    numerators = mark_unlike([r.numerator for r in rows])
    denominators = mark_unlike([r.denominator for r in rows])
    rows = [replace(r, numerator=n, denominator=d)
            for r, n, d in zip(rows, numerators, denominators)]
    rows.sort(key=lambda r: (r.value, r.numerator.company))
    return IntensityComparison(metric, per, unit, choice, rows, missing)
