"""Turn results into Reports: the one place that decides columns and headings."""

from __future__ import annotations

import re
from typing import Any

from decimal import Decimal

from .catalog import Catalog
from .compare import Comparison, Value
from .intensity import Change, IntensityComparison
from .output import Report
from .units import format_decimal

# The contract of `show` and `compare` CSV/JSON: these columns, in this order, first.
VALUE_COLUMNS = ["company", "year", "metric", "value", "unit", "reported_value",
                 "reported_unit", "kind", "source", "line", "flags"]
VALUE_EXTRA = ["label", "basis", "inputs", "also", "notes"]
INTENSITY_COLUMNS = ["per", "per_value", "per_unit", "intensity", "intensity_unit"]
CHANGE_COLUMNS = ["change", "change_pct"]
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
    row["change_note"] = change.note
    if change.note.startswith("not meaningful"):
        row["flags"] = list(row["flags"]) + ["change_not_comparable"]


def value_row(value: Value) -> dict[str, Any]:
    """Every column of one value (machine and human ones)."""
    obs = value.observation
    row: dict[str, Any] = {
        "company": value.company, "year": value.year, "metric": value.metric,
        "value": value.value, "unit": value.unit,
        "reported_value": obs.value if obs else None,
        "reported_unit": obs.unit if obs else None,
        "kind": value.kind,
        "source": obs.source.file if obs else None,
        "line": obs.line if obs else None,
        "flags": list(value.flags),
        "label": obs.label if obs else None,
        "basis": value.basis or None,
        "inputs": [{"metric": i.observation.metric, "value": i.observation.normalized,
                    "unit": i.unit, "coefficient": i.coefficient,
                    "contribution": i.contribution, "contribution_unit": value.unit,
                    "source": i.observation.source.file, "line": i.observation.line,
                    "text": i.describe(value.unit)}
                   for i in value.inputs],
        "also": [f"{c.source.file}:{c.line}" for c in obs.also] if obs else [],
        "notes": value.notes or None,
    }
    if obs:
        row["as_printed"] = obs.printed or f"{format_decimal(obs.value)} {obs.unit}"
        row["where"] = [obs.reference] + [f"{c.source.file}:{c.line}" for c in obs.also]
    else:
        row["as_printed"] = f"{value.kind} from {len(value.inputs)} components"
        row["where"] = "inputs listed below"
    return row


def _derivation_notes(values: list[Value]) -> list[str]:
    notes = []
    for value in values:
        if value.kind == "derived":
            notes.append(f"{value.company} {value.metric} {value.year} is derived "
                         f"({value.basis}):")
            notes += [f"  {i.describe(value.unit)}" for i in value.inputs]
    return notes


def _flag_notes(values: list[Value]) -> list[str]:
    return [f"{v.company} {v.metric} {v.year}: {v.notes}" for v in values
            if v.notes and v.kind == "reported" and set(v.flags) - {"approx"}]


def _overlap_notes(companies: list[str], catalog: Catalog) -> list[str]:
    """Say when a compared company is part of another compared one."""
    notes = []
    for company in companies:
        parent = catalog.companies[company].parent
        if parent in companies:
            notes.append(f"Note: {company} is part of {parent}; its figures are included in "
                         f"{parent}'s. Do not add them up.")
    return notes


def compare_report(comparison: Comparison, catalog: Catalog,
                   changes: dict[str, Change] | None = None, chart: bool = False,
                   ascii_chart: bool = False) -> Report:
    metric = comparison.metric
    rows = [value_row(v) for v in comparison.values]
    if changes is not None:
        for row in rows:
            add_change(row, changes[row["company"]])
    if chart:
        largest = max((v.value for v in comparison.values), default=Decimal(0))
        for row in rows:
            row["chart"] = bar(row["value"], largest, ascii_only=ascii_chart)
    rows += [{"company": m.company, "year": comparison.year, "metric": metric.id,
              "value": None, "unit": comparison.unit, "kind": "missing", "flags": [],
              "notes": m.reason, "as_printed": "", "where": m.reason,
              "inputs": [], "also": []} for m in comparison.missing]
    for row in rows:
        row["company_name"] = catalog.companies[row["company"]].name
    notes = [f"Year {comparison.year_note}."]
    notes += _overlap_notes([v.company for v in comparison.values], catalog)
    notes += _derivation_notes(comparison.values)
    notes += _flag_notes(comparison.values)
    display = [("company", "Company"), ("year", "Year"), ("value", f"Value ({comparison.unit})")]
    if chart:
        display.append(("chart", ""))
    if changes is not None:
        display += [("change", "Change"), ("change_pct", "Change %")]
    display += [("kind", "Kind"), ("as_printed", "As printed"), ("where", "Source"),
                ("flags", "Flags")]
    return Report(
        rows=rows, columns=VALUE_COLUMNS + (CHANGE_COLUMNS if changes is not None else [])
        + VALUE_EXTRA + (["change_note"] if changes is not None else []),
        display=display, title=f"{metric.name} ({metric.id}), {comparison.unit}",
        notes=notes, align_right=("value", "year", "change", "change_pct"))


def intensity_report(result: IntensityComparison, catalog: Catalog, chart: bool = False,
                     ascii_chart: bool = False) -> Report:
    """metric per denominator: numerator, denominator and intensity, with their units."""
    rows = []
    for item in result.rows:
        row = value_row(item.numerator)
        denominator = item.denominator
        row.update({"per": result.per.id, "per_value": denominator.value,
                    "per_unit": denominator.unit, "per_kind": denominator.kind,
                    "per_source": (denominator.observation.reference if denominator.observation
                                   else denominator.basis),
                    "intensity": item.value, "intensity_unit": item.unit,
                    "reported_intensity": item.reported.value if item.reported else None,
                    "reported_intensity_source": (item.reported.observation.reference
                                                  if item.reported and item.reported.observation
                                                  else None),
                    "intensity_diff_pct": item.difference_pct, "flags": list(item.flags)})
        row["kinds"] = f"{item.numerator.kind} / {denominator.kind}"
        rows.append(row)
    for missing in result.missing:
        rows.append({"company": missing.company, "year": result.year, "metric": result.metric.id,
                     "kind": "missing", "flags": [], "notes": missing.reason,
                     "per": result.per.id, "intensity_unit": result.unit, "inputs": [],
                     "also": [], "kinds": f"missing: {missing.reason}",
                     "per_source": missing.reason})
    if chart:
        largest = max((r.value for r in result.rows), default=Decimal(0))
        for row in rows:
            row["chart"] = bar(row.get("intensity"), largest, ascii_only=ascii_chart)
    notes = [f"Year {result.year_note}. Intensity = {result.metric.id} / {result.per.id}, "
             f"in {result.unit}; smallest first."]
    notes += _overlap_notes([r.numerator.company for r in result.rows], catalog)
    for item in result.rows:
        if item.denominator.kind == "implied":
            notes.append(f"{item.denominator.company} {result.per.id} {result.year} is "
                         f"{item.denominator.basis}; never reported.")
        if item.reported is not None and item.difference_pct is not None:
            notes.append(f"{item.numerator.company}: reported {format_decimal(item.reported.value)}"
                         f" {item.unit}, recomputed {_short(item.value)}"
                         f" ({item.difference_pct:+} %).")
    notes += _derivation_notes([r.numerator for r in result.rows]
                               + [r.denominator for r in result.rows])
    display = [("company", "Company"), ("year", "Year"),
               ("value", f"{result.metric.id} ({result.metric.unit})"),
               ("per_value", f"{result.per.id} ({result.per.unit})"),
               ("intensity", f"Intensity ({result.unit})")]
    if chart:
        display.append(("chart", ""))
    display += [("reported_intensity", "Reported"), ("intensity_diff_pct", "Diff %"),
                ("kinds", "Kinds"), ("flags", "Flags")]
    return Report(
        rows=rows,
        columns=VALUE_COLUMNS + INTENSITY_COLUMNS + ["per_kind", "per_source",
                                                     "reported_intensity",
                                                     "reported_intensity_source",
                                                     "intensity_diff_pct"] + VALUE_EXTRA,
        display=display,
        title=f"{result.metric.name} per {result.per.name.lower()} "
              f"({result.metric.id} --per {result.per.id}), {result.unit}",
        notes=notes, align_right=("value", "per_value", "intensity", "reported_intensity",
                                  "intensity_diff_pct"))


def _short(number: Decimal) -> str:
    return format_decimal(number.quantize(Decimal("0.0001"))) if abs(number) < 10**6 else \
        format_decimal(number.quantize(Decimal(1)))


def trend_report(series_by_company: dict[str, list[Change]], catalog: Catalog, metric_id: str,
                 unit: str, chart: bool = True, ascii_chart: bool = False) -> Report:
    """Each company's series over all years, with year-over-year change and a bar."""
    rows = []
    largest = max((c.value.value for changes in series_by_company.values() for c in changes),
                  default=Decimal(0))
    for changes in series_by_company.values():
        for change in changes:
            row = value_row(change.value)
            add_change(row, change)
            if chart:
                row["chart"] = bar(change.value.value, largest, ascii_only=ascii_chart)
            rows.append(row)
    metric = catalog.metrics[metric_id]
    values = [c.value for changes in series_by_company.values() for c in changes]
    notes = _overlap_notes(list(series_by_company), catalog) + _derivation_notes(values)
    notes += [f"{c.value.company} {c.value.year}: change {c.note}." for changes in
              series_by_company.values() for c in changes if c.note.startswith("not meaningful")]
    display = [("company", "Company"), ("year", "Year"), ("value", f"Value ({unit})")]
    if chart:
        display.append(("chart", ""))
    display += [("change", "Change"), ("change_pct", "Change %"), ("kind", "Kind"),
                ("where", "Source"), ("flags", "Flags")]
    return Report(rows=rows, columns=VALUE_COLUMNS + CHANGE_COLUMNS + VALUE_EXTRA
                  + ["change_note"],
                  display=display, title=f"{metric.name} ({metric.id}), {unit}",
                  notes=notes, group_by="company",
                  align_right=("value", "change", "change_pct", "year"))


def _code_key(code: str) -> tuple[Any, ...]:
    """A1.2 before A1.10 before B1.1; no code last."""
    if not code:
        return (1,)
    first = code.split(";")[0].strip()
    return (0, *[(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", first)])


def show_report(values: list[Value], catalog: Catalog, company: str, year: int,
                changes: dict[str, Change] | None = None,
                framework: str | None = None) -> Report:
    rows = []
    for value in values:
        row = value_row(value)
        metric = catalog.metrics[value.metric]
        row["category"] = metric.category
        row["metric_name"] = metric.name
        row["hkex"] = metric.hkex or None
        row["gri"] = metric.gri or None
        if changes is not None:
            add_change(row, changes[value.metric])
        rows.append(row)
    display = [("category", "Category"), ("metric", "Metric"), ("value", "Value"),
               ("unit", "Unit")]
    group_by = "category"
    if framework is not None:
        rows.sort(key=lambda r: _code_key(r[framework] or ""))
        for row in rows:
            row["code"] = row[framework] or "(none)"
        display = [("code", framework.upper())] + display[1:]
        group_by = "code"
    if changes is not None:
        display += [("change", "Change"), ("change_pct", "Change %")]
    display += [("as_printed", "As printed"), ("where", "Source"), ("flags", "Flags")]
    name = catalog.companies[company].name
    parent = catalog.companies[company].parent
    notes = ([f"{company} is part of {parent}: its figures are included in {parent}'s."]
             if parent else [])
    return Report(
        rows=rows, columns=VALUE_COLUMNS + (CHANGE_COLUMNS if changes is not None else [])
        + VALUE_EXTRA + ["category", "hkex", "gri"]
        + (["change_note"] if changes is not None else []),
        display=display, title=f"{name} ({company}), {year}", group_by=group_by,
        headed=framework is None,
        notes=notes + _derivation_notes(values) + _flag_notes(values),
        align_right=("value", "change", "change_pct"))


def metrics_report(catalog: Catalog) -> Report:
    rows = []
    for metric in catalog.metrics.values():
        companies = catalog.companies_reporting(metric.id)
        rows.append({"metric": metric.id, "name": metric.name, "name_zh": metric.name_zh,
                     "category": metric.category, "unit": metric.unit, "hkex": metric.hkex,
                     "gri": metric.gri, "companies": len(companies),
                     "defined_at": str(metric.origin)})
    return Report(rows=rows, columns=["metric", "name", "name_zh", "category", "unit", "hkex",
                                      "gri", "companies", "defined_at"],
                  display=[("metric", "Metric"), ("name", "Name"), ("name_zh", "中文"),
                           ("category", "Category"), ("unit", "Unit"), ("hkex", "HKEX"),
                           ("gri", "GRI"), ("companies", "Companies")],
                  title="Metrics", group_by="category", align_right=("companies",))


def companies_report(catalog: Catalog) -> Report:
    rows = []
    for company in catalog.companies.values():
        years = catalog.years(company.id)
        sources = catalog.sources.get(company.id, {})
        rows.append({"company": company.id, "name": company.name, "name_zh": company.name_zh,
                     "aliases": list(company.aliases), "parent": company.parent or None,
                     "entity": company.entity or None,
                     "years": [str(y) for y in years],
                     "values": sum(1 for k in catalog.observations if k[0] == company.id),
                     "sources": [s.file for s in sources.values()],
                     "defined_at": str(company.origin)})
    notes = [f"{r['company']} is part of {r['parent']}: its figures are included in "
             f"{r['parent']}'s; do not add them up." for r in rows if r["parent"]]
    return Report(rows=rows, columns=["company", "name", "name_zh", "aliases", "parent", "entity",
                                      "years", "values", "sources", "defined_at"],
                  display=[("company", "Company"), ("name", "Name"), ("name_zh", "中文"),
                           ("parent", "Part of"), ("years", "Years"), ("values", "Values")],
                  title="Companies", notes=notes, align_right=("values",))


def check_report(findings: list[Any], files: list[str]) -> Report:
    rows = []
    for finding in findings:
        rows.append({"severity": finding.severity, "check": finding.check,
                     "company": finding.company or None, "year": finding.year,
                     "metric": finding.metric or None, "expected": finding.expected,
                     "found": finding.found, "difference": finding.difference,
                     "difference_pct": finding.difference_pct, "unit": finding.unit or None,
                     "message": finding.message, "sources": list(finding.sources)})
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    summary = (f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info "
               f"in {len(files)} catalog file{'s' if len(files) != 1 else ''}.")
    return Report(
        rows=rows,
        columns=["severity", "check", "company", "year", "metric", "expected", "found",
                 "difference", "difference_pct", "unit", "message", "sources"],
        display=[("severity", "Severity"), ("check", "Check"), ("company", "Company"),
                 ("year", "Year"), ("metric", "Metric"), ("expected", "Expected"),
                 ("found", "Found"), ("difference_pct", "Diff %"), ("message", "Finding"),
                 ("sources", "Sources")],
        title="Catalog check", notes=[summary],
        align_right=("expected", "found", "difference_pct"))
