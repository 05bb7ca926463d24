"""`check --catalog mine.yaml`: the findings about the user's catalog, the built-in
catalog's own counted and left out (shown with --all)."""

from __future__ import annotations

import csv
from pathlib import Path
import io
import re

MINE = """
schema: 1
companies:
  acme-telecom:
    name: Acme Telecom
    sources:
      a20: {file: acme.txt, title: Acme ESG 2020}
    kpis:
      - {metric: ghg, label: GHG emissions, unit: 萬噸, values: {2019: 120.5, 2020: 400}, source: a20, line: 12}
      - {metric: electricity, label: Electricity, unit: MWh, values: {2020: 2500}, source: a20, line: 14}
"""


def _findings(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_a_user_catalog_is_checked_on_its_own(run, write) -> None:
    mine = write("mine.yaml", MINE)
    result = run("check", "--catalog", str(mine), "-f", "csv")
    assert (result.code, result.err) == (0, "")
    found = _findings(result.out)
    assert {(f["company"], f["check"]) for f in found} == {("acme-telecom", "jump"),
                                                           ("acme-telecom", "emission_factor")}
    everything = _findings(run("check", "--catalog", str(mine), "--all", "-f", "csv").out)
    builtin = [f for f in everything if f["company"] != "acme-telecom"]
    assert builtin and len(everything) == len(found) + len(builtin)
    plain = run("check", "--catalog", str(mine), "-f", "plain").out
    assert (f"Only the findings about your catalogs are shown: {len(builtin)} findings about "
            "the built-in catalog alone left out (esgcmp check --all shows them).") in plain
    assert "left out" not in run("check", "--catalog", str(mine), "--all", "-f", "plain").out


def test_a_value_added_to_a_built_in_company_is_the_users(run, write) -> None:
    mine = write("more.yaml", """
        schema: 1
        companies:
          china-unicom:
            sources:
              x: {file: x.txt}
            kpis:
              - {metric: ghg_scope1, label: Scope 1, unit: t, values: {2021: 9000000}, source: x, line: 3}
        """)
    found = _findings(run("check", "--catalog", str(mine), "-f", "csv").out)
    assert [(f["company"], f["year"], f["metric"]) for f in found
            if f["check"] == "jump"] == [("china-unicom", "2021", "ghg_scope1")]
    assert all(f["company"] == "china-unicom" for f in found)


def test_the_built_in_catalog_alone_is_checked_whole(run) -> None:
    plain = run("check", "-f", "plain").out
    assert "left out" not in plain
    assert re.search(r"\d+ warnings", plain)


def test_a_total_above_every_grid_factor_is_not_said_to_be_within_them(run, write) -> None:
    mine = write("mine.yaml", MINE)
    found = _findings(run("check", "--catalog", str(mine), "-f", "csv").out)
    factor = next(f for f in found if f["check"] == "emission_factor")
    assert (factor["severity"], factor["found"]) == ("info", "1600")
    assert factor["message"].startswith(
        "ghg / electricity = 1600 tCO2e/MWh, above the plausible grid factors 0.5-0.9 (")
    assert factor["message"].endswith(": a total holds Scope 1 too, so not less than the "
                                      "electricity alone would emit")


def test_check_re_finds_the_sources_in_the_folder_set_once(run, on_groups, groups: Path,
                                                           monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_SOURCES", str(groups.parent / "src"))
    plain = run("check", *on_groups, "-f", "plain").out
    assert "cited figures re-found on their lines" in plain
    monkeypatch.setenv("ESGCMP_SOURCES", str(groups.parent / "nowhere"))
    result = run("check", *on_groups)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("esgcmp: error: Invalid value for ESGCMP_SOURCES: ")


def test_a_finding_that_only_reads_a_users_value_is_the_users(run, write) -> None:
    # the user's 2017 donations start a jump to the built-in 2018 figure: the jump suspects
    # the 2018 figure and only reads the user's, and is still about the user's catalog
    mine = write("earlier.yaml", """
        schema: 1
        companies:
          china-unicom:
            sources:
              x: {file: x.txt}
            kpis:
              - {metric: donations, label: Donations, unit: 萬元, values: {2017: 100}, source: x, line: 3}
        """)
    found = _findings(run("check", "--catalog", str(mine), "-f", "csv").out)
    assert [(f["check"], f["year"], f["metric"], f["suspected"], f["involved"])
            for f in found] == [("jump", "2018", "donations", "donations 2018",
                                 "donations 2017")]
