"""Time `esgcmp report`: the page of the three built-in companies and the ten default
metrics, and its size.

    python benchmarks/report_bench.py [--repeat N]

Each run is the whole command as a user types it (``python -m esgcmp report -c
china-telecom -c china-unicom -c china-comservice -o page.html``, from the repository
root), timed as CPU (user + system of the process) and wall time; the first run has an
empty cache, the others a warm one (as a user's second run). The cache is in a temporary
folder of the benchmark's own. Targets: the warm run under 2 s of wall time (median) and
the page under 1 MB (1,000,000 bytes). Every warm run must write the same page, so a fast
but wrong run fails. Exit status: 0 if both targets are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ["report", "-c", "china-telecom", "-c", "china-unicom", "-c", "china-comservice"]
WALL_TARGET = 2.0  # seconds
SIZE_TARGET = 1_000_000  # bytes


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One run of esgcmp: its wall time and its CPU time (user + system), in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "esgcmp", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"report_bench: esgcmp failed ({done.returncode}): {done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="warm runs (default 10)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.html"
        env = {**os.environ, "ESGCMP_CACHE_DIR": str(Path(folder) / "cache"),
               "PYTHONPATH": str(ROOT)}
        for variable in ("ESGCMP_CATALOG", "ESGCMP_NO_CACHE", "PYTHONDONTWRITEBYTECODE"):
            env.pop(variable, None)
        args = [*COMMAND, "-o", str(page)]
        cold_wall, cold_cpu = timed(args, env)
        first = page.read_bytes()
        walls, cpus = [], []
        for _ in range(options.repeat):
            wall, cpu = timed(args, env)
            if page.read_bytes() != first:
                raise SystemExit("report_bench: a run wrote another page than the first")
            walls.append(wall)
            cpus.append(cpu)
        floor_walls = []
        for _ in range(options.repeat):  # the floor: a Python that does nothing
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            floor_walls.append(time.perf_counter() - start)
    size = len(first)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    floor = statistics.median(floor_walls)
    print(f"esgcmp {' '.join(COMMAND)} -o page.html")
    print(f"  first run (empty cache): wall {cold_wall:.3f} s, CPU {cold_cpu:.3f} s")
    print(f"  warm, median of {options.repeat}: wall {wall:.3f} s (min {min(walls):.3f}), "
          f"CPU {cpu:.3f} s (min {min(cpus):.3f}); {wall / floor:.1f}x python -c pass "
          f"({floor * 1000:.0f} ms)")
    print(f"  page: {size:,} bytes")
    met = wall < WALL_TARGET and size < SIZE_TARGET
    print(f"  targets (wall < {WALL_TARGET:g} s, page < {SIZE_TARGET:,} bytes): "
          f"{'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
