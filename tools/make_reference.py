"""Write the generated tables of docs/catalog.md (the format, from esgcmp/schema.py),
docs/checks.md (the checks, from esgcmp/check.py and esgcmp/checks.toml) and
docs/data-quality.md (what `esgcmp check` finds in the built-in catalog), and the command
line reference docs/cli.md (every command's help, from esgcmp/cli.py, by Typer's
``utils docs``).

Run from the repository root: python tools/make_reference.py
Each table stands between ``<!-- generated: NAME -->`` and ``<!-- end -->``; the test suite
checks that the files are what this script writes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from esgcmp import schema  # noqa: E402
from esgcmp.check import CHECKS, meaning  # noqa: E402

_BLOCK = re.compile(r"(<!-- generated: (\S+) -->\n).*?(<!-- end -->)", re.S)


def findings() -> str:
    """`esgcmp check` on the built-in catalog, as Markdown."""
    from esgcmp.load import catalog_paths, load
    from esgcmp.check import run_checks
    from esgcmp.output import to_tabulate
    from esgcmp.results import CheckResult
    from esgcmp.listviews import check_report

    paths = catalog_paths([], use_env=False, builtin=True)
    report = check_report(CheckResult(run_checks(load(paths)), ["kpi_catalog.yaml"]))
    report.title = ""
    return to_tabulate(report, "pipe").rstrip("\n")


def table(name: str) -> str:
    if name == "findings":
        return findings()
    if name == "checks":
        lines = ["| check | severity | what it does |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.severity} | {meaning(c)} |" for c in CHECKS]
        return "\n".join(lines)
    return schema.markdown(name)


def render(file: str) -> str:
    text = (REPO / "docs" / file).read_text(encoding="utf-8")
    return _BLOCK.sub(lambda m: f"{m.group(1)}{table(m.group(2))}\n{m.group(3)}", text)


def write_cli_reference(output: Path) -> None:
    """docs/cli.md: Typer's reference of the command line, from the commands' help."""
    subprocess.run([sys.executable, "-m", "typer", "esgcmp.cli", "utils", "docs", "--name",
                    "esgcmp", "--output", str(output)], check=True, cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL)


FILES = ("catalog.md", "checks.md", "data-quality.md")

if __name__ == "__main__":
    for name in FILES:
        (REPO / "docs" / name).write_text(render(name), encoding="utf-8")
    write_cli_reference(REPO / "docs" / "cli.md")
