"""The built-in catalog grown as a data correction grows it (tools/catalog_growth.py): a
metric and a company with two values and its report text. The script runs the whole
suite on such a copy (docs/testing.md); these tests keep its data valid and check, in a
few seconds, that the commands take the grown catalog in: the new company is compared,
shown, checked against its report, and the new metric is listed where its framework
code is."""

from __future__ import annotations

import csv
import importlib.util
import io
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import REPO, seeds_dir


def _growth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalog_growth",
                                                  REPO / "tools" / "catalog_growth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def grown(tmp_path: Path) -> tuple[tuple[str, ...], Path]:
    """The options that read the grown copy of the built-in catalog alone, and the copy of
    the source reports with the new company's."""
    checkout, seeds = tmp_path / "checkout", tmp_path / "seeds"
    checkout.mkdir()
    shutil.copy(REPO / "kpi_catalog.yaml", checkout / "kpi_catalog.yaml")
    shutil.copytree(seeds_dir(), seeds)
    _growth().grow(checkout, seeds, "both")
    return ("--no-builtin", "--catalog", str(checkout / "kpi_catalog.yaml")), seeds


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_new_company_is_compared_and_shown(run, grown) -> None:
    on, _seeds = grown
    compared = run("compare", "ghg", "--year", "2020", "-c", "acme-mobile", "-c", "unicom",
                   *on, "-f", "csv")
    assert compared.code == 0
    assert [(r["company"], r["value"], r["source"], r["line"]) for r in _csv(compared.out)] == [
        ("china-unicom", "14230000", "004_74dae4d02e57c763.txt", "4299"),
        ("acme-mobile", "40150", "005_acme_mobile.txt", "3")]
    shown = run("show", "acme mobile", "2020", *on, "-f", "csv")
    assert shown.code == 0
    assert [(r["metric"], r["value"], r["unit"]) for r in _csv(shown.out)] == [
        ("ghg", "40150", "tCO2e"), ("employees", "5210", "persons")]


def test_the_new_values_are_re_found_on_their_report_lines(run, grown) -> None:
    on, seeds = grown
    checked = run("check", "--sources", str(seeds), *on, "-f", "csv")
    assert checked.code == 0
    assert [r for r in _csv(checked.out) if r["severity"] == "error"] == []
    assert not any(r["company"] == "acme-mobile" for r in _csv(checked.out))
    quoted = run("source", "acme-mobile", "employees", "2020", "--sources", str(seeds), *on,
                 "-f", "csv")
    assert quoted.code == 0
    assert [(r["source"], r["number"], r["found"], r["text"]) for r in _csv(quoted.out)
            if r["cited"] == "True"] == [("005_acme_mobile.txt", "4", "True", "Employees 5,210")]


def test_the_new_metric_is_listed_under_its_framework_code(run, grown) -> None:
    on, _seeds = grown
    listed = run("metrics", "305-3", *on, "-f", "csv")
    assert listed.code == 0
    assert [(r["metric"], r["unit"], r["companies"]) for r in _csv(listed.out)] == [
        ("ghg_scope3", "tCO2e", "0")]
