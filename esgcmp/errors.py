"""esgcmp's exceptions and exit codes.

The core raises these with structured fields; the CLI catches them in one place and
prints ``str(error)`` as one line on stderr, then exits with ``error.exit_code``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes (docs/exit-codes.md)."""

    OK = 0
    FINDINGS = 1  # `esgcmp check` found errors
    USAGE = 2  # bad command line: unknown option, bad option value
    NOT_FOUND = 3  # unknown company, metric or year; nothing to compare
    CATALOG = 4  # a catalog file is missing, unreadable, malformed or inconsistent
    UNIT = 5  # a unit cannot be parsed or converted
    INTERNAL = 70  # a fault in esgcmp itself (EX_SOFTWARE): please report it
    OUTPUT = 74  # the output cannot be written: stdout closed, disk full (EX_IOERR)
    INTERRUPTED = 130  # Ctrl-C
    BROKEN_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE)


class EsgcmpError(Exception):
    """Base class: every error a user can cause. ``str()`` is the one-line message."""

    exit_code: ExitCode = ExitCode.USAGE


class _FixableError(EsgcmpError):
    """An error whose message may end with how to fix it."""

    def __init__(self, message: str, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message}; {self.fix}" if self.fix else self.message


class UsageError(_FixableError):
    """A command line that cannot be carried out as written: a bad option value, a path
    option naming nothing, an option that does not apply."""

    exit_code = ExitCode.USAGE


class NotFoundError(EsgcmpError):
    """An unknown or ambiguous company, metric or year, with the closest matches and what
    exists."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, kind: str, wanted: str, known: list[str] | None = None,
                 suggestions: list[str] | None = None, hint: str = "",
                 ambiguous: bool = False) -> None:
        self.kind = kind
        self.wanted = wanted
        self.known = known or []
        self.suggestions = suggestions or []
        self.hint = hint
        self.ambiguous = ambiguous
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.ambiguous:
            return (f"{self.kind} '{self.wanted}' is ambiguous: it names "
                    + ", ".join(f"'{s}'" for s in self.suggestions) + "; give one of these ids")
        parts = [f"unknown {self.kind} '{self.wanted}'"]
        if self.suggestions:  # in brackets: a question does not end a part before ';'
            parts[0] += " (did you mean " + ", ".join(f"'{s}'" for s in self.suggestions) + "?)"
        if self.known:
            shown = self.known[:8]
            more = f" +{len(self.known) - len(shown)} more" if len(self.known) > len(shown) else ""
            parts.append(f"known: {', '.join(shown)}{more}")
        if self.hint:
            parts.append(self.hint)
        return "; ".join(parts)


class NoDataError(EsgcmpError):
    """The query is valid but the catalog holds nothing for it."""

    exit_code = ExitCode.NOT_FOUND


class CatalogError(EsgcmpError):
    """A problem in a catalog file, located by file and line where known."""

    exit_code = ExitCode.CATALOG

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 fix: str = "", key: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.fix = fix
        self.key = key  # a mapping key the problem is about: its own line is looked up
        super().__init__(str(self))

    @property
    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text}; {self.fix}" if self.fix else text


class OutputError(EsgcmpError):
    """Standard output cannot be written (closed, or its disk is full)."""

    exit_code = ExitCode.OUTPUT


class UnitError(_FixableError):
    """A unit that cannot be parsed, or two units that cannot be converted."""

    exit_code = ExitCode.UNIT
