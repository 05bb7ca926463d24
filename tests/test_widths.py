"""Every table command at 60, 80, 120 and 200 columns: no line wider than the terminal,
no number, id, unit, citation or flag broken inside, nothing CSV gives left out.

The properties are checked on the text a user sees, command by command, against the
CSV output of the same command (the contract of what each row holds)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from rich.cells import cell_len

from esgcmp.output import number_text
from esgcmp.wrapping import pieces

from .conftest import seeds_dir

WIDTHS = (60, 80, 120, 200)

COMMANDS = [
    ("show", "china-unicom", "2020"),
    ("show", "china-telecom", "2020", "--change"),
    ("show", "china-comservice", "2024", "--framework", "hkex"),
    ("compare", "energy"),
    ("compare", "ghg", "--chart"),
    ("compare", "water", "--change"),
    ("compare", "ghg", "--per", "revenue"),
    ("compare", "energy", "--per", "employees", "--chart"),
    ("compare", "ghg,ghg_scope1,ghg_scope2,ghg_intensity_revenue"),  # a table per metric
    ("trend", "china-unicom", "china-telecom", "ghg"),
    ("trend", "ghg", "--from", "2018"),
    ("trend", "ghg", "--per", "revenue"),
    ("trend", "ghg", "--wide"),
    ("compare", "ghg,energy,water", "--wide"),
    ("compare", "ghg", "--change", "--from", "2018"),
    ("show", "ccs", "2020", "--wide"),
    ("source", "unicom", "electricity_cost_saved", "2020", "--sources", str(seeds_dir())),
    ("metrics", "温室"),
    ("metrics",),
    ("companies",),
    ("check",),
]


def _csv(run, command: tuple[str, ...]) -> list[dict[str, str]]:
    result = run(*[arg for arg in command if arg != "--chart"], "--format", "csv")
    assert result.code in (0, 1), result
    rows = list(csv.DictReader(io.StringIO(result.out)))
    for row in rows:  # a wide table's values are under their headings
        row.update({f"wide {k}": v for k, v in row.items() if k and "(" in k and v})
    return rows


def _table(run, monkeypatch, command: tuple[str, ...], width: int) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run(*command, "--format", "table")
    assert result.code in (0, 1), result
    assert result.err == ""
    return result.out.splitlines()


def _whole(token: str, lines: list[str]) -> bool:
    """The token on one line, as it is or with its CJK characters wrapped apart."""
    if any(token in line for line in lines):
        return True
    parts = pieces(token)
    return len(parts) > 1 and all(any(p in line for line in lines) for p in parts)


def _unit_whole(unit: str, lines: list[str]) -> bool:
    """A unit on one line, or broken after a '/' (in a crowded table) with its parts at
    the same place on consecutive lines (``tCO2e/`` above ``(10^6 CNY)``)."""
    if _whole(unit, lines):
        return True
    parts = re.findall(r"[^/]*/|[^/]+", unit)

    def starts(line: str, part: str) -> set[int]:
        """The cells where ``part`` starts on the line, as a whole cell's text."""
        return {cell_len(line[:found.start()]) for found in
                re.finditer(rf"(?<!\S){re.escape(part)}(?!\S)", line)}

    for n in range(len(lines) - len(parts) + 1):
        if set.intersection(*(starts(lines[n + k], part) for k, part in enumerate(parts))):
            return True
    return False


def _tokens(row: dict[str, str]) -> list[str]:
    """What a reader must find whole: numbers as shown, ids, units, citations, flags."""
    found = [row.get(column) or "" for column in ("company", "metric", "id")]
    numbers = [k for k in row if k in ("value", "intensity", "per_value", "change",
                                       "base_change") or k.startswith("wide ")]
    for column in numbers:
        if row.get(column):
            found.append(number_text(Decimal(row[column])))
    citations = [f"{row['source']}:{row['line']}"] if row.get("source") else []
    citations += [item for item in (row.get("also") or "").split(";") if item]
    citations += [row[column] for column in ("per_source", "reported_intensity_source")
                  if row.get(column) and re.fullmatch(r"\S+:\d+", row[column])]
    for citation in citations:  # the line in the table, the file in the legend under it
        found += citation.rsplit(":", 1)
    for flag in (row.get("flags") or "").split(";"):  # wide: "2019 (tCO2e): scope, approx"
        found += flag.replace(",", " ").split() if ": " in flag else [flag]
    found += [item for item in (row.get("sources") or "").split(";") if item]
    return [token for token in found if token]


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_cell_whole_at_every_width(run, monkeypatch, command) -> None:
    rows = _csv(run, command)
    assert rows
    for width in WIDTHS:
        lines = _table(run, monkeypatch, command, width)
        assert max(cell_len(line) for line in lines) <= width, (width, command)
        if "--chart" in command:  # bars are drawn at every width
            assert any("█" in line for line in lines), (width, command)
        for row in rows:
            for token in _tokens(row):
                assert _whole(token, lines), (width, command, token)
            if row.get("unit"):
                assert _unit_whole(row["unit"], lines), (width, command, row["unit"])


@pytest.mark.parametrize("width", WIDTHS)
def test_intensity_table_cites_every_source(run, monkeypatch, width) -> None:
    """The intensity rows cite numerator, denominator and the reported intensity."""
    lines = _table(run, monkeypatch, ("compare", "ghg", "--per", "revenue"), width)
    text = " ".join(line.strip() for line in lines)
    for line in ("4299", "4122", "4305", "4860"):
        assert _whole(line, lines), line
    for prefix in ("ghg:", "revenue:", "reported:"):
        assert prefix in text
    assert "CU CSR 2020 = 004_74dae4d02e57c763.txt (2020 社會責任報告)" in text
    if width in (60, 200):  # a stacked record, or a table wide enough for every cell
        for cited in ("ghg: CU CSR 2020, line 4299", "revenue: CU CSR 2020, line 4122",
                      "reported: CU CSR 2020, line 4305", "ghg: CT CSR 2020, line 4860"):
            assert cited in text, cited


@pytest.mark.parametrize("width", WIDTHS)
def test_title_wraps_whole(run, monkeypatch, width) -> None:
    lines = _table(run, monkeypatch, ("compare", "ghg", "--per", "revenue"), width)
    title = "Greenhouse gas emissions (Scope 1 + 2) per revenue (ghg --per revenue), " \
            "tCO2e/(10^6 CNY)"
    head = " ".join(line.strip() for line in lines[:4] if line.strip())
    assert head.startswith(title)


def test_a_table_that_cannot_fit_becomes_stacked_records(run, monkeypatch,
                                                        on_intensities) -> None:
    """At 45 columns (from 55 the table fits, its one year said in its title)."""
    lines = _table(run, monkeypatch, ("compare", "ghg", "--per", "revenue", *on_intensities),
                   45)
    record = lines[lines.index("north-mobile, 2020"):][:12]
    assert record == [
        "north-mobile, 2020",
        "  ghg (tCO2e)           14,230,000",
        "  revenue (CNY)         303,840,000,000",
        "  Intensity             46.83",
        "  (tCO2e/(10^6 CNY))",
        "  Reported              46.6",
        "  Diff %                0.5",
        "  Kinds                 reported / reported",
        "  Sources               ghg: North 2020, line",
        "                        1",
        "                        revenue: North 2020,",
        "                        line 4122",
    ]


def test_a_table_that_fits_stays_a_table(run, monkeypatch) -> None:
    lines = _table(run, monkeypatch, ("compare", "energy"), 200)
    header = next(line for line in lines if "Company" in line)
    assert header.split() == ["Company", "Year", "Value", "(tce)", "Kind", "As", "printed",
                              "Source", "Flags"] or header.split()[:2] == ["Company", "Year"]
    assert any(line.split()[:3] == ["china-telecom", "2020", "3,354,000"] for line in lines)


def test_show_names_each_metric(run, monkeypatch) -> None:
    lines = _table(run, monkeypatch, ("show", "china-unicom", "2020"), 200)
    assert any(line.strip().startswith("Electricity consumption (electricity)")
               and "17,220,000" in line for line in lines)
    csv_rows = _csv(run, ("show", "china-unicom", "2020"))
    assert csv_rows[1]["metric"] == "electricity"  # CSV keeps the id


@pytest.mark.parametrize("fmt", ["plain", "markdown"])
def test_plain_and_markdown_align_in_terminal_cells(run, fmt) -> None:
    """Chinese characters are two cells wide: the column after them starts where it does
    on every other row."""
    lines = run("show", "china-unicom", "2020", "--format", fmt).out.splitlines()
    rows = [line for line in lines if line.startswith(("| environmental", "environmental"))]
    starts = {cell_len(line[:line.index("CU CSR 2020, line")]) for line in rows
              if "CU CSR 2020, line" in line}
    assert len(starts) == 1
    assert any("百萬噸" in line for line in rows)  # a unit printed in Chinese, on some row


@pytest.mark.parametrize(("name", "width", "lines"), [
    # after a closing bracket, not before the last character
    ("固定電話（固定語音）用戶滿意度", 28, ["固定電話（固定語音）", "用戶滿意度"]),
    # no phrase boundary: never a character alone on the last line
    ("第三方回收處置廢舊通信設備重量", 28, ["第三方回收處置廢舊通信設備", "重量"]),
    # before an opening bracket, the bracketed group whole
    ("能源間接溫室氣體排放（範疇二）", 28, ["能源間接溫室氣體排放", "（範疇二）"]),
    ("中國聯合網絡通信（香港）股份有限公司", 28, ["中國聯合網絡通信（香港）", "股份有限公司"]),
    # after a particle that ends a phrase
    ("通過職業健康安全管理體系認證的子公司數", 16, ["通過職業健康安全", "管理體系認證的", "子公司數"]),
])
def test_a_chinese_name_breaks_where_a_reader_would(name, width, lines) -> None:
    from esgcmp.wrapping import wrap

    assert wrap(name, width) == lines


def test_a_record_says_its_short_facts_on_one_line_where_they_fit(run, monkeypatch,
                                                                   on_groups) -> None:
    """metrics at 60 columns is a record per metric; short facts that follow each other
    share a line where they all fit (electricity), else each has its own (ghg)."""
    lines = _table(run, monkeypatch, ("metrics", *on_groups), 60)
    at = lines.index("electricity")
    assert lines[at + 1] == "  Name  Electricity consumption   Unit  MWh   Companies  2"
    at = lines.index("ghg")
    assert [line.split(None, 1)[0] for line in lines[at + 1:at + 6]] == [
        "Name", "中文", "Unit", "HKEX", "Companies"]
