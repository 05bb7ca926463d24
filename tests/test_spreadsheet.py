"""xlsx and TSV output, and --output: what an analyst pastes or opens in a spreadsheet.

The workbook is read back with openpyxl, cell by cell against the CSV of the same
command; where LibreOffice is installed, it converts the workbook back to CSV too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from esgcmp import pager


def _csv(run, *args: str) -> list[list[str]]:
    result = run(*args, "-f", "csv")
    assert result.code == 0, result
    return list(csv.reader(io.StringIO(result.out)))


def _same(xlsx_cell, csv_cell: str) -> bool:
    """A workbook cell holds what the CSV cell says: the same number (to a double's
    precision), the same text, a list as a readable list."""
    if xlsx_cell is None:
        return csv_cell == ""
    if isinstance(xlsx_cell, (int, float)) and not isinstance(xlsx_cell, bool):
        return Decimal(repr(xlsx_cell)) == Decimal(csv_cell) or float(csv_cell) == xlsx_cell
    return xlsx_cell == csv_cell or xlsx_cell == csv_cell.replace(";", ", ")


@pytest.mark.parametrize("command", [("compare", "ghg"), ("compare", "ghg", "--year", "2019"),
                                     ("trend", "ghg"), ("export",),
                                     ("compare", "ghg", "--per", "electricity")])
def test_xlsx_holds_the_csv_cell_by_cell(run, on_groups, tmp_path: Path, command) -> None:
    target = tmp_path / "out.xlsx"
    result = run(*command, *on_groups, "-f", "xlsx", "-o", str(target))
    assert (result.code, result.out, result.err) == (0, "", "")
    rows = _csv(run, *command, *on_groups)
    sheet = openpyxl.load_workbook(target)["data"]
    got = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(got) == len(rows)
    assert [h.split(" (")[0] for h in got[0]] == rows[0]
    for xlsx_row, csv_row in zip(got[1:], rows[1:]):
        assert all(_same(x, c) for x, c in zip(xlsx_row, csv_row)), (xlsx_row, csv_row)


def test_xlsx_numbers_are_numbers_with_the_unit_in_the_heading(run, on_groups,
                                                                tmp_path: Path) -> None:
    target = tmp_path / "ghg.xlsx"
    assert run("compare", "ghg", *on_groups, "--year", "2020", "-o", str(target)).code == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["data", "sources"]
    sheet = book["data"]
    headings = [c.value for c in sheet[1]]
    assert headings[:5] == ["company", "year", "metric", "value (tCO2e)", "unit"]
    values = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["north-mobile"] == 14230000
    assert isinstance(values["north-mobile"], int)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headings)).column_letter}" \
                                    f"{sheet.max_row}"
    assert sheet.column_dimensions["A"].width > len("north-mobile")
    sources = book["sources"]
    assert [c.value for c in sources[1]] == ["company", "year", "metric", "label", "printed",
                                             "report", "file", "page", "line", "notes"]
    north = [r for r in sources.iter_rows(min_row=2, values_only=True)
             if r[0] == "north-mobile"]
    assert north[0][:5] == ("north-mobile", 2020, "ghg", "GHG emissions", "14.23 百萬噸")
    assert (north[0][6], north[0][8]) == ("north.txt", 1)


def test_xlsx_flags_read_as_a_list_and_text_is_never_a_formula(run, write,
                                                               tmp_path: Path) -> None:
    catalog = write("f.yaml", """
        schema: 1
        metrics:
          ghg: {name: GHG, category: environmental, unit: tCO2e}
        companies:
          acme:
            name: "=HYPERLINK(\\"http://x\\")"
            sources: {a: {file: a.txt}}
            kpis:
              - {metric: ghg, label: "=1+2", unit: t, values: {2020: {value: 5, flags: [restated, estimated]}}, source: a, line: 1}
        """)
    target = tmp_path / "f.xlsx"
    result = run("export", "--no-builtin", "--catalog", str(catalog), "-f", "xlsx", "-o",
                 str(target))
    assert result.code == 0, result
    sheet = openpyxl.load_workbook(target)["data"]
    row = dict(zip([c.value for c in sheet[1]], [c for c in sheet[2]]))
    assert row["label"].value == "=1+2" and row["label"].data_type == "s"
    assert row["flags"].value == "restated, estimated"
    assert row["value (tCO2e)"].value == 5


def test_xlsx_not_written_to_a_terminal(run, on_groups, monkeypatch) -> None:
    monkeypatch.setattr(pager, "terminal", lambda: True)
    result = run("compare", "ghg", *on_groups, "-f", "xlsx")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("esgcmp: error: xlsx is a binary file, not for a terminal; add "
                          "--output FILE.xlsx, or redirect the output to a file\n")


def test_xlsx_written_to_standard_output_is_a_workbook(tmp_path: Path, on_groups) -> None:
    import sys

    done = subprocess.run([sys.executable, "-m", "esgcmp", "compare", "ghg", *on_groups,
                           "-f", "xlsx"], capture_output=True, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout[:2] == b"PK"
    (tmp_path / "piped.xlsx").write_bytes(done.stdout)
    assert openpyxl.load_workbook(tmp_path / "piped.xlsx")["data"].max_row == 4


def test_tsv_is_the_csv_with_tabs_and_no_breaks(run, on_groups) -> None:
    rows = _csv(run, "export", *on_groups)
    result = run("export", *on_groups, "-f", "tsv")
    assert result.code == 0
    lines = result.out.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(rows)
    for line, row in zip(lines, rows):
        assert line.split("\t") == [c.replace("\n", " ") for c in row]


def test_output_file_format_follows_its_name(run, on_groups, tmp_path: Path) -> None:
    for name, start in (("g.csv", "company,year,metric,"), ("g.tsv", "company\tyear\t"),
                        ("g.json", "[\n  {\n"), ("g.md", "## Greenhouse gas emissions")):
        result = run("compare", "ghg", *on_groups, "-o", str(tmp_path / name))
        assert (result.code, result.out, result.err) == (0, "", "")
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    assert (tmp_path / "g.csv").read_text(encoding="utf-8") == _csv_text(run, on_groups)


def _csv_text(run, on_groups) -> str:
    return run("compare", "ghg", *on_groups, "-f", "csv").out


def test_output_file_replaced_whole_and_never_on_a_failed_run(run, on_groups,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "g.csv"
    target.write_text("old\n", encoding="utf-8")
    assert run("compare", "ghg", *on_groups, "-o", str(target)).code == 0
    assert target.read_text(encoding="utf-8") == _csv_text(run, on_groups)
    target.write_text("old\n", encoding="utf-8")
    failed = run("compare", "nosuchmetric", *on_groups, "-o", str(target))
    assert failed.code != 0
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("name, message", [
    ("", "Invalid value for '--output': '' names no file"),
    ("nowhere/g.csv", "Invalid value for '--output': folder 'nowhere' does not exist"),
    (".", "Invalid value for '--output': '.' is a folder")])
def test_output_file_checked_before_any_work(run, on_groups, name, message) -> None:
    result = run("compare", "ghg", *on_groups, "-o", name)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"esgcmp: error: {message}")


def test_bom_with_tsv_and_not_with_xlsx(run, on_groups, tmp_path: Path) -> None:
    assert run("compare", "ghg", *on_groups, "-f", "tsv", "--bom").out.startswith(
        "\ufeffcompany\t")
    result = run("compare", "ghg", *on_groups, "--bom", "-o", str(tmp_path / "g.xlsx"))
    assert result.code == 2
    assert "--bom applies to CSV and TSV only, not to xlsx output" in result.err


def test_extract_rows_as_xlsx(run, tmp_path: Path) -> None:
    report = tmp_path / "acme.txt"
    report.write_text("Indicator Unit 2019 2020\nElectricity consumption MWh 1,234 1,456\n",
                      encoding="utf-8")
    target = tmp_path / "rows.xlsx"
    result = run("extract", str(report), "-c", "acme", "-f", "xlsx", "-o", str(target))
    assert result.code == 0, result
    sheet = openpyxl.load_workbook(target)["data"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    headings = [c.value for c in sheet[1]]
    years = [dict(zip(headings, r)) for r in rows]
    assert [(y["line"], y["year"], y["value (MWh)"]) for y in years] == [(2, 2019, 1234),
                                                                   (2, 2020, 1456)]


def test_libreoffice_reads_the_workbook(run, on_groups, tmp_path: Path) -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        if os.environ.get("ESGCMP_TEST_SYSTEM"):  # CI installs it: missing is a failure
            pytest.fail("LibreOffice is not installed")
        pytest.skip("LibreOffice is not installed")
    target = tmp_path / "ghg.xlsx"
    assert run("compare", "ghg", *on_groups, "-o", str(target)).code == 0
    office = shutil.which("soffice") or shutil.which("libreoffice")
    # 44: comma, 34: quote, 76: UTF-8; sheet 1
    done = subprocess.run([office, "--headless", "--convert-to", "csv:Text - txt - csv "
                           "(StarCalc):44,34,76,1", "--outdir", str(tmp_path), str(target)],
                          capture_output=True, timeout=180, check=False,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    converted = list(csv.reader(io.StringIO((tmp_path / "ghg.csv").read_text("utf-8"))))
    expected = _csv(run, "compare", "ghg", *on_groups)
    assert len(converted) == len(expected)
    by_company = {row[0]: row for row in converted[1:]}
    for row in expected[1:]:
        assert Decimal(by_company[row[0]][3]) == Decimal(row[3])
        assert by_company[row[0]][6] == row[6]  # the unit as printed, Chinese intact


@pytest.mark.parametrize(("name", "fix"), [
    ("ghg.png", "add --chart-file chart.svg for a chart"),
    ("ghg.pdf", "use esgcmp report -o page.html and print the page to PDF"),
    ("ghg.html", "use esgcmp report -o page.html for a page"),
])
def test_an_output_name_no_format_writes_is_refused(run, on_groups, tmp_path: Path, name,
                                                    fix) -> None:
    """-o ghg.png never fills a .png with text: one line, exit 2, no file."""
    target = tmp_path / name
    result = run("compare", "ghg", *on_groups, "-o", str(target))
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"esgcmp: error: --output {target}: esgcmp writes table text, "
                          f"csv, tsv, json, markdown or xlsx, not {name.split('.')[1]}; "
                          f"{fix}\n")
    assert not target.exists()
    # a format asked for by name is written, whatever the file is called
    assert run("compare", "ghg", *on_groups, "-f", "csv", "-o", str(target)).code == 0
    assert target.read_text(encoding="utf-8").startswith("company,year,metric,value")


def test_export_takes_its_format_from_the_output_name(run, on_groups, tmp_path: Path) -> None:
    """export -o e.xlsx writes a workbook, -o e.json JSON, as every other command does;
    a name that asks for no format of export's (e.txt) keeps its CSV."""
    assert run("export", *on_groups, "-o", str(tmp_path / "e.xlsx")).code == 0
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx")["data"]
    assert [c.value for c in sheet[1]][:3] == ["company", "year", "metric"]
    assert run("export", *on_groups, "-o", str(tmp_path / "e.json")).code == 0
    assert json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))[0]["company"]
    assert run("export", *on_groups, "-o", str(tmp_path / "e.txt")).code == 0
    assert (tmp_path / "e.txt").read_text(encoding="utf-8").startswith("company,year,metric,")
    assert run("export", *on_groups, "-f", "csv", "-o", str(tmp_path / "f.xlsx")).code == 0
    assert (tmp_path / "f.xlsx").read_text(encoding="utf-8").startswith("company,")


def test_xlsx_shows_the_decimals_a_report_prints(run, on_tiny, tmp_path: Path) -> None:
    """7.0 萬噸 is a number in the sheet, shown 7.0 (a number format of one place), not 7."""
    target = tmp_path / "ghg.xlsx"
    assert run("compare", "ghg", *on_tiny, "--year", "2020", "-o", str(target)).code == 0
    sheet = openpyxl.load_workbook(target)["data"]
    headings = [c.value for c in sheet[1]]
    at, company = headings.index("reported_value"), headings.index("company")
    printed = {row[company].value: row[at] for row in sheet.iter_rows(min_row=2)}
    assert (printed["tiny-group"].value, printed["tiny-group"].number_format) == (7, "0.0")
    assert isinstance(printed["tiny-group"].value, (int, float))


def test_check_s_sources_sheet_lists_the_lines_a_finding_cites(run, on_tiny,
                                                               tmp_path: Path) -> None:
    target = tmp_path / "check.xlsx"
    result = run("check", *on_tiny, "-f", "csv")
    cited = {(r["check"], place) for r in csv.DictReader(io.StringIO(result.out))
             for place in r["sources"].split(";") if place}
    assert cited
    run("check", *on_tiny, "-o", str(target))
    sheet = openpyxl.load_workbook(target)["sources"]
    headings = [c.value for c in sheet[1]]
    assert headings == ["company", "year", "metric", "label", "printed", "report", "file",
                        "page", "line", "notes"]
    listed = {f"{row[6]}:{row[8]}" for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert listed == {place for _check, place in cited}


def test_rank_cites_its_figures_in_csv_and_in_the_sources_sheet(run, on_groups,
                                                                 tmp_path: Path) -> None:
    """Each ranked figure's lines (file:line): in rank's `sources` column, and a row each
    in the xlsx's sources sheet with the row's reasons."""
    result = run("rank", "ghg", *on_groups, "--year", "2020", "-f", "csv")
    cited = {r["company"]: r["sources"] for r in csv.DictReader(io.StringIO(result.out))}
    assert cited["north-mobile"] == "north.txt:1"
    target = tmp_path / "rank.xlsx"
    assert run("rank", "ghg", *on_groups, "--year", "2020", "-o", str(target)).code == 0
    sheet = openpyxl.load_workbook(target)["sources"]
    listed = {(row[0], f"{row[6]}:{row[8]}") for row in sheet.iter_rows(min_row=2,
                                                                       values_only=True)}
    assert listed == {(company, place) for company, places in cited.items()
                      for place in places.split(";") if place}
