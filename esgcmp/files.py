"""Reading a file that someone else may have made: only a regular file, and only up to a
limit, so that a pipe, a device or a huge file cannot hang or exhaust esgcmp."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from .errors import CatalogError


def packaged(name: str) -> Path:
    """A data file shipped beside esgcmp's code. esgcmp is installed as files (it is not
    zip-safe), so the path is the file itself, found without importlib.resources (which
    costs about 4 ms at start-up)."""
    return Path(__file__).with_name(name)


_PARSED: dict[str, dict[str, Any]] = {}  # the TOML data files parsed in this process


def packaged_toml(name: str) -> dict[str, Any]:
    """A TOML data file shipped beside the code, parsed once."""
    found = _PARSED.get(name)
    if found is None:
        import tomllib

        found = _PARSED[name] = tomllib.loads(packaged(name).read_text(encoding="utf-8"))
    return found


def read_regular_file(path: Path, limit: int, what: str, fix_missing: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A pipe, device or socket is
    refused before anything is read from it (opening never waits for a writer), and
    nothing larger than the limit is read."""
    return read_regular_file_and_stat(path, limit, what, fix_missing)[0]


def read_regular_file_and_stat(path: Path, limit: int, what: str,
                               fix_missing: str = "") -> tuple[bytes, os.stat_result]:
    """:func:`read_regular_file`, with the file's status as it was just before it was read
    (from the very file read, not from its name again)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise CatalogError(f"{what} not found", file=str(path), fix=fix_missing) from None
    except OSError as exc:
        raise CatalogError(f"cannot read {what} ({exc.strerror})", file=str(path)) from None
    try:  # what the handle is, before a stream is made of it (a folder makes none)
        status = os.fstat(handle)
        kind = status.st_mode
        if stat.S_ISDIR(kind):
            raise CatalogError(f"is a directory where a {what} was expected", file=str(path))
        if not stat.S_ISREG(kind):
            raise CatalogError(f"is not a regular file (a pipe, device or socket cannot "
                               f"be a {what})", file=str(path))
    except BaseException as exc:
        os.close(handle)
        if isinstance(exc, OSError):
            raise CatalogError(f"cannot read {what} ({exc.strerror})", file=str(path)) from None
        raise
    with os.fdopen(handle, "rb") as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise CatalogError(f"cannot read {what} ({exc.strerror})", file=str(path)) from None
    if len(data) > limit:
        raise CatalogError(f"{what} is larger than {limit // 2**20} MB, the most esgcmp reads",
                           file=str(path), fix="split it into several files")
    return data, status
