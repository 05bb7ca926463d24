"""docs/api.md: its examples run as written, and to_rows gives what a DataFrame takes."""

from __future__ import annotations

import doctest
from decimal import Decimal
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_the_examples_in_docs_api_md_run_as_written() -> None:
    failures, tried = doctest.testfile(str(DOC), module_relative=False,
                                       optionflags=doctest.ELLIPSIS)
    assert tried >= 12
    assert failures == 0


@pytest.fixture
def groups_session(groups: Path):
    from esgcmp import api

    with api.Session([groups], builtin=False) as session:
        yield session


def test_to_rows_hold_the_csv_of_the_same_command(run, on_groups, groups_session) -> None:
    import csv
    import io

    from esgcmp import api

    rows = api.to_rows(api.compare(groups_session.catalog, "ghg", year=2020),
                       groups_session.catalog)
    printed = list(csv.DictReader(io.StringIO(
        run("compare", "ghg", "--year", "2020", *on_groups, "-f", "csv").out)))
    assert [list(r) for r in rows] == [list(p) for p in printed]
    for row, line in zip(rows, printed):
        assert str(row["value"]) == line["value"]
        assert ";".join(row["flags"]) == line["flags"]
        assert (row["part_of"] or "") == line["part_of"]


def test_to_rows_numbers_are_numbers(groups_session) -> None:
    from esgcmp import api

    catalog = groups_session.catalog
    rows = api.to_rows(api.intensity(catalog, "ghg", "electricity", year=2020), catalog)
    by = {r["company"]: r for r in rows}
    assert by["north-mobile"]["value"] == 14230000
    assert isinstance(by["north-mobile"]["intensity"], float)
    exact = api.to_rows(api.intensity(catalog, "ghg", "electricity", year=2020), catalog,
                        exact=True)
    intensity = {r["company"]: r["intensity"] for r in exact}["north-mobile"]
    assert isinstance(intensity, Decimal)
    assert float(intensity) == by["north-mobile"]["intensity"]
    keys = {tuple(r) for r in api.to_rows(api.export(catalog), catalog)}
    assert len(keys) == 1  # every row the same columns: a DataFrame as it is


def test_to_rows_refuses_what_is_not_a_result(groups_session) -> None:
    from esgcmp import api

    with pytest.raises(TypeError, match="to_rows takes a result of esgcmp.api, not str"):
        api.to_rows("ghg", groups_session.catalog)


def test_the_dataframe_example_runs_as_written(monkeypatch) -> None:
    """The ```python block of docs/api.md, imports included, run with a stand-in for
    pandas that keeps what DataFrame was given: rows of the same columns, a dict each."""
    import re
    import sys
    import types

    given = []
    fake = types.ModuleType("pandas")
    fake.DataFrame = lambda rows: given.append(rows) or "frame"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pandas", fake)
    [block] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    scope: dict = {}
    exec(compile(block, str(DOC), "exec"), scope)
    assert scope["frame"] == "frame"
    [rows] = given
    assert rows and all(isinstance(row, dict) for row in rows)
    assert {tuple(row) for row in rows} == {tuple(rows[0])}
    assert {row["company"] for row in rows} >= {"china-unicom", "china-telecom"}
