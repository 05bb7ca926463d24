"""The cache gives back exactly what it was given: every record field round-trips, a
catalog read from it equals the catalog built from the files, and a database it did not
make (another format, another program's, damaged bytes) is made again, never an answer."""

from __future__ import annotations

import os
import sqlite3
import zlib
from decimal import Decimal as D
from pathlib import Path

import msgspec
import pytest
from msgspec.structs import replace

from esgcmp import rows, store
from esgcmp.load import load, load_files
from esgcmp.model import Citation, Company, Metric, Observation, Origin, Source
from esgcmp.store import Store

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


def test_an_unwritable_store_is_no_error(tiny_path, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    kept = Store(blocker)
    catalog = load([tiny_path], kept)
    assert "tiny-group" in catalog.companies
    assert blocker.read_text(encoding="utf-8") == "x"


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
    from esgcmp import load as catalog_module

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


def test_a_file_is_read_again_only_when_its_signature_changed_or_is_racy(
        tiny_path, tmp_path, monkeypatch) -> None:
    import os as os_module

    path = tmp_path / "tiny.yaml"
    path.write_bytes(tiny_path.read_bytes())
    kept = Store(tmp_path / "store")
    entry = kept.entry([path])
    assert entry.reader is not None and entry.unchanged(0) is None  # never read
    raw = path.read_bytes()
    info = os_module.stat(path)
    digest = Store.digest(raw)
    entry.known[0] = [store.signature(info), info.st_mtime_ns + store.RACY_NS, digest]
    assert entry.unchanged(0) is None  # changed too close to when it was read: racy
    entry.known[0] = [store.signature(info),
                      max(info.st_mtime_ns, info.st_ctime_ns) + store.RACY_NS + 1, digest]
    assert entry.unchanged(0) == digest
    later = info.st_mtime_ns + 5 * 10**9
    os_module.utime(path, ns=(later, later))  # same bytes, another time stamp
    assert entry.unchanged(0) is None
    entry.known[0] = [store.signature(os_module.stat(path)), time_after(path), digest]
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




def test_every_field_of_an_observation_round_trips() -> None:
    original = observation()
    codec = rows.codec(Observation)
    row = codec.encode(original)
    assert row.company == "co" and row.value == D("14.23")
    assert row.source == "s" and row.origin == 12  # a file's origins are all in that file
    stored = msgspec.msgpack.decode(msgspec.msgpack.encode(row), type=codec.row)
    decoded = codec.decode(stored, "cat.yaml", {"s": SOURCE})
    assert decoded == original and isinstance(decoded.flags, tuple)
    assert isinstance(decoded.basis, tuple) and all(isinstance(b, tuple) for b in decoded.basis)
    assert decoded.also[0].approx is True and decoded.also[0].notes == "rounded"
    assert decoded.also[1].value is None and decoded.also[1].normalized is None
    bare = observation(printed=None, flags=(), also=())
    assert codec.decode(codec.encode(bare), "cat.yaml", {"s": SOURCE}) == bare
    # the file is the name it is given now; the source, the company's as defined now
    renamed = replace(SOURCE, title="Retitled")
    moved = codec.decode(stored, "./cat.yaml", {"s": renamed})
    assert moved.origin == Origin("./cat.yaml", 12) and moved.source is renamed


def test_metrics_companies_and_sources_round_trip() -> None:
    metric = Metric("ghg", "GHG", "tCO2e", "environmental", Origin("c.yaml", 3), "溫室",
                    ("A1.2",), ("305-1", "305-2"), "d", ("carbon",), True, ("a", "b"),
                    ("x", "y"))
    company = Company("co", "Co", Origin("c.yaml", None), "公司", ("c",), "parent", "entity")
    source = replace(SOURCE, origin=Origin("c.yaml", 9))
    for record in (metric, company, source, replace(metric, ratio_of=None)):
        codec = rows.codec(type(record))
        row = msgspec.json.decode(msgspec.json.encode(codec.encode(record)), type=codec.row)
        assert codec.decode(row, "c.yaml", {}) == record


def test_a_stored_catalog_equals_the_built_one(tiny_path, tmp_path) -> None:
    built = load_files([tiny_path])
    kept = Store(tmp_path / "store")
    first = load([tiny_path], kept)  # builds and writes
    again = load([tiny_path], kept)  # reads
    assert (tmp_path / "store" / store.FOLDER / store.DATABASE).is_file()
    for catalog in (first, again):
        assert catalog.metrics == built.metrics
        assert catalog.companies == built.companies
        assert catalog.sources == built.sources
        assert catalog.files == built.files
        assert catalog.observations == built.observations
    assert sorted(again.values) == sorted(built.values) and len(again.values) == len(built.values)
    with pytest.raises(KeyError, match="no-such-metric"):
        again.values["no-such-metric"]
    assert again.values["ghg"] is again.values["ghg"]  # read once


def tables(database: Path, query: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


def test_the_cache_is_a_database_anyone_can_read(tiny_path, tmp_path) -> None:
    kept = Store(tmp_path)
    load([tiny_path], kept)
    database = tmp_path / store.FOLDER / store.DATABASE
    assert (database.stat().st_mode & 0o777) == 0o600
    assert tables(database, "PRAGMA user_version") == [(store.FORMAT,)]
    assert tables(database, "PRAGMA application_id") == [(store.APPLICATION_ID,)]
    assert tables(database, "PRAGMA journal_mode") == [("wal",)]
    assert tables(database, "SELECT paths FROM catalogs") == [(f'["{tiny_path.resolve()}"]',)]
    ((number, path, digest, size),) = tables(database, "SELECT number, path, digest, size "
                                                       "FROM files")
    raw = tiny_path.read_bytes()
    assert (number, path, digest, size) == (0, str(tiny_path.resolve()), Store.digest(raw),
                                            len(raw))
    assert ("ghg", 2020) in tables(database, "SELECT metric, year FROM blocks")
    (companies,) = tables(database, "SELECT companies FROM years WHERE metric = 'ghg'")[0]
    assert msgspec.json.decode(zlib.decompress(companies))["tiny-group"] == [2019, 2020]
    assert tables(database, "PRAGMA page_size") == [(16384,)]


def test_a_years_values_in_the_metrics_unit_are_the_built_ones(tiny_path, tmp_path) -> None:
    built = load_files([tiny_path])
    kept = Store(tmp_path)
    load([tiny_path], kept)
    stored = load([tiny_path], kept)
    pairs = [(m, y) for m in built.metrics_with_values() for y in built.years(metric=m)]
    assert ("ghg", 2020) in pairs and len(pairs) > 10
    for metric, year in pairs:
        expected = {c: held[year].normalized for c, held in built.shard(metric).items()
                    if year in held}
        assert stored.normalized(metric, year) == built.normalized(metric, year) == expected
    assert stored.values.segments == {}  # from the numbers: no observation made
    assert built.normalized("ghg", 2020)["tiny-group"] == D("70000")  # 7.0 萬噸
    assert stored.normalized("ghg", 1990) == {} == stored.normalized("no-such-metric", 2020)


def test_a_block_is_read_once_and_only_when_asked(tiny_path, tmp_path, monkeypatch) -> None:
    kept = Store(tmp_path)
    load([tiny_path], kept)
    catalog = load([tiny_path], kept)
    reads: list[tuple[str, int, int]] = []
    original = rows.Unit._block

    def spy(self, metric, year, column):
        reads.append((metric, year, column))
        return original(self, metric, year, column)

    monkeypatch.setattr(rows.Unit, "_block", spy)
    assert catalog.get("tiny-group", "ghg", 2020).value == D("7.0")
    assert catalog.get("tiny-sub", "ghg", 2020) is not None
    assert reads == [("ghg", 2020, 0)]
    assert catalog.get("tiny-group", "revenue", 2020).value == D("12")
    assert reads == [("ghg", 2020, 0), ("revenue", 2020, 0)]
    assert catalog.observations == load_files([tiny_path]).observations


def test_old_catalogs_are_pruned_and_the_one_in_use_is_kept(tmp_path, write,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(store, "KEEP", 2)
    kept = Store(tmp_path)
    paths = [write(f"c{number}.yaml", f"schema: 1\n# {number}\n") for number in range(4)]
    for path in paths:
        load([path], kept)
    database = tmp_path / store.FOLDER / store.DATABASE
    assert tables(database, "SELECT paths FROM catalogs ORDER BY used") == [
        (f'["{paths[2].resolve()}"]',), (f'["{paths[3].resolve()}"]',)]
    assert tables(database, "SELECT COUNT(*) FROM files") == [(2,)]
    monkeypatch.setenv("ESGCMP_CACHE_MB", "not a number")
    assert store.limit_bytes() == store.MAX_STORE_MB * 2**20
    monkeypatch.setenv("ESGCMP_CACHE_MB", "0")
    assert store.limit_bytes() == 2**20  # at least 1 MB


def test_the_cache_keeps_to_its_size(tiny_path, tmp_path, write, monkeypatch) -> None:
    kept = Store(tmp_path)
    other = write("other.yaml", "schema: 1\n")
    load([tiny_path], kept)
    database = tmp_path / store.FOLDER / store.DATABASE
    ((size, stored),) = tables(database, "SELECT bytes, (SELECT SUM(LENGTH(observations) + "
                                         "LENGTH(normalized)) FROM blocks) FROM files")
    assert size == stored > 0
    monkeypatch.setattr(store, "limit_bytes", lambda: size - 1)
    load([tiny_path], kept)  # over the bound, but the catalog in use stays
    assert tables(database, "SELECT COUNT(*) FROM catalogs") == [(1,)]
    load([other], kept)
    assert tables(database, "SELECT paths FROM catalogs") == [(f'["{other.resolve()}"]',)]
    assert tables(database, "SELECT COUNT(*) FROM blocks") == [(0,)]


def test_a_database_that_is_not_this_esgcmps_is_made_again(tiny_path, tmp_path) -> None:
    built = load_files([tiny_path]).observations
    database = tmp_path / store.FOLDER / store.DATABASE
    load([tiny_path], Store(tmp_path))
    for damage in ("PRAGMA user_version = 9", "PRAGMA application_id = 7",
                   "DROP TABLE blocks"):
        with sqlite3.connect(database) as connection:
            connection.execute(damage)
        assert load([tiny_path], Store(tmp_path)).observations == built
        assert tables(database, "PRAGMA user_version") == [(store.FORMAT,)]
        assert load([tiny_path], Store(tmp_path)).observations == built
    for junk in (b"", os.urandom(8192), b"SQLite format 3\x00" + bytes(200)):
        for name in store._DATABASE_FILES:
            (tmp_path / store.FOLDER / name).unlink(missing_ok=True)
        database.write_bytes(junk)
        assert load([tiny_path], Store(tmp_path)).observations == built
        assert tables(database, "PRAGMA user_version") == [(store.FORMAT,)]


def test_a_database_damaged_during_a_query_ends_it_and_is_removed(tiny_path, tmp_path,
                                                                  monkeypatch) -> None:
    kept = Store(tmp_path)
    load([tiny_path], kept)
    catalog = load([tiny_path], kept)

    def broken(self, metric, year, column):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(rows.Unit, "_block", broken)
    with pytest.raises(rows.Damaged) as raised:
        catalog.get("tiny-group", "ghg", 2020)
    assert str(raised.value) == (
        f"the cache in {tmp_path / store.FOLDER} was damaged (database disk image is "
        "malformed); it has been removed: run the command again")
    assert raised.value.exit_code == 70
    assert sorted(p.name for p in (tmp_path / store.FOLDER).iterdir()) == ["CACHEDIR.TAG"]
    monkeypatch.undo()
    assert load([tiny_path], Store(tmp_path)).observations == load_files([tiny_path]).observations


def test_a_reader_sees_one_state_of_the_database_whatever_is_written_meanwhile(
        tiny_path, tmp_path) -> None:
    first = Store(tmp_path)
    load([tiny_path], first)
    reading = load([tiny_path], Store(tmp_path))  # its read transaction stays open
    database = tmp_path / store.FOLDER / store.DATABASE
    with sqlite3.connect(database) as connection:  # another run rewrites the values
        connection.execute("DELETE FROM blocks")
    assert tables(database, "SELECT COUNT(*) FROM blocks") == [(0,)]
    assert reading.observations == load_files([tiny_path]).observations


def test_a_catalog_is_one_entry_whatever_the_spelling_of_its_paths(tiny_path, tmp_path,
                                                                   monkeypatch) -> None:
    kept = Store(tmp_path / "store")
    monkeypatch.chdir(tiny_path.parent)
    link = tmp_path / "link.yaml"
    link.symlink_to(tiny_path)
    keys = {kept.entry([path]).key for path in (tiny_path, Path(tiny_path.name),
                                                Path(".") / tiny_path.name, link)}
    assert keys == {f'["{tiny_path.resolve()}"]'}
    load([tiny_path], kept)
    assert kept.entry([Path(tiny_path.name)]).reader.catalog == 1
    other = Store(tmp_path / "store")
    other.fingerprint += "|another esgcmp"
    assert other.entry([tiny_path]).reader.catalog is None


def test_a_warm_load_reads_no_catalog_file(tiny_path, tmp_path, monkeypatch) -> None:
    from esgcmp import load as load_module

    monkeypatch.setattr(store, "RACY_NS", -10**18)  # (the file was written just now)
    kept = Store(tmp_path)
    load([tiny_path], kept)
    built = load_files([tiny_path]).observations
    assert (kept.folder.stat().st_mode & 0o777) == 0o700
    reads: list[Path] = []
    original = load_module.read_catalog_bytes_and_stat

    def spy(path: Path):
        reads.append(path)
        return original(path)

    monkeypatch.setattr(load_module, "read_catalog_bytes_and_stat", spy)
    assert load([tiny_path], kept).observations == built
    assert reads == []
    tiny_path.write_text(tiny_path.read_text(encoding="utf-8") + "# edited\n",
                         encoding="utf-8")
    assert load([tiny_path], kept).observations == built
    assert reads == [tiny_path]


def test_a_build_is_written_whole_or_not_at_all(tmp_path, write, monkeypatch) -> None:
    first = write("a.yaml", "schema: 1\nmetrics:\n  m: {name: M, category: environmental, "
                            "unit: t}\n")
    second = write("b.yaml", "schema: 1\ncompanies:\n  co:\n    name: Co\n    sources: "
                             "{s: {file: s.txt}}\n    kpis:\n      - {metric: m, unit: t, "
                             "values: {2020: 1}, source: s, line: 1}\n")
    built: list[int] = []
    original = rows.Unit.built

    def failing(self):
        built.append(1)
        if len(built) == 2:  # the disk fills up while the second file is written
            raise sqlite3.OperationalError("database or disk is full")
        return original(self)

    monkeypatch.setattr(rows.Unit, "built", failing)
    catalog = load([first, second], Store(tmp_path))
    assert catalog.get("co", "m", 2020).normalized == D("1")  # the answer does not depend on it
    database = tmp_path / store.FOLDER / store.DATABASE
    for table in ("catalogs", "files", "years", "blocks"):
        assert tables(database, f"SELECT COUNT(*) FROM {table}") == [(0,)]
    monkeypatch.undo()
    load([first, second], Store(tmp_path))
    assert tables(database, "SELECT number FROM files ORDER BY number") == [(0,), (1,)]


def test_a_first_build_leaves_no_log_beside_the_database(tiny_path, tmp_path) -> None:
    load([tiny_path], Store(tmp_path))
    log = tmp_path / store.FOLDER / (store.DATABASE + "-wal")
    assert not log.exists() or log.stat().st_size == 0


def test_unit_factors_are_kept_for_the_next_run_of_this_esgcmp_only(tmp_path) -> None:
    from esgcmp import units

    kept = Store(tmp_path)
    assert kept.factors() == {}
    units.forget()
    assert units.target_factor("kgce/m3", "tce/(m3)") == D("0.001")
    assert units.learned() == {("kgce/m3", "tce/(m3)"): D("0.001")}
    kept.keep_factors(units.learned())
    again = Store(tmp_path)
    assert again.factors() == {("kgce/m3", "tce/(m3)"): D("0.001")}
    units.forget()
    units.remember(again.factors())
    assert units.learned() == {}  # nothing new to keep
    # a factor another esgcmp worked out (another units.txt, another pint) is not used
    other = Store(tmp_path)
    other.fingerprint = "another esgcmp"
    assert other.factors() == {}


def test_a_stored_factor_that_is_not_a_positive_number_is_worked_out_again(tmp_path) -> None:
    kept = Store(tmp_path)
    assert kept.factors() == {}  # the database is made when first read
    kept.keep_factors({("a", "b"): D("2.5")})
    with sqlite3.connect(tmp_path / store.FOLDER / store.DATABASE) as connection:
        connection.executemany("INSERT INTO factors VALUES (?, ?, ?, ?)", [
            (kept.fingerprint, "c", "d", "nan"), (kept.fingerprint, "e", "f", "-1"),
            (kept.fingerprint, "g", "h", "x"), (kept.fingerprint, "i", "j", "0")])
    assert Store(tmp_path).factors() == {("a", "b"): D("2.5")}


def test_a_warm_command_loads_neither_pint_nor_yaml(tmp_path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "ESGCMP_CACHE_DIR": str(tmp_path), "ESGCMP_NO_CACHE": ""}
    env.pop("ESGCMP_CATALOG", None)
    command = [sys.executable, "-c", "import sys\nfrom esgcmp import cli\n"
               "code = cli.main(sys.argv[1:])\n"
               "print(' '.join(sorted(m for m in ('pint', 'yaml') if m in sys.modules)))\n"
               "sys.exit(code)", "compare", "ghg", "--per", "revenue", "-f", "csv"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert first.stdout.splitlines()[-1] == "pint yaml"
    warm = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert warm.stdout.splitlines()[-1] == ""
    assert warm.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]


def test_pruning_drops_the_factors_of_another_esgcmp(tmp_path) -> None:
    kept = Store(tmp_path)
    assert kept.factors() == {}
    kept.keep_factors({("a", "b"): D("2.5")})
    other = Store(tmp_path)
    other.fingerprint = "another esgcmp"
    assert other.factors() == {}
    other.keep_factors({("c", "d"): D("4")})
    kept.write(kept.prune, 0)
    with sqlite3.connect(tmp_path / store.FOLDER / store.DATABASE) as connection:
        assert connection.execute("SELECT source, target, factor FROM factors").fetchall() == [
            ("a", "b", "2.5")]
