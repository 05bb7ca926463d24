"""`esgcmp extract` on a PDF: the same values as from the same table as text, each citing
its page and its line on that page; headers and footers left out, a table read on over a
page break; `source` and `check --sources` re-find the values in the PDF; a PDF that
cannot be read is one line and exit 2, nothing written."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from esgcmp import pdf
from esgcmp.errors import ExitCode
from esgcmp.extract import Found, extract
from tests.conftest import seeds_dir
from tests.pdfs import bomb, raw_pdf, write_pdf

METRICS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  water: {name: Water consumption, category: environmental, unit: t}
companies: {}
"""

# A table continued on a second page under its heading repeated, a running header and a
# footer with the page number on both pages.
PAGES = [
    ["Environmental performance",
     "Indicator  Unit  2020  2021  2022",
     "Greenhouse gas emissions  tCO2e  1,200.5  1,150.2  1,100.9",
     "Water consumption  tonnes  5,000  4,800  4,750",
     "Hazardous waste  tonnes  12.5  11.0  n/a"],
    ["Indicator  Unit  2020  2021  2022",
     "Non-hazardous waste  tonnes  310  305  298",
     "Paper used  tonnes  8.2  7.9  7.5"],
]
HEADER = "Acme Group Limited ESG Report 2022"
FOOTER = "Page {page} of 2"


def _words(pages: list[list[str]]) -> list[list[str]]:
    """Pages' lines with white space as one space: the layout of the cells aside."""
    return [[" ".join(line.split()) for line in page] for page in pages]


def _values(found: list[Found]) -> list[tuple[int, int, str, str, int, str]]:
    return [(f.page, f.line, f.label, f.unit, f.year, str(f.value)) for f in found]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "acme-esg-2022.pdf"
    path.write_bytes(write_pdf(PAGES, header=HEADER, footer=FOOTER))
    return path


@pytest.fixture
def metrics_catalog(write) -> Path:
    return write("metrics.yaml", METRICS)


def test_a_table_over_a_page_break_reads_as_one_without_headers_and_footers(
        report: Path) -> None:
    pages = pdf.read_pages(report.read_bytes())
    assert _words(pages) == _words([[HEADER] + PAGES[0] + ["Page 1 of 2"],
                                    [HEADER] + PAGES[1] + ["Page 2 of 2"]])
    assert pdf.running_lines(pages) == {(0, 0), (0, 6), (1, 0), (1, 4)}
    result = pdf.extract_pages(pages)
    assert result.unreadable == []
    assert _values(result.values) == [
        (1, 4, "Greenhouse gas emissions", "tCO2e", 2020, "1200.5"),
        (1, 4, "Greenhouse gas emissions", "tCO2e", 2021, "1150.2"),
        (1, 4, "Greenhouse gas emissions", "tCO2e", 2022, "1100.9"),
        (1, 5, "Water consumption", "tonnes", 2020, "5000"),
        (1, 5, "Water consumption", "tonnes", 2021, "4800"),
        (1, 5, "Water consumption", "tonnes", 2022, "4750"),
        (1, 6, "Hazardous waste", "tonnes", 2020, "12.5"),
        (1, 6, "Hazardous waste", "tonnes", 2021, "11.0"),
        (2, 3, "Non-hazardous waste", "tonnes", 2020, "310"),
        (2, 3, "Non-hazardous waste", "tonnes", 2021, "305"),
        (2, 3, "Non-hazardous waste", "tonnes", 2022, "298"),
        (2, 4, "Paper used", "tonnes", 2020, "8.2"),
        (2, 4, "Paper used", "tonnes", 2021, "7.9"),
        (2, 4, "Paper used", "tonnes", 2022, "7.5")]


def test_a_heading_at_the_top_of_every_page_is_no_header() -> None:
    heading = "Indicator Unit 2020 2021"
    pages = [[heading, f"Item {n} t {n} {n + 1}", "Acme ESG Report", str(n)] for n in range(4)]
    assert pdf.running_lines(pages) == {(n, line) for n in range(4) for line in (2, 3)}


def test_a_row_repeated_at_the_edge_of_pages_is_no_footer() -> None:
    pages = [["Indicator Unit 2020 2021", "Total t 10 20"] for _ in range(3)]
    assert pdf.running_lines(pages) == set()


def test_cells_at_the_edges_of_pages_are_no_headers_or_footers() -> None:
    # a table a cell a line over three pages: its cells (a number, a signed number, a
    # sign and a number) stand at the top and bottom of pages; the page numbers count
    # the pages (12, 13, 14) and the running title has words
    pages = [["ESG Report", "Scope 1", "29", "≧ 5", "12"],
             ["ESG Report", "≧ 2", "-3", "Water", "13"],
             ["ESG Report", "-3", "7", "14"]]
    assert pdf.running_lines(pages) == {(0, 0), (0, 4), (1, 0), (1, 4), (2, 0), (2, 3)}


def test_a_number_alone_on_one_page_is_its_page_number_only_at_its_edge() -> None:
    assert pdf.running_lines([["Indicator 2023", "Water t", "29", "136"]]) == {(0, 3)}


def _seed_table(name: str, first: int, last: int) -> list[str]:
    path = seeds_dir() / name
    if not path.exists():
        pytest.skip(f"{path} is not at hand")
    lines = path.read_text(encoding="utf-8").split("\n")[first - 1:last]
    return [line for line in lines if line.strip()]


@pytest.mark.parametrize("name, first, last", [
    ("004_74dae4d02e57c763.txt", 4100, 4345),  # Traditional Chinese, 2018年 2019年 2020年
    ("002_8b7cdb2a0a738775.txt", 4730, 4895),  # English, units in parentheses
])
def test_a_seed_table_as_a_pdf_gives_the_values_of_its_text(name: str, first: int,
                                                             last: int) -> None:
    lines = _seed_table(name, first, last)
    pages = [lines[start:start + 40] for start in range(0, len(lines), 40)]
    raw = write_pdf(pages, cjk=True, header="2020 Corporate Social Responsibility Report",
                    footer="- {page} -")
    read = pdf.read_pages(raw)
    assert _words([page[1:-1] for page in read]) == _words(pages)  # never (cid:NNN)
    from_text = extract("\n".join(lines) + "\n")
    from_pdf = pdf.extract_pages(read)
    assert from_pdf.unreadable == from_text.unreadable == []
    assert len(from_pdf.values) == len(from_text.values) > 40

    def what(found: Found) -> tuple[object, ...]:
        return (found.label, found.unit, found.year, found.value, found.printed, found.flags,
                found.period)

    assert [what(f) for f in from_pdf.values] == [what(f) for f in from_text.values]
    for found in from_pdf.values:  # each cites the page line it was read from
        assert " ".join(read[found.page - 1][found.line - 1].split()) == " ".join(
            lines[(found.page - 1) * 40 + found.line - 2].split())


def test_traditional_and_simplified_chinese_come_out_as_text(tmp_path: Path) -> None:
    pages = [["指標  單位  2021年  2022年", "溫室氣體排放量  噸  1,234  1,100",
              "指标  单位  2021年  2022年", "用电量  千瓦时  5,600  5,200"]]
    read = pdf.read_pages(write_pdf(pages, cjk=True))
    assert _words(read) == [["指標 單位 2021年 2022年", "溫室氣體排放量 噸 1,234 1,100",
                             "指标 单位 2021年 2022年", "用电量 千瓦时 5,600 5,200"]]
    assert _values(pdf.extract_pages(read).values) == [
        (1, 2, "溫室氣體排放量", "噸", 2021, "1234"), (1, 2, "溫室氣體排放量", "噸", 2022, "1100"),
        (1, 4, "用电量", "千瓦时", 2021, "5600"), (1, 4, "用电量", "千瓦时", 2022, "5200")]


def test_from_pdf_to_draft_to_sources_to_compare(run, report: Path, metrics_catalog: Path,
                                                 tmp_path: Path) -> None:
    draft = tmp_path / "acme.yaml"
    catalog = ["--no-builtin", "--catalog", str(metrics_catalog), "--catalog", str(draft)]
    result = run("extract", str(report), "-c", "acme", "-o", str(draft), "--no-builtin",
                 "--catalog", str(metrics_catalog))
    assert (result.code, result.out, result.err) == (0, "", "")
    text = draft.read_text(encoding="utf-8")
    assert ("      - metric: ghg\n        label: \"Greenhouse gas emissions\"\n"
            "        unit: \"tCO2e\"\n        values: {2020: 1200.5, 2021: 1150.2, 2022: 1100.9}\n"
            "        source: acme-esg-2022\n        page: 1\n        line: 4\n") in text
    assert "        page: 2\n        line: 4\n" in text
    checked = run("check", *catalog, "--sources", str(tmp_path))
    assert checked.code == 0, checked
    assert f"14 of 14 cited figures re-found on their lines in 1 report file of {tmp_path}." \
        in checked.out
    quoted = run("source", "acme", "ghg", "2021", *catalog, "--sources", str(tmp_path))
    assert quoted.code == 0, quoted
    assert "acme-esg-2022.pdf, page 1, line 4 (acme-esg-2022.pdf): ghg 2021, printed 1150.2" \
        in quoted.out
    cited = [row for row in json.loads(run("source", "acme", "ghg", "2021", *catalog, "--sources",
                                          str(tmp_path), "-f", "json").out) if row["cited"]]
    assert [(row["line"], row["found"], " ".join(row["text"].split())) for row in cited] == [
        (4, True, "Greenhouse gas emissions tCO2e 1,200.5 1,150.2 1,100.9")]
    compared = run("compare", "ghg", *catalog, "-f", "plain")
    assert compared.code == 0, compared
    assert compared.out.splitlines()[3].split() == [
        "acme", "2022", "1,100.9", "reported", "1100.9", "tCO2e", "acme-esg-2022.pdf,", "page",
        "1,", "line", "4"]  # a citation names the page


def test_a_value_cited_on_the_wrong_page_is_not_refound(run, report: Path, metrics_catalog: Path,
                                                        tmp_path: Path) -> None:
    draft = tmp_path / "acme.yaml"
    assert run("extract", str(report), "-c", "acme", "-o", str(draft), "--no-builtin",
               "--catalog", str(metrics_catalog)).code == 0
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("        page: 1\n        line: 4\n",
                                  "        page: 2\n        line: 4\n", 1), encoding="utf-8")
    checked = run("check", "--no-builtin", "--catalog", str(metrics_catalog), "--catalog",
                  str(draft), "--sources", str(tmp_path), "-f", "csv")
    assert checked.code == ExitCode.FINDINGS
    rows = list(csv.DictReader(io.StringIO(checked.out)))
    assert [(row["year"], row["sources"].split(";")[0], " ".join(row["message"].split()))
            for row in rows] == [
        (year, "acme-esg-2022.pdf:2:4", f"'{value}' is not on acme-esg-2022.pdf:2:4: "
                                        "'Paper used tonnes 8.2 7.9 7.5'")
        for year, value in (("2020", "1200.5"), ("2021", "1150.2"), ("2022", "1100.9"))]


def test_a_page_cited_in_a_text_report_is_said(run, write, tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text("GHG 2020\nghg 7\n", encoding="utf-8")
    catalog = write("c.yaml", """
        schema: 1
        metrics:
          ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
        companies:
          acme:
            name: Acme
            sources:
              r: {file: r.txt}
            kpis:
              - {metric: ghg, unit: t, values: {2020: 7}, source: r, page: 1, line: 2}
        """)
    result = run("source", "acme", "ghg", "2020", "--no-builtin", "--catalog", str(catalog),
                 "--sources", str(tmp_path))
    assert result.code == ExitCode.NOT_FOUND
    assert (result.out, result.err) == ("", "esgcmp: error: r.txt:1:2: r.txt is not a PDF: the "
                                            "citation names a page\n")


def test_a_page_must_be_a_positive_whole_number(run, write) -> None:
    catalog = write("c.yaml", """
        schema: 1
        metrics:
          ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
        companies:
          acme:
            name: Acme
            sources:
              r: {file: r.pdf}
            kpis:
              - {metric: ghg, unit: t, values: {2020: 7}, source: r, page: 0, line: 2}
        """)
    result = run("show", "acme", "2020", "--no-builtin", "--catalog", str(catalog))
    assert result.code == ExitCode.CATALOG
    assert "kpi 'ghg': 'page' must be a positive whole number (the page of the PDF the line " \
           "is on), not 0" in result.err


def _extract_fails(run, path: Path, tmp_path: Path) -> str:
    target = tmp_path / "out.yaml"
    result = run("extract", str(path), "-o", str(target))
    assert (result.code, result.out) == (ExitCode.USAGE, "")
    assert result.err.count("\n") == 1 and result.err.startswith("esgcmp: error: ")
    assert not target.exists()
    return result.err.removeprefix("esgcmp: error: ").rstrip("\n")


def test_a_scanned_pdf_without_text_is_one_line_and_exit_2(run, tmp_path: Path) -> None:
    from fpdf import FPDF

    scan = FPDF()
    for _ in range(2):
        scan.add_page()
        scan.rect(20, 20, 100, 150, style="F")  # a page that is a picture, no text
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(scan.output()))
    assert _extract_fails(run, path, tmp_path) == (
        f"{path}: no text in its 2 pages: a scanned PDF without a text layer; run OCR on it "
        "first (e.g. ocrmypdf) and give the PDF it makes")


def _encrypted() -> bytes:
    from fpdf import FPDF

    locked = FPDF()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    locked.set_font("helvetica")
    locked.text(10, 10, "KPI 2020")
    return bytes(locked.output())


@pytest.mark.parametrize("make, why", [
    (lambda good: good[:len(good) // 2], "not a readable PDF (PDFium: Data format error); "
                                         "check that the file is whole (a download cut short?)"),
    (lambda good: b"%PDF-1.7\n" + b"\x00\xff" * 500, "not a readable PDF (PDFium: Data format "
     "error); check that the file is whole (a download cut short?)"),
    (lambda good: _encrypted(), "the PDF is encrypted with a password; give a copy saved "
                                "without the password"),
    (lambda good: b"<html>Not found</html>\n", "not a PDF (it does not begin with %PDF-); "
     "check that the file is whole (a download cut short, an error page saved in its "
     "place?)"),
], ids=["truncated", "malformed", "encrypted", "not-a-pdf"])
def test_a_pdf_that_cannot_be_read_is_one_line_and_exit_2(run, report: Path, tmp_path: Path,
                                                          make, why: str) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(make(report.read_bytes()))
    assert _extract_fails(run, path, tmp_path) == f"{path}: {why}"


def test_too_many_pages_are_refused_before_any_is_read(run, tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(raw_pdf(b"", pages=50_000, stream_filter="/ASCIIHexDecode"))
    started = time.monotonic()
    assert _extract_fails(run, path, tmp_path) == (
        f"{path}: 50,000 pages, more than the 2,000 esgcmp reads; give the pages that hold "
        "the tables")
    assert time.monotonic() - started < 20


def test_a_decompression_bomb_is_stopped_in_bounded_memory_and_time(
        run, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf, "MAX_MEMORY_BYTES", 32 * 2**20)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb(192))
    started = time.monotonic()
    why = _extract_fails(run, path, tmp_path)
    assert time.monotonic() - started < 20
    assert why.startswith(f"{path}: the PDF library stopped on this file (signal ")
    assert why.endswith("): a damaged or hostile file, or one that needs more than 32 MB of "
                        "memory")


def test_too_much_text_is_refused(monkeypatch, report: Path) -> None:
    first_page = sum(len(line) + 1 for line in pdf.read_pages(report.read_bytes())[0])
    monkeypatch.setattr(pdf, "MAX_TEXT_CHARS", first_page)
    with pytest.raises(pdf.PdfProblem) as raised:
        pdf.read_pages(report.read_bytes())
    assert raised.value.why == (f"more than {first_page:,} characters of text by page 2, more "
                                "than esgcmp reads")


def test_only_extract_of_a_pdf_loads_the_pdf_library(tmp_path: Path) -> None:
    script = ("import sys\nfrom esgcmp import cli\ncode = cli.main(sys.argv[1:])\n"
              "print('pypdfium2' in sys.modules)\n")
    env_free = {"ESGCMP_CACHE_DIR": str(tmp_path)}
    import os

    done = subprocess.run([sys.executable, "-c", script, "metrics", "-f", "csv"],
                          env={**os.environ, **env_free}, capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "False"


def test_a_raised_small_digit_is_a_footnote_marker_and_cells_keep_their_gaps() -> None:
    from fpdf import FPDF

    page = FPDF()
    page.add_page()
    page.set_font("helvetica", size=10)
    page.text(10, 20, "Indicator")
    page.text(70, 20, "2022")
    page.text(100, 20, "2023")
    page.text(10, 26, "Scope 1")
    page.set_font("helvetica", size=6)
    page.text(10 + 11.5, 24.5, "3")  # the marker: smaller, above the line
    page.set_font("helvetica", size=10)
    page.text(70, 26, "1,234")
    page.text(100, 26, "1,100")
    read = pdf.read_pages(bytes(page.output()))
    assert [" ".join(line.split()) for line in read[0]] == ["Indicator 2022 2023",
                                                           "Scope 1³ 1,234 1,100"]
    assert read[0][1].startswith("Scope 1³  ")  # a wide gap: two spaces or more
    found = pdf.extract_pages(read).values
    assert [(f.label, f.footnote, f.year, str(f.value)) for f in found] == [
        ("Scope 1³", "3", 2022, "1234"), ("Scope 1³", "3", 2023, "1100")]


def test_a_cited_pdf_that_cannot_be_read_is_one_finding(run, write, tmp_path: Path) -> None:
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.7\n\x00\xff\x00garbage")
    catalog = write("c.yaml", """
        schema: 1
        metrics:
          ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
        companies:
          acme:
            name: Acme
            sources:
              r: {file: cut.pdf}
            kpis:
              - {metric: ghg, unit: t, values: {2020: 7}, source: r, page: 1, line: 2}
        """)
    result = run("check", "--no-builtin", "--catalog", str(catalog), "--sources",
                 str(tmp_path), "-f", "csv")
    assert result.code == ExitCode.FINDINGS
    assert [(row["check"], row["message"], row["sources"])
            for row in csv.DictReader(io.StringIO(result.out))] == [
        ("source_line", "cut.pdf cannot be read: not a readable PDF (PDFium: Data format "
                        "error): its 1 cited figure was not re-found", "cut.pdf")]


def test_a_read_that_does_not_end_is_stopped_at_the_time_limit(monkeypatch, report: Path) -> None:
    def endless(raw: bytes) -> list[list[str]]:
        while True:
            pass

    monkeypatch.setattr(pdf, "_pages_in_process", endless)
    monkeypatch.setattr(pdf, "MAX_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(pdf.PdfProblem) as raised:
        pdf.read_pages(report.read_bytes())
    assert raised.value.why == "reading the PDF took more than 1 s (a damaged or hostile file?)"
    assert time.monotonic() - started < 15


def test_a_row_not_read_is_said_with_its_page_and_line(run, tmp_path: Path,
                                                       metrics_catalog: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(write_pdf([["Indicator  Unit  2020  2021  2022",
                                 "Water  m3  10  11  12"],
                                ["Indicator  Unit  2020  2021  2022",
                                 "Gas  m3  5  6"]]))
    target = tmp_path / "r.yaml"
    result = run("extract", str(path), "-o", str(target), "--no-builtin", "--catalog",
                 str(metrics_catalog))
    assert (result.code, result.out) == (0, "")
    assert result.err == (f"esgcmp: warning: {path}:2:2: row not read (2 cells for 3 years "
                          "(2020 2021 2022)): Gas m3 5 6\n")
    draft = target.read_text(encoding="utf-8")
    assert ('      # unreadable: page 2, line 2: 2 cells for 3 years (2020 2021 2022): '
            '"Gas m3 5 6"\n') in draft
    assert "        source: r\n        page: 1\n        line: 2\n" in draft


def test_a_table_stretched_over_the_page_width_is_read() -> None:
    from fpdf import FPDF

    page = FPDF(orientation="landscape", format="A3")
    page.add_page()
    page.set_font("helvetica", size=9)
    for y, cells in ((20, ("Indicator", "Unit", "2022", "2023")),
                     (26, ("Electricity consumption", "MWh", "1,250", "1,310"))):
        for x, cell in zip((10, 190, 300, 380), cells):  # cells far apart, as a wide page sets them
            page.text(x, y, cell)
    read = pdf.read_pages(bytes(page.output()))
    # the white space between the columns is squeezed to four, the columns stay aligned
    assert read[0] == ["Indicator                  Unit    2022     2023",
                       "Electricity consumption    MWh     1,250    1,310"]
    assert _values(pdf.extract_pages(read).values) == [
        (1, 2, "Electricity consumption", "MWh", 2022, "1250"),
        (1, 2, "Electricity consumption", "MWh", 2023, "1310")]


# Two tables side by side on a two-column page, each cell drawn at its own place: the
# columns come from where the cells are drawn, so that each table keeps its own labels and
# years.
SIDE_BY_SIDE = [
    "Emissions                 2022     2023    Resources              2021      2022",
    "Scope 1 (tCO2e)           1,204    1,150   Electricity (MWh)      3,410     3,388",
    "Scope 2 (tCO2e)           5,311    4,987   Water (m3)             12,500    11,940",
    "Total (tCO2e)             6,515    6,137   Paper (tonnes)         8.2       7.9",
]


def test_two_tables_side_by_side_in_a_pdf_are_read_apart() -> None:
    from fpdf import FPDF

    page = FPDF(orientation="landscape", format="A4")
    page.add_page()
    page.set_font("helvetica", size=9)
    for index, line in enumerate(SIDE_BY_SIDE):
        for match in re.finditer(r"\S+(?: \S+)*", line):
            # 1.9 mm a column: wider than the font's characters, as a report sets a table
            page.text(10 + match.start() * 1.9, 20 + index * 5, match.group(0))
    read = pdf.read_pages(bytes(page.output()))
    assert [" ".join(line.split()) for line in read[0]] == [" ".join(line.split())
                                                           for line in SIDE_BY_SIDE]
    found = pdf.extract_pages(read).values
    assert [value[1:] for value in _values(found)] == [
        value[1:] for value in _values(extract("\n".join(SIDE_BY_SIDE) + "\n").values)]
    assert sorted(_values(found)) == [
        (1, 2, "Electricity (MWh)", "MWh", 2021, "3410"),
        (1, 2, "Electricity (MWh)", "MWh", 2022, "3388"),
        (1, 2, "Scope 1 (tCO2e)", "tCO2e", 2022, "1204"),
        (1, 2, "Scope 1 (tCO2e)", "tCO2e", 2023, "1150"),
        (1, 3, "Scope 2 (tCO2e)", "tCO2e", 2022, "5311"),
        (1, 3, "Scope 2 (tCO2e)", "tCO2e", 2023, "4987"),
        (1, 3, "Water (m3)", "m3", 2021, "12500"),
        (1, 3, "Water (m3)", "m3", 2022, "11940"),
        (1, 4, "Paper (tonnes)", "tonnes", 2021, "8.2"),
        (1, 4, "Paper (tonnes)", "tonnes", 2022, "7.9"),
        (1, 4, "Total (tCO2e)", "tCO2e", 2022, "6515"),
        (1, 4, "Total (tCO2e)", "tCO2e", 2023, "6137")]
