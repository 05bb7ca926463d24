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
