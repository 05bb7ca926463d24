"""--chart-file: the SVG charts of compare, trend and rank, and the nice-numbers ticks."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from esgcmp.output import number_text
from esgcmp.svgchart import nice_ticks

SVG = "{http://www.w3.org/2000/svg}"

CHARTS = """
schema: 1
metrics:
  water: {name: Water consumption, category: environmental, unit: t}
companies:
  a: {name: 'A <b>&"x"', sources: {s: {file: a.txt}}, kpis: [
      {metric: water, unit: t, values: {2018: 100, 2019: 150, 2020: 200}, source: s, line: 7}]}
  b: {name: 乙公司, sources: {s: {file: b.txt}}, kpis: [
      {metric: water, unit: t, values: {2018: 400, 2019: {value: 500, flags: [not_comparable]}, 2020: 800.25}, source: s, line: 9}]}
  c: {name: C, sources: {s: {file: c.txt}}, kpis: []}
"""


@pytest.fixture
def on_charts(write) -> tuple[str, ...]:
    return ("--no-builtin", "--catalog", str(write("charts.yaml", CHARTS)))


def _svg(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # raises on a file that is not well-formed


def _text(root: ET.Element) -> str:
    return "\n".join("".join(element.itertext()) for element in root.iter()
                     if element.tag in (f"{SVG}text", f"{SVG}title"))


def _csv(run, *args: str) -> list[dict[str, str]]:
    result = run(*args, "-f", "csv")
    assert (result.code, result.err) == (0, ""), result
    return list(csv.DictReader(io.StringIO(result.out)))


def _nothing_fetched(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert "<script" not in raw.lower()
    assert re.findall(r"https?://[^\"' <]+", raw) == ["http://www.w3.org/2000/svg"]
    root = _svg(path)
    assert root.get("viewBox", "").startswith("0 0 ")
    assert "sans-serif" in root.get("font-family", "")
    assert "Noto Sans CJK SC" in root.get("font-family", "")


def test_compare_bars_hold_every_value_flag_and_source_of_the_csv(run, on_charts,
                                                                  tmp_path) -> None:
    target = tmp_path / "water.svg"
    result = run("compare", "water", "--year", "2019", *on_charts, "--chart-file", str(target),
                 "-f", "csv")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("company,year,metric,value")  # the output still on stdout
    _nothing_fetched(target)
    root = _svg(target)
    text = _text(root)
    rows = _csv(run, "compare", "water", "--year", "2019", *on_charts)
    assert [(r["company"], r["value"], r["flags"]) for r in rows] == [
        # the jump 2019 -> 2020 suspects 2020, not the 500 it starts from
        ("b", "500", "not_comparable"), ("a", "150", ""), ("c", "", "")]
    for row in rows[:2]:
        assert number_text(Decimal(row["value"])) in text
        assert f": {row['value']} t" in text  # every digit, in the bar's tooltip
    assert "not_comparable" in text
    assert 'A <b>&"x"' in text and "乙公司" in text  # the hostile name is text
    assert not any(element.tag == f"{SVG}b" for element in root.iter())
    assert "a.txt" in text and "b.txt" in text
    assert "Not drawn (no value): C (" in text
    assert "Water consumption (water), t" in root.find(f"{SVG}title").text
    bars = [element for element in root.iter(f"{SVG}rect") if element.get("class") == "bar"]
    assert len(bars) == 2  # the company without a value is not drawn as zero
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[0] / widths[1] == pytest.approx(500 / 150, rel=1e-3)
    flagged = [element for element in root.iter(f"{SVG}path") if element.get("class") == "flag"]
    assert len(flagged) == 1


def test_compare_per_draws_the_intensity(run, on_intensities, tmp_path) -> None:
    target = tmp_path / "per.svg"
    result = run("compare", "ghg", "--per", "revenue", *on_intensities,
                 "--chart-file", str(target), "-f", "csv")
    assert result.code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.out)))
    text = _text(_svg(target))
    drawn = [row for row in rows if row["intensity"]]
    assert drawn
    for row in drawn:
        assert f": {row['intensity']} {row['intensity_unit']}" in text
        for flag in filter(None, row["flags"].split(";")):
            assert flag in text


def test_trend_has_one_line_per_company_with_a_point_a_year(run, on_charts, tmp_path) -> None:
    target = tmp_path / "trend.svg"
    result = run("trend", "water", *on_charts, "--chart-file", str(target), "-f", "json")
    assert result.code == 0, result
    _nothing_fetched(target)
    root = _svg(target)
    lines = list(root.iter(f"{SVG}polyline"))
    assert [line.find(f"{SVG}title").text for line in lines] == ['A <b>&"x"', "乙公司"]
    assert [len(line.get("points").split()) for line in lines] == [3, 3]
    text = _text(root)
    for row in _csv(run, "trend", "water", *on_charts):
        if row["value"]:
            assert number_text(Decimal(row["value"])) in text
            assert f"{row['year']}: {row['value']} t" in text
    assert "800.25" in text and "not_comparable" in text
    assert "Not drawn (no value): C (" in text
    # the heights of the points over the axis are proportional to the values
    a = [tuple(map(float, point.split(","))) for point in lines[0].get("points").split()]
    axis = max(float(line.get("y1")) for line in root.iter(f"{SVG}line"))
    assert (axis - a[2][1]) / (axis - a[0][1]) == pytest.approx(2, rel=1e-2)


def test_rank_bars_are_in_rank_order_with_the_reasons(run, on_charts, tmp_path) -> None:
    target = tmp_path / "rank.svg"
    result = run("rank", "water", "--year", "2019", *on_charts, "--chart-file", str(target))
    assert result.code == 0, result
    text = _text(_svg(target))
    rows = _csv(run, "rank", "water", "--year", "2019", *on_charts)
    assert [(r["company"], r["rank"], r["flags"]) for r in rows][:2] == [
        ("a", "1", ""), ("b", "", "not_comparable")]
    assert "1  A <b>&\"x\"" in text and "not ranked  乙公司" in text
    for row in rows:
        for word in filter(None, row["reasons"].split(";") + row["flags"].split(";")):
            assert word in text
        if row["value"]:
            assert f": {row['value']} t" in text


def test_png_is_a_usage_error_and_nothing_is_written(run, on_charts, tmp_path) -> None:
    target = tmp_path / "water.png"
    result = run("compare", "water", *on_charts, "--chart-file", str(target))
    assert result.code == 2
    assert result.out == ""
    assert "only .svg charts are written" in result.err
    assert not target.exists()


def test_a_failed_command_writes_no_chart(run, on_charts, tmp_path) -> None:
    target = tmp_path / "none.svg"
    result = run("compare", "water", "--year", "1999", *on_charts, "--chart-file", str(target))
    assert result.code == 3
    assert not target.exists()
    assert list(tmp_path.glob(".esgcmp-*")) == []


def test_an_existing_chart_is_kept_by_a_failed_command_and_replaced_by_one_that_succeeds(
        run, on_charts, tmp_path) -> None:
    target = tmp_path / "kept.svg"
    target.write_text("old", encoding="utf-8")
    failed = run("rank", "water", "--year", "1999", *on_charts, "--chart-file", str(target))
    assert failed.code == 3
    assert target.read_text(encoding="utf-8") == "old"
    done = run("rank", "water", "--year", "2020", *on_charts, "--chart-file", str(target))
    assert done.code == 0, done
    assert _svg(target).tag == f"{SVG}svg"


def test_a_missing_folder_is_a_usage_error(run, on_charts, tmp_path) -> None:
    result = run("trend", "water", *on_charts, "--chart-file", str(tmp_path / "no" / "t.svg"))
    assert result.code == 2
    assert "folder" in result.err and "does not exist" in result.err


@pytest.mark.parametrize(("low", "high", "ticks"), [
    ("0", "800.25", ["0", "200", "400", "600", "800", "1000"]),
    ("0", "14230000", ["0", "5000000", "10000000", "15000000"]),
    ("0", "0.37", ["0", "0.1", "0.2", "0.3", "0.4"]),
    ("-30", "70", ["-40", "-20", "0", "20", "40", "60", "80"]),
    ("0", "0", ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
])
def test_ticks_are_round_numbers_covering_the_values(low, high, ticks) -> None:
    assert [format(t, "f") for t in nice_ticks(Decimal(low), Decimal(high))] == ticks


def test_trend_per_draws_the_intensity_over_the_years(run, on_intensities, tmp_path) -> None:
    target = tmp_path / "trend-per.svg"
    result = run("trend", "ghg", "--per", "revenue", *on_intensities,
                 "--chart-file", str(target), "-f", "csv")
    assert result.code == 0, result
    rows = [row for row in csv.DictReader(io.StringIO(result.out)) if row["intensity"]]
    assert len({row["year"] for row in rows}) > 1
    root = _svg(target)
    text = _text(root)
    for row in rows:
        assert f"{row['year']}: {row['intensity']} {row['intensity_unit']}" in text
    lines = list(root.iter(f"{SVG}polyline"))
    assert sorted(len(line.get("points").split()) for line in lines) == sorted(
        [sum(1 for row in rows if row["company"] == company)
         for company in dict.fromkeys(row["company"] for row in rows)])


def test_negative_values_and_characters_xml_cannot_hold() -> None:
    from esgcmp.output import Report
    from esgcmp.svgchart import chart_svg

    report = Report(rows=[{"company": "a", "year": 2020, "value": Decimal("-30"),
                           "unit": "t", "flags": []},
                          {"company": "b", "year": 2020, "value": Decimal("60"),
                           "unit": "t", "flags": ["approx"]}],
                    columns=[], display=[], title="Net \x01water")
    root = ET.fromstring(chart_svg([report], "bars", names={"a": "A\x07co", "b": "B"}))
    text = _text(root)
    assert "Net water" in text and "Aco" in text and "-30" in text and "approx" in text
    bars = [element for element in root.iter(f"{SVG}rect") if element.get("class") == "bar"]
    assert float(bars[1].get("width")) / float(bars[0].get("width")) == pytest.approx(2)
    assert float(bars[0].get("x")) + float(bars[0].get("width")) == pytest.approx(
        float(bars[1].get("x")), abs=0.02)  # both start at zero, one on each side
