"""Long output on a terminal goes through a pager, as git's does."""

from __future__ import annotations

import shlex
import sys

import pytest

from esgcmp import pager


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pager, "terminal", lambda: True)
    monkeypatch.setenv("LINES", "3")
    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("ESGCMP_PAGER", raising=False)


def _pager_writing_to(path) -> str:
    script = "import os, sys; open(sys.argv[1], 'w').write(os.environ['LESS'] + '|' + " \
             "sys.stdin.read())"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} {shlex.quote(str(path))}"


def test_long_output_goes_through_the_pager_with_less_options(run, terminal, monkeypatch,
                                                              tmp_path) -> None:
    monkeypatch.setenv("ESGCMP_PAGER", "cat")
    plain = run("compare", "energy", "--format", "csv").out
    paged = tmp_path / "paged"
    monkeypatch.setenv("ESGCMP_PAGER", _pager_writing_to(paged))
    result = run("compare", "energy", "--format", "csv")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert paged.read_text(encoding="utf-8") == "FRX|" + plain


def test_pager_falls_back_to_PAGER_and_keeps_the_users_LESS(run, terminal, monkeypatch,
                                                           tmp_path) -> None:
    paged = tmp_path / "paged"
    monkeypatch.setenv("PAGER", _pager_writing_to(paged))
    monkeypatch.setenv("LESS", "-S")
    result = run("metrics", "--format", "csv")
    assert (result.code, result.out) == (0, "")
    assert paged.read_text(encoding="utf-8").startswith("-S|metric,name,")


def test_output_that_fits_is_written_straight_out(run, terminal, monkeypatch, tmp_path) -> None:
    paged = tmp_path / "paged"
    monkeypatch.setenv("ESGCMP_PAGER", _pager_writing_to(paged))
    monkeypatch.setenv("LINES", "500")
    result = run("compare", "energy", "--format", "csv")
    assert result.code == 0 and result.out.startswith("company,year,metric,")
    assert not paged.exists()


@pytest.mark.parametrize("how", [("--no-pager",), ("ESGCMP_PAGER", "cat"), ("PAGER", ""),
                                 ("ESGCMP_PAGER", "no-such-pager-here")])
def test_no_pager(run, terminal, monkeypatch, how) -> None:
    args = ["compare", "energy", "--format", "csv"]
    if how == ("--no-pager",):
        args.insert(0, "--no-pager")
    else:
        monkeypatch.setenv(*how)
    result = run(*args)
    assert result.code == 0 and result.out.startswith("company,year,metric,")


@pytest.mark.parametrize("command", ["no-such-pager-here -R", "{folder}/my pager/less"])
def test_a_pager_that_cannot_start_leaves_the_output_written_out(run, terminal, monkeypatch,
                                                                 tmp_path, command) -> None:
    """A pager the shell cannot find (exit 127), given with options or with a space in its
    path, showed nothing: the output is written straight out, with a warning."""
    (tmp_path / "my pager").mkdir()
    (tmp_path / "my pager" / "less").write_text("#!/bin/sh\ncat\n", encoding="utf-8")
    (tmp_path / "my pager" / "less").chmod(0o755)
    command = command.format(folder=tmp_path)
    monkeypatch.setenv("ESGCMP_PAGER", "cat")
    plain = run("compare", "energy", "--format", "csv").out
    monkeypatch.setenv("ESGCMP_PAGER", command)
    result = run("compare", "energy", "--format", "csv")
    assert (result.code, result.out) == (0, plain)
    assert result.err.endswith(f"esgcmp: warning: the pager '{command}' could not be started "
                               "(the shell's exit status 127); the output is written "
                               "straight out\n")


def test_a_pager_that_is_not_installed_is_said(run, terminal, monkeypatch) -> None:
    monkeypatch.setenv("ESGCMP_PAGER", "cat")
    plain = run("compare", "energy", "--format", "csv").out
    monkeypatch.setenv("ESGCMP_PAGER", "no-such-pager-here")
    result = run("compare", "energy", "--format", "csv")
    assert (result.code, result.out) == (0, plain)
    assert result.err == ("esgcmp: warning: the pager 'no-such-pager-here' is not installed; "
                          "the output is written straight out\n")


def test_no_pager_when_not_a_terminal(run, monkeypatch, tmp_path) -> None:
    paged = tmp_path / "paged"
    monkeypatch.setenv("ESGCMP_PAGER", _pager_writing_to(paged))
    monkeypatch.setenv("LINES", "3")
    result = run("compare", "energy", "--format", "csv")
    assert result.out.startswith("company,year,metric,") and not paged.exists()


def test_check_pages_its_findings_and_keeps_its_exit_code(run, terminal, monkeypatch,
                                                          tmp_path, write) -> None:
    paged = tmp_path / "paged"
    monkeypatch.setenv("ESGCMP_PAGER", _pager_writing_to(paged))
    result = run("check", "--format", "csv")
    assert (result.code, result.out) == (0, "")
    assert paged.read_text(encoding="utf-8").startswith("FRX|severity,check,")


def test_reports_of_one_output_are_parted_by_a_blank_line(run, terminal, monkeypatch,
                                                          tmp_path, on_codes) -> None:
    """A framework code names several metrics: each table after the first starts after a
    blank line, written straight out and through the pager alike."""
    monkeypatch.setenv("ESGCMP_PAGER", "cat")
    plain = run("compare", "A1.2", *on_codes, "--format", "plain").out
    titles = [n for n, line in enumerate(plain.splitlines()) if line.endswith(", tCO2e")]
    assert len(titles) == 3 and titles[0] == 0
    assert all(plain.splitlines()[n - 1] == "" for n in titles[1:])
    assert plain.splitlines()[titles[1] - 2].startswith("Reports: ")
    paged = tmp_path / "paged"
    monkeypatch.setenv("ESGCMP_PAGER", _pager_writing_to(paged))
    assert run("compare", "A1.2", *on_codes, "--format", "plain").out == ""
    assert paged.read_text(encoding="utf-8") == "FRX|" + plain
