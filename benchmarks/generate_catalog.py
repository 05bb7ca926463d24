"""Generate a large synthetic esgcmp catalog, split over several YAML files.

    python benchmarks/generate_catalog.py OUTDIR [--companies 2600] [--years 10]
        [--metrics 60] [--files 26] [--seed 1] [--dense]

writes OUTDIR/catalog_00.yaml ... in esgcmp's catalog format (docs/catalog.md), for use
as ``esgcmp compare ghg --year 2020 --catalog OUTDIR``:

- ``catalog_00.yaml`` defines the generated metrics ``gen_metric_01`` ... (metric #0 is
  the built-in ``ghg``, which is used but not redefined: a metric defined twice is an
  error);
- the companies ``gen-co-0001`` ... are spread evenly over the files; each has a name, one
  source and one KPI entry per metric with a value for every year (2015 onwards by
  default), so the catalog holds companies x years x metrics values;
- with ``--dense``, every company also reports the built-in core metrics every year: the
  energy components (electricity, gasoline, diesel, natural gas, purchased heat), Scope 1
  and Scope 2 (``ghg`` is then their sum), water and revenue, so that the checks behind
  the ``inconsistent`` flag (the scopes' sum, emission factors, ratios) read every
  company;
- each KPI keeps its unit as printed, in a realistic mix (萬噸, 百萬噸, ``*10,000 tons``,
  億度, ``hundred million kWh``, 萬元, 億元 ...), and its number is the number as printed
  in that unit.

The output depends only on the arguments (seeded random numbers). The YAML text is
written directly, in the built-in catalog's style (flow maps for metrics, sources and
values), not through a YAML emitter, so generating the full size takes seconds.
This script uses only the standard library.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

FIRST_YEAR = 2015

# Comparison unit -> [(printed unit, magnitude of the printed unit in the comparison unit,
# decimals printed)]. Every printed unit here is one esgcmp reads (docs/units.md).
PRINTED_UNITS: dict[str, list[tuple[str, float, int]]] = {
    "tCO2e": [("萬噸", 1e4, 2), ("百萬噸", 1e6, 3), ("*10,000 tons", 1e4, 2), ("tons", 1, 0),
              ("萬噸二氧化碳當量", 1e4, 2), ("tCO2e", 1, 0)],
    "t": [("萬噸", 1e4, 2), ("百萬噸", 1e6, 3), ("*10,000 tons", 1e4, 2), ("tons", 1, 0),
          ("噸", 1, 1)],
    "MWh": [("億度", 1e5, 2), ("hundred million kWh", 1e5, 2), ("MWh", 1, 0),
            ("萬千瓦時", 10, 1)],
    "m3": [("萬立方米", 1e4, 2), ("立方米", 1, 0), ("cubic meters", 1, 0)],
    "CNY": [("萬元", 1e4, 1), ("億元", 1e8, 2), ("*100 million yuan", 1e8, 2),
            ("*10,000 yuan", 1e4, 1)],
    "persons": [("人", 1, 0), ("persons", 1, 0)],
    "person_times": [("人次", 1, 0), ("萬人次", 1e4, 2), ("person-times", 1, 0)],
    "percent": [("%", 1, 2)],
    "GJ": [("GJ", 1, 0), ("吉焦", 1, 0)],
}
# Typical size of a value in the comparison unit (log-uniform between the bounds).
RANGES: dict[str, tuple[float, float]] = {
    "tCO2e": (1e3, 2e7), "t": (10, 1e6), "MWh": (1e3, 3e7), "m3": (1e4, 5e7),
    "CNY": (1e6, 5e11), "persons": (50, 400_000), "person_times": (100, 2e6),
    "percent": (0.1, 99.0), "GJ": (1e3, 1e6),
}
# Generated metrics cycle through these units (ghg, metric #0, is built in: tCO2e).
METRIC_UNITS = ["t", "MWh", "m3", "CNY", "persons", "person_times", "percent", "tCO2e"]
CATEGORY = {"tCO2e": "environmental", "t": "environmental", "MWh": "environmental",
            "m3": "environmental", "CNY": "economic", "persons": "social",
            "person_times": "social", "percent": "governance"}
WHAT = {"tCO2e": "emissions", "t": "material use", "MWh": "electricity use",
        "m3": "water use", "CNY": "expenditure", "persons": "headcount",
        "person_times": "participations", "percent": "rate"}


# The built-in metrics a dense catalog gives for every company (--dense), after ghg.
CORE = [("ghg_scope1", "tCO2e"), ("ghg_scope2", "tCO2e"), ("electricity", "MWh"),
        ("gasoline", "t"), ("diesel", "t"), ("natural_gas", "m3"), ("purchased_heat", "GJ"),
        ("water", "t"), ("revenue", "CNY")]
BUILT_IN = {"ghg", *(metric_id for metric_id, _unit in CORE)}
SCOPES = ("ghg_scope1", "ghg_scope2")


def metric_ids(count: int, dense: bool = False) -> list[tuple[str, str]]:
    """(id, comparison unit) of each metric; the first is the built-in ghg (and, when
    dense, the core metrics come next)."""
    # (dense: the scopes first, so that ghg, their sum, can be made from them)
    metrics = CORE[:count - 1] + [("ghg", "tCO2e")] if dense else [("ghg", "tCO2e")]
    for index in range(len(metrics), count):
        metrics.append((f"gen_metric_{index:02d}", METRIC_UNITS[(index - 1) % len(METRIC_UNITS)]))
    return metrics


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (for labels and units that hold ',', '*', '%' ...)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: float, decimals: int) -> str:
    if decimals == 0:
        return str(int(round(value)))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text or "0"


def metrics_block(metrics: list[tuple[str, str]]) -> str:
    lines = ["metrics:"]
    for metric_id, unit in metrics:
        if metric_id in BUILT_IN:
            continue
        number = metric_id.rsplit("_", 1)[1]
        lines.append(
            f"  {metric_id}: {{name: Generated metric {number} ({WHAT[unit]}), "
            f"name_zh: 生成指標{number}, category: {CATEGORY[unit]}, unit: {unit}, "
            f"description: \"Synthetic benchmark metric, {unit}.\"}}")
    return "\n".join(lines) + "\n"


def company_block(rng: random.Random, number: int, width: int,
                  metrics: list[tuple[str, str]], years: list[int]) -> str:
    company_id = f"gen-co-{number:0{width}d}"
    source_id = f"{company_id}-esg"
    lines = [
        f"  {company_id}:",
        f"    name: Generated Company {number:0{width}d} Limited",
        f"    name_zh: 生成公司{number:0{width}d}有限公司",
        f"    aliases: [gen{number:0{width}d}]",
        "    sources:",
        f"      {source_id}: {{file: gen_{number:0{width}d}_{years[-1]}.txt, "
        f"title: Generated ESG Report {years[-1]}, language: "
        f"{rng.choice(['en', 'zh-Hant', 'zh-Hans'])}}}",
        "    kpis:",
    ]
    line = rng.randint(100, 400)
    given: dict[str, list[float]] = {}  # each metric's values, in its comparison unit
    for metric_id, unit in metrics:
        low, high = RANGES[unit]
        base = low * (high / low) ** rng.random()
        # A report prints 萬噸 for big figures and tons for small ones.
        fitting = [u for u in PRINTED_UNITS[unit] if u[1] * 10 <= base]
        printed, magnitude, decimals = rng.choice(
            fitting or [min(PRINTED_UNITS[unit], key=lambda u: u[1])])
        levels = []
        level = base
        for _year in years:
            level = level * (1 + rng.uniform(-0.08, 0.1))
            if unit == "percent":
                level = min(level, 100.0)
            levels.append(level)
        if metric_id in ("ghg", *SCOPES) and all(scope in given for scope in SCOPES):
            levels = [one + two for one, two in zip(*(given[scope] for scope in SCOPES))]
        if metric_id in ("ghg", *SCOPES) and len(metrics) > 1 and metrics[1][0] in SCOPES:
            printed, magnitude, decimals = "tCO2e", 1, 0  # (a dense catalog) adds up as printed
        given[metric_id] = levels
        values = [f"{year}: {_number(level / magnitude, decimals)}"
                  for year, level in zip(years, levels)]
        label = (f"溫室氣體排放量（{printed}）" if metric_id == "ghg"
                 else f"{metric_id} ({printed})")
        lines += [
            f"      - metric: {metric_id}",
            f"        label: {_quote(label)}",
            f"        unit: {_quote(printed)}",
            f"        values: {{{', '.join(values)}}}",
            f"        source: {source_id}",
            f"        line: {line}",
        ]
        if rng.random() < 0.02:
            lines.append("        approx: true")
        line += rng.randint(1, 12)
    return "\n".join(lines) + "\n"


def generate(outdir: Path, companies: int = 2600, years: int = 10, metrics: int = 60,
             files: int = 26, seed: int = 1, dense: bool = False) -> list[Path]:
    """Write the catalog files into outdir (created) and return their paths."""
    if companies < 1 or years < 1 or not 1 <= metrics <= 100 or files < 1:
        raise ValueError("need companies >= 1, years >= 1, 1 <= metrics <= 100, files >= 1")
    if FIRST_YEAR + years - 1 > 2100:
        raise ValueError("years run past 2100")
    files = min(files, companies)
    outdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    metric_list = metric_ids(metrics, dense)
    year_list = list(range(FIRST_YEAR, FIRST_YEAR + years))
    width = max(4, len(str(companies)))
    name_width = max(2, len(str(files - 1)))
    written: list[Path] = []
    per_file, extra = divmod(companies, files)
    number = 1
    for index in range(files):
        count = per_file + (1 if index < extra else 0)
        parts = [
            f"# Synthetic esgcmp benchmark catalog, file {index + 1} of {files} "
            f"(generate_catalog.py --companies {companies} --years {years} "
            f"--metrics {metrics} --files {files} --seed {seed}{' --dense' if dense else ''}).\n",
            "schema: 1\n",
        ]
        if index == 0 and any(m not in BUILT_IN for m, _unit in metric_list):
            parts.append(metrics_block(metric_list))
        parts.append("companies:\n")
        for _ in range(count):
            parts.append(company_block(rng, number, width, metric_list, year_list))
            number += 1
        path = outdir / f"catalog_{index:0{name_width}d}.yaml"
        path.write_text("".join(parts), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--companies", type=int, default=2600)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--metrics", type=int, default=60,
                        help="metric #0 is the built-in ghg; the rest are generated")
    parser.add_argument("--files", type=int, default=26)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dense", action="store_true",
                        help="every company reports the core built-in metrics too")
    args = parser.parse_args(argv)
    try:
        paths = generate(args.outdir, args.companies, args.years, args.metrics, args.files,
                         args.seed, args.dense)
    except (ValueError, OSError) as exc:
        print(f"generate_catalog: error: {exc}", file=sys.stderr)
        return 2
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files, {size / 1e6:.1f} MB, "
          f"{args.companies} companies x {args.years} years x {args.metrics} metrics "
          f"into {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
