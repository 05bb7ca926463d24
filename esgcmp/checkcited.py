"""The catalog as written: it loads (``schema``), and each value is on its cited line
of its source (``source_line``, with ``--sources``)."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog
from .checkbase import Check, declares
from .errors import CatalogError
from .provenance import SourceFiles, check_claims, check_observation, cited_places, claim_places
from .results import Finding, Severity, SourceLines


@declares(Check(
    "schema", "error", "the catalog must load: YAML, known keys, required fields, types, ids, "
    "known metrics and sources, plausible years (1900-2100), no duplicates, units that read "
    "and fit the metric's dimension. The first problem is reported with file and line.",
    lambda finding: finding.details["problem"]), run=False)
def load_failure(error: CatalogError) -> Finding:
    """A catalog that does not load is one error finding."""
    return Finding(Severity.error, "schema", sources=(error.where,) if error.where else (),
                   details={"problem": error.message + (f"; {error.fix}" if error.fix else "")})


def _not_refound(count: int) -> str:
    return f"its {count} cited figure{'s were' if count != 1 else ' was'} not re-found"


def _source_line_message(finding: Finding) -> str:
    details = finding.details
    if "absent" in details:
        return (f"{details['absent']} is not in {details['directory']}: "
                f"{_not_refound(details['count'])}")
    if "unreadable" in details:
        return f"{details['unreadable']} {details['why']}: {_not_refound(details['count'])}"
    return f"'{details['expected']}' is not on {details['where']}: {details['line_text']!r}"


@declares(Check(
    "source_line", "error", "with `--sources DIR`: each value (and each `also` citation) is "
    "printed on its cited line, and so are the words each cited basis aspect and "
    "`shared_with` quote and each `not_reported` reason; a source file not in DIR is "
    "reported as info",
    _source_line_message), run=False)
def check_source_lines(catalog: Catalog, directory: Path) -> SourceLines:
    """Every value re-found on its cited line of the source files in ``directory``, and on
    the lines of its other citations; a file that is absent or unreadable is one finding,
    with the number of citations it holds."""
    files = SourceFiles(directory)
    absent: dict[str, int] = {}
    unreadable: dict[str, int] = {}
    findings = []
    checked = 0
    read: set[str] = set()
    claimed: set[tuple[str, int, str, int | None]] = set()  # a claim of several years once

    def tally_places(places: list[str]) -> None:
        nonlocal checked
        for file in places:
            if files.has(file):
                checked += 1
                read.add(file)
            else:
                tally = absent if files.missing(file) else unreadable
                tally[file] = tally.get(file, 0) + 1

    for obs in catalog.observations.values():
        claims = [c for c in claim_places(obs) if c not in claimed]
        claimed.update(claims)
        tally_places([file for file, *_rest in cited_places(obs)]
                     + [file for file, *_rest in claims])
        misses = check_observation(obs, files) + check_claims(claims, str(obs.origin), files)
        findings += [Finding(Severity.error, "source_line", obs.company, obs.year, obs.metric,
                             sources=(miss.where, miss.catalog),
                             details={"expected": miss.expected, "where": miss.where,
                                      "line_text": miss.line_text}) for miss in misses]
    for company in catalog.companies.values():  # what a company states of itself (its entity)
        claims = [(file, line, words, page or None)
                  for _aspect, file, line, page, words in company.stated]
        tally_places([file for file, *_rest in claims])
        findings += [Finding(Severity.error, "source_line", company.id,
                             sources=(miss.where, miss.catalog),
                             details={"expected": miss.expected, "where": miss.where,
                                      "line_text": miss.line_text})
                     for miss in check_claims(claims, str(company.origin), files)]
        # a reason the report gives for not disclosing a metric is cited as a value is
        sources = catalog.sources.get(company.id, {})
        for explained in company.not_reported:
            if explained.source not in sources:
                continue
            claim = (sources[explained.source].file, explained.line, explained.reason,
                     explained.page)
            tally_places([claim[0]])
            findings += [Finding(Severity.error, "source_line", company.id,
                                 metric=explained.metric, sources=(miss.where, miss.catalog),
                                 details={"expected": miss.expected, "where": miss.where,
                                          "line_text": miss.line_text})
                         for miss in check_claims([claim], str(company.origin), files)]
    missed = len(findings)  # one a place not found
    findings += [Finding(Severity.error, "source_line", sources=(file,),
                         details={"unreadable": file, "why": files.problems[file],
                                  "count": count}) for file, count in sorted(unreadable.items())]
    findings += [Finding(Severity.info, "source_line", sources=(file,),
                         details={"absent": file, "directory": str(directory), "count": count})
                 for file, count in sorted(absent.items())]
    elsewhere = sum(absent.values()) + sum(unreadable.values())
    return SourceLines(findings, checked + elsewhere, checked - missed, len(read),
                       len(read) + len(absent) + len(unreadable))
