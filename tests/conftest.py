from __future__ import annotations

import os
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
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the test session, never the user's."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setenv("ESGCMP_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("ESGCMP_NO_CACHE", raising=False)
    monkeypatch.delenv("ESGCMP_CATALOG", raising=False)
    monkeypatch.delenv("ESGCMP_DEBUG", raising=False)
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
