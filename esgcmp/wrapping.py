"""Where a terminal line may break: the cells a text takes (CJK characters are two),
the pieces a word may be broken into (beside a Chinese character, never inside a number,
an id, a unit or a citation; Chinese at a phrase's end where one fits), and the widths a
table's columns get."""

from __future__ import annotations

import functools
import re

# Where a line may break inside a word: beside a CJK character (Chinese is written without
# spaces); a run of other characters (a number, an id, a unit, a citation) is never broken.
# Compiled when a table first wraps (3 ms: the classes are large), not at every start.
_PIECES = (r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\u2e80-\u9fff"
           r"\uf900-\ufaff\uff00-\uffef]+")


def _cjk(text: str) -> bool:
    """Whether ``text`` starts with a CJK character (the classes of _PIECES)."""
    first = text[:1]
    return ("\u2e80" <= first <= "\u9fff" or "\uf900" <= first <= "\ufaff"
            or "\uff00" <= first <= "\uffef")


def cell_len(text: str) -> int:
    """The cells a text takes on a terminal (rich's measure; ASCII text is one a
    character, which is most of a table and is counted at once)."""
    if text.isascii() and text.isprintable():
        return len(text)
    from rich.cells import cell_len as measured

    return measured(text)


# Chinese line breaking (as the kinsoku rules of CJK typesetting): a line never begins
# with closing punctuation nor ends with an opening bracket, and a short bracketed group
# (（範疇二）) stays whole, so that a name is not cut inside its bracket.
_OPENING = "（「『《〈【〔(["
_CLOSING = "）」』》〉】〕)]，。、：；！？"
_SHORT_GROUP = 6  # characters inside the brackets


def pieces(word: str) -> list[str]:
    """A word's unbreakable pieces: each CJK character, and each run of other characters;
    punctuation kept with the character it belongs to, a short bracketed group whole."""
    found = re.findall(_PIECES, word)
    if len(found) < 2 or not any(p in _OPENING or p in _CLOSING for p in found):
        return found
    merged: list[str] = []
    index = 0
    while index < len(found):
        piece = found[index]
        if piece in _OPENING:
            close = next((j for j in range(index + 1, min(len(found), index + _SHORT_GROUP + 2))
                          if found[j] in _CLOSING), None)
            end = close if close is not None else min(index + 1, len(found) - 1)
            piece = "".join(found[index:end + 1])
            index = end
        if merged and piece[:1] in _CLOSING:
            merged[-1] += piece
        else:
            merged.append(piece)
        index += 1
    return merged


@functools.lru_cache(maxsize=4096)  # a cell is measured in each layout a table is tried in
def piece_width(text: str) -> int:
    """The widest unbreakable piece of a text: the least width that wraps it whole."""
    return max((cell_len(piece) for word in text.split() for piece in pieces(word)),
               default=0)


# Where a run of Chinese breaks best: after a closing bracket or punctuation, after a
# particle that ends a phrase (的, 及, 與, 和, 或), before an opening bracket
_PHRASE_END = set(_CLOSING) | set("的及與与和或")


def _phrase_break(line: str, word_start: int, piece: str, width: int) -> int | None:
    """Where in ``line`` (its characters from ``word_start`` are the current word's) a
    Chinese run is better broken than before ``piece``: the last phrase boundary whose
    rest of the line fits beside ``piece``; None when there is none."""
    for at in range(len(line) - 1, word_start, -1):
        if line[at - 1] in _PHRASE_END or line[at] in _OPENING:
            if cell_len(line[at:]) + cell_len(piece) <= width:
                return at
            return None
    return None


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, broken at spaces and beside CJK characters (a
    Chinese run at a phrase boundary where one fits, and never leaving its last character
    alone on a line); a piece wider than ``width`` (only when even a stacked record
    cannot hold it) is cut."""
    from rich.cells import chop_cells

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, size = "", 0
        words = paragraph.split()
        for number, word in enumerate(words):
            parts = pieces(word)
            word_start = len(line) + (1 if line else 0)
            for index, piece in enumerate(parts):
                gap = 1 if index == 0 and line else 0
                length = cell_len(piece)
                if line and size + gap + length > width:
                    at = None
                    # a break before an opening bracket or after a phrase's end is good
                    if (index and _cjk(piece) and piece[0] not in _OPENING
                            and line[-1] not in _PHRASE_END):
                        at = _phrase_break(line, word_start, piece, width)
                        last = index == len(parts) - 1 and number == len(words) - 1
                        if (at is None and last and len(piece) == 1
                                and len(line) - word_start > 1
                                and _cjk(line[-1])
                                and length + cell_len(line[-1]) <= width):
                            at = len(line) - 1  # not a character alone on the last line
                    if at is not None:
                        lines.append(line[:at])
                        line, gap = line[at:], 0
                        size, word_start = cell_len(line), 0
                    else:
                        lines.append(line)
                        line, size, gap, word_start = "", 0, 0, 0
                if length > width:
                    *whole, piece = chop_cells(piece, max(width, 1))
                    lines.extend(whole)
                    length = cell_len(piece)
                line += " " * gap + piece
                size += gap + length
        lines.append(line)
    return lines


def column_widths(headings: list[str], rows: list[list[str]], rigid: list[bool],
                  minimums: list[int], room: int) -> list[int] | None:
    """Text widths for a table's columns that fit in ``room`` cells (padding and rules
    excluded), or None when even the least widths do not fit.

    Every column is as wide as its widest cell if that fits. Otherwise a rigid column
    (numbers, units) keeps its widest cell and only its heading may wrap; every other
    column starts at its ``minimum`` (its widest unbreakable piece, so that nothing is
    broken inside) and the room left is shared out by water-filling: the columns that
    need least to be whole are made whole first, and what remains is shared equally by
    the wider ones, so that one long column does not squeeze the short ones.
    """
    widest = [max([cell_len(line) for row in rows for line in row[i].split("\n")] + [0])
              for i in range(len(headings))]
    natural = [max(cell_len(h), w) for h, w in zip(headings, widest)]
    if sum(natural) <= room:
        return natural
    heading_words = [max(cell_len(word) for word in h.split() or [""]) for h in headings]
    widths = [max(w, word) if fixed else min(max(least, 1), most)
              for w, word, fixed, least, most in zip(widest, heading_words, rigid, minimums,
                                                     natural)]
    natural = [max(w, word) if fixed else most
               for w, word, fixed, most in zip(widest, heading_words, rigid, natural)]
    spare = room - sum(widths)
    if spare < 0:
        return None
    short = {i for i in range(len(widths)) if widths[i] < natural[i]}
    while short and spare > 0:
        fair = spare // len(short)
        whole = {i for i in short if natural[i] - widths[i] <= fair}
        if not whole:  # share what is left; the remainder to the leftmost
            for n, i in enumerate(sorted(short)):
                widths[i] += fair + (1 if n < spare % len(short) else 0)
            break
        for i in whole:
            spare -= natural[i] - widths[i]
            widths[i] = natural[i]
        short -= whole
    return widths
