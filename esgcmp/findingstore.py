"""The findings behind the ``inconsistent`` flag, kept in the cache beside the values.

What the checks find depends only on the catalog's files (their bytes, the names they
are given, in order) and on the esgcmp that checks them (``Store.fingerprint``), and on
which metrics and years a command shows. A warm command that finds the findings of its
metrics and years for the same files reads them instead of running the checks again,
which on a catalog where every company gives every core metric is most of its work.

The catalog set's key (``catalog_key``) is the code's fingerprint and each file's name
and the digest of the bytes the catalog was made from in this run:
an edited file gives another key, so a kept finding is never one of other files (what a
run reads while a file changes is what it checks, and what it keeps is keyed so). A
finding is kept with its types (a Decimal as its exact text, a range as its two ends),
and a finding whose details hold anything else is not kept at all: the checks then run
every time. A row that cannot be read is no error: the checks run instead, and the
answer is made from one source only. Each catalog keeps the findings of its current
files only, of its most recent ``KEEP_QUERIES`` questions, and none once the catalog
itself is pruned.
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from .precision import Range
from .results import Finding

if TYPE_CHECKING:
    from .store import Store, StoreReader

KEEP_QUERIES = 64  # the questions (metrics and years) kept per catalog

# the table, made with the others (esgcmp.store.SCHEMA)
SCHEMA = """
CREATE TABLE IF NOT EXISTS findings (
    code TEXT NOT NULL, paths TEXT NOT NULL, -- the catalog (as in catalogs)
    files TEXT NOT NULL,     -- JSON: its files' names and content digests, in order
    query TEXT NOT NULL,     -- JSON: the metrics and years asked about
    findings BLOB NOT NULL,  -- zlib(msgpack): the warnings and errors found
    used INTEGER NOT NULL,   -- last read (ns since 1970)
    PRIMARY KEY (code, paths, files, query));
"""

_Tagged = list[tuple[str, str, Any]]  # a finding's details: (name, type, value)
_ROWS = msgspec.msgpack.Decoder(list[tuple[Finding, _Tagged]])


class _Unkept(Exception):
    """A detail of a type this module does not keep: the findings are not kept."""


class Kept:
    """Where a catalog's findings are kept: its store, the read transaction of its run,
    the catalog (``code``, ``paths``) and the key of its files as read in this run."""

    def __init__(self, store: Store, reader: StoreReader | None, paths: str,
                 files: str) -> None:
        self.store = store
        self.reader = reader
        self.paths = paths
        self.files = files


def catalog_key(files: list[str], digests: list[str | None]) -> str | None:
    """The key of a catalog set's files (JSON: their names and content digests, in
    order; the code is the row's ``code``); None when a file's digest is not known."""
    if any(found is None for found in digests):
        return None
    return msgspec.json.encode([files, digests]).decode()


def _query(metrics: set[str], years: set[int] | None) -> str:
    return msgspec.json.encode([sorted(metrics),
                                None if years is None else sorted(years)]).decode()


def _tag(value: Any) -> tuple[str, Any]:
    if value is None or isinstance(value, (bool, int, str)):
        return "", value
    if isinstance(value, Decimal):
        return "decimal", str(value)
    if isinstance(value, Range):
        return "range", [str(value.low), str(value.high)]
    if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
        return "strings", list(value)
    raise _Unkept(type(value).__name__)


def _untag(kind: str, value: Any) -> Any:
    if kind == "":
        return value
    if kind == "decimal":
        return Decimal(value)
    if kind == "range":
        return Range(Decimal(value[0]), Decimal(value[1]))
    if kind == "strings":
        return tuple(value)
    raise ValueError(kind)


def encode(findings: list[Finding]) -> bytes:
    """The findings as a row; _Unkept when a detail is of a type not kept."""
    rows = []
    for finding in findings:
        details = [(name, *_tag(value)) for name, value in finding.details.items()]
        rows.append((msgspec.structs.replace(finding, details={}), details))
    return zlib.compress(msgspec.msgpack.encode(rows), 1)


def decode(blob: bytes) -> list[Finding]:
    return [msgspec.structs.replace(finding, details={
        name: _untag(kind, value) for name, kind, value in details})
        for finding, details in _ROWS.decode(zlib.decompress(blob))]


def read(kept: Kept, metrics: set[str], years: set[int] | None) -> list[Finding] | None:
    """The findings kept for this catalog set and question, or None."""
    if kept.reader is None:
        return None
    try:
        found = kept.reader.connection.execute(
            "SELECT findings FROM findings WHERE code = ? AND paths = ? AND files = ? "
            "AND query = ?", (kept.store.fingerprint, kept.paths, kept.files,
                              _query(metrics, years))).fetchone()
        return None if found is None else decode(found[0])
    except (sqlite3.Error, msgspec.DecodeError, zlib.error, ValueError, TypeError,
            ArithmeticError):
        return None  # made again by the checks, and written over


def keep(kept: Kept, metrics: set[str], years: set[int] | None,
         findings: list[Finding]) -> None:
    """Keep the findings of this catalog set and question; those of the catalog's other
    file sets, and of catalogs no longer kept, go."""
    try:
        blob = encode(findings)
    except _Unkept:
        return
    kept.store.write(_write, kept, _query(metrics, years), blob)


def _write(connection: sqlite3.Connection, kept: Kept, query: str, blob: bytes) -> None:
    code = kept.store.fingerprint
    connection.execute("DELETE FROM findings WHERE code = ? AND paths = ? AND files != ?",
                       (code, kept.paths, kept.files))
    connection.execute("DELETE FROM findings WHERE NOT EXISTS (SELECT 1 FROM catalogs WHERE "
                       "catalogs.code = findings.code AND catalogs.paths = findings.paths)")
    connection.execute("INSERT OR REPLACE INTO findings VALUES (?, ?, ?, ?, ?, ?)",
                       (code, kept.paths, kept.files, query, blob, time.time_ns()))
    connection.execute(
        "DELETE FROM findings WHERE code = ? AND paths = ? AND query NOT IN (SELECT query "
        "FROM findings WHERE code = ? AND paths = ? ORDER BY used DESC LIMIT ?)",
        (code, kept.paths, code, kept.paths, KEEP_QUERIES))
