"""esgcmp extract: tables that print thousands with a point and decimals with a comma
(1.234,5), told apart per table from the cells themselves, and cells whose reading
depends on a convention the table does not settle, read the usual way but flagged."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from esgcmp.extract import (COMMA, CONFLICT, POINT, UNKNOWN, extract, number_convention,
                            read_cell, read_heading)


def read(text: str) -> list[tuple[int, int, str, str | None, tuple[str, ...]]]:
    """(line, year, value, printed, flags) of every value read from ``text``."""
    return [(f.line, f.year, str(f.value), f.printed, f.flags) for f in extract(text).values]


@pytest.mark.parametrize("tokens, convention", [
    (["285.868", "0,24"], COMMA),  # 0,24: only a decimal comma reads it
    (["1.234.567", "12"], COMMA),  # groups of three after points: thousands
    (["1.234,5"], COMMA),
    (["0,24", "1,234"], CONFLICT),
    (["285.868", "1,234"], POINT),  # 285.868 alone tells nothing; 1,234 a decimal point
    (["1,234", "12.5"], POINT),
    (["0.1234"], POINT),  # four decimals: never thousands
    (["285.868", "12"], UNKNOWN),  # nothing tells
    (["Scope", "(tCO2e)", "-", "N/A"], UNKNOWN),
    (["(0,5)", "12,5%"], COMMA),  # a sign, brackets and a percent around the number
])
def test_a_tables_convention_comes_from_its_cells(tokens: list[str], convention: str) -> None:
    assert number_convention(tokens) == convention


@pytest.mark.parametrize("token, value, printed", [
    ("285.868", "285868", "285.868"),
    ("0,24", "0.24", "0,24"),
    ("1.234.567,89", "1234567.89", "1.234.567,89"),
    ("12,5%", "12.5", "12,5%"),
    ("(3,5)", "-3.5", "(3,5)"),
    ("42", "42", ""),
])
def test_a_cell_read_with_a_decimal_comma(token: str, value: str, printed: str) -> None:
    cell = read_cell(token, COMMA)
    assert (str(cell.value), cell.printed, cell.ambiguous) == (value, printed, "")


def test_a_cell_that_is_no_number_with_a_decimal_comma_is_not_a_cell() -> None:
    assert read_cell("1.23.4", COMMA) is None
    assert read_cell("1,234.5", COMMA) is None  # a decimal point after a comma: not this table's


def test_a_comma_decimal_table_is_read_with_decimal_commas() -> None:
    text = ("GHG emissions (tCO2e) 2020 2021 2022\n"
            "Direct emissions 285.868 301.204 290.117\n"
            "Indirect emissions 1.234.567 1.100.002 998.450\n"
            "Intensity (tCO2e/t) 0,24 0,22 0,2\n")
    assert read(text) == [
        (2, 2020, "285868", "285.868", ()), (2, 2021, "301204", "301.204", ()),
        (2, 2022, "290117", "290.117", ()),
        (3, 2020, "1234567", "1.234.567", ()), (3, 2021, "1100002", "1.100.002", ()),
        (3, 2022, "998450", "998.450", ()),
        (4, 2020, "0.24", "0,24", ()), (4, 2021, "0.22", "0,22", ()), (4, 2022, "0.2", "0,2", ())]


def test_spaces_between_thousands_with_a_decimal_comma() -> None:
    text = ("Indicator 2019 2020 2021\n"
            "Water (m3) 16 114 297,5 19 186 337,0 22 250 296,25\n")
    result = extract(text)
    assert [(f.year, str(f.value), f.printed, f.flags, f.note) for f in result.values] == [
        (2019, "16114297.5", "16 114 297,5", ("artefact",),
         "printed '16 114 297,5': spaces between the thousands"),
        (2020, "19186337.0", "19 186 337,0", ("artefact",),
         "printed '19 186 337,0': spaces between the thousands"),
        (2021, "22250296.25", "22 250 296,25", ("artefact",),
         "printed '22 250 296,25': spaces between the thousands")]
    assert result.unreadable == []


def test_the_same_cells_in_a_decimal_point_table_read_the_usual_way() -> None:
    text = ("Indicator 2020 2021\n"
            "Direct emissions (tCO2e) 285,868 301,204\n"
            "Intensity (tCO2e/t) 0.24 0.22\n")
    assert read(text) == [(2, 2020, "285868", None, ()), (2, 2021, "301204", None, ()),
                          (3, 2020, "0.24", None, ()), (3, 2021, "0.22", None, ())]


def test_each_table_has_its_own_convention() -> None:
    text = ("Indicator 2020 2021\n"
            "Direct emissions (tCO2e) 285.868 0,5\n"
            "Indicator Unit 2020 2021\n"
            "Water m3 1,234 12.5\n")
    assert read(text) == [(2, 2020, "285868", "285.868", ()), (2, 2021, "0.5", "0,5", ()),
                          (4, 2020, "1234", None, ()), (4, 2021, "12.5", None, ())]


def test_a_cell_the_table_does_not_settle_is_read_with_a_point_and_flagged() -> None:
    found = extract("Indicator 2020 2021\nDirect emissions (tCO2e) 285.868 12\n").values
    assert [(f.year, str(f.value), f.flags, f.note) for f in found] == [
        (2020, "285.868", ("separator_ambiguous",),
         "separator ambiguous: printed '285.868', read with a decimal point; the table does "
         "not tell its decimal separator, and with a decimal comma it is 285868"),
        (2021, "12", (), "")]


def test_conflicting_evidence_flags_both_kinds_of_ambiguous_cells() -> None:
    result = extract("Indicator 2020 2021\nWaste (t) 285.868 1,234\nRate (%) 0,24 12.5\n")
    found = result.values
    # 0,24 reads with a decimal comma only, 12.5 with a point only: which the table uses
    # is not told, and 0,24 is no number with a point
    assert [(u.line, u.why) for u in result.unreadable] == [
        (3, "'0,24' reads only with a decimal comma, and other cells of the table only with a "
            "decimal point")]
    assert [(str(f.value), f.flags, f.note) for f in found] == [
        ("285.868", ("separator_ambiguous",),
         "separator ambiguous: printed '285.868', read with a decimal point; the table does "
         "not tell its decimal separator, and with a decimal comma it is 285868"),
        ("1234", ("separator_ambiguous",),
         "separator ambiguous: printed '1,234', read with a decimal point; the table does "
         "not tell its decimal separator, and with a decimal comma it is 1.234")]


def test_a_glued_token_in_a_comma_decimal_table_makes_the_row_unreadable() -> None:
    result = extract("Indicator 2020 2021\nWaste (t) 0,5 12,3445,67\n")
    assert result.values == []
    assert [(u.line, u.why) for u in result.unreadable] == [
        (2, "'12,3445,67' is not one number with a decimal comma, as the table's other cells "
            "print them")]


def test_a_comma_decimal_pipe_table() -> None:
    text = ("| Indicator | Unit | 2022 | 2023 |\n|---|---|---|---|\n"
            "| Direct emissions | tCO2e | 285.868 | 290.117 |\n"
            "| Intensity | tCO2e/t | 0,24 | 0,22 |\n")
    assert read(text) == [(3, 2022, "285868", "285.868", ()), (3, 2023, "290117", "290.117", ()),
                          (4, 2022, "0.24", "0,24", ()), (4, 2023, "0.22", "0,22", ())]


@pytest.mark.parametrize("heading, years, before", [
    ("Historical GHG Emissions (tCO2e) 2022 2023 2024", (2022, 2023, 2024),
     "Historical GHG Emissions (tCO2e)"),
    ("Emissions of CO2 2022 2023", (2022, 2023), "Emissions of CO2"),
])
def test_a_digit_inside_a_unit_does_not_stop_a_heading(heading: str, years, before: str) -> None:
    found = read_heading(heading)
    assert (found.years, found.before) == (years, before)


@pytest.mark.parametrize("line", ["Scope 1 2021 2022", "GHG (tonnes) 2021 2022",
                                  "Waste (tonnes) 2031 2033 2037"])
def test_a_row_whose_cells_look_like_years_is_no_heading(line: str) -> None:
    assert read_heading(line) is None


def test_the_csv_and_the_draft_carry_the_flag_and_the_other_reading(run, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Indicator 2020 2021\nWater withdrawal (m3) 285.868 12\n", encoding="utf-8")
    done = run("extract", str(path), "--format", "csv")
    assert done.code == 0, done
    rows = list(csv.DictReader(io.StringIO(done.out)))
    assert [(r["year"], r["value"], r["flags"].split(";")[0], r["notes"].split(";")[0])
            for r in rows] == [
        ("2020", "285.868", "separator_ambiguous",
         "separator ambiguous: printed '285.868', read with a decimal point"),
        ("2021", "12", "new_metric", rows[1]["notes"].split(";")[0])]
    assert "separator" not in rows[1]["flags"] + rows[1]["notes"]
    draft = run("extract", str(path), "-c", "acme")
    assert draft.code == 0, draft
    assert ("separator ambiguous: printed '285.868', read with a decimal point; the table "
            "does not tell its decimal separator, and with a decimal comma it is 285868"
            ) in draft.out


def test_a_zero_before_a_comma_is_a_decimal_comma_never_thousands() -> None:
    assert number_convention(["0,047", "5,38"]) == COMMA
    assert read_cell("0,047") is None  # with a decimal point it is no number
    assert str(read_cell("0,047", COMMA).value) == "0.047"
    assert read("Indicator 2021 2022\nParticulate matter (kg) 0,047 0,045\n") == [
        (2, 2021, "0.047", "0,047", ()), (2, 2022, "0.045", "0,045", ())]


def test_a_table_that_tells_nothing_takes_the_convention_of_the_whole_text() -> None:
    text = ("Emissions fell 3,2 % on the year before.\n"
            "Emissions 2022 2021\nScope 1 (tCO2e) 29.609 33.668\n\n"
            "Ratios 2022 2021\nIntensity (tCO2e/t) 0,24 0,23\n")
    assert read(text)[:2] == [(3, 2022, "29609", "29.609", ()), (3, 2021, "33668", "33.668", ())]
    # a text that tells both ways settles nothing: the cell is read the usual way, flagged
    mixed = text + "Revenue (EUR) 2022 2021\nSales 1,234 1,500\n"
    assert read(mixed)[0] == (3, 2022, "29.609", None, ("separator_ambiguous",))
    # and one that tells nothing either
    assert read("Emissions 2022 2021\nScope 1 (tCO2e) 29.609 33.668\n")[0] == (
        2, 2022, "29.609", None, ("separator_ambiguous",))
