"""Small catalogs for the tests of behaviour, written into a test's tmp_path.

A test of what a command does runs on one of these rather than on the built-in catalog,
so that a data correction (a metric added, a company added) breaks only the tests of the
data (tests/test_sources.py, the golden tests of the built-in values) and the generated
docs, never a test of behaviour (docs/testing.md).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

# Three groups shaped as the built-in catalog's: a group, its listed subsidiary (on a
# narrower boundary, its totals approximate and of a limited scope) and a second group
# that states its GHG scopes. Between them: GHG over three years with gaps, an emission
# factor below any grid's (south-telecom: a warning, its GHG flagged inconsistent), a
# plausible Scope-2-free one (north-mobile), a metric one company reports (drop_rate),
# tickers as aliases, a second year of a metric no company shares (fatalities).
GROUPS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, name_zh: 溫室氣體排放量, category: environmental, unit: tCO2e, hkex: [A1.2]}
  electricity: {name: Electricity consumption, category: environmental, unit: MWh}
  drop_rate: {name: Mobile call drop rate, category: economic, unit: percent}
  fatalities: {name: Work-related fatalities, category: social, unit: persons}
  water: {name: Water consumption, category: environmental, unit: t, density: 1 t/m3}
companies:
  north-mobile:
    name: North Mobile Limited
    name_zh: 北方移動
    aliases: [north, "0762.HK"]
    sources:
      n20: {file: north.txt, short: North 2020, title: North Mobile CSR 2020}
    kpis:
      - {metric: ghg, label: GHG emissions, unit: 百萬噸, values: {2018: 13.13, 2019: 13.2, 2020: 14.23}, source: n20, line: 1, basis: {scopes: "1+2"}}
      - {metric: electricity, label: Electricity, unit: 億度, values: {2020: 175}, source: n20, line: 2}
      - {metric: fatalities, label: Fatalities, unit: 人, values: {2020: 0}, source: n20, line: 3}
      - {metric: water, label: Water, unit: 萬噸, values: {2020: 310}, source: n20, line: 4}
  south-telecom:
    name: South Telecom Corporation
    aliases: [south]
    sources:
      s20: {file: south.txt, short: South 2020, title: South Telecom CSR 2020}
    kpis:
      - {metric: ghg, label: GHG emissions, unit: "*10,000 tons", values: {2018: 690, 2019: 766.5, 2020: 886.6}, source: s20, line: 1}
      - {metric: electricity, label: Electricity, unit: hundred million kWh, values: {2020: 249.4}, source: s20, line: 2}
      - {metric: drop_rate, label: Call drop rate, unit: "%", values: {2019: 0.12, 2020: 0.1}, source: s20, line: 3}
      - {metric: fatalities, label: Fatalities, unit: persons, values: {2020: 1}, source: s20, line: 4}
  south-services:
    name: South Services Limited
    aliases: [services, "0552.HK"]
    parent: south-telecom
    sources:
      v20: {file: services.txt, short: Services 2020, title: South Services ESG 2020}
    kpis:
      - {metric: ghg, label: GHG emissions, unit: tonnes, values: {2019: 415800, 2020: 554400}, source: v20, line: 1, approx: true, flags: [scope], basis: {boundary: Group and certain large-scale subsidiaries, definition: emissions from energy consumption}}
      - {metric: fatalities, label: Fatalities, unit: persons, values: {2024: 2}, source: v20, line: 2}
      - {metric: water, label: Water, unit: m3, values: {2020: 1500000}, source: v20, line: 3}
"""

GROUPS_SOURCES = {
    "north.txt": "GHG emissions (million tonnes) 13.13 13.2 14.23\nElectricity 175\n"
                 "Fatalities 0\nWater 310\n",
    "south.txt": "GHG emissions (10,000 tons) 690 766.5 886.6\nElectricity 249.4\n"
                 "Call drop rate 0.12% 0.1%\nFatalities 1\n",
    "services.txt": "GHG emissions about 415,800 554,400 tonnes\nFatalities 2\nWater 1,500,000\n",
}


# GROUPS with revenue on two bases (north-mobile's operating revenue, south-telecom's main
# business income) and the GHG intensity north-mobile and south-services report, cited on
# lines as deep in a report as a real KPI table's (for the widths of a stacked record);
# south-services gives no revenue, so its revenue is implied by its intensity.
INTENSITIES = GROUPS.replace(
    "  water: {name: Water consumption",
    "  revenue: {name: Revenue, category: economic, unit: CNY}\n"
    "  ghg_intensity_revenue: {name: GHG emissions per RMB million revenue, "
    "category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}\n"
    "  water: {name: Water consumption").replace(
    "      - {metric: fatalities, label: Fatalities, unit: 人, values: {2020: 0}, source: n20, line: 3}\n",
    "      - {metric: fatalities, label: Fatalities, unit: 人, values: {2020: 0}, source: n20, line: 3}\n"
    "      - {metric: revenue, label: 營業收入, unit: 億元, values: {2018: 2908.8, 2019: 2905.1, 2020: 3038.4}, source: n20, line: 4122, basis: {definition: operating revenue}}\n"
    "      - {metric: ghg_intensity_revenue, label: 碳排放強度, unit: 噸╱百萬元, values: {2018: 45.13, 2019: 45.4, 2020: 46.6}, source: n20, line: 4305}\n").replace(
    "      - {metric: fatalities, label: Fatalities, unit: persons, values: {2020: 1}, source: s20, line: 4}\n",
    "      - {metric: fatalities, label: Fatalities, unit: persons, values: {2020: 1}, source: s20, line: 4}\n"
    "      - {metric: revenue, label: Revenue, unit: 億元, values: {2019: 3757.3, 2020: 3935.6}, source: s20, line: 5, basis: {definition: main business income}}\n").replace(
    "      - {metric: fatalities, label: Fatalities, unit: persons, values: {2024: 2}, source: v20, line: 2}\n",
    "      - {metric: fatalities, label: Fatalities, unit: persons, values: {2024: 2}, source: v20, line: 2}\n"
    "      - {metric: ghg_intensity_revenue, label: GHG per revenue, unit: 噸╱百萬元, values: {2019: 4.8, 2020: 6.1}, source: v20, line: 4, basis: {boundary: Group and certain large-scale subsidiaries}}\n")

# GROUPS changed under the replacements above would leave them silently undone
assert INTENSITIES.count("metric: revenue") == 2 and INTENSITIES.count(
    "metric: ghg_intensity_revenue") == 2 and "ghg_intensity_revenue:" in INTENSITIES


# Metrics under framework codes, each reported once: names in Traditional Chinese, a
# printed label, aliases, HKEX codes defined out of code order (so2, A1.1, after A1.2's),
# GRI codes, a metric with no code.
CODES = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, name_zh: 溫室氣體排放量, category: environmental, unit: tCO2e, hkex: [A1.2], gri: ["305-1", "305-2"]}
  ghg_scope1: {name: Direct GHG emissions (Scope 1), name_zh: 直接溫室氣體排放（範疇一）, category: environmental, unit: tCO2e, hkex: [A1.2], gri: ["305-1"], aliases: [scope 1]}
  ghg_scope2: {name: Energy indirect GHG emissions (Scope 2), name_zh: 能源間接溫室氣體排放（範疇二）, category: environmental, unit: tCO2e, hkex: [A1.2], gri: ["305-2"], aliases: [scope 2]}
  ghg_intensity_revenue: {name: GHG emissions per RMB million revenue, name_zh: 碳排放強度, category: environmental, unit: tCO2e/(10^6 CNY), hkex: [A1.2], gri: ["305-4"]}
  gasoline: {name: Gasoline consumption, category: environmental, unit: t, hkex: [A2.1], gri: ["302-1"]}
  so2: {name: Sulphur dioxide emissions, name_zh: 二氧化硫排放量, category: environmental, unit: t, hkex: [A1.1], gri: ["305-7"]}
  staff: {name: Employees, name_zh: 員工總數, category: social, unit: persons, hkex: [B1.1]}
  revenue: {name: Revenue, category: economic, unit: CNY}
companies:
  one-co:
    name: One Company
    sources:
      r: {file: one.txt, short: One 2020}
    kpis:
      - {metric: ghg, label: 溫室氣體排放總量, unit: 噸二氧化碳當量, values: {2020: 1500}, source: r, line: 1}
      - {metric: ghg_scope1, label: 範疇一, unit: 噸二氧化碳當量, values: {2020: 500}, source: r, line: 2}
      - {metric: ghg_scope2, label: 範疇二, unit: 噸二氧化碳當量, values: {2020: 1000}, source: r, line: 3}
      - {metric: ghg_intensity_revenue, label: 碳排放強度, unit: 噸╱百萬元, values: {2020: 15}, source: r, line: 4}
      - {metric: gasoline, label: 汽油消耗量, unit: 噸, values: {2020: 20}, source: r, line: 5}
      - {metric: so2, label: 二氧化硫, unit: 噸, values: {2020: 0.5}, source: r, line: 6}
      - {metric: staff, label: 員工總數, unit: 人, values: {2020: 800}, source: r, line: 7}
      - {metric: revenue, label: 營業收入, unit: 億元, values: {2020: 1}, source: r, line: 8}
"""


def write_catalog(directory: Path, text: str, sources: dict[str, str] | None = None,
                  name: str = "catalog.yaml") -> Path:
    """The catalog (dedented) in ``directory``, and its source texts in ``directory/src``."""
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    if sources:
        (directory / "src").mkdir(exist_ok=True)
        for file, content in sources.items():
            (directory / "src" / file).write_text(content, encoding="utf-8")
    return path


def only(path: Path) -> tuple[str, ...]:
    """The options that make a command read this catalog and not the built-in one."""
    return ("--no-builtin", "--catalog", str(path))
