"""A company-year's figures against each other: a total against the sum of its parts, a
rate against its sub-rates, an energy total against its components, a reported ratio
against its terms; each figure as the range its printed precision allows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .catalog import Catalog
from .checkbase import (Check, Wanted, Years, about, culprits, declares, digits, key_of,
                        observed, range_text, refs, span)
from .errors import EsgcmpError
from .precision import Range, shown
from .results import Finding, Severity
from .units import format_decimal, target_factor


@declares(
    Check("sum", "warning", "a metric with `parts: [...]` against the sum of its parts (Scope 1 "
          "+ 2 against total GHG, hires by gender), as ranges: a difference the printed "
          "precision explains is not reported",
          lambda f: (f"{f.metric} differs from the sum of {' + '.join(f.details['parts'])} by "
                     "more than rounding explains (the parts as printed sum to "
                     f"{range_text(f.details['range'])})")),
    Check("rate_range", "warning", "a percentage metric whose `parts` are percentages (turnover "
          "by gender) must lie between its lowest and highest sub-rate, as ranges",
          lambda f: (f"{f.metric} {format_decimal(f.found)} % lies outside the range of its "
                     f"sub-rates {', '.join(f.details['parts'])} "
                     f"({format_decimal(f.details['low'])}-{format_decimal(f.details['high'])} "
                     "%)")),
    Check("energy_sum", "warning", "a printed energy total against the components the "
          "company prints beside it, each converted with the GB/T 2589 coefficients on the "
          "calorific-equivalent basis (the lowest any basis gives), as ranges: a total "
          "below what its printed components alone make",
          lambda f: (f"{f.metric} {format_decimal(f.found)} {f.unit} is less than "
                     f"{' + '.join(f.details['parts'])} alone make on the "
                     "calorific-equivalent basis (the parts as printed convert to "
                     f"{range_text(f.details['range'])} {f.unit})")))
def check_sums(catalog: Catalog, wanted: Wanted = None,
               years: Years = None) -> Iterator[Finding]:
    """A total against the sum of its parts; a rate against the range of its sub-rates;
    each figure as the range its printed precision allows."""
    for metric in catalog.metrics.values():
        if not metric.parts or not about(wanted, metric.id, *metric.parts):
            continue
        is_rate = metric.unit == "percent" and all(
            catalog.metrics[p].unit == "percent" for p in metric.parts)
        # only a company that gives the total and every part can be checked
        shards = [catalog.shard(p) for p in metric.parts]
        settled = set() if is_rate else _summing(catalog, metric.id, metric.parts, years)
        for company, year, total in observed(catalog, metric.id, years,
                                            among=[s.keys() for s in shards],
                                            unless=settled):
            parts = [shard[company].get(year) for shard in shards]
            present = [p for p in parts if p is not None]
            if len(present) != len(parts):
                continue
            names = tuple(key_of(o) for o in (total, *present))
            if is_rate:
                low = min(present, key=lambda p: p.normalized)
                high = max(present, key=lambda p: p.normalized)
                bounds = Range(span(low).low, span(high).high)
                if not span(total).meets(bounds):
                    yield Finding(Severity.warning, "rate_range", company, year, metric.id, None,
                                  total.normalized, "percent", refs(total, *present),
                                  {"parts": metric.parts, "low": low.normalized,
                                   "high": high.normalized},
                                  *culprits(catalog, company, year, metric.id, names))
                continue
            expected = sum((p.normalized for p in present), Decimal(0))
            summed = sum((span(p) for p in present[1:]), span(present[0]))
            if not span(total).meets(summed):
                yield Finding(Severity.warning, "sum", company, year, metric.id, expected,
                              total.normalized, metric.unit, refs(total, *present),
                              {"parts": metric.parts, "range": summed},
                              *culprits(catalog, company, year, metric.id, names))
    yield from _energy_sums(catalog, wanted, years)


def _summing(catalog: Catalog, total: str, parts: tuple[str, ...],
             years: Years) -> set[tuple[str, int]]:
    """The company-years whose total is, in the stored numbers, exactly the sum of its
    parts: each figure's range holds its number, so their ranges meet and no value need
    be read (only ``years``, when given)."""
    settled = set()
    for year in sorted(years if years is not None else catalog.years(metric=total)):
        columns = [catalog.normalized(part, year) for part in parts]
        for company, number in catalog.normalized(total, year).items():
            summed = [column.get(company) for column in columns]
            if None not in summed and number == sum(summed, Decimal(0)):
                settled.add((company, year))
    return settled


def _energy_sums(catalog: Catalog, wanted: Wanted, years: Years) -> Iterator[Finding]:
    """A printed energy total that is less than the components printed beside it make.
    Only this side is certain: a total may hold carriers it does not print apart, or
    count electricity on the generation-equivalent basis, and so be larger."""
    from .derive import EnergyBasis, component_factors, rules

    target = rules().energy.target
    if target not in catalog.metrics:
        return
    factors = component_factors(catalog, EnergyBasis())
    if not about(wanted, target, *factors):
        return
    unit = catalog.metrics[target].unit
    for company, year, total in observed(catalog, target, years):
        parts = [observation for metric in factors
                 if (observation := catalog.get(company, metric, year)) is not None]
        if not parts:
            continue
        ranges = [span(p).scaled(factors[p.metric]) for p in parts]
        summed = sum(ranges[1:], ranges[0])
        if span(total).high < summed.low:
            expected = sum((p.normalized * factors[p.metric] for p in parts), Decimal(0))
            yield Finding(Severity.warning, "energy_sum", company, year, target,
                          shown(expected, summed), total.normalized, unit,
                          refs(total, *parts),
                          {"parts": tuple(p.metric for p in parts), "range": summed},
                          tuple(key_of(o) for o in (total, *parts)))


@declares(
    Check("ratio", "warning", "a metric with `ratio_of: [numerator, denominator]` against the "
          "ratio recomputed from the catalog's own totals, converted to the metric's unit, as "
          "ranges",
          lambda f: (f"reported {f.metric} differs from {f.details['numerator']} / "
                     f"{f.details['denominator']} by more than rounding explains (recomputed "
                     f"from the printed figures: {range_text(f.details['range'])})")),
    Check("ratio_unit", "error", "a `ratio_of` whose units cannot make the metric's unit",
          lambda f: f"metric '{f.metric}': {f.details['problem']}"))
def check_ratios(catalog: Catalog, wanted: Wanted = None,
                 years: Years = None) -> Iterator[Finding]:
    """A reported ratio against numerator / denominator from the catalog's own totals,
    each figure as the range its printed precision allows."""
    for metric in catalog.metrics.values():
        if metric.ratio_of is None or not about(wanted, metric.id, *metric.ratio_of):
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
        for company, year, reported in observed(catalog, metric.id, years):
            numerator = catalog.get(company, numerator_id, year)
            denominator = catalog.get(company, denominator_id, year)
            if numerator is None or denominator is None:
                continue
            quotient = span(numerator).over(span(denominator))
            if quotient is None:
                continue
            recomputed = quotient.scaled(factor)
            if span(reported).meets(recomputed):
                continue
            expected = numerator.normalized / denominator.normalized * factor
            yield Finding(Severity.warning, "ratio", company, year, metric.id,
                          shown(expected, recomputed,
                                min(digits(numerator), digits(denominator))),
                          reported.normalized,
                          metric.unit, refs(reported, numerator, denominator),
                          {"numerator": numerator_id, "denominator": denominator_id,
                           "range": recomputed},
                          *culprits(catalog, company, year, metric.id,
                                     tuple(key_of(o) for o in (reported, numerator, denominator))))
