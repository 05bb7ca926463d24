"""Emissions against electricity and energy: the emission factor a company implies
against the plausible grid factors, and its GHG per unit of energy from one year to the
next."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from .catalog import Catalog
from .checkbase import (Check, Wanted, Years, about, declares, digits, key_of, observed,
                        refs, relations, settings, span)
from .model import Observation, Value
from .precision import Range, exact, shown
from .results import Finding, Key, Severity
from .units import format_decimal, target_factor


def _emission_factor_message(finding: Finding) -> str:
    details = finding.details
    factor = (f"{finding.metric} / {details['electricity']} = "
              f"{format_decimal(finding.found)} {finding.unit}")
    low, high = format_decimal(details["low"]), format_decimal(details["high"])
    if details["of_total"] and not details["inside"]:
        return (f"{factor}: the electricity alone would emit more at any plausible grid "
                f"factor ({low}-{high}: {details['reference']}); emissions or electricity are "
                "incomplete, or another factor was used")
    if details["of_total"] and finding.found is not None and finding.found > details["high"]:
        return (f"{factor}, above the plausible grid factors {low}-{high} "
                f"({details['reference']}): a total holds Scope 1 too, so not less than the "
                "electricity alone would emit")
    return (f"{factor}, {'within' if details['inside'] else 'outside'} the plausible grid "
            f"factors {low}-{high} ({details['reference']})")


@declares(Check(
    "emission_factor", "info / warning", "the emission factor a company implies: {scope2} over "
    "{electricity} where Scope 2 is given (outside {low}-{high} {unit} is a warning), else "
    "{total} over {electricity} (below {low}: less than the electricity alone would emit at "
    "any plausible grid factor, a warning)", _emission_factor_message))
def check_emission_factor(catalog: Catalog, wanted: Wanted = None,
                          years: Years = None) -> Iterator[Finding]:
    """Emissions per electricity: Scope 2 where given, else the total GHG."""
    known = settings().emission
    scope2_id, total_id, electricity_id = known["scope2"], known["total"], known["electricity"]
    if not {total_id, electricity_id} <= set(catalog.metrics) or not about(
            wanted, scope2_id, total_id, electricity_id):
        return
    unit = known["unit"]
    low, high = settings().grid_range
    scope2 = catalog.shard(scope2_id)
    # a finding names only the emissions and the electricity it divides: whether those
    # are wanted is known from the years each company gives, before any value is read
    skipped = set() if about(wanted, electricity_id) else {
        (company, year) for company, held in catalog.shard(electricity_id).items()
        for year in (held if years is None else years.intersection(held))
        if not about(wanted, scope2_id if year in scope2.get(company, ()) else total_id)}
    for company, year, electricity in observed(catalog, electricity_id, years,
                                              unless=skipped):
        emissions = (catalog.get(company, scope2_id, year) if scope2_id in catalog.metrics
                     else None)
        of_total = emissions is None
        if of_total:
            emissions = catalog.get(company, total_id, year)
        if emissions is None:
            continue
        factor = target_factor(f"({catalog.metrics[emissions.metric].unit}) / "
                               f"({catalog.metrics[electricity_id].unit})", unit)
        implied = span(emissions).over(span(electricity))
        if implied is None:
            continue
        implied = implied.scaled(factor)
        # to the digits its printed inputs allow (docs/output.md#digits)
        found = shown(emissions.normalized / electricity.normalized * factor, implied,
                      min(digits(emissions), digits(electricity)))
        if of_total:
            plausible = implied.high >= low
        else:
            plausible = implied.meets(Range(low, high))
        yield Finding(Severity.info if plausible else Severity.warning, "emission_factor",
                      company, year, emissions.metric, None, found, unit,
                      refs(emissions, electricity),
                      {"inside": plausible, "low": low, "high": high, "of_total": of_total,
                       "reference": known["reference"], "electricity": electricity_id},
                      *(((), ()) if plausible
                        else _factor_culprit(catalog, emissions, electricity)))


def _factor_culprit(catalog: Catalog, emissions: Observation,
                    electricity: Observation) -> tuple[tuple[Key, ...], tuple[Key, ...]]:
    """The figure of an implausible factor that the company's other figures of the year
    contradict (a ratio or sum with it fails, while one with the other holds, or none reads
    the other); none when nothing tells them apart: both are then involved."""
    known = relations(catalog, emissions.company, emissions.year)

    def standing(observation: Observation) -> tuple[bool, bool]:
        reading = [r for r in known if observation.metric in r.reads]
        return any(r.holds for r in reading), any(not r.holds for r in reading)

    (held_e, failed_e), (held_x, failed_x) = standing(emissions), standing(electricity)
    pair = (key_of(emissions), key_of(electricity))
    if failed_e and not held_e and not failed_x:
        return (pair[0],), (pair[1],)
    if failed_x and not held_x and not failed_e:
        return (pair[1],), (pair[0],)
    return (), pair


@declares(Check(
    "emission_per_energy", "warning", "{total} per {energy} between two years a company reports "
    "both: a factor that moves more than {factor_move_pct} % while energy moves less than "
    "{energy_steady_pct} %",
    lambda f: (f"{f.metric} per {f.details['energy']} moved from {format_decimal(f.expected)} "
               f"to {format_decimal(f.found)} {f.unit} from {f.details['from']} to "
               f"{f.details['to']} while {f.details['energy']} moved only "
               f"{f.details['energy_change'] * 100:.1f} %")))
def check_emission_per_energy(catalog: Catalog, wanted: Wanted = None,
                              years: Years = None) -> Iterator[Finding]:
    """GHG per unit of energy between two years a company reports both: a factor that
    moves while energy stands still means the emissions or the energy changed basis."""
    from .derive import EnergyBasis, energy_numbers
    from .values import value_of

    known = settings().per_energy
    total_id, energy_id = settings().emission["total"], known["energy"]
    # a finding names the later year's total only (the rest are its inputs)
    if not {total_id, energy_id} <= set(catalog.metrics) or not about(wanted, total_id):
        return
    steady, move = Decimal(known["energy_steady"]), Decimal(known["factor_move"])
    unit = known["unit"]
    factor = target_factor(f"({catalog.metrics[total_id].unit}) / "
                           f"({catalog.metrics[energy_id].unit})", unit)

    def point(company: str, year: int) -> tuple[Any, ...] | None:
        energy = value_of(catalog, company, energy_id, year, EnergyBasis())
        if not isinstance(energy, Value) or not energy.value:
            return None
        ghg = catalog.get(company, total_id, year)
        if ghg is None:
            return None
        # a derived total is exact: the rounding of its components is negligible
        used = (span(energy.observation) if energy.observation is not None
                else exact(energy.value))
        ratio = span(ghg).over(used)
        if ratio is None:
            return None
        return (year, ghg, energy, ratio.scaled(factor),
                ghg.normalized / energy.value * factor)

    # Every company is screened on the stored numbers (its total GHG and energy, each
    # year): a pair of years is looked at value by value only when the numbers show energy
    # standing still and the factor moving. The screen is exact: a point exists exactly
    # when both numbers do and energy is not 0, and the ranges the finding compares lie
    # around those numbers, so they are never further apart than the numbers themselves.
    numbers: dict[int, tuple[dict[str, Decimal], dict[str, Decimal]]] = {}

    def year_numbers(year: int) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        if year not in numbers:
            numbers[year] = (catalog.normalized(total_id, year),
                             energy_numbers(catalog, year, EnergyBasis()))
        return numbers[year]

    near = move * Decimal("0.999999")  # what the rounding of a quotient could move
    # a pair needs both numbers in each of its years, and with ``years`` it ends in one
    candidates = {company for year in (years or catalog.years(metric=total_id))
                  for company, energy in year_numbers(year)[1].items()
                  if energy and company in year_numbers(year)[0]}
    for company in sorted(candidates & catalog.companies.keys()):
        def present(year: int) -> bool:
            ghg, energy = year_numbers(year)
            return company in ghg and bool(energy.get(company))  # noqa: B023 - used at once

        for y0, y1 in _pairs(catalog.years(company, total_id), present, years):
            (ghg0, energy0), (ghg1, energy1) = (
                (year_numbers(y)[0][company], year_numbers(y)[1][company]) for y in (y0, y1))
            factor0, factor1 = ghg0 / energy0 * factor, ghg1 / energy1 * factor
            if (not factor0 or abs(energy1 - energy0) / energy0 >= steady
                    or abs(factor1 - factor0) / factor0 <= near):
                continue  # the numbers rule a finding out
            p0, p1 = point(company, y0), point(company, y1)
            if p0 is None or p1 is None:
                continue
            (_, g0, e0, r0, f0), (_, g1, e1, r1, f1) = p0, p1
            energy_change = abs(e1.value - e0.value) / e0.value
            if energy_change < steady and r0.distance(r1) / f0 > move:
                sources = refs(g0, g1, *[o for e in (e0, e1) for o in _observations(e)])
                yield Finding(Severity.warning, "emission_per_energy", company, y1, total_id,
                              shown(f0, r0), shown(f1, r1),
                              unit, sources,
                              {"from": y0, "to": y1, "energy_change": energy_change,
                               "energy": energy_id},
                              (key_of(g1),),
                              tuple(dict.fromkeys(key_of(o) for o in (
                                  g0, *[o for e in (e0, e1) for o in _observations(e)]))))


def _pairs(held: list[int], present: Callable[[int], bool],
           years: Years) -> list[tuple[int, int]]:
    """Consecutive years of ``held`` (sorted) for which ``present`` holds, across gaps; with
    ``years``, only the pairs that end in one of those years (and ``present`` is asked only
    about them and the years before them)."""
    if years is None:
        kept = [year for year in held if present(year)]
        return list(zip(kept, kept[1:]))
    pairs: set[tuple[int, int]] = set()
    for year in years.intersection(held):
        if not present(year):
            continue
        at = held.index(year)
        before = next((y for y in reversed(held[:at]) if present(y)), None)
        if before is not None:
            pairs.add((before, year))
    return sorted(pairs)


def _observations(value: Value) -> list[Observation]:
    if value.observation is not None:
        return [value.observation]
    return [i.observation for i in value.inputs]
