"""One run's state (--debug, --no-pager, the output held for the pager, the open
sessions) belongs to that run: nothing of it is left for the next run in the process."""

from __future__ import annotations

import shlex

import pytest

from esgcmp import pager
from esgcmp.errors import NotFoundError
from esgcmp.runner import Run



def test_debug_ends_with_its_run(run) -> None:
    with pytest.raises(NotFoundError, match="unknown company 'nobody'"):
        run("--debug", "show", "nobody", "2020")
    result = run("show", "nobody", "2020")  # one line again, no traceback
    assert (result.code, result.out) == (3, "")
    assert result.err.startswith("esgcmp: error: unknown company 'nobody'; known: ")
    assert result.err.endswith("; see 'esgcmp companies'\n") and result.err.count("\n") == 1


def test_no_pager_ends_with_its_run(run, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(pager, "terminal", lambda: True)
    monkeypatch.setenv("LINES", "3")
    paged = tmp_path / "paged"
    monkeypatch.setenv("ESGCMP_PAGER", f"cat > {shlex.quote(str(paged))}")
    straight = run("--no-pager", "compare", "energy", "--format", "csv")
    assert straight.code == 0 and straight.out.startswith("company,year,metric,")
    assert not paged.exists()
    through = run("compare", "energy", "--format", "csv")
    assert through.code == 0
    assert paged.read_text(encoding="utf-8") == straight.out


def test_a_run_starts_with_nothing_held() -> None:
    run = Run()
    assert (run.debug, run.output.pager_off, run.output.held) == (False, False, [])
