"""`esgcmp report`: one self-contained HTML page of a report's sections (esgcmp.results
``Page``), to send to someone without a terminal.

For each metric the page shows the tables `compare` and `rank` print (made by the same
functions of esgcmp.views, so every value, flag and note reads as it does there), the
trend as the SVG chart `trend --chart-file` draws (esgcmp.svgchart), and under all of
them every flag's meaning and every value's citation. The page fetches nothing: the
style is inline, the charts are inline SVG, there is no script and no web font. Jinja2
(imported only here) fills the template ``templates/report.html.j2`` with autoescaping
on, so that no text of a catalog (a company's name, a note) can become markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import FLAGS, Value
from .output import Report, number_text
from .units import format_decimal
from .wording import basis_text
from .views import (compare_report, intensity_report, intensity_trend_report, rank_report,
                    trend_report)

if TYPE_CHECKING:
    from .catalog import Catalog
    from .results import Page, Section

# Flags a comparison or a ranking sets that are not a value's own (model.FLAGS): said in
# the words the notes under the tables use.
_OTHER_FLAGS = {
    "change_not_comparable": "the change from the previous year says nothing about the "
                             "company: a flag or a change of basis lies between the two "
                             "years (the notes say which)",
}


# Columns whose cells are never broken across lines (an id, a rank): the table scrolls
# in its box instead.
_WHOLE = ("company", "shown_rank", "metric", "year")


def _lines(value: Any) -> list[str]:
    """A cell as the lines a person reads: numbers as the tables print them, a list an
    item a line."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [line for item in value for line in _lines(item)]
    if isinstance(value, dict):  # a derived value's input
        return [str(value.get("text", ""))]
    return [number_text(value)]


def _notes(notes: list[str]) -> list[dict[str, Any]]:
    """The notes under a table; an indented one (a derived value's input, under the
    derivation) is shown under the one before it."""
    return [{"text": note.strip(), "under": note[:1].isspace()} for note in notes]


_LONG = 80  # characters: a cell longer than this is given a reading width


def _table(report: Report, flagged_column: str = "flags") -> dict[str, Any]:
    """A report as the template's table: headings, cells (each its lines, aligned as the
    terminal aligns them), the title and the notes under it."""
    right = set(report.align_right)
    columns = [column for column, _heading in report.display]
    rows = []
    for row in report.rows:
        cells = [{"lines": lines, "right": column in right,
                  "flags": column == flagged_column, "whole": column in _WHOLE,
                  # a long text (a ranking's reasons, a derivation) gets room to read,
                  # rather than a word a line: its table scrolls in its box instead
                  "long": sum(map(len, lines)) > _LONG}
                 for column in columns for lines in [_lines(row.get(column))]]
        rows.append({"cells": cells, "flagged": bool(row.get(flagged_column))})
    return {"title": report.title,
            "headings": [{"text": heading or column, "right": column in right}
                         for column, heading in report.display],
            "rows": rows, "notes": _notes(report.notes)}


def _chart(report: Report, key: str) -> dict[str, Any]:
    """The report's rows as the SVG line chart `trend --chart-file` writes, without the
    XML declaration (an HTML page holds the <svg> element itself), and the report's
    notes, said under it as text that wraps to the window rather than in the picture.
    The companies are labelled by their ids, as in the tables (the page's head names
    them)."""
    from .svgchart import chart_svg

    unit = next((str(row.get(f"{key}_unit") or row.get("unit")) for row in report.rows
                 if row.get(f"{key}_unit") or row.get("unit")), "")
    notes, report.notes = list(report.notes), []
    svg = chart_svg([report], "lines", key, [unit], {})
    return {"svg": svg.split("\n", 1)[1] if svg.startswith("<?xml") else svg,
            "notes": _notes(notes)}


def _flag_meanings(shown: list[str], reasons: dict[str, str]) -> list[tuple[str, str]]:
    """Every flag shown on the page, with what it means."""
    meanings = {**_OTHER_FLAGS, **reasons, **FLAGS}
    return [(flag, meanings.get(flag, "see the notes under the tables")) for flag in shown]


def _values(section: Section) -> list[Value]:
    """Every value a section shows: the comparison's and the trend's (an intensity's
    numerators, denominators and the ratios the companies reported)."""
    from .results import Comparison, Trend

    values: list[Value] = []
    comparison, trend = section.comparison, section.trend
    if isinstance(comparison, Comparison):
        values += comparison.values
    elif comparison is not None:
        values += [v for item in comparison.rows
                   for v in (item.numerator, item.denominator, item.reported) if v is not None]
    if isinstance(trend, Trend):
        values += [change.value for changes in trend.series.values() for change in changes]
    elif trend is not None:
        values += [v for one in trend.comparisons for item in one.rows
                   for v in (item.numerator, item.denominator, item.reported) if v is not None]
    return values


def _citations(values: list[Value], order: dict[str, int],
               metrics: dict[str, int]) -> list[dict[str, Any]]:
    """A row per printed figure behind the values: the value, the figure as printed, the
    report's short name, its file, page and line; a derived value's inputs each a row, an
    implied value said as how it was implied. One row per figure and place."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add(observation: Any, what: str, unit: str) -> None:
        for cited in (observation, *observation.also):
            printed = cited.printed or f"{format_decimal(cited.value)} {cited.unit}" \
                if cited.value is not None else (cited.printed or "")
            key = (observation.company, observation.metric, observation.year,
                   cited.source.file, cited.page, cited.line)
            rows.setdefault(key, {
                "company": observation.company, "metric": observation.metric,
                "year": observation.year, "what": what,
                "value": number_text(observation.normalized),
                "unit": unit,
                "printed": printed, "report": cited.source.name, "file": cited.source.file,
                "page": cited.page or "", "line": cited.line})

    for value in values:
        if value.observation is not None:
            add(value.observation, "reported", value.unit)
        for item in value.inputs:
            add(item.observation, f"input of {value.metric} (derived)", item.unit)
        if value.observation is None and not value.inputs:
            key = (value.company, value.metric, value.year, "", None, 0)
            rows.setdefault(key, {
                "company": value.company, "metric": value.metric, "year": value.year,
                "what": str(value.kind), "value": number_text(value.value), "unit": value.unit,
                "printed": basis_text(value), "report": "", "file": "", "page": "",
                "line": ""})
    return sorted(rows.values(), key=lambda row: (
        order.get(row["company"], len(order)), metrics.get(row["metric"], len(metrics)),
        row["metric"], row["year"], row["file"], str(row["line"])))


def _section(section: Section, catalog: Catalog) -> dict[str, Any]:
    from .results import Comparison, Trend

    comparison, trend, ranking = section.comparison, section.trend, section.ranking
    tables: list[dict[str, Any]] = []
    chart: dict[str, Any] | None = None
    reasons: dict[str, str] = {}
    flags: list[str] = []  # as the tables and the chart show them
    if isinstance(comparison, Comparison):
        tables.append(_table(compare_report(comparison, catalog)))
    elif comparison is not None:
        tables.append(_table(intensity_report(comparison, catalog)))
    if trend is not None:
        drawn, key = ((trend_report(trend, catalog, chart=False), "value")
                      if isinstance(trend, Trend)
                      else (intensity_trend_report(trend, catalog), "intensity"))
        flags += [str(flag) for row in drawn.rows for flag in row.get("flags") or []]
        chart = _chart(drawn, key)
    if ranking is not None:
        tables.append(_table(rank_report(ranking)))
        for entry in ranking.entries:
            for said in entry.reasons:
                flag, _colon, meaning = said.partition(": ")
                reasons.setdefault(flag, meaning)
    flags += [line for table in tables for row in table["rows"] for cell in row["cells"]
              if cell["flags"] for line in cell["lines"]]
    metric = section.metric
    return {"id": f"m-{metric.id}", "metric": metric, "tables": tables, "chart": chart,
            "problems": list(section.problems), "reasons": reasons, "flags": flags}


def page_html(page: Page, catalog: Catalog, version: str = "") -> str:
    """The whole page, as one HTML document."""
    import jinja2
    from markupsafe import Markup

    sections = [_section(section, catalog) for section in page.sections]
    for section in sections:
        if section["chart"] is not None:  # svgchart escapes every text it draws
            section["chart"]["svg"] = Markup(section["chart"]["svg"])
    shown = list(dict.fromkeys(flag for section in sections for flag in section["flags"]))
    reasons = {flag: meaning for section in sections
               for flag, meaning in section["reasons"].items()}
    order = {company: number for number, company in enumerate(page.companies)}
    metric_order = {metric: number for number, metric in enumerate(catalog.metrics)}
    values = [value for section in page.sections for value in _values(section)]
    companies = [catalog.companies[company] for company in page.companies]
    subject = ", ".join(company.name for company in companies)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("esgcmp", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = environment.get_template("report.html.j2")
    return template.render(
        title=f"ESG KPIs: {subject}", companies=companies, sections=sections,
        flags=_flag_meanings(shown, reasons),
        citations=_citations(values, order, metric_order), version=version,
        per=page.per, peers=page.peers, left_out=list(page.left_out)) + "\n"

