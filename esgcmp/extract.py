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
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache

import msgspec
from msgspec import field

from .decimals import LIMITS, read_number
from .errors import UnitError
from .names import plural
from .units import parse_printed

# ---- what a report prints ---------------------------------------------------------------

_CHINESE_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4,
                   "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(
    # a fiscal year: 2021/2022, 2021/22, FY2021/22, 2022-23, 二零二三/二四年度
    r"(?:FY\s?)?(?P<fy_start>(?:19|20)\d\d)\s?[/\-–]\s?(?P<fy_end>(?:19|20)?\d\d)"
    r"(?:\s?(?:財政年度|财政年度|年度))?(?![\d/\-–])"
    r"|(?P<zh_fy_start>[零〇○一二三四五六七八九]{4})\s?[/\-–]\s?"
    r"(?P<zh_fy_end>[零〇○一二三四五六七八九]{2})\s?年度"
    # a calendar year, or a fiscal year named by its end: FY2022, 2023財政年度
    r"|(?P<fy>FY\s?)?(?:(?:Year|year|YEAR)\s?)?(?P<year>(?:19|20)\d\d)"
    r"(?:\s?(?P<suffix>財政年度|财政年度|年度|年|財年))?"
    r"|(?P<zh>[零〇○一二三四五六七八九]{4})\s?年度?")
# Heading columns after the years whose cells are not values: page numbers, notes,
# references to a reporting standard.
_EXTRA_COLUMN = re.compile(
    r"(?:Report\s+Pages?|Pages?|Page\s+No\.?|Notes?|Remarks?|GRI(?:\s+Standards?)?"
    r"|HKEX\s+KPIs?|KPIs?\s+Ref(?:erence)?\.?|備註|备注|附註|附注|頁碼|页码|頁數|页数)$", re.I)
# Words that mark a table's heading line (a one-year table needs one of them).
_HEADING_WORDS = re.compile(r"單位|单位|指標|指标|項目|项目|類別|类别|\bunits?\b|\bindicators?\b"
                            r"|\bitems?\b|\bKPIs?\b|\bmetrics?\b", re.I)
_UNIT_HEADING = re.compile(r"單位|单位|\bunits?\b", re.I)
_NOT_DISCLOSED = {"-", "–", "—", "——", "———", "--", "N/A", "n/a", "NA", "n.a.", "N.A.",
                  "不適用", "不适用", "/", "*"}
# Hedges a cell or a prose figure may carry (docs/extract.md); "as many as" (多達) is not one.
_HEDGE_BEFORE = re.compile(
    r"(?:約|约|逾|超過|超过|近|大約|大约|approximately|approx\.?|about|around|over|more than"
    r"|nearly|almost|~|≈|>)\s*$", re.I)
_CELL = re.compile(
    r"^(?P<hedge>約|约|逾|近|~|≈|>)?"
    # Indian groups (1,44,997) before thousands: a group of two is never a thousands group
    r"(?P<open>\()?(?P<sign>-)?(?P<number>\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<close>\))?(?P<ratio>:\d+(?:\.\d+)?)?(?P<percent>%)?(?P<after>餘|余|多)?$")
_GLUED = re.compile(r"^\d+\.\d+(?:\.\d+)+$")  # 12.3445.67: two cells without a space
# 100,750112,444 and 3,484.874,066.79: cells with thousands separators without a space
_GLUED_COMMAS = re.compile(r"^\d{1,3}(?:,\d+)+(?:\.\d+(?:,\d+)*)*$")
_BROKEN_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})*,$")  # "90," of "90, 258"
_THREE_DIGITS = re.compile(r"^\d{3}(?:,\d{3})*(?:\.\d+)?$")
_TRAILING_UNIT = re.compile(r"[(（]([^()（）]{1,40})[)）]\s*$")
# a heading whose only number is its scope's: "Scope 1" above "Total", "Market based"
_SCOPE_HEADING = re.compile(r"^(?:scope|範疇|范畴|範圍|范围)\s*[1-3]$", re.I)
_NOTE_TAIL = re.compile(r"\s*[(（]\s*(?:note|notes|附註|附注)\s*\d*\s*[)）]\s*$", re.I)
_DASHED_UNIT = re.compile(r"\s[–—]\s*([^\s–—]{1,20})\s*$")  # "Direct emissions – tCO2e"
# A footnote marker glued to a label: 汽油消耗量5, emissions1, 員工¹.
_MARKER = re.compile(r"^(?P<label>.*(?:[\u3400-\u9fff）)]|[a-z]{3}))(?P<marker>\d{1,2})$")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_MARKER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+$")
_SUPERSCRIPT_ANY = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]")
# a footnote marker after a number inside a label: ``Scope 1³ (tCO2e)`` (after a letter a
# superscript may be a unit's power, m³)
_INNER_MARKER = re.compile(r"(?<=\d)[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?=[\s(（:：])")
# a subscript a converter printed as a digit between spaces: ``tCO 2 e``, ``CH 4``
_SPACED_SUBSCRIPT = re.compile(r"(?<=[CNS]O|CH) (\d)(?: (?=e\b))?")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOTE_AFTER = re.compile(r"\s*[(（](?:Notes?|附註|附注|註|注)\s*\d{1,2}\s*[)）]\s*$", re.I)
_CONTINUED = re.compile(r"[a-z(]")  # a label that goes on from the line above
_YEARISH = re.compile(r"(?:19|20)\d\d|[零〇○一二三四五六七八九]{4}")  # what a year may be
# A section's name printed in the first column of its first row (``Use of Resources
# Electricity consumption``): the HKEX guide's aspects, before a label of two or more words
# that starts anew with a capital or a digit.
_SECTION_PREFIX = re.compile(
    r"^(?:GHG Emissions|Emissions|Use of Resources|(?:The )?Environment and Natural Resources"
    r"|Climate Change|Employment|Health and Safety|Development and Training|Labour Standards"
    r"|Supply Chain Management|Product Responsibility|Anti-corruption|Community Investment)"
    r"[:：]?\s+(?=[A-Z0-9]\S*\s+\S)")

# A figure in a sentence is read from the characters around it only (its unit after it;
# its label, hedge and year before it): reading the whole line for each figure was
# quadratic, minutes for one long sentence.
PROSE_WINDOW = 400
MAX_LABEL_LINES = 4  # a label wrapped over more lines than this is not a table row
MAX_LABEL_LINE_CHARS = 100  # a longer line is prose: it ends a table
MAX_GAP_LINES = 12  # non-empty lines without a row after which a table has ended


class Cell(msgspec.Struct, frozen=True):
    value: Decimal | None  # None: not disclosed
    printed: str  # the cell as printed
    approx: bool = False
    artefact: str = ""  # how the converter damaged it, when it did
    percent: bool = False
    # the other reading of a cell whose value depends on the table's decimal separator,
    # when the table does not tell which it uses ("" when it does, or it does not matter)
    ambiguous: str = ""


class Found(msgspec.Struct, frozen=True):
    """One value read from the report."""

    line: int  # where the number is printed
    label: str  # as printed, wrapped lines joined
    unit: str  # as printed; "" when the row prints none
    year: int
    value: Decimal
    printed: str | None = None  # the cell's text, when it is not the plain number
    flags: tuple[str, ...] = ()  # approx, artefact, prose
    footnote: str = ""  # the marker glued to the label
    note: str = ""
    section: str = ""  # the table's heading or the last section line above the row
    period: str = ""  # the fiscal period the column prints (2021/22), "" for a year
    # the line the row starts on, when its cells are on lines of their own (a page that
    # prints a cell a line); 0: the row is on ``line``
    row: int = 0
    page: int = 0  # a PDF's page the line is on (its line then counts on that page); 0: text

    @property
    def name(self) -> str:
        """The label without its unit in parentheses, its footnote marker or a leading
        "among which": the text a metric's name is compared with."""
        return label_name(self.label, self.unit)


class Unreadable(msgspec.Struct, frozen=True):
    line: int
    text: str
    why: str
    page: int = 0  # as Found's


class Extraction(msgspec.Struct):
    values: list[Found] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


def nfkc(text: str) -> str:
    if text.isascii():  # most of a report's tokens: NFKC leaves ASCII as it is
        return text
    if _SUPERSCRIPT_ANY.search(text):  # str.translate is slow: only when there is one
        text = text.translate(_SUPERSCRIPTS)
    return unicodedata.normalize("NFKC", text)


def has_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def _chinese_number(text: str) -> int:
    return int("".join(str(_CHINESE_DIGITS[c]) for c in text))


def _year_match(match: re.Match[str]) -> tuple[int, str] | None:
    """The year a ``_YEAR`` match names and, for a fiscal year, the period as printed (""
    for a calendar year). A fiscal year is named by the year it ends in."""
    printed = match.group(0).strip()
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
            if len(words) > take and _EXTRA_COLUMN.match(" ".join(words[-take:])):
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


# ---- decimal points and decimal commas --------------------------------------------------
# A table prints thousands and decimals one way: 1,234.5 (a decimal point) or 1.234,5 (a
# decimal comma, as much of Europe does). Which, its own cells tell.
POINT, COMMA, UNKNOWN, CONFLICT = "point", "comma", "unknown", "conflict"
_NUMBER_TOKEN = re.compile(r"^[(\-~≈>約约逾近]*(?P<number>\d[\d.,]*\d|\d)[)%]?$")
# 0,24  12,5  0,047  1.234.567  1.234,5: only a decimal comma reads these
_COMMA_EVIDENCE = re.compile(r"^(?:\d+,\d{1,2}|0,\d+|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?"
                             r"|\d{1,3}(?:\.\d{3})+,\d+)$")
# 1,234  12.5  0.1234  1,234.5: only a decimal point reads these
_POINT_EVIDENCE = re.compile(r"^(?:[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+\.(?:\d{1,2}|\d{4,}))$")
# 285.868: 285.868 with a decimal point, 285868 with a decimal comma
_POINT_THREE = re.compile(r"^[1-9]\d{0,2}\.\d{3}$")
_COMMA_THREE = re.compile(r"^[1-9]\d{0,2},\d{3}$")  # 1,234: 1234, or 1.234
_SWAP = str.maketrans(".,", ",.")


def number_convention(tokens: Iterable[str]) -> str:
    """How a table's cells separate decimals: COMMA when some cell reads only with a
    decimal comma (``0,24``, ``1.234.567``) and none only with a decimal point; POINT in
    the other case; CONFLICT when both are printed; UNKNOWN when no cell tells."""
    comma = point = False
    for token in tokens:
        match = _NUMBER_TOKEN.match(nfkc(token))
        if match is None:
            continue
        number = match.group("number")
        comma = comma or bool(_COMMA_EVIDENCE.match(number))
        point = point or bool(_POINT_EVIDENCE.match(number))
        if comma and point:
            return CONFLICT
    return COMMA if comma else POINT if point else UNKNOWN


def _other_reading(normal: str, convention: str) -> str:
    """What a cell read with a decimal point would be with a decimal comma, when its table
    does not settle which it uses and the two readings differ; "" otherwise."""
    if convention not in (UNKNOWN, CONFLICT):
        return ""
    match = _NUMBER_TOKEN.match(normal)
    if match is None:
        return ""
    number = match.group("number")
    if _POINT_THREE.match(number) or (convention == CONFLICT and _COMMA_THREE.match(number)):
        other = number.replace(",", "").replace(".", "") if "." in number \
            else number.replace(",", ".")
        return (f"separator ambiguous: printed '{number}', read with a decimal point; the "
                f"table does not tell its decimal separator, and with a decimal comma it is "
                f"{other}")
    return ""


def read_cell(token: str, convention: str = POINT) -> Cell | None:
    """A table cell, or None when the token is not one; ``convention`` is its table's
    (``number_convention``): with COMMA, ``285.868`` is 285868 and ``0,24`` is 0.24."""
    if _SUPERSCRIPT_MARKER.search(token):  # Scope 1³: a footnote marker, never a number
        return None
    normal = nfkc(token)
    if normal in _NOT_DISCLOSED:
        return Cell(None, token)
    if convention == COMMA and ("," in normal or "." in normal):
        cell = read_cell(normal.translate(_SWAP))
        return None if cell is None else msgspec.structs.replace(cell, printed=token)
    match = _CELL.match(normal)
    if match is None or bool(match.group("open")) != bool(match.group("close")):
        return None
    if match.group("number").startswith("0,"):  # 0,047: no thousands; a decimal comma's
        return None
    number = read_number(match.group("number").replace(",", ""))
    if number is None:  # beyond what a catalog holds: a draft must load
        return None
    negative = bool(match.group("open")) or bool(match.group("sign"))
    if negative and number:  # (0) and -0 are the zero
        number = -number
    digits = ("-" if match.group("sign") else "") + match.group("number").replace(",", "")
    plain = token == normal and normal.replace(",", "") == digits
    return Cell(number, token if not plain else "",
                approx=bool(match.group("hedge") or match.group("after")),
                percent=bool(match.group("percent")),
                ambiguous=_other_reading(normal, convention))


def _glued_commas(normal: str) -> list[str] | None:
    """The numbers of cells with comma thousands separators glued together, when they
    split one way: with decimals, each has as many as the last (``12,345.6778,901.23``);
    without, every comma is followed by exactly three digits of its number, so a longer
    group is the end of one number and the start of the next (``100,750112,444``)."""
    if "." in normal:
        decimals = len(normal.rsplit(".", 1)[1])
        cells = re.findall(r"(?:0|[1-9]\d{0,2}(?:,\d{3})*)\.\d{%d}" % decimals, normal)
        return cells if "".join(cells) == normal and len(cells) > 1 else None
    groups = normal.split(",")
    if not 1 <= len(groups[0]) <= 3 or groups[0].startswith("0") or len(groups[-1]) != 3:
        return None
    cells, current = [], groups[0]
    for group in groups[1:]:
        if len(group) == 3:
            current += "," + group
        elif 4 <= len(group) <= 6 and group[3] != "0":
            cells.append(current + "," + group[:3])
            current = group[3:]
        else:
            return None
    cells.append(current)
    return cells if len(cells) > 1 else None


def split_glued(token: str) -> list[Cell] | None:
    """Cells a converter printed without a space between them, when each has as many
    decimals as the last (``12.3445.67`` = 12.34 | 45.67) or their comma thousands
    separators tell where one ends (``100,750112,444``); None when that reading does not
    come out whole."""
    normal = nfkc(token)
    if _GLUED_COMMAS.match(normal):
        numbers = _glued_commas(normal)
        if numbers is None:
            return None
        values = [read_number(n.replace(",", "")) for n in numbers]
        if None in values:
            return None
        why = f"printed '{token}', read as {' | '.join(numbers)}"
        return [Cell(value, token, artefact=why) for value in values]
    if not _GLUED.match(normal):
        return None
    decimals = len(normal.rsplit(".", 1)[1])
    cells: list[str] = []
    rest = normal
    while rest:
        match = re.match(r"(0|[1-9]\d*)\.(\d{%d})" % decimals, rest)
        if match is None:
            return None
        cells.append(match.group(0))
        rest = rest[match.end():]
    values = [read_number(c) for c in cells]
    if None in values:
        return None
    why = f"printed '{token}', read as {' | '.join(cells)}"
    return [Cell(value, token, artefact=why) for value in values]


def label_name(label: str, unit: str = "") -> str:
    """A label without its unit in parentheses, a footnote marker or "among which"."""
    text = _INNER_MARKER.sub("", label.strip())
    superscript = _SUPERSCRIPT_MARKER.search(text)
    text = nfkc(text[:superscript.start()] if superscript else text).strip()
    text = _NOTE_AFTER.sub("", text)
    if unit:
        match = _TRAILING_UNIT.search(text)
        if match and _unit_text(nfkc(match.group(1))) == _unit_text(nfkc(unit)):
            text = text[:match.start()].strip()
    marker = None if superscript else _MARKER.match(text)
    if marker:
        text = marker.group("label")
    text = re.sub(r"^(?:其中[:：]?|among which[:：]?|of which[:：]?|including[:：]?)\s*", "",
                  text, flags=re.I)
    text = _SECTION_PREFIX.sub("", text)
    return text.strip(" :：•●·-")


@lru_cache(maxsize=8192)
def _is_unit(text: str) -> bool:  # cached: parse_printed caches only the units it reads
    try:
        parse_printed(text)
    except UnitError:
        return False
    return True


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


_GROUP_HEAD = re.compile(r"^(?:0|[1-9]\d{0,2})$")  # 062 is no number's first group
_GROUP_TAIL = re.compile(r"^\d{3}(?:\.\d+)?$")


def _partitions(groups: list[str], wanted: int) -> list[list[str]]:
    """Every way ``groups`` (digit groups printed with spaces between them) are ``wanted``
    numbers whose first group has 1-3 digits and every other exactly 3 (a decimal part
    only on a number's last group)."""
    if wanted == 0:
        return [[]] if not groups else []
    if not groups or not _GROUP_HEAD.match(groups[0].split(".")[0]):
        return []
    found = []
    for size in range(1, len(groups) + 1):
        if size > 1 and not _GROUP_TAIL.match(groups[size - 1]):
            break
        if any("." in g for g in groups[:size - 1]):
            break
        for rest in _partitions(groups[size:], wanted - 1):
            found.append([" ".join(groups[:size])] + rest)
    return found


def _space_grouped(tokens: list[str], wanted: int,
                   convention: str = POINT) -> tuple[list[Cell], int, str] | None:
    """The cells of a row that separates thousands with spaces (``16 114 297  19 186 337``),
    read only when its run of digit groups splits into ``wanted`` numbers one way; None
    when the row prints no such number."""
    # with a decimal comma (16 114 297,5) the groups are read as if with a point
    comma = convention == COMMA
    start = len(tokens)
    while start > 0 and re.fullmatch(r"\d{1,3}(?:[.,]\d+)?" if comma else r"\d{1,3}(?:\.\d+)?",
                                     nfkc(tokens[start - 1])):
        start -= 1
    groups = [nfkc(token).translate(_SWAP) if comma else nfkc(token) for token in tokens[start:]]
    if comma and any("," in group for group in groups):
        return None
    if len(groups) <= wanted:
        return None
    last = groups[-wanted:]
    before = groups[-wanted - 1]
    # only a three-digit cell after a short group can be the end of a spaced number
    if not any(_GROUP_TAIL.match(g) and "." not in g for g in last) or (
            "." in before and len(groups) - wanted < 2):
        return None
    # a label may end in one number (Scope 1, Fortune Global 500); two digit groups before
    # the cells, or a cell with a leading zero (062), print spaces between thousands
    if len(groups) - wanted < 2 and not any(g.startswith("0") and len(g) == 3 for g in last):
        return None
    readings = _partitions(groups, wanted)
    if len(readings) != 1:
        return [], start, (f"numbers with spaces between their thousands that do not split "
                           f"one way into {plural(wanted, 'cell')}: "
                           f"'{' '.join(tokens[start:])}'")
    values = [read_number(number.replace(" ", "")) for number in readings[0]]
    if None in values:
        return None
    printed = [number.translate(_SWAP) if comma else number for number in readings[0]]
    cells = [Cell(value, number, artefact=f"printed '{number}': spaces between the thousands")
             for value, number in zip(values, printed)]
    return cells, start, ""


def _cells(tokens: list[str], wanted: int,
           convention: str = POINT) -> tuple[list[Cell], int, str]:
    """The cells that end a row (at most ``wanted``, or more when one token was glued),
    the number of tokens they take, and why the row cannot be read ("" when it can), in
    the table's number ``convention``."""
    spaced = _space_grouped(tokens, wanted, convention)
    if spaced is not None:
        return spaced
    cells: list[Cell] = []
    index = len(tokens)
    while index > 0 and len(cells) < wanted:
        token = tokens[index - 1]
        cell = read_cell(token, convention)
        if cell is not None:
            before = tokens[index - 2] if index >= 2 else ""
            if (_THREE_DIGITS.match(nfkc(token)) and _BROKEN_THOUSANDS.match(nfkc(before))
                    and cell.value is not None):
                joined = nfkc(before) + nfkc(token)
                whole = read_cell(joined)
                if whole is not None and whole.value is not None:
                    cells.insert(0, Cell(whole.value, f"{before} {token}", whole.approx,
                                         f"printed '{before} {token}': a space inside the "
                                         "number", whole.percent))
                    index -= 2
                    continue
            cells.insert(0, cell)
            index -= 1
            continue
        if convention == CONFLICT and _COMMA_EVIDENCE.match(nfkc(token).rstrip("%")):
            return cells, index, (f"'{token}' reads only with a decimal comma, and other cells "
                                  "of the table only with a decimal point")
        if convention == COMMA and re.fullmatch(r"\d[\d.,]*", nfkc(token)):
            # glued cells are split by the separators of a decimal point only
            return cells, index, (f"'{token}' is not one number with a decimal comma, as the "
                                  "table's other cells print them")
        glued = split_glued(token)
        if glued is None:
            if _GLUED.match(nfkc(token)):
                return cells, index, (f"cells glued together ('{token}') that do not split "
                                      "into numbers with as many decimals each")
            if _GLUED_COMMAS.match(nfkc(token)) and (
                    nfkc(token).count(".") > 1 or re.search(r",\d{4}", nfkc(token))):
                return cells, index, (f"cells glued together ('{token}') that do not split "
                                      "one way into numbers with thousands separators")
            marker = _SUPERSCRIPT_MARKER.search(token)
            if marker and read_cell(token[:marker.start()]) is not None:
                return cells, index, (f"a footnote marker on the number '{token}': whether it "
                                      "is a cell or ends the label cannot be told")
            whole = _CELL.match(nfkc(token))
            if whole and read_number(whole.group("number").replace(",", "")) is None:
                return cells, index, (f"the number '{token}' is beyond what a catalog holds "
                                      f"({LIMITS})")
            break
        cells[0:0] = glued
        index -= 1
    if len(cells) > wanted:
        return cells, index, (f"{len(cells)} cells for {plural(wanted, 'year')} (cells glued "
                              "together by the text conversion)")
    if _ends_in_number_word(tokens[:index]) and cells and not cells[0].artefact:
        if len(cells) == 1:  # "Scope 1" alone: a label (a section's name), no cell
            return [], index + 1, ""
        return cells[1:], index + 1, (
            f"'{tokens[index - 1]} {tokens[index]}' belongs to the label, which leaves "
            f"{plural(len(cells) - 1, 'cell')} for {plural(wanted, 'column')}")
    return cells, index, ""


def _one_unit(tokens: list[str]) -> bool:
    """Whether words read as one unit are one: not two units side by side (the label's
    last word and the unit column, "employees persons") and not a label's number before
    a unit ("Scope 3 tCO2e"; a magnitude is a power of ten: "10,000 tons")."""
    first = tokens[0].replace(",", "")
    if first.isdigit() and first.lstrip("1").strip("0"):
        return False
    units = sum(1 for token in tokens if _is_unit(token) and not parse_printed(token).bare)
    return units < 2


def _unit_text(text: str) -> str:
    """A printed unit with the subscripts a converter spaced out joined (``tCO 2 e``)."""
    return _SPACED_SUBSCRIPT.sub(r"\1", text.strip())


# Words a label's own number follows (Employees under 30, Scope 1, aged 50): a number
# after one is the label's, not a cell; "30 or under", "50 and above" end a label whole.
_NUMBER_WORDS = re.compile(r"under|over|above|below|aged?|than|between|within|top|first|last"
                           r"|past|scope|tier|level|grade|category|class|phase|no\.?", re.I)


def _ends_in_number_word(label_tokens: list[str]) -> bool:
    if not label_tokens or not _NUMBER_WORDS.fullmatch(nfkc(label_tokens[-1])):
        return False
    return len(label_tokens) < 2 or nfkc(label_tokens[-2]).lower() not in ("or", "and")


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


def _found(line: int, label: str, unit: str, table: _Table, cells: list[Cell],
           section: str) -> list[Found]:
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


def _heading(text: str) -> _Table | None:
    heading = read_heading(text)
    if heading is None:
        return None
    return _Table(heading.years, bool(_UNIT_HEADING.search(heading.before)), heading.before,
                  periods=heading.periods, extra=heading.extra)


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
    if table.extra and not any(cells[first + len(table.years):]) and all(cells[first:]
                                                                           [:len(table.years)]):
        # every year filled and the page column empty: the page number may have moved into
        # the last year's column (a cell dropped before it), which cannot be told
        return Unreadable(number, " | ".join(cells),
                          f"{plural(table.extra, 'column')} after the years empty: the cells "
                          "may have moved left")
    read: list[Cell] = []
    for printed in cells[first:first + len(table.years)]:
        cell = Cell(None, printed) if not printed else read_cell(printed, table.convention)
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
            if new_table is not None and len(cells) > len(new_table.years) + new_table.extra:
                new_table.pipe_columns = len(cells)
                new_table.pipe_unit = next(
                    (i for i, cell in enumerate(cells[:-len(new_table.years)])
                     if i and _UNIT_HEADING.fullmatch(nfkc(cell).strip())), -1)
                new_table.convention = convention_at(at)
                table, pending, section = new_table, [], new_table.section
                continue
            if table is not None and table.pipe_columns:
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


def _vertical_heading(lines: list[tuple[int, str]], at: int) -> tuple[Heading, int] | None:
    """The years of a heading printed a year a line from ``lines[at]``, and the index of
    the line after it (and after the names of columns that hold no values)."""
    years: list[int] = []
    periods: list[str] = []
    index = at
    while index < len(lines):
        text = _YEAR_NAMED.sub("", _cell_line(lines[index][1]))  # Current Year 2022-23
        period = period_of(text) if len(text) < 20 and _YEARISH.search(text) else None
        if period is None or period[0] in years:
            break
        years.append(period[0])
        periods.append(period[1])
        index += 1
    if len(years) < 2 or max(years) - min(years) > 3 * len(years):
        return None
    extra = 0
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


def _cut(lines: list[str], at: int) -> tuple[int, int, int] | None:
    """Where the right table's labels start, when line ``at`` heads two tables side by
    side: (that column, the column the right table's years start at, the line after the
    last the two tables share)."""
    if len(_YEARISH.findall(lines[at])) < 4:  # two runs of two years at least
        return None
    runs = _year_runs(_fields(lines[at]))
    if len(runs) != 2 or min(len(run) for run in runs) < 2:
        return None
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
            left[number] = "  ".join(mine)
            right[number - index] = "  ".join(text for _stop, text in theirs)
        rights.append((index, right))
        index = end
    return left, rights


# ---- prose --------------------------------------------------------------------------------

_PROSE_NUMBER = re.compile(
    r"(?P<currency>RMB|HK\$|US\$|人民幣|人民币)?\s?"
    r"(?P<number>(?<![A-Za-z0-9_.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![A-Za-z0-9_.,])\d+(?:\.\d+)?)"
    r"(?![\d,]*\.\d)(?P<magnitude>\s?(?:hundred million|billion|million|thousand|萬|万|億|亿|百萬|百万|千萬|千万))?"
    r"(?P<after>餘|余|多)?")
_YEAR_COLON = re.compile(r"[(（]\s*((?:19|20)\d\d)\s*年?\s*[:：][^()（）:：]{0,30}$")
_SENTENCE_YEAR = re.compile(r"(?:in|for|during|of)\s+((?:19|20)\d\d)\b|((?:19|20)\d\d)\s?年"
                            r"|([零〇○一二三四五六七八九]{4})年", re.I)
_CLAUSE_BREAK = re.compile(r"[。；;，:：!?！？•●、]|[.,](?:\s|$)")
_ENGLISH_UNIT_WORDS = 5
_CHINESE_UNIT_CHARS = 6


def _named_year(match: re.Match[str]) -> int | None:
    """The year a ``_SENTENCE_YEAR`` match names."""
    if match.group(3):
        return year_of(match.group(3) + "年")
    return int(match.group(1) or match.group(2))


def report_year(lines: list[str]) -> int | None:
    """The year a report is about: the year its text names most often."""
    counts: Counter[int] = Counter()
    for text in lines:
        for match in _SENTENCE_YEAR.finditer(nfkc(text)):
            year = _named_year(match)
            if year:
                counts[year] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _prose_unit(after: str, magnitude: str, currency: str) -> str:
    """The longest printed unit that follows a number in a sentence, or ""."""
    if currency:
        unit = f"{currency} {magnitude.strip()}".strip() if magnitude else currency
        return unit if _is_unit(unit) else ""
    glued = not after[:1].isspace()
    after = after.lstrip()
    if _CJK.match(after[:1]) or after[:1] == "%":
        candidates = [magnitude.strip() + after[:size]
                      for size in range(1, min(_CHINESE_UNIT_CHARS, len(after)) + 1)]
    elif glued and not magnitude:  # 5G, ISO45001: not a unit
        return ""
    else:
        words = re.findall(r"\S+", after[:80])
        candidates = [f"{magnitude.strip()} {' '.join(words[:size]).rstrip('.,;:)')}".strip()
                      for size in range(1, min(_ENGLISH_UNIT_WORDS, len(words)) + 1)]
    units = [c for c in candidates if _is_unit(c) and not parse_printed(c).bare]
    return units[-1] if units else ""


def read_prose(lines: list[str], year: int | None, skip: set[int]) -> list[Found]:
    """Figures stated in sentences: a number with a unit, its year from ``(2019: ...)``, the
    sentence (``in 2020``, ``二零二零年``) or the report's year."""
    found: list[Found] = []
    for number, raw in enumerate(lines, start=1):
        if number in skip or not raw.strip():
            continue
        text = nfkc(raw).replace("**", "")
        for match in _PROSE_NUMBER.finditer(text):
            if (year_of(match.group("number")) is not None and not match.group("magnitude")
                    and not match.group("currency")):
                after_year = text[match.end():match.end() + 1]
                if after_year in ("年", "", " ", ",", ".") and "." not in match.group("number"):
                    continue
            unit = _prose_unit(text[match.end():match.end() + PROSE_WINDOW],
                               match.group("magnitude") or "", match.group("currency") or "")
            if not unit:
                continue
            before = text[max(0, match.start() - PROSE_WINDOW):match.start()]
            value_year = _YEAR_COLON.search(before)
            if value_year:
                the_year = int(value_year.group(1))
            else:
                sentence = re.split(r"[。.!?]\s", before)[-1]
                named = list(_SENTENCE_YEAR.finditer(sentence))
                the_year = (_named_year(named[-1]) if named else year) or 0
            if not the_year:
                continue
            label = _CLAUSE_BREAK.split(before)[-1].strip()
            label = _HEDGE_BEFORE.sub("", label).strip() or label
            label = re.sub(r"\s+", " ", label)[-80:].strip(" (（")
            if not label:
                continue
            approx = bool(_HEDGE_BEFORE.search(before)) or bool(match.group("after"))
            value = read_number(match.group("number").replace(",", ""))
            if value is None:
                continue
            printed = _printed(match)
            found.append(Found(number, label, unit, the_year, value, printed,
                               ("prose",) + (("approx",) if approx else ())))
    return found


def _printed(match: re.Match[str]) -> str | None:
    """The figure as printed, when it is more than the plain number."""
    text = match.group(0).strip()
    return text if text != match.group("number").replace(",", "") else None


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
