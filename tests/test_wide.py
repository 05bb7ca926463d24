"""--wide: one row per company, a column per year or metric, units in the headings."""

from __future__ import annotations

import csv
import io


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_trend_wide_has_a_column_per_year(run, on_groups) -> None:
    result = run("trend", "ghg", "--wide", *on_groups, "-f", "csv")
    assert result.code == 0, result
    assert _table(result.out) == [
        ["company", "2018 (tCO2e)", "2019 (tCO2e)", "2020 (tCO2e)", "flags"],
        ["north-mobile", "13130000", "13200000", "14230000",
         "2018 (tCO2e): basis_differs;2019 (tCO2e): basis_differs;2020 (tCO2e): basis_differs"],
        ["south-services", "", "415800", "554400",
         "2019 (tCO2e): scope, approx, basis_differs;2020 (tCO2e): scope, approx, "
         "basis_differs"],
        ["south-telecom", "6900000", "7665000", "8866000",
         "2018 (tCO2e): basis_differs;2019 (tCO2e): basis_differs;2020 (tCO2e): basis_differs"]]
    assert ("Bases differ (flag basis_differs), compare with care: boundary 'the whole entity' "
            "(north-mobile, south-telecom) vs 'Group and certain large-scale subsidiaries' "
            "(south-services); scopes '1+2' (north-mobile) vs 'not stated' (south-services, "
            "south-telecom); definition 'not stated' (north-mobile, south-telecom) vs "
            "'emissions from energy consumption' (south-services).") in run(
                "trend", "ghg", *on_groups, "-f", "plain").out.splitlines()
    # in each year, the values flagged as compare flags them for that year
    compared = _table(run("compare", "ghg", "--years", "2018-2020", "--wide", *on_groups,
                          "-f", "csv").out)
    assert sorted(row[-1] for row in compared[1:]) == sorted(
        row[-1] for row in _table(result.out)[1:])


def test_compare_years_long_and_wide(run, on_groups) -> None:
    long = _table(run("compare", "ghg", "--years", "2019,2020", *on_groups, "-f", "csv").out)
    assert [(r[0], r[1], r[3]) for r in long[1:]] == [
        ("north-mobile", "2019", "13200000"), ("south-telecom", "2019", "7665000"),
        ("south-services", "2019", "415800"), ("north-mobile", "2020", "14230000"),
        ("south-telecom", "2020", "8866000"), ("south-services", "2020", "554400")]
    wide = _table(run("compare", "ghg", "--years", "2018-2020", "--wide", *on_groups, "-f",
                      "csv").out)
    assert wide[0] == ["company", "2018 (tCO2e)", "2019 (tCO2e)", "2020 (tCO2e)", "flags"]
    assert [row[:4] for row in wide[1:]] == [
        ["north-mobile", "13130000", "13200000", "14230000"],
        ["south-telecom", "6900000", "7665000", "8866000"],
        ["south-services", "", "415800", "554400"]]


def test_compare_several_metrics_wide(run, on_groups) -> None:
    wide = _table(run("compare", "ghg,electricity,water", "--wide", *on_groups, "-f",
                      "csv").out)
    assert wide[0] == ["company", "ghg 2020 (tCO2e)", "electricity 2020 (MWh)",
                       "water 2020 (t)", "flags"]
    # 310 萬噸 of water; 1,500,000 m3 at 1 t/m3
    assert [row[:4] for row in wide[1:]] == [
        ["north-mobile", "14230000", "17500000", "3100000"],
        ["south-telecom", "8866000", "24940000", ""],
        ["south-services", "554400", "", "1500000"]]


def test_several_metrics_long_is_one_table(run) -> None:
    rows = _table(run("compare", "ghg,water", "-f", "csv").out)
    assert sorted({r[2] for r in rows[1:]}) == ["ghg", "water"]


def test_show_wide_is_one_row(run) -> None:
    wide = _table(run("show", "ccs", "2020", "--wide", "-f", "csv").out)
    assert len(wide) == 2 and wide[0][:3] == ["company", "energy 2020 (tce)", "ghg 2020 (tCO2e)"]
    assert wide[1][:3] == ["china-comservice", "172000", "554400"]


def test_wide_refuses_what_it_would_ignore(run) -> None:
    for args, message in (
            (["compare", "ghg", "--wide"], "--wide needs several years (--years) or several "
                                           "metrics"),
            (["compare", "ghg", "--years", "2019,2020", "--wide", "--per", "revenue"],
             "--wide lays out values only"),
            (["compare", "ghg", "--year", "2020", "--years", "2019,2020"],
             "--year and --years together"),
            (["compare", "ghg", "--years", "20x"], "'20x' is not a range"),
            (["trend", "ghg", "--wide", "--from", "2019"], "--wide lays out values only"),
            (["show", "ccs", "2020", "--wide", "--change"], "--wide lays out values only")):
        result = run(*args)
        assert (result.code, result.out) == (2, ""), args
        assert message in result.err, args
