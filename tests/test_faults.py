"""Faults a review found that the suite once let through, each pinned by a test that
fails when it comes back: references between metrics, sources that disagree, flags that
exempt a jump, --jump, GRI codes, intensity bars, a broken store, the parallel parse, the
progress bar, trend --unit, --framework gri, --no-builtin."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from esgcmp import api, load as catalog_module
from esgcmp.load import load, load_files
from esgcmp.errors import CatalogError

from .conftest import TINY_CATALOG


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def tiny_args(path: Path) -> list[str]:
    return ["--no-builtin", "--catalog", str(path)]


def test_an_unknown_parent_is_an_error(write) -> None:
    path = write("p.yaml", TINY_CATALOG.replace("parent: tiny-group", "parent: tiny-grup"))
    with pytest.raises(CatalogError, match="company 'tiny-sub': unknown parent 'tiny-grup'"):
        load_files([path])


def test_an_unknown_ratio_metric_is_an_error(write) -> None:
    path = write("r.yaml", TINY_CATALOG.replace("ratio_of: [energy, revenue]",
                                                "ratio_of: [energy, revenu]"))
    with pytest.raises(CatalogError, match="refers to unknown metric 'revenu'"):
        load_files([path])


def test_sources_disagree_only_when_the_printings_differ(write) -> None:
    same = load_files([write("same.yaml", TINY_CATALOG)])
    assert same.get("tiny-group", "ghg", 2020).flags == ()
    differ = load_files([write("differ.yaml", TINY_CATALOG.replace(
        "line: 9, values: {2020: 7}", "line: 9, values: {2020: 7.2}"))])
    assert differ.get("tiny-group", "ghg", 2020).flags == ("sources_disagree",)
    assert differ.get("tiny-group", "ghg", 2019).flags == ()


def test_a_not_comparable_value_exempts_a_jump(run, write) -> None:
    jumpy = TINY_CATALOG.replace("values: {2019: 50, 2020: {value: 55,",
                                 "values: {2019: 5, 2020: {value: 55,").replace(
        "flags: [restated], notes: onto one basis", "flags: [not_comparable], notes: new basis")
    path = write("j.yaml", jumpy)
    found = rows(run("check", "-f", "csv", *tiny_args(path)).out)
    assert [(r["check"], r["metric"]) for r in found if r["check"] == "jump"] == [
        ("jump", "employees")]
    unflagged = write("u.yaml", jumpy.replace("flags: [not_comparable], ", ""))
    found = rows(run("check", "-f", "csv", *tiny_args(unflagged)).out)
    assert [r["metric"] for r in found if r["check"] == "jump"] == ["diesel", "employees"]


def test_the_jump_option_sets_the_threshold(run, tiny_path) -> None:
    def jumps(*extra: str) -> list[str]:
        out = run("check", "-f", "csv", *extra, *tiny_args(tiny_path)).out
        return [r["metric"] for r in rows(out) if r["check"] == "jump"]

    assert jumps() == ["employees"]
    assert jumps("--jump", "2") == []
    assert jumps("--jump", "0.15") == ["electricity", "employees", "revenue"]


def test_a_gri_code_with_its_prefix_names_its_metrics(run, tiny_path) -> None:
    out = run("compare", "GRI 305-1", "-f", "csv", *tiny_args(tiny_path)).out
    assert sorted({r["metric"] for r in rows(out)}) == ["ghg", "ghg_scope1"]


def test_intensity_bars(run, tiny_path) -> None:
    out = run("compare", "energy", "--per", "revenue", "--chart", "-f", "plain",
              *tiny_args(tiny_path)).out
    bars = {line.split()[0]: line.count("#") for line in out.splitlines()
            if line.startswith("tiny-") and line.split()[1] == "2020"}
    assert bars == {"tiny-sub": 6, "tiny-group": 16}  # 50 against 124.9 in 16 cells
    plain = run("compare", "energy", "--per", "revenue", "-f", "plain", *tiny_args(tiny_path))
    assert "#" not in plain.out


def test_a_broken_store_is_rebuilt_not_reraised(run, tiny_path, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path / "store"))
    args = ["show", "tiny", "2020", "-f", "csv", *tiny_args(tiny_path)]
    good = run(*args).out
    packs = list((tmp_path / "store").rglob("cache.sqlite3*"))
    assert packs
    for pack in packs:
        pack.write_bytes(b"\x00garbage")
    again = run(*args)
    assert (again.code, again.out, again.err) == (0, good, "")


def test_an_empty_file_is_a_catalog_error_with_its_fix(write) -> None:
    first = write("a.yaml", TINY_CATALOG)
    broken = write("c.yaml", "\n")
    with pytest.raises(CatalogError) as caught:
        load([first, broken])
    assert (caught.value.file, caught.value.line) == (str(broken), None)
    assert caught.value.message == "catalog file is empty"
    assert caught.value.fix == "a catalog starts with 'schema: 1' (docs/catalog.md)"


def test_progress_is_reported_file_by_file(write) -> None:
    first, second = write("a.yaml", TINY_CATALOG), write("b.yaml", "schema: 1\n")
    seen: list[tuple[int, int, str]] = []
    session = api.Session([first, second], builtin=False,
                          progress=lambda done, total, file: seen.append((done, total, file)))
    assert set(session.catalog.companies) == {"tiny-group", "tiny-sub"}
    assert seen == [(0, 2, str(first)), (1, 2, str(second)), (2, 2, "")]


def test_the_progress_bar_on_a_terminal_leaves_stdout_alone(run, tiny_path, monkeypatch) -> None:
    plain = run("metrics", "-f", "csv", *tiny_args(tiny_path)).out
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.setattr("esgcmp.runner._size", lambda _path: 3_000_000)
    result = run("metrics", "-f", "csv", *tiny_args(tiny_path))
    assert (result.code, result.out) == (0, plain)


def test_trend_converts_with_unit(run, tiny_path) -> None:
    out = rows(run("trend", "tiny", "ghg", "--unit", "ktCO2e", "-f", "csv",
                   *tiny_args(tiny_path)).out)
    assert [(r["year"], r["value"], r["unit"], r["change"], r["change_pct"]) for r in out] == [
        # 65 to 70 (+-0.5 each): 6.1 % to 9.3 %, so one digit
        ("2019", "65", "ktCO2e", "", ""), ("2020", "70", "ktCO2e", "5", "8")]
    bad = run("trend", "tiny", "ghg", "--unit", "MWh", *tiny_args(tiny_path))
    assert bad.code == 5 and "cannot convert 'tCO2e'" in bad.err


def test_show_by_gri_code(run, tiny_path) -> None:
    out = run("show", "tiny", "2020", "--framework", "GRI", "-f", "plain",
              *tiny_args(tiny_path)).out
    codes = [line.split("  ")[0] for line in out.splitlines()[3:] if line[:1].isdigit()]
    assert codes == ["302-1", "302-1", "305-1, 305-2", "305-1", "305-2"]
    assert out.splitlines()[1].startswith("GRI ")
    data = rows(run("show", "tiny", "2020", "--framework", "gri", "-f", "csv",
                    *tiny_args(tiny_path)).out)
    assert next(r for r in data if r["metric"] == "ghg")["gri"] == "305-1;305-2"


def test_no_builtin_reads_only_the_users_catalogs(run, tiny_path, monkeypatch) -> None:
    out = rows(run("companies", "-f", "csv", *tiny_args(tiny_path)).out)
    assert [r["company"] for r in out] == ["tiny-group", "tiny-sub"]
    with_builtin = run("companies", "-f", "csv", "--catalog", str(tiny_path))
    assert with_builtin.code == 4 and "metric 'energy' is defined twice" in with_builtin.err
    monkeypatch.setenv("ESGCMP_CATALOG", str(tiny_path))
    assert len(rows(run("metrics", "-f", "csv", "--no-builtin").out)) == 13
    monkeypatch.delenv("ESGCMP_CATALOG")
    alone = run("metrics", "--no-builtin")
    assert alone.code == 2 and alone.out == ""
    assert alone.err == ("esgcmp: error: no catalog to read: --no-builtin needs --catalog or "
                         "ESGCMP_CATALOG; name your catalog with --catalog PATH\n")


def test_jump_zero_flags_every_change_and_a_negative_one_is_refused(run, tiny_path) -> None:
    out = run("check", "--jump", "0", "-f", "csv", *tiny_args(tiny_path)).out
    assert [(r["company"], r["metric"]) for r in rows(out) if r["check"] == "jump"] == [
        ("tiny-group", "diesel"),  # restated onto one basis: the change counts
        ("tiny-group", "electricity"), ("tiny-group", "employees"), ("tiny-group", "gasoline"),
        ("tiny-group", "ghg"), ("tiny-sub", "ghg"),  # warnings
        ("tiny-group", "revenue")]  # economic: info
    refused = run("check", "--jump", "-1", *tiny_args(tiny_path))
    assert refused.code == 2 and refused.out == ""
    assert "-1 is negative; give a fraction such as 0.5" in refused.err


def test_a_source_that_is_not_a_name_is_a_catalog_error(run, write) -> None:
    path = write("s.yaml", TINY_CATALOG.replace("source: t20, line: 1}", "source: [t20], line: 1}"))
    result = run("metrics", *tiny_args(path))
    assert result.code == 4 and result.out == ""
    assert result.err == (f"esgcmp: error: {path}:24: kpi 'electricity': unknown source "
                          "['t20'] (this company's sources: t20)\n")


def test_an_unreadable_stored_catalog_is_replaced(run, tiny_path, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path / "store"))
    args = ["compare", "ghg", "-f", "csv", *tiny_args(tiny_path)]
    good = run(*args).out
    index = tmp_path / "store" / "esgcmp-store" / "cache.sqlite3"
    for name in ("cache.sqlite3-wal", "cache.sqlite3-shm"):
        (index.parent / name).unlink(missing_ok=True)
    index.write_bytes(b"broken")
    assert run(*args).out == good
    assert index.read_bytes().startswith(b"SQLite format 3\x00")  # written anew


def test_a_catalog_that_fails_to_load_is_read_once(write, monkeypatch) -> None:
    from esgcmp import api

    path = write("bad.yaml", "schema: 1\nmetrics: [1\n")
    reads: list[int] = []
    original = catalog_module.read_catalog_bytes_and_stat

    def counting(file):
        reads.append(1)
        return original(file)

    monkeypatch.setattr(catalog_module, "read_catalog_bytes_and_stat", counting)
    session = api.Session([path], builtin=False)
    for _attempt in range(2):
        with pytest.raises(CatalogError, match="YAML syntax error"):
            session.catalog
    result = api.check(session)
    assert [f.check for f in result.findings] == ["schema"] and reads == [1]
