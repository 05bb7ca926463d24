"""Reading KPI values from a report's plain text: tables under year headings, and, when
asked, figures stated in prose.

This module knows text only; which metric a row is, and the draft catalog made from
the rows, are esgcmp.draft's. Every value found keeps the 1-based line its number is
printed on, so that ``esgcmp check --sources`` can find it there again.

A table is a heading line that ends in years (``2018 2019 2020``, ``2020年 2019年``,
``FY2020``, ``二零二零年``) followed by rows ``label [unit] cell cell cell``, one cell per
year. A cell is a number (thousands separators, full-width digits, a percentage, a
ratio ``2.2:1``, a negative in parentheses), a hedged number (``約12``) or a dash that
means "not disclosed". A row whose cells cannot be matched to the years is reported as
unreadable, never guessed.

The reading is split by what it knows: extract_cells (numbers, cells, the records),
extract_headings (year headings, a row's label and unit), extract_layouts (a cell a line,
a page run into one line, two tables side by side) and extract_prose (figures in
sentences). This module reads the tables a row a line and in Markdown pipes, and puts the
layouts together; the names other modules use are importable from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import msgspec

from .extract_cells import (COMMA, CONFLICT, MAX_GAP_LINES, MAX_LABEL_LINES,
                            MAX_LABEL_LINE_CHARS, POINT, UNKNOWN, _CONTINUED, _SCOPE_HEADING,
                            _TRAILING_UNIT, _YEARISH, Cell, Extraction, Found, Unreadable,
                            _cells, _is_unit, has_chinese, label_name, nfkc, number_convention,
                            read_cell, split_glued, worded_cell)
from .extract_headings import (_COLUMN_NAMES, _PAGE_LIST, _UNIT_HEADING, _Table, _found,
                               _heading, _joined, _row_unit, period_of, pipe_heading,
                               read_heading, year_of)
from .extract_layouts import MAX_FLAT_LINE_CHARS, read_cell_lines, read_flat, side_by_side
from .extract_prose import read_prose, report_year
from .names import plural


_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")  # ---|:---:|


def pipe_cells(text: str) -> list[str] | None:
    """The cells of a Markdown pipe-table line (with or without outer pipes), or None
    when the line is not one."""
    if text.count("|") < 2:
        return None
    inner = text.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def _pipe_row(number: int, cells: list[str], table: _Table,
              section: str) -> list[Found] | Unreadable:
    """The values of a pipe-table row: each cell in its heading's column, an empty cell
    not disclosed, a cell that is not a number unreadable."""
    first = table.pipe_columns - table.extra - len(table.years)
    label = cells[0]
    unit = cells[table.pipe_unit] if table.pipe_unit > 0 else ""
    if table.extra and not any(cells[first + len(table.years):]) and any(cells[first:]
                                                                           [:len(table.years)]):
        # a year filled and the page column empty: the page number may have moved into a
        # year's column (a cell dropped before it, | 10.3 | 22 | |||), which cannot be told
        return Unreadable(number, " | ".join(cells),
                          f"{plural(table.extra, 'column')} after the years empty: the cells "
                          "may have moved left")
    read: list[Cell] = []
    for printed in cells[first:first + len(table.years)]:
        cell = Cell(None, printed) if not printed else (
            read_cell(printed, table.convention) or worded_cell(printed, table.convention))
        if cell is None and not re.search(r"\d", printed):
            cell = Cell(None, printed)  # words in their own column ("no progress"): no value
        if cell is None:
            return Unreadable(number, " | ".join(cells),
                              f"'{printed}' is not a number in a year column")
        read.append(cell)
    if not unit:
        _tokens, unit = _row_unit(label.split(), unit_column=False)
    return _found(number, label, unit, table, read, section)


_SPACED_THOUSANDS = re.compile(r"^\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")  # 43 601


def _spread_heading(pieces: list[tuple[int, str]], at: int,
                    cells: list[str]) -> _Table | None:
    """A pipe table whose heading a web page broke over lines: its years printed a cell a
    line above a row of column names (``2023 |`` / ``23 vs 22 |`` / ``2022 |``, then ``|
    SCOPE | EMISSION SOURCE | t | % | % | t | %``). Each year heads a group of columns: its
    value (a unit other than %) and shares (%). Read only when the value columns are as
    many as the years, in their order; else no table."""
    printed: list[str] = []
    for _number, raw in reversed(pieces[max(0, at - 8):at]):
        text = raw.strip()
        if not text or not text.strip("|"):
            continue
        if text.count("|") != 1 or not text.endswith("|"):
            break
        printed.insert(0, text[:-1].strip())
    periods = [period_of(text) for text in printed]
    found = [period for period in periods if period is not None]
    years = tuple(year for year, _period in found)
    if len(years) < 2 or len(set(years)) != len(years) or len(printed) - len(found) > len(found):
        return None
    if any(read_cell(cell) is not None for cell in cells if cell):
        return None
    first = next((i for i, cell in enumerate(cells) if cell and _is_unit(cell)), None)
    if not first:  # no unit column, or no label column before the units
        return None
    value_columns = tuple(i for i in range(first, len(cells)) if cells[i] != "%")
    share_columns = tuple(i for i in range(first, len(cells)) if cells[i] == "%")
    if len(value_columns) != len(years) or not all(cells[i] for i in value_columns):
        return None
    return _Table(years, False, "", periods=tuple(period for _year, period in found),
                  pipe_columns=len(cells), pipe_unit=value_columns[0],
                  value_columns=value_columns, share_columns=share_columns)


def _share_cell(text: str, convention: str) -> bool:
    """Whether a cell fits a share (%) column: empty, not disclosed, a percentage, or a
    number no greater than 100 printed without its sign."""
    if not text:
        return True
    cell = read_cell(text, convention)
    return cell is not None and (cell.value is None or cell.percent or abs(cell.value) <= 100)


def _spread_row(number: int, cells: list[str], table: _Table,
                heading: list[str]) -> list[Found] | Unreadable | None:
    """A row of a ``_spread_heading`` table. A row whose label fills one column of two
    prints its cells one column to the left and ends in an empty cell (``| TOTAL | 43 601 |
    100% | -8% | 47 593 | 100% | |``); its shares must still fall in share columns, or
    which cell is whose cannot be told. None for a row with no number."""
    labels = table.value_columns[0] - sum(1 for i in table.share_columns
                                          if i < table.value_columns[0])
    shift = 0
    if (labels > 1 and not cells[-1] and cells[labels - 1]
            and read_cell(cells[labels - 1].replace(" ", ""), table.convention) is not None):
        shift = labels - 1  # the label took one column: every cell moved left
    label = " ".join(cell for cell in cells[:labels - shift] if cell)

    def cell_at(column: int) -> str:
        text = cells[column - shift] if column - shift < len(cells) else ""
        return text.replace(" ", "") if _SPACED_THOUSANDS.match(text) else text

    numbers = [read_cell(cell.replace(" ", "") if _SPACED_THOUSANDS.match(cell) else cell,
                         table.convention) for cell in cells[1:] if cell]
    if not any(cell is not None and cell.value is not None and not cell.percent
               for cell in numbers):
        return None  # dashes and shares only ("| - | 0,0% | - | 0,0% |"): no value to read
    read: list[Cell] = []
    for column in table.value_columns:
        text = cell_at(column)
        cell = Cell(None, text) if not text else read_cell(text, table.convention)
        if cell is None or cell.percent:
            return Unreadable(number, " | ".join(cells),
                              f"'{text}' is not a value in the {heading[column]} column")
        read.append(cell)
    if not all(_share_cell(cell_at(i), table.convention) for i in table.share_columns):
        return Unreadable(number, " | ".join(cells),
                          "cells that do not fall in their columns (a value where a share "
                          "is printed): which year each is cannot be told")
    return _found(number, label, heading[table.value_columns[0]], table, read, "")


def _table_convention(pieces: list[tuple[int, str]], at: int) -> str:
    """The number convention of the table whose heading is ``pieces[at]``: from the cells
    of the lines under it, up to the next heading."""
    tokens: list[str] = []
    for _number, raw in pieces[at + 1:]:
        text = raw.strip()
        cells = pipe_cells(text)
        if read_heading(" ".join(cells) if cells is not None else text) is not None:
            break
        tokens.extend(cells if cells is not None else text.split())
    return number_convention(tokens)


def _other_heading(tokens: list[str]) -> bool:
    """Whether a line without cells is the heading of a table whose columns are named,
    not years: a word that names the label column, then three or more column names."""
    at = next((i for i, token in enumerate(tokens[:2]) if _COLUMN_NAMES.search(token)), None)
    return (at is not None and len(tokens) - at >= 4
            and not any(read_cell(token) is not None for token in tokens[at:]))


def read_tables(lines: list[str]) -> Extraction:
    """Every table row under a year heading, with its line."""
    result = Extraction()
    table: _Table | None = None
    pending: list[tuple[int, str]] = []  # label lines waiting for their values
    section = ""
    pieces = list(_pieces(lines))
    document: list[str] = []  # the whole text's convention, asked when a table tells none
    spread_names: list[str] = []  # the column names of a ``_spread_heading`` table

    def convention_at(at: int) -> str:
        """A table's convention; when its own cells do not tell, the whole text's, if
        that tells one way only (a report prints its numbers one way throughout: the
        '0,24' of one table, the '3,2 %' of a sentence say how '29.609' of another is
        meant)."""
        found = _table_convention(pieces, at)
        if found != UNKNOWN:
            return found
        if not document:
            document.append(number_convention(token for _n, raw in pieces
                                              for token in raw.split()))
        return document[0] if document[0] in (COMMA, POINT) else UNKNOWN

    for at, (number, raw) in enumerate(pieces):
        text = raw.strip()
        if not text or _PIPE_RULE.match(text):
            continue
        cells = pipe_cells(text)
        if cells is not None:
            if table is not None and table.value_columns:
                if len(cells) == table.pipe_columns and cells[0]:
                    row = _spread_row(number, cells, table, spread_names)
                    if isinstance(row, Unreadable):
                        result.unreadable.append(row)
                    elif row:
                        result.values.extend(row)
                continue
            spread = _spread_heading(pieces, at, cells) if len(cells) >= 4 else None
            if spread is not None:
                spread.convention = convention_at(at)
                table, pending, section, spread_names = spread, [], "", cells
                continue
            new_table = _heading(" ".join(cells))
            if new_table is None and any(_YEARISH.search(cell) for cell in cells):
                new_table = pipe_heading(cells)  # columns that name their years with words
            if new_table is not None and len(cells) > len(new_table.years) + new_table.extra:
                new_table.pipe_columns = len(cells)
                new_table.pipe_unit = next(
                    (i for i, cell in enumerate(cells[:-len(new_table.years)])
                     if i and _UNIT_HEADING.fullmatch(nfkc(cell).strip())), -1)
                new_table.convention = convention_at(at)
                table, pending, section = new_table, [], new_table.section
                continue
            if table is not None and table.pipe_columns:
                moved = (read_cell(cells[1], table.convention)
                         if len(cells) == table.pipe_columns - 1 and table.pipe_unit == 1
                         and cells[0] else None)
                if moved is not None and moved.value is not None:
                    # a number where the unit is, one cell short: the row's empty unit
                    # cell was dropped (| Number of water plants | 199 | 12 |), its cells
                    # moved one column left; no other cell can be the one missing
                    cells = [cells[0], "", *cells[1:]]
                if len(cells) == table.pipe_columns and cells[0]:
                    row = _pipe_row(number, cells, table, section)
                    if isinstance(row, Unreadable):
                        result.unreadable.append(row)
                    else:
                        result.values.extend(row)
                    continue
                if any(cells[1:]):
                    result.unreadable.append(Unreadable(
                        number, text, f"{plural(len(cells), 'cell')} in a table of "
                                      f"{plural(table.pipe_columns, 'column')}"))
                continue
        elif table is not None and table.pipe_columns:
            # a line that is not a pipe row ends a pipe table
            table, pending = None, []
        new_table = _heading(text)
        if new_table is not None:
            if table is not None and new_table.years == table.years and not new_table.section:
                new_table.unit_column = table.unit_column  # a heading repeated on a new page
            new_table.convention = convention_at(at)
            table, pending = new_table, []
            section = new_table.section
            continue
        if table is None:
            continue
        tokens = text.split()
        if table.extra:
            while len(tokens) > 2 and _PAGE_LIST.match(tokens[-2]) and tokens[-1].isdigit():
                del tokens[-2]  # "43, 48": two pages of one column, not two cells
        cells, start, why = _cells(tokens, len(table.years) + table.extra, table.convention)
        label_tokens = tokens[:start]
        if cells and label_tokens and all(read_cell(t, table.convention) is not None
                                          for t in label_tokens):
            # a line of numbers only (a page-number strip, a chart's data labels) has more
            # cells than the table has columns: no label, no row
            why = (f"{plural(len(cells) + len(label_tokens), 'cell')} for "
                   f"{plural(len(table.years), 'year')} and no label")
        if table.extra and not why:
            if len(cells) == len(table.years) + table.extra:
                cells = cells[:len(table.years)]  # a page number is never a value
            elif cells:
                # a cell missing: which column it is cannot be told
                why = (f"{plural(len(cells), 'cell')} for {plural(len(table.years), 'year')} "
                       f"({' '.join(str(y) for y in table.years)}) and "
                       f"{plural(table.extra, 'column')} after them")
        if cells and len(cells) == len(table.years) and not why:
            if label_tokens:
                label_tokens, unit = _row_unit(label_tokens, table.unit_column)
                label = " ".join(label_tokens)
                if pending and pending[-1][0] == number - 1 and _CONTINUED.match(label):
                    # the label began on the line above: "Diesel consumption from" +
                    # "stationary sources (litres) 154,578 197,132"
                    label = _joined([pending[-1][1], label])
            else:  # a wrapped label: its unit can only be in parentheses
                if not pending:
                    result.unreadable.append(Unreadable(number, text, "values without a label"))
                    continue
                label = _joined([piece for _line, piece in pending])
                _tokens, unit = _row_unit(label.split(), unit_column=False)
            result.values.extend(_found(number, label, unit, table, cells, section))
            table.gap, pending = 0, []
            continue
        # a heading that names its extra columns (Report Pages) prints long labels: a long
        # line that ends in its cells is still one of its rows
        if (why or len(cells) >= 2) and (len(text) <= MAX_LABEL_LINE_CHARS or table.extra):
            reason = why or f"{plural(len(cells), 'cell')} for " \
                            f"{plural(len(table.years), 'year')} " \
                            f"({' '.join(str(y) for y in table.years)})"
            result.unreadable.append(Unreadable(number, text, reason))
            table.gap, pending = 0, []
            continue
        if len(text) > MAX_LABEL_LINE_CHARS or (not cells and _other_heading(tokens)):
            table, pending = None, []
            continue
        table.gap += 1
        if table.gap > MAX_GAP_LINES:
            table, pending = None, []
            continue
        pending = (pending + [(number, text)])[-MAX_LABEL_LINES:]
        if ((not cells or _SCOPE_HEADING.match(text)) and len(text) <= 12
                and not _TRAILING_UNIT.search(text)):
            section = text
    return result


def report_lines(text: str) -> list[str]:
    """The report's lines as ``check --sources``, ``grep -n`` and editors count them: ended
    by a line feed only (``\\r\\n`` is one end). ``str.splitlines`` also breaks at a form
    feed, which pdftotext writes at every page break, and at VT, FS/GS/RS, NEL, U+2028 and
    U+2029: every citation after one would be off. A form feed inside a line is white
    space."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r").replace("\f", " ") for line in lines]


# Breaks inside a line as check --sources counts them: a lone CR, VT, FS/GS/RS, NEL, U+2028
# and U+2029 end a row for an editor or a converter, but not a line for a citation.
_INLINE_BREAK = re.compile("[\r\v\x1c-\x1e\x85\u2028\u2029]")


def _pieces(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Each line's pieces between its inline breaks, with the line's number: the rows a
    lone CR or a NEL separates are read apart and cited on the line that holds them."""
    for number, line in enumerate(lines, start=1):
        if _INLINE_BREAK.search(line):
            for piece in _INLINE_BREAK.split(line):
                yield number, piece
        else:
            yield number, line


def extract(text: str, prose: bool = False, year: int | None = None) -> Extraction:
    """Every value a report's text prints in its tables, and in its sentences with
    ``prose``. A page saved as HTML is esgcmp.htmltables' to read."""
    lines = report_lines(text)
    left, rights = side_by_side(lines)
    result = read_tables(left)
    for before, right in rights:  # a table printed beside another
        more = read_tables(right)
        result.values.extend(msgspec.structs.replace(found, line=found.line + before)
                             for found in more.values)
        result.unreadable.extend(msgspec.structs.replace(item, line=item.line + before)
                                 for item in more.unreadable)
    read = {found.line for found in result.values} | {item.line for item in result.unreadable}
    cells = read_cell_lines(lines)  # a page that prints a cell a line
    for number, line in enumerate(lines, start=1):  # a page run into one line
        if (MAX_LABEL_LINE_CHARS < len(line) <= MAX_FLAT_LINE_CHARS and number not in read
                and len(_YEARISH.findall(line)) >= 2):
            flat = read_flat(number, line)
            cells.values.extend(flat.values)
            cells.unreadable.extend(flat.unreadable)
    result.values.extend(found for found in cells.values if found.line not in read)
    result.unreadable.extend(item for item in cells.unreadable if item.line not in read)
    if rights or cells.values or cells.unreadable:
        result.values.sort(key=lambda found: found.line)
        result.unreadable.sort(key=lambda item: item.line)
    if prose:
        in_tables = {found.line for found in result.values}
        in_tables.update(item.line for item in result.unreadable)
        result.values.extend(read_prose(lines, year or report_year(lines), in_tables))
        result.values.sort(key=lambda found: found.line)
    return result
