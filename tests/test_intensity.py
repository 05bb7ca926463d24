"""Intensity ratios, implied denominators, trends and charts."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from esgcmp.catalog import builtin_catalog_path
from esgcmp.load import load_files
from esgcmp.model import Value
from esgcmp.results import Intensity, IntensityComparison
from esgcmp.intensity import compare_intensity, default_intensity_unit
from esgcmp.precision import quotient
from esgcmp.values import changes
from esgcmp.views import change_note

D = Decimal
INTENSITY = ["per", "per_value", "per_unit", "intensity", "intensity_unit"]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def catalog():
    return load_files([builtin_catalog_path()])


def test_default_units_follow_what_companies_report(catalog) -> None:
    m = catalog.metrics
    assert default_intensity_unit(catalog, m["energy"], m["revenue"]) == "kgce/(10^4 CNY)"
    assert default_intensity_unit(catalog, m["ghg"], m["revenue"]) == "tCO2e/(10^6 CNY)"
    assert default_intensity_unit(catalog, m["water"], m["revenue"]) == "t/(10^6 CNY)"
    assert default_intensity_unit(catalog, m["water"], m["employees"]) == "t/person"
    assert default_intensity_unit(catalog, m["training_person_times"], m["employees"]) == \
        "person_times/person"


def test_ghg_per_revenue_2020_arithmetic(catalog) -> None:
    result = compare_intensity(catalog, catalog.metrics["ghg"], catalog.metrics["revenue"], 2020)
    by_company = {r.numerator.company: r for r in result.rows}
    unicom = by_company["china-unicom"]
    # 14.23 百萬噸 / 3038.4 億元 = 14,230,000 t / 303,840 RMB million = 46.8338...; to the
    # 4 significant digits of 14.23 (docs/output.md#digits)
    assert quotient(D(14230000) / D(303840)) == D("46.833859926276986")
    assert unicom.value == D("46.83")
    assert unicom.reported.value == D("46.6")
    assert unicom.difference_pct == D("0.5")  # 46.818-46.850 against 46.55-46.65
    telecom = by_company["china-telecom"]
    assert telecom.value == D("18.62")  # 886.6 *10,000 t / 4,762 *100 million yuan = 18.618...
    assert [r.numerator.company for r in result.rows] == [
        "china-comservice", "china-telecom", "china-unicom"]


def test_comservice_revenue_is_implied_never_reported(catalog) -> None:
    result = compare_intensity(catalog, catalog.metrics["energy"], catalog.metrics["revenue"])
    comservice = next(r for r in result.rows if r.numerator.company == "china-comservice")
    assert comservice.denominator.kind == "implied"
    assert "implied" in comservice.denominator.flags
    # 172,000 tce / 14.06 kgce per RMB 10,000 = RMB 172,000,000 / 14.06 x 10,000 =
    # 122,332,859,175, to the 3 significant digits of "approximately 172,000"
    assert comservice.denominator.value == D("1.22E+11")
    assert comservice.value == D("14.06")
    assert comservice.difference_pct is None  # agrees by construction
    telecom = next(r for r in result.rows if r.numerator.company == "china-telecom")
    assert telecom.numerator.kind == "derived"
    # 3,353,595.9932 tce (its components' printed ranges: +-1,700) / 47,620,000 = 70.424...
    assert telecom.value == D("70.4")


def test_energy_per_revenue_cli_columns(run) -> None:
    result = run("compare", "energy", "--per", "revenue", "-f", "csv")
    assert result.code == 0
    header = result.out.splitlines()[0].split(",")
    assert header[11:16] == INTENSITY
    data = {r["company"]: r for r in rows(result.out)}
    assert data["china-comservice"]["per_kind"] == "implied"
    assert data["china-comservice"]["intensity"] == "14.06"
    assert data["china-unicom"]["kind"] == "derived"
    assert data["china-unicom"]["intensity_unit"] == "kgce/(10^4 CNY)"
    assert data["china-unicom"]["per_value"] == "303840000000"


def test_water_per_employees_cli(run) -> None:
    data = json.loads(run("compare", "water", "--per", "employees", "-f", "json").out)
    unicom = next(r for r in data if r["company"] == "china-unicom")
    assert unicom["intensity"] == 61.91  # 1499 萬噸 / 242,121 persons: 1499's 4 digits
    assert (unicom["per_value"], unicom["per_unit"], unicom["intensity_unit"]) == (
        242121, "persons", "t/person")
    telecom = next(r for r in data if r["company"] == "china-telecom")
    assert telecom["kind"] == "missing"
    assert telecom["notes"] == ("not reported; printed only a change from 2019: 5.66 million "
                                "tons (water_consumption_decrease, CT CSR 2020, line 2653)")


def test_per_with_unit_override(run, on_intensities) -> None:
    data = rows(run("compare", "ghg", "--per", "revenue", "--unit", "kgCO2e/CNY", "-y", "2020",
                    *on_intensities, "-f", "csv").out)
    north = next(r for r in data if r["company"] == "north-mobile")
    # 14.23 / 3038.4 to the 4 significant digits of 14.23, in any unit
    assert north["intensity"] == "0.04683"
    assert north["intensity_unit"] == "kgCO2e/CNY"
    assert D(north["reported_intensity"]) == D("0.0466")


def test_incompatible_intensity_unit(run) -> None:
    result = run("compare", "ghg", "--per", "revenue", "--unit", "kgce/CNY")
    assert result.code == 5 and result.err.startswith("esgcmp: error: cannot convert")


def test_trend_series_with_change(run, on_groups) -> None:
    result = run("trend", "north-mobile", "ghg", *on_groups, "-f", "csv")
    assert result.code == 0
    data = rows(result.out)
    assert [(r["year"], r["value"], r["change"], r["change_pct"]) for r in data] == [
        ("2018", "13130000", "", ""), ("2019", "13200000", "70000", "0.5"),
        ("2020", "14230000", "1000000", "7.8")]  # 13.2 +-0.05 and 14.23 +-0.005 百萬噸
    assert result.out.splitlines()[0].split(",")[11:13] == ["change", "change_pct"]


def test_trend_counts_changes_between_years_restated_onto_one_basis(run) -> None:
    result = run("trend", "unicom", "electricity", "-f", "csv")
    data = rows(result.out)
    assert [r["flags"] for r in data] == ["restated"] * 3
    assert [r["change_note"] for r in data] == [
        "first year", "both years restated onto one basis", "both years restated onto one basis"]
    plain = run("trend", "unicom", "electricity", "-f", "plain").out
    assert ("china-unicom 2018, 2019, 2020: restated onto one basis by the report, so the "
            "changes between them are comparable.") in plain
    # one restated year says nothing of the changes; two do
    once = run("trend", "unicom", "electricity", "--to", "2018", "-f", "plain").out
    assert "restated onto one basis by the report" not in once
    twice = run("trend", "unicom", "electricity", "--to", "2019", "-f", "plain").out
    assert ("china-unicom 2018, 2019: restated onto one basis by the report, so the changes "
            "between them are comparable.") in twice


def test_trend_several_companies_and_chart_only_on_table(run) -> None:
    plain = run("trend", "china-unicom", "china-telecom", "ghg", "-f", "plain").out
    assert "china-telecom" in plain and "█" not in plain
    table = run("trend", "china-unicom", "ghg", "-f", "table").out
    assert "█" in table


def test_compare_chart_bars(run) -> None:
    out = run("compare", "ghg", "--chart", "-f", "plain").out
    lines = [line for line in out.splitlines() if line.startswith("china-")]
    assert lines[0].count("#") == 16  # the largest gets the full bar
    assert 9 <= lines[1].count("#") <= 10  # 8,866,000 / 14,230,000 of 16


def test_changes_skip_years() -> None:
    def value(year: int, number: int) -> Value:
        return Value("c", "m", year, D(number), "t", "reported")

    out = changes([value(2020, 120), value(2018, 100)])
    assert (out[1].change, out[1].change_pct, change_note(out[1])) == (D(20), D("20.00"), "against 2018")


def test_compare_with_change_column(run) -> None:
    data = rows(run("compare", "ghg", "--change", "-f", "csv").out)
    telecom = next(r for r in data if r["company"] == "china-telecom")
    assert (telecom["change"], telecom["change_pct"]) == ("1201000", "15.67")


def test_show_with_framework_order_and_change(run, on_groups) -> None:
    data = rows(run("show", "china-comservice", "2020", "--framework", "hkex", "-f", "csv").out)
    codes = [r["hkex"] for r in data if r["hkex"]]
    assert codes == sorted(codes) and codes[0] == "A1.2"
    data = rows(run("show", "north", "2020", "--change", *on_groups, "-f", "csv").out)
    ghg = next(r for r in data if r["metric"] == "ghg")
    # 14.23 - 13.2 百萬噸 = 1.03 +-0.055: to the place of 13.2's last digit
    assert (ghg["change"], ghg["change_pct"]) == ("1000000", "7.8")


def test_compare_accepts_a_framework_code(run, on_codes) -> None:
    data = rows(run("compare", "A1.2", *on_codes, "-f", "csv").out)
    assert [(r["metric"], r["value"]) for r in data] == [
        ("ghg", "1500"), ("ghg_scope1", "500"), ("ghg_scope2", "1000"),
        ("ghg_intensity_revenue", "15")]


def test_a_code_compares_the_metrics_that_have_values_and_names_the_others(
        run, tmp_path) -> None:
    from .catalogs import CODES, only, write_catalog

    scope3 = ("  ghg_scope3: {name: Other indirect GHG emissions (Scope 3), category: "
              "environmental, unit: tCO2e, hkex: [A1.2]}\n")
    text = CODES.replace("  gasoline:", scope3 + "  gasoline:")
    options = only(write_catalog(tmp_path, text, name="codes.yaml"))
    result = run("compare", "A1.2", *options, "-f", "csv")
    assert result.code == 0
    assert [r["metric"] for r in rows(result.out)] == [
        "ghg", "ghg_scope1", "ghg_scope2", "ghg_intensity_revenue"]
    assert result.err == ("esgcmp: warning: A1.2: no company reports 'ghg_scope3' (Other "
                          "indirect GHG emissions (Scope 3)); 'ghg_scope3' left out\n")
    none = run("compare", "A1.2", "--year", "2019", *options, "-f", "csv")
    assert (none.code, none.out) == (3, "")
    assert none.err == "esgcmp: error: unknown year '2019'; 'ghg' is reported for 2020\n"
    alone = run("compare", "ghg_scope3", *options, "-f", "csv")
    assert (alone.code, alone.out) == (3, "")
    assert alone.err == ("esgcmp: error: no company reports 'ghg_scope3' (Other indirect GHG "
                         "emissions (Scope 3))\n")


def _intensity(company: str, year: int, ghg: str, revenue: str, basis=()) -> Intensity:
    from esgcmp.model import Kind

    numerator = Value(company, "ghg", year, D(ghg), "t", Kind.reported)
    denominator = Value(company, "revenue", year, D(revenue), "CNY", Kind.reported, basis=basis)
    return Intensity(numerator, denominator, D(ghg) / D(revenue), "t/CNY")


def _year(year: int, rows, missing=()) -> IntensityComparison:
    from esgcmp.model import Metric, Origin, YearChoice, YearRule

    ghg = Metric("ghg", "GHG", "t", "environmental", Origin("x.yaml"))
    revenue = Metric("revenue", "Revenue", "CNY", "economic", Origin("x.yaml"))
    return IntensityComparison(ghg, revenue, "t/CNY", YearChoice(year, YearRule.requested),
                               list(rows), list(missing))


def test_an_intensity_changes_from_the_company_s_previous_year_unless_a_basis_changed() -> None:
    from esgcmp.intensity import intensity_changes

    other = (("definition", "group revenue"),)
    found = intensity_changes([_year(2021, [_intensity("co", 2021, "9", "3", other)]),
                               _year(2018, [_intensity("co", 2018, "4", "2")]),
                               _year(2020, [_intensity("co", 2020, "6", "2")])])
    assert list(found) == [("co", 2020), ("co", 2021)]  # the first year has none
    since_2018 = found[("co", 2020)]
    assert (since_2018.previous.numerator.year, since_2018.change, since_2018.change_pct,
            since_2018.comparable) == (2018, D(1), D("50.00"), True)
    across = found[("co", 2021)]
    assert (across.change, across.change_pct, across.comparable) == (None, None, False)
    assert [m.basis_changed for m in across.moves] == [
        (), (("definition", "not stated", "group revenue"),)]


def test_a_company_with_no_year_of_both_is_missing_once_for_a_reason_true_of_every_year() -> None:
    from esgcmp.intensity import never_both
    from esgcmp.model import Missing, Why

    in_2019 = Missing("b", Why.not_for_year, 2019, years=(2017,))
    never = Missing("b", Why.not_reported, 2020, per="revenue")
    found = never_both([_year(2019, [_intensity("co", 2019, "1", "1")],
                              [in_2019, Missing("co", Why.not_reported, 2019)]),
                        _year(2020, [], [never])])
    assert found == [never]
