"""The rich table: column widths worked out from the text, and how long tables read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from esgcmp.wrapping import column_widths

CITATION = "004_74dae4d02e57c763.txt:4289"


def test_a_table_that_fits_gets_its_widest_cells() -> None:
    rows = [["ghg", "14,230,000", "tCO2e"], ["water", "14,990,000", "t"]]
    assert column_widths(["Metric", "Value", "Unit"], rows, [False, True, False],
                         [6, 5, 4], room=40) == [6, 10, 5]


def test_short_columns_are_made_whole_before_a_long_one_gets_the_rest() -> None:
    rows = [[f"metric {n}", CITATION, "restated"] for n in range(19)]
    rows.append(["a metric with a very long name that has to wrap somewhere", CITATION,
                 "sources_disagree"])
    widths = column_widths(["Metric", "Source", "Flags"], rows, [False, False, False],
                           [9, len(CITATION), 16], room=60)
    assert widths == [60 - len(CITATION) - 16, len(CITATION), 16]


def test_no_column_narrower_than_its_widest_piece() -> None:
    rows = [["china-comservice", "derived from 5 components"]]
    assert column_widths(["Company", "As printed"], rows, [False, False], [16, 10],
                         room=28) == [16, 12]
    assert column_widths(["Company", "As printed"], rows, [False, False], [16, 10],
                         room=25) is None


def test_numbers_keep_their_width_and_only_a_long_heading_wraps() -> None:
    rows = [["china-unicom", "46.8339", "x" * 40]]
    widths = column_widths(["Company", "Intensity (tCO2e/(10^6 CNY))", "Notes"], rows,
                           [False, True, False], [7, 10, 5], room=50)
    assert widths is not None
    assert widths[1] == len("(tCO2e/(10^6")  # the heading's longest word, not the heading
    assert sum(widths) <= 50


def test_none_when_even_the_minimums_do_not_fit() -> None:
    rows = [["123,456,789,012", "abc"]]
    assert column_widths(["Value", "Text"], rows, [True, False], [5, 4], room=10) is None


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(st.text(alphabet="ab c,_萬", max_size=30), min_size=3,
                              max_size=3), max_size=12),
       rigid=st.lists(st.booleans(), min_size=3, max_size=3),
       room=st.integers(0, 120))
def test_widths_always_fit_the_room_and_keep_numbers_whole(rows, rigid, room) -> None:
    headings = ["One", "Two", "Three"]
    minimums = [4, 4, 5]
    widths = column_widths(headings, rows, rigid, minimums, room)
    if widths is None:
        return
    assert sum(widths) <= room
    assert sum(widths) == room or all(
        w == max(max([cell_len(line) for row in rows for line in row[i].split("\n")] + [0]),
                 cell_len(headings[i])) or rigid[i] for i, w in enumerate(widths))
    for i, width in enumerate(widths):
        widest = max([cell_len(line) for row in rows for line in row[i].split("\n")] + [0])
        assert width >= 1 and width <= max(widest, cell_len(headings[i]))
        if rigid[i]:
            assert width >= widest
        else:
            assert width >= min(minimums[i], max(widest, cell_len(headings[i])))


def test_show_table_at_200_columns(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = run("show", "china-unicom", "2020", "--format", "table").out
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 200
    # categories head their sections instead of filling a column on every row
    headed = [line.strip() for line in lines if line.strip() in
              ("environmental", "social", "governance", "economic")]
    assert headed == ["environmental", "social", "governance", "economic"]
    assert "Category" not in lines[3]
    # the value, its unit, the printed text and the full citation on one line
    assert any("electricity" in line and "17,220,000" in line and "MWh" in line
               and "172.2 億度" in line and "CU CSR 2020, line 4289" in line
               and "restated" in line for line in lines)
    # a second citation goes under the first, whole
    index = next(i for i, line in enumerate(lines) if "(electricity_cost_saved) " in line)
    assert "CU CSR 2020, line 2425" in lines[index]
    assert "CU CSR 2020 (EN), line 432" in lines[index + 1]
    # which file each report is, under the table; then how many longer notes were cut
    assert lines[-2:] == ["Reports: CU CSR 2020 = 004_74dae4d02e57c763.txt (2020 社會責任報告); "
                          "CU CSR 2020 (EN) = 003_256ee34aaebd3d54.txt (Corporate Social "
                          "Responsibility Report 2020 (English excerpt)).",
                          "6 notes cut to a line; --notes all shows them whole."]


def test_show_table_keeps_the_category_column_in_plain_and_markdown(run) -> None:
    out = run("show", "china-unicom", "2020", "--format", "markdown").out
    assert "| Category" in out and "| environmental" in out


def test_repeated_group_names_are_shown_once(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    lines = run("trend", "china-unicom", "ghg", "--format", "table").out.splitlines()
    rows = [line for line in lines if (" 2018 " in line or " 2019 " in line
            or " 2020 " in line) and "reported" in line
            and not line.startswith("china-unicom ghg")]  # a note under the table
    assert [line.split()[0] for line in rows] == ["china-unicom", "2019", "2020"]
