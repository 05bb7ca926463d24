"""`esgcmp rank`: polarity, ties, percentiles, the spread, flagged rows kept apart, peer
groups."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

RANKS = """
schema: 1
metrics:
  water: {name: Water consumption, category: environmental, unit: t}
  training_hours_per_employee: {name: Average training hours per employee, category: social, unit: hours/person}
  widgets: {name: Widgets, category: economic, unit: count}
companies:
  a: {name: A, sources: {s: {file: s.txt}}, kpis: [
      {metric: water, unit: t, values: {2020: 100}, source: s, line: 1},
      {metric: training_hours_per_employee, unit: hours/person, values: {2020: 10}, source: s, line: 2},
      {metric: widgets, unit: count, values: {2020: 5}, source: s, line: 3}]}
  b: {name: B, sources: {s: {file: s.txt}}, kpis: [
      {metric: water, unit: t, values: {2020: 300}, source: s, line: 1},
      {metric: training_hours_per_employee, unit: hours/person, values: {2020: 30}, source: s, line: 2},
      {metric: widgets, unit: count, values: {2020: 9}, source: s, line: 3}]}
  c: {name: C, aliases: [cee], sources: {s: {file: s.txt}}, kpis: [
      {metric: water, unit: t, values: {2020: 300}, source: s, line: 1},
      {metric: training_hours_per_employee, unit: hours/person, values: {2020: 20}, source: s, line: 2}]}
  d: {name: D, sources: {s: {file: s.txt}}, kpis: [
      {metric: water, unit: t, values: {2020: 700}, source: s, line: 1},
      {metric: training_hours_per_employee, unit: hours/person, values: {2020: {value: 50, flags: [not_comparable]}}, source: s, line: 2}]}
"""


@pytest.fixture
def on_ranks(write) -> tuple[str, ...]:
    return ("--no-builtin", "--catalog", str(write("ranks.yaml", RANKS)))


def _rows(result) -> list[dict[str, str]]:
    assert (result.code, result.err) == (0, ""), result
    return list(csv.DictReader(io.StringIO(result.out)))


def test_lower_is_better_with_ties_sharing_the_better_rank(run, on_ranks) -> None:
    rows = _rows(run("rank", "water", *on_ranks, "-f", "csv"))
    assert [(r["rank"], r["company"], r["value"], r["percentile"], r["quartile"],
             r["from_median"], r["from_median_pct"]) for r in rows] == [
        ("1", "a", "100", "100", "1", "-200", "-66.7"),
        ("2", "b", "300", "50", "2", "0", "0"),  # tied with c: 1 of 3 beaten, 2 tied halves
        ("2", "c", "300", "50", "2", "0", "0"),
        ("4", "d", "700", "0", "4", "400", "133.3")]
    plain = run("rank", "water", *on_ranks, "-f", "plain").out
    assert plain.splitlines()[0] == "Water consumption (water), t, 2020: lower is better"
    assert ("4 companies ranked: median 300, quartiles 250-400, min 100, max 700 t."
            in plain)


def test_higher_is_better_and_a_flagged_row_is_kept_apart_with_its_reason(run,
                                                                          on_ranks) -> None:
    rows = _rows(run("rank", "training_hours_per_employee", *on_ranks, "-f", "csv"))
    assert [(r["rank"], r["company"], r["ranked"], r["percentile"]) for r in rows] == [
        ("1", "b", "True", "100"), ("2", "c", "True", "50"), ("3", "a", "True", "0"),
        ("", "d", "False", "")]
    assert rows[3]["reasons"] == ("not_comparable: the company says it is not comparable "
                                  "with earlier figures")
    plain = run("rank", "training_hours_per_employee", *on_ranks, "-f", "plain").out
    assert "higher is better" in plain.splitlines()[0]
    assert "Not ranked, as unlike the others: d (not_comparable:" in plain
    flagged = _rows(run("rank", "training_hours_per_employee", *on_ranks,
                        "--include-flagged", "-f", "csv"))
    assert [(r["rank"], r["company"]) for r in flagged] == [("1", "d"), ("2", "b"),
                                                           ("3", "c"), ("4", "a")]
    assert "1*" in run("rank", "training_hours_per_employee", *on_ranks, "--include-flagged",
                       "-f", "plain").out


def test_a_metric_with_no_better_direction_is_ranked_largest_first_and_says_so(
        run, on_ranks) -> None:
    result = run("rank", "widgets", *on_ranks, "-f", "plain")
    assert result.out.splitlines()[0] == ("Widgets (widgets), count, 2020: neither direction "
                                          "is better: ranked largest first")
    rows = _rows(run("rank", "widgets", *on_ranks, "-f", "csv"))
    assert [(r["rank"], r["company"]) for r in rows[:2]] == [("1", "b"), ("2", "a")]
    assert [(r["company"], r["ranked"], r["reasons"]) for r in rows[2:]] == [
        ("c", "False", "not reported"), ("d", "False", "not reported")]


def test_peer_groups_from_the_users_file(run, on_ranks, tmp_path: Path, monkeypatch) -> None:
    peers = tmp_path / "peers.toml"
    peers.write_text('[groups.small]\nmembers = ["a", "cee"]\n', encoding="utf-8")
    monkeypatch.setenv("ESGCMP_PEERS", str(peers))
    rows = _rows(run("rank", "water", "--peers", "small", *on_ranks, "-f", "csv"))
    assert [(r["rank"], r["company"]) for r in rows] == [("1", "a"), ("2", "c")]
    missing = run("rank", "water", "--peers", "big", *on_ranks)
    assert (missing.code, missing.out) == (3, "")
    assert missing.err.startswith("esgcmp: error: unknown peer group 'big'; known: "
                                  "cn-telecoms, small;")
    peers.write_text('[groups.bad]\nmembers = "a"\n', encoding="utf-8")
    broken = run("rank", "water", "--peers", "bad", *on_ranks)
    assert (broken.code, broken.out) == (4, "")
    assert "group 'bad' needs 'members', a list of company names" in broken.err


def test_the_built_in_peer_group(run, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ESGCMP_PEERS", str(tmp_path / "none.toml"))
    rows = _rows(run("rank", "ghg", "--per", "revenue", "--peers", "cn-telecoms", "-f", "csv"))
    assert sorted(r["company"] for r in rows) == ["china-comservice", "china-telecom",
                                                  "china-unicom"]


BASES = """
schema: 1
metrics:
  water: {name: Water consumption, category: environmental, unit: t}
  revenue: {name: Revenue, category: economic, unit: CNY}
companies:
  a: {name: A, sources: {s: {file: s.txt}}, kpis: [
      {metric: water, unit: t, values: {2020: 100}, source: s, line: 1,
       basis: {boundary: offices only}},
      {metric: revenue, unit: CNY, values: {2020: 1000}, source: s, line: 2}]}
  b: {name: B, sources: {s: {file: s.txt}}, kpis: [
      {metric: water, unit: t, values: {2020: 300}, source: s, line: 1},
      {metric: revenue, unit: CNY, values: {2020: 1000}, source: s, line: 2}]}
  c: {name: C, sources: {s: {file: s.txt}}, kpis: [
      {metric: water, unit: t, values: {2020: 200}, source: s, line: 1},
      {metric: revenue, unit: CNY, values: {2020: 1000}, source: s, line: 2,
       basis: {definition: operating revenue}}]}
"""


def test_a_row_held_back_for_its_basis_says_which_aspect_differs_from_whom(run,
                                                                            write) -> None:
    catalog = ("--no-builtin", "--catalog", str(write("bases.yaml", BASES)))
    rows = _rows(run("rank", "water", *catalog, "-f", "csv"))
    assert [(r["company"], r["reasons"]) for r in rows if r["company"] == "a"] == [
        ("a", "basis_differs: boundary 'offices only' vs 'the whole entity' (b, c)")]
    per = _rows(run("rank", "water", "--per", "revenue", *catalog, "-f", "csv"))
    assert {r["company"]: r["reasons"] for r in per} == {
        "a": "basis_differs: water boundary 'offices only' vs 'the whole entity' (b, c); "
             "revenue definition 'not stated' vs 'operating revenue' (c)",
        "b": "basis_differs: water boundary 'the whole entity' vs 'offices only' (a); "
             "revenue definition 'not stated' vs 'operating revenue' (c)",
        "c": "basis_differs: water boundary 'the whole entity' vs 'offices only' (a); "
             "revenue definition 'operating revenue' vs 'not stated' (a, b)"}


def test_peers_name_companies_wherever_c_does(run, on_ranks, tmp_path: Path,
                                              monkeypatch) -> None:
    peers = tmp_path / "peers.toml"
    peers.write_text('[groups.small]\nmembers = ["a", "cee"]\n', encoding="utf-8")
    monkeypatch.setenv("ESGCMP_PEERS", str(peers))
    compared = _rows(run("compare", "water", "--peers", "small", *on_ranks, "-f", "csv"))
    assert [(r["company"], r["value"]) for r in compared] == [("c", "300"), ("a", "100")]
    with_c = _rows(run("compare", "water", "--peers", "small", "-c", "d", *on_ranks,
                       "-f", "csv"))
    assert [r["company"] for r in with_c] == ["d", "c", "a"]
    trend = _rows(run("trend", "water", "--peers", "small", *on_ranks, "-f", "csv"))
    assert sorted({r["company"] for r in trend}) == ["a", "c"]
    exported = _rows(run("export", "--peers", "small", *on_ranks, "-f", "csv"))
    assert sorted({r["company"] for r in exported}) == ["a", "c"]
    covered = _rows(run("coverage", "--peers", "small", *on_ranks, "-f", "csv"))
    assert sorted({r["company"] for r in covered}) == ["a", "c"]
    for command in (("compare", "water"), ("trend", "water"), ("export",), ("coverage",)):
        missing = run(*command, "--peers", "big", *on_ranks)
        assert (missing.code, missing.out) == (3, ""), command
        assert missing.err.startswith("esgcmp: error: unknown peer group 'big'; known: "
                                      "cn-telecoms, small;"), command
