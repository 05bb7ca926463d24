"""The catalog: every company's reported values, validated and normalised, its queries
and the resolution of company and metric names.

A catalog is made only by :func:`esgcmp.load.load`, which reads, parses and validates
the files (or asks the cache for them); this module knows neither YAML nor the cache.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import msgspec
from msgspec import field

from .errors import NotFoundError
from .files import packaged
from .model import Company, Group, Metric, Observation, Shard, Source
from .names import fold

def builtin_catalog_path() -> Path:
    """The catalog shipped in the wheel, or the top-level file of a source checkout."""
    shipped = packaged("kpi_catalog.yaml")
    if shipped.is_file():
        return shipped
    return Path(__file__).resolve().parent.parent / "kpi_catalog.yaml"


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
    groups: dict[str, Group] = field(default_factory=dict)  # peer groups (groups:)

    # --- queries -------------------------------------------------------------------

    def memo(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A fact derived from this frozen catalog, made once: the checks ask the same
        question of a company-year for every finding that reads it."""
        memos = self.__dict__.setdefault("_memos", {})
        if key not in memos:
            memos[key] = make()
        return memos[key]

    def shard(self, metric: str) -> Shard:
        return self.values.get(metric) or {}

    def metrics_with_values(self) -> list[str]:
        return sorted(self.values)

    def get(self, company: str, metric: str, year: int) -> Observation | None:
        held = self.shard(metric).get(company)
        return None if held is None else held.get(year)

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
        """A company by its id, name, Chinese name, alias or ticker; a name several
        companies share is settled as a metric's is (:meth:`resolve_metric`)."""
        if wanted in self.companies:  # an id as written: china_unicom beside china-unicom
            return self.companies[wanted]
        names: dict[str, set[str]] = {}
        for company in self.companies.values():
            for name in (company.id, company.name, company.name_zh, *company.aliases):
                if name:
                    names.setdefault(fold(name), set()).add(company.id)
        chosen = _preferred(wanted, names.get(fold(wanted), set()),
                            lambda company_id: self.companies[company_id].origin.file)
        if chosen is not None:
            return self.companies[chosen]
        return self.companies[_resolve("company", wanted, names, sorted(self.companies))]

    def resolve_metrics(self, wanted: str) -> list[Metric]:
        """A metric by name, or every metric tagged with a framework code (A1.2, 305-1,
        "GRI 305-1"), an HKEX aspect (A1: A1.1, A1.2, ...) or a GRI standard (GRI 305:
        305-1, 305-2, ...)."""
        if wanted in self.metrics:
            return [self.metrics[wanted]]
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
        """A metric by its id, name (either script) or alias. A name several metrics share
        is settled in this order: the metric whose id it is; else the built-in catalog's
        metric, so that a metric a user's catalog adds can never make a built-in one's
        name ambiguous (a draft's proposal named "Revenue" beside the built-in
        ``revenue``). Two metrics of the user's catalogs that share a name stay
        ambiguous: only their ids tell them apart."""
        if wanted in self.metrics:  # an id as written, before ids that fold like it
            return self.metrics[wanted]
        chosen = _preferred(wanted, self._metric_names.get(fold(wanted), set()),
                            lambda metric_id: self.metrics[metric_id].origin.file)
        if chosen is not None:
            return self.metrics[chosen]
        return self.metrics[_resolve("metric", wanted, self._metric_names,
                                     list(self.metrics))]

    @property
    def metric_names(self) -> dict[str, set[str]]:
        """The metrics each folded id, name and alias names (made once a catalog)."""
        return self._metric_names

    @cached_property
    def _metric_names(self) -> dict[str, set[str]]:
        """The metrics each folded id, name and alias names."""
        names: dict[str, set[str]] = {}
        for metric in self.metrics.values():
            for name in (metric.id, metric.name, metric.name_zh, *metric.aliases):
                if name:
                    names.setdefault(fold(name), set()).add(metric.id)
        return names


def _preferred(wanted: str, matches: set[str], defined_in: Callable[[str], str]) -> str | None:
    """Of several ids a name matches, the one it settles on: the id the name is, else the
    only one the built-in catalog defines; None when there is no such one."""
    if len(matches) < 2:
        return None
    chosen = ({found for found in matches if fold(found) == fold(wanted)}
              or {found for found in matches if defined_in(found) == str(builtin_catalog_path())})
    return next(iter(chosen)) if len(chosen) == 1 else None


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
