"""docs/exit-codes.md matches what the code does: every documented code is an ExitCode,
and a command line produces each one, with one line on stderr and nothing on stdout."""

from __future__ import annotations

import errno
import os
import re
import shlex
import subprocess
import sys

import pytest

from esgcmp.errors import ExitCode

from .conftest import REPO, TINY_CATALOG


def documented() -> dict[int, str]:
    text = (REPO / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    return {int(code): name for code, name in re.findall(r"^\| (\d+) \| (\w+) \|", text, re.M)}


def test_the_documented_codes_are_the_codes() -> None:
    assert documented() == {code.value: code.name for code in ExitCode}


USAGE = [
    (["compare", "ghg", "--basis", "foo"], "Invalid value for '--basis'"),
    (["compare", "energy", "--kgce-per-kwh", "abc", "--basis", "generation"],
     "'abc' is not a number"),
    (["compare", "energy", "--basis", "generation", "--kgce-per-kwh", "nan"],
     "'nan' is not a finite number"),
    (["compare", "energy", "--basis", "generation", "--kgce-per-kwh", "5"],
     "5 is not between 0.1229 and 1"),
    (["compare", "energy", "--basis", "generation"], "needs the year's coefficient"),
    (["compare", "energy", "--kgce-per-kwh", "0.3"], "applies to --basis generation only"),
    (["trend", "tiny", "ghg", "-c", "tiny-group"],
     "name the companies either with -c/--peers or before the metric, not both; "
     "esgcmp trend ghg -c ..."),
    (["trend", "ghg", "--from", "2020", "--to", "2019"],
     "--from 2020 is not before --to 2019; give an earlier --from or a later --to"),
    (["trend", "ghg", "--chart", "-f", "json"], "--chart draws bars in table"),
    (["compare", "ghg", "--from", "2019"], "--from applies with --change only; add --change"),
    (["trend"], "Missing argument 'METRIC'"),
    (["trend", "ghg", "--year", "2020"], "--year does not apply to 'esgcmp trend' (it is an "
                                         "option of compare, coverage, export, extract, rank, "
                                         "report)"),
    (["show", "tiny", "2020", "--unit", "kt"], "--unit does not apply to 'esgcmp show' (it is "
                                               "an option of compare, rank, trend)"),
    (["check", "--sources", "/nonexistent"], "'/nonexistent' does not exist"),
    (["check", "--jump", "nan"], "'nan' is not a finite number"),
    (["compare", "ghg", "--bom", "-f", "json"], "--bom applies to CSV and TSV only"),
    (["compare", "ghg", "--chart", "-f", "csv"], "--chart draws bars in table"),
    (["compare", "ghg", "--per", "revenue", "--change"], "--change does not apply"),
    (["show", "tiny", "2020", "--framework", "sasb"], "Invalid value for '--framework'"),
    (["compare"], "Missing argument"),
]


@pytest.mark.parametrize(("args", "message"), USAGE, ids=[re.sub(r"[^A-Za-z0-9_.-]+", "_", "_".join(a)) for a, _m in USAGE])
def test_usage_errors_exit_2(run, tiny, args, message) -> None:
    result = run(*args, "--no-builtin", "--catalog", str(tiny))
    assert (result.code, result.out) == (ExitCode.USAGE, "")
    assert result.err.startswith("esgcmp: error: ") and result.err.count("\n") == 1
    assert message in result.err


def test_every_documented_code_is_produced(run, tiny, write, monkeypatch, capsys) -> None:
    catalog = ["--no-builtin", "--catalog", str(tiny)]
    seen = {
        0: run("metrics", "-f", "csv", *catalog).code,
        2: run("compare", "ghg", "--basis", "foo", *catalog).code,
        3: run("show", "nobody", "2020", *catalog).code,
        4: run("metrics", "--no-builtin", "--catalog",
               str(write("bad.yaml", "schema: 1\nmetrics: [1\n"))).code,
        5: run("compare", "ghg", "--unit", "MWh", *catalog).code,
    }
    sources = tiny.parent / "sources"
    sources.mkdir()
    (sources / "tiny.txt").write_text("nothing here\n", encoding="utf-8")
    seen[1] = run("check", "--sources", str(sources), *catalog).code

    def interrupt(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("esgcmp.api.compare", interrupt)
    interrupted = run("compare", "ghg", *catalog)
    seen[130] = interrupted.code
    assert interrupted.err == "esgcmp: error: interrupted\n"
    monkeypatch.undo()

    class ClosedPipe:
        def write(self, _text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

        def isatty(self) -> bool:
            return False

        def fileno(self) -> int:
            raise ValueError

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    seen[141] = run("metrics", "-f", "csv", *catalog).code
    monkeypatch.undo()

    class FullDisk(ClosedPipe):
        def write(self, _text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sys.stdout", FullDisk())
    full = run("metrics", "-f", "csv", *catalog)
    monkeypatch.undo()
    assert full.err == "esgcmp: error: cannot write the output (No space left on device)\n"
    seen[74] = full.code

    def fault(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("esgcmp.api.compare", fault)
    faulty = run("compare", "ghg", *catalog)
    monkeypatch.undo()
    assert faulty.err == ("esgcmp: error: internal error (ZeroDivisionError: division by zero); "
                          "please report it with the output of the same command run as "
                          "'esgcmp --debug COMMAND ...'\n")
    seen[70] = faulty.code
    assert seen == {code: code for code in documented()}


@pytest.fixture
def tiny(write):
    return write("tiny.yaml", TINY_CATALOG)


def _esgcmp_in_a_shell(line: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A shell line in which ``esgcmp`` is this checkout's, run as a user runs it."""
    script = f"esgcmp() {{ {shlex.quote(sys.executable)} -m esgcmp \"$@\"; }}\n{line}"
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


@pytest.mark.slow
@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_quits_early_is_exit_141_through_a_real_pipe(cache_dir, unbuffered) -> None:
    """The output is larger than a pipe holds: the write that the reader's exit cuts short
    must end the run with 141 whether Python buffers standard output or not (with
    PYTHONUNBUFFERED=1 a short write used to be ignored and the run exited 0)."""
    result = _esgcmp_in_a_shell('esgcmp export | head -1; echo "${PIPESTATUS[@]}" >&2',
                                PYTHONUNBUFFERED=unbuffered, ESGCMP_CACHE_DIR=str(cache_dir))
    assert result.stdout.startswith("company,year,metric,value,unit,")
    assert result.stderr == "141 0\n"


@pytest.mark.slow
def test_debug_shows_the_traceback_escaped_and_keeps_the_exit_code(write, cache_dir) -> None:
    catalog = write("escape.yaml", TINY_CATALOG)
    for args, code in ((["show", "nobody", "2020"], 3), (["compare", "ghg", "--basis", "x"], 2),
                       (["show", "\x1b]0;title\x07", "2020"], 3)):
        result = subprocess.run(
            [sys.executable, "-m", "esgcmp", "--debug", *args, "--no-builtin", "--catalog",
             str(catalog)],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "ESGCMP_CACHE_DIR": str(cache_dir)})
        assert result.returncode == code, (args, result.stderr)
        assert result.stderr.startswith("Traceback (most recent call last):\n")
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "esgcmp.errors.NotFoundError: unknown company '\\x1b]0;title\\x07'")
