"""Rendering: one set of rows, every format.

Rows are plain dicts keyed by column name. CSV and JSON carry every column, numbers as
numbers with full precision; the human formats (table, markdown, plain) show a chosen
subset with numbers grouped for reading. Only this module and the CLI write output.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    plain = "plain"


# A spreadsheet runs a text cell starting with one of these as a formula (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Report:
    """Rows plus how to show them to a person."""

    rows: list[dict[str, Any]]
    columns: list[str]  # every column, in order (csv/json)
    display: list[tuple[str, str]]  # (column, heading) for the human formats
    title: str = ""
    notes: list[str] = field(default_factory=list)  # said under a human table
    group_by: str | None = None  # column whose changes start a new table section
    optional: tuple[str, ...] = ("as_printed", "chart", "kind", "kinds")  # dropped when narrow
    align_right: tuple[str, ...] = ()


def number_text(value: Any, grouped: bool = True) -> str:
    """A number for people: no exponent, thousands grouped, whole units from 100,000 up,
    else at most 4 decimals (6 significant digits below 1). CSV/JSON keep every digit."""
    if value is None or value == "":
        return ""
    if not isinstance(value, (Decimal, float)):  # ints are years, lines, counts of rows
        return str(value)
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if number != 0 and abs(number) < 1:
        text = f"{float(number):.6g}"
        if "e" in text:
            return f"{number:.3E}"
        return text
    if abs(number) >= 100_000:  # large figures: whole units are precise enough to read
        number = number.quantize(Decimal(1))
    elif number.as_tuple().exponent < -4:  # type: ignore[operator]
        number = number.quantize(Decimal("0.0001"))
    number = number.normalize()
    text = f"{number:,f}" if grouped else f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def json_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number that prints back as the same digits."""
    if value == value.to_integral_value() and abs(value) < 10 ** 15:
        return int(value)
    return float(value)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        if len(value.normalize().as_tuple().digits) > 15:  # a quotient: float precision, as JSON
            return repr(float(value))
        return format(value.normalize(), "f") if value != 0 else "0"
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _json_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, tuple):
        return [_json_cell(v) for v in value]
    if isinstance(value, list):
        return [_json_cell(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_cell(v) for k, v in value.items()}
    return value


def to_csv(report: Report, bom: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow([_csv_cell(_flat(row.get(c))) for c in report.columns])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _flat(value: Any) -> Any:
    """Structured cells (derivation inputs) as one text cell for CSV."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(item.get("text", "") for item in value)
    return value


def to_json(report: Report) -> str:
    rows = [{c: _json_cell(row.get(c)) for c in report.columns} for row in report.rows]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _human_rows(report: Report) -> list[list[str]]:
    out = []
    for row in report.rows:
        cells = []
        for column, _heading in report.display:
            value = row.get(column)
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value)
            cells.append(number_text(value))
        out.append(cells)
    return out


def to_tabulate(report: Report, style: str) -> str:
    from tabulate import tabulate

    headings = [heading for _c, heading in report.display]
    align = ["right" if c in report.align_right else "left" for c, _h in report.display]
    body = tabulate(_human_rows(report), headers=headings, tablefmt=style, colalign=align,
                    disable_numparse=True)
    lines = []
    if report.title:
        lines.append(f"## {report.title}\n" if style == "pipe" else report.title)
    lines.append(body)
    if report.notes:
        lines.append("")
        lines.extend(report.notes)
    return "\n".join(lines) + "\n"


def print_table(report: Report, console: Any) -> None:
    from rich import box
    from rich.table import Table

    table = Table(title=report.title or None, box=box.SIMPLE_HEAVY, title_justify="left",
                  header_style="bold")
    narrow = console.width < 100
    shown = [(c, h) for c, h in report.display
             if not (narrow and c in report.optional)]  # a narrow terminal drops the optional
    for column, heading in shown:
        table.add_column(heading, justify="right" if column in report.align_right else "left",
                         overflow="fold", no_wrap=column == "chart",
                         min_width=min(max(len(heading), 4), 10))
    previous = None
    indexes = [report.display.index(pair) for pair in shown]
    for row, all_cells in zip(report.rows, _human_rows(report)):
        cells = [all_cells[i] for i in indexes]
        group = row.get(report.group_by) if report.group_by else None
        if report.group_by and previous is not None and group != previous:
            table.add_section()
        previous = group
        table.add_row(*cells)
    console.print(table)
    for note in report.notes:
        console.print(note, highlight=False, markup=False)


def render(report: Report, fmt: Format, stream: TextIO, console: Any = None,
           bom: bool = False) -> None:
    """Write the report to ``stream`` in ``fmt`` (table needs the rich ``console``)."""
    if fmt is Format.csv:
        stream.write(to_csv(report, bom=bom))
    elif fmt is Format.json:
        stream.write(to_json(report))
    elif fmt is Format.markdown:
        stream.write(to_tabulate(report, "pipe"))
    elif fmt is Format.plain:
        stream.write(to_tabulate(report, "simple"))
    else:
        print_table(report, console)
