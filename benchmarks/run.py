"""Run esgcmp's benchmarks, each as a ratio against its floor (issue 6).

    python benchmarks/run.py [--quick] [--repeat N] [--markdown FILE] [--only SECTIONS]

These machines are noisy, so every measurement is a median over several runs, and is
compared with a floor measured in the same run:

start-up   ``python -c pass`` against ``esgcmp show china-unicom 2020`` and
           ``esgcmp compare energy``, with ``--format csv`` (target: ratio <= 12) and
           ``--format table`` (target: ratio <= 20; COLUMNS=120, stdout not a terminal).
scale      a generated catalog of 2,600 companies x 10 years x 60 metrics in 26 files
           (benchmarks/generate_catalog.py), against PyYAML's C loader reading and
           parsing the same files: the first ``esgcmp compare ghg --year 2020 --catalog
           DIR -f csv`` with an empty cache (ratio <= 1.3), its peak memory (< 1 GB;
           both ru_maxrss of RUSAGE_CHILDREN, the largest single process, and the
           sampled PSS of the whole process tree, for parsing in worker processes),
           later runs of the same command (< 1 s), and a run after one file changed
           (ratio <= 1.3).
per-value  normalising 1,000,000 values in-process, converting once per distinct printed
           unit with ``esgcmp.units.conversion`` and multiplying Decimals (<= 2 s),
           against a plain loop multiplying 1,000,000 Decimals by a constant.

esgcmp runs as ``python -m esgcmp`` from the repository root (PYTHONPATH=root), with
XDG_CACHE_HOME pointing into a temporary directory of the benchmark's own, so that the
user's cache is never read or written. Its modules are byte-compiled first, as pip does
when it installs esgcmp, and PYTHONDONTWRITEBYTECODE is dropped from the environment
(otherwise every run would compile esgcmp's sources again, which no installed copy
does). Start-up commands get one untimed warm-up run (a cache, if any, is built then). The generated catalog is kept in benchmarks/.data/,
keyed by its parameters and the generator's source, and copied to a temporary directory
for each run (the benchmark appends a comment to one of the files).

Every timed esgcmp run must print the same output as the other runs of its command, so
a fast but wrong run fails. A scale run that exceeds its time limit (4 x its target) is
killed and counted as a failure with a lower bound (``> 200 s``), and its remaining
repeats are skipped; a failing measurement never stops the others. ``--quick`` uses a
260-company catalog and fewer repeats, for smoke-testing the script. Exit status: 0 if
every target is met, 1 otherwise.
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
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GENERATOR = BENCH / "generate_catalog.py"
DATA = BENCH / ".data"

# Runs a command with stdout to a pipe, then prints JSON: wall time measured here (not
# counting this wrapper's own start-up), exit code, peak RSS of the child
# (getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest single process among the child and
# its descendants), whether it timed out, the number of output lines and their SHA-256
# (so that a fast but wrong run is caught), and stderr's tail. With "sample", a thread
# also polls /proc (Linux) every 20 ms for the memory of the child's whole process tree
# (PSS, else RSS, summed over the processes), since esgcmp may parse in worker processes.
WRAPPER = r"""
import hashlib, json, os, resource, subprocess, sys, threading, time
spec = json.loads(sys.argv[1])
page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
tree_peak = [0]

def descendants(root):
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found

def memory(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * page
    except (OSError, ValueError, IndexError):
        return 0

def sample(proc, done):
    while not done.wait(0.02):
        try:
            total = sum(memory(pid) for pid in descendants(proc.pid))
        except OSError:
            continue
        tree_peak[0] = max(tree_peak[0], total)

start = time.perf_counter()
timed_out = False
proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], env=spec["env"],
                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
done = threading.Event()
sampler = None
if spec.get("sample") and os.path.isdir("/proc"):
    sampler = threading.Thread(target=sample, args=(proc, done), daemon=True)
    sampler.start()
try:
    out, err = proc.communicate(timeout=spec["timeout"])
    code = proc.returncode
except subprocess.TimeoutExpired:
    timed_out = True
    for pid in reversed(descendants(proc.pid) if os.path.isdir("/proc") else [proc.pid]):
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    out, err = proc.communicate()
    code = None
elapsed = time.perf_counter() - start
done.set()
if sampler is not None:
    sampler.join()
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
rss_bytes = rss if sys.platform == "darwin" else rss * 1024
print(json.dumps({"elapsed": elapsed, "code": code, "timed_out": timed_out,
                  "maxrss": rss_bytes, "tree_peak": tree_peak[0] or None,
                  "lines": out.count(b"\n"), "sha": hashlib.sha256(out).hexdigest(),
                  "stderr": err.decode("utf-8", "replace")[-2000:]}))
"""

# Reads and parses every catalog file with PyYAML's C loader; prints the seconds taken.
YAML_FLOOR = r"""
import sys, time
from pathlib import Path
import yaml
files = sorted(p for p in Path(sys.argv[1]).iterdir()
               if p.suffix in (".yaml", ".yml") and p.is_file())
start = time.perf_counter()
for path in files:
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
print(time.perf_counter() - start)
"""


class BenchError(Exception):
    """A measurement that could not be made (non-zero exit, missing tool ...)."""


class TimedOut(BenchError):
    """A run killed at its time limit; ``seconds`` is a lower bound on its time."""

    def __init__(self, seconds: float, maxrss: int | None = None,
                 tree_peak: int | None = None) -> None:
        super().__init__(f"timed out after {seconds:.0f} s")
        self.seconds = seconds
        self.maxrss = maxrss
        self.tree_peak = tree_peak


@dataclass
class Target:
    """``kind`` 'ratio': value/floor <= limit; 'seconds' or 'bytes': value < limit."""

    kind: str
    limit: float

    def describe(self) -> str:
        if self.kind == "ratio":
            return f"ratio <= {self.limit:g}"
        if self.kind == "seconds":
            return f"< {self.limit:g} s"
        return f"< {self.limit / 1e9:g} GB"


@dataclass
class Row:
    section: str
    name: str
    target: Target
    unit: str = "s"  # 's' or 'bytes'
    samples: list[float] = field(default_factory=list)
    floor_name: str = ""
    floor: float | None = None
    lower_bound: bool = False  # the value is a lower bound (a run timed out)
    error: str = ""
    note: str = ""

    @property
    def value(self) -> float | None:
        if not self.samples:
            return None
        if self.unit == "bytes":  # peak memory: the worst run counts
            return max(self.samples)
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor or self.unit != "s":
            return None
        return self.value / self.floor

    @property
    def passed(self) -> bool:
        if self.error and not self.lower_bound:
            return False
        if self.lower_bound:  # an incomplete run never passes
            return False
        if self.target.kind == "ratio":
            return self.ratio is not None and self.ratio <= self.target.limit
        return self.value is not None and self.value < self.target.limit

    def cells(self) -> list[str]:
        bound = ">= " if self.lower_bound and self.unit == "bytes" else (
            "> " if self.lower_bound else "")
        value = "-" if self.value is None else bound + _fmt(self.value, self.unit)
        floor = "-" if self.floor is None else _fmt(self.floor, "s")
        ratio = "-" if self.ratio is None else bound + f"{self.ratio:.2f}"
        notes = "; ".join(n for n in (self.error, self.note) if n)
        if self.is_floor:
            return [self.name, str(len(self.samples)), value, "-", "-", "-", "(floor)",
                    "FAIL" if self.error else "-", notes]
        result = "PASS" if self.passed else "FAIL"
        return [self.name, str(len(self.samples)), value, self.floor_name or "-", floor, ratio,
                self.target.describe(), result, notes]

    @property
    def is_floor(self) -> bool:
        return self.target.limit == float("inf")


HEADERS = ["measurement", "n", "median", "floor", "floor median", "ratio", "target",
           "result", "notes"]


def _fmt(value: float, unit: str) -> str:
    if unit == "bytes":
        return f"{value / 1e6:.0f} MB"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


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
                            "PYTHONDONTWRITEBYTECODE")}
        env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(cache), COLUMNS="120",
                   LINES="50", PYTHONIOENCODING="utf-8")
        env.pop("PYTHONHOME", None)
        return env

    def run(self, cmd: list[str], cache: Path, timeout: float,
            expect: dict[str, str] | None = None, sample: bool = False) -> dict:
        """Run cmd under the wrapper; returns its report, raises BenchError/TimedOut.

        With ``expect``, the output must equal that of the first run checked against the
        same dict (whose digest it records)."""
        spec = {"cmd": cmd, "cwd": str(ROOT), "env": self.env(cache), "timeout": timeout,
                "sample": sample}
        try:
            proc = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(spec)],
                                  capture_output=True, text=True, timeout=timeout + 60)
        except subprocess.TimeoutExpired:
            raise TimedOut(timeout) from None
        if proc.returncode != 0:
            raise BenchError(f"wrapper failed: {proc.stderr.strip()[-300:]}")
        report = json.loads(proc.stdout)
        if report["timed_out"]:
            raise TimedOut(timeout, report["maxrss"], report.get("tree_peak"))
        if report["code"] != 0:
            tail = report["stderr"].strip().splitlines()[-1:] or [""]
            raise BenchError(f"exit {report['code']}: {tail[0][:300]}")
        if expect is not None:
            if report["lines"] == 0:
                raise BenchError("no output")
            reference = expect.setdefault("sha", report["sha"])
            if report["sha"] != reference:
                raise BenchError("output differs from the earlier runs' (wrong result)")
        return report

    def log(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)


def esgcmp(*args: str) -> list[str]:
    return [sys.executable, "-m", "esgcmp", *args]


def measure(row: Row, runs: int, once: Callable[[], float], stop_over: float | None = None,
            log: Callable[[str], None] = print) -> Row:
    """Append `runs` samples of once() to row; a failure is recorded, never raised.

    After a timed-out run, or a run worse than `stop_over` times the target, the
    remaining repeats are skipped (the target is missed either way)."""
    for index in range(runs):
        try:
            sample = once()
        except TimedOut as exc:
            row.samples.append(exc.seconds)
            row.lower_bound = True
            row.error = str(exc)
            if runs - index - 1:
                row.note = f"{runs - index - 1} repeat(s) skipped"
            break
        except Exception as exc:  # noqa: BLE001 - record and go on
            row.error = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, BenchError):
                row.error += " | " + traceback.format_exc().strip().splitlines()[-2].strip()
            break
        row.samples.append(sample)
        log(f"    {row.name}: run {index + 1}/{runs}: {_fmt(sample, row.unit)}")
        if stop_over is not None and index + 1 < runs:
            limit = (row.target.limit * (row.floor or 1) if row.target.kind == "ratio"
                     else row.target.limit)
            if sample > stop_over * limit:
                row.note = (f"stopped after {index + 1} run(s): over {stop_over:g}x the "
                            "target")
                break
    return row


# ---- sections -------------------------------------------------------------------------

def startup(runner: Runner, repeat: int) -> list[Row]:
    cache = runner.new_cache()
    timeout = 120.0
    floor_row = Row("startup", "python -c pass", Target("seconds", float("inf")))
    rows: list[Row] = [floor_row]

    def timed(cmd: list[str], expect: dict[str, str] | None = None) -> Callable[[], float]:
        return lambda: runner.run(cmd, cache, timeout, expect)["elapsed"]

    runner.log("start-up:")
    floor_cmd = [sys.executable, "-c", "pass"]
    try:
        runner.run(floor_cmd, cache, timeout)  # warm-up
    except Exception as exc:  # noqa: BLE001
        floor_row.error = str(exc)
    measure(floor_row, repeat, timed(floor_cmd), log=runner.log)
    floor = floor_row.value
    commands = [
        ("show china-unicom 2020 --format csv", 12),
        ("compare energy --format csv", 12),
        ("show china-unicom 2020 --format table", 20),
        ("compare energy --format table", 20),
    ]
    for text, limit in commands:
        cmd = esgcmp(*text.split())
        row = Row("startup", f"esgcmp {text}", Target("ratio", limit),
                  floor_name="python -c pass", floor=floor)
        expect: dict[str, str] = {}
        try:
            runner.run(cmd, cache, timeout, expect)  # warm-up: builds the cache, if any
        except Exception as exc:  # noqa: BLE001
            row.error = f"warm-up: {exc}"
            rows.append(row)
            continue
        rows.append(measure(row, repeat, timed(cmd, expect), log=runner.log))
    return rows


@dataclass
class CatalogSpec:
    companies: int
    years: int = 10
    metrics: int = 60
    files: int = 26
    seed: int = 1

    def args(self) -> list[str]:
        return ["--companies", str(self.companies), "--years", str(self.years), "--metrics",
                str(self.metrics), "--files", str(self.files), "--seed", str(self.seed)]

    def key(self) -> str:
        digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:10]
        return (f"c{self.companies}-y{self.years}-m{self.metrics}-f{self.files}-"
                f"s{self.seed}-g{digest}")


def ensure_catalog(spec: CatalogSpec, runner: Runner) -> tuple[Path, str]:
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
        return target, (f"catalog {target} (reused; generated {info['when']} in "
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
    return target, (f"catalog {target} (generated now in {seconds:.1f} s, "
                    f"{size / 1e6:.1f} MB)")


def scale(runner: Runner, spec: CatalogSpec, repeat: int, timeout: float | None,
          info: list[str]) -> list[Row]:
    label = f"{spec.companies:,} x {spec.years} x {spec.metrics}"
    floor_name = "CSafeLoader read+parse"
    first = Row("scale", "compare ghg: first run (empty cache)", Target("ratio", 1.3),
                floor_name=floor_name)
    memory = Row("scale", "compare ghg: peak memory (first run)", Target("bytes", 1e9),
                 unit="bytes", note="ru_maxrss: largest single process")
    tree = Row("scale", "compare ghg: peak memory, all processes (first run)",
               Target("bytes", 1e9), unit="bytes",
               note="PSS of the process tree, sampled every 20 ms (Linux)")
    later = Row("scale", "compare ghg: later runs", Target("seconds", 1.0),
                floor_name=floor_name)
    touched = Row("scale", "compare ghg: run after one file changed", Target("ratio", 1.3),
                  floor_name=floor_name)
    rows = [first, memory, tree, later, touched]
    runner.log(f"scale ({label}):")
    try:
        stored, line = ensure_catalog(spec, runner)
        runner.log("  " + line)
        info.append(line)
        directory = runner.tmp / "catalog"
        start = time.perf_counter()
        shutil.copytree(stored, directory)
        runner.log(f"  copied to {directory} in {time.perf_counter() - start:.1f} s")
        files = sorted(p for p in directory.iterdir() if p.suffix == ".yaml")
        info.append(f"scale catalog: {len(files)} files, "
                    f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB "
                    f"({spec.companies} companies x {spec.years} years x "
                    f"{spec.metrics} metrics)")
    except Exception as exc:  # noqa: BLE001
        for row in rows:
            row.error = f"catalog: {exc}"
        return rows

    floor_row = Row("scale", floor_name, Target("seconds", float("inf")))

    def floor_once() -> float:
        proc = subprocess.run([sys.executable, "-c", YAML_FLOOR, str(directory)],
                              capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            raise BenchError(f"yaml floor failed: {proc.stderr.strip()[-300:]}")
        return float(proc.stdout.strip())

    measure(floor_row, repeat, floor_once, log=runner.log)
    floor = floor_row.value
    for row in (first, later, touched):
        row.floor = floor
    if floor is None:
        for row in rows:
            row.error = f"no floor: {floor_row.error}"
        return rows
    info.append(f"scale floor: yaml.load(text, Loader=yaml.CSafeLoader) of every file, "
                f"read and parse, in a subprocess: median {_fmt(floor, 's')} over "
                f"{len(floor_row.samples)} run(s)")
    info.append("scale command ('compare ghg'): esgcmp compare ghg --year 2020 --catalog DIR "
                f"-f csv, DIR = the {label} catalog; first runs each with a new empty "
                "XDG_CACHE_HOME, later runs reusing the last one's")
    # A run more than 4x over its target is killed: the target is missed anyway.
    ratio_timeout = timeout or max(60.0, 4 * 1.3 * floor)
    later_timeout = timeout or max(60.0, 1.3 * floor)
    cmd = esgcmp("compare", "ghg", "--year", "2020", "--catalog", str(directory), "-f", "csv")
    cache_holder: dict[str, Path] = {}
    expect: dict[str, str] = {}  # every run must print the same table

    def checked(report: dict) -> dict:
        if report["lines"] < spec.companies + 1:
            raise BenchError(f"only {report['lines']} output lines for {spec.companies} "
                             "companies")
        return report

    def first_once() -> float:
        cache = runner.new_cache()
        cache_holder["cache"] = cache
        try:
            report = checked(runner.run(cmd, cache, ratio_timeout, expect, sample=True))
        except TimedOut as exc:
            for row, peak in ((memory, exc.maxrss), (tree, exc.tree_peak)):
                if peak:
                    row.samples.append(peak)
                    row.lower_bound = True
                    row.error = "the run timed out: peak so far"
            raise
        memory.samples.append(report["maxrss"])
        if report.get("tree_peak"):
            tree.samples.append(report["tree_peak"])
        return report["elapsed"]

    measure(first, repeat, first_once, stop_over=4, log=runner.log)
    for row in (memory, tree):
        if not row.samples:
            row.error = first.error or "not measured (no /proc?)"
    cache = cache_holder.get("cache") or runner.new_cache()
    measure(later, repeat,
            lambda: checked(runner.run(cmd, cache, later_timeout, expect))["elapsed"],
            stop_over=4, log=runner.log)
    victim = files[len(files) // 2]
    touched.note = f"touched {victim.name}"
    counter = iter(range(1, 10 ** 6))

    def touched_once() -> float:
        with victim.open("a", encoding="utf-8") as handle:
            handle.write(f"# benchmark touch {next(counter)} {time.time():.6f}\n")
        return checked(runner.run(cmd, cache, ratio_timeout, expect))["elapsed"]

    measure(touched, repeat, touched_once, stop_over=4, log=runner.log)
    if first.lower_bound or later.lower_bound or touched.lower_bound:
        info.append(f"scale runs were killed after {ratio_timeout:.0f} s (4 x 1.3 x floor; "
                    f"later runs after {later_timeout:.0f} s): '> N s' is a lower bound")
    return [floor_row] + rows


def per_value(runner: Runner, repeat: int, count: int = 1_000_000) -> list[Row]:
    runner.log("per-value:")
    floor_row = Row("per-value", "", Target("seconds", float("inf")),
                    note=f"{count:,} Decimals times a constant")
    row = Row("per-value", f"normalise {count:,} values (conversion() once per unit)",
              Target("seconds", 2.0), floor_name="Decimal multiply loop")
    floor_row.name = "Decimal multiply loop"
    try:
        os.environ["XDG_CACHE_HOME"] = str(runner.new_cache())
        sys.path.insert(0, str(ROOT))
        sys.path.insert(0, str(BENCH))
        from decimal import Decimal

        import generate_catalog as gen
        from esgcmp import units

        rng = random.Random(6)
        pairs = [(printed, unit) for unit, forms in gen.PRINTED_UNITS.items()
                 for printed, _magnitude, _decimals in forms]
        per_entry = 10  # one KPI entry holds a value per year
        entries = []
        for _ in range(count // per_entry):
            printed, unit = rng.choice(pairs)
            entries.append((printed, unit, [Decimal(repr(round(rng.uniform(0, 1e6), 2)))
                                            for _ in range(per_entry)]))
        values = [v for _p, _u, vs in entries for v in vs]
        constant = Decimal("10000")
        runner.log(f"  {len(values):,} values, {len(set(pairs))} distinct (printed unit, "
                   "metric unit) pairs")
    except Exception as exc:  # noqa: BLE001
        floor_row.error = row.error = f"{type(exc).__name__}: {exc}"
        return [floor_row, row]

    def floor_once() -> float:
        gc.collect()
        start = time.perf_counter()
        out = []
        append = out.append
        for value in values:
            append(value * constant)
        return time.perf_counter() - start

    def normalise_once() -> float:
        for name in ("conversion", "parse_printed", "parse_target"):
            clear = getattr(getattr(units, name, None), "cache_clear", None)
            if clear is not None:
                clear()
        gc.collect()
        start = time.perf_counter()
        factors: dict[tuple[str, str], object] = {}
        out = []
        append = out.append
        for printed, unit, entry_values in entries:
            key = (printed, unit)
            factor = factors.get(key)
            if factor is None:
                factor = factors[key] = units.conversion(printed, unit).factor
            for value in entry_values:
                append(value * factor)
        return time.perf_counter() - start

    floor_once()  # warm-up
    measure(floor_row, repeat, floor_once, log=runner.log)
    row.floor = floor_row.value
    measure(row, repeat, normalise_once, log=runner.log)
    row.note = "factor lookups (pint registry on the first run) included"
    return [floor_row, row]


# ---- output ---------------------------------------------------------------------------

def text_table(rows: list[Row]) -> str:
    cells = [HEADERS] + [r.cells() for r in rows]
    widths = [min(max(len(c[i]) for c in cells), 60 if i == 0 else 80)
              for i in range(len(HEADERS))]
    lines = []
    for index, line in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i in (0, 3, 6, 7, 8) else c.rjust(w)
                               for i, (c, w) in enumerate(zip(line, widths))).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: list[Row], info: list[str]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(HEADERS) + " |",
           "|" + "|".join("---" if i in (0, 3, 6, 7, 8) else "---:"
                          for i in range(len(HEADERS))) + "|"]
    for row in rows:
        cells = row.cells()
        cells[0] = f"{row.section}: {cells[0]}"
        if not row.is_floor:
            cells[7] = f"**{cells[7]}**"
        out.append("| " + " | ".join(esc(c) for c in cells) + " |")
    return "\n".join(["\n".join(f"- {esc(line)}" for line in info), "", *out, ""])


def machine_info(args: argparse.Namespace, startup_repeat: int, scale_repeat: int) -> list[str]:
    return [
        f"date: {_dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {platform.node() or '?'}, {platform.platform()}, nproc {os.cpu_count()}"
        + (f" (usable {len(os.sched_getaffinity(0))})" if hasattr(os, "sched_getaffinity")
           else ""),
        f"python: {platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})",
        f"command: python benchmarks/run.py {' '.join(sys.argv[1:])}".rstrip(),
        f"repeats: start-up {startup_repeat}, scale {scale_repeat}, per-value {scale_repeat} "
        "(medians; peak memory is the maximum)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="260-company catalog, fewer repeats (smoke test)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per measurement (default 7 for start-up, 3 for scale and "
                             "per-value; --quick: 3 and 2)")
    parser.add_argument("--markdown", type=Path, default=None,
                        help="also write the table as Markdown to this file")
    parser.add_argument("--only", default="startup,scale,per-value",
                        help="comma-separated sections to run (default: all)")
    parser.add_argument("--companies", type=int, default=None,
                        help="companies in the scale catalog (default 2600; --quick 260)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds after which a scale run is killed (default: 4 x 1.3 x "
                             "the YAML floor for first and touched runs, 1.3 x floor for "
                             "later runs; at least 60 s)")
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = sections - {"startup", "scale", "per-value"}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    startup_repeat = args.repeat or (3 if args.quick else 7)
    scale_repeat = args.repeat or (2 if args.quick else 3)
    spec = CatalogSpec(companies=args.companies or (260 if args.quick else 2600))
    info = machine_info(args, startup_repeat, scale_repeat)
    for line in info:
        print(line)
    began = time.perf_counter()
    rows: list[Row] = []
    compileall.compile_dir(str(ROOT / "esgcmp"), quiet=1)  # as an installed copy has it
    with tempfile.TemporaryDirectory(prefix="esgcmp-bench-") as tmp:
        runner = Runner(Path(tmp))
        print(f"temporary directory (caches, catalog copy): {tmp}", flush=True)
        if "startup" in sections:
            rows += startup(runner, startup_repeat)
        if "scale" in sections:
            rows += scale(runner, spec, scale_repeat, args.timeout, info)
        if "per-value" in sections:
            rows += per_value(runner, scale_repeat)
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
    failed = [r for r in rows if (not r.is_floor and not r.passed) or (r.is_floor and r.error)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
