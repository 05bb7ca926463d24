"""Turn results into Reports: the one place that decides columns and headings; the
sentences under the tables are esgcmp.wording's. Views know records (esgcmp.results,
esgcmp.model) and the catalog's names, never the functions that made the results."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import Change, Framework, Implication, Kind, Missing, Value, figure, value_range
from .names import plural
from .output import Printed, Report, number_text
from .precision import ends
from .units import printed_digits
from .wording import (POLARITY_WORDS, base_notes, basis_label, basis_note, basis_text,
                      change_note, cite, density_note, derivation_notes, describe_input,
                      flag_notes, fx_notes, inconsistent_notes, intensity_findings,
                      intensity_notes, not_comparable, overlap_notes, reason, shared_notes,
                      source_legend, year_note)

if TYPE_CHECKING:  # only for the annotations: a command loads only what it needs
    from .catalog import Catalog
    from .results import (Comparison, Export, IntensityChange, IntensityComparison,
                          IntensityTrend, Ranking, Show, Trend)

# The contract of `show` and `compare` CSV/JSON: these columns, in this order, first.
VALUE_COLUMNS = ["company", "year", "metric", "value", "unit", "reported_value",
                 "reported_unit", "kind", "source", "line", "flags"]
VALUE_EXTRA = ["label", "basis", "part_of", "derivation", "inputs", "also", "notes"]
INTENSITY_COLUMNS = ["per", "per_value", "per_unit", "intensity", "intensity_unit"]
CHANGE_COLUMNS = ["change", "change_pct"]
INTENSITY_RANGES = ["intensity_range", "per_value_range"]  # JSON only
BASE_COLUMNS = ["base_year", "base_change", "base_change_pct", "cagr_pct", "base_note"]
BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: Decimal | None, largest: Decimal, width: int = 16, ascii_only: bool = False) -> str:
    """A horizontal bar of ``value`` against ``largest`` (eighths of a cell, or '#')."""
    if value is None or largest <= 0 or value <= 0:
        return ""
    eighths = int(value / largest * width * 8)
    if ascii_only:
        return "#" * max(1, eighths // 8)
    return "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


def add_change(row: dict[str, Any], change: Change) -> None:
    row["change"] = change.change
    row["change_pct"] = change.change_pct
    row["change_note"] = change_note(change)
    if not change.comparable:
        row["flags"] = list(row["flags"]) + ["change_not_comparable"]


def add_base(row: dict[str, Any], change: Change | None, base_year: int) -> None:
    """The change since a base year and its compound annual growth rate."""
    row["base_year"] = base_year
    if change is None:
        row["base_note"] = (f"no value for {base_year}" if row["year"] != base_year
                            else "the base year")
        return
    row["base_change"] = change.change
    row["base_change_pct"] = change.change_pct
    row["cagr_pct"] = change.cagr_pct if change.comparable else None
    row["base_note"] = change_note(change) if not change.comparable else None
    if not change.comparable and "change_not_comparable" not in row["flags"]:
        row["flags"] = list(row["flags"]) + ["change_not_comparable"]


def value_ranges(rows: list[dict[str, Any]]) -> list[str]:
    """``value_range`` (JSON only) where a row has a derived total's range."""
    return ["value_range"] if any(row.get("value_range") for row in rows) else []


def with_fx(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """The columns, and ``fx`` (the rate a value was converted at) when a row has one."""
    return columns + ["fx"] if any(row.get("fx") for row in rows) else columns


def value_row(value: Value, for_people: bool = True) -> dict[str, Any]:
    """Every column of one value: the machine ones, and unless ``for_people`` is False
    the ones only a person's formats show (as printed, where, in words)."""
    obs = value.observation
    row: dict[str, Any] = {
        "company": value.company, "year": value.year, "metric": value.metric,
        "value": figure(value), "unit": value.unit,
        "reported_value": Printed(obs.value) if obs else None,
        "reported_unit": obs.unit if obs else None,
        "kind": value.kind,
        "source": obs.source.file if obs else None,
        "line": obs.line if obs else None,
        "flags": list(value.flags),
        "label": obs.label if obs else None,
        "basis": basis_label(value.basis) or None if value.basis else None,
        "derivation": basis_text(value) or None if value.how is not None else None,
        "inputs": [{"metric": i.observation.metric, "value": i.observation.normalized,
                    "unit": i.unit, "coefficient": i.coefficient,
                    "contribution": i.contribution, "contribution_unit": value.unit,
                    "source": i.observation.source.file, "line": i.observation.line,
                    "text": describe_input(i, value.unit)}
                   for i in value.inputs] if value.inputs else [],
        "also": [c.reference for c in obs.also] if obs and obs.also else [],
        "notes": value.notes or None,
    }
    if value.fx:  # a column only where a value was converted (with_fx)
        row["fx"] = value.fx
    if value.kind is Kind.derived and value.inputs:  # JSON only (VALUE_RANGE)
        span = value_range(value)
        if span is not None and span.low != span.high:
            row["value_range"] = ends(span, row["value"])
    if not for_people:
        return row
    if obs:
        row["as_printed"] = obs.printed or f"{printed_digits(obs.value)} {obs.unit}"
        row["where"] = [cite(obs), *map(cite, obs.also)] if obs.also else [cite(obs)]
    else:
        row["as_printed"] = f"{value.kind} from {plural(len(value.inputs), 'component')}"
        row["where"] = "inputs listed below"
    return row


def _missing_row(missing: Missing, year: int | None, metric: str,
                 **columns: Any) -> dict[str, Any]:
    """The row of a company without a value: its kind, and why in notes and sources."""
    return {"company": missing.company, "year": year, "metric": metric, "value": None,
            "kind": Kind.missing, "flags": [], "notes": reason(missing),
            "where": reason(missing), "inputs": [], "also": [], **columns}


def _missing_intensity_row(missing: Missing, year: int | None,
                           result: IntensityComparison) -> dict[str, Any]:
    return _missing_row(missing, year, result.metric.id, where=None, per=result.per.id,
                        intensity_unit=result.unit, kinds=f"missing: {reason(missing)}",
                        per_source=reason(missing))


def _part_of(rows: list[dict[str, Any]], catalog: Catalog) -> None:
    """The group a row's company is part of (its figures are inside the group's), so that
    a script summing a column can tell."""
    for row in rows:
        row["part_of"] = catalog.companies[row["company"]].parent or None


def compare_report(comparison: Comparison, catalog: Catalog, chart: bool = False,
                   ascii_chart: bool = False, since: int | None = None,
                   for_people: bool = True) -> Report:
    """One row per company. ``for_people=False`` (CSV, JSON) leaves out what only a
    person's formats show: the notes under the table and the display columns."""
    metric = comparison.metric
    changes = comparison.changes
    rows = [value_row(v, for_people) for v in comparison.values]
    if changes is not None:
        for row in rows:
            add_change(row, changes[row["company"]])
    if comparison.base is not None:
        for row in rows:
            add_base(row, comparison.base[row["company"]], since)
    if chart:
        largest = max((v.value for v in comparison.values), default=Decimal(0))
        for row in rows:
            row["chart"] = bar(row["value"], largest, ascii_only=ascii_chart)
    rows += [_missing_row(m, comparison.year.year, metric.id, unit=comparison.unit,
                          as_printed="") for m in comparison.missing]
    _part_of(rows, catalog)
    notes = []
    if for_people:
        for row in rows:
            row["company_name"] = catalog.companies[row["company"]].name
        notes = [f"{year_note(comparison.year, 'reported by', comparison.missing)}."]
        notes += density_note(metric.unit, comparison.unit, comparison.density)
        notes += [text for text in [basis_note(comparison.values)] if text]
        notes += overlap_notes([v.company for v in comparison.values], catalog)
        notes += shared_notes(comparison.values)
        notes += derivation_notes(comparison.values)
        notes += flag_notes(comparison.values)
        notes += fx_notes(comparison.values)
        notes += base_notes(rows)
        # a missing row that says what was printed instead cites its report too
        notes += source_legend(comparison.values + [m.change for m in comparison.missing
                                                    if m.change is not None])
    display = [("company", "Company"), ("year", "Year"), ("value", f"Value ({comparison.unit})")]
    if chart:
        display.append(("chart", ""))
    if changes is not None:
        display += [("change", "Change"), ("change_pct", "Change %")]
    if comparison.base is not None:
        display += [("base_change", f"Since {since}"), ("cagr_pct", "CAGR %")]
    display += [("kind", "Kind"), ("as_printed", "As printed"), ("where", "Source"),
                ("flags", "Flags")]
    return Report(
        rows=rows, columns=with_fx(VALUE_COLUMNS + (CHANGE_COLUMNS if changes is not None else [])
                                   + VALUE_EXTRA + (["change_note"] if changes is not None
                                                    else [])
                                   + (BASE_COLUMNS if comparison.base is not None else []),
                                   rows),
        json_columns=value_ranges(rows),
        display=display, title=f"{metric.name} ({metric.id}), {comparison.unit}",
        notes=notes, align_right=("value", "year", "change", "change_pct", "base_change",
                                  "cagr_pct"))


def intensity_report(result: IntensityComparison, catalog: Catalog, chart: bool = False,
                     ascii_chart: bool = False, for_people: bool = True,
                     notes: bool = True) -> Report:
    """metric per denominator: numerator, denominator and intensity, with their units;
    ``for_people=False`` (CSV, JSON) leaves out the notes and the display columns, and
    ``notes=False`` the notes alone (a caller that says them for several years at once)."""
    rows = []
    for item in result.rows:
        row = value_row(item.numerator, for_people)
        denominator = item.denominator
        row.update({"per": result.per.id, "per_value": denominator.value,
                    "per_unit": denominator.unit, "per_kind": denominator.kind,
                    "per_source": (denominator.observation.reference if denominator.observation
                                   else basis_text(denominator)),
                    "intensity": item.value, "intensity_unit": item.unit,
                    "reported_intensity": item.reported.value if item.reported else None,
                    "reported_intensity_source": (item.reported.observation.reference
                                                  if item.reported and item.reported.observation
                                                  else None),
                    "intensity_diff_pct": item.difference_pct, "flags": list(item.flags),
                    "intensity_range": ends(item.span, item.value) if item.span else None,
                    "per_value_range": _implied_range(denominator)})
        converted = [f"{v.metric}: {v.fx}" for v in (item.numerator, denominator) if v.fx]
        if converted:
            row["fx"] = "; ".join(converted)
        rows.append(row)
        if not for_people:
            continue
        row["kinds"] = f"{item.numerator.kind} / {denominator.kind}"
        per_where = (cite(denominator.observation) if denominator.observation
                     else basis_text(denominator))
        reported_where = (cite(item.reported.observation)
                          if item.reported and item.reported.observation else None)
        row["where"] = ([f"{result.metric.id}: {where}" for where in _listed(row["where"])]
                        + [f"{result.per.id}: {per_where}"]
                        + ([f"reported: {reported_where}"] if reported_where else []))
    rows += [_missing_intensity_row(m, result.year.year, result) for m in result.missing]
    _part_of(rows, catalog)
    if chart:
        largest = max((r.value for r in result.rows), default=Decimal(0))
        for row in rows:
            row["chart"] = bar(row.get("intensity"), largest, ascii_only=ascii_chart)
    said = intensity_notes(result, catalog) if for_people and notes else []
    display = [("company", "Company"), ("year", "Year"),
               ("value", f"{result.metric.id} ({result.metric.unit})"),
               ("per_value", f"{result.per.id} ({result.per.unit})"),
               ("intensity", f"Intensity ({result.unit})")]
    if chart:
        display.append(("chart", ""))
    display += [("reported_intensity", "Reported"), ("intensity_diff_pct", "Diff %"),
                ("kinds", "Kinds"), ("where", "Sources"), ("flags", "Flags")]
    return Report(
        rows=rows,
        columns=with_fx(VALUE_COLUMNS + INTENSITY_COLUMNS + ["per_kind", "per_source",
                                                             "reported_intensity",
                                                             "reported_intensity_source",
                                                             "intensity_diff_pct"]
                        + VALUE_EXTRA, rows),
        json_columns=INTENSITY_RANGES, display=display,
        title=f"{result.metric.name} per {result.per.name.lower()} "
              f"({result.metric.id} --per {result.per.id}), {result.unit}",
        notes=said, align_right=("value", "per_value", "intensity", "reported_intensity",
                                  "intensity_diff_pct"))


def _implied_range(value: Value) -> list[Decimal] | None:
    """An implied value's range, its ends at its last digit; None for any other."""
    how = value.how
    if isinstance(how, Implication) and how.span is not None:
        return ends(how.span, value.value)
    return None


def _listed(cell: Any) -> list[Any]:
    return list(cell) if isinstance(cell, (list, tuple)) else [cell]


def trend_report(result: Trend, catalog: Catalog, chart: bool = True,
                 ascii_chart: bool = False) -> Report:
    """Each company's series over all years, with year-over-year change and a bar; with a
    base year, the change since it and the CAGR; companies without the metric listed."""
    series_by_company, unit = result.series, result.unit
    rows = []
    largest = max((c.value.value for changes in series_by_company.values() for c in changes),
                  default=Decimal(0))
    for changes in series_by_company.values():
        for change in changes:
            row = value_row(change.value)
            add_change(row, change)
            if result.base is not None:
                add_base(row, result.base[(change.value.company, change.value.year)],
                         result.first)
            if chart:
                row["chart"] = bar(change.value.value, largest, ascii_only=ascii_chart)
            rows.append(row)
    rows += [_missing_row(m, None, result.metric.id, unit=unit) for m in result.missing]
    _part_of(rows, catalog)
    metric = result.metric
    values = [c.value for changes in series_by_company.values() for c in changes]
    notes = [text for text in [basis_note(values)] if text]
    notes += density_note(result.metric.unit, result.unit, result.density)
    notes += overlap_notes(list(series_by_company), catalog) + derivation_notes(values)
    for company, changes in series_by_company.items():
        restated = [str(c.value.year) for c in changes if "restated" in c.value.flags]
        if len(restated) > 1:
            notes.append(f"{company} {', '.join(restated)}: restated onto one basis by the "
                         "report, so the changes between them are comparable.")
    notes += inconsistent_notes(values) + fx_notes(values)
    notes += [f"{c.value.company} {c.value.year}: change {change_note(c)}." for changes in
              series_by_company.values() for c in changes if not c.comparable]
    notes += base_notes(rows)
    notes += source_legend(values)
    if result.missing:
        notes.append("Not in the trend: " + "; ".join(f"{m.company} ({reason(m)})"
                                                      for m in result.missing) + ".")
    display = [("company", "Company"), ("year", "Year"), ("value", f"Value ({unit})")]
    if chart:
        display.append(("chart", ""))
    display += [("change", "Change"), ("change_pct", "Change %")]
    if result.base is not None:
        display += [("base_change", f"Since {result.first}"), ("cagr_pct", "CAGR %")]
    display += [("kind", "Kind"), ("where", "Source"), ("flags", "Flags")]
    return Report(rows=rows, columns=with_fx(VALUE_COLUMNS + CHANGE_COLUMNS + VALUE_EXTRA
                                             + ["change_note"]
                                             + (BASE_COLUMNS if result.base is not None
                                                else []), rows),
                  json_columns=value_ranges(rows),
                  display=display, title=f"{metric.name} ({metric.id}), {unit}",
                  notes=notes, group_by="company",
                  align_right=("value", "change", "change_pct", "year", "base_change",
                               "cagr_pct"))


def intensity_trend_report(result: IntensityTrend, catalog: Catalog) -> Report:
    """An intensity over the years: each year's intensity rows, by company, with the
    change of the intensity against the company's previous year; a change across a change
    of basis of the numerator or the denominator is not meaningful."""
    results = result.comparisons
    reports = [intensity_report(one, catalog, notes=False) for one in results]
    rows = sorted((row for report in reports for row in report.rows
                   if row["kind"] is not Kind.missing),
                  key=lambda row: (row["company"], row["year"]))
    for row in rows:
        change = result.changes.get((row["company"], row["year"]))
        if change is None:  # the company's first year
            continue
        before = change.previous.numerator.year
        if change.comparable:
            row["change"] = change.change
            row["change_pct"] = change.change_pct
            row["change_note"] = "" if row["year"] - before == 1 else f"against {before}"
        else:
            row["change_note"] = _not_meaningful(change)
            row["flags"] = list(row["flags"]) + ["change_not_comparable"]
    if result.base is not None and result.first is not None:
        for row in rows:
            _add_intensity_base(row, result.base.get((row["company"], row["year"])),
                                result.first)
    rows += [_missing_intensity_row(m, None, results[0]) for m in result.missing]
    notes = [f"{results[0].metric.id} / {results[0].per.id} in {results[0].unit}, each year "
             "a company has both; the change is the intensity's."]
    notes += [f"{row['company']} {row['year']}: change {row['change_note']}." for row in rows
              if "change_not_comparable" in (row.get("flags") or [])]
    notes += intensity_findings(sorted((item for one in results for item in one.rows),
                                       key=lambda item: (item.numerator.company,
                                                         item.numerator.year)),
                                results[0].metric.id, results[0].per.id, catalog, dated=True)
    first = reports[0]
    display = [("company", "Company"), ("year", "Year"),
               ("intensity", f"Intensity ({results[0].unit})"), ("change", "Change"),
               ("change_pct", "Change %")]
    if result.first is not None:
        display += [("base_change", f"Since {result.first}"), ("cagr_pct", "CAGR %")]
    display += [pair for pair in first.display
                if pair[0] not in ("company", "year", "intensity", "chart")]
    # fx after the others, whichever year's rows were converted
    own = [column for column in first.columns if column != "fx"]
    return Report(rows=rows, columns=with_fx(own + CHANGE_COLUMNS + ["change_note"]
                                             + (BASE_COLUMNS if result.first is not None
                                                else []), rows),
                  json_columns=INTENSITY_RANGES, display=display, title=first.title.replace(
                      f", {results[0].unit}", f" over the years, {results[0].unit}"),
                  notes=notes, group_by="company",
                  align_right=first.align_right + ("change", "change_pct", "year",
                                                   "base_change", "cagr_pct"))


def _not_meaningful(change: IntensityChange) -> str:
    """Why an intensity's change says nothing: the numerator's or denominator's move."""
    return "not meaningful: " + "; ".join(
        f"{move.value.metric}: {why}" for move in change.moves if not move.comparable
        for why in not_comparable(move))


def _add_intensity_base(row: dict[str, Any], change: IntensityChange | None,
                        first: int) -> None:
    """An intensity's change since the base year and its CAGR, or why there is none."""
    row["base_year"] = first
    if row["year"] == first:
        row["base_note"] = "the base year"
    elif row["year"] < first:
        row["base_note"] = f"before {first}"
    elif change is None:
        row["base_note"] = f"no intensity for {first}"
    elif not change.comparable:
        row["base_note"] = _not_meaningful(change)
        if "change_not_comparable" not in row["flags"]:
            row["flags"] = list(row["flags"]) + ["change_not_comparable"]
    else:
        row["base_change"] = change.change
        row["base_change_pct"] = change.change_pct
        row["cagr_pct"] = change.cagr_pct


def _code_key(codes: tuple[str, ...]) -> tuple[Any, ...]:
    """A1.2 before A1.10 before B1.1, by a metric's first code; no code last."""
    if not codes:
        return (1,)
    parts = codes[0].replace("-", ".").split(".")
    return (0, *[(0, int(p)) if p.isdigit() else (1, p) for p in parts])


def show_report(result: Show, catalog: Catalog, framework: Framework | None = None) -> Report:
    """Every value of a company-year, by category (with a framework, by code)."""
    values, changes = result.values, result.changes
    rows = []
    for value in values:
        row = value_row(value)
        metric = catalog.metrics[value.metric]
        row["category"] = metric.category
        row["metric_name"] = metric.name
        row["metric_label"] = f"{metric.name} ({metric.id})"
        row["hkex"] = list(metric.hkex) or None
        row["gri"] = list(metric.gri) or None
        if changes is not None:
            add_change(row, changes[value.metric])
        rows.append(row)
    _part_of(rows, catalog)
    display = [("category", "Category"), ("metric_label", "Metric"), ("value", "Value"),
               ("unit", "Unit")]
    group_by = "category"
    if framework is not None:
        rows.sort(key=lambda r: _code_key(tuple(r[framework] or ())))
        for row in rows:
            row["code"] = ", ".join(row[framework] or ()) or "(none)"
        display = [("code", framework.value.upper())] + display[1:]
        group_by = "code"
    if changes is not None:
        display += [("change", "Change"), ("change_pct", "Change %")]
    display += [("as_printed", "As printed"), ("where", "Source"), ("flags", "Flags")]
    company, parent = result.company.id, result.company.parent
    notes = ([f"{company} is part of {parent}: its figures are included in {parent}'s."]
             if parent else [])
    return Report(
        rows=rows, columns=VALUE_COLUMNS + (CHANGE_COLUMNS if changes is not None else [])
        + VALUE_EXTRA + ["category", "hkex", "gri"]
        + (["change_note"] if changes is not None else []),
        json_columns=value_ranges(rows),
        display=display, title=f"{result.company.name} ({company}), {result.year}",
        group_by=group_by,
        headed=framework is None, narrow_label=("metric_label", "metric_name", "metric"),
        notes=notes + derivation_notes(values) + flag_notes(values) + source_legend(values),
        align_right=("value", "change", "change_pct"))


EXPORT_EXTRA = ["metric_name", "category", "report"]


def export_report(result: Export, catalog: Catalog) -> Report:
    """Every value as one tidy long table, for pandas, DuckDB or a spreadsheet."""
    rows = []
    for value in result.values:
        row = value_row(value)
        metric = catalog.metrics[value.metric]
        row.update({"metric_name": metric.name, "category": metric.category,
                    "report": value.observation.source.name if value.observation else None})
        rows.append(row)
    _part_of(rows, catalog)
    return Report(rows=rows, columns=VALUE_COLUMNS + VALUE_EXTRA + EXPORT_EXTRA,
                  json_columns=value_ranges(rows), display=[(c, c) for c in VALUE_COLUMNS], title="Export")


def wide_report(reports: list[Report], across: str, title: str, value: str = "value",
                unit: str = "unit") -> Report:
    """Long reports spread out for a spreadsheet: one row per company, a column per year
    (``across="year"``) or per metric (``"metric"``), the unit (and the year of a metric
    column) in the heading; a value's flags in one ``flags`` column, by heading. The
    ``value`` column (an intensity's ``intensity``) is the one spread, in its ``unit``."""
    rows = [row for report in reports for row in report.rows if row.get(value) is not None]
    columns: dict[tuple[Any, ...], str] = {}
    for row in rows:
        key = (row["year"],) if across == "year" else (row["metric"], row["year"])
        if key not in columns:
            name = str(row["year"]) if across == "year" else f"{row['metric']} {row['year']}"
            columns[key] = f"{name} ({row[unit]})"
    order = sorted(columns) if across == "year" else list(columns)
    headings = [columns[key] for key in order]
    wide: dict[str, dict[str, Any]] = {}
    for report in reports:
        for row in report.rows:
            wide.setdefault(row["company"], {"company": row["company"], "flags": []})
    for row in rows:
        key = (row["year"],) if across == "year" else (row["metric"], row["year"])
        line = wide[row["company"]]
        line[columns[key]] = row[value]
        if row.get("flags"):
            line["flags"].append(f"{columns[key]}: {', '.join(row['flags'])}")
    out = list(wide.values())
    for line in out:
        line["flags"] = line["flags"] or None
    notes = [note for report in reports for note in report.notes]
    return Report(rows=out, columns=["company", *headings, "flags"],
                  display=[("company", "Company"), *[(h, h) for h in headings],
                           ("flags", "Flags")],
                  title=title, notes=list(dict.fromkeys(notes)), align_right=tuple(headings),
                  stacked=("flags",))


RANK_COLUMNS = ["rank", "company", "year", "metric", "per", "value", "unit", "percentile",
                "quartile", "from_median", "from_median_pct", "ranked", "flags", "reasons",
                "sources"]


def rank_report(result: Ranking) -> Report:
    """The ranked companies, then those that could not be ranked fairly with the reason;
    the polarity in the title, the group's spread under the table."""
    metric = result.metric
    subject = f"{metric.id} per {result.per.id}" if result.per else metric.id
    rows = []
    for entry in result.entries:
        ranked = entry.rank is not None
        rows.append({"rank": entry.rank, "company": entry.company, "year": entry.year,
                     "metric": metric.id, "per": result.per.id if result.per else None,
                     "value": entry.value, "unit": result.unit,
                     "percentile": entry.percentile, "quartile": entry.quartile,
                     "from_median": entry.from_median,
                     "from_median_pct": entry.from_median_pct, "ranked": ranked,
                     "flags": list(entry.flags),
                     "reasons": list(entry.reasons),
                     "sources": list(result.cited.get(entry.company, ())),
                     "shown_rank": (str(entry.rank) + ("*" if entry.reasons else "")
                                    if ranked else "not ranked"),
                     "shown_quartile": f"Q{entry.quartile}" if entry.quartile else ""})
        if entry.company in result.fx:
            rows[-1]["fx"] = result.fx[entry.company]
    rows += [{"rank": None, "company": m.company, "year": None, "metric": metric.id,
              "per": result.per.id if result.per else None, "value": None,
              "unit": result.unit, "ranked": False, "flags": [], "reasons": [reason(m)],
              "shown_rank": "missing", "shown_quartile": ""} for m in result.missing]
    notes = []
    spread = result.spread
    if spread is not None:
        notes.append(f"{spread.count} {'company' if spread.count == 1 else 'companies'} ranked: median "
                     f"{number_text(spread.median)}, quartiles "
                     f"{number_text(spread.low_quartile)}-{number_text(spread.high_quartile)}, "
                     f"min {number_text(spread.minimum)}, max {number_text(spread.maximum)} "
                     f"{result.unit}.")
    else:
        notes.append("No company could be ranked fairly: each row above says why "
                     "(--include-flagged ranks them, marked *).")
    held = [e for e in result.entries if e.rank is None]
    if held and spread is not None:
        notes.append("Not ranked, as unlike the others: "
                     + "; ".join(f"{e.company} ({', '.join(e.reasons)})" for e in held) + ".")
    if result.include_flagged and any(e.reasons for e in result.entries if e.rank):
        notes.append("* ranked though flagged (--include-flagged): "
                     + "; ".join(f"{e.company} ({', '.join(e.reasons)})"
                                 for e in result.entries if e.rank and e.reasons) + ".")
    notes += [f"{company} converted: {rate}." for company, rate in result.fx.items()]
    notes.append("Rank 1 is the best; ties share a rank. Percentile: the share of the other "
                 "ranked companies it does better than (ties count half); Q1 is the best "
                 "quarter (docs/rank.md).")
    title = (f"{metric.name} ({subject}), {result.unit}, {result.year.year}: "
             f"{POLARITY_WORDS[result.polarity]}"
             + (f"; peers '{result.peers}'" if result.peers else ""))
    return Report(rows=rows, columns=with_fx(RANK_COLUMNS, rows),
                  display=[("shown_rank", "Rank"), ("company", "Company"), ("year", "Year"),
                           ("value", f"Value ({result.unit})"), ("percentile", "Percentile"),
                           ("shown_quartile", "Quartile"), ("from_median", "From median"),
                           ("from_median_pct", "From median %"), ("flags", "Flags"),
                           ("reasons", "Unlike because")],
                  title=title, notes=notes,
                  align_right=("value", "percentile", "from_median", "from_median_pct",
                               "year"))
