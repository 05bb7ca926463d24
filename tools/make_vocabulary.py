"""Write docs/vocabulary.md: every metric of esgcmp's vocabulary (esgcmp/vocabulary.toml),
by HKEX KPI code, with its names, unit, polarity and the labels issuers print for it.

Run from the repository root: python tools/make_vocabulary.py (or tools/make_docs.py)
The test suite checks that docs/vocabulary.md is what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from esgcmp.catalog import builtin_catalog_path  # noqa: E402
from esgcmp.load import load_files  # noqa: E402
from esgcmp.units import parse_target, registry  # noqa: E402
from esgcmp.vocabulary import terms  # noqa: E402

POLARITY = {"lower": "lower is better", "higher": "higher is better", "neither": "neither"}


def dimension(unit: str) -> str:
    target = parse_target(unit)
    text = str(registry()(target.expr).dimensionality)
    return text if text != "dimensionless" else "a number"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    vocabulary = terms()
    builtin = set(load_files([builtin_catalog_path()]).metrics)
    coded: dict[str, list[str]] = {}
    for term in vocabulary.values():
        for code in term.hkex or ("",):
            coded.setdefault(code, []).append(term.id)
    lines = ["# The metric vocabulary", "",
             "Every metric esgcmp knows by name: the built-in catalog's, and the HKEX ESG",
             "Reporting Code (Appendix C2) KPIs and Part D / IFRS S2 climate metrics it does not",
             "have. `esgcmp extract` places a report's rows on them (docs/extract.md). Generated",
             "from `esgcmp/vocabulary.toml` by `python tools/make_docs.py`; to add a metric or",
             "a label an issuer prints, edit that file.", "",
             f"{len(vocabulary)} metrics: {len(builtin & set(vocabulary))} of the built-in "
             f"catalog, {len(set(vocabulary) - builtin)} more; "
             f"{sum(len(t.labels) for t in vocabulary.values())} labels.", "",
             "A label matches after folding case, width, script (Traditional and Simplified",
             "alike), punctuation and spaces, without footnote markers or a unit in brackets.",
             "A row whose unit does not convert to the metric's unit (another dimension) never",
             "gets the metric.", ""]
    for code in sorted(coded, key=lambda c: (c == "", c)):
        lines += [f"## {code or 'No HKEX KPI code'}", "",
                  "| metric | name | 中文 | unit (dimension) | polarity | in the built-in "
                  "catalog | labels |",
                  "|---|---|---|---|---|---|---|"]
        for metric_id in coded[code]:
            term = vocabulary[metric_id]
            labels = ("; ".join(_cell(label) for label in term.labels)
                      or (f"those of `{term.variant_of}`, in the unit's currency"
                          if term.variant_of else "-"))
            lines.append(f"| `{term.id}` | {_cell(term.name)} | {term.name_zh} | "
                         f"{term.unit} ({dimension(term.unit)}) | {POLARITY[term.polarity]} | "
                         f"{'yes' if term.id in builtin else 'no'} | {labels} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    (REPO / "docs" / "vocabulary.md").write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
