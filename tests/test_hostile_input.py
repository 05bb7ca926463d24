"""Hostile input inside the documented limits: numbers at the edges of what esgcmp reads,
unit texts with look-alike characters, catalogs whose structure contradicts itself, and
report texts that a text conversion can produce. Each answers rightly, or says why in one
line with a documented exit code (docs/security.md)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from esgcmp.errors import ExitCode
from esgcmp.load import load_files

# Values at both ends of the limits (1e-20 to 1e20, multipliers to 1e15): 1e19 萬億噸 is
# 1e31 t, a change from 1e-20 t to 1e19 t is 1e41 %, a Scope 2 of 1e10 t over 1e-20 kWh is
# an emission factor of 1e33 t/MWh. Every command computes with them.
EXTREMES = """
schema: 1
metrics:
  ghg: {name: GHG, category: environmental, unit: tCO2e}
  electricity: {name: Electricity, category: environmental, unit: MWh}
  revenue: {name: Revenue, category: economic, unit: CNY}
  ghg_intensity: {name: GHG per revenue, category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}
companies:
  huge:
    name: Huge
    sources: {s: {file: s.txt}}
    kpis:
      - {metric: ghg, unit: 萬億噸, values: {2019: 1e-20, 2020: 1e19}, source: s, line: 1}
      - {metric: ghg_intensity, unit: tCO2e/RMB million, values: {2020: 1e-20}, source: s, line: 2}
  tiny:
    name: Tiny
    sources: {s: {file: s.txt}}
    kpis:
      - {metric: ghg, unit: t, values: {2019: 1e-20, 2020: 1e10}, source: s, line: 1}
      - {metric: electricity, unit: kWh, values: {2020: 1e-20}, source: s, line: 2}
"""


@pytest.fixture
def extremes(write) -> tuple[str, ...]:
    return ("--no-builtin", "--catalog", str(write("extremes.yaml", EXTREMES)))


@pytest.mark.parametrize("command", [
    ("show", "huge", "2020"), ("show", "tiny", "2020"), ("compare", "ghg"),
    ("compare", "ghg", "--per", "electricity"), ("compare", "ghg", "--per", "revenue"),
    ("compare", "ghg_intensity", "--unit", "kgCO2e/CNY"), ("trend", "ghg"),
    ("trend", "ghg", "--from", "2019"), ("trend", "ghg", "--per", "electricity"), ("check",),
    ("export", "-f", "json"), ("export", "-f", "csv")])
def test_numbers_at_the_limits_answer(run, extremes, command) -> None:
    result = run(*command, *extremes)
    assert result.code in (ExitCode.OK, ExitCode.FINDINGS), result
    assert "internal error" not in result.err


def test_the_largest_values_keep_every_digit(run, extremes) -> None:
    result = run("compare", "ghg", "-f", "csv", *extremes)
    rows = {row["company"]: row for row in csv.DictReader(io.StringIO(result.out))}
    assert rows["huge"]["value"] == "1" + "0" * 31
    assert rows["tiny"]["value"] == "10000000000"


def test_a_change_across_forty_orders_of_magnitude(run, extremes) -> None:
    result = run("trend", "ghg", "-c", "tiny", "-f", "json", *extremes)
    assert result.code == 0, result
    rows = json.loads(result.out)
    assert [(row["year"], row["change_pct"]) for row in rows] == [
        # 1e-20 to 1e10 is 10^32 - 100 %: 1e-20 is printed to one digit, so is the change
        (2019, None), (2020, 10**32)]


def test_an_emission_factor_of_1e33(run, extremes) -> None:
    result = run("check", "-f", "json", *extremes)
    findings = [f for f in json.loads(result.out) if f["check"] == "emission_factor"]
    assert [(f["company"], f["found"]) for f in findings] == [("tiny", 10**33)]


@pytest.mark.parametrize(("number", "shown"), [
    ("0e999999999", "0E+999999999"), ("0e-99", "0E-99"), ("1e20", "1E+20"),
    ("9.99e-21", "9.99E-21"), ("123456789012345678901", "123456789012345678901")])
def test_a_number_beyond_the_limits_is_one_line(run, write, number, shown) -> None:
    catalog = write("edge.yaml", EXTREMES.replace("2019: 1e-20, 2020: 1e10",
                                                  f"2019: {number}, 2020: 1e10"))
    result = run("show", "tiny", "2020", "--no-builtin", "--catalog", str(catalog))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err == (f"esgcmp: error: {catalog}:18: kpi 'ghg' 2019: value {shown} is "
                          "outside what esgcmp reads (at most 20 significant digits, between "
                          "1e-20 and 1e20); check the number against the report\n")


def test_a_zero_printed_to_places_is_read(run, write) -> None:
    catalog = write("zero.yaml", EXTREMES.replace("2019: 1e-20, 2020: 1e10",
                                                  "2019: 0.000, 2020: 1e10"))
    result = run("show", "tiny", "2019", "-f", "csv", "--no-builtin", "--catalog", str(catalog))
    assert result.code == 0, result
    assert [row["value"] for row in csv.DictReader(io.StringIO(result.out))
            if row["metric"] == "ghg"] == ["0"]


def test_an_option_beyond_the_limits_is_a_usage_error(run, extremes) -> None:
    result = run("check", "--jump", "1e-99", *extremes)
    assert result.code == ExitCode.USAGE
    assert result.err == ("esgcmp: error: Invalid value for '--jump': 1e-99 is outside what "
                          "esgcmp reads (at most 20 significant digits, between 1e-20 and "
                          "1e20) (see 'esgcmp check --help')\n")


# ---- extract: numbers beyond the limits, characters a YAML stream cannot hold ------------

METRICS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
companies: {}
"""


@pytest.fixture
def metrics(write) -> Path:
    return write("metrics.yaml", METRICS)


def _extract(run, tmp_path: Path, metrics: Path, text: str, *options: str):
    report = tmp_path / "acme.txt"
    report.write_bytes(text.encode("utf-8"))
    draft = tmp_path / "draft.yaml"
    result = run("extract", str(report), "-o", str(draft), "--force", "--no-builtin",
                 "--catalog", str(metrics), *options)
    return result, draft


def test_a_cell_beyond_the_limits_makes_its_row_unreadable(run, tmp_path, metrics) -> None:
    result, draft = _extract(run, tmp_path, metrics,
                             "Indicator 2019 2020\nGreenhouse gas emissions (t) 700 800\n"
                             "Waste (t) 1234567890123456789012345 5\n")
    assert result.code == 0, result
    assert result.err == (
        f"esgcmp: warning: {tmp_path / 'acme.txt'}:3: row not read (the number "
        "'1234567890123456789012345' is beyond what a catalog holds (at most 20 significant "
        "digits, between 1e-20 and 1e20)): Waste (t) 1234567890123456789012345 5\n")
    catalog = load_files([metrics, draft])
    assert {(o.metric, o.year, o.value) for o in catalog.observations.values()} == {
        ("ghg", 2019, 700), ("ghg", 2020, 800)}


@pytest.mark.parametrize("char", ["\x7f", "\x80", "\x9b", "\ufffe", "\x1b", "\U0010fffe"])
def test_a_draft_with_any_character_loads_and_keeps_it(run, tmp_path, metrics, char) -> None:
    label = f"Widgets{char} made"
    result, draft = _extract(run, tmp_path, metrics,
                             f"Indicator 2019 2020\n{label} (t) 7 8\nGHG emissions (t) 1 2\n")
    assert result.code == 0, result
    catalog = load_files([metrics, draft])
    rows = sorted((o.line, o.label, o.year, o.value) for o in catalog.observations.values())
    assert rows == [(2, f"{label} (t)", 2019, Decimal(7)), (2, f"{label} (t)", 2020, Decimal(8)),
                    (3, "GHG emissions (t)", 2019, Decimal(1)),
                    (3, "GHG emissions (t)", 2020, Decimal(2))]


# ---- units: prefixed powers, look-alikes, '#' ---------------------------------------------

@pytest.mark.parametrize(("printed", "target", "factor"), [
    ("km2", "m2", Decimal("1000000")), ("km²", "m2", Decimal("1000000")),
    ("km³", "m3", Decimal("1000000000")), ("㎢", "m2", Decimal("1000000")),
    ("mm2", "m2", Decimal("0.000001")), ("Mm3", "m3", Decimal("1000000")),
    ("m2", "m2", Decimal(1)), ("m³", "m3", Decimal(1)), ("萬m3", "m3", Decimal(10000)),
    ("ｔ", "t", Decimal(1)), ("ｋｇ／ｔ", "kg/t", Decimal(1))])
def test_a_prefixed_power_and_a_full_width_unit_read_as_their_plain_forms(
        printed, target, factor) -> None:
    from esgcmp.units import conversion

    assert conversion(printed, target).factor == factor


@pytest.mark.parametrize(("printed", "message"), [
    ("ｍｔ", "unit 'ｍｔ': 'mt' is ambiguous (metric tons or megatonnes, read as millitonnes "
            "by unit libraries)"),
    ("𝐦𝐭", "unit '𝐦𝐭': 'mt' is ambiguous (metric tons or megatonnes, read as millitonnes "
          "by unit libraries)"),
    ("ｔ＊＊99999999", "unit 'ｔ＊＊99999999': the power '99999999' is not a whole number from "
                     "-4 to 4"),
    ("t＾9", "unit 't＾9': the power '9' is not a whole number from -4 to 4"),
    ("t**٣", "unit 't**٣': the power '٣' is not a whole number from -4 to 4"),
    ("（（（（t））））", "unit '（（（（t））））' nests parentheses deeper than 3"),
    ("t#x", "unit 't#x': '#' is not part of a unit"),
    ("萬/t#", "unit '萬/t#': '#' is not part of a unit"),
    ("t＃\x1b[2J", "unit 't＃\x1b[2J': '#' is not part of a unit")])
def test_a_look_alike_fails_the_check_its_plain_form_fails(printed, message) -> None:
    from esgcmp.errors import UnitError
    from esgcmp.units import parse_printed, parse_target

    for parse in (parse_printed, parse_target):
        with pytest.raises(UnitError) as caught:
            parse(printed)
        assert caught.value.message == message


def test_a_hash_in_a_catalog_unit_is_one_escaped_line(run, write) -> None:
    catalog = write("hash.yaml", EXTREMES.replace('unit: kWh', 'unit: "萬/t#\\e[31m"'))
    result = run("show", "tiny", "2020", "--no-builtin", "--catalog", str(catalog))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err == (f"esgcmp: error: {catalog}:19: kpi 'electricity': unit "
                          "'萬/t#\\x1b[31m': '#' is not part of a unit; give the unit as "
                          "printed, e.g. '萬噸' or 'tons'\n")


def test_extract_leaves_a_unit_with_a_hash_unread(run, tmp_path, metrics) -> None:
    result, draft = _extract(run, tmp_path, metrics,
                             "Indicator 2019 2020\nWater (萬/t#) 1 2\nLand (km2) 3 4\n")
    assert result.code == 0, result
    catalog = load_files([metrics, draft])
    assert {(o.label, o.unit, o.year, o.normalized) for o in catalog.observations.values()} == {
        ("Water (萬/t#)", "count", 2019, 1), ("Water (萬/t#)", "count", 2020, 2),
        ("Land (km2)", "km2", 2019, 3), ("Land (km2)", "km2", 2020, 4)}
    assert catalog.metrics["land"].unit == "km**2"


# ---- catalog semantics ---------------------------------------------------------------------

def _groups(parents: dict[str, str]) -> str:
    lines = ["schema: 1", "metrics:", "  m: {name: M, category: environmental, unit: t}",
             "companies:"]
    for company in ("a-co", "b-co", "c-co"):
        lines += [f"  {company}:", f"    name: {company.upper()}"]
        if company in parents:
            lines.append(f"    parent: {parents[company]}")
        lines += ["    sources: {s: {file: s.txt}}",
                  "    kpis: [{metric: m, unit: t, values: {2020: 1}, source: s, line: 1}]"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("parents", "line", "cycle"), [
    ({"a-co": "a-co"}, 6, "a-co -> a-co"),
    ({"a-co": "b-co", "b-co": "a-co"}, 6, "a-co -> b-co -> a-co"),
    ({"a-co": "b-co", "b-co": "c-co", "c-co": "b-co"}, 6, "b-co -> c-co -> b-co")])
def test_a_cycle_of_parents_is_refused(run, write, parents, line, cycle) -> None:
    catalog = write("cycle.yaml", _groups(parents))
    result = run("companies", "--no-builtin", "--catalog", str(catalog))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err == (f"esgcmp: error: {catalog}:{line}: company 'a-co': its parents make "
                          f"a cycle ({cycle}); a company's parent is the group it belongs to; "
                          "remove one 'parent'\n")


def test_a_chain_of_parents_is_read(run, write) -> None:
    catalog = write("chain.yaml", _groups({"a-co": "b-co", "b-co": "c-co"}))
    result = run("companies", "-f", "csv", "--no-builtin", "--catalog", str(catalog))
    assert result.code == 0, result
    assert [(row["company"], row["parent"]) for row in csv.DictReader(io.StringIO(result.out))
            ] == [("a-co", "b-co"), ("b-co", "c-co"), ("c-co", "")]


@pytest.mark.parametrize("key", ["parent: b-co", "aliases: [ac]", "name_zh: 甲", "entity: x"])
def test_a_file_adding_to_a_company_cannot_redefine_it(run, write, key) -> None:
    first = write("first.yaml", _groups({}))
    second = write("second.yaml", "schema: 1\ncompanies:\n  a-co:\n"
                   f"    {key}\n    sources: {{t: {{file: t.txt}}}}\n    kpis: []\n")
    result = run("companies", "--no-builtin", "--catalog", str(first), "--catalog", str(second))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    name = key.split(":")[0]
    assert result.err == (f"esgcmp: error: {second}:4: company 'a-co': '{name}' can be given "
                          f"only where the company is defined ({first}:6), not in a file that "
                          f"adds to it; give '{name}' in the company's definition\n")


def test_ids_that_fold_alike_are_each_reached_by_their_own(run, write) -> None:
    catalog = write("fold.yaml", _groups({}).replace("b-co:", "a_co:").replace("B-CO", "Other"))
    for wanted, name in (("a-co", "A-CO"), ("a_co", "Other")):
        result = run("show", wanted, "2020", "-f", "json", "--no-builtin", "--catalog",
                     str(catalog))
        assert result.code == 0, result
        assert json.loads(result.out)[0]["company"] == wanted
    assert run("show", "A Co", "2020", "--no-builtin", "--catalog", str(catalog)).code == \
        ExitCode.NOT_FOUND


def test_a_negative_zero_is_zero(run, write) -> None:
    catalog = write("zero.yaml", _groups({}).replace("2020: 1}", "2020: -0.0}", 1))
    result = run("show", "a-co", "2020", "-f", "csv", "--no-builtin", "--catalog", str(catalog))
    assert result.code == 0, result
    row = next(csv.DictReader(io.StringIO(result.out)))
    # no sign on nothing; the printing keeps its digits (0.0)
    assert (row["value"], row["reported_value"]) == ("0", "0.0")
    plain = run("show", "a-co", "2020", "-f", "plain", "--no-builtin", "--catalog", str(catalog))
    assert "-0" not in plain.out


@pytest.mark.parametrize("kind", ["dangling", "fifo"])
def test_a_catalog_folder_names_what_it_cannot_read(run, tmp_path, kind) -> None:
    folder = tmp_path / "catalogs"
    folder.mkdir()
    (folder / "a.yaml").write_text(_groups({}), encoding="utf-8")
    odd = folder / "b.yaml"
    if kind == "dangling":
        odd.symlink_to(tmp_path / "gone.yaml")
    else:
        import os
        os.mkfifo(odd)
    result = run("companies", "--no-builtin", "--catalog", str(folder))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err.startswith(f"esgcmp: error: {odd}: ")
    assert result.err.count("\n") == 1


# ---- extract: rows that look like headings, labels with numbers, breaks inside a line ----

def _rows(run, tmp_path: Path, metrics: Path, text: str) -> tuple[list[tuple[str, ...]], str]:
    report = tmp_path / "acme.txt"
    report.write_bytes(text.encode("utf-8"))
    result = run("extract", str(report), "-f", "csv", "--no-builtin", "--catalog", str(metrics))
    assert result.code == 0, result
    rows = [(row["line"], row["label"], row["year"], row["value"])
            for row in csv.DictReader(io.StringIO(result.out))]
    return rows, result.err.replace(str(report), "acme.txt")


@pytest.mark.parametrize("values", ["2031 2033", "2033 2031", "2031 2035"])
def test_a_row_of_values_that_look_like_years_is_a_row(run, tmp_path, metrics, values) -> None:
    rows, err = _rows(run, tmp_path, metrics, f"Indicator 2019 2020\nWater (m3) 1 2\n"
                                              f"Fuel (tonnes) {values}\nPaper (t) 3 4\n")
    first, second = values.split()
    assert rows == [("2", "Water (m3)", "2019", "1"), ("2", "Water (m3)", "2020", "2"),
                    ("3", "Fuel (tonnes)", "2019", first), ("3", "Fuel (tonnes)", "2020", second),
                    ("4", "Paper (t)", "2019", "3"), ("4", "Paper (t)", "2020", "4")]
    assert err == ""


def test_a_skipping_run_of_years_after_no_heading_word_is_a_row(run, tmp_path, metrics) -> None:
    rows, _err = _rows(run, tmp_path, metrics, "Indicator 2018 2019 2020\nFuel 1 2 3\n"
                                               "Vehicles 2031 2033 2037\nPaper (t) 3 4 5\n")
    assert [row for row in rows if row[1] == "Paper (t)"] == [
        ("4", "Paper (t)", "2018", "3"), ("4", "Paper (t)", "2019", "4"),
        ("4", "Paper (t)", "2020", "5")]
    assert ("3", "Vehicles", "2020", "2037") in rows


@pytest.mark.parametrize(("row", "why"), [
    ("Staff under 30 12 13", "'under 30' belongs to the label, which leaves 2 cells for 3 "
                             "columns"),
    ("Employees aged 50 12 13", "'aged 50' belongs to the label, which leaves 2 cells for 3 "
                                "columns"),
    ("Energy (MWh) 512³ 600 700", "a footnote marker on the number '512³': whether it is a "
                                  "cell or ends the label cannot be told")])
def test_a_number_of_the_label_is_never_a_cell(run, tmp_path, metrics, row, why) -> None:
    rows, err = _rows(run, tmp_path, metrics, f"Indicator 2018 2019 2020\n{row}\n"
                                              "Paper (t) 3 4 5\n")
    assert [r[1] for r in rows] == ["Paper (t)"] * 3
    assert err == f"esgcmp: warning: acme.txt:2: row not read ({why}): {row}\n"


@pytest.mark.parametrize("row", ["Employees aged 30 or under 12 13 14",
                                 "Staff aged 50 and above 12 13 14", "Scope 1 emissions 12 13 14"])
def test_a_label_that_ends_whole_keeps_its_cells(run, tmp_path, metrics, row) -> None:
    rows, err = _rows(run, tmp_path, metrics, f"Indicator 2018 2019 2020\n{row}\n")
    assert [(r[2], r[3]) for r in rows] == [("2018", "12"), ("2019", "13"), ("2020", "14")]
    assert err == ""


@pytest.mark.parametrize("brk", ["\r", "\v", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_break_inside_a_line_separates_rows_cited_on_that_line(
        run, tmp_path, metrics, brk) -> None:
    text = (f"Indicator 2019 2020\nWater (m3) 1 2\n\fFuel (t) 5 6{brk}Paper (t) 7 8\n"
            "Steel (t) 9 10\n")
    rows, err = _rows(run, tmp_path, metrics, text)
    assert rows == [("2", "Water (m3)", "2019", "1"), ("2", "Water (m3)", "2020", "2"),
                    ("3", "Fuel (t)", "2019", "5"), ("3", "Fuel (t)", "2020", "6"),
                    ("3", "Paper (t)", "2019", "7"), ("3", "Paper (t)", "2020", "8"),
                    ("4", "Steel (t)", "2019", "9"), ("4", "Steel (t)", "2020", "10")]
    result, draft = _extract(run, tmp_path, metrics, text)
    assert result.code == 0, result
    checked = run("check", "--no-builtin", "--catalog", str(metrics), "--catalog", str(draft),
                  "--sources", str(tmp_path), "-f", "plain")
    assert checked.code == 0, checked
    assert (f"8 of 8 cited figures re-found on their lines in 1 report file of {tmp_path}."
            in checked.out + checked.err)


def test_long_inputs_take_linear_time(run, tmp_path, metrics) -> None:
    import time

    sentence = "In 2020 the company " + " ".join(
        f"used {n} tonnes of coal and" for n in range(2000)) + " more.\n"
    rows = "Indicator 2019 2020\n" + "".join(f"Widgets made (t) {n} {n + 1}\n"
                                             for n in range(4000))
    for text, options in ((sentence, ("--prose",)), (rows, ())):
        started = time.process_time()
        result, _draft = _extract(run, tmp_path, metrics, text, *options)
        assert result.code == 0, result
        # quadratic passes took 15 s and 8 s of CPU time on these; linear ones under 2
        assert time.process_time() - started < 6


def test_a_long_chain_of_parents_is_checked_in_linear_time() -> None:
    import time

    from esgcmp.errors import CatalogError
    from esgcmp.load import check_references
    from esgcmp.model import Company, Origin, Parts

    size = 20_000
    companies = {f"c{n}": Company(f"c{n}", f"C{n}", Origin("chain.yaml", n + 3),
                                  parent=f"c{n + 1}" if n + 1 < size else "")
                 for n in range(size)}
    started = time.process_time()
    check_references(Parts(companies=companies))
    # walking every company's parents anew took 200 million steps here
    assert time.process_time() - started < 2
    companies["c19999"] = Company("c19999", "C19999", Origin("chain.yaml", 20002), parent="c0")
    with pytest.raises(CatalogError) as caught:
        check_references(Parts(companies=companies))
    assert caught.value.message == ("company 'c0': its parents make a cycle (c0 -> c1 -> c2 -> "
                                    "... 19996 more ... -> c19999 -> c0)")
