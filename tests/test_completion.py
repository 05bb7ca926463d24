"""Shell completion (bash, zsh, fish) of commands, options, companies, metrics and years."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # each case starts esgcmp as the shell would


def _complete(shell: str, words: str, cword: int | None = None, **env: str) -> str:
    variables = {**os.environ, "_ESGCMP_COMPLETE": f"complete_{shell}", **env}
    if shell == "bash":
        variables.update(COMP_WORDS=words, COMP_CWORD=str(cword))
    else:
        variables["_TYPER_COMPLETE_ARGS"] = words
        if shell == "fish":
            variables["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = subprocess.run([sys.executable, "-m", "esgcmp"], env=variables, text=True,
                            capture_output=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


def test_bash_completes_commands_options_companies_metrics_and_years(cache_dir, groups,
                                                                     tiny_path) -> None:
    env = {"ESGCMP_CACHE_DIR": str(cache_dir)}
    assert _complete("bash", "esgcmp com", 1, **env).split() == ["compare", "companies"]
    assert "--per" in _complete("bash", "esgcmp compare ghg --p", 3, **env).split()
    # ids, names and years come from the catalogs the command line names so far
    on = f"--no-builtin --catalog {groups}"
    assert _complete("bash", f"esgcmp show {on} south-t", 5, **env).split() == [
        "south-telecom"]
    assert _complete("bash", f"esgcmp show {on} china-u", 5, **env).split() == []
    assert _complete("bash", f"esgcmp show {on} services 20", 6, **env).split() == [
        "2019", "2020", "2024"]
    assert _complete("bash", f"esgcmp trend ghg {on} -c nor", 7, **env).split() == [
        "north-mobile", "north"]
    assert _complete("bash", f"esgcmp compare ghg {on} --per dr", 7, **env).split() == [
        "drop_rate"]
    assert _complete("bash", f"esgcmp compare --no-builtin --catalog {tiny_path} ghg_s", 5,
                     **env).split() == ["ghg_scope1", "ghg_scope2"]


def test_zsh_and_fish_show_the_names_too(cache_dir) -> None:
    env = {"ESGCMP_CACHE_DIR": str(cache_dir)}
    zsh = _complete("zsh", "esgcmp compare ghg -c china-t", **env)
    assert '"china-telecom":"China Telecommunications Corporation"' in zsh
    fish = _complete("fish", "esgcmp compare ghg -c china-t", **env)
    assert fish.splitlines() == ["china-telecom\tChina Telecommunications Corporation"]


def test_a_catalog_that_cannot_be_read_completes_nothing_quietly(tmp_path, cache_dir) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("companies: [", encoding="utf-8")
    out = _complete("bash", f"esgcmp show --catalog {broken} chi", 4,
                    ESGCMP_CACHE_DIR=str(cache_dir))
    assert out.strip() == ""


def test_the_completion_script_is_printed_for_the_shell(cache_dir) -> None:
    result = subprocess.run([sys.executable, "-m", "esgcmp", "--show-completion"], text=True,
                            capture_output=True, timeout=60,
                            env={**os.environ, "ESGCMP_CACHE_DIR": str(cache_dir)})
    assert result.returncode == 0
    assert "_ESGCMP_COMPLETE" in result.stdout
