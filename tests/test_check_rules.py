"""The rules inside the checks, each on a small catalog built to tell a correct check from
a near miss: a loop that stops at the first company it skips, a year filter turned
around, a unit factor divided instead of multiplied, an intensity summed as if it were a
quantity (docs/testing.md, mutation testing)."""

from __future__ import annotations

from decimal import Decimal

from esgcmp.load import load_files
from esgcmp.check import (check_emission_factor, check_emission_per_energy, check_ratios,
                          check_subsidiaries, inconsistent)

# ---- ratio: every company-year is checked, whatever was skipped before it --------------

# In company order: a-co gives no revenue, b-co a revenue of zero (no ratio can be
# recomputed), c-co a ratio that agrees, d-co one that does not. A metric whose units
# cannot make a ratio comes first, and metrics without ratio_of before that.
RATIOS = """
schema: 1
metrics:
  energy: {name: Energy, category: environmental, unit: tce}
  revenue: {name: Revenue, category: economic, unit: CNY}
  energy_per_staff: {name: Energy per staff, category: environmental, unit: kgce/(10^4 CNY), ratio_of: [energy, staff]}
  staff: {name: Staff, category: social, unit: persons}
  energy_intensity: {name: Energy per revenue, category: environmental, unit: kgce/(10^4 CNY), ratio_of: [energy, revenue]}
companies:
  a-co:
    name: A
    sources: {s: {file: a.txt}}
    kpis:
      - {metric: energy, unit: tce, values: {2020: 100}, source: s, line: 1}
      - {metric: energy_intensity, unit: "kg of standard coal/RMB10,000", values: {2020: 9}, source: s, line: 2}
  b-co:
    name: B
    sources: {s: {file: b.txt}}
    kpis:
      - {metric: energy, unit: tce, values: {2020: 100}, source: s, line: 1}
      - {metric: revenue, unit: 萬元, values: {2020: 0}, source: s, line: 2}
      - {metric: energy_intensity, unit: "kg of standard coal/RMB10,000", values: {2020: 9}, source: s, line: 3}
  c-co:
    name: C
    sources: {s: {file: c.txt}}
    kpis:
      - {metric: energy, unit: tce, values: {2019: 100, 2020: 100}, source: s, line: 1}
      - {metric: revenue, unit: 萬元, values: {2019: 1000, 2020: 1000}, source: s, line: 2}
      - {metric: energy_intensity, unit: "kg of standard coal/RMB10,000", values: {2019: 100, 2020: 100}, source: s, line: 3}
  d-co:
    name: D
    sources: {s: {file: d.txt}}
    kpis:
      - {metric: energy, unit: tce, values: {2020: 100}, source: s, line: 1}
      - {metric: revenue, unit: 萬元, values: {2020: 1000}, source: s, line: 2}
      - {metric: energy_intensity, unit: "kg of standard coal/RMB10,000", values: {2020: 150}, source: s, line: 3}
"""


def test_a_ratio_is_checked_after_companies_that_could_not_be(write) -> None:
    catalog = load_files([write("ratios.yaml", RATIOS)])
    found = [(f.check, f.company, f.year, f.metric, f.expected, f.found)
             for f in check_ratios(catalog)]
    # 100 tce / 1,000 x 10^4 CNY = 100 kgce per 10^4 CNY; d-co printed 150
    assert found == [
        ("ratio_unit", "", None, "energy_per_staff", None, None),
        ("ratio", "d-co", 2020, "energy_intensity", Decimal("100.0000"), Decimal(150))]


# ---- emission factor: every company with electricity is looked at ----------------------

# a-co has electricity and no emissions, b-co an electricity of zero; c-co's factor is
# plausible (info), d-co's below any grid's (a warning). GHG is in kilotonnes, so the
# factor to tCO2e/MWh (1,000) is part of every figure.
EMISSION_FACTORS = """
schema: 1
metrics:
  ghg: {name: GHG, category: environmental, unit: ktCO2e}
  electricity: {name: Electricity, category: environmental, unit: MWh}
companies:
  a-co:
    name: A
    sources: {s: {file: a.txt}}
    kpis:
      - {metric: electricity, unit: MWh, values: {2020: 1000}, source: s, line: 1}
  b-co:
    name: B
    sources: {s: {file: b.txt}}
    kpis:
      - {metric: electricity, unit: MWh, values: {2020: 0}, source: s, line: 1}
      - {metric: ghg, unit: ktCO2e, values: {2020: 0.5}, source: s, line: 2}
  c-co:
    name: C
    sources: {s: {file: c.txt}}
    kpis:
      - {metric: electricity, unit: MWh, values: {2020: 1000}, source: s, line: 1}
      - {metric: ghg, unit: ktCO2e, values: {2020: 0.7}, source: s, line: 2}
  d-co:
    name: D
    sources: {s: {file: d.txt}}
    kpis:
      - {metric: electricity, unit: MWh, values: {2020: 1000}, source: s, line: 1}
      - {metric: ghg, unit: ktCO2e, values: {2020: 0.3}, source: s, line: 2}
"""


def test_an_emission_factor_is_found_after_companies_without_one(write) -> None:
    catalog = load_files([write("factors.yaml", EMISSION_FACTORS)])
    found = [(f.severity.value, f.company, f.year, f.found, f.unit, f.details["inside"])
             for f in check_emission_factor(catalog)]
    # 0.7 kt / 1,000 MWh = 0.7 t per MWh, inside 0.5-0.9; 0.3 below it
    assert found == [("info", "c-co", 2020, Decimal("0.7000"), "tCO2e/MWh", True),
                     ("warning", "d-co", 2020, Decimal("0.3000"), "tCO2e/MWh", False)]


# ---- emission per energy: the factor to the check's unit multiplies ---------------------

# GHG in kilotonnes and energy in tce: 1 ktCO2e per tce is 1,000 tCO2e per tce. a-co's
# factor moves from 2.0 to 2.9412 tCO2e/tce while its energy moves 2 %: a warning. b-co's
# moves 5 %: nothing.
PER_ENERGY = """
schema: 1
metrics:
  ghg: {name: GHG, category: environmental, unit: ktCO2e}
  energy: {name: Energy, category: environmental, unit: tce}
companies:
  a-co:
    name: A
    sources: {s: {file: a.txt}}
    kpis:
      - {metric: ghg, unit: ktCO2e, values: {2019: 200, 2020: 300}, source: s, line: 1}
      - {metric: energy, unit: tce, values: {2019: 100000, 2020: 102000}, source: s, line: 2}
  b-co:
    name: B
    sources: {s: {file: b.txt}}
    kpis:
      - {metric: ghg, unit: ktCO2e, values: {2019: 200, 2020: 210}, source: s, line: 1}
      - {metric: energy, unit: tce, values: {2019: 100000, 2020: 100000}, source: s, line: 2}
"""


def test_emissions_per_energy_are_in_the_checks_unit(write) -> None:
    catalog = load_files([write("per_energy.yaml", PER_ENERGY)])
    found = [(f.company, f.year, f.expected, f.found, f.unit, f.details["from"])
             for f in check_emission_per_energy(catalog)]
    # 200 kt / 100,000 tce = 2.0 t per tce; 300 kt / 102,000 tce = 2.9412 t per tce
    # to the digits each pair's printed ranges allow (docs/output.md#digits)
    assert found == [("a-co", 2020, Decimal("2.00"), Decimal("2.941"), "tCO2e/tce", 2019)]


# ---- subsidiary: additive quantities only, and the years asked for ---------------------

# sub-co, part of group-co, has more of everything than its group in 2019-2021: tonnes
# (additive: an error), a percentage and an intensity (not additive: never an error).
SUBSIDIARY = """
schema: 1
metrics:
  waste: {name: Waste, category: environmental, unit: t}
  recycled_share: {name: Share recycled, category: environmental, unit: percent}
  waste_intensity: {name: Waste per revenue, category: environmental, unit: t/(10^6 CNY)}
  score: {name: Score, category: governance, unit: points}
  cover: {name: Cover ratio, category: economic, unit: ratio}
companies:
  group-co:
    name: Group
    sources: {s: {file: g.txt}}
    kpis:
      - {metric: waste, unit: t, values: {2019: 100, 2020: 100, 2021: 100}, source: s, line: 1}
      - {metric: recycled_share, unit: "%", values: {2020: 10}, source: s, line: 2}
      - {metric: waste_intensity, unit: 噸╱百萬元, values: {2020: 1.5}, source: s, line: 3}
      - {metric: score, unit: points, values: {2020: 60}, source: s, line: 4}
      - {metric: cover, unit: ratio, values: {2020: 1.1}, source: s, line: 5}
  sub-co:
    name: Sub
    parent: group-co
    sources: {s: {file: s.txt}}
    kpis:
      - {metric: waste, unit: t, values: {2019: 200, 2020: 200, 2021: 200}, source: s, line: 1}
      - {metric: recycled_share, unit: "%", values: {2020: 40}, source: s, line: 2}
      - {metric: waste_intensity, unit: 噸╱百萬元, values: {2020: 9.5}, source: s, line: 3}
      - {metric: score, unit: points, values: {2020: 90}, source: s, line: 4}
      - {metric: cover, unit: ratio, values: {2020: 3.2}, source: s, line: 5}
"""


def test_a_part_larger_than_its_group_only_in_additive_figures(write) -> None:
    catalog = load_files([write("subsidiary.yaml", SUBSIDIARY)])
    found = [(f.severity.value, f.company, f.year, f.metric, f.expected, f.found)
             for f in check_subsidiaries(catalog)]
    assert found == [("error", "sub-co", year, "waste", Decimal(100), Decimal(200))
                     for year in (2019, 2020, 2021)]


def test_a_part_larger_than_its_group_in_the_years_asked_for_only(write) -> None:
    catalog = load_files([write("subsidiary.yaml", SUBSIDIARY)])
    assert [f.year for f in check_subsidiaries(catalog, years={2020})] == [2020]
    assert [f.year for f in check_subsidiaries(catalog, years={2019, 2021})] == [2019, 2021]
    assert list(check_subsidiaries(catalog, years={2018})) == []
    # as a comparison of one year asks for it: the values the error names, of that year
    named = inconsistent(catalog, {"waste"}, years={2021})
    assert list(named) == [("sub-co", "waste", 2021), ("group-co", "waste", 2021)]
