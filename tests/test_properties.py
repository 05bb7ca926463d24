"""Property-based tests: generated catalogs and command lines never crash."""

from __future__ import annotations

import contextlib
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esgcmp.load import catalog_paths, load_files
from esgcmp.cli import main
from esgcmp.units import conversion

DOCUMENTED = {0, 1, 2, 3, 4, 5}
pytestmark = pytest.mark.slow
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def run_quietly(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=12), st.sampled_from(["萬噸", "億度", "tons", "%", "人次"]))
keys = st.one_of(st.sampled_from(["schema", "metrics", "companies", "name", "unit", "values",
                                  "kpis", "metric", "source", "sources", "line", "category",
                                  "file", "ghg", "water", "co", "parts", "ratio_of", "flags"]),
                 st.integers(1990, 2030), st.text(max_size=8))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)), max_leaves=25)


@SETTINGS
@given(document=documents)
def test_generated_catalog_documents_never_crash(document) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.yaml"
        path.write_text(yaml.safe_dump({"schema": 1, **document} if isinstance(document, dict)
                                       else document, allow_unicode=True), encoding="utf-8")
        code, _out, err = run_quietly(["compare", "water", "--catalog", str(path), "-f", "csv"])
    assert code in DOCUMENTED
    if code != 0:
        assert err.startswith("esgcmp: error: ") and err.count("\n") == 1


@SETTINGS
@given(text=st.text(max_size=200))
def test_arbitrary_text_as_catalog_never_crashes(text) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.yaml"
        path.write_text(text, encoding="utf-8")
        code, out, err = run_quietly(["metrics", "--catalog", str(path), "-f", "json"])
    assert code in DOCUMENTED
    assert (code == 0) == (err == "")


words = st.sampled_from(["show", "compare", "metrics", "companies", "check", "energy", "ghg",
                         "water", "china-unicom", "unicom", "中國聯通", "2020", "2019", "1999",
                         "--year", "--unit", "--company", "-c", "--format", "csv", "json",
                         "table", "plain", "markdown", "MWh", "tCO2e", "GJ", "persons",
                         "--basis", "generation", "--kgce-per-kwh", "0.3", "--bom", "-f", "x"])


@SETTINGS
@given(args=st.lists(st.one_of(words, st.text(max_size=6).filter(lambda t: t != "--debug")),
                     max_size=6))
def test_generated_command_lines_give_documented_exit_codes(args) -> None:
    code, _out, err = run_quietly(args)
    assert code in DOCUMENTED
    if code not in (0, 1) and err:
        assert err.startswith("esgcmp: error: ")


@settings(max_examples=80, deadline=None)
@given(value=st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False,
                         allow_infinity=False),
       units=st.sampled_from([("萬噸", "t"), ("百萬噸", "tCO2e"), ("億度", "MWh"),
                              ("*10,000 tons", "t"), ("hundred million kWh", "MWh"),
                              ("million kilojoule", "GJ"), ("萬立方米", "m3"),
                              ("*100 million yuan", "CNY"), ("萬人次", "person_times"),
                              ("tons of standard coal", "tce"), ("噸╱百萬元", "t/(10^6 CNY)"),
                              ("千克標準煤╱ TB", "kgce/TB"), ("*10,000 people", "persons")]))
def test_normalised_values_convert_back_to_the_printed_value(value, units) -> None:
    printed_unit, metric_unit = units
    text = (f"schema: 1\nmetrics:\n  m: {{name: M, category: environmental, "
            f"unit: '{metric_unit}'}}\ncompanies:\n  co:\n    name: Co\n    sources:\n"
            f"      s: {{file: s.txt}}\n    kpis:\n      - {{metric: m, unit: '{printed_unit}', "
            f"values: {{2020: {value}}}, source: s, line: 1}}\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.yaml"
        path.write_text(text, encoding="utf-8")
        catalog = load_files(catalog_paths([path], use_env=False, builtin=False))
    obs = catalog.observations[("co", "m", 2020)]
    factor = conversion(printed_unit, metric_unit).factor
    assert obs.normalized / factor == Decimal(str(value))
    assert obs.value == Decimal(str(value))
