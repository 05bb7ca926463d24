"""A store of built catalogs, so that a command does not re-read YAML or load pint.

The key is the content of every catalog file (a BLAKE2 hash), their order, and a
fingerprint of esgcmp itself (the files of the installed package), so a stored catalog
is never served after anything that could change it. A catalog is kept as one small
index plus packs of rows per metric, and a query about one metric reads only that
metric's values. Each file's parsed YAML is kept too, so after an edit only the changed
file is parsed again.

Nothing in the store is trusted (docs/security.md). It holds only JSON, which cannot run
code when read; every file starts with a keyed BLAKE2 tag of its name and content, made
with a secret key that lives in the store, so a file that was corrupted, truncated, moved
or written by anyone without the key is a miss. The store lives in a folder of its own
(``esgcmp-store`` under the cache directory) that esgcmp creates with mode 0700 and
marks as its own; a folder of that name that is not owned by the user, is open to
others, is a symbolic link or lacks the mark is not used (a warning says so). esgcmp
removes only entries it names itself, inside that folder, and never follows a symbolic
link. Every file is written whole (a temporary file, then a rename).

Records are written as rows by a codec derived from their dataclass fields, so a field
added to a record is stored without anyone listing it here. This module knows the
records (esgcmp.model) and nothing of what is computed from them: it cannot change an
answer, only give back what it was given.

``ESGCMP_CACHE_DIR`` moves the store, ``ESGCMP_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import hmac
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import (Citation, Company, LineDict, Metric, Observation, Origin, Parts, Shard,
                    Source)

FORMAT = 7  # bump when the stored layout changes
KEEP = 8  # catalogs kept; the least recently used are removed
KEEP_DOCUMENTS = 4096  # parsed files kept
PACK_ROWS = 20_000  # metrics are stored together until a file holds this many values
MAX_FILE_BYTES = 2**30  # a stored file larger than this is not read
FOLDER = "esgcmp-store"  # the store's own folder inside the cache directory
TAG_NAME = "CACHEDIR.TAG"  # https://bford.info/cachedir/: backup tools skip the folder
TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
       b"# This folder is esgcmp's cache; esgcmp removes only what it wrote here.\n")
KEY_NAME = "key"
_ENTRY = re.compile(r"^c-[0-9a-f]{40}$")  # a stored catalog
_ENTRY_FILE = re.compile(r"^(?:index|m\d{5})\.json$")  # the files of one
_DOCUMENT = re.compile(r"^d-[0-9a-f]{40}\.json$")  # a parsed catalog file
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

Context = Mapping[str, Source]  # the sources of the company a row belongs to


class Codec:
    """Records of one dataclass as tuples of plain values (str, int, None, tuples) and
    back, field by field in declaration order. How each field is written follows from its
    declared type: Decimal as text, Origin as (file, line), Source as its id, a tuple of
    nested records as a tuple of rows; anything else as it is."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.names = [f.name for f in dataclasses.fields(cls)]
        self.encoders: list[Callable[[Any], Any] | None] = []
        self.decoders: list[Callable[[Any, Context], Any] | None] = []
        for declared in dataclasses.fields(cls):
            encode, decode = _converters(str(declared.type))
            self.encoders.append(encode)
            self.decoders.append(decode)

    def encode(self, record: Any) -> tuple[Any, ...]:
        return tuple(value if encode is None else encode(value)
                     for encode, value in zip(self.encoders,
                                              (getattr(record, n) for n in self.names)))

    def decode(self, row: tuple[Any, ...], context: Context) -> Any:
        return self.cls(*[value if decode is None else decode(value, context)
                          for decode, value in zip(self.decoders, row)])


_PLAIN = {"str", "int", "bool", "str | None", "int | None", "tuple[str, ...]",
          "tuple[str, str] | None"}


def _converters(declared: str) -> tuple[Callable[[Any], Any] | None,
                                        Callable[[Any, Context], Any] | None]:
    """How a field of this declared type (the annotation's text: model.py postpones
    annotations, and reading the text costs nothing at start-up) is written and read."""
    base = declared.removesuffix(" | None")
    if base == "Decimal":
        return (lambda v: None if v is None else str(v),
                lambda v, _c: None if v is None else Decimal(v))
    if base == "Origin":
        return (lambda v: (v.file, v.line), lambda v, _c: Origin(v[0], v[1]))
    if base == "Source":
        return (lambda v: v.id, lambda v, c: c[v])
    if base.startswith("tuple[") and base[6:-1].split(",")[0] in RECORDS:
        nested = codec(RECORDS[base[6:-1].split(",")[0]])
        return (lambda v: tuple(nested.encode(x) for x in v),
                lambda v, c: tuple(nested.decode(x, c) for x in v))
    if declared in ("tuple[str, ...]", "tuple[int, ...]"):  # JSON gives lists: tuples again
        return None, lambda v, _c: tuple(v) if v else ()
    if declared == "tuple[tuple[str, str], ...]":
        return None, lambda v, _c: tuple(map(tuple, v)) if v else ()
    if declared.startswith("tuple["):
        return None, lambda v, _c: _tupled(v)
    if declared in _PLAIN:
        return None, None
    raise TypeError(f"the store cannot write a field declared {declared!r}")


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


RECORDS = {cls.__name__: cls for cls in (Citation, Observation, Source, Metric, Company)}


@lru_cache(maxsize=None)
def codec(record: type) -> Codec:
    """The codec of a record type, made on first use."""
    return Codec(record)

NO_CONTEXT: Context = {}


# ---- the store ----------------------------------------------------------------------

class _StoredShards(Mapping[str, Shard]):
    """A catalog's values, metric by metric, read from their pack on first use."""

    def __init__(self, store: Store, folder: str, packs: dict[str, str],
                 sources: dict[str, dict[str, Source]],
                 rebuild: Callable[[], dict[str, Shard]]) -> None:
        self.store = store
        self.folder = folder
        self.packs = packs  # metric -> pack file
        self.sources = sources
        self.rebuild = rebuild
        self.loaded: dict[str, Shard] = {}
        self.read_packs: dict[str, dict[str, Any]] = {}
        self.rebuilt: dict[str, Shard] | None = None

    def __getitem__(self, metric: str) -> Shard:
        if metric not in self.packs:
            raise KeyError(metric)
        found = self.loaded.get(metric)
        if found is None:
            found = self.loaded[metric] = self._load(metric)
        return found

    def _load(self, metric: str) -> Shard:
        if self.rebuilt is not None:
            return self.rebuilt.get(metric, {})
        try:
            with _no_collection():
                name = self.packs[metric]
                if name not in self.read_packs:
                    self.read_packs[name] = self.store.read_json(f"{self.folder}/{name}")
                rows = codec(Observation)
                shard: Shard = {}
                for row in self.read_packs[name].pop(metric):  # decoded once: let them go
                    observation = rows.decode(row, self.sources[row[0]])
                    shard.setdefault(observation.company, {})[observation.year] = observation
            return shard
        except Exception:  # noqa: BLE001 - a pack broken since the index was read
            self.rebuilt = self.rebuild()
            return self.rebuilt.get(metric, {})

    def __iter__(self) -> Iterator[str]:
        return iter(self.packs)

    def __len__(self) -> int:
        return len(self.packs)


@contextmanager
def _no_collection() -> Iterator[None]:
    """No garbage collection while stored data is decoded: it is acyclic, so a collection
    would find nothing, and the many new objects would set off many."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class Unusable(Exception):
    """The store's folder cannot be trusted or used; the message says why."""


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / FOLDER
        self.fingerprint = _code_fingerprint()
        self.problem: str | None = None  # why the store is not used, for a warning
        self._secret: bytes | None = None

    # --- keys ------------------------------------------------------------------------
    @staticmethod
    def digest(raw: bytes) -> str:
        return hashlib.blake2b(raw, digest_size=20).hexdigest()

    def key(self, contents: list[tuple[str, str]]) -> str:
        """A catalog's key: its files, in order, by name and content (``digest`` of each
        file's bytes), read by this esgcmp."""
        lines = [self.fingerprint] + [f"{file}\0{content}" for file, content in contents]
        return self.digest("\n".join(lines).encode())

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
        return hashlib.blake2b(name.encode() + b"\0" + body, key=secret,
                               digest_size=32).hexdigest()

    # --- verified files ----------------------------------------------------------------
    def read_json(self, name: str, hook: Callable[[dict[str, Any]], Any] | None = None) -> Any:
        """A stored JSON file, if its tag is right; else ValueError (a miss)."""
        secret = self._open(create=False)
        if secret is None:
            raise ValueError("no store")
        raw = _read_regular(self.folder / name, MAX_FILE_BYTES)
        if raw is None:
            raise ValueError(f"{name}: unreadable")
        header, _, body = raw.partition(b"\n")
        expected = f"esgcmp-store {FORMAT} {self._tag(secret, name, body)}".encode()
        if not hmac.compare_digest(header, expected):
            raise ValueError(f"{name}: not written by this store")
        return json.loads(body, object_hook=hook)

    def _write_json(self, folder: Path, name: str, data: Any, secret: bytes) -> None:
        """Write ``data`` as ``name`` (its path inside the store, which the tag binds) into
        ``folder``, whole or not at all."""
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        tag = self._tag(secret, name, body)
        _write_atomically(folder / name.rsplit("/", 1)[-1],
                          f"esgcmp-store {FORMAT} {tag}\n".encode() + body)

    # --- catalogs --------------------------------------------------------------------
    def read(self, key: str, rebuild: Callable[[], dict[str, Shard]]) -> Parts | None:
        """The stored catalog, or None; a pack found broken later is rebuilt."""
        folder = f"c-{key}"
        try:
            index = self.read_json(f"{folder}/index.json")
            if index["format"] != FORMAT:
                return None
            sources = {company: {row[0]: codec(Source).decode(row, NO_CONTEXT)
                                 for row in rows} for company, rows in index["sources"]}
            parts = Parts(
                metrics={row[0]: codec(Metric).decode(row, NO_CONTEXT)
                         for row in index["metrics"]},
                companies={row[0]: codec(Company).decode(row, NO_CONTEXT)
                           for row in index["companies"]},
                sources=sources, files=[str(f) for f in index["files"]])
            parts.shards = _StoredShards(self, folder, dict(index["packs"]), sources,
                                         rebuild)  # type: ignore[assignment]
        except Exception:  # noqa: BLE001 - any unreadable store means: build again
            return None
        _quietly(os.utime, self.folder / folder)  # recently used
        return parts

    def write(self, key: str, parts: Parts) -> None:
        _quietly(self._write, key, parts)

    def _write(self, key: str, parts: Parts) -> None:
        secret = self._open(create=True)
        if secret is None:
            return
        final = self.folder / f"c-{key}"
        staging = Path(tempfile.mkdtemp(dir=self.folder, prefix=".tmp-"))
        try:
            rows = codec(Observation)
            packs: dict[str, str] = {}
            for number, metrics in enumerate(_packs(parts.shards)):
                name = f"m{number:05d}.json"
                self._write_json(staging, f"{final.name}/{name}", {
                    metric: [rows.encode(o) for years in parts.shards[metric].values()
                             for o in years.values()] for metric in metrics}, secret)
                packs.update(dict.fromkeys(metrics, name))
            index = {
                "format": FORMAT,
                "metrics": [codec(Metric).encode(m) for m in parts.metrics.values()],
                "companies": [codec(Company).encode(c)
                              for c in parts.companies.values()],
                "sources": [(company, [codec(Source).encode(s) for s in known.values()])
                            for company, known in parts.sources.items()],
                "files": list(parts.files), "packs": list(packs.items()),
            }
            self._write_json(staging, f"{final.name}/index.json", index, secret)
            if os.path.lexists(final):  # written since this run looked, or broken
                _remove_entry(final)
            os.replace(staging, final)
        except BaseException:
            _remove_entry(staging)
            raise
        self._prune()

    def _prune(self) -> None:
        """Keep the KEEP most recently used catalogs; remove staging folders a killed run
        left. Only entries esgcmp names itself are looked at."""
        entries = []
        now = time.time()
        for name in os.listdir(self.folder):
            path = self.folder / name
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode):
                continue
            if _ENTRY.match(name):
                entries.append((info.st_mtime, path))
            elif _STAGING.match(name) and now - info.st_mtime > STALE_STAGING:
                _remove_entry(path)
        entries.sort(reverse=True)
        for _mtime, old in entries[KEEP:]:
            _remove_entry(old)

    # --- parsed files, so that after an edit only the edited file is parsed again -------
    def document_key(self, content: str) -> str:
        """A parsed file's key: its content (``digest`` of its bytes), parsed by this
        esgcmp."""
        return self.digest(f"{self.fingerprint}\0{content}".encode())

    def has_document(self, key: str) -> bool:
        return self._open(create=False) is not None and (
            self.folder / f"d-{key}.json").is_file()

    def document(self, key: str) -> Any:
        """The parsed file, or None when it is missing or does not verify."""
        try:
            with _no_collection():
                document = self.read_json(f"d-{key}.json", hook=_object)
        except Exception:  # noqa: BLE001 - any broken entry is a miss
            return None
        _quietly(os.utime, self.folder / f"d-{key}.json")  # recently used
        return document

    def keep_document(self, key: str, document: Any) -> None:
        _quietly(self._keep_document, key, document)

    def _keep_document(self, key: str, document: Any) -> None:
        secret = self._open(create=True)
        if secret is None:
            return
        try:
            data = _to_json(document)
        except _NotPlain:
            return  # a key of an odd type (true:, 1.5:): that file is parsed every time
        self._write_json(self.folder, f"d-{key}.json", data, secret)
        stored = [name for name in os.listdir(self.folder) if _DOCUMENT.match(name)]
        if len(stored) > KEEP_DOCUMENTS * 2:  # prune in batches, least recently used first
            stored.sort(key=lambda name: os.lstat(self.folder / name).st_mtime)
            for old in stored[: len(stored) - KEEP_DOCUMENTS]:
                _quietly(os.unlink, self.folder / old)

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


class _NotPlain(Exception):
    """A parsed file holding something the JSON form below does not carry."""


_LINE = "\x00line"  # a mapping's line; its keys are "s..." (text) or "i..." (a number)
_NUMBER = "\x00decimal"


def _to_json(node: Any) -> Any:
    """A parsed catalog file (LineDict mappings with their lines, lists, text, numbers,
    true/false, null) as JSON data that :func:`_object` turns back into the same."""
    if isinstance(node, LineDict):
        data: dict[str, Any] = {_LINE: node.line}
        for key, value in node.items():
            if type(key) is str:
                data["s" + key] = _to_json(value)
            elif type(key) is int:
                data["i" + str(key)] = _to_json(value)
            else:
                raise _NotPlain
        return data
    if isinstance(node, list):
        return [_to_json(item) for item in node]
    if isinstance(node, Decimal):
        return {_NUMBER: str(node)}
    if node is None or type(node) in (str, int, bool):
        return node
    raise _NotPlain  # a float (.inf, .nan) or anything else: parsed every time


def _object(data: dict[str, Any]) -> Any:
    """A JSON object of :func:`_to_json` back as a Decimal or a LineDict (the decoder calls
    this for every object, innermost first)."""
    if _NUMBER in data:
        return Decimal(data[_NUMBER])
    mapping = LineDict()
    mapping.line = data.pop(_LINE)
    for key, value in data.items():
        mapping[key[1:] if key[0] == "s" else int(key[1:])] = value
    return mapping


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


def _read_regular(path: Path, limit: int) -> bytes | None:
    """A regular file's bytes (no symbolic link, pipe or device; at most ``limit``), or
    None."""
    flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
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


def _packs(shards: Mapping[str, Shard]) -> list[list[str]]:
    """Metrics grouped into files of about PACK_ROWS values: a small catalog is one file,
    a large one is read a few metrics at a time."""
    packs: list[list[str]] = [[]]
    rows = 0
    for metric in sorted(shards):
        size = sum(len(years) for years in shards[metric].values())
        if packs[-1] and rows + size > PACK_ROWS:
            packs.append([])
            rows = 0
        packs[-1].append(metric)
        rows += size
    return packs


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
