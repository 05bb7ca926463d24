"""The store gives back exactly what it was given: every record field round-trips, a
catalog read from it equals the catalog built from the files, and anything it did not
write itself (another version, a tampered file) is a miss, never an answer."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from esgcmp import store, units
from esgcmp.catalog import load, load_files
from esgcmp.model import Citation, Company, Metric, Observation, Origin, Source
from esgcmp.store import Codec, Store

SOURCE = Source("s", "s.txt", Origin("cat.yaml", 9), "Title", "en")


def observation(**changes) -> Observation:
    base = Observation(
        company="co", metric="ghg", year=2020, value=D("14.23"), unit="百萬噸", label="溫室",
        source=SOURCE, line=4299, factor=D("1000000"), origin=Origin("cat.yaml", 12),
        printed="14. 23", flags=("approx", "restated"), notes="a note",
        conversion_note="mass read as CO2e",
        also=(Citation(SOURCE, 7, "GHG", "million tons", D("14.2"), None, D("14200000"), True,
                       "rounded"),
              Citation(SOURCE, 8, "", "t", None)))
    return dataclasses.replace(base, **changes)


def test_every_field_of_an_observation_round_trips() -> None:
    original = observation()
    row = store.codec(Observation).encode(original)
    assert row[:4] == ("co", "ghg", 2020, "14.23")
    assert row[6] == "s" and row[9] == ("cat.yaml", 12)
    stored = json.loads(json.dumps(row))  # plain values only; tuples come back as lists
    decoded = store.codec(Observation).decode(stored, {"s": SOURCE})
    assert decoded == original and isinstance(decoded.flags, tuple)
    assert isinstance(decoded.basis, tuple) and all(isinstance(b, tuple) for b in decoded.basis)
    assert decoded.also[0].approx is True and decoded.also[0].notes == "rounded"
    assert decoded.also[1].value is None and decoded.also[1].normalized is None
    bare = observation(printed=None, flags=(), also=())
    assert store.codec(Observation).decode(store.codec(Observation).encode(bare),
                                           {"s": SOURCE}) == bare


def test_metrics_companies_and_sources_round_trip() -> None:
    metric = Metric("ghg", "GHG", "tCO2e", "environmental", Origin("c.yaml", 3), "溫室",
                    ("A1.2",), ("305-1", "305-2"), "d", ("carbon",), True, ("a", "b"),
                    ("x", "y"))
    company = Company("co", "Co", Origin("c.yaml", None), "公司", ("c",), "parent", "entity")
    for record in (metric, company, SOURCE, dataclasses.replace(metric, ratio_of=None)):
        codec = store.codec(type(record))
        assert codec.decode(codec.encode(record), {}) == record


def test_a_field_of_a_type_the_store_does_not_know_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Odd:
        when: complex

    with pytest.raises(TypeError, match="cannot write a field declared 'complex'"):
        Codec(Odd)


def test_a_stored_catalog_equals_the_built_one(tiny_path, tmp_path) -> None:
    built = load_files([tiny_path])
    kept = Store(tmp_path / "store")
    first = load([tiny_path], kept)  # builds and writes
    again = load([tiny_path], kept)  # reads
    assert (tmp_path / "store" / store.FOLDER).is_dir()
    for catalog in (first, again):
        assert catalog.metrics == built.metrics
        assert catalog.companies == built.companies
        assert catalog.sources == built.sources
        assert catalog.files == built.files
        assert catalog.observations == built.observations
    assert len(again.values) == len(built.values)
    assert sorted(again.values) == sorted(built.values)
    with pytest.raises(KeyError, match="no-such-metric"):
        again.values["no-such-metric"]
    assert again.values["ghg"] is again.values["ghg"]  # decoded once


def test_the_key_follows_content_order_and_code(tmp_path) -> None:
    kept = Store(tmp_path)
    one, two, changed = Store.digest(b"one"), Store.digest(b"two"), Store.digest(b"twO")
    key = kept.key([("a.yaml", one), ("b.yaml", two)])
    assert key == kept.key([("a.yaml", one), ("b.yaml", two)])
    assert key != kept.key([("a.yaml", one), ("b.yaml", changed)])
    assert key != kept.key([("b.yaml", two), ("a.yaml", one)])
    assert key != kept.key([("c.yaml", one), ("b.yaml", two)])
    other = Store(tmp_path)
    other.fingerprint += "|another esgcmp"
    assert other.key([("a.yaml", one), ("b.yaml", two)]) != key
    assert len(key) == 40 and Store.digest(b"x") == Store.digest(b"x") != Store.digest(b"y")


def test_another_format_or_a_broken_index_is_a_miss(tiny_path, tmp_path) -> None:
    kept = Store(tmp_path)
    load([tiny_path], kept)
    (index,) = (tmp_path / store.FOLDER).glob("c-*/index.json")
    key = index.parent.name.removeprefix("c-")
    data = kept.read_json(f"c-{key}/index.json")
    kept._write_json(index.parent, f"c-{key}/index.json", {**data, "format": store.FORMAT - 1},
                     kept._open(create=False))
    assert kept.read(key, dict) is None
    index.write_bytes(b"\x00not json")
    assert kept.read(key, dict) is None
    assert kept.read("no-such-key", dict) is None


def test_old_catalogs_are_pruned(tmp_path, write, monkeypatch) -> None:
    monkeypatch.setattr(store, "KEEP", 2)
    kept = Store(tmp_path)
    for number in range(4):
        path = write(f"c{number}.yaml", f"schema: 1\n# {number}\n")
        load([path], kept)
    assert len([p for p in (tmp_path / store.FOLDER).iterdir()
                if p.name.startswith("c-")]) == 2


def test_the_memo_is_tagged_json_for_this_esgcmp_only(tmp_path) -> None:
    kept = Store(tmp_path)
    assert kept.memo() == {}
    kept.keep_memo({"factors": {"t\x00kg": "1000"}})
    memo = tmp_path / store.FOLDER / "memo.json"
    header, body = memo.read_bytes().split(b"\n", 1)
    assert header.startswith(f"esgcmp-store {store.FORMAT} ".encode()) and len(header) == 79
    saved = json.loads(body)
    assert saved == {"fingerprint": kept.fingerprint, "content": {"factors": {"t\x00kg": "1000"}}}
    assert kept.memo() == {"factors": {"t\x00kg": "1000"}}
    other = Store(tmp_path)
    other.fingerprint = "another esgcmp"
    assert other.memo() == {}
    # the same JSON without the right tag, or with a tag for other content, is no memo
    for junk in (body, b"[1, 2]", header + b"\n" + body.replace(b"1000", b"9999")):
        memo.write_bytes(junk)
        assert kept.memo() == {}


def test_parsed_files_are_kept_as_tagged_json(tmp_path) -> None:
    from esgcmp.yamlload import load_yaml

    kept = Store(tmp_path)
    key = kept.document_key(Store.digest(b"text"))
    assert not kept.has_document(key) and kept.document(key) is None
    document = load_yaml("schema: 1\nx: {2020: 13.20, 2021: 5, s: [a, true, null]}\n")
    kept.keep_document(key, document)
    back = kept.document(key)
    assert kept.has_document(key) and back == document
    assert back["x"].line == 2 and str(back["x"][2020]) == "13.20"
    assert type(back["x"][2021]) is int and list(back["x"]) == [2020, 2021, "s"]
    path = tmp_path / store.FOLDER / f"d-{key}.json"
    assert b"__reduce__" not in path.read_bytes() and path.read_bytes().startswith(b"esgcmp-store ")
    path.write_bytes(path.read_bytes().replace(b"13.20", b"99.99"))  # tampered: a miss
    assert kept.document(key) is None
    other = Store(tmp_path)
    other.fingerprint += "|changed"
    assert other.document_key(Store.digest(b"text")) != key


def test_an_unwritable_store_is_no_error(tiny_path, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    kept = Store(blocker)
    catalog = load([tiny_path], kept)
    assert "tiny-group" in catalog.companies
    kept.keep_memo({"factors": {}})
    assert blocker.read_text(encoding="utf-8") == "x"


def test_units_remember_only_plain_positive_factors() -> None:
    units.forget()
    units.remember({"a\x00b": "2.5", "c\x00d": "nan", "e\x00f": "-1", "g\x00h": "x",
                    "no separator": "1", "i\x00j\x00k": "1", 5: "1", "l\x00m": 3})
    assert units.known_factors() == {"a\x00b": "2.5"}
    assert units.target_factor("a", "b") == D("2.5")  # no pint needed for a known pair
    units.remember(["not", "a", "mapping"])
    assert units.known_factors() == {"a\x00b": "2.5"}
    units.forget()
    assert units.known_factors() == {}


def test_the_default_root_follows_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path / "here"))
    assert store.default_root() == tmp_path / "here"
    monkeypatch.setenv("ESGCMP_NO_CACHE", "1")
    assert store.default_root() is None
    monkeypatch.setenv("ESGCMP_NO_CACHE", "0")
    assert store.default_root() == tmp_path / "here"
    monkeypatch.delenv("ESGCMP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store.default_root() == tmp_path / "xdg" / "esgcmp"


def test_a_pack_is_read_once_and_only_when_asked(tiny_path, tmp_path, monkeypatch) -> None:
    kept = Store(tmp_path)
    load([tiny_path], kept)
    catalog = load([tiny_path], kept)
    reads: list[str] = []
    original = store._read_regular

    def spy(path: Path, limit: int) -> bytes | None:
        reads.append(path.name)
        return original(path, limit)

    monkeypatch.setattr(store, "_read_regular", spy)
    assert catalog.get("tiny-group", "ghg", 2020).value == D("7.0")
    assert catalog.get("tiny-group", "revenue", 2020).value == D("12")
    assert reads == ["m00000.json"]


def test_a_good_store_is_read_not_rebuilt(tiny_path, tmp_path, monkeypatch) -> None:
    from esgcmp import catalog as catalog_module

    kept = Store(tmp_path)
    load([tiny_path], kept)
    builds: list[int] = []
    original = catalog_module._build

    def counting(*args, **kwargs):
        builds.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(catalog_module, "_build", counting)
    catalog = load([tiny_path], kept)
    assert catalog.observations == load_files([tiny_path]).observations
    assert builds == [1]  # load_files built once; the stored catalog none


def test_the_memo_goes_where_no_folder_was(tmp_path) -> None:
    kept = Store(tmp_path / "a" / "b" / "c")
    kept.keep_memo({"factors": {"x\x00y": "2"}})
    assert kept.memo() == {"factors": {"x\x00y": "2"}}


def test_a_catalog_is_written_whole_or_not_at_all(tiny_path, tmp_path, monkeypatch) -> None:
    import os as os_module

    kept = Store(tmp_path / "deep" / "store")
    staged: list[Path] = []
    original = os_module.replace

    def watching(source, target):
        if Path(target).name.startswith("c-"):  # a catalog, not a parsed file or the memo
            staged.append(Path(source))
        return original(source, target)

    monkeypatch.setattr(store.os, "replace", watching)
    load([tiny_path], kept)
    folder = tmp_path / "deep" / "store" / store.FOLDER
    (staging,) = [p for p in staged if p.parent == folder]
    assert staging.name.startswith(".tmp-")
    (final,) = folder.glob("c-*")
    assert sorted(p.name for p in final.iterdir()) == ["index.json", "m00000.json"]

    def failing(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", failing)
    other = Store(tmp_path / "other")
    catalog = load([tiny_path], other)  # the answer does not depend on the store
    assert "tiny-sub" in catalog.companies
    assert not [p for p in (tmp_path / "other" / store.FOLDER).iterdir()
                if p.name.startswith((".tmp-", "c-"))]  # no staging left, no catalog


def test_a_file_is_replaced_atomically_or_left_alone(tmp_path, monkeypatch) -> None:
    target = tmp_path / "memo.json"
    target.write_text("old", encoding="utf-8")

    def failing(source, destination):
        raise OSError("no")

    monkeypatch.setattr(store.os, "replace", failing)
    with pytest.raises(OSError):
        store._write_atomically(target, b"new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo.json"]
    monkeypatch.undo()
    store._write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == [
        "memo.json"]


def test_the_newest_catalogs_are_kept_and_staging_is_left_alone(tmp_path, monkeypatch) -> None:
    import os as os_module
    import time

    monkeypatch.setattr(store, "KEEP", 2)
    kept = Store(tmp_path)
    kept._open(create=True)
    now = time.time()
    names = ["c-" + "1" * 40, "c-" + "2" * 40, "c-" + "3" * 40, ".tmp-busy", ".tmp-left",
             "catalogs", "c-mine"]
    for age, name in enumerate(names):
        folder = kept.folder / name
        folder.mkdir()
        (folder / "index.json").write_text("{}", encoding="utf-8")
        when = now - age if name != ".tmp-left" else now - 2 * store.STALE_STAGING
        os_module.utime(folder, (when, when))
    kept._prune()
    # the two newest catalogs stay, a staging folder in use stays, an old one goes; folders
    # that are not esgcmp's names are never touched
    assert sorted(p.name for p in kept.folder.iterdir()) == sorted(
        [".tmp-busy", "CACHEDIR.TAG", "c-" + "1" * 40, "c-" + "2" * 40, "c-mine", "catalogs",
         "key"])


def test_metrics_are_packed_up_to_the_row_limit(monkeypatch) -> None:
    def shard(rows: int) -> dict:
        return {"c": dict.fromkeys(range(rows))}

    monkeypatch.setattr(store, "PACK_ROWS", 5)
    shards = {"b": shard(3), "a": shard(2), "c": shard(1), "d": shard(9), "e": shard(5)}
    assert store._packs(shards) == [["a", "b"], ["c"], ["d"], ["e"]]
    assert store._packs({}) == [[]]


def test_the_memo_keeps_unit_names_as_written(tmp_path) -> None:
    kept = Store(tmp_path)
    kept.keep_memo({"factors": {"千克標準煤\x00kgce": "1"}})
    assert "千克標準煤" in (tmp_path / store.FOLDER / "memo.json").read_text(encoding="utf-8")
    assert kept.memo() == {"factors": {"千克標準煤\x00kgce": "1"}}


def test_the_store_follows_the_platform(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("ESGCMP_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(store.sys, "platform", "linux")
    assert store.default_root() == tmp_path / "home" / ".cache" / "esgcmp"
    monkeypatch.setattr(store.sys, "platform", "darwin")
    assert store.default_root() == tmp_path / "home" / "Library" / "Caches" / "esgcmp"
    monkeypatch.setattr(store.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert store.default_root() == tmp_path / "local" / "esgcmp"
    monkeypatch.delenv("LOCALAPPDATA")
    assert store.default_root() == tmp_path / "home" / "AppData" / "Local" / "esgcmp"


def test_the_fingerprint_names_the_code_it_was_made_from() -> None:
    import sys as sys_module

    parts = store._code_fingerprint().split("|")
    package = Path(store.__file__).resolve().parent
    assert parts[:3] == [str(package), sys_module.version.split()[0], str(store.FORMAT)]
    named = [part.split(":")[0] for part in parts[3:]]
    assert named == sorted(named)
    for name in ("store.py", "units.txt", "derive.toml", "checks.toml", "printed_units.toml"):
        assert name in named
    stat = (package / "store.py").stat()
    assert f"store.py:{stat.st_size}:{stat.st_mtime_ns}" in parts
    assert not [name for name in named if name.endswith((".pyc", ".md"))]
