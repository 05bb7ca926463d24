"""The catalog's records: frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

class LineDict(dict):
    """A dict that knows the 1-based line of the mapping it was loaded from."""

    __slots__ = ("line",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 0


CATEGORIES = ("environmental", "social", "governance", "economic")

# Flags a value can carry, and what each means (docs/catalog.md).
FLAGS: dict[str, str] = {
    "approx": "the report says approximately / over / about (約, 餘, 多, 超過)",
    "restated": "the statistical basis was changed and earlier years restated",
    "not_comparable": "a method change makes the value not comparable with other years",
    "scope": "the value covers only part of the company",
    "misprint": "the report contradicts itself; see the note",
    "artefact": "the printed text was damaged in extraction; see the note",
    "estimated": "the value is an estimate",
    "derived": "computed by esgcmp from other catalog values",
    "implied": "implied by a reported ratio and a total; never reported",
    "sources_disagree": "two sources print different values",
}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where something is defined in a catalog file."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    unit: str
    category: str
    origin: Origin
    name_zh: str = ""
    hkex: str = ""
    gri: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()
    signed: bool = False  # may be negative (a profit, a change)
    parts: tuple[str, ...] = ()  # metrics that add up to this one (or, for rates, bound it)
    ratio_of: tuple[str, str] | None = None  # (numerator, denominator) of a reported ratio


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    origin: Origin
    title: str = ""
    language: str = ""


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    origin: Origin
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    parent: str = ""
    entity: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """The same figure printed in a second source."""

    source: Source
    line: int
    label: str
    unit: str
    value: Decimal | None  # as printed in that source
    printed: str | None = None
    normalized: Decimal | None = None  # in the metric's unit


@dataclass(frozen=True, slots=True)
class Observation:
    """One reported value: company, metric, year, exactly as printed, and where."""

    company: str
    metric: str
    year: int
    value: Decimal  # the number as printed, magnitudes not applied
    unit: str  # the unit as printed
    label: str
    source: Source
    line: int
    factor: Decimal  # value x factor = the value in the metric's unit
    origin: Origin  # where in the catalog
    printed: str | None = None  # literal text on the line, when it is not the plain number
    flags: tuple[str, ...] = ()
    notes: str = ""
    conversion_note: str = ""
    also: tuple[Citation, ...] = field(default=())

    @property
    def normalized(self) -> Decimal:
        """The value in the metric's unit (computed, so that millions of values need not
        keep a second number each)."""
        return self.value * self.factor

    @property
    def reference(self) -> str:
        return f"{self.source.file}:{self.line}"
