"""A table's heading (its years, fiscal periods and the columns after them that hold no
values) and a row's label and unit, made into the values an extraction records."""

from __future__ import annotations

import re
from functools import lru_cache

import msgspec

from .extract_cells import (MAX_LABEL_LINE_CHARS, POINT, _CJK, _DASHED_UNIT, _INNER_MARKER,
                            _MARKER, _NOTE_AFTER, _NOTE_TAIL, _SUPERSCRIPT_MARKER,
                            _TRAILING_UNIT, _YEARISH, Cell, Found, _is_unit, _unit_text,
                            has_chinese, nfkc)
from .units import parse_printed


_CHINESE_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4,
                   "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(
    # a year named with the date its fiscal year ended: 2022 (fiscal year ended March 31, 2023)
    r"(?P<fy_named>(?:19|20)\d\d)\s?[(（](?:fiscal\s+|financial\s+)?year\s+ended\s+"
    r"(?:[A-Za-z]+\.?\s+\d{1,2},?|\d{1,2}\s+[A-Za-z]+,?)\s+(?P<fy_ended>(?:19|20)\d\d)[)）]"
    # a fiscal year: 2021/2022, 2021/22, FY2021/22, 2022-23, 二零二三/二四年度
    r"|(?:FY\s?)?(?P<fy_start>(?:19|20)\d\d)\s?[/\-–]\s?(?P<fy_end>(?:19|20)?\d\d)"
    r"(?:\s?(?:財政年度|财政年度|年度))?(?![\d/\-–])"
    r"|(?P<zh_fy_start>[零〇○一二三四五六七八九]{4})\s?[/\-–]\s?"
    r"(?P<zh_fy_end>[零〇○一二三四五六七八九]{2})\s?年度"
    # a fiscal year in two-digit years, only after FY: FY22/23, FY23
    r"|FY\s?(?P<fy2_start>\d\d)\s?[/\-–]\s?(?P<fy2_end>\d\d)(?![\d/\-–])"
    r"|FY\s?(?P<fy2>\d\d)(?![\d/\-–])"
    # a calendar year, or a fiscal year named by its end: FY2022, 2023財政年度
    r"|(?P<fy>FY\s?)?(?:(?:Year|year|YEAR)\s?)?(?P<year>(?:19|20)\d\d)"
    r"(?:\s?(?P<suffix>財政年度|财政年度|年度|年|財年))?"
    r"|(?P<zh>[零〇○一二三四五六七八九]{4})\s?年度?")
# Heading columns after the years whose cells are not values: page numbers, notes,
# references to a reporting standard.
_EXTRA_COLUMN = re.compile(
    r"(?:Report\s+Pages?|Pages?|Page\s+No\.?|Notes?|Remarks?|GRI(?:\s+Standards?)?"
    r"|HKEX\s+KPIs?|KPIs?\s+Ref(?:erence)?\.?|備註|备注|附註|附注|頁碼|页码|頁數|页数)$", re.I)
# A column of targets after the reported years (``2021 2022 2025 Target``, ``Target 2030``,
# ``2030 goal``): its cells are ambitions, not values of a year.
_TARGET_HEAD = re.compile(r"(?:(?:19|20)\d\d\s*)?(?:targets?|goals?|ambitions?)$"
                          r"|(?:(?:19|20)\d\d\s*年度?)?(?:目標|目标)$"
                          r"|(?:targets?|goals?|ambitions?|目標|目标)\s*(?:19|20)\d\d年?$", re.I)
# Words that mark a table's heading line (a one-year table needs one of them).
_HEADING_WORDS = re.compile(r"單位|单位|指標|指标|項目|项目|類別|类别|\bunits?\b|\bindicators?\b"
                            r"|\bitems?\b|\bKPIs?\b|\bmetrics?\b", re.I)
_UNIT_HEADING = re.compile(r"單位|单位|\bunits?\b", re.I)


def _chinese_number(text: str) -> int:
    return int("".join(str(_CHINESE_DIGITS[c]) for c in text))


def _year_match(match: re.Match[str]) -> tuple[int, str] | None:
    """The year a ``_YEAR`` match names and, for a fiscal year, the period as printed (""
    for a calendar year). A fiscal year is named by the year it ends in."""
    printed = match.group(0).strip()
    if match.group("fy_named"):
        ended = int(match.group("fy_ended"))
        return (ended, printed) if 0 <= ended - int(match.group("fy_named")) <= 1 else None
    if match.group("fy2_start"):
        start, end = 2000 + int(match.group("fy2_start")), 2000 + int(match.group("fy2_end"))
        return (end, printed) if end == start + 1 else None
    if match.group("fy2"):
        return 2000 + int(match.group("fy2")), printed
    if match.group("fy_start"):
        start, end_text = int(match.group("fy_start")), match.group("fy_end")
        end = int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text)
        return (end, printed) if end == start + 1 else None
    if match.group("zh_fy_start"):
        start = _chinese_number(match.group("zh_fy_start"))
        end = start // 100 * 100 + _chinese_number(match.group("zh_fy_end"))
        return (end, printed) if 1900 <= start < 2100 and end == start + 1 else None
    if match.group("year"):
        fiscal = match.group("fy") or match.group("suffix") in ("財政年度", "财政年度")
        return int(match.group("year")), printed if fiscal else ""
    year = _chinese_number(match.group("zh"))
    return (year, "") if 1900 <= year < 2100 else None


def period_of(token: str) -> tuple[int, str] | None:
    """The year a heading cell names and the fiscal period it prints ("" for a calendar
    year), or None."""
    match = _YEAR.fullmatch(nfkc(token).strip())
    return None if match is None else _year_match(match)


def year_of(token: str) -> int | None:
    """The year a heading cell names, or None."""
    period = period_of(token)
    return None if period is None else period[0]


class Heading(msgspec.Struct, frozen=True):
    years: tuple[int, ...]
    periods: tuple[str, ...]  # the fiscal period each year column prints, "" for a year
    before: str  # the heading's text before the years
    extra: int = 0  # columns after the years whose cells are not values (Report Pages)


_HEADING_MARKER = re.compile(r"(?<=[A-Za-z\u3400-\u9fff])\s*(?:\d{1,2}\)|\(\d{1,2}\))$")
# Page references printed two or more in a page column: "43, 48"
_PAGE_LIST = re.compile(r"^\d{1,4},$")
# The heading of a table whose columns are not years ("2021 年能源統計項目 國泰建築經理
# 國泰健康管理事業"): its rows are not the rows of the year table above it.
_COLUMN_NAMES = re.compile(r"項目|项目|\bitems?\b|\bindicators?\b|指標|指标", re.I)


@lru_cache(maxsize=4096)
def read_heading(text: str) -> Heading | None:
    """A table heading: the years of its columns, the text before them and the columns
    after them that hold no values (``Indicator Unit 2021/22 2022/23 Report Pages``);
    None when the line is not a heading."""
    normal = nfkc(text).strip()
    if not _YEARISH.search(normal):  # most lines: no year, no heading
        return None
    end = len(normal)
    extra = 0
    while True:  # the extra columns, from the right: their names are one to three words
        words = normal[:end].split()
        for take in (3, 2, 1):
            if len(words) > take and (_EXTRA_COLUMN.match(" ".join(words[-take:]))
                                      or _TARGET_HEAD.match(" ".join(words[-take:]))):
                end = len(normal[:end].rstrip()) - len(" ".join(words[-take:]))
                extra += 1
                break
        else:
            break
    found: list[tuple[int, int, str]] = []
    for match in reversed(list(_YEAR.finditer(normal, 0, end))):
        if normal[match.end():end].strip():
            break
        period = _year_match(match)
        if period is None:
            break
        found.append((match.start(), *period))
        end = match.start()
    if not found:
        return None
    years = tuple(year for _start, year, _period in reversed(found))
    periods = tuple(period for _start, _year, period in reversed(found))
    before = normal[:end].strip()
    # a number of its own before the years is a row's (Scope 1 2021 2022); a digit inside
    # a unit (tCO2e) is not one, nor a footnote marker that ends the heading's first cell
    # ("Waste and water 1)")
    if len(set(years)) != len(years) or re.search(r"(?<![A-Za-z])\d+(?![A-Za-z\d])",
                                                  _HEADING_MARKER.sub("", before)):
        return None
    if len(years) == 1 and not _HEADING_WORDS.search(before):
        return None
    if len(" ".join(before.split())) > MAX_LABEL_LINE_CHARS // 2:  # -layout pads with spaces
        return None
    spread = max(years) - min(years)
    if spread > 3 * len(years):  # 1990 2020: not a run of reporting years
        return None
    if not _HEADING_WORDS.search(before) and _row_like(before, years):
        return None
    return Heading(years, periods, before, extra)


def _row_like(before: str, years: tuple[int, ...]) -> bool:
    """Whether years after a text that names no column are a row's values: the text ends
    in a unit (GHG (tonnes) 2031 2033), or the years skip (2031 2033 2037), where the
    columns of a report are a run of years."""
    steps = {later - earlier for earlier, later in zip(years, years[1:])}
    if steps and not (steps == {1} or steps == {-1}):
        return True
    if len(years) >= 3:  # three years in a row after a unit are a heading's columns
        return False
    unit = _TRAILING_UNIT.search(before)
    return bool(unit) and _is_unit(unit.group(1).strip())


def _joined(pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        piece = piece.strip()
        if not text:
            text = piece
        elif text.endswith("-") or _CJK.match(piece[:1]) or _CJK.match(text[-1:]):
            text += piece
        else:
            text += " " + piece
    return text


# ---- tables -------------------------------------------------------------------------------

class _Table(msgspec.Struct):
    years: tuple[int, ...]
    unit_column: bool
    section: str
    gap: int = 0
    periods: tuple[str, ...] = ()
    extra: int = 0  # columns after the years that hold no values
    # the table's number convention, from its own cells (``number_convention``)
    convention: str = POINT
    pipe_columns: int = 0  # a Markdown pipe table: its number of columns
    pipe_unit: int = -1  # and the column of its units, -1 for none
    # a pipe table whose years head groups of columns (``_spread_heading``): the column of
    # each year's value, and the share (%) columns beside them
    value_columns: tuple[int, ...] = ()
    share_columns: tuple[int, ...] = ()


def _one_unit(tokens: list[str]) -> bool:
    """Whether words read as one unit are one: not two units side by side (the label's
    last word and the unit column, "employees persons") and not a label's number before
    a unit ("Scope 3 tCO2e"; a magnitude is a power of ten: "10,000 tons")."""
    first = tokens[0].replace(",", "")
    if first.isdigit() and first.lstrip("1").strip("0"):
        return False
    units = sum(1 for token in tokens if _is_unit(token) and not parse_printed(token).bare)
    return units < 2


def _row_unit(label_tokens: list[str], unit_column: bool) -> tuple[list[str], str]:
    """Split a row's label tokens into the label and the printed unit."""
    if unit_column and len(label_tokens) >= 2:
        for take in range(min(3, len(label_tokens) - 1), 0, -1):
            candidate = _unit_text(" ".join(label_tokens[-take:]))
            if _is_unit(candidate) and (take == 1 or _one_unit(label_tokens[-take:])):
                before = label_tokens[-take - 1] if len(label_tokens) > take + 1 else ""
                # a unit in both languages (kWh 千瓦時): the one the registry reads in
                # English terms is kept, both leave the label
                if (before and has_chinese(before) != has_chinese(candidate)
                        and _is_unit(before)):
                    english = candidate if has_chinese(before) else before
                    return label_tokens[:-take - 1], english
                return label_tokens[:-take], candidate
        return label_tokens[:-1], label_tokens[-1]
    label = _SUPERSCRIPT_MARKER.sub("", " ".join(label_tokens))  # (tCO2e)³
    label = _NOTE_AFTER.sub("", label)  # 電力(千瓦時╱人)(附註 1 )
    label = _NOTE_TAIL.sub("", label)  # "(kWh/person) (Note 1)"
    match = _TRAILING_UNIT.search(label) or _DASHED_UNIT.search(label)
    if match and _is_unit(_unit_text(match.group(1))):
        return label_tokens, _unit_text(match.group(1))
    return label_tokens, ""


# A row that scores a topic's materiality (``Climate change - importance to business | 2 |
# 6``): its numbers are ranks and scores, not values of the years above them.
_MATERIALITY = re.compile(r"importance\s+to\s+(?:the\s+)?(?:business|stakeholders?)"
                          r"|\bmateriality\b|\bmaterial\s+(?:topics?|issues?)\b"
                          r"|對業務的重要性|对业务的重要性|對持份者的重要性|对持份者的重要性", re.I)


def _found(line: int, label: str, unit: str, table: _Table, cells: list[Cell],
           section: str) -> list[Found]:
    if _MATERIALITY.search(label):
        return []
    superscript = (_SUPERSCRIPT_MARKER.search(label.strip())
                   or _INNER_MARKER.search(label.strip()))
    name_marker = None if superscript else _MARKER.match(nfkc(label).strip())
    footnote = (nfkc(superscript.group(0)) if superscript
                else name_marker.group("marker") if name_marker else "")
    if not unit and any(c.percent for c in cells):
        unit = "%"
    values = []
    periods = table.periods or ("",) * len(table.years)
    for year, period, cell in zip(table.years, periods, cells):
        if cell.value is None:
            continue
        flags = []
        if cell.approx:
            flags.append("approx")
        if cell.artefact:
            flags.append("artefact")
        if cell.ambiguous:
            flags.append("separator_ambiguous")
        values.append(Found(line, label, unit, year, cell.value, cell.printed or None,
                            tuple(flags), footnote, cell.artefact or cell.ambiguous, section,
                            period))
    return values


# The words a pipe table's column may name its year with, when the year is a reported one
# (``Base Year Data – 2021``, ``2022 (Actual)``); a column whose year is named with a target
# word (``Mid-Term Target Year – 2025``) holds targets.
_YEAR_CELL_WORDS = {"base", "year", "baseline", "data", "actual", "actuals", "result", "results",
                    "reported", "performance", "實績", "实绩", "實際", "实际", "基準年", "基准年"}
_TARGET_WORD = re.compile(r"targets?|goals?|ambitions?|目標|目标", re.I)


def _named_year(cell: str) -> tuple[int, str] | None:
    """The year a pipe heading's cell names with words around it, when the words say it is
    a reported year; None for any other cell."""
    years = list(_YEAR.finditer(cell))
    if len(years) != 1:
        return None
    found = _year_match(years[0])
    rest = cell[:years[0].start()] + " " + cell[years[0].end():]
    words = re.sub(r"[–—\-:：()（）]", " ", rest).lower().split()
    if found is None or not words or not all(word in _YEAR_CELL_WORDS for word in words):
        return None
    return found


def pipe_heading(cells: list[str]) -> _Table | None:
    """A pipe table's heading whose columns name their years with words, read cell by cell:
    the reported years' columns, then columns of targets or pages (``Unit | Base Year Data
    – 2021 | Mid-Term Target Year – 2025 | Long-Term Target Year – 2030``); None when the
    cells are not such a heading."""
    named = [nfkc(cell).strip() for cell in cells]
    while named and not named[-1]:
        named.pop()
    end, extra = len(named), 0
    while end > 1 and (_EXTRA_COLUMN.match(named[end - 1]) or _TARGET_WORD.search(named[end - 1])):
        end, extra = end - 1, extra + 1
    years: list[tuple[int, str]] = []
    while end > 1:
        found = period_of(named[end - 1]) or _named_year(named[end - 1])
        if found is None:
            break
        years.insert(0, found)
        end -= 1
    if len(years) > 2 and years[-1][0] in {year for year, _p in years[:-1]}:
        # a year printed again after the run (2021 | 2022 | 2023 | FY2021 | Report Pages):
        # a column of another kind, whose rows print their pages in it
        years.pop()
        extra += 1
    before = " ".join(named[:end])
    if (not years or len({year for year, _p in years}) != len(years) or not before
            or _YEARISH.search(before) or (len(years) == 1 and not _HEADING_WORDS.search(before))):
        return None
    return _Table(tuple(year for year, _p in years), bool(_UNIT_HEADING.search(before)), before,
                  periods=tuple(period for _y, period in years), extra=extra)


def _heading(text: str) -> _Table | None:
    heading = read_heading(text)
    if heading is None:
        return None
    return _Table(heading.years, bool(_UNIT_HEADING.search(heading.before)), heading.before,
                  periods=heading.periods, extra=heading.extra)
