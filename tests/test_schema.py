"""The catalog schema: a key a level does not allow is an error at the key's own line,
with the closest allowed key; docs/catalog.md lists exactly the allowed keys."""

from __future__ import annotations

import pytest

from esgcmp import schema
from esgcmp.catalog import load_files
from esgcmp.errors import CatalogError, ExitCode

HEAD = """\
schema: 1
metrics:
  water: {name: Water, category: environmental, unit: t}
  ratio: {name: Ratio, category: environmental, unit: t/CNY, ratio_of: [water, water]}
companies:
  co:
    name: Co
    sources:
      s: {file: s.txt}
    kpis:
      - metric: water
        unit: 噸
        values: {2020: 1}
        source: s
        line: 3
"""

# (where the misspelt key goes, text, the line it is on, the message, the suggestion)
MISSPELT = [
    ("top level", HEAD + "companeis: {}\n", 16, "catalog: unknown key 'companeis'",
     "did you mean 'companies'?"),
    ("metric", HEAD.replace("unit: t/CNY,", "unit: t/CNY, ratio-of: [water, water],"), 4,
     "metric 'ratio': unknown key 'ratio-of'", "did you mean 'ratio_of'?"),
    ("metric block", HEAD.replace("  water: {name: Water, category: environmental, unit: t}",
                                  "  water:\n    name: Water\n    category: environmental\n"
                                  "    unit: t\n    parnet: x"), 7,
     "metric 'water': unknown key 'parnet'", "did you mean 'parts'?"),
    ("company", HEAD.replace("    name: Co\n", "    name: Co\n    aliasses: [c]\n"), 8,
     "company 'co': unknown key 'aliasses'", "did you mean 'aliases'?"),
    ("source", HEAD.replace("{file: s.txt}", "{file: s.txt, titel: T}"), 9,
     "source 's': unknown key 'titel'", "did you mean 'title'?"),
    ("kpi", HEAD + "        flgs: [approx]\n", 16, "company 'co': each kpi: unknown key 'flgs'",
     "did you mean 'flags'?"),
    ("kpi approx", HEAD + "        aprox: true\n", 16, "each kpi: unknown key 'aprox'",
     "did you mean 'approx'?"),
    ("value", HEAD.replace("{2020: 1}", "{2020: {value: 1, note: x}}"), 13,
     "kpi 'water' 2020: unknown key 'note'", "did you mean 'notes'?"),
    ("also", HEAD + "        also:\n          - source: s\n            line: 4\n"
     "            lable: x\n", 19, "each 'also': unknown key 'lable'", "did you mean 'label'?"),
]


@pytest.mark.parametrize(("where", "text", "line", "message", "fix"), MISSPELT,
                         ids=[m[0] for m in MISSPELT])
def test_a_misspelt_key_is_an_error_at_its_line(write, where, text, line, message,
                                                fix) -> None:
    path = write("cat.yaml", text)
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    error = caught.value
    assert (error.file, error.line) == (str(path), line)
    assert error.message.endswith(message)
    assert error.fix == fix
    assert error.exit_code == ExitCode.CATALOG


def test_the_cli_reports_the_key_line(run, write) -> None:
    path = write("cat.yaml", HEAD + "        flgs: [approx]\n")
    result = run("metrics", "--no-builtin", "--catalog", str(path))
    assert result.code == 4 and result.out == ""
    assert result.err == (f"esgcmp: error: {path}:16: company 'co': each kpi: unknown key "
                          "'flgs'; did you mean 'flags'?\n")


def test_an_unlike_key_lists_what_is_allowed() -> None:
    assert schema.suggestion("zzzz", "source") == "allowed here: file, title, language"


def test_the_same_key_elsewhere_is_fine_and_the_first_unknown_is_named() -> None:
    assert schema.unknown_keys({"label": 1, "zz": 2, "yy": 3}, "kpi") == ["zz", "yy"]
    assert schema.unknown_keys({"label": 1}, "also") == []
    assert schema.unknown_keys({"label": 1}, "source") == ["label"]


def test_framework_codes_are_lists_never_joined_text(write) -> None:
    path = write("cat.yaml", HEAD.replace("unit: t}", 'unit: t, gri: "303-3; 303-5"}'))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert caught.value.message == "metric 'water': 'gri' code '303-3; 303-5' is not one code"
    assert caught.value.fix == 'write a list, e.g. gri: ["305-1", "305-2"]'
    path = write("ok.yaml", HEAD.replace("unit: t}", 'unit: t, gri: ["303-3", "303-5"], '
                                         "hkex: A2.2}"))
    metric = load_files([path]).metrics["water"]
    assert (metric.gri, metric.hkex) == (("303-3", "303-5"), ("A2.2",))


def test_signed_must_be_true_or_false(write) -> None:
    path = write("cat.yaml", HEAD.replace("unit: t}", "unit: t, signed: yes please}"))
    with pytest.raises(CatalogError, match="'signed' must be true or false"):
        load_files([path])


def test_a_misspelt_flag_is_suggested(write) -> None:
    path = write("cat.yaml", HEAD + "        flags: [restatd]\n")
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert caught.value.message == "kpi 'water': unknown flag 'restatd'"
    assert caught.value.fix.startswith("did you mean 'restated'? flags: approx, restated,")


def test_an_unknown_metric_in_parts_is_suggested(write) -> None:
    path = write("cat.yaml", HEAD.replace("unit: t}", "unit: t, parts: [watr]}"))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert caught.value.message == "metric 'water' refers to unknown metric 'watr'"
    assert caught.value.fix == "did you mean 'water'?"
    assert caught.value.line == 3
