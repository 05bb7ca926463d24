"""PDFs for the tests, written with a real PDF writer (fpdf2), and hand-made ones for
what no writer makes on purpose (a damaged file, a decompression bomb).

A page is a list of lines; a line's cells, where it is split by two or more spaces, are
drawn each at its own place, as a report's table is, so that the reader has to find the
spaces between them from their positions. Chinese text needs a CJK font: ``cjk_font``
finds one installed on the system (.ci/run installs fonts-wqy-microhei).
"""

from __future__ import annotations

import os
import re
import unicodedata
import zlib
from pathlib import Path

import pytest

_FONT_PLACES = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
_FONT_NAMES = re.compile(r"(wqy-microhei|wqy-zenhei|NotoSansCJK-Regular|NotoSerifCJK-Regular"
                         r"|uming|ukai)\.tt[cf]$", re.I)


def find_cjk_font() -> Path | None:
    """A font with Chinese characters installed on the system, or None."""
    for place in _FONT_PLACES:
        for folder, _dirs, files in os.walk(place):
            for name in sorted(files):
                if _FONT_NAMES.search(name):
                    return Path(folder) / name
    return None


def cjk_font() -> Path:
    """A font with Chinese characters, or the test is skipped (failed where the font is
    required, ESGCMP_REQUIRE_CJK_FONT=1, as in .ci/run)."""
    found = find_cjk_font()
    if found is not None:
        return found
    message = "no CJK font installed (apt-get install fonts-wqy-microhei)"
    if os.environ.get("ESGCMP_REQUIRE_CJK_FONT"):
        pytest.fail(message)
    pytest.skip(message)


def _columns(text: str) -> int:
    """The terminal columns a text takes: a wide (CJK) character two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_pdf(pages: list[list[str]], cjk: bool = False, size: float = 6,
              header: str = "", footer: str = "", aligned: bool = False) -> bytes:
    """A PDF of these pages: each line at its own height, its cells at their own places;
    ``header`` and ``footer`` on every page (``{page}`` is the page's number). A cell is
    placed after the one before it, or with ``aligned`` at its column in the text (half
    an em a column), so that the columns of ``pdftotext -layout`` text stay aligned."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A3")
    pdf.set_auto_page_break(False)
    if cjk:
        pdf.add_font("cjk", fname=str(cjk_font()), collection_font_number=0)
        pdf.set_font("cjk", size=size)
    else:
        pdf.set_font("helvetica", size=size)
    step = size * 0.5  # mm between baselines: a line and a half
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.text(10, 10, header.format(page=number))
        for index, line in enumerate(lines):
            x = 10.0
            for match in re.finditer(r"\S+(?: \S+)*", line):
                cell = match.group(0)
                if aligned:
                    x = 10 + _columns(line[:match.start()]) * size * 0.3528 / 2
                pdf.text(x, 20 + index * step, cell)
                x += max(pdf.get_string_width(cell) + 6, 30)
        if footer:
            pdf.text(200, 290, footer.format(page=number))
    return bytes(pdf.output())


def raw_pdf(content: bytes, pages: int = 1, stream_filter: str = "/FlateDecode") -> bytes:
    """A PDF written by hand: ``pages`` pages that all draw one content stream, with a
    correct cross-reference table."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), stream_filter.encode())
               + content + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
                ] * pages
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``megabytes`` MB of drawing."""
    packer = zlib.compressobj(1)
    chunk = b"0 0 m 1 1 l S\n" * 75_000  # about 1 MB
    data = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    return raw_pdf(data)
