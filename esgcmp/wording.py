"""Every sentence a user reads about values: why a value is missing, how it was derived,
its basis, a change, the year a comparison chose, the findings that name it, the reports
cited and where something is defined. esgcmp.views puts these under its tables."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import (BASIS_ASPECTS, Basis, Change, Derivation, ElectricityBasis, Implication,
                    Input, Kind, Missing, Value, Why, YearChoice, YearRule, basis_differences,
                    figure, unstated, value_range)
from .names import plural
from .precision import ends
from .units import format_decimal, printed_digits

if TYPE_CHECKING:  # only for the annotations
    from .catalog import Catalog
    from .results import Finding, Intensity, IntensityComparison, SourceLines


def reason(missing: Missing) -> str:
    """Why a company has no value, in a phrase."""
    if missing.why is Why.zero_denominator:
        return f"{missing.per} is 0 for {missing.year}"
    if missing.why is Why.no_components:
        text = "reports neither a total nor components"
    elif missing.why is Why.components_missing:
        text = (f"no total reported; cannot derive {missing.year}: "
                f"{', '.join(missing.absent)} not reported for {missing.year}")
    elif missing.why is Why.partial:
        text = (f"no total reported; cannot derive one: {', '.join(missing.absent)} never "
                "reported (--partial sums the rest)")
    elif missing.why is Why.carrier_elsewhere:
        text = (f"no total reported; cannot derive one: {', '.join(missing.absent)} "
                f"{'holds an energy carrier' if len(missing.absent) == 1 else 'hold energy carriers'}"
                " that no component sums (put a component's figure under its metric)")
    elif missing.why is Why.total_elsewhere:
        text = (f"no total reported; not derived from the scopes: "
                f"{', '.join(missing.absent)} {'holds' if len(missing.absent) == 1 else 'hold'}"
                " a GHG total the company prints (put it under ghg if it is Scope 1 + 2)")
    elif missing.why is Why.lacks_part:
        text = (f"no total reported; cannot derive one: {', '.join(missing.absent)} never "
                "reported (a part alone is not the total)")
    elif missing.why is Why.no_rate:
        source, target = missing.currency
        text = (f"printed in {source}, not converted to {target}: no {source}→{target} rate "
                f"for {missing.year} (give --fx {source}:{target}=RATE@{missing.year}-12-31)")
    elif missing.why is Why.not_for_year:
        text = (f"not reported for {missing.year if missing.year else 'those years'} "
                f"(reported: {', '.join(map(str, missing.years))})")
    else:
        text = "not reported"
    if missing.change is not None:
        text = f"{text}; {printed_change(missing.change)}"
    return f"{missing.per}: {text}" if missing.per else text


def printed_change(change: Value) -> str:
    """What a company printed instead of a value: its change from the year before, as
    printed, and where: ``printed only a change from 2019: 5.66 million tons
    (water_consumption_decrease, CT CSR 2020, line 2653)``."""
    obs = change.observation
    if obs is None:  # a change is a reported value; none is derived
        return f"printed only a change from {change.year - 1} ({change.metric})"
    printed = obs.printed or f"{printed_digits(obs.value)} {obs.unit}"
    return f"printed only a change from {change.year - 1}: {printed} ({change.metric}, {cite(obs)})"


ELECTRICITY = {ElectricityBasis.calorific: "electricity on the calorific-equivalent basis",
               ElectricityBasis.generation: "electricity on the generation-equivalent basis"}


def basis_label(basis: Basis) -> str:
    """A value's stated basis in a line: 'scopes: 1+2; definition: deaths only'."""
    return "; ".join(f"{aspect}: {text}" for aspect, text in basis)


POLARITY_WORDS = {"lower": "lower is better", "higher": "higher is better",
                  "neither": "neither direction is better: ranked largest first"}


def density_note(metric_unit: str, unit: str, density: str) -> list[str]:
    """What a --unit conversion through a density assumed (water held in t, shown in m3)."""
    if not density:
        return []
    return [f"Converted from {metric_unit} to {unit} at {density} (the metric's density)."]


def basis_note(values: list[Value], of: str = "") -> str:
    """One line on how the bases of the values compared differ ("Bases of ``of`` differ"
    when a table compares more than one metric); '' when they do not."""
    bases = list(dict.fromkeys(value.basis for value in values))  # each distinct one once
    differing = {aspect for first in bases for second in bases
                 for aspect, _a, _b in basis_differences(first, second)}
    if not differing:
        return ""
    parts = []
    for aspect in (a for a in BASIS_ASPECTS if a in differing):
        held: dict[str, dict[str, None]] = {}  # each company once under a text
        for value in values:
            held.setdefault(dict(value.basis).get(aspect, unstated(aspect)),
                            {})[value.company] = None
        parts.append(f"{aspect} " + " vs ".join(f"'{text}' ({', '.join(companies)})"
                                                 for text, companies in held.items()))
    return (f"Bases {f'of {of} ' if of else ''}differ (flag basis_differs), compare with "
            "care: " + "; ".join(parts) + ".")


def basis_text(value: Value) -> str:
    """How a derived or implied value was made, in a line; '' for a reported one."""
    how = value.how
    if isinstance(how, Derivation):
        on = f", {ELECTRICITY[how.electricity]}" if how.electricity is not None else ""
        text = f"{how.standard}{on}; sum of {', '.join(how.components)}"
        if how.unreported:
            text += f" ({', '.join(how.unreported)}: not reported by the company)"
        return text
    if isinstance(how, Implication):
        return (f"implied: {how.numerator_metric} {format_decimal(how.numerator_value)} "
                f"{how.numerator_unit} / {how.ratio_metric} {format_decimal(how.ratio_value)} "
                f"{how.ratio_unit} [{', '.join(how.references)}]")
    return ""


def describe_input(item: Input, unit: str) -> str:
    obs = item.observation
    return (f"{obs.metric} {format_decimal(obs.normalized)} {item.unit} x {item.coefficient}"
            f" = {format_decimal(item.contribution)} {unit} [{obs.reference}]")


def change_note(change: Change) -> str:
    if change.previous is None:
        return "first year"
    if not change.comparable:
        return f"not meaningful: {'; '.join(not_comparable(change))}"
    restated = "restated" in change.value.flags and "restated" in change.previous.flags
    against = f"against {change.previous.year}" if change.gap else ""
    if restated:
        return ", ".join(filter(None, [against, "both years restated onto one basis"]))
    return against


def not_comparable(change: Change) -> list[str]:
    """Why a change is not meaningful: the flags, and each aspect of the basis that
    changed."""
    return list(change.not_comparable) + [
        f"the {aspect} changed from '{before}' to '{after}'"
        for aspect, before, after in change.basis_changed]


def year_note(choice: YearChoice, having: str, missing: list[Missing] = ()) -> str:
    """The year of a comparison and how it was chosen; companies that have the metric in
    no year are named, since the choice was made among the others."""
    absent = [m.company for m in missing if m.why in (Why.not_reported, Why.no_components)]
    among = (f" ({', '.join(absent)}: none in any year, so the year was chosen among the "
             "others)" if absent else "")
    if choice.rule is YearRule.common:
        return f"Year {choice.year}: the latest year {having} every company that has it{among}"
    if choice.rule is YearRule.any:
        return (f"No year is {having} every company that has it{among}: each company's "
                f"latest year is shown, and a row of another year than the others is flagged "
                f"year_differs")
    return f"Year {choice.year}"


def derivation_notes(values: list[Value]) -> list[str]:
    notes = []
    for value in values:
        if value.kind is Kind.derived:
            notes.append(f"{value.company} {value.metric} {value.year} is derived "
                         f"({basis_text(value)}):")
            notes += [f"  {describe_input(i, value.unit)}" for i in value.inputs]
            shown_as = figure(value)
            span = value_range(value)
            if shown_as != value.value and span is not None:
                low, high = ends(span, shown_as)
                notes.append(f"  sum {format_decimal(value.value)} {value.unit}, shown as "
                             f"{format_decimal(shown_as)} (range "
                             f"{format_decimal(low)}-{format_decimal(high)})")
    return notes


def flag_notes(values: list[Value]) -> list[str]:
    notes = [f"{v.company} {v.metric} {v.year}: {v.notes}" for v in values
             if v.notes and v.kind is Kind.reported and set(v.flags) - {"approx"}]
    return notes + inconsistent_notes(values)


def fx_notes(values: list[Value]) -> list[str]:
    """A line per value converted from the currency it was printed in (flag fx): the rate,
    its date and its source."""
    return [f"{v.company} {v.metric} {v.year} converted from "
            f"{v.observation.unit if v.observation else 'its currency'}: {v.fx}."
            for v in values if v.fx]


def inconsistent_notes(values: list[Value]) -> list[str]:
    """A line per finding about the values shown, naming those of them it suspects (flagged
    ``inconsistent``); a finding that suspects none of its values (nothing tells them
    apart) names those shown as involved."""
    flagged: dict[tuple[Any, ...], tuple[Finding, str, list[Value]]] = {}
    for value in values:
        for finding in value.findings:
            message = finding.message
            key = (finding.check, finding.company, finding.year, finding.metric,
                   finding.sources, message)
            flagged.setdefault(key, (finding, message, []))[2].append(value)
    return [f"{named(flags)} {'is' if len(flags) == 1 else 'are'} "
            f"{'inconsistent' if finding.names else 'involved, not suspected'} "
            f"({finding.check}): {message}." for finding, message, flags in flagged.values()]


def named(values: list[Value]) -> str:
    """Values in a sentence: ``co ghg 2020``, ``co ghg and revenue 2020``, ``co so2 2019
    and 2020``; the company, metric or year said once when they share it."""
    companies = list(dict.fromkeys(v.company for v in values))
    if len(companies) > 1:
        return and_([named([v for v in values if v.company == c]) for c in companies])
    metrics = list(dict.fromkeys(v.metric for v in values))
    years = list(dict.fromkeys(v.year for v in values))
    if len(years) == 1:
        return f"{companies[0]} {and_(metrics)} {years[0]}"
    if len(metrics) == 1:
        return f"{companies[0]} {metrics[0]} {and_([str(y) for y in years])}"
    return f"{companies[0]} " + and_([f"{v.metric} {v.year}" for v in values])


def and_(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def cite(observation: Any) -> str:
    return observation.source.cite(observation.line, observation.page)


# The start of the note that says which file each report is: the key to the citations,
# so a terminal table keeps it whole as it keeps its references (output.briefly).
LEGEND = "Reports: "


def source_legend(values: list[Value]) -> list[str]:
    """Under a table: which file each report named in it is, with its title."""
    sources: dict[str, Any] = {}
    for value in values:
        observations = (value.observation, *(i.observation for i in value.inputs)) \
            if value.inputs else (value.observation,)
        for obs in observations:
            if obs is not None:
                sources.setdefault(obs.source.file, obs.source)
                for cited in obs.also:
                    sources.setdefault(cited.source.file, cited.source)
    if not sources:
        return []
    return [LEGEND + "; ".join(
        f"{s.name} = {s.file}" + (f" ({s.title})" if s.title and s.title != s.name else "")
        for s in sorted(sources.values(), key=lambda s: s.name)) + "."]


def short(number: Decimal) -> str:
    return format_decimal(number.quantize(Decimal("0.0001"))) if abs(number) < 10**6 else \
        format_decimal(number.quantize(Decimal(1)))


def defined_at(origin: Any) -> str:
    """Where a metric or company is defined: ``builtin:kpi_catalog.yaml:LINE`` for the
    built-in catalog (not the path it is installed at), else the file as the user named it."""
    from .catalog import builtin_catalog_path

    if origin.file == str(builtin_catalog_path()):
        return f"builtin:kpi_catalog.yaml:{origin.line}" if origin.line else \
            "builtin:kpi_catalog.yaml"
    return str(origin)


def sources_note(sources: SourceLines, directory: Any) -> str:
    """How many cited figures were found on their lines, and in how many of the report
    files cited."""
    if not sources.files_cited:
        return "No figure is cited: nothing to re-find."
    if not sources.files:  # absent, or not to be read (outside the folder, not UTF-8)
        which = ("the report file cited could not" if sources.files_cited == 1 else
                 f"none of the {sources.files_cited} report files cited could")
        return f"No figure was re-found: {which} be read from {directory}."
    files = (f"{plural(sources.files, 'report file')} of {directory}"
             if sources.files == sources.files_cited
             else f"{sources.files} of the {sources.files_cited} report files cited, in "
                  f"{directory}")
    return (f"{sources.refound} of {plural(sources.cited, 'cited figure')} re-found on "
            f"{'its line' if sources.cited == 1 else 'their lines'} in {files}.")


def base_notes(rows: list[dict[str, Any]]) -> list[str]:
    """Under a table of changes since a base year: what the CAGR is, and each row whose
    change since the base year has a note."""
    years = sorted({row["base_year"] for row in rows if "base_year" in row})
    if not years:
        return []
    notes = [f"Since {years[0]}: change from {years[0]} and CAGR % (compound annual growth "
             "rate, (value / base value) ^ (1 / years) - 1)."]
    notes += [f"{row['company']} {row['year']}: since {row['base_year']}, {row['base_note']}."
              for row in rows if row.get("base_note") and row["base_note"] != "the base year"]
    return notes


def shared_notes(values: list[Value]) -> list[str]:
    """One line per figure that two companies shown count alike (``shared_with:``), with
    the lines that say it is shared: said once, for the pair."""
    shown = {value.company: value for value in values}
    notes: dict[frozenset[str], str] = {}
    for value in values:
        if value.observation is None:
            continue
        for other, file, line, page, printed in value.observation.shared:
            pair = frozenset((value.company, other))
            if other not in shown or pair in notes:
                continue
            places = [f"{value.company}: '{printed}', {file}:{f'{page}:' if page else ''}{line}"]
            partner = shown[other].observation
            places += [f"{other}: '{said}', {at}:{f'{on}:' if on else ''}{number}"
                       for back, at, number, on, said in (partner.shared if partner else ())
                       if back == value.company]
            notes[pair] = (f"Shared (flag shared): {value.company} and {other} count the same "
                           f"{value.metric} ({'; '.join(places)}): one count, not two; do not "
                           "add them up.")
    return list(notes.values())


def overlap_notes(companies: list[str], catalog: Catalog) -> list[str]:
    """Say when a compared company is part of another compared one."""
    notes = []
    present = set(companies)
    for company in companies:
        parent = catalog.companies[company].parent
        if parent in present:
            notes.append(f"Note: {company} is part of {parent}; its figures are included in "
                         f"{parent}'s. Do not add them up.")
    return notes


def intensity_notes(result: IntensityComparison, catalog: Catalog) -> list[str]:
    """What is said under an intensity table: the year, how the intensity is made, then
    what `intensity_findings` says of its rows."""
    return [f"{year_note(result.year, 'with both values for', result.missing)}. "
            f"Intensity = {result.metric.id} / {result.per.id}, in {result.unit}; smallest "
            "first."] + intensity_findings(result.rows, result.metric.id, result.per.id,
                                           catalog, dated=False)


def intensity_findings(items: list[Intensity], metric: str, per: str, catalog: Catalog,
                       dated: bool) -> list[str]:
    """Of intensity rows (of one year, or of several with ``dated``): bases that differ,
    companies inside others, implied denominators, reported intensities that differ from
    the recomputed ones, derivations, inconsistencies and the reports cited."""
    numerators = [r.numerator for r in items]
    denominators = [r.denominator for r in items]
    notes = [text for text in (basis_note(numerators, metric), basis_note(denominators, per))
             if text]
    notes += overlap_notes(list(dict.fromkeys(v.company for v in numerators)), catalog)
    for item in items:
        if item.denominator.kind is Kind.implied:
            notes.append(f"{item.denominator.company} {per} {item.denominator.year} is "
                         f"{basis_text(item.denominator)}; never reported.")
        if item.reported is not None and item.difference_pct is not None:
            when = f" {item.numerator.year}" if dated else ""
            notes.append(f"{item.numerator.company}{when}: reported "
                         f"{format_decimal(item.reported.value)} {item.unit}, recomputed "
                         f"{short(item.value)} ({item.difference_pct:+} %).")
    notes += derivation_notes(numerators + denominators)
    notes += inconsistent_notes(numerators + denominators) + fx_notes(numerators + denominators)
    notes += source_legend(numerators + denominators
                           + [r.reported for r in items if r.reported is not None])
    return notes
