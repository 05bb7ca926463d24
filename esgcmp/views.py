"""Turn results into Reports: the one place that decides columns and headings."""

from __future__ import annotations

from typing import Any

from .catalog import Catalog
from .compare import Comparison, Value
from .output import Report
from .units import format_decimal

# The contract of `show` and `compare` CSV/JSON: these columns, in this order, first.
VALUE_COLUMNS = ["company", "year", "metric", "value", "unit", "reported_value",
                 "reported_unit", "kind", "source", "line", "flags"]
VALUE_EXTRA = ["label", "basis", "inputs", "also", "notes"]


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
        printed = obs.printed or format_decimal(obs.value)
        row["as_printed"] = f"{printed} {obs.unit}"
        row["where"] = ", ".join([obs.reference] + [f"{c.source.file}:{c.line}" for c in obs.also])
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


def compare_report(comparison: Comparison, catalog: Catalog) -> Report:
    metric = comparison.metric
    rows = [value_row(v) for v in comparison.values]
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
    return Report(
        rows=rows, columns=VALUE_COLUMNS + VALUE_EXTRA,
        display=[("company", "Company"), ("year", "Year"), ("value", f"Value ({comparison.unit})"),
                 ("kind", "Kind"), ("as_printed", "As printed"), ("where", "Source"),
                 ("flags", "Flags")],
        title=f"{metric.name} ({metric.id}), {comparison.unit}",
        notes=notes, align_right=("value", "year"))


def show_report(values: list[Value], catalog: Catalog, company: str, year: int) -> Report:
    rows = []
    for value in values:
        row = value_row(value)
        metric = catalog.metrics[value.metric]
        row["category"] = metric.category
        row["metric_name"] = metric.name
        rows.append(row)
    name = catalog.companies[company].name
    return Report(
        rows=rows, columns=VALUE_COLUMNS + VALUE_EXTRA + ["category"],
        display=[("category", "Category"), ("metric", "Metric"), ("value", "Value"),
                 ("unit", "Unit"), ("as_printed", "As printed"), ("where", "Source"),
                 ("flags", "Flags")],
        title=f"{name} ({company}), {year}", group_by="category",
        notes=_derivation_notes(values) + _flag_notes(values), align_right=("value",))


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
