"""The terminal table (rich): every cell whole, no line wider than the terminal; when
the columns do not fit, the long ones move into numbered references, a crowded table takes
a denser layout, and only when nothing fits does a row become a stacked record
(docs/output.md)."""

from __future__ import annotations

import functools
import re
import sys
from typing import Any

import msgspec

from .output import Report, _human_rows, number_text, terminal_text
from .wrapping import cell_len, column_widths, piece_width, wrap

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
    natural: bool = False  # every column as wide as its widest cell: nothing wraps


def _plan(report: Report, width: int) -> _Plan:
    """The layout that takes fewest lines: the table as it is, its long columns moved
    into references, or crowded; stacked records when none fits."""
    if "flags" in report.stacked:  # a row's flags on its line, where the table fits so
        flat = msgspec.structs.replace(
            report, stacked=tuple(c for c in report.stacked if c != "flags"))
        layout = _layout(flat)
        widths, natural, rigid = _sized(layout, flat, width)
        if natural and widths is not None:
            return _Plan(layout, widths, rigid, [], False, _height(layout, widths), True)
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
        # 80 or 100 columns): its per cent stays in the table
        change = tuple(
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
    return _Plan(layout, widths, rigid, references, crowded, lines, natural)


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
    yearless = report if plan.natural else _one_year_in_title(report, console.width)
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
    """Below 100 columns, a table whose rows all have one year (`compare ghg`) says the
    year once, in its title, instead of in a column (for a table that does not fit as it
    is: the room it gives keeps a row's flags on its line)."""
    if width >= CROWDED_BELOW or report.group_by == "year" or not report.rows or not any(
            column == "year" for column, _h in report.display):
        return report
    years = {row.get("year") for row in report.rows}
    if len(years) != 1 or None in years:
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


_SHORT_FIELD = 36  # cells: a record's column this short in every record shares a line


def _print_records(layout: _Layout, rigid: list[bool], console: Any,
                   emphasis: dict[int, str]) -> None:
    """One stacked record per row: a heading line (the row's first cell, and its year),
    then each other non-empty cell beside its column heading, wrapped to the terminal
    (a rigid cell, a number or a unit, on one line). Cells of columns that are short in
    every record and follow each other share a line where they all fit on it (``Unit  tce
    HKEX  A2.1   GRI  302-1``), as `ls -l` keeps a file's facts on one line."""
    from rich.text import Text

    lead = 2 if layout.columns[1:2] == ["year"] else 1
    fields = range(lead, len(layout.columns))
    packable = {i for i in fields  # short in every record: the records look alike
                if all("\n" not in row[i] and cell_len(layout.headings[i] or layout.columns[i])
                       + 2 + cell_len(row[i]) <= _SHORT_FIELD for row in layout.rows)}
    value_room = max(((max(map(cell_len, row[i].split("\n"))) if rigid[i]
                       else piece_width(row[i])) for row in layout.rows for i in fields),
                     default=0)
    label_width = min(max((cell_len(layout.headings[i]) for i in fields), default=0),
                      max(console.width - 4 - value_room,
                          max((piece_width(layout.headings[i]) for i in fields), default=0)))
    value_width = max(console.width - 4 - label_width, 1)
    out: list[Any] = []  # printed at once: a print per line costs more than the lines

    def aligned(i: int, cells: list[str], index: int) -> None:
        labels = wrap(layout.headings[i] or layout.columns[i], label_width)
        values = cells[i].split("\n") if rigid[i] else wrap(cells[i], value_width)
        for n in range(max(len(labels), len(values))):
            label = labels[n] if n < len(labels) else ""
            value = values[n] if n < len(values) else ""
            pad = " " * (label_width - cell_len(label))
            out.append(_emphasised(f"  {label}{pad}  {value}".rstrip(), emphasis.get(index)))

    def runs(cells: list[str]) -> list[list[int]]:
        """The record's non-empty cells in order, consecutive packable ones together."""
        found: list[list[int]] = []
        for i in fields:
            if not cells[i]:
                continue
            if i in packable and found and found[-1][-1] in packable:
                found[-1].append(i)
            else:
                found.append([i])
        return found

    previous = None
    for index, (group, cells) in enumerate(zip(layout.groups, layout.rows)):
        if layout.named_groups and group != previous:
            for line in wrap(terminal_text(str(group)), console.width):
                out.append(Text(line, style="bold underline"))
            out.append(Text(""))
        previous = group
        for line in wrap(", ".join(cell for cell in cells[:lead] if cell), console.width):
            out.append(Text(line, style="bold"))
        for run in runs(cells):
            line = "  " + "   ".join(
                f"{layout.headings[i] or layout.columns[i]}  {cells[i]}" for i in run)
            if len(run) > 1 and cell_len(line) <= console.width:
                out.append(_emphasised(line, emphasis.get(index)))
            else:
                for i in run:
                    aligned(i, cells, index)
        out.append(Text(""))
    console.print(Text("\n").join(out), soft_wrap=True)
