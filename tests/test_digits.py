"""Digits that mean something: a computed figure has the digits its printed inputs allow
(docs/output.md#digits), never a double's worth of noise."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esgcmp.cli import main
from esgcmp.precision import Range, ends, printed_range, shown, significant


def run_quietly(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def test_significant_digits_of_a_printed_figure() -> None:
    assert significant(D("45.40")) == 4
    assert significant(D("45.4")) == 3
    assert significant(D("0.05")) == 1
    assert significant(D("554400")) == 6
    assert significant(D("554400"), approx=True) == 4  # 約: its zeros are rounding
    assert significant(D("172000"), approx=True) == 3
    assert significant(D("0")) == 1


def test_a_trailing_zero_printed_narrows_the_range_tenfold() -> None:
    assert printed_range(D("45.40")) == Range(D("45.395"), D("45.405"))
    assert printed_range(D("45.4")) == Range(D("45.35"), D("45.45"))


def test_shown_rounds_at_the_width_of_the_range() -> None:
    assert shown(D("46.833859926276986"), Range(D("46.818"), D("46.850"))) == D("46.83")
    # no more significant digits than the least precise input, while inside the range
    assert shown(D("122332859174.96443"), Range(D("1.2190E+11"), D("1.2277E+11")), 3) == \
        D("1.22E+11")
    # 16.04 would leave 16.032-16.039: the range's own place wins
    assert shown(D("16.0353"), Range(D("16.032"), D("16.039")), 4) == D("16.035")
    # a range wider than the figure still leaves its first digit
    assert shown(D("0.02"), Range(D("-0.3"), D("0.5"))) == D("0.02")
    assert shown(D("25"), Range(D("-60"), D("140"))) == D("3E+1")  # half up, as ROUND
    # exact inputs, or none known: nothing to round away
    assert shown(D("1.23456"), Range(D(2), D(2))) == D("1.23456")
    assert shown(D("1.23456"), None) == D("1.23456")


def test_a_range_s_ends_are_rounded_outwards_at_the_figure_s_last_digit() -> None:
    assert ends(Range(D("46.8181"), D("46.8502")), D("46.83")) == [D("46.81"), D("46.86")]
    assert ends(Range(D("1.2190E+11"), D("1.2277E+11")), D("1.22E+11")) == [
        D("1.21E+11"), D("1.23E+11")]


def _csv(args: list[str]) -> list[dict[str, str]]:
    code, out, err = run_quietly([*args, "-f", "csv"])
    assert (code, err) == (0, "")
    return list(csv.DictReader(io.StringIO(out)))


def test_the_issue_s_examples_on_the_built_in_catalog() -> None:
    rows = {r["company"]: r for r in _csv(["compare", "ghg", "--per", "revenue"])}
    # was 122332859174.96443 CNY from "approximately 172,000" tce, and 4.531897674418605
    assert [(rows[c]["per_value"], rows[c]["intensity"], rows[c]["intensity_diff_pct"])
            for c in ("china-comservice", "china-telecom", "china-unicom")] == [
        ("122000000000", "4.53", ""), ("476200000000", "18.62", ""),
        ("303840000000", "46.83", "0.5")]
    # a reported value in another unit is exact decimal scaling, every digit kept
    units = {r["company"]: r["value"] for r in _csv(["compare", "ghg", "--unit", "MtCO2e"])}
    assert [units[c] for c in ("china-unicom", "china-telecom", "china-comservice")] == [
        "14.23", "8.866", "0.5544"]
    assert {r["company"]: r["value"] for r in _csv(["compare", "ghg"])}["china-unicom"] == \
        "14230000"
    # the denominator implied by CCS's own energy intensity gives that intensity back
    energy = {r["company"]: r["intensity"] for r in _csv(["compare", "energy", "--per",
                                                           "revenue"])}
    assert energy["china-comservice"] == "14.06"


def test_json_gives_the_ranges_of_an_intensity_and_of_an_implied_denominator() -> None:
    code, out, _ = run_quietly(["compare", "ghg", "--per", "revenue", "-f", "json"])
    assert code == 0
    rows = {r["company"]: r for r in json.loads(out, parse_float=D)}
    assert (rows["china-unicom"]["intensity_range"], rows["china-unicom"]["per_value_range"]) \
        == ([D("46.81"), D("46.86")], None)
    assert rows["china-comservice"]["per_value_range"] == [121000000000, 123000000000]
    code, out, _ = run_quietly(["compare", "ghg", "--per", "revenue", "-f", "csv"])
    assert "intensity_range" not in out  # a CSV cell holds one number


def test_csv_and_json_write_a_reported_value_with_every_printed_digit() -> None:
    rows = _csv(["trend", "ghg", "-c", "china-telecom"])
    # CT CSR 2020 prints 690.0: the value in tCO2e is a whole number, the printing is not
    assert [(r["value"], r["reported_value"]) for r in rows] == [
        ("6900000", "690.0"), ("7665000", "766.5"), ("8866000", "886.6")]
    code, out, _ = run_quietly(["trend", "ghg_intensity_revenue", "-c", "china-unicom", "-f",
                                "json"])
    assert code == 0
    assert '"reported_value": 45.40,' in out and '"reported_value": 45.13,' in out
    assert [r["reported_value"] for r in json.loads(out, parse_float=D)] == [
        D("45.13"), D("45.40"), D("46.6")]


def test_a_median_and_quartiles_have_the_last_digit_of_the_least_precise_figure() -> None:
    from esgcmp.rank import _spread

    spread = _spread([D("70"), D("61.91")])
    assert spread is not None
    assert (spread.median, spread.low_quartile, spread.high_quartile) == (
        D("66"), D("64"), D("68"))  # 65.955, 63.9325, 67.9775
    code, out, _ = run_quietly(["rank", "ghg", "--per", "revenue", "--include-flagged", "-f",
                                "plain"])
    assert code == 0
    assert ("3 companies ranked: median 18.62, quartiles 11.58-32.72, min 4.53, max 46.83 "
            "tCO2e/(10^6 CNY).") in out.splitlines()


# ---- the property: generated catalogs --------------------------------------------------

# a figure as a report prints it: 1.2E+3 is printed 1200, four digits
printed = st.builds(lambda digits, exponent: D(f"{D(digits).scaleb(exponent):f}"),
                    st.integers(1, 99999), st.integers(-3, 2))

CATALOG = """schema: 1
metrics:
  ghg: {{name: GHG, category: environmental, unit: tCO2e}}
  revenue: {{name: Revenue, category: economic, unit: CNY}}
companies:
  co:
    name: Co
    sources: {{r: {{file: r.txt}}}}
    kpis:
      - {{metric: ghg, label: GHG, unit: t, values: {{2018: {g0}, 2020: {g1}}}, source: r, line: 1}}
      - {{metric: revenue, label: Revenue, unit: 億元, values: {{2018: {r0}, 2020: {r1}}}, source: r, line: 2}}
"""


def _digits_allowed(number: D, span: Range) -> bool:
    """No digit finer than one place past the first digit the range leaves uncertain
    (past the figure's first digit when the range is wider than the figure)."""
    if not number:
        return True
    place = min((span.high - span.low).adjusted(), number.adjusted())
    exponent = number.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return exponent >= place - 1


def _json(args: list[str], catalog: Path) -> list[dict]:
    code, out, err = run_quietly([*args, "--no-builtin", "--catalog", str(catalog), "-f",
                                  "json"])
    assert (code, err) == (0, ""), err
    return json.loads(out, parse_float=D, parse_int=D)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(g0=printed, g1=printed, r0=printed, r1=printed)
def test_no_computed_number_has_more_digits_than_its_inputs_allow(g0, g1, r0, r1) -> None:
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "gen.yaml"
        catalog.write_text(CATALOG.format(g0=f"{g0:f}", g1=f"{g1:f}", r0=f"{r0:f}",
                                          r1=f"{r1:f}"), encoding="utf-8")
        intensities = _json(["trend", "ghg", "--per", "revenue", "--from", "2018"], catalog)
        values = _json(["trend", "ghg", "--from", "2018"], catalog)
        table = _csv(["trend", "ghg", "--per", "revenue", "--from", "2018", "--no-builtin",
                      "--catalog", str(catalog)])
    # CSV writes the very numbers JSON does, digit for digit
    computed = ("intensity", "change", "change_pct", "base_change", "base_change_pct",
                "cagr_pct", "intensity_diff_pct")
    assert [[row[c] for c in computed] for row in table] == [
        ["" if row[c] is None else f"{row[c].normalize():f}" if row[c] else "0"
         for c in computed] for row in intensities]
    ghg = {2018: printed_range(g0), 2020: printed_range(g1)}
    revenue = {2018: printed_range(r0), 2020: printed_range(r1)}
    # t per 億元 in tCO2e per 10^6 CNY
    spans = {year: ghg[year].over(revenue[year]).scaled(D("0.01")) for year in ghg}
    for row in intensities:
        year, intensity = int(row["year"]), row["intensity"]
        span = spans[year]
        assert span.low <= intensity <= span.high
        assert _digits_allowed(intensity, span)
        least = min(significant(g0), significant(r0)) if year == 2018 else min(
            significant(g1), significant(r1))
        if least < len(intensity.normalize().as_tuple().digits):
            # more digits than the least precise input only where fewer would leave the range
            coarser = intensity.quantize(D(1).scaleb(intensity.adjusted() - least + 1))
            assert not span.low <= coarser <= span.high
    base, last = spans[2018], spans[2020]
    now = intensities[-1]
    if now["change"] is not None:
        change = Range(last.low - base.high, last.high - base.low)
        assert change.low <= now["change"] <= change.high
        assert _digits_allowed(now["change"], change)
    series = {int(row["year"]): row for row in values}
    change = Range(ghg[2020].low - ghg[2018].high, ghg[2020].high - ghg[2018].low)
    assert change.low <= series[2020]["change"] <= change.high
    assert _digits_allowed(series[2020]["change"], change)
    pct = series[2020]["change_pct"]
    if pct is not None:
        low, high = ((ghg[2020].low / ghg[2018].high - 1) * 100,
                     (ghg[2020].high / ghg[2018].low - 1) * 100)
        assert low - D("0.005") <= pct <= high + D("0.005")  # at most 2 decimals
        assert _digits_allowed(pct, Range(low, high)) or pct.as_tuple().exponent == -2
    # reported values keep every printed digit (the JSON number drops only trailing zeros)
    assert series[2018]["value"] == g0 and series[2020]["value"] == g1


SCOPES = """schema: 1
metrics:
  ghg: {{name: GHG, category: environmental, unit: tCO2e, parts: [ghg_scope1, ghg_scope2]}}
  ghg_scope1: {{name: Scope 1, category: environmental, unit: tCO2e}}
  ghg_scope2: {{name: Scope 2, category: environmental, unit: tCO2e}}
companies:
  co:
    name: Co
    sources: {{r: {{file: r.txt}}}}
    kpis:
      - {{metric: ghg_scope1, label: Scope 1, unit: t, values: {{2020: {s1}}}, source: r, line: 1}}
      - {{metric: ghg_scope2, label: Scope 2, unit: 萬噸, values: {{2020: {s2}}}, source: r, line: 2}}
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s1=printed, s2=printed)
def test_a_derived_total_has_the_digits_its_components_allow(s1, s2) -> None:
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "gen.yaml"
        catalog.write_text(SCOPES.format(s1=f"{s1:f}", s2=f"{s2:f}"), encoding="utf-8")
        [row] = _json(["compare", "ghg"], catalog)
        plain = run_quietly(["compare", "ghg", "--no-builtin", "--catalog", str(catalog),
                             "-f", "plain"])[1]
    # the components' printed ranges, the second in 萬噸 (10,000 t)
    span = printed_range(s1) + printed_range(s2, factor=D(10000))
    full = s1 + s2 * 10000
    assert row["kind"] == "derived"
    assert span.low <= row["value"] <= span.high
    assert _digits_allowed(row["value"], span)
    assert row["value"] == shown(full, span)
    if span.low != span.high:
        low, high = row["value_range"]
        assert low <= span.low and span.high <= high
    if row["value"] != full:  # the full sum is said, with the range it stands for
        assert f"  sum {full.normalize():f} tCO2e, shown as" in plain
