"""Every command's help ends with an example, and the example works."""

from __future__ import annotations

import shlex

import pytest

from esgcmp.cli import app

COMMANDS = [info.callback.__name__ for info in app.registered_commands]

# The report extract's example names, a PDF written from these lines: a table under a line of
# years, one row a catalog metric (electricity), one not (a proposed metric).
ACME_REPORT = """\
Acme Telecom ESG Report 2020

Key performance indicators
                                      2019        2020
Electricity consumption (MWh)       12,000      13,500
Greenhouse gas emissions (tCO2e)     8,100       8,900
"""


def _example(run, command: str) -> list[str]:
    """The words of the command line that the help gives as its example: the last line of
    the description, under the usage line and above the options."""
    result = run(command, "--help")
    assert result.code == 0, result
    description = result.out.split("╭")[0]
    last = [line.strip() for line in description.splitlines() if line.strip()][-1]
    words = shlex.split(last)
    assert words[:3] == ["Example:", "esgcmp", command], last
    return words[2:]


def test_every_command_has_an_example() -> None:
    assert COMMANDS == ["show", "compare", "rank", "trend", "report", "metrics", "companies",
                        "peers", "coverage", "source", "export", "check", "extract"]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in ("extract", "report")])
def test_the_example_runs_on_the_built_in_catalog(run, command: str) -> None:
    args = _example(run, command)
    result = run(*args, "--format", "csv") if command != "export" else run(*args)
    assert result.code == 0, result
    assert result.out.count("\n") >= 2  # a heading and at least one row


def test_the_extract_example_writes_its_draft(run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    from tests.pdfs import write_pdf

    (tmp_path / "acme-esg-2020.pdf").write_bytes(write_pdf([ACME_REPORT.splitlines()]))
    args = _example(run, "extract")
    assert args == ["extract", "acme-esg-2020.pdf", "--company", "acme", "--name",
                    "Acme Telecom", "-o", "acme.yaml"]
    result = run(*args)
    assert (result.code, result.out, result.err) == (0, "", "")
    draft = (tmp_path / "acme.yaml").read_text(encoding="utf-8")
    assert '  acme:\n    name: "Acme Telecom"' in draft
    assert "        values: {2019: 12000, 2020: 13500}\n        source: acme-esg-2020\n" \
           "        page: 1\n        line: 4\n" in draft


def test_the_report_example_writes_its_page(run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = _example(run, "report")
    assert args[-2:] == ["-o", "report.html"]
    result = run(*args)
    assert (result.code, result.out, result.err) == (0, "", "")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<section id="m-') == 2
