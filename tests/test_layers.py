"""The layers of docs/architecture.md: the presentation layer reads records and words
them; it never imports the modules that make results."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "esgcmp"


def imported(module: str) -> set[str]:
    """The esgcmp modules a module imports, at run time or for its annotations alone."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
    return found


def test_views_and_wording_import_records_never_the_modules_that_make_them() -> None:
    # precision: the ground floor's rule for digits and ranges (a range's ends in JSON)
    assert imported("views") == {"catalog", "model", "names", "output", "precision",
                                 "results", "units", "wording"}
    assert imported("listviews") == {"draft", "model", "names", "output", "results", "views",
                                     "wording"}
    assert imported("wording") == {"catalog", "model", "names", "precision", "results", "units"}
    for module in ("views", "listviews", "wording"):
        assert not imported(module) & {"api", "values", "intensity", "check", "derive"}


def test_results_stand_on_the_ground_floor() -> None:
    # draft and extract only name the records an extraction holds, for the annotations
    # precision: the Range an intensity stands for
    assert imported("results") == {"draft", "errors", "extract", "model", "precision"}


def test_the_html_page_is_a_view() -> None:
    # it reads records and the reports views make of them; svgchart draws its charts
    assert imported("htmlreport") == {"catalog", "model", "output", "results", "svgchart",
                                      "units", "views", "wording"}
