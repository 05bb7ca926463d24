"""esgcmp source: the report lines a value is printed on, with their context."""

from __future__ import annotations

import csv
import io

import pytest

from .conftest import seeds_dir


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def seeds() -> str:
    if not (seeds_dir() / "004_74dae4d02e57c763.txt").is_file():
        pytest.skip("the seed reports are not beside the checkout")
    return str(seeds_dir())


def test_the_cited_line_with_its_context(run, groups) -> None:
    result = run("source", "north", "electricity", "2020", "--sources",
                 str(groups.parent / "src"), "--no-builtin", "--catalog", str(groups),
                 "-f", "csv")
    assert (result.code, result.err) == (0, "")
    rows = _rows(result.out)
    # two lines either side of line 2, the first of the file being line 1
    assert [(r["number"], r["cited"], r["text"]) for r in rows] == [
        ("1", "False", "GHG emissions (million tonnes) 13.13 13.2 14.23"),
        ("2", "True", "Electricity 175"), ("3", "False", "Fatalities 0"),
        ("4", "False", "Water 310")]
    assert {(r["report"], r["source"], r["line"], r["printed"], r["found"]) for r in rows} == {
        ("North 2020", "north.txt", "2", "175", "True")}


def test_every_printing_and_the_marked_line_in_plain_output(run, seeds) -> None:
    result = run("source", "unicom", "electricity_cost_saved", "2020", "--sources", seeds,
                 "-C", "0", "-f", "plain")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == ("Electricity cost saved by retiring old equipment "
                        "(electricity_cost_saved) of china-unicom, 2020: 34,630,000 CNY")
    assert "CU CSR 2020, line 2425 (004_74dae4d02e57c763.txt): electricity_cost_saved 2020, " \
           "printed 3463" in lines
    assert ">     2425  進老舊設備退網下電，全年節省電費約3463萬元。" in lines
    assert ">      432  RMB34.63 million in electricity cost for the year." in lines


def test_a_derived_total_quotes_its_inputs(run, seeds) -> None:
    rows = _rows(run("source", "ct", "energy", "2020", "--sources", seeds, "-C", "0",
                     "-f", "csv").out)
    assert [(r["cites"], r["line"]) for r in rows] == [
        ("electricity", "4848"), ("gasoline", "4852"), ("diesel", "4854"),
        ("natural_gas", "4856"), ("purchased_heat", "4858")]


def test_without_the_reports_the_citation_and_where_to_look(run, groups) -> None:
    result = run("source", "north", "electricity", "2020", "--no-builtin", "--catalog",
                 str(groups), "-f", "csv")
    assert result.code == 0
    assert result.err == ("esgcmp: warning: the reports are not at hand: give --sources DIR, "
                          "set ESGCMP_SOURCES, or keep them beside the catalog that cites "
                          "them\n")
    assert [(r["source"], r["line"], r["printed"], r["text"]) for r in _rows(result.out)] == [
        ("north.txt", "2", "175", "(the report is not at hand)")]


def test_a_report_missing_from_the_folder_is_exit_3(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_SOURCES", str(tmp_path))
    result = run("source", "unicom", "ghg", "2020", "-f", "csv")
    # an error, as every exit 3 is: one line, nothing on standard output
    assert (result.code, result.out) == (3, "")
    assert result.err == (f"esgcmp: error: 004_74dae4d02e57c763.txt:4299: "
                          f"004_74dae4d02e57c763.txt is not in {tmp_path}\n")


def test_without_the_reports_it_is_said_once(run, groups) -> None:
    result = run("source", "north", "electricity", "2020", "--no-builtin", "--catalog",
                 str(groups), "-f", "plain")
    assert result.code == 0
    assert result.err == ("esgcmp: warning: the reports are not at hand: give --sources DIR, "
                          "set ESGCMP_SOURCES, or keep them beside the catalog that cites "
                          "them\n")
    assert "not at hand" not in result.out.replace("(the report is not at hand)", "")


def test_a_nul_in_a_cited_file_name_is_a_problem_not_a_crash(run, write, tmp_path) -> None:
    catalog = write("nul.yaml", """
        schema: 1
        metrics:
          ghg: {name: GHG, category: environmental, unit: tCO2e}
        companies:
          acme:
            name: Acme
            sources:
              s: {file: "a\\0b.txt", short: S, title: T}
            kpis:
              - {metric: ghg, label: GHG, unit: t, values: {2020: 5}, source: s, line: 1}
        """)
    folder = tmp_path / "src"
    folder.mkdir()
    on = ("--no-builtin", "--catalog", str(catalog))
    quoted = run("source", "acme", "ghg", "2020", "--sources", str(folder), *on)
    assert (quoted.code, quoted.out) == (3, "")
    assert quoted.err == ("esgcmp: error: a\\x00b.txt:1: is not a file name (it holds a NUL "
                          "character)\n")
    checked = run("check", "--sources", str(folder), "-f", "csv", *on)
    assert checked.code == 1
    assert ("a\x00b.txt is not a file name (it holds a NUL character): its 1 cited figure "
            "was not re-found") in checked.out


def test_no_such_value_is_exit_3(run) -> None:
    result = run("source", "unicom", "call_drop_rate_mobile", "2020")
    assert (result.code, result.out) == (3, "")
    assert result.err == ("esgcmp: error: china-unicom has no 'call_drop_rate_mobile' for "
                          "2020: not reported\n")


def test_a_sources_folder_that_does_not_exist_is_a_usage_error(run) -> None:
    result = run("source", "unicom", "ghg", "2020", "--sources", "/nonexistent")
    assert (result.code, result.out) == (2, "")
    assert "'/nonexistent' does not exist" in result.err
