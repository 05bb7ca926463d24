"""Input that cannot corrupt an answer (docs/security.md): a cache that is never trusted,
files that are read only when they are regular files, output that cannot drive the
terminal, and every failure one line with a documented exit code."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esgcmp import load as catalog_module
from esgcmp import store
from esgcmp.errors import ExitCode

HOSTILE = "\x1b[31mRED\x1b]0;title\x07\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://x\x07\u202eevil"


class _Payload:
    """Unpickling this runs code: it creates the file named in ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _args(path: Path) -> list[str]:
    return ["--no-builtin", "--catalog", str(path)]


# ---- the cache --------------------------------------------------------------------------

def test_a_poisoned_cache_changes_no_answer_and_runs_nothing(run, tiny_path, tmp_path,
                                                            monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path / "cache"))
    args = ["compare", "ghg", "--unit", "MtCO2e", "-f", "csv", *_args(tiny_path)]
    good = run(*args)
    assert good.code == 0 and ",0.07,MtCO2e," in good.out
    run(*args)  # served from the cache
    folder = tmp_path / "cache" / store.FOLDER
    assert {f.name for f in folder.iterdir()} >= {"CACHEDIR.TAG", "cache.sqlite3"}
    marker = tmp_path / "code-ran"
    payloads = [pickle.dumps(_Payload(marker)), os.urandom(4096), b"",
                b"SQLite format 3\x00" + os.urandom(4096)]
    for payload in payloads:
        for file in folder.iterdir():
            if file.name != "CACHEDIR.TAG":
                file.write_bytes(payload)
        again = run(*args)
        assert (again.code, again.out, again.err) == (0, good.out, "")
    for file in folder.iterdir():  # the mark too
        file.write_bytes(payloads[0])
    again = run(*args)
    assert (again.code, again.out) == (0, good.out)
    assert again.err.startswith("esgcmp: warning: not using the cache in ")
    assert not marker.exists()


def test_the_cache_removes_none_of_the_users_files(run, tmp_path, monkeypatch, write) -> None:
    mine = tmp_path / "mine"
    for name in ["catalogs", "documents", store.FOLDER + "-not", "c-" + "0" * 40]:
        for number in range(10):
            folder = mine / name / f"{number}"
            folder.mkdir(parents=True)
            (folder / "index.json").write_text("mine", encoding="utf-8")
    for name in ("memo.json", "cache.sqlite3"):
        (mine / name).write_text("mine", encoding="utf-8")
    before = sorted(str(p) for p in mine.rglob("*"))
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(mine))
    monkeypatch.setattr(store, "KEEP", 1)
    for number in range(4):  # four catalogs: three are pruned
        path = write(f"c{number}.yaml", f"schema: 1\n# {number}\n")
        assert run("metrics", "-f", "csv", "--catalog", str(path)).code == 0
    after = sorted(str(p) for p in mine.rglob("*") if store.FOLDER + "/" not in str(p) + "/")
    assert [p for p in after if not p.endswith(store.FOLDER)] == before
    assert {p.name for p in (mine / store.FOLDER).iterdir()} <= {
        "CACHEDIR.TAG", *store._DATABASE_FILES}


@pytest.mark.parametrize("kind", ["symlink", "open to others", "unmarked", "a file"])
def test_a_store_folder_esgcmp_cannot_trust_is_not_used(run, tiny_path, tmp_path, monkeypatch,
                                                        kind) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    folder = cache / store.FOLDER
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if kind == "symlink":
        folder.symlink_to(elsewhere)
    elif kind == "open to others":
        folder.mkdir()
        (folder / store.TAG_NAME).write_bytes(store.TAG)
        folder.chmod(0o777)
    elif kind == "unmarked":
        folder.mkdir(mode=0o700)
    else:
        folder.write_text("x", encoding="utf-8")
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(cache))
    args = ["compare", "ghg", "-f", "csv", *_args(tiny_path)]
    result = run(*args)
    monkeypatch.setenv("ESGCMP_NO_CACHE", "1")
    assert result.out == run(*args).out and result.code == 0
    assert result.err.startswith(f"esgcmp: warning: not using the cache in {folder}: ")
    assert result.err.count("\n") == 1
    assert list(elsewhere.iterdir()) == []


def test_a_file_changed_during_a_parse_is_never_served_stale(run, write, tmp_path,
                                                            monkeypatch) -> None:
    """The store's key is made from the bytes that are parsed, never from a second read."""
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path / "cache"))
    text = ("schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: t}\n"
            "companies:\n  co:\n    name: Co\n    sources: {s: {file: s.txt}}\n    kpis:\n"
            "      - {metric: m, unit: t, values: {2020: 425747}, source: s, line: 1}\n")
    path = write("race.yaml", text)
    original = catalog_module.parse_catalog_text
    swapped: list[bool] = []

    def swap_while_parsing(raw: bytes, file: str):
        if not swapped:  # the file changes after it was read, while it is parsed
            path.write_text(text.replace("425747", "999999"), encoding="utf-8")
            swapped.append(True)
        return original(raw, file)

    monkeypatch.setattr(catalog_module, "parse_catalog_text", swap_while_parsing)
    args = ["compare", "m", "-f", "csv", "--no-builtin", "--catalog", str(path)]
    assert ",425747," in run(*args).out  # what was read
    assert ",999999," in run(*args).out  # what the file says now
    path.write_text(text, encoding="utf-8")
    assert ",425747," in run(*args).out


def test_a_fifo_in_place_of_a_cache_file_is_a_miss(run, tiny_path, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path / "cache"))
    args = ["compare", "ghg", "-f", "csv", *_args(tiny_path)]
    good = run(*args).out
    folder = tmp_path / "cache" / store.FOLDER
    for name in store._DATABASE_FILES:
        (folder / name).unlink(missing_ok=True)
    os.mkfifo(folder / store.DATABASE)  # never opened: removed, and the database made again
    assert run(*args).out == good
    assert (folder / store.DATABASE).is_file()
    target = tmp_path / "users-file"
    target.write_text("mine", encoding="utf-8")
    for name in store._DATABASE_FILES:
        (folder / name).unlink(missing_ok=True)
    (folder / store.DATABASE).symlink_to(target)  # a link is removed, never followed
    assert run(*args).out == good
    assert target.read_text(encoding="utf-8") == "mine"
    assert not (folder / store.DATABASE).is_symlink()


# ---- catalog files ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_catalog_that_is_not_a_regular_file_is_refused_at_once(run, tmp_path, kind) -> None:
    path = tmp_path / "c.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    result = run("metrics", "--catalog", str(path))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err == (f"esgcmp: error: {path}: is not a regular file (a pipe, device or "
                          "socket cannot be a catalog file)\n")


def test_a_folder_given_as_a_report_is_a_usage_error(run, tmp_path) -> None:
    result = run("extract", str(tmp_path), "-o", str(tmp_path / "draft.yaml"))
    assert (result.code, result.out) == (ExitCode.USAGE, "")
    assert result.err == (f"esgcmp: error: {tmp_path}: is a directory where a report was "
                          "expected\n")
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_catalog_over_the_size_limit_is_refused(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(catalog_module, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("schema: 1\n" + "#" * 200 + "\n", encoding="utf-8")
    result = run("metrics", "--no-builtin", "--catalog", str(path))
    assert result.code == ExitCode.CATALOG
    assert result.err == (f"esgcmp: error: {path}: catalog file is larger than 0 MB, the most "
                          "esgcmp reads; split it into several files\n")


def test_unreadable_paths_are_one_line(run, tmp_path, monkeypatch) -> None:
    long_name = tmp_path / ("a" * 300 + ".yaml")
    result = run("metrics", "--catalog", str(long_name))
    assert result.code == ExitCode.CATALOG
    assert result.err == f"esgcmp: error: {long_name}: cannot read (File name too long)\n"
    denied = tmp_path / "denied.yaml"
    denied.write_text("schema: 1\n", encoding="utf-8")

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setenv("ESGCMP_NO_CACHE", "1")  # os.open is the store's too
    monkeypatch.setattr(catalog_module.os, "open", refuse)
    for how in (["--catalog", str(denied)], []):
        if not how:
            monkeypatch.setenv("ESGCMP_CATALOG", str(denied))
        result = run("metrics", "--no-builtin", *how)
        assert result.code == ExitCode.CATALOG  # the same code however it was named
        assert result.err == (f"esgcmp: error: {denied}: cannot read catalog file "
                              "(Permission denied)\n")


@pytest.mark.parametrize("args", [["metrics", "--catalog", ""], ["check", "--sources", ""]])
def test_an_empty_path_is_a_usage_error(run, args) -> None:
    result = run(*args)
    assert (result.code, result.out) == (ExitCode.USAGE, "")
    assert "names no" in result.err or "names nothing" in result.err


# ---- check --sources ---------------------------------------------------------------------

def _sourced(write, tmp_path, file: str) -> tuple[Path, Path]:
    catalog = write("sourced.yaml", (
        "schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: t}\n"
        "companies:\n  co:\n    name: Co\n    sources: {s: {file: '" + file + "'}}\n"
        "    kpis:\n      - {metric: m, unit: t, values: {2020: 7}, source: s, line: 1}\n"))
    sources = tmp_path / "sources"
    sources.mkdir(exist_ok=True)
    return catalog, sources


@pytest.mark.parametrize("file", ["../outside.txt", "/etc/passwd", "link.txt"])
def test_check_sources_reads_nothing_outside_its_folder(run, write, tmp_path, file) -> None:
    (tmp_path / "outside.txt").write_text("secret 7\n", encoding="utf-8")
    catalog, sources = _sourced(write, tmp_path, file)
    (sources / "link.txt").symlink_to(tmp_path / "outside.txt")
    result = run("check", "-f", "csv", "--no-builtin", "--catalog", str(catalog),
                 "--sources", str(sources))
    assert result.code == ExitCode.FINDINGS
    assert f"{file} is outside {sources}; a citation names a file in it: its 1 cited figure was " \
           "not re-found" in result.out
    assert "secret" not in result.out and "root:" not in result.out


@pytest.mark.parametrize(("content", "problem"), [
    ("7\n".encode("utf-16"), "is not UTF-8 (byte 0xff on line 1); convert it to UTF-8"),
    ("萬噸 7\n".encode("gbk"), "is not UTF-8 (byte 0xc8 on line 1)"),
])
def test_check_sources_names_a_source_it_cannot_decode(run, write, tmp_path, content,
                                                       problem) -> None:
    catalog, sources = _sourced(write, tmp_path, "s.txt")
    (sources / "s.txt").write_bytes(content)
    result = run("check", "-f", "csv", "--no-builtin", "--catalog", str(catalog),
                 "--sources", str(sources))
    assert result.code == ExitCode.FINDINGS
    (row,) = [r for r in csv.DictReader(io.StringIO(result.out)) if r["check"] == "source_line"]
    assert (row["severity"], row["company"], row["sources"]) == ("error", "", "s.txt")
    assert row["message"].startswith(f"s.txt {problem}")
    assert row["message"].endswith(": its 1 cited figure was not re-found")


def test_check_sources_does_not_search_a_huge_line(run, write, tmp_path) -> None:
    catalog, sources = _sourced(write, tmp_path, "s.txt")
    (sources / "s.txt").write_text("7" * 5_000_000 + "\n", encoding="utf-8")
    result = run("check", "-f", "csv", "--no-builtin", "--catalog", str(catalog),
                 "--sources", str(sources))
    assert result.code == ExitCode.FINDINGS
    assert "(a line of 5,000,000 characters, too long to search)" in result.out


# ---- output --------------------------------------------------------------------------------

def _hostile_catalog(write) -> Path:
    text = TINY_CATALOG_HOSTILE.replace("HOSTILE", json.dumps(HOSTILE)[1:-1])
    return write("hostile.yaml", text)


TINY_CATALOG_HOSTILE = """schema: 1
metrics:
  m: {name: "M HOSTILE", name_zh: "中 HOSTILE", category: environmental, unit: t}
companies:
  co:
    name: "Co HOSTILE"
    sources: {s: {file: s.txt, title: "Report HOSTILE"}}
    kpis:
      - {metric: m, label: "Label HOSTILE", unit: t, values: {2020: {value: 7, notes: "HOSTILE"}}, source: s, line: 1}
"""


@pytest.mark.parametrize("args", [["show", "co", "2020"], ["compare", "m"], ["metrics"],
                                  ["companies"], ["trend", "co", "m"], ["check"]])
@pytest.mark.parametrize("fmt", ["table", "plain", "markdown"])
def test_catalog_text_cannot_drive_the_terminal(run, write, args, fmt) -> None:
    result = run(*args, "-f", fmt, "--no-builtin", "--catalog", str(_hostile_catalog(write)))
    assert result.code in (0, 1), result
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in result.out
    if args[0] in ("show", "compare", "companies", "trend"):
        assert "\\x1b[31mRED" in result.out or "\\x1b" in result.out


def test_csv_and_json_keep_the_text(run, write) -> None:
    catalog = _hostile_catalog(write)
    csv_out = run("compare", "m", "-f", "csv", "--no-builtin", "--catalog", str(catalog)).out
    assert HOSTILE in csv_out
    rows = json.loads(run("compare", "m", "-f", "json", "--no-builtin", "--catalog",
                          str(catalog)).out)
    assert rows[0]["notes"] == HOSTILE and "\x1b" not in json.dumps(rows)


@pytest.mark.parametrize(("value", "csv_value", "json_value", "printed"), [
    ("9007199254740993", "9007199254740993", "9007199254740993", "9007199254740993"),
    ("12345678901234567890", "12345678901234567890", "12345678901234567890",
     "12345678901234567890"),
    ("13.20", "13.2", "13.2", "13.20"),  # reported_value keeps the printed trailing zero
    ("1e5", "100000", "100000", "100000"),
])
def test_every_printed_digit_is_kept(run, write, value, csv_value, json_value,
                                     printed) -> None:
    catalog = write("digits.yaml", (
        "schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: t}\n"
        "companies:\n  co:\n    name: Co\n    sources: {s: {file: s.txt}}\n    kpis:\n"
        f"      - {{metric: m, unit: t, values: {{2020: {value}}}, source: s, line: 1}}\n"))
    args = ["compare", "m", "--no-builtin", "--catalog", str(catalog)]
    assert f"co,2020,m,{csv_value},t,{printed}," in run(*args, "-f", "csv").out
    text = run(*args, "-f", "json").out
    assert f'"value": {json_value},' in text and f'"reported_value": {printed},' in text
    json.loads(text)


def test_a_value_beyond_the_limits_is_refused(run, write) -> None:
    catalog = write("huge.yaml", (
        "schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: t}\n"
        "companies:\n  co:\n    name: Co\n    sources: {s: {file: s.txt}}\n    kpis:\n"
        "      - {metric: m, unit: t, values: {2020: 1.7e308}, source: s, line: 1}\n"))
    result = run("compare", "m", "-f", "json", "--no-builtin", "--catalog", str(catalog))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err == (f"esgcmp: error: {catalog}:9: kpi 'm' 2020: value 1.7E+308 is "
                          "outside what esgcmp reads (at most 20 significant digits, between "
                          "1e-20 and 1e20); check the number against the report\n")


@pytest.mark.parametrize(("unit", "message"), [
    ("0 tCO2e", "unit '0 tCO2e' has the multiplier 0, outside 1e-15 to 1e15"),
    ("1e999 tCO2e", "unit '1e999 tCO2e' has the multiplier Infinity, outside 1e-15 to 1e15"),
    ("1e-320 tCO2e", "unit '1e-320 tCO2e' has the multiplier 1.00e-320, outside 1e-15 to 1e15"),
    ("9**9**9 t", "unit '9**9**9 t': the power '9' is not a whole number from -4 to 4"),
    ("t**nan", "unit 't**nan': the power 'nan' is not a whole number from -4 to 4"),
    ("t**1e400", "unit 't**1e400': the power '1e400' is not a whole number from -4 to 4"),
    ("mt", "unit 'mt': 'mt' is ambiguous (metric tons or megatonnes, read as millitonnes by "
           "unit libraries); write t or Mt"),
    ("t" * 20_000, f"unit '{'t' * 20}...' is longer than 64 characters"),
    ("(" * 6000 + "t" + ")" * 6000, f"unit '{'(' * 20}...' is longer than 64 characters"),
    ("((((t))))", "unit '((((t))))' nests parentheses deeper than 3"),
])
def test_absurd_units_are_refused(run, tiny_path, unit, message) -> None:
    result = run("compare", "ghg", "--unit", unit, "-f", "csv", *_args(tiny_path))
    assert (result.code, result.out) == (ExitCode.UNIT, "")
    assert result.err.startswith(f"esgcmp: error: {message}")


@pytest.mark.parametrize("unit", ["0 t", "*0 tons", "t/0", "mt", "1e-999 t", "t**nan"])
def test_absurd_printed_units_are_refused_with_their_line(run, write, unit) -> None:
    catalog = write("unit.yaml", (
        "schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: t}\n"
        "companies:\n  co:\n    name: Co\n    sources: {s: {file: s.txt}}\n    kpis:\n"
        f"      - {{metric: m, unit: '{unit}', values: {{2020: 1}}, source: s, line: 1}}\n"))
    result = run("compare", "m", "-f", "csv", "--no-builtin", "--catalog", str(catalog))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err.startswith(f"esgcmp: error: {catalog}:9: kpi 'm': ")


def test_a_coefficient_below_the_calorific_is_refused(run) -> None:
    result = run("compare", "energy", "--basis", "generation", "--kgce-per-kwh", "9e-999999999")
    assert result.code == ExitCode.USAGE
    assert "9e-999999999 is not between 0.1229 and 1" in result.err


# ---- the process ----------------------------------------------------------------------------

def _esgcmp(shell: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESGCMP_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(["bash", "-c", shell.replace("esgcmp", f"{sys.executable} -m esgcmp")],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "plain", "markdown"])
def test_a_closed_or_full_stdout_is_one_line(tmp_path, fmt) -> None:
    closed = _esgcmp(f"esgcmp compare ghg -f {fmt} >&-", tmp_path)
    assert (closed.returncode, closed.stderr) == (
        ExitCode.OUTPUT, "esgcmp: error: cannot write the output: standard output is closed\n")
    if Path("/dev/full").exists():
        full = _esgcmp(f"esgcmp compare ghg -f {fmt} >/dev/full", tmp_path)
        assert (full.returncode, full.stderr) == (
            ExitCode.OUTPUT, "esgcmp: error: cannot write the output (No space left on device)\n")


def test_ctrl_c_during_a_parse_is_one_line(run, write, monkeypatch) -> None:
    first = write("a.yaml", "schema: 1\n")
    second = write("b.yaml", "schema: 1\n")
    from esgcmp import reader

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reader.Reader, "read", interrupted)
    for cache in ("1", "0"):
        monkeypatch.setenv("ESGCMP_NO_CACHE", cache)
        result = run("metrics", "--catalog", str(first), "--catalog", str(second))
        assert (result.code, result.out, result.err) == (ExitCode.INTERRUPTED, "",
                                                          "esgcmp: error: interrupted\n")


# ---- limits at their edge -------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["block", "flow", "mixed"])
def test_nesting_is_counted_alike_in_every_style(kind) -> None:
    """32 levels of mappings and lists, the top level included, load; 33 do not."""
    from esgcmp.yamlload import YamlProblem, load_yaml

    def text(lists: int) -> str:
        if kind == "block":
            return "x:\n" + "- " * lists + "1\n"
        if kind == "flow":
            return "x: " + "[" * lists + "1" + "]" * lists + "\n"
        return "x:\n" + "- " * 16 + "[" * (lists - 16) + "1" + "]" * (lists - 16) + "\n"

    assert load_yaml(text(31))["x"] is not None
    with pytest.raises(YamlProblem, match="nested deeper than 32 levels"):
        load_yaml(text(32))


def test_the_non_specific_tag_is_plain_yaml() -> None:
    from esgcmp.yamlload import load_yaml

    assert load_yaml("name: ! Co\n") == {"name": "Co"}


def test_the_cache_folder_is_private_and_its_mark_never_overwritten(tmp_path) -> None:
    kept = store.Store(tmp_path)
    assert kept.reading() is not None
    assert (kept.folder.stat().st_mode & 0o777) == 0o700
    assert ((kept.folder / store.DATABASE).stat().st_mode & 0o777) == 0o600
    assert (kept.folder / store.TAG_NAME).read_bytes() == store.TAG
    with pytest.raises(FileExistsError):
        store.create_exclusive(kept.folder / store.TAG_NAME, b"x")
    assert (kept.folder / store.TAG_NAME).read_bytes() == store.TAG
    assert sorted(p.name for p in kept.folder.iterdir() if p.name != "cache.sqlite3-shm"
                  and p.name != "cache.sqlite3-wal") == ["CACHEDIR.TAG", "cache.sqlite3"]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="&*!ab:[]{},- \t\n\r\x0b\x0c\x1c\x85\xa0\u3000\u2028",
               max_size=12))
def test_the_quick_look_for_anchors_sees_what_the_pattern_sees(text) -> None:
    import re

    from esgcmp.yamlload import _maybe_alias

    pattern = re.compile(r"(?:^|[\s\[{,:])[&*!][^\s\]},]", re.M)
    assert _maybe_alias(text) == (pattern.search(text) is not None)


@pytest.mark.parametrize("mode", [0o777, 0o757])
def test_a_cache_directory_others_can_change_is_not_used(run, tiny_path, tmp_path, monkeypatch,
                                                         mode) -> None:
    """Another user who can change the cache directory can swap esgcmp-store for a folder
    of their own between esgcmp's look at it and its use of it; such a directory is
    refused (as git refuses a repository another user owns), the sticky /tmp is not."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(shared))
    args = ["compare", "ghg", "-f", "csv", *_args(tiny_path)]
    result = run(*args)
    monkeypatch.setenv("ESGCMP_NO_CACHE", "1")
    assert (result.code, result.out) == (0, run(*args).out)
    assert result.err == (f"esgcmp: warning: not using the cache in {shared}: others may change "
                          f"{shared} (mode {mode:o}) and could swap the cache's folder for one "
                          "of their own; give ESGCMP_CACHE_DIR a folder only you can change\n")
    assert list(shared.iterdir()) == []
    shared.chmod(0o1777)  # sticky: only the folder's owner may rename it
    monkeypatch.delenv("ESGCMP_NO_CACHE")
    assert run(*args).err == ""
    assert store.Store(shared).reading() is not None


@pytest.mark.parametrize("name", [store.DATABASE, store.DATABASE + "-wal",
                                  store.DATABASE + "-shm", store.DATABASE + "-journal"])
def test_a_folder_in_place_of_a_cache_file_is_removed_when_empty(run, tiny_path, tmp_path,
                                                                 monkeypatch, name) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path))
    args = ["compare", "ghg", "-f", "csv", *_args(tiny_path)]
    good = run(*args)
    folder = tmp_path / store.FOLDER / name
    folder.unlink(missing_ok=True)
    folder.mkdir()
    for _again in range(2):
        result = run(*args)
        assert (result.code, result.out, result.err) == (0, good.out, "")
    assert store.Store(tmp_path).reading() is not None  # used again, not left aside


def test_a_folder_in_place_of_the_mark_is_a_warning_not_a_crash(run, tiny_path, tmp_path,
                                                                monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path))
    args = ["compare", "ghg", "-f", "csv", *_args(tiny_path)]
    good = run(*args)
    mark = tmp_path / store.FOLDER / store.TAG_NAME
    mark.unlink()
    mark.mkdir()
    result = run(*args)
    assert (result.code, result.out) == (0, good.out)
    assert result.err == (f"esgcmp: warning: not using the cache in {tmp_path / store.FOLDER}: "
                          "the folder is not one esgcmp made (it lacks its mark) (esgcmp makes "
                          "a new one when the folder is removed)\n")


def test_a_disk_full_on_the_first_run_leaves_nothing_half_made(tmp_path, monkeypatch) -> None:
    made = store.create_exclusive

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "create_exclusive", full)
    first = store.Store(tmp_path)
    assert (first.reading(), first.problem) == (None, None)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(store, "create_exclusive", made)
    second = store.Store(tmp_path)
    assert second.reading() is not None and second.problem is None


def test_no_run_ever_sees_the_folder_without_its_mark(tmp_path, monkeypatch) -> None:
    """While one first run writes the mark, another run looking at the cache directory
    must find no folder (it then makes its own) rather than a folder without the mark
    (which it would refuse, with a warning)."""
    made = store.create_exclusive
    seen: list[bool] = []

    def watched(path, data):
        seen.append(os.path.lexists(tmp_path / store.FOLDER))
        made(path, data)

    monkeypatch.setattr(store, "create_exclusive", watched)
    assert store.Store(tmp_path).reading() is not None
    assert seen == [False]


@pytest.mark.slow
def test_first_runs_at_once_all_use_one_cache(tiny_path, tmp_path) -> None:
    env = {**os.environ, "ESGCMP_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "esgcmp", "compare", "ghg", "-f", "csv", *_args(tiny_path)]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(6)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in runs]
    assert {(code, err) for code, _out, err in results} == {(0, "")}
    assert len({out for _code, out, _err in results}) == 1
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [store.FOLDER]
