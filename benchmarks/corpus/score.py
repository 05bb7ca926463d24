"""Score `esgcmp extract` on the unseen-layout corpus (benchmarks/corpus).

Each table has a meta file beside it (``NAME.meta.toml``) listing every value of its
tables by line, year and number. For each table, run ``esgcmp extract FILE --format
json`` as a user would and compare. A value counts when line, year and number match
(``1,234.50`` and ``1234.5`` are the same number). Recall: the annotated values found;
precision: the values found that are annotated. Figures are summed per layout and per
split (``tune`` / ``heldout``).

Mapping: of the annotated values whose concept is a metric of the vocabulary
(esgcmp/vocabulary.toml) and that were found, those whose ``metric`` is that concept
(mapped right) and those given another metric of the vocabulary (mapped wrong). For
labels.toml, each label is read alone as a one-row table (``Indicator 2023`` / ``LABEL
(UNIT) 1``): a label whose concept is a metric of the vocabulary should get that metric
(right), never another (wrong), or be left for review (a proposed metric); a label marked
``none`` should get no metric of the vocabulary. A label takes the split of its
table, or for a page not in the corpus the split its address gets by the tables' rule.

Usage: python benchmarks/corpus/score.py [--split tune|heldout] [--files] [--check]
                                         [--labels] [--batch 1|2|3|4]
--check only verifies the annotations: every expected value is printed on its line.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent

Key = tuple[int, int, Decimal]  # line, year, number


def metas(split: str | None, batch: int | None = None) -> list[tuple[Path, dict]]:
    """The tables' meta files, of one split and one batch when given (a table without a
    ``batch`` key is of the first)."""
    found = []
    for path in sorted(HERE.glob("*/*.meta.toml")):
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
        if (split is None or meta["split"] == split) and (
                batch is None or meta.get("batch", 1) == batch):
            found.append((path, meta))
    return found


def number(text: str) -> Decimal:
    return Decimal(text).normalize()


def printed_pattern(entry: dict) -> re.Pattern[str]:
    """The value as it may be printed: thousands separators (comma, space, thin space)
    between any digits, or the ``printed`` form the annotation gives."""
    if "printed" in entry:
        return re.compile(re.escape(entry["printed"]))
    separated = r"[, \u2009\u00a0]?".join(re.escape(ch) for ch in entry["value"])
    return re.compile(separated)


def check(found: list[tuple[Path, dict]]) -> int:
    bad = 0
    for path, meta in found:
        lines = (path.parent / meta["file"]).read_text(encoding="utf-8").split("\n")
        for entry in meta["expected"]:
            line = lines[entry["line"] - 1] if 0 < entry["line"] <= len(lines) else ""
            if not printed_pattern(entry).search(line):
                bad += 1
                print(f"{path.name}: line {entry['line']}: {entry['value']!r} is not printed "
                      f"there", file=sys.stderr)
    print(f"{sum(len(m['expected']) for _, m in found)} values in {len(found)} tables, "
          f"{bad} not found on their line")
    return 1 if bad else 0


def extract_rows(path: Path) -> list[dict]:
    command = [sys.executable, "-m", "esgcmp", "extract", str(path), "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{path.name}: esgcmp exit {done.returncode}: {done.stderr.strip()}",
              file=sys.stderr)
        return []
    return json.loads(done.stdout)


def vocabulary_metrics() -> set[str]:
    from esgcmp.vocabulary import terms

    return set(terms())


def states(metric: str, concept: str) -> bool:
    """Whether a metric is the concept: the concept itself, or its variant in another
    currency (GHG per HK$ million revenue is GHG per revenue, in HK$)."""
    from esgcmp.vocabulary import terms

    term = terms().get(metric)
    return metric == concept or (term is not None and term.variant_of == concept)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


class Tally:
    def __init__(self) -> None:
        self.tables = self.gold = self.got = self.hit = 0
        self.mapped = self.mapped_right = self.mapped_wrong = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def cells(self) -> str:
        return (f"{self.tables} | {self.gold} | {self.got} | {self.hit} | "
                f"{percent(self.hit, self.gold)} | {percent(self.hit, self.got)} | "
                f"{self.mapped_right}/{self.mapped} | {self.mapped_wrong} |")


def score_table(path: Path, meta: dict, metrics: set[str]) -> Tally:
    rows = extract_rows(path.parent / meta["file"])
    found: dict[Key, list[dict]] = defaultdict(list)
    for row in rows:
        found[(row["line"], row["year"], number(str(row["value"])))].append(row)
    gold: dict[Key, set[str]] = defaultdict(set)
    for entry in meta["expected"]:
        gold[(entry["line"], entry["year"], number(entry["value"]))].add(entry["concept"])
    tally = Tally()
    tally.tables = 1
    tally.gold, tally.got = len(gold), len(found)
    tally.hit = len(gold.keys() & found.keys())
    for key, concepts in gold.items():
        # Equal keys in one table (zeros of one year on one line) can only be mapped
        # when they state the same concept.
        if key in found and len(concepts) == 1 and (concept := next(iter(concepts))) in metrics:
            tally.mapped += 1
            tally.mapped_right += any(states(row["metric"], concept) for row in found[key])
            tally.mapped_wrong += any(row["metric"] in metrics
                                      and not states(row["metric"], concept)
                                      for row in found[key])
    return tally


def label_splits(labels: list[dict]) -> list[str]:
    """Each label's split: its table's, for a label of a corpus table; for a label of
    another page, the rule the tables follow, applied to those pages' addresses sorted
    (every third, starting with the first, is ``heldout``). A label added after that
    first split names its own (``split``), so that adding pages never moves the others."""
    tables = {f"{path.parent.name}/{meta['file']}": meta["split"] for path, meta in metas(None)}
    pages = sorted({entry["source"] for entry in labels
                    if "where" not in entry and "split" not in entry})
    page_split = {page: "heldout" if i % 3 == 0 else "tune" for i, page in enumerate(pages)}
    return [entry["split"] if "split" in entry
            else tables[entry["where"].split(":")[0]] if "where" in entry
            else page_split[entry["source"]] for entry in labels]


def label_metrics(labels: list[dict]) -> list[str]:
    """The metric `esgcmp extract` gives each label read alone as a one-row table
    (``Indicator 2023`` / ``LABEL (UNIT) 1``), with the built-in catalog; "" when the
    row gets none, "(not read)" when no row is read."""
    from esgcmp.catalog import builtin_catalog_path
    from esgcmp.draft import make_draft
    from esgcmp.extract import extract
    from esgcmp.load import load_files

    catalog = load_files([builtin_catalog_path()])
    got = []
    for entry in labels:
        label, unit = entry["label"], entry.get("unit", "")
        # a label that prints its unit already keeps it; a unit that is only a substring
        # of the label's words ("t" in "Nitrogen") is still added
        printed = unit and (f"({unit})" in label or label.rstrip().endswith(unit))
        row = f"{label} ({unit})" if unit and not printed else label
        draft = make_draft(extract(f"Indicator 2023\n{row} 1\n"), catalog)
        if not draft.rows:
            got.append("(not read)")
        else:
            first = draft.rows[0]
            got.append("" if first.new_metric else first.metric)
    return got


def score_labels(split: str | None) -> None:
    from esgcmp.vocabulary import terms

    vocabulary = set(terms())
    labels = tomllib.loads((HERE / "labels.toml").read_text(encoding="utf-8"))["label"]
    splits = label_splits(labels)
    got = label_metrics(labels)
    print(f"\nLabels ({len(labels)} in labels.toml, each read alone as a one-row table; "
          "right: the concept's metric or its variant in another currency; wrong: another "
          "metric of the vocabulary; review: a proposed metric or none):\n")
    print("| split | labels | concept in the vocabulary | right | wrong | review "
          "| concept `none` | given a metric (wrong) |")
    print("|---|---|---|---|---|---|---|---|")
    wrong_rows = []
    # the fourth, fifth and sixth collections (``collection = 4``, ``5``, ``6``) are counted
    # apart as well, so that each held-out part, added after the rules were tuned on the
    # others, is a blind measure
    groups = [(name, part) for name in ("tune", "heldout")
              for part in ("all", "1-3", "4", "5", "6")]
    for name, part in groups:
        if split and name != split:
            continue
        mine = [(e, m) for e, m, s in zip(labels, got, splits) if s == name
                and (part == "all" or str(e.get("collection", "1-3")) == part)]
        stated = [(e, m) for e, m in mine if e["concept"] in vocabulary]
        nones = [(e, m) for e, m in mine if e["concept"] not in vocabulary]
        right = sum(states(m, e["concept"]) for e, m in stated)
        wrong = [(e, m) for e, m in stated if m in vocabulary and not states(m, e["concept"])]
        wrong_nones = [(e, m) for e, m in nones if m in vocabulary]
        review = len(stated) - right - len(wrong)
        title = name if part == "all" else f"{name}, collection{'s' if part == '1-3' else ''} {part}"
        print(f"| {title} | {len(mine)} | {len(stated)} | {right} ({percent(right, len(stated))}) "
              f"| {len(wrong)} ({percent(len(wrong), len(stated))}) "
              f"| {review} ({percent(review, len(stated))}) | {len(nones)} "
              f"| {len(wrong_nones)} ({percent(len(wrong_nones), len(nones))}) |")
        if part != "all":
            continue
        wrong_rows += [(name, e, m) for e, m in wrong + wrong_nones]
        if name == "tune":  # what is left for review, to tune on; never the held-out part's
            for entry, metric in stated:
                if metric != entry["concept"] and metric not in vocabulary:
                    print(f"  review ({name}): {entry['label']!r} ({entry.get('unit', '')}): "
                          f"concept {entry['concept']}")
    for name, entry, metric in wrong_rows:
        print(f"  wrong ({name}): {entry['label']!r} ({entry.get('unit', '')}): "
              f"concept {entry['concept']}, esgcmp {metric}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("tune", "heldout"))
    parser.add_argument("--files", action="store_true", help="one line per table too")
    parser.add_argument("--check", action="store_true", help="only check the annotations")
    parser.add_argument("--labels", action="store_true", help="also score labels.toml")
    parser.add_argument("--batch", type=int, choices=(1, 2, 3, 4),
                        help="only the tables of one batch (2, 3, 4: those added second, third, fourth)")
    args = parser.parse_args()
    found = metas(args.split, args.batch)
    if args.check:
        return check(found)
    metrics = vocabulary_metrics()
    by_layout: dict[tuple[str, str], Tally] = defaultdict(Tally)
    per_file = []
    for path, meta in found:
        tally = score_table(path, meta, metrics)
        per_file.append((path, meta, tally))
        by_layout[(meta["layout"], meta["split"])].add(tally)
    head = ("| tables | values | extracted | matched | recall | precision | "
            "mapped right | mapped wrong |")
    rule = "|---|---|---|---|---|---|---|---|"
    print("Per layout and split:\n")
    print("| layout | split " + head)
    print("|---|---" + rule)
    for (layout, split), tally in sorted(by_layout.items()):
        print(f"| {layout} | {split} | {tally.cells()}")
    for split in ("tune", "heldout"):
        total = Tally()
        for (_, s), tally in by_layout.items():
            if s == split:
                total.add(tally)
        if total.tables:
            print(f"| all | {split} | {total.cells()}")
    total = Tally()
    for tally in by_layout.values():
        total.add(tally)
    print(f"| all | all | {total.cells()}")
    if args.files:
        print("\nPer table:\n")
        print("| table | layout | split " + head)
        print("|---|---|---" + rule)
        for path, meta, tally in per_file:
            print(f"| {meta['file']} | {meta['layout']} | {meta['split']} | {tally.cells()}")
    if args.labels:
        score_labels(args.split)
    return 0


if __name__ == "__main__":
    sys.exit(main())
