"""Name folding, so that ids, English and Chinese names and aliases match loosely.

Matching ignores case, width (full-width ``（`` = ``(``), spaces, hyphens and
underscores, and folds Traditional Chinese characters to Simplified, so ``中國聯通``,
``中国联通`` and ``China Unicom`` all find the same company.
"""

from __future__ import annotations

import re
import unicodedata

from .t2s import SIMPLIFIED, TRADITIONAL

# Traditional -> Simplified, every character OpenCC simplifies to one (esgcmp/t2s.py).
_T2S = str.maketrans(TRADITIONAL, SIMPLIFIED)
_IGNORED = re.compile(r"[\s\-_]+")


def fold(name: str) -> str:
    """The form two names are compared in."""
    text = str(name)
    if text.isascii():  # NFKC and the Chinese table leave ASCII as it is
        return _IGNORED.sub("", text.casefold())
    text = unicodedata.normalize("NFKC", text).casefold().translate(_T2S)
    return _IGNORED.sub("", text)


def plural(number: int, noun: str) -> str:
    """``1 error``, ``2 errors``, ``0 errors``: a count and its noun, in agreement."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
