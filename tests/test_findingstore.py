"""The findings behind the ``inconsistent`` flag kept in the cache (esgcmp.findingstore):
read back exactly as made, made again when a file changes, never read when damaged."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from esgcmp import check, findingstore
from esgcmp.precision import Range
from esgcmp.results import Finding, Severity

# co's staff jumps in 2020 (a warning: the 2020 value is flagged inconsistent)
JUMPING = """
schema: 1
metrics:
  staff: {name: Staff, category: social, unit: persons}
companies:
  co:
    name: Co
    sources: {s: {file: c.txt}}
    kpis:
      - {metric: staff, unit: persons, values: {2018: 1000, 2019: 1100, 2020: 2000}, source: s, line: 1}
"""
STEADY = JUMPING.replace("2020: 2000", "2020: 1150")
COMMAND = ("trend", "co", "staff", "-f", "csv")


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def checks_run(monkeypatch: pytest.MonkeyPatch) -> list[set[str] | None]:
    """The metrics of each run of the checks behind the flag."""
    ran: list[set[str] | None] = []
    original = check.run_checks

    def counting(catalog, jump=None, wanted=None, years=None):  # type: ignore[no-untyped-def]
        ran.append(wanted)
        return original(catalog, jump, wanted, years)

    monkeypatch.setattr(check, "run_checks", counting)
    return ran


def _rows(cache: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(cache / "esgcmp-store" / "cache.sqlite3") as connection:
        return connection.execute("SELECT files, query FROM findings").fetchall()


def _flagged(out: str) -> list[str]:
    return [line.split(",")[1] for line in out.splitlines() if "inconsistent" in line]


def test_a_warm_command_reads_the_findings_instead_of_checking(
        run, write, fresh_cache, checks_run, monkeypatch) -> None:
    path = write("c.yaml", JUMPING)
    first = run(*COMMAND, "--no-builtin", "--catalog", str(path))
    assert checks_run == [{"staff"}]
    assert [query for _files, query in _rows(fresh_cache)] == ['[["staff"],[2018,2019,2020]]']
    second = run(*COMMAND, "--no-builtin", "--catalog", str(path))
    assert checks_run == [{"staff"}]  # not run again
    monkeypatch.setenv("ESGCMP_NO_CACHE", "1")
    plain = run(*COMMAND, "--no-builtin", "--catalog", str(path))
    assert first.code == second.code == plain.code == 0
    assert first.out == second.out == plain.out
    assert _flagged(second.out) == ["2020"]


def test_an_edited_file_is_checked_again_and_its_old_findings_go(
        run, write, fresh_cache, checks_run) -> None:
    path = write("c.yaml", JUMPING)
    assert _flagged(run(*COMMAND, "--no-builtin", "--catalog", str(path)).out) == ["2020"]
    (before,) = _rows(fresh_cache)
    path.write_text(STEADY.lstrip("\n"), encoding="utf-8")
    assert _flagged(run(*COMMAND, "--no-builtin", "--catalog", str(path)).out) == []
    assert len(checks_run) == 2
    (after,) = _rows(fresh_cache)
    assert after[0] != before[0] and after[1] == before[1]


def test_the_same_files_under_another_name_are_checked_again(
        run, write, fresh_cache, checks_run, tmp_path) -> None:
    """A finding cites its file by the name it is given: another name, another key."""
    path = write("c.yaml", JUMPING)
    run(*COMMAND, "--no-builtin", "--catalog", str(path))
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    out = run(*COMMAND, "--no-builtin", "--catalog", str(link)).out
    assert len(checks_run) == 2 and _flagged(out) == ["2020"]


def test_a_damaged_row_is_not_read_and_is_made_again(
        run, write, fresh_cache, checks_run) -> None:
    path = write("c.yaml", JUMPING)
    first = run(*COMMAND, "--no-builtin", "--catalog", str(path))
    with sqlite3.connect(fresh_cache / "esgcmp-store" / "cache.sqlite3") as connection:
        connection.execute("UPDATE findings SET findings = x'00ff'")
    second = run(*COMMAND, "--no-builtin", "--catalog", str(path))
    assert (second.code, second.out, second.err) == (first.code, first.out, "")
    assert len(checks_run) == 2
    third = run(*COMMAND, "--no-builtin", "--catalog", str(path))  # the row made again
    assert third.out == first.out and len(checks_run) == 2


def test_findings_come_back_with_their_types() -> None:
    finding = Finding(Severity.warning, "sum", "co", 2020, "ghg", Decimal("1.2300"),
                      Decimal("1E+3"), "tCO2e", ("c.txt:1",),
                      {"parts": ("a", "b"), "range": Range(Decimal("0.5"), Decimal("2.50")),
                       "change": Decimal("-0.125"), "from": 2019, "inside": False,
                       "reference": None, "energy": "energy"},
                      (("co", "ghg", 2020),), (("co", "a", 2020), ("co", "b", 2020)))
    (back,) = findingstore.decode(findingstore.encode([finding]))
    assert back == finding
    assert [type(value) for value in back.details.values()] == [
        tuple, Range, Decimal, int, bool, type(None), str]
    assert str(back.found) == "1E+3" and str(back.expected) == "1.2300"
    assert back.message == finding.message


def test_a_finding_with_a_detail_of_another_type_is_not_kept() -> None:
    finding = Finding(Severity.warning, "jump", details={"seen": [1, 2]})
    with pytest.raises(findingstore._Unkept):
        findingstore.encode([finding])
