"""The cache never changes an answer; a broken or unwritable cache is rebuilt quietly."""

from __future__ import annotations

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


def test_only_the_changed_file_is_parsed_again(run, write, fresh_cache, monkeypatch) -> None:
    from esgcmp import catalog as catalog_module

    path = write("user.yaml", USER_CATALOG)
    run("metrics", "--catalog", str(path), "-f", "csv")
    path.write_text(USER_CATALOG + "# edited\n", encoding="utf-8")
    parsed: list[str] = []
    original = catalog_module.parse_catalog_text

    def spy(raw: bytes, file: str):
        parsed.append(file)
        return original(raw, file)

    monkeypatch.setattr("esgcmp.catalog.parse_catalog_text", spy)
    assert run("metrics", "--catalog", str(path), "-f", "csv").code == 0
    assert parsed == [str(path)]


def test_a_corrupt_cache_is_rebuilt(run, fresh_cache) -> None:
    good = run("compare", "energy", "-f", "csv").out
    stored = [file for file in fresh_cache.rglob("*") if file.is_file()]
    assert len(stored) >= 5  # key, mark, index, a pack, memo
    entries = [f for f in stored if f.name not in ("key", "CACHEDIR.TAG")]
    for file in entries:
        file.write_bytes(b"not what was stored")
    result = run("compare", "energy", "-f", "csv")
    assert (result.code, result.out, result.err) == (0, good, "")
    # with its key and mark gone too, the folder is no longer known to be esgcmp's: it is
    # not used (nor removed), and a warning says so
    for file in stored:
        file.write_bytes(b"not what was stored")
    result = run("compare", "energy", "-f", "csv")
    assert (result.code, result.out) == (0, good)
    assert result.err == (f"esgcmp: warning: not using the cache in {fresh_cache}/esgcmp-store: "
                          "the folder is not one esgcmp made (no key or mark) (esgcmp makes a "
                          "new one when the folder is removed)\n")


def test_a_vanished_shard_is_rebuilt(run, fresh_cache) -> None:
    good = run("show", "china-unicom", "2020", "-f", "csv").out
    packs = list((fresh_cache / "esgcmp-store").rglob("m*.json"))
    assert packs
    for file in packs:
        file.unlink()
    result = run("show", "china-unicom", "2020", "-f", "csv")
    assert (result.code, result.out) == (0, good)


def test_a_cache_path_that_is_a_file_is_no_error(run, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(blocker))
    result = run("compare", "energy", "-f", "csv")
    assert result.code == 0 and result.err == "" and result.out.startswith("company,")


def test_another_spelling_of_the_same_files_is_a_warm_run(run, write, fresh_cache,
                                                          monkeypatch) -> None:
    from esgcmp import catalog as catalog_module

    path = write("user.yaml", USER_CATALOG)
    run("compare", "ghg", "--catalog", str(path), "-f", "csv")
    built: list[str] = []
    original = catalog_module._read_unit

    def counting(raw, file, digest, env):
        built.append(file)
        return original(raw, file, digest, env)

    monkeypatch.setattr(catalog_module, "_read_unit", counting)
    monkeypatch.setattr("esgcmp.store.RACY_NS", -10**18)  # (the file was written just now)
    monkeypatch.chdir(path.parent)
    (path.parent / "sub").mkdir()
    for spelling in ("user.yaml", "./user.yaml", "sub/../user.yaml", str(path)):
        for args in (["compare", "ghg", "-f", "csv"], ["companies", "-f", "json"],
                     ["metrics", "-f", "csv"]):
            cached = run(*args, "--catalog", spelling)
            assert cached.out == uncached(run, monkeypatch, *args, "--catalog", spelling).out
    assert built == []


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
