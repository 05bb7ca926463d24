"""Re-find catalog values on their cited source lines.

A value is found when the cited line holds it as printed: the number itself (with or
without thousands separators, trailing zeros ignored), or the literal ``printed`` text
when the catalog gives one (PDF artefacts such as ``90, 258``, number words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .model import Citation, Observation

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


@dataclass(frozen=True)
class Miss:
    """A value that is not on its cited line."""

    where: str  # file:line of the source
    catalog: str  # catalog file:line
    what: str  # company metric year
    expected: str
    line_text: str


class SourceFiles:
    """Source files by name, read once, from one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lines: dict[str, list[str] | None] = {}

    def has(self, file: str) -> bool:
        self.line(file, 1)
        return self._lines[file] is not None

    def line(self, file: str, number: int) -> str | None:
        if file not in self._lines:
            path = self.directory / file
            self._lines[file] = (path.read_text(encoding="utf-8").split("\n")
                                 if path.is_file() else None)
        lines = self._lines[file]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]


def check_observation(observation: Observation, files: SourceFiles) -> list[Miss]:
    """The places where this value (and its other citations) are not found."""
    places: list[tuple[str, int, Decimal | None, str | None]] = [
        (observation.source.file, observation.line, observation.value, observation.printed)]
    places += [(c.source.file, c.line, c.value, c.printed) for c in observation.also
               if isinstance(c, Citation) and c.value is not None]
    misses = []
    what = f"{observation.company} {observation.metric} {observation.year}"
    for file, number, value, printed in places:
        text = files.line(file, number)
        if text is None or not printed_on(text, value, printed):
            expected = printed if printed else (f"{value.normalize():f}" if value is not None
                                                else "")
            misses.append(Miss(f"{file}:{number}", str(observation.origin), what, expected,
                               "(no such line)" if text is None else text.strip()[:200]))
    return misses
