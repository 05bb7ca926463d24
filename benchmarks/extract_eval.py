"""Score `esgcmp extract` against the built-in catalog on the seed reports.

For each seed file, run ``esgcmp extract FILE --format json`` (and again with
``--prose``) as a user would, and compare its values with every value the built-in
catalog cites from that file (a value's own line and each ``also`` citation). A value
counts when line, year and number match. Recall: the catalog's values found; precision:
the values found that the catalog holds.

The catalog is complete for the KPI tables (KPI_TABLES below): there, precision is
meaningful. Outside them the catalog holds what its authors chose to record, so a value
extracted from a table or sentence the catalog leaves out counts against precision.

Then the mapping of the KPI tables' values to the catalog's metrics (right, wrong, left
for review), and the same on the unseen-layout corpus (benchmarks/corpus/score.py: real
issuers' tables that are not in the seeds, each layout split into a tuning and a
held-out part), with its labels read alone.

Usage: python benchmarks/extract_eval.py SEEDS_DIR [--runs N]
Prints the tables docs/extract.md shows, then the time of the longest report and of a
5,000-line text of every plain-text layout of the corpus (its tuning tables, repeated).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

# The seeds' KPI tables: first line (the year heading) to last row, inclusive.
KPI_TABLES = {
    # "Table of KPIs": its first part (Essential Responsibility ... Employees) is printed
    # before the title line 4845, its last (Environmental, Public Welfare) after it.
    "002_8b7cdb2a0a738775.txt": (4736, 4893),
    # 關鍵績效: the appendix's first page (經營發展 ... 客戶服務) is printed before its
    # title line 4228, the second (以人為本 ... 社區責任) after it.
    "004_74dae4d02e57c763.txt": (4116, 4339),
}

Key = tuple[int, int, Decimal]  # line, year, number


def catalog_values() -> dict[str, set[Key]]:
    from esgcmp.catalog import builtin_catalog_path
    from esgcmp.load import load_files

    catalog = load_files([builtin_catalog_path()])
    gold: dict[str, set[Key]] = {}
    for observation in catalog.observations.values():
        gold.setdefault(observation.source.file, set()).add(
            (observation.line, observation.year, observation.value.normalize()))
        for citation in observation.also:
            if citation.value is not None:
                gold.setdefault(citation.source.file, set()).add(
                    (citation.line, observation.year, citation.value.normalize()))
    return gold


def catalog_metrics_by_key() -> dict[str, dict[Key, set[str]]]:
    """Per source file, the metrics the catalog gives each printed (line, year, number)."""
    from esgcmp.catalog import builtin_catalog_path
    from esgcmp.load import load_files

    catalog = load_files([builtin_catalog_path()])
    found: dict[str, dict[Key, set[str]]] = {}
    for observation in catalog.observations.values():
        found.setdefault(observation.source.file, {}).setdefault(
            (observation.line, observation.year, observation.value.normalize()),
            set()).add(observation.metric)
    return found


def mapping(path: Path, gold: dict[Key, set[str]], lines: tuple[int, int]) -> tuple[int, ...]:
    """Of the values read in a KPI table that the catalog holds: (values, given the
    catalog's metric, given another metric that exists, left for review)."""
    command = [sys.executable, "-m", "esgcmp", "extract", str(path), "--format", "json"]
    rows = json.loads(subprocess.run(command, capture_output=True, text=True,
                                     check=True).stdout)
    right = wrong = review = 0
    for row in rows:
        key = (row["line"], row["year"], Decimal(str(row["value"])).normalize())
        if not lines[0] <= row["line"] <= lines[1] or key not in gold:
            continue
        if row["metric"] in gold[key]:
            right += 1
        elif row["metric"] and "new_metric" not in row["flags"]:
            wrong += 1
        else:
            review += 1
    return right + wrong + review, right, wrong, review


def extracted(path: Path, prose: bool) -> set[Key]:
    command = [sys.executable, "-m", "esgcmp", "extract", str(path), "--format", "json"]
    if prose:
        command.append("--prose")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return {(row["line"], row["year"], Decimal(str(row["value"])).normalize())
            for row in json.loads(done.stdout)}


def score(gold: set[Key], found: set[Key], lines: tuple[int, int] | None) -> tuple[int, ...]:
    if lines is not None:
        gold = {key for key in gold if lines[0] <= key[0] <= lines[1]}
        found = {key for key in found if lines[0] <= key[0] <= lines[1]}
    return len(gold), len(found), len(gold & found)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def _timed(command: list[str]) -> tuple[float, float]:
    """CPU (of the child) and wall seconds of one run."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    return (after.children_user + after.children_system - before.children_user
            - before.children_system), wall


def timing(path: Path, runs: int) -> str:
    """CPU and wall time of the whole command, interleaved with a floor (``python -c
    pass``) taken in the same run, and of the reading alone; min and median."""
    from esgcmp.extract import extract

    text = path.read_text(encoding="utf-8")
    extract(text)  # first call: the unit parser's registry
    reading = []
    for _ in range(runs):
        start = time.process_time()
        extract(text)
        reading.append(time.process_time() - start)
    command = [sys.executable, "-m", "esgcmp", "extract", str(path), "--format", "csv"]
    floor = [sys.executable, "-c", "pass"]
    cpu, wall, floor_cpu, floor_wall = [], [], [], []
    for _ in range(runs):  # A B A B: the machine's load falls on both alike
        for times, walls, argv in ((floor_cpu, floor_wall, floor), (cpu, wall, command)):
            spent, took = _timed(argv)
            times.append(spent)
            walls.append(took)
    median = statistics.median
    lines = text.count("\n")
    return (f"{path.name} ({lines:,} lines), {runs} runs, min / median:\n"
            f"- reading the tables (in process, CPU): {min(reading):.3f} / "
            f"{median(reading):.3f} s\n"
            f"- the whole command, csv to a pipe: CPU {min(cpu):.3f} / {median(cpu):.3f} s, "
            f"wall {min(wall):.3f} / {median(wall):.3f} s\n"
            f"- floor, python -c pass, interleaved: CPU {min(floor_cpu):.3f} / "
            f"{median(floor_cpu):.3f} s, wall {min(floor_wall):.3f} / {median(floor_wall):.3f} s"
            f"\n- the command / the floor (medians): CPU {median(cpu) / median(floor_cpu):.1f}x, "
            f"wall {median(wall) / median(floor_wall):.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    gold = catalog_values()
    files = sorted(p for p in args.seeds.glob("*.txt"))
    print("KPI tables (tables only):\n")
    print("| file | lines | catalog values | extracted | matched | recall | precision |")
    print("|---|---|---|---|---|---|---|")
    for path in files:
        if path.name in KPI_TABLES:
            span = KPI_TABLES[path.name]
            want, got, hit = score(gold.get(path.name, set()), extracted(path, False), span)
            print(f"| {path.name} | {span[0]}-{span[1]} | {want} | {got} | {hit} | "
                  f"{percent(hit, want)} | {percent(hit, got)} |")
    for prose in (False, True):
        print(f"\nWhole files ({'tables and --prose' if prose else 'tables only'}):\n")
        print("| file | catalog values | extracted | matched | recall | precision |")
        print("|---|---|---|---|---|---|")
        for path in files:
            want, got, hit = score(gold.get(path.name, set()), extracted(path, prose), None)
            print(f"| {path.name} | {want} | {got} | {hit} | {percent(hit, want)} | "
                  f"{percent(hit, got)} |")
    print("\nMapping in the KPI tables (values the catalog holds: given its metric, another "
          "existing metric, or left for review):\n")
    print("| file | values | right | wrong | review |")
    print("|---|---|---|---|---|")
    metrics = catalog_metrics_by_key()
    for path in files:
        if path.name in KPI_TABLES:
            values, right, wrong, review = mapping(path, metrics.get(path.name, {}),
                                                   KPI_TABLES[path.name])
            print(f"| {path.name} | {values} | {right} ({percent(right, values)}) | "
                  f"{wrong} ({percent(wrong, values)}) | {review} ({percent(review, values)}) |")
    # the reports esgcmp was not made on: real issuers' tables in other layouts, part of
    # them held out of tuning (benchmarks/corpus/README.md), and the labels of real tables
    corpus = Path(__file__).resolve().parent / "corpus" / "score.py"
    print("\nUnseen layouts (benchmarks/corpus, recall and precision by layout and split):\n")
    print(subprocess.run([sys.executable, str(corpus), "--labels"], capture_output=True,
                         text=True, check=True).stdout.split("\n\n", 1)[1].rstrip())
    longest = max(files, key=lambda p: p.read_bytes().count(b"\n"))
    print("\n" + timing(longest, args.runs))
    with tempfile.TemporaryDirectory() as folder:
        mixed = Path(folder) / "layouts-5000.txt"
        mixed.write_text(layouts_text(5000), encoding="utf-8")
        print("\n" + timing(mixed, args.runs))
    return 0


def layouts_text(lines: int) -> str:
    """A text of at least ``lines`` lines made of the corpus's tuning tables in every plain
    text layout (rows, -layout with tables side by side, a cell a line, pages run into one
    line), one after another and again: a report that is all tables, the reader's worst
    case."""
    corpus = Path(__file__).resolve().parent / "corpus"
    tables = [path.read_text(encoding="utf-8") for path in sorted(corpus.glob("*/*.txt"))
              if 'split = "tune"' in path.with_suffix(".meta.toml").read_text(encoding="utf-8")]
    text = ""
    while text.count("\n") < lines:
        text += "\n".join(tables) + "\n"
    return text


if __name__ == "__main__":
    sys.exit(main())
