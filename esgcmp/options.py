"""The options several commands share, declared once, and their parsing into typed
values: a bad value is a usage error (exit 2) that names the option.

:func:`shared_options` adds them to a command after its own options (as sqlite-utils'
``@output_options`` does) and hands the command one :class:`Options` object, which also
opens the catalog and writes the output of the run.
"""

# No postponed annotations here: typer reads every option's type when the command is
# made, and evaluating the annotations' text then (compiling each) costs more than
# evaluating them once at import: 10 million instructions more of 735 million on a warm
# `compare ghg -f csv` under callgrind, about 1.5 ms. Kept because CSV start-up has
# about that much to spare below its target (8 times `python -c pass`).

import functools
import inspect
import os
import re
from collections.abc import Callable
from contextlib import suppress
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import completion
from .decimals import LIMITS, out_of_bounds
from .errors import CatalogError, NotFoundError, UsageError
from .model import ElectricityBasis
from .output import Format
from . import pager
from .output import Report
from .runner import Run, reading

CatalogOption = Annotated[Optional[list[str]], typer.Option(
    "--catalog", help="A user catalog file or directory of them, layered over the built-in "
                      "catalog (repeatable; also ESGCMP_CATALOG, paths separated by "
                      "the OS path separator, : on Linux and macOS).", show_default=False)]
NoBuiltinOption = Annotated[bool, typer.Option(
    "--no-builtin", help="Leave out the built-in catalog: read only --catalog and "
                         "ESGCMP_CATALOG.")]
FormatOption = Annotated[Optional[Format], typer.Option(
    "--format", "-f", help="Output format; default: table on a terminal, plain otherwise.",
    show_default=False, case_sensitive=False)]
BomOption = Annotated[bool, typer.Option(
    "--bom", help="Start CSV or TSV with a UTF-8 byte-order mark, so Excel keeps Chinese "
                  "text.")]
OutputOption = Annotated[Optional[str], typer.Option(
    "--output", "-o", help="Write the output to this file (replaced if it exists) instead "
                           "of standard output; its name's ending (.xlsx, .csv, .tsv, "
                           ".json, .md, .txt) sets the format unless --format is given.",
    show_default=False, metavar="FILE")]
BasisOption = Annotated[ElectricityBasis, typer.Option(
    "--basis", help="Electricity basis of a derived energy total: calorific "
                    "(0.1229 kgce/kWh, GB/T 2589) or generation (needs --kgce-per-kwh).",
    case_sensitive=False)]
CoefficientOption = Annotated[Optional[str], typer.Option(
    "--kgce-per-kwh", help="Generation-equivalent coefficient for --basis generation, "
                           "e.g. 0.3 (the average coal use of thermal power supply in that year).",
    show_default=False, metavar="NUMBER")]
WideOption = Annotated[bool, typer.Option(
    "--wide", help="One row per company, a column per year (or per metric), units in the "
                   "headings: for a spreadsheet.")]
class NotesShown(str, Enum):
    brief = "brief"
    all = "all"


NotesOption = Annotated[NotesShown, typer.Option(
    "--notes", help="The notes under a terminal table: brief (each cut to a line) or all "
                    "(whole, as plain and markdown output give them).",
    case_sensitive=False)]
PartialOption = Annotated[bool, typer.Option(
    "--partial", help="Derive an energy total even when a component it requires "
                      "(electricity) is never reported; such a sum is flagged partial.")]

FxOption = Annotated[Optional[list[str]], typer.Option(
    "--fx", help="An exchange rate, for amounts printed in another currency than their "
                 "metric: FROM:TO=RATE@DATE, e.g. HKD:CNY=0.8912@2020-12-31 (1 HKD = "
                 "0.8912 CNY), used for the values of the year of its date (repeatable; "
                 "esgcmp holds no rate of its own).", show_default=False, metavar="RATE")]
FxFileOption = Annotated[Optional[list[Path]], typer.Option(
    "--fx-file", help="A TOML file of exchange rates: from, to, rate, date and the source "
                      "that published it, for each (repeatable).", show_default=False,
    metavar="FILE")]


# The options several commands take, declared once: the same flags, completion and
# defaults everywhere; the help, which says what the option does in that command, is
# each command's own.
def company_option(text: str) -> Any:
    return typer.Option("--company", "-c", help=text, show_default=False,
                        autocompletion=completion.company)


def metric_option(text: str) -> Any:
    return typer.Option("--metric", "-m", help=text, show_default=False,
                        autocompletion=completion.metric)


def per_option(text: str) -> Any:
    return typer.Option("--per", "-p", help=text, show_default=False,
                        autocompletion=completion.metric)


def unit_option(text: str) -> Any:
    return typer.Option("--unit", "-u", help=text, show_default=False)


def year_option(text: str) -> Any:
    return typer.Option("--year", "-y", help=text, show_default=False)


def sources_option(text: str) -> Any:
    return typer.Option("--sources", help=text, show_default=False)


def chart_file_option(drawn: str) -> Any:
    """--chart-file, its help ending with what the command draws."""
    return typer.Option("--chart-file", help="Also draw the values into this SVG file "
                                             f"(replaced if it exists): {drawn}",
                        show_default=False, metavar="FILE.svg")


def from_option(text: str) -> Any:
    return typer.Option("--from", help=text, show_default=False)


def framework_option(text: str) -> Any:
    return typer.Option("--framework", help=text, case_sensitive=False, show_default=False)


def change_option(text: str) -> Any:
    return typer.Option("--change", help=text)


def chart_option(text: str) -> Any:
    return typer.Option("--chart", help=text)


def include_flagged_option(text: str) -> Any:
    return typer.Option("--include-flagged", help=text)


# --peers, declared once for every command whose -c names companies (esgcmp.rank.peers)
Peers = Annotated[Optional[str], typer.Option(
    "--peers", help="A peer group's companies, with those of -c: `esgcmp peers` lists the "
                    "groups (the built-in one is cn-telecoms).", show_default=False)]
Companies = Annotated[Optional[list[str]], company_option("Only these companies (repeatable).")]
YearList = Annotated[Optional[list[int]], year_option("Only these years (repeatable).")]
DebugOption = Annotated[bool, typer.Option(
    "--debug", help="Show the full traceback of an error (also ESGCMP_DEBUG=1).")]
NoPagerOption = Annotated[bool, typer.Option(
    "--no-pager", help="Write long output on a terminal straight out instead of through "
                       "the pager (ESGCMP_PAGER, else PAGER, else 'less -FRX').")]


class ExportFormat(str, Enum):
    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"
    json = "json"


def export_format(fmt: ExportFormat | None, output: str | None) -> Format:
    """export's format: the one asked for, else the one the --output file's name asks for
    (e.xlsx, e.json) among export's, else CSV."""
    if fmt is not None:
        return Format(fmt.value)
    if output:
        not_written(output)
        named = by_suffix(output)
        if named is not None and named.value in ExportFormat.__members__:
            return named
    return Format.csv


class ExtractFormat(str, Enum):
    yaml = "yaml"
    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"
    json = "json"


def version_number() -> str:
    """The installed esgcmp's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("esgcmp")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"esgcmp {version_number()}")
        raise typer.Exit()


VersionOption = Annotated[Optional[bool], typer.Option(
    "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")]


# The options before the command's name (esgcmp's own callback; no docstring, which
# typer would show as esgcmp's help)
def global_options(
    ctx: typer.Context,
    version: VersionOption = None,
    debug: DebugOption = False,
    no_pager: NoPagerOption = False,
) -> None:
    run = ctx.ensure_object(Run)
    run.debug = run.debug or debug
    run.output.pager_off = run.output.pager_off or no_pager


def with_peers(data: Any, company: Optional[list[str]],
               peers: Optional[str]) -> Optional[list[str]]:
    """The companies -c names and, with --peers, the group's (rank is imported here: only
    a command that asks for a group loads it)."""
    from .rank import with_peers as companies_of

    return companies_of(data, company, peers)


def sources_folder(sources: str | None) -> Path | None:
    """The folder of the report files: --sources, else ESGCMP_SOURCES (set once for
    `source` and `check`), else none."""
    if sources is not None:
        return folder(sources, "'--sources'")
    return folder(os.environ.get("ESGCMP_SOURCES") or None, "ESGCMP_SOURCES")


def chart_target(chart_file: str | None) -> Path | None:
    """The --chart-file, checked before any work (svgchart loads only when one is asked
    for: the commands' start-up is measured)."""
    if chart_file is None:
        return None
    from .svgchart import chart_path

    return chart_path(chart_file)


def decimal(text: str, option: str, low: Decimal | None = None,
            high: Decimal | None = None) -> Decimal:
    """A finite number inside the open range (low, high), or a usage error."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise typer.BadParameter(f"'{text}' is not a number", param_hint=option) from None
    if not number.is_finite():
        raise typer.BadParameter(f"'{text}' is not a finite number", param_hint=option)
    if low is not None and high is not None and not low < number < high:
        raise typer.BadParameter(f"{text} is not between {low} and {high}", param_hint=option)
    if out_of_bounds(number):
        raise typer.BadParameter(f"{text} is outside what esgcmp reads ({LIMITS})",
                                 param_hint=option)
    return number


def fraction(text: str, option: str) -> Decimal:
    """A number not below 0 (a share of a value: 0.5 is half), or a usage error."""
    number = decimal(text, option)
    if number < 0:
        raise typer.BadParameter(f"{text} is negative; give a fraction such as 0.5",
                                 param_hint=option)
    return number


def _coefficient(text: str | None) -> Decimal | None:
    if text is None:
        return None
    from .derive import rules

    low, high = rules().energy.generation_range
    return decimal(text, "'--kgce-per-kwh'", low, high)


def output_format(requested: Format | None, bom: bool = False) -> Format:
    """The format asked for, else a table on a terminal and plain text otherwise."""
    chosen = requested
    if chosen is None:
        chosen = Format.table if pager.terminal() else Format.plain
    bom_for(bom, chosen.value)
    return chosen


def bom_for(bom: bool, fmt: str) -> None:
    """--bom belongs to CSV and TSV output only."""
    if bom and fmt not in ("csv", "tsv"):
        raise UsageError(f"--bom applies to CSV and TSV only, not to {fmt} output",
                         fix="add --format csv, or leave out --bom")


def by_suffix(name: str) -> Format | None:
    """The format an --output file's name asks for (ghg.xlsx, ghg.csv ...), if any."""
    suffix = Path(name).suffix.lower().lstrip(".")
    return {"md": Format.markdown, "txt": Format.plain}.get(suffix) or next(
        (f for f in Format if f.value == suffix and f is not Format.table), None)


# Files an --output name may ask for that no format writes: said, never filled with text
_NOT_WRITTEN = {"png": "add --chart-file chart.svg for a chart",
                "jpg": "add --chart-file chart.svg for a chart",
                "jpeg": "add --chart-file chart.svg for a chart",
                "gif": "add --chart-file chart.svg for a chart",
                "svg": "add --chart-file chart.svg for a chart",
                "pdf": "use esgcmp report -o page.html and print the page to PDF",
                "html": "use esgcmp report -o page.html for a page",
                "htm": "use esgcmp report -o page.html for a page",
                "xls": "name the file .xlsx", "ods": "name the file .xlsx",
                "docx": "name the file .md or .txt"}


def not_written(name: str) -> None:
    """An --output name whose suffix asks for a file no format writes (``ghg.png``)."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in _NOT_WRITTEN:
        raise UsageError(f"--output {name}: esgcmp writes table text, csv, tsv, json, "
                         f"markdown or xlsx, not {suffix}", fix=_NOT_WRITTEN[suffix])


def chart_for(chart: bool, chosen: Format) -> None:
    """--chart draws in the human formats only."""
    if chart and not chosen.for_people:
        raise UsageError(f"--chart draws bars in table, plain and markdown output, not in "
                         f"{chosen.value}", fix="leave out --chart")


def energy_basis(name: ElectricityBasis, coefficient: str | None,
                 partial: bool = False):  # -> derive.EnergyBasis
    """--basis, --kgce-per-kwh and --partial as the basis of derived energy totals."""
    from .derive import EnergyBasis

    value = _coefficient(coefficient)
    if value is not None and name is ElectricityBasis.calorific:
        raise UsageError("--kgce-per-kwh applies to --basis generation only",
                         fix="add --basis generation")
    if value is None and name is ElectricityBasis.generation:
        raise UsageError("the generation-equivalent basis needs the year's coefficient",
                         fix="add --kgce-per-kwh, e.g. --kgce-per-kwh 0.3")
    return EnergyBasis(electricity=name, kgce_per_kwh=value, partial=partial)


def basis_applies(data: Any, names: list[str], basis: ElectricityBasis,
                  coefficient: str | None, partial: bool) -> None:
    """--basis, --kgce-per-kwh and --partial change derived energy totals only: with
    metrics of which none is one, they would be ignored, so they are refused."""
    from .derive import takes_energy_basis

    if basis is ElectricityBasis.calorific and coefficient is None and not partial:
        return
    metrics = [m.id for name in names for m in data.resolve_metrics(name)]
    if not any(takes_energy_basis(m) for m in metrics):
        given = [option for option, used in (("--basis", basis is not ElectricityBasis.calorific),
                                             ("--kgce-per-kwh", coefficient is not None),
                                             ("--partial", partial)) if used]
        named = list(dict.fromkeys(metrics))
        raise UsageError(f"{' and '.join(given)} change{'s' if len(given) == 1 else ''} "
                         f"derived energy totals only; {', '.join(named)} "
                         f"{'is not one' if len(named) == 1 else 'are none'}",
                         fix=f"leave out {' and '.join(given)}")


def is_range(text: str | None) -> bool:
    """--years gives a range (2018-2024): the years in it that have values are taken."""
    return text is not None and re.fullmatch(r"\s*\d{4}\s*-\s*\d{4}\s*", text) is not None


def each_year(names: list[str], chosen: list[int | None], text: str | None,
              answer: Callable[[str, int | None], Any]) -> tuple[list[Any], list[str]]:
    """The answers for each metric and each year of --years, and the warnings that name
    the years of a range (2018-2024) a metric has no value in: those are left out, unless
    none of the range's years has one."""
    answers = []
    absent: dict[str, list[int]] = {}  # years of a --years range a metric has no value in
    for name in names:
        for one_year in chosen:
            try:
                answers.append(answer(name, one_year))
            except NotFoundError as exc:  # a range takes the years that have values
                if not is_range(text) or exc.kind != "year" or one_year is None:
                    raise
                absent.setdefault(name, []).append(one_year)
                if len(absent[name]) == len(chosen):  # none of the range's years
                    raise NotFoundError("year", text.strip(), hint=exc.hint) from None
    return answers, [f"--years {text.strip()}: no '{name}' values in "
                     f"{', '.join(map(str, missing_years))}; those years left out"
                     for name, missing_years in absent.items()]


def years(text: str | None, year: int | None) -> list[int | None]:
    """--years as a list of years (a range 2018-2020 or a list 2018,2020); [--year]
    without it."""
    if text is None:
        return [year]
    if year is not None:
        raise UsageError("--year and --years together", fix="give one of them")
    try:
        if is_range(text):
            first, last = (int(part) for part in text.split("-"))
            found = list(range(first, last + 1))
        else:
            found = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        found = []
    if not found or any(not 1900 <= y <= 2100 for y in found):
        raise typer.BadParameter(f"'{text}' is not a range such as 2018-2020 or a list such "
                                 "as 2018,2020", param_hint="'--years'")
    return list(dict.fromkeys(found))


def folder(name: str | None, option: str) -> Path | None:
    """An existing directory named by an option, or a usage error."""
    if name is None:
        return None
    if not name.strip():
        raise typer.BadParameter("'' names no folder", param_hint=option)
    try:
        if Path(name).is_dir():
            return Path(name)
        exists = Path(name).exists()
    except OSError as exc:
        raise typer.BadParameter(f"cannot read '{name}' ({exc.strerror})",
                                 param_hint=option) from None
    raise typer.BadParameter(f"'{name}' {'is not a folder' if exists else 'does not exist'}",
                             param_hint=option)


class Options:
    """The shared options of one command, and the run they belong to."""

    def __init__(self, run: Run, catalog: list[str] | None = None, no_builtin: bool = False,
                 fmt: Format | None = None, bom: bool = False, wide: bool = False,
                 basis: ElectricityBasis = ElectricityBasis.calorific,
                 kgce_per_kwh: str | None = None, partial: bool = False,
                 output: str | None = None, notes: NotesShown = NotesShown.brief,
                 fx: list[str] | None = None, fx_file: list[Path] | None = None) -> None:
        self.run = run
        run.output.whole_notes = notes is NotesShown.all
        self.output = output
        self.catalogs = catalog
        self.no_builtin = no_builtin
        self.format = fmt
        self.bom = bom
        self.wide = wide
        self.basis = basis
        self.kgce_per_kwh = kgce_per_kwh
        self.partial = partial
        self.fx = fx
        self.fx_file = fx_file

    def output_format(self, requested: Format | None = None) -> Format:
        """--format (or the format a command takes in its own option), else a table on a
        terminal and plain text otherwise; --bom with CSV and TSV only; the --output file
        checked; xlsx, a binary file, never written on a terminal."""
        if requested is None and self.format is None and self.output is not None:
            requested = by_suffix(self.output)
            not_written(self.output)
        chosen = output_format(requested or self.format, self.bom)
        if self.output is not None:
            from .draftfile import output_file

            self.run.output.target = output_file(self.output)
        elif chosen is Format.xlsx and pager.terminal():
            raise UsageError("xlsx is a binary file, not for a terminal",
                             fix="add --output FILE.xlsx, or redirect the output to a file")
        return chosen

    def output_to(self, name: str | None) -> None:
        """A command's own --output file (none, or '-': standard output), checked before
        any work."""
        if name is not None and name != "-":
            from .draftfile import output_file

            self.run.output.target = output_file(name)

    def energy_basis(self):  # -> derive.EnergyBasis
        basis = energy_basis(self.basis, self.kgce_per_kwh, self.partial)
        if not self.fx and not self.fx_file:
            return basis
        from msgspec.structs import replace

        from .fx import rates

        return replace(basis, rates=rates(self.fx, self.fx_file))

    def basis_applies(self, data: Any, names: list[str]) -> None:
        basis_applies(data, names, self.basis, self.kgce_per_kwh, self.partial)

    def basis_given(self) -> bool:
        """--basis, --kgce-per-kwh or --partial is given."""
        return (self.basis is not ElectricityBasis.calorific or bool(self.kgce_per_kwh)
                or self.partial)

    def session(self, read: bool = False):  # -> api.Session
        """The catalog's session; with ``read``, its catalog read already (a catalog that
        does not load is left for the command to report: `check` makes it a finding)."""
        session = self.run.session(self.catalogs, self.no_builtin)
        if read:
            with reading(session), suppress(CatalogError):
                session.catalog  # noqa: B018 - read now, under the progress bar
        return session

    def catalog(self):  # -> Catalog
        return self.run.catalog(self.catalogs, self.no_builtin)

    def emit(self, report: Report, fmt: Format) -> None:
        self.run.output.emit(report, fmt, self.bom)

    def emit_all(self, reports: list[Report], fmt: Format) -> None:
        self.run.output.emit_all(reports, fmt, self.bom)

    def emit_wide(self, reports: list[Report], fmt: Format, across: str, title: str,
                  **columns: str) -> None:
        """The reports, or with --wide one report of a row per company and a column per
        year or metric (views.wide_report)."""
        if self.wide:
            from .views import wide_report

            reports = [wide_report(reports, across, title, **columns)]
        self.emit_all(reports, fmt)

    def draw(self, data: Any, target: Path, reports: list[Any], kind: str, key: str) -> None:
        """The chart of the reports, written to --chart-file when the command succeeds."""
        from .svgchart import chart_svg

        units = [str(next((row.get(f"{key}_unit") or row.get("unit") for row in report.rows
                           if row.get(f"{key}_unit") or row.get("unit")), ""))
                 for report in reports]
        names = {company_id: company.name for company_id, company in data.companies.items()}
        self.run.output.chart = (target, chart_svg(reports, kind, key, units, names))


# The shared options in the order every command lists them, after its own: the name of
# the command's parameter (and of Options' argument), its type and option, its default.
_WIDE = [("wide", WideOption, False)]
_FORMAT = [("fmt", FormatOption, None), ("notes", NotesOption, NotesShown.brief)]
_OUTPUT = [("output", OutputOption, None)]
_BASIS = [("basis", BasisOption, ElectricityBasis.calorific),
          ("kgce_per_kwh", CoefficientOption, None), ("partial", PartialOption, False)]
_FX = [("fx", FxOption, None), ("fx_file", FxFileOption, None)]
_ALWAYS = [("bom", BomOption, False), ("catalog", CatalogOption, None),
           ("no_builtin", NoBuiltinOption, False)]


def shared_options(*, wide: bool = False, fmt: bool = True, basis: bool = False,
                   output: bool | None = None, fx: bool = False
                   ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the shared options to a command (--bom, --catalog and --no-builtin always;
    --wide, --format (with --notes), the energy basis and the exchange rates (--fx,
    --fx-file) when asked) and hand it one Options object as its parameter ``options``.
    --output comes with --format unless ``output`` says."""
    output = fmt if output is None else output
    added = [*(_WIDE if wide else []), *(_FORMAT if fmt else []),
             *(_OUTPUT if output else []), *(_BASIS if basis else []), *(_FX if fx else []),
             *_ALWAYS]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(command)
        own = [p for p in signature.parameters.values() if p.name != "options"]
        parameters = [
            inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              annotation=typer.Context),
            *own,
            *(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation=annotation, default=default)
              for name, annotation, default in added)]

        @functools.wraps(command)
        def with_options(ctx: typer.Context, **given: Any) -> Any:
            shared = {name: given.pop(name) for name, _annotation, _default in added}
            return command(**given, options=Options(ctx.ensure_object(Run), **shared))

        # typer reads a command's options from its signature and annotations
        with_options.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=parameters)
        with_options.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_options

    return decorate
