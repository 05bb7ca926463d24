"""The views of the catalog itself and of what was read: metrics, companies, peer groups,
coverage, the findings of `check`, the lines `source` quotes and the rows `extract` read.
The views of values (compare, trend, show, rank, export) are esgcmp.views'."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Framework
from .names import plural
from .output import Report, number_text
from .views import _code_key
from .wording import defined_at, reason, sources_note

if TYPE_CHECKING:  # only for the annotations: a command loads only what it needs
    from .draft import Draft
    from .results import (CheckResult, Companies, Coverage, Finding, Key, Metrics,
                          PeerGroups, Quotes)


def missing_message(result: Quotes) -> str:
    """Why there is nothing to quote."""
    missing = result.value
    return (f"{missing.company} has no '{result.metric.id}' for {missing.year}: "
            f"{reason(missing)}")


SOURCE_COLUMNS = ["company", "metric", "year", "cites", "report", "source", "line",
                  "printed", "found", "number", "text", "cited", "problem"]


def source_reports(result: Quotes) -> list[Report]:
    """The cited lines of a value with their context: a report per citation, one row per
    line shown (one row per citation when the reports are not at hand)."""
    value = result.value
    reports = []
    for quote in result.quotes:
        base = {"company": value.company, "metric": value.metric, "year": value.year,
                "cites": quote.what, "report": quote.source.name, "source": quote.source.file,
                "line": quote.line, "printed": quote.expected, "found": quote.found,
                "problem": quote.problem or None}
        rows: list[dict[str, Any]] = []
        emphasis: dict[int, str] = {}
        if quote.context is None:
            rows.append({**base, "mark": "", "number": None,
                         "text": quote.problem or "(the report is not at hand)"})
        for number, text in quote.context or []:
            if number == quote.line and quote.found:
                emphasis[len(rows)] = quote.expected
            rows.append({**base, "mark": ">" if number == quote.line else "", "number": number,
                         "text": text.rstrip(), "cited": number == quote.line})
        on_page = f" of page {quote.page}" if quote.page else ""
        notes = ([f"{quote.expected} is not on line {quote.line}{on_page}."]
                 if quote.found is False else [])
        reports.append(Report(
            rows=rows, columns=SOURCE_COLUMNS,
            display=[("mark", ""), ("number", "Line"), ("text", "Text")],
            title=f"{quote.source.cite(quote.line, quote.page)} ({quote.source.file}): "
                  f"{quote.what} "
                  f"{value.year}, printed {quote.expected}", notes=notes,
            align_right=("number",), emphasis=emphasis))
    name = result.metric.name
    reports[0].title = (f"{name} ({value.metric}) of {value.company}, {value.year}: "
                        f"{number_text(value.value)} {value.unit}\n\n{reports[0].title}")
    # (without the reports, the run's one warning on stderr says where to look)
    return reports


def metrics_report(result: Metrics, framework: Framework | None = None) -> Report:
    """The metrics; with a framework, only those it codes, in the order of their codes."""
    chosen = result.metrics
    if framework is not None:
        chosen = sorted((m for m in chosen if getattr(m, framework.value)),
                        key=lambda m: _code_key(getattr(m, framework.value)))
    rows = []
    for metric in chosen:
        rows.append({"metric": metric.id, "name": metric.name, "name_zh": metric.name_zh,
                     "category": metric.category, "unit": metric.unit, "hkex": list(metric.hkex),
                     "gri": list(metric.gri), "companies": result.companies[metric.id],
                     "defined_at": defined_at(metric.origin)})
    return Report(rows=rows, columns=["metric", "name", "name_zh", "category", "unit", "hkex",
                                      "gri", "companies", "defined_at"],
                  display=[("category", "Category"), ("metric", "Metric"), ("name", "Name"),
                           ("name_zh", "中文"), ("unit", "Unit"), ("hkex", "HKEX"),
                           ("gri", "GRI"), ("companies", "Companies")],
                  title="Metrics" if framework is None else
                  f"Metrics by {framework.value.upper()} code",
                  # a terminal names each category on a row of its own, as show does
                  group_by="category" if framework is None else None,
                  headed=framework is None,
                  align_right=("companies",))


def companies_report(result: Companies) -> Report:
    rows = []
    for facts in result.companies:
        company = facts.company
        rows.append({"company": company.id, "name": company.name, "name_zh": company.name_zh,
                     "aliases": list(company.aliases), "parent": company.parent or None,
                     "entity": company.entity or None, "years": facts.years,
                     "values": facts.values, "sources": facts.sources,
                     "defined_at": defined_at(company.origin)})
    notes = [f"{r['company']} is part of {r['parent']}: its figures are included in "
             f"{r['parent']}'s; do not add them up." for r in rows if r["parent"]]
    return Report(rows=rows, columns=["company", "name", "name_zh", "aliases", "parent", "entity",
                                      "years", "values", "sources", "defined_at"],
                  display=[("company", "Company"), ("name", "Name"), ("name_zh", "中文"),
                           ("parent", "Part of"), ("years", "Years"), ("values", "Values"),
                           ("sources", "Sources")],
                  title="Companies", notes=notes, align_right=("values",),
                  whole=("name_zh",))


def peers_report(result: PeerGroups) -> Report:
    """The peer groups, each with its companies and where it is defined."""
    rows = [{"group": g.name, "companies": list(g.companies), "members": list(g.members),
             "defined_at": g.where} for g in result.groups]
    return Report(rows=rows, columns=["group", "companies", "members", "defined_at"],
                  display=[("group", "Group"), ("companies", "Companies"),
                           ("defined_at", "Defined at")],
                  title="Peer groups (--peers)",
                  notes=[f"{g.name}: a member names no company of the catalogs read."
                         for g in result.groups if not g.companies]
                  + ["A group in a catalog (groups:) or in peers.toml: docs/rank.md."])


def coverage_report(result: Coverage) -> Report:
    """One row per HKEX KPI, company and year; under them, each company-year's count."""
    # the reasons' column only when a report explains a KPI it does not disclose, so that
    # coverage without explanations reads as it always has
    explained = any(k.status == "explained" for k in result.kpis)
    rows = [{"company": k.company, "year": k.year, "kpi": k.code, "status": k.status,
             "metrics": list(k.metrics), "title": k.title,
             **({"reason": k.reason or None} if explained else {})} for k in result.kpis]
    counts: dict[tuple[str, int], list[int]] = {}
    for kpi in result.kpis:
        tally = counts.setdefault((kpi.company, kpi.year), [0, 0, 0])
        if kpi.status != "description":
            tally[1] += 1
            tally[0] += kpi.status == "disclosed"
            tally[2] += kpi.status == "explained"
    notes = [f"{company} {year}: {disclosed} of {figures} HKEX KPIs that ask for figures "
             f"disclosed{f', {why} explained' if why else ''}."
             for (company, year), (disclosed, figures, why) in counts.items()]
    columns = ["company", "year", "kpi", "status", "metrics", "title"]
    display = [("company", "Company"), ("year", "Year"), ("kpi", "KPI"), ("status", "Status"),
               ("metrics", "Metrics"), ("title", "Asks for")]
    if explained:
        columns.append("reason")
        display.append(("reason", "Reason"))
    return Report(rows=rows, columns=columns, display=display,
                  title="HKEX ESG Reporting Code KPIs disclosed", notes=notes)


def check_report(result: CheckResult) -> Report:
    """The findings, one a row; under them the counts, and with the reports at hand how
    many cited figures were found on their lines."""
    findings, files, sources = result.findings, result.files, result.sources
    rows = []
    for finding in findings:
        rows.append({"severity": finding.severity, "check": finding.check,
                     "company": finding.company or None, "year": finding.year,
                     "metric": finding.metric or None, "expected": finding.expected,
                     "found": finding.found, "difference": finding.difference,
                     "difference_pct": finding.difference_pct, "unit": finding.unit or None,
                     "message": finding.message, "sources": list(finding.sources),
                     "suspected": _finding_values(finding, finding.names),
                     "involved": _finding_values(finding, finding.involved)})
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    summary = (f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
               f"{counts['info']} info "
               f"in {plural(len(files), 'catalog file')}.")
    notes = [summary]
    if result.left_out:
        notes.append(f"Only the findings about your catalogs are shown: "
                     f"{plural(result.left_out, 'finding')} about the built-in catalog alone "
                     "left out (esgcmp check --all shows them).")
    if sources is not None:
        notes.append(sources_note(sources, result.directory))
    return Report(
        rows=rows,
        columns=["severity", "check", "company", "year", "metric", "expected", "found",
                 "difference", "difference_pct", "unit", "message", "sources", "suspected",
                 "involved"],
        display=[("severity", "Severity"), ("check", "Check"), ("company", "Company"),
                 ("year", "Year"), ("metric", "Metric"), ("expected", "Expected"),
                 ("found", "Found"), ("unit", "Unit"), ("difference_pct", "Diff %"),
                 ("message", "Finding"),
                 ("sources", "Sources")],
        title="Catalog check", notes=notes,
        align_right=("expected", "found", "difference_pct"))


def _finding_values(finding: Finding, keys: tuple[Key, ...]) -> list[str]:
    """The values a finding suspects or involves, as ``metric year`` (with the company
    first when it is not the finding's)."""
    return [f"{metric} {year}" if company == finding.company
            else f"{company} {metric} {year}" for company, metric, year in keys]


# The contract of `extract` CSV/JSON: these columns, in this order, first.
EXTRACT_COLUMNS = ["line", "label", "unit", "year", "value", "metric", "flags",
                   "normalized_value", "normalized_unit"]
EXTRACT_EXTRA = ["printed", "footnote", "notes", "page", "period", "match"]


def extract_report(draft: Draft, report: str) -> Report:
    """One row per value read from a report."""
    rows = []
    for row in draft.rows:
        found = row.found
        flags = list(found.flags)
        if row.new_metric:
            flags.append("new_metric")
        if not row.metric and "prose" not in found.flags:
            flags.append("unit_unknown")
        if found.footnote:
            flags.append("footnote")
        notes = "; ".join(n for n in (found.note, row.note) if n)
        rows.append({"line": found.line, "label": found.label, "unit": found.unit,
                     "year": found.year, "value": found.value, "metric": row.metric or None,
                     "flags": flags, "normalized_value": row.normalized,
                     "normalized_unit": row.normalized_unit or None,
                     "printed": found.printed, "footnote": found.footnote or None,
                     "notes": notes or None, "page": found.page or None,
                     "period": found.period or None, "match": row.match or None})
    return Report(rows=rows, columns=EXTRACT_COLUMNS + EXTRACT_EXTRA,
                  display=[(c, c) for c in EXTRACT_COLUMNS], title=f"Values read from {report}")
