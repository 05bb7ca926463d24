"""A metric that is another's change from the year before (``change_of``): where a company
prints only the change, the missing value says what it printed."""

from __future__ import annotations

import pytest

CATALOG = """
    schema: 1
    metrics:
      water: {name: Water, category: environmental, unit: t}
      water_decrease: {name: Decrease in water, category: environmental, unit: t,
                       change_of: water}
    companies:
      east:
        name: East Telecom
        sources: {csr: {file: east.txt, short: East CSR 2020}}
        kpis:
          - {metric: water_decrease, label: water decreased by 1.5 million tons,
             unit: million tons, values: {2020: 1.5}, source: csr, line: 7}
      west:
        name: West Mobile
        sources: {csr: {file: west.txt, short: West CSR 2020}}
        kpis:
          - {metric: water, label: Water, unit: t, values: {2019: 900, 2020: 800},
             source: csr, line: 3}
    """


@pytest.fixture
def on_changes(write) -> tuple[str, ...]:
    return ("--no-builtin", "--catalog", str(write("changes.yaml", CATALOG)))


def test_a_missing_value_says_the_change_printed_instead(run, on_changes) -> None:
    result = run("compare", "water", "--year", "2020", *on_changes, "-f", "csv")
    assert (result.code, result.err) == (0, "")
    east = next(line for line in result.out.splitlines() if line.startswith("east,"))
    assert ("not reported; printed only a change from 2019: 1.5 million tons "
            "(water_decrease, East CSR 2020, line 7)") in east


def test_a_year_without_the_change_says_only_not_reported(run, on_changes) -> None:
    result = run("compare", "water", "--year", "2019", *on_changes, "-f", "plain")
    assert result.code == 0
    east = next(line for line in result.out.splitlines() if line.startswith("east "))
    assert east.split()[-2:] == ["not", "reported"]
    assert "printed only" not in result.out


def test_the_reason_names_the_change_in_the_api(write) -> None:
    from esgcmp.api import Session
    from esgcmp.values import value_of
    from esgcmp.derive import EnergyBasis
    from esgcmp.model import Missing, Why
    from esgcmp.wording import reason

    with Session([str(write("changes.yaml", CATALOG))], builtin=False) as session:
        found = value_of(session.catalog, "east", "water", 2020, EnergyBasis())
    assert isinstance(found, Missing)
    assert found.why is Why.not_reported
    assert found.change is not None and found.change.metric == "water_decrease"
    assert reason(found) == ("not reported; printed only a change from 2019: 1.5 million "
                             "tons (water_decrease, East CSR 2020, line 7)")


def test_the_built_in_decrease_of_water_is_a_change_of_water(run) -> None:
    result = run("compare", "water", "--year", "2020", "-f", "csv")
    telecom = next(line for line in result.out.splitlines() if line.startswith("china-telecom,"))
    assert ("not reported; printed only a change from 2019: 5.66 million tons "
            "(water_consumption_decrease, CT CSR 2020, line 2653)") in telecom


def test_the_report_of_a_printed_change_is_in_the_legend(run, on_changes) -> None:
    plain = run("compare", "water", "--year", "2020", *on_changes, "-f", "plain").out
    assert ("Reports: East CSR 2020 = east.txt; West CSR 2020 = west.txt."
            in plain.splitlines())
