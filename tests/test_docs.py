"""The CLI reference in docs/ is generated from the code and must be current."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO

REGENERATE = "PYTHONPATH=. python -m typer esgcmp.cli utils docs --name esgcmp --output docs/cli.md"


@pytest.mark.slow
def test_cli_reference_is_current(tmp_path) -> None:
    out = tmp_path / "cli.md"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "typer", "esgcmp.cli", "utils", "docs", "--name",
                    "esgcmp", "--output", str(out)], check=True, cwd=REPO, env=env,
                   capture_output=True)
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == current, f"docs/cli.md is stale: run {REGENERATE}"


def _render(script: str) -> str:
    """What tools/SCRIPT.py would write, without writing it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(script, REPO / "tools" / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render()


def test_examples_are_current() -> None:
    current = (REPO / "docs" / "examples.md").read_text(encoding="utf-8")
    assert _render("make_examples") == current, \
        "docs/examples.md is stale: run python tools/make_examples.py"


def test_coverage_is_current() -> None:
    current = (REPO / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert _render("make_coverage") == current, \
        "docs/coverage.md is stale: run python tools/make_coverage.py"


def test_generated_reference_tables_are_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_reference",
                                                  REPO / "tools" / "make_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in module.FILES:
        current = (REPO / "docs" / name).read_text(encoding="utf-8")
        assert "<!-- generated: " in current
        assert module.render(name) == current, \
            f"docs/{name} is stale: run python tools/make_reference.py"


def test_every_output_column_is_documented(run) -> None:
    """docs/output.md names every CSV/JSON column any command writes."""
    documented = (REPO / "docs" / "output.md").read_text(encoding="utf-8")
    commands = [("metrics",), ("companies",), ("show", "china-unicom", "2020", "--change"),
                ("compare", "energy", "--change", "--from", "2018"),
                ("compare", "ghg", "--per", "revenue"), ("trend", "ghg", "--from", "2018"),
                ("check",), ("export",), ("source", "unicom", "ghg", "2020")]
    for command in commands:
        header = run(*command, "--format", "csv").out.splitlines()[0].split(",")
        undocumented = [c for c in header if f"`{c}`" not in documented]
        assert undocumented == [], command
