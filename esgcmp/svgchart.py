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

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import typer

from .output import Report, number_text

# Generic families last; CJK fonts named so that a Chinese company name shows wherever one
# of them is installed.
FONTS = ("'Noto Sans', 'DejaVu Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', "
         "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif")
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#17becf", "#bcbd22", "#d62728")
FLAG_COLOUR = "#c00000"
WIDTH = 900  # of the viewBox; the picture scales to any size
_CAPTION_CHARACTERS = 130  # a caption line's length, wrapped at the picture's width
_LINE = 16  # the height of a line of caption text


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
    above ``high``."""
    if high < low:
        low, high = high, low
    if high == low:  # one value (or none): a span around it
        high = low + (abs(low) if low else Decimal(1))
    step = _nice((high - low) / max(count - 1, 1), rounded=True)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    last = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks = []
    tick = first
    while tick <= last:
        ticks.append(tick.normalize() if tick else Decimal(0))
        tick += step
    return ticks


def _nice(span: Decimal, rounded: bool) -> Decimal:
    exponent = span.adjusted()  # the power of ten of the first digit
    power = Decimal(1).scaleb(exponent)
    fraction = span / power
    if rounded:
        steps = ((Decimal("1.5"), 1), (Decimal(3), 2), (Decimal(7), 5))
        chosen = next((step for limit, step in steps if fraction < limit), 10)
    else:
        chosen = next((step for step in (1, 2, 5) if fraction <= step), 10)
    return Decimal(chosen) * power


def full_number(value: Decimal) -> str:
    """Every digit, as CSV writes it."""
    return format(value.normalize(), "f") if value != 0 else "0"


def _attrs(**attributes: Any) -> str:
    return "".join(f" {name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}"
                   for name, value in attributes.items())


def _text(x: float, y: float, text: str, **attributes: Any) -> str:
    return f"<text{_attrs(x=f'{x:.1f}', y=f'{y:.1f}', **attributes)}>{escape(text)}</text>"


def _text_width(text: str, size: int = 12) -> float:
    """A rough width for laying out labels: CJK characters are about twice as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


class _Panel:
    """One chart of a file (a file holds one per report: several metrics or years)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.height = 0.0

    def caption(self, lines: list[str], top: float) -> float:
        """Caption lines wrapped to the picture's width, from ``top``; the new bottom."""
        y = top
        for line in lines:
            for piece in textwrap.wrap(line, _CAPTION_CHARACTERS) or [""]:
                y += _LINE
                self.parts.append(_text(10, y, piece, font_size=11, class_="caption"))
        return y


_NAMES: dict[str, str] = {}  # company id -> name, for the chart being made


def _label(row: dict[str, Any]) -> str:
    company = str(row.get("company") or "")
    return str(row.get("company_name") or _NAMES.get(company) or company)


def _where(row: dict[str, Any]) -> list[str]:
    cell = row.get("where")
    if not cell:
        return []
    return [str(item) for item in (cell if isinstance(cell, (list, tuple)) else [cell])]


def _flag_words(row: dict[str, Any]) -> list[str]:
    return [str(flag) for flag in row.get("flags") or []]


def _common_caption(report: Report, drawn: list[dict[str, Any]],
                    absent: list[dict[str, Any]]) -> list[str]:
    """Flags, sources, companies without a value and the table's notes."""
    lines = []
    flagged: dict[str, list[str]] = {}
    for row in drawn:
        for flag in _flag_words(row):
            flagged.setdefault(flag, []).append(f"{_label(row)} {row.get('year') or ''}".strip())
    if flagged:
        lines.append("Flags (marked \u25b2 on the bars or points they apply to): "
                     + "; ".join(f"{flag}: {', '.join(names)}" for flag, names in flagged.items())
                     + ".")
    reasons = [f"{_label(row)} ({'; '.join(map(str, row['reasons']))})" for row in drawn
               if row.get("reasons")]
    if reasons:
        lines.append("Not ranked (or, with --include-flagged, ranked and marked *), as "
                     "unlike the others: " + "; ".join(reasons) + ".")
    sources = [f"{_label(row)} {row.get('year') or ''}: {'; '.join(_where(row))}"
               for row in drawn if _where(row)]
    if sources:
        lines.append("Sources: " + " | ".join(sources) + ".")
    if absent:
        lines.append("Not drawn (no value): " + "; ".join(
            f"{_label(row)} ({'; '.join(_where(row)) or ', '.join(map(str, row.get('reasons') or [])) or row.get('notes') or 'missing'})"
            for row in absent) + ".")
    lines += [str(note) for note in report.notes]
    return lines


def _bars(report: Report, key: str, unit: str) -> _Panel:
    """Horizontal bars, one per row with a value, in the table's order, from zero."""
    panel = _Panel()
    drawn = [row for row in report.rows if row.get(key) is not None]
    absent = [row for row in report.rows if row.get(key) is None]
    values = [Decimal(row[key]) for row in drawn]
    labels = [(f"{row['shown_rank']}  " if row.get("shown_rank") else "") + _label(row)
              + (f" ({row['year']})" if row.get("year") and _several_years(drawn) else "")
              for row in drawn]
    left = 20 + max((_text_width(label) for label in labels), default=0.0)
    left = min(left, WIDTH * 0.45)
    right = WIDTH - 260  # room for the value and the flags after the longest bar
    ticks = nice_ticks(min([Decimal(0), *values]), max([Decimal(0), *values]))
    low, high = ticks[0], ticks[-1]

    def x(value: Decimal) -> float:
        return left + float((value - low) / (high - low)) * (right - left)

    top = 60.0
    panel.parts.append(_text(10, 24, report.title, font_size=16, font_weight="bold",
                             class_="title"))
    row_height = 26
    bottom = top + row_height * max(len(drawn), 1)
    for tick in ticks:
        panel.parts.append(f"<line{_attrs(x1=f'{x(tick):.1f}', y1=top - 6, x2=f'{x(tick):.1f}', y2=bottom, stroke='#dddddd')}/>")
        panel.parts.append(_text(x(tick), bottom + 16, number_text(tick), font_size=11,
                                 text_anchor="middle", class_="tick"))
    panel.parts.append(_text((left + right) / 2, bottom + 34, unit, font_size=12,
                             text_anchor="middle", class_="unit"))
    for number, (row, value, label) in enumerate(zip(drawn, values, labels)):
        y = top + number * row_height
        start, end = sorted((x(Decimal(0)), x(value)))
        flags = _flag_words(row)  # the reasons, being sentences, are in the caption
        colour = COLOURS[number % len(COLOURS)]
        tip = f"{_label(row)} {row.get('year') or ''}: {full_number(value)} {unit}".strip()
        panel.parts.append(
            f"<rect{_attrs(x=f'{start:.2f}', y=f'{y + 3:.1f}', width=f'{end - start:.2f}', height=row_height - 8, fill=colour, class_='bar')}>"
            f"<title>{escape(tip)}</title></rect>")
        panel.parts.append(_text(left - 8, y + 17, label, font_size=12, text_anchor="end",
                                 class_="company"))
        shown = number_text(value) + (f"  \u25b2 {', '.join(flags)}" if flags else "")
        panel.parts.append(_text(max(end, x(Decimal(0))) + 6, y + 17, shown, font_size=12,
                                 fill=FLAG_COLOUR if flags else "#000000", class_="value"))
        if flags:
            panel.parts.append(_marker(end, y + 3))
    panel.height = panel.caption(_common_caption(report, drawn, absent), bottom + 44) + 10
    return panel


def _several_years(rows: list[dict[str, Any]]) -> bool:
    return len({row.get("year") for row in rows}) > 1


def _marker(x: float, y: float) -> str:
    """A small triangle over a flagged bar's end or point."""
    return (f"<path{_attrs(d=f'M{x - 5:.1f},{y - 2:.1f} L{x + 5:.1f},{y - 2:.1f} L{x:.1f},{y + 7:.1f} Z', fill=FLAG_COLOUR, class_='flag')}/>")


def _lines(report: Report, key: str, unit: str) -> _Panel:
    """One line per company over its years, the points labelled with their values."""
    panel = _Panel()
    drawn = [row for row in report.rows if row.get(key) is not None and row.get("year")]
    absent = [row for row in report.rows if row.get(key) is None]
    series: dict[str, list[dict[str, Any]]] = {}
    for row in drawn:
        series.setdefault(str(row["company"]), []).append(row)
    years = sorted({int(row["year"]) for row in drawn})
    values = [Decimal(row[key]) for row in drawn]
    ticks = nice_ticks(min([Decimal(0), *values]), max([Decimal(0), *values]))
    low, high = ticks[0], ticks[-1]
    left, right, top, bottom = 90.0, WIDTH - 220.0, 60.0, 380.0

    def x(year: int) -> float:
        if len(years) == 1:
            return (left + right) / 2
        return left + (year - years[0]) / (years[-1] - years[0]) * (right - left)

    def y(value: Decimal) -> float:
        return bottom - float((value - low) / (high - low)) * (bottom - top)

    panel.parts.append(_text(10, 24, report.title, font_size=16, font_weight="bold",
                             class_="title"))
    for tick in ticks:
        panel.parts.append(f"<line{_attrs(x1=left, y1=f'{y(tick):.1f}', x2=right, y2=f'{y(tick):.1f}', stroke='#dddddd')}/>")
        panel.parts.append(_text(left - 6, y(tick) + 4, number_text(tick), font_size=11,
                                 text_anchor="end", class_="tick"))
    for year in years:
        panel.parts.append(_text(x(year), bottom + 16, str(year), font_size=11,
                                 text_anchor="middle", class_="tick"))
    panel.parts.append(_text(14, (top + bottom) / 2, unit, font_size=12, text_anchor="middle",
                             transform=f"rotate(-90 14 {(top + bottom) / 2:.1f})",
                             class_="unit"))
    for number, (company, rows) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        rows = sorted(rows, key=lambda row: int(row["year"]))
        points = " ".join(f"{x(int(r['year'])):.1f},{y(Decimal(r[key])):.1f}" for r in rows)
        panel.parts.append(f"<polyline{_attrs(points=points, fill='none', stroke=colour, stroke_width=2, class_='series')}><title>{escape(_label(rows[0]))}</title></polyline>")
        for row in rows:
            value = Decimal(row[key])
            px, py = x(int(row["year"])), y(value)
            flags = _flag_words(row)
            tip = f"{_label(row)} {row['year']}: {full_number(value)} {unit}"
            panel.parts.append(f"<circle{_attrs(cx=f'{px:.1f}', cy=f'{py:.1f}', r=3.5, fill=colour, class_='point')}><title>{escape(tip)}</title></circle>")
            shown = number_text(value) + (f" \u25b2 {', '.join(flags)}" if flags else "")
            panel.parts.append(_text(px + 5, py - 6, shown, font_size=10,
                                     fill=FLAG_COLOUR if flags else "#333333", class_="value"))
            if flags:
                panel.parts.append(_marker(px, py - 16))
        legend_y = top + number * 18
        panel.parts.append(f"<rect{_attrs(x=right + 20, y=f'{legend_y:.1f}', width=12, height=12, fill=colour)}/>")
        panel.parts.append(_text(right + 38, legend_y + 11, _label(rows[0]), font_size=12,
                                 class_="company"))
    panel.height = panel.caption(_common_caption(report, drawn, absent), bottom + 30) + 10
    return panel


def chart_svg(reports: list[Report], kind: str, key: str = "value",
              units: list[str] | None = None, names: dict[str, str] | None = None) -> str:
    """The SVG document of the reports, one chart under another: ``kind`` "bars" or
    "lines", the value in each row's ``key`` column, each chart's unit from ``units`` (by
    default its rows' ``unit``), the companies labelled by their ``names`` (by id)."""
    _NAMES.clear()
    _NAMES.update(names or {})
    panels = []
    for number, report in enumerate(reports):
        unit = (units[number] if units else
                next((str(r.get("unit")) for r in report.rows if r.get("unit")), ""))
        panels.append((_bars if kind == "bars" else _lines)(report, key, unit))
    height = sum(panel.height for panel in panels) or 40.0
    title = "; ".join(report.title for report in reports)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg"{_attrs(viewBox=f"0 0 {WIDTH} {height:.0f}", width=WIDTH, height=f"{height:.0f}", font_family=FONTS)}>',
           f"<title>{escape(title)}</title>",
           f'<rect{_attrs(x=0, y=0, width=WIDTH, height=f"{height:.0f}", fill="#ffffff")}/>']
    offset = 0.0
    for panel in panels:
        out.append(f'<g{_attrs(transform=f"translate(0 {offset:.1f})")}>')
        out += panel.parts
        out.append("</g>")
        offset += panel.height
    out.append("</svg>")
    return "\n".join(out) + "\n"
