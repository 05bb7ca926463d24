"""Charts written as SVG files (``--chart-file``): bars for ``compare`` and ``rank``, lines
for ``trend``.

Made from the same Report a person's table is made of, so that the chart shows what the
table shows: each value as the table prints it (and with every digit, as CSV writes it,
in the bar's or point's tooltip), the flags on the bars and points they apply to, the
sources and the companies without a value in the caption. Standard library only: every
text and attribute is XML-escaped, nothing is fetched (no script, font or link), and the
``viewBox`` lets the picture scale.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import typer

from .output import Report, number_text

# Generic family last; CJK fonts named so that a Chinese company name shows wherever one
# of them is installed.
FONTS = ("'Noto Sans', 'DejaVu Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', "
         "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif")
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#17becf", "#bcbd22", "#d62728")
FLAG_COLOUR = "#c00000"
MARK = "\u25b2"  # beside a flagged value, as the triangle drawn over its bar or point
WIDTH = 900  # of the viewBox; the picture scales to any size
_CAPTION_CHARACTERS = 130  # a caption line's length, wrapped at the picture's width
_LINE = 16  # the height of a line of caption text
# Characters XML 1.0 cannot hold even escaped: a name holding one would make the file
# unreadable, so they are left out of the picture (the table still has them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def chart_path(text: str) -> Path:
    """The --chart-file, checked before any work: an .svg name in a folder that exists."""
    option = "'--chart-file'"
    if not text.strip():
        raise typer.BadParameter("'' names no file", param_hint=option)
    target = Path(text)
    if target.suffix.lower() != ".svg":
        raise typer.BadParameter(f"'{text}': only .svg charts are written (name the file "
                                 "FILE.svg)", param_hint=option)
    try:
        if target.is_dir():
            raise typer.BadParameter(f"'{text}' is a folder", param_hint=option)
        if not target.parent.is_dir():
            raise typer.BadParameter(f"folder '{target.parent}' does not exist",
                                     param_hint=option)
    except OSError as exc:
        raise typer.BadParameter(f"cannot use '{text}' ({exc.strerror})",
                                 param_hint=option) from None
    return target


def nice_ticks(low: Decimal, high: Decimal, count: int = 5) -> list[Decimal]:
    """Round tick values covering low..high (Heckbert's "nice numbers": steps of 1, 2 or 5
    times a power of ten), from a multiple of the step at or below ``low`` to one at or
    above ``high``; exact, as Decimals, so that a tick reads 0.3 and not 0.30000000004."""
    if high < low:
        low, high = high, low
    if high == low:  # one value (or none): a span above it
        high = low + (abs(low) if low else Decimal(1))
    step = _nice((high - low) / max(count - 1, 1))
    tick = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    ticks = []
    while tick <= last:
        ticks.append(tick.normalize() if tick else Decimal(0))
        tick += step
    return ticks


def _nice(span: Decimal) -> Decimal:
    """1, 2 or 5 times the power of ten of ``span``'s first digit, nearest to it."""
    power = Decimal(1).scaleb(span.adjusted())
    fraction = span / power
    limits = ((Decimal("1.5"), 1), (Decimal(3), 2), (Decimal(7), 5))
    return Decimal(next((step for limit, step in limits if fraction < limit), 10)) * power


def full_number(value: Decimal) -> str:
    """Every digit, as CSV writes it."""
    return format(value.normalize(), "f") if value != 0 else "0"


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _attrs(**attributes: Any) -> str:
    """XML attributes: ``class_`` is class, ``font_size`` font-size."""
    return "".join(f" {name.rstrip('_').replace('_', '-')}={quoteattr(_clean(str(value)))}"
                   for name, value in attributes.items())


def _element(tag: str, text: str | None = None, tip: str | None = None,
             **attributes: Any) -> str:
    """One element; ``tip``, a tooltip, is its ``<title>``."""
    inner = (f"<title>{escape(_clean(tip))}</title>" if tip is not None else "") \
        + (escape(_clean(text)) if text is not None else "")
    return f"<{tag}{_attrs(**attributes)}>{inner}</{tag}>" if inner \
        else f"<{tag}{_attrs(**attributes)}/>"


def _text(x: float, y: float, text: str, **attributes: Any) -> str:
    return _element("text", text, x=f"{x:.1f}", y=f"{y:.1f}", **attributes)


def _text_width(text: str, size: int = 12) -> float:
    """A rough width for laying out labels: CJK characters are about twice as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _marker(x: float, y: float) -> str:
    """A small triangle over a flagged bar's end or point, pointing at it."""
    return _element("path", d=f"M{x - 5:.1f},{y - 2:.1f} L{x + 5:.1f},{y - 2:.1f} "
                              f"L{x:.1f},{y + 7:.1f} Z", fill=FLAG_COLOUR, class_="flag")


class _Chart:
    """One chart of a file (a file holds one per report: several metrics or years), the
    companies labelled with their names."""

    def __init__(self, report: Report, key: str, unit: str, names: dict[str, str]) -> None:
        self.report = report
        self.key = key
        self.unit = unit
        self.names = names
        self.drawn = [row for row in report.rows if row.get(key) is not None]
        self.absent = [row for row in report.rows if row.get(key) is None]
        # a long title is set smaller rather than cut at the picture's edge
        size = 16 if _text_width(report.title, 16) <= WIDTH - 20 else max(
            9, int(16 * (WIDTH - 20) / _text_width(report.title, 16)))
        self.parts = [_text(10, 24, report.title, font_size=size, font_weight="bold",
                            class_="title")]
        self.height = 0.0
        # a company keeps its colour in every chart of the same companies
        self.colours = {company: COLOURS[number % len(COLOURS)] for number, company in
                        enumerate(sorted({str(row.get("company") or "")
                                          for row in self.drawn}))}

    def label(self, row: dict[str, Any]) -> str:
        company = str(row.get("company") or "")
        return str(row.get("company_name") or self.names.get(company) or company)

    def named(self, row: dict[str, Any]) -> str:
        """The company and the year of a row, for the caption and the tooltips."""
        return f"{self.label(row)} {row.get('year') or ''}".strip()

    def tip(self, row: dict[str, Any]) -> str:
        return f"{self.named(row)}: {full_number(Decimal(row[self.key]))} {self.unit}"

    def shown(self, row: dict[str, Any]) -> str:
        """The value as the table prints it, and the flags' names."""
        flags = _flags(row)
        return number_text(Decimal(row[self.key])) + (f"  {MARK} {', '.join(flags)}"
                                                      if flags else "")

    def caption(self, top: float) -> None:
        """The flags, the reasons, the sources, the companies without a value and the
        table's notes, wrapped to the picture's width, from ``top``."""
        flagged: dict[str, list[str]] = {}
        for row in self.drawn:
            for flag in _flags(row):
                flagged.setdefault(flag, []).append(self.named(row))
        lines = []
        if flagged:
            lines.append(f"Flags (marked {MARK} on the bars or points they apply to): "
                         + "; ".join(f"{flag}: {', '.join(names)}"
                                     for flag, names in flagged.items()) + ".")
        reasons = [f"{self.label(row)} ({'; '.join(map(str, row['reasons']))})"
                   for row in self.drawn if row.get("reasons")]
        if reasons:
            lines.append("Not ranked (or, with --include-flagged, ranked and marked *), as "
                         "unlike the others: " + "; ".join(reasons) + ".")
        sources = [f"{self.named(row)}: {'; '.join(_where(row))}" for row in self.drawn
                   if _where(row)]
        if sources:
            lines.append("Sources: " + " | ".join(sources) + ".")
        if self.absent:
            lines.append("Not drawn (no value): " + "; ".join(
                f"{self.label(row)} ({_why(row)})" for row in self.absent) + ".")
        lines += [str(note) for note in self.report.notes]
        y = top
        for line in lines:
            for piece in textwrap.wrap(line, _CAPTION_CHARACTERS) or [""]:
                y += _LINE
                self.parts.append(_text(10, y, piece, font_size=11, class_="caption"))
        self.height = y + 10

    def ticks(self) -> list[Decimal]:
        values = [Decimal(row[self.key]) for row in self.drawn]
        return nice_ticks(min([Decimal(0), *values]), max([Decimal(0), *values]))


def _flags(row: dict[str, Any]) -> list[str]:
    return [str(flag) for flag in row.get("flags") or []]


def _where(row: dict[str, Any]) -> list[str]:
    cell = row.get("where")
    if not cell:
        return []
    return [str(item) for item in (cell if isinstance(cell, (list, tuple)) else [cell])]


def _why(row: dict[str, Any]) -> str:
    """Why a company has no value, as its row says."""
    said = _where(row) or [str(reason) for reason in row.get("reasons") or []]
    return "; ".join(said) or str(row.get("notes") or "missing")


def _bars(chart: _Chart) -> None:
    """Horizontal bars, one per row with a value, in the table's order, from zero."""
    several_years = len({row.get("year") for row in chart.drawn}) > 1
    labels = [(f"{row['shown_rank']}  " if row.get("shown_rank") else "") + chart.label(row)
              + (f" ({row['year']})" if several_years and row.get("year") else "")
              for row in chart.drawn]
    left = min(20 + max((_text_width(label) for label in labels), default=0.0), WIDTH * 0.45)
    right = WIDTH - 260  # room for the value and the flags after the longest bar
    ticks = chart.ticks()
    low, high = ticks[0], ticks[-1]

    def x(value: Decimal) -> float:
        return left + float((value - low) / (high - low)) * (right - left)

    top, row_height = 60.0, 26
    bottom = top + row_height * max(len(chart.drawn), 1)
    for tick in ticks:
        chart.parts.append(_element("line", x1=f"{x(tick):.1f}", y1=top - 6,
                                    x2=f"{x(tick):.1f}", y2=bottom, stroke="#dddddd"))
        chart.parts.append(_text(x(tick), bottom + 16, number_text(tick), font_size=11,
                                 text_anchor="middle", class_="tick"))
    chart.parts.append(_text((left + right) / 2, bottom + 34, chart.unit, font_size=12,
                             text_anchor="middle", class_="unit"))
    zero = x(Decimal(0))
    for number, (row, label) in enumerate(zip(chart.drawn, labels)):
        y = top + number * row_height
        end = x(Decimal(row[chart.key]))
        start, stop = sorted((zero, end))
        chart.parts.append(_element("rect", tip=chart.tip(row), x=f"{start:.2f}",
                                    y=f"{y + 3:.1f}", width=f"{stop - start:.2f}",
                                    height=row_height - 8,
                                    fill=chart.colours[str(row.get("company") or "")],
                                    class_="bar"))
        chart.parts.append(_text(left - 8, y + 17, label, font_size=12, text_anchor="end",
                                 class_="company"))
        flagged = bool(_flags(row))
        chart.parts.append(_text(stop + 6, y + 17, chart.shown(row), font_size=12,
                                 fill=FLAG_COLOUR if flagged else "#000000", class_="value"))
        if flagged:
            chart.parts.append(_marker(end, y + 3))
    chart.caption(bottom + 44)


def _lines(chart: _Chart) -> None:
    """One line per company over its years, the points labelled with their values."""
    series: dict[str, list[dict[str, Any]]] = {}
    for row in chart.drawn:
        if row.get("year"):
            series.setdefault(str(row["company"]), []).append(row)
    years = sorted({int(row["year"]) for rows in series.values() for row in rows})
    ticks = chart.ticks()
    low, high = ticks[0], ticks[-1]
    # room on the right for the last points' labels, then the legend
    left, right, top, bottom = 90.0, WIDTH - 270.0, 60.0, 380.0

    def x(year: int) -> float:
        if len(years) == 1:
            return (left + right) / 2
        return left + (year - years[0]) / (years[-1] - years[0]) * (right - left)

    def y(value: Decimal) -> float:
        return bottom - float((value - low) / (high - low)) * (bottom - top)

    for tick in ticks:
        chart.parts.append(_element("line", x1=left, y1=f"{y(tick):.1f}", x2=right,
                                    y2=f"{y(tick):.1f}", stroke="#dddddd"))
        chart.parts.append(_text(left - 6, y(tick) + 4, number_text(tick), font_size=11,
                                 text_anchor="end", class_="tick"))
    for year in years:
        chart.parts.append(_text(x(year), bottom + 16, str(year), font_size=11,
                                 text_anchor="middle", class_="tick"))
    middle = (top + bottom) / 2
    chart.parts.append(_text(14, middle, chart.unit, font_size=12, text_anchor="middle",
                             transform=f"rotate(-90 14 {middle:.1f})", class_="unit"))
    for number, (company, rows) in enumerate(series.items()):
        colour = chart.colours[company]
        rows = sorted(rows, key=lambda row: int(row["year"]))
        points = [(x(int(row["year"])), y(Decimal(row[chart.key]))) for row in rows]
        chart.parts.append(_element(
            "polyline", tip=chart.label(rows[0]),
            points=" ".join(f"{px:.1f},{py:.1f}" for px, py in points), fill="none",
            stroke=colour, stroke_width=2, class_="series"))
        for row, (px, py) in zip(rows, points):
            flagged = bool(_flags(row))
            chart.parts.append(_element("circle", tip=chart.tip(row), cx=f"{px:.1f}",
                                        cy=f"{py:.1f}", r=3.5, fill=colour, class_="point"))
            # the value and its mark; the flags' names are in the caption and the tooltip
            chart.parts.append(_text(px + 5, py - 6, number_text(Decimal(row[chart.key]))
                                     + (f" {MARK}" if flagged else ""), font_size=10,
                                     fill=FLAG_COLOUR if flagged else "#333333",
                                     class_="value"))
            if flagged:
                chart.parts.append(_marker(px, py - 16))
        key_y = top + number * 18  # the legend: which colour is which company
        chart.parts.append(_element("rect", x=right + 80, y=f"{key_y:.1f}", width=12,
                                    height=12, fill=colour))
        chart.parts.append(_text(right + 98, key_y + 11, chart.label(rows[0]), font_size=12,
                                 class_="company"))
    chart.caption(bottom + 30)


_KINDS: dict[str, Callable[[_Chart], None]] = {"bars": _bars, "lines": _lines}


def chart_svg(reports: list[Report], kind: str, key: str = "value",
              units: list[str] | None = None, names: dict[str, str] | None = None) -> str:
    """The SVG document of the reports, one chart under another: ``kind`` "bars" or
    "lines", the value in each row's ``key`` column, each chart's unit from ``units`` (by
    default its rows' ``unit``), the companies labelled by their ``names`` (by id)."""
    charts = []
    for number, report in enumerate(reports):
        unit = (units[number] if units else
                next((str(row["unit"]) for row in report.rows if row.get("unit")), ""))
        chart = _Chart(report, key, unit, names or {})
        _KINDS[kind](chart)
        charts.append(chart)
    height = f"{sum(chart.height for chart in charts) or 40.0:.0f}"
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg"'
           f'{_attrs(viewBox=f"0 0 {WIDTH} {height}", width=WIDTH, height=height)}'
           f'{_attrs(font_family=FONTS)}>',
           _element("title", "; ".join(report.title for report in reports)),
           _element("rect", x=0, y=0, width=WIDTH, height=height, fill="#ffffff")]
    offset = 0.0
    for chart in charts:
        out.append(f"<g{_attrs(transform=f'translate(0 {offset:.1f})')}>")
        out += chart.parts
        out.append("</g>")
        offset += chart.height
    out.append("</svg>")
    return "\n".join(out) + "\n"
