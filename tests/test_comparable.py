"""Whether numbers can be compared: bases, honest flags, partial totals, the year of a
comparison and the group a company belongs to. Rules on small fixtures, then the
built-in catalog's own cases."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D

import pytest

from esgcmp import api
from esgcmp.load import catalog_paths, load, load_files
from esgcmp.derive import EnergyBasis
from esgcmp.errors import CatalogError
from esgcmp.values import compare, value_of
from esgcmp.views import basis_note, reason


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


BASES = """
schema: 1
metrics:
  hurt: {name: Hurt at work, category: social, unit: persons}
  power: {name: Power, category: environmental, unit: MWh}
  diesel_fuel: {name: Diesel, category: environmental, unit: t}
companies:
  a-co:
    name: A
    sources: {s: {file: a.txt}}
    kpis:
      - {metric: hurt, unit: 人, values: {2020: 3}, source: s, line: 1, basis: {definition: deaths only}}
  b-co:
    name: B
    sources: {s: {file: b.txt}}
    kpis:
      - {metric: hurt, unit: 人, values: {2020: 5}, source: s, line: 1, basis: {definition: deaths only}}
  c-co:
    name: C
    parent: b-co
    sources: {s: {file: c.txt}}
    kpis:
      - {metric: hurt, unit: 人, source: s, line: 1, basis: {definition: deaths only, boundary: contract staff only}, values: {2019: 9, 2020: {value: 4, basis: {definition: deaths and injuries}}}}
"""


@pytest.fixture
def bases(write):
    return load_files([write("bases.yaml", BASES)])


def test_a_basis_is_read_per_entry_and_per_year(bases) -> None:
    assert bases.get("a-co", "hurt", 2020).basis == (("definition", "deaths only"),)
    assert bases.get("c-co", "hurt", 2019).basis == (("boundary", "contract staff only"),
                                                     ("definition", "deaths only"))
    # a year's aspects replace the entry's, the others stay
    assert bases.get("c-co", "hurt", 2020).basis == (("boundary", "contract staff only"),
                                                     ("definition", "deaths and injuries"))


def test_rows_on_different_bases_are_flagged_and_the_difference_said(bases) -> None:
    found = compare(bases, bases.metrics["hurt"])
    flags = {v.company: v.flags for v in found.values}
    # each row's basis differs from another row's: every row says so, the note says how
    assert flags == {"a-co": ("basis_differs",), "b-co": ("basis_differs",),
                     "c-co": ("basis_differs",)}
    assert basis_note(found.values) == (
        "Bases differ (flag basis_differs), compare with care: boundary 'the whole entity' "
        "(b-co, a-co) vs 'contract staff only' (c-co); definition 'deaths only' (b-co, a-co) "
        "vs 'deaths and injuries' (c-co).")
    two = compare(bases, bases.metrics["hurt"], companies=["a-co", "c-co"])
    assert [v.flags for v in two.values] == [("basis_differs",), ("basis_differs",)]
    alike = compare(bases, bases.metrics["hurt"], companies=["a-co", "b-co"])
    assert [v.flags for v in alike.values] == [(), ()] and basis_note(alike.values) == ""


# a-co alone on 'deaths only', which sorts after the 'deaths and injuries' of the two others
VOTE = """
schema: 1
metrics:
  hurt: {name: Hurt at work, category: social, unit: persons}
companies:
  a-co:
    name: A
    sources: {s: {file: a.txt}}
    kpis:
      - {metric: hurt, unit: 人, values: {2020: 3}, source: s, line: 1, basis: {definition: deaths only}}
  b-co:
    name: B
    sources: {s: {file: b.txt}}
    kpis:
      - {metric: hurt, unit: 人, values: {2020: 5}, source: s, line: 1, basis: {definition: deaths and injuries}}
  c-co:
    name: C
    sources: {s: {file: c.txt}}
    kpis:
      - {metric: hurt, unit: 人, values: {2020: 4}, source: s, line: 1, basis: {definition: deaths and injuries}}
"""


def test_adding_a_company_does_not_clear_anothers_flag(write) -> None:
    catalog = load_files([write("vote.yaml", VOTE)])
    two = compare(catalog, catalog.metrics["hurt"], companies=["a-co", "b-co"])
    assert {v.company: v.flags for v in two.values} == {
        "a-co": ("basis_differs",), "b-co": ("basis_differs",)}
    # c-co shares b-co's basis: no vote for a usual basis clears b-co's flag
    found = compare(catalog, catalog.metrics["hurt"])
    assert {v.company: v.flags for v in found.values} == {
        "a-co": ("basis_differs",), "b-co": ("basis_differs",), "c-co": ("basis_differs",)}
    alike = compare(catalog, catalog.metrics["hurt"], companies=["b-co", "c-co"])
    assert [v.flags for v in alike.values] == [(), ()]
    assert basis_note(found.values) == (
        "Bases differ (flag basis_differs), compare with care: definition 'deaths and "
        "injuries' (b-co, c-co) vs 'deaths only' (a-co).")


def test_csv_carries_the_basis_and_the_group(run, write) -> None:
    path = write("bases.yaml", BASES)
    data = rows(run("compare", "hurt", "--no-builtin", "--catalog", str(path), "-f",
                    "csv").out)
    assert [(r["company"], r["basis"], r["part_of"], r["flags"]) for r in data] == [
        ("b-co", "definition: deaths only", "", "basis_differs"),
        ("c-co", "boundary: contract staff only; definition: deaths and injuries", "b-co",
         "basis_differs"),
        ("a-co", "definition: deaths only", "", "basis_differs")]
    as_json = json.loads(run("compare", "hurt", "--no-builtin", "--catalog", str(path), "-f",
                             "json").out)
    assert [r["part_of"] for r in as_json] == [None, "b-co", None]


def test_a_change_of_basis_makes_a_change_not_comparable(run, write) -> None:
    path = write("bases.yaml", BASES)
    data = rows(run("trend", "c-co", "hurt", "--no-builtin", "--catalog", str(path), "-f",
                    "csv").out)
    assert data[1]["flags"] == "change_not_comparable"
    assert data[1]["change_note"] == ("not meaningful: the definition changed from 'deaths "
                                      "only' to 'deaths and injuries'")


def test_an_unknown_basis_aspect_is_an_error_at_its_line(write) -> None:
    path = write("bad.yaml", BASES.replace("basis: {definition: deaths only}}",
                                           "basis: {definition: deaths only, scope: all}}", 1))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert (caught.value.line, caught.value.message) == (
        11, "kpi 'hurt': 'basis': unknown key 'scope'")
    assert caught.value.fix == "did you mean 'scopes'?"


PARTIAL = """
schema: 1
companies:
  diesel-only:
    name: Diesel only
    sources: {s: {file: d.txt}}
    kpis:
      - {metric: diesel, unit: t, values: {2020: 15000}, source: s, line: 1}
"""


def test_a_sum_without_electricity_is_no_total(write) -> None:
    catalog = load(catalog_paths([write("p.yaml", PARTIAL)], use_env=False, builtin=True))
    missing = value_of(catalog, "diesel-only", "energy", 2020, EnergyBasis())
    assert reason(missing) == ("no total reported; cannot derive one: electricity never "
                               "reported (--partial sums the rest)")
    asked = value_of(catalog, "diesel-only", "energy", 2020, EnergyBasis(partial=True))
    assert asked.value == D(15000) * D("1.4571") and asked.flags == ("derived", "partial")
    full = value_of(catalog, "china-telecom", "energy", 2020, EnergyBasis(partial=True))
    assert "partial" not in full.flags


def test_partial_is_an_option_of_the_commands_that_derive(run, write) -> None:
    path = write("p.yaml", PARTIAL)
    plain = rows(run("compare", "energy", "--catalog", str(path), "-f", "csv").out)
    mine = next(r for r in plain if r["company"] == "diesel-only")
    assert (mine["kind"], mine["value"]) == ("missing", "")
    asked = rows(run("compare", "energy", "--partial", "--catalog", str(path), "-f",
                     "csv").out)
    mine = next(r for r in asked if r["company"] == "diesel-only")
    # on the calorific basis like the other derived totals; flagged basis_differs only for
    # the entity it does not state beside the built-in companies, which state theirs
    assert (mine["kind"], mine["value"], mine["flags"], mine["basis"]) == (
        "derived", "21857", "derived;partial;basis_differs",  # 15000 t x 1.4571, half up
        "electricity: calorific-equivalent")
    unicom = next(r for r in asked if r["company"] == "china-unicom")
    assert unicom["basis"] == "electricity: calorific-equivalent; entity: listed company"


def test_with_no_common_year_each_company_shows_its_latest(run, on_groups) -> None:
    result = run("compare", "fatalities", *on_groups, "-f", "csv")
    years = {r["company"]: r["year"] for r in rows(result.out)}
    assert years == {"north-mobile": "2020", "south-telecom": "2020", "south-services": "2024"}
    plain = run("compare", "fatalities", *on_groups, "-f", "plain").out
    assert ("No year is reported by every company that has it: each company's latest year is "
            "shown, and a row of another year than the others is flagged year_differs.") in plain


def test_a_row_of_another_year_says_so_on_itself_in_every_format(run, on_groups) -> None:
    result = run("compare", "fatalities", *on_groups, "-f", "csv")
    assert result.code == 0
    flags = {r["company"]: r["flags"] for r in rows(result.out)}
    # two companies in 2020, one in 2024: the 2024 row is the one of another year
    assert flags == {"north-mobile": "", "south-telecom": "", "south-services": "year_differs"}
    shown = json.loads(run("compare", "fatalities", *on_groups, "-f", "json").out)
    assert {r["company"]: r["flags"] for r in shown} == {
        "north-mobile": [], "south-telecom": [], "south-services": ["year_differs"]}
    table = run("compare", "fatalities", *on_groups, "-f", "plain").out
    assert [line.split()[-1] for line in table.splitlines() if "south-services" in line
            and "2024" in line] == ["year_differs"]


def test_of_two_years_held_as_often_the_earlier_is_the_one_that_differs() -> None:
    from esgcmp.model import Kind, Value
    from esgcmp.values import mark_years

    def value(company: str, year: int) -> Value:
        return Value(company, "m", year, D(1), "t", Kind.reported)

    marked = mark_years([value("a", 2020), value("b", 2024)])
    assert [(v.company, v.flags) for v in marked] == [("a", ("year_differs",)), ("b", ())]
    marked = mark_years([value("a", 2020), value("b", 2020)])
    assert [(v.company, v.flags) for v in marked] == [("a", ()), ("b", ())]


def test_the_year_is_chosen_among_the_companies_that_report_the_metric(run, on_groups) -> None:
    plain = run("compare", "water", *on_groups, "-f", "plain").out
    assert ("Year 2020: the latest year reported by every company that has it (south-telecom: "
            "none in any year, so the year was chosen among the others).") in plain


def test_values_a_check_warns_about_are_flagged_where_the_analyst_looks(tiny_catalog) -> None:
    (comparison,) = api.compare(tiny_catalog, "turnover").comparisons
    (value,) = comparison.values
    assert value.flags == ("inconsistent",)
    assert [f.check for f in value.findings] == ["rate_range"]
    show = api.show(tiny_catalog, "tiny-group", 2020)
    flagged = sorted(v.metric for v in show.values if "inconsistent" in v.flags)
    # the sum suspects ghg and both scopes, the rate all three rates (nothing else the
    # company gives clears any of them), the jump the later year only
    assert flagged == ["employees", "ghg", "ghg_scope1", "ghg_scope2", "turnover",
                       "turnover_f", "turnover_m"]
    trend = api.trend(tiny_catalog, ["tiny-group"], "employees")
    assert [c.value.flags for c in trend.series["tiny-group"]] == [(), ("inconsistent",)]


# ---- the built-in catalog's own cases ---------------------------------------------------

BUILTIN_COMPANIES = ("china-telecom", "china-unicom", "china-comservice")


@pytest.fixture(scope="module")
def builtin():
    return load(catalog_paths([], use_env=False, builtin=True))


def test_no_builtin_value_disagrees_with_another_printing_only_by_rounding(builtin) -> None:
    # 8609.5 萬戶 in the table, 8610萬 in the prose; 50.2 hours and "more than 50"; ...
    assert [k for k, o in builtin.observations.items() if "sources_disagree" in o.flags] == []
    broadband = builtin.get("china-unicom", "fixed_broadband_subscribers", 2020)
    assert broadband.value == D("8609.5") and broadband.also[0].value == D(8610)


def test_builtin_approx_only_where_the_report_hedges(builtin) -> None:
    as_many_as = builtin.get("china-comservice", "safety_warning_day_person_times", 2024)
    assert "approx" not in as_many_as.flags  # 多達
    saved = builtin.get("china-unicom", "electricity_cost_saved", 2020)
    assert [c.approx for c in saved.also] == [True]  # "saving approximately RMB34.63 million"


def test_builtin_changes_across_reports_on_other_definitions_are_not_comparable(builtin) -> None:
    for metric in ("patent_applications", "anticorruption_training_sessions",
                   "anticorruption_training_person_times"):
        trend = api.trend(builtin, ["china-comservice"], metric)
        crossing = next(c for c in trend.series["china-comservice"] if c.previous is not None
                        and c.previous.year == 2020)
        assert not crossing.comparable, metric
        assert crossing.basis_changed[0][0] == "definition"


def test_builtin_restated_series_are_comparable(builtin) -> None:
    trend = api.trend(builtin, ["china-unicom"], "electricity")
    assert all(c.comparable for c in trend.series["china-unicom"])


def test_builtin_comparisons_of_unlike_bases_are_flagged(builtin) -> None:
    def flagged(metric: str, **kwargs) -> dict[str, bool]:
        # among the three groups only: the catalog may hold more companies
        (comparison,) = api.compare(builtin, metric, companies=list(BUILTIN_COMPANIES),
                                    **kwargs).comparisons
        return {v.company: "basis_differs" in v.flags for v in comparison.values}

    assert flagged("ghg") == {"china-unicom": True, "china-telecom": True,
                              "china-comservice": True}
    # three bases: the group parent's, a listed company's, and one of another boundary
    assert flagged("energy") == {"china-telecom": True, "china-unicom": True,
                                 "china-comservice": True}
    assert flagged("revenue") == {"china-telecom": True, "china-unicom": True}
    assert flagged("water") == {"china-unicom": True, "china-comservice": True}
    assert flagged("work_fatalities") == {"china-telecom": True, "china-unicom": True,
                                          "china-comservice": True}
    assert flagged("broadband_coverage_villages") == {"china-telecom": True,
                                                      "china-unicom": True}
    # a group parent's totals beside a listed company's: unlike entities (docs/catalog.md)
    assert flagged("base_stations_5g") == {"china-telecom": True, "china-unicom": True}
    assert flagged("electricity") == {"china-telecom": True, "china-unicom": True}
    # a rate is the company's own ratio, which the entity does not make unlike
    assert flagged("employee_turnover_rate") == {"china-telecom": False, "china-unicom": False}
    assert flagged("cities_5g_coverage", year=2020) == {"china-telecom": True,
                                                        "china-unicom": True}


def test_builtin_check_findings_beyond_rounding(run) -> None:
    findings = json.loads(run("check", "-f", "json").out)
    not_jumps = sorted((f["severity"], f["check"], f["company"], f["year"], f["metric"])
                       for f in findings if f["check"] != "jump")
    assert not_jumps == [
        ("info", "emission_factor", "china-unicom", 2018, "ghg_scope2"),
        ("info", "emission_factor", "china-unicom", 2019, "ghg_scope2"),
        ("info", "emission_factor", "china-unicom", 2020, "ghg_scope2"),
        ("warning", "emission_factor", "china-telecom", 2018, "ghg"),
        ("warning", "emission_factor", "china-telecom", 2019, "ghg"),
        ("warning", "emission_factor", "china-telecom", 2020, "ghg"),
        # GHG per tce 2.5667 -> 3.2233 (+25.6 %) while energy moved 6.2 %: more than the
        # 10 % the published grid factors explain (esgcmp/checks.toml)
        ("warning", "emission_per_energy", "china-comservice", 2020, "ghg"),
        # 1.87 % lies within rounding of the male rate 1.88 %; 2.16 % not of 2.64 %
        ("warning", "rate_range", "china-unicom", 2018, "employee_turnover_rate"),
        ("warning", "ratio", "china-unicom", 2018, "water_intensity_revenue"),
        ("warning", "ratio", "china-unicom", 2019, "water_intensity_revenue"),
        # 14.23 Mt / RMB 303,840 million = 46.82-46.85, printed 46.6
        ("warning", "ratio", "china-unicom", 2020, "ghg_intensity_revenue"),
        ("warning", "ratio", "china-unicom", 2020, "water_intensity_revenue"),
        ("warning", "sum", "china-unicom", 2020, "employees_departed")]
    jumps = {(f["company"], f["metric"], f["year"]) for f in findings if f["check"] == "jump"}
    # across the gap between two reports, on a new definition: explained, not noise
    assert ("china-comservice", "anticorruption_training_sessions", 2023) not in jumps
    # across the gap, on the same definition: a warning
    assert ("china-comservice", "infosec_training_person_times", 2024) in jumps


def test_a_ticker_not_in_the_catalog_is_not_taken_for_a_neighbour(run, on_groups) -> None:
    result = run("show", "0728.HK", "2020", *on_groups)
    assert (result.code, result.out) == (3, "")
    assert result.err == (
        "esgcmp: error: unknown company '0728.HK'; known: north-mobile, south-services, "
        "south-telecom; no company in the catalog is listed under that ticker (tickers: "
        "0552.HK, 0762.HK); see 'esgcmp companies'\n")
    assert "did you mean" not in result.err
    assert run("show", "south telecom", "2020", *on_groups, "-f",
               "csv").out.splitlines()[1].startswith("south-telecom,2020,")  # the group


@pytest.mark.parametrize("metric, per, since", [("ghg", None, None), ("energy", None, 2018),
                                                ("ghg", "revenue", None)])
def test_spreadsheet_output_is_the_same_without_what_only_people_read(builtin, metric, per,
                                                                      since) -> None:
    from esgcmp.output import Format, to_csv, to_json
    from esgcmp.views import compare_report, intensity_report

    if per is None:
        (result,) = api.compare(builtin, metric, with_changes=since is not None,
                                since=since).comparisons

        def report(for_people: bool):
            return compare_report(result, builtin, since=since, for_people=for_people)
    else:
        (result,) = api.intensity(builtin, metric, per).comparisons

        def report(for_people: bool):
            return intensity_report(result, builtin, for_people=for_people)

    people, programs = report(True), report(False)
    assert to_csv(programs) == to_csv(people) and to_json(programs) == to_json(people)
    assert people.notes[0].startswith(("Year ", "Latest ")) and programs.notes == []
    assert "where" in people.rows[0] and "as_printed" in people.rows[0]
    assert not {"where", "as_printed", "company_name", "kinds"} & programs.rows[0].keys()
    assert [Format(f).for_people for f in ("table", "csv", "json", "markdown", "plain")] == [
        True, False, False, True, True]
