"""A store of built catalogs, so that a command does not re-read YAML or load pint.

The key is the content of every catalog file (a BLAKE2 hash), their order, and a
fingerprint of esgcmp itself (the files of the installed package), so a stored catalog
is never served after anything that could change it. A catalog is kept as one small
index plus packs of rows per metric, and a query about one metric reads only that
metric's values. Each file's parsed YAML is kept too, so after an edit only the changed
file is parsed again. A store that is corrupt, from another version, or cannot be
written is ignored: the catalog is read from its files, as without one.

Records are written as rows by a codec derived from their dataclass fields, so a field
added to a record is stored without anyone listing it here. This module knows the
records (esgcmp.model) and nothing of what is computed from them: it cannot change an
answer, only give back what it was given.

``ESGCMP_CACHE_DIR`` moves the store, ``ESGCMP_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import Citation, Company, Metric, Observation, Origin, Parts, Shard, Source

FORMAT = 6  # bump when the stored layout changes
KEEP = 8  # catalogs kept; older ones are removed
KEEP_DOCUMENTS = 4096  # parsed files kept
PACK_ROWS = 20_000  # metrics are stored together until a file holds this many values


def default_root() -> Path | None:
    """Where the store lives, or None when it is turned off."""
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
    if declared.startswith("tuple["):  # marshal keeps tuples; None stays None
        return None, None
    if declared in _PLAIN:
        return None, None
    raise TypeError(f"the store cannot write a field declared {declared!r}")


RECORDS = {cls.__name__: cls for cls in (Citation, Observation, Source, Metric, Company)}


@lru_cache(maxsize=None)
def codec(record: type) -> Codec:
    """The codec of a record type, made on first use."""
    return Codec(record)

NO_CONTEXT: Context = {}


# ---- the store ----------------------------------------------------------------------

class _StoredShards(Mapping[str, Shard]):
    """A catalog's values, metric by metric, read from their pack on first use."""

    def __init__(self, folder: Path, packs: dict[str, str], sources: dict[str, dict[str, Source]],
                 rebuild: Callable[[], dict[str, Shard]]) -> None:
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
            name = self.packs[metric]
            if name not in self.read_packs:
                self.read_packs[name] = marshal.loads((self.folder / name).read_bytes())
            rows = codec(Observation)
            shard: Shard = {}
            for row in self.read_packs[name][metric]:
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


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalogs = root / "catalogs"
        self.documents = root / "documents"
        self.fingerprint = _code_fingerprint()

    # --- keys ------------------------------------------------------------------------
    @staticmethod
    def digest(raw: bytes) -> str:
        return hashlib.blake2b(raw, digest_size=20).hexdigest()

    def document_key(self, content: str) -> str:
        """A parsed file's key: its content (``digest`` of its bytes), parsed by this
        esgcmp."""
        return self.digest(f"{self.fingerprint}\0{content}".encode())

    def key(self, contents: list[tuple[str, str]]) -> str:
        """A catalog's key: its files, in order, by name and content (``digest`` of each
        file's bytes), read by this esgcmp."""
        lines = [self.fingerprint] + [f"{file}\0{content}" for file, content in contents]
        return self.digest("\n".join(lines).encode())

    # --- catalogs --------------------------------------------------------------------
    def read(self, key: str, rebuild: Callable[[], dict[str, Shard]]) -> Parts | None:
        """The stored catalog, or None; a pack found broken later is rebuilt."""
        folder = self.catalogs / key
        try:
            index = marshal.loads((folder / "index.marshal").read_bytes())
            if index["format"] != FORMAT:
                return None
            sources = {company: {row[0]: codec(Source).decode(row, NO_CONTEXT)
                                 for row in rows} for company, rows in index["sources"]}
            parts = Parts(
                metrics={row[0]: codec(Metric).decode(row, NO_CONTEXT)
                         for row in index["metrics"]},
                companies={row[0]: codec(Company).decode(row, NO_CONTEXT)
                           for row in index["companies"]},
                sources=sources, files=list(index["files"]))
            parts.shards = _StoredShards(folder, dict(index["packs"]), sources,
                                         rebuild)  # type: ignore[assignment]
        except Exception:  # noqa: BLE001 - any unreadable store means: build again
            return None
        _quietly(os.utime, folder)  # recently used
        return parts

    def write(self, key: str, parts: Parts) -> None:
        _quietly(self._write, key, parts)

    def _write(self, key: str, parts: Parts) -> None:
        self.catalogs.mkdir(parents=True, exist_ok=True)
        final = self.catalogs / key
        if final.exists():  # written since this run looked, or unreadable: replace it
            shutil.rmtree(final, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=self.catalogs, prefix=".tmp-"))
        try:
            rows = codec(Observation)
            packs: dict[str, str] = {}
            for number, metrics in enumerate(_packs(parts.shards)):
                name = f"m{number:05d}.marshal"
                (staging / name).write_bytes(marshal.dumps(
                    {metric: [rows.encode(o) for years in parts.shards[metric].values()
                              for o in years.values()] for metric in metrics}))
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
            (staging / "index.marshal").write_bytes(marshal.dumps(index))
            os.replace(staging, final)
        except (OSError, TypeError, ValueError):
            shutil.rmtree(staging, ignore_errors=True)
            if not final.exists():
                raise
        self._prune()

    def _prune(self) -> None:
        folders = sorted((p for p in self.catalogs.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)

    # --- parsed files ------------------------------------------------------------------
    def has_document(self, digest: str) -> bool:
        return (self.documents / f"{digest}.pickle").is_file()

    def document(self, digest: str) -> Any:
        try:
            with (self.documents / f"{digest}.pickle").open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # noqa: BLE001
            return None

    def keep_document(self, digest: str, document: Any) -> None:
        _quietly(self._keep_document, digest, document)

    def _keep_document(self, digest: str, document: Any) -> None:
        self.documents.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.documents / f"{digest}.pickle",
                          pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
        stored = list(self.documents.iterdir())
        if len(stored) > KEEP_DOCUMENTS * 2:  # prune in batches, oldest first
            stored.sort(key=lambda p: p.stat().st_mtime)
            for old in stored[: len(stored) - KEEP_DOCUMENTS]:
                old.unlink(missing_ok=True)

    # --- small facts worked out by earlier runs (JSON, for this esgcmp only) ------------
    def memo(self) -> dict[str, Any]:
        try:
            data = json.loads((self.root / "memo.json").read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001
            return {}
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            return {}
        content = data.get("content")
        return content if isinstance(content, dict) else {}

    def keep_memo(self, content: dict[str, Any]) -> None:
        if content == self.memo():
            return
        text = json.dumps({"fingerprint": self.fingerprint, "content": content},
                          ensure_ascii=False)
        _quietly(self._keep_memo, text)

    def _keep_memo(self, text: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.root / "memo.json", text.encode("utf-8"))


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
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader sees the old file or the whole new one."""
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
    except (OSError, pickle.PicklingError, RecursionError, TypeError, ValueError):
        pass
