"""One run of the command line: its state, and how it ends.

:class:`Run` is everything a run keeps between parsing its options and exiting: whether
to show tracebacks, the output held for the pager, the catalog sessions to close. It is
made by :func:`execute` and handed to the commands as the click context's object.

:func:`execute` turns every way a run can end into an exit code: an error is one line on
stderr (docs/exit-codes.md), a traceback only with --debug.
"""

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

import typer

from .errors import EsgcmpError, ExitCode
from .output import terminal_text
from .pager import Output, OutputClosed, silence_stdout, whole_writes

# click's exception classes, reached through typer's public BadParameter (typer vendors
# click; its private module path is not part of its interface).
_CLICK_ERRORS = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
ClickException: type[Exception] = _CLICK_ERRORS["ClickException"]
ClickUsageError: type[Exception] = _CLICK_ERRORS["UsageError"]


def warn(message: str) -> None:
    """One warning line on stderr (which may be closed: the warning is then lost)."""
    with suppress(OSError, AttributeError, ValueError):
        sys.stderr.write(f"esgcmp: warning: {terminal_text(message, one_line=True)}\n")


def warn_all(messages: Iterable[str]) -> None:
    """A warning line for each message, in order."""
    for message in messages:
        warn(message)


def fail(message: str, code: int) -> int:
    """One error line on stderr; the exit code."""
    with suppress(OSError, AttributeError, ValueError):  # stderr closed too: the code says it
        sys.stderr.write(f"esgcmp: error: {terminal_text(message, one_line=True)}\n")
        sys.stderr.flush()
    return code


class Run:
    """The state of one run: --debug, the output (and its pager), the open sessions."""

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug
        self.output = Output()
        self._open: list[Any] = []  # sessions to close when the command has succeeded
        self._seen: list[Any] = []  # every session of this run, for the store's warning

    def session(self, catalogs: list[str] | None, no_builtin: bool):  # -> api.Session
        from .api import Session

        session = Session(catalogs, builtin=not no_builtin)
        self._open.append(session)
        self._seen.append(session)
        return session

    def catalog(self, catalogs: list[str] | None, no_builtin: bool):  # -> Catalog
        session = self.session(catalogs, no_builtin)
        with reading(session):
            return session.catalog

    def succeeded(self) -> None:
        """The command has done its work: close its sessions, show what the pager holds."""
        while self._open:
            self._open.pop().close()
        problem = self.output.finish()
        if problem is not None:
            warn(problem)

    def warn_about_the_store(self) -> None:
        """Say once why the cache was not used (a folder others can change, say)."""
        problems = {s.store.problem for s in self._seen if s.store is not None and s.store.problem}
        self._seen.clear()
        for problem in sorted(problems):
            warn(problem)


@contextmanager
def reading(session: Any) -> Iterator[None]:
    """A progress bar on stderr while a large catalog is read (a terminal only)."""
    if not sys.stderr.isatty() or sum(_size(p) for p in session.paths) < 2_000_000:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("Reading catalogs", total=len(session.paths))
        session.progress = lambda done, _total, _file: bar.update(task, completed=done)
        yield


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def execute(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run the command line ``app`` and return the exit code; errors are one line on
    stderr."""
    run = Run(debug=os.environ.get("ESGCMP_DEBUG", "") not in ("", "0"))
    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with standard output closed (>&-)
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the exit
        return fail("cannot write the output: standard output is closed", ExitCode.OUTPUT)
    whole_writes()
    try:
        return _finish(run, app, _command_for(app, args), args)
    finally:
        run.warn_about_the_store()


def _command_for(app: typer.Typer, args: list[str]) -> Any:
    """The command line's click command, made with only the subcommand the arguments name
    when they name one; with all of them for help, completion and anything else.

    Kept for speed: making every command costs 26 million instructions more of 759
    million on a warm ``compare ghg -f csv`` (under callgrind), about 3.5 ms, and CSV
    start-up, 7.3 to 7.7 times ``python -c pass`` before this module was split out of
    cli.py, would reach its limit of 8 times without it."""
    import copy

    name = next((arg for arg in args if not arg.startswith("-")), None)
    chosen = [info for info in app.registered_commands
              if (info.name or info.callback.__name__.replace("_", "-")) == name]
    if not chosen or any(key.endswith("_COMPLETE") for key in os.environ):
        return typer.main.get_command(app)
    only = copy.copy(app)
    only.registered_commands = chosen
    return typer.main.get_command(only)


def _finish(run: Run, app: typer.Typer, command: Any, args: list[str]) -> int:
    try:
        result = command.main(args=args, prog_name="esgcmp", standalone_mode=False, obj=run)
        if result == ExitCode.INTERRUPTED:  # typer's word for a KeyboardInterrupt
            return fail("interrupted", ExitCode.INTERRUPTED)
        run.succeeded()
        return int(result) if isinstance(result, int) else 0
    except typer.Exit as exc:
        run.succeeded()
        return exc.exit_code
    except ClickUsageError as exc:
        if run.debug:
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":  # typer has printed the help
            return ExitCode.USAGE
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = f" (see '{ctx.command_path} --help')"
        message = exc.format_message()  # type: ignore[attr-defined]
        if type(exc).__name__ == "NoSuchOption" and ctx is not None:
            message = _not_here(typer.main.get_command(app), getattr(exc, "option_name", ""),
                                ctx) or message
        return fail(message + hint, ExitCode.USAGE)
    except ClickException as exc:
        if run.debug:
            raise
        return fail(exc.format_message(), ExitCode.USAGE)  # type: ignore[attr-defined]
    except typer.Abort:
        return fail("interrupted", ExitCode.INTERRUPTED)
    except EsgcmpError as exc:
        if run.debug:
            raise
        return fail(str(exc), exc.exit_code)
    except (BrokenPipeError, OutputClosed):
        silence_stdout()
        return ExitCode.BROKEN_PIPE
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERRUPTED)
    except OSError as exc:  # help or version written to a full disk
        if run.debug:
            raise
        if exc.filename is None:
            silence_stdout()
            return fail(f"cannot write the output ({exc.strerror or exc})", ExitCode.OUTPUT)
        return _internal(exc)
    except Exception as exc:  # noqa: BLE001 - a fault in esgcmp: one line, never a traceback
        if run.debug:
            raise
        return _internal(exc)


def _not_here(root: Any, option: str, ctx: Any) -> str:
    """An option another command takes: say which, instead of guessing a spelling."""
    takers = [name for name, sub in getattr(root, "commands", {}).items()
              if any(option in (*p.opts, *p.secondary_opts) for p in sub.params)]
    if not takers or ctx.info_name in takers:
        return ""
    return (f"{option} does not apply to 'esgcmp {ctx.info_name}' (it is an option of "
            f"{', '.join(sorted(takers))})")


def _internal(exc: BaseException) -> int:
    return fail(f"internal error ({type(exc).__name__}: {exc}); please report it with the "
                "output of the same command run as 'esgcmp --debug COMMAND ...'",
                ExitCode.INTERNAL)


def debug_end(exc: BaseException) -> int:
    """The end of a run that raised under --debug: its traceback on stderr, escaped as an
    error line is (catalog text in a message can hold escape sequences), and the exit
    code the same error has without --debug."""
    import traceback

    text = "".join(traceback.format_exception(exc))
    with suppress(OSError, AttributeError, ValueError):
        sys.stderr.write(terminal_text(text))
        sys.stderr.flush()
    if isinstance(exc, EsgcmpError):
        return exc.exit_code
    if isinstance(exc, ClickException):
        return ExitCode.USAGE
    if isinstance(exc, OSError) and exc.filename is None:  # help written to a full disk
        return ExitCode.OUTPUT
    return ExitCode.INTERNAL


def exit_at_once(code: int) -> NoReturn:
    """End the process as soon as its output is written, without freeing every object of
    the answer one by one (nothing is left to do: the sessions are closed, the pager has
    quit). Kept for speed: a normal exit costs about 6% more CPU on a warm
    ``compare ghg -f csv`` (44 million instructions more of 735 million, under callgrind),
    about 6 ms."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
