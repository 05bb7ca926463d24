"""The command line: the only module that prints or exits.

Each command turns its options into typed values (a bad value is a usage error, exit 2),
makes one call into esgcmp.api, has esgcmp.views make a report of the result and renders
it. Errors are caught in one place, :func:`main`, and printed as one line.
"""

# No postponed annotations here: typer reads every option's type when the command is
# made, and evaluating the annotations' text then (compiling each) costs more than
# evaluating them once at import.

import copy
import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .errors import CatalogError, EsgcmpError, ExitCode, OutputError, UsageError
from .model import ElectricityBasis, Framework
from .output import Format, Report, render, terminal_text

app = typer.Typer(
    name="esgcmp",
    help="Compare the ESG KPIs of companies from a sourced, unit-normalised catalog.\n\n"
         "Every value leads back to the report line it was printed on; derived values "
         "show how they were made. Exit codes: 0 ok, 1 check found errors, 2 usage, "
         "3 unknown company/metric/year, 4 catalog error, 5 unit error.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# click's exception classes, reached through typer's public BadParameter (typer vendors
# click; its private module path is not part of its interface).
_CLICK_ERRORS = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
ClickException: type[Exception] = _CLICK_ERRORS["ClickException"]
ClickUsageError: type[Exception] = _CLICK_ERRORS["UsageError"]

_debug = False
_pager_off = False
_PAGED: list[str] = []  # output held for the pager


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("esgcmp")
        except PackageNotFoundError:  # running from a source tree that is not installed
            number = "unknown"
        typer.echo(f"esgcmp {number}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option(
        "--version", "-V", callback=_version, is_eager=True,
        help="Print the version and exit.")] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full traceback of an error (also ESGCMP_DEBUG=1).")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="Write long output on a terminal straight out instead of through "
                           "the pager (ESGCMP_PAGER, else PAGER, else 'less -FRX').")] = False,
) -> None:
    global _debug, _pager_off
    _debug = _debug or debug
    _pager_off = _pager_off or no_pager


def _decimal(text: str, option: str, low: Decimal | None = None,
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
    return number


def _coefficient(text: str | None) -> Decimal | None:
    if text is None:
        return None
    from .derive import rules

    low, high = rules().energy.generation_range
    return _decimal(text, "'--kgce-per-kwh'", low, high)


def _completion_catalog(ctx: typer.Context) -> Any:
    """The catalog the command line names so far, for completion; None when it cannot be
    read (completion then offers nothing, and says nothing)."""
    from .api import Session

    try:
        params = ctx.params if ctx is not None else {}
        session = Session(params.get("catalog"), builtin=not params.get("no_builtin", False))
        try:
            return session.catalog
        finally:
            session.close()
    except Exception:  # noqa: BLE001 - completion must never fail or print
        return None


def _complete_company(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Company ids and the aliases without spaces (a shell word each)."""
    data = _completion_catalog(ctx)
    if data is None:
        return []
    return [(name, company.name) for company in data.companies.values()
            for name in (company.id, *company.aliases)
            if " " not in name and name.casefold().startswith(incomplete.casefold())]


def _complete_metric(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    data = _completion_catalog(ctx)
    if data is None:
        return []
    return [(metric.id, metric.name) for metric in data.metrics.values()
            if metric.id.startswith(incomplete.casefold())]


def _complete_year(ctx: typer.Context, incomplete: str) -> list[str]:
    """The years of the company named before, else every year of the catalog."""
    data = _completion_catalog(ctx)
    if data is None:
        return []
    try:
        company = ctx.params.get("company")
        company_id = data.resolve_company(company).id if isinstance(company, str) else None
        years = data.years(company_id)
    except Exception:  # noqa: BLE001 - an unknown company: every year
        years = data.years()
    return [str(year) for year in years if str(year).startswith(incomplete)]


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
    "--bom", help="Start CSV with a UTF-8 byte-order mark, so Excel keeps Chinese text.")]
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
PartialOption = Annotated[bool, typer.Option(
    "--partial", help="Derive an energy total even when a component it requires "
                      "(electricity) is never reported; such a sum is flagged partial.")]


def _format(requested: Format | None, bom: bool = False) -> Format:
    chosen = requested
    if chosen is None:
        chosen = Format.table if _terminal() else Format.plain
    _bom_for(bom, chosen.value)
    return chosen


def _bom_for(bom: bool, fmt: str) -> None:
    """--bom belongs to CSV output only."""
    if bom and fmt != "csv":
        raise UsageError(f"--bom applies to CSV only, not to {fmt} output",
                         fix="add --format csv, or leave out --bom")


_OPEN: list[Any] = []  # sessions to close when the command has succeeded
_SEEN: list[Any] = []  # every session of this run, for the store's warning


def _session(catalogs: list[str] | None, no_builtin: bool):  # -> api.Session
    from .api import Session

    session = Session(catalogs, builtin=not no_builtin)
    _OPEN.append(session)
    _SEEN.append(session)
    return session


@contextmanager
def _reading(session: Any) -> Iterator[None]:
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


def _catalog(catalogs: list[Path] | None, no_builtin: bool):  # -> Catalog
    session = _session(catalogs, no_builtin)
    with _reading(session):
        return session.catalog


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _basis(name: ElectricityBasis, coefficient: str | None,
           partial: bool = False):  # -> derive.EnergyBasis
    from .derive import EnergyBasis

    value = _coefficient(coefficient)
    if value is not None and name is ElectricityBasis.calorific:
        raise UsageError("--kgce-per-kwh applies to --basis generation only",
                         fix="add --basis generation")
    if value is None and name is ElectricityBasis.generation:
        raise UsageError("the generation-equivalent basis needs the year's coefficient",
                         fix="add --kgce-per-kwh, e.g. --kgce-per-kwh 0.3")
    return EnergyBasis(electricity=name, kgce_per_kwh=value, partial=partial)


def _basis_applies(data: Any, names: list[str], basis: ElectricityBasis,
                   coefficient: str | None, partial: bool) -> None:
    """--basis, --kgce-per-kwh and --partial change derived energy totals only: with
    metrics of which none is one, they would be ignored, so they are refused."""
    from .derive import is_derivable

    if basis is ElectricityBasis.calorific and coefficient is None and not partial:
        return
    metrics = [m.id for name in names for m in data.resolve_metrics(name)]
    if not any(is_derivable(m) for m in metrics):
        given = [option for option, used in (("--basis", basis is not ElectricityBasis.calorific),
                                             ("--kgce-per-kwh", coefficient is not None),
                                             ("--partial", partial)) if used]
        named = list(dict.fromkeys(metrics))
        raise UsageError(f"{' and '.join(given)} change{'s' if len(given) == 1 else ''} "
                         f"derived energy totals only; {', '.join(named)} "
                         f"{'is not one' if len(named) == 1 else 'are none'}",
                         fix=f"leave out {' and '.join(given)}")


def _raise_broken_pipe() -> None:
    """rich exits with status 1 on a broken pipe; esgcmp's own handler decides."""
    raise BrokenPipeError


def _emit_all(reports: list[Report], fmt: Format, bom: bool = False) -> None:
    """Several reports (a framework code names several metrics) as one output."""
    if len(reports) == 1 or fmt not in (Format.csv, Format.json):
        for number, report in enumerate(reports):  # a blank line before each after the first
            _emit(report, fmt, bom, before="\n" if number else "")
        return
    merged = Report(rows=[row for r in reports for row in r.rows],
                    columns=list(dict.fromkeys(c for r in reports for c in r.columns)),
                    display=reports[0].display)
    _emit(merged, fmt, bom)


class _OutputClosed(Exception):
    """The reader of stdout went away. Not an OSError, so that typer, which turns a
    broken pipe into exit status 1, lets it through to main()."""


def _emit(report: Report, fmt: Format, bom: bool = False, before: str = "") -> None:
    """The report written out (or held for the pager), after the text ``before``."""
    paged = _pager() is not None
    stream: Any = io.StringIO() if paged else sys.stdout
    console = None
    if fmt is Format.table:
        from rich.console import Console

        console = Console(file=stream, highlight=False, markup=False, emoji=False)
        if paged:  # the terminal's width and colours, written into the buffer
            terminal = Console(file=sys.stdout)
            console = Console(file=stream, highlight=False, markup=False, emoji=False,
                              force_terminal=True, width=terminal.width,
                              color_system=terminal.color_system, no_color=terminal.no_color)
        console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign]
    with _writing():
        stream.write(before)
        render(report, fmt, stream, console=console, bom=bom)
        if paged:
            _PAGED.append(stream.getvalue())
        else:
            sys.stdout.flush()


def _terminal() -> bool:
    """Standard output is a terminal (a person reads it)."""
    return sys.stdout.isatty()


def _pager() -> str | None:
    """The pager command for this output, or None: standard output is not a terminal,
    --no-pager, or ESGCMP_PAGER (else PAGER) is empty or 'cat'."""
    if _pager_off or not _terminal():
        return None
    command = os.environ.get("ESGCMP_PAGER", os.environ.get("PAGER", "less")).strip()
    return None if command in ("", "cat") else command


def _page() -> None:
    """Show the held output: straight out when it fits the terminal's height (as
    'less -F' would), else through the pager, as git does (LESS=FRX unless LESS is
    set). A pager that cannot be started leaves the output written straight out."""
    import shutil
    import signal
    import subprocess

    text = "".join(_PAGED)
    _PAGED.clear()
    command = _pager()
    if not text or command is None:
        return
    if text.count("\n") < shutil.get_terminal_size().lines:
        with _writing():
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    words = command.split()
    if len(words) == 1 and shutil.which(words[0]) is None:  # no such pager: write it out
        with _writing():
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    sys.stdout.flush()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the pager
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env,
                                 encoding="utf-8", errors="replace")
        with suppress(BrokenPipeError, OSError):  # the reader quit before the end
            assert pager.stdin is not None
            pager.stdin.write(text)
            pager.stdin.close()
        pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _writing() -> Iterator[None]:
    """Standard output that fails: a reader gone away, a full disk, a failing device."""
    try:
        yield
    except BrokenPipeError:
        raise _OutputClosed from None
    except OSError as exc:
        _silence_stdout()
        raise OutputError(f"cannot write the output ({exc.strerror or exc})") from None


@app.command()
def show(
    company: Annotated[str, typer.Argument(help="Company id, name, Chinese name, alias or "
                                                "ticker (case-insensitive).",
                                           autocompletion=_complete_company)],
    year: Annotated[int, typer.Argument(help="Reporting year, e.g. 2020.",
                                        autocompletion=_complete_year)],
    change: Annotated[bool, typer.Option(
        "--change", help="Add the change against the previous reported year.")] = False,
    framework: Annotated[Optional[Framework], typer.Option(
        "--framework", help="Order by framework code instead of category: hkex or gri.",
        case_sensitive=False, show_default=False)] = None,
    wide: WideOption = False,
    fmt: FormatOption = None,
    basis: BasisOption = ElectricityBasis.calorific,
    kgce_per_kwh: CoefficientOption = None,
    partial: PartialOption = False,
    bom: BomOption = False,
    catalog: CatalogOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Every KPI of one company and year, by category, with the value and unit as printed and the source file and line."""  # noqa: E501
    from . import api
    from .views import show_report

    chosen = _format(fmt, bom)
    if wide and (change or framework is not None):
        raise UsageError("--wide lays out values only, not with --change or --framework",
                         fix="leave out --wide, or the others")
    energy_basis = _basis(basis, kgce_per_kwh, partial)
    data = _catalog(catalog, no_builtin)
    result = api.show(data, company, year, energy_basis, with_changes=change)
    report = show_report(result, data, framework=framework)
    if wide:
        from .views import wide_report

        report = wide_report([report], "metric", report.title)
    _emit(report, chosen, bom)


@app.command()
def compare(
    metric: Annotated[str, typer.Argument(help="Metric id, name or framework code, e.g. "
                                               "energy, ghg, water, A1.2.",
                                          autocompletion=_complete_metric)],
    year: Annotated[Optional[int], typer.Option(
        "--year", "-y", help="Year to compare; default: the latest year that every compared "
                             "company reported.", show_default=False)] = None,
    company: Annotated[Optional[list[str]], typer.Option(
        "--company", "-c", help="Compare only these companies (repeatable).",
        show_default=False, autocompletion=_complete_company)] = None,
    per: Annotated[Optional[str], typer.Option(
        "--per", "-p", help="Divide by this metric (revenue, employees, ...): an intensity "
                            "ratio, beside any intensity the company reported.",
        show_default=False, autocompletion=_complete_metric)] = None,
    unit: Annotated[Optional[str], typer.Option(
        "--unit", "-u", help="Convert to this unit (same dimension), e.g. GJ, MtCO2e, MWh; "
                             "with --per, the unit of the intensity.", show_default=False)] = None,
    change: Annotated[bool, typer.Option(
        "--change", help="Add the change against the previous reported year (not with "
                         "--per).")] = False,
    since: Annotated[Optional[int], typer.Option(
        "--from", help="With --change: also the change since this year and the CAGR.",
        show_default=False)] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the values as horizontal bars (table, plain, markdown).")] = False,
    years: Annotated[Optional[str], typer.Option(
        "--years", help="Several years: a range 2018-2020 or a list 2018,2020 (not with "
                        "--year).", show_default=False, metavar="YEARS")] = None,
    wide: WideOption = False,
    fmt: FormatOption = None,
    basis: BasisOption = ElectricityBasis.calorific,
    kgce_per_kwh: CoefficientOption = None,
    partial: PartialOption = False,
    bom: BomOption = False,
    catalog: CatalogOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """One row per company for a metric, in one unit, largest first (with --per, smallest intensity first); companies that did not report it are listed as such."""  # noqa: E501
    from . import api
    from .views import compare_report, intensity_report

    chosen = _format(fmt, bom)
    _chart_for(chart, chosen)
    if per is not None and change:
        raise UsageError("--change does not apply to an intensity (--per)",
                         fix="leave out --change, or --per")
    if since is not None and not change:
        raise UsageError("--from applies with --change only", fix="add --change")
    chosen_years = _years(years, year)
    names = [name.strip() for name in metric.split(",") if name.strip()]
    if not names:
        raise typer.BadParameter(f"'{metric}' names no metric", param_hint="'METRIC'")
    if wide and (per is not None or change or chart):
        raise UsageError("--wide lays out values only, not with --per, --change or --chart",
                         fix="leave out --wide, or the others")
    if wide and len(chosen_years) < 2 and len(names) < 2:
        raise UsageError("--wide needs several years (--years) or several metrics (ghg,water)",
                         fix="add --years 2018-2020, or name more metrics")
    energy_basis = _basis(basis, kgce_per_kwh, partial)
    data = _catalog(catalog, no_builtin)
    _basis_applies(data, names + ([per] if per else []), basis, kgce_per_kwh, partial)
    ascii_chart = chosen is not Format.table
    reports = []
    for name in names:
        for one_year in chosen_years:
            if per is not None:
                reports += [intensity_report(result, data, chart=chart, ascii_chart=ascii_chart,
                                             for_people=chosen.for_people)
                            for result in api.intensity(data, name, per, year=one_year,
                                                        companies=company, unit=unit,
                                                        basis=energy_basis).comparisons]
            else:
                reports += [compare_report(result, data, chart=chart, ascii_chart=ascii_chart,
                                           since=since, for_people=chosen.for_people)
                            for result in api.compare(data, name, year=one_year,
                                                      companies=company, unit=unit,
                                                      basis=energy_basis, with_changes=change,
                                                      since=since).comparisons]
    if wide:
        from .views import wide_report

        across = "year" if len(names) == 1 and len(chosen_years) > 1 else "metric"
        reports = [wide_report(reports, across, f"{', '.join(names)}, one row per company")]
    _emit_all(reports, chosen, bom)


def _years(text: str | None, year: int | None) -> list[int | None]:
    """--years as a list of years (a range 2018-2020 or a list 2018,2020); [--year]
    without it."""
    if text is None:
        return [year]
    if year is not None:
        raise UsageError("--year and --years together", fix="give one of them")
    try:
        if re.fullmatch(r"\s*\d{4}\s*-\s*\d{4}\s*", text):
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


@app.command()
def trend(
    names: Annotated[list[str], typer.Argument(
        help="The metric (id, name or framework code). The older form 'trend COMPANY... "
             "METRIC' still works.", metavar="METRIC", show_default=False,
        autocompletion=_complete_metric)],
    company: Annotated[Optional[list[str]], typer.Option(
        "--company", "-c", help="Only these companies (repeatable); default: every company, "
                                "those that do not report the metric listed as missing.",
        show_default=False, autocompletion=_complete_company)] = None,
    per: Annotated[Optional[str], typer.Option(
        "--per", "-p", help="Divide by this metric: the intensity over the years, as "
                            "compare --per gives it for one year.", show_default=False,
        autocompletion=_complete_metric)] = None,
    first: Annotated[Optional[int], typer.Option(
        "--from", help="Start at this year, and add the change since it and the CAGR.",
        show_default=False)] = None,
    last: Annotated[Optional[int], typer.Option(
        "--to", help="End at this year.", show_default=False)] = None,
    unit: Annotated[Optional[str], typer.Option(
        "--unit", "-u", help="Convert to this unit (same dimension).",
        show_default=False)] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the values as bars in plain and markdown output too (a "
                        "terminal table always has them).")] = False,
    wide: WideOption = False,
    fmt: FormatOption = None,
    basis: BasisOption = ElectricityBasis.calorific,
    kgce_per_kwh: CoefficientOption = None,
    partial: PartialOption = False,
    bom: BomOption = False,
    catalog: CatalogOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """A metric over all reported years for every company (or those named with -c), with year-over-year change, bars on a terminal, and with --from the change since a base year and its CAGR."""  # noqa: E501
    from . import api
    from .views import trend_report

    chosen = _format(fmt, bom)
    _chart_for(chart, chosen)
    if len(names) > 1 and company:
        raise UsageError("name the companies either with -c or before the metric, not both",
                         fix=f"esgcmp trend {names[-1]} -c ...")
    if first is not None and last is not None and first >= last:
        raise UsageError(f"--from {first} is not before --to {last}",
                         fix="give an earlier --from or a later --to")
    energy_basis = _basis(basis, kgce_per_kwh, partial)
    data = _catalog(catalog, no_builtin)
    if wide and (chart or first is not None):
        raise UsageError("--wide lays out values only, not with --chart or --from",
                         fix="leave out --wide, or the others")
    _basis_applies(data, names[-1:] + ([per] if per else []), basis, kgce_per_kwh, partial)
    if per is not None:
        if wide or chart or first is not None:
            raise UsageError("--per gives the intensity's own table: not with --wide, --chart "
                             "or --from", fix="leave out --per, or the others")
        from .views import intensity_trend_report

        _emit(intensity_trend_report(api.intensity_trend(
            data, names[:-1] or company, names[-1], per, unit=unit, basis=energy_basis,
            last=last), data), chosen, bom)
        return
    result = api.trend(data, names[:-1] or company, names[-1], unit=unit, basis=energy_basis,
                       first=first, last=last)
    report = trend_report(result, data, chart=(chart or chosen is Format.table) and not wide,
                          ascii_chart=chosen is not Format.table)
    if wide:
        from .views import wide_report

        report = wide_report([report], "year", report.title)
    _emit(report, chosen, bom)


def _chart_for(chart: bool, chosen: Format) -> None:
    """--chart draws in the human formats only."""
    if chart and chosen in (Format.csv, Format.json):
        raise UsageError(f"--chart draws bars in table, plain and markdown output, not in "
                         f"{chosen.value}", fix="leave out --chart")


@app.command()
def metrics(
    query: Annotated[Optional[str], typer.Argument(
        help="Only the metrics whose id, name, Chinese name (either script), aliases, "
             "framework codes (A1.2, an aspect such as A1, GRI 305) or printed labels "
             "contain this.", show_default=False)] = None,
    framework: Annotated[Optional[Framework], typer.Option(
        "--framework", help="Only the metrics with a code of this framework (hkex or gri), "
                            "in the order of their codes.", case_sensitive=False,
        show_default=False)] = None,
    fmt: FormatOption = None, bom: BomOption = False,
    catalog: CatalogOption = None, no_builtin: NoBuiltinOption = False,
) -> None:
    """The metrics the catalog defines, or those matching QUERY: id, names, category, unit, framework codes."""  # noqa: E501
    from . import api
    from .views import metrics_report

    chosen = _format(fmt, bom)
    data = _catalog(catalog, no_builtin)
    _emit(metrics_report(api.metrics(data, query), framework), chosen, bom)


@app.command()
def companies(fmt: FormatOption = None, bom: BomOption = False,
              catalog: CatalogOption = None, no_builtin: NoBuiltinOption = False) -> None:
    """The companies the catalog holds: names, aliases, group structure, years."""
    from . import api
    from .views import companies_report

    chosen = _format(fmt, bom)
    _emit(companies_report(api.companies(_catalog(catalog, no_builtin))), chosen, bom)


@app.command()
def source(
    company: Annotated[str, typer.Argument(help="Company id, name, alias or ticker.",
                                           autocompletion=_complete_company)],
    metric: Annotated[str, typer.Argument(help="Metric id or name.",
                                          autocompletion=_complete_metric)],
    year: Annotated[int, typer.Argument(help="Reporting year.", autocompletion=_complete_year)],
    sources: Annotated[Optional[str], typer.Option(
        "--sources", help="Folder of the report files (also ESGCMP_SOURCES); without it the "
                          "citations only.", show_default=False)] = None,
    context: Annotated[int, typer.Option(
        "--context", "-C", help="Lines shown before and after a cited line.", min=0,
        max=50)] = 2,
    fmt: FormatOption = None,
    basis: BasisOption = ElectricityBasis.calorific,
    kgce_per_kwh: CoefficientOption = None,
    partial: PartialOption = False,
    bom: BomOption = False,
    catalog: CatalogOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """The report lines a value is printed on (a derived total: its inputs'), with the lines around them and the printed value marked, when the reports are at hand."""  # noqa: E501
    from . import api
    from .errors import NoDataError
    from .views import missing_message, source_reports

    chosen = _format(fmt, bom)
    folder = _folder(sources if sources is not None else os.environ.get("ESGCMP_SOURCES")
                     or None, "'--sources'" if sources is not None else "ESGCMP_SOURCES")
    energy_basis = _basis(basis, kgce_per_kwh, partial)
    data = _catalog(catalog, no_builtin)
    _basis_applies(data, [metric], basis, kgce_per_kwh, partial)
    result = api.source(data, company, metric, year, folder, context, energy_basis)
    if not result.quotes:
        raise NoDataError(missing_message(result))
    _emit_all(source_reports(result), chosen, bom)
    for warning in result.warnings:
        _warn(warning)
    if result.exit_code != ExitCode.OK:
        raise typer.Exit(result.exit_code)


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


@app.command()
def export(
    company: Annotated[Optional[list[str]], typer.Option(
        "--company", "-c", help="Only these companies (repeatable).", show_default=False,
        autocompletion=_complete_company)] = None,
    metric: Annotated[Optional[list[str]], typer.Option(
        "--metric", "-m", help="Only these metrics: ids, names or framework codes "
                               "(repeatable).", show_default=False,
        autocompletion=_complete_metric)] = None,
    year: Annotated[Optional[list[int]], typer.Option(
        "--year", "-y", help="Only these years (repeatable).", show_default=False)] = None,
    derived: Annotated[bool, typer.Option(
        "--derived", help="Also the totals esgcmp derives (energy where only components "
                          "are printed), each of kind 'derived'.")] = False,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="csv or json.", case_sensitive=False)] = ExportFormat.csv,
    basis: BasisOption = ElectricityBasis.calorific,
    kgce_per_kwh: CoefficientOption = None,
    partial: PartialOption = False,
    bom: BomOption = False,
    catalog: CatalogOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Every value of the catalog (or of the companies, metrics and years named) as one tidy long CSV or JSON table: normalised and as printed, with basis, flags and source."""  # noqa: E501
    from . import api
    from .views import export_report

    chosen = Format(fmt.value)
    _bom_for(bom, chosen.value)
    if not derived and (basis is not ElectricityBasis.calorific or kgce_per_kwh or partial):
        raise UsageError("--basis, --kgce-per-kwh and --partial apply to derived totals",
                         fix="add --derived")
    energy_basis = _basis(basis, kgce_per_kwh, partial)
    data = _catalog(catalog, no_builtin)
    result = api.export(data, company, metric, year, derived=derived, basis=energy_basis)
    _emit(export_report(result, data), chosen, bom)


@app.command()
def check(
    sources: Annotated[Optional[str], typer.Option(
        "--sources", help="Folder of the source report files: also re-find every value on "
                          "its cited line.", show_default=False)] = None,
    jump: Annotated[str, typer.Option(
        "--jump", help="Flag year-over-year changes larger than this fraction.",
        metavar="FRACTION")] = "0.5",
    fmt: FormatOption = None,
    bom: BomOption = False,
    catalog: CatalogOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Check the catalog: schema, units, totals against parts, reported ratios against recomputation, plausibility; exit 1 on errors."""  # noqa: E501
    from . import api
    from .views import check_report

    chosen = _format(fmt, bom)
    threshold = _decimal(jump, "'--jump'")
    if threshold < 0:
        raise typer.BadParameter(f"{jump} is negative; give a fraction such as 0.5",
                                 param_hint="'--jump'")
    folder = _folder(sources, "'--sources'")
    session = _session(catalog, no_builtin)
    with _reading(session), suppress(CatalogError):  # api.check reports a failed load
        session.catalog
    result = api.check(session, folder, threshold)
    _emit(check_report(result), chosen, bom)
    if result.exit_code != ExitCode.OK:
        raise typer.Exit(result.exit_code)


class ExtractFormat(str, Enum):
    yaml = "yaml"
    csv = "csv"
    json = "json"


@app.command()
def extract(
    report: Annotated[str, typer.Argument(
        help="The report as plain text (UTF-8), e.g. from 'pdftotext -layout report.pdf'.",
        show_default=False)],
    company: Annotated[Optional[str], typer.Option(
        "--company", "-c", help="Id of the company the draft is for (lower-case letters, "
                                "digits, '-', '_'); a company the catalog holds is added to. "
                                "Default: from the report's file name.",
        show_default=False)] = None,
    name: Annotated[Optional[str], typer.Option(
        "--name", help="The company's name, for a new company. Default: its id.",
        show_default=False)] = None,
    source_id: Annotated[Optional[str], typer.Option(
        "--source-id", help="Id of the report among the company's sources. Default: from "
                            "the report's file name.", show_default=False)] = None,
    fmt: Annotated[ExtractFormat, typer.Option(
        "--format", "-f", help="yaml: a draft catalog; csv or json: one row per value.",
        case_sensitive=False)] = ExtractFormat.yaml,
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", help="Write to this file instead of standard output (never "
                               "over an existing file unless --force).",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Let --output replace an existing file.")] = False,
    prose: Annotated[bool, typer.Option(
        "--prose", help="Also read figures stated in sentences (each flagged prose).")] = False,
    year: Annotated[Optional[int], typer.Option(
        "--year", help="With --prose: the year a sentence's figure is for when the sentence "
                       "names none. Default: the year the report names most.",
        show_default=False, min=1900, max=2099)] = None,
    bom: BomOption = False,
    catalog: CatalogOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Read a report's KPI tables (and with --prose its sentences) into a draft catalog, every value with its line."""  # noqa: E501
    from . import api

    _bom_for(bom, fmt.value)
    if year is not None and not prose:
        raise UsageError("--year applies with --prose only", fix="add --prose, or leave "
                                                                   "out --year")
    if not report.strip():
        raise typer.BadParameter("'' names no file", param_hint="'REPORT'")
    path = Path(report)
    target = _output_path(output, force, path)
    data = _catalog(catalog, no_builtin)
    company_id, company_name = _draft_company(data, company, name, path)
    source = _draft_id(source_id, "'--source-id'") if source_id else _slug(path.stem, "report")
    result = api.extract(data, path, prose=prose, year=year)
    text = _extract_text(result, fmt, company_id, company_name, source, bom)
    if target is None:
        with _writing():
            sys.stdout.write(text)
            sys.stdout.flush()
    else:
        _write_new(target, text, force)
    for warning in result.warnings:
        _warn(warning)


def _slug(text: str, default: str) -> str:
    slug = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-._")
    return slug or default


def _draft_id(text: str, option: str) -> str:
    from .schema import ID

    if not ID.fullmatch(text):
        raise typer.BadParameter(f"'{text}' is not an id: use lower-case letters, digits, "
                                 "'-', '_' or '.'", param_hint=option)
    return text


def _draft_company(data: Any, company: str | None, name: str | None,
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
        company_id = _draft_id(company, "'--company'")
    else:
        company_id = _slug(report.stem, "company")
        if company_id in data.companies:
            return company_id, None
    return company_id, name if name is not None else company_id


def _extract_text(result: Any, fmt: ExtractFormat, company: str, name: str | None,
                  source: str, bom: bool) -> str:
    if fmt is ExtractFormat.yaml:
        from .draft import draft_yaml

        return draft_yaml(result.draft, report=result.report, company=company,
                          company_name=name, source_id=source, text=result.text,
                          extraction=result.extraction)
    from .output import to_csv, to_json
    from .views import extract_report

    report = extract_report(result.draft, result.report.name)
    return to_csv(report, bom=bom) if fmt is ExtractFormat.csv else to_json(report)


def _output_path(output: str | None, force: bool, report: Path) -> Path | None:
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


def _write_new(target: Path, text: str, force: bool) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if force:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)  # fails if the file appeared meanwhile
            os.unlink(temporary)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write {target} ({exc.strerror})") from None


def _folder(name: str | None, option: str) -> Path | None:
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


def _fail(message: str, code: int) -> int:
    with suppress(OSError, AttributeError, ValueError):  # stderr closed too: the code says it
        sys.stderr.write(f"esgcmp: error: {terminal_text(message, one_line=True)}\n")
        sys.stderr.flush()
    return code


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _close_sessions() -> None:
    while _OPEN:
        _OPEN.pop().close()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; errors are one line on stderr."""
    global _debug, _pager_off
    _debug = os.environ.get("ESGCMP_DEBUG", "") not in ("", "0")
    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with standard output closed (>&-)
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the exit
        return _fail("cannot write the output: standard output is closed", ExitCode.OUTPUT)
    command = _command_for(args)
    _OPEN.clear()
    _PAGED.clear()
    _pager_off = False
    try:
        return _run(command, args)
    finally:
        _warn_about_the_store()


def _command_for(args: list[str]) -> Any:
    """The command line's click command, made with only the subcommand the arguments name
    when they name one (making every command's options takes longer than most commands
    take to run); with all of them for help, completion and anything else."""
    name = next((arg for arg in args if not arg.startswith("-")), None)
    chosen = [info for info in app.registered_commands if _command_name(info) == name]
    if not chosen or any(key.endswith("_COMPLETE") for key in os.environ):
        return typer.main.get_command(app)
    only = copy.copy(app)
    only.registered_commands = chosen
    return typer.main.get_command(only)


def _command_name(info: Any) -> str:
    return info.name or info.callback.__name__.replace("_", "-")


def _warn_about_the_store() -> None:
    """Say once why the cache was not used (a folder others can change, say)."""
    problems = {s.store.problem for s in _SEEN if s.store is not None and s.store.problem}
    _SEEN.clear()
    for problem in sorted(problems):
        _warn(problem)


def _warn(message: str) -> None:
    """One warning line on stderr (which may be closed: the warning is then lost)."""
    with suppress(OSError, AttributeError, ValueError):
        sys.stderr.write(f"esgcmp: warning: {terminal_text(message, one_line=True)}\n")


def _run(command: Any, args: list[str]) -> int:
    try:
        result = command.main(args=args, prog_name="esgcmp", standalone_mode=False)
        if result == ExitCode.INTERRUPTED:  # typer's word for a KeyboardInterrupt
            return _fail("interrupted", ExitCode.INTERRUPTED)
        _close_sessions()
        _page()
        return int(result) if isinstance(result, int) else 0
    except typer.Exit as exc:
        _close_sessions()
        _page()
        return exc.exit_code
    except ClickUsageError as exc:
        if _debug:
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
        return _fail(message + hint, ExitCode.USAGE)
    except ClickException as exc:
        if _debug:
            raise
        return _fail(exc.format_message(), ExitCode.USAGE)  # type: ignore[attr-defined]
    except typer.Abort:
        return _fail("interrupted", ExitCode.INTERRUPTED)
    except EsgcmpError as exc:
        if _debug:
            raise
        return _fail(str(exc), exc.exit_code)
    except (BrokenPipeError, _OutputClosed):
        _silence_stdout()
        return ExitCode.BROKEN_PIPE
    except KeyboardInterrupt:
        return _fail("interrupted", ExitCode.INTERRUPTED)
    except OSError as exc:  # help or version written to a full disk
        if _debug:
            raise
        if exc.filename is None:
            _silence_stdout()
            return _fail(f"cannot write the output ({exc.strerror or exc})", ExitCode.OUTPUT)
        return _internal(exc)
    except Exception as exc:  # noqa: BLE001 - a fault in esgcmp: one line, never a traceback
        if _debug:
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
    return _fail(f"internal error ({type(exc).__name__}: {exc}); please report it with the "
                 "output of the same command run with --debug", ExitCode.INTERNAL)


def run() -> None:
    """Console-script entry point. The process ends at once when the output is written:
    freeing every object of a large answer one by one would take longer than some
    commands (nothing is left to do at exit: sessions are closed, the pager has quit)."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
