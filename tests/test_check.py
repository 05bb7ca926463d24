"""`esgcmp check`: reconciliation findings with expected, found and difference."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from esgcmp.catalog import catalog_paths, load_files
from esgcmp.check import check_jumps, check_ratios, check_sums, run_checks
from esgcmp.errors import ExitCode
from esgcmp.views import finding_message

from .conftest import seeds_dir

CHECKED = """
schema: 1
metrics:
  hires: {name: Hires, category: social, unit: persons, parts: [hires_m, hires_f]}
  hires_m: {name: Hires male, category: social, unit: persons}
  hires_f: {name: Hires female, category: social, unit: persons}
  turnover: {name: Turnover, category: social, unit: percent, parts: [turnover_m, turnover_f]}
  turnover_m: {name: Turnover male, category: social, unit: percent}
  turnover_f: {name: Turnover female, category: social, unit: percent}
  carbon_intensity: {name: Carbon intensity, category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}
companies:
  co:
    name: Co
    sources:
      s: {file: s.txt}
    kpis:
      - {metric: hires, unit: 人, values: {2019: 100, 2020: 100}, source: s, line: 1}
      - {metric: hires_m, unit: 人, values: {2019: 60, 2020: 60}, source: s, line: 2}
      - {metric: hires_f, unit: 人, values: {2019: 40, 2020: 30}, source: s, line: 3}
      - {metric: turnover, unit: '%', values: {2020: 1.5}, source: s, line: 4}
      - {metric: turnover_m, unit: '%', values: {2020: 1.8}, source: s, line: 5}
      - {metric: turnover_f, unit: '%', values: {2020: 2.0}, source: s, line: 6}
      - {metric: ghg, unit: 百萬噸, values: {2020: 1.2}, source: s, line: 7}
      - {metric: revenue, unit: 億元, values: {2020: 200}, source: s, line: 8}
      - {metric: carbon_intensity, unit: 噸╱百萬元, values: {2020: 66}, source: s, line: 9}
      - {metric: water, unit: 萬噸, values: {2019: 10, 2020: 25}, source: s, line: 10}
"""


def _catalog(write):
    return load_files(catalog_paths([write("checked.yaml", CHECKED)], use_env=False,
                                      builtin=True))


def test_total_against_sum_of_parts(write) -> None:
    findings = [f for f in check_sums(_catalog(write)) if f.company == "co"]
    by_check = {(f.check, f.year): f for f in findings}
    total = by_check[("sum", 2020)]
    assert (total.severity, total.expected, total.found, total.difference) == (
        "warning", Decimal(90), Decimal(100), Decimal(10))
    assert total.difference_pct == Decimal("11.11")
    assert total.sources == ("s.txt:1", "s.txt:2", "s.txt:3")
    assert ("sum", 2019) not in by_check  # 60 + 40 = 100 agrees


def test_rate_outside_its_sub_rates(write) -> None:
    rate = next(f for f in check_sums(_catalog(write))
                if f.check == "rate_range" and f.company == "co")
    assert finding_message(rate) == ("turnover 1.5 % lies outside the range of its sub-rates turnover_m, "
                            "turnover_f (1.8-2 %)")


def test_reported_ratio_against_recomputation(write) -> None:
    finding = next(f for f in check_ratios(_catalog(write)) if f.company == "co")
    # 1,200,000 tCO2e / RMB 20,000 million = 60 t per RMB million; 66 printed
    assert (finding.expected, finding.found, finding.difference_pct) == (
        Decimal("60.0000"), Decimal(66), Decimal("10.00"))


def test_jump_without_flag(write) -> None:
    jump = next(f for f in check_jumps(_catalog(write)) if f.company == "co")
    assert jump.metric == "water" and jump.severity == "warning"
    assert finding_message(jump) == ("water changed +150.0 % from 2019 to 2020 with no "
                            "restated/not_comparable flag")


def test_builtin_catalog_has_no_errors_and_its_known_inconsistencies(run) -> None:
    result = run("check", "--sources", str(seeds_dir()), "--format", "json")
    assert result.code == 0, result
    findings = json.loads(result.out)
    assert not [f for f in findings if f["severity"] == "error"]
    grid = [f for f in findings if f["check"] == "grid_factor" and f["company"] == "china-unicom"]
    assert [(f["year"], f["found"]) for f in grid] == [(2018, 0.8469), (2019, 0.8102),
                                                       (2020, 0.8148)]


def test_check_reports_a_value_missing_from_its_line(run, write, tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "acme.txt").write_text("GHG 2020: 130\nnothing here\n", encoding="utf-8")
    path = write("acme.yaml", """
        schema: 1
        companies:
          acme:
            name: Acme
            sources:
              r: {file: acme.txt}
            kpis:
              - {metric: ghg, unit: 萬噸, values: {2020: 130}, source: r, line: 1}
              - {metric: water, unit: 萬噸, values: {2020: 7}, source: r, line: 2}
        """)
    result = run("check", "--catalog", str(path), "--sources", str(tmp_path / "src"),
                 "-f", "csv")
    assert result.code == ExitCode.FINDINGS == 1
    errors = [r for r in csv.DictReader(io.StringIO(result.out)) if r["severity"] == "error"]
    assert [(e["company"], e["metric"], e["check"]) for e in errors] == [
        ("acme", "water", "source_line")]
    assert errors[0]["message"] == "'7' is not on acme.txt:2: 'nothing here'"


def test_check_turns_a_broken_catalog_into_an_error_finding(run, write) -> None:
    path = write("broken.yaml", "schema: 1\nmetrics: {a: [\n")
    result = run("check", "--catalog", str(path), "-f", "csv")
    assert result.code == 1
    row = next(csv.DictReader(io.StringIO(result.out)))
    assert (row["severity"], row["check"]) == ("error", "schema")
    assert row["sources"].startswith(f"{path}:")


def test_run_checks_orders_by_severity(write) -> None:
    findings = run_checks(_catalog(write))
    ranks = [("error", "warning", "info").index(f.severity) for f in findings]
    assert ranks == sorted(ranks)
