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

_NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")


def numbers_on(line: str) -> set[Decimal]:
    """Every number printed on a line, thousands separators removed."""
    found = set()
    for token in _NUMBER.findall(line):
        try:
            found.add(Decimal(token.replace(",", "")).normalize())
        except InvalidOperation:
            continue
    return found


def printed_on(line: str, value: Decimal | None, printed: str | None) -> bool:
    if printed:
        return printed in line
    return value is not None and value.normalize() in numbers_on(line)


class Miss(msgspec.Struct, frozen=True):
    """A value that is not on its cited line."""

    where: str  # file:line of the source
    catalog: str  # catalog file:line
    expected: str
    line_text: str


MAX_SOURCE_BYTES = 256 * 2**20  # a source text; a report is a few MB at most
MAX_LINE_CHARS = 100_000  # a longer line is not searched for numbers


class SourceFiles:
    """Source files by name, read once, from one directory. A citation names a file inside
    that directory: a name that leads outside it (``../``, an absolute path, a symbolic
    link) is a problem, never read."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.root = directory.resolve()
        self._lines: dict[str, list[str] | None] = {}
        self.problems: dict[str, str] = {}  # file -> why it cannot be read

    def has(self, file: str) -> bool:
        self.line(file, 1)
        return self._lines[file] is not None

    def missing(self, file: str) -> bool:
        """Whether the file is simply not in the directory (rather than unreadable)."""
        return not self.has(file) and file not in self.problems

    def line(self, file: str, number: int) -> str | None:
        if file not in self._lines:
            self._lines[file] = self._read(file)
        lines = self._lines[file]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def _read(self, file: str) -> list[str] | None:
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
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problems[file] = (f"is not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); "
                                   "convert it to UTF-8 (iconv -t UTF-8)")
            return None
        return text.split("\n")


def cited_places(observation: Observation) -> list[tuple[str, int, Decimal, str | None]]:
    """Where a value is cited with a figure: (file, line, value, printed), its own place
    first, then its other citations that give the figure."""
    places: list[tuple[str, int, Decimal, str | None]] = [
        (observation.source.file, observation.line, observation.value, observation.printed)]
    places += [(c.source.file, c.line, c.value, c.printed) for c in observation.also
               if c.value is not None]
    return places


def check_observation(observation: Observation, files: SourceFiles) -> list[Miss]:
    """The places where this value (and its other citations) are not found, in the files
    at hand: a citation of a file that is absent or unreadable is the caller's to report
    (``files.has``)."""
    misses = []
    for file, number, value, printed in cited_places(observation):
        if not files.has(file):
            continue
        text = files.line(file, number)
        expected = printed or f"{value.normalize():f}"
        if text is not None and len(text) > MAX_LINE_CHARS:
            misses.append(Miss(f"{file}:{number}", str(observation.origin), expected,
                               f"(a line of {len(text):,} characters, too long to search)"))
        elif text is None or not printed_on(text, value, printed):
            misses.append(Miss(f"{file}:{number}", str(observation.origin), expected,
                               "(no such line)" if text is None else text.strip()[:200]))
    return misses
