"""`esgcmp check`: reconciliation findings with expected, found and difference."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from esgcmp.load import catalog_paths, load_files
from esgcmp.check import check_jumps, check_ratios, check_sums, run_checks
from esgcmp.provenance import claim_places
from esgcmp.errors import ExitCode

from .conftest import seeds_dir

CHECKED = """
schema: 1
metrics:
  hires: {name: Hires, category: social, unit: persons, parts: [hires_m, hires_f]}
  hires_m: {name: Hires male, category: social, unit: persons}
  hires_f: {name: Hires female, category: social, unit: persons}
  turnover: {name: Turnover, category: social, unit: percent, parts: [turnover_m, turnover_f]}
  turnover_m: {name: Turnover male, category: social, unit: percent}
  turnover_f: {name: Turnover female, category: social, unit: percent}
  carbon_intensity: {name: Carbon intensity, category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}
companies:
  co:
    name: Co
    sources:
      s: {file: s.txt}
    kpis:
      - {metric: hires, unit: 人, values: {2019: 100, 2020: 100}, source: s, line: 1}
      - {metric: hires_m, unit: 人, values: {2019: 60, 2020: 60}, source: s, line: 2}
      - {metric: hires_f, unit: 人, values: {2019: 40, 2020: 30}, source: s, line: 3}
      - {metric: turnover, unit: '%', values: {2020: 1.5}, source: s, line: 4}
      - {metric: turnover_m, unit: '%', values: {2020: 1.8}, source: s, line: 5}
      - {metric: turnover_f, unit: '%', values: {2020: 2.0}, source: s, line: 6}
      - {metric: ghg, unit: 百萬噸, values: {2020: 1.2}, source: s, line: 7}
      - {metric: revenue, unit: 億元, values: {2020: 200}, source: s, line: 8}
      - {metric: carbon_intensity, unit: 噸╱百萬元, values: {2020: 66}, source: s, line: 9}
      - {metric: water, unit: 萬噸, values: {2019: 10, 2020: 25}, source: s, line: 10}
"""


def _catalog(write):
    return load_files(catalog_paths([write("checked.yaml", CHECKED)], use_env=False,
                                      builtin=True))


def test_total_against_sum_of_parts(write) -> None:
    findings = [f for f in check_sums(_catalog(write)) if f.company == "co"]
    by_check = {(f.check, f.year): f for f in findings}
    total = by_check[("sum", 2020)]
    assert (total.severity, total.expected, total.found, total.difference) == (
        "warning", Decimal(90), Decimal(100), Decimal(10))
    assert total.difference_pct == Decimal("11.11")
    assert total.sources == ("s.txt:1", "s.txt:2", "s.txt:3")
    assert ("sum", 2019) not in by_check  # 60 + 40 = 100 agrees


def test_a_sum_is_checked_for_the_metrics_and_years_asked_for_only(write) -> None:
    catalog = _catalog(write)

    def sums(wanted=None, years=None):
        return [(f.check, f.metric, f.year) for f in check_sums(catalog, wanted, years)
                if f.company == "co"]

    assert sums() == [("sum", "hires", 2020), ("rate_range", "turnover", 2020)]
    assert sums(years={2020}) == sums() and sums(years={2019}) == []
    assert sums(wanted={"hires_f"}) == [("sum", "hires", 2020)]  # a part names its total
    assert sums(wanted={"water"}) == []


def test_rate_outside_its_sub_rates(write) -> None:
    rate = next(f for f in check_sums(_catalog(write))
                if f.check == "rate_range" and f.company == "co")
    assert rate.message == ("turnover 1.5 % lies outside the range of its sub-rates turnover_m, "
                            "turnover_f (1.8-2 %)")


def test_reported_ratio_against_recomputation(write) -> None:
    finding = next(f for f in check_ratios(_catalog(write)) if f.company == "co")
    # 1,200,000 tCO2e / RMB 20,000 million = 60 t per RMB million; 66 printed
    assert (finding.expected, finding.found, finding.difference_pct) == (
        Decimal("60.0000"), Decimal(66), Decimal("10.00"))


def test_jump_without_flag(write) -> None:
    jump = next(f for f in check_jumps(_catalog(write)) if f.company == "co")
    assert jump.metric == "water" and jump.severity == "warning"
    assert jump.message == ("water changed +150.0 % from 2019 to 2020, with no "
                                     "not_comparable flag or change of basis to explain it")


def test_a_change_exactly_at_the_threshold_is_no_jump(write) -> None:
    catalog = _catalog(write)  # co's water: +150.0 % from 2019 to 2020

    def water(jump: str, years: set[int] | None = None) -> list[int]:
        return [f.year for f in check_jumps(catalog, Decimal(jump), {"water"}, years)
                if f.company == "co"]

    assert water("1.5") == [] and water("1.5", {2020}) == []
    assert water("1.4999") == [2020] and water("1.4999", {2019}) == [2020]
    assert water("1.4999", {2018}) == []  # the years given are the years named


def test_builtin_catalog_has_no_errors_and_its_known_inconsistencies(run) -> None:
    result = run("check", "--sources", str(seeds_dir()), "--format", "json")
    assert result.code == 0, result
    findings = json.loads(result.out)
    assert not [f for f in findings if f["severity"] == "error"]
    grid = [f for f in findings if f["check"] == "emission_factor" and f["company"] == "china-unicom"]
    # to the digits the printed figures allow: 13.2 百萬噸 has 3 (docs/output.md#digits)
    assert [(f["year"], f["found"]) for f in grid] == [(2018, 0.8469), (2019, 0.81),
                                                       (2020, 0.815)]
    plain = run("check", "--sources", str(seeds_dir()), "--format", "plain").out
    # every figure cited, each value and each other citation of it, and every report cited
    catalog = load_files(catalog_paths([], use_env=False, builtin=True))
    cited = sum(1 + len(o.also) for o in catalog.observations.values())
    # and each claim a basis aspect or a sharing cites, once however many years it covers
    cited += len({c for o in catalog.observations.values() for c in claim_places(o)})
    cited += sum(len(company.stated) for company in catalog.companies.values())
    reports = {s.file for sources in catalog.sources.values() for s in sources.values()}
    assert cited >= 803 and len(reports) >= 5  # what this release holds
    assert plain.splitlines()[-1] == (f"{cited} of {cited} cited figures re-found on their "
                                      f"lines in {len(reports)} report files of {seeds_dir()}.")
    assert not [f for f in findings if f["check"] == "source_line"]  # no file is missing


def test_check_reports_a_value_missing_from_its_line(run, write, tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "acme.txt").write_text("GHG 2020: 130\nnothing here\n", encoding="utf-8")
    path = write("acme.yaml", """
        schema: 1
        companies:
          acme:
            name: Acme
            sources:
              r: {file: acme.txt}
            kpis:
              - {metric: ghg, unit: 萬噸, values: {2020: 130}, source: r, line: 1}
              - {metric: water, unit: 萬噸, values: {2020: 7}, source: r, line: 2}
        """)
    result = run("check", "--catalog", str(path), "--sources", str(tmp_path / "src"),
                 "-f", "csv")
    assert result.code == ExitCode.FINDINGS == 1
    errors = [r for r in csv.DictReader(io.StringIO(result.out)) if r["severity"] == "error"]
    assert [(e["company"], e["metric"], e["check"]) for e in errors] == [
        ("acme", "water", "source_line")]
    assert errors[0]["message"] == "'7' is not on acme.txt:2: 'nothing here'"


def test_check_turns_a_broken_catalog_into_an_error_finding(run, write) -> None:
    path = write("broken.yaml", "schema: 1\nmetrics: {a: [\n")
    result = run("check", "--catalog", str(path), "-f", "csv")
    assert result.code == 1
    row = next(csv.DictReader(io.StringIO(result.out)))
    assert (row["severity"], row["check"]) == ("error", "schema")
    assert row["sources"].startswith(f"{path}:")


def test_run_checks_orders_by_severity(write) -> None:
    findings = run_checks(_catalog(write))
    ranks = [("error", "warning", "info").index(f.severity) for f in findings]
    assert ranks == sorted(ranks)


def test_a_broken_catalog_finding_says_what_and_how_to_fix_it(run, write) -> None:
    path = write("broken.yaml", "schema: 1\nmetrics:\n  m: {name: M, category: nature, unit: t}\n")
    result = run("check", "--no-builtin", "--catalog", str(path), "-f", "json")
    assert result.code == 1
    (finding,) = json.loads(result.out)
    assert finding["message"] == ("metric 'm': category 'nature' is not one of environmental, "
                                  "social, governance, economic")
    assert finding["sources"] == [f"{path}:3"]
    fixed = write("fix.yaml", "schema: 1\nmetrics:\n  m: {name: M, category: social, unit: t, "
                              "nmae: x}\n")
    (finding,) = json.loads(run("check", "--no-builtin", "--catalog", str(fixed), "-f",
                                "json").out)
    assert finding["message"] == "metric 'm': unknown key 'nmae'; did you mean 'name'?"
    empty = write("empty.yaml", "")
    (finding,) = json.loads(run("check", "--no-builtin", "--catalog", str(empty), "-f",
                                "json").out)
    assert finding["sources"] == [str(empty)]
    missing = run("check", "--no-builtin", "--catalog", str(empty.parent / "nothing.yaml"),
                  "-f", "json")
    (finding,) = json.loads(missing.out)
    assert finding["message"] == ("catalog file not found; check the path given to --catalog "
                                  "or ESGCMP_CATALOG")


def test_source_lines_of_every_value_and_every_citation(run, tiny_path, tmp_path) -> None:
    from .conftest import TINY_SOURCES

    sources = tmp_path / "src"
    sources.mkdir()
    for name, text in TINY_SOURCES.items():
        (sources / name).write_text(text, encoding="utf-8")
    clean = run("check", "--no-builtin", "--catalog", str(tiny_path), "--sources", str(sources),
                "-f", "json")
    assert clean.code == 0
    assert [f for f in json.loads(clean.out) if f["check"] == "source_line"] == []
    (sources / "tiny.txt").write_text(TINY_SOURCES["tiny.txt"].replace("GHG was about 7",
                                                                       "GHG was about 8"),
                                      encoding="utf-8")
    (sources / "sub.txt").unlink()
    result = run("check", "--no-builtin", "--catalog", str(tiny_path), "--sources",
                 str(sources), "-f", "json")
    assert result.code == 1
    lines = [f for f in json.loads(result.out) if f["check"] == "source_line"]
    assert [(f["severity"], f["company"], f["metric"], f["year"], f["message"], f["sources"])
            for f in lines] == [
        ("error", "tiny-group", "ghg", 2020, "'7' is not on tiny.txt:9: 'GHG was about 8 萬噸'",
         ["tiny.txt:9", f"{tiny_path}:27"]),
        ("info", None, None, None, f"sub.txt is not in {sources}: its 4 cited figures were not "
                                   "re-found", ["sub.txt"])]


def test_grid_factor_outside_the_range_is_a_warning(write) -> None:
    from esgcmp.check import check_emission_factor
    
    from .conftest import TINY_CATALOG

    low = load_files([write("low.yaml", TINY_CATALOG.replace(
        "values: {2020: 6.5}, source: t20, line: 5}", "values: {2020: 0.5}, source: t20, "
        "line: 5}"))])
    (finding,) = [f for f in check_emission_factor(low) if f.year == 2020]
    assert (finding.severity, finding.found, finding.unit, finding.company, finding.year) == (
        "warning", Decimal("0.04"), "tCO2e/MWh", "tiny-group", 2020)  # 0.5 萬噸: 1 digit
    assert finding.sources == ("tiny.txt:5", "tiny.txt:1")
    assert finding.message == (
        "ghg_scope2 / electricity = 0.04 tCO2e/MWh, outside the plausible grid factors "
        "0.5-0.9 (regional grid averages 0.53-0.88, national 0.5366-0.6101)")
    # Scope 2 is what the company's other figures contradict (Scope 1 + 2 no longer make
    # its total); nothing reads the electricity, which is an input, not a suspect
    assert finding.names == (("tiny-group", "ghg_scope2", 2020),)
    assert finding.involved == (("tiny-group", "electricity", 2020),)

    def severity_at(scope2: str) -> list[str]:
        catalog = load_files([write("edge.yaml", TINY_CATALOG.replace(
            "values: {2020: 6.5}, source: t20, line: 5}", f"values: {{2020: {scope2}}}, "
            "source: t20, line: 5}"))])
        return [f.severity for f in check_emission_factor(catalog) if f.year == 2020]

    # 1.2 億度 = 120,000 MWh; 萬噸 printed to one place
    assert severity_at("10.8") == ["info"]  # 0.9 exactly: inside
    assert severity_at("10.9") == ["info"]  # 10.85-10.95 over 115,000-125,000 MWh reaches 0.9
    assert severity_at("11.3") == ["info"]
    assert severity_at("11.4") == ["warning"]  # at least 11.35 / 12.5 = 0.908
    assert severity_at("5.7") == ["info"]  # at most 5.75 / 11.5 = 0.5: reaches the range
    assert severity_at("5.6") == ["warning"]  # at most 5.65 / 11.5 = 0.491
    no_power = load_files([write("np.yaml", TINY_CATALOG.replace(
        "values: {2019: 1.0, 2020: 1.2}, source: t20, line: 1}",
        "values: {2019: 1.0, 2020: 0}, source: t20, line: 1}"))])
    assert [f for f in check_emission_factor(no_power) if f.year == 2020] == []


def test_a_ratio_that_cannot_make_its_unit_is_an_error(write) -> None:
    
    from .conftest import TINY_CATALOG

    catalog = load_files([write("r.yaml", TINY_CATALOG.replace(
        "ratio_of: [energy, revenue]", "ratio_of: [energy, employees]"))])
    (finding,) = [f for f in check_ratios(catalog)]
    assert (finding.severity, finding.check, finding.metric) == ("error", "ratio_unit",
                                                                 "energy_intensity_revenue")
    assert finding.message.startswith("metric 'energy_intensity_revenue': cannot "
                                               "convert '(tce) / (persons)'")


def test_printed_ranges_and_their_arithmetic() -> None:
    from esgcmp.precision import Range, half_unit, printed_range

    D = Decimal
    assert printed_range(D("46.6")) == Range(D("46.55"), D("46.65"))
    assert printed_range(D("13.2"), factor=D(1_000_000)) == Range(D(13_150_000), D(13_250_000))
    assert printed_range(D("8610")) == Range(D("8609.5"), D("8610.5"))
    assert printed_range(D("8600"), approx=True) == Range(D(8550), D(8650))
    assert printed_range(D("8600")) == Range(D("8599.5"), D("8600.5"))
    assert printed_range(D("0.86"), approx=True) == Range(D("0.855"), D("0.865"))
    assert half_unit(D("0"), approx=True) == D("0.5")
    assert printed_range(D("2"), factor=D(-1)) == Range(D("-2.5"), D("-1.5"))
    one, two = Range(D(1), D(2)), Range(D(2), D(3))
    assert one.meets(two) and two.meets(one)
    assert not one.meets(Range(D("2.01"), D(3))) and not Range(D("2.01"), D(3)).meets(one)
    assert one + two == Range(D(3), D(5))
    assert two.over(one) == Range(D(1), D(3))
    assert two.over(Range(D(-1), D(1))) is None and two.over(Range(D(0), D(1))) is None
    assert Range(D(-3), D(-2)).over(Range(D(1), D(2))) == Range(D(-3), D(-1))
    assert one.distance(Range(D(5), D(6))) == 3 == Range(D(5), D(6)).distance(one)
    assert one.distance(two) == 0


def test_sum_and_rate_bounds(write) -> None:
    from .conftest import TINY_CATALOG

    def findings(text: str) -> list[tuple[str, str, Decimal | None, str, tuple[str, ...]]]:
        catalog = load_files([write("t.yaml", text)])
        return [(f.check, f.severity, f.expected, f.unit, f.sources) for f in check_sums(catalog)]

    def turnover(rate: str, text: str = TINY_CATALOG) -> str:
        return text.replace('label: Turnover, unit: "%", values: {2020: 5.0}',
                            f'label: Turnover, unit: "%", values: {{2020: {rate}}}')

    exact_sum = TINY_CATALOG.replace("values: {2020: 6.5}, source: t20, line: 5}",
                                     "values: {2020: 6.0}, source: t20, line: 5}")
    assert findings(turnover("4.5", exact_sum)) == []  # on the upper sub-rate; 1 + 6 = 7
    assert findings(turnover("4.0", exact_sum)) == []  # on the lower sub-rate
    assert findings(turnover("3.9", exact_sum)) == []  # 3.95 rounds to 4.0 and to 3.9
    assert findings(turnover("3.8", exact_sum)) == [("rate_range", "warning", None, "percent",
                                                     ("tiny.txt:8",))]
    assert findings(turnover("4.6", exact_sum)) == []
    assert findings(turnover("4.7", exact_sum))[0][0] == "rate_range"
    assert findings(TINY_CATALOG)[0] == ("sum", "warning", Decimal(75000), "tCO2e",
                                         ("tiny.txt:4", "tiny.txt:5"))
    no_part = TINY_CATALOG.replace(
        "      - {metric: ghg_scope1, label: Scope 1, unit: 萬噸, values: {2020: 1.0}, source: "
        "t20, line: 5}\n", "")
    assert [f[0] for f in findings(no_part)] == ["rate_range"]


def test_the_jump_meaning_in_the_docs_comes_from_the_data() -> None:
    from esgcmp.check import CHECKS, meaning

    jump = next(c for c in CHECKS if c.name == "jump")
    assert "(default 0.5 = 50 %)" in meaning(jump)
    grid = next(c for c in CHECKS if c.name == "emission_factor")
    assert meaning(grid) == (
        "the emission factor a company implies: ghg_scope2 over electricity where Scope 2 is "
        "given (outside 0.5-0.9 tCO2e/MWh is a warning), else ghg over electricity (below "
        "0.5: less than the electricity alone would emit at any plausible grid factor, a "
        "warning)")
    per_energy = next(c for c in CHECKS if c.name == "emission_per_energy")
    assert "moves more than 10 % while energy moves less than 10 %" in meaning(per_energy)


GAPPY = """
schema: 1
companies:
  gap:
    name: Gap
    sources:
      s: {file: s.txt}
    kpis:
      - {metric: water, unit: 噸, values: {2015: 10, 2017: 30, 2018: 31, 2021: 90}, source: s, line: 1}
      - {metric: ghg, unit: 噸, values: {2018: 100, 2019: 250}, source: s, line: 2}
      - {metric: electricity, unit: 千瓦時, values: {2018: 1000, 2019: 1010}, source: s, line: 3}
"""


def test_findings_for_some_years_are_those_of_all_years_that_name_them(write) -> None:
    """compare and show run the checks for the years they print only: the findings
    naming a value of those years must be exactly those of a run over every year."""
    catalog = load_files(catalog_paths([write("checked.yaml", CHECKED),
                                        write("gappy.yaml", GAPPY)], use_env=False))
    full = run_checks(catalog)
    assert {(f.check, f.metric, f.year) for f in full if f.company == "gap"} == {
        ("jump", "water", 2017), ("jump", "water", 2021), ("jump", "ghg", 2019),
        ("emission_factor", "ghg", 2018), ("emission_factor", "ghg", 2019),
        ("emission_per_energy", "ghg", 2019)}
    every_year = sorted(set(catalog.years()))
    for metric in catalog.metrics_with_values():
        for year in every_year:
            wanted = [f for f in run_checks(catalog, wanted={metric}, years={year})
                      if any(k[1] == metric and k[2] == year for k in f.names)]
            expected = [f for f in run_checks(catalog, wanted={metric})
                        if any(k[1] == metric and k[2] == year for k in f.names)]
            assert wanted == expected, (metric, year)


def test_a_jump_across_a_gap_names_both_years(write) -> None:
    catalog = load_files(catalog_paths([write("gappy.yaml", GAPPY)], use_env=False))
    found = [(f.details["from"], f.year) for f in check_jumps(catalog, years={2018})
             if f.metric == "water"]
    assert found == [(2018, 2021)]  # 2017 to 2018 is +3 %: no jump
    assert [(f.details["from"], f.year) for f in check_jumps(catalog, years={2021})
            if f.metric == "water"] == [(2018, 2021)]
    assert [(f.details["from"], f.year) for f in check_jumps(catalog, years={2017})
            if f.metric == "water"] == [(2015, 2017)]


def test_a_report_cited_only_beside_another_is_named_when_absent(run, write, tmp_path) -> None:
    """A file that only other citations name is one finding when it is not in the folder,
    not an error for each line of it; under the table, how many cited figures were found
    on their lines, and in how many files."""
    from .conftest import TINY_CATALOG, TINY_SOURCES

    path = write("zh.yaml", TINY_CATALOG.replace(
        "t20: {file: tiny.txt, title: Tiny ESG 2020, language: en}",
        "t20: {file: tiny.txt, title: Tiny ESG 2020, language: en}\n"
        "      z20: {file: tiny-zh.txt}").replace(
        "also: [{source: t20, line: 9, values: {2020: 7}}]",
        "also: [{source: z20, line: 2, values: {2020: 7}}]"))
    sources = tmp_path / "src"
    sources.mkdir()
    for name, text in TINY_SOURCES.items():
        (sources / name).write_text(text, encoding="utf-8")

    def check() -> tuple[int, list[str], list[str]]:
        result = run("check", "--no-builtin", "--catalog", str(path), "--sources",
                     str(sources), "-f", "plain")
        return (result.code, [line for line in result.out.splitlines() if "source_line" in line],
                result.out.splitlines()[-1:])

    code, lines, last = check()
    assert code == 0
    assert [" ".join(line.split()) for line in lines] == [
        f"info source_line tiny-zh.txt is not in {sources}: its 1 cited figure was not "
        "re-found tiny-zh.txt"]
    assert last == [f"21 of 22 cited figures re-found on their lines in 2 of the 3 report "
                    f"files cited, in {sources}."]
    (sources / "tiny-zh.txt").write_text("溫室氣體\n排放約7萬噸\n", encoding="utf-8")
    assert check() == (0, [], [f"22 of 22 cited figures re-found on their lines in 3 report "
                               f"files of {sources}."])
    (sources / "tiny-zh.txt").write_text("溫室氣體\n排放約8萬噸\n", encoding="utf-8")
    code, lines, last = check()
    assert code == 1 and len(lines) == 1 and "'7' is not on tiny-zh.txt:2" in lines[0]
    assert last == [f"21 of 22 cited figures re-found on their lines in 3 report files of "
                    f"{sources}."]
    for name in [*TINY_SOURCES, "tiny-zh.txt"]:
        (sources / name).unlink()
    code, lines, last = check()
    assert code == 0 and len(lines) == 3
    assert last == [f"No figure was re-found: none of the 3 report files cited could be read "
                    f"from {sources}."]


def test_the_line_on_sources_in_every_case() -> None:
    from esgcmp.check import SourceLines
    from esgcmp.wording import sources_note

    from pathlib import Path

    where = Path("src")
    assert sources_note(SourceLines([], 0, 0, 0, 0), where) == \
        "No figure is cited: nothing to re-find."
    assert sources_note(SourceLines([], 1, 0, 0, 1), where) == \
        "No figure was re-found: the report file cited could not be read from src."
    assert sources_note(SourceLines([], 1, 1, 1, 1), where) == \
        "1 of 1 cited figure re-found on its line in 1 report file of src."
    assert sources_note(SourceLines([], 3, 0, 1, 1), where) == \
        "0 of 3 cited figures re-found on their lines in 1 report file of src."


LATER_YEARS = """
schema: 1
metrics:
  ghg: {name: GHG, category: environmental, unit: t, parts: [s1, s2]}
  s1: {name: Scope 1, category: environmental, unit: t}
  s2: {name: Scope 2, category: environmental, unit: t}
  water: {name: Water, category: environmental, unit: t}
  turnover: {name: Turnover rate, category: social, unit: percent, parts: [turnover_m, turnover_f]}
  turnover_m: {name: Turnover rate (male), category: social, unit: percent}
  turnover_f: {name: Turnover rate (female), category: social, unit: percent}
companies:
  co:
    name: Co
    sources:
      r: {file: r.txt}
    kpis:
      - {metric: ghg, unit: t, values: {2019: 10, 2020: 10}, source: r, line: 1}
      - {metric: s1, unit: t, values: {2020: 1}, source: r, line: 2}
      - {metric: s2, unit: t, values: {2020: 2}, source: r, line: 3}
      - {metric: water, unit: t, values: {2018: 10, 2019: {value: 100, flags: [not_comparable]}, 2020: 1000}, source: r, line: 4}
      - {metric: turnover, unit: "%", values: {2019: 9, 2020: 9}, source: r, line: 5}
      - {metric: turnover_m, unit: "%", values: {2019: 1, 2020: 1}, source: r, line: 6}
      - {metric: turnover_f, unit: "%", values: {2019: 2, 2020: 2}, source: r, line: 7}
"""


def test_a_year_that_cannot_be_checked_does_not_end_the_check(write) -> None:
    """A total without its parts in 2019 is passed over, and its 2020 is still checked; a
    jump explained by a not_comparable flag is passed over, and the next one is found."""
    catalog = load_files([write("later.yaml", LATER_YEARS)])
    assert [(f.check, f.year) for f in check_sums(catalog)] == [
        ("sum", 2020), ("rate_range", 2019), ("rate_range", 2020)]
    assert [(f.check, f.year, f.details["from"]) for f in check_jumps(catalog)] == [
        ("jump", 2020, 2019)]


def test_a_report_that_cannot_be_read_is_counted_with_the_cited_figures(
        run, tiny_path, tmp_path) -> None:
    from .conftest import TINY_SOURCES

    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "tiny.txt").write_text(TINY_SOURCES["tiny.txt"], encoding="utf-8")
    (sources / "sub.txt").write_bytes(TINY_SOURCES["sub.txt"].encode("utf-16"))

    def check() -> tuple[int, str, list[tuple[str, str]]]:
        args = ("check", "--no-builtin", "--catalog", str(tiny_path), "--sources", str(sources))
        plain = run(*args, "-f", "plain").out.splitlines()[-1]
        result = run(*args, "-f", "csv")
        return (result.code, plain, [(r["severity"], r["message"]) for r in
                                     csv.DictReader(io.StringIO(result.out))
                                     if r["check"] == "source_line"])

    assert check() == (1, f"18 of 22 cited figures re-found on their lines in 1 of the 2 "
                          f"report files cited, in {sources}.", [
        ("error", "sub.txt is not UTF-8 (byte 0xff on line 1); convert it to UTF-8 (iconv -t "
                  "UTF-8): its 4 cited figures were not re-found")])
    (sources / "tiny.txt").unlink()
    code, plain, lines = check()
    assert (code, plain) == (1, "No figure was re-found: none of the 2 report files cited "
                                f"could be read from {sources}.")
    assert [severity for severity, _ in lines] == ["error", "info"]


def test_check_csv_gives_the_difference_and_a_table_its_title(run, write) -> None:
    path = write("later.yaml", LATER_YEARS)
    rows = list(csv.DictReader(io.StringIO(run("check", "--no-builtin", "--catalog", str(path),
                                               "-f", "csv").out)))
    assert [(r["check"], r["expected"], r["found"], r["difference"], r["difference_pct"])
            for r in rows if r["check"] == "sum"] == [("sum", "3", "10", "7", "233.33")]
    assert run("check", "--no-builtin", "--catalog", str(path), "-f", "plain").out \
        .splitlines()[0] == "Catalog check"


def test_every_check_is_declared_once_with_its_wording_in_the_order_of_the_docs() -> None:
    from esgcmp.check import CHECKS
    from esgcmp.results import WORDING

    assert [c.name for c in CHECKS] == [
        "schema", "source_line", "sum", "rate_range", "energy_sum", "ratio", "ratio_unit",
        "emission_factor", "emission_per_energy", "subsidiary", "jump", "basis_cited", "group_member"]
    assert list(WORDING) == [c.name for c in CHECKS]


def test_a_catalog_that_does_not_load_is_one_worded_finding() -> None:
    from esgcmp.check import load_failure
    from esgcmp.errors import CatalogError

    finding = load_failure(CatalogError("unknown key 'valeus'", "mine.yaml", 7,
                                        fix="did you mean 'values'?"))
    assert (finding.severity, finding.check, finding.sources) == ("error", "schema",
                                                                   ("mine.yaml:7",))
    assert finding.message == "unknown key 'valeus'; did you mean 'values'?"


# A printed energy total beside its printed components: 1,000 MWh of electricity alone
# is 122.9 tce on the calorific-equivalent basis (999.5-1,000.5 MWh as printed:
# 122.8385-122.9615 tce), and 10 t of diesel 14.571 tce (9.5-10.5 t: 13.84245-15.29955).
ENERGY_TOTALS = """
schema: 1
metrics:
  energy: {name: Total energy consumption, category: environmental, unit: tce}
  electricity: {name: Electricity consumption, category: environmental, unit: MWh}
  diesel: {name: Diesel consumption, category: environmental, unit: t}
companies:
  co:
    name: Co
    sources:
      s: {file: s.txt}
    kpis:
      - {metric: energy, unit: tce, values: {2021: 130, 2022: 137, 2023: 500}, source: s, line: 1}
      - {metric: electricity, unit: MWh, values: {2021: 1000, 2022: 1000, 2023: 1000}, source: s, line: 2}
      - {metric: diesel, unit: t, values: {2021: 10, 2022: 10}, source: s, line: 3}
"""


def test_a_printed_energy_total_below_its_printed_components(write) -> None:
    path = write("energy.yaml", ENERGY_TOTALS)
    catalog = load_files(catalog_paths([path], use_env=False, builtin=False))
    findings = list(check_sums(catalog))
    # 2021: 130 tce is below 136.68-138.26; 2022: 137 (136.5-137.5) can be the sum; 2023:
    # 500 may hold what is not printed apart
    assert [(f.check, f.year, f.expected, f.found, f.sources) for f in findings] == [
        # 137.471 to the units the components' range allows
        ("energy_sum", 2021, Decimal("137"), Decimal(130), ("s.txt:1", "s.txt:2", "s.txt:3"))]
    assert findings[0].message == (
        "energy 130 tce is less than electricity + diesel alone make on the "
        "calorific-equivalent basis (the parts as printed convert to 136.681-138.261 tce)")
    assert findings[0].names == (("co", "energy", 2021), ("co", "electricity", 2021),
                                 ("co", "diesel", 2021))
    assert list(check_sums(catalog, wanted={"water"})) == []
    assert [f.year for f in check_sums(catalog, wanted={"diesel"}, years={2021, 2022})] == [2021]
