"""esgcmp extract on tables that print targets beside the reported years, fiscal years in
two digits or named in words, and cells with words around their number (corpus batch 3).
The texts are laid by hand in each form; the corpus holds the real tables."""

from __future__ import annotations

from esgcmp.extract import extract, period_of, read_cell, read_heading


def values(text: str) -> list[tuple[int, int, str, str]]:
    """(line, year, value, printed period) of every value read from ``text``."""
    return [(f.line, f.year, str(f.value), f.period) for f in extract(text).values]


def unreadable(text: str) -> list[tuple[int, str]]:
    return [(item.line, item.why) for item in extract(text).unreadable]


# ---- years ----------------------------------------------------------------------------------

def test_a_fiscal_year_in_two_digits_is_read_after_fy_only() -> None:
    assert period_of("FY22/23") == (2023, "FY22/23")
    assert period_of("FY 23/24") == (2024, "FY 23/24")
    assert period_of("FY23") == (2023, "FY23")
    assert period_of("FY22/24") is None  # not one year after the other
    assert period_of("22/23") is None  # without FY, two digits are no year


def test_a_year_named_with_the_date_its_fiscal_year_ended() -> None:
    text = ("Indicator Unit 2022 (fiscal year ended March 31, 2023) Report Pages\n"
            "CO2 emissions per floor space t-CO2/m² 0.27 10\n")
    assert values(text) == [(2, 2023, "0.27", "2022 (fiscal year ended March 31, 2023)")]


def test_rows_under_two_digit_fiscal_years_and_a_page_column() -> None:
    text = ("Indicator Unit FY22/23 FY23/24 Report Pages\n"
            "Paper waste recycled at Office % 35 27 28\n")
    assert values(text) == [(2, 2023, "35", "FY22/23"), (2, 2024, "27", "FY23/24")]


# ---- target columns -------------------------------------------------------------------------

def test_a_target_column_after_the_years_holds_no_values() -> None:
    assert read_heading("2021 2022 2025 Target").years == (2021, 2022)
    assert read_heading("2021 2022 2025 Target").extra == 1
    assert read_heading("Indicator 2022 2023 Target 2030 Report Pages").extra == 2
    assert read_heading("項目 2022年 2023年 2030年目標").years == (2022, 2023)
    text = ("2021 2022 2025 Target\n"
            "Operations completed energy audits 13% 23% 80%\n"
            "EV/hybrid cars as % of total car fleet 19% 26% 50%\n")
    assert values(text) == [(2, 2021, "13", ""), (2, 2022, "23", ""),
                            (3, 2021, "19", ""), (3, 2022, "26", "")]


def test_a_row_without_its_target_cell_cannot_be_told_apart() -> None:
    text = "2021 2022 2025 Target\nEnergy audits 13% 23%\n"
    assert values(text) == []
    assert unreadable(text) == [
        (2, "2 cells for 2 years (2021 2022) and 1 column after them")]


def test_a_pipe_heading_that_names_a_base_year_and_target_years() -> None:
    text = ("Declaration | Unit | Base Year Data – 2021 | Mid-Term Target Year – 2025 "
            "| Long-Term Target Year – 2030 |\n"
            "Total Waste per Product | Tonne / Product | 0.0000054 | 0.0000049 | 0.0000047 |\n"
            "Supplied Renewable Electricity | KWh | 2341450 | 5000000 | 5000000 |\n")
    found = extract(text).values
    assert [(f.line, f.year, str(f.value), f.unit) for f in found] == [
        (2, 2021, "0.0000054", "Tonne / Product"), (3, 2021, "2341450", "KWh")]


def test_a_pipe_heading_of_words_and_no_reported_year_is_no_table() -> None:
    text = ("Declaration | Unit | Mid-Term Target Year – 2025 | Long-Term Target Year – 2030 |\n"
            "Supplied Renewable Electricity | KWh | 5000000 | 5000000 |\n")
    assert values(text) == []


WEB_TARGETS = """\
管理項目

管理指標

2021

(實績)

2022

(實績)

2022

(目標)

短期目標

(2023)

中期目標

(2025)

水污染防治

用水回收率R2(%)

86

93

≧ 83

≧ 84

≧ 84

總取水量(ML)

824.5

721.5

≦ 872

≦ 872

≦ 872

原子利用率(%)

67.1

70.9

≧ 66.6

≧ 69.0
"""


def test_a_web_table_a_cell_a_line_with_actual_and_target_columns() -> None:
    assert values(WEB_TARGETS) == [(29, 2021, "86", ""), (31, 2022, "93", ""),
                                   (41, 2021, "824.5", ""), (43, 2022, "721.5", "")]
    # a target cell missing: which column each cell is cannot be told
    assert unreadable(WEB_TARGETS) == [
        (53, "4 cells for 2 years and 3 columns after them")]


def test_a_bound_is_a_cell_but_no_value() -> None:
    assert read_cell("≧ 83").value is None
    assert read_cell("<0.01").value is None
    assert read_cell("≦872").value is None


# ---- cells with words -----------------------------------------------------------------------

def test_approximately_before_a_cell_makes_it_approximate_not_part_of_the_label() -> None:
    text = ("Indicator Unit FY22/23 FY23/24 Report Pages\n"
            "Paper waste reduction at Office % reduction approximately 37 approximately 44 28\n"
            "Office electricity usage change % increased by approximately 7% "
            "increased by approximately 11% 27\n")
    found = extract(text).values
    assert [(f.line, f.year, str(f.value), f.printed, f.flags) for f in found] == [
        (2, 2023, "37", "approximately 37", ("approx",)),
        (2, 2024, "44", "approximately 44", ("approx",)),
        (3, 2023, "7", "increased by approximately 7%", ("approx",)),
        (3, 2024, "11", "increased by approximately 11%", ("approx",)),
    ]
    assert [(f.label, f.unit) for f in found[::2]] == [
        ("Paper waste reduction at Office %", "reduction"),
        ("Office electricity usage change", "%")]


def test_cells_of_words_hold_no_value_and_keep_the_row_readable() -> None:
    text = ("Indicator Unit 2021 2022 2023 Report Pages\n"
            "H2S (Air emission) Below emission limit Below emission limit Below emission limit 40\n"
            "Paper waste recycled % no progress approximately 4 7 28\n")
    assert values(text) == [(3, 2022, "4", ""), (3, 2023, "7", "")]
    assert unreadable(text) == []


def test_pipe_cells_of_words_and_hedged_numbers() -> None:
    text = ("Indicator | Unit | FY22/23 | FY23/24 | Report Pages |\n---|---|---|---|---|\n"
            "Paper waste recycled | % | no progress | approximately 4 | 28 |\n"
            "Emissions | tCO2e | Below emission limit | 12 | 28 |\n")
    found = extract(text).values
    assert [(f.line, f.year, str(f.value), f.printed, f.flags) for f in found] == [
        (3, 2024, "4", "approximately 4", ("approx",)),
        (4, 2024, "12", None, ()),
    ]


def test_a_hedge_before_the_first_cell_and_a_number_word_before_a_cell() -> None:
    text = "Indicator 2022 2023\nEmployees aged over 50 12 13\nVisits about 5 6\n"
    found = extract(text).values
    assert [(f.line, f.year, str(f.value), f.label, f.printed) for f in found] == [
        (2, 2022, "12", "Employees aged over 50", None),
        (2, 2023, "13", "Employees aged over 50", None),
        (3, 2022, "5", "Visits", "about 5"),
        (3, 2023, "6", "Visits", None),
    ]


def test_materiality_rows_are_not_values() -> None:
    text = ("Indicator | Unit | 2021 | Report Pages |\n---|---|---|---|\n"
            "Climate change - importance to business | 2 | 6 | |\n"
            "Climate change - importance to stakeholders | 3 | 6 | |\n"
            "Electricity | kWh | 1200 | 6 |\n")
    assert values(text) == [(5, 2021, "1200", "")]
    text = "Topic 2022 2023\nMateriality of climate change 1 2\nWater use (m3) 40 45\n"
    assert values(text) == [(3, 2022, "40", ""), (3, 2023, "45", "")]
