"""A cache of normalised catalogs, so that a command does not re-read YAML or load pint.

The key is the content of every catalog file (a BLAKE2 hash), their order, and a
fingerprint of esgcmp itself (version and the files of the installed package), so a
cached catalog is never served after anything that could change it. A catalog is stored
as one small index plus one pickle per metric, and a query about one metric reads only
that metric's values. Each file's parsed YAML is cached too, so after an edit only the
changed file is parsed again. A cache that is corrupt, from another version, or cannot be
written is ignored: the catalog is read from its files, as without a cache.

Set ``ESGCMP_CACHE_DIR`` to move the cache, ``ESGCMP_NO_CACHE=1`` to bypass it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .catalog import (Catalog, Shard, _Reader, check_references, parse_catalog_text,
                      read_catalog_bytes)

FORMAT = 1  # bump when the stored layout changes
KEEP = 8  # catalogs kept; older ones are removed
KEEP_DOCUMENTS = 4096  # parsed files kept


def cache_root() -> Path | None:
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


def _code_fingerprint() -> str:
    """Where esgcmp is installed and its files (size, mtime): new code, new cache. (Cheaper
    than asking importlib.metadata for the version, and it also sees an edited checkout.)"""
    package = Path(__file__).resolve().parent
    parts = [str(package), sys.version.split()[0], str(FORMAT)]
    for path in sorted(package.iterdir()):
        if path.suffix in (".py", ".txt", ".yaml"):
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _read_pickle(path: Path) -> Any:
    with path.open("rb") as handle:
        return pickle.load(handle)


def _write_pickle(path: Path, value: Any) -> None:
    """Write atomically: a reader sees the old file or the whole new one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class CatalogCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalogs = root / "catalogs"
        self.documents = root / "documents"

    def load(self, key: str, rebuild: Callable[[], Catalog]) -> Catalog | None:
        """The stored catalog, or None; a shard found broken later is rebuilt."""
        folder = self.catalogs / key
        try:
            index = _read_pickle(folder / "index.pickle")
            if index.get("format") != FORMAT:
                return None
            catalog: Catalog = index["catalog"]
            shard_files: dict[str, str] = index["shards"]
        except Exception:  # noqa: BLE001 - any unreadable cache means: rebuild
            return None

        def load_shard(metric: str) -> Shard:
            try:
                shard: Shard = _read_pickle(folder / shard_files[metric])
                return shard
            except Exception:  # noqa: BLE001 - broken since the index was read
                fresh = rebuild()
                catalog.shards.update(fresh.shards)
                catalog.shard_loader = None
                return fresh.shards.get(metric, {})

        catalog.shard_loader = load_shard
        catalog.stored_shards = frozenset(shard_files)
        os.utime(folder)  # recently used
        return catalog

    def store(self, key: str, catalog: Catalog) -> None:
        self.catalogs.mkdir(parents=True, exist_ok=True)
        final = self.catalogs / key
        if final.exists():
            return
        staging = Path(tempfile.mkdtemp(dir=self.catalogs, prefix=".tmp-"))
        try:
            shard_files = {}
            for number, metric in enumerate(sorted(catalog.shards)):
                name = f"m{number:05d}.pickle"
                _write_pickle(staging / name, catalog.shards[metric])
                shard_files[metric] = name
            index_catalog = Catalog(metrics=catalog.metrics, companies=catalog.companies,
                                    sources=catalog.sources, files=catalog.files)
            _write_pickle(staging / "index.pickle", {"format": FORMAT, "catalog": index_catalog,
                                                     "shards": shard_files})
            os.replace(staging, final)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not final.exists():
                raise
        self._prune()

    def _prune(self) -> None:
        folders = sorted((p for p in self.catalogs.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)

    def load_memo(self, fingerprint: str) -> None:
        """Unit factors and coefficients worked out by earlier runs of this esgcmp."""
        from . import compare, units

        try:
            memo = _read_pickle(self.root / "memo.pickle")
        except Exception:  # noqa: BLE001
            return
        if memo.get("fingerprint") != fingerprint:
            return
        for key, factor in memo["factors"].items():
            units.KNOWN_FACTORS.setdefault(key, factor)
        if memo.get("coefficients") is not None:
            compare.preset_coefficients(memo["coefficients"])
        self._memo_size = (len(memo["factors"]), memo.get("coefficients") is not None)

    def save_memo(self, fingerprint: str) -> None:
        from . import compare, units

        known = compare.known_coefficients()
        if getattr(self, "_memo_size", None) == (len(units.KNOWN_FACTORS), known is not None):
            return
        self.root.mkdir(parents=True, exist_ok=True)
        _write_pickle(self.root / "memo.pickle", {"fingerprint": fingerprint,
                                                  "factors": dict(units.KNOWN_FACTORS),
                                                  "coefficients": known})

    def document(self, digest: str) -> Any:
        try:
            return _read_pickle(self.documents / f"{digest}.pickle")
        except Exception:  # noqa: BLE001
            return None

    def store_document(self, digest: str, document: Any) -> None:
        self.documents.mkdir(parents=True, exist_ok=True)
        _write_pickle(self.documents / f"{digest}.pickle", document)
        stored = list(self.documents.iterdir())
        if len(stored) > KEEP_DOCUMENTS * 2:  # prune in batches, oldest first
            stored.sort(key=lambda p: p.stat().st_mtime)
            for old in stored[: len(stored) - KEEP_DOCUMENTS]:
                old.unlink(missing_ok=True)


ProgressCallback = Callable[[int, int, str], None]


def load_catalog_cached(paths: list[Path], progress: ProgressCallback | None = None) -> Catalog:
    """The catalog of these files, from the cache when nothing changed."""
    contents = [(path, read_catalog_bytes(path)) for path in paths]
    digests = [_digest(raw) for _path, raw in contents]
    root = cache_root()
    cache = CatalogCache(root) if root is not None else None
    fingerprint = _code_fingerprint()
    key = _digest("\n".join([fingerprint] + [f"{p}\0{d}" for (p, _r), d in
                                              zip(contents, digests)]).encode())
    if cache is not None:
        cache.load_memo(fingerprint)
        _OPEN.append((cache, fingerprint))

    def build(progress: ProgressCallback | None = None) -> Catalog:
        catalog = Catalog()
        for number, ((path, raw), digest) in enumerate(zip(contents, digests)):
            if progress is not None:
                progress(number, len(contents), str(path))
            document = cache.document(digest) if cache is not None else None
            if document is None:
                document = parse_catalog_text(raw, str(path))
                if cache is not None:
                    _quietly(cache.store_document, digest, document)
            _Reader(catalog, str(path)).read(document)
            catalog.files.append(str(path))
        if progress is not None:
            progress(len(contents), len(contents), "")
        check_references(catalog)
        return catalog

    if cache is not None:
        found = cache.load(key, build)
        if found is not None:
            return found
    catalog = build(progress)
    if cache is not None:
        _quietly(cache.store, key, catalog)
    return catalog


_OPEN: list[tuple[CatalogCache, str]] = []


def save_memo() -> None:
    """Keep the unit factors this run worked out, for the next run (called at exit)."""
    for cache, fingerprint in _OPEN:
        _quietly(cache.save_memo, fingerprint)


def _quietly(action: Callable[..., None], *args: Any) -> None:
    """A cache that cannot be written is no error: the answer does not depend on it."""
    try:
        action(*args)
    except (OSError, pickle.PicklingError, RecursionError):
        pass
