"""Amounts printed in another currency than their metric's: kept in their own, converted
only with a rate the user gives (--fx, --fx-file), and marked with it (docs/rank.md)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from esgcmp.units import InOtherCurrency, in_other_currency

TWO_CURRENCIES = """
schema: 1
metrics:
  ghg: {name: GHG, category: environmental, unit: tCO2e}
  revenue: {name: Revenue, category: economic, unit: CNY}
  ghg_intensity_revenue: {name: GHG per revenue, category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}
companies:
  mainland:
    name: Mainland Telecom
    sources:
      r: {file: mainland.txt, title: Mainland ESG 2020}
    kpis:
      - {metric: revenue, label: 營業收入, unit: 億元, values: {2019: 10, 2020: 12}, source: r, line: 1}
      - {metric: ghg, label: GHG, unit: tCO2e, values: {2019: 5000, 2020: 6000}, source: r, line: 2}
  harbour:
    name: Harbour Telecom
    sources:
      r: {file: harbour.txt, title: Harbour ESG 2020}
    kpis:
      - {metric: revenue, label: Revenue, unit: HK$ million, values: {2019: 400, 2020: 500}, source: r, line: 1}
      - {metric: ghg, label: GHG, unit: tCO2e, values: {2019: 1100, 2020: 1200}, source: r, line: 2}
      - {metric: ghg_intensity_revenue, label: GHG per revenue, unit: tCO2e/HK$ million, values: {2020: 2.4}, source: r, line: 3}
"""

RATE_2020 = "HKD:CNY=0.8@2020-12-31"
NO_RATE_2020 = ("printed in HKD, not converted to CNY: no HKD→CNY rate for 2020 (give --fx "
                "HKD:CNY=RATE@2020-12-31)")


@pytest.fixture
def catalog(write) -> tuple[str, ...]:
    return ("--no-builtin", "--catalog", str(write("two.yaml", TWO_CURRENCIES)))


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("printed", "target", "expected"), [
    ("HK$ million", "CNY", InOtherCurrency(Decimal("1E+6"), "HKD", "CNY")),
    ("百萬港元", "CNY", InOtherCurrency(Decimal("1E+6"), "HKD", "CNY")),
    ("港幣億元", "CNY", InOtherCurrency(Decimal("1E+8"), "HKD", "CNY")),
    ("噸╱港幣百萬元", "t/(10^6 CNY)", InOtherCurrency(Decimal(1), "/HKD", "CNY")),
    ("RMB million", "HKD", InOtherCurrency(Decimal("1E+6"), "CNY", "HKD")),
    ("t", "CNY", None),  # not a currency at all: the conversion's own error says why
    ("CNY", "CNY", None),
])
def test_an_amount_in_another_currency_is_read_in_its_own(printed, target, expected) -> None:
    assert in_other_currency(printed, target) == expected


def test_a_value_in_another_currency_is_converted_with_the_rate_given(run, catalog) -> None:
    result = run("compare", "revenue", *catalog, "--fx", RATE_2020, "-f", "csv")
    assert result.code == 0, result
    assert [(r["company"], r["value"], r["unit"], r["reported_value"], r["reported_unit"],
             r["flags"], r["fx"]) for r in rows(result.out)] == [
        ("mainland", "1200000000", "CNY", "12", "億元", "", ""),
        ("harbour", "400000000", "CNY", "500", "HK$ million", "fx",
         "HKD→CNY 0.8 @2020-12-31 (--fx)")]
    plain = run("compare", "revenue", *catalog, "--fx", RATE_2020, "-f", "plain")
    assert ("harbour revenue 2020 converted from HK$ million: HKD→CNY 0.8 @2020-12-31 (--fx)."
            in plain.out.splitlines())


def test_without_a_rate_a_value_in_another_currency_is_not_mixed_in(run, catalog) -> None:
    result = run("compare", "revenue", *catalog, "-f", "csv")
    assert result.code == 0, result
    found = rows(result.out)
    assert "fx" not in found[0]  # the column comes only with a converted value
    assert [(r["company"], r["value"], r["kind"], r["notes"]) for r in found] == [
        ("mainland", "1200000000", "reported", ""), ("harbour", "", "missing", NO_RATE_2020)]


def test_a_rate_of_another_year_is_not_used(run, catalog) -> None:
    result = run("compare", "revenue", *catalog, "--fx", "HKD:CNY=0.8@2021-01-04", "-f", "csv")
    assert [(r["company"], r["value"], r["notes"]) for r in rows(result.out)][1] == (
        "harbour", "", NO_RATE_2020)


def test_the_latest_rate_of_the_year_is_used(run, catalog) -> None:
    result = run("compare", "revenue", *catalog, "--fx", "HKD:CNY=0.9@2020-06-30",
                 "--fx", RATE_2020, "--fx", "HKD:CNY=0.7@2019-12-31", "-f", "csv")
    assert [(r["value"], r["fx"]) for r in rows(result.out)][1] == (
        "400000000", "HKD→CNY 0.8 @2020-12-31 (--fx)")
    earlier = run("compare", "revenue", *catalog, "--year", "2019", "--fx", RATE_2020,
                  "--fx", "HKD:CNY=0.7@2019-12-31", "-f", "csv")
    assert [(r["value"], r["fx"]) for r in rows(earlier.out)][1] == (
        "280000000", "HKD→CNY 0.7 @2019-12-31 (--fx)")


def test_an_intensity_per_revenue_in_two_currencies(run, catalog) -> None:
    result = run("compare", "ghg", "--per", "revenue", *catalog, "--fx", RATE_2020, "-f", "csv")
    assert result.code == 0, result
    # 1,200 t / (500 HK$ million x 0.8) = 3; the reported 2.4 t per HK$ million / 0.8 = 3
    assert [(r["company"], r["per_value"], r["intensity"], r["reported_intensity"],
             r["flags"], r["fx"]) for r in rows(result.out)] == [
        ("harbour", "400000000", "3", "3", "fx", "revenue: HKD→CNY 0.8 @2020-12-31 (--fx)"),
        ("mainland", "1200000000", "5", "", "", "")]
    without = run("compare", "ghg", "--per", "revenue", *catalog, "-f", "csv")
    assert [(r["company"], r["intensity"], r["notes"]) for r in rows(without.out)] == [
        ("mainland", "5", ""), ("harbour", "", f"revenue: {NO_RATE_2020}")]


def test_rank_per_revenue_across_currencies(run, catalog) -> None:
    result = run("rank", "ghg", "--per", "revenue", *catalog, "--fx", RATE_2020, "-f", "csv")
    assert result.code == 0, result
    assert [(r["rank"], r["company"], r["value"], r["ranked"], r["fx"])
            for r in rows(result.out)] == [
        ("1", "harbour", "3", "True", "revenue: HKD→CNY 0.8 @2020-12-31 (--fx)"),
        ("2", "mainland", "5", "True", "")]
    plain = run("rank", "ghg", "--per", "revenue", *catalog, "--fx", RATE_2020, "-f", "plain")
    assert ("harbour converted: revenue: HKD→CNY 0.8 @2020-12-31 (--fx)."
            in plain.out.splitlines())


def test_a_trend_says_which_years_it_left_out_for_want_of_a_rate(run, catalog) -> None:
    result = run("trend", "revenue", "-c", "harbour", *catalog, "--fx", RATE_2020, "-f", "csv")
    assert result.code == 0, result
    assert [(r["year"], r["value"], r["fx"]) for r in rows(result.out)] == [
        ("2020", "400000000", "HKD→CNY 0.8 @2020-12-31 (--fx)")]
    assert result.err == ("esgcmp: warning: harbour revenue 2019 left out: printed in HKD, not "
                          "converted to CNY: no HKD→CNY rate for 2019 (give --fx "
                          "HKD:CNY=RATE@2019-12-31)\n")


def test_show_lists_a_value_in_the_currency_it_was_printed_in(run, catalog) -> None:
    result = run("show", "harbour", "2020", *catalog, "-f", "csv")
    assert [(r["metric"], r["value"], r["unit"]) for r in rows(result.out)
            if r["metric"] == "revenue"] == [("revenue", "500000000", "HKD")]


def test_a_rates_file_whose_rates_cite_their_source(run, catalog, write) -> None:
    rates = write("rates.toml", """
        # year-end central parity rates
        [[rate]]
        from = "HKD"
        to = "CNY"
        rate = 0.8416
        date = 2020-12-31
        source = "PBoC central parity, 31 Dec 2020"
        """)
    result = run("compare", "revenue", *catalog, "--fx-file", str(rates), "-f", "csv")
    assert result.code == 0, result
    assert [(r["value"], r["fx"]) for r in rows(result.out)][1] == (
        "420800000", f"HKD→CNY 0.8416 @2020-12-31 (PBoC central parity, 31 Dec 2020, "
                          f"{rates}:2)")


def test_a_rate_without_its_source_is_refused_with_its_line(run, catalog, write) -> None:
    rates = write("rates.toml", """
        [[rate]]
        from = "HKD"
        to = "CNY"
        rate = "0.8416"
        date = "2020-12-31"
        source = "PBoC"

        [[rate]]
        from = "USD"
        to = "CNY"
        rate = "6.5249"
        date = "2020-12-31"
        """)
    result = run("compare", "revenue", *catalog, "--fx-file", str(rates))
    assert (result.code, result.out) == (4, "")
    assert result.err == (f"esgcmp: error: {rates}:8: rate 2: no 'source'; every rate cites "
                          'its source, e.g. source = "PBoC central parity, 31 Dec 2020"\n')


@pytest.mark.parametrize(("given", "message"), [
    ("HKD:CNY=0.8", "--fx 'HKD:CNY=0.8' is not FROM:TO=RATE@DATE"),
    ("HKD=0.8@2020-12-31", "--fx 'HKD=0.8@2020-12-31': 'HKD' is not two currencies as FROM:TO"),
    ("HKD:CNY=0,8@2020-12-31", "--fx 'HKD:CNY=0,8@2020-12-31': rate '0,8' is not a number"),
    ("HKD:CNY=0@2020-12-31", "--fx 'HKD:CNY=0@2020-12-31': rate '0' is not a number above 0 "
                             "(at most 20 significant digits, between 1e-20 and 1e20)"),
    ("HKD:CNY=0.8@2020", "--fx 'HKD:CNY=0.8@2020': date '2020' is not a date as YYYY-MM-DD"),
])
def test_a_malformed_rate_names_the_bad_part(run, catalog, given, message) -> None:
    result = run("compare", "revenue", *catalog, "--fx", given)
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"esgcmp: error: {message}; e.g. --fx HKD:CNY=0.8912@2020-12-31 "
                          "(1 HKD = 0.8912 CNY on that day)\n")


def test_an_unknown_currency_is_a_usage_error(run, catalog) -> None:
    result = run("compare", "revenue", *catalog, "--fx", "EUR:CNY=7.8@2020-12-31")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("esgcmp: error: --fx 'EUR:CNY=7.8@2020-12-31': unknown currency "
                          "'EUR'; esgcmp knows CNY, HKD, USD\n")


def test_two_rates_for_one_day_are_refused(run, catalog) -> None:
    result = run("compare", "revenue", *catalog, "--fx", RATE_2020,
                 "--fx", "HKD:CNY=0.81@2020-12-31")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("esgcmp: error: two rates for HKD→CNY on 2020-12-31: 0.8 (--fx) and "
                          "0.81 (--fx); give one of them\n")


def test_export_lists_a_value_in_the_currency_it_was_printed_in(run, catalog) -> None:
    result = run("export", *catalog, "-c", "harbour", "-m", "revenue")
    assert result.code == 0, result
    assert [(r["year"], r["value"], r["unit"]) for r in rows(result.out)] == [
        ("2019", "400000000", "HKD"), ("2020", "500000000", "HKD")]


def test_source_quotes_a_value_in_another_currency(run, catalog) -> None:
    result = run("source", "harbour", "revenue", "2020", *catalog, "-f", "csv")
    assert result.code == 0, result
    assert [(r["source"], r["line"], r["printed"]) for r in rows(result.out)] == [
        ("harbour.txt", "1", "500")]


def test_show_gives_the_change_in_the_currency_printed(run, catalog) -> None:
    result = run("show", "harbour", "2020", "--change", *catalog, "-f", "csv")
    assert result.code == 0, result
    assert [(r["value"], r["unit"], r["change"], r["change_pct"]) for r in rows(result.out)
            if r["metric"] == "revenue"] == [("500000000", "HKD", "100000000", "25")]


@pytest.mark.parametrize(("text", "message"), [
    ('rate = [1, 2]\n', "{path}: a rates file holds [[rate]] tables only, at least one; see "
                        "docs/rank.md#currencies for its form"),
    ('[[rate]\n', "{path}: not a rates file (Expected ']]' at the end of an array declaration "
                  "(at line 1, column 7)); see docs/rank.md#currencies for its form"),
    ('[[rate]]\nfrom = "HKD"\nto = "CNY"\nrate = 0.8\ndate = 2020-12-31\nsource = "x"\n'
     'note = "y"\n', "{path}:1: rate 1: unknown key 'note'; a rate has from, to, rate, date "
                     "and source"),
    ('[[rate]]\nfrom = "EUR"\nto = "CNY"\nrate = 7.8\ndate = 2020-12-31\nsource = "x"\n',
     "{path}:1: rate 1: unknown currency 'EUR'; esgcmp knows CNY, HKD, USD"),
    ('[[rate]]\nfrom = "HKD"\nto = "CNY"\nrate = true\ndate = 2020-12-31\nsource = "x"\n',
     "{path}:1: rate 1: 'rate' must be a number; e.g. from = \"HKD\", to = \"CNY\", rate = "
     "\"0.8912\""),
    ('[[rate]]\nfrom = "HKD"\nto = "CNY"\nrate = 0.8\ndate = 2020-12-31T00:00:00\n'
     'source = "x"\n', "{path}:1: rate 1: date 2020-12-31 00:00:00 is not a date as "
                       "YYYY-MM-DD; e.g. date = 2020-12-31"),
    ('[[rate]]\nfrom = "HKD"\nto = "CNY"\nrate = -0.8\ndate = 2020-12-31\nsource = "x"\n',
     "{path}:1: rate 1: rate '-0.8' is not a number above 0 (at most 20 significant digits, "
     "between 1e-20 and 1e20); e.g. rate = \"0.8912\", date = 2020-12-31"),
])
def test_a_rates_file_that_is_not_one_is_a_catalog_error(run, catalog, tmp_path, text,
                                                           message) -> None:
    path = tmp_path / "rates.toml"
    path.write_text(text, encoding="utf-8")
    result = run("compare", "revenue", *catalog, "--fx-file", str(path))
    assert (result.code, result.out) == (4, "")
    assert result.err == f"esgcmp: error: {message.format(path=path)}\n"


def test_a_rates_file_that_is_not_there(run, catalog, tmp_path) -> None:
    result = run("compare", "revenue", *catalog, "--fx-file", str(tmp_path / "none.toml"))
    assert (result.code, result.out) == (4, "")
    assert result.err == f"esgcmp: error: {tmp_path / 'none.toml'}: rates file not found\n"


def test_an_intensity_trend_across_currencies(run, catalog) -> None:
    result = run("trend", "ghg", "--per", "revenue", *catalog, "--fx", RATE_2020, "-f", "csv")
    assert result.code == 0, result
    assert [(r["company"], r["year"], r["intensity"], r["fx"]) for r in rows(result.out)] == [
        ("harbour", "2020", "3", "revenue: HKD→CNY 0.8 @2020-12-31 (--fx)"),
        ("mainland", "2019", "5", ""), ("mainland", "2020", "5", "")]
    assert result.err == ("esgcmp: warning: harbour revenue 2019 left out: printed in HKD, not "
                          "converted to CNY: no HKD→CNY rate for 2019 (give --fx "
                          "HKD:CNY=RATE@2019-12-31)\n")


def test_the_report_page_converts_with_the_rates_given_and_says_so(run, catalog,
                                                                    tmp_path) -> None:
    page = tmp_path / "page.html"
    result = run("report", "-m", "ghg", "--per", "revenue", *catalog, "--fx", RATE_2020,
                 "-o", str(page))
    assert (result.code, result.out) == (0, "")
    html = page.read_text(encoding="utf-8")
    expected = rows(run("compare", "ghg", "--per", "revenue", *catalog, "--fx", RATE_2020,
                        "-f", "csv").out)
    harbour = next(r for r in expected if r["company"] == "harbour")
    assert "fx" in harbour["flags"].split(";")
    assert harbour["intensity"] == "3"  # 1200 t / (500 HK$ million x 0.8)
    assert "<dt>fx</dt>" in html and "0.8 @2020-12-31" in html
    without = run("report", "-m", "ghg", "--per", "revenue", *catalog, "-o", "-")
    assert without.code == 0
    assert "no HKD→CNY rate for 2020" in without.out
