"""Figures stated in a report's sentences, read when ``esgcmp extract --prose`` asks."""

from __future__ import annotations

import re
from collections import Counter

from .decimals import read_number
from .extract_cells import PROSE_WINDOW, _CJK, _HEDGE_BEFORE, Found, _is_unit, nfkc
from .extract_headings import year_of
from .units import parse_printed


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
