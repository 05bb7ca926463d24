"""Pure functions from a catalog to values: reported, derived, compared, converted."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import resources
from typing import Any

from .catalog import Catalog
from .errors import NoDataError, NotFoundError, UnitError
from .model import CATEGORIES, Metric, Observation
from .units import format_decimal, target_factor

KINDS = ("reported", "derived", "implied")


@dataclass(frozen=True)
class EnergyBasis:
    """How electricity is converted to standard coal when a total is derived."""

    electricity: str = "calorific"  # or "generation"
    kgce_per_kwh: Decimal | None = None  # the user's coefficient for "generation"

    def __post_init__(self) -> None:
        if self.electricity not in ("calorific", "generation"):
            raise UnitError(f"unknown electricity basis '{self.electricity}'",
                            fix="use 'calorific' or 'generation'")
        if self.electricity == "generation" and self.kgce_per_kwh is None:
            raise UnitError("the generation-equivalent basis needs the year's coefficient",
                            fix="add --kgce-per-kwh, e.g. --kgce-per-kwh 0.3")
        if self.kgce_per_kwh is not None and not Decimal(0) < self.kgce_per_kwh < Decimal(1):
            raise UnitError(f"--kgce-per-kwh {self.kgce_per_kwh} is not a plausible "
                            "coefficient", fix="it is about 0.28-0.31 kgce/kWh")


@dataclass(frozen=True)
class Coefficients:
    standard: str
    source: str
    target: str
    components: dict[str, dict[str, str]]


_COEFFICIENTS: list[Coefficients] = []  # read once; the cache may preset it


def coefficients() -> Coefficients:
    """The standard-coal coefficients, from esgcmp/energy_coefficients.yaml."""
    if not _COEFFICIENTS:
        import yaml

        text = (resources.files("esgcmp") / "energy_coefficients.yaml").read_text(
            encoding="utf-8")
        data: dict[str, Any] = yaml.safe_load(text)
        _COEFFICIENTS.append(Coefficients(standard=data["standard"], source=data["source"],
                                          target=data["target"],
                                          components=data["components"]))
    return _COEFFICIENTS[0]


def known_coefficients() -> Coefficients | None:
    return _COEFFICIENTS[0] if _COEFFICIENTS else None


def preset_coefficients(value: Coefficients) -> None:
    if not _COEFFICIENTS:
        _COEFFICIENTS.append(value)


@dataclass(frozen=True)
class Input:
    """One component of a derived value."""

    observation: Observation
    unit: str  # the component metric's unit, in which observation.normalized is
    coefficient: str  # as applied, e.g. "0.1229 kgce/kWh"
    contribution: Decimal  # in the derived value's unit

    def describe(self, unit: str) -> str:
        obs = self.observation
        return (f"{obs.metric} {format_decimal(obs.normalized)} {self.unit} x {self.coefficient}"
                f" = {format_decimal(self.contribution)} {unit} [{obs.reference}]")


@dataclass(frozen=True)
class Value:
    """A value of one company, metric and year, reported or derived, in ``unit``."""

    company: str
    metric: str
    year: int
    value: Decimal
    unit: str
    kind: str
    observation: Observation | None = None
    basis: str = ""
    inputs: tuple[Input, ...] = ()
    flags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Missing:
    """A company that has no value for a metric (and year), and why."""

    company: str
    reason: str


def reported(observation: Observation, metric: Metric) -> Value:
    notes = "; ".join(n for n in (observation.notes, observation.conversion_note) if n)
    return Value(company=observation.company, metric=observation.metric, year=observation.year,
                 value=observation.normalized, unit=metric.unit, kind="reported",
                 observation=observation, flags=observation.flags, notes=notes)


def _derivable_components(catalog: Catalog, company: str) -> list[str]:
    """The energy components a company reports in any year."""
    wanted = coefficients().components
    return [m for m in wanted if m in catalog.metrics and catalog.series(company, m)]


def derive_energy(catalog: Catalog, company: str, year: int,
                  basis: EnergyBasis) -> Value | Missing:
    """Total energy from components, never silently partial."""
    table = coefficients()
    components = _derivable_components(catalog, company)
    if not components:
        return Missing(company, "reports neither a total nor components")
    absent = [m for m in components if catalog.get(company, m, year) is None]
    if absent:
        return Missing(company, f"no total reported; cannot derive {year}: "
                                f"{', '.join(absent)} not reported for {year}")
    target = catalog.metrics[table.target]
    inputs: list[Input] = []
    for metric_id in components:
        observation = catalog.get(company, metric_id, year)
        assert observation is not None  # checked above
        text = table.components[metric_id]["coefficient"]
        if metric_id == "electricity" and basis.electricity == "generation":
            text = f"{format_decimal(basis.kgce_per_kwh)} kgce/kWh"  # type: ignore[arg-type]
        amount, per_unit = text.split(" ", 1)
        per_metric_unit = f"{target.unit}/({catalog.metrics[metric_id].unit})"
        factor = Decimal(amount) * target_factor(per_unit, per_metric_unit)
        inputs.append(Input(observation, catalog.metrics[metric_id].unit, text,
                            observation.normalized * factor))
    total = sum((i.contribution for i in inputs), Decimal(0))
    never = [m for m in table.components if m not in components]
    electricity = ("electricity on the calorific-equivalent basis" if basis.electricity ==
                   "calorific" else "electricity on the generation-equivalent basis")
    basis_text = f"{table.standard}, {electricity}; sum of {', '.join(components)}"
    if never:
        basis_text += f" ({', '.join(never)}: not reported by the company)"
    flags = tuple(dict.fromkeys(f for i in inputs for f in i.observation.flags
                                if f != "sources_disagree"))
    return Value(company=company, metric=target.id, year=year, value=total, unit=target.unit,
                 kind="derived", basis=basis_text, inputs=tuple(inputs),
                 flags=("derived",) + flags)


def value_of(catalog: Catalog, company: str, metric: str, year: int,
             basis: EnergyBasis) -> Value | Missing:
    """The reported value, else a derived one, else why there is none."""
    observation = catalog.get(company, metric, year)
    if observation is not None:
        return reported(observation, catalog.metrics[metric])
    if metric == coefficients().target:
        return derive_energy(catalog, company, year, basis)
    years = catalog.years(company, metric)
    if years:
        return Missing(company, f"not reported for {year} (reported: "
                                f"{', '.join(map(str, years))})")
    return Missing(company, "not reported")


def years_available(catalog: Catalog, company: str, metric: str, basis: EnergyBasis) -> list[int]:
    years = set(catalog.years(company, metric))
    if metric == coefficients().target:
        components = _derivable_components(catalog, company)
        for year in {y for m in components for y in catalog.years(company, m)}:
            if isinstance(derive_energy(catalog, company, year, basis), Value):
                years.add(year)
    return sorted(years)


def convert(value: Value, unit: str | None) -> Value:
    """The value in another unit of the same dimension (pint), or unchanged."""
    if unit is None or unit == value.unit:
        return value
    factor = target_factor(value.unit, unit)
    inputs = tuple(replace(i, contribution=i.contribution * factor) for i in value.inputs)
    return replace(value, value=value.value * factor, unit=unit, inputs=inputs)


def choose_year(available: dict[str, list[int]], year: int | None, having: str,
                subject: str) -> tuple[int, str]:
    """The year to compare and a sentence saying why: ``year`` if some company has it,
    else the latest year every company has ("reported by", "with both values for"), else
    the latest any company has. ``available`` holds only companies with some year."""
    if year is None:
        common = set.intersection(*(set(years) for years in available.values()))
        if common:
            chosen = max(common)
            return chosen, f"{chosen}: the latest year {having} every company compared"
        chosen = max(y for years in available.values() for y in years)
        return chosen, (f"{chosen}: the latest year {having} any company compared; "
                        f"no year is {having} all")
    all_years = sorted({y for years in available.values() for y in years})
    if year not in all_years:
        raise NotFoundError("year", str(year), [],
                            hint=f"{subject} {', '.join(map(str, all_years))}")
    return year, str(year)


@dataclass(frozen=True)
class Comparison:
    metric: Metric
    unit: str
    year: int | None
    year_note: str
    values: list[Value]
    missing: list[Missing]


def compare(catalog: Catalog, metric: Metric, year: int | None = None,
            companies: list[str] | None = None, unit: str | None = None,
            basis: EnergyBasis = EnergyBasis()) -> Comparison:
    """One value per company for one metric and year, largest first."""
    if unit is not None:
        target_factor(metric.unit, unit)  # fail early on an incompatible unit
    chosen = companies or sorted(catalog.companies)
    available = {c: years_available(catalog, c, metric.id, basis) for c in chosen}
    reporting = [c for c in chosen if available[c]]
    if not reporting:
        raise NoDataError(f"no company {'of those named ' if companies else ''}reports "
                          f"'{metric.id}' ({metric.name})")
    year, year_note = choose_year(
        {c: available[c] for c in reporting}, year, "reported by",
        f"'{metric.id}' is reported for")
    values: list[Value] = []
    missing: list[Missing] = []
    for company in chosen:
        result = value_of(catalog, company, metric.id, year, basis)
        if isinstance(result, Value):
            values.append(convert(result, unit))
        else:
            missing.append(result)
    values.sort(key=lambda v: (-v.value, v.company))
    return Comparison(metric, unit or metric.unit, year, year_note, values, missing)


def show(catalog: Catalog, company: str, year: int,
         basis: EnergyBasis = EnergyBasis()) -> list[Value]:
    """Every value of a company-year, by category, in the catalog's metric order."""
    years = sorted(set(catalog.years(company)))
    if year not in years:
        raise NotFoundError("year", str(year), [],
                            hint=f"{company} reports {', '.join(map(str, years)) or 'no year'}")
    values: list[Value] = []
    order = {m: i for i, m in enumerate(catalog.metrics)}
    for metric_id in sorted({o.metric for o in catalog.for_company_year(company, year)}
                            | {coefficients().target},
                            key=lambda m: order.get(m, len(order))):
        if metric_id not in catalog.metrics:
            continue
        result = value_of(catalog, company, metric_id, year, basis)
        if isinstance(result, Value):
            values.append(result)
    category = {c: i for i, c in enumerate(CATEGORIES)}
    values.sort(key=lambda v: category[catalog.metrics[v.metric].category])
    return values
