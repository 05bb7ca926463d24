"""Re-find catalog values on their cited source lines.

A value is found when the cited line holds it as printed: the number itself (with or
without thousands separators, trailing zeros ignored), or the literal ``printed`` text
when the catalog gives one (PDF artefacts such as ``90, 258``, number words).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import msgspec

from .errors import CatalogError
from .files import read_regular_file
from .model import Observation

# a number, and the minus sign printed before it (-3, −3: not the hyphen of 2019-2020)
_NUMBER = re.compile(r"(?<![\d.])(?:(?<![\w.-])[-−–])?\d[\d,]*(?:\.\d+)?")


def _signed(token: str) -> Decimal:
    """A number as printed, its minus sign read (a thousands separator removed)."""
    negative = token[:1] in "-−–"
    number = Decimal(token.lstrip("-−–").replace(",", ""))
    return -number if negative else number


def numbers_on(line: str) -> set[Decimal]:
    """Every number printed on a line, thousands separators removed."""
    found = set()
    for match in _NUMBER.finditer(line):
        try:
            number = _signed(match.group())
        except InvalidOperation:
            continue
        found.update({number.normalize(), abs(number).normalize()})  # -3 is also "3" printed
        if line[match.start() - 1:match.start()] == "(" and line[match.end():match.end() + 1] \
                == ")":  # (3): an accountant's minus, as extract reads it
            found.add(-abs(number).normalize())
    return found


def printed_on(line: str, value: Decimal | None, printed: str | None) -> bool:
    if printed:
        return printed in line
    return value is not None and value.normalize() in numbers_on(line)


def digits_on(line: str, value: Decimal, printed: str | None) -> bool:
    """Whether a value is written with the digits the line prints it with: 45.40 where
    the line prints ``45.40`` (45.4 is the same number but claims ten times less
    precision). A ``printed`` text that holds no number equal to the value (a number in
    words) says nothing about digits."""
    text = printed or line
    same = [number for number in _numbers(text) if number == value]
    return (bool(printed) and not same) or any(
        number.as_tuple() == value.as_tuple() for number in same)


def _numbers(text: str) -> list[Decimal]:
    """The numbers a text prints, with their digits, thousands separators removed."""
    found = []
    for token in _NUMBER.findall(text):
        try:
            number = _signed(token)
        except InvalidOperation:
            continue
        found += [number, abs(number)] if number < 0 else [number]
    return found


class Miss(msgspec.Struct, frozen=True):
    """A value that is not on its cited line."""

    where: str  # file:line of the source (file:page:line in a PDF)
    catalog: str  # catalog file:line
    expected: str
    line_text: str


MAX_SOURCE_BYTES = 256 * 2**20  # a source text; a report is a few MB at most
MAX_LINE_CHARS = 100_000  # a longer line is not searched for numbers


class SourceFiles:
    """Source files by name, read once, from one directory. A citation names a file inside
    that directory: a name that leads outside it (``../``, an absolute path, a symbolic
    link) is a problem, never read. A PDF is read as ``esgcmp extract`` reads it, page by
    page: its lines are cited with their page."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.root = directory.resolve()
        # a file's pages, each a list of lines; a text file is one page, cited without one
        self._pages: dict[str, list[list[str]] | None] = {}
        self._pdf: set[str] = set()
        self.problems: dict[str, str] = {}  # file -> why it cannot be read

    def has(self, file: str) -> bool:
        if file not in self._pages:
            self._pages[file] = self._read(file)
        return self._pages[file] is not None

    def is_pdf(self, file: str) -> bool:
        return self.has(file) and file in self._pdf

    def missing(self, file: str) -> bool:
        """Whether the file is simply not in the directory (rather than unreadable)."""
        return not self.has(file) and file not in self.problems

    def line(self, file: str, number: int, page: int | None = None) -> str | None:
        """The text of a line: of a page of a PDF, or of a text file (cited without a
        page); None when there is no such line."""
        if not self.has(file) or (page is not None) != (file in self._pdf):
            return None
        pages = self._pages[file] or []
        if not 1 <= (page or 1) <= len(pages):
            return None
        lines = pages[(page or 1) - 1]
        if not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def no_line(self, file: str, number: int, page: int | None) -> str:
        """Why a file at hand has no cited line: a PDF cited without a page, a text
        cited with one, or no such line (on that page)."""
        if (page is not None) != self.is_pdf(file):
            return ("is a PDF: the citation names no page" if page is None
                    else "is not a PDF: the citation names a page")
        return f"has no line {number}" + (f" on page {page}" if page else "")

    def _read(self, file: str) -> list[list[str]] | None:
        if "\0" in file:  # no file system has such a name (and os calls raise on it)
            self.problems[file] = "is not a file name (it holds a NUL character)"
            return None
        path = self.directory / file
        try:
            if Path(file).is_absolute() or not path.resolve().is_relative_to(self.root):
                self.problems[file] = f"is outside {self.directory}; a citation names a file in it"
                return None
            if not path.exists():
                return None
            raw = read_regular_file(path, MAX_SOURCE_BYTES, "source file")
        except CatalogError as exc:
            self.problems[file] = exc.message
            return None
        except (OSError, RuntimeError) as exc:  # a name too long, a symbolic-link loop
            self.problems[file] = f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
            return None
        from .pdf import is_pdf

        if is_pdf(raw):
            from .pdf import PdfProblem, read_pages

            try:
                pages = read_pages(raw)
            except PdfProblem as exc:
                self.problems[file] = f"cannot be read: {exc.why}"
                return None
            self._pdf.add(file)
            return pages
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problems[file] = (f"is not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); "
                                   "convert it to UTF-8 (iconv -t UTF-8)")
            return None
        return [text.split("\n")]


def place(file: str, line: int, page: int | None) -> str:
    """A cited line as ``file:line``, or in a PDF ``file:page:line``."""
    return f"{file}:{page}:{line}" if page else f"{file}:{line}"


def cited_places(observation: Observation
                 ) -> list[tuple[str, int, Decimal, str | None, int | None]]:
    """Where a value is cited with a figure: (file, line, value, printed, page), its own
    place first, then its other citations that give the figure."""
    places: list[tuple[str, int, Decimal, str | None, int | None]] = [
        (observation.source.file, observation.line, observation.value, observation.printed,
         observation.page)]
    places += [(c.source.file, c.line, c.value, c.printed, c.page) for c in observation.also
               if c.value is not None]
    return places


def check_observation(observation: Observation, files: SourceFiles) -> list[Miss]:
    """The places where this value (and its other citations) are not found, in the files
    at hand: a citation of a file that is absent or unreadable is the caller's to report
    (``files.has``)."""
    misses = []
    for file, number, value, printed, page in cited_places(observation):
        if not files.has(file):
            continue
        text = files.line(file, number, page)
        expected = printed or f"{value.normalize():f}"
        where = place(file, number, page)
        if text is not None and len(text) > MAX_LINE_CHARS:
            misses.append(Miss(where, str(observation.origin), expected,
                               f"(a line of {len(text):,} characters, too long to search)"))
        elif text is None:
            wrong_kind = (page is not None) != files.is_pdf(file)
            misses.append(Miss(where, str(observation.origin), expected,
                               f"({files.no_line(file, number, page)})" if wrong_kind
                               else "(no such line)"))
        elif not printed_on(text, value, printed):
            misses.append(Miss(where, str(observation.origin), expected, text.strip()[:200]))
    return misses



def claim_places(observation: Observation) -> list[tuple[str, int, str, int | None]]:
    """Where the catalog cites a claim about a value rather than the value: each aspect of
    its basis that cites a line, and each company it says shares the figure, as (file,
    line, the words printed there, page)."""
    return ([(file, line, words, page or None)
             for _aspect, file, line, page, words in observation.stated]
            + [(file, line, words, page or None)
               for _company, file, line, page, words in observation.shared])


def check_claims(places: list[tuple[str, int, str, int | None]], origin: str,
                 files: SourceFiles) -> list[Miss]:
    """The claims whose words are not on their cited line, in the files at hand (a file
    that is absent or unreadable is the caller's to report)."""
    misses = []
    for file, number, words, page in places:
        if not files.has(file):
            continue
        text = files.line(file, number, page)
        where = place(file, number, page)
        if text is None:
            misses.append(Miss(where, origin, words, "(no such line)"))
        elif len(text) > MAX_LINE_CHARS:
            misses.append(Miss(where, origin, words,
                               f"(a line of {len(text):,} characters, too long to search)"))
        elif words not in text:
            misses.append(Miss(where, origin, words, text.strip()[:200]))
    return misses
