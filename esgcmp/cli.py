"""The commands of the command line.

Each command turns its options into typed values (a bad value is a usage error, exit 2),
makes one call into esgcmp.api, has esgcmp.views make a report of the result and hands
it to the run's output. The options several commands share are declared in options.py;
the output and its pager are pager.py's; how a run ends (exit codes, one line per error)
is runner.py's.
"""

# No postponed annotations here, as in options.py (which says why: start-up time).

from functools import partial
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import completion
from .errors import ExitCode, UsageError
from .model import Framework
from .options import (Companies, ExportFormat, ExtractFormat, Options, Peers, YearList, bom_for,
                      change_option, chart_file_option, chart_for, chart_option, chart_target,
                      company_option, each_year, export_format, fraction, framework_option,
                      from_option,
                      global_options, include_flagged_option, metric_option, per_option,
                      shared_options, sources_folder, sources_option, unit_option,
                      version_number, with_peers, year_option)
from .options import years as years_from
from .output import Format
from .pager import terminal, write
from .runner import execute, warn_all


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


app.callback()(global_options)


@app.command()
@shared_options(wide=True, basis=True)
def show(
    options: Options,
    company: Annotated[str, typer.Argument(help="Company id, name, Chinese name, alias or "
                                                "ticker (case-insensitive).",
                                           autocompletion=completion.company)],
    year: Annotated[int, typer.Argument(help="Reporting year, e.g. 2020.",
                                        autocompletion=completion.year)],
    change: Annotated[bool, change_option(
        "Add the change against the previous reported year.")] = False,
    framework: Annotated[Optional[Framework], framework_option(
        "Order by framework code instead of category: hkex or gri.")] = None,
) -> None:
    """Every KPI of one company and year, by category, with the value and unit as printed and
    the source file and line.

    Example: esgcmp show china-unicom 2020 --change
    """
    from . import api
    from .views import show_report

    chosen = options.output_format()
    if options.wide and (change or framework is not None):
        raise UsageError("--wide lays out values only, not with --change or --framework",
                         fix="leave out --wide, or the others")
    energy_basis = options.energy_basis()
    data = options.catalog()
    result = api.show(data, company, year, energy_basis, with_changes=change)
    report = show_report(result, data, framework=framework)
    options.emit_wide([report], chosen, "metric", report.title)


@app.command()
@shared_options(wide=True, basis=True, fx=True)
def compare(
    options: Options,
    metric: Annotated[str, typer.Argument(help="Metric id, name or framework code, e.g. "
                                               "energy, ghg, water, A1.2.",
                                          autocompletion=completion.metric)],
    year: Annotated[Optional[int], year_option(
        "Year to compare; default: the latest year that every compared company "
        "reported.")] = None,
    company: Annotated[Optional[list[str]], company_option(
        "Compare only these companies (repeatable).")] = None,
    peers: Peers = None,
    per: Annotated[Optional[str], per_option(
        "Divide by this metric (revenue, employees, ...): an intensity ratio, "
        "beside any intensity the company reported.")] = None,
    unit: Annotated[Optional[str], unit_option(
        "Convert to this unit (same dimension, or water's m3 through its "
        "density), e.g. GJ, MtCO2e, MWh, m3; with --per, the unit of the "
        "intensity.")] = None,
    change: Annotated[bool, change_option(
        "Add the change against the previous reported year (not with --per).")] = False,
    since: Annotated[Optional[int], from_option(
        "With --change: also the change since this year and the CAGR.")] = None,
    chart: Annotated[bool, chart_option(
        "Draw the values as horizontal bars (table, plain, markdown).")] = False,
    years: Annotated[Optional[str], typer.Option(
        "--years", help="Several years: a range 2018-2024 (the years in it that have "
                        "values; the others are named on stderr) or a list 2018,2020 (not "
                        "with --year).", show_default=False, metavar="YEARS")] = None,
    chart_file: Annotated[Optional[str], chart_file_option(
        "a bar per company (with --per, the intensity), flags marked, sources in the "
        "caption.")] = None,
) -> None:
    """One row per company for a metric, in one unit, largest first (with --per, smallest intensity
    first); companies that did not report it are listed as such.

    Example: esgcmp compare ghg --year 2019 --unit MtCO2e
    """
    from . import api
    from .views import compare_report, intensity_report

    chosen = options.output_format()
    chart_for(chart, chosen)
    target = chart_target(chart_file)
    if per is not None and change:
        raise UsageError("--change does not apply to an intensity (--per)",
                         fix="leave out --change, or --per")
    if since is not None and not change:
        raise UsageError("--from applies with --change only", fix="add --change")
    chosen_years = years_from(years, year)
    names = [name.strip() for name in metric.split(",") if name.strip()]
    if not names:
        raise typer.BadParameter(f"'{metric}' names no metric", param_hint="'METRIC'")
    if options.wide and (per is not None or change or chart):
        raise UsageError("--wide lays out values only, not with --per, --change or --chart",
                         fix="leave out --wide, or the others")
    if options.wide and len(chosen_years) < 2 and len(names) < 2:
        raise UsageError("--wide needs several years (--years) or several metrics (ghg,water)",
                         fix="add --years 2018-2020, or name more metrics")
    energy_basis = options.energy_basis()
    data = options.catalog()
    company = with_peers(data, company, peers)
    options.basis_applies(data, names + ([per] if per else []))
    def answer(name: str, one_year: int | None) -> Any:
        if per is not None:
            return api.intensity(data, name, per, year=one_year, companies=company, unit=unit,
                                 basis=energy_basis)
        return api.compare(data, name, year=one_year, companies=company, unit=unit,
                           basis=energy_basis, with_changes=change, since=since)

    answers, absent = each_year(names, chosen_years, years, answer)
    report_of = intensity_report if per is not None else partial(compare_report, since=since)
    reports, warnings, drawn = [], [], []
    for answered in answers:
        if per is None:
            warnings += answered.warnings
        reports += [report_of(result, data, chart=chart, ascii_chart=chosen is not Format.table,
                              for_people=chosen.for_people) for result in answered.comparisons]
        if target is not None:  # drawn from what a person's table shows
            drawn += [report_of(result, data) for result in answered.comparisons]
    warnings += absent
    across = "year" if len(names) == 1 and len(chosen_years) > 1 else "metric"
    options.emit_wide(reports, chosen, across, f"{', '.join(names)}, one row per company")
    if target is not None:
        options.draw(data, target, drawn, "bars", "value" if per is None else "intensity")
    warn_all(dict.fromkeys(warnings))


@app.command()
@shared_options(basis=True, fx=True)
def rank(
    options: Options,
    metric: Annotated[str, typer.Argument(
        help="The metric (id, name or alias).", show_default=False,
        autocompletion=completion.metric)],
    per: Annotated[Optional[str], per_option(
        "Rank the intensity: the metric divided by this one (revenue, employees, "
        "...).")] = None,
    year: Annotated[Optional[int], year_option(
        "Year to rank; default: the latest year that every ranked company "
        "reported.")] = None,
    company: Companies = None,
    peers: Peers = None,
    unit: Annotated[Optional[str], unit_option(
        "Convert to this unit (same dimension).")] = None,
    include_flagged: Annotated[bool, include_flagged_option(
        "Rank the rows that cannot be ranked fairly too (a basis that differs, "
        "a figure in doubt, another year), marked *.")] = False,
    chart_file: Annotated[Optional[str], chart_file_option(
        "bars in rank order, flags marked, the reasons in the caption.")] = None,
) -> None:
    """Companies in order of a metric (or an intensity) by its polarity, lower or higher
    is better, with rank, percentile, quartile and distance from the median; rows that
    cannot be ranked fairly listed after them with the reason.

    Example: esgcmp rank ghg --per revenue --peers cn-telecoms --include-flagged
    """
    from . import api
    from .views import rank_report

    chosen = options.output_format()
    target = chart_target(chart_file)
    energy_basis = options.energy_basis()
    data = options.catalog()
    options.basis_applies(data, [metric] + ([per] if per else []))
    result = api.rank(data, metric, per=per, year=year, companies=company, peers=peers,
                      unit=unit, basis=energy_basis, include_flagged=include_flagged)
    report = rank_report(result)
    options.emit(report, chosen)
    if target is not None:
        options.draw(data, target, [report], "bars", "value")


@app.command()
@shared_options(wide=True, basis=True, fx=True)
def trend(
    options: Options,
    names: Annotated[list[str], typer.Argument(
        help="The metric (id, name or framework code). The older form 'trend COMPANY... "
             "METRIC' still works.", metavar="METRIC", show_default=False,
        autocompletion=completion.metric)],
    company: Annotated[Optional[list[str]], company_option(
        "Only these companies (repeatable); default: every company, those that "
        "do not report the metric listed as missing.")] = None,
    peers: Peers = None,
    per: Annotated[Optional[str], per_option(
        "Divide by this metric: the intensity over the years, as compare --per "
        "gives it for one year.")] = None,
    first: Annotated[Optional[int], from_option(
        "Start at this year, and add the change since it and the CAGR (of the "
        "intensity, with --per).")] = None,
    last: Annotated[Optional[int], typer.Option(
        "--to", help="End at this year.", show_default=False)] = None,
    unit: Annotated[Optional[str], unit_option(
        "Convert to this unit (same dimension, or water's m3 through its "
        "density).")] = None,
    chart: Annotated[bool, chart_option(
        "Draw the values as bars in plain and markdown output too (a terminal "
        "table always has them).")] = False,
    chart_file: Annotated[Optional[str], chart_file_option(
        "a line per company over the years, flags marked, sources in the caption.")] = None,
) -> None:
    """A metric over all reported years for every company (or those named with -c), with
    year-over-year change, bars on a terminal, and with --from the change since a base year and
    its CAGR.

    Example: esgcmp trend ghg --from 2018 --to 2020
    """
    from . import api
    from .views import trend_report

    chosen = options.output_format()
    chart_for(chart, chosen)
    target = chart_target(chart_file)
    if len(names) > 1 and (company or peers):
        raise UsageError("name the companies either with -c/--peers or before the metric, "
                         "not both", fix=f"esgcmp trend {names[-1]} -c ...")
    if first is not None and last is not None and first >= last:
        raise UsageError(f"--from {first} is not before --to {last}",
                         fix="give an earlier --from or a later --to")
    energy_basis = options.energy_basis()
    data = options.catalog()
    company = with_peers(data, company, peers)
    if options.wide and (chart or first is not None):
        raise UsageError("--wide lays out values only, not with --chart or --from",
                         fix="leave out --wide, or the others")
    options.basis_applies(data, names[-1:] + ([per] if per else []))
    if per is not None:
        if chart:
            raise UsageError("--per gives the intensity's own table: not with --chart",
                             fix="leave out --per, or --chart")
        from .views import intensity_trend_report

        result = api.intensity_trend(data, names[:-1] or company, names[-1], per, unit=unit,
                                     basis=energy_basis, first=first, last=last)
        report = drawn = intensity_trend_report(result, data)
        key, columns = "intensity", {"value": "intensity", "unit": "intensity_unit"}
    else:
        result = api.trend(data, names[:-1] or company, names[-1], unit=unit,
                           basis=energy_basis, first=first, last=last)
        report = trend_report(result, data, ascii_chart=chosen is not Format.table,
                              chart=(chart or chosen is Format.table) and not options.wide)
        drawn = trend_report(result, data, chart=False) if target is not None else report
        key, columns = "value", {}
    if target is not None:
        options.draw(data, target, [drawn], "lines", key)
    options.emit_wide([report], chosen, "year", report.title, **columns)
    warn_all(result.warnings)


@app.command()
@shared_options(fmt=False, basis=True, fx=True)
def report(
    options: Options,
    company: Annotated[Optional[list[str]], company_option(
        "The companies (repeatable); default: every company, or with --peers the "
        "group's.")] = None,
    peers: Peers = None,
    metric: Annotated[Optional[list[str]], metric_option(
        "The metrics, ids, names or framework codes (repeatable); default: "
        "energy, electricity, ghg, ghg_scope1, ghg_scope2, water, revenue, "
        "employees, ghg_intensity_revenue, energy_intensity_revenue (those the "
        "catalog defines).")] = None,
    per: Annotated[Optional[str], per_option(
        "Show each metric divided by this one (revenue, employees, ...), as "
        "compare --per does.")] = None,
    year: Annotated[Optional[int], year_option(
        "Year of the comparisons and rankings; default: as compare chooses it "
        "(the trends show every year).")] = None,
    include_flagged: Annotated[bool, include_flagged_option(
        "Rank the rows that cannot be ranked fairly too, marked *.")] = False,
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", help="Write the page to this file (replaced if it exists, written "
                               "whole or not at all); '-' or none: standard output.",
        show_default=False, metavar="FILE.html")] = None,
) -> None:
    """One self-contained HTML page to send by email: for each metric the comparison, the
    trend chart and the ranking, every flag with its meaning and every value's citation;
    nothing fetched from anywhere (docs/report.md).

    Example: esgcmp report -c china-unicom -c china-telecom -m ghg -m energy -o report.html
    """
    from . import api
    from .htmlreport import page_html

    options.output_to(output)
    energy_basis = options.energy_basis()
    data = options.catalog()
    options.basis_applies(data, list(metric or [m for m in api.REPORT_METRICS
                                                 if m in data.metrics]) + ([per] if per else []))
    result = api.report(data, company, metric, per=per, year=year, peers=peers,
                        basis=energy_basis, include_flagged=include_flagged)
    options.run.output.emit_document(page_html(result, data, version_number()))
    warn_all(result.warnings)


@app.command()
@shared_options()
def metrics(
    options: Options,
    query: Annotated[Optional[str], typer.Argument(
        help="Only the metrics whose id, name, Chinese name (either script), aliases, "
             "framework codes (A1.2, an aspect such as A1, GRI 305) or printed labels "
             "contain this.", show_default=False)] = None,
    framework: Annotated[Optional[Framework], framework_option(
        "Only the metrics with a code of this framework (hkex or gri), in the "
        "order of their codes.")] = None,
) -> None:
    """The metrics the catalog defines, or those matching QUERY: id, names, category, unit,
    framework codes.

    Example: esgcmp metrics ghg --framework gri
    """
    from . import api
    from .listviews import metrics_report

    chosen = options.output_format()
    data = options.catalog()
    options.emit(metrics_report(api.metrics(data, query), framework), chosen)


@app.command()
@shared_options()
def companies(options: Options) -> None:
    """The companies the catalog holds: names, aliases, group structure, years.

    Example: esgcmp companies --format csv
    """
    from . import api
    from .listviews import companies_report

    chosen = options.output_format()
    options.emit(companies_report(api.companies(options.catalog())), chosen)


@app.command()
@shared_options()
def peers(options: Options) -> None:
    """The peer groups --peers can name: the built-in one, those of peers.toml and those of
    the catalogs (groups:), with their companies and where each is defined.

    Example: esgcmp peers --format csv
    """
    from . import api
    from .listviews import peers_report

    chosen = options.output_format()
    result = api.peers(options.catalog())
    options.emit(peers_report(result), chosen)
    warn_all(result.warnings)
    if result.exit_code != ExitCode.OK:  # a group with a member that names no company
        raise typer.Exit(result.exit_code)


@app.command()
@shared_options()
def coverage(
    options: Options,
    company: Companies = None,
    peers: Peers = None,
    year: YearList = None,
) -> None:
    """Each KPI of the HKEX ESG Reporting Code (A1.1 to B8.2) for each company and year:
    disclosed (with the metrics that disclose it), not disclosed, or a description (which
    a catalog of figures does not hold).

    Example: esgcmp coverage -c unicom -y 2020
    """
    from . import api
    from .listviews import coverage_report

    chosen = options.output_format()
    data = options.catalog()
    options.emit(coverage_report(api.coverage(data, with_peers(data, company, peers), year)),
                 chosen)


@app.command()
@shared_options(basis=True)
def source(
    options: Options,
    company: Annotated[str, typer.Argument(help="Company id, name, alias or ticker.",
                                           autocompletion=completion.company)],
    metric: Annotated[str, typer.Argument(help="Metric id or name.",
                                          autocompletion=completion.metric)],
    year: Annotated[int, typer.Argument(help="Reporting year.", autocompletion=completion.year)],
    sources: Annotated[Optional[str], sources_option(
        "Folder of the report files (also ESGCMP_SOURCES); without either, the "
        "folder of the catalog that cites the value when the reports are there, "
        "else the citations only.")] = None,
    context: Annotated[int, typer.Option(
        "--context", "-C", help="Lines shown before and after a cited line.", min=0,
        max=50)] = 2,
) -> None:
    """The report lines a value is printed on (a derived total: its inputs'), with the lines around
    them and the printed value marked, when the reports are at hand.

    Example: esgcmp source unicom ghg 2020 --context 1
    """
    from . import api
    from .errors import NoDataError
    from .listviews import missing_message, source_reports

    chosen = options.output_format()
    folder = sources_folder(sources)
    energy_basis = options.energy_basis()
    data = options.catalog()
    options.basis_applies(data, [metric])
    result = api.source(data, company, metric, year, folder, context, energy_basis)
    if not result.quotes:
        raise NoDataError(missing_message(result))
    if result.exit_code != ExitCode.OK:  # a cited report missing from the folder, or short
        more = len(result.warnings) - 1
        raise NoDataError(result.warnings[0] + (f" (and {more} more)" if more else ""))
    options.emit_all(source_reports(result), chosen)
    warn_all(result.warnings)


@app.command()
@shared_options(fmt=False, basis=True, output=True)
def export(
    options: Options,
    company: Companies = None,
    peers: Peers = None,
    metric: Annotated[Optional[list[str]], metric_option(
        "Only these metrics: ids, names or framework codes (repeatable).")] = None,
    year: YearList = None,
    derived: Annotated[bool, typer.Option(
        "--derived", help="Also the totals esgcmp derives (energy where only components "
                          "are printed, GHG where only Scope 1 and 2 are), each of kind "
                          "'derived'.")] = False,
    fmt: Annotated[Optional[ExportFormat], typer.Option(
        "--format", "-f", help="csv, tsv, xlsx or json; without it, the one the --output "
                               "file's name asks for (e.xlsx), else csv.",
        case_sensitive=False, show_default=False)] = None,
) -> None:
    """Every value of the catalog (or of the companies, metrics and years named) as one tidy
    long CSV, TSV, xlsx or JSON table: normalised and as printed, with basis, flags and
    source.

    Example: esgcmp export --company china-unicom --year 2020 --derived
    """
    from . import api
    from .views import export_report

    chosen = options.output_format(export_format(fmt, options.output))
    if not derived and options.basis_given():
        raise UsageError("--basis, --kgce-per-kwh and --partial apply to derived totals",
                         fix="add --derived")
    energy_basis = options.energy_basis()
    data = options.catalog()
    company = with_peers(data, company, peers)
    result = api.export(data, company, metric, year, derived=derived, basis=energy_basis)
    options.emit(export_report(result, data), chosen)


@app.command()
@shared_options()
def check(
    options: Options,
    sources: Annotated[Optional[str], sources_option(
        "Folder of the source report files (also ESGCMP_SOURCES): also re-find "
        "every value on its cited line.")] = None,
    jump: Annotated[str, typer.Option(
        "--jump", help="Flag year-over-year changes larger than this fraction.",
        metavar="FRACTION")] = "0.5",
    everything: Annotated[bool, typer.Option(
        "--all", help="With --catalog: also the findings about the built-in catalog alone "
                      "(left out by default, and counted under the table).")] = False,
) -> None:
    """Check the catalog: schema, units, totals against parts, reported ratios against
    recomputation, plausibility; exit 1 on errors.

    Example: esgcmp check --jump 0.8
    """
    from . import api
    from .listviews import check_report

    chosen = options.output_format()
    threshold = fraction(jump, "'--jump'")
    folder = sources_folder(sources)
    session = options.session(read=True)
    result = api.check(session, folder, threshold, everything=everything)
    options.emit(check_report(result), chosen)
    if result.exit_code != ExitCode.OK:
        raise typer.Exit(result.exit_code)


@app.command()
@shared_options(fmt=False)
def extract(
    options: Options,
    report: Annotated[str, typer.Argument(
        help="The report: its PDF, or its text (UTF-8) as a converter or a web page gives it.",
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
        "--format", "-f", help="yaml: a draft catalog; csv, tsv, xlsx or json: one row per "
                               "value.",
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
) -> None:
    """Read a report's KPI tables (and with --prose its sentences) into a draft catalog, every value
    with its line (in a PDF, its page and its line on that page).

    Example: esgcmp extract acme-esg-2020.pdf --company acme --name "Acme Telecom" -o acme.yaml
    """
    from . import api, draftfile

    bom_for(options.bom, fmt.value)
    if year is not None and not prose:
        raise UsageError("--year applies with --prose only", fix="add --prose, or leave "
                                                                   "out --year")
    if not report.strip():
        raise typer.BadParameter("'' names no file", param_hint="'REPORT'")
    path = Path(report)
    target = draftfile.output_path(output, force, path)
    if fmt is ExtractFormat.xlsx and target is None and terminal():
        raise UsageError("xlsx is a binary file, not for a terminal",
                         fix="add --output FILE.xlsx, or redirect the output to a file")
    data = options.catalog()
    ids = draftfile.draft_ids(data, company, name, source_id, path)
    result = api.extract(data, path, prose=prose, year=year)
    text = draftfile.extracted_text(result, fmt.value, ids, options.bom)
    if target is None:
        write(text)
    else:
        draftfile.write_new(target, text, force)
    warn_all(result.warnings)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code; errors are one line on stderr."""
    return execute(app, argv)

