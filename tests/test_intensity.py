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
    # 14.23 百萬噸 / 3038.4 億元 = 14,230,000 t / 303,840 RMB million
    assert unicom.value == quotient(D(14230000) / D(303840)) == D("46.833859926276986")
    assert unicom.reported.value == D("46.6")
    assert unicom.difference_pct == D("0.50")
    telecom = by_company["china-telecom"]
    assert telecom.value == quotient(D(8866000) / D(476200))  # 886.6 *10,000 t / 4,762 *100 million yuan
    assert [r.numerator.company for r in result.rows] == [
        "china-comservice", "china-telecom", "china-unicom"]


def test_comservice_revenue_is_implied_never_reported(catalog) -> None:
    result = compare_intensity(catalog, catalog.metrics["energy"], catalog.metrics["revenue"])
    comservice = next(r for r in result.rows if r.numerator.company == "china-comservice")
    assert comservice.denominator.kind == "implied"
    assert "implied" in comservice.denominator.flags
    # 172,000 tce / 14.06 kgce per RMB 10,000 = RMB 172,000,000 / 14.06 x 10,000
    assert comservice.denominator.value == quotient(D(172000000) / D("14.06") * 10000)
    assert comservice.value == D("14.06")
    assert comservice.difference_pct is None  # agrees by construction
    telecom = next(r for r in result.rows if r.numerator.company == "china-telecom")
    assert telecom.numerator.kind == "derived"
    assert telecom.value == quotient(D("3353595.9932") * 1000 / D(47620000))


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
    assert unicom["intensity"] == pytest.approx(14990000 / 242121, rel=1e-12)
    assert (unicom["per_value"], unicom["per_unit"], unicom["intensity_unit"]) == (
        242121, "persons", "t/person")
    telecom = next(r for r in data if r["company"] == "china-telecom")
    assert telecom["kind"] == "missing" and telecom["notes"] == "not reported"


def test_per_with_unit_override(run) -> None:
    data = rows(run("compare", "ghg", "--per", "revenue", "--unit", "kgCO2e/CNY", "-y", "2020",
                    "-f", "csv").out)
    unicom = next(r for r in data if r["company"] == "china-unicom")
    # a quotient is written with float precision (17 significant digits), as in JSON
    assert float(unicom["intensity"]) == float(D(14230000000) / D(303840000000))
    assert D(unicom["reported_intensity"]) == D("0.0466")


def test_incompatible_intensity_unit(run) -> None:
    result = run("compare", "ghg", "--per", "revenue", "--unit", "kgce/CNY")
    assert result.code == 5 and result.err.startswith("esgcmp: error: cannot convert")


def test_trend_series_with_change(run) -> None:
    result = run("trend", "china-unicom", "ghg", "-f", "csv")
    assert result.code == 0
    data = rows(result.out)
    assert [(r["year"], r["value"], r["change"], r["change_pct"]) for r in data] == [
        ("2018", "13130000", "", ""), ("2019", "13200000", "70000", "0.53"),
        ("2020", "14230000", "1030000", "7.8")]
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


def test_show_with_framework_order_and_change(run) -> None:
    data = rows(run("show", "china-comservice", "2020", "--framework", "hkex", "-f", "csv").out)
    codes = [r["hkex"] for r in data if r["hkex"]]
    assert codes == sorted(codes) and codes[0] == "A1.2"
    data = rows(run("show", "china-unicom", "2020", "--change", "-f", "csv").out)
    ghg = next(r for r in data if r["metric"] == "ghg")
    assert (ghg["change"], ghg["change_pct"]) == ("1030000", "7.8")


def test_compare_accepts_a_framework_code(run) -> None:
    data = rows(run("compare", "A1.2", "-f", "csv").out)
    assert {r["metric"] for r in data} >= {"ghg", "ghg_scope1", "ghg_scope2"}
