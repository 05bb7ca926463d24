"""Records as the cache keeps them, and a catalog's values read back from them.

A catalog file, validated, is a *unit*: its metrics, companies and sources (its head),
which companies give which years of each metric, and its values in blocks per metric
and year (the observations as rows, and the same values in the metric's unit). A unit is
held in memory right after it was built, else read from the database (esgcmp.store) a
block at a time, when a query first asks for it. A row has its record's fields in order,
derived from the record's declared types, so a field added to a record is kept without
anyone listing it here.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, get_type_hints

import msgspec

from .errors import EsgcmpError, ExitCode
from .model import (Citation, Company, Group, Metric, Observation, Origin, Parts, Shard,
                    Source)

if TYPE_CHECKING:
    from .findingstore import Kept
    from .store import Store, StoreReader


class Codec:
    """Records of one struct as rows and back. A row has the record's fields in order
    (derived from its declared types, so a field added to a record is kept without
    anyone listing it here), except that an ``Origin`` is kept as its line (every origin
    of a file's records is in that file, whose name is the one given now), a ``Source``
    as its id (its record is the company's, as defined now) and citations as rows."""

    def __init__(self, record: type) -> None:
        self.record = record
        self.origin = self.source = self.nested = -1
        fields: list[tuple[str, Any]] = []
        declared = get_type_hints(record)
        for number, name in enumerate(record.__struct_fields__):
            kind = declared[name]
            if kind is Origin:
                kind, self.origin = int | None, number
            elif kind is Source:
                kind, self.source = str, number
            elif kind == tuple[Citation, ...]:
                kind, self.nested = tuple[codec(Citation).row, ...], number
            fields.append((name, kind))
        self.row: Any = msgspec.defstruct(f"{record.__name__}Row", fields, array_like=True,
                                          frozen=True)

    def encode(self, record: Any) -> Any:
        fields = list(msgspec.structs.astuple(record))
        if self.origin >= 0:
            fields[self.origin] = fields[self.origin].line
        if self.source >= 0:
            fields[self.source] = fields[self.source].id
        if self.nested >= 0:
            fields[self.nested] = tuple(map(codec(Citation).encode, fields[self.nested]))
        return self.row(*fields)

    def decode(self, row: Any, file: str, sources: Mapping[str, Source]) -> Any:
        fields = list(msgspec.structs.astuple(row))
        if self.origin >= 0:
            fields[self.origin] = Origin(file, fields[self.origin])
        if self.source >= 0:
            fields[self.source] = sources[fields[self.source]]
        if self.nested >= 0 and fields[self.nested]:
            cited = codec(Citation)
            fields[self.nested] = tuple(cited.decode(c, file, sources)
                                        for c in fields[self.nested])
        return self.record(*fields)


@lru_cache(maxsize=None)
def codec(record: type) -> Codec:
    """The codec of a record type, made on first use."""
    return Codec(record)


@lru_cache(maxsize=None)
def _head_type() -> Any:
    return msgspec.defstruct("Head", [
        ("metrics", list[codec(Metric).row]), ("companies", list[codec(Company).row]),
        ("sources", list[tuple[str, list[codec(Source).row]]]),
        ("values", dict[str, list[int]]),  # metric -> the years the file gives
        ("uses", dict[str, list[str]]),
        ("groups", list[codec(Group).row], [])])


@lru_cache(maxsize=None)
def _decoders() -> tuple[Any, Any, Any, Any]:
    return (msgspec.json.Decoder(_head_type()),
            msgspec.msgpack.Decoder(list[msgspec.Raw]),
            msgspec.msgpack.Decoder(dict[str, Decimal]),
            msgspec.msgpack.Decoder(codec(Observation).row))


@lru_cache(maxsize=None)
def _row_company() -> Any:
    """A decoder of an observation's row that reads its first field, the company, and
    skips the rest (an array-like struct ignores the fields it does not declare)."""
    assert Observation.__struct_fields__[0] == "company"
    return msgspec.msgpack.Decoder(msgspec.defstruct("RowCompany", [("company", str)],
                                                     array_like=True))


def head_decoder() -> Any:
    """The decoder of a file's head (its ``head`` column: JSON)."""
    return _decoders()[0]


_COMPANY_YEARS = msgspec.json.Decoder(dict[str, list[int]])


class Unit:
    """One catalog file, validated: what it defines (its head) and its values, read from
    memory right after it was built, else from the database when first asked for."""

    def __init__(self, file: str, head: Any, deps: str,
                 years: dict[str, dict[str, list[int]]] | None = None,
                 blocks: dict[tuple[str, int], tuple[bytes, bytes]] | None = None,
                 stored: tuple[StoreReader, int] | None = None) -> None:
        self.file = file  # the name it is given now, which its origins carry
        self.head = head
        self.uses: dict[str, list[str]] = head.uses
        self.deps = deps
        self._years = years if years is not None else {}
        self._blocks = blocks
        self._stored = stored
        self._raw_years: dict[str, bytes] | None = None  # (compressed) as read, by metric

    def metrics(self) -> dict[str, Metric]:
        decode = codec(Metric).decode
        return {row.id: decode(row, self.file, {}) for row in self.head.metrics}

    def companies(self) -> dict[str, Company]:
        decode = codec(Company).decode
        return {row.id: decode(row, self.file, {}) for row in self.head.companies}

    def sources(self) -> list[tuple[str, dict[str, Source]]]:
        decode = codec(Source).decode
        return [(company, {row.id: decode(row, self.file, {}) for row in rows})
                for company, rows in self.head.sources]

    def groups(self) -> dict[str, Group]:
        decode = codec(Group).decode
        return {row.id: decode(row, self.file, {}) for row in self.head.groups}

    def with_values(self) -> list[str]:
        return list(self.head.values)

    def gives(self, metric: str, year: int) -> bool:
        return year in self.head.values.get(metric, ())

    def years(self, metric: str) -> dict[str, list[int]]:
        """Each company's years of a metric, in the order the file gives them."""
        found = self._years.get(metric)
        if found is None:
            if self._stored is None:
                return {}
            if self._raw_years is None:
                # every metric's row at once, decompressed when asked for: a company's
                # page asks for them all, and one query costs what a few do
                reader, number = self._stored
                self._raw_years = dict(reader.connection.execute(
                    "SELECT metric, companies FROM years WHERE catalog = ? AND number = ?",
                    (reader.catalog, number)).fetchall())
            found = self._years[metric] = _COMPANY_YEARS.decode(zlib.decompress(
                self._raw_years[metric]))
        return found

    def _block(self, metric: str, year: int, column: int) -> bytes:
        if self._blocks is not None:
            return self._blocks[metric, year][column]
        assert self._stored is not None
        reader, number = self._stored
        name = ("observations", "normalized")[column]
        return reader.one(f"SELECT {name} FROM blocks WHERE catalog = ? AND number = ? "  # noqa: S608
                          "AND metric = ? AND year = ?", (reader.catalog, number, metric, year))

    def built(self) -> tuple[dict[str, bytes], dict[tuple[str, int], tuple[bytes, bytes]]]:
        """A unit just built, as the database keeps it: each metric's years (compressed
        JSON), and each metric and year's block."""
        assert self._blocks is not None, "a unit read from the database is kept already"
        return ({metric: zlib.compress(msgspec.json.encode(companies), 1)
                 for metric, companies in self._years.items()}, self._blocks)

    def observation_rows(self, metric: str, year: int) -> dict[str, Any]:
        """A metric and year's observations as rows, by company (made into records one
        at a time, as they are asked for: a check reads a few companies of a block)."""
        # each row is kept undecoded, but for the company it starts with: a record's
        # numbers and text are the costly part of a block, and most are never asked for
        rows = _decoders()[1].decode(zlib.decompress(self._block(metric, year, 0)))
        company = _row_company().decode
        return {company(row).company: row for row in rows}

    def normalized(self, metric: str, year: int) -> dict[str, Decimal]:
        return _decoders()[2].decode(zlib.decompress(self._block(metric, year, 1)))  # type: ignore[no-any-return]


def build_unit(own: Parts, file: str, uses: dict[str, list[str]], deps: str) -> Unit:
    """One catalog file's validated content (``own`` holds what that file defines and
    gives, and nothing else) as a unit held in memory, ready to be kept."""
    years: dict[str, dict[str, list[int]]] = {}
    blocks: dict[tuple[str, int], tuple[bytes, bytes]] = {}
    given: dict[str, list[int]] = {}
    encode = codec(Observation).encode
    for metric, shard in own.shards.items():
        by_year: dict[int, list[Observation]] = {}
        for company, held in shard.items():
            for year, observation in held.items():
                by_year.setdefault(year, []).append(observation)
        years[metric] = {company: list(held) for company, held in shard.items()}
        given[metric] = list(by_year)
        for year, found in by_year.items():
            blocks[metric, year] = (
                zlib.compress(msgspec.msgpack.encode([encode(o) for o in found]), 1),
                zlib.compress(msgspec.msgpack.encode({o.company: o.normalized for o in found}), 1))
    head = _head_type()(
        metrics=[codec(Metric).encode(m) for m in own.metrics.values()],
        companies=[codec(Company).encode(c) for c in own.companies.values()],
        sources=[(company, [codec(Source).encode(s) for s in known.values()])
                 for company, known in own.sources.items()],
        values=given, uses=uses,
        groups=[codec(Group).encode(g) for g in own.groups.values()])
    return Unit(file, head, deps, years, blocks)


class Damaged(EsgcmpError):
    """The database turned out damaged while a command was answered from it."""

    exit_code = ExitCode.INTERNAL


class StoredValues(Mapping[str, Shard]):
    """A catalog's values, metric by metric, from its units: which companies give which
    years is read per metric, and a year's observations only when one is asked for."""

    def __init__(self, units: list[Unit], sources: dict[str, dict[str, Source]],
                 store: Store) -> None:
        self.units = units
        self.sources = sources
        self.store = store
        self.metrics = list(dict.fromkeys(m for unit in units for m in unit.with_values()))
        self.known = set(self.metrics)
        self.shards: dict[str, Shard] = {}
        self.segments: dict[tuple[int, str, int], _Segment] = {}
        self.kept: Kept | None = None  # where the checks' findings of these files are kept

    def _reading(self, action: Any, *args: Any) -> Any:
        """A read from the units; a database found damaged now ends the command (an
        answer is never pieced together from two sources) and is removed for the next."""
        try:
            return action(*args)
        except (sqlite3.Error, msgspec.DecodeError, zlib.error, KeyError, TypeError) as exc:
            self.store.discard()
            raise Damaged(f"the cache in {self.store.folder} was damaged ({exc}); it has "
                          "been removed: run the command again") from None

    def __getitem__(self, metric: str) -> Shard:
        if metric not in self.known:
            raise KeyError(metric)
        found = self.shards.get(metric)
        if found is None:
            found = self.shards[metric] = self._reading(self._shard, metric)
        return found

    def get(self, metric: str, default: Any = None) -> Any:  # type: ignore[override]
        # (Mapping.get goes through an exception for every absent key; checks ask often)
        found = self.shards.get(metric)
        if found is not None:
            return found
        return self[metric] if metric in self.known else default

    def _shard(self, metric: str) -> Shard:
        where: dict[str, dict[int, int]] = {}
        for number, unit in enumerate(self.units):
            if metric in unit.head.values:
                for company, years in unit.years(metric).items():
                    held = where.get(company)
                    if held is None:  # a company's values are mostly in one file
                        where[company] = dict.fromkeys(years, number)
                    else:
                        held.update(dict.fromkeys(years, number))
        return {company: _Years(self, metric, company, held)  # type: ignore[misc]
                for company, held in where.items()}

    def observation(self, number: int, metric: str, year: int, company: str) -> Observation:
        key = (number, metric, year)
        segment = self.segments.get(key)
        if segment is None:
            unit = self.units[number]
            segment = self.segments[key] = _Segment(
                self, unit.file, self._reading(unit.observation_rows, metric, year))
        return segment[company]

    def normalized(self, metric: str, year: int) -> dict[str, Decimal]:
        """Each company's value of a metric and year in the metric's unit
        (``Observation.normalized``), without making the observations: what a check that
        screens every company needs."""
        found: dict[str, Decimal] = {}
        for number, unit in enumerate(self.units):
            if unit.gives(metric, year):
                found.update(self._reading(unit.normalized, metric, year))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)


class _Segment:
    """One unit's observations of a metric and year, kept as rows and each made into its
    record when first asked for."""

    __slots__ = ("stored", "file", "rows", "made")

    def __init__(self, stored: StoredValues, file: str, rows: dict[str, Any]) -> None:
        self.stored = stored
        self.file = file
        self.rows = rows
        self.made: dict[str, Observation] = {}

    def __getitem__(self, company: str) -> Observation:
        found = self.made.get(company)
        if found is None:
            row = self.rows[company]
            found = self.made[company] = self.stored._reading(self._make, row)
        return found

    def _make(self, raw: Any) -> Observation:
        row = _decoders()[3].decode(raw)
        return codec(Observation).decode(row, self.file,  # type: ignore[no-any-return]
                                         self.stored.sources[row.company])


class _Years(Mapping[int, Observation]):
    """One company's values of one metric by year; each read when first asked for."""

    __slots__ = ("stored", "metric", "company", "held")

    def __init__(self, stored: StoredValues, metric: str, company: str,
                 held: dict[int, int]) -> None:
        self.stored = stored
        self.metric = metric
        self.company = company
        self.held = held  # year -> the unit that gives it

    def __getitem__(self, year: int) -> Observation:
        return self.stored.observation(self.held[year], self.metric, year, self.company)

    def __contains__(self, year: object) -> bool:
        return year in self.held

    def get(self, year: int, default: Any = None) -> Any:  # type: ignore[override]
        number = self.held.get(year)
        if number is None:
            return default
        segment = self.stored.segments.get((number, self.metric, year))
        if segment is not None:  # (the checks read every company's years: kept short)
            return segment[self.company]
        return self.stored.observation(number, self.metric, year, self.company)

    def __iter__(self) -> Iterator[int]:
        return iter(self.held)

    def __len__(self) -> int:
        return len(self.held)

    def keys(self) -> Any:
        return self.held.keys()
