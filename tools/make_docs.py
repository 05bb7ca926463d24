"""Regenerate every generated doc: docs/cli.md, docs/examples.md, docs/coverage.md,
docs/vocabulary.md and the
generated tables of docs/catalog.md, docs/checks.md and docs/data-quality.md.

Run from anywhere: python tools/make_docs.py
The test suite checks that each of these files is what this writes (tests/test_docs.py);
after a change to the built-in catalog or to what a command prints, this is the one
command to run. It prints the files it changed.

Each generator runs in a process of its own, as it does when run by hand, so that none
of them sees what another loaded (the catalog, the unit registry, the environment).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The generators and the files each writes. make_t2s.py is not among them: it writes
# code from OpenCC's tables, which no change to esgcmp or its catalog touches.
GENERATORS: list[tuple[list[str], list[str]]] = [
    (["-m", "typer", "esgcmp.cli", "utils", "docs", "--name", "esgcmp",
      "--output", "docs/cli.md"], ["cli.md"]),
    (["tools/make_examples.py"], ["examples.md"]),
    (["tools/make_coverage.py"], ["coverage.md"]),
    (["tools/make_vocabulary.py"], ["vocabulary.md"]),
    (["tools/make_reference.py"], ["catalog.md", "checks.md", "data-quality.md"]),
]


def main() -> int:
    # The checkout's own code, whatever esgcmp the interpreter would otherwise import.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for variable in ("ESGCMP_CATALOG", "ESGCMP_PAGER", "ESGCMP_SOURCES"):
        env.pop(variable, None)
    for arguments, files in GENERATORS:
        before = {name: (REPO / "docs" / name).read_bytes() for name in files}
        done = subprocess.run([sys.executable, *arguments], cwd=REPO, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"make_docs: {' '.join(arguments)} failed:\n{done.stderr}", file=sys.stderr)
            return 1
        for name in files:
            if (REPO / "docs" / name).read_bytes() != before[name]:
                print(f"docs/{name} regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
