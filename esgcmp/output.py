"""Rendering: one set of rows, every format.

Rows are plain dicts keyed by column name. CSV and JSON carry every column, numbers as
numbers with full precision; the human formats (table, markdown, plain) show a chosen
subset with numbers grouped for reading. Only this module and the CLI write output.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
import re
import sys
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


# Where a line may break inside a word: beside a CJK character (Chinese is written without
# spaces); a run of other characters (a number, an id, a unit, a citation) is never broken.
# Compiled when a table first wraps (3 ms: the classes are large), not at every start.
_PIECES = (r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\u2e80-\u9fff"
           r"\uf900-\ufaff\uff00-\uffef]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def cell_len(text: str) -> int:
    """The cells a text takes on a terminal (rich's measure; ASCII text is one a
    character, which is most of a table and is counted at once)."""
    if text.isascii() and text.isprintable():
        return len(text)
    from rich.cells import cell_len as measured

    return measured(text)


# Chinese line breaking (as the kinsoku rules of CJK typesetting): a line never begins
# with closing punctuation nor ends with an opening bracket, and a short bracketed group
# (（範疇二）) stays whole, so that a name is not cut inside its bracket.
_OPENING = "（「『《〈【〔(["
_CLOSING = "）」』》〉】〕)]，。、：；！？"
_SHORT_GROUP = 6  # characters inside the brackets


def pieces(word: str) -> list[str]:
    """A word's unbreakable pieces: each CJK character, and each run of other characters;
    punctuation kept with the character it belongs to, a short bracketed group whole."""
    found = re.findall(_PIECES, word)
    if len(found) < 2 or not any(p in _OPENING or p in _CLOSING for p in found):
        return found
    merged: list[str] = []
    index = 0
    while index < len(found):
        piece = found[index]
        if piece in _OPENING:
            close = next((j for j in range(index + 1, min(len(found), index + _SHORT_GROUP + 2))
                          if found[j] in _CLOSING), None)
            end = close if close is not None else min(index + 1, len(found) - 1)
            piece = "".join(found[index:end + 1])
            index = end
        if merged and piece[:1] in _CLOSING:
            merged[-1] += piece
        else:
            merged.append(piece)
        index += 1
    return merged


@functools.lru_cache(maxsize=4096)  # a cell is measured in each layout a table is tried in
def piece_width(text: str) -> int:
    """The widest unbreakable piece of a text: the least width that wraps it whole."""
    return max((cell_len(piece) for word in text.split() for piece in pieces(word)),
               default=0)


# Where a run of Chinese breaks best: after a closing bracket or punctuation, after a
# particle that ends a phrase (的, 及, 與, 和, 或), before an opening bracket
_PHRASE_END = set(_CLOSING) | set("的及與与和或")


def _phrase_break(line: str, word_start: int, piece: str, width: int) -> int | None:
    """Where in ``line`` (its characters from ``word_start`` are the current word's) a
    Chinese run is better broken than before ``piece``: the last phrase boundary whose
    rest of the line fits beside ``piece``; None when there is none."""
    for at in range(len(line) - 1, word_start, -1):
        if line[at - 1] in _PHRASE_END or line[at] in _OPENING:
            if cell_len(line[at:]) + cell_len(piece) <= width:
                return at
            return None
    return None


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, broken at spaces and beside CJK characters (a
    Chinese run at a phrase boundary where one fits, and never leaving its last character
    alone on a line); a piece wider than ``width`` (only when even a stacked record
    cannot hold it) is cut."""
    from rich.cells import chop_cells

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, size = "", 0
        words = paragraph.split()
        for number, word in enumerate(words):
            parts = pieces(word)
            word_start = len(line) + (1 if line else 0)
            for index, piece in enumerate(parts):
                gap = 1 if index == 0 and line else 0
                length = cell_len(piece)
                if line and size + gap + length > width:
                    at = None
                    # a break before an opening bracket or after a phrase's end is good
                    if (index and _CJK.match(piece) and piece[0] not in _OPENING
                            and line[-1] not in _PHRASE_END):
                        at = _phrase_break(line, word_start, piece, width)
                        last = index == len(parts) - 1 and number == len(words) - 1
                        if (at is None and last and len(piece) == 1
                                and len(line) - word_start > 1
                                and _CJK.match(line[-1])
                                and length + cell_len(line[-1]) <= width):
                            at = len(line) - 1  # not a character alone on the last line
                    if at is not None:
                        lines.append(line[:at])
                        line, gap = line[at:], 0
                        size, word_start = cell_len(line), 0
                    else:
                        lines.append(line)
                        line, size, gap, word_start = "", 0, 0, 0
                if length > width:
                    *whole, piece = chop_cells(piece, max(width, 1))
                    lines.extend(whole)
                    length = cell_len(piece)
                line += " " * gap + piece
                size += gap + length
        lines.append(line)
    return lines


def column_widths(headings: list[str], rows: list[list[str]], rigid: list[bool],
                  minimums: list[int], room: int) -> list[int] | None:
    """Text widths for a table's columns that fit in ``room`` cells (padding and rules
    excluded), or None when even the least widths do not fit.

    Every column is as wide as its widest cell if that fits. Otherwise a rigid column
    (numbers, units) keeps its widest cell and only its heading may wrap; every other
    column starts at its ``minimum`` (its widest unbreakable piece, so that nothing is
    broken inside) and the room left is shared out by water-filling: the columns that
    need least to be whole are made whole first, and what remains is shared equally by
    the wider ones, so that one long column does not squeeze the short ones.
    """
    widest = [max([cell_len(line) for row in rows for line in row[i].split("\n")] + [0])
              for i in range(len(headings))]
    natural = [max(cell_len(h), w) for h, w in zip(headings, widest)]
    if sum(natural) <= room:
        return natural
    heading_words = [max(cell_len(word) for word in h.split() or [""]) for h in headings]
    widths = [max(w, word) if fixed else min(max(least, 1), most)
              for w, word, fixed, least, most in zip(widest, heading_words, rigid, minimums,
                                                     natural)]
    natural = [max(w, word) if fixed else most
               for w, word, fixed, most in zip(widest, heading_words, rigid, natural)]
    spare = room - sum(widths)
    if spare < 0:
        return None
    short = {i for i in range(len(widths)) if widths[i] < natural[i]}
    while short and spare > 0:
        fair = spare // len(short)
        whole = {i for i in short if natural[i] - widths[i] <= fair}
        if not whole:  # share what is left; the remainder to the leftmost
            for n, i in enumerate(sorted(short)):
                widths[i] += fair + (1 if n < spare % len(short) else 0)
            break
        for i in whole:
            spare -= natural[i] - widths[i]
            widths[i] = natural[i]
        short -= whole
    return widths


_WHOLE = ("chart", "year", "unit")  # never wrapped, as numbers are not


class _Layout(msgspec.Struct):
    """A report's displayed cells, as the terminal table and the stacked records use them."""

    columns: list[str]
    headings: list[str]
    rows: list[list[str]]
    groups: list[Any]  # each row's group (None without group_by)
    named_groups: bool  # the groups are named on lines of their own, not in a column
    group_first: bool  # the first column is the group (trend's company)


def _layout(report: Report) -> _Layout:
    rows = _human_rows(report, report.stacked)
    columns = [column for column, _h in report.display]
    headings = [heading for _c, heading in report.display]
    groups = [row.get(report.group_by) if report.group_by else None for row in report.rows]
    group_first = report.group_by is not None and columns[0] == report.group_by
    if report.headed and group_first:  # named on heading rows
        return _Layout(columns[1:], headings[1:], [cells[1:] for cells in rows], groups,
                       True, False)
    return _Layout(columns, headings, rows, groups, False, group_first)


# The widths a crowded table is laid out denser at (_crowded): a narrow terminal, 80
# columns or a split window; from 100 columns the compact layout holds its rows.
CROWDED_BELOW = 100

# Columns a narrow terminal moves out of the table into numbered references under it:
# long, and read after the company, the year, the value and the flags.
REFERENCED = ("kind", "kinds", "as_printed", "where")


def _sized(layout: _Layout, report: Report, width: int, whole: tuple[str, ...] = _WHOLE,
           edge: bool = True) -> tuple[list[int] | None, bool, list[bool]]:
    """The layout's column widths on a terminal ``width`` wide (None: they cannot fit),
    whether every column is as wide as its widest cell (nothing wraps), and which
    columns are rigid (those aligned right, and the ``whole`` ones). Without ``edge`` the
    table has no blank edge around it (4 cells more for the columns)."""
    right = [column in report.align_right for column in layout.columns]
    rigid = [r or column in whole or column in report.whole
             for r, column in zip(right, layout.columns)]
    minimums = [max([piece_width(row[i]) for row in layout.rows]
                    + [piece_width(layout.headings[i])]) for i in range(len(layout.columns))]
    room = width - 3 * len(layout.columns) - (1 if edge else -3)  # padding, gaps, edges
    sized = layout.rows + ([[str(g)] + [""] * (len(layout.columns) - 1)
                            for g in dict.fromkeys(layout.groups)]
                           if layout.named_groups else [])
    widths = column_widths(layout.headings, sized, rigid, minimums, room)
    natural = widths is not None and all(
        w >= max([cell_len(line) for row in sized for line in row[i].split("\n")]
                 + [cell_len(layout.headings[i])])
        for i, w in enumerate(widths))
    return widths, natural, rigid


def _compact(report: Report, also: tuple[str, ...] = (), headed: bool = False,
             cited: str = "") -> tuple[_Layout, list[str]] | None:
    """The report with its REFERENCED columns (and ``also`` these) moved into numbered
    references (a row's cells there, joined; rows that cite alike share a number) and its
    lists on one line: the layout, and the references in order. None when the report
    has no such column. With ``cited``, a report's name, the references name that
    report once, above them, and cite its lines alone (``lines 4339, 2027``)."""
    moved = [c for c, _h in report.display if c in REFERENCED or c in also]
    if not any(c in REFERENCED for c in moved):
        return None
    kept = [(c, h) for c, h in report.display if c not in moved]
    named = {c: h or c for c, h in report.display}
    numbers: dict[str, int] = {}
    marks = []
    label, short, ident = report.narrow_label or ("", "", "")
    for row in report.rows:
        parts = [str(row[ident])] if label and row.get(ident) else []
        for column in moved:
            value = row.get(column)
            if cited and column == "where" and isinstance(value, (list, tuple)):
                value = _lines_cited(value, cited)
            elif isinstance(value, (list, tuple)):  # citations hold commas; flags do not
                value = (", " if column == "flags" else "; ").join(str(v) for v in value)
            text = number_text(value)
            if text and not (column == "kind" and text == "reported"):
                parts.append(f"{named[column]}: {text}" if column in also else text)
        said = ", ".join(parts)
        marks.append(f"[{numbers.setdefault(said, len(numbers) + 1)}]" if said else "")
    shown = msgspec.structs.replace(
        report, display=[*kept, ("ref", "")], stacked=(), headed=report.headed or headed,
        rows=[{**row, "ref": mark, **({label: row.get(short)} if label else {})}
              for row, mark in zip(report.rows, marks)])
    references = [f"[{n}] {terminal_text(said)}" for said, n in numbers.items()]
    if cited:
        references.insert(0, terminal_text(
            f"Lines of {cited} unless another report is named:"))
    return _layout(shown), references


# A citation as wording.cite makes it: "CU CSR 2020, line 4299" (in a PDF, with its page);
# not one an intensity's row names its metric in ("ghg: CU CSR 2020, line 4299")
_CITATION = re.compile(r"(?![\w.-]+: )(?P<report>.+?), "
                       r"(?P<at>(?:page \d+, )?line (?P<line>\d+))")


def _most_cited(report: Report) -> str:
    """The report the most rows cite (in the ``where`` column), or "" when none is cited
    by more than one row: a crowded table names it once, above its references."""
    counts: dict[str, int] = {}
    for row in report.rows:
        where = row.get("where")
        if isinstance(where, (list, tuple)):
            found = (_CITATION.fullmatch(str(citation)) for citation in where)
            for name in dict.fromkeys(m.group("report") for m in found if m):
                counts[name] = counts.get(name, 0) + 1
    name, count = max(counts.items(), key=lambda item: item[1], default=("", 0))
    return name if count > 1 else ""


def _lines_cited(where: list[Any] | tuple[Any, ...], cited: str) -> str:
    """A row's citations with the lines of one report together (``CU CSR 2020 (EN),
    lines 412, 23``), and those of ``cited`` without its name (``line 4299``)."""
    by_report: dict[str, list[str]] = {}
    for citation in map(str, where):
        found = _CITATION.fullmatch(citation)
        if found is None or found.group("at") != f"line {found.group('line')}":
            by_report.setdefault(citation, [])  # a page, or a text: as it is
        else:
            by_report.setdefault(found.group("report"), []).append(found.group("line"))
    said = []
    for name, lines in by_report.items():
        at = (f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(lines)}"
              if lines else "")
        said.append(at if name == cited and at else ", ".join(filter(None, (name, at))))
    return "; ".join(said)


class _Plan(msgspec.Struct):
    """How a table is laid out on a terminal: its layout, the column widths (None: stacked
    records), which columns are rigid, the references under it, whether it is crowded,
    and the lines the table and its references take (a large number for records)."""

    layout: _Layout
    widths: list[int] | None
    rigid: list[bool]
    references: list[str]
    crowded: bool
    lines: int


def _plan(report: Report, width: int) -> _Plan:
    """The layout that takes fewest lines: the table as it is, its long columns moved
    into references, or crowded; stacked records when none fits."""
    crowded = False  # the rows wrap even in the compact layout: _crowded's layout
    layout = _layout(report)
    widths, natural, rigid = _sized(layout, report, width)
    references: list[str] = []
    lines = _height(layout, widths) if widths is not None else None
    if not natural:  # the fewest lines: wrapped, or the long columns as references
        # the flags too, where a row would wrap with them;
        # the group (trend's company) on a line of its own; an intensity's inputs last
        ratio = any(column == "per_value" for column, _h in report.display)
        # a change in units too, where its long numbers leave no room (show --change at
        # 80 columns): its per cent stays in the table
        change = width < CROWDED_BELOW and tuple(
            column for column, _h in report.display if column in ("change", "base_change"))
        chosen: tuple[tuple[str, ...], bool] | None = None
        tried = (((), False), (("flags",), False), (("flags",), True),
                 *([(("flags", "value", "per_value"), True)] if ratio else []),
                 *([(("flags", *change), True)] if change else []))
        for also, headed in tried:
            compact = _compact(report, also, headed)
            if compact is None:
                break
            narrow, said = compact
            narrow_widths, _natural, narrow_rigid = _sized(narrow, report, width)
            if narrow_widths is None:
                continue
            height = _height(narrow, narrow_widths) + _reference_lines(said, width)
            if lines is None or height < lines:
                layout, widths, rigid, references = narrow, narrow_widths, narrow_rigid, said
                lines, chosen = height, (also, headed)
        # crowded, in a narrow terminal: the rows still wrap to more than a line and a
        # half each, or even the compact layouts cannot fit (stacked records take more)
        if width < CROWDED_BELOW and (widths is None or (
                chosen is not None and lines is not None
                and lines - len(references) > len(layout.rows))):
            denser = _crowded(report, width, *(chosen or tried[-1]))
            if denser is not None and (lines is None or denser[-1] < lines):
                layout, widths, rigid, references, lines = denser
                crowded = True
    if widths is None or lines is None:
        return _Plan(layout, None, rigid, references, crowded, sys.maxsize)
    return _Plan(layout, widths, rigid, references, crowded, lines)


def print_table(report: Report, console: Any, whole_notes: bool = False) -> None:
    """The terminal table: every cell whole, no line wider than the terminal. Text wraps
    at spaces (and beside CJK characters); numbers, ids, units, citations and flags are
    never broken. When the columns do not fit side by side unwrapped, the long ones (as
    printed, source, kind) move into numbered references under the table, so that a row
    stays one line; when even that cannot fit, each row becomes a stacked record
    (docs/output.md)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    plan = _plan(report, console.width)
    yearless = _one_year_in_title(report, console.width)
    if yearless is not report:  # the year said once, where that saves a line
        other = _plan(yearless, console.width)
        if other.widths is not None and (plan.widths is None or other.lines < plan.lines):
            report, plan = yearless, other
    _print_title(report, console)
    layout, widths, rigid, references, crowded = (plan.layout, plan.widths, plan.rigid,
                                                  plan.references, plan.crowded)
    right = [column in report.align_right for column in layout.columns]
    fold = _balanced if crowded else wrap
    if widths is None:
        _print_records(layout, rigid, console, report.emphasis)
    else:
        table = Table(box=box.SIMPLE_HEAVY, header_style="bold", expand=False,
                      show_edge=not crowded, pad_edge=not crowded)
        for heading, width, r in zip(layout.headings, widths, right):
            table.add_column("\n".join(wrap(heading, width)), width=width, no_wrap=True,
                             justify="right" if r else "left")
        previous = None
        for index, (group, cells) in enumerate(zip(layout.groups, layout.rows)):
            shown = list(cells)
            if report.group_by and group != previous:
                if previous is not None:
                    table.add_section()
                if layout.named_groups:
                    table.add_row(Text(terminal_text(str(group)), style="bold",
                                       justify="left"))
            elif layout.group_first:
                shown[0] = ""  # the group's name on its first row only
            previous = group
            table.add_row(*[_emphasised("\n".join(fold(cell, width)),
                                        report.emphasis.get(index))
                            for cell, width in zip(shown, widths)])
        console.print(table)
    if references:
        console.print(Text("\n").join(
            Text(line) for reference in references
            for line in (_hanging(reference, console.width) if reference.startswith("[")
                         else wrap(reference, console.width))))
        console.print()
    if report.notes:  # at once: a print per line costs more than the lines
        notes = [terminal_text(note) for note in report.notes]
        if not whole_notes:
            notes = briefly(_said_once(notes, console.width) if crowded
                            else notes, console.width)
        console.print(Text("\n").join(Text(note) for note in notes))


def _crowded(report: Report, width: int, also: tuple[str, ...],
             headed: bool) -> tuple[_Layout, list[int], list[bool], list[str], int] | None:
    """The compact layout of a crowded table (its rows still wrap to more than a line and
    a half each, as ``show``'s at 80 columns, or it would be stacked records): no blank
    edge around the table, the report most cited named once above the references, and a
    long unit broken after a '/' when the room it gives a wrapped column saves lines.
    The layout, its widths, its rigid columns, the references and the lines they take;
    None when it cannot fit."""
    compact = _compact(report, also, headed, _most_cited(report))
    if compact is None:
        return None
    narrow, said = compact
    best = None
    for layout in (narrow, _units_broken(narrow)):
        widths, _natural, rigid = _sized(layout, report, width, edge=False)
        if widths is None:
            continue
        height = _height(layout, widths) + _reference_lines(said, width)
        if best is None or height < best[-1]:
            best = (layout, widths, rigid, said, height)
    return best


def _balanced(text: str, width: int) -> list[str]:
    """A cell wrapped to as few lines as at ``width``, each as short as that allows, so
    that a crowded table's label does not leave a word or two on a line of their own
    (``Greenhouse gas emissions`` above ``(Scope 1 + 2)``, not ``... (Scope 1 +`` above
    ``2)``)."""
    lines = wrap(text, width)
    if len(lines) < 2:
        return lines
    least, most = max(piece_width(text), 1), width  # the narrowest as few lines fit in
    while least < most:
        middle = (least + most) // 2
        if _lines_of(text, middle) > len(lines):
            least = middle + 1
        else:
            most = middle
    return wrap(text, least)


def _units_broken(layout: _Layout) -> _Layout:
    """The layout with each unit wider than the widest part of any unit between slashes
    (``person_times/``, ``(10^6 persons)``) broken after a '/', as a long address is."""
    if "unit" not in layout.columns:
        return layout
    at = layout.columns.index("unit")
    least = max((cell_len(part) for row in layout.rows
                 for part in re.findall(r"[^/]*/|[^/]+", row[at])),
                default=0)
    least = max(least, piece_width(layout.headings[at]))
    rows = [[*row[:at], _broken_after_slashes(row[at], least), *row[at + 1:]]
            for row in layout.rows]
    return msgspec.structs.replace(layout, rows=rows)


def _broken_after_slashes(unit: str, width: int) -> str:
    """A unit on lines of at most ``width`` cells, broken only after a '/'."""
    lines = [""]
    for part in re.findall(r"[^/]*/|[^/]+", unit):
        if lines[-1] and cell_len(lines[-1] + part) > width:
            lines.append(part)
        else:
            lines[-1] += part
    return "\n".join(lines)


# A note about one value: "china-unicom coal 2020: Label carries footnote 5: ..."
_VALUE_NOTE = re.compile(r"(?P<company>\S+) (?P<metric>\S+) (?P<year>\d{4}): (?P<text>.+)",
                         re.DOTALL)


def _said_once(notes: list[str], width: int) -> list[str]:
    """The notes with those that say the same of several values of one company and year
    made one, naming the values (``china-unicom gasoline, diesel and coal 2020: ...``),
    or the first and how many more where their names would take over half the line (a
    brief note is cut to the line: its text, not a list of names, is what it says)."""
    from .wording import and_

    metrics: dict[tuple[str, str, str], list[str]] = {}
    for note in notes:
        found = _VALUE_NOTE.fullmatch(note)
        if found is not None:
            key = (found.group("company"), found.group("year"), found.group("text"))
            metrics.setdefault(key, []).append(found.group("metric"))
    said: list[str] = []
    for note in notes:
        found = _VALUE_NOTE.fullmatch(note)
        if found is None:
            said.append(note)
            continue
        company, year, text = key = (found.group("company"), found.group("year"),
                                     found.group("text"))
        named = metrics[key]
        if len(named) == 1:
            said.append(note)
            continue
        if named[0] != found.group("metric"):  # said where it is first said
            continue
        values = and_(named)
        if cell_len(f"{company} {values} {year}: ") > width // 2:
            values = f"{named[0]} and {len(named) - 1} more"
        said.append(f"{company} {values} {year}: {text}")
    return said


def briefly(notes: list[str], width: int) -> list[str]:
    """Each note on one line of ``width`` cells: a longer one cut at a word (or beside a
    CJK character) and ended with '…', and a last line saying how many were cut and how
    to see them whole. A terminal table's notes are read at a glance; the whole text
    stays in --notes all, plain, markdown and the CSV/JSON columns. The legend of the
    reports stays whole."""
    from .wording import LEGEND

    shown: list[str] = []
    cut = 0
    for note in notes:
        if note.startswith(LEGEND) or ("\n" not in note and cell_len(note) <= width):
            shown.append(note)
            continue
        flat = " ".join(note.split())  # a note of several lines (a derivation's inputs)
        if cell_len(flat) <= width:
            shown.append(flat)
            continue
        cut += 1
        first = wrap(flat, max(width - 1, 1))[0]
        shown.append(first.rstrip(" ,;:") + "…")
    if cut:
        shown.append(f"{cut} notes cut to a line; --notes all shows them whole." if cut > 1
                     else "1 note cut to a line; --notes all shows it whole.")
    return shown


def _height(layout: _Layout, widths: list[int]) -> int:
    """The lines a table of this layout takes at these widths (its rows, wrapped)."""
    return sum(max(_lines_of(cell, width) for cell, width in zip(row, widths))
               for row in layout.rows) + (len(set(layout.groups)) if layout.named_groups
                                          else 0)


def _lines_of(cell: str, width: int) -> int:
    """The lines a cell takes wrapped to ``width``: most fit on one and are not wrapped
    (the layouts a table is tried in hold the same cells: the others are counted once)."""
    if "\n" not in cell and cell_len(cell) <= width:
        return 1
    return _wrapped_lines(cell, width)


@functools.lru_cache(maxsize=4096)
def _wrapped_lines(cell: str, width: int) -> int:
    return len(wrap(cell, width))


def _reference_lines(references: list[str], width: int) -> int:
    """The lines the references take under a table ``width`` wide, as printed: a layout
    that moves the flags into its references pays for the lines they wrap to."""
    return sum(len(_hanging(r, width)) if r.startswith("[") else len(wrap(r, width))
               for r in references)


def _hanging(text: str, width: int) -> list[str]:
    """A reference wrapped to ``width``, its later lines indented under its text."""
    mark, _space, rest = text.partition(" ")
    indent = " " * (cell_len(mark) + 1)
    lines = wrap(rest, max(width - len(indent), 1))
    return [f"{mark} {lines[0]}", *(indent + line for line in lines[1:])]


def _emphasised(text: str, words: str | None) -> Any:
    """A cell as rich Text, the words a report emphasises (a quoted value) highlighted."""
    from rich.text import Text

    cell = Text(text)
    if words:  # whole: 11.7 is not highlighted inside 211.7 or 11.75
        cell.highlight_regex(rf"(?<![\d.]){re.escape(words)}(?![\d])", style="reverse")
    return cell


def _one_year_in_title(report: Report, width: int) -> Report:
    """Below 100 columns, a table whose rows all have one year (`compare ghg`) and that
    does not fit as it is says the year once, in its title, instead of in a column: the
    room it gives keeps a row's flags on its line."""
    if width >= CROWDED_BELOW or report.group_by == "year" or not report.rows or not any(
            column == "year" for column, _h in report.display):
        return report
    years = {row.get("year") for row in report.rows}
    if len(years) != 1 or None in years:
        return report
    if _sized(_layout(report), report, width)[1]:  # it fits whole: nothing to gain
        return report
    year = years.pop()
    return msgspec.structs.replace(
        report, title=f"{report.title}, {year}" if report.title else str(year),
        display=[(column, heading) for column, heading in report.display if column != "year"])


def _print_title(report: Report, console: Any) -> None:
    from rich.text import Text

    if report.title:
        title = terminal_text(report.title)
        console.print(Text("\n".join(wrap(title, console.width)), style="bold"),
                      soft_wrap=True)
        console.print()


def _print_records(layout: _Layout, rigid: list[bool], console: Any,
                   emphasis: dict[int, str]) -> None:
    """One stacked record per row: a heading line (the row's first cell, and its year),
    then each other non-empty cell beside its column heading, wrapped to the terminal
    (a rigid cell, a number or a unit, on one line)."""
    from rich.text import Text

    lead = 2 if layout.columns[1:2] == ["year"] else 1
    fields = range(lead, len(layout.columns))
    value_room = max(((max(map(cell_len, row[i].split("\n"))) if rigid[i]
                       else piece_width(row[i])) for row in layout.rows for i in fields),
                     default=0)
    label_width = min(max((cell_len(layout.headings[i]) for i in fields), default=0),
                      max(console.width - 4 - value_room,
                          max((piece_width(layout.headings[i]) for i in fields), default=0)))
    value_width = max(console.width - 4 - label_width, 1)
    out: list[Any] = []  # printed at once: a print per line costs more than the lines
    previous = None
    for index, (group, cells) in enumerate(zip(layout.groups, layout.rows)):
        if layout.named_groups and group != previous:
            for line in wrap(terminal_text(str(group)), console.width):
                out.append(Text(line, style="bold underline"))
            out.append(Text(""))
        previous = group
        for line in wrap(", ".join(cell for cell in cells[:lead] if cell), console.width):
            out.append(Text(line, style="bold"))
        for i in fields:
            if not cells[i]:
                continue
            labels = wrap(layout.headings[i] or layout.columns[i], label_width)
            values = cells[i].split("\n") if rigid[i] else wrap(cells[i], value_width)
            for n in range(max(len(labels), len(values))):
                label = labels[n] if n < len(labels) else ""
                value = values[n] if n < len(values) else ""
                pad = " " * (label_width - cell_len(label))
                out.append(_emphasised(f"  {label}{pad}  {value}".rstrip(),
                                       emphasis.get(index)))
        out.append(Text(""))
    console.print(Text("\n").join(out), soft_wrap=True)


def render(report: Report, fmt: Format, stream: TextIO, console: Any = None,
           bom: bool = False, whole_notes: bool = False) -> None:
    """Write the report to ``stream`` in ``fmt`` (table needs the rich ``console``; its
    notes are cut to a line each unless ``whole_notes``, --notes all)."""
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
        print_table(report, console, whole_notes)
