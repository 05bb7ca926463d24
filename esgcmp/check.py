"""`esgcmp check`: reconcile the catalog with itself and with its sources.

Each check declares its name, severity, what it means and how a finding of it is worded
beside the function that makes its findings (``@declares``); the declarations are the
registry CHECKS (the table of docs/checks.md is generated from it) and run_checks runs the
functions so declared. A finding says what was expected, what was found and the facts
behind it (``details``), and its message words them. Severities:
``error`` (the catalog is wrong: it does not load, or a value is not on its cited line),
``warning`` (the reports disagree with themselves or are implausible) and ``info``
(differences at the level of rounding, and facts worth knowing). Tolerances and ranges
are data: esgcmp/checks.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import msgspec

from .catalog import Catalog
from .errors import CatalogError, EsgcmpError
from .files import packaged_toml
from .model import NO_TREND_FLAGS, Observation, Value
from .precision import Range, exact, printed_range
from .provenance import SourceFiles, check_claims, check_observation, cited_places, claim_places
from .results import WORDING, Finding, Key, Severity, SourceLines
from .units import format_decimal, target_factor


class Check(msgspec.Struct, frozen=True):
    """One check, as declared beside the function that makes its findings."""

    name: str
    severity: str  # as documented: one severity, or how it is graded
    meaning: str  # what it does; {placeholders} are filled from esgcmp/checks.toml
    message: Callable[[Finding], str]  # a finding of it in a sentence, from its details


CHECKS: list[Check] = []  # in the order declared: the order of docs/checks.md
# what run_checks runs: each function, with the options of a run it takes (``jump``)
_RUNS: list[tuple[Callable[..., Iterator[Finding]], tuple[str, ...]]] = []
F = TypeVar("F", bound=Callable[..., Any])


def declares(*checks: Check, run: bool = True,
             options: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Register the checks whose findings the decorated function makes; with ``run``,
    run_checks runs it (with ``wanted``, ``years`` and the options of the run it names)."""
    def register(function: F) -> F:
        for check in checks:
            CHECKS.append(check)
            WORDING[check.name] = check.message
        if run:
            _RUNS.append((function, options))
        return function
    return register


class Settings(msgspec.Struct, frozen=True):
    jump: Decimal
    emission: dict[str, str]
    per_energy: dict[str, str]

    @property
    def grid_range(self) -> tuple[Decimal, Decimal]:
        return Decimal(self.emission["low"]), Decimal(self.emission["high"])


@lru_cache(maxsize=1)
def settings() -> Settings:
    data = packaged_toml("checks.toml")
    return Settings(jump=Decimal(data["jump"]["default"]),
                    emission=dict(data["emission_factor"]),
                    per_energy=dict(data["emission_per_energy"]))


def meaning(check: Check) -> str:
    """What a check does, with its ranges from esgcmp/checks.toml."""
    known = settings()
    per_energy = known.per_energy
    return check.meaning.format(
        **known.emission, jump=known.jump, jump_pct=f"{known.jump * 100:.0f}",
        energy=per_energy["energy"],
        factor_move_pct=f"{Decimal(per_energy['factor_move']) * 100:.0f}",
        energy_steady_pct=f"{Decimal(per_energy['energy_steady']) * 100:.0f}")


def span(observation: Observation) -> Range:
    """What a reported value stands for in its metric's unit, by its printed precision."""
    return printed_range(observation.value, "approx" in observation.flags, observation.factor)


def _key(observation: Observation) -> Key:
    return observation.company, observation.metric, observation.year


def _values(catalog: Catalog, metric: str, years: Years = None,
            among: Iterable[Iterable[str]] = (),
            unless: set[tuple[str, int]] | frozenset[tuple[str, int]] = frozenset()
            ) -> Iterator[tuple[str, int, Observation]]:
    """One metric's values as (company, year, value), in order; with ``years``, only those
    years' (which are all that is read); with ``among``, only of the companies in each of
    those; never those of the (company, year) pairs ``unless`` holds."""
    shard = catalog.shard(metric)
    companies = set(shard).intersection(*among)
    for company in sorted(companies):
        held = shard[company]
        for year in sorted(held if years is None else years.intersection(held)):
            if (company, year) not in unless:
                yield company, year, held[year]


def _refs(*observations: Observation) -> tuple[str, ...]:
    return tuple(dict.fromkeys(o.reference for o in observations))


Wanted = set[str] | None  # the metrics whose findings are wanted; None: all
Years = set[int] | None  # the years whose values the findings must name; None: all


def _about(wanted: Wanted, *metrics: str) -> bool:
    return wanted is None or not wanted.isdisjoint(metrics)


def _range(span: Range) -> str:
    """A range in a sentence, each end to 4 significant digits past the point."""
    def short(number: Decimal) -> str:
        return format_decimal(number.quantize(Decimal("0.0001")) if abs(number) < 10**6
                              else number.quantize(Decimal(1)))
    return f"{short(span.low)}-{short(span.high)}"


@declares(Check(
    "schema", "error", "the catalog must load: YAML, known keys, required fields, types, ids, "
    "known metrics and sources, plausible years (1900-2100), no duplicates, units that read "
    "and fit the metric's dimension. The first problem is reported with file and line.",
    lambda finding: finding.details["problem"]), run=False)
def load_failure(error: CatalogError) -> Finding:
    """A catalog that does not load is one error finding."""
    return Finding(Severity.error, "schema", sources=(error.where,) if error.where else (),
                   details={"problem": error.message + (f"; {error.fix}" if error.fix else "")})


def _not_refound(count: int) -> str:
    return f"its {count} cited figure{'s were' if count != 1 else ' was'} not re-found"


def _source_line_message(finding: Finding) -> str:
    details = finding.details
    if "absent" in details:
        return (f"{details['absent']} is not in {details['directory']}: "
                f"{_not_refound(details['count'])}")
    if "unreadable" in details:
        return f"{details['unreadable']} {details['why']}: {_not_refound(details['count'])}"
    return f"'{details['expected']}' is not on {details['where']}: {details['line_text']!r}"


@declares(Check(
    "source_line", "error", "with `--sources DIR`: each value (and each `also` citation) is "
    "printed on its cited line, and so are the words each cited basis aspect and "
    "`shared_with` quote; a source file not in DIR is reported as info",
    _source_line_message), run=False)
def check_source_lines(catalog: Catalog, directory: Path) -> SourceLines:
    """Every value re-found on its cited line of the source files in ``directory``, and on
    the lines of its other citations; a file that is absent or unreadable is one finding,
    with the number of citations it holds."""
    files = SourceFiles(directory)
    absent: dict[str, int] = {}
    unreadable: dict[str, int] = {}
    findings = []
    checked = 0
    read: set[str] = set()
    claimed: set[tuple[str, int, str, int | None]] = set()  # a claim of several years once

    def tally_places(places: list[str]) -> None:
        nonlocal checked
        for file in places:
            if files.has(file):
                checked += 1
                read.add(file)
            else:
                tally = absent if files.missing(file) else unreadable
                tally[file] = tally.get(file, 0) + 1

    for obs in catalog.observations.values():
        claims = [c for c in claim_places(obs) if c not in claimed]
        claimed.update(claims)
        tally_places([file for file, *_rest in cited_places(obs)]
                     + [file for file, *_rest in claims])
        misses = check_observation(obs, files) + check_claims(claims, str(obs.origin), files)
        findings += [Finding(Severity.error, "source_line", obs.company, obs.year, obs.metric,
                             sources=(miss.where, miss.catalog),
                             details={"expected": miss.expected, "where": miss.where,
                                      "line_text": miss.line_text}) for miss in misses]
    for company in catalog.companies.values():  # what a company states of itself (its entity)
        claims = [(file, line, words, page or None)
                  for _aspect, file, line, page, words in company.stated]
        tally_places([file for file, *_rest in claims])
        findings += [Finding(Severity.error, "source_line", company.id,
                             sources=(miss.where, miss.catalog),
                             details={"expected": miss.expected, "where": miss.where,
                                      "line_text": miss.line_text})
                     for miss in check_claims(claims, str(company.origin), files)]
    missed = len(findings)  # one a place not found
    findings += [Finding(Severity.error, "source_line", sources=(file,),
                         details={"unreadable": file, "why": files.problems[file],
                                  "count": count}) for file, count in sorted(unreadable.items())]
    findings += [Finding(Severity.info, "source_line", sources=(file,),
                         details={"absent": file, "directory": str(directory), "count": count})
                 for file, count in sorted(absent.items())]
    elsewhere = sum(absent.values()) + sum(unreadable.values())
    return SourceLines(findings, checked + elsewhere, checked - missed, len(read),
                       len(read) + len(absent) + len(unreadable))


@declares(
    Check("sum", "warning", "a metric with `parts: [...]` against the sum of its parts (Scope 1 "
          "+ 2 against total GHG, hires by gender), as ranges: a difference the printed "
          "precision explains is not reported",
          lambda f: (f"{f.metric} differs from the sum of {' + '.join(f.details['parts'])} by "
                     "more than rounding explains (the parts as printed sum to "
                     f"{_range(f.details['range'])})")),
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
                     f"{_range(f.details['range'])} {f.unit})")))
def check_sums(catalog: Catalog, wanted: Wanted = None,
               years: Years = None) -> Iterator[Finding]:
    """A total against the sum of its parts; a rate against the range of its sub-rates;
    each figure as the range its printed precision allows."""
    for metric in catalog.metrics.values():
        if not metric.parts or not _about(wanted, metric.id, *metric.parts):
            continue
        is_rate = metric.unit == "percent" and all(
            catalog.metrics[p].unit == "percent" for p in metric.parts)
        # only a company that gives the total and every part can be checked
        shards = [catalog.shard(p) for p in metric.parts]
        settled = set() if is_rate else _summing(catalog, metric.id, metric.parts, years)
        for company, year, total in _values(catalog, metric.id, years,
                                            among=[s.keys() for s in shards],
                                            unless=settled):
            parts = [shard[company].get(year) for shard in shards]
            present = [p for p in parts if p is not None]
            if len(present) != len(parts):
                continue
            names = tuple(_key(o) for o in (total, *present))
            if is_rate:
                low = min(present, key=lambda p: p.normalized)
                high = max(present, key=lambda p: p.normalized)
                bounds = Range(span(low).low, span(high).high)
                if not span(total).meets(bounds):
                    yield Finding(Severity.warning, "rate_range", company, year, metric.id, None,
                                  total.normalized, "percent", _refs(total, *present),
                                  {"parts": metric.parts, "low": low.normalized,
                                   "high": high.normalized},
                                  *_culprits(catalog, company, year, metric.id, names))
                continue
            expected = sum((p.normalized for p in present), Decimal(0))
            summed = sum((span(p) for p in present[1:]), span(present[0]))
            if not span(total).meets(summed):
                yield Finding(Severity.warning, "sum", company, year, metric.id, expected,
                              total.normalized, metric.unit, _refs(total, *present),
                              {"parts": metric.parts, "range": summed},
                              *_culprits(catalog, company, year, metric.id, names))
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
    if not _about(wanted, target, *factors):
        return
    unit = catalog.metrics[target].unit
    for company, year, total in _values(catalog, target, years):
        parts = [observation for metric in factors
                 if (observation := catalog.get(company, metric, year)) is not None]
        if not parts:
            continue
        ranges = [span(p).scaled(factors[p.metric]) for p in parts]
        summed = sum(ranges[1:], ranges[0])
        if span(total).high < summed.low:
            expected = sum((p.normalized * factors[p.metric] for p in parts), Decimal(0))
            yield Finding(Severity.warning, "energy_sum", company, year, target,
                          expected.quantize(Decimal("0.0001")), total.normalized, unit,
                          _refs(total, *parts),
                          {"parts": tuple(p.metric for p in parts), "range": summed},
                          tuple(_key(o) for o in (total, *parts)))


@declares(
    Check("ratio", "warning", "a metric with `ratio_of: [numerator, denominator]` against the "
          "ratio recomputed from the catalog's own totals, converted to the metric's unit, as "
          "ranges",
          lambda f: (f"reported {f.metric} differs from {f.details['numerator']} / "
                     f"{f.details['denominator']} by more than rounding explains (recomputed "
                     f"from the printed figures: {_range(f.details['range'])})")),
    Check("ratio_unit", "error", "a `ratio_of` whose units cannot make the metric's unit",
          lambda f: f"metric '{f.metric}': {f.details['problem']}"))
def check_ratios(catalog: Catalog, wanted: Wanted = None,
                 years: Years = None) -> Iterator[Finding]:
    """A reported ratio against numerator / denominator from the catalog's own totals,
    each figure as the range its printed precision allows."""
    for metric in catalog.metrics.values():
        if metric.ratio_of is None or not _about(wanted, metric.id, *metric.ratio_of):
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
        for company, year, reported in _values(catalog, metric.id, years):
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
                          expected.quantize(Decimal("0.0001")), reported.normalized,
                          metric.unit, _refs(reported, numerator, denominator),
                          {"numerator": numerator_id, "denominator": denominator_id,
                           "range": recomputed},
                          *_culprits(catalog, company, year, metric.id,
                                     tuple(_key(o) for o in (reported, numerator, denominator))))


class Relation(NamedTuple):
    """A ratio or a sum of one company-year as the catalog holds it: the metric checked,
    the metrics it reads (itself first), whether it holds (as ranges), and for a ratio
    the range each term would need to have for it to hold."""

    metric: str
    reads: tuple[str, ...]
    holds: bool
    needs: dict[str, Range]


def relations(catalog: Catalog, company: str, year: int) -> list[Relation]:
    """Every ratio (`ratio_of`) and sum (`parts`, not of rates) a company-year gives all the
    figures of."""
    return catalog.memo(("relations", company, year),
                        lambda: _relations(catalog, company, year))


def _relations(catalog: Catalog, company: str, year: int) -> list[Relation]:
    found: list[Relation] = []
    for metric in catalog.memo(("relating",), lambda: [
            m for m in catalog.metrics.values()
            if m.ratio_of is not None or (m.parts and m.unit != "percent")]):
        if catalog.get(company, metric.id, year) is None:  # most metrics: at once
            continue
        if metric.ratio_of is not None:
            terms = [catalog.get(company, m, year) for m in (metric.id, *metric.ratio_of)]
            reported, numerator, denominator = terms
            if reported is None or numerator is None or denominator is None:
                continue
            try:
                factor = target_factor(f"({catalog.metrics[numerator.metric].unit}) / "
                                       f"({catalog.metrics[denominator.metric].unit})",
                                       metric.unit)
            except EsgcmpError:
                continue
            quotient = span(numerator).over(span(denominator))
            needed = span(numerator).scaled(factor).over(span(reported))
            if quotient is None or needed is None:
                continue
            ends = [a * b / factor for a in (span(reported).low, span(reported).high)
                    for b in (span(denominator).low, span(denominator).high)]
            found.append(Relation(metric.id, (metric.id, *metric.ratio_of),
                                  span(reported).meets(quotient.scaled(factor)),
                                  {metric.ratio_of[0]: Range(min(ends), max(ends)),
                                   metric.ratio_of[1]: needed}))
        else:
            terms = [catalog.get(company, m, year) for m in (metric.id, *metric.parts)]
            if any(term is None for term in terms):
                continue
            total, *parts = [term for term in terms if term is not None]
            summed = sum((span(p) for p in parts[1:]), span(parts[0]))
            found.append(Relation(metric.id, (metric.id, *metric.parts),
                                  span(total).meets(summed), {}))
    return found


def cleared(catalog: Catalog, company: str, year: int, failing: str,
            reads: Iterable[str]) -> dict[str, str]:
    """Of the figures a failing ratio or sum (``failing``) reads, those the company's other
    figures of the year clear, each with why: the printed ratio is restated and the term
    is not (they are on different scopes), another ratio or sum with it holds, or the
    failing ratios that share it would each need a different value of it (so no single
    correction of it reconciles them)."""
    known = relations(catalog, company, year)
    this = next((r for r in known if r.metric == failing), None)
    printed = catalog.get(company, failing, year)
    restated = printed is not None and "restated" in printed.flags
    out: dict[str, str] = {}
    for metric in reads:
        term = catalog.get(company, metric, year)
        if (this is not None and metric in this.needs and restated and term is not None
                and "restated" not in term.flags):
            # the report restated the ratio's scope and not this term's: the ratio was
            # not computed from the term as printed, and its failure says nothing of it
            out[metric] = f"{failing} is restated, {metric} is not"
            continue
        holding = [r.metric for r in known
                   if r.holds and r.metric != failing and metric in r.reads]
        if holding:
            out[metric] = f"{holding[0]} holds with it"
            continue
        if this is None or metric not in this.needs:
            continue
        apart = [r.metric for r in known if not r.holds and r.metric != failing
                 and metric in r.needs and not r.needs[metric].meets(this.needs[metric])]
        if apart:
            out[metric] = f"{apart[0]} would need another {metric}"
    return out


def _culprits(catalog: Catalog, company: str, year: int, failing: str,
              names: tuple[Key, ...]) -> tuple[tuple[Key, ...], tuple[Key, ...]]:
    """A failing ratio's or sum's values split into those it suspects and its other
    inputs: a figure that another reconciling ratio or sum of the year clears is not
    suspected; when every figure is cleared, none is (all are involved)."""
    clear = cleared(catalog, company, year, failing, [key[1] for key in names])
    suspects = tuple(key for key in names if key[1] not in clear)
    return suspects, tuple(key for key in names if key[1] in clear)


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
    if not {total_id, electricity_id} <= set(catalog.metrics) or not _about(
            wanted, scope2_id, total_id, electricity_id):
        return
    unit = known["unit"]
    low, high = settings().grid_range
    scope2 = catalog.shard(scope2_id)
    # a finding names only the emissions and the electricity it divides: whether those
    # are wanted is known from the years each company gives, before any value is read
    skipped = set() if _about(wanted, electricity_id) else {
        (company, year) for company, held in catalog.shard(electricity_id).items()
        for year in (held if years is None else years.intersection(held))
        if not _about(wanted, scope2_id if year in scope2.get(company, ()) else total_id)}
    for company, year, electricity in _values(catalog, electricity_id, years,
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
        found = (emissions.normalized / electricity.normalized * factor).quantize(
            Decimal("0.0001"))
        if of_total:
            plausible = implied.high >= low
        else:
            plausible = implied.meets(Range(low, high))
        yield Finding(Severity.info if plausible else Severity.warning, "emission_factor",
                      company, year, emissions.metric, None, found, unit,
                      _refs(emissions, electricity),
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
    pair = (_key(emissions), _key(electricity))
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
    if not {total_id, energy_id} <= set(catalog.metrics) or not _about(wanted, total_id):
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
    candidates = {company for year in (years or catalog.years(metric=total_id))
                  for company in year_numbers(year)[0]}
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
                sources = _refs(g0, g1, *[o for e in (e0, e1) for o in _observations(e)])
                yield Finding(Severity.warning, "emission_per_energy", company, y1, total_id,
                              f0.quantize(Decimal("0.0001")), f1.quantize(Decimal("0.0001")),
                              unit, sources,
                              {"from": y0, "to": y1, "energy_change": energy_change,
                               "energy": energy_id},
                              (_key(g1),),
                              tuple(dict.fromkeys(_key(o) for o in (
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
            if not _about(wanted, metric) or not _additive(catalog, metric):
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
                                  catalog.metrics[metric].unit, _refs(own, group),
                                  {"parent": parent}, (_key(own), _key(group)))


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
        if not _about(wanted, metric_id):
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
                              _refs(before, after),
                              {"change": change, "from": before.year, "to": after.year},
                              () if economic else (_key(suspect),),
                              () if economic else (_key(other),))


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
                                  names=(_key(observation),))


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
    return ordered([finding for run, options in _RUNS
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
    for finding in run_checks(catalog, wanted=metrics, years=years):
        if finding.severity is Severity.info:
            continue
        for key in finding.names:
            if key[1] in metrics:
                named.setdefault(key, []).append(finding)
        if not finding.names:
            for key in finding.involved:
                if key[1] in metrics:
                    involved.setdefault(key, []).append(finding)
    return (named, involved) if with_involved else named
