"""The store gives back exactly what it was given: every record field round-trips, a
catalog read from it equals the catalog built from the files, and anything it did not
write itself (another version, a tampered file) is a miss, never an answer."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import msgspec
import pytest
from msgspec.structs import replace

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
    return replace(base, **changes)


def test_every_field_of_an_observation_round_trips() -> None:
    original = observation()
    row = store.codec(Observation).encode(original)
    assert row[:4] == ["co", "ghg", 2020, "14.23"]
    assert row[6] == "s" and row[9] == 12  # a unit's origins are all in its own file
    stored = json.loads(json.dumps(row))  # plain values only; tuples come back as lists
    decoded = store.codec(Observation).decode(stored, store.Context("cat.yaml", {"s": SOURCE}))
    assert decoded == original and isinstance(decoded.flags, tuple)
    assert isinstance(decoded.basis, tuple) and all(isinstance(b, tuple) for b in decoded.basis)
    assert decoded.also[0].approx is True and decoded.also[0].notes == "rounded"
    assert decoded.also[1].value is None and decoded.also[1].normalized is None
    bare = observation(printed=None, flags=(), also=())
    assert store.codec(Observation).decode(store.codec(Observation).encode(bare),
                                           store.Context("cat.yaml", {"s": SOURCE})) == bare


def test_metrics_companies_and_sources_round_trip() -> None:
    metric = Metric("ghg", "GHG", "tCO2e", "environmental", Origin("c.yaml", 3), "溫室",
                    ("A1.2",), ("305-1", "305-2"), "d", ("carbon",), True, ("a", "b"),
                    ("x", "y"))
    company = Company("co", "Co", Origin("c.yaml", None), "公司", ("c",), "parent", "entity")
    source = replace(SOURCE, origin=Origin("c.yaml", 9))
    for record in (metric, company, source, replace(metric, ratio_of=None)):
        codec = store.codec(type(record))
        assert codec.decode(codec.encode(record), store.Context("c.yaml", {})) == record


def test_a_field_of_a_type_the_store_does_not_know_is_refused() -> None:
    class Odd(msgspec.Struct, frozen=True):
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


DATA_FILES = ("checks.toml", "derive.toml", "printed_units.toml")


def test_data_files_remembered_are_their_parse_and_only_tables_are_taken(monkeypatch) -> None:
    from esgcmp import files

    monkeypatch.setattr(files, "_PARSED", {})
    parsed = {name: files.packaged_toml(name) for name in DATA_FILES}
    assert parsed["checks.toml"]["jump"]["default"]  # the real files were read
    # the memo keeps them as JSON: read back, that is the same parse
    assert store.from_json(store.json_bytes(files.parsed_data())) == parsed
    monkeypatch.setattr(files, "_PARSED", {})
    files.remember_data({"checks.toml": {"jump": {"default": "9"}}, "derive.toml": ["x"],
                         5: {"a": "b"}})
    files.remember_data(["not", "a", "mapping"])
    assert files.packaged_toml("checks.toml") == {"jump": {"default": "9"}}  # not read
    assert files.packaged_toml("derive.toml") == parsed["derive.toml"]  # read: no table
    assert files.parsed_data() == {"checks.toml": {"jump": {"default": "9"}},
                                   "derive.toml": parsed["derive.toml"]}


def test_a_session_remembers_the_data_files_of_the_last(monkeypatch, tmp_path) -> None:
    from esgcmp import api, files

    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("ESGCMP_NO_CACHE", raising=False)
    monkeypatch.setattr(files, "_PARSED", {})
    parsed = {name: files.packaged_toml(name) for name in DATA_FILES}
    api.Session().close()
    monkeypatch.setattr(files, "_PARSED", {})
    api.Session()
    assert files.parsed_data() == parsed  # before anything is parsed


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
        if Path(target).parent.name.startswith("c-"):  # a catalog's file, not the memo
            staged.append(Path(source))
        return original(source, target)

    monkeypatch.setattr(store.os, "replace", watching)
    load([tiny_path], kept)
    folder = tmp_path / "deep" / "store" / store.FOLDER
    (final,) = folder.glob("c-*")
    assert sorted(p.name for p in final.iterdir()) == ["index.json", "m00000.json"]
    assert len(staged) == 2 and all(p.parent == final and p.name.startswith(".tmp-")
                                    for p in staged)

    def failing(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", failing)
    other = Store(tmp_path / "other")
    catalog = load([tiny_path], other)  # the answer does not depend on the store
    assert "tiny-sub" in catalog.companies
    assert not [p for p in (tmp_path / "other" / store.FOLDER).rglob("*")
                if p.name.startswith((".tmp-", "index", "m0"))]  # no staging left, no file


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
    kept._prune("c-" + "3" * 40)
    # the two newest catalogs stay, a staging folder in use stays, an old one goes; folders
    # that are not esgcmp's names are never touched
    assert sorted(p.name for p in kept.folder.iterdir()) == sorted(
        [".tmp-busy", "CACHEDIR.TAG", "c-" + "1" * 40, "c-" + "3" * 40, "c-mine", "catalogs",
         "key"])  # (the catalog in use is kept, however old)


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


def test_a_catalog_is_one_entry_whatever_the_spelling_of_its_paths(tiny_path, tmp_path,
                                                                   monkeypatch) -> None:
    kept = Store(tmp_path / "store")
    monkeypatch.chdir(tiny_path.parent)
    link = tmp_path / "link.yaml"
    link.symlink_to(tiny_path)
    names = {kept.entry([path]).name for path in (tiny_path, Path(tiny_path.name),
                                                  Path(".") / tiny_path.name, link)}
    assert len(names) == 1 and len(names.pop()) == 42
    other = Store(tmp_path / "store")
    other.fingerprint += "|another esgcmp"
    assert other.entry([tiny_path]).name != kept.entry([tiny_path]).name
    assert kept.entry([tiny_path, tiny_path]).name != kept.entry([tiny_path]).name


def test_a_file_is_read_again_only_when_its_signature_changed_or_is_racy(
        tiny_path, tmp_path, monkeypatch) -> None:
    import os as os_module

    path = tmp_path / "tiny.yaml"
    path.write_bytes(tiny_path.read_bytes())
    kept = Store(tmp_path / "store")
    entry = kept.entry([path])
    assert entry.unchanged(0) is None  # never read
    raw = path.read_bytes()
    info = os_module.stat(path)
    digest = Store.digest(raw)
    entry.record(0, info, digest, info.st_mtime_ns + store.RACY_NS)
    assert entry.unchanged(0) is None  # changed too close to when it was read: racy
    entry.record(0, info, digest, max(info.st_mtime_ns, info.st_ctime_ns) + store.RACY_NS + 1)
    assert entry.unchanged(0) == digest
    later = info.st_mtime_ns + 5 * 10**9
    os_module.utime(path, ns=(later, later))  # same bytes, another time stamp
    assert entry.unchanged(0) is None
    entry.record(0, os_module.stat(path), digest, time_after(path))
    assert entry.unchanged(0) == digest
    replacement = tmp_path / "new.yaml"
    replacement.write_bytes(raw)
    os_module.utime(replacement, ns=(later, later))
    os_module.replace(replacement, path)  # the same size and time, another inode
    assert entry.unchanged(0) is None
    path.unlink()
    assert entry.unchanged(0) is None


def time_after(path: Path) -> int:
    import os as os_module

    info = os_module.stat(path)
    return max(info.st_mtime_ns, info.st_ctime_ns) + store.RACY_NS + 1


def _many_values(path: Path, companies: int = 40, years: int = 150) -> Path:
    """A catalog large enough that its unit's blocks lie beyond what one read buffers."""
    lines = ["schema: 1", "metrics:", "  m: {name: M, category: environmental, unit: t}",
             "companies:"]
    for n in range(companies):
        values = ", ".join(f"{1900 + y}: {n * 1000 + y + 1}" for y in range(years))
        lines += [f"  co{n}:", f"    name: Co {n}", "    sources: {s: {file: s.txt}}",
                  "    kpis:", f"      - {{metric: m, unit: t, values: {{{values}}}, "
                  "source: s, line: 1}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_unit_is_checked_block_by_block(tmp_path) -> None:
    path = _many_values(tmp_path / "many.yaml")
    built = load_files([path])
    kept = Store(tmp_path / "store")
    load([path], kept)
    (unit,) = (tmp_path / "store" / store.FOLDER).glob("c-*/m00000.json")
    first, rest = unit.read_bytes().split(b"\n", 1)
    size = int(first.split()[-1])
    header, body = rest[:size], rest[size:]
    assert b"__reduce__" not in body and first.startswith(b"esgcmp-store 9 ")
    assert len(body) > 50_000  # (a read buffers 8 KB or so)
    # blocks changed after the header was read: the catalog is read again from the files
    for metric_first in (True, False):
        broken = load([path], kept)
        unit.write_bytes(first + b"\n" + header + bytes(len(body)))
        if metric_first:  # the directory of m is what breaks
            assert broken.get("co3", "m", 2000) == built.get("co3", "m", 2000)
        assert broken.observations == built.observations
        assert broken.values.rebuilt is not None and broken.years("co1", "m")[-1] == 2049
        unit.write_bytes(first + b"\n" + header + body)
    # a header changed: a miss, and the unit is built again
    unit.write_bytes(first + b"\n" + header.replace(b"co1", b"cp1", 1) + body)
    assert load([path], kept).observations == built.observations


@pytest.mark.parametrize("small", [0, store.SMALL_UNIT])
def test_a_years_values_in_the_metrics_unit_are_the_built_ones(tiny_path, tmp_path,
                                                                 monkeypatch, small) -> None:
    monkeypatch.setattr(store, "SMALL_UNIT", small)
    built = load_files([tiny_path])
    kept = Store(tmp_path)
    load([tiny_path], kept)
    stored = load([tiny_path], kept)
    assert stored.get("tiny-group", "ghg", 2020) is not None  # one year's records made
    made = dict(stored.values.segments)
    pairs = [(m, y) for m in built.metrics_with_values() for y in built.years(metric=m)]
    assert ("ghg", 2020) in pairs and len(pairs) > 10
    for metric, year in pairs:
        expected = {c: held[year].normalized for c, held in built.shard(metric).items()
                    if year in held}
        assert stored.normalized(metric, year) == built.normalized(metric, year) == expected
    # from the numbers (or a small unit's rows): no other records made, nothing rebuilt
    assert stored.values.segments == made and stored.values.rebuilt is None
    assert built.normalized("ghg", 2020)["tiny-group"] == D("70000")  # 7.0 萬噸
    assert stored.normalized("ghg", 1990) == {} == stored.normalized("no-such-metric", 2020)


def test_a_years_values_are_read_from_their_numbers_alone(tiny_path, write, tmp_path,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(store, "SMALL_UNIT", 0)
    other = write("other.yaml", """
        schema: 1
        companies:
          other-co:
            name: Other
            sources: {o: {file: o.txt}}
            kpis:
              - {metric: revenue, unit: 億元, values: {2020: 3}, source: o, line: 1}
        """)
    kept = Store(tmp_path / "store")
    load([tiny_path, other], kept)
    catalog = load([tiny_path, other], kept)
    monkeypatch.setattr(store.Unit, "rows", None)  # the rows are not read at all
    assert catalog.normalized("ghg", 2020) == {"tiny-group": D("70000"),
                                               "tiny-sub": D("32000")}
    assert catalog.normalized("revenue", 2020)["other-co"] == D("300000000")  # 3 億元
    assert catalog.values.segments == {} and catalog.values.rebuilt is None


def test_a_years_values_come_from_the_files_when_a_block_broke(tmp_path) -> None:
    path = _many_values(tmp_path / "many.yaml")
    kept = Store(tmp_path / "store")
    load([path], kept)
    catalog = load([path], kept)
    (unit,) = (tmp_path / "store" / store.FOLDER).glob("c-*/m00000.json")
    first, rest = unit.read_bytes().split(b"\n", 1)
    size = int(first.split()[-1])
    unit.write_bytes(first + b"\n" + rest[:size] + bytes(len(rest) - size))
    found = catalog.normalized("m", 1949)
    assert catalog.values.rebuilt is not None
    assert found == {f"co{n}": D(n * 1000 + 50) for n in range(40)}


@pytest.mark.parametrize("small", [0, store.SMALL_UNIT])
def test_a_block_is_read_once_and_only_when_asked(tiny_path, tmp_path, monkeypatch,
                                                  small) -> None:
    monkeypatch.setattr(store, "SMALL_UNIT", small)
    kept = Store(tmp_path)
    load([tiny_path], kept)
    catalog = load([tiny_path], kept)
    reads: list[int] = []
    original = store.Unit._read

    def spy(self, place):
        reads.append(place[0])
        return original(self, place)

    monkeypatch.setattr(store.Unit, "_read", spy)
    assert catalog.get("tiny-group", "ghg", 2020).value == D("7.0")
    # a large file: the directory of ghg, and its year 2020; a small one: all at once
    assert len(reads) == (2 if small == 0 else 1)
    assert catalog.get("tiny-group", "ghg", 2020).value == D("7.0")
    assert catalog.get("tiny-sub", "ghg", 2020) is not None
    assert len(reads) == (2 if small == 0 else 1)
    assert catalog.get("tiny-group", "revenue", 2020).value == D("12")
    assert len(reads) == (4 if small == 0 else 1)
    assert catalog.observations == load_files([tiny_path]).observations


def test_an_edit_builds_only_its_unit_and_what_depends_on_it(tmp_path, write,
                                                             units_built) -> None:
    metrics = write("a.yaml", "schema: 1\nmetrics:\n  m: {name: M, category: environmental, "
                              "unit: t}\n")
    rows = ("schema: 1\ncompanies:\n  co{n}:\n    name: Co\n    sources: {{s: {{file: s.txt}}}}"
            "\n    kpis:\n      - {{metric: m, unit: kg, values: {{2020: {n}000}}, source: s, "
            "line: 1}}\n")
    others = [write(f"b{n}.yaml", rows.format(n=n)) for n in (1, 2, 3)]
    paths = [metrics, *others]
    kept = Store(tmp_path / "store")
    built = units_built
    load(paths, kept)
    assert built == ["a.yaml", "b1.yaml", "b2.yaml", "b3.yaml"]
    built.clear()
    assert load(paths, kept).get("co2", "m", 2020).normalized == D("2")
    assert built == []
    others[1].write_text(rows.format(n=7).replace("co7", "co2"), encoding="utf-8")
    assert load(paths, kept).get("co2", "m", 2020).normalized == D("7")
    assert built == ["b2.yaml"]
    built.clear()
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("unit: t", "unit: kg"),
                       encoding="utf-8")  # every file using m is read again
    assert load(paths, kept).get("co2", "m", 2020).normalized == D("7000")
    assert built == ["a.yaml", "b1.yaml", "b2.yaml", "b3.yaml"]


def test_the_store_keeps_to_its_size_and_always_keeps_the_catalog_in_use(
        tmp_path, monkeypatch) -> None:
    import os as os_module
    import time

    kept = Store(tmp_path)
    kept._open(create=True)
    now = time.time()
    names = ["c-" + str(n) * 40 for n in range(1, 5)]
    for age, name in enumerate(names):  # c-1... newest, c-4... oldest; 0.4 MB each
        folder = kept.folder / name
        folder.mkdir()
        (folder / "m00000.json").write_bytes(b"x" * 400_000)
        os_module.utime(folder, (now - age, now - age))
    monkeypatch.setenv("ESGCMP_CACHE_MB", "1")
    kept._prune(names[3])  # the oldest is the one in use: it stays
    assert sorted(p.name for p in kept.folder.glob("c-*")) == [names[0], names[3]]
    monkeypatch.setenv("ESGCMP_CACHE_MB", "not a number")
    assert store.limit_bytes() == store.MAX_STORE_MB * 2**20
    monkeypatch.setenv("ESGCMP_CACHE_MB", "0")
    assert store.limit_bytes() == 2**20  # at least 1 MB


def test_a_warm_load_reads_no_catalog_file_and_keeps_its_folders_private(
        tiny_path, tmp_path, monkeypatch) -> None:
    import os as os_module
    import time

    from esgcmp import catalog as catalog_module

    monkeypatch.setattr(store, "RACY_NS", -10**18)  # (the file was written just now)
    kept = Store(tmp_path)
    load([tiny_path], kept)
    built = load_files([tiny_path]).observations
    (entry,) = (tmp_path / store.FOLDER).glob("c-*")
    assert (entry.stat().st_mode & 0o777) == 0o700
    reads: list[Path] = []
    original = catalog_module.read_catalog_bytes_and_stat

    def spy(path: Path):
        reads.append(path)
        return original(path)

    monkeypatch.setattr(catalog_module, "read_catalog_bytes_and_stat", spy)
    index = (entry / "index.json").read_bytes()
    assert load([tiny_path], kept).observations == built
    assert reads == [] and (entry / "index.json").read_bytes() == index  # nothing new
    # a file a killed run left half-written goes once it is old; a new one stays
    old, new = entry / ".tmp-killed", entry / ".tmp-writing"
    for leftover in (old, new):
        leftover.write_bytes(b"half")
    past = time.time() - 2 * store.STALE_STAGING
    os_module.utime(old, (past, past))
    tiny_path.write_text(tiny_path.read_text(encoding="utf-8") + "# edited\n",
                         encoding="utf-8")
    assert load([tiny_path], kept).observations == built
    assert reads == [tiny_path] and not old.exists() and new.exists()


def test_reading_a_catalog_marks_it_recently_used(tiny_path, tmp_path, write,
                                                  monkeypatch) -> None:
    import os as os_module

    monkeypatch.setattr(store, "KEEP", 2)
    monkeypatch.setattr(store, "RACY_NS", -10**18)  # (no index is written again)
    kept = Store(tmp_path / "store")
    other = write("other.yaml", "schema: 1\n")
    load([tiny_path], kept)
    load([other], kept)
    folders = {p.name: p for p in (tmp_path / "store" / store.FOLDER).glob("c-*")}
    for path in folders.values():
        os_module.utime(path, (1, 1))  # both long unused
    load([tiny_path], kept).get("tiny-group", "ghg", 2020)  # the tiny catalog is read
    used = [name for name, path in folders.items() if path.stat().st_mtime > 1]
    assert len(used) == 1
    load([write("third.yaml", "schema: 1\n# third\n")], kept)  # one of the two must go
    assert sorted(p.name for p in (tmp_path / "store" / store.FOLDER).glob("c-*")
                  if p.name in folders) == used
