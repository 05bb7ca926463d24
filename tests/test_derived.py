"""Derived total energy: GB/T 2589 coefficients, exact arithmetic, never partial."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from esgcmp.catalog import builtin_catalog_path
from esgcmp.load import catalog_paths, load_files
from esgcmp.derive import EnergyBasis, derive_energy
from esgcmp.model import ElectricityBasis, Kind, Missing, Value, Why
from esgcmp.values import value_of
from esgcmp.views import basis_text, reason

D = Decimal


@pytest.fixture(scope="module")
def catalog():
    return load_files([builtin_catalog_path()])


def test_china_telecom_2020_energy_from_its_five_components(catalog) -> None:
    value = value_of(catalog, "china-telecom", "energy", 2020, EnergyBasis())
    assert isinstance(value, Value)
    assert value.kind == "derived"
    # 249.4 hundred million kWh, 11.7 / 2.9 *10,000 t, 1,990 *10,000 m3, 1,462,360 million kJ
    expected = (D("249.4") * 10**8 * D("0.1229") / 1000      # electricity, kgce -> tce
                + D("11.7") * 10**4 * D("1.4714")             # gasoline t x kgce/kg = tce
                + D("2.9") * 10**4 * D("1.4571")              # diesel
                + D("1990") * 10**4 * D("1.2143") / 1000      # natural gas m3
                + D("1462360") * 1000 * D("0.03412") / 1000)  # heat GJ -> MJ
    assert value.value == expected == D("3353595.9932")
    assert value.unit == "tce"
    assert [i.observation.metric for i in value.inputs] == [
        "electricity", "gasoline", "diesel", "natural_gas", "purchased_heat"]
    assert "coal: not reported by the company" in basis_text(value)
    assert "calorific-equivalent" in basis_text(value)
    assert "derived" in value.flags


def test_china_unicom_2020_energy_carries_the_restated_flag(catalog) -> None:
    value = value_of(catalog, "china-unicom", "energy", 2020, EnergyBasis())
    assert isinstance(value, Value)
    assert value.value == D("2215263.2689")
    assert value.flags[0] == "derived" and "restated" in value.flags
    assert sum(i.contribution for i in value.inputs) == value.value


def test_generation_basis_uses_the_users_coefficient(catalog) -> None:
    calorific = value_of(catalog, "china-unicom", "energy", 2020, EnergyBasis())
    generation = value_of(catalog, "china-unicom", "energy", 2020,
                          EnergyBasis(ElectricityBasis.generation, D("0.3")))
    assert isinstance(calorific, Value) and isinstance(generation, Value)
    # 172.2 億度 = 17,220,000 MWh; only the electricity term changes
    assert generation.value - calorific.value == D("17220000") * (D("0.3") - D("0.1229"))
    assert "generation-equivalent" in basis_text(generation)


def test_a_reported_total_wins_over_a_derivation(catalog) -> None:
    value = value_of(catalog, "china-comservice", "energy", 2020, EnergyBasis())
    assert isinstance(value, Value)
    assert (value.kind, value.value, value.observation.line) == ("reported", D(172000), 27)


# a company whose diesel is missing in 2020
HALFCO = """
        schema: 1
        companies:
          halfco:
            name: Half Co
            sources:
              r: {file: r.txt}
            kpis:
              - {metric: electricity, unit: 億度, values: {2019: 1, 2020: 2}, source: r, line: 1}
              - {metric: diesel, unit: 萬噸, values: {2019: 1}, source: r, line: 2}
"""


def test_missing_component_gives_no_partial_total(write) -> None:
    path = write("partial.yaml", HALFCO)
    catalog = load_files(catalog_paths([path], use_env=False))
    result = derive_energy(catalog, "halfco", 2020, EnergyBasis())
    assert isinstance(result, Missing)
    assert (result.why, result.absent) == (Why.components_missing, ("diesel",))
    assert reason(result) == "no total reported; cannot derive 2020: diesel not reported for 2020"
    assert isinstance(derive_energy(catalog, "halfco", 2019, EnergyBasis()), Value)


@pytest.mark.parametrize("basis", [
    EnergyBasis(), EnergyBasis(ElectricityBasis.generation, D("0.3")),
    EnergyBasis(partial=True)], ids=["calorific", "generation", "partial"])
def test_energy_numbers_are_the_totals_value_of_gives(catalog, write, basis) -> None:
    """The numbers a check screens every company with are the totals it would read."""
    from esgcmp.derive import energy_numbers

    path = write("numbers.yaml", HALFCO + """
          dieselco:
            name: Diesel Co
            sources:
              r: {file: r.txt}
            kpis:
              - {metric: diesel, unit: 萬噸, values: {2020: 3}, source: r, line: 3}
        """)
    small = load_files(catalog_paths([path], use_env=False))
    for data in (catalog, small):
        for year in data.years():
            totals = {}
            for company in data.companies:
                value = value_of(data, company, "energy", year, basis)
                if isinstance(value, Value):
                    totals[company] = value.value
            assert energy_numbers(data, year, basis) == totals
    mine = {"halfco", "dieselco"}

    def of_mine(year: int) -> dict[str, Decimal]:
        return {c: n for c, n in energy_numbers(small, year, basis).items() if c in mine}

    # 1 億度 x 0.1229 kgce/kWh (or the user's 0.3) + 1 萬噸 of diesel x 1.4571 kgce/kg
    halfco = D(44571) if basis.kgce_per_kwh else D(26861)
    assert of_mine(2019) == {"halfco": halfco}
    # halfco's diesel is missing in 2020; dieselco never gives electricity
    assert of_mine(2020) == ({"dieselco": D(43713)} if basis.partial else {})


# Scope 1 and Scope 2 without a total: scopeco both in 2022 (its Scope 2 market-based),
# Scope 1 alone in 2023; halfco Scope 1 only; totalco prints its total beside the scopes.
SCOPES = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions (Scope 1 + 2), category: environmental, unit: tCO2e, parts: [ghg_scope1, ghg_scope2]}
  ghg_scope1: {name: Direct GHG emissions (Scope 1), category: environmental, unit: tCO2e}
  ghg_scope2: {name: Energy indirect GHG emissions (Scope 2), category: environmental, unit: tCO2e}
companies:
  scopeco:
    name: Scope Co
    sources:
      r: {file: scope.txt}
    kpis:
      - {metric: ghg_scope1, label: Scope 1, unit: tCO2e, values: {2022: 1234.5, 2023: 1300}, source: r, line: 1}
      - {metric: ghg_scope2, label: Scope 2 (market-based), unit: 千噸二氧化碳當量, values: {2022: 5.6}, source: r, line: 2, basis: {scope2_method: market-based}, approx: true}
  halfco:
    name: Half Co
    sources:
      r: {file: half.txt}
    kpis:
      - {metric: ghg_scope1, label: Scope 1, unit: tCO2e, values: {2022: 70}, source: r, line: 1}
  totalco:
    name: Total Co
    sources:
      r: {file: total.txt}
    kpis:
      - {metric: ghg, label: Total GHG, unit: tCO2e, values: {2022: 9000}, source: r, line: 1}
      - {metric: ghg_scope1, label: Scope 1, unit: tCO2e, values: {2022: 3000}, source: r, line: 2}
      - {metric: ghg_scope2, label: Scope 2, unit: tCO2e, values: {2022: 6000}, source: r, line: 3}
"""


@pytest.fixture
def scopes(write):
    path = write("scopes.yaml", SCOPES)
    return load_files(catalog_paths([path], use_env=False, builtin=False))


def test_ghg_is_derived_from_scope_1_and_scope_2(scopes) -> None:
    value = value_of(scopes, "scopeco", "ghg", 2022, EnergyBasis())
    assert isinstance(value, Value)
    assert (value.kind, value.value, value.unit) == ("derived", D("6834.5"), "tCO2e")
    assert [(i.observation.metric, i.contribution, i.observation.line)
            for i in value.inputs] == [("ghg_scope1", D("1234.5"), 1),
                                       ("ghg_scope2", D("5600"), 2)]
    assert value.flags == ("derived", "approx")
    assert value.basis == (("scopes", "1+2"), ("scope2_method", "market-based"))
    assert basis_text(value) == "GHG Protocol Corporate Standard; sum of ghg_scope1, ghg_scope2"


def test_a_scope_alone_is_never_the_ghg_total(scopes) -> None:
    lacking_year = value_of(scopes, "scopeco", "ghg", 2023, EnergyBasis(partial=True))
    assert isinstance(lacking_year, Missing)
    assert reason(lacking_year) == ("no total reported; cannot derive 2023: ghg_scope2 not "
                                    "reported for 2023")
    never = value_of(scopes, "halfco", "ghg", 2022, EnergyBasis(partial=True))
    assert isinstance(never, Missing)
    assert (never.why, never.absent) == (Why.lacks_part, ("ghg_scope2",))
    assert reason(never) == ("no total reported; cannot derive one: ghg_scope2 never reported "
                             "(a part alone is not the total)")


def test_a_printed_ghg_total_wins_over_its_scopes(scopes) -> None:
    value = value_of(scopes, "totalco", "ghg", 2022, EnergyBasis())
    assert isinstance(value, Value)
    assert (value.kind, value.value, value.observation.line) == ("reported", D(9000), 1)


def test_compare_ghg_lists_the_derived_total_with_its_inputs(run, write) -> None:
    path = write("scopes.yaml", SCOPES)
    result = run("compare", "ghg", "-y", "2022", "-f", "csv", "--no-builtin",
                 "--catalog", str(path))
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["company"], r["value"], r["kind"], r["flags"]) for r in rows] == [
        ("totalco", "9000", "reported", "basis_differs"),
        # 1234.5 + 約 5600: the hedged 5600 stands for 5550-5650, so the sum is known to
        # the hundreds (docs/output.md#digits)
        ("scopeco", "6800", "derived", "derived;approx;basis_differs"),
        ("halfco", "", "missing", "")]
    assert rows[1]["derivation"] == "GHG Protocol Corporate Standard; sum of ghg_scope1, ghg_scope2"
    assert rows[2]["notes"] == ("no total reported; cannot derive one: ghg_scope2 never "
                                "reported (a part alone is not the total)")


def test_the_energy_basis_options_stay_refused_for_ghg(run, write) -> None:
    path = write("scopes.yaml", SCOPES)
    result = run("compare", "ghg", "--partial", "--no-builtin", "--catalog", str(path))
    assert result.code == 2
    assert result.err == ("esgcmp: error: --partial changes derived energy totals only; ghg is "
                          "not one; leave out --partial\n")


# A new company's fuels as a draft leaves them: diesel in litres under the component (its
# metric has a density), petrol in litres under a proposed metric of its own.
FUELS = """
schema: 1
metrics:
  energy: {name: Total energy consumption, category: environmental, unit: tce}
  electricity: {name: Electricity consumption, category: environmental, unit: MWh}
  diesel: {name: Diesel consumption, name_zh: 柴油消耗量, category: environmental, unit: t, density: 0.8275 kg/L}
  gasoline: {name: Gasoline consumption, name_zh: 汽油消耗量, category: environmental, unit: t, density: 0.7475 kg/L}
  petrol: {name: Petrol, category: environmental, unit: L}
  lpg_used: {name: LPG consumption, category: environmental, unit: kg}
  diesel_per_vehicle: {name: Diesel, category: environmental, unit: L/count}
  power: {name: Power, category: environmental, unit: MW}
companies:
  litreco:
    name: Litre Co
    sources:
      r: {file: litre.txt}
    kpis:
      - {metric: electricity, label: Electricity, unit: MWh, values: {2023: 1000}, source: r, line: 1}
      - {metric: diesel, label: Diesel, unit: litres, values: {2023: 40000}, source: r, line: 2}
      - {metric: diesel_per_vehicle, label: Diesel, unit: L/count, values: {2023: 900}, source: r, line: 3}
      - {metric: power, label: Power (installed), unit: MW, values: {2023: 2}, source: r, line: 4}
  petrolco:
    name: Petrol Co
    sources:
      r: {file: petrol.txt}
    kpis:
      - {metric: electricity, label: Electricity, unit: MWh, values: {2023: 1000}, source: r, line: 1}
      - {metric: petrol, label: Petrol, unit: litres, values: {2023: 10000}, source: r, line: 2}
  lpgco:
    name: LPG Co
    sources:
      r: {file: lpg.txt}
    kpis:
      - {metric: electricity, label: Electricity, unit: MWh, values: {2023: 1000}, source: r, line: 1}
      - {metric: lpg_used, label: LPG, unit: kg, values: {2023: 500}, source: r, line: 2}
"""


@pytest.fixture
def fuels(write):
    path = write("fuels.yaml", FUELS)
    return load_files(catalog_paths([path], use_env=False, builtin=False))


def test_diesel_in_litres_counts_at_its_stated_density(fuels) -> None:
    value = value_of(fuels, "litreco", "energy", 2023, EnergyBasis())
    assert isinstance(value, Value)
    # 1,000 MWh x 0.1229 kgce/kWh + 40,000 L x 0.8275 kg/L = 33.1 t x 1.4571 kgce/kg
    assert value.value == D("122.9") + D("33.1") * D("1.4571") == D("171.13001")
    assert [(i.observation.metric, i.coefficient) for i in value.inputs] == [
        ("electricity", "0.1229 kgce/kWh"),
        ("diesel", "1.4571 kgce/kg (volume read as mass at 0.8275 kg/L)")]
    assert "partial" not in value.flags


@pytest.mark.parametrize(("company", "why"), [
    ("petrolco", "petrol holds an energy carrier"),
    ("lpgco", "lpg_used holds an energy carrier")])
def test_a_carrier_under_another_metric_stops_the_total(fuels, company, why) -> None:
    for basis in (EnergyBasis(), EnergyBasis(partial=True)):
        result = value_of(fuels, company, "energy", 2023, basis)
        assert isinstance(result, Missing)
        assert reason(result) == (f"no total reported; cannot derive one: {why} that no "
                                  "component sums (put a component's figure under its metric)")
    from esgcmp.derive import energy_numbers
    assert energy_numbers(fuels, 2023, EnergyBasis(partial=True)) == {"litreco": D("171.13001")}


def test_export_derived_lists_the_ghg_total_beside_the_scopes(run, write) -> None:
    path = write("scopes.yaml", SCOPES)
    result = run("export", "--derived", "-c", "scopeco", "--no-builtin", "--catalog", str(path))
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["metric"], r["year"], r["value"], r["kind"]) for r in rows] == [
        ("ghg", "2022", "6800", "derived"), ("ghg_scope1", "2022", "1234.5", "reported"),
        ("ghg_scope1", "2023", "1300", "reported"), ("ghg_scope2", "2022", "5600", "reported")]


def test_a_ghg_total_under_another_metric_stops_the_derivation(write) -> None:
    # a draft left the printed total beside the scopes it placed: 4.89 + 1,201.48 is the
    # 2023 total, but 2.94 + 1,153.7 is not 2024's (a Scope 1 row was not placed)
    path = write("printed.yaml", SCOPES.replace("companies:", """  total_ghg_emission: {name: Total GHG Emission, category: environmental, unit: tCO2e}
  ghg_per_employee: {name: GHG emissions, category: environmental, unit: tCO2e/persons}
companies:
  printedco:
    name: Printed Co
    sources:
      r: {file: printed.txt}
    kpis:
      - {metric: ghg_scope1, label: Scope 1 - Vehicles, unit: tCO2e, values: {2023: 4.89, 2024: 2.94}, source: r, line: 1}
      - {metric: ghg_scope2, label: Scope 2, unit: tCO2e, values: {2023: 1201.48, 2024: 1153.7}, source: r, line: 2}
      - {metric: total_ghg_emission, label: Total GHG Emission, unit: tCO2e, values: {2023: 1206.37, 2024: 1288.26}, source: r, line: 3}
      - {metric: ghg_per_employee, label: GHG emissions, unit: tCO2e/persons, values: {2024: 2.1}, source: r, line: 4}"""))
    catalog = load_files(catalog_paths([path], use_env=False, builtin=False))
    result = value_of(catalog, "printedco", "ghg", 2024, EnergyBasis())
    assert isinstance(result, Missing)
    assert (result.why, result.absent) == (Why.total_elsewhere, ("total_ghg_emission",))
    assert reason(result) == ("no total reported; not derived from the scopes: "
                              "total_ghg_emission holds a GHG total the company prints (put "
                              "it under ghg if it is Scope 1 + 2)")
    # an intensity named like the total is no total; the other companies keep theirs
    assert isinstance(value_of(catalog, "scopeco", "ghg", 2022, EnergyBasis()), Value)


def test_a_printed_total_of_scopes_1_2_and_3_leaves_the_scope_1_and_2_total_to_derive(
        write) -> None:
    # the company prints Scope 1, 2 and 3 and their total, never a Scope 1 + 2 total
    path = write("three.yaml", SCOPES.replace("companies:", """  ghg_scope1_2_3: {name: "GHG emissions (Scope 1 + 2 + 3)", category: environmental, unit: tCO2e}
companies:
  threeco:
    name: Three Co
    sources:
      r: {file: three.txt}
    kpis:
      - {metric: ghg_scope1, label: GHG emissions (scope 1), unit: tCO2e, values: {2023: 14073.8}, source: r, line: 1}
      - {metric: ghg_scope2, label: GHG emissions (scope 2), unit: tCO2e, values: {2023: 26080}, source: r, line: 2}
      - {metric: ghg_scope1_2_3, label: Total GHG emissions, unit: tCO2e, values: {2023: 40180.8}, source: r, line: 4}"""))
    catalog = load_files(catalog_paths([path], use_env=False, builtin=False))
    result = value_of(catalog, "threeco", "ghg", 2023, EnergyBasis())
    assert isinstance(result, Value)
    assert (result.kind, result.value, result.how.components) == (
        Kind.derived, Decimal("40153.8"), ["ghg_scope1", "ghg_scope2"])
