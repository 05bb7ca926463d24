"""esgcmp extract: hand-written report texts for every form the reader must handle, and
the draft it makes loading as a catalog."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from esgcmp.load import load_files
from esgcmp.errors import ExitCode
from esgcmp.extract import (extract, period_of, read_cell, read_heading,
                            split_glued, year_of)


def values(text: str, **options) -> list[tuple[int, int, str, str, str]]:
    """(line, year, value, label, unit) of every value read from ``text``."""
    return [(f.line, f.year, str(f.value), f.label, f.unit)
            for f in extract(text, **options).values]


# ---- year headings -------------------------------------------------------------------

@pytest.mark.parametrize("heading, years", [
    ("Indicator 2018 2019 2020", (2018, 2019, 2020)),
    ("Indicator 2020 2019", (2020, 2019)),
    (" 類別 指標 單位 2018年 2019年 2020年", (2018, 2019, 2020)),
    ("項目 二零二四年 二零二三年", (2024, 2023)),
    ("KPI Year 2019 Year 2020", (2019, 2020)),
    ("KPI FY2019 FY2020", (2019, 2020)),
    ("Unit 2020", (2020,)),
])
def test_a_heading_gives_the_years_of_its_columns_in_order(heading: str, years) -> None:
    assert read_heading(heading).years == years


@pytest.mark.parametrize("line", [
    "In 2020 the group grew",  # a year inside a sentence
    "2020",  # one year alone, no heading word
    "Since 1990 2020",  # not a run of reporting years
    "Total 5 2019 2020",  # a number before the years
    "2019 2019",  # a year twice
])
def test_a_line_that_is_not_a_heading(line: str) -> None:
    assert read_heading(line) is None


def test_year_of_reads_every_form() -> None:
    assert [year_of(t) for t in ("2020", "2020年", "FY2020", "二零二零年", "２０２０", "12")] == \
        [2020, 2020, 2020, 2020, 2020, None]


# ---- rows ------------------------------------------------------------------------------

def test_rows_take_their_years_from_the_heading_even_in_reverse_order() -> None:
    text = "KPI 2020 2019\nWater (tons) 1,500 1,400\n"
    assert values(text) == [(2, 2020, "1500", "Water (tons)", "tons"),
                            (2, 2019, "1400", "Water (tons)", "tons")]


def test_a_unit_column_and_a_unit_of_two_tokens() -> None:
    text = (" 類別 指標 單位 2018年 2019年 2020年\n"
            "資產總額 億元 5403.2 5625 5806.2\n"
            "單位信息流量能耗5 千克標準煤╱ TB 3.71 3.48 2.83\n")
    found = extract(text).values
    assert [(f.line, f.year, f.value, f.label, f.unit) for f in found[:3]] == [
        (2, 2018, Decimal("5403.2"), "資產總額", "億元"),
        (2, 2019, Decimal("5625"), "資產總額", "億元"),
        (2, 2020, Decimal("5806.2"), "資產總額", "億元")]
    energy = found[3]
    assert (energy.label, energy.unit, energy.value, energy.footnote, energy.name) == \
        ("單位信息流量能耗5", "千克標準煤╱ TB", Decimal("3.71"), "5", "單位信息流量能耗")


def test_a_unit_inside_the_label() -> None:
    text = "Environment 2019 2020\nElectricity consumption (100 million kWh) 211.6 249.4\n"
    assert values(text)[0] == (2, 2019, "211.6", "Electricity consumption (100 million kWh)",
                               "100 million kWh")


def test_a_label_wrapped_over_lines_takes_the_values_on_the_later_line() -> None:
    text = ("Responsibility 2018 2019 2020\n"
            "Packet loss rate of backbone network of broadband Internet ChinaNet \n"
            "\n"
            "(%)\n"
            "0.06 0.03 0.06\n"
            "Number of trainees on energy saving (person-\n"
            "time)\n"
            "4,995 7,970 11,918\n")
    found = values(text)
    assert found[0] == (5, 2018, "0.06", "Packet loss rate of backbone network of broadband "
                                         "Internet ChinaNet (%)", "%")
    assert found[3] == (8, 2018, "4995", "Number of trainees on energy saving (person-time)",
                        "person-time")
    assert len(found) == 6


@pytest.mark.parametrize("label, name", [("汽油消耗量5", "汽油消耗量"), ("GHG emissions1", "GHG emissions"),
                                         ("員工¹", "員工"), ("CO2", "CO2"), ("4G基站", "4G基站")])
def test_a_footnote_marker_is_no_part_of_the_label_or_the_values(label: str, name: str) -> None:
    text = f"項目 單位 2019年 2020年\n{label} 萬噸 4.175 4.05\n"
    found = extract(text).values
    assert [(f.value, f.name, f.footnote) for f in found] == [
        (Decimal("4.175"), name, label[len(name):].replace("¹", "1")),
        (Decimal("4.05"), name, label[len(name):].replace("¹", "1"))]


@pytest.mark.parametrize("dash", ["—", "——", "-", "N/A", "不適用"])
def test_a_dash_is_not_disclosed_and_the_other_cells_keep_their_years(dash: str) -> None:
    text = f"KPI 2018 2019 2020\n5G base stations (*10,000) {dash} 8 38\n"
    assert [(y, v) for _l, y, v, _a, _u in values(text)] == [(2019, "8"), (2020, "38")]


@pytest.mark.parametrize("cell, value, printed, approx", [
    ("1,234,567", "1234567", "", False),
    ("１２３.５", "123.5", "１２３.５", False),
    ("12.5%", "12.5", "12.5%", False),
    ("(3.2)", "-3.2", "(3.2)", False),
    ("-3.2", "-3.2", "", False),
    ("2.2:1", "2.2", "2.2:1", False),
    ("1.50：1", "1.50", "1.50：1", False),
    ("約12", "12", "約12", True),
    ("35餘", "35", "35餘", True),
])
def test_cells(cell: str, value: str, printed: str, approx: bool) -> None:
    read = read_cell(cell)
    assert (str(read.value), read.printed, read.approx) == (value, printed, approx)


@pytest.mark.parametrize("token", ["AAA", "(%)", "12a", "(12", "1.2.3x", "P6"])
def test_what_is_not_a_cell(token: str) -> None:
    assert read_cell(token) is None


def test_a_space_inside_a_number_is_joined_and_flagged() -> None:
    text = "KPI 2018 2019 2020\nDisposed waste (ton) 105,021 106,034 90, 258\n"
    last = extract(text).values[-1]
    assert (last.year, last.value, last.printed, last.flags) == \
        (2020, Decimal("90258"), "90, 258", ("artefact",))


def test_glued_cells_with_as_many_decimals_are_split() -> None:
    assert [c.value for c in split_glued("12.3445.67")] == [Decimal("12.34"), Decimal("45.67")]
    text = "KPI 2019 2020\nRate (%) 12.3445.67\n"
    found = extract(text).values
    assert [(f.year, f.value, f.flags) for f in found] == [
        (2019, Decimal("12.34"), ("artefact",)), (2020, Decimal("45.67"), ("artefact",))]
    assert found[0].note == "printed '12.3445.67', read as 12.34 | 45.67"


def test_glued_cells_that_do_not_split_whole_make_the_row_unreadable() -> None:
    assert split_glued("1.2.34") is None  # 1.2 leaves ".34": no reading with 2 decimals each
    result = extract("KPI 2019 2020\nRate (%) 1.2.34\n")
    assert result.values == []
    assert [(u.line, u.why) for u in result.unreadable] == [
        (2, "cells glued together ('1.2.34') that do not split into numbers with as many "
            "decimals each")]


def test_a_row_with_fewer_cells_than_years_is_unreadable_not_guessed() -> None:
    result = extract("KPI 2018 2019 2020\nWater (tons) 1,500 1,400\n")
    assert result.values == []
    assert [(u.line, u.why) for u in result.unreadable] == [
        (2, "2 cells for 3 years (2018 2019 2020)")]


def test_several_tables_each_with_its_own_heading_and_a_repeated_heading() -> None:
    text = ("Employees 2019 2020\n"
            "Staff (person) 10 11\n"
            "Environment 2018 2019 2020\n"
            "Water (tons) 1 2 3\n"
            "Page 12\n"
            "Environment 2018 2019 2020\n"
            "Gas (tons) 4 5 6\n")
    assert [(line, year, value) for line, year, value, _l, _u in values(text)] == [
        (2, 2019, "10"), (2, 2020, "11"), (4, 2018, "1"), (4, 2019, "2"), (4, 2020, "3"),
        (7, 2018, "4"), (7, 2019, "5"), (7, 2020, "6")]


def test_prose_ends_a_table() -> None:
    text = ("KPI 2019 2020\nWater (tons) 1 2\n" + "word " * 30 + "\nSomething else 3 4\n")
    assert [line for line, *_rest in values(text)] == [2, 2]


# ---- prose -----------------------------------------------------------------------------

def test_prose_figures_with_hedges_and_their_own_years() -> None:
    text = ("In 2020, total energy consumption of the Group was approximately 172,000 tons of "
            "standard coal (2019: approximately 162,000 tons of standard coal).\n"
            "二零二四年，本集團開展安全生產檢查1,305次，共涉及3.6萬餘人次。\n")
    found = extract(text, prose=True).values
    assert [(f.line, f.year, f.value, f.unit, f.flags) for f in found] == [
        (1, 2020, Decimal("172000"), "tons of standard coal", ("prose", "approx")),
        (1, 2019, Decimal("162000"), "tons of standard coal", ("prose", "approx")),
        (2, 2024, Decimal("1305"), "次", ("prose",)),
        (2, 2024, Decimal("3.6"), "萬人次", ("prose", "approx"))]
    assert found[0].label == "total energy consumption of the Group was"


def test_prose_is_read_only_when_asked() -> None:
    assert extract("In 2020 we used 12 tons of water.\n").values == []


def test_prose_skips_years_and_codes() -> None:
    text = "In 2020, over 110 subsidiaries were certified to ISO45001 and 5G networks.\n"
    assert [(f.year, f.value, f.unit, f.flags) for f in extract(text, prose=True).values] == [
        (2020, Decimal("110"), "subsidiaries", ("prose", "approx"))]


# ---- the command -------------------------------------------------------------------------

REPORT = """ESG Report
Key performance indicators
 Indicator 2019 2020
Greenhouse gas emissions (tCO2e) 1,200 1,300
Water consumption (tons) — 5,000
Widgets made 7 8
"""

METRICS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  water: {name: Water consumption, category: environmental, unit: t}
companies: {}
"""


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "acme_2020.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


@pytest.fixture
def metrics_catalog(write) -> Path:
    return write("metrics.yaml", METRICS)


def test_csv_columns_are_the_contract(run, report: Path, metrics_catalog: Path) -> None:
    result = run("extract", str(report), "-f", "csv", "--no-builtin", "--catalog",
                 str(metrics_catalog))
    assert result.code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert list(rows[0])[:9] == ["line", "label", "unit", "year", "value", "metric", "flags",
                                 "normalized_value", "normalized_unit"]
    assert [(r["line"], r["year"], r["value"], r["metric"], r["flags"], r["normalized_value"],
             r["normalized_unit"]) for r in rows] == [
        ("4", "2019", "1200", "ghg", "", "1200", "tCO2e"),
        ("4", "2020", "1300", "ghg", "", "1300", "tCO2e"),
        ("5", "2020", "5000", "water", "", "5000", "t"),
        ("6", "2019", "7", "widgets_made", "new_metric", "7", "count"),
        ("6", "2020", "8", "widgets_made", "new_metric", "8", "count")]
    assert result.err == ""


def test_json_years_and_values_are_numbers(run, report: Path, metrics_catalog: Path) -> None:
    result = run("extract", str(report), "-f", "json", "--no-builtin", "--catalog",
                 str(metrics_catalog))
    first = json.loads(result.out)[0]
    assert (first["line"], first["year"], first["value"], first["label"], first["unit"]) == \
        (4, 2019, 1200, "Greenhouse gas emissions (tCO2e)", "tCO2e")


def test_the_draft_loads_as_a_catalog_with_every_value_on_its_line(
        run, report: Path, metrics_catalog: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    result = run("extract", str(report), "-o", str(draft), "--no-builtin", "--catalog",
                 str(metrics_catalog))
    assert (result.code, result.out, result.err) == (0, "", "")
    catalog = load_files([metrics_catalog, draft])
    assert catalog.companies["acme_2020"].name == "acme_2020"
    assert catalog.metrics["widgets_made"].unit == "count"
    got = {(o.metric, o.year, o.value, o.line) for o in catalog.observations.values()}
    assert got == {("ghg", 2019, 1200, 4), ("ghg", 2020, 1300, 4), ("water", 2020, 5000, 5),
                   ("widgets_made", 2019, 7, 6), ("widgets_made", 2020, 8, 6)}
    assert "# review: metric 'widgets_made' is proposed" in draft.read_text(encoding="utf-8")
    checked = run("check", "--no-builtin", "--catalog", str(metrics_catalog), "--catalog",
                  str(draft), "--sources", str(report.parent), "-f", "csv")
    assert checked.code == 0, checked
    assert "not found" not in checked.out


def test_company_and_source_ids_and_name(run, report: Path, metrics_catalog: Path) -> None:
    result = run("extract", str(report), "-c", "acme", "--name", "Acme Corp", "--source-id",
                 "esg-2020", "--no-builtin", "--catalog", str(metrics_catalog))
    assert "  acme:\n    name: \"Acme Corp\"" in result.out
    assert "      esg-2020: {file: \"acme_2020.txt\", language: en}" in result.out


def test_a_company_the_catalog_holds_is_added_to(run, report: Path) -> None:
    result = run("extract", str(report), "-c", "中國聯通")
    assert result.code == 0, result
    assert "  china-unicom:\n    # adds to the company" in result.out


def test_a_second_printing_of_the_same_figure_is_a_citation(run, tmp_path: Path,
                                                            metrics_catalog: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("KPI 2019 2020\nWater consumption (tons) 4 5\nText\n"
                    "KPI 2019 2020\nWater consumption (萬噸) 0.0004 0.0006\n", encoding="utf-8")
    result = run("extract", str(path), "--no-builtin", "--catalog", str(metrics_catalog))
    assert ("        also:\n          - {source: r, line: 5, label: \"Water consumption (萬噸)\", "
            "unit: \"萬噸\", values: {2019: 0.0004}}") in result.out
    # 2020 differs: a proposal, named apart from the vocabulary's label "Water consumption"
    assert "water_consumption_2: {name: \"Water consumption (line 5)\"" in result.out
    assert "'water' 2020 is 5 tons on line 2; this row prints 0.0006 萬噸" in result.out


@pytest.mark.parametrize("args, message", [
    (["missing.txt"], "missing.txt: report not found; give the report's PDF or text file"),
    (["{report}", "-f", "yaml", "--bom"], "--bom applies to CSV and TSV only, not to yaml output"),
    (["{report}", "--year", "2020"], "--year applies with --prose only"),
    (["{report}", "--force"], "--force applies with --output only"),
    (["{report}", "-o", "{report}"], "is the report itself"),
    (["{report}", "-o", "{existing}"], "exists; add --force to replace it"),
    (["{report}", "-o", "{folder}"], "is a folder"),
    (["{report}", "-c", "Bad Id"], "'Bad Id' is not an id"),
    (["{report}", "-f", "xml"], "'xml' is not one of"),
    ([""], "'' names no file"),
])
def test_bad_input_is_one_line_and_exit_2(run, report: Path, tmp_path: Path, args, message) -> None:
    existing = tmp_path / "reviewed.yaml"
    existing.write_text("mine\n", encoding="utf-8")
    args = [a.format(report=report, existing=existing, folder=tmp_path) for a in args]
    result = run("extract", *args)
    assert (result.code, result.out) == (ExitCode.USAGE, "")
    assert message in result.err and result.err.count("\n") == 1, result.err
    assert existing.read_text(encoding="utf-8") == "mine\n"


def test_a_report_that_is_not_utf8_names_its_line(run, tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("KPI 2019 2020\n".encode() + "用水 1 2\n".encode("gbk"))
    result = run("extract", str(path))
    assert (result.code, result.out) == (ExitCode.USAGE, "")
    assert f"{path}:2: the report is not UTF-8 text" in result.err


def test_force_replaces_and_unreadable_rows_are_warned(run, tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("KPI 2018 2019 2020\nWater (tons) 1 2\nGas (tons) 1 2 3\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    result = run("extract", str(path), "-f", "csv", "-o", str(target), "--force")
    assert (result.code, result.out) == (0, "")
    assert result.err == (f"esgcmp: warning: {path}:2: row not read (2 cells for 3 years "
                          "(2018 2019 2020)): Water (tons) 1 2\n")
    assert target.read_text(encoding="utf-8").splitlines()[1].startswith("3,Gas (tons),tons,2018,1,")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_no_table_is_said_on_stderr(run, tmp_path: Path) -> None:
    path = tmp_path / "prose.txt"
    path.write_text("Nothing but words.\n", encoding="utf-8")
    result = run("extract", str(path), "-f", "csv")
    assert result.code == 0
    assert result.out == ("line,label,unit,year,value,metric,flags,normalized_value,"
                          "normalized_unit,printed,footnote,notes,page,period,match\n")
    assert "no values found" in result.err


# ---- the draft's details (from mutation testing) ---------------------------------------------

def test_language_of_a_report() -> None:
    from esgcmp.draft import language

    assert [language(t) for t in ("Total energy consumption 綜合", "溫室氣體排放量 萬噸 節能",
                                  "温室气体排放量 万吨 节能", "Water 用水量 用水量 用水量 用水量")] == \
        ["en", "zh-Hant", "zh-Hans", "zh-Hant"]


def test_a_sentence_without_a_year_takes_the_year_the_report_names_most() -> None:
    from esgcmp.extract import report_year

    lines = ["In 2019 we began.", "二零二零年，我們", "2020年的報告", "During 2020 the water used was 12 tons."]
    assert report_year(lines) == 2020
    assert report_year(["No year at all."]) is None
    text = "Report 2021\nIn 2021 we grew.\nThe water used was 12 tons.\n"
    assert [(f.year, f.value) for f in extract(text, prose=True).values] == [(2021, Decimal("12"))]
    assert [(f.year, f.value) for f in extract(text, prose=True, year=2019).values] == \
        [(2019, Decimal("12"))]


def test_table_lines_are_not_read_again_as_prose() -> None:
    text = "KPI 2019 2020\nWater (tons) 4 5\n"
    assert [(f.line, f.year, f.flags) for f in extract(text, prose=True).values] == [
        (2, 2019, ()), (2, 2020, ())]


def test_damaged_hedged_and_negative_cells_keep_what_was_printed_in_the_draft(
        run, tmp_path: Path, metrics_catalog: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("KPI 2018 2019 2020\n"
                    "Water consumption (tons) 約12 (3.2) 90, 258\n"
                    "Rate (%) 1.2.34 5\n"
                    "Odd (furlongs) 1 2 3\n", encoding="utf-8")
    draft = tmp_path / "d.yaml"
    result = run("extract", str(path), "-o", str(draft), "--no-builtin", "--catalog",
                 str(metrics_catalog))
    assert result.code == 0, result
    text = draft.read_text(encoding="utf-8")
    assert text.splitlines()[3] == "# 6 values on 2 lines; 1 row unreadable; 2 proposed metrics."
    assert ("values: {2018: {value: 12, printed: \"約12\", flags: [approx]}, 2020: {value: 90258, "
            "printed: \"90, 258\", flags: [artefact], notes: \"printed '90, 258': a space inside "
            "the number\"}}") in text
    # water cannot be negative: the negative year goes to a proposed metric that can be
    assert ("  water_consumption_2: {name: \"Water consumption (line 2)\", "
            "category: environmental, unit: \"t\", signed: true}") in text
    assert "a negative value (2019), which 'water' cannot have" in text
    assert "values: {2019: {value: -3.2, printed: \"(3.2)\"}}" in text
    assert ("      # unreadable: line 3: cells glued together ('1.2.34') that do not split into "
            "numbers with as many decimals each: \"Rate (%) 1.2.34 5\"") in text
    assert ('      - metric: odd_furlongs\n        label: "Odd (furlongs)"\n        unit: "count"\n'
            '        values: {2018: 1, 2019: 2, 2020: 3}\n        source: r\n        line: 4\n'
            '        notes: "no unit printed"\n') in text  # (furlongs): no unit esgcmp reads
    catalog = load_files([metrics_catalog, draft])
    values = {(o.metric, o.year): o for o in catalog.observations.values()}
    assert (values["water", 2018].flags, values["water", 2018].printed) == (("approx",), "約12")
    assert (values["water", 2020].value, values["water", 2020].flags) == \
        (Decimal("90258"), ("artefact",))
    assert values["water_consumption_2", 2019].value == Decimal("-3.2")


def test_an_unknown_unit_and_prose_figures_are_comments_in_the_draft(
        run, tmp_path: Path, metrics_catalog: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("項目 單位 2019年 2020年\n用水量 立方碼 1 2\n"
                    "In 2020, the Group planted about 300 trees in 3 cities.\n", encoding="utf-8")
    result = run("extract", str(path), "--prose", "--no-builtin", "--catalog",
                 str(metrics_catalog))
    assert result.code == 0, result
    assert ("      # review: line 2 '用水量': unknown unit '立方碼' (cannot read '立方碼'); its "
            "values are in the csv and json output") in result.out
    assert ('      # prose, line 3: "the Group planted about 300 trees in": 3 cities (2020)'
            in result.out)  # "trees" is no unit esgcmp reads: 300 is not a value
    rows = run("extract", str(path), "--prose", "-f", "csv", "--no-builtin", "--catalog",
               str(metrics_catalog)).out.splitlines()
    assert rows[1:3] == ["2,用水量,立方碼,2019,1,,unit_unknown,,,,,unknown unit '立方碼' "
                         "(cannot read '立方碼'),,,",
                         "2,用水量,立方碼,2020,2,,unit_unknown,,,,,unknown unit '立方碼' "
                         "(cannot read '立方碼'),,,"]
    assert rows[3] == ("3,the Group planted about 300 trees in,cities,2020,3,,prose,,,,,"
                       "prose: no metric of the vocabulary has this label,,,")


# ---- line numbers -----------------------------------------------------------------------

def test_lines_are_counted_by_line_feeds_only() -> None:
    # pdftotext ends a page with a form feed; \r\n is one line end; VT, RS, NEL and U+2028
    # inside a line are no line ends for grep -n, check --sources or an editor
    text = ("KPI 2019 2020\r\nWater (tons) 1 2\n\fPage 2\x0b\x1e\x85\u2028 note\n"
            "Waste (tons) 3 4\n\fEnergy (kWh) 5\f6\n")
    assert values(text) == [(2, 2019, "1", "Water (tons)", "tons"),
                            (2, 2020, "2", "Water (tons)", "tons"),
                            (4, 2019, "3", "Waste (tons)", "tons"),
                            (4, 2020, "4", "Waste (tons)", "tons"),
                            (5, 2019, "5", "Energy (kWh)", "kWh"),
                            (5, 2020, "6", "Energy (kWh)", "kWh")]


def test_a_value_after_a_form_feed_is_re_found_by_check_sources(
        run, tmp_path: Path, metrics_catalog: Path) -> None:
    report = tmp_path / "paged.txt"
    report.write_text("Page 1\n\fKPI 2019 2020\nWater (tons) 10 20\n\fPage 2\n"
                      "\fWaste (tons) 30 40\n", encoding="utf-8")
    rows = run("extract", str(report), "-f", "csv", "--no-builtin", "--catalog",
               str(metrics_catalog)).out.splitlines()
    assert [row.split(",")[:5] for row in rows[1:]] == [
        ["3", "Water (tons)", "tons", "2019", "10"], ["3", "Water (tons)", "tons", "2020", "20"],
        ["5", "Waste (tons)", "tons", "2019", "30"], ["5", "Waste (tons)", "tons", "2020", "40"]]
    draft = tmp_path / "draft.yaml"
    assert run("extract", str(report), "-o", str(draft), "--no-builtin", "--catalog",
               str(metrics_catalog)).code == 0
    checked = run("check", "--no-builtin", "--catalog", str(metrics_catalog), "--catalog",
                  str(draft), "--sources", str(tmp_path), "-f", "csv")
    assert checked.code == 0, checked
    assert "not found" not in checked.out


# ---- headings with columns that are not years, fiscal years --------------------------------

@pytest.mark.parametrize("token, period", [
    ("2021/2022", (2022, "2021/2022")), ("2021/22", (2022, "2021/22")),
    ("FY2021/22", (2022, "FY2021/22")), ("FY2022/2023", (2023, "FY2022/2023")),
    ("FY2022", (2022, "FY2022")), ("2022-23", (2023, "2022-23")),
    ("2023財政年度", (2023, "2023財政年度")), ("二零二三/二四年度", (2024, "二零二三/二四年度")),
    ("2020", (2020, "")), ("2020年", (2020, "")), ("二零二零年", (2020, "")),
    ("2021/23", None), ("2022-21", None), ("二零二三/二五年度", None),
])
def test_a_fiscal_year_is_the_year_it_ends_in(token: str, period) -> None:
    assert period_of(token) == period


@pytest.mark.parametrize("heading, years, before, extra", [
    ("Indicator Unit 2020 2021 2022 Report Pages", (2020, 2021, 2022), "Indicator Unit", 1),
    ("Indicator Unit 2021/22 2022/23 Report Pages", (2022, 2023), "Indicator Unit", 1),
    ("KPI 2019 2020 Note", (2019, 2020), "KPI", 1),
    ("KPI 2019 2020 GRI Remarks", (2019, 2020), "KPI", 2),
    ("Indicator 2022 2023 HKEX KPI", (2022, 2023), "Indicator", 1),
    ("項目 2022年 2023年 備註", (2022, 2023), "項目", 1),
    ("Indicator Unit FY2022/2023 FY2023/2024 Report Pages", (2023, 2024), "Indicator Unit", 1),
])
def test_columns_after_the_years_are_named_by_their_heading_words(
        heading: str, years, before: str, extra: int) -> None:
    found = read_heading(heading)
    assert (found.years, found.before, found.extra) == (years, before, extra)


def test_a_heading_with_a_page_column_and_fiscal_years() -> None:
    text = ("Indicator Unit 2021/22 2022/23 Report Pages\n"
            "Direct emissions (Scope 1) tCO2e 18.6 23.7 15\n"
            "Intensity by size of offices (tCO2e/m2) tCO2e/m2 0.1 15\n"
            "Electricity consumption MWh 37.3 59.7 14\n")
    result = extract(text)
    assert [(f.line, f.year, f.period, str(f.value), f.unit) for f in result.values] == [
        (2, 2022, "2021/22", "18.6", "tCO2e"), (2, 2023, "2022/23", "23.7", "tCO2e"),
        (4, 2022, "2021/22", "37.3", "MWh"), (4, 2023, "2022/23", "59.7", "MWh")]
    # one value for two years beside a page number: which year it is cannot be told
    assert [(u.line, u.why) for u in result.unreadable] == [
        (3, "2 cells for 2 years (2022 2023) and 1 column after them")]


def test_a_page_number_is_never_a_value() -> None:
    text = "KPI Unit 2022 2023 Report Pages\nWater m3 5 12\n"
    assert values(text) == []
    assert [(u.line, u.why) for u in extract(text).unreadable] == [
        (2, "2 cells for 2 years (2022 2023) and 1 column after them")]


def test_the_fiscal_period_is_in_the_csv_and_in_the_drafts_notes(
        run, tmp_path: Path, metrics_catalog: Path) -> None:
    path = tmp_path / "fy.txt"
    path.write_text("Indicator Unit 2021/22 2022/23 Report Pages\nWater (tons) tons 1 2 16\n"
                    "KPI 2019 2020\nWater (tons) 3 4\n", encoding="utf-8")
    rows = run("extract", str(path), "-f", "csv", "--no-builtin", "--catalog",
               str(metrics_catalog)).out.splitlines()
    assert [(row.split(",")[0], row.split(",")[3], row.split(",")[-2]) for row in rows[1:]] == [
        ("2", "2022", "2021/22"), ("2", "2023", "2022/23"), ("4", "2019", ""), ("4", "2020", "")]
    result = run("extract", str(path), "--no-builtin", "--catalog", str(metrics_catalog))
    assert result.code == 0, result
    assert ('values: {2022: {value: 1, notes: "fiscal year 2021/22"}, '
            '2023: {value: 2, notes: "fiscal year 2022/23"}}') in result.out
    assert "values: {2019: 3, 2020: 4}" in result.out


# ---- Markdown pipe tables ---------------------------------------------------------------------

def test_a_pipe_table_reads_each_cell_in_its_headings_column() -> None:
    text = ("Emissions data.\n"
            "Indicator | Unit | 2021 | 2022 | Report Pages |\n"
            "---|---|---|---|---|\n"
            "SO₂ emissions | tonnes | 19.27 | 31.99 | 20 |\n"
            "| Water withdrawn | m³ | | 1,200 | 21 |\n"
            "Paper used | kg per head | 3 | 4 | 22 |\n"
            "Scope 3 emissions | tCO2e | 2615 | 13 | |\n"
            "Waste | t | 5 | n/a | 23 |\n"
            "Staff | people | 7 | 8 |\n")
    result = extract(text)
    assert [(f.line, f.year, str(f.value), f.label, f.unit) for f in result.values] == [
        (4, 2021, "19.27", "SO₂ emissions", "tonnes"), (4, 2022, "31.99", "SO₂ emissions", "tonnes"),
        (5, 2022, "1200", "Water withdrawn", "m³"),
        (6, 2021, "3", "Paper used", "kg per head"), (6, 2022, "4", "Paper used", "kg per head"),
        (8, 2021, "5", "Waste", "t")]
    assert [(u.line, u.why) for u in result.unreadable] == [
        (7, "1 column after the years empty: the cells may have moved left"),
        (9, "4 cells in a table of 5 columns")]


def test_a_line_that_is_not_a_pipe_row_ends_a_pipe_table() -> None:
    text = ("| KPI | 2022 | 2023 |\n|:---|---:|---:|\n| Water (t) | 1 | 2 |\n"
            "Next section\n| Energy (kWh) | 3 | 4 |\n")
    assert values(text) == [(3, 2022, "1", "Water (t)", "t"), (3, 2023, "2", "Water (t)", "t")]


# ---- spaces between thousands -------------------------------------------------------------------

def test_numbers_with_spaces_between_thousands_are_read_when_they_split_one_way() -> None:
    text = ("Indicator 2019 2020 2021\n"
            "Electricity (kWh) 16 114 297  19 186 337  22 250 296\n"
            "Fuel (litres) 1 062 437 98 654 1 000\n")
    result = extract(text)
    assert [(f.line, f.year, str(f.value), f.printed, f.note) for f in result.values] == [
        (2, 2019, "16114297", "16 114 297", "printed '16 114 297': spaces between the thousands"),
        (2, 2020, "19186337", "19 186 337", "printed '19 186 337': spaces between the thousands"),
        (2, 2021, "22250296", "22 250 296", "printed '22 250 296': spaces between the thousands"),
        (3, 2019, "1062437", "1 062 437", "printed '1 062 437': spaces between the thousands"),
        (3, 2020, "98654", "98 654", "printed '98 654': spaces between the thousands"),
        (3, 2021, "1000", "1 000", "printed '1 000': spaces between the thousands")]
    assert result.unreadable == []


def test_spaced_thousands_that_split_more_than_one_way_are_unreadable(run, tmp_path: Path) -> None:
    text = "Indicator 2020 2021\nWater (m3) 12 345 678 901\nWaste (t) 5 123 456 789\n"
    result = extract(text)
    assert result.values == []
    assert [(u.line, u.why) for u in result.unreadable] == [
        (2, "numbers with spaces between their thousands that do not split one way into "
            "2 cells: '12 345 678 901'"),
        (3, "numbers with spaces between their thousands that do not split one way into "
            "2 cells: '5 123 456 789'")]
    path = tmp_path / "spaced.txt"
    path.write_text(text, encoding="utf-8")
    done = run("extract", str(path))
    assert done.code == 0, done
    assert done.err.splitlines()[0] == (
        f"esgcmp: warning: {path}:2: row not read (numbers with spaces between their thousands that do not "
        "split one way into 2 cells: '12 345 678 901'): Water (m3) 12 345 678 901")
    assert ("      # unreadable: line 2: numbers with spaces between their thousands that do not "
            "split one way into 2 cells: '12 345 678 901': \"Water (m3) 12 345 678 901\"") in done.out


def test_a_label_that_ends_in_one_number_keeps_it() -> None:
    assert values("Indicator 2019 2020 2021\nRanking in Global 500 141 141 158\n") == [
        (2, 2019, "141", "Ranking in Global 500", ""), (2, 2020, "141", "Ranking in Global 500", ""),
        (2, 2021, "158", "Ranking in Global 500", "")]


@pytest.mark.parametrize("token, numbers", [
    ("100,750112,444", ["100750", "112444"]),
    ("3,484.874,066.79", ["3484.87", "4066.79"]),
    ("12,345.6778,901.23", ["12345.67", "78901.23"]),
    ("1,2345678,901", None),  # a group of seven digits: where one number ends is not told
    ("12,3456", None),  # one number and a digit too many
    ("12,345.6778,901.2345", None),  # decimals as many as the last leave a comma first
])
def test_cells_glued_with_comma_thousands_split_only_one_way(token: str, numbers) -> None:
    cells = split_glued(token)
    assert (None if cells is None else [str(c.value) for c in cells]) == numbers


def test_a_row_of_cells_glued_with_commas() -> None:
    text = ("Indicator 2020 2019\nCoal (tonnes) 100,750112,444\nWater (m3) 3,484.874,066.79\n"
            "Gas (m3) 1,2345678,901\n")
    result = extract(text)
    assert [(f.line, f.year, str(f.value), f.note) for f in result.values] == [
        (2, 2020, "100750", "printed '100,750112,444', read as 100,750 | 112,444"),
        (2, 2019, "112444", "printed '100,750112,444', read as 100,750 | 112,444"),
        (3, 2020, "3484.87", "printed '3,484.874,066.79', read as 3,484.87 | 4,066.79"),
        (3, 2019, "4066.79", "printed '3,484.874,066.79', read as 3,484.87 | 4,066.79")]
    assert [(u.line, u.why) for u in result.unreadable] == [
        (4, "cells glued together ('1,2345678,901') that do not split one way into numbers "
            "with thousands separators")]


# ---- cells not disclosed, percentages, footnote markers -----------------------------------------

def test_a_superscript_footnote_marker_is_never_part_of_a_number() -> None:
    result = extract("KPI 2020 2021\nScope 1³ 100\nScope 2² 5 6\n")
    # "Scope 1³ 100" prints one cell for two years: ³ is a footnote, not 13 for 2020
    assert [(f.line, f.year, str(f.value), f.label, f.footnote, f.name)
            for f in result.values] == [(3, 2020, "5", "Scope 2²", "2", "Scope 2"),
                                        (3, 2021, "6", "Scope 2²", "2", "Scope 2")]
    assert read_cell("1³") is None


@pytest.mark.parametrize("cell", ["–", "—", "-", "N/A", "n/a", "n.a.", "不適用"])
def test_a_dash_or_not_applicable_cell_is_not_disclosed(cell: str) -> None:
    result = extract(f"KPI 2020 2021\n排放量5 {cell} 7.5%\n")
    assert [(f.line, f.year, str(f.value), f.unit, f.footnote, f.name) for f in result.values] \
        == [(2, 2021, "7.5", "%", "5", "排放量")]
    assert result.unreadable == []


def test_a_line_of_numbers_only_is_no_row() -> None:
    # a page-number strip or a chart's data labels under a table
    result = extract("KPI 2021 2022 2023\nWater (t) 1 2 3\n40,000 36,441.2 35,284.8 8,000\n"
                     "81   82   83   84   85\n")
    assert values("KPI 2021 2022 2023\nWater (t) 1 2 3\n") == \
        [(f.line, f.year, str(f.value), f.label, f.unit) for f in result.values]
    assert [(u.line, u.why) for u in result.unreadable] == [
        (3, "4 cells for 3 years and no label"), (4, "5 cells for 3 years and no label")]


def test_a_long_row_short_of_a_cell_does_not_end_a_table_with_a_page_column() -> None:
    label = "Intensity by number of full-time employees (tCO2e/full-time employee)"
    text = ("Indicator Unit 2021/22 2022/23 Report Pages\n"
            f"{label} tCO2e/full-time employee 0.1 15\n"
            "Total emission tCO2e 40.4 69.2 15\n")
    result = extract(text)
    assert [(f.line, f.year, str(f.value)) for f in result.values] == [
        (3, 2022, "40.4"), (3, 2023, "69.2")]
    assert [(u.line, u.why) for u in result.unreadable] == [
        (2, "2 cells for 2 years (2022 2023) and 1 column after them")]
