"""Rendering: one set of rows, every format.

Rows are plain dicts keyed by column name. CSV and JSON carry every column, numbers as
numbers with full precision; the human formats (table, markdown, plain) show a chosen
subset with numbers grouped for reading. Only this module and the CLI write output.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import unicodedata
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
    headed: bool = False  # a rich table names each section on a row of its own instead
    optional: tuple[str, ...] = ("as_printed", "chart", "kind", "kinds")  # dropped when narrow
    align_right: tuple[str, ...] = ()
    stacked: tuple[str, ...] = ("where", "flags")  # a rich table lists their items a line each


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


def json_number(value: Decimal) -> str:
    """A Decimal as JSON number text with every digit it has (``13.2``, ``9007199254740993``,
    ``1.7E+25``); JSON allows any number of digits, and a reader that wants a double gets
    the nearest one."""
    if not value.is_finite():
        raise ValueError(f"{value} has no JSON number")  # the reader refuses such values
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.normalize())


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Decimal):  # every digit; quotients are already a double's digits
        return format(value.normalize(), "f") if value != 0 else "0"
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _json_cell(value: Any, numbers: list[str], mark: str = "") -> Any:
    """A cell as JSON data; a Decimal becomes a placeholder string whose place the exact
    number text takes once the document is written (the json module writes numbers only
    from int and float). The mark is new on every call, so no catalog text can be one."""
    if isinstance(value, Decimal):
        numbers.append(json_number(value))
        return f"\x00{mark}{len(numbers) - 1}\x00"
    if isinstance(value, (tuple, list)):
        return [_json_cell(v, numbers, mark) for v in value]
    if isinstance(value, dict):
        return {k: _json_cell(v, numbers, mark) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} has no JSON number")
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
    numbers: list[str] = []
    mark = os.urandom(8).hex()
    rows = [{c: _json_cell(row.get(c), numbers, mark) for c in report.columns}
            for row in report.rows]
    text = json.dumps(rows, ensure_ascii=False, indent=2, allow_nan=False)
    placeholder = re.compile(r'"\\u0000' + mark + r'(\d+)\\u0000"')
    return placeholder.sub(lambda m: numbers[int(m.group(1))], text) + "\n"


def terminal_text(text: str, one_line: bool = False) -> str:
    """Text as a terminal may show it: control characters (escape sequences that recolour,
    clear the screen, set a window title, write the clipboard) and bidirectional or other
    invisible format characters are written out as ``\\x1b``, ``\\u202e``; line breaks
    and spaces stay. ``one_line`` (an error message on stderr) writes out every character
    that is not printable, line breaks too, so that the message stays one line. CSV and
    JSON keep the text as it is, escaped by their own rules."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or (not one_line and _kept(ch))
                   else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _kept(ch: str) -> bool:
    """A non-printable character a table may show as it is: a line break, a space."""
    return ch == "\n" or unicodedata.category(ch) == "Zs"


def _human_rows(report: Report, stacked: tuple[str, ...] = ()) -> list[list[str]]:
    """The displayed cells as text; a list is one item per line in a ``stacked`` column,
    else comma-separated."""
    out = []
    for row in report.rows:
        cells = []
        for column, _heading in report.display:
            value = row.get(column)
            if isinstance(value, (list, tuple)):
                value = ("\n" if column in stacked else ", ").join(str(v) for v in value)
            cells.append(terminal_text(number_text(value)))
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
        title = terminal_text(report.title)
        lines.append(f"## {title}\n" if style == "pipe" else title)
    lines.append(body)
    if report.notes:
        lines.append("")
        lines.extend(terminal_text(note) for note in report.notes)
    return "\n".join(lines) + "\n"


WORD = 16  # words up to this long are kept whole where the room allows


def column_widths(headings: list[str], rows: list[list[str]], rigid: list[bool],
                  minimums: list[int], room: int) -> list[int] | None:
    """Text widths for a table's columns that fit in ``room`` cells (padding and rules
    excluded), or None when even the minimums do not fit.

    Every column is as wide as its widest cell if that fits. Otherwise:

    - a rigid column (numbers) keeps its widest cell; only its heading may wrap;
    - every other column is at least as wide as nine in ten of its words (up to
      WORD) if the room allows, so that common words are not broken;
    - on top of that the columns get the largest share q such that the widest of the
      narrowest q of each column's cells fit side by side, so that a few long cells fold
      rather than squeezing every column;
    - the room left over first makes whole the columns whose common (nine in ten),
      then longest words are cut (smallest cut first), then goes a cell at a time to
      the narrowest column that still folds.
    """
    from rich.cells import cell_len

    sizes = [sorted(max(cell_len(line) for line in row[i].split("\n")) for row in rows)
             or [0] for i in range(len(headings))]
    natural = [max(cell_len(h), column[-1]) for h, column in zip(headings, sizes)]
    if sum(natural) <= room:
        return natural
    words = [sorted(cell_len(word) for row in rows for word in row[i].split()) or [0]
             for i in range(len(headings))]
    heading_words = [max(cell_len(word) for word in h.split() or [""]) for h in headings]
    natural = [max(column[-1], word) if fixed else width
               for column, word, fixed, width in zip(sizes, heading_words, rigid, natural)]
    foldable = [i for i, fixed in enumerate(rigid) if not fixed]
    budget = room - sum(natural[i] for i, fixed in enumerate(rigid) if fixed)
    minimums = [min(least, most) for least, most in zip(minimums, natural)]
    common = {i: words[i][len(words[i]) * 9 // 10] for i in foldable}
    floors = {i: max(minimums[i], min(common[i], WORD)) for i in foldable}
    if sum(floors.values()) > budget:  # then citations and numbers before short words
        floors = {i: minimums[i] for i in foldable}

    def share(k: int) -> dict[int, int]:  # k: index into each column's sorted sizes
        return {i: max(floors[i], sizes[i][k]) for i in foldable}

    low, high = -1, len(sizes[0]) - 1  # share(low) fits; -1: the floors alone
    while low < high:
        middle = (low + high + 1) // 2
        if sum(share(middle).values()) <= budget:
            low = middle
        else:
            high = middle - 1
    widths = share(low) if low >= 0 else floors
    spare = budget - sum(widths.values())
    if spare < 0:
        return None
    for goal in (common, {i: words[i][-1] for i in foldable}):
        for i in sorted(foldable, key=lambda i: goal[i] - widths[i]):
            if 0 < goal[i] - widths[i] <= spare:
                spare -= goal[i] - widths[i]
                widths[i] = goal[i]
    while spare > 0:
        short = [i for i in foldable if widths[i] < natural[i]]
        if not short:
            break
        widths[min(short, key=lambda i: (widths[i], i))] += 1
        spare -= 1
    return [widths.get(i, natural[i]) for i in range(len(headings))]


def print_table(report: Report, console: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=terminal_text(report.title) or None, box=box.SIMPLE_HEAVY,
                  title_justify="left",
                  header_style="bold")
    narrow = console.width < 100
    shown = [(c, h) for c, h in report.display
             if not (narrow and c in report.optional)]  # a narrow terminal drops the optional
    indexes = [report.display.index(pair) for pair in shown]
    rows = [[cells[i] for i in indexes] for cells in _human_rows(report, report.stacked)]
    groups = [row.get(report.group_by) if report.group_by else None for row in report.rows]
    group_first = report.group_by is not None and shown[0][0] == report.group_by
    headed = report.headed and group_first
    if headed:
        shown, rows = shown[1:], [cells[1:] for cells in rows]  # named on heading rows
    elif group_first:
        previous = None  # the group's name on its first row only
        for cells in rows:
            cells[0], previous = ("" if cells[0] == previous else cells[0]), cells[0]
    headings = [heading for _c, heading in shown]
    # numbers and bars are never folded: a number broken over two lines reads wrong
    rigid = [c in report.align_right or c in ("chart", "year") for c, _h in shown]
    minimums = [min(max(len(heading), 4), 10) for heading in headings]
    # rich would measure every cell (twice when the table must fold); the widths are
    # worked out here from the plain text instead, in a fraction of the time for long
    # tables, and so that numbers never fold
    room = console.width - (len(shown) + 1) - 2 * len(shown)  # rules and padding
    sized = rows + [[str(group)] + [""] * (len(shown) - 1) for group in dict.fromkeys(groups)
                    ] if headed else rows  # the heading rows are in the first column
    widths = column_widths(headings, sized, rigid, minimums, room)
    for index, (column, heading) in enumerate(shown):
        table.add_column(heading, justify="right" if column in report.align_right else "left",
                         overflow="fold", no_wrap=column == "chart",
                         min_width=minimums[index],
                         width=widths[index] if widths else None)
    previous = None
    for group, cells in zip(groups, rows):
        if report.group_by and group != previous:
            if previous is not None:
                table.add_section()
            if headed:
                table.add_row(Text(terminal_text(str(group)), style="bold"))
        previous = group
        table.add_row(*[Text(cell) for cell in cells])
    console.print(table)
    for note in report.notes:
        console.print(terminal_text(note), highlight=False, markup=False)


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
