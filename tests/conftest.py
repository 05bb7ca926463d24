from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from esgcmp.cli import main

REPO = Path(__file__).resolve().parent.parent


def seeds_dir() -> Path:
    """The source reports: $ESGCMP_SEEDS, else ../shared/seeds beside the checkout."""
    return Path(os.environ.get("ESGCMP_SEEDS", REPO.parent / "shared" / "seeds"))


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def cache_dir(cache_root: Path) -> Path:
    """One cache per test process, never the user's: a process forked to run tests
    against changed code (mutation testing) must not be served another's catalog."""
    return cache_root / f"pid-{os.getpid()}"


@pytest.fixture(autouse=True)
def _fresh_memory() -> None:
    """Each test works its unit factors and rules out afresh: a test must not pass on what
    an earlier test (or, under mutation testing, the unchanged code) left in a cache."""
    from esgcmp import check, derive, draft, rows, units, vocabulary

    for cached in (units.parse_printed, units.parse_target, units.conversion,
                   units.vocabulary, derive.rules, check.settings, rows.codec,
                   draft._factor, vocabulary.place, vocabulary.key):
        cached.cache_clear()
    units.forget()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("ESGCMP_NO_CACHE", raising=False)
    monkeypatch.delenv("ESGCMP_CATALOG", raising=False)
    monkeypatch.delenv("ESGCMP_DEBUG", raising=False)
    monkeypatch.delenv("ESGCMP_SOURCES", raising=False)
    monkeypatch.delenv("ESGCMP_PAGER", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, err={self.err!r}, out={self.out[:300]!r})"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the CLI in-process as a user would, returning exit code, stdout and stderr."""

    def _run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a small catalog file (dedented) into tmp_path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def units_built(monkeypatch) -> list[str]:
    """The names of the catalog files read and validated for the store from now on (each
    time a file's unit is built), in order."""
    from esgcmp import load

    built: list[str] = []
    original = load._read_unit

    def counting(raw, file, env):
        built.append(Path(file).name)
        return original(raw, file, env)

    monkeypatch.setattr(load, "_read_unit", counting)
    return built


USER_CATALOG = """
schema: 1
metrics:
  widgets: {name: Widgets shipped, category: economic, unit: count}
companies:
  acme-telecom:
    name: Acme Telecom
    name_zh: 極致電訊
    aliases: [acme]
    sources:
      acme-2020: {file: acme.txt, title: Acme ESG 2020, language: en}
    kpis:
      - metric: ghg
        label: GHG emissions
        unit: 萬噸
        values: {2019: 120.5, 2020: 130}
        source: acme-2020
        line: 12
      - metric: electricity
        label: Electricity
        unit: hundred million kWh
        values: {2020: 2.5}
        source: acme-2020
        line: 14
"""


# A small catalog for the core's tests: two companies (one part of the other), an energy
# total derived from components in one and reported in the other, a total with parts, a
# reported ratio, an implied denominator, a restated value, framework codes. Its source
# texts are TINY_SOURCES.
TINY_CATALOG = """
schema: 1
metrics:
  energy: {name: Total energy consumption, name_zh: 綜合能源消耗量, category: environmental, unit: tce, hkex: [A2.1], gri: ["302-1"]}
  electricity: {name: Electricity consumption, category: environmental, unit: MWh, hkex: [A2.1], gri: ["302-1"]}
  gasoline: {name: Gasoline consumption, category: environmental, unit: t}
  diesel: {name: Diesel consumption, category: environmental, unit: t}
  ghg: {name: Greenhouse gas emissions, name_zh: 溫室氣體排放量, category: environmental, unit: tCO2e, hkex: [A1.2], gri: ["305-1", "305-2"], aliases: [carbon], parts: [ghg_scope1, ghg_scope2]}
  ghg_scope1: {name: Direct emissions (Scope 1), category: environmental, unit: tCO2e, hkex: [A1.2], gri: ["305-1"]}
  ghg_scope2: {name: Indirect emissions (Scope 2), category: environmental, unit: tCO2e, hkex: [A1.2], gri: ["305-2"]}
  revenue: {name: Revenue, category: economic, unit: CNY}
  energy_intensity_revenue: {name: "Energy per RMB 10,000 revenue", category: environmental, unit: kgce/(10^4 CNY), ratio_of: [energy, revenue]}
  employees: {name: Employees, category: social, unit: persons, hkex: [B1.1]}
  turnover: {name: Turnover rate, category: social, unit: percent, parts: [turnover_m, turnover_f]}
  turnover_m: {name: Turnover rate (male), category: social, unit: percent}
  turnover_f: {name: Turnover rate (female), category: social, unit: percent}
companies:
  tiny-group:
    name: Tiny Group
    name_zh: 小小集團
    aliases: [tiny, "0001.HK"]
    sources:
      t20: {file: tiny.txt, title: Tiny ESG 2020, language: en}
    kpis:
      - {metric: electricity, label: Electricity, unit: 億度, values: {2019: 1.0, 2020: 1.2}, source: t20, line: 1}
      - {metric: gasoline, label: Gasoline, unit: 噸, values: {2019: 100, 2020: 110}, source: t20, line: 2}
      - {metric: diesel, label: Diesel, unit: tons, values: {2019: 50, 2020: {value: 55, flags: [restated], notes: onto one basis}}, source: t20, line: 3}
      - {metric: ghg, label: GHG, unit: 萬噸, values: {2019: 6.5, 2020: 7.0}, source: t20, line: 4, also: [{source: t20, line: 9, values: {2020: 7}}]}
      - {metric: ghg_scope1, label: Scope 1, unit: 萬噸, values: {2020: 1.0}, source: t20, line: 5}
      - {metric: ghg_scope2, label: Scope 2, unit: 萬噸, values: {2020: 6.5}, source: t20, line: 5}
      - {metric: revenue, label: Revenue, unit: 億元, values: {2019: 10, 2020: 12}, source: t20, line: 6}
      - {metric: employees, label: Staff, unit: 人, values: {2019: 1000, 2020: 2100}, source: t20, line: 7}
      - {metric: turnover, label: Turnover, unit: "%", values: {2020: 5.0}, source: t20, line: 8}
      - {metric: turnover_m, label: Male, unit: "%", values: {2020: 4.0}, source: t20, line: 8}
      - {metric: turnover_f, label: Female, unit: "%", values: {2020: 4.5}, source: t20, line: 8}
  tiny-sub:
    name: Tiny Subsidiary
    parent: tiny-group
    sources:
      s20: {file: sub.txt}
    kpis:
      - {metric: energy, label: Energy, unit: tons of standard coal, values: {2020: 15000}, source: s20, line: 1, approx: true}
      - {metric: energy_intensity_revenue, label: Energy per revenue, unit: 千克標準煤╱萬元, values: {2020: 50}, source: s20, line: 2}
      - {metric: ghg, label: GHG, unit: tons, values: {2019: 30000, 2020: 32000}, source: s20, line: 3}
"""

TINY_SOURCES = {
    "tiny.txt": "Electricity 1.0 1.2\nGasoline 100 110\nDiesel 50 55\nGHG 6.5 7.0\n"
                "Scope 1 1.0 Scope 2 6.5\nRevenue 10 12\nStaff 1000 2100\n"
                "Turnover 5.0 male 4.0 female 4.5\nGHG was about 7 萬噸\n",
    "sub.txt": "Energy about 15,000 tons\nEnergy per revenue 50\nGHG 30000 32000\n",
}


@pytest.fixture
def tiny_path(write) -> Path:
    return write("tiny.yaml", TINY_CATALOG)


@pytest.fixture
def tiny_catalog(tiny_path):  # -> esgcmp.catalog.Catalog
    from esgcmp.load import load_files

    return load_files([tiny_path])


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str:
    """Plain test ids (letters, digits, '-', '_', '.'), so that a test can be named on a
    command line, as the mutation-testing tool does, whatever text it is given."""
    text = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(val)).strip("_")
    return text[:40] or argname


@pytest.fixture
def groups(tmp_path: Path) -> Path:
    """tests/catalogs.py's GROUPS in tmp_path, its source texts in tmp_path/src."""
    from .catalogs import GROUPS, GROUPS_SOURCES, write_catalog

    return write_catalog(tmp_path, GROUPS, GROUPS_SOURCES, name="groups.yaml")


@pytest.fixture
def on_groups(groups: Path) -> tuple[str, ...]:
    """The options that make a command read GROUPS alone."""
    from .catalogs import only

    return only(groups)


@pytest.fixture
def on_tiny(tiny_path: Path) -> tuple[str, ...]:
    """The options that make a command read TINY_CATALOG alone."""
    from .catalogs import only

    return only(tiny_path)


@pytest.fixture
def on_codes(tmp_path: Path) -> tuple[str, ...]:
    """The options that make a command read tests/catalogs.py's CODES alone."""
    from .catalogs import CODES, only, write_catalog

    return only(write_catalog(tmp_path, CODES, name="codes.yaml"))


@pytest.fixture
def on_intensities(tmp_path: Path) -> tuple[str, ...]:
    """The options that make a command read tests/catalogs.py's INTENSITIES alone."""
    from .catalogs import INTENSITIES, only, write_catalog

    return only(write_catalog(tmp_path, INTENSITIES, name="intensities.yaml"))
