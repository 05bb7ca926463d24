"""Every value in the built-in catalog is printed on the line it cites."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esgcmp.catalog import builtin_catalog_path
from esgcmp.load import load_files
from esgcmp.model import Citation, Observation, Origin, Source
from esgcmp.provenance import (MAX_LINE_CHARS, Miss, SourceFiles, check_observation,
                               cited_places, digits_on, numbers_on, printed_on)

from .conftest import seeds_dir


@pytest.fixture(scope="module")
def files() -> SourceFiles:
    directory = seeds_dir()
    assert directory.is_dir(), (f"source reports not found at {directory}; set ESGCMP_SEEDS "
                                "to the folder holding 000_f7280dd44331946e.txt ...")
    return SourceFiles(directory)


def test_every_builtin_value_is_on_its_cited_line(files: SourceFiles) -> None:
    catalog = load_files([builtin_catalog_path()])
    assert len(catalog.observations) > 300
    misses = [m for obs in catalog.observations.values() for m in check_observation(obs, files)]
    assert misses == []


def test_every_builtin_value_keeps_its_printed_digits(files: SourceFiles) -> None:
    """45.40 printed is 45.40 in the catalog, not 45.4: the rounding range check uses
    (precision.printed_range) is half a unit of the last digit written."""
    catalog = load_files([builtin_catalog_path()])
    lost = [(str(obs.origin), obs.year, f"{value}")
            for obs in catalog.observations.values()
            for file, number, value, printed, page in cited_places(obs)
            if files.has(file) and not digits_on(files.line(file, number, page) or "",
                                                 value, printed)]
    assert lost == []


def test_digits_on_tells_a_lost_trailing_zero() -> None:
    line = "碳排放強度 噸╱百萬元 45.13 45.40 46.6"
    assert digits_on(line, Decimal("45.40"), None)
    assert not digits_on(line, Decimal("45.4"), None)
    assert digits_on("Call drop rate 1,250.0 and ２.5", Decimal("1250.0"), None)
    assert digits_on("", Decimal("２.5"), "２.5")  # full-width digits read as digits
    assert not digits_on("男女員工比例 1.50：1", Decimal("1.5"), "1.50：1")
    assert digits_on("男女員工比例 1.50：1", Decimal("1.50"), "1.50：1")
    assert digits_on("Nine data centres", Decimal("9"), "Nine")  # words: no digits to keep


def test_every_source_file_of_the_catalog_exists(files: SourceFiles) -> None:
    catalog = load_files([builtin_catalog_path()])
    for sources in catalog.sources.values():
        for source in sources.values():
            assert files.line(source.file, 1) is not None, source.file


def _observation(value: str, line: int, printed: str | None = None) -> Observation:
    source = Source("cu", "004_74dae4d02e57c763.txt", Origin("x"))
    return Observation(company="c", metric="ghg", year=2020, value=Decimal(value), unit="百萬噸",
                       label="", source=source, line=line, factor=Decimal(1),
                       origin=Origin("x.yaml", 1), printed=printed)


@pytest.fixture
def report(tmp_path) -> SourceFiles:
    """A report's KPI table as the extracted text prints it: lines 3, 5 and 7 of its file."""
    (tmp_path / "004_74dae4d02e57c763.txt").write_text(
        "關鍵績效\n\n節能量5 萬噸標準煤 16.92 17.28 24.5\n\n溫室氣體排放量 百萬噸 13.13 13.2 14.23\n"
        "\n直接GHG排放總量（範疇一） 百萬噸 0.37 0.39 0.2\n", encoding="utf-8")
    return SourceFiles(tmp_path)


def test_a_typo_in_the_catalog_is_caught(report: SourceFiles) -> None:
    assert check_observation(_observation("14.23", 5), report) == []
    misses = check_observation(_observation("14.32", 5), report)
    assert [(m.where, m.expected, m.line_text) for m in misses] == [
        ("004_74dae4d02e57c763.txt:5", "14.32", "溫室氣體排放量 百萬噸 13.13 13.2 14.23")]
    assert check_observation(_observation("14.23", 6), report) != []


def test_a_second_source_is_checked_too(report: SourceFiles) -> None:
    obs = _observation("14.23", 5)
    wrong = Citation(obs.source, 7, "", "百萬噸", Decimal("14.23"))
    from msgspec.structs import replace
    assert len(check_observation(replace(obs, also=(wrong,)), report)) == 1
    right = Citation(obs.source, 5, "", "百萬噸", Decimal("13.2"))
    assert check_observation(replace(obs, also=(right,)), report) == []


def test_numbers_on_a_line_drop_thousands_separators() -> None:
    assert numbers_on("Consumption of natural gas (*10,000 cubic meters) 1,860 1,791 1,990") >= {
        Decimal(1860), Decimal(1791), Decimal(1990), Decimal(10000)}
    assert Decimal("45.4") in numbers_on("碳排放強度 噸╱百萬元 45.13 45.40 46.6")


def _cited(tmp_path, text: str, line: int, value: str = "7", printed: str | None = None,
           also: tuple[Citation, ...] = ()) -> list[Miss]:
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    source = Source("r", "r.txt", Origin("x"))
    observation = Observation(company="c", metric="ghg", year=2020, value=Decimal(value),
                              unit="t", label="", source=source, line=line, factor=Decimal(1),
                              origin=Origin("x.yaml", 3), printed=printed, also=also)
    return check_observation(observation, SourceFiles(tmp_path))


def test_a_miss_says_where_what_was_expected_and_what_the_line_holds(tmp_path) -> None:
    assert _cited(tmp_path, "GHG 7\n", 1) == []
    assert _cited(tmp_path, "  GHG 8 t  \n", 1) == [Miss("r.txt:1", "x.yaml:3", "7", "GHG 8 t")]
    assert _cited(tmp_path, "GHG 7\n", 5) == [Miss("r.txt:5", "x.yaml:3", "7", "(no such line)")]
    # a figure printed in words is looked for as printed
    assert _cited(tmp_path, "about seven\n", 1, "0", "about seven") == []
    assert _cited(tmp_path, "about eight\n", 1, "0", "about seven") == [
        Miss("r.txt:1", "x.yaml:3", "about seven", "about eight")]
    # the line's text is cut at 200 characters
    (miss,) = _cited(tmp_path, "x" * 300 + "\n", 1)
    assert miss.line_text == "x" * 200


def test_a_line_too_long_to_search_is_a_miss_that_says_so(tmp_path) -> None:
    line = "GHG 7 " + "x" * (MAX_LINE_CHARS - 6)
    assert len(line) == MAX_LINE_CHARS and _cited(tmp_path, line + "\n", 1) == []
    assert _cited(tmp_path, line + "x\n", 1) == [
        Miss("r.txt:1", "x.yaml:3", "7",
             f"(a line of {MAX_LINE_CHARS + 1:,} characters, too long to search)")]


def test_another_citation_is_checked_only_when_it_gives_the_figure(tmp_path) -> None:
    source = Source("r", "r.txt", Origin("x"))
    unchecked = Citation(source, 9, "", "t", None)
    assert _cited(tmp_path, "GHG 7\n", 1, also=(unchecked,)) == []
    wrong = Citation(source, 9, "", "t", Decimal(7))
    assert _cited(tmp_path, "GHG 7\n", 1, also=(wrong,)) == [
        Miss("r.txt:9", "x.yaml:3", "7", "(no such line)")]


def test_a_citation_in_a_report_at_hand_is_checked_when_the_value_s_own_is_not(tmp_path) -> None:
    (tmp_path / "r.txt").write_text("GHG 8\n", encoding="utf-8")
    absent = Source("a", "absent.txt", Origin("x"))
    beside = Citation(Source("r", "r.txt", Origin("x")), 1, "", "t", Decimal(7))
    observation = Observation(company="c", metric="ghg", year=2020, value=Decimal(7), unit="t",
                              label="", source=absent, line=1, factor=Decimal(1),
                              origin=Origin("x.yaml", 3), also=(beside,))
    assert check_observation(observation, SourceFiles(tmp_path)) == [
        Miss("r.txt:1", "x.yaml:3", "7", "GHG 8")]


BESIDE = """
schema: 1
companies:
  acme:
    name: Acme
    sources: {r: {file: acme-2020.txt, title: Acme 2020}}
    kpis:
      - {metric: ghg, label: GHG, unit: tCO2e, values: {2020: 1234}, source: r, line: 2}
"""


def test_source_finds_reports_kept_beside_their_catalog(run, write, tmp_path) -> None:
    catalog = write("mine.yaml", BESIDE)
    absent = run("source", "acme", "ghg", "2020", "--catalog", str(catalog), "-f", "csv")
    assert absent.code == 0
    assert absent.err == ("esgcmp: warning: the reports are not at hand: give --sources DIR, "
                          "set ESGCMP_SOURCES, or keep them beside the catalog that cites "
                          "them\n")
    (catalog.parent / "acme-2020.txt").write_text("Key figures\nGHG 1234 t\n",
                                                  encoding="utf-8")
    found = run("source", "acme", "ghg", "2020", "--catalog", str(catalog), "-f", "csv",
                "-C", "0")
    assert (found.code, found.err) == (0, "")
    assert "GHG 1234 t" in found.out
    # --sources still wins: a folder without the report says so
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    named = run("source", "acme", "ghg", "2020", "--catalog", str(catalog),
                "--sources", str(elsewhere), "-f", "csv")
    assert named.code == 3 and "acme-2020.txt is not in" in named.err


def test_a_negative_figure_is_re_found_with_its_sign() -> None:
    """-3 (or −3, or an accountant's (3)) is on a line that prints it so; the hyphen of a
    range of years is no minus sign."""
    assert printed_on("Change in water use  -3", Decimal("-3"), None)
    assert printed_on("Change in water use  −3.5 %", Decimal("-3.5"), None)
    assert printed_on("Net income (1,234)", Decimal("-1234"), None)
    assert not printed_on("Change in water use  3", Decimal("-3"), None)
    assert Decimal("-2020") not in numbers_on("2019-2020 totals")
    assert digits_on("Change -3.0", Decimal("-3.0"), None)
