"""Printed units: every form in the seeds reads to the right magnitude and unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esgcmp.catalog import builtin_catalog_path
from esgcmp.load import load_files
from esgcmp.errors import UnitError
from esgcmp.units import conversion, parse_printed, target_factor

# (printed, metric unit, factor to the metric unit)
PRINTED_FORMS = [
    ("百萬噸", "tCO2e", "1000000"),  # bare mass under a GHG metric is CO2e
    ("萬噸", "t", "10000"),
    ("万吨", "t", "10000"),
    ("億度", "MWh", "100000"),
    ("亿度", "MWh", "100000"),
    ("*10,000 tons", "t", "10000"),
    ("*10,000 tons", "tCO2e", "10000"),
    ("hundred million kWh", "MWh", "100000"),
    ("million kilojoule", "GJ", "1"),  # 10^6 kJ = 1 GJ
    ("*10,000 cubic meters", "m3", "10000"),
    ("萬立方米", "m3", "10000"),
    ("tons of standard coal", "tce", "1"),
    ("萬噸標準煤", "tce", "10000"),
    ("kg of standard coal/RMB10,000", "kgce/(10^4 CNY)", "1"),
    ("千克標準煤╱ TB", "kgce/TB", "1"),
    ("kgce/TB", "kgce/TB", "1"),
    ("噸╱百萬元", "tCO2e/(10^6 CNY)", "1"),
    ("噸╱百萬元", "t/(10^6 CNY)", "1"),
    ("人次", "person_times", "1"),
    ("萬人次", "person_times", "10000"),
    ("person-time", "person_times", "1"),
    ("億元", "CNY", "100000000"),
    ("萬元", "CNY", "10000"),
    ("*100 million yuan", "CNY", "100000000"),
    ("*10,000 yuan", "CNY", "10000"),
    ("RMB million", "CNY", "1000000"),
    ("*10,000 people", "persons", "10000"),
    ("(*10,000 people)", "persons", "10000"),
    ("萬學時", "hours", "10000"),
    ("%", "percent", "1"),
    ("tons", "tCO2e", "1"),
    ("million tons", "t", "1000000"),
    ("ton", "t", "1"),
    ("人", "persons", "1"),
    ("個", "persons", "1"),  # a counter takes the metric's counting unit
    ("hour/person", "hours/person", "1"),
    ("小時", "hours/person", "1"),  # per-capita figure printed without 'per person'
    ("Gbps", "Gbps", "1"),
    ("車次", "vehicle_times", "1"),
    ("台次", "unit_times", "1"),
    # CO2-equivalent as reports spell it, a PDF converter's subscript set apart included
    ("tCO 2 e", "tCO2e", "1"),
    ("tonne of CO2-e", "tCO2e", "1"),
    ("tonne of CO₂e", "tCO2e", "1"),
    ("kt CO₂-eq.", "tCO2e", "1000"),
    ("tCO2eq", "tCO2e", "1"),
    ("t-CO2", "tCO2e", "1"),
    ("kg CO2e", "tCO2e", "0.001"),
    # a heading's thousands before the unit
    ("000 kWh", "MWh", "1"),
    ("'000 kWh", "MWh", "1"),
    ("GJ'000", "GJ", "1000"),
    # denominators as printed
    ("tCO 2 e/person", "tCO2e/person", "1"),
    ("tCO2e/full-time employee", "tCO2e/person", "1"),
    ("MWh/number of full-time employee", "MWh/person", "1"),
    ("tonne of CO₂e/ RMB10000", "tCO2e/(10^4 CNY)", "1"),
    ("tonnes of CO2e per sq.m.", "tCO2e/m2", "1"),
    ("kWh per employee", "kWh/person", "1"),
    ("per cent", "percent", "1"),
    ("m³", "m3", "1"),
    ("千公噸", "t", "1000"),  # 公噸, 公吨: the metric tonne
    ("公吨", "t", "1"),
]


@pytest.mark.parametrize(("printed", "unit", "factor"), PRINTED_FORMS)
def test_printed_form_converts_with_exact_factor(printed: str, unit: str, factor: str) -> None:
    assert conversion(printed, unit).factor == Decimal(factor)


def test_mass_under_ghg_metric_is_said_to_be_read_as_co2e() -> None:
    assert conversion("百萬噸", "tCO2e").note == "mass read as CO2e"
    assert conversion("萬噸", "t").note == ""


def test_every_unit_printed_in_the_builtin_catalog_converts() -> None:
    catalog = load_files([builtin_catalog_path()])
    units = {(o.unit, catalog.metrics[o.metric].unit) for o in catalog.observations.values()}
    assert len(units) > 40
    for printed, metric_unit in units:
        assert conversion(printed, metric_unit).factor > 0


def test_ton_is_the_metric_tonne_not_the_short_ton() -> None:
    assert target_factor("t", "kg") == Decimal(1000)
    assert conversion("tons", "kg").factor == Decimal(1000)


def test_standard_coal_is_29_3076_gj_per_tonne() -> None:
    assert target_factor("tce", "GJ") == Decimal("29.3076")


def test_persons_and_person_times_never_mix() -> None:
    with pytest.raises(UnitError, match="cannot convert '人次'"):
        conversion("人次", "persons")


def test_co2e_is_not_a_plain_mass_for_comparison_units() -> None:
    with pytest.raises(UnitError, match=r"cannot convert 'tCO2e' \(\[co2e\]\) to 't'"):
        target_factor("tCO2e", "t")


def test_unknown_printed_unit_is_a_unit_error() -> None:
    with pytest.raises(UnitError, match="unknown unit 'furlongs'"):
        parse_printed("furlongs")


def test_wrong_dimension_is_a_unit_error() -> None:
    with pytest.raises(UnitError, match="cannot convert '萬噸'"):
        conversion("萬噸", "MWh")


def test_magnitudes_parse_to_scale_and_unit() -> None:
    unit = parse_printed("hundred million kWh")
    assert (unit.scale, unit.expr) == (Decimal(10) ** 8, "kWh")
    unit = parse_printed("千克標準煤╱ TB")
    assert (unit.scale, unit.expr) == (Decimal(1), "kgce / (TB)")


def test_an_unclosed_parenthesis_is_not_read_away() -> None:
    with pytest.raises(UnitError, match=r"unknown unit '\(t'"):
        parse_printed("(t")
    assert parse_printed("(t)").expr == "t"
    assert parse_printed("((萬噸))").scale == Decimal(10000)


@pytest.mark.parametrize(("printed", "scale", "expr"), [
    ("人民幣億元", Decimal("1E8"), "CNY"), ("人民币万元", Decimal("1E4"), "CNY"),
    ("HK$100", Decimal(100), "HKD"), ("HK$ million", Decimal("1E6"), "HKD"),
    ("百萬港元", Decimal("1E6"), "HKD"), ("港幣億元", Decimal("1E8"), "HKD"),
    ("US$ million", Decimal("1E6"), "USD"), ("RMB10,000", Decimal("1E4"), "CNY"),
])
def test_currencies_as_printed(printed, scale, expr) -> None:
    from esgcmp.units import parse_printed

    unit = parse_printed(printed)
    assert (unit.scale, unit.expr) == (scale, expr)


def test_no_currency_becomes_another() -> None:
    from esgcmp.errors import UnitError
    from esgcmp.units import conversion

    assert conversion("港幣億元", "HKD").factor == Decimal("1E8")
    for printed, target in (("HK$100", "CNY"), ("億元", "HKD"), ("US$ million", "HKD")):
        with pytest.raises(UnitError, match="esgcmp never converts one currency into another"):
            conversion(printed, target)


def test_unit_option_refuses_another_currency(run) -> None:
    result = run("compare", "revenue", "--unit", "HKD")
    assert (result.code, result.out) == (5, "")
    assert result.err == ("esgcmp: error: cannot convert 'CNY' to 'HKD': CNY is not HKD, and "
                          "esgcmp never converts one currency into another (that takes an "
                          "exchange rate); give a unit in CNY\n")


def test_revenue_in_another_currency_is_read_but_never_converted_to_cny() -> None:
    # HKD'000 revenue is HKD: read, so that the row is placed by its dimension, and refused
    # by a metric per CNY, as no exchange rate is stated
    assert parse_printed("tCO2e/HKD'000 revenue").expr == "tCO2e / (HKD)"
    assert parse_printed("t CO₂-eq. / US$ million sales").scale == Decimal("0.000001")
    with pytest.raises(UnitError):
        conversion("tCO2e/HKD'000 revenue", "tCO2e/(10^6 CNY)")


def test_a_leading_000_is_thousands_never_zero() -> None:
    # before: '000 kWh' read the number 000 and failed on a multiplier of 0
    assert parse_printed("000 kWh").scale == Decimal(1000)
    with pytest.raises(UnitError):
        parse_printed("0 kWh")


def test_revenue_in_no_currency_is_no_unit() -> None:
    # "tCO2e/million revenue" is not a count of anything: read as one, a label saying
    # "per employee" would take it for persons
    with pytest.raises(UnitError, match="revenue in no currency"):
        parse_printed("tCO2e/million revenue")
    assert parse_printed("tCO2e/RMB million revenue").expr == "tCO2e / (CNY)"


def test_units_issuers_print_in_words() -> None:
    # the currency in brackets after the word revenue; the tonne spelled out
    read = parse_printed("Tonne carbon dioxide equivalent (CO₂-e)/Revenue (HKD million)")
    assert (read.expr, read.scale) == ("tCO2e / (HKD)", Decimal("0.000001"))
    assert parse_printed("tonnes of carbon dioxide equivalent").expr == "tCO2e"
    assert parse_printed("metric tonne").expr == "t"
    with pytest.raises(UnitError, match="revenue in no currency"):
        parse_printed("tCO2e/Revenue (million)")
