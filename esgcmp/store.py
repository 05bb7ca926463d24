"""The cache: validated catalog files kept in a SQLite database, so that a command does
not re-read YAML or load pint, and after an edit reads again only the file that changed.

The database is ``cache.sqlite3`` in a folder of its own (``esgcmp-store`` inside the
cache directory), which esgcmp creates with mode 0700 and marks with a ``CACHEDIR.TAG``;
a folder of that name that is a symbolic link, belongs to another user, is open to
others or lacks the mark is not used (a warning says so). Anyone can open the database
with the ``sqlite3`` shell; docs/performance.md describes its tables.

Each catalog (its files by resolved path, read by this esgcmp) is a row of ``catalogs``.
Each of its files is a row of ``files``: its signature when it was last read (size,
modification and change times, inode, device), the digest of the bytes read then, what
it takes from earlier files (``uses``, and ``deps``, a digest of those definitions), and
its metrics, companies and sources (``head``, JSON). Its values are rows of ``blocks``,
one per metric and year: the observations (msgpack, compressed) and the same values in
the metric's unit (what the checks that screen every company read); ``years`` says which
companies give which years of a metric.

The build of a catalog's entry is one transaction, and a run reads inside one read
transaction (WAL journal), so a concurrent run never sees half a build. A database that
cannot be read, or is not this esgcmp's format, is removed and made again before a
query; one found damaged during a query ends that command with a one-line error, and
the next run makes it again. Nothing in it can run code when read (no pickle, no
``exec``). The rows are esgcmp.rows'; neither module knows what is computed from the
records: they give back only what they were given.

``ESGCMP_CACHE_DIR`` moves the cache, ``ESGCMP_NO_CACHE=1`` turns it off,
``ESGCMP_CACHE_MB`` bounds its size.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import time
from contextlib import suppress
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import msgspec

from .cachedir import (TAG, TAG_NAME, Unusable, create_exclusive, read_regular,
                       safe_above, trusted_folder)
from .findingstore import SCHEMA as FINDINGS_SCHEMA
from .rows import Unit, head_decoder

FORMAT = 4  # the database's user_version: bump when a table changes
APPLICATION_ID = 0x65736763  # "esgc", in the database header: a file of another program is not read
KEEP = 8  # catalogs kept; the least recently used are removed
MAX_STORE_MB = 1024  # the most the cache keeps, unless ESGCMP_CACHE_MB says
FOLDER = "esgcmp-store"  # the cache's own folder inside the cache directory
DATABASE = "cache.sqlite3"
# the database and the files SQLite keeps beside it: all esgcmp ever removes
_DATABASE_FILES = (DATABASE, DATABASE + "-wal", DATABASE + "-shm", DATABASE + "-journal")
BUSY_MS = 30_000  # how long a build waits for another run's build to commit
USED_GRANULARITY_NS = 60 * 10**9  # a catalog's last use is written at most once a minute
RACY_NS = 2 * 10**9  # a file changed this close to when it was looked at is hashed again

SCHEMA = f"""
PRAGMA auto_vacuum = INCREMENTAL;
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {FORMAT};
CREATE TABLE IF NOT EXISTS catalogs (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,      -- the esgcmp that built it: its folder, Python, files
    paths TEXT NOT NULL,     -- JSON: the catalog's files, resolved, in load order
    used INTEGER NOT NULL,   -- last read (ns since 1970): the least recently used go
    UNIQUE (code, paths));
CREATE TABLE IF NOT EXISTS files (
    catalog INTEGER NOT NULL,
    number INTEGER NOT NULL, -- the file's place in load order
    path TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL, device INTEGER NOT NULL,
    looked_ns INTEGER NOT NULL, -- when its status was taken, for the racy-timestamp rule
    digest TEXT NOT NULL,    -- BLAKE2b of the bytes validated
    deps TEXT NOT NULL,      -- digest of what it takes from earlier files, as they were
    head TEXT NOT NULL,      -- JSON: its metrics, companies, sources, uses, years given
    bytes INTEGER NOT NULL,  -- the size of its rows here, for pruning
    PRIMARY KEY (catalog, number));
CREATE TABLE IF NOT EXISTS years (
    catalog INTEGER NOT NULL, number INTEGER NOT NULL, metric TEXT NOT NULL,
    companies BLOB NOT NULL, -- zlib(JSON): company -> the years the file gives
    PRIMARY KEY (catalog, number, metric));
CREATE TABLE IF NOT EXISTS blocks (
    catalog INTEGER NOT NULL, number INTEGER NOT NULL, metric TEXT NOT NULL,
    year INTEGER NOT NULL,
    observations BLOB NOT NULL, -- zlib(msgpack): one row per company
    normalized BLOB NOT NULL,   -- zlib(msgpack): company -> value in the metric's unit
    PRIMARY KEY (catalog, number, metric, year));
CREATE TABLE IF NOT EXISTS factors (
    code TEXT NOT NULL,      -- the esgcmp that worked it out (its units.txt, its pint)
    source TEXT NOT NULL, target TEXT NOT NULL,
    factor TEXT NOT NULL,    -- one source unit in target units, exact decimal text
    PRIMARY KEY (code, source, target));
""" + FINDINGS_SCHEMA


TABLES = {"catalogs", "files", "years", "blocks", "factors", "findings"}


def default_root() -> Path | None:
    """The cache directory, or None when the cache is turned off."""
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


def limit_bytes() -> int:
    """The most the cache keeps on disk (``ESGCMP_CACHE_MB``, default MAX_STORE_MB)."""
    try:
        return max(1, int(os.environ.get("ESGCMP_CACHE_MB", MAX_STORE_MB))) * 2**20
    except ValueError:
        return MAX_STORE_MB * 2**20


def digest(data: bytes) -> str:
    import hashlib  # (loads OpenSSL, a few ms: only when a file is read)

    return hashlib.blake2b(data, digest_size=20).hexdigest()


# ---- the database -----------------------------------------------------------------

def signature(info: os.stat_result) -> tuple[int, ...]:
    """What says a file is unchanged without reading it: size, modification and change
    times, inode and device (a replaced file has another inode or change time)."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


class StoreReader:
    """The read side of one run: one read transaction, so that every row it reads is
    of the same state of the database, whatever other runs write meanwhile."""

    def __init__(self, connection: sqlite3.Connection, catalog: int | None) -> None:
        self.connection = connection
        self.catalog = catalog

    def one(self, query: str, parameters: tuple[Any, ...]) -> Any:
        found = self.connection.execute(query, parameters).fetchone()
        if found is None:
            raise KeyError(parameters)
        return found[0]


class Entry:
    """A catalog's entry: for each of its files (by resolved path), its signature when
    it was last read, its content digest, and its unit."""

    def __init__(self, store: Store, paths: list[Path]) -> None:
        self.store = store
        self.resolved = [os.path.realpath(path) for path in paths]
        self.key = msgspec.json.encode(self.resolved).decode()
        self.known: dict[int, list[Any]] = {}  # number -> [signature, looked, digest, deps, head]
        self.recorded: dict[int, tuple[tuple[int, ...], int, str]] = {}
        self.built: dict[int, Unit] = {}
        self.reader: StoreReader | None = None
        self.used = 0
        connection = store.reading()
        if connection is None:
            return
        found = connection.execute("SELECT id, used FROM catalogs WHERE code = ? AND paths = ?",
                                   (store.fingerprint, self.key)).fetchone()
        self.reader = StoreReader(connection, None if found is None else found[0])
        if found is None:
            return
        self.used = found[1]
        for number, path, *status, looked, known_digest, deps, head in connection.execute(
                "SELECT number, path, size, mtime_ns, ctime_ns, inode, device, looked_ns, "
                "digest, deps, head FROM files WHERE catalog = ?", (found[0],)):
            if 0 <= number < len(self.resolved) and path == self.resolved[number]:
                self.known[number] = [tuple(status), looked, known_digest, deps, head]

    def digest(self, number: int) -> str | None:
        """The digest of the file's bytes as last read (this run or an earlier one)."""
        if number in self.recorded:
            return self.recorded[number][2]
        known = self.known.get(number)
        return None if known is None else str(known[2])

    def unchanged(self, number: int) -> str | None:
        """The file's digest when its signature says it is unchanged since it was read
        (and it was not changed so soon before that a change could hide in the same
        time stamp, git's racy-timestamp rule), else None."""
        known = self.known.get(number)
        if known is None:
            return None
        status, looked = known[0], known[1]
        try:
            info = os.stat(self.resolved[number])
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or signature(info) != status:
            return None
        if info.st_mtime_ns + RACY_NS >= looked or info.st_ctime_ns + RACY_NS >= looked:
            return None
        return str(known[2])

    def record(self, number: int, info: os.stat_result, content_digest: str,
               looked: int) -> None:
        """The file was read when its status was ``info`` (``looked``: the time before)."""
        self.recorded[number] = (signature(info), looked, content_digest)

    def unit(self, number: int, file: str) -> Unit | None:
        """The file's stored unit, if it was made from the bytes last read."""
        known = self.known.get(number)
        if known is None or self.reader is None or self.digest(number) != known[2]:
            return None
        try:
            head = head_decoder().decode(known[4])
        except msgspec.DecodeError:
            return None
        return Unit(file, head, known[3], stored=(self.reader, number))

    def keep(self, number: int, unit: Unit) -> None:
        self.built[number] = unit

    def save(self) -> None:
        """Write what this run read and built, in one transaction; then prune."""
        now = time.time_ns()
        if not self.recorded and not self.built and self.reader is not None \
                and self.reader.catalog is not None and now - self.used < USED_GRANULARITY_NS:
            return
        if self.reader is not None and not any(number in self.known and number not in self.built
                                               for number in range(len(self.resolved))):
            self.reader.connection.execute("COMMIT")  # nothing is read from it: let the
            # build be checkpointed at once
        self.store.write(self._save, now)

    def _save(self, connection: sqlite3.Connection, now: int) -> None:
        connection.execute("INSERT INTO catalogs (code, paths, used) VALUES (?, ?, ?) "
                           "ON CONFLICT (code, paths) DO UPDATE SET used = excluded.used",
                           (self.store.fingerprint, self.key, now))
        (catalog,) = connection.execute("SELECT id FROM catalogs WHERE code = ? AND paths = ?",
                                        (self.store.fingerprint, self.key)).fetchone()
        for number, (status, looked, content_digest) in self.recorded.items():
            if number not in self.built:  # read again, found unchanged
                connection.execute(
                    "UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ?, "
                    "device = ?, looked_ns = ? WHERE catalog = ? AND number = ? AND digest = ?",
                    (*status, looked, catalog, number, content_digest))
        for number, unit in self.built.items():
            status, looked, content_digest = self.recorded[number]
            for table in ("files", "years", "blocks"):
                connection.execute(f"DELETE FROM {table} WHERE catalog = ? AND number = ?",  # noqa: S608
                                   (catalog, number))
            years, blocks = unit.built()
            connection.executemany(
                "INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?)",
                [(catalog, number, metric, year, *block)
                 for (metric, year), block in blocks.items()])
            connection.executemany("INSERT INTO years VALUES (?, ?, ?, ?)", [
                (catalog, number, metric, companies) for metric, companies in years.items()])
            # (the bound is of the values: the rest is a few per cent)
            size = sum(len(a) + len(b) for a, b in blocks.values())
            connection.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (catalog, number, self.resolved[number], *status, looked,
                                content_digest, unit.deps,
                                msgspec.json.encode(unit.head).decode(), size))
        connection.execute("DELETE FROM files WHERE catalog = ? AND number >= ?",
                           (catalog, len(self.resolved)))
        self.store.prune(connection, catalog)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / FOLDER
        self.database = self.folder / DATABASE
        self.fingerprint = _code_fingerprint()
        self.problem: str | None = None  # why the cache is not used, for a warning
        self._usable: bool | None = None  # the folder checked
        self._connections: list[sqlite3.Connection] = []  # open for reading, this run
        self._wrote = False

    @staticmethod
    def digest(raw: bytes) -> str:
        return digest(raw)

    def entry(self, paths: list[Path]) -> Entry:
        return Entry(self, paths)

    # --- the folder and the database --------------------------------------------------
    def _folder(self) -> bool:
        """Whether the folder is esgcmp's own (made now if need be); ``problem`` says why
        one is not."""
        try:
            try:
                self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
                try:  # before anything in it is looked at or made
                    safe_above(self.root)
                except Unusable as exc:
                    self.problem = f"not using the cache in {self.root}: {exc}"
                    return False
                info = os.lstat(self.folder)
            except FileNotFoundError:
                if not self._make_folder():
                    return False  # cannot be made now: no cache this time, no warning
                info = os.lstat(self.folder)  # made by this run, or by one at the same time
            trusted_folder(info)
            if read_regular(self.folder / TAG_NAME, 4096) != TAG:
                raise Unusable("the folder is not one esgcmp made (it lacks its mark)")
        except Unusable as exc:
            self.problem = (f"not using the cache in {self.folder}: {exc} (esgcmp makes a "
                            "new one when the folder is removed)")
            return False
        except OSError:
            return False
        return True

    def _make_folder(self) -> bool:
        """The folder made whole or not at all: made under another name with its mark,
        then renamed into place, so that no run ever sees it without its mark (a disk
        that fills while the mark is written, two first runs at once). False when it
        cannot be made."""
        import tempfile

        try:
            making = tempfile.mkdtemp(dir=self.root, prefix=f".{FOLDER}-")
        except OSError:
            return False
        try:
            create_exclusive(Path(making) / TAG_NAME, TAG)
            os.rename(making, self.folder)  # fails when another run's folder is there
            return True
        except OSError:
            with suppress(OSError):
                os.unlink(Path(making) / TAG_NAME)
            with suppress(OSError):
                os.rmdir(making)
            return os.path.lexists(self.folder)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.database, isolation_level=None,
                                     timeout=BUSY_MS / 1000, check_same_thread=False)
        # a block is a few KB: on pages of 16 KB, little of each page is left empty (the
        # size is fixed when the database is made, and ignored after)
        connection.execute("PRAGMA page_size = 16384")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        # the log of a first build is as large as the catalog: cut back once copied
        connection.execute("PRAGMA journal_size_limit = 4194304")
        return connection

    def _open(self) -> sqlite3.Connection | None:
        """A connection to this esgcmp's database, made (or made again, when it is not a
        database of this format) if need be."""
        for _attempt in range(2):
            try:
                info = os.lstat(self.database)
                if not stat.S_ISREG(info.st_mode):  # a link, a pipe: never opened
                    self.discard()
                    continue
            except FileNotFoundError:
                try:  # private, like the folder (SQLite gives its other files this mode)
                    os.close(os.open(self.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                     | getattr(os, "O_NOFOLLOW", 0), 0o600))
                except FileExistsError:
                    pass  # made by another run just now
                except OSError:
                    return None
            try:
                connection = self._connect()
                application, version = (
                    connection.execute("PRAGMA application_id").fetchone()[0],
                    connection.execute("PRAGMA user_version").fetchone()[0])
                if (application, version) == (0, 0) and not connection.execute(
                        "SELECT 1 FROM sqlite_master").fetchone():
                    connection.executescript(SCHEMA)
                elif (application, version) != (APPLICATION_ID, FORMAT) or {
                        name for (name,) in connection.execute(
                            "SELECT name FROM sqlite_master WHERE type = 'table'")} != TABLES:
                    raise sqlite3.DatabaseError("not this esgcmp's cache")
                return connection
            except sqlite3.Error:
                self.discard()
            except OSError:
                return None
        return None

    def reading(self) -> sqlite3.Connection | None:
        """A new connection inside a read transaction, so that every row read through it
        is of one state of the database; None when there is no usable cache."""
        if self._usable is None:
            self._usable = self._folder()
        if not self._usable:
            return None
        for _attempt in range(2):  # a database that fails its first read is made again
            connection = self._open()
            if connection is None:
                return None
            try:
                connection.execute("BEGIN")
                connection.execute("SELECT id FROM catalogs LIMIT 1").fetchall()
                self._connections.append(connection)
                return connection
            except sqlite3.Error:
                connection.close()
                self.discard()
        return None

    def write(self, action: Any, *args: Any) -> None:
        """Run ``action(connection, *args)`` in one write transaction; a cache that
        cannot be written is no error (the answer does not depend on it)."""
        if not self._usable:
            return
        try:
            connection = self._connect()
        except sqlite3.Error:
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
            action(connection, *args)
            connection.execute("COMMIT")
            self._wrote = True
            connection.execute("PRAGMA incremental_vacuum")
            _empty_log(connection)
        except (sqlite3.Error, OSError):
            if connection.in_transaction:
                connection.execute("ROLLBACK")
        finally:
            connection.close()

    # --- unit factors ------------------------------------------------------------------
    def factors(self) -> dict[tuple[str, str], Decimal]:
        """The factors between units that earlier runs of this esgcmp worked out."""
        connection = self.reading()
        if connection is None:
            return {}
        try:
            rows = connection.execute("SELECT source, target, factor FROM factors "
                                      "WHERE code = ?", (self.fingerprint,)).fetchall()
        except sqlite3.Error:
            return {}
        found = {}
        for source, target, text in rows:
            try:
                factor = Decimal(text)
            except (InvalidOperation, TypeError):
                continue  # not ours: worked out again when needed
            if factor.is_finite() and factor > 0:
                found[(source, target)] = factor
        return found

    def keep_factors(self, factors: dict[tuple[str, str], Decimal]) -> None:
        """Keep factors worked out in this run, for the runs after it."""
        if factors:
            self.write(lambda connection: connection.executemany(
                "INSERT OR IGNORE INTO factors VALUES (?, ?, ?, ?)",
                [(self.fingerprint, source, target, str(factor))
                 for (source, target), factor in factors.items()]))

    def close(self) -> None:
        """End this run's reading, and copy what it wrote into the database, emptying the
        log: while the run read, its own read transaction kept the log from being
        emptied, and a log left full doubles the cache's size."""
        for connection in self._connections:
            connection.close()
        self._connections.clear()
        if not self._wrote:
            return
        try:
            connection = self._connect()
        except sqlite3.Error:
            return
        try:
            _empty_log(connection)
        except sqlite3.Error:
            pass
        finally:
            connection.close()

    def discard(self) -> None:
        """Remove the database (and only the files SQLite keeps beside it), so that the
        next look makes it again. A symbolic link is removed, never followed."""
        for connection in self._connections:
            connection.close()
        self._connections.clear()
        for name in _DATABASE_FILES:
            try:
                os.unlink(self.folder / name)
            except OSError:
                with suppress(OSError):  # a folder of that name: only when empty
                    if stat.S_ISDIR(os.lstat(self.folder / name).st_mode):
                        os.rmdir(self.folder / name)

    def prune(self, connection: sqlite3.Connection, current: int) -> None:
        """Keep the KEEP most recently used catalogs, and at most limit_bytes() in all;
        the current one is always kept."""
        connection.execute("DELETE FROM factors WHERE code != ?", (self.fingerprint,))
        entries = connection.execute(
            "SELECT catalogs.id, COALESCE(SUM(files.bytes), 0) FROM catalogs LEFT JOIN files "
            "ON files.catalog = catalogs.id GROUP BY catalogs.id "
            "ORDER BY catalogs.id = ? DESC, catalogs.used DESC", (current,)).fetchall()
        total, limit = 0, limit_bytes()
        for number, (catalog, size) in enumerate(entries):
            total += size
            if catalog != current and (number >= KEEP or total > limit):
                for table in ("blocks", "years", "files"):
                    connection.execute(f"DELETE FROM {table} WHERE catalog = ?", (catalog,))  # noqa: S608
                connection.execute("DELETE FROM catalogs WHERE id = ?", (catalog,))
                total -= size


def _empty_log(connection: sqlite3.Connection) -> None:
    """Copy what the log holds into the database and empty it, unless a run still reads
    an older state (then a later write or the end of this run does it): never wait."""
    connection.execute("PRAGMA busy_timeout = 0")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _code_fingerprint() -> str:
    """Where esgcmp is installed and its files (size, mtime): new code, new entries.
    (Cheaper than asking importlib.metadata for the version, and it also sees an edited
    checkout.)"""
    package = Path(__file__).resolve().parent
    parts = [str(package), sys.version.split()[0], str(FORMAT)]
    for path in sorted(package.iterdir()):
        if path.suffix in (".py", ".txt", ".yaml", ".toml"):
            info = path.stat()
            parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)
