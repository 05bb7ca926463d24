"""Options that do what a user means: a year range over years without values, water in
m3 (through the metric's density)."""

from __future__ import annotations

import csv
import io


def _rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_a_year_range_takes_the_years_with_values_and_says_which_are_absent(run,
                                                                          on_groups) -> None:
    result = run("compare", "ghg", "--years", "2017-2021", *on_groups, "-f", "csv")
    assert result.code == 0, result
    assert sorted({row["year"] for row in _rows(result.out)}) == ["2018", "2019", "2020"]
    assert result.err == ("esgcmp: warning: --years 2017-2021: no 'ghg' values in 2017, 2021; "
                          "those years left out\n")


def test_a_year_range_without_any_value_is_not_found(run, on_groups) -> None:
    result = run("compare", "ghg", "--years", "2021-2024", *on_groups, "-f", "csv")
    assert (result.code, result.out) == (3, "")
    assert result.err == ("esgcmp: error: unknown year '2021-2024'; 'ghg' is reported for "
                          "2018, 2019, 2020\n")


def test_a_year_list_names_each_year_so_an_unknown_one_is_an_error(run, on_groups) -> None:
    result = run("compare", "ghg", "--years", "2018,2021", *on_groups, "-f", "csv")
    assert (result.code, result.out) == (3, "")
    assert "unknown year '2021'" in result.err


def test_water_in_m3_through_its_density(run, on_groups) -> None:
    result = run("compare", "water", "--unit", "m3", "--year", "2020", *on_groups, "-f", "csv")
    assert (result.code, result.err) == (0, "")
    values = {row["company"]: (row["value"], row["unit"]) for row in _rows(result.out)}
    assert values["north-mobile"] == ("3100000", "m3")
    assert values["south-services"] == ("1500000", "m3")
    table = run("compare", "water", "--unit", "m3", "--year", "2020", *on_groups, "-f", "plain")
    assert "Converted from t to m3 at 1 t/m3 (the metric's density)." in table.out
    assert "density" not in run("compare", "water", "--year", "2020", *on_groups,
                                "-f", "plain").out
    kilolitres = run("compare", "water", "--unit", "ML", "--year", "2020", *on_groups,
                     "-f", "csv")
    assert {r["company"]: r["value"] for r in _rows(kilolitres.out)}["north-mobile"] == "3100"


def test_trend_of_water_in_m3(run, on_groups) -> None:
    result = run("trend", "water", "--unit", "m3", *on_groups, "-f", "csv")
    assert result.code == 0, result
    assert [(r["company"], r["value"], r["unit"]) for r in _rows(result.out)
            if r["value"]] == [("north-mobile", "3100000", "m3"),
                               ("south-services", "1500000", "m3")]


def test_a_unit_no_density_bridges_is_still_refused(run, on_groups) -> None:
    result = run("compare", "ghg", "--unit", "m3", *on_groups, "-f", "csv")
    assert (result.code, result.out) == (5, "")
    assert result.err.startswith("esgcmp: error: cannot convert 'tCO2e'")


def test_intensity_trend_since_a_base_year_with_its_cagr(run, write) -> None:
    from .test_options import INTENSITY_YEARS

    catalog = write("years.yaml", INTENSITY_YEARS)
    result = run("trend", "ghg", "--per", "revenue", "--from", "2017", "--no-builtin",
                 "--catalog", str(catalog), "-f", "csv")
    assert (result.code, result.err) == (0, "")
    rows = {(r["company"], r["year"]): r for r in _rows(result.out)}
    assert ("co", "2016") not in rows  # before --from
    assert rows[("co", "2017")]["base_note"] == "the base year"
    assert [rows[("co", y)][c] for y in ("2018", "2020") for c in
            ("base_year", "base_change", "base_change_pct", "cagr_pct")] == [
        # 1.5 ** (1/3) - 1 = 14.47 %, to the digit revenue's printed 1 億元 allows
        "2017", "0.02", "20", "20", "2017", "0.05", "50", "10"]
    broken = rows[("co", "2021")]
    assert (broken["base_change"], broken["cagr_pct"]) == ("", "")
    assert broken["base_note"] == ("not meaningful: ghg: not_comparable; revenue: "
                                   "not_comparable")
    assert "change_not_comparable" in broken["flags"].split(";")
    table = run("trend", "ghg", "--per", "revenue", "--from", "2017", "--no-builtin",
                "--catalog", str(catalog), "-f", "plain")
    assert "Since 2017" in table.out and "CAGR %" in table.out


def test_intensity_trend_wide(run, write) -> None:
    from .test_options import INTENSITY_YEARS

    catalog = write("years.yaml", INTENSITY_YEARS)
    result = run("trend", "ghg", "--per", "revenue", "--wide", "--no-builtin", "--catalog",
                 str(catalog), "-f", "csv")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0] == ("company,2016 (tCO2e/(10^6 CNY)),2017 (tCO2e/(10^6 CNY)),"
                        "2018 (tCO2e/(10^6 CNY)),2020 (tCO2e/(10^6 CNY)),"
                        "2021 (tCO2e/(10^6 CNY)),flags")
    # 12 t / 1 億元 is 0.12 to 0.24: one digit (docs/output.md#digits)
    assert lines[1].startswith("co,0,0.1,0.1,0.2,0.3,")
