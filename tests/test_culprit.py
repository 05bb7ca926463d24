"""Which values a finding suspects (flagged ``inconsistent``) and which it only read
(``involved``): docs/checks.md, "Which value a finding suspects"."""

from __future__ import annotations

import json
from decimal import Decimal as D

from esgcmp import api
from esgcmp.check import (check_emission_factor, check_emission_per_energy, check_jumps,
                          check_ratios, check_sums)
from esgcmp.load import load_files

METRICS = """schema: 1
metrics:
  staff: {name: Staff, category: social, unit: persons}
  ghg: {name: GHG, category: environmental, unit: tCO2e, parts: [ghg_scope1, ghg_scope2]}
  ghg_scope1: {name: Scope 1, category: environmental, unit: tCO2e}
  ghg_scope2: {name: Scope 2, category: environmental, unit: tCO2e}
  electricity: {name: Electricity, category: environmental, unit: MWh}
  energy: {name: Energy, category: environmental, unit: tce}
  water: {name: Water, category: environmental, unit: t}
  revenue: {name: Revenue, category: economic, unit: CNY}
  ghg_intensity: {name: GHG per revenue, category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}
  water_intensity: {name: Water per revenue, category: environmental, unit: t/(10^6 CNY), ratio_of: [water, revenue]}
companies:
"""


def _catalog(write, kpis: str, name: str = "c.yaml"):
    text = METRICS + """  co:
    name: Co
    sources: {s: {file: c.txt}}
    kpis:
""" + kpis
    return load_files([write(name, text)])


def _staff(write, values: str):
    return _catalog(write, "      - {metric: staff, unit: persons, values: {" + values
                    + "}, source: s, line: 1}\n")


def test_a_jump_suspects_the_later_year_not_the_earlier(write) -> None:
    catalog = _staff(write, "2018: 1000, 2019: 1100, 2020: 2000")
    (finding,) = check_jumps(catalog)
    assert (finding.year, finding.names, finding.involved) == (
        2020, (("co", "staff", 2020),), (("co", "staff", 2019),))
    trend = api.trend(catalog, ["co"], "staff")
    assert [c.value.flags for c in trend.series["co"]] == [(), (), ("inconsistent",)]


def test_the_earlier_year_of_a_jump_is_suspected_when_it_is_the_outlier(write) -> None:
    # 2019 fell by 80 % and 2020 is back within half of 2018: 2019 is the odd one out
    catalog = _staff(write, "2018: 1000, 2019: 200, 2020: 900")
    found = list(check_jumps(catalog))
    assert [(f.year, f.names, f.involved) for f in found] == [
        (2019, (("co", "staff", 2019),), (("co", "staff", 2018),)),
        (2020, (("co", "staff", 2019),), (("co", "staff", 2020),))]
    trend = api.trend(catalog, ["co"], "staff")
    assert [c.value.flags for c in trend.series["co"]] == [(), ("inconsistent",), ()]


def test_a_jump_that_goes_on_is_no_outlier(write) -> None:
    # 1000 -> 200 -> 50: each fall is a jump, and 2020 is not back near 2018
    catalog = _staff(write, "2018: 1000, 2019: 200, 2020: 50")
    assert [(f.year, f.names) for f in check_jumps(catalog)] == [
        (2019, (("co", "staff", 2019),)), (2020, (("co", "staff", 2020),))]


RATIOS = """      - {metric: ghg, unit: t, values: {2020: 1000}, source: s, line: 1}
      - {metric: ghg_scope1, unit: t, values: {2020: 100}, source: s, line: 2}
      - {metric: ghg_scope2, unit: t, values: {2020: 900}, source: s, line: 3}
      - {metric: water, unit: t, values: {2020: 5000}, source: s, line: 4}
      - {metric: revenue, unit: 百萬元, values: {2020: 100}, source: s, line: 5}
      - {metric: ghg_intensity, unit: t/百萬元, values: {2020: GHG}, source: s, line: 6}
      - {metric: water_intensity, unit: t/百萬元, values: {2020: WATER}, source: s, line: 7}
"""


def test_a_denominator_another_ratio_reconciles_is_cleared(write) -> None:
    # GHG / revenue = 10 holds; water / revenue = 50, printed 60: revenue is cleared
    catalog = _catalog(write, RATIOS.replace("GHG", "10").replace("WATER", "60"))
    (finding,) = check_ratios(catalog)
    assert finding.metric == "water_intensity"
    assert finding.names == (("co", "water_intensity", 2020), ("co", "water", 2020))
    assert finding.involved == (("co", "revenue", 2020),)
    (comparison,) = api.compare(catalog, "revenue").comparisons
    assert comparison.values[0].flags == ()
    (comparison,) = api.compare(catalog, "water").comparisons
    assert comparison.values[0].flags == ("inconsistent",)


def test_a_numerator_its_sum_reconciles_is_cleared(write) -> None:
    # GHG = Scope 1 + 2 holds, so GHG / revenue failing suspects the printed intensity
    # and the revenue; water / revenue holds and clears the revenue too
    catalog = _catalog(write, RATIOS.replace("GHG", "12").replace("WATER", "50"))
    (finding,) = check_ratios(catalog)
    assert finding.names == (("co", "ghg_intensity", 2020),)
    assert finding.involved == (("co", "ghg", 2020), ("co", "revenue", 2020))


def test_a_denominator_two_failing_ratios_need_apart_is_cleared(write) -> None:
    # GHG / revenue printed 12 needs revenue 83.3; water / revenue printed 60 needs 83.3
    # too: one revenue explains both, so it stays suspected. Printed 80, water needs 62.5:
    # no single revenue explains both failures, and revenue is cleared.
    same = _catalog(write, RATIOS.replace("GHG", "12").replace("WATER", "60")
                    .replace("{2020: 900}", "{2020: 800}"), "same.yaml")
    assert {f.metric: f.names for f in check_ratios(same)} == {
        "ghg_intensity": (("co", "ghg_intensity", 2020), ("co", "ghg", 2020),
                          ("co", "revenue", 2020)),
        "water_intensity": (("co", "water_intensity", 2020), ("co", "water", 2020),
                            ("co", "revenue", 2020))}
    apart = _catalog(write, RATIOS.replace("GHG", "12").replace("WATER", "80")
                     .replace("{2020: 900}", "{2020: 800}"), "apart.yaml")
    assert {f.metric: f.involved for f in check_ratios(apart)} == {
        "ghg_intensity": (("co", "revenue", 2020),),
        "water_intensity": (("co", "revenue", 2020),)}


def test_a_sum_that_fails_suspects_the_figures_no_other_check_clears(write) -> None:
    catalog = _catalog(write, RATIOS.replace("GHG", "12").replace("WATER", "50")
                       .replace("{2020: 900}", "{2020: 800}"))
    (finding,) = [f for f in check_sums(catalog)]
    # the revenue the intensity is printed against does not read GHG's parts
    assert finding.names == (("co", "ghg", 2020), ("co", "ghg_scope1", 2020),
                             ("co", "ghg_scope2", 2020))


FACTOR = """      - {metric: ghg, unit: t, values: {2020: 300}, source: s, line: 1}
      - {metric: electricity, unit: MWh, values: {2020: 1000}, source: s, line: 2}
"""


def test_an_implausible_factor_nothing_tells_apart_names_both_involved(write) -> None:
    catalog = _catalog(write, FACTOR)
    (finding,) = check_emission_factor(catalog)
    assert (finding.severity, finding.names, finding.involved) == (
        "warning", (), (("co", "ghg", 2020), ("co", "electricity", 2020)))
    (comparison,) = api.compare(catalog, "ghg").comparisons
    assert comparison.values[0].flags == ()
    assert [f.check for f in comparison.values[0].findings] == ["emission_factor"]


def test_an_implausible_factor_suspects_the_figure_its_parts_contradict(write) -> None:
    catalog = _catalog(write, FACTOR + """      - {metric: ghg_scope1, unit: t, values: {2020: 100}, source: s, line: 3}
      - {metric: ghg_scope2, unit: t, values: {2020: 600}, source: s, line: 4}
""")
    (finding,) = check_emission_factor(catalog)
    # Scope 2 600 / 1000 MWh is plausible; the total, 300, is not Scope 1 + 2
    assert (finding.metric, finding.severity) == ("ghg_scope2", "info")
    catalog = _catalog(write, FACTOR.replace("{2020: 1000}", "{2020: 2000}") + """      - {metric: ghg_scope1, unit: t, values: {2020: 100}, source: s, line: 3}
      - {metric: ghg_scope2, unit: t, values: {2020: 200}, source: s, line: 4}
      - {metric: water, unit: t, values: {2020: 5000}, source: s, line: 5}
""", "two.yaml")
    (finding,) = check_emission_factor(catalog)
    assert (finding.severity, finding.names, finding.involved) == (
        "warning", (), (("co", "ghg_scope2", 2020), ("co", "electricity", 2020)))


def test_a_factor_move_of_a_quarter_with_energy_steady_is_reported(write) -> None:
    # the built-in case: 415,800 t on 162,000 tce, then 554,400 t on 172,000 tce (+25.6 %
    # per tce, energy +6.2 %), each printed as about (約)
    catalog = _catalog(write, """      - {metric: energy, unit: tce, values: {2019: 162000, 2020: 172000}, source: s, line: 1, flags: [approx]}
      - {metric: ghg, unit: t, values: {2019: 415800, 2020: 554400}, source: s, line: 2, flags: [approx]}
""")
    (finding,) = check_emission_per_energy(catalog)
    # each about (約): 415,800 / 162,000 stands for 2.558-2.575, so two decimals
    assert (finding.year, finding.expected, finding.found) == (2020, D("2.57"), D("3.22"))
    assert finding.names == (("co", "ghg", 2020),)
    assert finding.message == ("ghg per energy moved from 2.57 to 3.22 tCO2e/tce from "
                               "2019 to 2020 while energy moved only 6.2 %")


def test_a_term_of_a_restated_ratio_that_is_not_restated_is_cleared(write) -> None:
    # the report restated the intensity's scope, not the water total's: the failing ratio
    # suspects the intensity alone (China Unicom's 耗水密度5 beside 水資源消耗量)
    kpis = RATIOS.replace("GHG", "10").replace(
        "      - {metric: water_intensity, unit: t/百萬元, values: {2020: WATER}, source: s, "
        "line: 7}\n",
        "      - {metric: water_intensity, unit: t/百萬元, values: {2020: 60}, source: s, "
        "line: 7, flags: [restated]}\n")
    (finding,) = check_ratios(_catalog(write, kpis))
    assert finding.names == (("co", "water_intensity", 2020),)
    assert finding.involved == (("co", "water", 2020), ("co", "revenue", 2020))
    # the same ratio unmarked suspects the water total with it
    (finding,) = check_ratios(_catalog(write, RATIOS.replace("GHG", "10").replace(
        "WATER", "60"), "plain.yaml"))
    assert finding.names == (("co", "water_intensity", 2020), ("co", "water", 2020))


def test_check_csv_and_json_list_what_a_finding_suspects_and_what_it_read(run,
                                                                         write) -> None:
    catalog = _staff(write, "2018: 1000, 2019: 200, 2020: 900")
    path = write("jumps.yaml", METRICS + """  co:
    name: Co
    sources: {s: {file: c.txt}}
    kpis:
      - {metric: staff, unit: persons, values: {2018: 1000, 2019: 200, 2020: 900}, source: s, line: 1}
""")
    assert len(list(check_jumps(catalog))) == 2
    result = run("check", "--no-builtin", "--catalog", str(path), "-f", "csv")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0].endswith(",message,sources,suspected,involved")
    assert [line.rsplit(",", 2)[1:] for line in lines[1:]] == [
        ["staff 2019", "staff 2018"], ["staff 2019", "staff 2020"]]
    found = json.loads(run("check", "--no-builtin", "--catalog", str(path), "-f",
                           "json").out)
    assert [(f["year"], f["suspected"], f["involved"]) for f in found] == [
        (2019, ["staff 2019"], ["staff 2018"]), (2020, ["staff 2019"], ["staff 2020"])]
