"""A result of esgcmp.api as plain rows, the columns of its command's CSV (docs/api.md);
esgcmp.api gives :func:`to_rows`."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

from .catalog import Catalog
from .results import (CheckResult, Companies, Comparisons, Coverage, Export, Intensities,
                      IntensityTrend, Metrics, Ranking, Show, Trend)


def to_rows(result: Any, catalog: Catalog, exact: bool = False) -> list[dict[str, Any]]:
    """A result of this module as plain rows, one dict per row with the columns of the
    command's CSV (docs/output.md), for ``pandas.DataFrame(rows)``: numbers as ``float``
    (``int`` when whole), or with ``exact`` as ``Decimal``; flags and citations as lists;
    nothing as None. The rows are made by the code that makes the CLI's CSV."""
    from . import listviews, views

    reports: list[Any]
    if isinstance(result, Comparisons):
        reports = [views.compare_report(c, catalog, for_people=False)
                   for c in result.comparisons]
    elif isinstance(result, Intensities):
        reports = [views.intensity_report(c, catalog, for_people=False)
                   for c in result.comparisons]
    elif isinstance(result, Trend):
        reports = [views.trend_report(result, catalog, chart=False)]
    elif isinstance(result, IntensityTrend):
        reports = [views.intensity_trend_report(result, catalog)]
    elif isinstance(result, Show):
        reports = [views.show_report(result, catalog)]
    elif isinstance(result, Export):
        reports = [views.export_report(result, catalog)]
    elif isinstance(result, Metrics):
        reports = [listviews.metrics_report(result)]
    elif isinstance(result, Companies):
        reports = [listviews.companies_report(result)]
    elif isinstance(result, CheckResult):
        reports = [listviews.check_report(result)]
    elif isinstance(result, Coverage):
        reports = [listviews.coverage_report(result)]
    elif isinstance(result, Ranking):
        reports = [views.rank_report(result)]
    else:
        raise TypeError(f"to_rows takes a result of esgcmp.api, not {type(result).__name__}")
    return [{column: _plain(row.get(column), exact) for column in report.columns}
            for report in reports for row in report.rows]


def _plain(cell: Any, exact: bool) -> Any:
    if isinstance(cell, Decimal):
        if cell == cell.to_integral_value() and cell.is_finite():
            return int(cell)
        return Decimal(format(cell, "f")) if exact else float(cell)
    if isinstance(cell, tuple):
        return [_plain(item, exact) for item in cell]
    if isinstance(cell, list):
        return [_plain(item, exact) for item in cell]
    if isinstance(cell, dict):
        return {key: _plain(value, exact) for key, value in cell.items()}
    if isinstance(cell, Enum):
        return cell.value
    return cell
