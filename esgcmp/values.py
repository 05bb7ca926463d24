"""Pure functions from a catalog to values: reported, else derived, else why not; series,
changes between years, the year a comparison is made in, and conversions.

Nothing here writes a sentence: a missing value says why with a :class:`~esgcmp.model.Why`,
a change names the flags that make it meaningless, a year says how it was chosen
(:class:`~esgcmp.model.YearRule`). esgcmp.views words them.
"""

from __future__ import annotations


from msgspec.structs import replace

from .catalog import Catalog
from .derive import EnergyBasis, derivable_years, derive, is_derivable, reported
from .errors import NoDataError, NotFoundError
from .model import (CATEGORIES, NO_TREND_FLAGS, Change, Implication, Metric, Missing,
                    Value, Why, YearChoice, YearRule, basis_differences, basis_of, change_of,
                    change_pct, entity_matters, value_range)
from .results import Comparison
from .units import by_density, currency_of, target_factor


def value_of(catalog: Catalog, company: str, metric: str, year: int,
             basis: EnergyBasis) -> Value | Missing:
    """The reported value, else a derived one, else why there is none."""
    found = reported(catalog, company, metric, year)
    if found is not None and found.observation is not None and found.observation.currency:
        from .fx import in_metric_currency  # only for an amount in another currency

        return in_metric_currency(found, currency_of(catalog.metrics[metric].unit),
                                  basis.rates)
    if found is not None:
        return found
    if is_derivable(metric):
        derived = derive(catalog, company, metric, year, basis)
        if derived is not None:
            return derived
    years = tuple(catalog.years(company, metric))
    change = printed_change(catalog, company, metric, year)
    if years:
        return Missing(company, Why.not_for_year, year, years=years, change=change)
    return Missing(company, Why.not_reported, year, change=change)


def listed_value(catalog: Catalog, company: str, metric: str, year: int,
                 basis: EnergyBasis) -> Value | Missing:
    """:func:`value_of`, but a value printed in another currency than its metric's with no
    rate for its year in its own currency: what ``show`` and ``export`` list, which
    compare nothing."""
    result = value_of(catalog, company, metric, year, basis)
    if isinstance(result, Missing) and result.why is Why.no_rate:
        from .fx import in_own_currency

        own = reported(catalog, company, metric, year)
        assert own is not None  # only a reported value is in another currency
        return in_own_currency(own)
    return result


def printed_change(catalog: Catalog, company: str, metric: str, year: int) -> Value | None:
    """The company's change of the metric from the year before, as it printed it, under a
    metric that declares ``change_of`` this one (China Telecom prints a decrease of its
    water, not the water)."""
    for other in catalog.metrics.values():
        if other.change_of == metric:
            found = reported(catalog, company, other.id, year)
            if found is not None:
                return found
    return None


def years_available(catalog: Catalog, company: str, metric: str) -> list[int]:
    years = catalog.years(company, metric)
    if is_derivable(metric):
        return sorted(derivable_years(catalog, company, metric).union(years))
    return years


def series(catalog: Catalog, company: str, metric: Metric,
           basis: EnergyBasis = EnergyBasis()) -> list[Value]:
    """Every value of a company's metric, oldest first."""
    values = []
    for year in years_available(catalog, company, metric.id):
        found = value_of(catalog, company, metric.id, year, basis)
        if isinstance(found, Value):
            values.append(found)
    return values


def convert(value: Value, unit: str | None, density: str = "") -> Value:
    """The value in another unit of the same dimension (pint), or through the metric's
    density (a mass of water as a volume), or unchanged."""
    if unit is None or unit == value.unit:
        return value
    factor = target_factor(value.unit, unit, density)
    inputs = tuple(replace(i, contribution=i.contribution * factor) for i in value.inputs)
    how = value.how
    if isinstance(how, Implication) and how.span is not None:
        how = replace(how, span=how.span.scaled(factor),
                      full=None if how.full is None else how.full * factor)
    return replace(value, value=value.value * factor, unit=unit, inputs=inputs, how=how)


def changes(values: list[Value]) -> list[Change]:
    """Change along one company's series, each value against the previous reported year."""
    out: list[Change] = []
    previous: Value | None = None
    for value in sorted(values, key=lambda v: v.year):
        if previous is None:
            out.append(Change(value, None, None, None))
        else:
            spans = (value_range(previous), value_range(value))
            change = change_of(previous.value, value.value, spans)
            pct = change_pct(previous.value, value.value - previous.value, spans)
            flags = tuple(f for f in NO_TREND_FLAGS if f in value.flags)
            moved = tuple(basis_differences(previous.basis, value.basis))
            out.append(Change(value, previous, change, pct, flags, moved))
        previous = value
    return out


def change_for(catalog: Catalog, value: Value, basis: EnergyBasis = EnergyBasis()) -> Change:
    """The change of one value against the company's previous reported year, in the
    value's unit."""
    metric = catalog.metrics[value.metric]
    found = series(catalog, value.company, metric, basis)
    if value.observation is not None and value.observation.currency and not value.fx:
        # listed in the currency it was printed in (show): so are the years before it
        found = [v for year in years_available(catalog, value.company, metric.id)
                 if isinstance(v := listed_value(catalog, value.company, metric.id, year,
                                                 basis), Value)]
    history = [convert(v, value.unit) for v in found]
    return next(c for c in changes(history) if c.value.year == value.year)


def change_since(catalog: Catalog, value: Value, base_year: int,
                 basis: EnergyBasis = EnergyBasis()) -> Change | None:
    """The change of one value against the company's value for ``base_year`` (None when
    it has none), not comparable when the later year or one between is flagged
    not_comparable or the basis differs between the two years."""
    metric = catalog.metrics[value.metric]
    history = [convert(v, value.unit) for v in series(catalog, value.company, metric, basis)]
    base = next((v for v in history if v.year == base_year), None)
    if base is None or base_year >= value.year:
        return None
    entity = dict(value.basis).get("entity")
    if entity is not None and "entity" not in dict(base.basis):
        # a compared value carries its company's entity (with_entity), which is the same
        # in every year: not a change of basis
        base = replace(base, basis=basis_of({**dict(base.basis), "entity": entity}))
    change = changes([base, value])[1]
    between = tuple(f for v in history if base_year < v.year < value.year
                    for f in NO_TREND_FLAGS if f in v.flags)
    return replace(change, not_comparable=tuple(dict.fromkeys(change.not_comparable
                                                              + between)))


def mark_unlike(values: list[Value]) -> list[Value]:
    """The values, each whose basis differs from that of another value shown flagged
    ``basis_differs`` (the note under the table says what differs, and whose). No vote
    for a usual basis: a majority would make a company's flag depend on how many other
    companies share its basis, so that adding one on its basis could clear the flag of
    another on a different one."""
    if len({value.basis for value in values}) < 2:
        return values
    return [replace(value, flags=value.flags + ("basis_differs",)) for value in values]


def with_entity(catalog: Catalog, metric: Metric, values: list[Value]) -> list[Value]:
    """The values, each total given its company's entity (``basis: {entity: ...}`` on the
    company) as an aspect of its basis, so that a group parent's total and a listed
    company's are compared as unlike; a rate, ratio or rank is left as it is, and so is a
    value that states its own entity."""
    if not entity_matters(metric.unit):
        return values
    out = []
    for value in values:
        entity = dict(catalog.companies[value.company].basis).get("entity")
        stated = dict(value.basis)
        if entity and "entity" not in stated:
            value = replace(value, basis=basis_of({**stated, "entity": entity}))
        out.append(value)
    return out


def mark_shared(values: list[Value]) -> list[Value]:
    """The values, each that counts the same figure as another company's shown beside it
    (``shared_with:``) flagged ``shared``, so that no one adds the two up."""
    shown = {value.company for value in values}
    return [replace(value, flags=value.flags + ("shared",))
            if value.observation is not None
            and any(other in shown for other, *_cited in value.observation.shared)
            else value for value in values]


def mark_years(values: list[Value]) -> list[Value]:
    """The values, those of another year than the others flagged ``year_differs``: the
    others' year is the one most values are of (of years held as often, the latest), so
    that a row says on itself, in every format, that it is not of the year beside it."""
    counts: dict[int, int] = {}
    for value in values:
        counts[value.year] = counts.get(value.year, 0) + 1
    if len(counts) < 2:
        return values
    usual = max(counts, key=lambda year: (counts[year], year))
    return [value if value.year == usual
            else replace(value, flags=value.flags + ("year_differs",)) for value in values]


def mark_unlike_each_year(values: list[Value]) -> list[Value]:
    """The values of one metric over several years (a company's once a year), each year's
    marked by :func:`mark_unlike` among the values of that year, in the order given."""
    years: dict[int, list[Value]] = {}
    for value in values:
        years.setdefault(value.year, []).append(value)
    marked = {(value.company, value.year): value
              for held in years.values() for value in mark_unlike(held)}
    return [marked[(value.company, value.year)] for value in values]


def choose_year(available: dict[str, list[int]], year: int | None, subject: str) -> YearChoice:
    """``year`` if some company has it, else the latest year every company has, else the
    latest any company has. ``available`` holds only companies with some year; ``subject``
    begins the error's list of the years there are."""
    if year is None:
        common = set.intersection(*(set(years) for years in available.values()))
        if common:
            return YearChoice(max(common), YearRule.common)
        return YearChoice(max(y for years in available.values() for y in years), YearRule.any)
    all_years = sorted({y for years in available.values() for y in years})
    if year not in all_years:
        raise NotFoundError("year", str(year),
                            hint=f"{subject} {', '.join(map(str, all_years))}")
    return YearChoice(year, YearRule.requested)


def compare(catalog: Catalog, metric: Metric, year: int | None = None,
            companies: list[str] | None = None, unit: str | None = None,
            basis: EnergyBasis = EnergyBasis(), with_changes: bool = False) -> Comparison:
    """One value per company for one metric and year, largest first."""
    if unit is not None:
        target_factor(metric.unit, unit, metric.density)  # fail early on an incompatible unit
    chosen = companies or sorted(catalog.companies)
    available = {c: years_available(catalog, c, metric.id) for c in chosen}
    reporting = [c for c in chosen if available[c]]
    if not reporting:
        raise NoDataError(f"no company {'of those named ' if companies else ''}reports "
                          f"'{metric.id}' ({metric.name})")
    choice = choose_year({c: available[c] for c in reporting}, year,
                         f"'{metric.id}' is reported for")
    values: list[Value] = []
    missing: list[Missing] = []
    for company in chosen:
        result = value_of(catalog, company, metric.id, choice.year_for(available[company]),
                          basis)
        if isinstance(result, Value):
            values.append(convert(result, unit, metric.density))
        else:
            missing.append(result)
    values = mark_shared(mark_years(mark_unlike(with_entity(catalog, metric, values))))
    values.sort(key=lambda v: (-v.value, v.company))
    found = ({v.company: change_for(catalog, v, basis) for v in values} if with_changes
             else None)
    return Comparison(metric, unit or metric.unit, choice, values, missing, found,
                      density=_bridged(metric, unit))


def _bridged(metric: Metric, unit: str | None) -> str:
    """The density a --unit conversion went through (a mass of water as m3), or ''."""
    return metric.density if unit and by_density(metric.unit, unit, metric.density) else ""


def show(catalog: Catalog, company: str, year: int,
         basis: EnergyBasis = EnergyBasis()) -> list[Value]:
    """Every value of a company-year, by category, in the catalog's metric order."""
    years = sorted(set(catalog.years(company)))
    if year not in years:
        raise NotFoundError("year", str(year),
                            hint=f"{company} reports {', '.join(map(str, years)) or 'no year'}")
    order = {m: i for i, m in enumerate(catalog.metrics)}
    wanted = {o.metric for o in catalog.for_company_year(company, year)}
    wanted |= {m for m in catalog.metrics if is_derivable(m)}
    values: list[Value] = []
    for metric_id in sorted(wanted, key=order.__getitem__):
        result = listed_value(catalog, company, metric_id, year, basis)
        if isinstance(result, Value):
            values.append(result)
    category = {c: i for i, c in enumerate(CATEGORIES)}
    values.sort(key=lambda v: category[catalog.metrics[v.metric].category])
    return values
