"""The draft file of ``esgcmp extract``: its company and source ids, its YAML text, and
the file it is written to (checked before any work, written whole or not at all)."""

import os
import re
from contextlib import suppress
from pathlib import Path
from typing import Any

import typer

from .errors import OutputError, UsageError
from .runner import warn


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


def draft_text(result: Any, company: str, name: str | None, source: str) -> str:
    """The draft catalog of an extraction, as YAML."""
    from .draft import draft_yaml

    return draft_yaml(result.draft, report=result.report, company=company, company_name=name,
                      source_id=source, text=result.text, extraction=result.extraction)


def output_path(output: str | None, force: bool, report: Path) -> Path | None:
    """The --output file, checked before any work: a folder, the report itself or an
    existing file without --force is a usage error."""
    if output is None:
        if force:
            raise UsageError("--force applies with --output only",
                             fix="add --output FILE, or leave out --force")
        return None
    if not output.strip():
        raise typer.BadParameter("'' names no file", param_hint="'--output'")
    target = Path(output)
    try:
        if target.is_dir():
            raise typer.BadParameter(f"'{output}' is a folder", param_hint="'--output'")
        if target.exists() and report.exists() and target.samefile(report):
            raise typer.BadParameter(f"'{output}' is the report itself",
                                     param_hint="'--output'")
        if target.exists() and not force:
            raise typer.BadParameter(f"'{output}' exists; add --force to replace it",
                                     param_hint="'--output'")
        if not target.parent.is_dir():
            raise typer.BadParameter(f"folder '{target.parent}' does not exist",
                                     param_hint="'--output'")
    except OSError as exc:
        raise typer.BadParameter(f"cannot use '{output}' ({exc.strerror})",
                                 param_hint="'--output'") from None
    return target


def write_new(target: Path, text: str | bytes, force: bool) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        if force:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)  # fails if the file appeared meanwhile
            os.unlink(temporary)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None
