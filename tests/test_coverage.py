"""esgcmp coverage: each HKEX ESG Reporting Code KPI for each company and year."""

from __future__ import annotations

import csv
import io
import json

from esgcmp.errors import ExitCode
from esgcmp.vocabulary import hkex_kpis

CATALOG = """
schema: 1
metrics:
  ghg_scope1: {name: Scope 1, category: environmental, unit: tCO2e, hkex: [A1.2]}
  ghg_scope2: {name: Scope 2, category: environmental, unit: tCO2e, hkex: [A1.2]}
  water: {name: Water, category: environmental, unit: t, hkex: [A2.2]}
companies:
  acme:
    name: Acme
    sources:
      r: {file: r.txt}
    kpis:
      - {metric: ghg_scope1, values: {2022: 5, 2023: 6}, unit: tCO2e, source: r, line: 1}
      - {metric: ghg_scope2, values: {2023: 7}, unit: tCO2e, source: r, line: 2}
      - {metric: water, values: {2022: 8}, unit: t, source: r, line: 3}
  beta:
    name: Beta
    sources:
      r: {file: b.txt}
    kpis:
      - {metric: water, values: {2023: 9}, unit: t, source: r, line: 1}
"""


def _csv(run, *args: str) -> list[dict[str, str]]:
    result = run("coverage", *args, "--no-builtin", "-f", "csv")
    assert result.code == 0, result
    return list(csv.DictReader(io.StringIO(result.out)))


def test_each_kpi_of_each_company_year_is_disclosed_not_disclosed_or_a_description(
        run, write) -> None:
    path = write("c.yaml", CATALOG)
    rows = _csv(run, "--catalog", str(path), "-c", "acme", "-y", "2023")
    assert len(rows) == len(hkex_kpis()) == 36
    by_code = {r["kpi"]: (r["status"], r["metrics"]) for r in rows}
    assert by_code["A1.2"] == ("disclosed", "ghg_scope1;ghg_scope2")
    assert by_code["A2.2"] == ("not disclosed", "")
    assert by_code["A1.5"] == ("description", "")
    assert by_code["B8.2"] == ("not disclosed", "")
    assert rows[0] == {"company": "acme", "year": "2023", "kpi": "A1.1",
                       "status": "not disclosed", "metrics": "",
                       "title": "The types of emissions and respective emissions data"}


def test_every_company_year_by_default_and_the_counts_under_the_table(run, write) -> None:
    path = write("c.yaml", CATALOG)
    rows = _csv(run, "--catalog", str(path))
    assert list(dict.fromkeys((r["company"], r["year"]) for r in rows)) == [
        ("acme", "2022"), ("acme", "2023"), ("beta", "2023")]
    plain = run("coverage", "--catalog", str(path), "--no-builtin", "-f", "plain")
    assert plain.out.splitlines()[-3:] == [
        "acme 2022: 2 of 19 HKEX KPIs that ask for figures disclosed.",
        "acme 2023: 1 of 19 HKEX KPIs that ask for figures disclosed.",
        "beta 2023: 1 of 19 HKEX KPIs that ask for figures disclosed."]
    records = json.loads(run("coverage", "--catalog", str(path), "--no-builtin", "-c", "beta",
                             "-f", "json").out)
    assert records[7] == {"company": "beta", "year": 2023, "kpi": "A2.2",
                          "status": "disclosed", "metrics": ["water"],
                          "title": "Water consumption in total and intensity"}


def test_a_year_no_company_asked_for_has_is_not_found(run, write) -> None:
    path = write("c.yaml", CATALOG)
    result = run("coverage", "--catalog", str(path), "--no-builtin", "-y", "1999")
    assert (result.code, result.out) == (ExitCode.NOT_FOUND, "")
    assert result.err == ("esgcmp: error: no value of the companies asked for in 1999; "
                          "'esgcmp companies' lists the years each company has\n")


def test_an_unknown_company_is_not_found(run, write) -> None:
    path = write("c.yaml", CATALOG)
    result = run("coverage", "--catalog", str(path), "--no-builtin", "-c", "nobody")
    assert result.code == ExitCode.NOT_FOUND
    assert result.err.startswith("esgcmp: error: unknown company 'nobody'")


EXPLAINED = CATALOG.replace("""  beta:
    name: Beta
    sources:
      r: {file: b.txt}
""", """  beta:
    name: Beta
    sources:
      r: {file: b.txt}
    not_reported:
      ghg_scope1:
        reason: The company owns no vehicles or boilers
        source: r
        line: 4
      ghg_scope2: {reason: Electricity is paid by the landlord, source: r, line: 5,
                   years: [2023]}
""")


def test_a_kpi_the_report_explains_is_explained_with_its_reason(run, write) -> None:
    path = write("c.yaml", EXPLAINED)
    rows = _csv(run, "--catalog", str(path), "-c", "beta")
    by_code = {r["kpi"]: (r["status"], r["metrics"], r["reason"]) for r in rows}
    assert by_code["A1.2"] == (
        "explained", "ghg_scope1;ghg_scope2",
        "ghg_scope1: The company owns no vehicles or boilers (r, line 4); "
        "ghg_scope2: Electricity is paid by the landlord (r, line 5)")
    assert by_code["A2.2"] == ("disclosed", "water", "")
    plain = run("coverage", "--catalog", str(path), "--no-builtin", "-c", "beta", "-f", "plain")
    assert plain.out.splitlines()[-1] == (
        "beta 2023: 1 of 19 HKEX KPIs that ask for figures disclosed, 1 explained.")
    # a disclosed KPI stays disclosed whatever is explained beside it
    acme = _csv(run, "--catalog", str(write("d.yaml", EXPLAINED.replace(
        "  beta:", "  gamma:\n    name: Gamma\n  beta:"))), "-c", "acme", "-y", "2023")
    assert {r["kpi"]: r["status"] for r in acme}["A1.2"] == "disclosed"


def test_an_explanation_for_other_years_leaves_the_kpi_not_disclosed(run, write) -> None:
    path = write("c.yaml", EXPLAINED.replace("      ghg_scope1:\n"
                                             "        reason: The company owns no vehicles "
                                             "or boilers\n        source: r\n        line: 4\n",
                                             "").replace("years: [2023]", "years: 2022"))
    rows = _csv(run, "--catalog", str(path), "-c", "beta")
    assert {r["kpi"]: r["status"] for r in rows}["A1.2"] == "not disclosed"
    assert "reason" not in rows[0]  # no KPI explained: the columns as they always were


def test_an_explanation_is_cited_like_a_value(run, write) -> None:
    cases = [
        (EXPLAINED.replace("source: r, line: 5", "source: x, line: 5"),
         "company 'beta': not_reported 'ghg_scope2': unknown source 'x' (this company's "
         "sources: r)"),
        (EXPLAINED.replace("line: 5", "line: 0"),
         "company 'beta': not_reported 'ghg_scope2': 'line' must be a positive whole number "
         "(the line in the source file), not 0"),
        (EXPLAINED.replace("      ghg_scope2: {", "      ghg_scope9: {"),
         "company 'beta': not_reported 'ghg_scope9': unknown metric"),
        (EXPLAINED.replace("reason: Electricity is paid by the landlord, ", ""),
         "company 'beta': not_reported 'ghg_scope2': 'reason' is required"),
        (EXPLAINED.replace("line: 5,", "line: 5, because: x,"),
         "company 'beta': not_reported 'ghg_scope2': unknown key 'because'"),
    ]
    for text, message in cases:
        result = run("coverage", "--catalog", str(write("bad.yaml", text)), "--no-builtin")
        assert result.code == ExitCode.CATALOG, (message, result)
        assert message in result.err, (message, result.err)
        assert len(result.err.splitlines()) == 1


def test_check_sources_re_finds_each_not_reported_reason_on_its_line(run, write,
                                                                      tmp_path) -> None:
    path = write("c.yaml", EXPLAINED)
    src = tmp_path / "src"
    src.mkdir()
    (src / "r.txt").write_text("Scope 1 5 6\nScope 2 7\nWater 8\n", encoding="utf-8")
    (src / "b.txt").write_text("Water 9\n\n\nThe company owns no vehicles or boilers.\n"
                               "Electricity is paid by the landlord.\n", encoding="utf-8")
    args = ("check", "--no-builtin", "--catalog", str(path), "--sources", str(src))
    result = run(*args, "-f", "plain")
    assert result.code == 0, result.out
    # 5 values and 2 reasons
    assert result.out.splitlines()[-1] == (f"7 of 7 cited figures re-found on their lines "
                                           f"in 2 report files of {src}.")
    (src / "b.txt").write_text("Water 9\n\n\nThe company owns no boilers.\n"
                               "Electricity is paid by the landlord.\n", encoding="utf-8")
    result = run(*args, "-f", "csv")
    assert result.code == 1
    found = [(f["company"], f["metric"], f["message"])
             for f in csv.DictReader(io.StringIO(result.out)) if f["check"] == "source_line"]
    assert found == [("beta", "ghg_scope1", "'The company owns no vehicles or boilers' is "
                      "not on b.txt:4: 'The company owns no boilers.'")]
    # a reason cited in a file that is not at hand is counted with that file's citations
    (src / "b.txt").unlink()
    result = run(*args, "-f", "csv")
    assert result.code == 0, result.out
    assert [f["message"] for f in csv.DictReader(io.StringIO(result.out))] == [
        f"b.txt is not in {src}: its 3 cited figures were not re-found"]
