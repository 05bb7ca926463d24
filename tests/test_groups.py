"""Peer groups a catalog defines (``groups:``): --peers, where each is defined, a name
defined twice, a member that names no company, and `esgcmp peers`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from .test_rank import RANKS


@pytest.fixture(autouse=True)
def no_users_peers(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ESGCMP_PEERS", str(tmp_path / "none.toml"))


@pytest.fixture
def ranks(write) -> tuple[str, ...]:
    return ("--no-builtin", "--catalog", str(write("ranks.yaml", RANKS)))


def rows(result) -> list[dict[str, str]]:
    assert (result.code, result.err) == (0, ""), result
    return list(csv.DictReader(io.StringIO(result.out)))


def test_a_catalog_group_ranks_its_members(run, ranks, write) -> None:
    groups = write("groups.yaml", """
        schema: 1
        groups:
          pair: [b, cee]
        """)
    found = rows(run("rank", "water", "--peers", "pair", *ranks, "--catalog", str(groups),
                     "-f", "csv"))
    assert [(r["rank"], r["company"], r["value"]) for r in found] == [
        ("1", "b", "300"), ("1", "c", "300")]


def test_the_groups_are_listed_with_where_they_are_defined(run, ranks, write) -> None:
    groups = write("groups.yaml", """
        schema: 1
        groups:
          pair: [b, cee]
          trio: [a, b, d]
        """)
    found = rows(run("peers", *ranks, "--catalog", str(groups), "-f", "csv"))
    assert [(r["group"], r["companies"], r["members"], r["defined_at"]) for r in found] == [
        ("cn-telecoms", "", "china-unicom;china-telecom;china-comservice",
         "builtin:peers.toml"),
        ("pair", "b;c", "b;cee", f"{groups}:3"), ("trio", "a;b;d", "a;b;d", f"{groups}:4")]


def test_the_built_in_catalog_groups_are_listed(run) -> None:
    found = rows(run("peers", "-f", "csv"))
    assert [(r["group"], r["companies"]) for r in found] == [
        ("cn-telecoms", "china-unicom;china-telecom;china-comservice")]


def test_a_member_that_names_no_company_is_an_unknown_company_at_the_groups_line(
        run, ranks, write) -> None:
    groups = write("groups.yaml", """
        schema: 1
        groups:
          pair: [b, cee]
          odd: [a, zed]
        """)
    result = run("rank", "water", "--peers", "odd", *ranks, "--catalog", str(groups))
    assert (result.code, result.out) == (3, "")
    assert result.err == ("esgcmp: error: unknown company 'zed'; known: a, b, c, d; a member "
                          f"of peer group 'odd' ({groups}:4)\n")
    listed = run("peers", *ranks, "--catalog", str(groups), "-f", "csv")
    assert listed.code == 3
    assert [(r["group"], r["companies"]) for r in csv.DictReader(io.StringIO(listed.out))] == [
        ("cn-telecoms", ""), ("odd", ""), ("pair", "b;c")]
    assert listed.err == ("esgcmp: warning: unknown company 'zed'; known: a, b, c, d; a "
                          f"member of peer group 'odd' ({groups}:4)\n")
    # check says so before the group is used, at the group's line
    checked = run("check", *ranks, "--catalog", str(groups), "-f", "csv")
    assert checked.code == 1
    found = [r for r in csv.DictReader(io.StringIO(checked.out)) if r["check"] == "group_member"]
    assert [(r["severity"], r["message"]) for r in found] == [
        ("error", "peer group 'odd' names 'zed', which is no company of the catalogs read: "
                  "name a company's id, name, alias or ticker")]
    assert all(r["check"] != "group_member" for r in csv.DictReader(io.StringIO(
        run("check", *ranks, "-f", "csv").out)))


def test_a_group_defined_in_two_catalogs_is_refused_naming_both(run, ranks, write) -> None:
    first = write("first.yaml", "schema: 1\ngroups:\n  pair: [a, b]\n")
    second = write("second.yaml", "schema: 1\ngroups:\n  other: [a]\n  pair: [a, b]\n")
    result = run("peers", *ranks, "--catalog", str(first), "--catalog", str(second))
    assert (result.code, result.out) == (4, "")
    assert result.err == (f"esgcmp: error: {second}:4: group 'pair' is defined twice (first at "
                          f"{first}:3)\n")


def test_a_catalog_group_of_a_peers_toml_name_must_have_its_members(run, ranks,
                                                                    write) -> None:
    other = write("other.yaml", "schema: 1\ngroups:\n  cn-telecoms: [a, b]\n")
    result = run("rank", "water", "--peers", "cn-telecoms", *ranks, "--catalog", str(other))
    assert (result.code, result.out) == (4, "")
    assert result.err == (f"esgcmp: error: {other}:3: group 'cn-telecoms' is defined here and "
                          "in builtin:peers.toml, with other members; rename one of them, or "
                          "give both the same members\n")
    same = write("same.yaml", "schema: 1\ngroups:\n  cn-telecoms: [china-unicom, "
                              "china-telecom, china-comservice]\n")
    listed = rows(run("peers", "--catalog", str(same), "-f", "csv"))
    assert [(r["group"], r["defined_at"]) for r in listed] == [("cn-telecoms", f"{same}:3")]


@pytest.mark.parametrize(("groups", "message"), [
    ("groups:\n  pair: a\n", "group 'pair' must be a list of companies (ids, names, aliases "
                             "or tickers); pair: [china-unicom, china-telecom]"),
    ("groups:\n  pair: []\n", "group 'pair' must be a list of companies (ids, names, aliases "
                              "or tickers); pair: [china-unicom, china-telecom]"),
    ("groups:\n  Pair: [a]\n", "group id 'Pair' must be lower-case letters, digits, '-', '_' "
                               "or '.'"),
    ("groups: [a, b]\n", "'groups' must be a mapping, not a list"),
])
def test_a_malformed_group_is_a_catalog_error(run, ranks, write, groups, message) -> None:
    path = write("bad.yaml", "schema: 1\n" + groups)
    result = run("peers", *ranks, "--catalog", str(path))
    assert (result.code, result.out) == (4, "")
    assert result.err.startswith(f"esgcmp: error: {path}:")
    assert result.err.endswith(f": {message}\n")


def test_groups_are_kept_by_the_cache(run, ranks, write, units_built) -> None:
    groups = write("groups.yaml", "schema: 1\ngroups:\n  pair: [b, cee]\n")
    first = run("peers", *ranks, "--catalog", str(groups), "-f", "csv")
    assert len(units_built) == 2
    again = run("peers", *ranks, "--catalog", str(groups), "-f", "csv")
    assert len(units_built) == 2  # the second run read both files' units from the cache
    assert (first.code, first.out, first.err) == (again.code, again.out, again.err)
    assert [(r["group"], r["companies"]) for r in rows(again)] == [("cn-telecoms", ""),
                                                                   ("pair", "b;c")]
