"""Derived and implied values, by the rules in esgcmp/derive.toml.

- A **derived** total: a company that prints no energy total but prints its components
  gets one, with the GB/T 2589 coefficients, never from a partial set of components; one
  that prints Scope 1 and Scope 2 but no GHG total gets their sum, never a scope alone.
- An **implied** value: a denominator a company does not print, but which its reported
  ratio and numerator imply (China Comservice's revenue = energy / energy per revenue).

Both say how they were made (:class:`~esgcmp.model.Derivation`,
:class:`~esgcmp.model.Implication`) and carry the flags of their inputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

import msgspec
from msgspec.structs import force_setattr

from .catalog import Catalog
from .errors import EsgcmpError, UsageError
from .files import packaged_toml
from .model import (BASIS_ASPECTS, NOT_STATED, Basis, Derivation, ElectricityBasis,
                    Implication, Input, Kind, Metric, Missing, Value, Why, basis_of, inherited,
                    value_digits, value_range)
from .names import fold
from .precision import printed_range, quotient, shown, significant
from .units import format_decimal, target_factor

if TYPE_CHECKING:
    from .fx import Rate


class Component(msgspec.Struct, frozen=True):
    metric: str
    coefficient: str  # as the rules print it: "0.1229 kgce/kWh"
    carrier: str = ""
    note: str = ""
    names: tuple[str, ...] = ()  # what reports call the carrier, beside its metric's names

    @property
    def amount(self) -> Decimal:
        return Decimal(self.coefficient.split(" ", 1)[0])

    @property
    def unit(self) -> str:
        return self.coefficient.split(" ", 1)[1]


class EnergyRules(msgspec.Struct, frozen=True):
    standard: str
    source: str
    target: str  # the metric a derivation yields
    electricity: str  # the component whose coefficient the electricity basis decides
    generation_range: tuple[Decimal, Decimal]  # open range of a generation coefficient
    generation_unit: str
    components: tuple[Component, ...]
    required: tuple[str, ...]  # a sum without one of these is not a total
    other_carriers: tuple[str, ...]  # carriers with no component: printed, no total
    usage_words: tuple[str, ...]  # words a carrier's name may carry ("consumption")


class GhgRules(msgspec.Struct, frozen=True):
    standard: str
    target: str  # the metric a derivation yields
    components: tuple[str, ...]  # every one required, the same year
    scopes: str  # the scopes the sum covers, as a basis states them
    totals: tuple[str, ...]  # what a total is called, under another metric: no derivation
    other_scopes: tuple[str, ...] = ()  # totals of other scopes: they stop no derivation


class Rules(msgspec.Struct, frozen=True):
    energy: EnergyRules
    ghg: GhgRules
    intensity_per: dict[str, str]  # denominator unit -> the amount an intensity is per


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = packaged_toml("derive.toml")
    energy = data["energy"]
    low, high = energy["generation_range"]
    return Rules(
        energy=EnergyRules(
            standard=energy["standard"], source=energy["source"], target=energy["target"],
            electricity=energy["electricity"], generation_range=(Decimal(low), Decimal(high)),
            generation_unit=energy["generation_unit"],
            components=tuple(Component(metric, spec["coefficient"], spec.get("carrier", ""),
                                       spec.get("note", ""), tuple(spec.get("names", ())))
                             for metric, spec in energy["components"].items()),
            required=tuple(energy["required"]),
            other_carriers=tuple(energy["other_carriers"]),
            usage_words=tuple(energy["usage_words"])),
        ghg=GhgRules(standard=data["ghg"]["standard"], target=data["ghg"]["target"],
                     components=tuple(data["ghg"]["components"]),
                     scopes=data["ghg"]["scopes"], totals=tuple(data["ghg"]["totals"]),
                     other_scopes=tuple(data["ghg"].get("other_scopes", ()))),
        intensity_per=dict(data["intensity"]["per"]))


class EnergyBasis(msgspec.Struct, frozen=True):
    """How electricity is converted to standard coal when a total is derived: the
    calorific-equivalent basis, or the generation-equivalent one with the year's
    coefficient in kgce/kWh, inside ``rules().energy.generation_range``."""

    electricity: ElectricityBasis = ElectricityBasis.calorific
    kgce_per_kwh: Decimal | None = None  # the user's coefficient for "generation"
    partial: bool = False  # sum what there is when a required component is never reported
    # the exchange rates the user gave (--fx): a value printed in another currency than
    # its metric's is made in the metric's with them (esgcmp.fx); these travel with the
    # energy basis because they too decide how a value is made from what was printed
    rates: tuple[Rate, ...] = ()

    def __post_init__(self) -> None:
        basis = ElectricityBasis(self.electricity)  # also accepts the plain name
        force_setattr(self, "electricity", basis)
        coefficient = self.kgce_per_kwh
        if basis is ElectricityBasis.generation:
            low, high = rules().energy.generation_range
            if coefficient is None or not low < coefficient < high:
                raise UsageError(f"the generation-equivalent basis needs the year's coefficient "
                                 f"in kgce/kWh, between {low} and {high}, not {coefficient}")
        elif coefficient is not None:
            raise UsageError("a coefficient applies to the generation-equivalent basis only")


def reported(catalog: Catalog, company: str, metric: str, year: int) -> Value | None:
    observation = catalog.get(company, metric, year)
    if observation is None:
        return None
    notes, also = observation.notes, observation.conversion_note
    if also and notes.endswith((".", "。")):  # after a sentence, one more
        notes = f"{notes} {also[:1].upper()}{also[1:]}."
    elif also:
        notes = f"{notes}; {also}" if notes else also
    return Value(company=company, metric=metric, year=year, value=observation.normalized,
                 unit=catalog.metrics[metric].unit, kind=Kind.reported, observation=observation,
                 flags=observation.flags, notes=notes, basis=observation.basis)


def derivable_components(catalog: Catalog, company: str) -> tuple[Component, ...]:
    """The energy components a company reports in any year (a tuple, the same for every
    year: asked once a company, as every total of it reads them)."""
    return catalog.memo(("components", company), lambda: tuple(
        c for c in rules().energy.components
        if c.metric in catalog.metrics and catalog.reports(company, c.metric)))


def derive_energy(catalog: Catalog, company: str, year: int,
                  basis: EnergyBasis) -> Value | Missing:
    """Total energy from components, never silently partial."""
    energy = rules().energy
    summed = _summed(catalog, company, year, basis,
                     lambda metric: catalog.get(company, metric, year) is not None)
    if isinstance(summed, Missing):
        return summed
    components, lacking = summed
    target = catalog.metrics[energy.target]
    inputs: list[Input] = []
    for component in components:
        observation = catalog.get(company, component.metric, year)
        assert observation is not None  # checked above
        factor, text = _coefficient(catalog, component, basis)
        if observation.conversion_note.startswith("volume read as mass"):
            # a fuel printed in litres: the density is as much a coefficient as the other
            text = f"{text} ({observation.conversion_note})"
        metric_unit = catalog.metrics[component.metric].unit
        inputs.append(Input(observation, metric_unit, text, observation.normalized * factor))
    total = sum((i.contribution for i in inputs), Decimal(0))
    how = Derivation(standard=energy.standard, electricity=basis.electricity,
                     components=tuple(c.metric for c in components),
                     unreported=tuple(c.metric for c in energy.components
                                      if c not in components))
    flags = ("derived",) + ("partial",) * bool(lacking) + inherited(
        *(i.observation.flags for i in inputs))
    return Value(company=company, metric=target.id, year=year, value=total, unit=target.unit,
                 kind=Kind.derived, how=how, inputs=tuple(inputs), flags=flags,
                 basis=_derived_basis([i.observation.basis for i in inputs], basis))


def _summed(catalog: Catalog, company: str, year: int, basis: EnergyBasis,
            given: Callable[[str], bool]
            ) -> tuple[tuple[Component, ...], tuple[str, ...]] | Missing:
    """The components a company's total of the year sums (every one it reports in any
    year, each ``given`` that year) and the required ones it never reports (a partial sum,
    only with ``basis.partial``); or why there is no total (one of the metrics of
    ``carriers_elsewhere``, holding a carrier no component sums, is one the company
    reports)."""
    components = derivable_components(catalog, company)
    if not components:
        return Missing(company, Why.no_components, year)
    # what a company reports in any year: the same for each of its years
    held, lacking = catalog.memo(("carriers_held", company), lambda: (
        tuple(m for m in carriers_elsewhere(catalog) if catalog.reports(company, m)),
        tuple(m for m in rules().energy.required
              if m not in {c.metric for c in components})))
    if held:
        return Missing(company, Why.carrier_elsewhere, year, absent=held)
    absent = tuple(c.metric for c in components if not given(c.metric))
    if absent:
        return Missing(company, Why.components_missing, year, absent=absent)
    if lacking and not basis.partial:
        return Missing(company, Why.partial, year, absent=lacking)
    return components, lacking


def carriers_elsewhere(catalog: Catalog) -> tuple[str, ...]:
    """The metrics that hold an energy carrier outside the components' own metrics: a
    component's carrier under another name (a draft's ``petrol`` beside ``gasoline``), or
    a carrier esgcmp has no coefficient for (LPG, kerosene). A company that prints one
    has a total the components cannot make."""
    return catalog.memo(("carriers_elsewhere",), lambda: _carriers_elsewhere(catalog))


def _carriers_elsewhere(catalog: Catalog) -> tuple[str, ...]:
    energy = rules().energy
    own = {c.metric for c in energy.components} | {energy.target}
    names = catalog.metric_names  # folded name -> metric ids
    components = tuple(sorted(name for name, ids in names.items()
                              if ids & own and energy.target not in ids))
    found = {metric_id for name in _carrier_names(tuple(names), components)
             for metric_id in names[name] if metric_id not in own}
    found = {m for m in found if _amount(catalog.metrics[m].unit)}
    if not found:
        return ()
    order = {metric_id: i for i, metric_id in enumerate(catalog.metrics)}
    return tuple(sorted(found, key=order.__getitem__))


def totals_elsewhere(catalog: Catalog) -> tuple[str, ...]:
    """The metrics that hold a GHG total beside the target's own: a company that prints
    one has a total the scopes may not make."""
    ghg = rules().ghg
    names = catalog.metric_names
    own = tuple(sorted(name for name, ids in names.items() if ghg.target in ids))
    found = {metric_id for name in _total_names(tuple(names), own)
             for metric_id in names[name]
             if metric_id != ghg.target and metric_id not in ghg.components
             and metric_id not in ghg.other_scopes}
    found = {m for m in found if _emissions(catalog.metrics[m].unit)}
    order = {metric_id: i for i, metric_id in enumerate(catalog.metrics)} if found else {}
    return tuple(sorted(found, key=order.__getitem__))


@lru_cache(maxsize=8)
def _total_names(folded: tuple[str, ...], own: tuple[str, ...]) -> tuple[str, ...]:
    """Those of the ``folded`` names that name a GHG total (one of the rules' names, or of
    the target's ``own``)."""
    totals = {_bare(fold(name)) for name in rules().ghg.totals} | {_bare(n) for n in own}
    totals.discard("")
    return tuple(name for name in folded if _bare(name) in totals)


@lru_cache(maxsize=64)
def _emissions(unit: str) -> bool:
    """Whether a metric's unit is an amount of emissions (CO2e, or a plain mass)."""
    for dimension in ("tCO2e", "kg"):
        try:
            target_factor(unit, dimension)
        except EsgcmpError:
            continue
        return "/" not in unit
    return False


@lru_cache(maxsize=8)
def _carrier_names(folded: tuple[str, ...], components: tuple[str, ...]) -> tuple[str, ...]:
    """Those of the ``folded`` names that name an energy carrier: a component's (its
    metric's own ``components`` names, or the rules' names of it) or one of the rules'
    other carriers."""
    energy = rules().energy
    carriers = {_bare(fold(name)) for name in energy.other_carriers}
    carriers |= {_bare(fold(name)) for c in energy.components for name in c.names}
    carriers |= {_bare(name) for name in components}
    carriers.discard("")
    return tuple(name for name in folded if _bare(name) in carriers)


@lru_cache(maxsize=64)
def _amount(unit: str) -> bool:
    """Whether a metric's unit is an amount a carrier is printed in: energy, mass or
    volume (not a ratio or a share, nor power: "Power" in MW is a capacity)."""
    if "/" in unit:
        return False
    for dimension in ("J", "kg", "m3"):
        try:
            target_factor(unit, dimension)
        except EsgcmpError:
            continue
        return True
    return False


_BRACKETED = re.compile(r"[(\[【].*?[)\]】]")  # after folding: full-width brackets are ASCII


@lru_cache(maxsize=1)
def _usage() -> re.Pattern[str]:
    """A folded name: a word that says it was used before it, its carrier, one after."""
    words = "|".join(re.escape(w) for w in sorted({fold(w) for w in rules().energy.usage_words},
                                                  key=len, reverse=True))
    return re.compile(rf"(?:{words})?(.*?)(?:{words})?")


def _bare(folded: str) -> str:
    """A carrier's folded name as compared: without what is in brackets and without the
    words that say it was used ("Diesel consumption (vehicles)": "diesel")."""
    text = _BRACKETED.sub("", folded)
    match = _usage().fullmatch(text)
    return (match.group(1) if match else "") or text


def _coefficient(catalog: Catalog, component: Component,
                 basis: EnergyBasis) -> tuple[Decimal, str]:
    """What one unit of a component (in its metric's unit) adds to the total (in the
    total's unit), and the coefficient as the derivation states it."""
    energy = rules().energy
    amount, unit, text = component.amount, component.unit, component.coefficient
    if component.metric == energy.electricity and basis.kgce_per_kwh is not None:
        amount, unit = basis.kgce_per_kwh, energy.generation_unit
        text = f"{format_decimal(amount)} {unit}"
    metric_unit = catalog.metrics[component.metric].unit
    return (amount * target_factor(unit, f"{catalog.metrics[energy.target].unit}/({metric_unit})"),
            text)


def component_factors(catalog: Catalog, basis: EnergyBasis) -> dict[str, Decimal]:
    """What one unit of each energy component the catalog defines (in its metric's unit)
    adds to the total (in the total's unit), on ``basis``."""
    return {c.metric: _coefficient(catalog, c, basis)[0] for c in rules().energy.components
            if c.metric in catalog.metrics}


def energy_numbers(catalog: Catalog, year: int, basis: EnergyBasis) -> dict[str, Decimal]:
    """Each company's total energy of a year, the number ``value_of`` gives (reported,
    else derived from every component the company reports), from the stored numbers
    alone: a check that screens every company reads no value to do it."""
    energy = rules().energy
    totals = dict(catalog.normalized(energy.target, year)) if (
        energy.target in catalog.metrics) else {}
    known = [c for c in energy.components if c.metric in catalog.metrics]
    columns = {c.metric: catalog.normalized(c.metric, year) for c in known}
    factors: dict[str, Decimal] = {}
    for company in {c for column in columns.values() for c in column} - totals.keys():
        summed = _summed(catalog, company, year, basis,
                         lambda metric: company in columns[metric])  # noqa: B023 - at once
        if isinstance(summed, Missing):
            continue
        components = summed[0]
        for component in components:
            if component.metric not in factors:
                factors[component.metric] = _coefficient(catalog, component, basis)[0]
        totals[company] = sum((columns[c.metric][company] * factors[c.metric]
                               for c in components), Decimal(0))
    return totals


def _derived_basis(parts: list[Basis], basis: EnergyBasis) -> Basis:
    """The electricity basis of a derived total, and what its components state alike."""
    stated = _common_basis(parts)
    stated["electricity"] = f"{basis.electricity.value}-equivalent"
    return basis_of(stated)


def _common_basis(parts: list[Basis]) -> dict[str, str]:
    """What the components of a total state alike, and "mixed: ..." where they differ."""
    stated: dict[str, str] = {}
    for aspect in BASIS_ASPECTS:
        texts = {dict(part).get(aspect, NOT_STATED) for part in parts}
        if len(texts) == 1 and NOT_STATED not in texts:
            stated[aspect] = texts.pop()
        elif texts - {NOT_STATED}:
            stated[aspect] = "mixed: " + ", ".join(sorted(texts))
    return stated


def derive_ghg(catalog: Catalog, company: str, year: int) -> Value | Missing | None:
    """Total GHG (Scope 1 + 2) from the two scopes of the year; why not when the company
    reports one scope but not both that year; None when it reports neither in any year
    (then the total is simply not reported)."""
    ghg = rules().ghg
    known = [m for m in ghg.components if m in catalog.metrics]
    if len(known) < len(ghg.components) or ghg.target not in catalog.metrics:
        return None
    ever = [m for m in known if catalog.reports(company, m)]
    if not ever:
        return None
    if len(ever) < len(known):
        return Missing(company, Why.lacks_part, year,
                       absent=tuple(m for m in known if m not in ever))
    held = tuple(m for m in totals_elsewhere(catalog) if catalog.reports(company, m))
    if held:
        return Missing(company, Why.total_elsewhere, year, absent=held)
    observations = [catalog.get(company, m, year) for m in known]
    absent = tuple(m for m, o in zip(known, observations) if o is None)
    if absent:
        return Missing(company, Why.components_missing, year, absent=absent)
    target = catalog.metrics[ghg.target]
    inputs = []
    for observation in observations:
        assert observation is not None  # checked above
        metric_unit = catalog.metrics[observation.metric].unit
        factor = target_factor(metric_unit, target.unit)  # 1 where the units are one
        inputs.append(Input(observation, metric_unit, format_decimal(factor),
                            observation.normalized * factor))
    how = Derivation(standard=ghg.standard, electricity=None, components=known,
                     unreported=())
    stated = _common_basis([i.observation.basis for i in inputs])
    stated["scopes"] = ghg.scopes
    # only Scope 2 has a method: the total's is the one its Scope 2 states
    methods = {dict(i.observation.basis).get("scope2_method") for i in inputs} - {None}
    stated.pop("scope2_method", None)
    if len(methods) == 1:
        stated["scope2_method"] = methods.pop()
    return Value(company=company, metric=target.id, year=year,
                 value=sum((i.contribution for i in inputs), Decimal(0)), unit=target.unit,
                 kind=Kind.derived, how=how, inputs=tuple(inputs),
                 flags=("derived",) + inherited(*(i.observation.flags for i in inputs)),
                 basis=basis_of(stated))


def derive(catalog: Catalog, company: str, metric: str, year: int,
           basis: EnergyBasis) -> Value | Missing | None:
    """A derivable metric's total of the year (see :func:`is_derivable`), or why not;
    None where the rule has nothing to say (a GHG total of a company that reports no
    scope)."""
    if metric == rules().ghg.target:
        return derive_ghg(catalog, company, year)
    return derive_energy(catalog, company, year, basis)


def is_derivable(metric: str) -> bool:
    """Whether esgcmp derives the metric's total where a company prints only its parts."""
    return metric in (rules().energy.target, rules().ghg.target)


def takes_energy_basis(metric: str) -> bool:
    """Whether the energy basis options (--basis, --kgce-per-kwh, --partial) change the
    metric's derived total."""
    return metric == rules().energy.target


def derivable_years(catalog: Catalog, company: str, metric: str) -> set[int]:
    """The years in which the company reports every component of the metric's total
    it ever reports (energy), or every one the total requires (GHG)."""
    if metric == rules().ghg.target:
        # (asked of every company a comparison lists: each component's years read once)
        found: set[int] | None = None
        for component in catalog.memo(("ghg components",), lambda: [
                m for m in rules().ghg.components if m in catalog.metrics]):
            held = catalog.shard(component).get(company)
            if not held:
                return set()
            found = set(held) if found is None else found.intersection(held)
        return found or set()
    components = derivable_components(catalog, company)
    if not components:
        return set()
    return set.intersection(*(set(catalog.series(company, c.metric)) for c in components))


ValueOf = Callable[[Catalog, str, str, int, EnergyBasis], "Value | Missing"]


def implied_value(catalog: Catalog, company: str, metric: Metric, year: int,
                  basis: EnergyBasis, value_of: ValueOf) -> Value | None:
    """A denominator implied by a reported ratio and its numerator (reported or derived).

    China Comservice prints no revenue, but prints energy and energy per RMB 10,000 of
    revenue; revenue = energy / intensity. Marked ``implied``, never ``reported``.
    """
    for ratio in catalog.metrics.values():
        if ratio.ratio_of is None or ratio.ratio_of[1] != metric.id:
            continue
        ratio_obs = catalog.get(company, ratio.id, year)
        numerator_metric = catalog.metrics[ratio.ratio_of[0]]
        numerator = value_of(catalog, company, numerator_metric.id, year, basis)
        if (ratio_obs is None or not isinstance(numerator, Value) or ratio_obs.normalized == 0
                or ratio_obs.currency):  # a ratio per another currency implies no amount
            continue
        factor = target_factor(f"({numerator_metric.unit}) / ({ratio.unit})", metric.unit)
        implied = full = quotient(numerator.value / ratio_obs.normalized * factor)
        # the implied value's digits: those its numerator's and ratio's printings allow
        # (docs/output.md#digits), never a double's worth from "approximately 172,000"
        numerator_span = value_range(numerator)
        ratio_span = printed_range(ratio_obs.value, "approx" in ratio_obs.flags,
                                   ratio_obs.factor)
        span = None if numerator_span is None else numerator_span.over(ratio_span)
        if span is not None:
            span = span.scaled(factor)
            implied = shown(implied, span, min(
                significant(ratio_obs.value, "approx" in ratio_obs.flags),
                value_digits(numerator)))
        references = [ratio_obs.reference]
        if numerator.observation is not None:
            references.insert(0, numerator.observation.reference)
        flags = ("implied",) + inherited(numerator.flags, ratio_obs.flags)
        how = Implication(numerator_metric=numerator_metric.id, numerator_value=numerator.value,
                          numerator_unit=numerator_metric.unit, ratio_metric=ratio.id,
                          ratio_value=ratio_obs.normalized, ratio_unit=ratio.unit,
                          references=tuple(dict.fromkeys(references)), span=span,
                          full=full)
        return Value(company=company, metric=metric.id, year=year, value=implied,
                     unit=metric.unit, kind=Kind.implied, how=how, flags=flags,
                     basis=numerator.basis)
    return None
