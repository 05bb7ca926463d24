"""What every check of `esgcmp check` stands on: the registry, the settings, a value's
range, and the ratios and sums of a company-year.

Each check declares its name, severity, what it means and how a finding of it is worded
beside the function that makes its findings (``@declares``); the declarations are the
registry CHECKS (the table of docs/checks.md is generated from it) and
``esgcmp.check.run_checks`` runs the functions so declared. A finding says what was
expected, what was found and the facts behind it (``details``), and its message words
them. Tolerances and ranges are data: esgcmp/checks.toml. The checks themselves are in
checkcited.py, checkfigures.py, checkgrid.py and check.py, registered in that order
when esgcmp.check is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

import msgspec

from .catalog import Catalog
from .errors import EsgcmpError
from .files import packaged_toml
from .model import Observation
from .precision import Range, printed_range, significant
from .results import WORDING, Finding, Key
from .units import format_decimal, target_factor


class Check(msgspec.Struct, frozen=True):
    """One check, as declared beside the function that makes its findings."""

    name: str
    severity: str  # as documented: one severity, or how it is graded
    meaning: str  # what it does; {placeholders} are filled from esgcmp/checks.toml
    message: Callable[[Finding], str]  # a finding of it in a sentence, from its details


CHECKS: list[Check] = []  # in the order declared: the order of docs/checks.md
# what run_checks runs: each function, with the options of a run it takes (``jump``)
RUNS: list[tuple[Callable[..., Iterator[Finding]], tuple[str, ...]]] = []
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
            RUNS.append((function, options))
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


def digits(observation: Observation) -> int:
    """The significant digits a reported value was printed with (a hedged one's, to its
    last non-zero digit): a quotient of it has no more (docs/output.md#digits)."""
    return significant(observation.value, "approx" in observation.flags)


def key_of(observation: Observation) -> Key:
    return observation.company, observation.metric, observation.year


def observed(catalog: Catalog, metric: str, years: Years = None,
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


def refs(*observations: Observation) -> tuple[str, ...]:
    return tuple(dict.fromkeys(o.reference for o in observations))


Wanted = set[str] | None  # the metrics whose findings are wanted; None: all
Years = set[int] | None  # the years whose values the findings must name; None: all


def about(wanted: Wanted, *metrics: str) -> bool:
    return wanted is None or not wanted.isdisjoint(metrics)


def range_text(span: Range) -> str:
    """A range in a sentence, each end to 4 significant digits past the point."""
    def short(number: Decimal) -> str:
        return format_decimal(number.quantize(Decimal("0.0001")) if abs(number) < 10**6
                              else number.quantize(Decimal(1)))
    return f"{short(span.low)}-{short(span.high)}"


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


def culprits(catalog: Catalog, company: str, year: int, failing: str,
              names: tuple[Key, ...]) -> tuple[tuple[Key, ...], tuple[Key, ...]]:
    """A failing ratio's or sum's values split into those it suspects and its other
    inputs: a figure that another reconciling ratio or sum of the year clears is not
    suspected; when every figure is cleared, none is (all are involved)."""
    clear = cleared(catalog, company, year, failing, [key[1] for key in names])
    suspects = tuple(key for key in names if key[1] not in clear)
    return suspects, tuple(key for key in names if key[1] in clear)
