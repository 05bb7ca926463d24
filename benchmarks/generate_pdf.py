"""A report-sized PDF for the benchmark of ``esgcmp extract report.pdf``: ``PAGES`` pages
of about 50 lines each, a running header and a page-numbered footer on every page, prose
on most pages and a KPI table (a heading of three years, 25 rows) on every fifth, written
with fpdf2 (the test extra) and kept in benchmarks/.data/ by its parameters.

    python benchmarks/generate_pdf.py OUT.pdf [--pages N]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

PAGES = 300
WORDS = ("the Group continued to reduce emissions across its operations and supply chain "
         "with new energy saving measures in data centres base stations and offices while "
         "training employees and engaging suppliers on climate risk and water use").split()
LABELS = ["Scope 1 emissions", "Scope 2 emissions", "Total greenhouse gas emissions",
          "Electricity consumption", "Natural gas consumption", "Diesel consumption",
          "Water consumption", "Hazardous waste", "Non-hazardous waste", "Paper consumption"]
UNITS = ["tCO2e", "tCO2e", "tCO2e", "MWh", "m3", "litres", "m3", "tonnes", "tonnes", "tonnes"]


def pages(count: int, seed: int = 27) -> list[list[str]]:
    """The pages' lines: a table on every fifth page, prose on the others."""
    rng = random.Random(seed)
    made = []
    for number in range(1, count + 1):
        if number % 5 == 0:
            lines = ["Key performance indicators", "Indicator  Unit  2021  2022  2023"]
            for row in range(25):
                label = f"{LABELS[row % len(LABELS)]} (site {number}-{row})"
                cells = "  ".join(f"{rng.uniform(10, 99999):,.1f}" for _ in range(3))
                lines.append(f"{label}  {UNITS[row % len(UNITS)]}  {cells}")
        else:
            lines = [" ".join(rng.choice(WORDS) for _ in range(16)) for _ in range(50)]
        made.append(lines)
    return made


def write(path: Path, count: int = PAGES) -> None:
    from tests.pdfs import write_pdf

    path.write_bytes(write_pdf(pages(count), size=7, header="Acme Group ESG Report 2023",
                               footer="Page {page}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=PAGES)
    args = parser.parse_args()
    write(args.out, args.pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
