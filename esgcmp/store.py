"""A store of validated catalog files, so that a command does not re-read YAML or load
pint, and after an edit reads again only the file that changed.

Each catalog (its files, by resolved path, read by this esgcmp) has an entry: an index
of its files, and one *unit* per file. The index knows each file's signature (size,
modification and change times, inode, device) when it was last read, and the BLAKE2
digest of the bytes read then; a file whose signature is the same is not read again,
unless it was changed so soon before it was read that a later change could hide in the
same time stamp (git's racy-timestamp rule): then its bytes are hashed again. A unit is
one file validated and normalised: its metrics, companies and sources, what it takes
from earlier files (the definitions it uses, with a digest, so that a unit is used only
while those are unchanged), and its values as blocks per metric and year, each found
through a directory per metric. A query reads the headers, then only the directories
and years it asks for.

Nothing in the store is trusted (docs/security.md). It holds only JSON (the value
blocks compressed), which cannot run code when read; every index, memo and unit header
starts with a keyed BLAKE2 tag of its name and content, made with a secret key that
lives in the store, and the header holds the digest of every block, so a file that was
corrupted, truncated, moved or written by anyone without the key is a miss. The store
lives in a folder of its own (``esgcmp-store`` under the cache directory) that esgcmp
creates with mode 0700 and marks as its own; a folder of that name that is not owned by
the user, is open to others, is a symbolic link or lacks the mark is not used (a warning
says so). esgcmp removes only entries it names itself, inside that folder, and never
follows a symbolic link. Every file is written whole (a temporary file, then a rename).
At most KEEP catalogs and MAX_STORE_MB megabytes are kept; the least recently used go.

Records are written as rows by a codec derived from their struct fields, so a field
added to a record is stored without anyone listing it here. This module knows the
records (esgcmp.model) and nothing of what is computed from them: it cannot change an
answer, only give back what it was given.

``ESGCMP_CACHE_DIR`` moves the store, ``ESGCMP_NO_CACHE=1`` turns it off,
``ESGCMP_CACHE_MB`` bounds its size.
"""

from __future__ import annotations

import gc
import operator
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec

try:  # hashlib.blake2b itself and the constant-time comparison hmac.compare_digest
    # falls back to, without loading OpenSSL as importing hashlib and hmac does (about
    # 4 ms of every start)
    from _blake2 import blake2b
    from _operator import _compare_digest as compare_digest
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b
    from hmac import compare_digest

from .model import Citation, Company, Metric, Observation, Origin, Parts, Shard, Source

FORMAT = 9  # bump when the stored layout changes
KEEP = 8  # catalogs kept; the least recently used are removed
MAX_STORE_MB = 1024  # the most the store keeps on disk, unless ESGCMP_CACHE_MB says
SMALL_UNIT = 5_000  # values: a file with no more is kept as one block, read at once
MAX_FILE_BYTES = 2**30  # a stored file larger than this is not read
FOLDER = "esgcmp-store"  # the store's own folder inside the cache directory
TAG_NAME = "CACHEDIR.TAG"  # https://bford.info/cachedir/: backup tools skip the folder
TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
       b"# This folder is esgcmp's cache; esgcmp removes only what it wrote here.\n")
KEY_NAME = "key"
_ENTRY = re.compile(r"^c-[0-9a-f]{40}$")  # a stored catalog
_ENTRY_FILE = re.compile(r"^(?:index|m\d{5})\.json$")  # the files of one
_STAGING = re.compile(r"^\.tmp-[A-Za-z0-9_]+$")
STALE_STAGING = 3600  # seconds: a staging folder older than this was left by a killed run


def default_root() -> Path | None:
    """The cache directory, or None when the store is turned off."""
    if os.environ.get("ESGCMP_NO_CACHE", "") not in ("", "0"):
        return None
    named = os.environ.get("ESGCMP_CACHE_DIR")
    if named:
        return Path(named)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "esgcmp"


# ---- the codec ----------------------------------------------------------------------

class Context:
    """What a row needs to become a record again: the file it was read from (every
    ``Origin`` of a unit is in that file, so only its line is stored) and the sources of
    the company it belongs to."""

    __slots__ = ("file", "sources")

    def __init__(self, file: str, sources: Mapping[str, Source]) -> None:
        self.file = file
        self.sources = sources


class Codec:
    """Records of one struct as tuples of plain values (str, int, None, tuples) and
    back, field by field in declaration order. How each field is written follows from its
    declared type: Decimal as text, Origin as its line, Source as its id, a tuple of
    nested records as a tuple of rows; anything else as it is."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.names = list(cls.__struct_fields__)
        self.encoders: list[Callable[[Any], Any] | None] = []
        # decoding is the warm path: one function that reads every field in line
        scope: dict[str, Any] = {"cls": cls, "Origin": Origin, "_decimal": _decimal,
                                 "_tupled": _tupled}
        readers: list[str] = []
        for number, name in enumerate(self.names):
            declared = str(cls.__annotations__[name])
            encode, read = _converters(declared)
            self.encoders.append(encode)
            readers.append(read.format(v=f"row[{number}]", n=number))
            nested = _nested(declared)
            if nested is not None:
                scope[f"nested{number}"] = codec(RECORDS[nested]).decode
        self.fields = operator.attrgetter(*self.names)
        self.converted = [(n, e) for n, e in enumerate(self.encoders) if e is not None]
        exec(f"def decode(row, context):\n    return cls({', '.join(readers)})\n",  # noqa: S102
             scope)
        self.decode: Callable[[Any, Context], Any] = scope["decode"]

    def encode(self, record: Any) -> list[Any]:
        return self.encode_values(self.fields(record))

    def encode_values(self, values: tuple[Any, ...]) -> list[Any]:
        """The row of the record these field values (in declaration order) would make."""
        row = list(values)
        for number, encode in self.converted:
            row[number] = encode(row[number])
        return row

    def field(self, row: list[Any], name: str) -> Any:
        """One field of a row, as written."""
        return row[self.names.index(name)]


_PLAIN = {"str", "int", "bool", "str | None", "int | None", "tuple[str, ...]",
          "tuple[str, str] | None"}


def _nested(declared: str) -> str | None:
    """The record a ``tuple[Record, ...]`` field holds, if it is one."""
    base = declared.removesuffix(" | None")
    if base.startswith("tuple[") and base[6:-1].split(",")[0] in RECORDS:
        return base[6:-1].split(",")[0]
    return None


def _converters(declared: str) -> tuple[Callable[[Any], Any] | None, str]:
    """How a field of this declared type (the annotation's text: model.py postpones
    annotations, and reading the text costs nothing at start-up) is written, and the
    expression that reads it back from ``{v}`` (``nested{n}`` decodes field n's nested
    records; ``context`` is the row's :class:`Context`)."""
    base = declared.removesuffix(" | None")
    if base == "Decimal":
        if declared == base:
            return _text, "_decimal({v})"
        return _text, "(None if {v} is None else _decimal({v}))"
    if base == "Origin":
        return (lambda v: v.line), "Origin(context.file, {v})"
    if base == "Source":
        return (lambda v: v.id), "context.sources[{v}]"
    nested_record = _nested(declared)
    if nested_record is not None:
        nested = codec(RECORDS[nested_record])
        return ((lambda v: [nested.encode(x) for x in v] if v else v),
                "(tuple([nested{n}(x, context) for x in {v}]) if {v} else ())")
    if declared in ("tuple[str, ...]", "tuple[int, ...]"):  # JSON gives lists: tuples again
        return None, "(tuple({v}) if {v} else ())"
    if declared == "tuple[tuple[str, str], ...]":
        return None, "(tuple(map(tuple, {v})) if {v} else ())"
    if declared.startswith("tuple["):
        return None, "_tupled({v})"
    if declared in _PLAIN:
        return None, "{v}"
    raise TypeError(f"the store cannot write a field declared {declared!r}")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@lru_cache(maxsize=4096)
def _decimal(text: str) -> Decimal:
    """A stored number (factors repeat: each is made once)."""
    return Decimal(text)


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


RECORDS = {cls.__name__: cls for cls in (Citation, Observation, Source, Metric, Company)}

# where a value's row holds its number as printed and its factor (both Decimal, as text)
_OBSERVATION_NUMBERS = tuple(Observation.__struct_fields__.index(name)
                             for name in ("value", "factor"))


@lru_cache(maxsize=None)
def codec(record: type) -> Codec:
    """The codec of a record type, made on first use."""
    return Codec(record)


# ---- units: one catalog file, validated, as the store keeps it ------------------------

# Compact UTF-8 JSON, as json.dumps(separators=(",", ":"), ensure_ascii=False) writes it,
# in a third of the time; msgspec.json is loaded by esgcmp's records anyway.
json_bytes = msgspec.json.encode
from_json = msgspec.json.decode


def _digest(data: bytes) -> str:
    return blake2b(data, digest_size=20).hexdigest()


def _block(data: Any) -> bytes:
    return zlib.compress(json_bytes(data), 1)


def encode_unit(parts: Parts, digest: str, uses: dict[str, list[str]],
                deps: str) -> tuple[dict[str, Any], bytes]:
    """One catalog file's validated content (``parts`` holds what that file defines and
    gives, and nothing else; its values as rows of Observation's codec) as a header and a
    body. The header names the file's metrics, companies and sources, the digest of the
    file's bytes, what it takes from earlier files (``uses``, and ``deps``, a digest of
    those definitions) and, per metric, where in the body its directory is: the years
    each company gives, and where each year's rows are (a small file is one block). A
    query reads the header, then the directories and years it needs, each checked
    against its digest."""
    body = bytearray()

    def put(block: bytes) -> list[Any]:
        place = [len(body), len(block), _digest(block)]
        body.extend(block)
        return place

    directory: dict[str, Any] = {}
    small = sum(len(years) for shard in parts.shards.values()
                for years in shard.values()) <= SMALL_UNIT
    whole = {}
    for metric, shard in parts.shards.items():
        by_year: dict[str, list[Any]] = {}
        for years in shard.values():
            for year, row in years.items():
                by_year.setdefault(str(year), []).append(row)
        years_given = {c: list(y) for c, y in shard.items()}
        if small:  # one block for the whole file: read at once
            whole[metric] = {"years": years_given, "rows": by_year}
            directory[metric] = None
        else:
            segments = {year: put(_block(found)) for year, found in by_year.items()}
            numbers = {year: put(_block(_numbers(found))) for year, found in by_year.items()}
            directory[metric] = put(_block({"years": years_given, "segments": segments,
                                            "numbers": numbers}))
    header = {
        "format": FORMAT, "digest": digest, "uses": uses, "deps": deps,
        "metrics": [codec(Metric).encode(m) for m in parts.metrics.values()],
        "companies": [codec(Company).encode(c) for c in parts.companies.values()],
        "sources": [(company, [codec(Source).encode(s) for s in known.values()])
                    for company, known in parts.sources.items()],
        "directory": directory, "whole": put(_block(whole)) if small else None,
    }
    return header, bytes(body)


def _numbers(rows: list[Any]) -> dict[str, str]:
    """Each row's value in its metric's unit (``Observation.normalized``), as text, by
    company: what a check that screens a year of every company reads instead of the
    rows."""
    value, factor = _OBSERVATION_NUMBERS
    return {row[0]: str(Decimal(row[value]) * _decimal(row[factor])) for row in rows}


class BrokenUnit(Exception):
    """A stored unit that does not read back as it was written."""


class Unit:
    """A unit read back: its header, and its body read block by block on demand (from
    memory right after it was built, else from its file in the store)."""

    def __init__(self, header: dict[str, Any], body: Callable[[int, int], bytes],
                 file: str) -> None:
        self.header = header
        self.body = body
        self.file = file  # the name the file is given now (which origins carry)
        self.context = Context(file, NO_SOURCES)
        self.directories: dict[str, dict[str, Any]] = {}

    def metrics(self) -> dict[str, Metric]:
        decode = codec(Metric).decode
        return {row[0]: decode(row, self.context) for row in self.header["metrics"]}

    def companies(self) -> dict[str, Company]:
        decode = codec(Company).decode
        return {row[0]: decode(row, self.context) for row in self.header["companies"]}

    def sources(self) -> list[tuple[str, dict[str, Source]]]:
        decode = codec(Source).decode
        return [(company, {row[0]: decode(row, self.context) for row in rows})
                for company, rows in self.header["sources"]]

    def with_values(self) -> list[str]:
        return list(self.header["directory"])

    def _read(self, place: list[Any], kind: Any = Any) -> Any:
        offset, length, digest = place
        block = self.body(offset, length)
        if _digest(block) != digest:
            raise BrokenUnit
        return from_json(zlib.decompress(block), type=kind)

    def directory(self, metric: str) -> dict[str, Any]:
        """Which companies give which years of a metric (only of a metric the unit has
        values of), and where each year's rows are."""
        found = self.directories.get(metric)
        if found is None:
            if self.header["whole"] is not None:  # a small file: every block at once
                self.directories = self._read(self.header["whole"])
                found = self.directories[metric]
            else:
                found = self.directories[metric] = self._read(
                    self.header["directory"][metric])
        return found

    def years(self, metric: str) -> dict[str, list[int]]:
        """Each company's years of a metric, in the order the file gives them."""
        return self.directory(metric)["years"]

    def gives(self, metric: str, year: int) -> bool:
        """Whether the unit has values of this metric and year."""
        if metric not in self.header["directory"]:
            return False
        directory = self.directory(metric)
        return str(year) in (directory["rows"] if "rows" in directory
                             else directory["segments"])

    def numbers(self, metric: str, year: int) -> dict[str, Decimal]:
        """Each company's value of a year in the metric's unit, without the rows."""
        directory = self.directory(metric)
        if "numbers" in directory:
            return self._read(directory["numbers"][str(year)], dict[str, Decimal])
        value, factor = _OBSERVATION_NUMBERS  # a small unit's rows are read already
        return {row[0]: _decimal(row[value]) * _decimal(row[factor])
                for row in self.rows(metric, year)}

    def rows(self, metric: str, year: int) -> list[Any]:
        """The rows of a year the unit gives."""
        directory = self.directory(metric)
        if "rows" in directory:
            return directory["rows"][str(year)]
        return self._read(directory["segments"][str(year)])


NO_SOURCES: Mapping[str, Source] = {}


def memory_unit(header: dict[str, Any], body: bytes, file: str) -> Unit:
    view = memoryview(body)
    return Unit(header, lambda offset, length: bytes(view[offset:offset + length]), file)


class StoredValues(Mapping[str, Shard]):
    """A catalog's values, metric by metric, from its units: which companies give which
    years is read per metric, and the rows of a year only when one of them is asked for."""

    def __init__(self, units: list[Unit], sources: dict[str, dict[str, Source]],
                 rebuild: Callable[[], dict[str, Shard]]) -> None:
        self.units = units
        self.sources = sources
        self.rebuild = rebuild
        self.metrics = list(dict.fromkeys(m for unit in units for m in unit.with_values()))
        self.known = set(self.metrics)
        self.shards: dict[str, Shard] = {}
        self.segments: dict[tuple[int, str, int], dict[str, Observation]] = {}
        self.rebuilt: dict[str, Shard] | None = None

    def __getitem__(self, metric: str) -> Shard:
        if metric not in self.known:
            raise KeyError(metric)
        if self.rebuilt is not None:
            return self.rebuilt.get(metric, {})
        found = self.shards.get(metric)
        if found is None:
            try:
                found = self.shards[metric] = self._shard(metric)
            except Exception:  # noqa: BLE001 - a unit broken since it was checked
                return self._rebuilt(metric)
        return found

    def get(self, metric: str, default: Any = None) -> Any:  # type: ignore[override]
        # Mapping.get goes through an exception for every absent key; queries ask often
        found = self.shards.get(metric)
        if found is not None and self.rebuilt is None:
            return found
        return self[metric] if metric in self.known else default

    def _shard(self, metric: str) -> Shard:
        where: dict[str, dict[int, int]] = {}
        for number, unit in enumerate(self.units):
            if metric in unit.header["directory"]:
                for company, years in unit.years(metric).items():
                    held = where.get(company)
                    if held is None:  # a company's values are mostly in one file
                        where[company] = dict.fromkeys(years, number)
                    else:
                        held.update(dict.fromkeys(years, number))
        return {company: _Years(self, metric, company, held)  # type: ignore[misc]
                for company, held in where.items()}

    def _rebuilt(self, metric: str) -> Shard:
        if self.rebuilt is None:
            self.rebuilt = self.rebuild()
        return self.rebuilt.get(metric, {})

    def observation(self, number: int, metric: str, year: int, company: str) -> Observation:
        key = (number, metric, year)
        segment = self.segments.get(key)
        if segment is None and self.rebuilt is None:
            try:
                segment = self.segments[key] = self._segment(number, metric, year)
            except Exception:  # noqa: BLE001 - a unit broken since it was checked
                pass
        if segment is None:  # read from the files again
            return self._rebuilt(metric)[company][year]
        return segment[company]

    def normalized(self, metric: str, year: int) -> dict[str, Decimal]:
        """Each company's value of a metric and year in the metric's unit
        (``Observation.normalized``), from the rows when their records are not made yet:
        what a check that screens every company needs."""
        if metric not in self.known:
            return {}
        if self.rebuilt is None:
            try:
                return self._normalized(metric, year)
            except Exception:  # noqa: BLE001 - a unit broken since it was checked
                pass
        return {c: held[year].normalized for c, held in self[metric].items() if year in held}

    def _normalized(self, metric: str, year: int) -> dict[str, Decimal]:
        found: dict[str, Decimal] = {}
        for number, unit in enumerate(self.units):
            if not unit.gives(metric, year):
                continue
            segment = self.segments.get((number, metric, year))
            if segment is not None:
                found.update((c, o.normalized) for c, o in segment.items())
            else:
                found.update(unit.numbers(metric, year))
        return found

    def _segment(self, number: int, metric: str, year: int) -> dict[str, Observation]:
        unit = self.units[number]
        decode = codec(Observation).decode
        context = Context(unit.file, NO_SOURCES)
        found = {}
        with no_collection():
            for row in unit.rows(metric, year):
                context.sources = self.sources[row[0]]
                found[row[0]] = decode(row, context)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)


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
        return self.stored.observation(number, self.metric, year, self.company)

    def __iter__(self) -> Iterator[int]:
        return iter(self.held)

    def __len__(self) -> int:
        return len(self.held)

    def keys(self) -> Any:
        return self.held.keys()


@contextmanager
def no_collection() -> Iterator[None]:
    """No garbage collection while data is decoded or built: it is acyclic, so a
    collection would find nothing, and the many new objects would set off many."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()



# ---- the store ----------------------------------------------------------------------

class Unusable(Exception):
    """The store's folder cannot be trusted or used; the message says why."""


RACY_NS = 2 * 10**9  # a file changed this close to when it was looked at is hashed again


def signature(info: os.stat_result) -> list[int]:
    """What says a file is unchanged without reading it: size, modification and change
    times, inode and device (a replaced file has another inode or change time)."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


class Entry:
    """A catalog's entry in the store: for each of its files (by resolved path), its
    signature when it was last read, its content digest, and that file's unit."""

    def __init__(self, store: Store, paths: list[Path]) -> None:
        self.store = store
        self.resolved = [os.path.realpath(path) for path in paths]
        self.name = "c-" + _digest("\n".join([store.fingerprint, *self.resolved]).encode())
        self.known: list[list[Any]] = []
        self.changed = False
        try:
            index = store.read_json(f"{self.name}/index.json")
            if index["format"] == FORMAT and [f[0] for f in index["files"]] == self.resolved:
                self.known = index["files"]
        except Exception:  # noqa: BLE001 - no index, or a broken one: every file is read
            self.known = []
        if not self.known:
            self.known = [[path, None, None, 0] for path in self.resolved]
            self.changed = True

    def unchanged(self, number: int) -> str | None:
        """The file's digest when its signature says it is unchanged since it was read
        (and it was not changed so soon before that a change could hide in the same
        time stamp, git's racy-timestamp rule), else None."""
        path, known, digest, looked = self.known[number]
        if known is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or signature(info) != known:
            return None
        if info.st_mtime_ns + RACY_NS >= looked or info.st_ctime_ns + RACY_NS >= looked:
            return None
        return str(digest)

    def record(self, number: int, info: os.stat_result, digest: str, looked: int) -> None:
        """The file was read when its status was ``info`` (``looked``: the time before)."""
        self.known[number] = [self.resolved[number], signature(info), digest, looked]
        self.changed = True

    def unit(self, number: int, file: str) -> Unit | None:
        """The file's stored unit, if it verifies and was made from the digest known."""
        return self.store.read_unit(f"{self.name}/m{number:05d}.json", file,
                                    self.known[number][2])

    def keep_unit(self, number: int, header: dict[str, Any], body: bytes) -> None:
        _quietly(self.store.write_unit, self.name, f"m{number:05d}.json", header, body)

    def save(self) -> None:
        _quietly(self.store.write_index, self)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / FOLDER
        self.fingerprint = _code_fingerprint()
        self.problem: str | None = None  # why the store is not used, for a warning
        self._secret: bytes | None = None

    @staticmethod
    def digest(raw: bytes) -> str:
        return _digest(raw)

    def usable(self) -> bool:
        """Whether the store's folder is there (made now if need be) and esgcmp's own."""
        return self._open(create=True) is not None

    def entry(self, paths: list[Path]) -> Entry:
        return Entry(self, paths)

    # --- the folder and its secret ---------------------------------------------------
    def _open(self, create: bool) -> bytes | None:
        """The secret key of a store folder that is esgcmp's own, or None when there is no
        folder (and ``create`` is false) or it cannot be trusted (``problem`` says why)."""
        if self._secret is not None or self.problem is not None:
            return self._secret
        try:
            self._secret = self._secret_key(create)
        except Unusable as exc:
            self.problem = (f"not using the cache in {self.folder}: {exc} (esgcmp makes a new "
                            "one when the folder is removed)")
        except OSError:
            return None  # cannot be created or read now: no store this time, no warning
        return self._secret

    def _secret_key(self, create: bool) -> bytes | None:
        try:
            info = os.lstat(self.folder)
        except FileNotFoundError:
            if not create:
                return None
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.mkdir(self.folder, 0o700)
            secret = os.urandom(32)
            _create_exclusive(self.folder / KEY_NAME, secret)
            _create_exclusive(self.folder / TAG_NAME, TAG)
            return secret
        _trusted_folder(info)
        secret = _read_regular(self.folder / KEY_NAME, 64)
        marker = _read_regular(self.folder / TAG_NAME, 4096)
        if secret is None or len(secret) != 32 or marker != TAG:
            raise Unusable("the folder is not one esgcmp made (no key or mark)")
        return secret

    def _tag(self, secret: bytes, name: str, body: bytes) -> str:
        return blake2b(name.encode() + b"\0" + body, key=secret, digest_size=32).hexdigest()

    # --- verified files ----------------------------------------------------------------
    def read_json(self, name: str) -> Any:
        """A stored JSON file, if its tag is right; else ValueError (a miss)."""
        secret = self._open(create=False)
        if secret is None:
            raise ValueError("no store")
        raw = _read_regular(self.folder / name, MAX_FILE_BYTES)
        if raw is None:
            raise ValueError(f"{name}: unreadable")
        header, _, body = raw.partition(b"\n")
        expected = f"esgcmp-store {FORMAT} {self._tag(secret, name, body)}".encode()
        if not compare_digest(header, expected):
            raise ValueError(f"{name}: not written by this store")
        return from_json(body)

    def _write_json(self, folder: Path, name: str, data: Any, secret: bytes) -> None:
        """Write ``data`` as ``name`` (its path inside the store, which the tag binds) into
        ``folder``, whole or not at all."""
        body = json_bytes(data)
        tag = self._tag(secret, name, body)
        _write_atomically(folder / name.rsplit("/", 1)[-1],
                          f"esgcmp-store {FORMAT} {tag}\n".encode() + body)

    # --- units -------------------------------------------------------------------------
    def read_unit(self, name: str, file: str, digest: Any) -> Unit | None:
        """A stored unit whose header verifies and names this digest, or None. Its body is
        read block by block later, each block checked against the digest the header
        gives it."""
        secret = self._open(create=False)
        if secret is None or digest is None:
            return None
        handle = _open_regular(self.folder / name)
        if handle is None:
            return None
        try:
            first = handle.readline(200)
            magic, version, tag, size = first.decode("ascii").split()
            header_bytes = handle.read(int(size))
            if (magic, version) != ("esgcmp-store", str(FORMAT)) or not compare_digest(
                    tag, self._tag(secret, name, header_bytes)):
                raise ValueError(name)
            header = from_json(header_bytes)
            if header["format"] != FORMAT or header["digest"] != digest:
                raise ValueError(name)
        except Exception:  # noqa: BLE001 - any broken unit is a miss
            handle.close()
            return None
        start = len(first) + int(size)

        def body(offset: int, length: int) -> bytes:
            handle.seek(start + offset)
            return handle.read(length)

        _quietly(os.utime, self.folder / name.split("/")[0])  # recently used
        return Unit(header, body, file)

    def _entry_folder(self, entry: str) -> tuple[bytes, Path] | None:
        """The secret and the folder of a catalog's entry, made if need be; None when the
        store cannot be written or the folder is a symbolic link."""
        secret = self._open(create=True)
        if secret is None:
            return None
        folder = self.folder / entry
        folder.mkdir(mode=0o700, exist_ok=True)
        return None if os.path.islink(folder) else (secret, folder)

    def write_unit(self, entry: str, name: str, header: dict[str, Any], body: bytes) -> None:
        opened = self._entry_folder(entry)
        if opened is None:
            return
        secret, folder = opened
        header_bytes = json_bytes(header)
        tag = self._tag(secret, f"{entry}/{name}", header_bytes)
        _write_atomically(folder / name, f"esgcmp-store {FORMAT} {tag} {len(header_bytes)}\n"
                          .encode() + header_bytes + body)

    def write_index(self, entry: Entry) -> None:
        opened = self._entry_folder(entry.name) if entry.changed else None
        if opened is None:
            return
        secret, folder = opened
        self._write_json(folder, f"{entry.name}/index.json",
                         {"format": FORMAT, "files": entry.known}, secret)
        for name in os.listdir(folder):  # what a killed run left half-written
            if _STAGING.match(name) and _older(folder / name, STALE_STAGING):
                _quietly(os.unlink, folder / name)
        self._prune(entry.name)

    def _prune(self, current: str) -> None:
        """Keep the KEEP most recently used catalogs, and at most limit_bytes() in all;
        the current one is always kept. Only entries esgcmp names itself are looked at."""
        entries = []
        for name in os.listdir(self.folder):
            path = self.folder / name
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode) and _ENTRY.match(name):
                size = sum(os.lstat(path / f).st_size for f in os.listdir(path))
                entries.append((name == current, info.st_mtime, size, path))
            elif stat.S_ISDIR(info.st_mode) and _STAGING.match(name) and _older(
                    path, STALE_STAGING):
                _remove_entry(path)
        entries.sort(reverse=True)
        total, limit = 0, limit_bytes()
        for number, (is_current, _mtime, size, path) in enumerate(entries):
            total += size
            if not is_current and (number >= KEEP or total > limit):
                _remove_entry(path)
                total -= size

    # --- small facts worked out by earlier runs (for this esgcmp only) ------------------
    def memo(self) -> dict[str, Any]:
        try:
            data = self.read_json("memo.json")
        except Exception:  # noqa: BLE001 - a missing or broken memo is no memo
            return {}
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            return {}
        content = data.get("content")
        return content if isinstance(content, dict) else {}

    def keep_memo(self, content: dict[str, Any]) -> None:
        if content == self.memo():
            return
        _quietly(self._keep_memo, content)

    def _keep_memo(self, content: dict[str, Any]) -> None:
        secret = self._open(create=True)
        if secret is not None:
            self._write_json(self.folder, "memo.json",
                             {"fingerprint": self.fingerprint, "content": content}, secret)


def limit_bytes() -> int:
    """The most the store keeps on disk (``ESGCMP_CACHE_MB``, default MAX_STORE_MB)."""
    try:
        return max(1, int(os.environ.get("ESGCMP_CACHE_MB", MAX_STORE_MB))) * 2**20
    except ValueError:
        return MAX_STORE_MB * 2**20


def _older(path: Path, seconds: float) -> bool:
    try:
        return time.time() - os.lstat(path).st_mtime > seconds
    except OSError:
        return False


def _trusted_folder(info: os.stat_result) -> None:
    """Refuse a store folder that another user could have made or can change."""
    if stat.S_ISLNK(info.st_mode):
        raise Unusable("it is a symbolic link")
    if not stat.S_ISDIR(info.st_mode):
        raise Unusable("it is not a folder")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise Unusable("it belongs to another user")
    if os.name == "posix" and info.st_mode & 0o077:
        raise Unusable(f"others may read or change it (mode {stat.S_IMODE(info.st_mode):o}; "
                       "esgcmp makes it 700)")


def _open_regular(path: Path) -> Any:
    """A regular file open for reading (no symbolic link, pipe or device), or None."""
    flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    stream = os.fdopen(handle, "rb")
    try:
        if stat.S_ISREG(os.fstat(handle).st_mode):
            return stream
    except OSError:
        pass
    stream.close()
    return None


def _read_regular(path: Path, limit: int) -> bytes | None:
    """A regular file's bytes (no symbolic link, pipe or device; at most ``limit``), or
    None."""
    stream = _open_regular(path)
    if stream is None:
        return None
    with stream:
        try:
            data = stream.read(limit + 1)
        except OSError:
            return None
    return data if len(data) <= limit else None


def _create_exclusive(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def _remove_entry(folder: Path) -> None:
    """Remove a stored catalog or a staging folder: the files esgcmp names, then the
    folder if nothing else is in it. A symbolic link is removed, never followed."""
    try:
        if os.path.islink(folder) or not folder.is_dir():
            return
        for name in os.listdir(folder):
            if _ENTRY_FILE.match(name) or _STAGING.match(name):
                os.unlink(folder / name)
        os.rmdir(folder)
    except OSError:
        pass


def _code_fingerprint() -> str:
    """Where esgcmp is installed and its files (size, mtime): new code, new store. (Cheaper
    than asking importlib.metadata for the version, and it also sees an edited checkout.)"""
    package = Path(__file__).resolve().parent
    parts = [str(package), sys.version.split()[0], str(FORMAT)]
    for path in sorted(package.iterdir()):
        if path.suffix in (".py", ".txt", ".yaml", ".toml"):
            info = path.stat()
            parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader sees the old file or the whole new one (mode 0600)."""
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _quietly(action: Callable[..., Any], *args: Any) -> None:
    """A store that cannot be written is no error: the answer does not depend on it."""
    try:
        action(*args)
    except (OSError, RecursionError, TypeError, ValueError):
        pass
