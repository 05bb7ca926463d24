"""Every field of a finding, for each reconciliation check, on a fixture made for it:
several companies and metrics, so that a check which stops early, skips the wrong
value or cites the wrong lines is caught."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from esgcmp.load import load_files
from esgcmp.check import (check_emission_factor, check_emission_per_energy, check_jumps,
                          check_ratios, check_subsidiaries, check_sums)
from esgcmp.precision import Range

FIXTURE = """
schema: 1
metrics:
  electricity: {name: Electricity, category: environmental, unit: MWh}
  ghg_scope2: {name: Scope 2, category: environmental, unit: tCO2e}
  ghg: {name: GHG, category: environmental, unit: tCO2e, parts: [ghg_scope1, ghg_scope2]}
  ghg_scope1: {name: Scope 1, category: environmental, unit: tCO2e}
  revenue: {name: Revenue, category: economic, unit: CNY}
  staff: {name: Staff, category: social, unit: persons}
  per_staff: {name: GHG per person, category: environmental, unit: t/person, ratio_of: [ghg, staff]}
  intensity: {name: GHG per revenue, category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}
  share: {name: Share, category: social, unit: percent, parts: [share_a, staff]}
  share_a: {name: Share A, category: social, unit: percent}
companies:
  a-co:
    name: A
    sources: {s: {file: a.txt}}
    kpis:
      - {metric: electricity, unit: MWh, values: {2019: 0, 2020: 1000, 2021: 1000}, source: s, line: 1}
      - {metric: ghg_scope2, unit: t, values: {2019: 5, 2020: 300, 2021: 1000}, source: s, line: 2}
      - {metric: ghg_scope1, unit: t, values: {2020: 100}, source: s, line: 3}
      - {metric: ghg, unit: t, values: {2019: 5, 2020: 500, 2021: 1000}, source: s, line: 4}
      - {metric: revenue, unit: 百萬元, values: {2019: 0, 2020: 10, 2021: 1000}, source: s, line: 5}
      - {metric: intensity, unit: 噸╱百萬元, values: {2019: 1, 2020: 60, 2021: 1}, source: s, line: 6}
      - {metric: staff, unit: 人, values: {2020: 100, 2021: 100}, source: s, line: 7}
      - {metric: share, unit: "%", values: {2020: 50}, source: s, line: 8}
      - {metric: share_a, unit: "%", values: {2020: 10}, source: s, line: 9}
  b-co:
    name: B
    sources: {s: {file: b.txt}}
    kpis:
      - {metric: electricity, unit: MWh, values: {2020: 1000}, source: s, line: 1}
      - {metric: ghg_scope2, unit: t, values: {2020: 2000}, source: s, line: 2}
      - {metric: ghg_scope1, unit: t, values: {2020: 10}, source: s, line: 3}
      - {metric: ghg, unit: t, values: {2020: 1000}, source: s, line: 4}
      - {metric: revenue, unit: 百萬元, values: {2020: 10, 2021: 30}, source: s, line: 5}
      - {metric: intensity, unit: 噸╱百萬元, values: {2020: 100}, source: s, line: 6}
      - {metric: staff, unit: 人, values: {2019: 10, 2020: 16, 2021: 24}, source: s, line: 7}
"""


@pytest.fixture
def catalog(write):
    return load_files([write("fixture.yaml", FIXTURE)])


def fields(findings) -> list[tuple]:
    return [(f.severity, f.check, f.company, f.year, f.metric, f.expected, f.found, f.unit,
             f.sources) for f in findings]


def test_sums_of_every_company(catalog) -> None:
    assert fields(check_sums(catalog)) == [
        ("warning", "sum", "a-co", 2020, "ghg", D(400), D(500), "tCO2e", ("a.txt:4", "a.txt:3",
                                                                          "a.txt:2")),
        ("warning", "sum", "b-co", 2020, "ghg", D(2010), D(1000), "tCO2e",
         ("b.txt:4", "b.txt:3", "b.txt:2")),
        # a percentage whose parts are not all percentages is summed, not bounded
        ("warning", "sum", "a-co", 2020, "share", D(110), D(50), "percent",
         ("a.txt:8", "a.txt:9", "a.txt:7"))]


def test_ratios_of_every_company_and_year(catalog) -> None:
    assert fields(check_ratios(catalog)) == [
        ("error", "ratio_unit", "", None, "per_staff", None, None, "",
         (f"{catalog.files[0]}:9",)),
        ("warning", "ratio", "a-co", 2020, "intensity", D(50), D(60), "tCO2e/(10^6 CNY)",
         ("a.txt:6", "a.txt:4", "a.txt:5"))]
    details = [f.details for f in check_ratios(catalog)][1]
    # 499.5-500.5 t over 9.5-10.5 million yuan
    assert details == {"numerator": "ghg", "denominator": "revenue",
                       "range": Range(D("499.5") / D("10.5"), D("500.5") / D("9.5"))}


def test_grid_factors_of_every_company_and_year(catalog) -> None:
    assert fields(check_emission_factor(catalog)) == [
        ("warning", "emission_factor", "a-co", 2020, "ghg_scope2", None, D("0.3"), "tCO2e/MWh",
         ("a.txt:2", "a.txt:1")),
        ("warning", "emission_factor", "a-co", 2021, "ghg_scope2", None, D("1.0"), "tCO2e/MWh",
         ("a.txt:2", "a.txt:1")),
        ("warning", "emission_factor", "b-co", 2020, "ghg_scope2", None, D("2.0"), "tCO2e/MWh",
         ("b.txt:2", "b.txt:1"))]


def test_jumps_of_every_company_and_metric(catalog) -> None:
    per_million = "tCO2e/(10^6 CNY)"
    assert fields(check_jumps(catalog)) == [
        ("warning", "jump", "a-co", 2020, "ghg", D(5), D(500), "tCO2e", ("a.txt:4",)),
        ("warning", "jump", "a-co", 2021, "ghg", D(500), D(1000), "tCO2e", ("a.txt:4",)),
        ("warning", "jump", "a-co", 2020, "ghg_scope2", D(5), D(300), "tCO2e", ("a.txt:2",)),
        ("warning", "jump", "a-co", 2021, "ghg_scope2", D(300), D(1000), "tCO2e",
         ("a.txt:2",)),
        ("warning", "jump", "a-co", 2020, "intensity", D(1), D(60), per_million, ("a.txt:6",)),
        ("warning", "jump", "a-co", 2021, "intensity", D(60), D(1), per_million, ("a.txt:6",)),
        ("info", "jump", "a-co", 2021, "revenue", D(10_000_000), D(1_000_000_000), "CNY",
         ("a.txt:5",)),
        ("info", "jump", "b-co", 2021, "revenue", D(10_000_000), D(30_000_000), "CNY",
         ("b.txt:5",)),
        # staff 10 -> 16 is +60 %; 16 -> 24 is +50 %, not more than the limit
        ("warning", "jump", "b-co", 2020, "staff", D(10), D(16), "persons", ("b.txt:7",))]
    assert [f.year for f in check_jumps(catalog, D("0.6")) if f.metric == "staff"] == []


def test_the_grid_factor_is_converted_to_its_unit(write) -> None:
    text = FIXTURE.replace("electricity: {name: Electricity, category: environmental, "
                           "unit: MWh}", "electricity: {name: Electricity, category: "
                           "environmental, unit: GWh}")
    catalog = load_files([write("gwh.yaml", text)])
    # 300 t over 1 GWh (the same 1,000 MWh) is still 0.3 t per MWh
    assert [f.found for f in check_emission_factor(catalog)][0] == D("0.3")


def test_rate_range_cites_the_rate_and_its_parts(write) -> None:
    text = FIXTURE.replace("parts: [share_a, staff]}", "parts: [share_a, share_b]}\n"
                           "  share_b: {name: Share B, category: social, unit: percent}")
    text = text.replace("      - {metric: share_a, unit: \"%\", values: {2020: 10}, source: s, "
                        "line: 9}", "      - {metric: share_a, unit: \"%\", values: {2020: 10}, "
                        "source: s, line: 9}\n      - {metric: share_b, unit: \"%\", values: "
                        "{2020: 20}, source: s, line: 10}")
    catalog = load_files([write("rates.yaml", text)])
    (finding,) = [f for f in check_sums(catalog) if f.check == "rate_range"]
    assert finding.sources == ("a.txt:8", "a.txt:9", "a.txt:10")
    assert finding.details == {"parts": ("share_a", "share_b"), "low": D(10), "high": D(20)}


TOTAL_METRICS = """
schema: 1
metrics:
  electricity: {name: Electricity, category: environmental, unit: MWh}
  energy: {name: Energy, category: environmental, unit: tce}
  ghg: {name: GHG, category: environmental, unit: tCO2e}
  employees: {name: Employees, category: social, unit: persons}
  employee_turnover_rate: {name: Turnover, category: social, unit: percent}
"""

TOTALS = TOTAL_METRICS + """companies:
  group:
    name: Group
    sources: {s: {file: g.txt}}
    kpis:
      - {metric: electricity, unit: MWh, values: {2019: 1000, 2020: 1000, 2021: 1000}, source: s, line: 1}
      - {metric: ghg, unit: t, values: {2019: 600, 2020: 450, 2021: 800}, source: s, line: 2}
      - {metric: employees, unit: 人, values: {2020: 100, 2021: 100}, source: s, line: 3}
      - {metric: employee_turnover_rate, unit: "%", values: {2020: 5}, source: s, line: 4}
  part:
    name: Part
    parent: group
    sources: {s: {file: p.txt}}
    kpis:
      - {metric: employees, unit: 人, values: {2020: 102, 2021: 101}, source: s, line: 1}
      - {metric: employee_turnover_rate, unit: "%", values: {2020: 9}, source: s, line: 2}
      - {metric: ghg, unit: t, values: {2020: 900}, source: s, line: 3, basis: {scopes: "1"}}
"""


@pytest.fixture
def totals(write):
    return load_files([write("totals.yaml", TOTALS)])


def test_a_total_per_electricity_below_any_grid_factor_is_a_warning(totals) -> None:
    found = [f for f in check_emission_factor(totals) if f.company == "group"]
    assert [(f.year, f.severity, f.metric, f.found) for f in found] == [
        (2019, "info", "ghg", D("0.6")), (2020, "warning", "ghg", D("0.45")),
        (2021, "info", "ghg", D("0.8"))]  # a total may lie above: Scope 1 adds to it
    assert found[1].message == (
        "ghg / electricity = 0.45 tCO2e/MWh: the electricity alone would emit more at any "
        "plausible grid factor (0.5-0.9: regional grid averages 0.53-0.88, national "
        "0.5366-0.6101); emissions or electricity are incomplete, or another factor was used")
    # nothing else the group gives reads either figure: neither is suspected, both involved
    assert (found[1].names, found[1].involved) == (
        (), (("group", "ghg", 2020), ("group", "electricity", 2020)))
    assert found[0].names == ()  # info names no value


def test_a_part_larger_than_its_group_is_an_error(totals) -> None:
    assert fields(check_subsidiaries(totals)) == [
        ("error", "subsidiary", "part", 2020, "employees", D(100), D(102), "persons",
         ("p.txt:1", "g.txt:3"))]  # 2021: 101 may be 100.5, rounding; rates are not
    # additive; the part's ghg is on another basis
    (finding,) = check_subsidiaries(totals)
    assert finding.message == ("part employees 102 exceeds its group group's 100, "
                                        "which includes it")
    assert list(check_subsidiaries(totals, {"ghg"})) == []


def test_emissions_per_energy_that_move_while_energy_stands_still(write) -> None:
    text = TOTAL_METRICS + """companies:
  co:
    name: Co
    sources: {s: {file: c.txt}}
    kpis:
      - {metric: energy, unit: tce, values: {2018: 1000, 2019: 1050, 2020: 1000, 2022: 1500}, source: s, line: 1}
      - {metric: ghg, unit: t, values: {2018: 3000, 2019: 3100, 2020: 4000, 2022: 6000}, source: s, line: 2}
"""
    catalog = load_files([write("pe.yaml", text)])
    assert fields(check_emission_per_energy(catalog)) == [
        # 3100 / 1050 (2.9510-2.9538) and 4000 / 1000 (3.9990-4.0010) to their ranges' digits
        ("warning", "emission_per_energy", "co", 2020, "ghg", D("2.952"), D("4"), "tCO2e/tce",
         ("c.txt:2", "c.txt:1"))]  # 2019 -> 2020: energy -4.8 %, factor +35 %; 2022: energy +50 %
    (finding,) = check_emission_per_energy(catalog)
    assert finding.message == ("ghg per energy moved from 2.952 to 4 tCO2e/tce from "
                                        "2019 to 2020 while energy moved only 4.8 %")
    # the later year is suspected; the earlier and the energy it is measured by are inputs
    assert finding.names == (("co", "ghg", 2020),)
    assert finding.involved == (("co", "ghg", 2019), ("co", "energy", 2019), ("co", "energy", 2020))
