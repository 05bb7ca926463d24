"""esgcmp export: every value as one tidy long table."""

from __future__ import annotations

import csv
import io
import json


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_holds_every_reported_value_once(run, on_groups) -> None:
    result = run("export", *on_groups)
    assert result.code == 0, result
    rows = _rows(result.out)
    # north-mobile 6 values, south-telecom 7, south-services 4
    assert len(rows) == 17
    assert len({(r["company"], r["metric"], r["year"]) for r in rows}) == 17
    assert {r["kind"] for r in rows} == {"reported"}
    assert result.out.splitlines()[0] == (
        "company,year,metric,value,unit,reported_value,reported_unit,kind,source,line,flags,"
        "label,basis,part_of,derivation,inputs,also,notes,metric_name,category,report")
    ghg = next(r for r in rows if (r["company"], r["metric"], r["year"])
               == ("south-telecom", "ghg", "2020"))
    assert (ghg["value"], ghg["unit"], ghg["reported_value"], ghg["reported_unit"],
            ghg["source"], ghg["line"], ghg["flags"], ghg["report"]) == (
        "8866000", "tCO2e", "886.6", "*10,000 tons", "south.txt", "1", "",
        "South 2020")


def test_export_selects_companies_metrics_and_years(run) -> None:
    rows = _rows(run("export", "-c", "unicom", "-m", "A1.2", "-y", "2019", "-y", "2020").out)
    assert sorted({r["metric"] for r in rows}) == ["ghg", "ghg_intensity_revenue",
                                                   "ghg_scope1", "ghg_scope2"]
    assert {r["company"] for r in rows} == {"china-unicom"}
    assert {r["year"] for r in rows} == {"2019", "2020"}


def test_export_derived_adds_derived_totals(run) -> None:
    rows = _rows(run("export", "--derived", "-m", "energy").out)
    assert [(r["company"], r["year"], r["kind"]) for r in rows] == [
        ("china-comservice", "2019", "reported"), ("china-comservice", "2020", "reported"),
        ("china-telecom", "2018", "derived"), ("china-telecom", "2019", "derived"),
        ("china-telecom", "2020", "derived"), ("china-unicom", "2018", "derived"),
        ("china-unicom", "2019", "derived"), ("china-unicom", "2020", "derived")]


def test_export_json_has_numbers_and_integer_years(run) -> None:
    rows = json.loads(run("export", "-m", "ghg", "-c", "ct", "-f", "json").out)
    assert [(r["year"], r["value"]) for r in rows] == [(2018, 6900000), (2019, 7665000),
                                                       (2020, 8866000)]


def test_export_refuses_what_does_not_apply(run) -> None:
    for args, message in ((["-f", "table"], "Invalid value for '--format'"),
                          (["--partial"], "apply to derived totals; add --derived"),
                          (["-f", "json", "--bom"], "--bom applies to CSV and TSV only")):
        result = run("export", *args)
        assert (result.code, result.out) == (2, ""), args
        assert message in result.err


def test_an_empty_selection_is_exit_3(run) -> None:
    result = run("export", "-y", "1999")
    assert (result.code, result.out) == (3, "")
    assert result.err == ("esgcmp: error: no value for the companies, metrics and years "
                          "asked for\n")
