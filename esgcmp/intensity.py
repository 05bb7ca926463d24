"""Intensity ratios: a metric per a denominator metric, beside the ratio the company
reported."""

from __future__ import annotations

from decimal import Decimal

from msgspec.structs import replace

from .catalog import Catalog
from .derive import EnergyBasis, implied_value, rules
from .errors import NoDataError
from .model import (Implication, Metric, Missing, Value, Why, cagr_pct, change_of, change_pct,
                    value_digits, value_range)
from .precision import Range, quotient, shown
from .units import parse_target, target_factor
from .results import Intensity, IntensityChange, IntensityComparison
from .values import (changes, choose_year, convert, mark_unlike, mark_years, value_of,
                     years_available)


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


def years_with_both(catalog: Catalog, company: str, metric: Metric, per: Metric,
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
    available = {c: years_with_both(catalog, c, metric, per, basis) for c in chosen}
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
                                   denominator.years, denominator.absent, per=per.id,
                                   currency=denominator.currency))
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
            elif isinstance(found, Value):  # the intensity is the ratio it was implied by
                own = convert(found, unit)
                rows.append(Intensity(numerator, denominator, own.value, unit, None,
                                      value_range(own)))
                continue
        value, span, full = ratio_of(numerator, denominator, factor)
        rows.append(Intensity(numerator, denominator, value, unit, reported, span, full))
    # a year that differs is said once, on the numerator: the intensity inherits it
    numerators = mark_years(mark_unlike([r.numerator for r in rows]))
    denominators = mark_unlike([r.denominator for r in rows])
    rows = [replace(r, numerator=n, denominator=d)
            for r, n, d in zip(rows, numerators, denominators)]
    rows.sort(key=lambda r: (r.value, r.numerator.company))
    return IntensityComparison(metric, per, unit, choice, rows, missing)


def ratio_of(numerator: Value, denominator: Value, factor: Decimal
             ) -> tuple[Decimal, Range | None, Decimal]:
    """numerator / denominator x factor to the digits their printed ranges allow
    (docs/output.md#digits), the range it stands for (None when either is unknown) and
    the quotient before its digits were cut."""
    spans = (value_range(numerator), value_range(denominator))
    how = denominator.how
    # an implied denominator divides at its full quotient, so that its cut digits do
    # not move the intensity off the middle of its range
    below = how.full if isinstance(how, Implication) and how.full else denominator.value
    value = quotient(numerator.value / below * factor)
    if spans[0] is None or spans[1] is None:
        return value, None, value
    span = spans[0].over(spans[1])
    if span is None:
        return value, None, value
    span = span.scaled(factor)
    digits = min(value_digits(numerator), value_digits(denominator))
    return shown(value, span, digits), span, value


def _against(then: Intensity, now: Intensity, years: int | None = None) -> IntensityChange:
    """An intensity against an earlier one of the same company: its change and per cent
    (with ``years``, the compound annual rate too), none when the numerator or the
    denominator changed basis between the two years."""
    moves = (changes([then.numerator, now.numerator])[1],
             changes([then.denominator, now.denominator])[1])
    if not all(move.comparable for move in moves):
        return IntensityChange(then, moves, None, None)
    spans = (then.span, now.span)
    # from the full quotients: two intensities cut to 0.1 may differ by 20 %
    before, after = then.full or then.value, now.full or now.value
    return IntensityChange(then, moves, change_of(before, after, spans),
                           change_pct(before, after - before, spans),
                           cagr_pct(before, after, years, spans) if years else None)


def intensity_changes(comparisons: list[IntensityComparison]
                      ) -> dict[tuple[str, int], IntensityChange]:
    """Each company's intensity against its previous year with one, by (company, year),
    over the comparisons of several years: the change of the intensity, unless the
    numerator or the denominator changed basis between the two years (then no change)."""
    by_company: dict[str, list[Intensity]] = {}
    for item in sorted((item for result in comparisons for item in result.rows),
                       key=lambda item: (item.numerator.company, item.numerator.year)):
        by_company.setdefault(item.numerator.company, []).append(item)
    return {(company, now.numerator.year): _against(then, now)
            for company, items in by_company.items()
            for then, now in zip(items, items[1:])}


def intensity_since(comparisons: list[IntensityComparison], first: int
                    ) -> dict[tuple[str, int], IntensityChange | None]:
    """Each company's intensity in each later year against its intensity in ``first``
    (None when it has none that year), with the compound annual rate; no change when the
    numerator or the denominator changed basis between the two years."""
    base = {item.numerator.company: item for result in comparisons for item in result.rows
            if item.numerator.year == first}
    found: dict[tuple[str, int], IntensityChange | None] = {}
    for result in comparisons:
        for now in result.rows:
            company, year = now.numerator.company, now.numerator.year
            if year > first:
                then = base.get(company)
                found[(company, year)] = (None if then is None
                                          else _against(then, now, year - first))
    return found


# reasons true of any year: a figure never reported
_NEVER = (Why.not_reported, Why.no_components, Why.partial, Why.lacks_part,
          Why.total_elsewhere, Why.carrier_elsewhere)


def never_both(comparisons: list[IntensityComparison]) -> list[Missing]:
    """The companies with no year of both figures, each once, with a reason true of every
    year (a figure never reported) rather than one year's."""
    reporting = {item.numerator.company for result in comparisons for item in result.rows}
    missing: dict[str, Missing] = {}
    for result in comparisons:
        for m in result.missing:
            said = missing.get(m.company)
            if m.company not in reporting and (said is None or (m.why in _NEVER
                                                                and said.why not in _NEVER)):
                missing[m.company] = m
    return list(missing.values())
