"""Load and validate KPI catalogs into frozen records.

The built-in catalog is layered under user catalogs (``--catalog``, ``ESGCMP_CATALOG``).
A metric or company defined twice, or the same company/metric/year given twice, is an
error naming both places. A company entry without ``name`` in a later file extends the
company of that id (adds sources and KPIs) instead of defining it.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import CatalogError, NotFoundError, UnitError
from .model import (CATEGORIES, FLAGS, Citation, Company, LineDict, Metric, Observation, Origin,
                    Source)
from .names import fold
from .units import conversion, parse_target

SCHEMA_VERSION = 1
ENV_VAR = "ESGCMP_CATALOG"
YEAR_RANGE = (1900, 2100)
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_INF = float("inf")


def builtin_catalog_path() -> Path:
    """The catalog shipped in the wheel, or the top-level file of a source checkout."""
    packaged = resources.files("esgcmp") / "kpi_catalog.yaml"
    if packaged.is_file():
        return Path(str(packaged))
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
        path = Path(name).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.suffix in (".yaml", ".yml") and p.is_file())
            if not files:
                raise CatalogError("directory holds no .yaml catalog files", file=str(path))
            paths += files
        else:
            paths.append(path)
    return paths


def read_catalog_bytes(path: Path) -> bytes:
    """A catalog file's bytes; a missing or unreadable file is an error."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError("catalog file not found", file=str(path),
                           fix="check the path given to --catalog or ESGCMP_CATALOG") from None
    except IsADirectoryError:
        raise CatalogError("is a directory where a catalog file was expected",
                           file=str(path)) from None
    except OSError as exc:
        raise CatalogError(f"cannot read catalog file ({exc.strerror})", file=str(path)) from None


def parse_catalog_text(raw: bytes, file: str) -> LineDict:
    """Decode (UTF-8) and parse one catalog file; empty, non-UTF-8 or non-mapping is an error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(f"not UTF-8 (byte 0x{raw[exc.start]:02x})", file=file,
                           line=line, fix="save the file as UTF-8") from None
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


Shard = dict[str, dict[int, Observation]]  # company -> year -> value, for one metric


@dataclass
class Catalog:
    """Everything the catalog files hold, validated and normalised.

    Values are kept per metric (a shard), so that a query about one metric touches only
    that metric's values; a cached catalog loads shards on first use (``shard_loader``).
    """

    metrics: dict[str, Metric] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    sources: dict[str, dict[str, Source]] = field(default_factory=dict)  # by company
    files: list[str] = field(default_factory=list)
    shards: dict[str, Shard] = field(default_factory=dict)
    shard_loader: Callable[[str], Shard] | None = None
    stored_shards: frozenset[str] = frozenset()  # metrics the loader can still provide
    _flat: dict[tuple[str, str, int], Observation] | None = None

    def add(self, observation: Observation) -> None:
        shard = self.shards.setdefault(observation.metric, {})
        shard.setdefault(observation.company, {})[observation.year] = observation
        self._flat = None

    def shard(self, metric: str) -> Shard:
        found = self.shards.get(metric)
        if found is None and self.shard_loader is not None and metric in self.stored_shards:
            found = self.shards[metric] = self.shard_loader(metric)
        return found if found is not None else {}

    def metrics_with_values(self) -> list[str]:
        return sorted(set(self.shards) | set(self.stored_shards))

    # --- queries -------------------------------------------------------------------
    def get(self, company: str, metric: str, year: int) -> Observation | None:
        return self.shard(metric).get(company, {}).get(year)

    @property
    def observations(self) -> dict[tuple[str, str, int], Observation]:
        """Every value, keyed (company, metric, year); loads every shard."""
        if self._flat is None:
            self._flat = {(c, m, y): obs for m in self.metrics_with_values()
                          for c, years in self.shard(m).items() for y, obs in years.items()}
        return self._flat

    def series(self, company: str, metric: str) -> dict[int, Observation]:
        return dict(sorted(self.shard(metric).get(company, {}).items()))

    def for_company_year(self, company: str, year: int) -> list[Observation]:
        return [obs for m in self.metrics_with_values()
                if (obs := self.shard(m).get(company, {}).get(year)) is not None]

    def years(self, company: str | None = None, metric: str | None = None) -> list[int]:
        metrics = [metric] if metric is not None else self.metrics_with_values()
        years: set[int] = set()
        for metric_id in metrics:
            shard = self.shard(metric_id)
            for company_id in ([company] if company is not None else list(shard)):
                years.update(shard.get(company_id, {}))
        return sorted(years)

    def companies_reporting(self, metric: str) -> list[str]:
        return sorted(c for c, years in self.shard(metric).items() if years)

    # --- name resolution -------------------------------------------------------------
    def resolve_company(self, wanted: str) -> Company:
        names: dict[str, set[str]] = {}
        for company in self.companies.values():
            for name in (company.id, company.name, company.name_zh, *company.aliases):
                if name:
                    names.setdefault(fold(name), set()).add(company.id)
        return self.companies[_resolve("company", wanted, names, sorted(self.companies))]

    def resolve_metrics(self, wanted: str) -> list[Metric]:
        """A metric by name, or every metric tagged with a framework code (A1.2, 305-1)."""
        code = fold(wanted)
        tagged = [m for m in self.metrics.values()
                  if code in {fold(c) for c in re.split(r"[;,]\s*", m.hkex) + re.split(
                      r"[;,]\s*", m.gri) if c}
                  or code in {fold("gri " + c) for c in re.split(r"[;,]\s*", m.gri) if c}]
        if tagged and not any(fold(n) == code for m in self.metrics.values()
                              for n in (m.id, m.name, m.name_zh, *m.aliases) if n):
            return tagged
        return [self.resolve_metric(wanted)]

    def resolve_metric(self, wanted: str) -> Metric:
        names: dict[str, set[str]] = {}
        for metric in self.metrics.values():
            for name in (metric.id, metric.name, metric.name_zh, *metric.aliases):
                if name:
                    names.setdefault(fold(name), set()).add(metric.id)
        return self.metrics[_resolve("metric", wanted, names, list(self.metrics))]


def _resolve(kind: str, wanted: str, names: dict[str, set[str]], ids: list[str]) -> str:
    matches = names.get(fold(wanted), set())
    if len(matches) == 1:
        return next(iter(matches))
    if len(matches) > 1:
        raise NotFoundError(kind, wanted, ids, sorted(matches), ambiguous=True)
    close = difflib.get_close_matches(fold(wanted), list(names), n=3, cutoff=0.6)
    suggestions = sorted({i for name in close for i in names[name]})
    command = "esgcmp companies" if kind == "company" else "esgcmp metrics"
    raise NotFoundError(kind, wanted, ids, suggestions, hint=f"see '{command}'")


# ---- loading ------------------------------------------------------------------------

class _Reader:
    """Validates one parsed catalog file into the shared Catalog."""

    def __init__(self, catalog: Catalog, file: str) -> None:
        self.catalog = catalog
        self.file = file

    def error(self, message: str, node: Any = None, line: int | None = None,
              fix: str = "") -> CatalogError:
        if line is None and isinstance(node, LineDict):
            line = node.line
        return CatalogError(message, file=self.file, line=line, fix=fix)

    def origin(self, node: Any) -> Origin:
        return Origin(self.file, node.line if isinstance(node, LineDict) else None)

    def mapping(self, value: Any, what: str, parent: Any) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.error(f"{what} must be a mapping, not {_type_name(value)}", parent)
        return value

    def text(self, node: LineDict, key: str, what: str, required: bool = False) -> str:
        value = node.get(key)
        if value is None:
            if required:
                raise self.error(f"{what}: '{key}' is required", node)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(f"{what}: '{key}' must be text, not {_type_name(value)}", node)
        return str(value)

    def string_list(self, node: LineDict, key: str, what: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.error(f"{what}: '{key}' must be a list of text", node)
        return tuple(str(v) for v in value)

    def check_id(self, key: Any, what: str, node: Any) -> str:
        if not isinstance(key, str) or not _ID.match(key):
            raise self.error(f"{what} id {key!r} must be lower-case letters, digits, '-', '_' or '.'",
                             node)
        return key

    # --- document ----------------------------------------------------------------------
    def read(self, document: LineDict) -> None:
        schema = document.get("schema")
        if schema != SCHEMA_VERSION:
            raise self.error(f"unsupported schema {schema!r}; this esgcmp reads schema "
                             f"{SCHEMA_VERSION}", document, fix="put 'schema: 1' at the top")
        unknown = set(document) - {"schema", "metrics", "companies"}
        if unknown:
            raise self.error(f"unknown top-level key '{sorted(map(str, unknown))[0]}'", document,
                             fix="a catalog holds 'schema', 'metrics' and 'companies'")
        metrics = document.get("metrics") or LineDict()
        for metric_id, node in self.mapping(metrics, "'metrics'", document).items():
            self.read_metric(metric_id, node, metrics)
        companies = document.get("companies") or LineDict()
        for company_id, node in self.mapping(companies, "'companies'", document).items():
            self.read_company(company_id, node, companies)

    def read_metric(self, metric_id: Any, node: Any, parent: LineDict) -> None:
        metric_id = self.check_id(metric_id, "metric", parent)
        node = self.mapping(node, f"metric '{metric_id}'", parent)
        what = f"metric '{metric_id}'"
        if metric_id in self.catalog.metrics:
            first = self.catalog.metrics[metric_id].origin
            raise self.error(f"metric '{metric_id}' is defined twice (first at {first})", node)
        category = self.text(node, "category", what, required=True)
        if category not in CATEGORIES:
            raise self.error(f"{what}: category '{category}' is not one of "
                             f"{', '.join(CATEGORIES)}", node)
        unit = self.text(node, "unit", what, required=True)
        try:
            parse_target(unit)
        except UnitError as exc:
            raise self.error(f"{what}: {exc}", node) from None
        self.catalog.metrics[metric_id] = Metric(
            id=metric_id, name=self.text(node, "name", what, required=True), unit=unit,
            category=category, origin=self.origin(node),
            name_zh=self.text(node, "name_zh", what), hkex=self.text(node, "hkex", what),
            gri=self.text(node, "gri", what), description=self.text(node, "description", what),
            aliases=self.string_list(node, "aliases", what), signed=node.get("signed") is True,
            parts=self.string_list(node, "parts", what), ratio_of=self._ratio_of(node, what))

    def _ratio_of(self, node: LineDict, what: str) -> tuple[str, str] | None:
        pair = self.string_list(node, "ratio_of", what)
        if not pair:
            return None
        if len(pair) != 2:
            raise self.error(f"{what}: 'ratio_of' must name two metrics, [numerator, "
                             "denominator]", node)
        return pair[0], pair[1]

    def read_company(self, company_id: Any, node: Any, parent: LineDict) -> None:
        company_id = self.check_id(company_id, "company", parent)
        node = self.mapping(node, f"company '{company_id}'", parent)
        what = f"company '{company_id}'"
        existing = self.catalog.companies.get(company_id)
        if "name" in node:
            if existing is not None:
                raise self.error(f"company '{company_id}' is defined twice (first at "
                                 f"{existing.origin})", node,
                                 fix="to add data to it, leave out 'name' in this file")
            self.catalog.companies[company_id] = Company(
                id=company_id, name=self.text(node, "name", what, required=True),
                origin=self.origin(node), name_zh=self.text(node, "name_zh", what),
                aliases=self.string_list(node, "aliases", what),
                parent=self.text(node, "parent", what), entity=self.text(node, "entity", what))
        elif existing is None:
            raise self.error(f"company '{company_id}' has no 'name' and is not defined in an "
                             "earlier catalog", node, fix="add 'name:' to define it")
        sources = self._sources(company_id, node)
        kpis = node.get("kpis") or []
        if not isinstance(kpis, list):
            raise self.error(f"{what}: 'kpis' must be a list, not {_type_name(kpis)}", node)
        for entry in kpis:
            self.read_kpi(company_id, self.mapping(entry, f"{what}: each kpi", node), sources)

    def _sources(self, company_id: str, node: LineDict) -> dict[str, Source]:
        known = self.catalog.sources.setdefault(company_id, {})
        raw = node.get("sources") or LineDict()
        for source_id, spec in self.mapping(raw, f"company '{company_id}': 'sources'", node).items():
            source_id = self.check_id(source_id, "source", raw)
            spec = self.mapping(spec, f"source '{source_id}'", raw)
            if source_id in known:
                raise self.error(f"source '{source_id}' of '{company_id}' is defined twice "
                                 f"(first at {known[source_id].origin})", spec)
            what = f"source '{source_id}'"
            known[source_id] = Source(id=source_id, file=self.text(spec, "file", what, True),
                                      origin=self.origin(spec),
                                      title=self.text(spec, "title", what),
                                      language=self.text(spec, "language", what))
        return known

    # --- values ------------------------------------------------------------------------
    def read_kpi(self, company_id: str, entry: LineDict, sources: dict[str, Source]) -> None:
        metric_id = entry.get("metric")
        if metric_id is None:
            raise self.error("kpi: 'metric' is required", entry)
        metric = self.catalog.metrics.get(metric_id) if isinstance(metric_id, str) else None
        if metric is None:
            close = difflib.get_close_matches(str(metric_id), list(self.catalog.metrics), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "define it under 'metrics'"
            raise self.error(f"kpi: unknown metric '{metric_id}'", entry, fix=hint)
        what = f"kpi '{metric_id}'"
        unit = self.text(entry, "unit", what, required=True)
        try:
            convert = conversion(unit, metric.unit)
        except UnitError as exc:
            raise self.error(f"{what}: {exc.message}", entry, fix=exc.fix) from None
        source, line = self._citation_place(entry, sources, what)
        label = self.text(entry, "label", what)
        entry_flags = self._flags(entry, what)
        notes = self.text(entry, "notes", what) or self.text(entry, "note", what)
        also = self._also(entry, sources, metric, what)
        values = entry.get("values")
        if not isinstance(values, LineDict) or not values:
            raise self.error(f"{what}: 'values' must be a mapping of year: value, "
                             f"not {_type_name(values)}", entry,
                             fix="e.g. values: {2019: 13.2, 2020: 14.23}")
        origin = Origin(self.file, values.line)
        by_year = self.catalog.shards.setdefault(metric_id, {}).setdefault(company_id, {})
        self.catalog._flat = None
        for year, raw in values.items():
            year = self._year(year, values, what)
            if type(raw) is float or type(raw) is int:  # the common case, checked cheaply
                if raw != raw or raw in (_INF, -_INF):
                    raise self.error(f"{what} {year}: value {raw} is not a finite number", values)
                number: Decimal = Decimal(repr(raw)) if type(raw) is float else Decimal(raw)
                printed, flags, note = None, entry_flags, ""
            else:
                number, printed, value_flags, note = self._value(raw, values, f"{what} {year}")
                flags = tuple(dict.fromkeys(entry_flags + value_flags))
            if number < 0 and not metric.signed:
                raise self.error(f"{what} {year}: negative value {number} for a metric that "
                                 "cannot be negative", values,
                                 fix=f"set 'signed: true' on metric '{metric_id}' if it can be")
            cited: tuple[Citation, ...] = ()
            if also:
                normalized = number * convert.factor
                cited = tuple(c for y, c in also if y is None or y == year)
                if any(c.normalized is not None and c.normalized != normalized for c in cited):
                    flags += ("sources_disagree",)
            first = by_year.get(year)
            if first is not None:
                raise self.error(f"{company_id} {metric_id} {year} is given twice (first at "
                                 f"{first.origin})", values)
            by_year[year] = Observation(
                company_id, metric_id, year, number, unit, label, source, line, convert.factor,
                origin, printed, flags, f"{notes}; {note}" if notes and note else notes or note,
                convert.note, cited)

    def _citation_place(self, node: LineDict, sources: dict[str, Source],
                        what: str) -> tuple[Source, int]:
        source_id = node.get("source")
        if source_id not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise self.error(f"{what}: unknown source {source_id!r} (this company's sources: "
                             f"{known})", node)
        line = node.get("line")
        if isinstance(line, bool) or not isinstance(line, int) or line < 1:
            raise self.error(f"{what}: 'line' must be a positive whole number (the line in the "
                             f"source file), not {line!r}", node)
        return sources[source_id], line

    def _also(self, entry: LineDict, sources: dict[str, Source], metric: Metric,
              what: str) -> list[tuple[int | None, Citation]]:
        """Other places the same figure is printed, as (year or None, citation)."""
        raw = entry.get("also") or []
        if not isinstance(raw, list):
            raise self.error(f"{what}: 'also' must be a list", entry)
        citations: list[tuple[int | None, Citation]] = []
        for item in raw:
            item = self.mapping(item, f"{what}: each 'also'", entry)
            source, line = self._citation_place(item, sources, f"{what} also")
            label = self.text(item, "label", what)
            unit = self.text(item, "unit", what) or self.text(entry, "unit", what)
            try:
                factor = conversion(unit, metric.unit).factor
            except UnitError as exc:
                raise self.error(f"{what} also: {exc.message}", item, fix=exc.fix) from None
            values = item.get("values") or LineDict()
            if not isinstance(values, LineDict):
                raise self.error(f"{what}: 'also' values must be a mapping of year: value", item)
            if not values:
                citations.append((None, Citation(source, line, label, unit, None)))
            for year, raw_value in values.items():
                year = self._year(year, values, what)
                number, printed, _flags, _note = self._value(raw_value, values, f"{what} {year}")
                citations.append((year, Citation(source, line, label, unit, number, printed,
                                                 number * factor)))
        return citations

    def _year(self, year: Any, node: LineDict, what: str) -> int:
        if isinstance(year, bool) or not isinstance(year, int):
            raise self.error(f"{what}: year {year!r} must be a whole number such as 2020", node)
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise self.error(f"{what}: year {year} is outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}",
                             node)
        return year

    def _value(self, raw: Any, node: LineDict,
               what: str) -> tuple[Decimal, str | None, tuple[str, ...], str]:
        printed, flags, note = None, (), ""
        if isinstance(raw, LineDict):
            node = raw
            printed = self.text(raw, "printed", what) or None
            flags = self._flags(raw, what)
            note = self.text(raw, "note", what) or self.text(raw, "notes", what)
            raw = raw.get("value")
        if raw is None:
            raise self.error(f"{what}: no value (a '—' in a report means not disclosed: leave "
                             "the year out)", node)
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise self.error(f"{what}: value {raw!r} is not a number", node,
                             fix="write the number without units or thousands separators")
        if isinstance(raw, float) and not math.isfinite(raw):
            raise self.error(f"{what}: value {raw} is not a finite number", node)
        return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw), printed, flags, note

    def _flags(self, node: LineDict, what: str) -> tuple[str, ...]:
        flags = list(self.string_list(node, "flags", what))
        if node.get("approx") is True:
            flags.append("approx")
        elif "approx" in node and not isinstance(node.get("approx"), bool):
            raise self.error(f"{what}: 'approx' must be true or false", node)
        for flag in flags:
            if flag not in FLAGS or flag in ("derived", "implied", "sources_disagree"):
                raise self.error(f"{what}: unknown flag '{flag}'", node,
                                 fix="flags: approx, restated, not_comparable, scope, misprint, "
                                     "artefact, estimated")
        return tuple(dict.fromkeys(flags))


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", LineDict: "a mapping", list: "a list", str: "text",
            int: "a number", float: "a number", bool: "true/false"}.get(type(value),
                                                                      type(value).__name__)


def load_catalog(paths: Iterable[Path]) -> Catalog:
    """Read, validate and normalise the catalog files, in order."""
    return build_catalog((str(path), parse_catalog_text(read_catalog_bytes(path), str(path)))
                         for path in paths)


def build_catalog(documents: Iterable[tuple[str, LineDict]],
                  progress: Callable[[int, str], None] | None = None) -> Catalog:
    """Validate and normalise parsed catalog files, in layering order."""
    catalog = Catalog()
    for number, (file, document) in enumerate(documents):
        if progress is not None:
            progress(number, file)
        _Reader(catalog, file).read(document)
        catalog.files.append(file)
    check_references(catalog)
    return catalog


def check_references(catalog: Catalog) -> None:
    """Metrics named by other metrics, and company parents, must exist."""
    for metric in catalog.metrics.values():
        for other in metric.parts + (metric.ratio_of or ()):
            if other not in catalog.metrics:
                raise CatalogError(f"metric '{metric.id}' refers to unknown metric '{other}'",
                                   file=metric.origin.file, line=metric.origin.line)
    for company in catalog.companies.values():
        if company.parent and company.parent not in catalog.companies:
            raise CatalogError(f"company '{company.id}': unknown parent '{company.parent}'",
                               file=company.origin.file, line=company.origin.line)
