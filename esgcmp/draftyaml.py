"""The draft of ``esgcmp extract`` written as catalog YAML: the proposed and vocabulary
metrics, then the company with its source and one kpi entry a printed row, every entry a
reviewer must look at marked ``review`` and every value citing its line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .draft import Draft, Row, language, plain_number, shown, where
from .extract import Extraction
from .names import plural


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


# What a YAML stream may not hold (DEL, C1 controls, U+FFFE, a lone CR) and the line breaks
# YAML 1.1 counts besides LF (NEL, U+2028, U+2029): a report's text can hold any of them.
_NOT_YAML = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                       "|[\u2028\u2029]")


def _yaml_safe(text: str) -> str:
    """The draft with every character YAML refuses or breaks a line at written as its
    escape: inside a double-quoted scalar the escape means the character itself, in a
    comment it is text, so the draft always loads and every line stays where it is."""
    return _NOT_YAML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _value_yaml(row: Row) -> str:
    found = row.found
    extra = []
    if found.printed:
        extra.append(f"printed: {_quoted(found.printed)}")
    flags = [f for f in found.flags if f in ("approx", "artefact")]
    if flags:
        extra.append(f"flags: [{', '.join(flags)}]")
    # the catalog has no field for a fiscal period: the year is the one it ends in, and
    # the period as printed is kept in the value's notes
    notes = [n for n in (f"fiscal year {found.period}" if found.period else "", found.note) if n]
    if notes:
        extra.append(f"notes: {_quoted('; '.join(notes))}")
    if not extra:
        return plain_number(found.value)
    return "{" + ", ".join([f"value: {plain_number(found.value)}", *extra]) + "}"


def _values_yaml(rows: list[Row]) -> str:
    """A kpi's or a citation's ``values`` mapping, year: value."""
    return "{" + ", ".join(f"{row.found.year}: {_value_yaml(row)}" for row in rows) + "}"


def draft_yaml(draft: Draft, *, report: Path, company: str, company_name: str | None,
               source_id: str, text: str, extraction: Extraction) -> str:
    """The draft catalog: proposed metrics, then one company with its source and kpis.
    ``company_name`` None: the company is in the catalog already, and the draft adds to
    it."""
    out = [
        f"# Draft catalog read from {report.name} by esgcmp extract.",
        "# Review before use: every value against its line, and every entry marked",
        "# 'review' (a proposed metric, a unit esgcmp cannot read). docs/extract.md says how.",
        f"# {plural(len(draft.rows), 'value')} on "
        f"{plural(len({(r.found.page, r.found.line) for r in draft.rows}), 'line')}; "
        f"{plural(len(extraction.unreadable), 'row')} unreadable; "
        f"{plural(len(draft.proposals), 'proposed metric')}.",
        "schema: 1",
        "",
    ]
    if draft.proposals or draft.vocabulary:
        out.append("metrics:")
        for term in draft.vocabulary.values():
            fields = [f"name: {_quoted(term.name)}", f"name_zh: {_quoted(term.name_zh)}",
                      f"category: {term.category}", f"unit: {_quoted(term.unit)}"]
            if term.density:
                fields.append(f"density: {_quoted(term.density)}")
            if term.hkex:
                fields.append(f"hkex: [{', '.join(term.hkex)}]")
            out.append("  # from esgcmp's metric vocabulary (docs/vocabulary.md)")
            out.append(f"  {term.id}: {{{', '.join(fields)}}}")
        for proposal in draft.proposals.values():
            fields = [f"name: {_quoted(proposal.name)}"]
            if proposal.name_zh:
                fields.append(f"name_zh: {_quoted(proposal.name_zh)}")
            fields += [f"category: {proposal.category}", f"unit: {_quoted(proposal.unit)}"]
            if proposal.signed:
                fields.append("signed: true")
            out.append(f"  # review: proposed from {where(proposal)}: {proposal.why}; "
                       "category and unit are read from the row")
            out.append(f"  {proposal.id}: {{{', '.join(fields)}}}")
        out.append("")
    out.append("companies:")
    out.append(f"  {company}:")
    if company_name is not None:
        out.append(f"    name: {_quoted(company_name)}  # review: the company's name")
    else:
        out.append("    # adds to the company of this id in the catalog: a year it already "
                   "has is refused as given twice")
    out.append("    sources:")
    out.append(f"      {source_id}: {{file: {_quoted(report.name)}, "
               f"language: {language(text)}}}")
    out.append("    kpis:")
    entries = _entries(draft.rows)
    if not entries:
        out[-1] = "    kpis: []"
    seconds = _second_printings(draft.rows)
    for rows in entries:
        out.extend(_kpi_yaml(rows, source_id))
        out.extend(_also_yaml(rows, seconds, source_id))
    for row in draft.rows:
        if not row.metric and "prose" in row.found.flags:
            found = row.found
            out.append(f"      # prose, {where(found)}: {_quoted(found.label)}: "
                       f"{plain_number(found.value)} {found.unit} ({found.year})")
    for found, why in draft.unloadable:
        out.append(f"      # review: {where(found)} '{found.label}': {why}; its values are in "
                   "the csv and json output")
    for item in extraction.unreadable:
        out.append(f"      # unreadable: {where(item)}: {item.why}: "
                   f"{_quoted(shown(item)[:120])}")
    return _yaml_safe("\n".join(out) + "\n")


def _entries(rows: list[Row]) -> list[list[Row]]:
    """Rows grouped into kpi entries: one per printed row (line, label, metric)."""
    grouped: dict[tuple[int, int, str, str], list[Row]] = {}
    for row in rows:
        if row.metric and row.also_of is None:
            grouped.setdefault((row.found.page, row.found.line, row.found.label, row.metric),
                               []).append(row)
    return list(grouped.values())


def _second_printings(rows: list[Row]) -> dict[int, list[tuple[int, Row]]]:
    """The rows that print a figure again, by the row they print again (its id), with
    their place in the draft: asked once, not once per entry (which was quadratic)."""
    seconds: dict[int, list[tuple[int, Row]]] = {}
    for place, row in enumerate(rows):
        if row.also_of is not None:
            seconds.setdefault(id(row.also_of), []).append((place, row))
    return seconds


def _also_yaml(entry: list[Row], seconds: dict[int, list[tuple[int, Row]]],
               source_id: str) -> list[str]:
    """The second printings of an entry's figures, one ``also`` item per printed row."""
    cited: dict[tuple[int, int, str], list[Row]] = {}
    for _place, row in sorted((item for first in entry for item in seconds.get(id(first), [])),
                              key=lambda item: item[0]):
        cited.setdefault((row.found.page, row.found.line, row.found.label), []).append(row)
    if not cited:
        return []
    lines = ["        also:"]
    for group in cited.values():
        found = group[0].found
        page = f"page: {found.page}, " if found.page else ""
        lines.append(f"          - {{source: {source_id}, {page}line: {found.line}, "
                     f"label: {_quoted(found.label)}, unit: {_quoted(group[0].unit)}, "
                     f"values: {_values_yaml(group)}}}")
    return lines


def _kpi_yaml(rows: list[Row], source_id: str) -> list[str]:
    first = rows[0].found
    lines = []
    if rows[0].new_metric:
        lines.append(f"      # review: metric '{rows[0].metric}' is proposed")
    elif rows[0].match and rows[0].match != "catalog label":
        lines.append(f"      # placed by {rows[0].match}")
    lines.append(f"      - metric: {rows[0].metric}")
    lines.append(f"        label: {_quoted(first.label)}")
    lines.append(f"        unit: {_quoted(rows[0].unit)}")
    lines.append(f"        values: {_values_yaml(rows)}")
    lines.append(f"        source: {source_id}")
    if first.page:
        lines.append(f"        page: {first.page}")
    lines.append(f"        line: {first.line}")
    if rows[0].basis:
        lines.append("        basis: {" + ", ".join(f"{aspect}: {_quoted(text)}"
                                             for aspect, text in rows[0].basis) + "}")
    notes = []
    if first.footnote:
        notes.append(f"footnote {first.footnote} of the report applies")
    if "prose" in first.flags:
        notes.append("read from a sentence")
    if not first.unit:
        notes.append(rows[0].note if rows[0].note.startswith("no unit printed")
                     else "no unit printed")
    if notes:
        lines.append(f"        notes: {_quoted('; '.join(notes))}")
    return lines
