"""The command line: the only module that prints or exits."""

from __future__ import annotations

import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Optional

import typer

try:  # typer >= 0.24 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

from .errors import EsgcmpError, ExitCode, UnitError
from .output import Format, Report, render

app = typer.Typer(
    name="esgcmp",
    help="Compare the ESG KPIs of companies from a sourced, unit-normalised catalog.\n\n"
         "Every value leads back to the report line it was printed on; derived values "
         "show how they were made. Exit codes: 0 ok, 1 check found errors, 2 usage, "
         "3 unknown company/metric/year, 4 catalog error, 5 unit error.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_debug = False


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
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full traceback of an error (also ESGCMP_DEBUG=1).")] = False,
) -> None:
    global _debug
    _debug = debug


CatalogOption = Annotated[Optional[list[Path]], typer.Option(
    "--catalog", help="A user catalog file or directory of them, layered over the built-in "
                      "catalog (repeatable; also ESGCMP_CATALOG, paths separated by "
                      "the OS path separator, : on Linux and macOS).", show_default=False)]
FormatOption = Annotated[Optional[Format], typer.Option(
    "--format", "-f", help="Output format; default: table on a terminal, plain otherwise.",
    show_default=False, case_sensitive=False)]
BomOption = Annotated[bool, typer.Option(
    "--bom", help="Start CSV with a UTF-8 byte-order mark, so Excel keeps Chinese text.")]
BasisOption = Annotated[str, typer.Option(
    "--basis", help="Electricity basis of a derived energy total: calorific "
                    "(0.1229 kgce/kWh, GB/T 2589) or generation (needs --kgce-per-kwh).",
    metavar="calorific|generation")]
CoefficientOption = Annotated[Optional[str], typer.Option(
    "--kgce-per-kwh", help="Generation-equivalent coefficient for --basis generation, "
                           "e.g. 0.3 (the average coal use of thermal power supply in that year).",
    show_default=False)]


def _format(requested: Format | None) -> Format:
    if requested is not None:
        return requested
    return Format.table if sys.stdout.isatty() else Format.plain


def _load(paths: list[Path] | None):  # -> Catalog (imported lazily)
    from .catalog import catalog_paths

    return _load_files(catalog_paths(paths or []))


def _load_files(files: list[Path]):  # -> Catalog
    from .cache import load_catalog_cached

    if not sys.stderr.isatty() or sum(_size(p) for p in files) < 2_000_000:
        return load_catalog_cached(files)
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as bar:
        task = bar.add_task("Reading catalogs", total=len(files))
        return load_catalog_cached(
            files, progress=lambda done, total, _path: bar.update(task, completed=done))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _stderr_console():  # -> rich Console on stderr, for progress only
    from rich.console import Console

    return Console(stderr=True)


def _basis(name: str, coefficient: str | None):
    from .compare import EnergyBasis

    value = None
    if coefficient is not None:
        try:
            value = Decimal(coefficient)
        except InvalidOperation:
            raise UnitError(f"--kgce-per-kwh '{coefficient}' is not a number") from None
    if value is not None and name == "calorific":
        raise UnitError("--kgce-per-kwh applies to --basis generation only",
                        fix="add --basis generation")
    return EnergyBasis(electricity=name, kgce_per_kwh=value)


def _raise_broken_pipe() -> None:
    """rich exits with status 1 on a broken pipe; esgcmp's own handler decides."""
    raise BrokenPipeError


def _emit_all(reports: list[Report], fmt: Format, bom: bool = False) -> None:
    """Several reports (a framework code names several metrics) as one output."""
    if len(reports) == 1 or fmt not in (Format.csv, Format.json):
        for report in reports:
            _emit(report, fmt, bom)
        return
    merged = Report(rows=[row for r in reports for row in r.rows],
                    columns=list(dict.fromkeys(c for r in reports for c in r.columns)),
                    display=reports[0].display)
    _emit(merged, fmt, bom)


def _emit(report: Report, fmt: Format | None, bom: bool = False) -> None:
    chosen = _format(fmt)
    console = None
    if chosen is Format.table:
        from rich.console import Console

        console = Console(file=sys.stdout, highlight=False, markup=False, emoji=False)
        console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign]
    render(report, chosen, sys.stdout, console=console, bom=bom)
    sys.stdout.flush()


@app.command()
def show(
    company: Annotated[str, typer.Argument(help="Company id, name, Chinese name, alias or "
                                                "ticker (case-insensitive).")],
    year: Annotated[int, typer.Argument(help="Reporting year, e.g. 2020.")],
    change: Annotated[bool, typer.Option(
        "--change", help="Add the change against the previous reported year.")] = False,
    framework: Annotated[Optional[str], typer.Option(
        "--framework", help="Order by framework code instead of category: hkex or gri.",
        metavar="hkex|gri", show_default=False)] = None,
    fmt: FormatOption = None,
    basis: BasisOption = "calorific",
    kgce_per_kwh: CoefficientOption = None,
    bom: BomOption = False,
    catalog: CatalogOption = None,
) -> None:
    """Every KPI of one company and year, by category, with the value and unit as printed and the source file and line."""  # noqa: E501
    from .compare import show as show_values
    from .views import show_report

    from .intensity import change_for

    if framework is not None and framework.lower() not in ("hkex", "gri"):
        raise typer.BadParameter(f"'{framework}' is not hkex or gri",
                                 param_hint="'--framework'")
    data = _load(catalog)
    found = data.resolve_company(company)
    energy_basis = _basis(basis, kgce_per_kwh)
    values = show_values(data, found.id, year, energy_basis)
    changes = {v.metric: change_for(data, v, energy_basis) for v in values} if change else None
    _emit(show_report(values, data, found.id, year, changes=changes,
                      framework=framework.lower() if framework else None), fmt, bom)


@app.command()
def compare(
    metric: Annotated[str, typer.Argument(help="Metric id, name or framework code, e.g. "
                                               "energy, ghg, water, A1.2.")],
    year: Annotated[Optional[int], typer.Option(
        "--year", "-y", help="Year to compare; default: the latest year that every compared "
                             "company reported.", show_default=False)] = None,
    company: Annotated[Optional[list[str]], typer.Option(
        "--company", "-c", help="Compare only these companies (repeatable).",
        show_default=False)] = None,
    per: Annotated[Optional[str], typer.Option(
        "--per", "-p", help="Divide by this metric (revenue, employees, ...): an intensity "
                            "ratio, beside any intensity the company reported.",
        show_default=False)] = None,
    unit: Annotated[Optional[str], typer.Option(
        "--unit", "-u", help="Convert to this unit (same dimension), e.g. GJ, MtCO2e, MWh; "
                             "with --per, the unit of the intensity.", show_default=False)] = None,
    change: Annotated[bool, typer.Option(
        "--change", help="Add the change against the previous reported year.")] = False,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the values as horizontal bars (table, plain, markdown).")] = False,
    fmt: FormatOption = None,
    basis: BasisOption = "calorific",
    kgce_per_kwh: CoefficientOption = None,
    bom: BomOption = False,
    catalog: CatalogOption = None,
) -> None:
    """One row per company for a metric, in one unit, largest first (with --per, smallest intensity first); companies that did not report it are listed as such."""  # noqa: E501
    from .compare import compare as compare_values
    from .intensity import change_for, compare_intensity
    from .views import compare_report, intensity_report

    data = _load(catalog)
    chosen_format = _format(fmt)
    ascii_chart = chosen_format is not Format.table
    energy_basis = _basis(basis, kgce_per_kwh)
    companies = [data.resolve_company(c).id for c in company] if company else None
    reports = []
    for found in data.resolve_metrics(metric):
        if per is not None:
            result = compare_intensity(data, found, data.resolve_metric(per), year=year,
                                       companies=companies, unit=unit, basis=energy_basis)
            reports.append(intensity_report(result, data, chart=chart, ascii_chart=ascii_chart))
            continue
        comparison = compare_values(data, found, year=year, companies=companies, unit=unit,
                                    basis=energy_basis)
        changes = ({v.company: change_for(data, v, energy_basis) for v in comparison.values}
                   if change else None)
        reports.append(compare_report(comparison, data, changes=changes, chart=chart,
                                      ascii_chart=ascii_chart))
    _emit_all(reports, chosen_format, bom)


@app.command()
def trend(
    names: Annotated[list[str], typer.Argument(
        help="One or more companies, then the metric: esgcmp trend china-unicom ghg.",
        metavar="COMPANY... METRIC")],
    unit: Annotated[Optional[str], typer.Option(
        "--unit", "-u", help="Convert to this unit (same dimension).",
        show_default=False)] = None,
    fmt: FormatOption = None,
    basis: BasisOption = "calorific",
    kgce_per_kwh: CoefficientOption = None,
    bom: BomOption = False,
    catalog: CatalogOption = None,
) -> None:
    """A metric over all reported years for one or more companies, with year-over-year change and bars on a terminal."""  # noqa: E501
    from .compare import convert
    from .errors import NoDataError
    from .intensity import changes, series
    from .views import trend_report

    if len(names) < 2:
        raise NoDataError("trend needs a company and a metric: esgcmp trend COMPANY... METRIC")
    data = _load(catalog)
    metric = data.resolve_metric(names[-1])
    energy_basis = _basis(basis, kgce_per_kwh)
    target = unit or metric.unit
    if unit is not None:
        from .units import target_factor

        target_factor(metric.unit, unit)
    by_company = {}
    for name in names[:-1]:
        company = data.resolve_company(name).id
        values = [convert(v, unit) for v in series(data, company, metric, energy_basis)]
        if not values:
            raise NoDataError(f"{company} reports no '{metric.id}' ({metric.name})")
        by_company[company] = changes(values)
    chosen_format = _format(fmt)
    chart = chosen_format is Format.table
    _emit(trend_report(by_company, data, metric.id, target, chart=chart), chosen_format, bom)


@app.command()
def metrics(fmt: FormatOption = None, bom: BomOption = False,
            catalog: CatalogOption = None) -> None:
    """The metrics the catalog defines: id, names, category, unit, framework codes."""
    from .views import metrics_report

    _emit(metrics_report(_load(catalog)), fmt, bom)


@app.command()
def companies(fmt: FormatOption = None, bom: BomOption = False,
              catalog: CatalogOption = None) -> None:
    """The companies the catalog holds: names, aliases, group structure, years."""
    from .views import companies_report

    _emit(companies_report(_load(catalog)), fmt, bom)


@app.command()
def check(
    sources: Annotated[Optional[Path], typer.Option(
        "--sources", help="Folder of the source report files: also re-find every value on "
                          "its cited line.", show_default=False)] = None,
    jump: Annotated[float, typer.Option(
        "--jump", help="Flag year-over-year changes larger than this fraction.")] = 0.5,
    fmt: FormatOption = None,
    bom: BomOption = False,
    catalog: CatalogOption = None,
) -> None:
    """Check the catalog: schema, units, totals against parts, reported ratios against recomputation, plausibility; exit 1 on errors."""  # noqa: E501
    from .catalog import catalog_paths
    from .check import load_failure, run_checks
    from .errors import CatalogError
    from .views import check_report

    paths = catalog_paths(catalog or [])
    try:
        data = _load_files(paths)
    except CatalogError as exc:
        findings = [load_failure(exc)]
    else:
        if sources is not None and not sources.is_dir():
            raise CatalogError("not a folder", file=str(sources),
                               fix="--sources names the folder holding the report files")
        findings = run_checks(data, sources, Decimal(str(jump)))
    _emit(check_report(findings, [str(p) for p in paths]), fmt, bom)
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(ExitCode.FINDINGS)


def _save_memo() -> None:
    if "esgcmp.cache" in sys.modules:
        from .cache import save_memo

        save_memo()


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"esgcmp: error: {_one_line(message)}\n")
    return code


def _one_line(message: str) -> str:
    """The message with line breaks and other unprintable characters escaped (``\\n``),
    so that an error stays one line when it quotes a name read from a catalog."""
    if message.isprintable():
        return message
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in message)


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; errors are one line on stderr."""
    global _debug
    _debug = os.environ.get("ESGCMP_DEBUG", "") not in ("", "0")
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        _debug = True
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="esgcmp", standalone_mode=False)
        _save_memo()
        return int(result) if isinstance(result, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except click_exceptions.UsageError as exc:
        if _debug:
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":  # typer has printed the help
            return ExitCode.USAGE
        hint = ""
        if exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        return _fail(exc.format_message() + hint, ExitCode.USAGE)
    except click_exceptions.ClickException as exc:
        if _debug:
            raise
        return _fail(exc.format_message(), ExitCode.USAGE)
    except typer.Abort:
        return _fail("interrupted", ExitCode.INTERRUPTED)
    except EsgcmpError as exc:
        if _debug:
            raise
        return _fail(str(exc), exc.exit_code)
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.BROKEN_PIPE
    except KeyboardInterrupt:
        return _fail("interrupted", ExitCode.INTERRUPTED)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
