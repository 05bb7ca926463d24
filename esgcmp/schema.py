"""The catalog format as a table: which keys each level of a catalog may hold.

The reader refuses any key that is not listed here (a misspelt ``flgs:`` would otherwise
drop a flag silently) and suggests the closest allowed one; docs/catalog.md's tables
are generated from the same table (``python tools/make_reference.py``).
"""

from __future__ import annotations

import difflib
import re

import msgspec

from .model import BASIS_ASPECTS

# What a metric, company or source id may be.
ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Key(msgspec.Struct, frozen=True):
    name: str
    required: str  # "yes", "no", or when it is required
    meaning: str


LEVELS: dict[str, tuple[Key, ...]] = {
    "document": (
        Key("schema", "yes", "the format version: `1`"),
        Key("metrics", "no", "metric id: metric definition (below)"),
        Key("companies", "no", "company id: company entry (below)"),
        Key("groups", "no", "peer group name: a list of its companies (ids, names, aliases "
                            "or tickers), for `--peers` ([rank.md](rank.md#peer-groups))"),
    ),
    "metric": (
        Key("name", "yes", "English name"),
        Key("category", "yes", "`environmental`, `social`, `governance` or `economic`"),
        Key("unit", "yes", "the comparison unit (see [units.md](units.md)); may carry a scale, "
                           "e.g. `kgce/(10^4 CNY)`"),
        Key("name_zh", "no", "Chinese name (Traditional or Simplified both match)"),
        Key("hkex", "no", "HKEX ESG Reporting Guide KPI codes: a list (`[A1.2, A1.5]`), or one "
                          "code alone (`A1.2`); only where they apply exactly"),
        Key("gri", "no", "GRI disclosure codes: a list (`[\"305-1\", \"305-2\"]`; quote them), "
                         "or one code alone; only where they apply exactly"),
        Key("aliases", "no", "other names `compare` accepts"),
        Key("description", "no", "what is counted, on what basis"),
        Key("signed", "no", "`true` if the value may be negative (a profit); otherwise a "
                            "negative value is an error"),
        Key("parts", "no", "metric ids that add up to this one (for a percentage: the "
                           "sub-rates that bound it); `esgcmp check` compares them"),
        Key("ratio_of", "no", "`[numerator, denominator]` metric ids when this metric is their "
                              "ratio as reported; `esgcmp check` recomputes it and "
                              "`compare --per` shows it beside the recomputed intensity"),
        Key("density", "no", "mass per volume of what the metric measures, so that a value "
                             "printed as a volume counts as its mass (or the other way): "
                             "`1 t/m3` for water ([units.md](units.md#water))"),
        Key("change_of", "no", "metric id whose change from the year before this metric is, "
                               "for a company that prints only the change: where the other "
                               "metric has no value, the reason says what was printed"),
    ),
    "company": (
        Key("name", "yes (to define)", "legal or common English name"),
        Key("name_zh", "no", "Chinese name; `show` and `--company` accept it"),
        Key("aliases", "no", "other names `show` and `--company` accept; tickers such as "
                             "`\"0762.HK\"` too"),
        Key("parent", "no", "id of the group the company belongs to: its figures are included "
                            "in the parent's"),
        Key("entity", "no", "one sentence on what entity the figures cover"),
        Key("basis", "no", "`{entity: ...}`: the entity level its figures are of (`group parent "
                           "(unlisted)`, `listed company`), citing the line of its report that "
                           "states it (below); a comparison of totals flags companies of "
                           "unlike levels"),
        Key("sources", "to cite values", "source id: source (below), for each report cited"),
        Key("kpis", "no", "the values: a list of KPI entries (below)"),
        Key("not_reported", "no", "metric id: explanation (below), for a metric the report "
                                  "says it does not disclose, and why; `coverage` shows its "
                                  "HKEX KPI as explained. Given where the company is defined"),
    ),
    "not_reported": (
        Key("reason", "yes", "the report's reason, in its words as printed on the line: "
                             "`check --sources` re-finds them there"),
        Key("source", "yes", "the source id the reason is printed in"),
        Key("line", "yes", "the 1-based line of the source file the reason is printed on"),
        Key("page", "for a PDF", "the 1-based page of a PDF source the line is on"),
        Key("years", "no", "the years it covers: a list, or one year alone; default: every "
                           "year"),
    ),
    "source": (
        Key("file", "yes", "the report's file name, as cited: its text, or its PDF"),
        Key("title", "no", "the report's title"),
        Key("short", "no", "a short name people read in tables, e.g. `CU CSR 2020`; "
                           "default: the title, else the file"),
        Key("language", "no", "the report's language, e.g. `en`, `zh-Hant`"),
    ),
    "kpi": (
        Key("metric", "yes", "a metric id"),
        Key("unit", "yes", "the unit exactly as printed: `萬噸`, `*10,000 tons`, `億度`, "
                           "`千克標準煤╱ TB`"),
        Key("values", "yes", "`{year: value}`; the number as printed without thousands "
                             "separators; magnitudes are **not** applied (`13.6` with "
                             "`*10,000 tons`); a value may be a mapping (below)"),
        Key("source", "yes", "the source id the values are printed in"),
        Key("line", "yes", "the 1-based line of the source file the values are printed on"),
        Key("page", "for a PDF", "the 1-based page of a PDF source the line is on; `line` then "
                                 "counts the lines of that page ([extract.md](extract.md#pdf))"),
        Key("label", "no", "the row label as printed, footnote markers included"),
        Key("approx", "no", "`true` when the report says approximately / over / 約 / 餘"),
        Key("flags", "no", "a list of flags (below)"),
        Key("basis", "no", "what the values count and where, where the report says: a "
                           "mapping of aspects (below), each citing the line that states it; "
                           "`compare` flags rows on unlike bases"),
        Key("shared_with", "no", "another company that counts the same figure (a network two "
                                 "operators built and share), citing the line that says so "
                                 "(below); or a list of them"),
        Key("notes", "no", "anything a reader needs: basis, contradictions, what was left out"),
        Key("also", "no", "other places the same figure is printed: a list of entries (below)"),
    ),
    "also": (
        Key("source", "yes", "the source id of the other printing"),
        Key("line", "yes", "its 1-based line"),
        Key("page", "for a PDF", "its 1-based page, in a PDF source"),
        Key("label", "no", "the label printed there"),
        Key("unit", "no", "the unit printed there, if it differs from the entry's"),
        Key("values", "no", "`{year: value}` as printed there; left out when the line only "
                            "mentions the figure"),
        Key("approx", "no", "`true` when this printing hedges the figure (about, over, 約)"),
        Key("notes", "no", "how this printing relates to the main one"),
    ),
    "value": (
        Key("value", "yes", "the number as printed"),
        Key("printed", "no", "the literal text on the line when the plain number is not there "
                             "(a PDF artefact, a number in words)"),
        Key("approx", "no", "`true` when the report hedges this year's figure"),
        Key("flags", "no", "flags for this year only"),
        Key("basis", "no", "aspects of the basis for this year only (they replace the "
                           "entry's)"),
        Key("shared_with", "no", "as the entry's, for this year only"),
        Key("notes", "no", "a note for this year only"),
    ),
    "basis": tuple(Key(aspect, "no", meaning) for aspect, meaning in BASIS_ASPECTS.items()),
    "stated": (
        Key("value", "yes", "the aspect as the catalog words it (two values are on one basis "
                            "when they word it alike)"),
        Key("line", "yes", "the 1-based line of the report that states it"),
        Key("printed", "no", "the words printed on that line that state it; default: `value`"),
        Key("source", "no (yes on a company)", "the source id of the report that states it; "
                                               "default: the entry's"),
        Key("page", "for a PDF", "the 1-based page of a PDF source the line is on"),
    ),
    "shared_with": (
        Key("company", "yes", "the id of the other company that counts the same figure"),
        Key("line", "yes", "the 1-based line of the report that says the figure is shared"),
        Key("printed", "yes", "the words printed on that line that say so"),
        Key("source", "no", "the source id of that report; default: the entry's"),
        Key("page", "for a PDF", "the 1-based page of a PDF source the line is on"),
    ),
}

ALLOWED: dict[str, frozenset[str]] = {level: frozenset(k.name for k in keys)
                                      for level, keys in LEVELS.items()}


def unknown_keys(keys: object, level: str) -> list[str]:
    """The keys a mapping of this level may not hold, in the mapping's order."""
    allowed = ALLOWED[level]
    return [key for key in keys if key not in allowed]  # type: ignore[attr-defined]


def suggestion(key: object, level: str) -> str:
    """'did you mean ...?' for a misspelt key, else the keys the level allows."""
    names = [k.name for k in LEVELS[level]]
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed here: " + ", ".join(names)


def markdown(level: str) -> str:
    """The level's keys as the Markdown table docs/catalog.md shows."""
    lines = ["| key | required | meaning |", "|---|---|---|"]
    lines += [f"| `{k.name}` | {k.required} | {k.meaning} |" for k in LEVELS[level]]
    return "\n".join(lines)
