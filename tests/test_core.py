"""The core on a small fixture catalog (conftest.TINY_CATALOG), without the command line:
values, derivations, implied values, intensities, changes, year choice, checks."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from esgcmp import api
from esgcmp.check import Severity, check_emission_factor, check_jumps, check_sums, run_checks
from esgcmp.derive import EnergyBasis, derive_energy, rules
from esgcmp.errors import NoDataError, NotFoundError, UnitError
from esgcmp.intensity import compare_intensity, default_intensity_unit
from esgcmp.model import (ElectricityBasis, Kind, Missing, Value, Why, YearChoice, YearRule)
from esgcmp.values import (change_for, changes, choose_year, compare, convert, series, show,
                           value_of, years_available)
from esgcmp.views import basis_text, change_note, reason, year_note

CALORIFIC = EnergyBasis()
TINY_2020_ENERGY = D("14748") + D("161.854") + D("80.1405")  # electricity, gasoline, diesel
TINY_2019_ENERGY = D("12290") + D("147.14") + D("72.855")


def test_a_total_is_derived_from_every_component_with_the_gbt_coefficients(tiny_catalog) -> None:
    value = value_of(tiny_catalog, "tiny-group", "energy", 2020, CALORIFIC)
    assert isinstance(value, Value)
    assert (value.kind, value.value, value.unit) == (Kind.derived, TINY_2020_ENERGY, "tce")
    assert [(i.observation.metric, i.coefficient, i.contribution) for i in value.inputs] == [
        ("electricity", "0.1229 kgce/kWh", D("14748")),
        ("gasoline", "1.4714 kgce/kg", D("161.854")),
        ("diesel", "1.4571 kgce/kg", D("80.1405"))]
    assert value.flags == ("derived", "restated")
    assert basis_text(value) == (
        "GB/T 2589-2020, electricity on the calorific-equivalent basis; sum of electricity, "
        "gasoline, diesel (natural_gas, coal, purchased_heat: not reported by the company)")


def test_the_generation_basis_changes_only_the_electricity_term(tiny_catalog) -> None:
    basis = EnergyBasis(ElectricityBasis.generation, D("0.3"))
    value = value_of(tiny_catalog, "tiny-group", "energy", 2020, basis)
    assert isinstance(value, Value)
    assert value.value == TINY_2020_ENERGY + D("120000") * (D("0.3") - D("0.1229"))
    assert value.inputs[0].coefficient == "0.3 kgce/kWh"
    assert "generation-equivalent" in basis_text(value)


def test_a_reported_total_wins_and_keeps_its_flags(tiny_catalog) -> None:
    value = value_of(tiny_catalog, "tiny-sub", "energy", 2020, CALORIFIC)
    assert isinstance(value, Value)
    assert (value.kind, value.value, value.flags, value.how) == (Kind.reported, D(15000),
                                                                ("approx",), None)
    assert basis_text(value) == ""


def test_a_missing_component_gives_no_partial_total(write) -> None:
    path = write("half.yaml", """
        schema: 1
        metrics:
          energy: {name: Energy, category: environmental, unit: tce}
          electricity: {name: Electricity, category: environmental, unit: MWh}
          diesel: {name: Diesel, category: environmental, unit: t}
        companies:
          halfco:
            name: Half Co
            sources: {s: {file: s.txt}}
            kpis:
              - {metric: electricity, unit: MWh, values: {2019: 10, 2020: 12}, source: s, line: 1}
              - {metric: diesel, unit: t, values: {2019: 15}, source: s, line: 2}
        """)
    from esgcmp.load import load_files

    catalog = load_files([path])
    missing = derive_energy(catalog, "halfco", 2020, CALORIFIC)
    assert missing == Missing("halfco", Why.components_missing, 2020, absent=("diesel",))
    assert reason(missing) == ("no total reported; cannot derive 2020: diesel not reported "
                               "for 2020")
    assert years_available(catalog, "halfco", "energy") == [2019]
    total = derive_energy(catalog, "halfco", 2019, CALORIFIC)
    assert isinstance(total, Value)
    assert total.value == D("1.229") + D("21.8565")


def test_missing_values_say_why(tiny_catalog) -> None:
    none = value_of(tiny_catalog, "tiny-sub", "employees", 2020, CALORIFIC)
    assert none == Missing("tiny-sub", Why.not_reported, 2020)
    assert reason(none) == "not reported"
    other_year = value_of(tiny_catalog, "tiny-group", "ghg_scope1", 2019, CALORIFIC)
    assert other_year == Missing("tiny-group", Why.not_for_year, 2019, years=(2020,))
    assert reason(other_year) == "not reported for 2019 (reported: 2020)"
    nothing = value_of(tiny_catalog, "tiny-sub", "gasoline", 2020, CALORIFIC)
    assert reason(nothing) == "not reported"
    no_parts = derive_energy(tiny_catalog, "tiny-sub", 2020, CALORIFIC)
    assert no_parts == Missing("tiny-sub", Why.no_components, 2020)
    assert reason(no_parts) == "reports neither a total nor components"
    assert reason(Missing("x", Why.zero_denominator, 2020, per="revenue")) == \
        "revenue is 0 for 2020"
    assert reason(Missing("x", Why.not_reported, 2020, per="revenue")) == \
        "revenue: not reported"


def test_compare_ranks_values_and_chooses_the_latest_common_year(tiny_catalog) -> None:
    metric = tiny_catalog.metrics["energy"]
    result = compare(tiny_catalog, metric)
    assert result.year == YearChoice(2020, YearRule.common)
    assert [(v.company, v.value) for v in result.values] == [
        ("tiny-sub", D(15000)), ("tiny-group", TINY_2020_ENERGY)]
    assert result.missing == [] and result.changes is None
    ghg = compare(tiny_catalog, tiny_catalog.metrics["ghg"], year=2019, unit="ktCO2e")
    assert [(v.company, v.value, v.unit) for v in ghg.values] == [
        ("tiny-group", D("65.0"), "ktCO2e"), ("tiny-sub", D("30"), "ktCO2e")]
    assert ghg.year == YearChoice(2019, YearRule.requested)
    employees = compare(tiny_catalog, tiny_catalog.metrics["employees"])
    assert [m.company for m in employees.missing] == ["tiny-sub"]


def test_compare_refuses_what_it_cannot_answer(tiny_catalog) -> None:
    with pytest.raises(NotFoundError, match=r"unknown year '2030'; 'ghg' is reported for "
                                            r"2019, 2020"):
        compare(tiny_catalog, tiny_catalog.metrics["ghg"], year=2030)
    with pytest.raises(UnitError):
        compare(tiny_catalog, tiny_catalog.metrics["ghg"], unit="MWh")
    with pytest.raises(NoDataError, match="no company of those named reports 'employees'"):
        compare(tiny_catalog, tiny_catalog.metrics["employees"], companies=["tiny-sub"])


def test_choose_year_rules() -> None:
    assert choose_year({"a": [2019, 2020], "b": [2020, 2021]}, None, "x") == \
        YearChoice(2020, YearRule.common)
    assert choose_year({"a": [2018], "b": [2020, 2021]}, None, "x") == \
        YearChoice(2021, YearRule.any)
    assert choose_year({"a": [2018], "b": [2020]}, 2018, "x") == \
        YearChoice(2018, YearRule.requested)
    with pytest.raises(NotFoundError, match="x 2018, 2020"):
        choose_year({"a": [2018], "b": [2020]}, 2019, "x")
    assert year_note(YearChoice(2020, YearRule.common), "reported by") == \
        "Year 2020: the latest year reported by every company that has it"
    assert year_note(YearChoice(2021, YearRule.any), "reported by") == \
        ("No year is reported by every company that has it: each company's latest year is "
         "shown, and a row of another year than the others is flagged year_differs")
    assert year_note(YearChoice(2018, YearRule.requested), "reported by") == "Year 2018"
    absent = [Missing("x-co", Why.not_reported, 2020), Missing("y-co", Why.not_for_year, 2020,
                                                               years=(2019,))]
    assert year_note(YearChoice(2020, YearRule.common), "reported by", absent) == (
        "Year 2020: the latest year reported by every company that has it (x-co: none in any "
        "year, so the year was chosen among the others)")


def test_changes_name_what_makes_them_meaningless(tiny_catalog) -> None:
    diesel = series(tiny_catalog, "tiny-group", tiny_catalog.metrics["diesel"])
    first, second = changes(diesel)
    assert (first.previous, first.change, change_note(first)) == (None, None, "first year")
    # restated onto one basis: a change that counts, and says why
    assert (second.change, second.change_pct, second.not_comparable, second.comparable) == (
        D(5), D("10.00"), (), True)
    assert change_note(second) == ""  # only 2020 restated: nothing to say about the pair
    energy = change_for(tiny_catalog, value_of(tiny_catalog, "tiny-group", "energy", 2020,
                                               CALORIFIC))
    # 2479.9995 tce between two derived totals whose components' printed ranges leave
    # the thousands uncertain (docs/output.md#digits)
    assert TINY_2020_ENERGY - TINY_2019_ENERGY == D("2479.9995")
    assert (energy.change, energy.change_pct) == (D("2E+3"), D("2E+1"))
    assert energy.comparable

    def value(year: int, flags: tuple[str, ...] = (), basis=()) -> Value:
        return Value("c", "m", year, D(year - 2000), "t", Kind.reported, flags=flags,
                     basis=basis)

    both = changes([value(2019, ("restated",)), value(2020, ("restated",))])[1]
    assert change_note(both) == "both years restated onto one basis"
    new_method = changes([value(2019, ("not_comparable",)), value(2020), value(2021,
                                                                             ("not_comparable",))])
    assert [c.comparable for c in new_method] == [True, True, False]  # the flag's year only
    assert change_note(new_method[2]) == "not meaningful: not_comparable"
    moved = changes([value(2020, basis=(("definition", "trainings held"),)),
                     value(2023, basis=(("definition", "education activities"),))])[1]
    assert (moved.comparable, moved.basis_changed) == (False, (
        ("definition", "trainings held", "education activities"),))
    assert change_note(moved) == ("not meaningful: the definition changed from 'trainings "
                                  "held' to 'education activities'")
    both_ways = changes([value(2020, basis=(("definition", "a"),)),
                         value(2021, ("not_comparable",), (("definition", "b"),))])[1]
    assert change_note(both_ways) == ("not meaningful: not_comparable; the definition changed "
                                      "from 'a' to 'b'")
    across = changes([value(2018, ("restated",)), value(2020, ("restated",))])[1]
    assert change_note(across) == "against 2018, both years restated onto one basis"


def test_a_change_across_a_gap_says_against_which_year() -> None:
    def value(year: int, number: int, flags: tuple[str, ...] = ()) -> Value:
        return Value("c", "m", year, D(number), "t", Kind.reported, flags=flags)

    out = changes([value(2020, 120), value(2018, 100), value(2021, 0), value(2022, 5)])
    assert [change_note(c) for c in out] == ["first year", "against 2018", "", ""]
    assert [c.change_pct for c in out] == [None, D("20.00"), D("-100.00"), None]
    assert [c.change for c in out] == [None, D(20), D(-120), D(5)]
    flagged = changes([value(2019, 1), value(2020, 2, ("not_comparable",))])
    assert change_note(flagged[1]) == "not meaningful: not_comparable"


def test_convert_scales_the_value_and_its_inputs(tiny_catalog) -> None:
    value = value_of(tiny_catalog, "tiny-group", "energy", 2020, CALORIFIC)
    assert isinstance(value, Value)
    gj = convert(value, "GJ")
    assert gj.unit == "GJ" and gj.value == TINY_2020_ENERGY * D("29.3076")
    assert gj.inputs[0].contribution == D("14748") * D("29.3076")
    assert convert(value, None) is value and convert(value, "tce") is value


def test_show_lists_a_company_year_by_category(tiny_catalog) -> None:
    values = show(tiny_catalog, "tiny-group", 2020)
    assert [v.metric for v in values] == [
        "energy", "electricity", "gasoline", "diesel", "ghg", "ghg_scope1", "ghg_scope2",
        "employees", "turnover", "turnover_m", "turnover_f", "revenue"]
    with pytest.raises(NotFoundError, match="tiny-group reports 2019, 2020"):
        show(tiny_catalog, "tiny-group", 2018)


def test_intensity_with_a_reported_ratio_and_an_implied_denominator(tiny_catalog) -> None:
    energy, revenue = tiny_catalog.metrics["energy"], tiny_catalog.metrics["revenue"]
    assert default_intensity_unit(tiny_catalog, energy, revenue) == "kgce/(10^4 CNY)"
    assert default_intensity_unit(tiny_catalog, tiny_catalog.metrics["ghg"], revenue) == \
        "tCO2e/(10^6 CNY)"
    assert default_intensity_unit(tiny_catalog, tiny_catalog.metrics["ghg"],
                                  tiny_catalog.metrics["employees"]) == "tCO2e/person"
    result = compare_intensity(tiny_catalog, energy, revenue)
    assert result.year == YearChoice(2020, YearRule.common)
    sub, group = result.rows
    assert (sub.numerator.company, sub.value, sub.denominator.kind) == ("tiny-sub", D(50),
                                                                       Kind.implied)
    assert sub.denominator.value == D(3_000_000_000)
    assert sub.reported is None  # the ratio that implied the denominator is not set beside it
    assert sub.difference_pct is None
    # a reported total of unknown electricity basis beside a derived one
    assert sub.flags == ("approx", "basis_differs", "implied")
    assert "basis_differs" in group.numerator.flags
    assert basis_text(sub.denominator) == (
        "implied: energy 15000 tce / energy_intensity_revenue 50 kgce/(10^4 CNY) "
        "[sub.txt:1, sub.txt:2]")
    assert group.numerator.company == "tiny-group"
    assert group.value == D("1.2E+2")  # 124.9166208333..., to its inputs' 2 digits
    assert group.reported is None and group.difference_pct is None


def test_intensity_per_itself_and_without_data(tiny_catalog) -> None:
    ghg = tiny_catalog.metrics["ghg"]
    with pytest.raises(NoDataError, match="per itself"):
        compare_intensity(tiny_catalog, ghg, ghg)
    with pytest.raises(NoDataError, match="no company reports both 'turnover' and 'revenue'"):
        compare_intensity(tiny_catalog, tiny_catalog.metrics["turnover"],
                          tiny_catalog.metrics["revenue"], companies=["tiny-sub"])
    employees = compare_intensity(tiny_catalog, ghg, tiny_catalog.metrics["employees"])
    assert [r.numerator.company for r in employees.rows] == ["tiny-group"]
    # 7.0 萬噸 / 2100 = 33.09 to 33.58: 2 digits (33) would leave that range, so 33.3
    assert employees.rows[0].value == D("33.3")
    assert reason(employees.missing[0]) == "employees: not reported"


def test_checks_on_the_fixture(tiny_catalog) -> None:
    sums = list(check_sums(tiny_catalog))
    assert [(f.check, f.severity, f.company, f.year, f.expected, f.found) for f in sums] == [
        ("sum", Severity.warning, "tiny-group", 2020, D(75000), D(70000)),
        ("rate_range", Severity.warning, "tiny-group", 2020, None, D("5.0"))]
    assert sums[0].message == ("ghg differs from the sum of ghg_scope1 + ghg_scope2 "
                                        "by more than rounding explains (the parts as printed "
                                        "sum to 74000-76000)")
    assert sums[1].message == ("turnover 5 % lies outside the range of its sub-rates "
                                        "turnover_m, turnover_f (4-4.5 %)")
    grid = list(check_emission_factor(tiny_catalog))
    assert [(f.severity, f.metric, f.year, f.found) for f in grid] == [
        # 6.5 萬噸 / 1.2 億度: two printed digits each (docs/output.md#digits)
        (Severity.info, "ghg", 2019, D("0.65")), (Severity.info, "ghg_scope2", 2020, D("0.54"))]
    assert grid[1].message == (
        "ghg_scope2 / electricity = 0.54 tCO2e/MWh, within the plausible grid factors 0.5-0.9 "
        "(regional grid averages 0.53-0.88, national 0.5366-0.6101)")
    jumps = list(check_jumps(tiny_catalog))
    assert [(f.company, f.metric, f.year) for f in jumps] == [("tiny-group", "employees", 2020)]
    assert jumps[0].message == ("employees changed +110.0 % from 2019 to 2020, with no "
                                         "not_comparable flag or change of basis to explain it")
    assert [f.metric for f in check_jumps(tiny_catalog, D("0.15"))] == [
        "electricity", "employees", "revenue"]
    assert list(check_jumps(tiny_catalog, D("2"))) == []
    assert [f.severity for f in run_checks(tiny_catalog)] == [
        Severity.warning, Severity.warning, Severity.warning, Severity.info, Severity.info]


def test_the_api_dedupes_companies_and_resolves_names(tiny_catalog) -> None:
    result = api.compare(tiny_catalog, "carbon", companies=["tiny", "小小集團", "0001.HK"])
    assert [v.company for v in result.comparisons[0].values] == ["tiny-group"]
    by_code = api.compare(tiny_catalog, "A1.2").comparisons
    assert [c.metric.id for c in by_code] == ["ghg", "ghg_scope1", "ghg_scope2"]
    assert [c.metric.id for c in api.compare(tiny_catalog, "GRI 305-2").comparisons] == [
        "ghg", "ghg_scope2"]
    trend = api.trend(tiny_catalog, ["tiny", "tiny-group"], "ghg", unit="ktCO2e")
    assert list(trend.series) == ["tiny-group"]
    assert [(c.value.year, c.value.value) for c in trend.series["tiny-group"]] == [
        (2019, D("65.0")), (2020, D("70.0"))]
    with pytest.raises(NoDataError, match=r"^no company of those named reports 'employees' "
                                          r"\(Employees\)$"):
        api.trend(tiny_catalog, ["tiny-sub"], "employees")
    both = api.trend(tiny_catalog, ["tiny-sub", "tiny-group"], "employees")
    assert list(both.series) == ["tiny-group"]
    assert [(m.company, m.why) for m in both.missing] == [("tiny-sub", "not_reported")]
    shown = api.show(tiny_catalog, "Tiny Subsidiary", 2020, with_changes=True)
    assert shown.company.id == "tiny-sub" and shown.changes is not None
    assert shown.changes["ghg"].change == D(2000)


def test_the_derivation_rules_are_the_documented_coefficients() -> None:
    energy = rules().energy
    assert (energy.standard, energy.target, energy.electricity) == ("GB/T 2589-2020", "energy",
                                                                    "electricity")
    assert {c.metric: (c.amount, c.unit) for c in energy.components} == {
        "electricity": (D("0.1229"), "kgce/kWh"), "gasoline": (D("1.4714"), "kgce/kg"),
        "diesel": (D("1.4571"), "kgce/kg"), "natural_gas": (D("1.2143"), "kgce/m3"),
        "coal": (D("0.7143"), "kgce/kg"), "purchased_heat": (D("0.03412"), "kgce/MJ")}
    assert energy.generation_range == (D("0.1229"), D(1))


def test_a_company_without_values_reports_no_year(write) -> None:
    from esgcmp.load import load_files

    catalog = load_files([write("empty.yaml", "schema: 1\ncompanies:\n  bare: {name: Bare}\n")])
    with pytest.raises(NotFoundError) as caught:
        show(catalog, "bare", 2020)
    assert str(caught.value) == "unknown year '2020'; bare reports no year"


def test_a_change_is_in_the_unit_of_the_value(tiny_catalog) -> None:
    result = compare(tiny_catalog, tiny_catalog.metrics["ghg"], unit="ktCO2e",
                     with_changes=True)
    assert result.changes is not None
    group = result.changes["tiny-group"]
    assert (group.change, group.change_pct, group.value.unit) == (D("5.0"), D("8"), "ktCO2e")
    assert group.previous is not None and group.previous.value == D("65.0")
    energy = compare(tiny_catalog, tiny_catalog.metrics["energy"], with_changes=True,
                     basis=EnergyBasis(ElectricityBasis.generation, D("0.2229")))
    assert energy.changes is not None
    # one more 0.1 kgce per kWh on 20,000 MWh more electricity: 2,000 tce more change
    # (4479.9995 tce, to the thousands the components' printed ranges allow)
    assert energy.changes["tiny-group"].change == D("4E+3")
    assert energy.changes["tiny-sub"].previous is None


def test_an_implied_value_takes_the_first_ratio_with_data(write) -> None:
    from esgcmp.load import load_files
    from esgcmp.derive import implied_value

    from .conftest import TINY_CATALOG

    text = TINY_CATALOG.replace(
        "  employees: {name: Employees,",
        "  ghg_intensity_revenue: {name: GHG per revenue, category: environmental, "
        "unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}\n  employees: {name: Employees,")
    text = text.replace(
        "      - {metric: ghg, label: GHG, unit: tons, values: {2019: 30000, 2020: 32000}, "
        "source: s20, line: 3}",
        "      - {metric: ghg, label: GHG, unit: tons, values: {2019: 30000, 2020: 32000}, "
        "source: s20, line: 3, flags: [scope]}\n"
        "      - {metric: ghg_intensity_revenue, unit: 噸╱百萬元, values: {2019: 10, 2020: 16}, "
        "source: s20, line: 4, flags: [estimated]}")
    catalog = load_files([write("two.yaml", text)])
    revenue = catalog.metrics["revenue"]
    from esgcmp.values import value_of as find

    # 2019: no energy intensity, so the GHG intensity implies revenue: 30,000 t / 10 t per
    # RMB million = RMB 3,000 million
    implied = implied_value(catalog, "tiny-sub", revenue, 2019, CALORIFIC, find)
    assert implied is not None
    assert (implied.kind, implied.metric, implied.year, implied.unit, implied.value) == (
        Kind.implied, "revenue", 2019, "CNY", D(3_000_000_000))
    assert implied.flags == ("implied", "scope", "estimated")
    # 2020: the energy intensity, first, implies it
    implied = implied_value(catalog, "tiny-sub", revenue, 2020, CALORIFIC, find)
    assert implied is not None and implied.value == D(3_000_000_000)
    assert implied.flags == ("implied", "approx")
    assert implied_value(catalog, "tiny-group", revenue, 2020, CALORIFIC, find) is None
    # an energy intensity of 0 implies nothing: the GHG intensity does (32,000 t / 16)
    zero = load_files([write("zero.yaml", text.replace(
        "unit: 千克標準煤╱萬元, values: {2020: 50}", "unit: 千克標準煤╱萬元, values: {2020: 0}"))])
    implied = implied_value(zero, "tiny-sub", revenue, 2020, CALORIFIC, find)
    assert implied is not None and implied.value == D(2_000_000_000)


def test_an_implied_denominator_from_a_derived_numerator_follows_the_basis(write) -> None:
    from esgcmp.load import load_files
    from esgcmp.derive import implied_value
    from esgcmp.values import value_of as find

    from .conftest import TINY_CATALOG

    text = TINY_CATALOG.replace(
        "      - {metric: revenue, label: Revenue, unit: 億元, values: {2019: 10, 2020: 12}, "
        "source: t20, line: 6}",
        "      - {metric: energy_intensity_revenue, unit: 千克標準煤╱萬元, values: {2020: 100}, "
        "source: t20, line: 6}")
    catalog = load_files([write("derived.yaml", text)])
    revenue = catalog.metrics["revenue"]
    calorific = implied_value(catalog, "tiny-group", revenue, 2020, CALORIFIC, find)
    generation = implied_value(catalog, "tiny-group", revenue, 2020,
                               EnergyBasis(ElectricityBasis.generation, D("0.2229")), find)
    assert calorific is not None and generation is not None
    # 14,989.9945 tce (2 digits its components' printed ranges allow) / 100 kgce per 10^4
    assert calorific.value == D("1.5E+9")
    assert calorific.how.full == TINY_2020_ENERGY * 1000 / 100 * 10_000
    assert generation.how.full == (TINY_2020_ENERGY + 12000) * 1000 / 100 * 10_000
    assert calorific.flags == ("implied", "derived", "restated")


def test_a_metric_named_like_a_code_is_that_metric(write) -> None:
    from esgcmp.load import load_files

    catalog = load_files([write("code.yaml", """
        schema: 1
        metrics:
          a2.1: {name: Odd, category: social, unit: t}
          water: {name: Water, category: environmental, unit: t, hkex: [A2.1]}
        """)])
    assert [m.id for m in catalog.resolve_metrics("A2.1")] == ["a2.1"]
    assert [m.id for m in catalog.resolve_metrics("a2.1")] == ["a2.1"]


def test_nobody_reports_it(write) -> None:
    from esgcmp.load import load_files

    catalog = load_files([write("none.yaml", """
        schema: 1
        metrics:
          water: {name: Water, category: environmental, unit: t}
        companies:
          co: {name: Co}
        """)])
    with pytest.raises(NoDataError) as caught:
        compare(catalog, catalog.metrics["water"])
    assert str(caught.value) == "no company reports 'water' (Water)"


def test_an_energy_basis_is_checked_and_accepts_plain_names(tiny_catalog) -> None:
    from esgcmp.errors import UsageError

    basis = EnergyBasis("generation", D("0.3"))  # type: ignore[arg-type]
    assert basis.electricity is ElectricityBasis.generation
    value = value_of(tiny_catalog, "tiny-group", "energy", 2020, basis)
    assert isinstance(value, Value)
    assert value.value == TINY_2020_ENERGY + D("120000") * (D("0.3") - D("0.1229"))
    for wrong in (("generation", None), ("generation", D(1)), ("generation", D(0)),
                  ("calorific", D("0.3"))):
        with pytest.raises(UsageError):
            EnergyBasis(*wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EnergyBasis("hydro")  # type: ignore[arg-type]


def test_an_unknown_metric_is_named_before_an_unknown_denominator(tiny_catalog) -> None:
    with pytest.raises(NotFoundError, match="unknown metric 'nothing'"):
        api.intensity(tiny_catalog, "nothing", "neither")


def test_years_of_one_company_or_of_all(tiny_catalog) -> None:
    assert tiny_catalog.years() == [2019, 2020]
    assert tiny_catalog.years("tiny-sub") == [2019, 2020]
    assert tiny_catalog.years("tiny-sub", "energy") == [2020]
    assert tiny_catalog.years(metric="ghg_scope1") == [2020]
    assert tiny_catalog.years(metric="employees") == [2019, 2020]


def test_an_energy_basis_says_what_is_wrong() -> None:
    from esgcmp.errors import UsageError

    with pytest.raises(UsageError) as caught:
        EnergyBasis(ElectricityBasis.calorific, D("0.3"))
    assert str(caught.value) == "a coefficient applies to the generation-equivalent basis only"
    with pytest.raises(UsageError) as caught:
        EnergyBasis(ElectricityBasis.generation, D("1.5"))
    assert str(caught.value) == ("the generation-equivalent basis needs the year's coefficient "
                                 "in kgce/kWh, between 0.1229 and 1, not 1.5")


def test_a_conversion_is_said_after_the_notes_as_a_sentence_of_its_own(write) -> None:
    from esgcmp.load import load_files
    from esgcmp.derive import reported

    catalog = load_files([write("notes.yaml", """
        schema: 1
        metrics:
          ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
        companies:
          co:
            name: Co
            sources:
              r: {file: r.txt}
            kpis:
              - {metric: ghg, label: GHG, unit: t, values: {2019: 1, 2020: {value: 2, notes: "Equals the parts."}, 2021: {value: 3, notes: no split}, 2022: {value: 4, notes: "範疇一加範疇二。"}}, source: r, line: 1}
        """)])
    assert [reported(catalog, "co", "ghg", year).notes for year in (2019, 2020, 2021, 2022)] == [
        "mass read as CO2e", "Equals the parts. Mass read as CO2e.",
        "no split; mass read as CO2e", "範疇一加範疇二。 Mass read as CO2e."]



def test_each_command_s_result_carries_its_data_warnings_and_exit_code(tiny_catalog) -> None:
    from esgcmp.errors import ExitCode
    from esgcmp.listviews import missing_message

    facts = {f.company.id: (f.years, f.values, f.sources)
             for f in api.companies(tiny_catalog).companies}
    assert facts == {"tiny-group": ([2019, 2020], 17, ["tiny.txt"]),
                     "tiny-sub": ([2019, 2020], 4, ["sub.txt"])}
    found = api.metrics(tiny_catalog, "ghg")
    assert ([m.id for m in found.metrics], found.companies) == (
        ["ghg", "ghg_scope1", "ghg_scope2"], {"ghg": 2, "ghg_scope1": 1, "ghg_scope2": 1})
    quoted = api.source(tiny_catalog, "tiny", "ghg", 2020)
    assert [(q.source.file, q.line, q.expected) for q in quoted.quotes] == [
        ("tiny.txt", 4, "7.0"), ("tiny.txt", 9, "7")]  # as printed, 7.0 and 7
    assert (quoted.warnings, quoted.exit_code) == (
        ("the reports are not at hand: give --sources DIR, set ESGCMP_SOURCES, or keep them "
         "beside the catalog that cites them",), ExitCode.OK)
    none = api.source(tiny_catalog, "tiny-sub", "employees", 2020)
    assert (none.quotes, none.exit_code) == ([], ExitCode.NOT_FOUND)
    assert missing_message(none) == "tiny-sub has no 'employees' for 2020: not reported"
