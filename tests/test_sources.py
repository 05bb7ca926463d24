"""Every value in the built-in catalog is printed on the line it cites."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esgcmp.catalog import builtin_catalog_path, load_files
from esgcmp.model import Citation, Observation, Origin, Source
from esgcmp.provenance import SourceFiles, check_observation, numbers_on

from .conftest import seeds_dir


@pytest.fixture(scope="module")
def files() -> SourceFiles:
    directory = seeds_dir()
    assert directory.is_dir(), (f"source reports not found at {directory}; set ESGCMP_SEEDS "
                                "to the folder holding 000_f7280dd44331946e.txt ...")
    return SourceFiles(directory)


def test_every_builtin_value_is_on_its_cited_line(files: SourceFiles) -> None:
    catalog = load_files([builtin_catalog_path()])
    assert len(catalog.observations) > 300
    misses = [m for obs in catalog.observations.values() for m in check_observation(obs, files)]
    assert misses == []


def test_every_source_file_of_the_catalog_exists(files: SourceFiles) -> None:
    catalog = load_files([builtin_catalog_path()])
    for sources in catalog.sources.values():
        for source in sources.values():
            assert files.line(source.file, 1) is not None, source.file


def _observation(value: str, line: int, printed: str | None = None) -> Observation:
    source = Source("cu", "004_74dae4d02e57c763.txt", Origin("x"))
    return Observation(company="c", metric="ghg", year=2020, value=Decimal(value), unit="百萬噸",
                       label="", source=source, line=line, factor=Decimal(1),
                       origin=Origin("x.yaml", 1), printed=printed)


def test_a_typo_in_the_catalog_is_caught(files: SourceFiles) -> None:
    assert check_observation(_observation("14.23", 4299), files) == []
    misses = check_observation(_observation("14.32", 4299), files)
    assert [(m.where, m.expected) for m in misses] == [("004_74dae4d02e57c763.txt:4299", "14.32")]
    assert check_observation(_observation("14.23", 4300), files) != []


def test_a_second_source_is_checked_too(files: SourceFiles) -> None:
    obs = _observation("14.23", 4299)
    wrong = Citation(obs.source, 4301, "", "百萬噸", Decimal("14.23"))
    from msgspec.structs import replace
    assert len(check_observation(replace(obs, also=(wrong,)), files)) == 1


def test_numbers_on_a_line_drop_thousands_separators() -> None:
    assert numbers_on("Consumption of natural gas (*10,000 cubic meters) 1,860 1,791 1,990") >= {
        Decimal(1860), Decimal(1791), Decimal(1990), Decimal(10000)}
    assert Decimal("45.4") in numbers_on("碳排放強度 噸╱百萬元 45.13 45.40 46.6")
