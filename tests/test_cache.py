"""The cache never changes an answer; a broken or unwritable cache is rebuilt quietly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import USER_CATALOG

COMMANDS = [
    ["compare", "energy", "-f", "csv"],
    ["compare", "ghg", "--per", "revenue", "-f", "json"],
    ["show", "china-unicom", "2020", "-f", "csv"],
    ["trend", "china-telecom", "electricity", "-f", "csv"],
    ["check", "-f", "csv"],
    ["metrics", "-f", "csv"],
    ["companies", "-f", "json"],
]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(folder))
    return folder


def uncached(run, monkeypatch, *args):
    monkeypatch.setenv("ESGCMP_NO_CACHE", "1")
    try:
        return run(*args)
    finally:
        monkeypatch.delenv("ESGCMP_NO_CACHE")


@pytest.mark.parametrize("args", COMMANDS, ids=["_".join(a[:2]) for a in COMMANDS])
def test_cached_output_equals_uncached(run, monkeypatch, fresh_cache, args) -> None:
    first = run(*args)  # builds the cache
    assert (fresh_cache / "esgcmp-store").is_dir()
    second = run(*args)  # served from it
    plain = uncached(run, monkeypatch, *args)
    assert first.code == second.code == plain.code == 0
    assert first.out == second.out == plain.out


def test_an_edited_catalog_is_never_served_stale(run, write, fresh_cache) -> None:
    path = write("user.yaml", USER_CATALOG)
    before = run("compare", "ghg", "--catalog", str(path), "-c", "acme", "-f", "csv").out
    assert ",1300000," in before
    path.write_text(USER_CATALOG.replace("2020: 130}", "2020: 131}"), encoding="utf-8")
    after = run("compare", "ghg", "--catalog", str(path), "-c", "acme", "-f", "csv").out
    assert ",1310000," in after


def test_a_run_that_wrote_the_cache_leaves_its_log_empty(run, write, fresh_cache) -> None:
    """Its own reading kept the log from being emptied while it wrote: a log left full
    doubles the cache on disk after every edit."""
    log = fresh_cache / "esgcmp-store" / "cache.sqlite3-wal"
    path = write("user.yaml", USER_CATALOG)
    for value in ("130", "131", "132"):
        path.write_text(USER_CATALOG.replace("2020: 130}", f"2020: {value}}}"),
                        encoding="utf-8")
        result = run("compare", "ghg", "--catalog", str(path), "-c", "acme", "-f", "csv")
        assert f",{value}0000," in result.out
        assert not log.exists() or log.stat().st_size == 0


def test_only_the_changed_file_is_parsed_again(run, write, fresh_cache, monkeypatch) -> None:
    from esgcmp import load as catalog_module

    path = write("user.yaml", USER_CATALOG)
    run("metrics", "--catalog", str(path), "-f", "csv")
    path.write_text(USER_CATALOG + "# edited\n", encoding="utf-8")
    parsed: list[str] = []
    original = catalog_module.parse_catalog_text

    def spy(raw: bytes, file: str):
        parsed.append(file)
        return original(raw, file)

    monkeypatch.setattr("esgcmp.load.parse_catalog_text", spy)
    assert run("metrics", "--catalog", str(path), "-f", "csv").code == 0
    assert parsed == [str(path)]


def test_a_corrupt_cache_is_rebuilt(run, fresh_cache) -> None:
    good = run("compare", "energy", "-f", "csv").out
    stored = [file for file in fresh_cache.rglob("*") if file.is_file()]
    assert {file.name for file in stored} >= {"CACHEDIR.TAG", "cache.sqlite3"}
    for file in stored:
        if file.name != "CACHEDIR.TAG":
            file.write_bytes(b"not what was stored")
    result = run("compare", "energy", "-f", "csv")
    assert (result.code, result.out, result.err) == (0, good, "")
    # with its mark gone too, the folder is no longer known to be esgcmp's: it is not
    # used (nor removed), and a warning says so
    for file in stored:
        file.write_bytes(b"not what was stored")
    result = run("compare", "energy", "-f", "csv")
    assert (result.code, result.out) == (0, good)
    assert result.err == (f"esgcmp: warning: not using the cache in {fresh_cache}/esgcmp-store: "
                          "the folder is not one esgcmp made (it lacks its mark) (esgcmp makes a "
                          "new one when the folder is removed)\n")


@pytest.mark.parametrize("first_page", [1, 3, 4])
def test_a_database_damaged_past_its_header_is_made_again_before_the_answer(
        fresh_cache, first_page) -> None:
    """In a process of its own: one that read the database before it was spoilt may
    still hold its pages."""
    import sqlite3
    import subprocess
    import sys

    env = {**os.environ, "ESGCMP_CACHE_DIR": str(fresh_cache)}

    def esgcmp(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "esgcmp", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    good = esgcmp("compare", "ghg", "-f", "csv").stdout
    esgcmp("metrics", "-f", "csv")  # more tables with rows
    database = fresh_cache / "esgcmp-store" / "cache.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the log into the database
    page = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(database.read_bytes())
    assert len(data) > 4 * page
    # keep the header (the first 100 bytes), spoil every page from ``first_page`` on
    start = max(100, first_page * page)
    data[start:] = b"\xff" * (len(data) - start)
    database.write_bytes(bytes(data))
    for _run in range(2):  # made again, then warm again
        result = esgcmp("compare", "ghg", "-f", "csv")
        assert (result.returncode, result.stdout, result.stderr) == (0, good, "")


def test_a_vanished_database_is_made_again(run, fresh_cache) -> None:
    good = run("show", "china-unicom", "2020", "-f", "csv").out
    removed = [file for file in (fresh_cache / "esgcmp-store").glob("cache.sqlite3*")]
    assert removed
    for file in removed:
        file.unlink()
    result = run("show", "china-unicom", "2020", "-f", "csv")
    assert (result.code, result.out) == (0, good)
    assert (fresh_cache / "esgcmp-store" / "cache.sqlite3").is_file()


def test_a_cache_path_that_is_a_file_is_no_error(run, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(blocker))
    result = run("compare", "energy", "-f", "csv")
    assert result.code == 0 and result.err == "" and result.out.startswith("company,")


def test_another_spelling_of_the_same_files_is_a_warm_run(run, write, fresh_cache,
                                                          monkeypatch, units_built) -> None:
    path = write("user.yaml", USER_CATALOG)
    run("compare", "ghg", "--catalog", str(path), "-f", "csv")
    assert units_built == ["kpi_catalog.yaml", "user.yaml"]
    units_built.clear()
    monkeypatch.setattr("esgcmp.store.RACY_NS", -10**18)  # (the file was written just now)
    monkeypatch.chdir(path.parent)
    (path.parent / "sub").mkdir()
    for spelling in ("user.yaml", "./user.yaml", "sub/../user.yaml", str(path)):
        for args in (["compare", "ghg", "-f", "csv"], ["companies", "-f", "json"],
                     ["metrics", "-f", "csv"]):
            cached = run(*args, "--catalog", spelling)
            assert cached.out == uncached(run, monkeypatch, *args, "--catalog", spelling).out
    assert units_built == []


@pytest.mark.parametrize("how", ["in place", "renamed over it"])
def test_a_file_replaced_within_the_same_second_is_read_again(run, write, fresh_cache,
                                                              monkeypatch, how) -> None:
    import os

    monkeypatch.setattr("esgcmp.store.RACY_NS", -10**18)  # only the signature can tell
    path = write("user.yaml", USER_CATALOG)
    args = ["compare", "ghg", "--catalog", str(path), "-c", "acme", "-f", "csv"]
    assert ",1300000," in run(*args).out
    before = os.stat(path)
    changed = USER_CATALOG.replace("2020: 130}", "2020: 131}")
    assert len(changed) == len(USER_CATALOG)
    if how == "in place":
        path.write_text(changed, encoding="utf-8")
    else:
        other = path.parent / "new.yaml"
        other.write_text(changed, encoding="utf-8")
        os.replace(other, path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same time stamp
    after = run(*args)
    assert ",1310000," in after.out
    assert after.out == uncached(run, monkeypatch, *args).out


# Layered catalogs whose files depend on each other: a file defining metrics, files of
# companies, a file adding to a company of another file (its sources and values).
LAYERS = {
    "a.yaml": "schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: t}\n",
    "b.yaml": ("schema: 1\ncompanies:\n"
               # ghg of another company only: the file after adds ghg to co
               "  other:\n    name: Other\n    sources: {o: {file: o.txt}}\n    kpis:\n"
               "      - {metric: ghg, unit: t, values: {2020: 4}, source: o, line: 1}\n"
               "  co:\n    name: Co\n    sources: {s: {file: s.txt}}\n"
               "    kpis:\n      - {metric: m, unit: kg, values: {2019: 1000, 2020: 2000}, "
               "source: s, line: 1}\n"),
    "c.yaml": ("schema: 1\ncompanies:\n  co:\n    sources: {s2: {file: s2.txt}}\n    kpis:\n"
               "      - {metric: m, unit: t, values: {2021: 9}, source: s, line: 2}\n"
               "      - {metric: ghg, unit: t, values: {2021: 5}, source: s2, line: 3}\n"),
}
BROKEN = {
    "metric defined twice": ("d.yaml", "schema: 1\nmetrics:\n  m: {name: M again, "
                                       "category: social, unit: t}\n"),
    "company defined twice": ("d.yaml", "schema: 1\ncompanies:\n  co:\n    name: Co again\n"),
    "value given twice": ("d.yaml", "schema: 1\ncompanies:\n  co:\n    kpis:\n      - {metric: m,"
                                    " unit: t, values: {2020: 3}, source: s, line: 4}\n"),
    "source defined twice": ("d.yaml", "schema: 1\ncompanies:\n  co:\n    sources: {s2: {file: "
                                       "x.txt}}\n"),
    "unknown metric": ("d.yaml", "schema: 1\ncompanies:\n  co:\n    kpis:\n      - {metric: "
                                 "nope, unit: t, values: {2020: 3}, source: s, line: 4}\n"),
}


def _layers(write, extra: dict[str, str] | None = None) -> list[str]:
    paths = [write(name, text) for name, text in {**LAYERS, **(extra or {})}.items()]
    return [arg for path in paths for arg in ("--catalog", str(path))]


def test_layered_files_answer_as_without_a_cache(run, write, fresh_cache, monkeypatch) -> None:
    from esgcmp import load as catalog_module

    catalogs = _layers(write)
    original = catalog_module._build
    fallbacks: list[int] = []

    def counting(*args, **kwargs):
        fallbacks.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(catalog_module, "_build", counting)
    run("metrics", "-f", "csv", *catalogs)
    assert fallbacks == []  # the units go together: none of the files is read again
    for args in (["trend", "m", "-c", "co", "-f", "csv"], ["show", "co", "2021", "-f", "json"],
                 ["companies", "-f", "json"], ["export", "-f", "csv"]):
        first, again = run(*args, *catalogs), run(*args, *catalogs)
        plain = uncached(run, monkeypatch, *args, *catalogs)
        assert first.code == again.code == plain.code == 0, first.err
        assert first.out == again.out == plain.out
    assert ",2021,m,9,t," in run("trend", "m", "-c", "co", "-f", "csv", *catalogs).out


@pytest.mark.parametrize("problem", sorted(BROKEN))
def test_files_that_do_not_go_together_fail_as_without_a_cache(run, write, fresh_cache,
                                                               monkeypatch, problem) -> None:
    good = _layers(write)
    assert run("metrics", "-f", "csv", *good).code == 0  # every unit of a, b, c is kept
    name, text = BROKEN[problem]
    catalogs = _layers(write, {name: text})
    cached = run("compare", "m", "-f", "csv", *catalogs)
    plain = uncached(run, monkeypatch, "compare", "m", "-f", "csv", *catalogs)
    assert (cached.code, cached.out, cached.err) == (plain.code, plain.out, plain.err)
    assert cached.code == 4 and "d.yaml" in cached.err and cached.out == ""


def test_a_change_to_what_a_later_file_uses_reads_that_file_again(run, write, fresh_cache,
                                                                  monkeypatch,
                                                                  units_built) -> None:
    catalogs = _layers(write)
    args = ["trend", "m", "-c", "co", "-f", "csv", *catalogs]
    assert ",2021,m,9,t," in run(*args).out
    built = units_built
    built.clear()
    metrics = Path(catalogs[1])
    metrics.write_text(LAYERS["a.yaml"].replace("unit: t}", "unit: kg}"), encoding="utf-8")
    after = run(*args)
    assert ",2021,m,9000,kg," in after.out and after.out == uncached(run, monkeypatch, *args).out
    assert built == ["a.yaml", "b.yaml", "c.yaml"]
    built.clear()
    sources = Path(catalogs[3])  # b.yaml: c.yaml cites its source s
    sources.write_text(LAYERS["b.yaml"].replace("{s: {file: s.txt}}", "{t: {file: s.txt}}")
                       .replace("source: s,", "source: t,"), encoding="utf-8")
    broken = run(*args)
    assert built == ["b.yaml", "c.yaml"]  # c, unchanged, is read again: it cites s
    assert broken.code == 4 and "c.yaml" in broken.err and "unknown source 's'" in broken.err
    assert (broken.err, broken.code) == (uncached(run, monkeypatch, *args).err, 4)
    sources.write_text(LAYERS["b.yaml"], encoding="utf-8")
    metrics.write_text("schema: 1\n", encoding="utf-8")  # m is defined nowhere now
    gone = run(*args)
    assert gone.code == 4 and "unknown metric 'm'" in gone.err
    assert (gone.err, gone.code) == (uncached(run, monkeypatch, *args).err, 4)


@pytest.mark.parametrize("edit", ["metric", "company", "value"])
def test_an_edit_that_clashes_with_an_unchanged_later_file_fails_as_without_a_cache(
        run, write, fresh_cache, monkeypatch, edit, units_built) -> None:
    """The later file's unit is still good on its own: the clash shows only when the
    units are merged, and the error is the one the files give without a cache."""
    later = {"d.yaml": ("schema: 1\nmetrics:\n  m2: {name: M2, category: social, unit: t}\n"
                        "companies:\n  co2:\n    name: Co 2\n    sources: {s: {file: s.txt}}\n"
                        "    kpis:\n      - {metric: m, unit: t, values: {2020: 1}, source: s,"
                        " line: 1}\n")}
    catalogs = _layers(write, later)
    args = ["compare", "m", "-f", "csv", *catalogs]
    assert run(*args).code == 0
    b_yaml = Path(catalogs[3])
    text = LAYERS["b.yaml"]
    if edit == "metric":  # b defines m2, which d defines too (differently)
        text = text.replace("companies:", "metrics:\n  m2: {name: M2 in b, category: social, "
                                          "unit: t}\ncompanies:")
    elif edit == "company":  # b defines co2, which d defines too
        text += "  co2:\n    name: Co 2 in b\n"
    else:  # c adds a 2021 value of m to co: so does d, once d adds to co
        c_yaml = Path(catalogs[5])
        later_text = later["d.yaml"] + ("  co:\n    kpis:\n      - {metric: m, unit: t, values:"
                                        " {2021: 4}, source: s, line: 9}\n")
        Path(catalogs[7]).write_text(later_text, encoding="utf-8")
        assert run(*args).code == 4  # d gives co's 2021 value twice
        c_yaml.write_text(LAYERS["c.yaml"].replace("{2021: 9}", "{2022: 9}"), encoding="utf-8")
        assert run(*args).code == 0
        text = LAYERS["c.yaml"]  # c gives 2021 again: d, unchanged, clashes with it
        b_yaml = c_yaml
    units_built.clear()
    b_yaml.write_text(text, encoding="utf-8")
    cached = run(*args)
    assert "d.yaml" not in units_built  # d's unit was good: the clash showed when merging
    plain = uncached(run, monkeypatch, *args)
    assert (cached.code, cached.out, cached.err) == (plain.code, plain.out, plain.err)
    assert cached.code == 4 and "twice" in cached.err


def test_a_value_given_twice_in_one_file_names_both_places_as_without_a_cache(
        run, write, fresh_cache, monkeypatch) -> None:
    text = LAYERS["b.yaml"] + ("      - {metric: m, unit: t, values: {2020: 2}, source: s, "
                               "line: 2}\n")
    catalogs = _layers(write, {"b.yaml": text})
    cached = run("metrics", "-f", "csv", *catalogs)
    plain = uncached(run, monkeypatch, "metrics", "-f", "csv", *catalogs)
    assert (cached.code, cached.err) == (plain.code, plain.err)
    assert cached.code == 4 and "co m 2020 is given twice (first at " in cached.err
    assert f"{catalogs[3]}:12)" in cached.err  # the first entry's values, in b.yaml


def test_a_file_that_does_not_parse_is_named_with_its_line_with_or_without_a_cache(
        run, write, monkeypatch) -> None:
    catalogs = _layers(write, {"d.yaml": "schema: 1\ncompanies:\n  co: [1\n"})
    for cache in ("0", "1"):
        monkeypatch.setenv("ESGCMP_NO_CACHE", cache)
        result = run("metrics", "-f", "csv", *catalogs)
        assert result.code == 4 and result.out == ""
        assert result.err.startswith(f"esgcmp: error: {catalogs[7]}:4: YAML syntax error")
