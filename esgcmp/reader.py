"""Validate parsed catalog files against the schema and turn them into records.

Each mapping may hold only the keys esgcmp/schema.py lists for its level; anything else
is an error with the file, the line and the closest allowed key. Values are normalised to
their metric's unit here, once, as they are read.
"""

from __future__ import annotations

import difflib
import math
import re
from decimal import Decimal
from typing import Any

import msgspec

from . import schema
from .decimals import LIMITS, entered
from .errors import CatalogError, UnitError
from .model import (CATEGORIES, COMPUTED_FLAGS, FLAGS, Citation, Company, Explanation,
                    Group, LineDict, Metric, Observation, Origin, Parts, Shared, Source,
                    Stated, basis_of)

# An aspect of a basis as read: its text, and where the report states it (None: uncited).
Aspects = dict[str, tuple[str, Stated | None]]
from .precision import printed_range
from .units import (Conversion, InOtherCurrency, conversion, in_other_currency, is_density,
                    parse_target)

SCHEMA_VERSION = 1
YEAR_RANGE = (1900, 2100)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")

class Reader:
    """Validates one parsed catalog file into the shared Parts."""

    def __init__(self, parts: Parts, file: str) -> None:
        self.parts = parts
        self.file = file
        # the companies ``shared_with:`` names, each with its mapping: known once the file
        # is read (a company may share a figure with one defined further down)
        self.sharers: list[tuple[str, LineDict]] = []

    def error(self, message: str, node: Any = None, line: int | None = None,
              fix: str = "", key: str | None = None) -> CatalogError:
        if line is None and isinstance(node, LineDict):
            line = node.line
        return CatalogError(message, file=self.file, line=line, fix=fix, key=key)

    def origin(self, node: Any) -> Origin:
        return Origin(self.file, node.line if isinstance(node, LineDict) else None)

    def mapping(self, value: Any, what: str, parent: Any, level: str | None = None) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.error(f"{what} must be a mapping, not {_type_name(value)}", parent)
        if level is not None:
            self.known_keys(value, level, what)
        return value

    def known_keys(self, node: LineDict, level: str, what: str) -> None:
        unknown = schema.unknown_keys(node, level)
        if unknown:
            key = unknown[0]
            raise self.error(f"{what}: unknown key {_quoted(key)}", node,
                             fix=schema.suggestion(key, level), key=str(key))

    def text(self, node: LineDict, key: str, what: str, required: bool = False) -> str:
        value = node.get(key)
        if value is None:
            if required:
                raise self.error(f"{what}: '{key}' is required", node)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(f"{what}: '{key}' must be text, not {_type_name(value)}", node,
                             key=key)
        return str(value)

    def string_list(self, node: LineDict, key: str, what: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.error(f"{what}: '{key}' must be a list of text", node, key=key)
        return tuple(str(v) for v in value)

    def codes(self, node: LineDict, key: str, what: str) -> tuple[str, ...]:
        """Framework codes: one code, or a list of them; never codes joined in one text."""
        codes = self.string_list(node, key, what)
        for code in codes:
            if not _CODE.match(code):
                raise self.error(f"{what}: '{key}' code {code!r} is not one code", node,
                                 fix=f"write a list, e.g. {key}: [\"305-1\", \"305-2\"]", key=key)
        return codes

    def check_id(self, key: Any, what: str, node: Any) -> str:
        if not isinstance(key, str) or not schema.ID.match(key):
            raise self.error(f"{what} id {key!r} must be lower-case letters, digits, '-', '_' or '.'",
                             node)
        return key

    # --- document ----------------------------------------------------------------------
    def read(self, document: LineDict) -> None:
        schema_version = document.get("schema")
        if schema_version != SCHEMA_VERSION:
            raise self.error(f"unsupported schema {schema_version!r}; this esgcmp reads schema "
                             f"{SCHEMA_VERSION}", document, fix="put 'schema: 1' at the top")
        self.known_keys(document, "document", "catalog")
        metrics = document.get("metrics") or LineDict()
        for metric_id, node in self.mapping(metrics, "'metrics'", document).items():
            self.read_metric(metric_id, node, metrics)
        companies = document.get("companies") or LineDict()
        for company_id, node in self.mapping(companies, "'companies'", document).items():
            self.read_company(company_id, node, companies)
        groups = document.get("groups") or LineDict()
        for name, members in self.mapping(groups, "'groups'", document).items():
            self.read_group(name, members, groups)
        for company_id, spec in self.sharers:
            if company_id not in self.parts.companies:
                close = difflib.get_close_matches(company_id, list(self.parts.companies), n=1)
                raise self.error(f"shared_with: unknown company '{company_id}'", spec,
                                 key="company", fix=f"did you mean '{close[0]}'?" if close
                                 else "name a company defined in this file or an earlier one")
        self.parts.files.append(self.file)

    def read_group(self, name: Any, members: Any, parent: LineDict) -> None:
        name = self.check_id(name, "group", parent)
        if name in self.parts.groups:
            raise self.error(f"group '{name}' is defined twice (first at "
                             f"{self.parts.groups[name].origin})", parent, key=name)
        if (not isinstance(members, list) or not members
                or not all(isinstance(m, str) and m.strip() for m in members)):
            raise self.error(f"group '{name}' must be a list of companies (ids, names, aliases "
                             "or tickers)", parent, key=name,
                             fix=f"{name}: [china-unicom, china-telecom]")
        # the mapping's line; esgcmp.load puts the group's own line in its place
        self.parts.groups[name] = Group(name, tuple(m.strip() for m in members),
                                        self.origin(parent))

    def read_metric(self, metric_id: Any, node: Any, parent: LineDict) -> None:
        metric_id = self.check_id(metric_id, "metric", parent)
        what = f"metric '{metric_id}'"
        node = self.mapping(node, what, parent, "metric")
        existing = self.parts.metrics.get(metric_id)
        category = self.text(node, "category", what, required=True)
        if category not in CATEGORIES:
            raise self.error(f"{what}: category '{category}' is not one of "
                             f"{', '.join(CATEGORIES)}", node, key="category")
        unit = self.text(node, "unit", what, required=True)
        try:
            parse_target(unit)
        except UnitError as exc:
            raise self.error(f"{what}: {exc}", node, key="unit") from None
        signed = node.get("signed", False)
        if not isinstance(signed, bool):
            raise self.error(f"{what}: 'signed' must be true or false", node, key="signed")
        metric = Metric(
            id=metric_id, name=self.text(node, "name", what, required=True), unit=unit,
            category=category, origin=self.origin(node),
            name_zh=self.text(node, "name_zh", what), hkex=self.codes(node, "hkex", what),
            gri=self.codes(node, "gri", what), description=self.text(node, "description", what),
            aliases=self.string_list(node, "aliases", what), signed=signed,
            parts=self.string_list(node, "parts", what), ratio_of=self._ratio_of(node, what),
            density=self._density(node, what), change_of=self.text(node, "change_of", what))
        if existing is not None:
            # the same definition again (two drafts that each define a metric of esgcmp's
            # vocabulary) is the same metric; any other is a clash
            if msgspec.structs.replace(metric, origin=existing.origin) == existing:
                return
            raise self.error(f"metric '{metric_id}' is defined twice (first at "
                             f"{existing.origin})", parent, key=metric_id)
        self.parts.metrics[metric_id] = metric

    def _density(self, node: LineDict, what: str) -> str:
        """A mass per volume (``1 t/m3``), or ''."""
        density = self.text(node, "density", what)
        if not density:
            return ""
        try:
            mass_per_volume = is_density(density)
        except UnitError as exc:
            raise self.error(f"{what}: 'density': {exc}", node, key="density") from None
        if not mass_per_volume:
            raise self.error(f"{what}: 'density' must be a mass per volume, not '{density}'",
                             node, key="density", fix="e.g. density: 1 t/m3 for water")
        return density

    def _ratio_of(self, node: LineDict, what: str) -> tuple[str, str] | None:
        pair = self.string_list(node, "ratio_of", what)
        if not pair:
            return None
        if len(pair) != 2:
            raise self.error(f"{what}: 'ratio_of' must name two metrics, [numerator, "
                             "denominator]", node, key="ratio_of")
        return pair[0], pair[1]

    def read_company(self, company_id: Any, node: Any, parent: LineDict) -> None:
        company_id = self.check_id(company_id, "company", parent)
        what = f"company '{company_id}'"
        node = self.mapping(node, what, parent, "company")
        existing = self.parts.companies.get(company_id)
        if "name" in node:
            if existing is not None:
                raise self.error(f"company '{company_id}' is defined twice (first at "
                                 f"{existing.origin})", parent, key=company_id,
                                 fix="to add data to it, leave out 'name' in this file")
            sources = self._sources(company_id, node)
            own = self._company_basis(node, what, sources)
            self.parts.companies[company_id] = Company(
                id=company_id, name=self.text(node, "name", what, required=True),
                origin=self.origin(node), name_zh=self.text(node, "name_zh", what),
                aliases=self.string_list(node, "aliases", what),
                parent=self.text(node, "parent", what), entity=self.text(node, "entity", what),
                basis=basis_of({a: text for a, (text, _s) in own.items()}),
                stated=tuple(s for _t, s in own.values() if s is not None))
        elif existing is None:
            raise self.error(f"company '{company_id}' has no 'name' and is not defined in an "
                             "earlier catalog", node, fix="add 'name:' to define it")
        else:
            for key in ("parent", "aliases", "name_zh", "entity", "basis", "not_reported"):
                if key in node:  # they belong to the definition; here they would be lost
                    raise self.error(f"{what}: '{key}' can be given only where the company is "
                                     f"defined ({existing.origin}), not in a file that adds "
                                     "to it", node, key=key,
                                     fix=f"give '{key}' in the company's definition")
            sources = self._sources(company_id, node)
        if "name" in node and node.get("not_reported") is not None:
            company = self.parts.companies[company_id]
            self.parts.companies[company_id] = msgspec.structs.replace(
                company, not_reported=self._not_reported(node, sources, what))
        kpis = node.get("kpis") or []
        if not isinstance(kpis, list):
            raise self.error(f"{what}: 'kpis' must be a list, not {_type_name(kpis)}", node,
                             key="kpis")
        for entry in kpis:
            entry = self.mapping(entry, f"{what}: each kpi", node)
            metric = entry.get("metric")
            self.known_keys(entry, "kpi", f"{what}: kpi '{metric}'" if isinstance(metric, str)
                            else f"{what}: each kpi")
            self.read_kpi(company_id, entry, sources)

    def _not_reported(self, node: LineDict, sources: dict[str, Source],
                      what: str) -> tuple[Explanation, ...]:
        """The metrics the company's report says it does not disclose, each with the
        report's reason, cited like a value."""
        entries = self.mapping(node.get("not_reported"), f"{what}: 'not_reported'", node)
        explained = []
        for metric_id, entry in entries.items():
            where = f"{what}: not_reported '{metric_id}'"
            if metric_id not in self.parts.metrics:
                close = difflib.get_close_matches(str(metric_id), list(self.parts.metrics), n=1)
                raise self.error(f"{where}: unknown metric", entries, key=str(metric_id),
                                 fix=f"did you mean '{close[0]}'?" if close
                                 else "define it under 'metrics'")
            entry = self.mapping(entry, where, entries, "not_reported")
            reason = self.text(entry, "reason", where, required=True)
            source, line, page = self._citation_place(entry, sources, where)
            years = entry.get("years")
            listed = years if isinstance(years, list) else [] if years is None else [years]
            explained.append(Explanation(
                metric_id, reason, source.id, line,
                tuple(sorted({self._year(year, entry, where) for year in listed})), page))
        return tuple(explained)

    def _sources(self, company_id: str, node: LineDict) -> dict[str, Source]:
        known = self.parts.sources.setdefault(company_id, {})
        raw = node.get("sources") or LineDict()
        for source_id, spec in self.mapping(raw, f"company '{company_id}': 'sources'",
                                            node).items():
            source_id = self.check_id(source_id, "source", raw)
            what = f"source '{source_id}'"
            spec = self.mapping(spec, what, raw, "source")
            if source_id in known:
                raise self.error(f"source '{source_id}' of '{company_id}' is defined twice "
                                 f"(first at {known[source_id].origin})", raw, key=source_id)
            known[source_id] = Source(id=source_id, file=self.text(spec, "file", what, True),
                                      origin=self.origin(spec),
                                      title=self.text(spec, "title", what),
                                      short=self.text(spec, "short", what),
                                      language=self.text(spec, "language", what))
        return known

    # --- values ------------------------------------------------------------------------
    def read_kpi(self, company_id: str, entry: LineDict, sources: dict[str, Source]) -> None:
        metric_id = entry.get("metric")
        if metric_id is None:
            raise self.error("kpi: 'metric' is required", entry)
        metric = self.parts.metrics.get(metric_id) if isinstance(metric_id, str) else None
        if metric is None:
            close = difflib.get_close_matches(str(metric_id), list(self.parts.metrics), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "define it under 'metrics'"
            raise self.error(f"kpi: unknown metric '{metric_id}'", entry, fix=hint,
                             key="metric")
        what = f"kpi '{metric_id}'"
        unit = self.text(entry, "unit", what, required=True)
        currency = ""
        try:
            convert = conversion(unit, metric.unit, metric.density)
        except UnitError as exc:
            # an amount in another currency is kept in its own (docs/units.md#currencies)
            other = _in_other_currency(unit, metric.unit)
            if other is None:
                raise self.error(f"{what}: {exc.message}", entry, fix=exc.fix,
                                 key="unit") from None
            convert, currency = Conversion(other.factor), other.currency
        source, line, page = self._citation_place(entry, sources, what)
        label = self.text(entry, "label", what)
        entry_flags = self._flags(entry, what)
        entry_aspects = self._basis(entry, what, sources, source, page)
        entry_shared = self._shared(entry, what, sources, source, page)
        notes = self.text(entry, "notes", what)
        also = self._also(entry, sources, metric, what)
        values = entry.get("values")
        if not isinstance(values, LineDict) or not values:
            raise self.error(f"{what}: 'values' must be a mapping of year: value, "
                             f"not {_type_name(values)}", entry, key="values",
                             fix="e.g. values: {2019: 13.2, 2020: 14.23}")
        origin = Origin(self.file, values.line)
        by_year = self.parts.shards.setdefault(metric_id, {}).setdefault(company_id, {})
        for year, raw in values.items():
            year = self._year(year, values, what)
            if type(raw) is Decimal or type(raw) is int:  # the common case, checked cheaply
                number = entered(raw if type(raw) is Decimal else Decimal(raw))
                if number is None:
                    raise self.error(f"{what} {year}: value {raw} is outside what esgcmp "
                                     f"reads ({LIMITS})", values,
                                     fix="check the number against the report")
                printed, flags, note, aspects = None, entry_flags, "", entry_aspects
                shared = entry_shared
            else:
                number, printed, value_flags, note, value_aspects = self._value(
                    raw, values, f"{what} {year}", (sources, source, page))
                flags = tuple(dict.fromkeys(entry_flags + value_flags))
                aspects = {**entry_aspects, **value_aspects}
                shared = (self._shared(raw, f"{what} {year}", sources, source, page)
                          if isinstance(raw, LineDict) and "shared_with" in raw
                          else entry_shared)
            basis = basis_of({aspect: text for aspect, (text, _s) in aspects.items()})
            stated = tuple(s for _t, s in aspects.values() if s is not None)
            if number < 0 and not metric.signed:
                raise self.error(f"{what} {year}: negative value {number} for a metric that "
                                 "cannot be negative", values,
                                 fix=f"set 'signed: true' on metric '{metric_id}' if it can be")
            cited: tuple[Citation, ...] = ()
            if also:
                cited = tuple(c for y, c, _f in also if y is None or y == year)
                printing = printed_range(number, "approx" in flags, convert.factor)
                # a second printing is mostly prose, which rounds: the zeros that end
                # its whole number count as rounding (RMB120 million for 1.23億)
                if any(c.value is not None and not printing.meets(
                        printed_range(c.value, c.approx or c.value == c.value.to_integral_value(),
                                      factor))
                       for y, c, factor in also if y == year):
                    flags += ("sources_disagree",)
            first = by_year.get(year)
            if first is not None:
                raise self.error(f"{company_id} {metric_id} {year} is given twice (first at "
                                 f"{first.origin})", values)
            by_year[year] = Observation(
                company_id, metric_id, year, number, unit, label, source, line,
                convert.factor, origin, printed, flags,
                f"{notes}; {note}" if notes and note else notes or note, convert.note,
                cited, basis, page, currency, stated, shared)

    def _citation_place(self, node: LineDict, sources: dict[str, Source],
                        what: str) -> tuple[Source, int, int | None]:
        source_id = node.get("source")
        if not isinstance(source_id, str) or source_id not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise self.error(f"{what}: unknown source {source_id!r} (this company's sources: "
                             f"{known})", node, key="source")
        line = node.get("line")
        if line is None:
            raise self.error(f"{what}: 'line' is required (the line in the source file)", node)
        if isinstance(line, bool) or not isinstance(line, int) or line < 1:
            raise self.error(f"{what}: 'line' must be a positive whole number (the line in the "
                             f"source file), not {line!r}", node, key="line")
        page = node.get("page")
        if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
            raise self.error(f"{what}: 'page' must be a positive whole number (the page of the "
                             f"PDF the line is on), not {page!r}", node, key="page")
        return sources[source_id], line, page

    def _also(self, entry: LineDict, sources: dict[str, Source], metric: Metric,
              what: str) -> list[tuple[int | None, Citation, Decimal]]:
        """Other places the same figure is printed, as (year or None, citation, the factor
        from its unit to the metric's)."""
        raw = entry.get("also") or []
        if not isinstance(raw, list):
            raise self.error(f"{what}: 'also' must be a list", entry, key="also")
        citations: list[tuple[int | None, Citation, Decimal]] = []
        for item in raw:
            item = self.mapping(item, f"{what}: each 'also'", entry, "also")
            source, line, page = self._citation_place(item, sources, f"{what} also")
            label = self.text(item, "label", what)
            unit = self.text(item, "unit", what) or self.text(entry, "unit", what)
            try:
                factor = conversion(unit, metric.unit, metric.density).factor
            except UnitError as exc:
                other = _in_other_currency(unit, metric.unit)
                if other is None:
                    raise self.error(f"{what} also: {exc.message}", item, fix=exc.fix,
                                     key="unit") from None
                factor = other.factor
            values = item.get("values") or LineDict()
            if not isinstance(values, LineDict):
                raise self.error(f"{what}: 'also' values must be a mapping of year: value", item)
            approx = "approx" in self._flags(item, f"{what} also")
            notes = self.text(item, "notes", what)
            if not values:
                citations.append((None, Citation(source, line, label, unit, None, approx=approx,
                                                 notes=notes, page=page), factor))
            for year, raw_value in values.items():
                year = self._year(year, values, what)
                number, printed, _flags, _note, _basis = self._value(raw_value, values,
                                                                     f"{what} {year}")
                citations.append((year, Citation(source, line, label, unit, number, printed,
                                                 number * factor, approx, notes, page), factor))
        return citations

    def _year(self, year: Any, node: LineDict, what: str) -> int:
        if isinstance(year, bool) or not isinstance(year, int):
            raise self.error(f"{what}: year {year!r} must be a whole number such as 2020", node)
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise self.error(f"{what}: year {year} is outside {YEAR_RANGE[0]}-{YEAR_RANGE[1]}",
                             node)
        return year

    def _value(self, raw: Any, node: LineDict, what: str,
               cite: tuple[dict[str, Source], Source, int | None] | None = None
               ) -> tuple[Decimal, str | None, tuple[str, ...], str, Aspects]:
        """A value as printed; ``cite`` (the company's sources, the entry's source and
        page) reads the citations of its basis, which only a KPI entry's values have."""
        printed, flags, note, basis = None, (), "", {}
        if isinstance(raw, LineDict):
            self.known_keys(raw, "value", what)
            node = raw
            printed = self.text(raw, "printed", what) or None
            flags = self._flags(raw, what)
            note = self.text(raw, "notes", what)
            if cite is not None:
                basis = self._basis(raw, what, *cite)
            raw = raw.get("value")
        if raw is None:
            raise self.error(f"{what}: no value (a '—' in a report means not disclosed: leave "
                             "the year out)", node)
        if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
            raise self.error(f"{what}: value {raw!r} is not a number", node,
                             fix="write the number without units or thousands separators")
        if isinstance(raw, float):  # what the YAML loader leaves a float: .inf, .nan, 1_0.5
            if not math.isfinite(raw):
                raise self.error(f"{what}: value {raw} is not a finite number", node)
            raw = Decimal(repr(raw))
        number = entered(raw if isinstance(raw, Decimal) else Decimal(raw))
        if number is None:
            raise self.error(f"{what}: value {raw} is outside what esgcmp reads ({LIMITS})",
                             node, fix="check the number against the report")
        return number, printed, flags, note, basis

    def _basis(self, node: LineDict, what: str, sources: dict[str, Source], source: Source,
               page: int | None) -> Aspects:
        """The ``basis:`` mapping of an entry, a year or a company: known aspects, each a
        text (a claim that cites nothing) or a mapping that cites the line stating it
        (``{value: ..., line: ...}``, in the entry's source unless it names another)."""
        raw = node.get("basis")
        if raw is None:
            return {}
        basis = self.mapping(raw, f"{what}: 'basis'", node, "basis")
        aspects: Aspects = {}
        for aspect, spec in basis.items():
            if not isinstance(spec, LineDict):
                aspects[aspect] = (self.text(basis, aspect, f"{what} basis"), None)
                continue
            where = f"{what} basis '{aspect}'"
            self.known_keys(spec, "stated", where)
            text = self.text(spec, "value", where, required=True)
            cited, line, cited_page = self._cited_line(spec, sources, source, page, where)
            aspects[aspect] = (text, (aspect, cited.file, line, cited_page or 0,
                                      self.text(spec, "printed", where) or text))
        return aspects

    def _company_basis(self, node: LineDict, what: str, sources: dict[str, Source]) -> Aspects:
        """A company's own basis: its entity, each aspect citing its source by id."""
        if node.get("basis") is None:
            return {}
        raw = self.mapping(node["basis"], f"{what}: 'basis'", node, "basis")
        for aspect, spec in raw.items():
            if aspect != "entity":
                raise self.error(f"{what}: 'basis' of a company states its 'entity' only, not "
                                 f"{_quoted(aspect)}", raw, key=str(aspect),
                                 fix="state other aspects on the values they apply to")
            if isinstance(spec, LineDict) and "source" not in spec:
                raise self.error(f"{what} basis 'entity': 'source' is required (the source id "
                                 "of the report that states it)", spec)
        return self._basis(node, what, sources, Source("", "", Origin(self.file)), None)

    def _cited_line(self, spec: LineDict, sources: dict[str, Source], source: Source,
                    page: int | None, what: str) -> tuple[Source, int, int | None]:
        """The source, line and page a basis aspect or a shared figure cites: the entry's
        source and page unless ``source`` names another of the company's."""
        if "source" in spec:
            return self._citation_place(spec, sources, what)
        line = spec.get("line")
        if line is None:
            raise self.error(f"{what}: 'line' is required (the line that states it)", spec)
        if isinstance(line, bool) or not isinstance(line, int) or line < 1:
            raise self.error(f"{what}: 'line' must be a positive whole number (the line in the "
                             f"source file), not {line!r}", spec, key="line")
        cited_page = spec.get("page", page)
        if cited_page is not None and (isinstance(cited_page, bool)
                                       or not isinstance(cited_page, int) or cited_page < 1):
            raise self.error(f"{what}: 'page' must be a positive whole number, not "
                             f"{cited_page!r}", spec, key="page")
        return source, line, cited_page

    def _shared(self, node: LineDict, what: str, sources: dict[str, Source], source: Source,
                page: int | None) -> tuple[Shared, ...]:
        """``shared_with:``: the other companies that count the same figure, each citing the
        line that says the figure is shared."""
        raw = node.get("shared_with")
        if raw is None:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        shared: list[Shared] = []
        for item in items:
            spec = self.mapping(item, f"{what}: 'shared_with'", node, "shared_with")
            where = f"{what} shared_with"
            company = self.text(spec, "company", where, required=True)
            self.sharers.append((company, spec))
            printed = self.text(spec, "printed", where, required=True)
            cited, line, cited_page = self._cited_line(spec, sources, source, page, where)
            shared.append((company, cited.file, line, cited_page or 0, printed))
        return tuple(shared)

    def _flags(self, node: LineDict, what: str) -> tuple[str, ...]:
        flags = list(self.string_list(node, "flags", what))
        if node.get("approx") is True:
            flags.append("approx")
        elif "approx" in node and not isinstance(node.get("approx"), bool):
            raise self.error(f"{what}: 'approx' must be true or false", node, key="approx")
        for flag in flags:
            if flag not in FLAGS or flag in COMPUTED_FLAGS:
                settable = [f for f in FLAGS if f not in COMPUTED_FLAGS]
                close = difflib.get_close_matches(flag, settable, n=1)
                raise self.error(f"{what}: unknown flag '{flag}'", node, key="flags",
                                 fix=(f"did you mean '{close[0]}'? " if close else "")
                                 + "flags: " + ", ".join(settable))
        return tuple(dict.fromkeys(flags))


def _quoted(key: Any) -> str:
    return f"'{key}'" if isinstance(key, str) else repr(key)


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", LineDict: "a mapping", list: "a list", str: "text",
            int: "a number", float: "a number", Decimal: "a number",
            bool: "true/false"}.get(type(value),
                                                                      type(value).__name__)


def _in_other_currency(printed: str, target: str) -> InOtherCurrency | None:
    """An amount printed in another currency than the metric's, or None (also when the
    printed unit cannot be read: the conversion's error says why)."""
    try:
        return in_other_currency(printed, target)
    except UnitError:
        return None
