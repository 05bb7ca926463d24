"""The catalog: every company's reported values, validated and normalised, and the one
path that loads it.

The built-in catalog is layered under user catalogs (``--catalog``, ``ESGCMP_CATALOG``).
A metric or company defined twice, or the same company/metric/year given twice, is an
error naming both places. A company entry without ``name`` in a later file extends the
company of that id (adds sources and KPIs) instead of defining it.

:func:`load` is the only way a catalog is made: files are read, parsed (on every core
when they are large), validated (:mod:`esgcmp.reader`) and built, with or without a
store that keeps the results between runs (:mod:`esgcmp.store`). A store is handed in;
this module never decides whether one is used.
"""

from __future__ import annotations

import difflib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import field

from .errors import CatalogError, NotFoundError, UsageError
from .files import packaged, read_regular_file_and_stat
from .model import Company, LineDict, Metric, Observation, Origin, Parts, Shard, Source
from .names import fold
from .store import no_collection

if TYPE_CHECKING:
    from .store import Store, Unit

ENV_VAR = "ESGCMP_CATALOG"


def builtin_catalog_path() -> Path:
    """The catalog shipped in the wheel, or the top-level file of a source checkout."""
    shipped = packaged("kpi_catalog.yaml")
    if shipped.is_file():
        return shipped
    return Path(__file__).resolve().parent.parent / "kpi_catalog.yaml"


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
                files = sorted(p for p in path.iterdir()
                               if p.suffix in (".yaml", ".yml") and p.is_file())
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


class Catalog(msgspec.Struct, frozen=True, dict=True):  # dict: for cached_property
    """Everything the catalog files hold, validated and normalised.

    Values are kept per metric (``values``: metric -> company -> year -> value), so that a
    query about one metric touches only that metric's values; the mapping may load a
    metric's values only when it is first asked for.
    """

    metrics: dict[str, Metric]
    companies: dict[str, Company]
    sources: dict[str, dict[str, Source]]  # by company
    files: tuple[str, ...]
    values: Mapping[str, Shard] = field(default_factory=dict)

    # --- queries -------------------------------------------------------------------
    def shard(self, metric: str) -> Shard:
        return self.values.get(metric) or {}

    def metrics_with_values(self) -> list[str]:
        return sorted(self.values)

    def get(self, company: str, metric: str, year: int) -> Observation | None:
        return self.shard(metric).get(company, {}).get(year)

    def normalized(self, metric: str, year: int) -> dict[str, Decimal]:
        """Each company's value of a metric and year in the metric's unit; a store's
        values are not made into records for it."""
        column = getattr(self.values, "normalized", None)
        if column is not None:
            return column(metric, year)  # type: ignore[no-any-return]
        return {company: held[year].normalized
                for company, held in self.shard(metric).items() if year in held}

    @cached_property
    def observations(self) -> dict[tuple[str, str, int], Observation]:
        """Every value, keyed (company, metric, year); loads every metric's values."""
        return {(c, m, y): obs for m in self.metrics_with_values()
                for c, years in self.shard(m).items() for y, obs in years.items()}

    def reports(self, company: str, metric: str) -> bool:
        """Whether the company gives the metric in any year (no value is read)."""
        return bool(self.shard(metric).get(company))

    def series(self, company: str, metric: str) -> dict[int, Observation]:
        return dict(sorted(self.shard(metric).get(company, {}).items()))

    def for_company_year(self, company: str, year: int) -> list[Observation]:
        return [obs for m in self.metrics_with_values()
                if (obs := self.shard(m).get(company, {}).get(year)) is not None]

    def years(self, company: str | None = None, metric: str | None = None) -> list[int]:
        if company is not None and metric is not None:  # the common question, at once
            held = self.shard(metric).get(company)
            return [] if held is None else sorted(held)
        metrics = [metric] if metric is not None else self.metrics_with_values()
        years: set[int] = set()
        for metric_id in metrics:
            shard = self.shard(metric_id)
            for company_id in ([company] if company is not None else list(shard)):
                years.update(shard.get(company_id, {}))
        return sorted(years)

    def companies_reporting(self, metric: str) -> list[str]:
        return sorted(c for c, years in self.shard(metric).items() if years)

    def value_count(self, company: str) -> int:
        return sum(len(self.shard(m).get(company, {})) for m in self.metrics_with_values())

    # --- name resolution -------------------------------------------------------------
    def resolve_company(self, wanted: str) -> Company:
        names: dict[str, set[str]] = {}
        for company in self.companies.values():
            for name in (company.id, company.name, company.name_zh, *company.aliases):
                if name:
                    names.setdefault(fold(name), set()).add(company.id)
        return self.companies[_resolve("company", wanted, names, sorted(self.companies))]

    def resolve_metrics(self, wanted: str) -> list[Metric]:
        """A metric by name, or every metric tagged with a framework code (A1.2, 305-1,
        "GRI 305-1"), an HKEX aspect (A1: A1.1, A1.2, ...) or a GRI standard (GRI 305:
        305-1, 305-2, ...)."""
        code = fold(wanted)
        if code in self._metric_names:  # a name comes before a code
            return [self.resolve_metric(wanted)]
        aspect = code + "." if _ASPECT.match(code) else None
        standard = code.removeprefix("gri") if _STANDARD.match(code) else None
        tagged = [m for m in self.metrics.values()
                  if code in {fold(c) for c in m.hkex + m.gri}
                  or code in {fold("gri " + c) for c in m.gri}
                  or (aspect and any(fold(c).startswith(aspect) for c in m.hkex))
                  or (standard and any(c.split("-")[0].strip() == standard for c in m.gri))]
        return tagged or [self.resolve_metric(wanted)]

    def resolve_metric(self, wanted: str) -> Metric:
        return self.metrics[_resolve("metric", wanted, self._metric_names,
                                     list(self.metrics))]

    @cached_property
    def _metric_names(self) -> dict[str, set[str]]:
        """The metrics each folded id, name and alias names."""
        names: dict[str, set[str]] = {}
        for metric in self.metrics.values():
            for name in (metric.id, metric.name, metric.name_zh, *metric.aliases):
                if name:
                    names.setdefault(fold(name), set()).add(metric.id)
        return names


_TICKER = re.compile(r"^\d{3,6}\.[A-Za-z]{1,3}$")
_ASPECT = re.compile(r"^[ab]\d{1,2}$")  # an HKEX aspect, folded: a1, b5
_STANDARD = re.compile(r"^(gri)?\d{3}$")  # a GRI topic standard, folded: gri305, 305


def _resolve(kind: str, wanted: str, names: dict[str, set[str]], ids: list[str]) -> str:
    matches = names.get(fold(wanted), set())
    if len(matches) == 1:
        return next(iter(matches))
    if len(matches) > 1:
        raise NotFoundError(kind, wanted, ids, sorted(matches), ambiguous=True)
    command = "esgcmp companies" if kind == "company" else "esgcmp metrics"
    if kind == "company" and _TICKER.match(wanted.strip()):
        # a ticker one digit away from another is another company, never a misspelling
        tickers = sorted(n.upper() for n in names if _TICKER.match(n))
        raise NotFoundError(kind, wanted, ids, [], hint=(
            f"no company in the catalog is listed under that ticker (tickers: "
            f"{', '.join(tickers) or 'none'}); see '{command}'"))
    close = difflib.get_close_matches(fold(wanted), list(names), n=3, cutoff=0.6)
    suggestions = sorted({i for name in close for i in names[name]})
    raise NotFoundError(kind, wanted, ids, suggestions, hint=f"see '{command}'")


# ---- reading ------------------------------------------------------------------------

MAX_FILE_BYTES = 512 * 2**20  # a catalog file; split a larger catalog into several


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


Progress = Callable[[int, int, str], None]  # (files done, files, file)


def load(paths: list[Path], store: Store | None = None,
         progress: Progress | None = None) -> Catalog:
    """The catalog of these files, in layering order: from the store's units of the files
    that are unchanged, the others read, validated and kept (with a store), or every file
    read and validated (without one)."""
    if store is not None and store.usable():
        with no_collection():
            return _load_units(paths, store, progress)
    contents = [(str(path), read_catalog_bytes(path)) for path in paths]
    return _catalog(_build(contents, progress))


def _catalog(parts: Parts) -> Catalog:
    return Catalog(metrics=parts.metrics, companies=parts.companies, sources=parts.sources,
                   files=tuple(parts.files), values=parts.shards)


def load_files(paths: Iterable[Path]) -> Catalog:
    """Read, validate and normalise the catalog files, in order, keeping nothing."""
    return load(list(paths))


def _build(contents: list[tuple[str, bytes]], progress: Progress | None) -> Parts:
    """Every file read and validated in order, in this process (parsed on every core when
    the files are large)."""
    from .reader import Reader  # (and pint) only when files are read

    parts = Parts()
    with no_collection():
        documents = _documents(contents)
        for number, ((file, raw), document) in enumerate(zip(contents, documents)):
            if progress is not None:
                progress(number, len(contents), file)
            try:
                Reader(parts, file).read(document)
            except CatalogError as exc:
                raise _placed(exc, raw) from None
    if progress is not None:
        progress(len(contents), len(contents), "")
    check_references(parts)
    return parts


def check_references(parts: Parts) -> None:
    """Metrics named by other metrics, and company parents, must exist."""
    for metric in parts.metrics.values():
        for other in metric.parts + (metric.ratio_of or ()):
            if other not in parts.metrics:
                close = difflib.get_close_matches(other, list(parts.metrics), n=1)
                raise CatalogError(f"metric '{metric.id}' refers to unknown metric '{other}'",
                                   file=metric.origin.file, line=metric.origin.line,
                                   fix=f"did you mean '{close[0]}'?" if close else "")
    for company in parts.companies.values():
        if company.parent and company.parent not in parts.companies:
            raise CatalogError(f"company '{company.id}': unknown parent '{company.parent}'",
                               file=company.origin.file, line=company.origin.line)


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
            if metric_id in parts.metrics:
                raise _Conflict(metric_id)
            parts.metrics[metric_id] = metric
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
        for company_id in unit.header["uses"]["companies"]:
            for earlier in self.holders.get(company_id, ()):
                for metric_id in set(unit.with_values()) & set(earlier.with_values()):
                    mine = unit.years(metric_id).get(company_id)
                    if mine and not set(mine).isdisjoint(
                            earlier.years(metric_id).get(company_id, ())):
                        raise _Conflict(company_id)
        for company_id in [*companies, *unit.header["uses"]["companies"]]:
            self.holders.setdefault(company_id, []).append(unit)
        parts.files.append(unit.file)
        self.units.append(unit)


def _deps(env: Parts, uses: dict[str, list[str]]) -> str | None:
    """A digest of what a file takes from the files before it (``uses``: the metrics of
    its values that it does not define, the companies it adds to), as those files define
    it now; None when one of them is not defined."""
    from .store import Store

    if any(m not in env.metrics for m in uses["metrics"]) or any(
            c not in env.companies for c in uses["companies"]):
        return None
    text = repr(([_metric_text(env.metrics[m]) for m in uses["metrics"]],
                 [(c, sorted(env.sources.get(c, {}))) for c in uses["companies"]]))
    return Store.digest(text.encode())


@lru_cache(maxsize=4096)
def _metric_text(metric: Metric) -> str:
    """A metric's definition as text (each file of a large catalog uses most metrics)."""
    from .store import codec

    return repr(codec(Metric).encode(metric))


def _read_unit(raw: bytes, file: str, digest: str,
               env: Parts) -> tuple[dict[str, Any], bytes]:
    """One file parsed and validated as it would be after the files ``env`` holds: what
    it defines and gives, as a unit (esgcmp.store.encode_unit)."""
    from .reader import Reader
    from .store import codec, encode_unit

    document = parse_catalog_text(raw, file)
    seeded = Parts(metrics=dict(env.metrics), companies=dict(env.companies),
                   sources={c: dict(s) for c, s in env.sources.items()})
    try:
        Reader(seeded, file, rows=codec(Observation)).read(document)
    except CatalogError as exc:
        raise _placed(exc, raw) from None
    mentioned = list(document.get("companies") or ())
    del document
    own = Parts(
        metrics={k: v for k, v in seeded.metrics.items() if k not in env.metrics},
        companies={k: v for k, v in seeded.companies.items() if k not in env.companies},
        sources={c: {k: v for k, v in seeded.sources[c].items()
                     if k not in env.sources.get(c, {})} for c in mentioned},
        shards=seeded.shards)
    uses = {"metrics": sorted({m for m in own.shards if m not in own.metrics}),
            "companies": [c for c in mentioned if c not in own.companies]}
    return encode_unit(own, digest, uses, _deps(env, uses) or "")


def _load_units(paths: list[Path], store: Store, progress: Progress | None) -> Catalog:
    from .store import memory_unit

    files = [str(path) for path in paths]
    entry = store.entry(paths)
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
        digest = entry.unchanged(number)
        if digest is None:
            read(number)
        units.append(entry.unit(number, file))
    todo = {n: read(n) for n, unit in enumerate(units) if unit is None}
    pool = (_UnitPool(files, todo, [known[2] for known in entry.known])
            if _parallel(todo) else None)
    merged = _Merged()
    try:
        for number, file in enumerate(files):
            if progress is not None and todo:
                progress(number, len(files), file)
            unit = units[number]
            if unit is not None and (_deps(merged.parts, unit.header["uses"])
                                     != unit.header["deps"]):
                unit = None  # what it takes from earlier files changed
            if unit is None:
                built = pool.take(number, merged.parts) if pool is not None else None
                if built is None or _deps(merged.parts, built[0]["uses"]) != built[0]["deps"]:
                    raw = read(number)
                    built = _read_unit(raw, file, entry.known[number][2], merged.parts)
                unit = memory_unit(*built, file)
                entry.keep_unit(number, *built)
            try:
                merged.add(unit)
            except _Conflict:
                return _catalog(_build([(f, read(n)) for n, f in enumerate(files)], None))
            if pool is not None:
                pool.merged(number, merged.parts)
    finally:
        if pool is not None:
            pool.close()
    if progress is not None and todo:
        progress(len(files), len(files), "")
    entry.save()
    parts = merged.parts
    check_references(parts)

    def rebuild() -> dict[str, Shard]:
        return _build([(str(p), read_catalog_bytes(p)) for p in paths], None).shards

    from .store import StoredValues

    parts.shards = StoredValues(merged.units, parts.sources, rebuild)  # type: ignore[assignment]
    return _catalog(parts)


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


PARALLEL_BYTES = 4_000_000  # below this, starting worker processes costs more than it saves


def _parallel(todo: dict[int, bytes]) -> bool:
    cores = os.cpu_count() or 1
    return cores >= 2 and len(todo) >= 2 and sum(map(len, todo.values())) >= PARALLEL_BYTES


def _parse_worker(raw: bytes, file: str) -> Any:
    """Parse one file in a worker process. It parses the very bytes read (never the file
    again, which may have changed since). Errors come back as values so that the first
    failing file, in order, is the one reported."""
    try:
        return parse_catalog_text(raw, file)
    except CatalogError as exc:
        return ("error", exc.message, exc.file, exc.line, exc.fix)


def _documents(contents: list[tuple[str, bytes]]) -> Iterator[Any]:
    """Each file's parsed document, in order, one at a time (so that a large catalog is
    never held in memory as YAML trees all at once), parsed on every core when the files
    are large enough for that to pay."""
    todo = dict(enumerate(raw for _file, raw in contents))
    pool = _Pool(contents, set(todo), os.cpu_count() or 1) if _parallel(todo) else None
    try:
        for number, (file, raw) in enumerate(contents):
            yield pool.take(number) if pool is not None else parse_catalog_text(raw, file)
    finally:
        if pool is not None:
            pool.close()


def _worker_start() -> None:
    """A worker leaves Ctrl-C to the main process, which stops the workers and says
    ``interrupted`` once (instead of every worker printing a traceback); it collects no
    garbage (what it builds is acyclic)."""
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()


class _Workers:
    """Worker processes working ahead of the main process, with at most two jobs a core
    waiting (their results are held in memory)."""

    def __init__(self, todo: Iterable[int], cores: int) -> None:
        import multiprocessing

        # How the work is spread (start method, workers, look-ahead, shutdown) decides
        # speed and memory, never an answer: those lines are left out of mutation testing.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)  # pragma: no mutate
        self.waiting = sorted(todo)
        self.window = 2 * cores  # pragma: no mutate  (jobs waiting: bounds memory)
        self.results: dict[int, Any] = {}
        self.pool = context.Pool(min(cores, len(self.waiting)), initializer=_worker_start)  # pragma: no mutate

    def close(self) -> None:
        """Stop the workers: at once when the run ended early (an error, Ctrl-C)."""
        if self.waiting or self.results:  # pragma: no mutate
            self.pool.terminate()
        else:
            self.pool.close()
        self.pool.join()  # pragma: no mutate


class _Pool(_Workers):
    """Worker processes parsing files ahead of the reader."""

    def __init__(self, contents: list[tuple[str, bytes]], todo: set[int], cores: int) -> None:
        super().__init__(todo, cores)
        self.contents = contents
        self._submit()

    def _submit(self) -> None:
        while self.waiting and len(self.results) < self.window:  # pragma: no mutate
            number = self.waiting.pop(0)
            file, raw = self.contents[number]
            self.results[number] = self.pool.apply_async(_parse_worker, (raw, file))

    def take(self, number: int) -> Any:
        """The parsed document of file ``number`` (files are taken in order)."""
        self._submit()
        document = self.results.pop(number).get()
        self._submit()
        if isinstance(document, tuple) and document and document[0] == "error":
            raise CatalogError(document[1], file=document[2], line=document[3], fix=document[4])
        return document


def _unit_worker(raw: bytes, file: str, digest: str,
                 outline: tuple[Any, ...]) -> tuple[dict[str, Any], bytes] | None:
    """One file's unit, built in a worker process after the files ``outline`` names (None
    when that fails: the main process builds it again, after every file before it, and
    reports what is wrong)."""
    try:
        return _read_unit(raw, file, digest, _from_outline(outline))
    except CatalogError:
        return None


_ELSEWHERE = Origin("", None)


def _outline(env: Parts) -> tuple[Any, ...]:
    """What a file needs of the files before it to be read: their metrics, and the ids of
    their companies and of each company's sources (a unit holds a source as its id; the
    records themselves would cost more to send than the file takes to read)."""
    return dict(env.metrics), list(env.companies), {c: list(s) for c, s in env.sources.items()}


def _from_outline(outline: tuple[Any, ...]) -> Parts:
    metrics, companies, sources = outline
    known = Company("", "", _ELSEWHERE)  # defined in an earlier file
    return Parts(metrics=metrics, companies=dict.fromkeys(companies, known),
                 sources={c: {s: Source(s, "", _ELSEWHERE) for s in ids}
                          for c, ids in sources.items()})


def _may_define_metrics(raw: bytes) -> bool:
    """Whether a file may define metrics (a top-level ``metrics`` key, or a document in
    flow style): the files after it wait for it, as their values need the definitions. A
    file this misses is built again if what it used was not yet known."""
    return any(raw.startswith(start) or b"\n" + start in raw  # pragma: no mutate
               for start in (b"metrics", b"{"))  # pragma: no mutate  (only when, not what)


class _UnitPool(_Workers):
    """Worker processes building the units of files ahead of the main process, each after
    the files merged so far; a file waits for every earlier one that may define metrics.
    Whatever a worker returns is checked against the files merged before it is used, so
    the scheduling decides speed, never an answer: it is left out of mutation testing."""

    def __init__(self, files: list[str], raws: dict[int, bytes], digests: list[str]) -> None:
        super().__init__(raws, os.cpu_count() or 1)  # pragma: no mutate
        self.files = files
        self.raws = raws
        self.digests = digests
        self.defining = [n for n in self.waiting if _may_define_metrics(raws[n])]
        self.done = -1  # pragma: no mutate  (the last file merged)

    def _submit(self, env: Parts) -> None:
        outline = None  # pragma: no mutate  (a copy: sent from another thread, env grows)
        while self.waiting and len(self.results) < self.window:  # pragma: no mutate
            number = self.waiting[0]
            if any(self.done < earlier < number for earlier in self.defining):  # pragma: no mutate
                break  # pragma: no mutate
            self.waiting.pop(0)
            outline = outline or _outline(env)
            self.results[number] = self.pool.apply_async(_unit_worker, (
                self.raws[number], self.files[number], self.digests[number], outline))

    def merged(self, number: int, env: Parts) -> None:
        self.done = number
        self._submit(env)

    def take(self, number: int, env: Parts) -> tuple[dict[str, Any], bytes] | None:
        """The unit of file ``number`` built by a worker, or None (not sent to one, or it
        failed there)."""
        self._submit(env)
        if number not in self.results:
            if number in self.waiting:  # pragma: no mutate
                self.waiting.remove(number)  # pragma: no mutate
            return None
        return self.results.pop(number).get()
