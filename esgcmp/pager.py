"""Standard output: reports written straight out, or held and shown through a pager.

Long output on a terminal goes through a pager as git's does (``less -FRX``); a reader
that goes away (``esgcmp ... | head``) or a disk that fills up ends the run with its own
exit code, never a traceback.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from .errors import OutputError
from .output import Format, Report, render


_FILE_WIDTH = 100  # columns of a table written to an --output file



def _render(report: Report, fmt: Format, stream: Any, console: Any, bom: bool,
            whole_notes: bool) -> None:
    """The report in ``fmt``: the terminal table (esgcmp.terminal, imported only for it;
    its notes cut to a line each unless ``whole_notes``, --notes all), or a text format."""
    if fmt is Format.table:
        from .terminal import print_table

        print_table(report, console, whole_notes)
    else:
        render(report, fmt, stream, bom=bom)

class OutputClosed(Exception):
    """The reader of stdout went away. Not an OSError, so that typer, which turns a
    broken pipe into exit status 1, lets it through to the run's end."""


def terminal() -> bool:
    """Standard output is a terminal (a person reads it)."""
    return sys.stdout.isatty()


def whole_writes() -> None:
    """Make standard output buffered when it is not (``PYTHONUNBUFFERED=1``, ``python -u``):
    a text stream over an unbuffered file ignores a short write, so a report larger than
    a pipe's buffer, written to a reader that quits (``esgcmp export | head -1``), would
    lose its end with no error and exit 0. A buffered writer writes every byte or raises."""
    stream = sys.stdout
    raw = getattr(stream, "buffer", None)
    if not isinstance(stream, io.TextIOWrapper) or not isinstance(raw, io.RawIOBase):
        return
    stream.flush()
    _KEPT.append(stream)  # the old wrapper must never be collected: it would close the file
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=stream.encoding,
                                  errors=stream.errors, line_buffering=stream.line_buffering,
                                  write_through=True)


_KEPT: list[io.TextIOWrapper] = []


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@contextmanager
def writing() -> Iterator[None]:
    """Standard output that fails: a reader gone away, a full disk, a failing device."""
    try:
        yield
    except BrokenPipeError:
        raise OutputClosed from None
    except OSError as exc:
        silence_stdout()
        raise OutputError(f"cannot write the output ({exc.strerror or exc})") from None


def write(text: str | bytes) -> None:
    """Text (or a binary file's bytes) written straight to standard output (never
    through the pager)."""
    with writing():
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()


def _raise_broken_pipe() -> None:
    """rich exits with status 1 on a broken pipe; esgcmp's own handler decides."""
    raise BrokenPipeError


class Output:
    """The reports of one run: written out as they come, or, when a pager is to show
    them, held until the command has succeeded and then shown at once."""

    def __init__(self) -> None:
        self.pager_off = False  # --no-pager
        self.held: list[str] = []
        self.target: Any = None  # --output: the file (a Path) the output is written to
        self.filed: list[str] = []  # text for the --output file, written when the run ends
        self.sheets: list[Report] = []  # xlsx: the reports, one workbook when the run ends
        self.chart: Any = None  # --chart-file: (the file, its SVG text), written at the end
        self.whole_notes = False  # --notes all: a table's notes whole, not a line each

    def pager(self) -> str | None:
        """The pager command for this output, or None: standard output is not a terminal,
        --no-pager, or ESGCMP_PAGER (else PAGER) is empty or 'cat'."""
        if self.pager_off or not terminal():
            return None
        command = os.environ.get("ESGCMP_PAGER", os.environ.get("PAGER", "less")).strip()
        return None if command in ("", "cat") else command

    def emit(self, report: Report, fmt: Format, bom: bool = False, before: str = "") -> None:
        """The report written out (or held for the pager or the --output file), after the
        text ``before``."""
        if fmt is Format.xlsx:
            self.sheets.append(report)
            return
        if self.target is not None:
            stream = io.StringIO()
            from rich.console import Console

            _render(report, fmt, stream, bom=bom and not self.filed,
                    whole_notes=self.whole_notes,
                    console=Console(file=stream, highlight=False, markup=False, emoji=False,
                                    width=_FILE_WIDTH))
            self.filed.append(before + stream.getvalue())
            return
        paged = self.pager() is not None
        stream: Any = io.StringIO() if paged else sys.stdout
        console = None
        if fmt is Format.table:
            from rich.console import Console

            console = Console(file=stream, highlight=False, markup=False, emoji=False)
            if paged:  # the terminal's width and colours, written into the buffer
                screen = Console(file=sys.stdout)
                console = Console(file=stream, highlight=False, markup=False, emoji=False,
                                  force_terminal=True, width=screen.width,
                                  color_system=screen.color_system, no_color=screen.no_color)
            console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign]
        with writing():
            stream.write(before)
            _render(report, fmt, stream, console=console, bom=bom,
                    whole_notes=self.whole_notes)
            if paged:
                self.held.append(stream.getvalue())
            else:
                sys.stdout.flush()

    def emit_all(self, reports: list[Report], fmt: Format, bom: bool = False) -> None:
        """Several reports (a framework code names several metrics) as one output."""
        if len(reports) == 1 or fmt.for_people:
            for number, report in enumerate(reports):  # a blank line before each after the first
                self.emit(report, fmt, bom, before="\n" if number else "")
            return
        merged = Report(rows=[row for r in reports for row in r.rows],
                        columns=list(dict.fromkeys(c for r in reports for c in r.columns)),
                        display=reports[0].display)
        self.emit(merged, fmt, bom)

    def emit_document(self, text: str) -> None:
        """A whole document (`report`'s HTML page): into the --output file when the run
        ends, else straight to standard output, never through the pager (it is not for
        reading on a terminal)."""
        if self.target is not None:
            self.filed.append(text)
        else:
            write(text)

    def finish(self) -> str | None:
        """The run has succeeded: write the --output file or the workbook, else show
        what the pager holds (and say why the pager could not be used, if it could
        not). A --chart-file is written first, whole or not at all."""
        if self.chart is not None:
            from .draftfile import write_new

            target, text = self.chart
            self.chart = None
            write_new(target, text, force=True)
        if self.sheets:
            from .workbook import to_xlsx

            data = to_xlsx(self.sheets)
            self.sheets.clear()
            if self.target is None:  # standard output is a file or a pipe (checked before)
                write(data)
            else:
                self._write_file(data)
        elif self.target is not None:
            self._write_file("".join(self.filed).encode("utf-8"))
            self.filed.clear()
        else:
            return self.page()
        return None

    def _write_file(self, data: bytes) -> None:
        from .draftfile import write_new

        write_new(self.target, data, force=True)

    def page(self) -> str | None:
        """Show the held output: straight out when it fits the terminal's height (as
        'less -F' would), else through the pager, as git does (LESS=FRX unless LESS is
        set). A pager that cannot be started leaves the output written straight out;
        the return says why, for a warning."""
        import shutil
        import signal
        import subprocess

        text = "".join(self.held)
        self.held.clear()
        command = self.pager()
        if not text or command is None:
            return None
        if text.count("\n") < shutil.get_terminal_size().lines:
            write(text)
            return None
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")
        env.setdefault("LV", "-c")
        words = command.split()
        if len(words) == 1 and shutil.which(words[0]) is None:  # no such pager: write it out
            write(text)
            return f"the pager '{command}' is not installed; the output is written straight out"
        sys.stdout.flush()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the pager
        try:
            try:
                pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env,
                                         encoding="utf-8", errors="replace")
            except OSError as exc:  # no shell to start it
                write(text)
                return (f"the pager '{command}' could not be started ({exc.strerror or exc}); "
                        "the output is written straight out")
            with suppress(BrokenPipeError, OSError):  # the reader quit before the end
                assert pager.stdin is not None
                pager.stdin.write(text)
                pager.stdin.close()
            status = pager.wait()
        finally:
            signal.signal(signal.SIGINT, previous)
        # The shell's own codes for a command it could not find (127) or run (126), as a
        # path with a space in it, unquoted, gives: the pager showed nothing.
        if status in (126, 127):
            write(text)
            return (f"the pager '{command}' could not be started (the shell's exit status "
                    f"{status}); the output is written straight out")
        return None
