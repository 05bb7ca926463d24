"""The answers that read report files: ``source`` (the lines a value is printed on) and
``extract`` (a report's values as a draft catalog); esgcmp.api gives them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .catalog import Catalog
from .derive import EnergyBasis
from .errors import CatalogError, ExitCode, UsageError
from .model import Value
from .results import Extracted, Quote, Quotes
from .units import printed_digits
from .values import listed_value


def source(catalog: Catalog, company: str, metric: str, year: int,
           directory: Path | None = None, context: int = 2,
           basis: EnergyBasis = EnergyBasis()) -> Quotes:
    """The report lines a value is cited on (a derived total: its inputs' lines), each
    with ``context`` lines around it when ``directory`` holds the reports."""
    from .provenance import SourceFiles, place, printed_on

    found_company = catalog.resolve_company(company)
    found_metric = catalog.resolve_metric(metric)
    result = listed_value(catalog, found_company.id, found_metric.id, year, basis)
    if not isinstance(result, Value):
        return Quotes(found_metric, result, [], directory, exit_code=ExitCode.NOT_FOUND)
    observations = ([(found_metric.id, result.observation)] if result.observation else
                    [(i.observation.metric, i.observation) for i in result.inputs])
    if directory is None:
        directory = _beside_catalog([obs for _what, obs in observations])
    files = SourceFiles(directory) if directory is not None else None
    quotes = []
    for what, obs in observations:
        places = [(obs.source, obs.line, obs.value, obs.printed, obs.page)]
        places += [(c.source, c.line, c.value, c.printed, c.page) for c in obs.also]
        for cited, number, value, printed, page in places:
            expected = printed or (printed_digits(value) if value is not None else "")
            if files is None:
                quotes.append(Quote(what, cited, number, expected, None, None, page=page))
                continue
            lines = [(n, files.line(cited.file, n, page)) for n in
                     range(max(1, number - context), number + context + 1)]
            shown = [(n, text) for n, text in lines if text is not None]
            text = files.line(cited.file, number, page)
            problem = files.problems.get(cited.file, "")
            if not problem and files.missing(cited.file):
                problem = f"{cited.file} is not in {directory}"
            elif not problem and text is None:
                problem = f"{cited.file} {files.no_line(cited.file, number, page)}"
            quotes.append(Quote(what, cited, number, expected, shown if not problem else None,
                                None if problem else printed_on(text or "", value, printed),
                                problem, page))
    warnings = [f"{place(quote.source.file, quote.line, quote.page)}: {quote.problem}"
                for quote in quotes if quote.problem]
    if directory is None:
        warnings.append("the reports are not at hand: give --sources DIR, set "
                        "ESGCMP_SOURCES, or keep them beside the catalog that cites them")
    return Quotes(found_metric, result, quotes, directory, warnings=tuple(warnings),
                  exit_code=ExitCode.NOT_FOUND if any(q.problem for q in quotes)
                  else ExitCode.OK)


def _beside_catalog(observations: list[Any]) -> Path | None:
    """The folder of the catalog file that cites these values, when every report they
    cite is a file in it: reports kept beside their catalog need no --sources. None when
    the values come from catalogs in several folders, or a report is not there."""
    folders = {Path(obs.origin.file).parent for obs in observations}
    if len(folders) != 1:
        return None
    folder = folders.pop()
    cited = {c.file for obs in observations for c in (obs.source, *(a.source for a in obs.also))}
    return folder if cited and all((folder / name).is_file() for name in cited) else None


def read_report(path: Path) -> tuple[str, list[list[str]] | None]:
    """A report's plain text (UTF-8) and, for a PDF, its pages' lines (the text is then
    the pages' lines one after the other); a usage error naming the file and, for a text
    that is not UTF-8, the line."""
    from .files import read_regular_file
    from .provenance import MAX_SOURCE_BYTES  # a report is the source its values cite

    try:
        raw = read_regular_file(path, MAX_SOURCE_BYTES, "report",
                                fix_missing="give the report's PDF or text file")
    except CatalogError as exc:
        raise UsageError(str(exc)) from None
    from .pdf import is_pdf

    if is_pdf(raw):
        from .pdf import PdfProblem, read_pages

        try:
            pages = read_pages(raw)
        except PdfProblem as exc:
            raise UsageError(f"{path}: {exc.why}", fix=exc.fix) from None
        return "\n".join(line for page in pages for line in page), pages
    if path.suffix.lower() == ".pdf":  # text read as a report would cite nothing real
        raise UsageError(f"{path}: not a PDF (it does not begin with %PDF-)",
                         fix="check that the file is whole (a download cut short, an "
                             "error page saved in its place?)")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: the report is not UTF-8 text",
                         fix="give the report's PDF, or convert the text with "
                             "'iconv -t UTF-8'") from None


def extract(catalog: Catalog, report: Path, prose: bool = False,
            year: int | None = None) -> Extracted:
    """The values a report's text (or PDF) prints, each assigned to a catalog metric or a
    proposed one (docs/extract.md)."""
    from .draft import make_draft, shown
    from .extract import extract as read_values
    from .htmltables import looks_like_html, read_html

    text, pages = read_report(report)
    if pages is not None:
        from .pdf import extract_pages

        extraction = extract_pages(pages, prose=prose, year=year)
    # a web edition saved as a page is read by its tables' markup (its prose is not read)
    elif report.suffix.lower() in (".html", ".htm") or looks_like_html(text):
        extraction = read_html(text)
    else:
        extraction = read_values(text, prose=prose, year=year)
    draft = make_draft(extraction, catalog)
    # each row left out of the draft is said, so that nothing is dropped unseen
    warnings = [f"{report}:{f'{item.page}:' if item.page else ''}{item.line}: row not read "
                f"({item.why}): {shown(item)[:80]}" for item in extraction.unreadable]
    if not draft.rows:
        warnings.append(f"{report}: no values found (no table under a line of years; "
                        "--prose also reads sentences)")
    return Extracted(report, text, extraction, draft, warnings=tuple(warnings))
