"""Run esgcmp's benchmarks, each as a ratio against a floor timed in the same run.

    python benchmarks/run.py [--quick] [--repeat N] [--markdown FILE] [--only SECTIONS]
                             [--duckdb-python PYTHON]

These machines are shared and noisy, so every measurement is taken in pairs with its
floor, interleaved (A B A B ...), and reported as CPU time (user + system of the command
and every process it started) and wall time, minimum and median, and as the ratio of
the medians to the floor's. A target is met when the CPU ratio is within it (and, where
the target says so, the wall ratio too).

start-up   each command against ``python -c pass``: ``--version``, ``show china-unicom
           2020`` as a table (COLUMNS=120, stdout a pipe; target 14x) and as CSV (8x),
           ``compare energy`` and ``compare ghg --per revenue`` as CSV (8x), ``check``.
scale      generated catalogs (benchmarks/generate_catalog.py) of 100, 1,000 and 2,600
           companies x 10 years x 60 metrics, 100 companies a file: a warm ``compare ghg
           --year 2020 -f csv`` against ``python -c pass`` at each size (the growth curve;
           target 15x at every size), and on dense catalogs of 1,000 and 2,600 companies
           (generate_catalog.py --dense: every company also reports the core built-in
           metrics, so the checks behind the ``inconsistent`` flag read every company; 15x).
           On the 2,600-company catalog (26 files, 47 MB), against PyYAML's C loader
           reading and parsing the same files in one process: the first run with an empty
           cache (target: CPU 1.0x),
           the run after one file of 26 changed (0.1x); the same files named by another
           spelling of their path, against the warm run (1.2x: a warm run); the cache on
           disk after the first run and after five edits (1.5x the YAML); optionally, when
           DuckDB is installed (``duckdb`` on PATH, or importable by this Python or by
           ``--duckdb-python``), DuckDB reading the same values as one CSV (written by
           ``esgcmp export``) against the warm run (esgcmp faster: ratio < 1).
pdf        ``esgcmp extract report.pdf -f csv`` on a 300-page report (benchmarks/generate_pdf.py:
           a table on every fifth page, prose on the others, a header and a footer on every
           page; 1.4 million characters), against PDFium's own text of every page read by
           pypdfium2 in one process (the least any reader of the PDF does); target: the
           median CPU time under 10 s (the wall time too on an idle machine; on a shared
           one it waits for a core), the ratios reported.
per-value  normalising 1,000,000 values in-process, converting once per distinct printed
           unit with ``esgcmp.units.conversion`` (<= 2 s), against a plain loop multiplying
           1,000,000 Decimals by a constant.

esgcmp runs as ``python -m esgcmp`` from the repository root (PYTHONPATH=root), with
XDG_CACHE_HOME in a temporary directory of the benchmark's own, so that the user's cache
is never read or written. Its modules are byte-compiled first, as pip does when it
installs esgcmp, and PYTHONDONTWRITEBYTECODE is dropped from the environment. Each
command gets untimed warm-up runs (which build its cache). Generated catalogs are kept in
benchmarks/.data/, keyed by their parameters and the generator's source, and copied to
the temporary directory for each run.

Every timed esgcmp run must print the same output as the other runs of its command, so a
fast but wrong run fails. A failing measurement never stops the others. ``--quick``
uses smaller catalogs (100 and 260 companies) and fewer repeats, for smoke-testing the
script. Exit status: 0 if every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as _dt
import gc
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GENERATOR = BENCH / "generate_catalog.py"
DATA = BENCH / ".data"

# Runs a command with stdout to a pipe, then prints JSON: wall time measured here (not
# counting this wrapper's own start-up), CPU time (user + system of the command and of
# every process it waited for, from getrusage(RUSAGE_CHILDREN)), exit code, peak RSS of
# the largest single process, the number of output lines and their SHA-256 (so that a
# fast but wrong run is caught), and stderr's tail.
WRAPPER = r"""
import hashlib, json, resource, subprocess, sys, time
spec = json.loads(sys.argv[1])
start = time.perf_counter()
proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], env=spec["env"],
                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
try:
    out, err = proc.communicate(timeout=spec["timeout"])
    code = proc.returncode
except subprocess.TimeoutExpired:
    proc.kill()
    out, err = proc.communicate()
    code = "timed out"
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "code": code,
                  "maxrss": rss, "lines": out.count(b"\n"),
                  "sha": hashlib.sha256(out).hexdigest(),
                  "stderr": err.decode("utf-8", "replace")[-2000:]}))
"""

# Reads and parses every catalog file of a folder with PyYAML's C loader, in one process.
YAML_FLOOR = r"""
import sys
from pathlib import Path
import yaml
for path in sorted(p for p in Path(sys.argv[1]).iterdir() if p.suffix == ".yaml"):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
print("parsed")
"""


class BenchError(Exception):
    """A measurement that could not be made (non-zero exit, wrong output ...)."""


@dataclass
class Sample:
    cpu: float
    wall: float
    maxrss: int = 0


@dataclass
class Series:
    """The samples of one command."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, kind: str) -> float | None:
        values = [getattr(s, kind) for s in self.samples]
        return statistics.median(values) if values else None

    def least(self, kind: str) -> float | None:
        values = [getattr(s, kind) for s in self.samples]
        return min(values) if values else None


@dataclass
class Row:
    """One measurement: a series against its floor (timed in the same run), or a size."""

    section: str
    name: str
    limit: float | None  # the CPU ratio must be at most this (None: reported only)
    series: Series | None = None
    floor: Series | None = None
    wall_limit: float | None = None  # the wall ratio too, when given
    size: float | None = None  # for a size row: the ratio it reports
    error: str = ""
    note: str = ""

    def ratio(self, kind: str) -> float | None:
        if self.size is not None:
            return self.size if kind == "cpu" else None
        if self.series is None or self.floor is None:
            return None
        value, floor = self.series.median(kind), self.floor.median(kind)
        return value / floor if value is not None and floor else None

    @property
    def passed(self) -> bool | None:
        if self.error:
            return False
        if self.limit is None:
            return None
        cpu = self.ratio("cpu")
        if cpu is None or cpu > self.limit:
            return False
        wall = self.ratio("wall")
        limit = self.wall_limit
        return limit is None or (wall is not None and wall <= limit)

    def cells(self) -> list[str]:
        if self.size is not None:
            return [f"{self.section}: {self.name}", "-", "-", "-", "-", "-",
                    f"{self.size:.2f}", "-", _target(self), _result(self),
                    "; ".join(n for n in (self.error, self.note) if n)]
        series, floor = self.series or Series(""), self.floor or Series("")
        n = len(series.samples)
        return [f"{self.section}: {self.name}", str(n),
                _pair(series.least("cpu"), series.median("cpu")),
                _pair(series.least("wall"), series.median("wall")),
                floor.name or "-",
                _pair(floor.median("cpu"), floor.median("wall"), "cpu/wall"),
                _ratio(self.ratio("cpu")), _ratio(self.ratio("wall")), _target(self),
                _result(self), "; ".join(n for n in (self.error, self.note) if n)]


HEADERS = ["measurement", "pairs", "CPU min / median", "wall min / median", "floor",
           "floor CPU / wall (median)", "CPU ratio", "wall ratio", "target", "result",
           "notes"]


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _pair(first: float | None, second: float | None, _what: str = "") -> str:
    return f"{_fmt(first)} / {_fmt(second)}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _target(row: Row) -> str:
    if row.limit is None:
        return "(reported)"
    if row.size is not None:
        return f"<= {row.limit:g}"
    text = f"CPU ratio <= {row.limit:g}"
    if row.wall_limit is not None:
        text += f", wall ratio <= {row.wall_limit:.2f}"
    return text


def _result(row: Row) -> str:
    return {True: "PASS", False: "FAIL", None: "-"}[row.passed]


# ---- running things -----------------------------------------------------------------

class Runner:
    def __init__(self, tmp: Path, quiet: bool = False) -> None:
        self.tmp = tmp
        self.quiet = quiet
        self._caches = 0

    def new_cache(self) -> Path:
        self._caches += 1
        path = self.tmp / f"xdg-cache-{self._caches:02d}"
        path.mkdir()
        return path

    def env(self, cache: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("ESGCMP_CATALOG", "ESGCMP_DEBUG", "PYTHONSTARTUP",
                            "PYTHONDONTWRITEBYTECODE", "ESGCMP_NO_CACHE", "ESGCMP_CACHE_DIR")}
        env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(cache), COLUMNS="120",
                   LINES="50", PYTHONIOENCODING="utf-8")
        env.pop("PYTHONHOME", None)
        return env

    def run(self, cmd: list[str], cache: Path, timeout: float = 3600,
            expect: dict[str, str] | None = None, cwd: Path | None = None) -> Sample:
        """Run cmd under the wrapper. With ``expect``, the output must equal that of the
        first run checked against the same dict."""
        spec = {"cmd": cmd, "cwd": str(cwd or ROOT), "env": self.env(cache),
                "timeout": timeout}
        proc = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(spec)],
                              capture_output=True, text=True, timeout=timeout + 60)
        if proc.returncode != 0:
            raise BenchError(f"wrapper failed: {proc.stderr.strip()[-300:]}")
        report = json.loads(proc.stdout)
        if report["code"] != 0:
            tail = report["stderr"].strip().splitlines()[-1:] or [""]
            raise BenchError(f"exit {report['code']}: {tail[0][:300]}")
        if expect is not None:
            if report["lines"] == 0:
                raise BenchError("no output")
            if report["sha"] != expect.setdefault("sha", report["sha"]):
                raise BenchError("output differs from the earlier runs' (wrong result)")
        return Sample(report["cpu"], report["wall"], report["maxrss"])

    def log(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)


def esgcmp(*args: str) -> list[str]:
    return [sys.executable, "-m", "esgcmp", *args]


def pairs(runner: Runner, row: Row, subject: Callable[[], Sample],
          floor: Callable[[], Sample], repeat: int) -> Row:
    """``repeat`` pairs of runs, the floor and the subject alternating (A B A B ...); a
    failure is recorded in the row, never raised."""
    assert row.series is not None and row.floor is not None
    for index in range(repeat):
        try:
            for name, once, into in ((row.floor.name, floor, row.floor),
                                     (row.name, subject, row.series)):
                sample = once()
                into.samples.append(sample)
                runner.log(f"    {index + 1}/{repeat} {name}: CPU {_fmt(sample.cpu)}, "
                           f"wall {_fmt(sample.wall)}")
        except Exception as exc:  # noqa: BLE001 - record and go on
            row.error = f"{type(exc).__name__}: {exc}"
            break
    return row


# ---- start-up -------------------------------------------------------------------------

def startup(runner: Runner, repeat: int) -> list[Row]:
    runner.log("start-up:")
    cache = runner.new_cache()
    floor_cmd = [sys.executable, "-c", "pass"]
    commands = [
        ("--version", None),
        ("show china-unicom 2020 --format table", 14),
        ("show china-unicom 2020 --format csv", 8),
        ("compare energy --format csv", 8),
        ("compare ghg --per revenue --format csv", 8),
        ("check --format csv", None),
    ]
    rows = []
    for text, limit in commands:
        cmd = esgcmp(*text.split())
        row = Row("start-up", f"esgcmp {text}", limit, Series(f"esgcmp {text}"),
                  Series("python -c pass"))
        expect: dict[str, str] = {}
        try:
            for _ in range(2):  # warm-up: builds the cache
                runner.run(cmd, cache, expect=expect)
            runner.run(floor_cmd, cache)
        except Exception as exc:  # noqa: BLE001
            row.error = f"warm-up: {exc}"
            rows.append(row)
            continue
        runner.log(f"  {row.name}")
        rows.append(pairs(runner, row, lambda: runner.run(cmd, cache, expect=expect),
                          lambda: runner.run(floor_cmd, cache), repeat))
    return rows


def spreadsheet(runner: Runner, repeat: int) -> list[Row]:
    """`compare ghg -f xlsx -o FILE` against `compare ghg -f csv` (target 1.5x: the
    workbook writer is imported only for xlsx)."""
    runner.log("spreadsheet:")
    cache = runner.new_cache()
    book = runner.tmp / "ghg.xlsx"
    cmd = esgcmp("compare", "ghg", "-f", "xlsx", "-o", str(book))
    floor_cmd = esgcmp("compare", "ghg", "-f", "csv")
    row = Row("start-up", "esgcmp compare ghg -f xlsx -o ghg.xlsx", 1.5,
              Series("compare ghg -f xlsx"), Series("esgcmp compare ghg -f csv"))
    try:
        for _ in range(2):  # warm-up: builds the cache
            runner.run(floor_cmd, cache)
        runner.run(cmd, cache, expect=None)
        if not book.read_bytes().startswith(b"PK"):
            raise BenchError("no workbook written")
    except Exception as exc:  # noqa: BLE001
        row.error = f"warm-up: {exc}"
        return [row]
    return [pairs(runner, row, lambda: runner.run(cmd, cache),
                  lambda: runner.run(floor_cmd, cache), repeat)]


# ---- scale ----------------------------------------------------------------------------

@dataclass
class CatalogSpec:
    companies: int
    years: int = 10
    metrics: int = 60
    seed: int = 1
    dense: bool = False  # every company also reports the core built-in metrics

    @property
    def files(self) -> int:
        return max(1, self.companies // 100)

    def args(self) -> list[str]:
        return ["--companies", str(self.companies), "--years", str(self.years), "--metrics",
                str(self.metrics), "--files", str(self.files), "--seed", str(self.seed),
                *(["--dense"] if self.dense else [])]

    def key(self) -> str:
        digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:10]
        return (f"c{self.companies}-y{self.years}-m{self.metrics}-f{self.files}-"
                f"s{self.seed}{'-dense' if self.dense else ''}-g{digest}")


def ensure_catalog(spec: CatalogSpec) -> tuple[Path, str]:
    """The generated catalog in benchmarks/.data/ (generated now if missing), and a line
    saying where it is and how long generating took."""
    DATA.mkdir(exist_ok=True)
    gitignore = BENCH / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(".data/\n", encoding="utf-8")
    target = DATA / spec.key()
    marker = target / "GENERATED.json"
    if marker.is_file():
        info = json.loads(marker.read_text(encoding="utf-8"))
        return target, (f"catalog {target.name} (reused; generated {info['when']} in "
                        f"{info['seconds']:.1f} s, {info['bytes'] / 1e6:.1f} MB)")
    partial = DATA / (spec.key() + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(GENERATOR), str(partial), *spec.args()],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise BenchError(f"generator failed: {proc.stderr.strip()[-300:]}")
    size = sum(p.stat().st_size for p in partial.glob("*.yaml"))
    (partial / "GENERATED.json").write_text(json.dumps({
        "when": _dt.datetime.now().isoformat(timespec="seconds"), "seconds": seconds,
        "bytes": size, "args": spec.args()}), encoding="utf-8")
    partial.rename(target)
    return target, (f"catalog {target.name} (generated now in {seconds:.1f} s, "
                    f"{size / 1e6:.1f} MB)")


def _copy(runner: Runner, spec: CatalogSpec, name: str) -> tuple[Path, str]:
    stored, line = ensure_catalog(spec)
    directory = runner.tmp / name
    shutil.copytree(stored, directory)
    (directory / "GENERATED.json").unlink()
    return directory, line


def _bytes(folder: Path, suffix: str = "") -> int:
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and p.name.endswith(suffix))


def _compare(directory: Path | str) -> list[str]:
    return esgcmp("compare", "ghg", "--year", "2020", "--catalog", str(directory), "-f", "csv")


def growth(runner: Runner, sizes: list[int], dense_sizes: list[int], repeat: int,
           info: list[str]) -> list[Row]:
    """The warm compare at each catalog size, and on dense catalogs (where the checks
    behind the ``inconsistent`` flag read every company), against python -c pass."""
    rows = []
    floor_cmd = [sys.executable, "-c", "pass"]
    for spec in [CatalogSpec(n) for n in sizes] + [CatalogSpec(n, dense=True)
                                                    for n in dense_sizes]:
        companies = spec.companies
        row = Row("scale", f"warm compare ghg --year 2020, {companies:,} companies "
                           f"({spec.files} file{'s' if spec.files > 1 else ''}"
                           f"{', dense' if spec.dense else ''})", 15,
                  Series("warm compare"), Series("python -c pass"))
        runner.log(f"  {row.name}")
        try:
            directory, line = _copy(runner, spec, f"growth-{companies}"
                                                  f"{'-dense' if spec.dense else ''}")
            info.append(line)
            cache = runner.new_cache()
            expect: dict[str, str] = {}
            for _ in range(2):  # builds the cache; a second run finds it settled
                runner.run(_compare(directory), cache, expect=expect)
        except Exception as exc:  # noqa: BLE001
            row.error = f"{type(exc).__name__}: {exc}"
            rows.append(row)
            continue
        rows.append(pairs(runner, row,
                          lambda: runner.run(_compare(directory), cache, expect=expect),
                          lambda: runner.run(floor_cmd, cache), repeat))
    return rows


def scale(runner: Runner, spec: CatalogSpec, repeat: int, quick_repeat: int,
          info: list[str], duckdb_python: str | None) -> list[Row]:
    runner.log(f"scale ({spec.companies:,} companies):")
    floor = Series("CSafeLoader read+parse")
    first = Row("scale", "first compare ghg, empty cache", 1.0, Series("first run"), floor)
    edit = Row("scale", f"compare ghg after one file of {spec.files} changed", 0.1,
               Series("run after an edit"), floor, wall_limit=0.1)
    rows = [first, edit]
    try:
        directory, line = _copy(runner, spec, f"catalog-{spec.companies}")
    except Exception as exc:  # noqa: BLE001
        for row in rows:
            row.error = f"catalog: {exc}"
        return rows
    yaml_bytes = _bytes(directory, ".yaml")
    info.append(line)
    info.append(f"scale floor: yaml.load(text, Loader=yaml.CSafeLoader) of every file of "
                f"the {spec.companies:,}-company catalog ({spec.files} files, "
                f"{yaml_bytes / 1e6:.1f} MB), read and parsed in one process")
    floor_cmd = [sys.executable, "-c", YAML_FLOOR, str(directory)]
    expect: dict[str, str] = {}
    caches: list[Path] = []

    def first_once() -> Sample:
        caches.append(runner.new_cache())
        return runner.run(_compare(directory), caches[-1], expect=expect)

    runner.log("  first runs")
    pairs(runner, first, first_once, lambda: runner.run(floor_cmd, caches[0] if caches
                                                        else runner.tmp), repeat)
    if first.series and first.series.samples:
        first.note = (f"peak memory {max(s.maxrss for s in first.series.samples) / 1e6:.0f} "
                      "MB (largest process)")
    if not caches:
        for row in rows[1:]:
            row.error = "no cache was built"
        return rows
    cache = caches[-1]
    store = cache / "esgcmp" / "esgcmp-store"
    size_first = Row("scale", "cache on disk after the first run, x the YAML", 1.5,
                     size=_bytes(store) / yaml_bytes)
    size_first.note = f"{_bytes(store) / 1e6:.1f} MB for {yaml_bytes / 1e6:.1f} MB of YAML"
    rows.append(size_first)
    victim = sorted(directory.glob("*.yaml"))[len(list(directory.glob("*.yaml"))) // 2]
    edit.note = f"appended a comment line to {victim.name}"
    edits = iter(range(1, 10**6))

    def edited() -> Sample:
        with victim.open("a", encoding="utf-8") as handle:
            handle.write(f"# edit {next(edits)}\n")
        return runner.run(_compare(directory), cache, expect=expect)

    runner.log("  edits")
    pairs(runner, edit, edited, lambda: runner.run(floor_cmd, cache), repeat)
    done = len(edit.series.samples) if edit.series else 0
    try:
        for _ in range(max(0, 5 - done)):  # five edits in all before the size is taken
            edited()
    except Exception as exc:  # noqa: BLE001
        edit.error = edit.error or f"{type(exc).__name__}: {exc}"
    size_edits = Row("scale", "cache on disk after five edits, x the YAML", 1.5,
                     size=_bytes(store) / yaml_bytes)
    size_edits.note = f"{_bytes(store) / 1e6:.1f} MB"
    rows.append(size_edits)
    # the same files by another spelling: ./catalog-N/../catalog-N, from the temporary folder
    for _ in range(2):
        runner.run(_compare(directory), cache, expect=expect)
    spelled = f"./{directory.name}/../{directory.name}"
    path_row = Row("scale", f"compare ghg --catalog {spelled} (the same files)", 1.2,
                   Series("another spelling"), Series("warm run"))
    runner.log("  path spelling")
    try:
        runner.run(_compare(spelled), cache, expect=expect, cwd=runner.tmp)  # (no warm-up
        # is needed: its first run is timed too, below, as the first of the pairs)
    except Exception as exc:  # noqa: BLE001
        path_row.error = f"{type(exc).__name__}: {exc}"
    else:
        pairs(runner, path_row,
              lambda: runner.run(_compare(spelled), cache, expect=expect, cwd=runner.tmp),
              lambda: runner.run(_compare(directory), cache, expect=expect), quick_repeat)
    rows.append(path_row)
    rows += duckdb(runner, directory, cache, expect, quick_repeat, duckdb_python, info)
    return [Row("scale", "(floor) CSafeLoader read+parse", None, floor, None,
                note="timed in pairs with the first and edited runs")] + rows


def _duckdb_command(duckdb_python: str | None, csv_file: Path) -> list[str] | None:
    query = (f"SELECT company, year, metric, value FROM read_csv('{csv_file}') "
             "WHERE metric = 'ghg' AND year = 2020 ORDER BY value DESC, company")
    if shutil.which("duckdb"):
        return ["duckdb", "-csv", "-c", query]
    for python in ([duckdb_python] if duckdb_python else []) + [sys.executable]:
        probe = subprocess.run([python, "-c", "import duckdb"], capture_output=True)
        if probe.returncode == 0:
            return [python, "-c", "import sys, duckdb; "
                    f"duckdb.sql({query!r}).write_csv('/dev/stdout')"]
    return None


def duckdb(runner: Runner, directory: Path, cache: Path, expect: dict[str, str], repeat: int,
           duckdb_python: str | None, info: list[str]) -> list[Row]:
    """Optional: DuckDB reading the same values as one CSV, against the warm run."""
    csv_file = runner.tmp / "values.csv"
    command = _duckdb_command(duckdb_python, csv_file)
    if command is None:
        info.append("DuckDB: not installed, not measured")
        return []
    runner.log("  DuckDB")
    row = Row("scale", "warm compare ghg against DuckDB over one CSV of the values", 1.0,
              Series("warm compare"), Series("DuckDB"), wall_limit=1.0)
    try:
        with csv_file.open("wb") as handle:
            subprocess.run(esgcmp("export", "--catalog", str(directory), "-f", "csv"),
                           cwd=ROOT, env=runner.env(cache), stdout=handle, check=True)
        version = subprocess.run(command[:1] + (["-c", "import duckdb; print(duckdb.__version__)"]
                                                if command[0] != "duckdb" else ["--version"]),
                                 capture_output=True, text=True).stdout.strip()
        info.append(f"DuckDB {version}: {' '.join(command[:2])} ... reading {csv_file.name} "
                    f"({csv_file.stat().st_size / 1e6:.0f} MB, every value, written by "
                    "esgcmp export), the ghg values of 2020 ordered by value")
        duck: dict[str, str] = {}
        runner.run(command, cache, expect=duck)
        pairs(runner, row, lambda: runner.run(_compare(directory), cache, expect=expect),
              lambda: runner.run(command, cache, expect=duck), repeat)
    except Exception as exc:  # noqa: BLE001
        row.error = f"{type(exc).__name__}: {exc}"
    return [row]


# ---- pdf ------------------------------------------------------------------------------

# PDFium's own text of every page of a PDF, in one process: the floor of reading a PDF.
PDF_FLOOR = r"""
import sys
import pypdfium2
document = pypdfium2.PdfDocument(sys.argv[1])
print(sum(len(page.get_textpage().get_text_bounded()) for page in document))
"""


def pdf_report(runner: Runner, repeat: int, pages: int = 300) -> list[Row]:
    """``esgcmp extract`` of a report-sized PDF, against PDFium's own text of its pages."""
    runner.log("pdf:")
    row = Row("pdf", f"extract a {pages}-page PDF -f csv", None, Series("extract"),
              Series("pypdfium2 text of every page"), note="target: median CPU under 10 s")
    try:
        import generate_pdf

        DATA.mkdir(exist_ok=True)
        digest = hashlib.sha256((BENCH / "generate_pdf.py").read_bytes()).hexdigest()[:12]
        report = DATA / f"report-{pages}p-{digest}.pdf"
        if not report.exists():
            generate_pdf.write(report, pages)
        cache = runner.new_cache()
        expect: dict[str, str] = {}
        command = esgcmp("extract", str(report), "-f", "csv")
        runner.run(command, cache, expect=expect)  # warm-up, and the output to match
        floor_cmd = [sys.executable, "-c", PDF_FLOOR, str(report)]
    except Exception as exc:  # noqa: BLE001
        row.error = f"{type(exc).__name__}: {exc}"
        return [row]
    pairs(runner, row, lambda: runner.run(command, cache, expect=expect),
          lambda: runner.run(floor_cmd, cache), repeat)
    median = row.series.median("cpu") if row.series else None
    if median is not None and median >= 10:
        row.error = f"{median:.2f} s of CPU: over 10 s"
    return [row]


# ---- per value --------------------------------------------------------------------------

def per_value(runner: Runner, repeat: int, count: int = 1_000_000) -> list[Row]:
    """Normalising values in-process (CPU time), against multiplying as many Decimals."""
    runner.log("per-value:")
    row = Row("per-value", f"normalise {count:,} values (conversion() once per unit)", None,
              Series("normalise"), Series("Decimal multiply loop"),
              note="target: under 2 s of CPU; factor lookups (pint registry) included")
    try:
        os.environ["XDG_CACHE_HOME"] = str(runner.new_cache())
        sys.path.insert(0, str(ROOT))
        sys.path.insert(0, str(BENCH))
        from decimal import Decimal

        import generate_catalog as gen
        from esgcmp import units

        rng = random.Random(6)
        units_printed = [(printed, unit) for unit, forms in gen.PRINTED_UNITS.items()
                         for printed, _magnitude, _decimals in forms]
        entries = []
        for _ in range(count // 10):
            printed, unit = rng.choice(units_printed)
            entries.append((printed, unit, [Decimal(repr(round(rng.uniform(0, 1e6), 2)))
                                            for _ in range(10)]))
        values = [v for _p, _u, vs in entries for v in vs]
        constant = Decimal("10000")
    except Exception as exc:  # noqa: BLE001
        row.error = f"{type(exc).__name__}: {exc}"
        return [row]

    def timed(work: Callable[[], None]) -> Sample:
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        work()
        return Sample(time.process_time() - cpu, time.perf_counter() - wall)

    def floor_work() -> None:
        out = []
        for value in values:
            out.append(value * constant)

    def normalise_work() -> None:
        for name in ("conversion", "parse_printed", "parse_target"):
            clear = getattr(getattr(units, name, None), "cache_clear", None)
            if clear is not None:
                clear()
        factors: dict[tuple[str, str], object] = {}
        out = []
        for printed, unit, entry_values in entries:
            factor = factors.get((printed, unit))
            if factor is None:
                factor = factors[(printed, unit)] = units.conversion(printed, unit).factor
            for value in entry_values:
                out.append(value * factor)

    pairs(runner, row, lambda: timed(normalise_work), lambda: timed(floor_work), repeat)
    median = row.series.median("cpu") if row.series else None
    row.limit = None
    if median is not None and median >= 2:
        row.error = f"{median:.2f} s of CPU: over 2 s"
    return [row]


# ---- output ---------------------------------------------------------------------------

def text_table(rows: list[Row]) -> str:
    cells = [HEADERS] + [r.cells() for r in rows]
    widths = [min(max(len(c[i]) for c in cells), 70) for i in range(len(HEADERS))]
    lines = []
    for index, line in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: list[Row], info: list[str]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(HEADERS) + " |",
           "|" + "|".join("---" if i in (0, 4, 8, 9, 10) else "---:"
                          for i in range(len(HEADERS))) + "|"]
    for row in rows:
        cells = row.cells()
        if row.passed is not None:
            cells[9] = f"**{cells[9]}**"
        out.append("| " + " | ".join(esc(c) for c in cells) + " |")
    return "\n".join(["\n".join(f"- {esc(line)}" for line in info), "", *out, ""])


def machine_info(repeat: int, scale_repeat: int) -> list[str]:
    return [
        f"date: {_dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {platform.platform()}, nproc {os.cpu_count()}"
        + (f" (usable {len(os.sched_getaffinity(0))})" if hasattr(os, "sched_getaffinity")
           else ""),
        f"python: {platform.python_implementation()} {platform.python_version()}",
        f"command: python benchmarks/run.py {' '.join(sys.argv[1:])}".rstrip(),
        f"pairs: start-up, growth, path spelling, DuckDB {repeat}; first and edited runs "
        f"{scale_repeat} (each pair: the floor, then the command)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller catalogs (100 and 260 companies), fewer pairs")
    parser.add_argument("--repeat", type=int, default=None,
                        help="pairs per quick measurement (default 9; --quick 3)")
    parser.add_argument("--scale-repeat", type=int, default=None,
                        help="pairs of first and edited runs (default 3; --quick 2)")
    parser.add_argument("--markdown", type=Path, default=None,
                        help="also write the table as Markdown to this file")
    parser.add_argument("--only", default="startup,scale,pdf,per-value",
                        help="comma-separated sections to run: startup, growth (the warm "
                             "run at each size), scale (growth, then first and edited runs, "
                             "path spelling, cache size, DuckDB), pdf, per-value (default: "
                             "all)")
    parser.add_argument("--duckdb-python", default=None,
                        help="a Python that can import duckdb (for the optional DuckDB step)")
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = sections - {"startup", "growth", "scale", "pdf", "per-value"}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    repeat = args.repeat or (3 if args.quick else 9)
    scale_repeat = args.scale_repeat or (2 if args.quick else 3)
    sizes = [100, 260] if args.quick else [100, 1000, 2600]
    dense_sizes = [260] if args.quick else [1000, 2600]
    info = machine_info(repeat, scale_repeat)
    for line in info:
        print(line)
    began = time.perf_counter()
    rows: list[Row] = []
    compileall.compile_dir(str(ROOT / "esgcmp"), quiet=1)  # as an installed copy has it
    with tempfile.TemporaryDirectory(prefix="esgcmp-bench-") as tmp:
        runner = Runner(Path(tmp))
        print(f"temporary directory (caches, catalog copies): {tmp}", flush=True)
        if "startup" in sections:
            rows += startup(runner, repeat)
            rows += spreadsheet(runner, repeat)
        if sections & {"growth", "scale"}:
            runner.log("growth:")
            rows += growth(runner, sizes, dense_sizes, repeat, info)
        if "scale" in sections:
            rows += scale(runner, CatalogSpec(sizes[-1]), scale_repeat, repeat, info,
                          args.duckdb_python)
        if "pdf" in sections:
            rows += pdf_report(runner, 3)
        if "per-value" in sections:
            rows += per_value(runner, 3)
    info.append(f"total benchmark time: {time.perf_counter() - began:.0f} s")
    print()
    for line in info[5:]:
        print(line)
    print()
    print(text_table(rows))
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(rows, info), encoding="utf-8")
        print(f"\nMarkdown table written to {args.markdown}")
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
