"""The terminal table in a narrow window: a row a line, the long columns (as printed,
source, kind) as numbered references under the table, in-process and in a real
pseudo-terminal."""

from __future__ import annotations

import csv
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import fcntl

import pytest
from rich.cells import cell_len


def _lines(run, monkeypatch, width: int, *command: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run(*command, "-f", "table")
    assert (result.code, result.err) == (0, ""), result
    return result.out.splitlines()


def test_compare_at_80_columns_is_a_row_a_line_with_references(run, monkeypatch,
                                                                on_groups) -> None:
    lines = _lines(run, monkeypatch, 80, "compare", "ghg", "--year", "2020", *on_groups)
    assert max(map(cell_len, lines)) <= 80
    rows = {line.split()[0]: line.split() for line in lines
            if line.startswith(("  north-mobile", "  south-telecom", "  south-services"))}
    assert rows["north-mobile"] == ["north-mobile", "2020", "14,230,000", "basis_differs",
                                    "[1]"]
    assert rows["south-services"][:3] == ["south-services", "2020", "554,400"]
    references = [line for line in lines if re.match(r"\[\d\] ", line)]
    assert references[0] == "[1] 14.23 百萬噸, North 2020, line 1"
    assert len(references) == 3


def test_a_wide_terminal_keeps_the_whole_table(run, monkeypatch, on_groups) -> None:
    lines = _lines(run, monkeypatch, 200, "compare", "ghg", "--year", "2020", *on_groups)
    header = next(line for line in lines if "Company" in line)
    assert header.split() == ["Company", "Year", "Value", "(tCO2e)", "Kind", "As", "printed",
                              "Source", "Flags"]
    assert not any(re.match(r"\[\d\] ", line) for line in lines)


@pytest.mark.parametrize("command", [("compare", "ghg"), ("trend", "ghg")])
def test_narrow_output_within_half_again_the_wide(run, monkeypatch, command) -> None:
    """On the built-in catalog: the whole output at 80 columns is no more than 1.5x its
    line count at 200."""
    wide = len(_lines(run, monkeypatch, 200, *command))
    for width in (80, 100, 120):
        narrow = _lines(run, monkeypatch, width, *command)
        assert max(map(cell_len, narrow)) <= width
        assert len(narrow) <= 1.5 * wide, (width, len(narrow), wide)


def test_show_within_half_again_the_wide(run, monkeypatch) -> None:
    """On the built-in catalog, with the notes a line each: at 80 columns the table is
    crowded (its rows would wrap to more than a line and a half each) and takes its
    denser layout."""
    wide = len(_lines(run, monkeypatch, 200, "show", "china-unicom", "2020"))
    for width in (80, 100, 120):
        narrow = _lines(run, monkeypatch, width, "show", "china-unicom", "2020")
        assert max(map(cell_len, narrow)) <= width
        assert len(narrow) <= 1.5 * wide, (width, len(narrow), wide)


def test_chart_bars_on_consecutive_lines_at_80(run, monkeypatch, on_groups) -> None:
    lines = _lines(run, monkeypatch, 80, "compare", "ghg", "--chart", *on_groups)
    bars = [n for n, line in enumerate(lines) if re.search("[▏▎▍▌▋▊▉█]", line)]
    assert len(bars) == 3
    assert bars == list(range(bars[0], bars[0] + 3))


def test_trend_at_80_names_each_company_once_above_its_years(run, monkeypatch,
                                                             on_groups) -> None:
    lines = _lines(run, monkeypatch, 80, "trend", "ghg", *on_groups)
    assert max(map(cell_len, lines)) <= 80
    at = next(n for n, line in enumerate(lines) if line.strip() == "north-mobile")
    assert [line.split()[:2] for line in lines[at + 1:at + 4]] == [
        ["2018", "13,130,000"], ["2019", "13,200,000"], ["2020", "14,230,000"]]


def test_show_at_80_keeps_each_metric_id_in_its_reference(run, monkeypatch,
                                                          on_groups) -> None:
    lines = _lines(run, monkeypatch, 80, "show", "north-mobile", "2020", *on_groups)
    assert max(map(cell_len, lines)) <= 80
    row = next(line for line in lines if "Greenhouse gas emissions" in line)
    mark = row.split()[-1]
    assert re.fullmatch(r"\[\d+\]", mark)
    assert f"{mark} ghg, 14.23 百萬噸, North 2020, line 1" in "\n".join(lines)


def test_chinese_names_whole_at_100_columns_and_more(run, monkeypatch, write) -> None:
    catalog = write("zh.yaml", """
        schema: 1
        metrics:
          ghg: {name: GHG, category: environmental, unit: tCO2e}
        companies:
          long-name:
            name: China Unicom (Hong Kong) Limited
            name_zh: 中國聯合網絡通信（香港）股份有限公司
            sources: {a: {file: a.txt}}
            kpis:
              - {metric: ghg, label: GHG, unit: t, values: {2020: 5}, source: a, line: 1}
        """)
    for width in (100, 120, 200):
        lines = _lines(run, monkeypatch, width, "companies", "--no-builtin", "--catalog",
                       str(catalog))
        assert any("中國聯合網絡通信（香港）股份有限公司" in line for line in lines), width


def _in_a_terminal(columns: int, *args: str) -> str:
    """esgcmp run in a pseudo-terminal ``columns`` wide: what the terminal receives."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of that size, no pager, no colour
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns,
                                                                       0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env.update(NO_COLOR="1", TERM="xterm", ESGCMP_PAGER="cat")
        os.execvpe(sys.executable, [sys.executable, "-m", "esgcmp", *args], env)
    chunks = []
    while True:
        ready, _w, _x = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_in_a_real_80_column_terminal(on_groups) -> None:
    text = _in_a_terminal(80, "compare", "ghg", "--year", "2020", *on_groups)
    lines = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line) for line in text.splitlines()]
    assert max(map(cell_len, lines)) <= 80
    row = next(line for line in lines if line.startswith("  north-mobile"))
    assert row.split() == ["north-mobile", "2020", "14,230,000", "basis_differs", "[1]"]
    assert "[1] 14.23 百萬噸, North 2020, line 1" in lines


def test_notes_under_a_narrow_table_are_a_line_each(run, monkeypatch, on_groups) -> None:
    lines = _lines(run, monkeypatch, 60, "compare", "ghg", "--year", "2020", *on_groups)
    assert lines[lines.index("Year 2020."):] == [
        "Year 2020.",
        "Bases differ (flag basis_differs), compare with care…",
        "Note: south-services is part of south-telecom; its figures…",
        "north-mobile ghg 2020: mass read as CO2e",
        "south-telecom ghg 2020: mass read as CO2e",
        "south-services ghg 2020: mass read as CO2e",
        "south-telecom ghg 2020 is involved, not suspected…",
        "Reports: North 2020 = north.txt (North Mobile CSR 2020); ",
        "Services 2020 = services.txt (South Services ESG 2020); ",
        "South 2020 = south.txt (South Telecom CSR 2020).",
        "3 notes cut to a line; --notes all shows them whole."]


def test_notes_all_shows_them_whole(run, monkeypatch, on_groups) -> None:
    lines = _lines(run, monkeypatch, 60, "compare", "ghg", "--year", "2020", *on_groups,
                   "--notes", "all")
    assert max(map(cell_len, lines)) <= 60
    text = " ".join(" ".join(lines[lines.index("Year 2020."):]).split())
    assert ("Note: south-services is part of south-telecom; its figures are included in "
            "south-telecom's. Do not add them up.") in text
    assert not any("cut to a line" in line for line in lines)


def test_a_note_longer_than_the_line_is_cut_at_a_word(run, monkeypatch, on_groups) -> None:
    lines = _lines(run, monkeypatch, 200, "compare", "ghg", "--year", "2020", *on_groups)
    assert lines[-1] == "2 notes cut to a line; --notes all shows them whole."
    assert lines[-2] == ("Reports: North 2020 = north.txt (North Mobile CSR 2020); Services "
                         "2020 = services.txt (South Services ESG 2020); South 2020 = "
                         "south.txt (South Telecom CSR 2020).")
    from esgcmp.terminal import briefly

    assert briefly(["short", "a note of several words", "二氧化碳排放量"], 12) == [
        "short", "a note of…", "二氧化碳排…",
        "2 notes cut to a line; --notes all shows them whole."]
    assert briefly(["one line\nand its detail"], 40) == ["one line and its detail"]
    assert briefly(["one line\nand its detail"], 20) == [
        "one line and its…", "1 note cut to a line; --notes all shows it whole."]


def test_plain_output_keeps_the_notes_whole(run, on_groups) -> None:
    result = run("compare", "ghg", "--year", "2020", *on_groups, "-f", "plain")
    assert ("Note: south-services is part of south-telecom; its figures are included in "
            "south-telecom's. Do not add them up.\n") in result.out
    assert "cut to a line" not in result.out


def test_notes_is_refused_unless_brief_or_all(run, on_groups) -> None:
    result = run("compare", "ghg", *on_groups, "--notes", "some")
    assert result.code == 2
    assert "Invalid value for '--notes': 'some' is not one of 'brief', 'all'." in result.err


def test_a_crowded_show_at_80(run, monkeypatch) -> None:
    """show on the built-in catalog at 80 columns: no blank edge, a long unit broken after
    its '/', a label's lines balanced, the report most cited named once above the
    references, its lines together, and a note said of several values said once."""
    lines = _lines(run, monkeypatch, 80, "show", "china-unicom", "2020")
    assert max(map(cell_len, lines)) <= 80
    assert lines[2].split() == ["Metric", "Value", "Unit"]
    assert lines[2].startswith("Metric")  # no edge: the table starts where the title does
    at = next(n for n, line in enumerate(lines)
              if line.startswith("Customer appeal rate, monthly"))
    assert lines[at].split()[-3:] == ["11.84", "person_times/", "[37]"]
    assert lines[at + 1].split() == ["average", "(per", "million", "users)", "(10^6",
                                     "persons)"]
    assert lines[at].index("person_times/") == lines[at + 1].index("(10^6 persons)")
    at = lines.index("Greenhouse gas                               14,230,000   tCO2e"
                     "            [7]  ")
    assert lines[at + 1].rstrip() == "emissions (Scope 1 + 2)"  # not "... (Scope 1 +", "2)"
    start = lines.index("Lines of CU CSR 2020 unless another report is named:")
    assert lines[start + 1:start + 3] == [
        "[1] energy, derived from 5 components, inputs listed below, Flags: derived,",
        "    restated"]
    assert "[7] ghg, 14.23 百萬噸, line 4299" in lines
    assert "[28] donations, 637.4 萬元, lines 4339, 2027, 2073" in lines
    assert "[22] sim_cards_recycled, 80 萬張, line 2486; CU CSR 2020 (EN), line 538" in lines
    assert ("china-unicom electricity and 7 more 2020: Label carries footnote 5: "
            "2018–2020年…") in lines
    assert lines[-1] == "19 notes cut to a line; --notes all shows them whole."


def test_a_table_that_is_not_crowded_keeps_its_edge_and_citations(run, monkeypatch) -> None:
    """From 100 columns the compact layout as it is, each reference naming its report
    (show china-telecom 2020 --change at 120 has rows wrapping to more than a line and a
    half each, and is not laid out denser)."""
    lines = _lines(run, monkeypatch, 100, "show", "china-unicom", "2020")
    assert lines[3].split() == ["Metric", "Value", "Unit"]
    assert lines[3].startswith("  Metric")
    assert "[7] ghg, 14.23 百萬噸, CU CSR 2020, line 4299" in lines
    assert not any(line.startswith("Lines of ") for line in lines)
    lines = _lines(run, monkeypatch, 120, "show", "china-telecom", "2020", "--change")
    assert next(line for line in lines if "Metric" in line).startswith("  Metric")
    # the change in units in the reference, where that saves lines (its per cent stays)
    assert ("[2] electricity, Change: 3,780,000, 249.4 hundred million kWh, CT CSR 2020, "
            "line 4848") in lines
    assert not any(line.startswith("Lines of ") for line in lines)


def test_a_crowded_table_fits_where_it_was_stacked_records(run, monkeypatch) -> None:
    """show ccs 2020 at 60 columns: a table with no edge, not a record per metric."""
    lines = _lines(run, monkeypatch, 60, "show", "ccs", "2020")
    assert max(map(cell_len, lines)) <= 60
    assert lines[3].split() == ["Metric", "Value", "Unit"]  # under a title of two lines
    assert lines[3].startswith("Metric")
    assert any(line.startswith("Greenhouse gas") and "554,400" in line for line in lines)


def test_crowded_pieces() -> None:
    from esgcmp.output import Report
    from esgcmp.terminal import _broken_after_slashes, _lines_cited, _most_cited, _said_once

    assert _broken_after_slashes("tCO2e/(10^6 CNY)", 14) == "tCO2e/\n(10^6 CNY)"
    assert _broken_after_slashes("tCO2e/(10^6 CNY)", 16) == "tCO2e/(10^6 CNY)"
    assert _broken_after_slashes("kgce/TB", 5) == "kgce/\nTB"
    assert _broken_after_slashes("t/km/(10^6 CNY)", 5) == "t/km/\n(10^6 CNY)"
    where = ["A 2020, line 4", "A 2020, line 9", "B 2020, line 1", "A 2020, page 3, line 7",
             "B 2020, line 2"]
    assert _lines_cited(where, "A 2020") == (
        "lines 4, 9; B 2020, lines 1, 2; A 2020, page 3, line 7")
    assert _lines_cited(where, "B 2020") == (
        "A 2020, lines 4, 9; lines 1, 2; A 2020, page 3, line 7")
    rows = [{"where": ["A 2020, line 4"]}, {"where": ["B 2020, line 1", "A 2020, line 2"]},
            {"where": "inputs listed below"}, {"where": ["B 2020, line 5"]},
            {"where": ["B 2020, line 6"]}]
    report = Report(rows=rows, columns=["where"], display=[("where", "Source")])
    assert _most_cited(report) == "B 2020"
    assert _most_cited(Report(rows=rows[:1] + rows[2:3], columns=["where"],
                              display=[("where", "Source")])) == ""
    notes = ["co a 2020: Same.", "co b 2020: Same.", "co c 2020: Other.", "co d 2019: Same.",
             "co a 2020 is inconsistent (jump): a changed.", "co e 2020: Same."]
    assert _said_once(notes, 80) == [
        "co a, b and e 2020: Same.", "co c 2020: Other.", "co d 2019: Same.",
        "co a 2020 is inconsistent (jump): a changed."]
    assert _said_once(notes, 20)[0] == "co a and 2 more 2020: Same."


def _terminal_lines(columns: int, *args: str) -> list[str]:
    text = _in_a_terminal(columns, *args)
    return [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line).rstrip("\r")
            for line in text.splitlines()]


@pytest.mark.slow
def test_the_targets_in_real_terminals(run) -> None:
    """The issue's targets on the built-in catalog, in pseudo-terminals 80, 100, 120 and
    200 columns wide: no line wider; compare ghg's rows one line each, company, value and
    flags together at 80 and 100 (at 80 the one year is said in the title, not in a
    column); compare ghg, show china-unicom 2020 and trend ghg within 1.5x their lines at
    200; --chart's bars on consecutive lines; every company's Chinese name whole on one
    line from 100 columns."""
    from decimal import Decimal

    from esgcmp.output import number_text

    compared = list(csv.DictReader(io.StringIO(run("compare", "ghg", "-f", "csv").out)))
    names_zh = [row["name_zh"] for row in
                csv.DictReader(io.StringIO(run("companies", "-f", "csv").out)) if row["name_zh"]]
    assert len(compared) >= 3 and names_zh
    commands = [("compare", "ghg"), ("show", "china-unicom", "2020"), ("trend", "ghg")]
    at_200 = {command: len(_terminal_lines(200, *command)) for command in commands}
    for width in (80, 100, 120):
        for command in commands:
            lines = _terminal_lines(width, *command)
            assert max(map(cell_len, lines)) <= width, (width, command)
            assert len(lines) <= 1.5 * at_200[command], (width, command, len(lines))
            if command == ("compare", "ghg") and width < 120:
                if width == 80:
                    assert lines[0].endswith(", tCO2e, 2020")
                for row in compared:
                    line = next(line for line in lines
                                if line.split()[:1] == [row["company"]])
                    expected = [row["company"], row["year"],
                                number_text(Decimal(row["value"]))]
                    if width == 80:
                        del expected[1]  # the one year is in the title
                    assert line.split()[:len(expected)] == expected, (width, line)
                    flags = re.split(" {2,}", line.strip())[-2]  # before the reference
                    assert flags == ", ".join(row["flags"].split(";")), (width, line)
        chart = _terminal_lines(width, "compare", "ghg", "--chart")
        bars = [n for n, line in enumerate(chart) if re.search("[▏▎▍▌▋▊▉█]", line)]
        # (a value too small beside the largest draws no bar at all)
        assert len(bars) >= 3 and bars == list(range(bars[0], bars[0] + len(bars))), width
    for width in (100, 120, 200):
        lines = _terminal_lines(width, "companies")
        assert max(map(cell_len, lines)) <= width
        for name in names_zh:
            assert any(name in line for line in lines), (width, name)


@pytest.mark.parametrize("width", [100, 120])
def test_chinese_names_of_the_builtin_catalog_whole(run, monkeypatch, width) -> None:
    """companies, metrics and show on the built-in catalog: each Chinese name on one line
    (in a table or a stacked record)."""
    companies = list(csv.DictReader(io.StringIO(run("companies", "-f", "csv").out)))
    metrics = list(csv.DictReader(io.StringIO(run("metrics", "-f", "csv").out)))
    text = _lines(run, monkeypatch, width, "companies")
    assert all(any(row["name_zh"] in line for line in text) for row in companies), width
    text = _lines(run, monkeypatch, width, "metrics")
    missing = [row["name_zh"] for row in metrics
               if row["name_zh"] and not any(row["name_zh"] in line for line in text)]
    assert missing == [], width
    text = _lines(run, monkeypatch, width, "show", "中國聯通", "2020")
    assert text[0] == "China Unicom (Hong Kong) Limited (china-unicom), 2020"


def test_a_crowded_table_with_notes_all_says_each_note_whole(run, monkeypatch) -> None:
    """--notes all: the notes as they are, each value's own (none said once for several)."""
    lines = _lines(run, monkeypatch, 80, "show", "china-unicom", "2020", "--notes", "all")
    assert max(map(cell_len, lines)) <= 80
    assert "Lines of CU CSR 2020 unless another report is named:" in lines
    assert "china-unicom gasoline 2020: Label carries footnote 5: " in lines
    assert not any(" more 2020: " in line for line in lines)
    assert not any("cut to a line" in line for line in lines)


def test_balanced_lines() -> None:
    from esgcmp.terminal import _balanced

    assert _balanced("Greenhouse gas emissions (Scope 1 + 2)", 35) == [
        "Greenhouse gas", "emissions (Scope 1 + 2)"]
    assert _balanced("Greenhouse gas emissions (Scope 1 + 2)", 40) == [
        "Greenhouse gas emissions (Scope 1 + 2)"]
    assert _balanced("aa bb cc dd", 9) == ["aa bb", "cc dd"]  # not "aa bb cc", "dd"
    assert _balanced("", 9) == [""]


def test_metrics_at_200_keep_a_chinese_bracketed_group_whole(run, monkeypatch) -> None:
    """At 200 columns `metrics` is a table whose Chinese column is narrower than its longest
    names: a name breaks as Chinese typesetting allows, never inside a short bracketed group
    (能源間接溫室氣體排放 above （範疇二）, not （範疇 above 二）) and never before closing
    punctuation."""
    metrics = list(csv.DictReader(io.StringIO(run("metrics", "-f", "csv").out)))
    text = _lines(run, monkeypatch, 200, "metrics")
    assert max(map(cell_len, text)) <= 200
    groups = {re.search(r"（[^）]{1,6}）", row["name_zh"]).group(0) for row in metrics
              if re.search(r"（[^）]{1,6}）", row["name_zh"])}
    assert "（範疇二）" in groups
    assert all(any(group in line for line in text) for group in groups)
    assert "能源間接溫室氣體排放" in "\n".join(text)
    assert not any(re.search(r"(^|  )[）」，。、]", line) for line in text)


def test_show_with_changes_at_80_is_a_table_not_records(run, monkeypatch) -> None:
    """On the built-in catalog, `show --change` at 80 columns: a change in units is long
    (-3,360,000,000), so it moves into the row's reference while its per cent stays in the
    table; never a stacked record of six lines a value."""
    lines = _lines(run, monkeypatch, 80, "show", "china-telecom", "2020", "--change")
    assert max(map(cell_len, lines)) <= 80
    assert not any(line.lstrip().startswith("Value ") for line in lines)  # no records
    header = next(i for i, line in enumerate(lines) if line.startswith("Metric"))
    assert lines[header].split() == ["Metric", "Value", "Unit", "%"]
    assert lines[header - 1].split() == ["Change"]
    gasoline = next(line for line in lines if line.startswith("Gasoline consumption"))
    assert gasoline.split()[-4:] == ["117,000", "t", "-5", "[3]"]  # 12.3 to 11.7 萬噸
    assert "[3] gasoline, Change: -6,000, 11.7 *10,000 tons, line 4852" in lines
    wide = _lines(run, monkeypatch, 200, "show", "china-telecom", "2020", "--change")
    assert len(lines) <= 1.6 * len(wide)


def test_a_trend_since_a_base_year_at_80_is_a_table(run, monkeypatch, on_groups) -> None:
    """`trend --from` at 80 columns: the changes in units (against the year before and
    since the base year) move into the references, the per cents stay in the table."""
    lines = _lines(run, monkeypatch, 80, "trend", "ghg", "--from", "2018", *on_groups)
    assert max(map(cell_len, lines)) <= 80
    assert not any(line.lstrip().startswith("Value ") for line in lines)  # no records
    header = next(line for line in lines if "Year" in line)
    assert header.split() == ["Year", "Value", "(tCO2e)", "Change", "%", "CAGR", "%"]
    row = next(line for line in lines if line.lstrip().startswith("2020") and "14,230,000"
               in line)
    *_, change_pct, cagr, mark = row.split()
    assert (change_pct, cagr, re.fullmatch(r"\[\d+\]", mark) is not None) == ("7.8", "4.1", True)
    ref = next(line for line in lines if line.startswith(mark + " "))
    assert ref.startswith(f"{mark} Change: 1,000,000, Since 2018: 1,100,000, ")
