"""Currencies are read, never converted into one another; water printed in cubic metres
counts as tonnes (1 m3 = 1 t) under a metric with that density."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from esgcmp.errors import UnitError
from esgcmp.units import conversion, parse_printed, target_factor

# (printed, comparison unit, factor)
CURRENCY_FORMS = [
    ("人民幣億元", "CNY", "100000000"),
    ("人民币亿元", "CNY", "100000000"),
    ("人民幣萬元", "CNY", "10000"),
    ("人民幣百萬元", "CNY", "1000000"),
    ("人民幣元", "CNY", "1"),
    ("RMB'000", "CNY", "1000"),
    ("RMB10,000", "CNY", "10000"),
    ("港元", "HKD", "1"),
    ("港幣", "HKD", "1"),
    ("億港元", "HKD", "100000000"),
    ("百萬港元", "HKD", "1000000"),
    ("港幣百萬元", "HKD", "1000000"),  # the 元 of a Hong Kong report is its dollar
    ("HK$", "HKD", "1"),
    ("HK$ million", "HKD", "1000000"),
    ("HK$'000", "HKD", "1000"),
    ("HK$10,000", "HKD", "10000"),
    ("HKD", "HKD", "1"),
    ("hong kong dollars", "HKD", "1"),
    ("US$ million", "USD", "1000000"),
    ("美元", "USD", "1"),
    ("噸╱港幣百萬元", "t/(10^6 HKD)", "1"),
]


@pytest.mark.parametrize(("printed", "unit", "factor"), CURRENCY_FORMS)
def test_currency_forms_convert_with_exact_factor(printed: str, unit: str, factor: str) -> None:
    assert conversion(printed, unit).factor == Decimal(factor)


@pytest.mark.parametrize(("printed", "unit"), [
    ("HK$10,000", "CNY"),  # was read as RMB 10,000
    ("HK$ million", "CNY"),
    ("港幣百萬元", "CNY"),
    ("億元", "HKD"),
    ("US$ million", "HKD"),
    ("噸╱港幣百萬元", "t/(10^6 CNY)"),
])
def test_one_currency_never_becomes_another(printed: str, unit: str) -> None:
    with pytest.raises(UnitError, match="esgcmp never converts one currency into another"):
        conversion(printed, unit)


def test_the_currency_refusal_says_what_to_do() -> None:
    with pytest.raises(UnitError) as caught:
        conversion("HK$ million", "CNY")
    assert str(caught.value) == (
        "cannot convert 'HK$ million' to 'CNY': HKD is not CNY, and esgcmp never converts "
        "one currency into another (that takes an exchange rate); enter HKD figures under a "
        "metric in HKD (docs/units.md#currencies)")
    with pytest.raises(UnitError) as caught:
        target_factor("CNY", "HKD")
    assert str(caught.value) == (
        "cannot convert 'CNY' to 'HKD': CNY is not HKD, and esgcmp never converts one "
        "currency into another (that takes an exchange rate); give a unit in CNY")


def test_a_currency_amount_keeps_its_currency() -> None:
    assert (parse_printed("US$10,000").scale, parse_printed("US$10,000").expr) == (
        Decimal(10000), "USD")


# (printed, metric unit, factor, note)
WATER_FORMS = [
    ("立方米", "t", "1", "volume read as mass at 1 t/m3"),
    ("萬立方米", "t", "10000", "volume read as mass at 1 t/m3"),
    ("m3", "t", "1", "volume read as mass at 1 t/m3"),
    ("m³", "t", "1", "volume read as mass at 1 t/m3"),
    ("cubic metres", "t", "1", "volume read as mass at 1 t/m3"),
    ("*10,000 cubic meters", "t", "10000", "volume read as mass at 1 t/m3"),
    ("million cubic metres", "t", "1000000", "volume read as mass at 1 t/m3"),
    ("立方米╱萬元", "t/(10^6 CNY)", "100", "volume read as mass at 1 t/m3"),
    ("萬噸", "t", "10000", ""),
    ("噸", "m3", "1", "mass read as volume at 1 t/m3"),
]


@pytest.mark.parametrize(("printed", "unit", "factor", "note"), WATER_FORMS)
def test_water_in_cubic_metres_is_tonnes(printed: str, unit: str, factor: str,
                                         note: str) -> None:
    found = conversion(printed, unit, "1 t/m3")
    assert (found.factor, found.note) == (Decimal(factor), note)


def test_a_volume_is_no_mass_without_a_density() -> None:
    with pytest.raises(UnitError, match=r"cannot convert '萬立方米'"):
        conversion("萬立方米", "t")


WATER = """
schema: 1
metrics:
  fuel_oil: {name: Fuel oil, category: environmental, unit: t}
companies:
  wet:
    name: Wet Co
    sources:
      r: {file: wet.txt, title: Wet ESG 2020}
    kpis:
      - {metric: water, label: 用水量, unit: 萬立方米, values: {2019: 120.5, 2020: 118}, source: r, line: 1}
"""


def test_compare_water_reads_cubic_metres_as_tonnes(run, write) -> None:
    path = write("wet.yaml", WATER)
    result = run("compare", "water", "--catalog", str(path), "-c", "wet", "-f", "csv")
    assert result.code == 0, result
    row = next(csv.DictReader(io.StringIO(result.out)))
    assert (row["value"], row["unit"], row["reported_value"], row["reported_unit"]) == (
        "1180000", "t", "118", "萬立方米")
    assert row["notes"] == "volume read as mass at 1 t/m3"
    plain = run("compare", "water", "--catalog", str(path), "-f", "plain").out
    assert "wet                 2020    1,180,000  reported  118 萬立方米" in plain


def test_a_metric_without_a_density_refuses_a_volume(run, write) -> None:
    path = write("oil.yaml", WATER.replace("metric: water, label: 用水量", "metric: fuel_oil, "
                                           "label: 燃料油"))
    result = run("compare", "fuel_oil", "--catalog", str(path))
    assert (result.code, result.out) == (4, "")
    assert result.err == (
        f"esgcmp: error: {path}:10: kpi 'fuel_oil': cannot convert '萬立方米' ([length] ** 3) "
        "to 't' ([mass]); the dimensions differ; check the unit and the metric\n")


@pytest.mark.parametrize(("density", "message"), [
    ("1 t", "'density' must be a mass per volume, not '1 t'; e.g. density: 1 t/m3 for water"),
    ("1 flubs/m3", "'density': unknown unit '1 flubs/m3'"),
])
def test_a_density_must_be_a_mass_per_volume(run, write, density: str, message: str) -> None:
    path = write("dense.yaml", WATER.replace("unit: t}", f"unit: t, density: {density}}}"))
    result = run("metrics", "--catalog", str(path))
    assert (result.code, result.out) == (4, "")
    assert result.err.startswith(f"esgcmp: error: {path}:")
    assert f"metric 'fuel_oil': {message}" in result.err


def test_a_density_of_your_own(run, write) -> None:
    path = write("oil.yaml", WATER.replace("unit: t}", "unit: t, density: 0.85 kg/L}").replace(
        "metric: water, label: 用水量, unit: 萬立方米", "metric: fuel_oil, label: 燃料油, unit: 萬升"))
    data = list(csv.DictReader(io.StringIO(
        run("compare", "fuel_oil", "--catalog", str(path), "-f", "csv").out)))
    assert (data[0]["value"], data[0]["notes"]) == ("1003", "volume read as mass at 0.85 kg/L")  # 1,180,000 L x 0.85 kg/L


HONG_KONG = """
schema: 1
metrics:
  revenue_hkd: {name: Revenue (HKD), category: economic, unit: HKD}
companies:
  harbour:
    name: Harbour Telecom
    sources:
      r: {file: harbour.txt, title: Harbour ESG 2020}
    kpis:
      - {metric: revenue_hkd, label: Revenue, unit: HK$ million, values: {2020: 500}, source: r, line: 1}
      - {metric: ghg, label: GHG, unit: tCO2e, values: {2020: 1200}, source: r, line: 2}
"""


def test_a_hong_kong_dollar_figure_under_a_yuan_metric_needs_a_rate(run, write) -> None:
    # kept in its own currency, never mixed with yuan: converted only at a rate the user
    # gives (tests/test_fx.py)
    path = write("hk.yaml", HONG_KONG.replace("metric: revenue_hkd, label", "metric: revenue, "
                                              "label"))
    result = run("compare", "revenue", "--catalog", str(path), "-c", "harbour", "-f", "csv")
    assert result.code == 0, result
    assert [(r["company"], r["value"], r["kind"], r["notes"])
            for r in csv.DictReader(io.StringIO(result.out))] == [
        ("harbour", "", "missing", "printed in HKD, not converted to CNY: no HKD→CNY rate for "
                                   "2020 (give --fx HKD:CNY=RATE@2020-12-31)")]


def test_a_metric_in_hong_kong_dollars_compares_in_them(run, write, groups) -> None:
    # layered over a catalog whose companies report no HKD figure
    catalogs = ("--no-builtin", "--catalog", str(groups), "--catalog",
                str(write("hk.yaml", HONG_KONG)))
    data = list(csv.DictReader(io.StringIO(
        run("compare", "revenue_hkd", *catalogs, "-f", "csv").out)))
    assert [(r["company"], r["value"], r["unit"], r["kind"]) for r in data] == [
        ("harbour", "500000000", "HKD", "reported"),
        ("north-mobile", "", "HKD", "missing"), ("south-services", "", "HKD", "missing"),
        ("south-telecom", "", "HKD", "missing")]
    result = run("compare", "revenue_hkd", *catalogs, "--unit", "CNY")
    assert (result.code, result.out) == (5, "")
    assert result.err == ("esgcmp: error: cannot convert 'HKD' to 'CNY': HKD is not CNY, and "
                          "esgcmp never converts one currency into another (that takes an "
                          "exchange rate); give a unit in HKD\n")
    intensity = list(csv.DictReader(io.StringIO(run(
        "compare", "ghg", "--per", "revenue_hkd", "-c", "harbour", *catalogs, "-f",
        "csv").out)))
    assert [(r["intensity"], r["intensity_unit"]) for r in intensity] == [
        ("2.4", "tCO2e/(10^6 HKD)")]


def test_extract_puts_water_in_cubic_metres_under_water(run, tmp_path) -> None:
    report = tmp_path / "wet.txt"
    report.write_text("環境績效\n指標 2019年 2020年\n用水量（萬立方米） 120.5 118\n", encoding="utf-8")
    result = run("extract", str(report), "-f", "csv")
    assert result.code == 0, result
    assert [(r["year"], r["metric"], r["normalized_value"], r["normalized_unit"])
            for r in csv.DictReader(io.StringIO(result.out))] == [
        ("2019", "water", "1205000", "t"), ("2020", "water", "1180000", "t")]
