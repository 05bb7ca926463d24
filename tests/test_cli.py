"""The command line as a user meets it: output contracts, exit codes, messages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from esgcmp.errors import ExitCode

from .conftest import USER_CATALOG

FIXED = ["company", "year", "metric", "value", "unit", "reported_value", "reported_unit",
         "kind", "source", "line", "flags"]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_compare_ghg_csv_contract(run, on_groups) -> None:
    result = run("compare", "ghg", *on_groups, "--format", "csv")
    assert result.code == 0 and result.err == ""
    header = result.out.splitlines()[0].split(",")
    assert header[:11] == FIXED
    data = rows(result.out)
    assert [r["company"] for r in data] == ["north-mobile", "south-telecom", "south-services"]
    north = data[0]
    assert {k: north[k] for k in FIXED} == {
        "company": "north-mobile", "year": "2020", "metric": "ghg", "value": "14230000",
        "unit": "tCO2e", "reported_value": "14.23", "reported_unit": "百萬噸",
        "kind": "reported", "source": "north.txt", "line": "1", "flags": "basis_differs"}
    south = data[1]
    assert (south["value"], south["reported_value"], south["reported_unit"]) == (
        "8866000", "886.6", "*10,000 tons")
    # below any grid factor, but nothing tells its GHG from its electricity: both are
    # involved in the finding, neither is flagged
    assert south["flags"] == "basis_differs"
    assert data[2]["flags"] == "scope;approx;basis_differs"
    assert [(r["company"], r["basis"], r["part_of"]) for r in data] == [
        ("north-mobile", "scopes: 1+2", ""), ("south-telecom", "", ""),
        ("south-services", "boundary: Group and certain large-scale subsidiaries; "
         "definition: emissions from energy consumption", "south-telecom")]
    plain = run("compare", "ghg", *on_groups, "-f", "plain").out
    assert ("Bases differ (flag basis_differs), compare with care: boundary 'the whole entity' "
            "(north-mobile, south-telecom) vs 'Group and certain large-scale subsidiaries' "
            "(south-services); scopes '1+2' (north-mobile) vs 'not stated' (south-telecom, "
            "south-services); definition 'not stated' (north-mobile, south-telecom) vs "
            "'emissions from energy consumption' (south-services).") in plain
    assert ("Note: south-services is part of south-telecom; its figures are included in "
            "south-telecom's. Do not add them up.") in plain
    # nothing tells its GHG from its electricity: the finding is shown, neither is flagged
    assert ("south-telecom ghg 2020 is involved, not suspected (emission_factor): ghg / "
            "electricity = "
            "0.3555 tCO2e/MWh: the electricity alone would emit more") in plain


def test_compare_energy_marks_derived_values_and_states_the_year(run, on_tiny) -> None:
    result = run("compare", "energy", *on_tiny, "--format", "plain")
    assert result.code == 0
    assert "Year 2020: the latest year reported by every company that has it." in result.out
    assert ("Bases differ (flag basis_differs), compare with care: electricity 'not stated' "
            "(tiny-sub) vs 'calorific-equivalent' (tiny-group).") in result.out
    assert ("tiny-group energy 2020 is derived (GB/T 2589-2020, electricity on the "
            "calorific-equivalent basis; sum of electricity, gasoline, diesel (natural_gas, "
            "coal, purchased_heat: not reported by the company)):") in result.out
    data = rows(run("compare", "energy", *on_tiny, "-f", "csv").out)
    # 120,000 MWh x 0.1229 + 110 t x 1.4714 + 55 t x 1.4571 = 14,748 + 161.854 + 80.1405 tce
    kinds = {r["company"]: (r["kind"], r["value"]) for r in data}
    # shown to the thousands its inputs' printed digits allow (docs/output.md#digits)
    assert kinds == {"tiny-group": ("derived", "15000"),
                     "tiny-sub": ("reported", "15000")}
    group = next(r for r in data if r["company"] == "tiny-group")
    assert group["source"] == "" and group["flags"] == "derived;restated;basis_differs"
    assert group["inputs"] == (
        "electricity 120000 MWh x 0.1229 kgce/kWh = 14748 tce [tiny.txt:1]; "
        "gasoline 110 t x 1.4714 kgce/kg = 161.854 tce [tiny.txt:2]; "
        "diesel 55 t x 1.4571 kgce/kg = 80.1405 tce [tiny.txt:3]")


def test_compare_json_has_numbers_and_the_same_keys(run) -> None:
    result = run("compare", "ghg", "--year", "2019", "--format", "json")
    data = json.loads(result.out)
    assert list(data[0])[:11] == FIXED
    unicom = next(r for r in data if r["company"] == "china-unicom")
    assert unicom["value"] == 13200000 and unicom["reported_value"] == 13.2
    assert unicom["line"] == 4299 and unicom["flags"] == ["basis_differs"]


def test_compare_lists_companies_that_did_not_report(run) -> None:
    data = rows(run("compare", "water", "-f", "csv").out)
    telecom = next(r for r in data if r["company"] == "china-telecom")
    assert (telecom["kind"], telecom["value"], telecom["notes"]) == (
        "missing", "", "not reported; printed only a change from 2019: 5.66 million tons "
                       "(water_consumption_decrease, CT CSR 2020, line 2653)")


def test_compare_converts_with_unit(run, on_groups) -> None:
    data = rows(run("compare", "ghg", "--unit", "MtCO2e", *on_groups, "-f", "csv").out)
    assert [(r["company"], r["value"], r["unit"]) for r in data] == [
        ("north-mobile", "14.23", "MtCO2e"), ("south-telecom", "8.866", "MtCO2e"),
        ("south-services", "0.5544", "MtCO2e")]


def test_compare_incompatible_unit_is_one_clear_line(run) -> None:
    result = run("compare", "ghg", "--unit", "MWh")
    assert result.code == ExitCode.UNIT == 5
    assert result.out == ""
    assert result.err == ("esgcmp: error: cannot convert 'tCO2e' ([co2e]) to 'MWh' "
                          "([mass] * [length] ** 2 / [time] ** 2); choose a unit of the same "
                          "dimension\n")


def test_compare_selected_companies_by_alias(run) -> None:
    data = rows(run("compare", "ghg", "-c", "中國聯通", "-c", "CT", "-y", "2018",
                    "-f", "csv").out)
    assert [(r["company"], r["value"]) for r in data] == [
        ("china-unicom", "13130000"), ("china-telecom", "6900000")]


def test_show_lists_every_kpi_with_printed_value_and_source(run) -> None:
    result = run("show", "china-unicom", "2020", "--format", "csv")
    assert result.code == 0
    data = rows(result.out)
    by_metric = {r["metric"]: r for r in data}
    assert by_metric["ghg_scope2"]["value"] == "14030000"
    assert by_metric["electricity"]["reported_unit"] == "億度"
    assert by_metric["energy"]["kind"] == "derived"
    assert all(r["year"] == "2020" and r["company"] == "china-unicom" for r in data)
    assert all(r["source"] and r["line"] for r in data if r["kind"] == "reported")
    categories = [r["category"] for r in data]
    assert categories == sorted(categories, key=["environmental", "social", "governance",
                                                 "economic"].index)


def test_show_accepts_chinese_names_case_insensitively(run) -> None:
    assert run("show", "中国联通", "2020", "-f", "csv").out == \
        run("show", "CHINA-UNICOM", "2020", "-f", "csv").out


def test_show_table_renders_on_a_terminal_format(run, on_groups) -> None:
    result = run("show", "north", "2020", *on_groups, "--format", "table")
    assert result.code == 0
    assert result.out.splitlines()[0] == "North Mobile Limited (north-mobile), 2020"
    assert "14.23 百萬噸" in result.out


def test_markdown_output(run) -> None:
    result = run("compare", "ghg", "-f", "markdown")
    assert result.out.startswith("## Greenhouse gas emissions (Scope 1 + 2) (ghg), tCO2e\n")
    assert "| china-unicom" in result.out


def test_unknown_company_metric_and_year(run, on_tiny) -> None:
    result = run("show", "tiny-grop", "2020", *on_tiny)
    assert (result.code, result.out) == (ExitCode.NOT_FOUND, "")
    assert result.err == ("esgcmp: error: unknown company 'tiny-grop' (did you mean "
                          "'tiny-group'?); known: tiny-group, tiny-sub; see 'esgcmp companies'\n")
    result = run("compare", "ghgg", *on_tiny)
    assert (result.code, result.out) == (ExitCode.NOT_FOUND, "")
    # eight metrics are named, the rest counted
    assert result.err == ("esgcmp: error: unknown metric 'ghgg' (did you mean 'ghg'?); known: "
                          "energy, electricity, gasoline, diesel, ghg, ghg_scope1, ghg_scope2, "
                          "revenue +5 more; see 'esgcmp metrics'\n")
    result = run("show", "tiny", "2017", *on_tiny)
    assert result.code == 3
    assert result.err == "esgcmp: error: unknown year '2017'; tiny-group reports 2019, 2020\n"
    result = run("compare", "ghg", "--year", "2030", *on_tiny)
    assert result.code == 3
    assert result.err == "esgcmp: error: unknown year '2030'; 'ghg' is reported for 2019, 2020\n"


def test_usage_errors_exit_2_with_one_line(run) -> None:
    result = run("compare", "ghg", "--year", "twenty")
    assert result.code == ExitCode.USAGE == 2
    assert result.err.count("\n") == 1 and result.err.startswith("esgcmp: error: ")
    result = run("compare", "ghg", "--format", "xml")
    assert result.code == 2 and "xml" in result.err


def test_user_catalog_option_adds_a_company(run, write) -> None:
    path = write("user.yaml", USER_CATALOG)
    data = rows(run("compare", "ghg", "--catalog", str(path), "-f", "csv").out)
    acme = next(r for r in data if r["company"] == "acme-telecom")
    assert (acme["value"], acme["reported_unit"], acme["source"], acme["line"]) == (
        "1300000", "萬噸", "acme.txt", "12")


def test_bad_user_catalog_is_one_line_with_file_and_line(run, write) -> None:
    path = write("bad.yaml", "schema: 1\nmetrics: [1, 2\n")
    result = run("compare", "ghg", "--catalog", str(path))
    assert result.code == ExitCode.CATALOG == 4
    assert result.out == ""
    assert result.err.startswith(f"esgcmp: error: {path}:3: YAML syntax error")
    assert result.err.count("\n") == 1


def test_debug_shows_the_traceback(run) -> None:
    try:
        run("--debug", "show", "nobody", "2020")
    except Exception as exc:  # noqa: BLE001 - the point is that it propagates
        assert "unknown company 'nobody'" in str(exc)
    else:
        raise AssertionError("--debug should re-raise")


def test_generation_basis_option(run) -> None:
    data = rows(run("compare", "energy", "--basis", "generation", "--kgce-per-kwh", "0.3",
                    "-f", "csv").out)
    unicom = next(r for r in data if r["company"] == "china-unicom")
    # 2,215,263.2689 tce + 17,220,000 MWh x (0.3 - 0.1229) kgce/kWh = 5,264,925.2689 tce,
    # shown to the thousands that 172.2 億kWh's printed digits allow (+-5,000 MWh x 0.3)
    assert unicom["value"] == "5265000"
    assert "generation-equivalent" in unicom["basis"]
    result = run("compare", "energy", "--basis", "generation")
    assert result.code == 2 and "--kgce-per-kwh" in result.err


def test_metrics_and_companies(run) -> None:
    data = rows(run("metrics", "-f", "csv").out)
    ghg = next(r for r in data if r["metric"] == "ghg")
    assert (ghg["unit"], ghg["category"], ghg["hkex"]) == ("tCO2e", "environmental", "A1.2")
    result = run("companies", "-f", "plain")
    assert "china-comservice is part of china-telecom" in result.out


def test_csv_bom_for_excel(run) -> None:
    assert run("compare", "ghg", "-f", "csv", "--bom").out.startswith("\ufeffcompany,year,")


@pytest.mark.slow
def test_version_and_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "esgcmp", "--help"], capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0
    for command in ("show", "compare", "metrics", "companies"):
        assert command in out.stdout
    version = subprocess.run([sys.executable, "-m", "esgcmp", "--version"], capture_output=True,
                             text=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith("esgcmp ")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "table", "json"])
def test_broken_pipe_prints_nothing_on_stderr(fmt: str) -> None:
    code = ("import subprocess, sys\n"
            "p = subprocess.Popen([sys.executable, '-m', 'esgcmp', 'show', 'china-unicom', "
            f"'2020', '--format', '{fmt}'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
            "p.stdout.readline(); p.stdout.close(); err = p.stderr.read(); p.wait()\n"
            "print(p.returncode, repr(err))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    returncode, err = out.stdout.split(" ", 1)
    assert err.strip() == "b''"
    assert returncode in ("0", "141")  # 0 when all output fitted in the pipe buffer
