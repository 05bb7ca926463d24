"""Check that the tests pin behaviour, not the built-in catalog's content.

    python tools/catalog_growth.py [metric|company|both] [-- PYTEST ARGUMENTS]

On a copy of this checkout and of the source reports (in a temporary folder; nothing
here is changed), it grows the built-in catalog as a data correction would: `metric`
adds one metric, `company` adds one company with two values and the text of its report,
`both` does both (the default). It runs the test suite on the copy and lists every test
that fails. A data correction may break only the tests of the generated docs, which
`python tools/make_docs.py` brings up to date: the script runs it on the copy and runs
those tests again. It exits 0 when nothing else failed and the regenerated docs pass, 1
otherwise. It takes about as long as the suite.

The source reports are read from $ESGCMP_SEEDS, else ../shared/seeds beside the checkout,
as the tests read them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# A metric under framework codes other metrics have, so that the commands that take a
# code (compare A1.2, show --framework hkex) meet it too.
NEW_METRIC = ("  ghg_scope3: {name: Other indirect GHG emissions (Scope 3), "
              "name_zh: 其他間接溫室氣體排放（範疇三）, category: environmental, unit: tCO2e, "
              "hkex: [A1.2], gri: [\"305-3\"], aliases: [scope 3]}\n")

# A company appended after the last one: two values of metrics every company may have,
# each on its line of a new report.
NEW_COMPANY = """\
  acme-mobile:
    name: Acme Mobile Limited
    name_zh: 極致移動有限公司
    aliases: [acme mobile]
    sources:
      acme-esg-2020: {file: "005_acme_mobile.txt", short: Acme ESG 2020, title: Acme Mobile ESG Report 2020, language: en}
    kpis:
      - metric: ghg
        label: Greenhouse gas emissions
        unit: tCO2e
        values: {2019: 41200, 2020: 40150}
        source: acme-esg-2020
        line: 3
      - metric: employees
        label: Employees
        unit: persons
        values: {2020: 5210}
        source: acme-esg-2020
        line: 4
"""
NEW_REPORT_NAME = "005_acme_mobile.txt"
NEW_REPORT = ("Acme Mobile Limited\nESG Report 2020\n"
              "Greenhouse gas emissions (tCO2e) 41,200 40,150\nEmployees 5,210\n")

# The tests that compare a generated doc with what its generator writes: a change to the
# catalog is meant to make them fail until the docs are regenerated.
GENERATED_DOCS = ("tests/test_docs.py::test_cli_reference_is_current",
                  "tests/test_docs.py::test_examples_are_current",
                  "tests/test_docs.py::test_coverage_is_current",
                  "tests/test_docs.py::test_generated_reference_tables_are_current",
                  "tests/test_vocabulary.py::test_vocabulary_doc_is_current")


def seeds_dir() -> Path:
    return Path(os.environ.get("ESGCMP_SEEDS", REPO.parent / "shared" / "seeds"))


def grow(checkout: Path, seeds: Path, change: str) -> None:
    """Add the metric, the company or both to the checkout's catalog (what it holds
    already is not added again: tests/test_catalog_growth.py grows a copy of a catalog
    this script may have grown)."""
    catalog = checkout / "kpi_catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    if change in ("metric", "both") and NEW_METRIC not in text:
        head, companies = text.split("\ncompanies:\n", 1)
        text = f"{head.rstrip(chr(10))}\n{NEW_METRIC}\ncompanies:\n{companies}"
    if change in ("company", "both") and NEW_COMPANY not in text:
        text = text.rstrip("\n") + "\n" + NEW_COMPANY
        (seeds / NEW_REPORT_NAME).write_text(NEW_REPORT, encoding="utf-8")
    catalog.write_text(text, encoding="utf-8")


def failures(checkout: Path, env: dict[str, str], arguments: list[str]) -> list[str] | None:
    """The ids of the tests that failed, or None when pytest did not run them."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-rfE", "--tb=no", *arguments], cwd=checkout, env=env,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
        return None
    return [line.split()[1] for line in done.stdout.splitlines()
            if line.startswith(("FAILED ", "ERROR "))]


def main(argv: list[str]) -> int:
    change = argv[0] if argv and not argv[0].startswith("-") else "both"
    if change not in ("metric", "company", "both"):
        print(f"catalog_growth: unknown change {change!r}; use metric, company or both",
              file=sys.stderr)
        return 2
    arguments = argv[argv.index("--") + 1:] if "--" in argv else []
    with tempfile.TemporaryDirectory(prefix="esgcmp-growth-") as scratch:
        checkout, seeds = Path(scratch) / "checkout", Path(scratch) / "seeds"
        shutil.copytree(REPO, checkout, ignore=shutil.ignore_patterns(
            ".git", ".venv", "mutants", "__pycache__", ".pytest_cache", ".hypothesis"))
        shutil.copytree(seeds_dir(), seeds)
        grow(checkout, seeds, change)
        env = {**os.environ, "PYTHONPATH": str(checkout), "ESGCMP_SEEDS": str(seeds),
               "ESGCMP_CACHE_DIR": str(Path(scratch) / "cache")}
        failed = failures(checkout, env, arguments)
        if failed is None:
            return 1
        unexpected = [test for test in failed if not test.startswith(GENERATED_DOCS)]
        print(f"after adding {'a metric and a company' if change == 'both' else 'a ' + change}: "
              f"{len(failed)} failed")
        for test in failed:
            print(f"  {test}{'' if test in unexpected else '  (generated docs)'}")
        if unexpected:
            return 1
        if failed:
            subprocess.run([sys.executable, "tools/make_docs.py"], cwd=checkout, env=env,
                           check=True, stdout=subprocess.DEVNULL)
            again = failures(checkout, env, failed)
            print(f"after python tools/make_docs.py: {len(again or [])} of them fail")
            if again or again is None:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
