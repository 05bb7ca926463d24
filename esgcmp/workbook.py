"""The xlsx format: a workbook a spreadsheet opens as it is.

The first sheet holds the rows with the columns of the CSV, numbers as numbers (the unit
in the heading where one unit holds for the whole column), text always as text (never a
formula), lists as readable lists, the heading row frozen, an autofilter and the columns
sized. A second sheet, `sources`, lists where each value was printed and its notes.
XlsxWriter is imported here only, and only when xlsx is asked for.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from .output import Printed, Report, listed
from .units import printed_digits
from .wrapping import cell_len

# a value column and the column naming its unit, row by row
UNIT_OF = {"value": "unit", "reported_value": "reported_unit", "per_value": "per_unit",
           "intensity": "intensity_unit", "reported_intensity": "intensity_unit",
           "change": "unit"}
SOURCE_COLUMNS = ["company", "year", "metric", "label", "printed", "report", "file", "page",
                  "line", "notes"]
MAX_WIDTH = 60  # characters; a longer text wraps in its cell rather than widening the sheet
SHEET_NAME_CHARS = 31  # Excel's limit


def heading(column: str, rows: list[dict[str, Any]]) -> str:
    """The column's heading: its name, and its unit where every row with a number in it
    states the same unit."""
    unit_column = UNIT_OF.get(column)
    if unit_column is None:
        return column
    units = {row.get(unit_column) for row in rows if row.get(column) is not None}
    units.discard(None)
    return f"{column} ({units.pop()})" if len(units) == 1 else column


class Decimals(float):
    """A number shown with the decimals its report prints (690.0, 5.90): written with a
    number format of that many places, where General would show 690 and 5.9."""

    places: int

    def __new__(cls, value: Decimal) -> Decimals:
        made = super().__new__(cls, value)
        exponent = value.as_tuple().exponent
        made.places = -exponent if isinstance(exponent, int) else 0
        return made


def cell(value: Any) -> Any:
    """A cell as the workbook keeps it: a number, a truth value, a text, or nothing."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Printed) and isinstance(value.as_tuple().exponent, int) \
            and value.as_tuple().exponent < 0 and abs(value) < 2**53:  # type: ignore[operator]
        return Decimals(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 \
            else float(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return listed(value, ", ")
    return str(value)


def source_rows(report: Report) -> list[list[Any]]:
    """One row per cited value of the report: where it was printed, as printed; for a
    finding of `check`, each line its values cite, with its message."""
    out = []
    for row in report.rows:
        cited = row.get("sources")
        if not row.get("source") and isinstance(cited, list) and cited:
            note = row.get("message") or "; ".join(row.get("reasons") or ()) or None
            for place in cited:
                file, _, line = str(place).rpartition(":")
                out.append([cell(row.get("company")), cell(row.get("year")),
                            cell(row.get("metric")), None, None, None,
                            file or str(place), None,
                            int(line) if line.isdigit() and file else None,
                            cell(note)])
            continue
        file = row.get("source")
        if not file and not row.get("notes"):
            continue
        printed = row.get("reported_value")
        number = printed_digits(printed) if isinstance(printed, Decimal) else printed
        printed_text = (f"{number} {row.get('reported_unit') or ''}".strip()
                        if printed is not None else None)
        out.append([cell(row.get("company")), cell(row.get("year")), cell(row.get("metric")),
                    cell(row.get("label")), printed_text, cell(row.get("report")),
                    cell(file), cell(row.get("page")), cell(row.get("line")),
                    cell(row.get("notes"))])
    return out


def _sheet_name(title: str, taken: set[str]) -> str:
    name = title
    number = 1
    while name in taken:
        number += 1
        name = f"{title} {number}"[:SHEET_NAME_CHARS]
    taken.add(name)
    return name


def _write_sheet(book: Any, name: str, headings: list[str], rows: list[list[Any]],
                 formats: dict[Any, Any]) -> None:
    sheet = book.add_worksheet(name)
    widths = [cell_len(text) for text in headings]
    sheet.write_row(0, 0, headings, formats["heading"])
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, Decimals):
                if value.places not in formats:
                    formats[value.places] = book.add_format(
                        {"num_format": "0." + "0" * value.places})
                sheet.write_number(r, c, value, formats[value.places])
                widths[c] = max(widths[c], len(f"{value:,.{value.places}f}"))
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
                widths[c] = max(widths[c], len(f"{value:,}"))
            else:  # never a formula, whatever the text starts with
                sheet.write_string(r, c, value, formats["text"])
                widths[c] = max(widths[c], max(map(cell_len, value.split("\n"))))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, min(width, MAX_WIDTH) + 2)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headings) - 1)


def to_xlsx(reports: list[Report]) -> bytes:
    """The reports as one workbook: a sheet of rows for each, then their sources."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False,
                                        "strings_to_numbers": False})
    formats: dict[Any, Any] = {"heading": book.add_format({"bold": True}),
               "text": book.add_format({"text_wrap": False})}
    taken: set[str] = set()
    sources: list[list[Any]] = []
    for report in reports:
        rows = [[cell(row.get(c)) for c in report.columns] for row in report.rows]
        _write_sheet(book, _sheet_name("data", taken),
                     [heading(c, report.rows) for c in report.columns], rows, formats)
        sources += source_rows(report)
    _write_sheet(book, _sheet_name("sources", taken), SOURCE_COLUMNS, sources, formats)
    book.set_properties({"title": reports[0].title if reports else "", "creator": "esgcmp"})
    book.close()
    return buffer.getvalue()
