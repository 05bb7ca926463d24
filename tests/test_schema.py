"""The catalog schema: a key a level does not allow is an error at the key's own line,
with the closest allowed key; docs/catalog.md lists exactly the allowed keys."""

from __future__ import annotations

import pytest

from esgcmp import schema
from esgcmp.load import load_files
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
    ("kpi", HEAD + "        flgs: [approx]\n", 16, "company 'co': kpi 'water': unknown key 'flgs'",
     "did you mean 'flags'?"),
    ("kpi approx", HEAD + "        aprox: true\n", 16, "kpi 'water': unknown key 'aprox'",
     "did you mean 'approx'?"),
    ("value", HEAD.replace("{2020: 1}", "{2020: {value: 1, note: x}}"), 13,
     "kpi 'water' 2020: unknown key 'note'", "did you mean 'notes'?"),
    ("also", HEAD + "        also:\n          - source: s\n            line: 4\n"
     "            lable: x\n", 19, "each 'also': unknown key 'lable'", "did you mean 'label'?"),
]


@pytest.mark.parametrize(("where", "text", "line", "message", "fix"), MISSPELT,
                         ids=[m[0].replace(" ", "_") for m in MISSPELT])
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
    assert result.err == (f"esgcmp: error: {path}:16: company 'co': kpi 'water': unknown key "
                          "'flgs'; did you mean 'flags'?\n")


def test_an_unlike_key_lists_what_is_allowed() -> None:
    assert schema.suggestion("zzzz", "source") == "allowed here: file, title, short, language"


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


def test_an_unknown_metric_in_change_of_is_suggested(write) -> None:
    path = write("cat.yaml", HEAD.replace("unit: t}", "unit: t, change_of: watr}"))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert caught.value.message == "metric 'water' refers to unknown metric 'watr'"
    assert caught.value.fix == "did you mean 'water'?"


def test_an_unknown_metric_in_parts_is_suggested(write) -> None:
    path = write("cat.yaml", HEAD.replace("unit: t}", "unit: t, parts: [watr]}"))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert caught.value.message == "metric 'water' refers to unknown metric 'watr'"
    assert caught.value.fix == "did you mean 'water'?"
    assert caught.value.line == 3


@pytest.mark.parametrize(("value", "kind"), [
    ("[1, 2]", "a list"), ("text", "text"), ("12", "a number"), ("1.5", "a number"),
    ("true", "true/false"), ("null", "nothing"), ("2001-02-03", "text")])
def test_a_wrong_type_is_named(write, value, kind) -> None:
    path = write("cat.yaml", HEAD.replace("  water: {name: Water, category: environmental, "
                                          "unit: t}", f"  water: {value}"))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert caught.value.message == f"metric 'water' must be a mapping, not {kind}"
    assert caught.value.line == 3


def test_lists_and_mappings_in_the_wrong_place(write) -> None:
    kpis = HEAD.replace("    kpis:\n      - metric: water", "    kpis:\n      first:\n        metric: water")
    with pytest.raises(CatalogError, match="company 'co': 'kpis' must be a list, not a mapping"):
        load_files([write("k.yaml", kpis)])
    values = HEAD.replace("values: {2020: 1}", "values: [1]")
    with pytest.raises(CatalogError, match="'values' must be a mapping of year: value, not a "
                                           "list"):
        load_files([write("v.yaml", values)])


def test_a_key_that_is_not_text_is_shown_as_written(write) -> None:
    with pytest.raises(CatalogError) as caught:
        load_files([write("n.yaml", HEAD + "2020: x\n")])
    assert caught.value.message == "catalog: unknown key 2020"
    assert caught.value.line == 16
    assert str(caught.value).startswith(f"{caught.value.file}:16: ")


def test_references_between_metrics_and_companies_are_located(write) -> None:
    path = write("refs.yaml", HEAD.replace("unit: t}", "unit: t, parts: [zzz]}"))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert (caught.value.file, caught.value.line, caught.value.fix) == (str(path), 3, "")
    parent = write("parent.yaml", HEAD.replace("    name: Co\n", "    name: Co\n    parent: big\n"))
    with pytest.raises(CatalogError) as caught:
        load_files([parent])
    assert (caught.value.file, caught.value.line, caught.value.message) == (
        str(parent), 7, "company 'co': unknown parent 'big'")


def test_a_file_that_is_not_utf8_says_how_to_fix_it(tmp_path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("schema: 1\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(CatalogError) as caught:
        load_files([path])
    assert (caught.value.line, caught.value.message, caught.value.fix) == (
        2, "not UTF-8 (byte 0xe9)", "save the file as UTF-8")
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffschema: 1\n".encode("utf-8"))
    assert load_files([bom]).files == (str(bom),)
