"""The layouts a converter or a web edition prints a table in besides a row a line: a cell
a line, a page run into one line, two tables side by side."""

from __future__ import annotations

import re

import msgspec

from .extract_cells import (COMMA, MAX_GAP_LINES, MAX_LABEL_LINE_CHARS, POINT, _YEARISH, Cell,
                            Extraction, Unreadable, _ends_in_number_word, _is_unit,
                            _space_grouped, nfkc, number_convention, read_cell, split_glued)
from .extract_headings import (_EXTRA_COLUMN, Heading, _Table, _found, _row_unit, period_of,
                               read_heading, year_of)
from .names import plural


# ---- a cell a line -----------------------------------------------------------------------
# A web page copied as text prints a table one cell a line: the heading's names and years,
# then each row's label, its unit and one line per year (``|1,44,997``, ``|NA``).


# the words a web table may print before a column's year: "Current Year 2022-23"
_YEAR_NAMED = re.compile(r"^(?:(?:current|previous|prior|this|last|reporting|financial|fiscal)"
                         r"\s+(?:year|period)|year\s+ended|for\s+the\s+year)\s*[:：]?\s*", re.I)
_TARGET_COLUMN = re.compile(r"(?:年度|年|annual\s+)?(?:目標|目标|targets?|goals?)(?:值)?", re.I)


def _cell_line(text: str) -> str:
    """A line of a one-cell-a-line page without the bar some pages print before a cell."""
    return text.strip().strip("|").strip()


# What a column's year may be followed by, on a line of its own: that it holds actual
# figures (``2021`` / ``(實績)``), or targets (``2022`` / ``(目標)``); and the name of a column
# of targets printed before its year (``短期目標`` / ``(2023)``).
_ACTUAL_MARK = re.compile(r"[(（](?:實績|实绩|實際|实际|actual)[)）]", re.I)
_TARGET_MARK = re.compile(r"[(（](?:目標|目标|targets?|goals?)[)）]", re.I)
_TARGET_NAME = re.compile(r"(?:短期|中期|長期|长期)?(?:目標|目标)"
                          r"|(?:(?:short|mid|medium|long)[- ]term\s+)?(?:targets?|goals?)", re.I)
_BRACKETED_YEAR = re.compile(r"[(（]\s*(?:19|20)\d\d\s*[)）]")


def _vertical_heading(lines: list[tuple[int, str]], at: int) -> tuple[Heading, int] | None:
    """The years of a heading printed a year a line from ``lines[at]``, and the index of
    the line after it (and after the names of columns that hold no values: pages, notes,
    targets after the years)."""
    years: list[int] = []
    periods: list[str] = []
    targets = 0  # columns of targets after the years
    index = at

    def text_at(where: int) -> str:
        return nfkc(_cell_line(lines[where][1])) if where < len(lines) else ""

    while index < len(lines):
        text = _YEAR_NAMED.sub("", _cell_line(lines[index][1]))  # Current Year 2022-23
        period = period_of(text) if len(text) < 20 and _YEARISH.search(text) else None
        if period is not None and years and _TARGET_MARK.fullmatch(text_at(index + 1)):
            targets, index = targets + 1, index + 2  # 2022 / (目標): that year's target
            continue
        if (period is None and years and _TARGET_NAME.fullmatch(nfkc(text))
                and _BRACKETED_YEAR.fullmatch(text_at(index + 1))):
            targets, index = targets + 1, index + 2  # 短期目標 / (2023)
            continue
        if period is None or period[0] in years or targets:
            break
        years.append(period[0])
        periods.append(period[1])
        index += 2 if _ACTUAL_MARK.fullmatch(text_at(index + 1)) else 1
    if len(years) < 2 or max(years) - min(years) > 3 * len(years):
        return None
    extra = targets
    while index < len(lines) and _EXTRA_COLUMN.match(nfkc(_cell_line(lines[index][1]))):
        extra, index = extra + 1, index + 1
    return Heading(tuple(years), tuple(periods), "", extra), index


MAX_CELL_TABLE_LINES = 400  # the lines of a cell-a-line table its number convention is read from


def read_cell_lines(lines: list[str]) -> Extraction:
    """The tables a page prints a cell a line, under a heading a year a line."""
    result = Extraction()
    texts = [(number, raw) for number, raw in enumerate(lines, start=1)
             if _cell_line(raw)]
    index = 0
    while index < len(texts):
        found = _vertical_heading(texts, index)
        if found is None:
            index += 1
            continue
        # a target column named before the years ("年度目標 |" / "實際達成值 |" / "2021年 |"):
        # its cell comes first in each row, and is not a year's value
        lead = sum(1 for _n, raw in texts[max(0, index - 3):index]
                   if _TARGET_COLUMN.fullmatch(nfkc(_cell_line(raw))))
        heading, index = found
        table = _Table(heading.years, False, "", periods=heading.periods, extra=heading.extra)
        # the table's number convention, from its cells up to the next heading
        following: list[str] = []
        for _n, raw in texts[index:index + MAX_CELL_TABLE_LINES]:
            if _YEARISH.search(raw) and period_of(_cell_line(raw)) is not None:
                break
            following.append(_cell_line(raw))
        table.convention = number_convention(following)
        wanted = len(heading.years) + heading.extra
        labels: list[tuple[int, str]] = []
        while index < len(texts):
            if _vertical_heading(texts, index) is not None:
                break
            number, raw = texts[index]
            text = _cell_line(raw)
            if len(text) > MAX_LABEL_LINE_CHARS or read_heading(text) is not None:
                break
            cells: list[tuple[int, Cell]] = []
            while index < len(texts):
                cell = read_cell(_cell_line(texts[index][1]), table.convention)
                if cell is None:
                    break
                cells.append((texts[index][0], cell))
                index += 1
            if not cells:
                labels.append((number, text))
                index += 1
                if len(labels) > MAX_GAP_LINES:
                    break
                continue
            if lead and len(cells) == wanted + lead and labels:
                cells = cells[lead:]
            if len(cells) != wanted or not labels:
                why = (f"{plural(len(cells), 'cell')} for {plural(len(heading.years), 'year')}"
                       + (f" and {plural(heading.extra, 'column')} after them"
                          if heading.extra else "")
                       if labels else "values without a label")
                result.unreadable.append(Unreadable(cells[0][0], " | ".join(
                    c.printed or str(c.value) for _n, c in cells), why))
                labels = []
                continue
            unit = ""
            if len(labels) > 1 and _is_unit(labels[-1][1]):  # a unit column
                unit = labels.pop()[1]
            start, label = labels[-1]
            if not unit:
                _tokens, unit = _row_unit(label.split(), unit_column=False)
            section = labels[-2][1] if len(labels) > 1 else ""
            line_of = dict(zip(heading.years, (n for n, _c in cells)))
            result.values.extend(
                msgspec.structs.replace(item, line=line_of[item.year], row=start)
                for item in _found(start, label, unit, table,
                                   [c for _n, c in cells[:len(heading.years)]], section))
            labels = []
    return result


# ---- a page run into one line -------------------------------------------------------------
# Some converters (and web editions copied as text) run a whole page into one line. A
# table is still there: a run of years, then ``label cell cell`` again and again. A row is
# a run of exactly as many cells as there are years after its label; any other run of two
# or more cells is unreadable, and a lone number is part of a label (``Scope 1``).

MAX_FLAT_LABEL_TOKENS = 30  # a longer stretch of words without cells is prose: the table ended
# a longer line is not read as a page: check --sources searches no longer line for its
# numbers (provenance.MAX_LINE_CHARS), and its tokens would fill memory
MAX_FLAT_LINE_CHARS = 100_000
# The unit a table's title ends in: ``Significant emissions [kg]``.
_TITLE_UNIT = re.compile(r"[(（\[]([^()（）\[\]]{1,40})[)）\]]\s*$")


def _flat_cells(tokens: list[str], at: int,
                convention: str = POINT) -> tuple[list[Cell], int]:
    """The cells of the run of cell tokens from ``tokens[at]``, and the index after it,
    in the page's number ``convention``."""
    cells: list[Cell] = []
    index = at
    while index < len(tokens):
        cell = read_cell(tokens[index], convention)
        # glued cells are split by the separators of a decimal point only
        glued = (None if cell is not None or convention == COMMA
                 else split_glued(tokens[index]))
        if cell is None and glued is None:
            break
        cells.extend([cell] if cell is not None else glued or [])
        index += 1
    return cells, index


def _flat_heading(tokens: list[str], at: int) -> tuple[Heading, int] | None:
    """The years of a heading run into a line from ``tokens[at]``, and the index after."""
    periods: list[tuple[int, str]] = []
    index = at
    while index < len(tokens):
        period = period_of(tokens[index]) if _YEARISH.search(tokens[index]) else None
        if period is None or any(period[0] == year for year, _p in periods):
            break
        periods.append(period)
        index += 1
    years = [year for year, _p in periods]
    if len(years) < 2 or max(years) - min(years) > 3 * len(years):
        return None
    return Heading(tuple(years), tuple(p for _y, p in periods), ""), index


def read_flat(number: int, text: str) -> Extraction:
    """The tables of a page a converter ran into the one line ``text`` (line ``number``)."""
    result = Extraction()
    tokens = text.split()
    convention = number_convention(tokens)  # a page prints its numbers one way
    table: _Table | None = None
    label: list[str] = []
    title_unit = ""
    index = 0
    while index < len(tokens):
        heading = _flat_heading(tokens, index)
        if heading is not None:
            title = " ".join(label[-8:])
            match = _TITLE_UNIT.search(title)
            if table is None or heading[0].years != table.years:
                title_unit = (match.group(1).strip()
                              if match and _is_unit(match.group(1).strip()) else "")
            elif match and _is_unit(match.group(1).strip()):
                title_unit = match.group(1).strip()
            table = _Table(heading[0].years, False, title, periods=heading[0].periods)
            index, label = heading[1], []
            continue
        if table is None:  # words before a heading may be its title: keep the last few
            label = (label + [tokens[index]])[-8:]
            index += 1
            continue
        cells, after = _flat_cells(tokens, index, convention)
        if (len(cells) == len(table.years) + 1 and label and _ends_in_number_word(label)
                and re.fullmatch(r"\d{1,2}", tokens[index])):
            # "Scope 1 265.12 300.75 271.75": the first number is the label's
            label.append(tokens[index])
            index += 1
            continue
        if len(cells) > len(table.years):  # 1 012 1 023: spaces between thousands
            spaced = _space_grouped(tokens[index:after], len(table.years), convention)
            if spaced is not None and spaced[1] == 0:
                if spaced[2]:
                    result.unreadable.append(Unreadable(number, " ".join(
                        label[-12:] + tokens[index:after]), spaced[2]))
                    index, label = after, []
                    continue
                cells = spaced[0]
        if not cells or (len(cells) == 1 and len(table.years) > 1):
            label.append(tokens[index])
            index = max(after, index + 1)
            if len(label) > MAX_FLAT_LABEL_TOKENS:
                table, label = None, []
            continue
        if len(cells) != len(table.years) or not label:
            result.unreadable.append(Unreadable(
                number, " ".join(label[-12:] + tokens[index:after]),
                f"{plural(len(cells), 'cell')} for {plural(len(table.years), 'year')} "
                f"({' '.join(str(y) for y in table.years)}) in a page run into one line"
                if label else "values without a label in a page run into one line"))
        else:
            _tokens, unit = _row_unit(label, unit_column=False)
            result.values.extend(_found(number, " ".join(label), unit or title_unit, table,
                                        cells, table.section))
        index, label = after, []
    return result


# ---- two tables side by side ------------------------------------------------------------
# ``pdftotext -layout`` prints a two-column page as it looks: a table on the left and
# another on the right share lines. Where a line's years run twice (``2020 2019 ...
# 2020 2019``) and labels stand between the two runs, every line below is cut where the
# right table's labels start, and each side is read as a table of its own.

_FIELD = re.compile(r"\S+(?: \S+)*")  # text between runs of two or more spaces


# the characters a terminal or a -layout page gives two columns (East Asian wide and
# full-width: CJK, kana, hangul, full-width forms)
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                   "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
                   "\uffe0-\uffe6]")


def _fields(line: str) -> list[tuple[int, int, str]]:
    """(first column, column after the last, text) of each field of a line, counted as a
    terminal or a -layout page shows them: CJK characters take two columns."""
    line = line.expandtabs(8)
    if line.isascii():
        return [(m.start(), m.end(), m.group(0)) for m in _FIELD.finditer(line)]
    fields = []
    column = last = 0
    for match in _FIELD.finditer(line):
        gap = line[last:match.start()]
        start = column + len(gap) + len(_WIDE.findall(gap))
        column = start + len(match.group(0)) + len(_WIDE.findall(match.group(0)))
        fields.append((start, column, match.group(0)))
        last = match.end()
    return fields


def _year_runs(fields: list[tuple[int, int, str]]) -> list[list[tuple[int, int, int]]]:
    """The runs of year fields of a line, (start, end, year) each: a run ends at a field
    that is not a year or at a year the run already has."""
    runs: list[list[tuple[int, int, int]]] = [[]]
    for start, end, text in fields:
        year = year_of(text)
        if year is None or any(year == seen for _s, _e, seen in runs[-1]):
            if runs[-1]:
                runs.append([])
        if year is not None:
            runs[-1].append((start, end, year))
    return [run for run in runs if run]


def _is_cells(text: str) -> bool:
    return all(read_cell(t) is not None or split_glued(t) is not None for t in text.split())


_STAGGER_LINES = 16  # lines below the left heading where the right one may stand


def _staggered(lines: list[str], at: int, left_end: int) -> int | None:
    """The column the right table's years start at, when line ``at`` heads the left table
    only and the right table's heading stands lower, beside a row of the left one
    (``Total  Number  203 ... 200      Unit  2020 ... 2016``, a -layout page of two facing
    pages): a line below whose fields end in a run of years right of ``at``'s, with cells
    of the left table before it. None when there is no such line."""
    for below in range(at + 1, min(len(lines), at + 1 + _STAGGER_LINES)):
        fields = _fields(lines[below])
        runs = _year_runs(fields)
        if len(runs) != 1 or len(runs[0]) < 2 or read_heading(lines[below]) is not None:
            continue
        start, end = runs[0][0][0], runs[0][-1][1]
        if (start > left_end and fields[-1][1] == end
                and any(_is_cells(text) for _s, stop, text in fields if stop <= left_end + 2)):
            return start
    return None


def _cut(lines: list[str], at: int) -> tuple[int, int, int] | None:
    """Where the right table's labels start, when line ``at`` heads two tables side by
    side: (that column, the column the right table's years start at, the line after the
    last the two tables share). The right table's heading is on the same line, or lower
    (:func:`_staggered`)."""
    if len(_YEARISH.findall(lines[at])) < 2:
        return None
    runs = _year_runs(_fields(lines[at]))
    if len(runs) == 1 and len(runs[0]) >= 2:
        left_end = runs[0][-1][1]
        right_start = _staggered(lines, at, left_end)
        if right_start is None:
            return None
    elif len(runs) != 2 or min(len(run) for run in runs) < 2:
        return None
    else:
        left_end, right_start = runs[0][-1][1], runs[1][0][0]
    label_starts: list[int] = []
    end, gap = at + 1, 0
    while end < len(lines) and gap <= MAX_GAP_LINES:
        fields = _fields(lines[end])
        if end > at + 1 and read_heading(lines[end]) is not None:
            break
        if len(_year_runs(fields)) == 2 and end > at + 1:
            break
        label_starts += [start for start, _end, text in fields
                         if left_end < start < right_start and not _is_cells(text)]
        gap = 0 if any(_is_cells(text) for _s, _e, text in fields) else gap + bool(fields)
        end += 1
    if not label_starts:  # no labels between the runs: one table whose years repeat
        return None
    return min(label_starts), right_start, end


def side_by_side(lines: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The report's lines as one text per side: the left text is the report with the right
    tables' fields blanked out (as long as the report, so a value keeps its line); each
    right table is its lines' right fields and the number of lines before them."""
    left = list(lines)
    rights: list[tuple[int, list[str]]] = []
    index = 0
    while index < len(lines):
        cut = (_cut(lines, index) if "  " in lines[index]
               and len(lines[index]) <= MAX_FLAT_LINE_CHARS else None)
        if cut is None:
            index += 1
            continue
        column, right_start, end = cut
        right = [""] * (end - index)
        for number in range(index, end):
            fields = _fields(lines[number])
            mine = [text for start, _end, text in fields if start < column]
            theirs = [(stop, text) for start, stop, text in fields if start >= column]
            # cells with no label beside them that stand left of the right table's years
            # (a glued pair of the left table's cells) are the left row's
            if (theirs and mine and all(_is_cells(text) for _stop, text in theirs)
                    and not any(_is_cells(text) for text in mine)
                    and all(stop < right_start for stop, _text in theirs)):
                mine += [text for _stop, text in theirs]
                theirs = []
            if (len(theirs) > 2 and re.fullmatch(r"\d{1,2}", theirs[0][1])
                    and read_heading("  ".join(text for _stop, text in theirs[1:])) is not None):
                del theirs[0]  # a footnote's number before the right table's heading
            left[number] = "  ".join(mine)
            right[number - index] = "  ".join(text for _stop, text in theirs)
        rights.append((index, right))
        index = end
    return left, rights
