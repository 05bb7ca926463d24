"""`esgcmp extract -o FILE`: the draft file is written whole or not at all, and a file
replaced with --force keeps what is its own (the link naming it, its other names, its
mode)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

REPORT = "KPI 2019 2020\nGas (tons) 1 2\n"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def _extract(run, report: Path, target: Path, *more: str):
    result = run("extract", str(report), "-f", "csv", "-o", str(target), *more)
    assert (result.code, result.out, result.err) == (0, "", "")
    return result


def _dotfiles(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_force_writes_the_file_a_symbolic_link_names(run, report, tmp_path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    _extract(run, report, link, "--force")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("line,label,unit,year,value,")
    assert _dotfiles(tmp_path) == []


def test_force_keeps_hard_links_and_the_mode(run, report, tmp_path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old text, longer than nothing\n" * 200, encoding="utf-8")
    target.chmod(0o640)
    other = tmp_path / "other-name.csv"
    os.link(target, other)
    _extract(run, report, target, "--force")
    written = target.read_text(encoding="utf-8")
    assert written.startswith("line,label,unit,year,value,") and "old text" not in written
    assert other.read_text(encoding="utf-8") == written
    assert os.stat(target).st_ino == os.stat(other).st_ino
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_force_keeps_the_mode_of_a_file_with_one_name(run, report, tmp_path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o604)
    _extract(run, report, target, "--force")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o604
    assert target.read_text(encoding="utf-8").startswith("line,label,unit,year,value,")


def test_a_new_file_gets_the_mode_the_umask_allows(run, report, tmp_path) -> None:
    old = os.umask(0o027)
    try:
        _extract(run, report, tmp_path / "new.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o640


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_a_name_as_long_as_a_name_can_be(run, report, tmp_path, force) -> None:
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    target = tmp_path / ("d" * (longest - 4) + ".csv")
    if force:
        target.write_text("old\n", encoding="utf-8")
    _extract(run, report, target, *force)
    assert target.read_text(encoding="utf-8").startswith("line,label,unit,year,value,")
    assert _dotfiles(tmp_path) == []
