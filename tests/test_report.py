"""`esgcmp report`: the self-contained HTML page, its contents, escaping and exit codes
(its rendering in a real browser: tests/test_report_browser.py)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from esgcmp.output import number_text

from .catalogs import INTENSITIES, only, write_catalog


class Page(HTMLParser):
    """A page's text (entities decoded), its tags, and the rows of each table."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.texts: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()
        self.text = "".join(self.texts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def on_intensities(tmp_path: Path) -> tuple[str, ...]:
    return only(write_catalog(tmp_path, INTENSITIES, name="intensities.yaml"))


def _csv(run, *args: str) -> list[dict[str, str]]:
    result = run(*args, "-f", "csv")
    assert (result.code, result.err) == (0, ""), result
    return list(csv.DictReader(io.StringIO(result.out)))


def _page(run, tmp_path: Path, *args: str) -> tuple[str, Page]:
    target = tmp_path / "report.html"
    result = run("report", *args, "-o", str(target))
    assert result.code == 0, result
    html = target.read_text(encoding="utf-8")
    return html, Page(html)


def test_the_page_holds_every_value_flag_and_source_compare_gives(run, tmp_path,
                                                                  on_intensities) -> None:
    html, page = _page(run, tmp_path, "-m", "ghg", "-m", "water", *on_intensities)
    for metric in ("ghg", "water"):
        rows = _csv(run, "compare", metric, *on_intensities)
        assert len(rows) == 3
        for row in rows:
            assert row["company"] in page.text
            if row["value"]:
                assert number_text(Decimal(row["value"])) in page.text, row
                assert f"{row['source']}" in page.text
            for flag in filter(None, row["flags"].split(";")):
                assert flag in page.text, flag
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media print" in html and "overflow-x: auto" in html
    assert [section for section in re.findall(r'<section id="([^"]+)"', html)] == [
        "m-ghg", "m-water", "flags", "citations"]


def test_nothing_is_fetched_and_nothing_runs(run, tmp_path, on_intensities) -> None:
    html, page = _page(run, tmp_path, *on_intensities)
    assert "script" not in page.tags and "<script" not in html.lower()
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    # the one address: the SVG namespace of each inline chart
    assert set(re.findall(r"https?://[^\"' <]+", html)) == {"http://www.w3.org/2000/svg"}
    assert "//" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "@import" not in html and "url(" not in html and "@font-face" not in html


def test_default_metrics_are_the_ten_the_catalog_defines(run, tmp_path,
                                                         on_intensities) -> None:
    html, page = _page(run, tmp_path, *on_intensities)
    assert re.findall(r'<section id="m-([^"]+)"', html) == [
        "electricity", "ghg", "water", "revenue", "ghg_intensity_revenue"]
    assert ("of its default metrics the catalog does not define energy, ghg_scope1, "
            "ghg_scope2, employees, energy_intensity_revenue.") in page.text


def test_each_value_is_cited_with_report_file_and_line(run, tmp_path,
                                                       on_intensities) -> None:
    _html, page = _page(run, tmp_path, "-m", "ghg", "-c", "north", "-c", "south",
                        *on_intensities)
    citations = page.tables[-1]
    assert citations[0] == ["Company", "Metric", "Year", "Cited as", "Value", "Unit",
                            "As printed", "Report", "File", "Page", "Line"]
    assert citations[1:] == [
        ["north-mobile", "ghg", "2018", "reported", "13,130,000", "tCO2e", "13.13 百萬噸",
         "North 2020", "north.txt", "", "1"],
        ["north-mobile", "ghg", "2019", "reported", "13,200,000", "tCO2e", "13.2 百萬噸",
         "North 2020", "north.txt", "", "1"],
        ["north-mobile", "ghg", "2020", "reported", "14,230,000", "tCO2e", "14.23 百萬噸",
         "North 2020", "north.txt", "", "1"],
        ["south-telecom", "ghg", "2018", "reported", "6,900,000", "tCO2e",
         "690 *10,000 tons", "South 2020", "south.txt", "", "1"],
        ["south-telecom", "ghg", "2019", "reported", "7,665,000", "tCO2e",
         "766.5 *10,000 tons", "South 2020", "south.txt", "", "1"],
        ["south-telecom", "ghg", "2020", "reported", "8,866,000", "tCO2e",
         "886.6 *10,000 tons", "South 2020", "south.txt", "", "1"]]


def test_the_ranking_lists_who_cannot_be_ranked_and_why(run, tmp_path,
                                                        on_intensities) -> None:
    html, page = _page(run, tmp_path, "-m", "ghg", *on_intensities)
    ranking = page.tables[1]
    assert ranking[0][:2] == ["Rank", "Company"]
    by_company = {row[1]: row for row in ranking[1:]}
    assert by_company["south-services"][0] == "not ranked"
    assert by_company["south-services"][-1].startswith(
        "basis_differs: boundary 'Group and certain large-scale subsidiaries' vs "
        "'the whole entity' (north-mobile, south-telecom)")
    # every flag on the page is explained under Flags, in the notes' words
    flags = re.search(r'<dl class="flags">(.*?)</dl>', html, re.S).group(1)
    assert "<dt>basis_differs</dt>\n<dd>in a comparison (in a trend, among the companies " \
           "of a year): the value&#39;s basis differs from another value&#39;s</dd>" in flags
    assert "<dt>scope</dt>\n<dd>the value covers only part of the company</dd>" in flags


def test_per_divides_every_metric_but_itself(run, tmp_path, on_intensities) -> None:
    target = tmp_path / "per.html"
    result = run("report", "-m", "ghg", "-m", "revenue", "--per", "revenue", "-o",
                 str(target), *on_intensities)
    assert result.code == 0, result
    assert result.err == ("esgcmp: warning: revenue: 'revenue' is the denominator (--per): "
                          "not divided by itself\n")
    page = Page(target.read_text(encoding="utf-8"))
    assert "Greenhouse gas emissions per revenue (ghg --per revenue), tCO2e/(10^6 CNY)" \
        in page.text
    rows = _csv(run, "compare", "ghg", "--per", "revenue", *on_intensities)
    for row in rows:
        if row["intensity"]:
            assert number_text(Decimal(row["intensity"])) in page.text


def test_a_peer_group_names_the_companies(run, tmp_path, on_intensities,
                                          monkeypatch) -> None:
    peers = tmp_path / "peers.toml"
    peers.write_text('[groups.pair]\nmembers = ["north", "0552.HK"]\n', encoding="utf-8")
    monkeypatch.setenv("ESGCMP_PEERS", str(peers))
    html, page = _page(run, tmp_path, "--peers", "pair", "-m", "ghg", *on_intensities)
    assert "Peer group pair." in page.text
    assert re.findall(r"<li><b>([^<]+)</b>", html) == ["north-mobile", "south-services"]
    assert "south-telecom" not in page.tables[0][1][0] + page.tables[0][2][0]


HOSTILE = """
schema: 1
metrics:
  water: {name: "Water <img src=x onerror=alert(2)>", category: environmental, unit: t}
companies:
  evil:
    name: <script>alert(1)</script>
    sources: {s: {file: "a</td>.txt", short: "</table><script>x</script>"}}
    kpis:
      - {metric: water, label: "<b>Water</b>", unit: t, values: {2020: 5}, source: s, line: 3, notes: "<iframe src=//example.com>"}
  good:
    name: Good & Co
    sources: {s: {file: b.txt}}
    kpis:
      - {metric: water, unit: t, values: {2019: 4, 2020: 6}, source: s, line: 1}
"""


def test_every_text_from_a_catalog_is_escaped(run, tmp_path, write) -> None:
    html, page = _page(run, tmp_path, *only(write("hostile.yaml", HOSTILE)))
    assert "<script" not in html.lower() and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in page.text  # shown as text, whole
    assert "Water <img src=x onerror=alert(2)>" in page.text
    assert "Good & Co" in page.text and "Good &amp; Co" in html
    assert page.tables[-1][1][8] == "a</td>.txt"


def test_stdout_without_output_or_with_a_dash(run, on_intensities) -> None:
    for extra in ((), ("-o", "-")):
        result = run("report", "-m", "water", *extra, *on_intensities)
        assert (result.code, result.err) == (0, "")
        assert result.out.startswith("<!DOCTYPE html>\n") and result.out.endswith("</html>\n")


@pytest.mark.parametrize("args, same_as", [
    (("-c", "nosuch"), ("compare", "ghg", "-c", "nosuch")),
    (("-m", "nosuch"), ("compare", "nosuch")),
    (("--per", "nosuch"), ("compare", "ghg", "--per", "nosuch")),
    (("--peers", "nosuch"), ("rank", "ghg", "--peers", "nosuch")),
    (("-m", "ghg", "--year", "1999"), ("compare", "ghg", "--year", "1999")),
])
def test_errors_are_those_of_compare(run, tmp_path, on_intensities, args, same_as) -> None:
    target = tmp_path / "kept.html"
    target.write_text("before", encoding="utf-8")
    result = run("report", *args, "-o", str(target), *on_intensities)
    expected = run(*same_as, *on_intensities)
    assert expected.code == 3 and expected.err.startswith("esgcmp: error: unknown ")
    assert (result.code, result.out, result.err) == (3, "", expected.err)
    assert target.read_text(encoding="utf-8") == "before"  # whole or not at all


def test_the_output_must_be_a_file_in_a_folder_that_exists(run, tmp_path,
                                                           on_intensities) -> None:
    result = run("report", "-o", str(tmp_path / "no" / "r.html"), *on_intensities)
    assert result.code == 2
    assert result.err.startswith("esgcmp: error: Invalid value for '--output': folder '")


def test_an_existing_page_is_replaced(run, tmp_path, on_intensities) -> None:
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    assert run("report", "-m", "water", "-o", str(target), *on_intensities).code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_metric_none_of_the_companies_reports_says_so_once(run, tmp_path,
                                                           on_intensities) -> None:
    target = tmp_path / "r.html"
    result = run("report", "-c", "north", "-m", "ghg", "-m", "drop_rate", "-o", str(target),
                 *on_intensities)
    said = "no company of those named reports 'drop_rate' (Mobile call drop rate)"
    assert (result.code, result.err) == (0, f"esgcmp: warning: drop_rate: {said}\n")
    html = target.read_text(encoding="utf-8")
    section = re.search(r'<section id="m-drop_rate">(.*?)</section>', html, re.S).group(1)
    assert f'<p class="problem">{said.replace(chr(39), "&#39;")}</p>' in section
    assert "<table>" not in section and "<svg" not in section


def test_a_derived_value_is_cited_by_its_inputs(run, tmp_path, on_tiny) -> None:
    html, page = _page(run, tmp_path, "-m", "energy", *on_tiny)
    assert page.tables[-1][1:] == [
        ["tiny-group", "electricity", "2019", "input of energy (derived)", "100,000", "MWh",
         "1 億度", "Tiny ESG 2020", "tiny.txt", "", "1"],
        ["tiny-group", "electricity", "2020", "input of energy (derived)", "120,000", "MWh",
         "1.2 億度", "Tiny ESG 2020", "tiny.txt", "", "1"],
        ["tiny-group", "gasoline", "2019", "input of energy (derived)", "100", "t", "100 噸",
         "Tiny ESG 2020", "tiny.txt", "", "2"],
        ["tiny-group", "gasoline", "2020", "input of energy (derived)", "110", "t", "110 噸",
         "Tiny ESG 2020", "tiny.txt", "", "2"],
        ["tiny-group", "diesel", "2019", "input of energy (derived)", "50", "t", "50 tons",
         "Tiny ESG 2020", "tiny.txt", "", "3"],
        ["tiny-group", "diesel", "2020", "input of energy (derived)", "55", "t", "55 tons",
         "Tiny ESG 2020", "tiny.txt", "", "3"],
        ["tiny-sub", "energy", "2020", "reported", "15,000", "tce",
         "15000 tons of standard coal", "sub.txt", "sub.txt", "", "1"]]
    # the derivation's inputs, indented under it in compare's notes, stay under it
    assert ('<li class="under">electricity 120000 MWh x 0.1229 kgce/kWh = 14748 tce '
            '[tiny.txt:1]</li>') in html


def test_each_section_holds_the_answers_of_compare_trend_and_rank(tmp_path) -> None:
    from esgcmp import api

    path = write_catalog(tmp_path, INTENSITIES, name="intensities.yaml")
    with api.Session([path], builtin=False) as session:
        catalog = session.catalog
        page = api.report(catalog, ["north", "south"], ["ghg"], year=2019)
        assert [s.metric.id for s in page.sections] == ["ghg"]
        assert page.companies == ["north-mobile", "south-telecom"]
        section = page.sections[0]
        assert section.problems == ()
        assert section.comparison == api.compare(
            catalog, "ghg", year=2019, companies=["north", "south"]).comparisons[0]
        assert section.trend == api.trend(catalog, ["north", "south"], "ghg")
        assert section.ranking == api.rank(catalog, "ghg", year=2019,
                                           companies=["north", "south"])
        per = api.report(catalog, None, ["ghg"], per="revenue")
        assert per.per is not None and per.per.id == "revenue"
        assert per.sections[0].comparison == api.intensity(catalog, "ghg", "revenue"
                                                           ).comparisons[0]
        assert per.sections[0].ranking == api.rank(catalog, "ghg", per="revenue")


def test_include_flagged_ranks_the_unlike_rows_marked(run, tmp_path, on_intensities) -> None:
    _html, page = _page(run, tmp_path, "-m", "ghg", "--year", "2020", "--include-flagged",
                        *on_intensities)
    ranking = [row[:2] for row in page.tables[1][1:]]
    expected = run("rank", "ghg", "--year", "2020", "--include-flagged", *on_intensities,
                   "-f", "csv")
    ranks = [(row["rank"], row["company"])
             for row in csv.DictReader(io.StringIO(expected.out))]
    assert all(rank for rank, _company in ranks)  # every row ranked
    assert [company for _rank, company in ranks] == [company for _rank, company in ranking]
    assert any(rank.endswith("*") for rank, _company in ranking)
