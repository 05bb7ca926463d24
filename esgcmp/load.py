"""Loading a catalog: which files, read, parsed, validated, and asked of the cache.

The built-in catalog is layered under user catalogs (``--catalog``, ``ESGCMP_CATALOG``).
A metric or company defined twice, or the same company/metric/year given twice, is an
error naming both places. A company entry without ``name`` in a later file extends the
company of that id (adds sources and KPIs) instead of defining it.

:func:`load` is the only way a catalog is made: without a cache, every file is read,
parsed and validated (:mod:`esgcmp.reader`) in order. With one (:mod:`esgcmp.store`,
handed in: this module never decides whether one is used), each file is a *unit*: a file
whose signature is unchanged is not read, its stored unit is used while what it takes
from earlier files is unchanged, and the others are validated after the files before
them; the units are merged in order. Units that are valid alone but not together (a
metric defined twice) send the files through the path without a cache, which says where.
"""

from __future__ import annotations

import difflib
import os
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from .catalog import Catalog, builtin_catalog_path
from .errors import CatalogError, UsageError
from .files import read_regular_file_and_stat
from .model import LineDict, Metric, Parts

if TYPE_CHECKING:
    from .rows import Unit
    from .store import Entry, Store

ENV_VAR = "ESGCMP_CATALOG"
MAX_FILE_BYTES = 512 * 2**20  # a catalog file; split a larger catalog into several

Progress = Callable[[int, int, str], None]  # (files done, files, file)


def catalog_paths(user_paths: Iterable[str | Path] = (), use_env: bool = True,
                  builtin: bool = True) -> list[Path]:
    """Every catalog file in load order: built-in, then ESGCMP_CATALOG, then --catalog.

    A directory stands for the ``*.yaml``/``*.yml`` files in it, in name order.
    """
    paths: list[Path] = [builtin_catalog_path()] if builtin else []
    named: list[str] = []
    if use_env:
        named += [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    named += [str(p) for p in user_paths]
    for name in named:
        if not name.strip():
            raise UsageError("--catalog '' names nothing", fix="give a catalog file or directory")
        path = Path(name).expanduser()
        try:
            if path.is_dir():
                # every entry named *.yaml but a folder: a dangling link or a FIFO is
                # refused by name when it is read, never skipped without a word
                files = sorted(p for p in path.iterdir()
                               if p.suffix in (".yaml", ".yml") and not p.is_dir())
                if not files:
                    raise CatalogError("directory holds no .yaml catalog files",
                                       file=str(path))
                paths += files
            else:
                paths.append(path)
        except OSError as exc:
            raise CatalogError(f"cannot read ({exc.strerror})",
                               file=str(path)) from None
    if not paths:
        raise UsageError("no catalog to read: --no-builtin needs --catalog or ESGCMP_CATALOG",
                         fix="name your catalog with --catalog PATH")
    return paths


# ---- reading and parsing ------------------------------------------------------------

def read_catalog_bytes(path: Path) -> bytes:
    """A catalog file's bytes; a missing, unreadable, special or oversized file is an
    error."""
    return read_catalog_bytes_and_stat(path)[0]


def read_catalog_bytes_and_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """A catalog file's bytes and its status just before they were read."""
    return read_regular_file_and_stat(path, MAX_FILE_BYTES, "catalog file", fix_missing=(
        "check the path given to --catalog or ESGCMP_CATALOG"))


def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(f"not UTF-8 (byte 0x{raw[exc.start]:02x})", file=file,
                           line=line, fix="save the file as UTF-8") from None


def parse_catalog_text(raw: bytes, file: str) -> LineDict:
    """Decode (UTF-8) and parse one catalog file; empty, non-UTF-8 or non-mapping is an error."""
    text = _decode(raw, file)
    if not text.strip():
        raise CatalogError("catalog file is empty", file=file,
                           fix="a catalog starts with 'schema: 1' (docs/catalog.md)")
    from .yamlload import YamlProblem, load_yaml  # PyYAML only when a file must be parsed

    try:
        document = load_yaml(text)
    except YamlProblem as exc:
        raise CatalogError(exc.message, file=file, line=exc.line) from None
    if not isinstance(document, LineDict):
        raise CatalogError("a catalog must be a YAML mapping with 'schema', 'metrics' and "
                           "'companies'", file=file, line=1)
    return document


def _group_lines(parts: Parts, raw: bytes, file: str) -> None:
    """The groups ``file`` defines, each at its own line (the reader knows only the line of
    the ``groups:`` mapping), so that an unknown member can be said where it is written."""
    from msgspec.structs import replace

    from .model import Origin
    from .yamlload import key_line

    for name, group in parts.groups.items():
        if group.origin.file == file:
            line = key_line(_decode(raw, file), group.origin.line or 0, name)
            if line is not None:
                parts.groups[name] = replace(group, origin=Origin(file, line))


def _placed(error: CatalogError, raw: bytes) -> CatalogError:
    """The error at the line of the key it is about, when it names one (the reader knows
    only the line of the mapping that holds the key)."""
    if error.key is None:
        return error
    from .yamlload import key_line

    line = key_line(_decode(raw, error.file or ""), error.line or 0, error.key)
    if line is not None:
        error.line = line
        error.args = (str(error),)
    return error


# ---- loading -------------------------------------------------------------------------

def load(paths: list[Path], store: Store | None = None,
         progress: Progress | None = None) -> Catalog:
    """The catalog of these files, in layering order: from the cache's units of the files
    that are unchanged, the others read, validated and kept (with a cache), or every file
    read and validated (without one)."""
    if store is not None:
        import sqlite3

        from .rows import Damaged

        for _attempt in range(2):
            try:
                entry = store.entry(paths)
                if entry.reader is None:
                    break
                return _load_units(paths, store, entry, progress)
            except (sqlite3.DatabaseError, Damaged):
                # found damaged while the catalog is made from it, before any answer:
                # made again from the files (once; then the files are read without it)
                store.discard()
    contents = [(str(path), read_catalog_bytes(path)) for path in paths]
    return _catalog(_build(contents, progress))


def load_files(paths: Iterable[Path]) -> Catalog:
    """Read, validate and normalise the catalog files, in order, keeping nothing."""
    return load(list(paths))


def _catalog(parts: Parts) -> Catalog:
    return Catalog(metrics=parts.metrics, companies=parts.companies, sources=parts.sources,
                   groups=parts.groups,
                   files=tuple(parts.files), values=parts.shards)


def _build(contents: list[tuple[str, bytes]], progress: Progress | None) -> Parts:
    """Every file read and validated in order."""
    from .reader import Reader  # (and pint) only when files are read

    parts = Parts()
    for number, (file, raw) in enumerate(contents):
        if progress is not None:
            progress(number, len(contents), file)
        try:
            Reader(parts, file).read(parse_catalog_text(raw, file))
        except CatalogError as exc:
            raise _placed(exc, raw) from None
        _group_lines(parts, raw, file)
    if progress is not None:
        progress(len(contents), len(contents), "")
    check_references(parts)
    return parts


def check_references(parts: Parts) -> None:
    """Metrics named by other metrics, and company parents, must exist."""
    for metric in parts.metrics.values():
        named = metric.parts + (metric.ratio_of or ()) + ((metric.change_of,)
                                                         if metric.change_of else ())
        for other in named:
            if other not in parts.metrics:
                close = difflib.get_close_matches(other, list(parts.metrics), n=1)
                raise CatalogError(f"metric '{metric.id}' refers to unknown metric '{other}'",
                                   file=metric.origin.file, line=metric.origin.line,
                                   fix=f"did you mean '{close[0]}'?" if close else "")
    settled: set[str] = set()  # companies whose chain of parents ends: each walked once
    for company in parts.companies.values():
        if company.parent and company.parent not in parts.companies:
            raise CatalogError(f"company '{company.id}': unknown parent '{company.parent}'",
                               file=company.origin.file, line=company.origin.line)
        chain, seen = [company.id], {company.id}
        while chain[-1] not in settled:
            above = parts.companies.get(chain[-1])
            if above is None or not above.parent:
                break
            if above.parent in seen:
                cycle = chain[chain.index(above.parent):] + [above.parent]
                shown = cycle if len(cycle) <= 8 else cycle[:3] + [
                    f"... {len(cycle) - 5} more ..."] + cycle[-2:]
                raise CatalogError(
                    f"company '{company.id}': its parents make a cycle ({' -> '.join(shown)})",
                    file=company.origin.file, line=company.origin.line,
                    fix="a company's parent is the group it belongs to; remove one 'parent'")
            chain.append(above.parent)
            seen.add(above.parent)
        settled.update(chain)


# ---- loading through the cache ----------------------------------------------------------

class _Conflict(Exception):
    """Units that are each valid but not together (a metric or company defined in two
    files, a value given twice): the files are read again in order, which says where."""


class _Merged:
    """The units of a catalog merged in order, as the reader would have built it."""

    def __init__(self) -> None:
        self.parts = Parts()
        self.holders: dict[str, list[Unit]] = {}  # company -> the units giving its values
        self.units: list[Unit] = []

    def add(self, unit: Unit) -> None:
        parts = self.parts
        for metric_id, metric in unit.metrics().items():
            first = parts.metrics.get(metric_id)
            if first is None:
                parts.metrics[metric_id] = metric
            elif msgspec.structs.replace(metric, origin=first.origin) != first:
                raise _Conflict(metric_id)  # the same definition again is the same metric
        companies = unit.companies()
        if not companies.keys().isdisjoint(parts.companies):
            raise _Conflict(next(c for c in companies if c in parts.companies))
        parts.companies.update(companies)
        given = dict(unit.sources())  # most are of companies the unit defines
        for company_id in given.keys() & parts.sources.keys():
            known = parts.sources[company_id]
            if not known.keys().isdisjoint(given[company_id]):
                raise _Conflict(company_id)
            known.update(given.pop(company_id))
        parts.sources.update(given)
        groups = unit.groups()
        if not groups.keys().isdisjoint(parts.groups):
            raise _Conflict(next(g for g in groups if g in parts.groups))
        parts.groups.update(groups)
        for company_id in unit.uses["companies"]:
            for earlier in self.holders.get(company_id, ()):
                for metric_id in set(unit.with_values()) & set(earlier.with_values()):
                    mine = unit.years(metric_id).get(company_id)
                    if mine and not set(mine).isdisjoint(
                            earlier.years(metric_id).get(company_id, ())):
                        raise _Conflict(company_id)
        for company_id in [*companies, *unit.uses["companies"]]:
            self.holders.setdefault(company_id, []).append(unit)
        parts.files.append(unit.file)
        self.units.append(unit)


def _deps(env: Parts, uses: dict[str, list[str]]) -> str | None:
    """A digest of what a file takes from the files before it (``uses``: the metrics of
    its values that it does not define, the companies it adds to), as those files define
    it now; None when one of them is not defined."""
    from .store import digest

    if any(m not in env.metrics for m in uses["metrics"]) or any(
            c not in env.companies for c in uses["companies"]):
        return None
    if not uses["metrics"] and not uses["companies"]:
        return ""  # it takes nothing from them (the built-in catalog): nothing to digest
    text = repr(([_metric_text(env.metrics[m]) for m in uses["metrics"]],
                 [(c, sorted(env.sources.get(c, {}))) for c in uses["companies"]]))
    return digest(text.encode())


@lru_cache(maxsize=4096)
def _metric_text(metric: Metric) -> str:
    """A metric's definition as text, its origin as a line only (the same file named
    another way defines the same metric)."""
    from .rows import codec

    return repr(codec(Metric).encode(metric))


def _read_unit(raw: bytes, file: str, env: Parts) -> Unit:
    """One file parsed and validated as it would be after the files ``env`` holds: what
    it defines and gives, as a unit."""
    from .reader import Reader
    from .rows import build_unit

    document = parse_catalog_text(raw, file)
    seeded = Parts(metrics=dict(env.metrics), companies=dict(env.companies),
                   sources={c: dict(s) for c, s in env.sources.items()},
                   groups=dict(env.groups))
    try:
        Reader(seeded, file).read(document)
    except CatalogError as exc:
        raise _placed(exc, raw) from None
    _group_lines(seeded, raw, file)
    mentioned = list(document.get("companies") or ())
    del document
    own = Parts(
        metrics={k: v for k, v in seeded.metrics.items() if k not in env.metrics},
        companies={k: v for k, v in seeded.companies.items() if k not in env.companies},
        sources={c: {k: v for k, v in seeded.sources[c].items()
                     if k not in env.sources.get(c, {})} for c in mentioned},
        shards=seeded.shards,
        groups={k: v for k, v in seeded.groups.items() if k not in env.groups})
    uses = {"metrics": sorted({m for m in own.shards if m not in own.metrics}),
            "companies": [c for c in mentioned if c not in own.companies]}
    return build_unit(own, file, uses, _deps(env, uses) or "")


def _load_units(paths: list[Path], store: Store, entry: Entry,
                progress: Progress | None) -> Catalog:
    files = [str(path) for path in paths]
    raws: dict[int, bytes] = {}

    def read(number: int) -> bytes:
        """The file's bytes, read now, and its signature and digest recorded."""
        if number not in raws:
            looked = time.time_ns()
            raw, info = read_catalog_bytes_and_stat(paths[number])
            entry.record(number, info, store.digest(raw), looked)
            raws[number] = raw
        return raws[number]

    units: list[Unit | None] = []
    for number, file in enumerate(files):
        if entry.unchanged(number) is None:
            read(number)
        units.append(entry.unit(number, file))
    building = any(unit is None for unit in units)
    merged = _Merged()
    for number, file in enumerate(files):
        if progress is not None and building:
            progress(number, len(files), file)
        unit = units[number]
        if unit is not None and _deps(merged.parts, unit.uses) != unit.deps:
            unit = None  # what it takes from earlier files changed
        if unit is None:
            unit = _read_unit(read(number), file, merged.parts)
            entry.keep(number, unit)
        try:
            merged.add(unit)
        except _Conflict:
            return _catalog(_build([(f, read(n)) for n, f in enumerate(files)], None))
    if progress is not None and building:
        progress(len(files), len(files), "")
    entry.save()
    parts = merged.parts
    check_references(parts)

    from .findingstore import Kept, catalog_key
    from .rows import StoredValues

    stored = StoredValues(merged.units, parts.sources, store)
    key = catalog_key(files, [entry.digest(n) for n in range(len(files))])
    if key is not None:  # the checks' findings of these files are kept with them
        stored.kept = Kept(store, entry.reader, entry.key, key)
    parts.shards = stored  # type: ignore[assignment]
    return _catalog(parts)
