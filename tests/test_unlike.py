"""What makes two rows of a comparison unlike, said on the rows themselves: another year
(``year_differs``), another entity level (the ``entity`` aspect of the basis), a figure
two companies share (``shared_with``), and a basis aspect that cites the line stating it
(docs/catalog.md#basis)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .catalogs import only, write_catalog

# Two companies with 2020 and one with 2021 only; their revenue and GHG.
YEARS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  revenue: {name: Revenue, category: economic, unit: CNY}
companies:
  alpha:
    name: Alpha Limited
    sources: {a: {file: alpha.txt}}
    kpis:
      - {metric: ghg, unit: t, values: {2020: 100}, source: a, line: 1}
      - {metric: revenue, unit: yuan, values: {2020: 1000}, source: a, line: 2}
  beta:
    name: Beta Limited
    sources: {b: {file: beta.txt}}
    kpis:
      - {metric: ghg, unit: t, values: {2020: 300}, source: b, line: 1}
      - {metric: revenue, unit: yuan, values: {2020: 2000}, source: b, line: 2}
  gamma:
    name: Gamma Limited
    sources: {g: {file: gamma.txt}}
    kpis:
      - {metric: ghg, unit: t, values: {2021: 50}, source: g, line: 1}
      - {metric: revenue, unit: yuan, values: {2021: 500}, source: g, line: 2}
"""


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_an_intensity_of_another_year_says_so_on_its_row(run, tmp_path: Path) -> None:
    on = only(write_catalog(tmp_path, YEARS))
    result = run("compare", "ghg", "--per", "revenue", *on, "-f", "json")
    assert result.code == 0, result.err
    assert {(r["company"], r["year"]): r["flags"] for r in json.loads(result.out)} == {
        ("alpha", 2020): [], ("beta", 2020): [], ("gamma", 2021): ["year_differs"]}


def test_a_ranking_leaves_a_row_of_another_year_unranked_with_the_reason(
        run, tmp_path: Path) -> None:
    on = only(write_catalog(tmp_path, YEARS))
    result = run("rank", "ghg", *on, "-f", "csv")
    assert result.code == 0, result.err
    found = {r["company"]: (r["rank"], r["flags"]) for r in _csv(result.out)}
    assert found == {"alpha": ("1", ""), "beta": ("2", ""), "gamma": ("", "year_differs")}


# A group parent and two listed companies: their entity stated and cited, a figure two of
# them share, bases that cite their lines and one that cites nothing.
LEVELS = """
schema: 1
metrics:
  revenue: {name: Revenue, category: economic, unit: CNY}
  stations: {name: Base stations, category: economic, unit: count}
  coverage: {name: Village coverage, category: economic, unit: percent}
companies:
  parent-co:
    name: Parent Corporation
    basis: {entity: {value: group parent (unlisted), source: p, line: 1, printed: controls its listed companies}}
    sources: {p: {file: parent.txt}}
    kpis:
      - {metric: revenue, unit: yuan, values: {2020: 9000}, source: p, line: 2, basis: {definition: {value: main business income, line: 2, printed: Main business income}}}
      - {metric: stations, unit: count, values: {2020: {value: 380, shared_with: {company: peer-co, line: 3, printed: shared with Peer}}}, source: p, line: 3}
      - {metric: coverage, unit: "%", values: {2020: 97}, source: p, line: 4}
  peer-co:
    name: Peer Limited
    basis: {entity: {value: listed company, source: q, line: 1, printed: listed in Hong Kong}}
    sources: {q: {file: peer.txt}}
    kpis:
      - {metric: revenue, unit: yuan, values: {2020: 3000}, source: q, line: 2}
      - {metric: stations, unit: count, values: {2020: 380}, source: q, line: 3, shared_with: {company: parent-co, line: 3, printed: 與母公司共享}}
      - {metric: coverage, unit: "%", values: {2020: 96}, source: q, line: 4}
  other-co:
    name: Other Limited
    basis: {entity: {value: listed company, source: o, line: 1, printed: Listing Rules}}
    sources: {o: {file: other.txt}}
    kpis:
      - {metric: revenue, unit: yuan, values: {2020: 1000}, source: o, line: 2, basis: {definition: sales}}
      - {metric: stations, unit: count, values: {2020: 40}, source: o, line: 3}
      - {metric: coverage, unit: "%", values: {2020: 90}, source: o, line: 4}
"""

LEVELS_SOURCES = {
    "parent.txt": "The Group controls its listed companies\nMain business income 9,000\n"
                  "380 stations shared with Peer\nCoverage 97%\n",
    "peer.txt": "Peer is listed in Hong Kong\nRevenue 3,000\n380 stations 與母公司共享\n"
                "Coverage 96%\n",
    "other.txt": "Prepared under the Listing Rules\nRevenue 1,000\n40 stations\nCoverage 90%\n",
}


def _levels(tmp_path: Path) -> tuple[str, ...]:
    return only(write_catalog(tmp_path, LEVELS, LEVELS_SOURCES))


def test_a_group_parent_s_total_beside_listed_companies_is_flagged_with_the_levels(
        run, tmp_path: Path) -> None:
    on = _levels(tmp_path)
    result = run("compare", "stations", *on, "-f", "csv")
    assert result.code == 0, result.err
    found = {r["company"]: (r["flags"].split(";"), r["basis"]) for r in _csv(result.out)}
    assert {company: basis for company, (_flags, basis) in found.items()} == {
        "parent-co": "entity: group parent (unlisted)", "peer-co": "entity: listed company",
        "other-co": "entity: listed company"}
    # the group parent is on another basis than both others; the two that share a figure
    # say so (whether the listed companies are flagged too is mark_unlike's rule)
    assert {"basis_differs", "shared"} <= set(found["parent-co"][0])
    assert "shared" in found["peer-co"][0] and "shared" not in found["other-co"][0]
    plain = run("compare", "stations", *on, "-f", "plain").out
    assert ("Bases differ (flag basis_differs), compare with care: entity 'group parent "
            "(unlisted)' (parent-co) vs 'listed company' (peer-co, other-co).") in plain


def test_a_rate_is_compared_without_the_entity(run, tmp_path: Path) -> None:
    result = run("compare", "coverage", *_levels(tmp_path), "-f", "json")
    assert result.code == 0, result.err
    assert [(r["company"], r["flags"], r["basis"]) for r in json.loads(result.out)] == [
        ("parent-co", [], None), ("peer-co", [], None), ("other-co", [], None)]


def test_a_cited_definition_and_an_uncited_one_are_both_bases(run, tmp_path: Path) -> None:
    result = run("compare", "revenue", *_levels(tmp_path), "-f", "csv")
    assert {r["company"]: r["basis"] for r in _csv(result.out)} == {
        "parent-co": "definition: main business income; entity: group parent (unlisted)",
        "peer-co": "entity: listed company",
        "other-co": "definition: sales; entity: listed company"}


def test_a_shared_figure_is_said_once_under_the_table_with_its_lines(run, tmp_path) -> None:
    on = _levels(tmp_path)
    notes = [line for line in run("compare", "stations", *on, "-f", "plain").out.splitlines()
             if line.startswith("Shared")]
    assert notes == [
        "Shared (flag shared): parent-co and peer-co count the same stations (parent-co: "
        "'shared with Peer', parent.txt:3; peer-co: '與母公司共享', peer.txt:3): one count, "
        "not two; do not add them up."]
    # with one of the two alone there is nothing to add up
    alone = run("compare", "stations", *on, "-c", "parent-co", "-c", "other-co", "-f", "csv")
    # of two levels held once each, neither is the common one: both rows are flagged
    assert {r["company"]: r["flags"] for r in _csv(alone.out)} == {
        "parent-co": "basis_differs", "other-co": "basis_differs"}
    assert "Shared" not in run("compare", "stations", *on, "-c", "parent-co", "-c",
                               "other-co", "-f", "plain").out


def test_check_sources_re_finds_the_words_of_each_cited_basis_and_shared_figure(
        run, tmp_path: Path) -> None:
    # 9 values, 3 entities, 1 cited definition (other-co's cites nothing), 2 sharings
    on = _levels(tmp_path)
    result = run("check", *on, "--sources", str(tmp_path / "src"), "-f", "plain")
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == ("15 of 15 cited figures re-found on their lines "
                                           "in 3 report files of " + str(tmp_path / "src")
                                           + ".")
    (tmp_path / "src" / "parent.txt").write_text(
        "The Group owns listed companies\nMain business income 9,000\n380 stations\n"
        "Coverage 97%\n", encoding="utf-8")
    result = run("check", *on, "--sources", str(tmp_path / "src"), "-f", "csv")
    assert result.code == 1
    found = [(f["company"], f["message"]) for f in _csv(result.out)
             if f["check"] == "source_line"]
    assert found == [
        ("parent-co", "'controls its listed companies' is not on parent.txt:1: 'The Group "
                      "owns listed companies'"),
        ("parent-co", "'shared with Peer' is not on parent.txt:3: '380 stations'")]


def test_a_cited_aspect_without_its_line_is_refused_with_file_and_line(
        run, write) -> None:
    path = write("bad.yaml", """
        schema: 1
        metrics:
          revenue: {name: Revenue, category: economic, unit: CNY}
        companies:
          acme:
            name: Acme
            sources: {a: {file: a.txt}}
            kpis:
              - metric: revenue
                unit: yuan
                values: {2020: 1}
                source: a
                line: 2
                basis: {definition: {value: sales, printed: Sales}}
        """)
    result = run("compare", "revenue", "--no-builtin", "--catalog", str(path))
    assert result.code == 4, result.err
    assert result.err == (f"esgcmp: error: {path}:14: kpi 'revenue' basis 'definition': 'line' "
                          "is required (the line that states it)\n")


def test_a_figure_shared_with_an_unknown_company_is_refused(run, write) -> None:
    path = write("bad.yaml", """
        schema: 1
        metrics:
          stations: {name: Stations, category: economic, unit: count}
        companies:
          acme:
            name: Acme
            sources: {a: {file: a.txt}}
            kpis:
              - {metric: stations, unit: count, values: {2020: 1}, source: a, line: 2, shared_with: {company: acne, line: 2, printed: shared}}
        """)
    result = run("compare", "stations", "--no-builtin", "--catalog", str(path))
    assert result.code == 4, result.err
    assert result.err == (f"esgcmp: error: {path}:9: shared_with: unknown company 'acne'; "
                          "did you mean 'acme'?\n")


def test_a_company_states_only_its_entity(run, write) -> None:
    path = write("bad.yaml", """
        schema: 1
        companies:
          acme:
            name: Acme
            basis: {boundary: {value: the group, source: a, line: 1}}
            sources: {a: {file: a.txt}}
        """)
    result = run("companies", "--no-builtin", "--catalog", str(path))
    assert result.code == 4, result.err
    assert result.err.startswith(f"esgcmp: error: {path}:5: company 'acme': 'basis' of a "
                                 "company states its 'entity' only, not 'boundary'")


def test_every_basis_and_shared_figure_of_the_built_in_catalog_is_cited_and_re_found() -> None:
    from esgcmp.catalog import builtin_catalog_path
    from esgcmp.load import load_files
    from esgcmp.provenance import SourceFiles, check_claims, claim_places

    from .conftest import seeds_dir

    catalog = load_files([builtin_catalog_path()])
    uncited = [(str(obs.origin), aspect) for obs in catalog.observations.values()
               for aspect, _text in obs.basis
               if aspect not in {stated[0] for stated in obs.stated}]
    uncited += [(company.id, aspect) for company in catalog.companies.values()
                for aspect, _text in company.basis
                if aspect not in {stated[0] for stated in company.stated}]
    assert uncited == []
    assert [dict(catalog.companies[c].basis).get("entity")
            for c in ("china-telecom", "china-unicom", "china-comservice")] == [
        "group parent (unlisted)", "listed company", "listed company"]
    files = SourceFiles(seeds_dir())
    claims = [claim for obs in catalog.observations.values() for claim in claim_places(obs)]
    claims += [(file, line, words, page or None) for company in catalog.companies.values()
               for _aspect, file, line, page, words in company.stated]
    # distinct (file, line, words), a claim of several years once: the 25 of the three
    # companies first catalogued, and any a later company states
    assert len(set(claims)) >= 25
    assert check_claims(sorted(set(claims), key=str), "kpi_catalog.yaml", files) == []


def test_a_user_catalog_without_findings_says_how_many_built_in_ones_were_left_out(
        run, write) -> None:
    mine = write("mine.yaml", """
        schema: 1
        companies:
          acme:
            name: Acme
            sources: {a: {file: a.txt}}
            kpis:
              - {metric: revenue, unit: yuan, values: {2020: 1000}, source: a, line: 1}
        """)
    result = run("check", "--catalog", str(mine), "-f", "plain")
    assert (result.code, result.err) == (0, "")
    left_out = len(_csv(run("check", "--catalog", str(mine), "--all", "-f", "csv").out))
    assert left_out > 0
    assert result.out.splitlines()[-2:] == [
        "0 errors, 0 warnings, 0 info in 2 catalog files.",
        f"Only the findings about your catalogs are shown: {left_out} findings about the "
        "built-in catalog alone left out (esgcmp check --all shows them)."]


def test_a_change_since_a_year_is_not_made_incomparable_by_the_entity(run, tmp_path) -> None:
    text = LEVELS.replace("values: {2020: 9000}", "values: {2019: 8000, 2020: 9000}")
    on = only(write_catalog(tmp_path, text))
    result = run("compare", "revenue", "--change", "--from", "2019", *on, "-f", "json")
    assert result.code == 0, result.err
    parent = next(r for r in json.loads(result.out) if r["company"] == "parent-co")
    assert (parent["base_change"], parent["flags"]) == (1000, ["basis_differs"])


def test_check_names_each_basis_that_cites_no_line_once_as_info(run, write) -> None:
    mine = write("plain.yaml", """
        schema: 1
        companies:
          acme:
            name: Acme
            basis: {entity: listed company}
            sources: {a: {file: a.txt}}
            kpis:
              - {metric: revenue, unit: yuan, values: {2019: 900, 2020: 1000}, source: a, line: 1, basis: {definition: sales}}
        """)
    result = run("check", "--catalog", str(mine), "-f", "csv")
    assert (result.code, result.err) == (0, "")
    assert [(f["severity"], f["check"], f["company"], f["year"], f["metric"], f["message"])
            for f in _csv(result.out)] == [
        ("info", "basis_cited", "acme", "", "", "the company basis 'entity' ('listed company') "
         "cites no line of the report: cite the line that states it, or write it in notes"),
        ("info", "basis_cited", "acme", "", "revenue", "revenue basis 'definition' ('sales') "
         "cites no line of the report: cite the line that states it, or write it in notes")]
