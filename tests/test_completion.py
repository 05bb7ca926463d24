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


def test_zsh_and_fish_show_the_names_too(cache_dir, groups) -> None:
    env = {"ESGCMP_CACHE_DIR": str(cache_dir)}
    on = f"--no-builtin --catalog {groups}"
    zsh = _complete("zsh", f"esgcmp compare ghg {on} -c south-t", **env)
    assert '"south-telecom":"South Telecom Corporation"' in zsh
    fish = _complete("fish", f"esgcmp compare ghg {on} -c south-t", **env)
    assert fish.splitlines() == ["south-telecom\tSouth Telecom Corporation"]


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


# Aliases and names that break out of a completion script that does not quote what it
# is given: zsh's evaluates the words and their descriptions ('a\' escapes the quote
# after it, and 'b);>pwned;(' then closes the list and runs '>pwned'); bash's expands
# '*' and '?' to the files of the current folder.
HOSTILE = r"""
schema: 1
metrics:
  ghg: {name: "GHG\"); >pwned-metric; (\"", category: environmental, unit: tCO2e}
companies:
  acme:
    name: "Acme \\\"));>pwned-name;((\" $(>pwned-dollar) `>pwned-tick`"
    aliases: ['a\', 'b);>pwned;(', 'c\', 'a*', 'a?', "a'q", 'a"q', 'a$(>pwned-alias)', 'a b', 'alias-ok', 'ä.1']
    sources:
      s: {file: s.txt, short: S, title: T}
    kpis:
      - {metric: ghg, label: GHG, unit: t, values: {2020: 5}, source: s, line: 1}
"""

# zsh's _arguments turns a '((word:description ...))' action into its list with this very
# line (Completion/Base/_arguments); the rest of _arguments needs a live completion widget.
ZSH_ARGUMENTS = r"""
compdef() { : }
_arguments() {
  local spec=$1 action ws
  action=${spec#\*: :}
  eval ws\=\( "${action[3,-3]}" \)
  print -rl -- "${ws[@]}"
}
"""


def _shell(name: str) -> str:
    import shutil

    found = shutil.which(name)
    if found is None:  # never a silent pass: .ci/run installs both shells
        pytest.fail(f"{name} is not installed; the completion scripts must be run in it")
    return found


@pytest.fixture
def hostile_shell(tmp_path, cache_dir):
    """A folder with files that a glob would match, a hostile catalog, and an 'esgcmp'
    command on PATH that is this checkout's."""
    folder = tmp_path / "work"
    folder.mkdir()
    for name in ("a1", "a2", "abc"):
        (folder / name).write_text("", encoding="utf-8")
    catalog = tmp_path / "hostile.yaml"
    catalog.write_text(HOSTILE, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "esgcmp"
    command.write_text(f"#!/bin/sh\nexec {sys.executable} -m esgcmp \"$@\"\n", encoding="utf-8")
    command.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "ESGCMP_CACHE_DIR": str(cache_dir)}
    return folder, catalog, env


def test_bash_offers_only_plain_words_of_a_hostile_catalog(hostile_shell) -> None:
    folder, catalog, env = hostile_shell
    script = ('eval "$(_ESGCMP_COMPLETE=source_bash esgcmp)"\n'
              'COMP_WORDS=(esgcmp show --no-builtin --catalog "$1" "$2"); COMP_CWORD=5\n'
              '_esgcmp_completion esgcmp\nprintf "<%s>\\n" "${COMPREPLY[@]}"\n')
    for typed, offered in (("a", ["acme", "alias-ok"]), ("", ["acme", "alias-ok", "ä.1"])):
        result = subprocess.run([_shell("bash"), "-c", script, "bash", str(catalog), typed],
                                cwd=folder, env=env, capture_output=True, text=True, timeout=60)
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.splitlines() == [f"<{word}>" for word in offered]
    assert sorted(p.name for p in folder.iterdir()) == ["a1", "a2", "abc"]


def test_zsh_offers_only_plain_words_of_a_hostile_catalog(hostile_shell, tmp_path) -> None:
    folder, catalog, env = hostile_shell
    harness = tmp_path / "complete.zsh"
    harness.write_text(ZSH_ARGUMENTS + 'eval "$(_ESGCMP_COMPLETE=source_zsh esgcmp)"\n'
                       'words=("$@"); CURRENT=$#\n_esgcmp_completion\n', encoding="utf-8")
    zsh = _shell("zsh")
    for words, offered in (
            (["show", "--no-builtin", "--catalog", str(catalog), ""],
             ["acme:Acme pwned-name pwned-dollar pwned-tick", "alias-ok:Acme pwned-name "
              "pwned-dollar pwned-tick", "ä.1:Acme pwned-name pwned-dollar pwned-tick"]),
            (["compare", "--no-builtin", "--catalog", str(catalog), "g"],
             ["ghg:GHG pwned-metric"])):
        result = subprocess.run([zsh, "-f", str(harness), "esgcmp", *words], cwd=folder,
                                env=env, capture_output=True, text=True, timeout=60)
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.splitlines() == offered
    assert sorted(p.name for p in folder.iterdir()) == ["a1", "a2", "abc"]
