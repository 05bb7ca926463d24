"""The CLI reference in docs/ is generated from the code and must be current."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import REPO

REGENERATE = "PYTHONPATH=. python -m typer esgcmp.cli utils docs --name esgcmp --output docs/cli.md"


def test_cli_reference_is_current(tmp_path) -> None:
    out = tmp_path / "cli.md"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "typer", "esgcmp.cli", "utils", "docs", "--name",
                    "esgcmp", "--output", str(out)], check=True, cwd=REPO, env=env,
                   capture_output=True)
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == current, f"docs/cli.md is stale: run {REGENERATE}"


def test_examples_are_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_examples", REPO / "tools" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    current = (REPO / "docs" / "examples.md").read_text(encoding="utf-8")
    assert module.render() == current, "docs/examples.md is stale: run python tools/make_examples.py"


def test_coverage_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_coverage", REPO / "tools" / "make_coverage.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    current = (REPO / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert module.render() == current, "docs/coverage.md is stale: run python tools/make_coverage.py"
