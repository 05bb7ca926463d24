"""Do the values `esgcmp extract` reads from a PDF equal the values it reads from the same
table as text?

Each table is written to a PDF with fpdf2 (the test extra) as a report prints it: its
non-empty lines 50 a page, each cell at its column (half an em a column, so that the
columns of ``pdftotext -layout`` text stay aligned), a running header and a page number
on every page, Chinese in a CJK font. Then the PDF is read as ``esgcmp extract`` reads it
(its pages' lines, headers and footers left out) and each value found is taken back to
the text's line by the place it was written at. A value counts when line, year and
number match.

The tables: the seeds' two KPI tables (benchmarks/extract_eval.py's KPI_TABLES) and the
unseen-layout corpus' text tables of one row a line (benchmarks/corpus: layout,
text-rows, flipbook, web-cells; text-flat runs a page into one line, and Markdown and
HTML are text formats, not a PDF's). Against the corpus' annotations, recall and
precision of the PDF are given beside the text's, per layout and split.

Usage: python benchmarks/pdf_eval.py [SEEDS_DIR]   (default ../shared/seeds)
Needs a CJK font (fonts-wqy-microhei); prints the table docs/extract.md shows.
"""

from __future__ import annotations

import sys
import tomllib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

LINES_A_PAGE = 50
LAYOUTS = ("layout", "text-rows", "flipbook", "web-cells")

Key = tuple[int, int, Decimal]  # line of the text, year, number


def as_pdf(lines: list[str]) -> tuple[bytes, list[int]]:
    """The PDF of a text's lines, and the text's line (1-based) of each line written, in
    order: page 1's first, then the next."""
    from tests.pdfs import find_cjk_font, write_pdf

    written = [(number, line.replace("\f", " ").replace("\t", " "))
               for number, line in enumerate(lines, start=1) if line.strip()]
    pages = [[text for _n, text in written[start:start + LINES_A_PAGE]]
             for start in range(0, len(written), LINES_A_PAGE)]
    raw = write_pdf(pages, cjk=find_cjk_font() is not None, aligned=True,
                    header="Sustainability Report", footer="- {page} -")
    return raw, [number for number, _text in written]


def read_both(lines: list[str]) -> tuple[set[Key], set[Key]]:
    """The values of a text's tables read from the text, and from its PDF (at the text's
    lines)."""
    from esgcmp import pdf
    from esgcmp.extract import extract

    text_values = {(f.line, f.year, f.value.normalize())
                   for f in extract("\n".join(lines) + "\n").values}
    raw, source_line = as_pdf(lines)
    pages = pdf.read_pages(raw)
    # the running header is each page's first line: the written lines follow it
    pdf_values = {(source_line[(f.page - 1) * LINES_A_PAGE + f.line - 2], f.year,
                   f.value.normalize()) for f in pdf.extract_pages(pages).values}
    return text_values, pdf_values


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def main() -> int:
    from extract_eval import KPI_TABLES
    from tests.pdfs import find_cjk_font

    if find_cjk_font() is None:
        print("no CJK font installed (apt-get install fonts-wqy-microhei)", file=sys.stderr)
        return 1
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds"
    print("| tables | text values | PDF values | the same | PDF = text |")
    print("|---|---:|---:|---:|---|")
    for name, (first, last) in KPI_TABLES.items():
        lines = (seeds / name).read_text(encoding="utf-8").split("\n")
        table = [line if first <= n <= last else "" for n, line in enumerate(lines, 1)]
        text_values, pdf_values = read_both(table[:last])
        same = len(text_values & pdf_values)
        print(f"| seed {name} KPI table | {len(text_values)} | {len(pdf_values)} | {same} | "
              f"{'yes' if text_values == pdf_values else 'no'} |")
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 6)
    for meta_path in sorted((BENCH / "corpus").glob("*/*.meta.toml")):
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        path = meta_path.with_name(meta["file"])
        if meta["layout"] not in LAYOUTS or path.suffix != ".txt":
            continue
        gold = {(e["line"], e["year"], Decimal(e["value"]).normalize())
                for e in meta["expected"]}
        text_values, pdf_values = read_both(path.read_text(encoding="utf-8").split("\n"))
        tally = groups[meta["layout"], meta["split"]]
        for index, count in enumerate((len(text_values), len(pdf_values),
                                       len(text_values & pdf_values), len(gold),
                                       len(gold & text_values), len(gold & pdf_values))):
            tally[index] += count
    print("\n| layout | split | text values | PDF values | the same | annotated | text recall "
          "| PDF recall | text precision | PDF precision |")
    print("|---|---|---:|---:|---:|---:|---|---|---|---|")
    for (layout, split), (text_n, pdf_n, same, gold_n, text_hit, pdf_hit) in sorted(
            groups.items()):
        print(f"| {layout} | {split} | {text_n} | {pdf_n} | {same} | {gold_n} | "
              f"{percent(text_hit, gold_n)} | {percent(pdf_hit, gold_n)} | "
              f"{percent(text_hit, text_n)} | {percent(pdf_hit, pdf_n)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
