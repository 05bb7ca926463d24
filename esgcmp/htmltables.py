"""Reading KPI tables from a report's web edition saved as HTML.

The page is parsed with the standard library's ``html.parser`` (never patterns over
tags). Each ``<table>`` becomes a grid of cells, ``colspan`` and ``rowspan`` spread over
the columns and rows they cover; a row whose cells name years is the heading, and each
later row's cells under those years are its values. Every value cites the line of the
file its own number is printed on, so that ``esgcmp check --sources`` finds it there
again, whether the page prints a row on one line or a cell on each.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import msgspec
from msgspec import field

from .extract_cells import Cell, Extraction, Found, Unreadable, _is_unit, nfkc, read_cell
from .extract_headings import (_HEADING_WORDS, _UNIT_HEADING, _Table, _found, _row_unit,
                               period_of)
from .extract_layouts import _TITLE_UNIT

# Markup that says a text is a page, not a report's plain text. A plain-text report that
# quotes a tag is not enough: it must open a table.
_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<\?xml)", re.I)
_TABLE_TAG = re.compile(r"<table[\s>]", re.I)
_MAX_SPAN = 100  # a colspan or rowspan beyond this is a broken page, not a table
_MAX_CELLS = 200_000  # a table spread over more cells is no report's table
_BREAKS = {"br", "p", "div", "li"}  # inside a cell they separate words


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML page with a table in it."""
    head = text[:4096]
    return bool(_HTML_START.match(head)) or bool(_TABLE_TAG.search(text))


class HtmlCell(msgspec.Struct):
    text: str = ""
    line: int = 0  # the line of its first printed character; 0 while it has none
    header: bool = False  # a <th>
    colspan: int = 1
    rowspan: int = 1
    spanned: bool = False  # a copy made by a colspan or rowspan, not the cell itself


class HtmlTable(msgspec.Struct):
    rows: list[list[HtmlCell]] = field(default_factory=list)
    title: str = ""  # its caption, else the last heading (<h1>-<h6>) above it
    line: int = 0


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or "1"), 1), _MAX_SPAN)
    except ValueError:
        return 1


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[HtmlTable] = []
        self._open: list[HtmlTable] = []  # tables inside tables, innermost last
        self._cell: HtmlCell | None = None
        self._caption: list[str] | None = None
        self._heading: list[str] | None = None
        self._last_heading = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "table":
            self._close_cell()
            self._open.append(HtmlTable(title=self._last_heading, line=line))
        elif tag == "caption" and self._open:
            self._caption = []
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and not self._open:
            self._heading = []
        elif tag == "tr" and self._open:
            self._close_cell()
            self._open[-1].rows.append([])
        elif tag in ("td", "th") and self._open:
            self._close_cell()
            if not self._open[-1].rows:  # a cell outside a <tr>: a row of its own
                self._open[-1].rows.append([])
            named = dict(attrs)
            self._cell = HtmlCell(header=tag == "th", colspan=_span(named.get("colspan")),
                                  rowspan=_span(named.get("rowspan")))
            self._open[-1].rows[-1].append(self._cell)
        elif tag in _BREAKS:
            self._text(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self._text(" ")
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            self._close_cell()
            self.tables.append(self._open.pop())
        elif tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag == "caption" and self._caption is not None and self._open:
            self._open[-1].title = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading is not None:
            self._last_heading = " ".join("".join(self._heading).split())
            self._heading = None
        elif tag in _BREAKS:
            self._text(" ")

    def handle_data(self, data: str) -> None:
        self._text(data)

    def _text(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        elif self._heading is not None:
            self._heading.append(data)
        elif self._cell is not None:
            if not self._cell.line and data.strip():
                start = len(data) - len(data.lstrip())
                self._cell.line = self.getpos()[0] + data[:start].count("\n")
            self._cell.text += data

    def _close_cell(self) -> None:
        if self._cell is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._cell = None

    def close(self) -> None:
        super().close()
        self._close_cell()
        while self._open:  # a page cut short: its open tables still count
            self.tables.append(self._open.pop())


def parse_tables(text: str) -> list[HtmlTable]:
    """The tables of a page, in the order they end (an inner table before its outer one)."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return sorted(parser.tables, key=lambda table: table.line)


class TooLarge(Exception):
    """A table whose spans would spread it over more cells than any report's table has."""


def grid(table: HtmlTable) -> list[list[HtmlCell]]:
    """The table's rows with every span spread: a cell covering two columns is there twice,
    its copy marked ``spanned``; rows are as long as the longest. A rowspan ends at the
    table's last row; a table of more than ``_MAX_CELLS`` cells raises TooLarge."""
    rows: list[list[HtmlCell | None]] = []
    spread = 0
    for index, row in enumerate(table.rows):
        while len(rows) <= index:
            rows.append([])
        out = rows[index]
        column = 0
        for cell in row:
            while column < len(out) and out[column] is not None:
                column += 1
            down_to = min(cell.rowspan, len(table.rows) - index)
            spread += down_to * cell.colspan
            if spread > _MAX_CELLS:
                raise TooLarge(f"whose spans spread it over more than {_MAX_CELLS:,} cells")
            for down in range(down_to):
                while len(rows) <= index + down:
                    rows.append([])
                target = rows[index + down]
                for across in range(cell.colspan):
                    while len(target) <= column + across:
                        target.append(None)
                    copy = cell if down == 0 and across == 0 else HtmlCell(
                        cell.text, cell.line, cell.header, spanned=True)
                    target[column + across] = copy
            column += cell.colspan
    width = max((len(row) for row in rows), default=0)
    return [[cell if cell is not None else HtmlCell() for cell in row]
            + [HtmlCell() for _ in range(width - len(row))] for row in rows]


class _Columns(msgspec.Struct):
    years: list[int]  # the column of each year
    table: _Table
    unit: int  # the unit column, -1 for none
    label_end: int  # the columns before this one make the label


def _heading(cells: list[HtmlCell]) -> _Columns | None:
    """The year columns of a heading row, or None when the row is no heading."""
    columns, years, periods = [], [], []
    for index, cell in enumerate(cells):
        if cell.spanned and index and cells[index - 1].text == cell.text:
            continue
        period = period_of(cell.text) if cell.text else None
        if period is not None:
            columns.append(index)
            years.append(period[0])
            periods.append(period[1])
    if not columns or len(set(years)) != len(years):
        return None
    before = " ".join(c.text for c in cells[:columns[0]] if not c.spanned)
    if re.search(r"\d", before) or len(before) > 50:
        return None
    if len(years) == 1 and not _HEADING_WORDS.search(before):
        return None
    if max(years) - min(years) > 3 * len(years):
        return None
    between = [c for c in cells[columns[0]:columns[-1] + 1] if c.text]
    if any(period_of(c.text) is None for c in between):  # a number among the years
        return None
    unit = next((i for i, c in enumerate(cells[:columns[0]])
                 if i and _UNIT_HEADING.fullmatch(nfkc(c.text).strip())), -1)
    label_end = unit if unit > 0 else columns[0]
    table = _Table(tuple(years), unit > 0, before, periods=tuple(periods))
    return _Columns(columns, table, unit, label_end)


def _row(cells: list[HtmlCell], columns: _Columns, title_unit: str,
         section: str) -> list[Found] | Unreadable | None:
    """The values of one row under a heading; None for a row without a label or without
    a figure (a section's name, an empty row)."""
    label_cells = [c for c in cells[:columns.label_end] if c.text and not c.spanned]
    if not label_cells:  # the label of a rowspan: the cell above names it too
        label_cells = [c for c in cells[:columns.label_end] if c.text][:1]
    label = " ".join(c.text for c in label_cells)
    year_cells = [cells[i] for i in columns.years]
    printed = [c.text for c in year_cells]
    first_line = next((c.line for c in cells if c.line), 0)
    if not label or not any(printed):
        return None
    if all(period_of(text) is not None for text in printed if text):
        return None  # the heading again, in another script (二零二零年)
    read: list[Cell] = []
    for cell in year_cells:
        if cell.spanned:
            if cell.text:
                return Unreadable(cell.line or first_line, f"{label} | {' | '.join(printed)}",
                                  f"'{cell.text}' spans several columns or rows: its year "
                                  "cannot be told")
            read.append(Cell(None, ""))
            continue
        value = Cell(None, "") if not cell.text else read_cell(cell.text)
        if value is None:
            return Unreadable(cell.line or first_line, f"{label} | {' | '.join(printed)}",
                              f"'{cell.text}' is not a number in a year column")
        read.append(value)
    unit = cells[columns.unit].text if columns.unit > 0 else ""
    if not unit:
        _tokens, unit = _row_unit(label.split(), unit_column=False)
    if not unit:  # Energy Intensity [GJ/tons]
        match = _TITLE_UNIT.search(label)
        unit = match.group(1).strip() if match and _is_unit(match.group(1).strip()) else ""
    if not unit:
        unit = title_unit
    line_of = {year: cell.line or first_line
               for year, cell in zip(columns.table.years, year_cells)}
    # each value cites its own cell's line: a page may print a cell a line
    return [msgspec.structs.replace(item, line=line_of[item.year], row=first_line)
            for item in _found(first_line, label, unit, columns.table, read, section)]


def read_html(text: str) -> Extraction:
    """Every value of the page's tables whose heading row names years."""
    result = Extraction()
    for table in parse_tables(text):
        try:
            rows = grid(table)
        except TooLarge as exc:
            result.unreadable.append(Unreadable(table.line, "<table>", f"a table {exc}"))
            continue
        columns: _Columns | None = None
        match = _TITLE_UNIT.search(table.title)
        title_unit = match.group(1).strip() if match and _is_unit(match.group(1).strip()) else ""
        for cells in rows:
            heading = _heading(cells)
            if heading is not None:
                columns = heading
                continue
            if columns is None:
                continue
            if len(cells) <= columns.years[-1]:
                continue
            row = _row(cells, columns, title_unit, table.title or columns.table.section)
            if isinstance(row, Unreadable):
                result.unreadable.append(row)
            elif row:
                result.values.extend(row)
    result.values.sort(key=lambda found: found.line)
    result.unreadable.sort(key=lambda item: item.line)
    return result
