"""Rendering: one set of rows, every format.

Rows are plain dicts keyed by column name. CSV and JSON carry every column, numbers as
numbers with full precision; the human formats (table, markdown, plain) show a chosen
subset with numbers grouped for reading. Only this module and the CLI write output.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import unicodedata
from decimal import Decimal
from enum import Enum
from typing import Any, TextIO

import msgspec
from msgspec import field


class Format(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"
    json = "json"
    markdown = "markdown"
    plain = "plain"

    @property
    def for_people(self) -> bool:
        """Whether the format is read by a person (a table and its notes), not by a
        program or a spreadsheet (CSV, TSV, xlsx and JSON carry the columns only)."""
        return self not in _COLUMNS_ONLY


_COLUMNS_ONLY = (Format.csv, Format.tsv, Format.xlsx, Format.json)


# A spreadsheet runs a text cell starting with one of these as a formula (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Report(msgspec.Struct):
    """Rows plus how to show them to a person."""

    rows: list[dict[str, Any]]
    columns: list[str]  # every column, in order (csv/json)
    display: list[tuple[str, str]]  # (column, heading) for the human formats
    title: str = ""
    notes: list[str] = field(default_factory=list)  # said under a human table
    group_by: str | None = None  # column whose changes start a new table section
    headed: bool = False  # a rich table names each section on a row of its own instead
    align_right: tuple[str, ...] = ()
    stacked: tuple[str, ...] = ("where", "flags")  # a rich table lists their items a line each
    emphasis: dict[int, str] = field(default_factory=dict)  # row -> text a terminal highlights
    # (column, short, id): in a narrow table the column shows the row's ``short`` cell
    # and its reference starts with the ``id`` cell ("Metric": the name, the id below)
    narrow_label: tuple[str, str, str] | None = None
    whole: tuple[str, ...] = ()  # never wrapped either (a company's name in Chinese)
    # columns JSON adds after ``columns``: [low, high] ranges, which a CSV cell cannot
    # hold as one number (docs/output.md#digits)
    json_columns: list[str] = field(default_factory=list)


class Printed(Decimal):
    """A number exactly as its report prints it (``45.40``, ``690.0``): CSV and JSON write
    every digit, trailing zeros included, where a computed Decimal is written without its
    trailing zeros (docs/output.md#digits)."""

    __slots__ = ()


def _digits_kept(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent
    return isinstance(value, Printed) and isinstance(exponent, int) and exponent < 0


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
    if _digits_kept(value):
        return format(value, "f")
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.normalize())


def _csv_number(value: Decimal) -> str:
    """Every digit; computed figures already have the digits their inputs allow, and a
    number as printed keeps its trailing zeros."""
    if _digits_kept(value):
        return format(value, "f")
    return format(value.normalize(), "f") if value != 0 else "0"


def listed(items: list[Any] | tuple[Any, ...], separator: str) -> str:
    """A list as one cell: derivation inputs by their sentences ("; " between them),
    anything else item by item with ``separator``."""
    if items and isinstance(items, list) and isinstance(items[0], dict):
        return "; ".join(str(item.get("text", "")) for item in items)
    return separator.join(map(str, items))


def _csv_cell(value: Any) -> Any:
    if type(value) is str:  # the common cases first: text, nothing, a list (mostly empty)
        return "'" + value if value.startswith(_FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if not value:
            return ""
        value = listed(value, ";")
    elif isinstance(value, Decimal):
        return _csv_number(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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


# a text that starts a formula, in texts each led by NUL (a false alarm costs time only)
_FORMULA_IN = re.compile("\x00[" + re.escape("".join(_FORMULA_START)) + "]")


def _csv_column(cells: list[Any]) -> list[Any]:
    """One column's cells as CSV writes them, as _csv_cell would make each, a column at
    once. A column with no list and no Decimal (most: text, whole numbers, blanks) is
    written as it is unless a text in it starts a formula: the csv module writes None as
    an empty cell itself."""
    kinds = set(map(type, cells))
    if not any(issubclass(kind, (list, tuple, Decimal)) for kind in kinds):
        texts = cells if all(issubclass(kind, str) for kind in kinds) else [
            cell for cell in cells if isinstance(cell, str)]
        if not _FORMULA_IN.search("\x00" + "\x00".join(texts)):
            return cells
    elif kinds <= {Decimal, type(None)}:
        return ["" if cell is None else _csv_number(cell) for cell in cells]
    elif kinds <= {list, tuple} and not any(cells):
        return [""] * len(cells)
    return list(map(_csv_cell, cells))


def to_csv(report: Report, bom: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(report.columns)
    rows = report.rows
    writer.writerows(zip(*[_csv_column([row.get(c) for row in rows])
                           for c in report.columns]))
    return ("\ufeff" if bom else "") + buffer.getvalue()


_TSV_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def to_tsv(report: Report, bom: bool = False) -> str:
    """Tab-separated, for pasting into a spreadsheet or `cut -f`: the CSV's cells, with
    no quoting, so a tab or line break inside a text becomes a space."""
    lines = ["\t".join(report.columns)]
    columns = [_csv_column([row.get(c) for row in report.rows]) for c in report.columns]
    for cells in zip(*columns):
        lines.append("\t".join("" if cell is None else str(cell).translate(_TSV_BREAKS)
                               for cell in cells))
    return ("\ufeff" if bom else "") + "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    numbers: list[str] = []
    mark = os.urandom(8).hex()
    rows = [{c: _json_cell(row.get(c), numbers, mark) for c in report.columns
             + report.json_columns}
            for row in report.rows]
    import json

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
    rows = _human_rows(report)
    if style == "pipe":
        headings = [markdown_cell(heading) for heading in headings]
        rows = [[markdown_cell(cell) for cell in row] for row in rows]
    body = tabulate(rows, headers=headings, tablefmt=style, colalign=align,
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


def markdown_cell(text: str) -> str:
    """A cell's text as one cell of a Markdown table: a '|' would end the cell and a line
    break the row, so catalog text could make cells and rows of its own."""
    if "|" in text:  # (a backslash before it would escape the escape: doubled too)
        text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\n", "<br>")


def render(report: Report, fmt: Format, stream: TextIO, bom: bool = False) -> None:
    """Write the report to ``stream`` in a text format: csv, tsv, json, markdown or plain
    (the terminal table is esgcmp.terminal's, xlsx esgcmp.workbook's)."""
    if fmt is Format.csv:
        stream.write(to_csv(report, bom=bom))
    elif fmt is Format.tsv:
        stream.write(to_tsv(report, bom=bom))
    elif fmt is Format.json:
        stream.write(to_json(report))
    elif fmt is Format.markdown:
        stream.write(to_tabulate(report, "pipe"))
    elif fmt is Format.plain:
        stream.write(to_tabulate(report, "simple"))
    else:
        raise ValueError(f"{fmt.value} is not a text format")
