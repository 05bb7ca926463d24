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
import marshal
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from decimal import Decimal
from typing import Any

from .model import Citation, Observation, Origin
from .catalog import Catalog, Shard, build_catalog, parse_catalog_text, read_catalog_bytes

FORMAT = 4  # bump when the stored layout changes
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


# A shard is stored as plain tuples with marshal: several times faster to write and read
# than pickled objects, and only the shards a command needs are turned back into records.
PACK_ROWS = 20_000  # metrics are stored together until a file holds this many values


def _packs(catalog: Catalog) -> list[list[str]]:
    """Metrics grouped into files of about PACK_ROWS values: a small catalog is one file,
    a large one is read a few metrics at a time."""
    packs: list[list[str]] = [[]]
    rows = 0
    for metric in sorted(catalog.shards):
        size = sum(len(years) for years in catalog.shards[metric].values())
        if packs[-1] and rows + size > PACK_ROWS:
            packs.append([])
            rows = 0
        packs[-1].append(metric)
        rows += size
    return packs


def encode_shard(shard: Shard) -> list[tuple[Any, ...]]:
    rows = []
    for company, years in shard.items():
        for year, o in years.items():
            rows.append((company, year, str(o.value), o.unit, o.label, o.source.id, o.line,
                         str(o.factor), o.origin.file, o.origin.line, o.printed, o.flags,
                         o.notes, o.conversion_note,
                         tuple((c.source.id, c.line, c.label, c.unit, _text(c.value), c.printed,
                                _text(c.normalized)) for c in o.also)))
    return rows


def decode_shard(metric: str, rows: list[tuple[Any, ...]], catalog: Catalog) -> Shard:
    shard: Shard = {}
    origins: dict[tuple[str, int | None], Origin] = {}
    factors: dict[str, Decimal] = {}
    for (company, year, value, unit, label, source_id, line, factor, origin_file,
         origin_line, printed, flags, notes, conversion_note, also) in rows:
        sources = catalog.sources[company]
        origin = origins.get((origin_file, origin_line))
        if origin is None:
            origin = origins[(origin_file, origin_line)] = Origin(origin_file, origin_line)
        citations = tuple(Citation(sources[c[0]], c[1], c[2], c[3], _number(c[4]), c[5],
                                   _number(c[6])) for c in also)
        shard.setdefault(company, {})[year] = Observation(
            company, metric, year, Decimal(value), unit, label, sources[source_id], line,
            factors.get(factor) or factors.setdefault(factor, Decimal(factor)), origin, printed,
            tuple(flags), notes, conversion_note,
            citations)
    return shard


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


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

        packs: dict[str, dict[str, Any]] = {}

        def load_shard(metric: str) -> Shard:
            try:
                name = shard_files[metric]
                if name not in packs:
                    packs[name] = marshal.loads((folder / name).read_bytes())
                return decode_shard(metric, packs[name][metric], catalog)
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
            for number, pack in enumerate(_packs(catalog)):
                name = f"m{number:05d}.marshal"
                (staging / name).write_bytes(marshal.dumps(
                    {metric: encode_shard(catalog.shards[metric]) for metric in pack}))
                shard_files.update(dict.fromkeys(pack, name))
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
        documents = _documents(contents, digests, cache)
        catalog = build_catalog(
            ((str(path), document) for (path, _raw), document in zip(contents, documents)),
            None if progress is None else lambda number, file: progress(number, len(contents),
                                                                        file))
        if progress is not None:
            progress(len(contents), len(contents), "")
        return catalog

    if cache is not None:
        found = cache.load(key, build)
        if found is not None:
            return found
    catalog = build(progress)
    if cache is not None:
        _quietly(cache.store, key, catalog)
    return catalog


PARALLEL_BYTES = 4_000_000  # below this, starting worker processes costs more than it saves


def _parse_worker(path: str, digest: str, root: str | None) -> Any:
    """Parse one file in a worker process (and keep it in the cache); errors come back as
    values so that the first failing file, in order, is the one reported."""
    from .errors import CatalogError

    try:
        document = parse_catalog_text(Path(path).read_bytes(), path)
    except CatalogError as exc:
        return ("error", exc.message, exc.file, exc.line, exc.fix)
    if root is not None:
        _quietly(CatalogCache(Path(root)).store_document, digest, document)
    return document


def _documents(contents: list[tuple[Path, bytes]], digests: list[str],
               cache: CatalogCache | None) -> Iterator[Any]:
    """Each file's parsed document, in order, one at a time (so that a large catalog is
    never held in memory as YAML trees all at once). Files the cache does not hold are
    parsed on every core when they are large enough for that to pay."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    from .errors import CatalogError

    def is_cached(digest: str) -> bool:
        return cache is not None and (cache.documents / f"{digest}.pickle").is_file()

    todo = [n for n, digest in enumerate(digests) if not is_cached(digest)]
    parsing = set(todo)
    cores = os.cpu_count() or 1
    parallel = (cores >= 2 and len(todo) >= 2
                and sum(len(contents[n][1]) for n in todo) >= PARALLEL_BYTES)
    pool = None
    futures: dict[int, Future[Any]] = {}
    waiting = list(todo)
    window = 2 * cores  # parsed documents waiting for the reader, at most: bounds memory
    root = str(cache.root) if cache is not None else None

    def submit() -> None:
        while pool is not None and waiting and len(futures) < window:
            number = waiting.pop(0)
            futures[number] = pool.submit(_parse_worker, str(contents[number][0]),
                                          digests[number], root)

    if parallel:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ProcessPoolExecutor(max_workers=min(cores, len(todo)), mp_context=context)
        submit()
    try:
        for number, ((path, raw), digest) in enumerate(zip(contents, digests)):
            document = cache.document(digest) if number not in parsing and cache else None
            if pool is not None and number in parsing:
                submit()
                document = futures.pop(number).result()
                submit()
                if isinstance(document, tuple) and document and document[0] == "error":
                    raise CatalogError(document[1], file=document[2], line=document[3],
                                       fix=document[4])
            elif document is None:
                document = parse_catalog_text(raw, str(path))
                if cache is not None:
                    _quietly(cache.store_document, digest, document)
            yield document
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


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
