"""esgcmp extract on the layouts converters and web editions print: HTML tables, a cell a
line, two tables side by side on the lines of ``pdftotext -layout``, a page run into one
line."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from esgcmp.extract import extract
from esgcmp.htmltables import looks_like_html, read_html
from esgcmp.load import load_files


def values(text: str) -> list[tuple[int, int, str, str, str]]:
    """(line, year, value, label, unit) of every value read from ``text``."""
    return [(f.line, f.year, str(f.value), f.label, f.unit) for f in extract(text).values]


def unreadable(text: str) -> list[tuple[int, str]]:
    return [(item.line, item.why) for item in extract(text).unreadable]


def html_values(page: str) -> list[tuple[int, int, str, str, str]]:
    return [(f.line, f.year, str(f.value), f.label, f.unit) for f in read_html(page).values]


# ---- HTML tables --------------------------------------------------------------------------

ONE_ROW_A_LINE = """\
<h3>EMISSIONS</h3>
<table>
<caption>Significant emissions [kg]</caption>
<tr><th></th><th>2022</th><th>2021</th></tr>
<tr><td>NO<sub>X</sub></td><td>5.38</td><td>4.87</td></tr>
<tr><td>Energy Intensity [GJ/t]</td><td>3.62</td><td>&ndash;</td></tr>
</table>
"""


def test_an_html_table_a_row_a_line_takes_its_unit_from_the_caption_or_the_label() -> None:
    assert html_values(ONE_ROW_A_LINE) == [
        (5, 2022, "5.38", "NOX", "kg"), (5, 2021, "4.87", "NOX", "kg"),
        (6, 2022, "3.62", "Energy Intensity [GJ/t]", "GJ/t")]


CELL_A_LINE = """\
<table class="data-table">
<thead>
  <tr>
    <th>Indicator</th>
    <th>Unit</th>
    <th>2023</th>
    <th>2022</th>
    <th>Report Pages</th>
  </tr>
</thead>
<tbody>
  <tr>
    <td><strong>Scope 1</strong></td>
    <td>tCO<sub>2</sub>e</td>
    <td><strong>1,265.12</strong></td>
    <td>
      1,300.75
    </td>
    <td>45</td>
  </tr>
</tbody>
</table>
"""


def test_an_html_table_a_cell_a_line_cites_each_cells_own_line() -> None:
    found = read_html(CELL_A_LINE).values
    assert [(f.line, f.row, f.year, str(f.value), f.label, f.unit) for f in found] == [
        (15, 13, 2023, "1265.12", "Scope 1", "tCO2e"),
        (17, 13, 2022, "1300.75", "Scope 1", "tCO2e")]


SPANS = """\
<table>
<tr><th rowspan="2">Item</th><th colspan="2">Year</th></tr>
<tr><th>2021/22</th><th>2022/23</th></tr>
<tr><td rowspan="2">Water (m³)</td><td>10</td><td>12</td></tr>
<tr><td>11</td><td>N/A</td></tr>
<tr><td>Electricity (kWh)</td><td colspan="2">500</td></tr>
<tr><td>Diesel (litres)</td><td>P</td><td>3</td></tr>
</table>
"""


def test_html_spans_a_heading_over_two_rows_and_a_label_over_two() -> None:
    found = read_html(SPANS).values
    assert [(f.line, f.year, str(f.value), f.label, f.unit, f.period) for f in found] == [
        (4, 2022, "10", "Water (m³)", "m³", "2021/22"),
        (4, 2023, "12", "Water (m³)", "m³", "2022/23"),
        (5, 2022, "11", "Water (m³)", "m³", "2021/22")]


def test_html_a_value_over_two_years_and_a_word_in_a_year_column_are_unreadable() -> None:
    assert [(item.line, item.why) for item in read_html(SPANS).unreadable] == [
        (6, "'500' spans several columns or rows: its year cannot be told"),
        (7, "'P' is not a number in a year column")]


@pytest.mark.parametrize("text, html", [
    ("<!DOCTYPE html><html><body><p>no table</p></body></html>", True),
    ("<TABLE border=1><tr><td>x</td></tr></TABLE>", True),
    ("Indicator 2020 2019\nWater (tons) 1 2\n", False),
    ("The <tablet> of the report 2020 2019\n", False),
])
def test_html_is_told_by_its_markup(text: str, html: bool) -> None:
    assert looks_like_html(text) is html


METRICS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
companies: {}
"""


def test_html_extract_draft_loads_and_check_refinds_every_value(run, write,
                                                                  tmp_path: Path) -> None:
    metrics = write("metrics.yaml", METRICS)
    page = tmp_path / "acme.html"
    page.write_text(CELL_A_LINE.replace("<strong>Scope 1</strong>", "Widgets made"),
                    encoding="utf-8")
    draft = tmp_path / "acme.yaml"
    result = run("extract", str(page), "-c", "acme", "-o", str(draft), "--no-builtin",
                 "--catalog", str(metrics))
    assert (result.code, result.err) == (0, "")
    catalog = load_files([metrics, draft])
    assert {(o.metric, o.year, o.value, o.line) for o in catalog.observations.values()} == {
        ("widgets_made", 2023, Decimal("1265.12"), 15),
        ("widgets_made", 2022, Decimal("1300.75"), 17)}
    checked = run("check", "--no-builtin", "--catalog", str(metrics), "--catalog", str(draft),
                  "--sources", str(tmp_path), "-f", "csv")
    assert (checked.code, list(csv.DictReader(io.StringIO(checked.out)))) == (0, [])
    summary = run("check", "--no-builtin", "--catalog", str(metrics), "--catalog", str(draft),
                  "--sources", str(tmp_path))
    assert "2 of 2 cited figures re-found on their lines" in summary.out + summary.err


# ---- two tables side by side (pdftotext -layout) ------------------------------------------

SIDE_BY_SIDE = (
    "   Figure II                                          Figure III\n"
    "                        2020      2019                                 2020      2019\n"
    "   Diesel (litres)   154,578   197,132       Electricity (kWh)       54,813    52,796\n"
    "                                             Water (m³)\n"
    "   Coal (tonnes)     100,750   112,444       用水量                   1,948     2,399\n"
    "   Gas (m³)           1,234.56789.01\n"
    "\n"
    "   Total (tCO2e)       2,001        -        Paper (t)                   17         -\n")


def test_two_tables_on_the_same_lines_each_value_with_its_own_label_and_year() -> None:
    assert values(SIDE_BY_SIDE) == [
        (3, 2020, "154578", "Diesel (litres)", "litres"),
        (3, 2019, "197132", "Diesel (litres)", "litres"),
        (3, 2020, "54813", "Electricity (kWh)", "kWh"),
        (3, 2019, "52796", "Electricity (kWh)", "kWh"),
        (5, 2020, "100750", "Coal (tonnes)", "tonnes"),
        (5, 2019, "112444", "Coal (tonnes)", "tonnes"),
        (5, 2020, "1948", "用水量", ""),
        (5, 2019, "2399", "用水量", ""),
        (6, 2020, "1234.56", "Gas (m³)", "m³"),
        (6, 2019, "789.01", "Gas (m³)", "m³"),
        (8, 2020, "2001", "Total (tCO2e)", "tCO2e"),
        (8, 2020, "17", "Paper (t)", "t")]


def test_years_printed_twice_with_no_labels_between_are_one_table_not_two() -> None:
    text = ("Indicator        Hong Kong         Mainland\n"
            "                2020   2019      2020   2019\n"
            "Water (m³)        10     11        12     13\n")
    assert values(text) == []


# ---- a cell a line (a web page copied as text) --------------------------------------------

CELL_LINES = """\
Particulars
Unit
|2019-20
|2018-19
Report Pages
Power consumption
|Purchased units
|kWh
|1,44,997
|NA
|12
Water
|m³

|1,200

|1,100

|13
Steam
|3,000
|14
"""


def test_a_table_a_cell_a_line_with_its_unit_and_page_columns() -> None:
    found = extract(CELL_LINES).values
    assert [(f.line, f.row, f.year, str(f.value), f.label, f.unit, f.section, f.period)
            for f in found] == [
        (9, 7, 2020, "144997", "Purchased units", "kWh", "Power consumption", "2019-20"),
        (15, 12, 2020, "1200", "Water", "m³", "", "2019-20"),
        (17, 12, 2019, "1100", "Water", "m³", "", "2018-19")]


def test_a_row_a_cell_short_a_cell_a_line_is_unreadable() -> None:
    assert unreadable(CELL_LINES) == [(21, "2 cells for 2 years and 1 column after them")]


def test_indian_digit_groups_are_one_number() -> None:
    from esgcmp.extract import read_cell
    assert (read_cell("1,44,997").value, read_cell("12,34,56,789").value) == (144997, 123456789)
    assert read_cell("1,44,99") is None


# ---- a page run into one line -------------------------------------------------------------

FLAT = ("62 63 NOTE EMISSIONS Significant emissions [kg] 2022 2021 2020 NOX 5.38 4.87 3.84 "
        "SOX 0 0 0 Scope 1 + Scope 2 Location (tCO2e) 765.10 1,095.13 732.83 Total water "
        "consumption 0 Materials Purchased 171.1 0% Calculated Steel 1 2 3 4 Water (m³) "
        "2020/21 2021/22 Water (m³) 12 13 The Group thanks its 2 staff 3 times\n")


def test_a_page_run_into_one_line_reads_rows_of_as_many_cells_as_years() -> None:
    found = extract(FLAT).values
    assert [(f.line, f.year, str(f.value), f.label, f.unit, f.period) for f in found] == [
        (1, 2022, "5.38", "NOX", "kg", ""), (1, 2021, "4.87", "NOX", "kg", ""),
        (1, 2020, "3.84", "NOX", "kg", ""),
        (1, 2022, "0", "SOX", "kg", ""), (1, 2021, "0", "SOX", "kg", ""),
        (1, 2020, "0", "SOX", "kg", ""),
        (1, 2022, "765.10", "Scope 1 + Scope 2 Location (tCO2e)", "tCO2e", ""),
        (1, 2021, "1095.13", "Scope 1 + Scope 2 Location (tCO2e)", "tCO2e", ""),
        (1, 2020, "732.83", "Scope 1 + Scope 2 Location (tCO2e)", "tCO2e", ""),
        (1, 2021, "12", "Water (m³)", "m³", "2020/21"),
        (1, 2022, "13", "Water (m³)", "m³", "2021/22")]


def test_a_run_of_cells_that_is_not_one_a_year_in_a_flat_page_is_unreadable() -> None:
    assert unreadable(FLAT) == [
        (1, "2 cells for 3 years (2022 2021 2020) in a page run into one line"),
        (1, "4 cells for 3 years (2022 2021 2020) in a page run into one line")]


# ---- a section's name in the first column -------------------------------------------------

@pytest.mark.parametrize("label, name", [
    ("Use of Resources Electricity consumption (kWh)", "Electricity consumption"),
    ("Emissions Scope 1: direct emissions (tCO2e)", "Scope 1: direct emissions"),
    ("GHG Emissions Scope 1 (tCO2e)", "Scope 1"),
    ("Emissions Intensity (tCO2e)", "Emissions Intensity"),  # one word left: no section
    ("Employment rate of graduates (%)", "Employment rate of graduates"),  # not a new label
])
def test_a_section_printed_before_the_label_is_no_part_of_its_name(label: str,
                                                                   name: str) -> None:
    found = extract(f"Indicator 2020 2021\n{label} 1 2\n").values
    assert (found[0].label, found[0].name) == (label, name)


# ---- units and markers --------------------------------------------------------------------

@pytest.mark.parametrize("heading, row, label, unit, name, footnote", [
    ("Indicator Unit 2020 2021", "Electricity kWh 千瓦時 1 2", "Electricity", "kWh",
     "Electricity", ""),
    ("Indicator Unit 2020 2021", "Scope 1 tCO 2 e 1 2", "Scope 1", "tCO2e", "Scope 1", ""),
    ("Indicator 2020 2021", "GHG per person (tCO 2 e/person) 1 2",
     "GHG per person (tCO 2 e/person)", "tCO2e/person", "GHG per person", ""),
    ("Indicator 2020 2021", "Scope 1³ (tCO2e) 1 2", "Scope 1³ (tCO2e)", "tCO2e", "Scope 1",
     "3"),
    ("Indicator 2020 2021", "Scope 1 (tCO₂e)³ 1 2", "Scope 1 (tCO₂e)³", "tCO₂e", "Scope 1",
     "3"),
    ("Indicator 2020 2021", "Water (m³) 1 2", "Water (m³)", "m³", "Water", ""),
])
def test_units_in_both_languages_spaced_subscripts_and_markers(
        heading: str, row: str, label: str, unit: str, name: str, footnote: str) -> None:
    found = extract(f"{heading}\n{row}\n").values
    assert [(f.label, f.unit, f.name, f.footnote, str(f.value)) for f in found] == [
        (label, unit, name, footnote, "1"), (label, unit, name, footnote, "2")]


def test_a_label_begun_on_the_line_above_and_a_note_after_the_unit() -> None:
    text = ("Indicator 2020 2019\n"
            "Diesel consumption from stationary\n"
            "sources (litres) 154,578 197,132\n"
            "Electricity (kWh/person) (Note 1) 98.06 89.48\n")
    assert [(f.line, f.label, f.unit, f.name) for f in extract(text).values][::2] == [
        (3, "Diesel consumption from stationary sources (litres)", "litres",
         "Diesel consumption from stationary sources"),
        (4, "Electricity (kWh/person) (Note 1)", "kWh/person", "Electricity")]


def test_an_html_table_whose_spans_would_fill_memory_is_unreadable_not_spread() -> None:
    row = "<tr>" + '<td rowspan="100" colspan="100">1</td>' * 30 + "</tr>\n"
    page = "<table>\n<tr><th>KPI</th><th>2020</th><th>2021</th></tr>\n" + row * 100 + "</table>\n"
    result = read_html(page)
    assert (result.values, [(u.line, u.why) for u in result.unreadable]) == (
        [], [(1, "a table whose spans spread it over more than 200,000 cells")])


def test_a_rowspan_past_the_last_row_ends_there() -> None:
    page = ('<table><tr><th>KPI</th><th>2020</th></tr>'
            '<tr><td rowspan="99">Water (m³)</td><td>5</td></tr></table>')
    assert html_values(page) == [(1, 2020, "5", "Water (m³)", "m³")]


# ---- the draft of each layout loads and check --sources re-finds every value ----------------

@pytest.mark.parametrize("name, text, count", [
    ("side.txt", SIDE_BY_SIDE, 12),
    ("cells.txt", CELL_LINES, 3),
    ("flat.txt", FLAT, 11),
    ("page.htm", SPANS.replace("<table>", "<TABLE>"), 3),
])
def test_every_layouts_draft_loads_and_its_values_are_on_their_lines(
        run, write, tmp_path: Path, name: str, text: str, count: int) -> None:
    metrics = write("metrics.yaml", METRICS)
    report = tmp_path / name
    report.write_text(text, encoding="utf-8")
    draft = tmp_path / "draft.yaml"
    result = run("extract", str(report), "-c", "acme", "-o", str(draft), "--no-builtin",
                 "--catalog", str(metrics))
    assert result.code == 0, result
    catalog = load_files([metrics, draft])
    assert len(catalog.observations) == count
    summary = run("check", "--no-builtin", "--catalog", str(metrics), "--catalog", str(draft),
                  "--sources", str(tmp_path))
    assert f"{count} of {count} cited figures re-found on their lines" in summary.out


def test_a_line_longer_than_check_searches_is_not_read_as_a_page() -> None:
    from esgcmp.extract import MAX_FLAT_LINE_CHARS
    from esgcmp.provenance import MAX_LINE_CHARS
    assert MAX_FLAT_LINE_CHARS == MAX_LINE_CHARS
    row = "Water (m³) 12 13 "
    text = "Indicator 2020 2021 " + row * (MAX_LINE_CHARS // len(row) + 1) + "\n"
    assert extract(text).values == [] and extract(text[:MAX_LINE_CHARS] + "\n").values


# ---- headings and page columns of web editions (corpus batch 2) ---------------------------

def test_a_footnote_marker_at_the_end_of_a_pipe_heading_cell_keeps_it_a_heading() -> None:
    text = ("Waste and water 1) | 2023 | 2022 |\n---|---|---|\n"
            "Total waste in '000 kg | 57,598 | 54,855 |\n"
            "1) New and extended scope from 2022. |\n")
    assert values(text) == [
        (3, 2023, "57598", "Total waste in '000 kg", ""),
        (3, 2022, "54855", "Total waste in '000 kg", ""),
    ]


def test_two_pages_in_the_page_column_are_not_two_cells() -> None:
    text = ("Indicator Unit 2022 2023 Report Pages\n"
            "Nitrogen Oxides kg 6.943 3.484 43, 48\n"
            "Sulphur Oxides kg 0.395 0.221 48\n")
    assert values(text) == [
        (2, 2022, "6.943", "Nitrogen Oxides", "kg"),
        (2, 2023, "3.484", "Nitrogen Oxides", "kg"),
        (3, 2022, "0.395", "Sulphur Oxides", "kg"),
        (3, 2023, "0.221", "Sulphur Oxides", "kg"),
    ]


def test_a_heading_of_named_columns_ends_the_year_table_above_it() -> None:
    text = ("年份 2019年 2020年 2021年\n"
            "總能源使用量(GJ) 3,016 2,816 2,567\n"
            "註1:能源使用數據涵蓋率達100%\n"
            "2021 年能源統計項目 國泰建築經理 國泰健康管理事業 國泰飯店觀光事業\n"
            "總能源使用量(GJ) 109 1,339 15,947\n")
    assert [(line, year, value) for line, year, value, _l, _u in values(text)] == [
        (2, 2019, "3016"), (2, 2020, "2816"), (2, 2021, "2567")]


SPREAD = """\
GHG emissions
2023 |
23 vs 22 |
2022 |
||||
| SCOPE | SOURCE | t | % | % | t | % |
| TOTAL | 43 601 | 100% | -8% | 47 593 | 100% | |
| SCOPE 1 | Gas/fuel consumption | 125 | 0,3% | -29% | 176 | 0,4% |
| Intensity | Scope 1 & 2 (t/M€) | 19,8 | - | -22% | 25,4 | - |
| Upstream leased assets | - | 0,0% | - | 0,0% | ||
| Construction | 16 324 | 5 441 | ||||
"""


def test_a_pipe_heading_broken_over_lines_gives_each_year_its_value_column() -> None:
    # the years head groups of columns (t and % of 2023, the change, t and % of 2022); a
    # row whose label fills one column of two prints its cells one column to the left
    assert values(SPREAD) == [
        (7, 2023, "43601", "TOTAL", "t"),
        (7, 2022, "47593", "TOTAL", "t"),
        (8, 2023, "125", "SCOPE 1 Gas/fuel consumption", "t"),
        (8, 2022, "176", "SCOPE 1 Gas/fuel consumption", "t"),
        (9, 2023, "19.8", "Intensity Scope 1 & 2 (t/M€)", "t"),
        (9, 2022, "25.4", "Intensity Scope 1 & 2 (t/M€)", "t"),
    ]
    # a value where a share column is: which year each cell is cannot be told
    assert unreadable(SPREAD) == [
        (11, "cells that do not fall in their columns (a value where a share is printed): "
             "which year each is cannot be told")]


def test_a_broken_heading_with_fewer_value_columns_than_years_is_no_table() -> None:
    text = SPREAD.replace("| SCOPE | SOURCE | t | % | % | t | % |",
                          "| SCOPE | SOURCE | t | % | % | % | % |")
    assert values(text) == []


def test_a_target_column_named_before_the_years_of_a_cell_a_line_table_is_not_a_year() -> None:
    text = ("年度目標 |\n實際達成值 |\n2021年 |\n2022年 |\n2023年 |\n"
            "節電率(%) |\n1.0% |\n1.05% |\n1.22% |\n3.22% |\n")
    assert values(text) == [
        (8, 2021, "1.05", "節電率(%)", "%"),
        (9, 2022, "1.22", "節電率(%)", "%"),
        (10, 2023, "3.22", "節電率(%)", "%"),
    ]


def test_decimal_commas_in_a_cell_a_line_table_and_in_a_page_run_into_one_line() -> None:
    cells = ("Indicatore\n|2022\n|2021\nEnergia elettrica\n|MWh\n|1.095,13\n|19,8\n"
             "Acqua\n|m3\n|0,047\n|2.968,7\n")
    assert [(line, year, value) for line, year, value, _l, _u in values(cells)] == [
        (6, 2022, "1095.13"), (7, 2021, "19.8"), (10, 2022, "0.047"), (11, 2021, "2968.7")]
    flat = ("EMISSIONI CO2 [tCO2e] 2022 2021 2020 Scope 1 265,12 300,75 271,75 "
            "Scope 2 499,97 794,38 461,08 " + "testo " * 20)
    assert values(flat) == [
        (1, 2022, "265.12", "Scope 1", "tCO2e"), (1, 2021, "300.75", "Scope 1", "tCO2e"),
        (1, 2020, "271.75", "Scope 1", "tCO2e"), (1, 2022, "499.97", "Scope 2", "tCO2e"),
        (1, 2021, "794.38", "Scope 2", "tCO2e"), (1, 2020, "461.08", "Scope 2", "tCO2e"),
    ]


def test_spaces_between_thousands_in_a_page_run_into_one_line() -> None:
    text = ("Water 2019/20 2020/21 Total water (Mm3) 1 012 1 023 Per person (litres) 128 130 "
            + "word " * 40)
    assert [(f.year, str(f.value), f.label, f.period) for f in extract(text).values] == [
        (2020, "1012", "Total water (Mm3)", "2019/20"),
        (2021, "1023", "Total water (Mm3)", "2020/21"),
        (2020, "128", "Per person (litres)", "2019/20"),
        (2021, "130", "Per person (litres)", "2020/21"),
    ]


def test_a_layout_heading_padded_with_spaces_before_its_page_column_is_a_heading() -> None:
    heading = f"{'Indicator':<60}{'Unit':<28}{'2022':>10}{'2023':>12}{'Report Pages':>16}"
    row = f"{'Nitrogen Oxides':<60}{'kg':<28}{'6.943':>10}{'3.484':>12}{'43, 48':>16}"
    assert values(f"{heading}\n{row}\n") == [
        (2, 2022, "6.943", "Nitrogen Oxides", "kg"), (2, 2023, "3.484", "Nitrogen Oxides", "kg")]


def test_a_cell_a_line_heading_that_names_its_years_current_and_previous() -> None:
    text = ("|Particulars\n|Current Year 2022-23\n|Previous Year 2021-22\n"
            "|Electricity (kWh)\n|1,44,997\n|NA\n")
    assert [(f.line, f.year, str(f.value), f.label, f.period) for f in extract(text).values] \
        == [(5, 2023, "144997", "Electricity (kWh)", "2022-23")]


# Two facing pages of a -layout page: the left table's heading is higher than the right
# one's, which stands beside the left table's first row, a footnote's number before it.
STAGGERED = """\
                Unit     2020     2019                        Environmental Performance

New Recruitment

Total           Number    203      250                  1     Unit      2020      2019
By gender                                             Energy Consumption
Male            Number    141      173                Electricity    GJ    19,384    20,252
Female          Number     62       77                Town gas       GJ     1,392     2,258
"""


def test_a_right_table_whose_heading_stands_lower_than_the_left_ones_is_read_apart() -> None:
    assert sorted(values(STAGGERED)) == [
        (5, 2019, "250", "Total", "Number"), (5, 2020, "203", "Total", "Number"),
        (7, 2019, "173", "Male", "Number"), (7, 2019, "20252", "Electricity", "GJ"),
        (7, 2020, "141", "Male", "Number"), (7, 2020, "19384", "Electricity", "GJ"),
        (8, 2019, "2258", "Town gas", "GJ"), (8, 2019, "77", "Female", "Number"),
        (8, 2020, "1392", "Town gas", "GJ"), (8, 2020, "62", "Female", "Number")]


def test_a_year_printed_again_after_a_pipe_headings_years_is_a_column_of_pages() -> None:
    text = ("Indicator | Unit | 2021 | 2022 | FY2021 | Report Pages |\n"
            "---|---|---|---|---|---|\n"
            "Scope 1 | tCO2e | 2594.3 | 4878.5 | 35 | |\n"
            "Intensity | tCO2e/RMB million | 10.3 | 22 | ||\n")
    result = extract(text)
    assert [(f.line, f.year, str(f.value), f.label) for f in result.values] == [
        (3, 2021, "2594.3", "Scope 1"), (3, 2022, "4878.5", "Scope 1")]
    # the page columns empty and a year filled: the page (22) may have moved left
    assert [(u.line, u.why) for u in result.unreadable] == [
        (4, "2 columns after the years empty: the cells may have moved left")]


def test_a_pipe_row_that_dropped_its_empty_unit_cell_is_read_one_column_right() -> None:
    text = ("Indicator | Unit | 2022 | 2023 | Report Pages |\n"
            "---|---|---|---|---|\n"
            "Water plants | 199 | 205 | 12 |\n"
            "Water | m³ | 5 | 6 | 13 |\n"
            "Plants | 7 | 12 |\n")
    result = extract(text)
    assert [(f.line, f.year, str(f.value), f.label, f.unit) for f in result.values] == [
        (3, 2022, "199", "Water plants", ""), (3, 2023, "205", "Water plants", ""),
        (4, 2022, "5", "Water", "m³"), (4, 2023, "6", "Water", "m³")]
    # two cells short: which of them are missing cannot be told
    assert [(u.line, u.why) for u in result.unreadable] == [(5, "3 cells in a table of 5 columns")]
