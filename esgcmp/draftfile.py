"""The draft file of ``esgcmp extract``: its company and source ids, its YAML text, and
the file it is written to (checked before any work, written whole or not at all)."""

import errno
import os
import re
from contextlib import suppress
from pathlib import Path
from typing import Any

import typer

from .errors import OutputError, UsageError


def slug(text: str, default: str) -> str:
    """An id made of a file name: lower-case, runs of other characters as one '-'."""
    made = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-._")
    return made or default


def draft_id(text: str, option: str) -> str:
    """An id given with an option, or a usage error naming the option."""
    from .schema import ID

    if not ID.fullmatch(text):
        raise typer.BadParameter(f"'{text}' is not an id: use lower-case letters, digits, "
                                 "'-', '_' or '.'", param_hint=option)
    return text


def draft_company(data: Any, company: str | None, name: str | None,
                  report: Path) -> tuple[str, str | None]:
    """The draft's company id, and its name (None: the catalog defines it already)."""
    from .errors import NotFoundError

    if company is not None:
        try:
            known = data.resolve_company(company)
        except NotFoundError:
            pass
        else:
            if name is not None:
                raise UsageError(f"--name: company '{known.id}' is in the catalog already, "
                                 f"named '{known.name}'", fix="leave out --name")
            return known.id, None
        company_id = draft_id(company, "'--company'")
    else:
        company_id = slug(report.stem, "company")
        if company_id in data.companies:
            return company_id, None
    return company_id, name if name is not None else company_id


def draft_ids(data: Any, company: str | None, name: str | None, source: str | None,
              report: Path) -> tuple[str, str | None, str]:
    """The draft's company id and name (None: the catalog defines it already), and its
    source id: given with --company, --name and --source-id, else made of the report's
    file name."""
    company_id, company_name = draft_company(data, company, name, report)
    source_id = draft_id(source, "'--source-id'") if source else slug(report.stem, "report")
    return company_id, company_name, source_id


def draft_text(result: Any, company: str, name: str | None, source: str) -> str:
    """The draft catalog of an extraction, as YAML."""
    from .draftyaml import draft_yaml

    return draft_yaml(result.draft, report=result.report, company=company, company_name=name,
                      source_id=source, text=result.text, extraction=result.extraction)


def extracted_text(result: Any, fmt: str, ids: tuple[str, str | None, str],
                   bom: bool) -> str | bytes:
    """What ``extract`` writes: the draft catalog (yaml) for the company and source ``ids``
    (draft_ids), or one row per value (csv, tsv, xlsx, json)."""
    if fmt == "yaml":
        return draft_text(result, *ids)
    from .output import to_csv, to_json, to_tsv
    from .listviews import extract_report

    rows = extract_report(result.draft, result.report.name)
    if fmt == "xlsx":
        from .workbook import to_xlsx

        return to_xlsx([rows])
    if fmt == "json":
        return to_json(rows)
    return (to_csv if fmt == "csv" else to_tsv)(rows, bom=bom)


def output_path(output: str | None, force: bool, report: Path) -> Path | None:
    """The --output file, checked before any work: a folder, the report itself or an
    existing file without --force is a usage error."""
    if output is None:
        if force:
            raise UsageError("--force applies with --output only",
                             fix="add --output FILE, or leave out --force")
        return None
    target = output_file(output)
    try:
        if target.exists() and report.exists() and target.samefile(report):
            raise typer.BadParameter(f"'{output}' is the report itself",
                                     param_hint="'--output'")
        if target.exists() and not force:
            raise typer.BadParameter(f"'{output}' exists; add --force to replace it",
                                     param_hint="'--output'")
    except OSError as exc:
        raise typer.BadParameter(f"cannot use '{output}' ({exc.strerror})",
                                 param_hint="'--output'") from None
    return target


def output_file(text: str) -> Path:
    """An --output file, checked before any work: a name, not a folder, in a folder that
    exists (whether it may be replaced is the command's to say)."""
    if not text.strip():
        raise typer.BadParameter("'' names no file", param_hint="'--output'")
    target = Path(text)
    try:
        if target.is_dir():
            raise typer.BadParameter(f"'{text}' is a folder", param_hint="'--output'")
        if not target.parent.is_dir():
            raise typer.BadParameter(f"folder '{target.parent}' does not exist",
                                     param_hint="'--output'")
    except OSError as exc:
        raise typer.BadParameter(f"cannot use '{text}' ({exc.strerror})",
                                 param_hint="'--output'") from None
    return target


def write_new(target: Path, text: str | bytes, force: bool) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename over it.

    The temporary file's name is short (the file's own may be as long as a name can be).
    A new file gets the mode the umask allows, as any program's. With ``force``, the file
    replaced keeps what is its own: a symbolic link is followed to the file it names (the
    link stays), the file keeps its mode, and a file with other hard links is written in
    place, its room taken before it is cut, so that all its names show the draft (a
    rename would leave them on the old text)."""
    import stat
    import tempfile

    if force:
        target = Path(os.path.realpath(target))
    try:
        existing = os.stat(target) if force else None
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if existing is not None and stat.S_ISREG(existing.st_mode) and existing.st_nlink > 1:
        _write_in_place(target, data)
        return
    if existing is not None:
        mode = stat.S_IMODE(existing.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".esgcmp-",
                                             suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            os.fchmod(stream.fileno(), mode)
        if force:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)  # fails if the file appeared meanwhile
            os.unlink(temporary)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None


def _write_in_place(target: Path, data: bytes) -> None:
    """The draft written into the file itself (its other names see it too): the room is
    taken first, so that a full disk fails before the old text is touched."""
    try:
        handle = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None
    try:
        if hasattr(os, "posix_fallocate") and data:
            try:
                os.posix_fallocate(handle, 0, len(data))
            except OSError as exc:  # a file system that cannot say: written all the same
                if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                    raise
        written = 0
        while written < len(data):
            written += os.pwrite(handle, data[written:], written)
        os.ftruncate(handle, len(data))
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None
    finally:
        os.close(handle)
