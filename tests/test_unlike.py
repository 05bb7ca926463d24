"""What makes two rows of a comparison unlike, said on the rows themselves: another year
(``year_differs``), another entity level (the ``entity`` aspect of the basis), a figure
two companies share (``shared_with``), and a basis aspect that cites the line stating it
(docs/catalog.md#basis)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .catalogs import only, write_catalog

# Two companies with 2020 and one with 2021 only; their revenue and GHG.
YEARS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  revenue: {name: Revenue, category: economic, unit: CNY}
companies:
  alpha:
    name: Alpha Limited
    sources: {a: {file: alpha.txt}}
    kpis:
      - {metric: ghg, unit: t, values: {2020: 100}, source: a, line: 1}
      - {metric: revenue, unit: yuan, values: {2020: 1000}, source: a, line: 2}
  beta:
    name: Beta Limited
    sources: {b: {file: beta.txt}}
    kpis:
      - {metric: ghg, unit: t, values: {2020: 300}, source: b, line: 1}
      - {metric: revenue, unit: yuan, values: {2020: 2000}, source: b, line: 2}
  gamma:
    name: Gamma Limited
    sources: {g: {file: gamma.txt}}
    kpis:
      - {metric: ghg, unit: t, values: {2021: 50}, source: g, line: 1}
      - {metric: revenue, unit: yuan, values: {2021: 500}, source: g, line: 2}
"""


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_an_intensity_of_another_year_says_so_on_its_row(run, tmp_path: Path) -> None:
    on = only(write_catalog(tmp_path, YEARS))
    result = run("compare", "ghg", "--per", "revenue", *on, "-f", "json")
    assert result.code == 0, result.err
    assert {(r["company"], r["year"]): r["flags"] for r in json.loads(result.out)} == {
        ("alpha", 2020): [], ("beta", 2020): [], ("gamma", 2021): ["year_differs"]}


def test_a_ranking_leaves_a_row_of_another_year_unranked_with_the_reason(
        run, tmp_path: Path) -> None:
    on = only(write_catalog(tmp_path, YEARS))
    result = run("rank", "ghg", *on, "-f", "csv")
    assert result.code == 0, result.err
    found = {r["company"]: (r["rank"], r["flags"]) for r in _csv(result.out)}
    assert found == {"alpha": ("1", ""), "beta": ("2", ""), "gamma": ("", "year_differs")}
