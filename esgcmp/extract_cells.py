"""What a report's tables print, cell by cell: the records an extraction holds, numbers
(thousands separators, decimal commas, glued and spaced cells, hedges, dashes) and
labels' footnote markers and units. esgcmp.extract reads tables with them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

import msgspec
from msgspec import field

from .decimals import LIMITS, read_number
from .errors import UnitError
from .names import plural
from .units import parse_printed


# ---- what a report prints ---------------------------------------------------------------

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
# A bound printed where a table gives targets (``≧ 83``, ``≦ 872``, ``<0.01``): a cell, but
# not a value.
_BOUND = re.compile(r"^(?:≧|≦|≥|≤|<)\s?\d[\d,.]*%?$")
# Words a report prints before a cell's number: the cell is approximate (``approximately 37``),
# or a change (``increased by approximately 7%``).
_HEDGE_WORD = re.compile(r"approximately|approx\.?|about|around|nearly|almost|約|约", re.I)
_CHANGE_WORDS = {("increased", "by"), ("decreased", "by"), ("reduced", "by")}
_WORDED = re.compile(r"^(?P<words>(?:(?:increased|decreased|reduced)\s+by\s+)?(?:(?:approximately"
                     r"|approx\.?|about|around|nearly|almost)\s+)?)(?P<cell>\S+)$", re.I)
# Cells of words that hold no number: the year's value is not given.
_WORD_CELLS = {("no", "progress"), ("below", "emission", "limit"), ("below", "detection", "limit"),
               ("not", "applicable"), ("not", "available"), ("not", "disclosed"),
               ("not", "reported"), ("not", "relevant")}
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
# what a year may be: 2021, 二零二一, FY22 (a fiscal year in two digits)
_YEARISH = re.compile(r"(?:19|20)\d\d|[零〇○一二三四五六七八九]{4}|FY\s?\d\d")
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
    if normal in _NOT_DISCLOSED or _BOUND.match(normal):
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
        if cells and _HEDGE_WORD.fullmatch(nfkc(token)) and not cells[0].artefact and (
                not cells[0].approx and cells[0].value is not None):
            # "approximately 37": the cell read last is approximate, and goes on leftwards
            index = _worded(tokens, index, cells)
            continue
        phrase = next((size for size in (3, 2) if index >= size and tuple(
            nfkc(t).lower() for t in tokens[index - size:index]) in _WORD_CELLS), 0)
        if phrase:  # "Below emission limit": a cell of words, no value
            cells.insert(0, Cell(None, " ".join(tokens[index - phrase:index])))
            index -= phrase
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
    if (index > 0 and cells and _HEDGE_WORD.fullmatch(nfkc(tokens[index - 1]))
            and not cells[0].approx and not cells[0].artefact and cells[0].value is not None):
        index = _worded(tokens, index, cells)  # the first cell's hedge: not the label's
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


def _worded(tokens: list[str], index: int, cells: list[Cell]) -> int:
    """Mark ``cells[0]`` (printed ``tokens[index]``) approximate for the hedge word before
    it, with a change's words before that (``increased by``); the index of the words'
    first token."""
    start = index - 1
    if start >= 2 and tuple(nfkc(t).lower() for t in tokens[start - 2:start]) in _CHANGE_WORDS:
        start -= 2
    printed = " ".join(tokens[start:index + 1])
    cells[0] = msgspec.structs.replace(cells[0], printed=printed, approx=True)
    return start


def worded_cell(text: str, convention: str = POINT) -> Cell | None:
    """A cell that prints words around its number (``approximately 37``, ``increased by
    approximately 7%``) or words only (``no progress``: no value); None when it is
    neither."""
    if not re.search(r"\d", text):
        words = tuple(nfkc(text).lower().split())
        return Cell(None, text) if words in _WORD_CELLS else None
    match = _WORDED.match(nfkc(text).strip())
    if match is None or not match.group("words"):
        return None
    cell = read_cell(match.group("cell"), convention)
    if cell is None or cell.value is None:
        return None
    return msgspec.structs.replace(cell, printed=text, approx=True)


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
