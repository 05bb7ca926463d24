"""A report given as a PDF: the text of each page, read with PDFium (pypdfium2), and its
KPI tables read as esgcmp.extract reads a text, each value citing its page and its line
on that page.

``esgcmp extract``, ``esgcmp source`` and ``check --sources`` all read a PDF through
:func:`read_pages`, so that a line number means the same line to each of them. A page's
lines are made from where its characters are drawn, as ``pdftotext -layout`` makes them:
the characters on one baseline are a line, top of the page first; a gap between two is a
space, and a wide gap (between the cells of a table) starts a field at the column where
it is drawn, so that a table's columns, and two tables side by side, stay aligned from
line to line; white space no line of cells fills is squeezed to four columns. PDFium's
own text joins a cell of one character to the cell before it (``排放量噸``) and puts a
line out of order.

A PDF is a program's input that someone else made: it is read in a child process with a
memory and time limit (a PDF bomb, a huge stream, a file that crashes the library end
that process, not esgcmp), and at most ``MAX_PAGES`` pages and ``MAX_TEXT_CHARS``
characters are read.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Extraction

MAX_PAGES = 2_000  # a report has a few hundred; more is not a report
MAX_TEXT_CHARS = 50_000_000  # about 25,000 dense pages of text
MAX_PAGE_CHARS = 500_000  # a dense page has 5,000
MAX_MEMORY_BYTES = 1_536 * 2**20  # what the child reading the PDF may map beyond its start
MAX_SECONDS = 60  # CPU and wall time the child may take (a 300-page report takes a few)
RUNNING_EDGE_LINES = 3  # a page's first and last lines where headers and footers are


class PdfProblem(Exception):
    """A PDF that cannot be read; ``str()`` says why, without the file's name."""

    def __init__(self, why: str, fix: str = "") -> None:
        self.why = why
        self.fix = fix
        super().__init__(why)


def is_pdf(head: bytes) -> bool:
    """Whether a file's first bytes are a PDF's: ``%PDF-`` within its first 1,024 bytes,
    where readers look for it."""
    return b"%PDF-" in head[:1024]


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_WIDE_GAP = 0.8  # a gap this many line heights wide is between cells: two spaces or more
_SPACE_GAP = 0.12  # a narrower one, down to this, is a space between words
_RAISED = 0.15  # a smaller digit this far above the line is a footnote marker (Scope 1³)


def _page_lines(textpage: object) -> list[str]:
    """A page's lines from where its characters are drawn (the module's docstring says
    how). A character's box is its font's (``LooseCharBox``): the same height for every
    character of a font, so that the bottom of the box finds the baseline. This runs for
    every character of a report: its calls into PDFium are the fewest it can be (the
    page's text in one, a box each)."""
    import ctypes
    import struct
    from operator import itemgetter

    import pypdfium2.raw as pdfium_c

    handle = textpage.raw  # type: ignore[attr-defined]
    count = pdfium_c.FPDFText_CountChars(handle)
    if count > MAX_PAGE_CHARS:
        raise PdfProblem(f"{count:,} characters on one page, more than the "
                         f"{MAX_PAGE_CHARS:,} esgcmp reads")
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    got = pdfium_c.FPDFText_GetText(handle, 0, count,
                                    ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[:max(got - 1, 0) * 2].decode("utf-16-le", "replace")
    if len(text) != count:  # a character outside UCS-2 took two: ask for each one
        unicode_of = pdfium_c.FPDFText_GetUnicode
        text = "".join(chr(unicode_of(handle, index)) for index in range(count))
    box = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    box_ref = ctypes.cast(box, ctypes.POINTER(pdfium_c.FS_RECTF))
    read_box = struct.Struct("4f").unpack_from
    box_of = pdfium_c.FPDFText_GetLooseCharBox
    chars: list[tuple[float, float, float, float, str]] = []
    append = chars.append
    for index, character in enumerate(text):
        if character <= " " or "\x7f" <= character < "\xa0" or character in "\ufffe\uffff":
            if character not in "\x02\ufffe":
                continue  # spaces (found again from the gaps), line ends, controls
            character = "-"  # a hyphen that ends a line, as PDFium marks it
        box_of(handle, index, box_ref)
        left, top, right, bottom = read_box(box)
        if top > bottom:
            append((bottom, left, right, top - bottom, character))
    chars.sort(key=itemgetter(0), reverse=True)  # top first; stable: drawing order kept
    rows: list[list[tuple[float, float, float, float, str]]] = []
    row: list[tuple[float, float, float, float, str]] = []
    row_bottom = row_height = 0.0
    for char in chars:  # a line: the characters whose bottoms are within half a line
        height = char[3]
        if row and row_bottom - char[0] <= 0.5 * (height if height > row_height else row_height):
            row.append(char)
        else:
            row = [char]
            rows.append(row)
            row_bottom, row_height = char[0], height
    # each line as its fields (text between wide gaps), each at the column its first
    # character is drawn at: a narrow character's width a column, as -layout counts
    narrow = sorted(char[2] - char[1] for row in rows for char in row
                    if char[4].isascii() and char[4].isalnum() and char[2] > char[1])
    unit = narrow[len(narrow) // 2] if narrow else 0.5 * max(c[3] for r in rows for c in r)
    page_left = min(char[1] for row in rows for char in row)
    laid: list[list[tuple[int, str]]] = []
    for row in rows:
        base, _left, _right, height, _character = max(row, key=itemgetter(3))
        raised, small = base + _RAISED * height, 0.85 * height
        wide, space = _WIDE_GAP * height, _SPACE_GAP * height
        row.sort(key=itemgetter(1))
        fields: list[tuple[int, str]] = []
        pieces: list[str] = []
        end = row[0][1]
        for bottom, left, right, size, character in row:
            gap = left - end
            if size < small and bottom > raised and character.isdigit():
                character = character.translate(_SUPERSCRIPTS)
            elif gap >= wide or not pieces:
                if pieces:
                    fields[-1] = (fields[-1][0], "".join(pieces))
                fields.append((round((left - page_left) / unit), ""))
                pieces = []
            elif gap > space:
                pieces.append(" ")
            pieces.append(character)
            if right > end:
                end = right
        fields[-1] = (fields[-1][0], "".join(pieces))
        laid.append(fields)
    return _squeezed(laid)


def _width(text: str) -> int:
    """The columns a text takes on a -layout page: a CJK character two."""
    if text.isascii():
        return len(text)
    from .extract_layouts import _WIDE

    return len(text) + len(_WIDE.findall(text))


def _squeezed(laid: list[list[tuple[int, str]]]) -> list[str]:
    """A page's lines from their fields at their columns. A field starts at its column,
    or two columns after the field before it where that one runs on; the columns that no
    line of two fields or more fills (the white space between a table's columns) are
    squeezed to four at most, so that a table stretched over a wide page reads as one
    while its columns, and two tables side by side, stay aligned as drawn."""
    placed: list[list[tuple[int, int, str]]] = []
    filled = bytearray()
    for fields in laid:
        line: list[tuple[int, int, str]] = []
        end = -2
        for column, text in fields:
            column = max(column, end + 2) if line else column
            end = column + _width(text)
            line.append((column, end, text))
        placed.append(line)
        if len(line) >= 2:
            if len(filled) < end:
                filled.extend(bytes(end - len(filled)))
            for column, stop, _text in line:
                filled[column:stop] = b"\1" * (stop - column)
    last = max((line[-1][1] for line in placed if line), default=0)
    filled.extend(bytes(last + 1 - len(filled)))
    to = [0] * (last + 1)  # each column's place once the empty runs are squeezed
    run = at = 0
    for column in range(last + 1):
        to[column] = at
        run = 0 if filled[column] else run + 1
        at += 1 if run <= 4 else 0
    lines = []
    for line in placed:
        pieces: list[str] = []
        end = 0
        for column, stop, text in line:
            start = max(to[column], end + 2) if pieces else to[column]
            pieces.append(" " * (start - end) + text)
            end = start + stop - column
        lines.append("".join(pieces))
    return lines


def _pages_in_process(raw: bytes) -> list[list[str]]:
    """Every page's text, read here: the work the child process does."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise PdfProblem("the PDF is encrypted with a password",
                             "give a copy saved without the password") from None
        detail = re.search(r"\(([^()]*)\)", message)
        raise PdfProblem(f"not a readable PDF ({detail.group(1) if detail else message})",
                         "check that the file is whole (a download cut short?)") from None
    try:
        count = len(document)
        if count > MAX_PAGES:
            raise PdfProblem(f"{count:,} pages, more than the {MAX_PAGES:,} esgcmp reads",
                             "give the pages that hold the tables")
        pages: list[list[str]] = []
        total = 0
        for index in range(count):
            try:
                page = document[index]
                textpage = page.get_textpage()
                lines = _page_lines(textpage)
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                raise PdfProblem(f"page {index + 1} cannot be read ({exc})") from None
            total += sum(len(line) + 1 for line in lines)
            if total > MAX_TEXT_CHARS:
                raise PdfProblem(f"more than {MAX_TEXT_CHARS:,} characters of text by page "
                                 f"{index + 1}, more than esgcmp reads",
                                 "give the pages that hold the tables")
            pages.append(lines)
        return pages
    finally:
        document.close()


def _limit_child() -> None:
    """The limits of the child that reads a PDF: its memory beyond what it has mapped at
    the fork, and its CPU time (a wall-clock alarm too, for a read that waits). What the
    library says on stderr as it fails is not for the user: the parent says it in one
    line."""
    import faulthandler
    import resource
    import signal

    faulthandler.disable()  # a library's fatal error here is the parent's to word
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (mapped + MAX_MEMORY_BYTES,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_SECONDS, MAX_SECONDS + 5))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(MAX_SECONDS)


def _in_child(work: Callable[[], list[list[str]]]) -> list[list[str]]:
    """``work()`` run in a forked child under :func:`_limit_child`'s limits, its answer (or
    its ``PdfProblem``) sent back as JSON through a pipe."""
    import pypdfium2  # noqa: F401  (loaded here, so that the child's memory is the PDF's)

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: never returns to the caller's code
        status = 0
        try:
            os.close(read_end)
            try:
                _limit_child()
                answer: dict[str, object] = {"pages": work()}
            except PdfProblem as exc:
                answer = {"why": exc.why, "fix": exc.fix}
            except MemoryError:
                status = 3
                answer = {}
            data = json.dumps(answer).encode() if answer else b""
            with os.fdopen(write_end, "wb") as stream:
                stream.write(data)
        except BaseException:  # anything else: the parent words it by the status
            status = status or 4
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        data = stream.read()
    _pid, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        import signal

        if signal_number in (signal.SIGXCPU, signal.SIGALRM):
            raise PdfProblem(f"reading the PDF took more than {MAX_SECONDS} s "
                             "(a damaged or hostile file?)")
        raise PdfProblem(f"the PDF library stopped on this file (signal {signal_number}): a "
                         f"damaged or hostile file, or one that needs more than "
                         f"{MAX_MEMORY_BYTES // 2**20:,} MB of memory")
    code = os.WEXITSTATUS(status)
    if code == 3 or (code and not data):
        raise PdfProblem(f"reading the PDF needs more than {MAX_MEMORY_BYTES // 2**20:,} MB "
                         "of memory (a damaged or hostile file?)" if code == 3 else
                         "the PDF cannot be read (a damaged file?)")
    answer = json.loads(data)
    if "why" in answer:
        raise PdfProblem(answer["why"], answer["fix"])
    pages: list[list[str]] = answer["pages"]
    return pages


def read_pages(raw: bytes) -> list[list[str]]:
    """Every page's lines, page 1 first; a ``PdfProblem`` for a PDF that cannot be read,
    has no text (a scan) or is beyond the limits."""
    if hasattr(os, "fork") and os.path.exists("/proc/self/statm"):
        pages = _in_child(lambda: _pages_in_process(raw))
    else:  # no fork (Windows): read here, with the page and text limits only
        pages = _pages_in_process(raw)
    if not any(line for page in pages for line in page):
        raise PdfProblem(f"no text in its {len(pages)} page{'s' if len(pages) != 1 else ''}: "
                         "a scanned PDF without a text layer",
                         "run OCR on it first (e.g. ocrmypdf) and give the PDF it makes")
    return pages


# ---- headers and footers ------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|p\.)\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?$"
    r"|^第\s*\d{1,4}\s*[頁页]$", re.I)
_NUMBER = re.compile(r"\d[\d,.]*")


def _running_key(text: str) -> str:
    """A line as it repeats from page to page: white space as one space, its numbers (the
    page number) as ``#``."""
    return _NUMBER.sub("#", " ".join(text.split()))


def _row_shaped(text: str) -> bool:
    """Whether a line ends in two cells, as a table row does: never a header or footer,
    however often it repeats (a table repeated in a summary, two tables with the same
    row)."""
    from .extract import read_cell

    tokens = text.split()
    return len(tokens) >= 3 and all(read_cell(token) is not None for token in tokens[-2:])


def _edges(page: list[str]) -> list[int]:
    """The indexes of a page's first and last few non-empty lines."""
    filled = [index for index, text in enumerate(page) if text.strip()]
    return sorted(set(filled[:RUNNING_EDGE_LINES] + filled[-RUNNING_EDGE_LINES:]))


def _outermost(page: list[str], index: int) -> bool:
    """Whether a line is its page's first or last non-empty one."""
    filled = [number for number, text in enumerate(page) if text.strip()]
    return index in (filled[0], filled[-1])


_WORD = re.compile(r"[^\W\d_]")  # a letter, Latin or CJK: a header or footer says a word


def running_lines(pages: list[list[str]]) -> set[tuple[int, int]]:
    """The (page index, line index) of page headers and footers: a page number alone at
    the top or bottom of a page, or a line with a word in it at the top or bottom of
    several pages (at least two, and at least a quarter of them up to ten) that is the
    same but for its page number. A table heading is never one: a heading repeated over a
    page break starts its table again. A number alone is a page number only where it
    counts the pages as the others do (its number less its page's is the same on two
    pages, or the document has one page and it is that page's first or last line): the
    cells of a table printed a cell a line (``29``, ``-3``, ``≧ 5``) stand at the top and
    bottom of its pages too."""
    from .extract import read_heading

    keys: dict[tuple[int, int], str] = {}
    seen: Counter[str] = Counter()
    numbered: dict[tuple[int, int], int] = {}  # a page number's place: its offset
    for page_index, page in enumerate(pages):
        on_page = set()
        for index in _edges(page):
            text = page[index].strip()
            key = _running_key(text)
            keys[(page_index, index)] = key
            on_page.add(key)
            if _PAGE_NUMBER.match(text):
                number = _NUMBER.search(text)
                if number is not None:
                    numbered[(page_index, index)] = int(number.group(0)) - page_index
        seen.update(on_page)
    offsets = Counter(numbered.values())
    counting = {offset for offset, count in offsets.items() if count >= 2}
    needed = max(2, min(10, (len(pages) + 3) // 4))
    running = set()
    for place, key in keys.items():
        text = pages[place[0]][place[1]]
        if place in numbered:
            if numbered[place] in counting or (len(pages) == 1 and _outermost(pages[0],
                                                                             place[1])):
                running.add(place)
        elif (seen[key] >= needed and _WORD.search(key) and read_heading(text) is None
              and not _row_shaped(text)):
            running.add(place)
    return running


def extract_pages(pages: list[list[str]], prose: bool = False,
                  year: int | None = None) -> Extraction:
    """The values of a PDF's pages: its headers and footers left out, its pages read as one
    text (a table goes on over a page break), each value then given its page and its line
    on that page."""
    import msgspec

    from .extract import extract

    running = running_lines(pages)
    lines: list[str] = []
    places: list[tuple[int, int]] = []
    for page_index, page in enumerate(pages):
        for index, text in enumerate(page):
            lines.append("" if (page_index, index) in running else text)
            places.append((page_index + 1, index + 1))
    result = extract("\n".join(lines) + "\n", prose=prose, year=year)
    replace = msgspec.structs.replace
    result.values = [replace(found, page=places[found.line - 1][0],
                             line=places[found.line - 1][1],
                             row=places[found.row - 1][1] if found.row else 0)
                     for found in result.values]
    result.unreadable = [replace(item, page=places[item.line - 1][0],
                                 line=places[item.line - 1][1]) for item in result.unreadable]
    return result
