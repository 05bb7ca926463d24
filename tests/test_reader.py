"""What the reader keeps of a KPI entry's other printings (`also`) and of a value given as
a mapping, the errors it gives for them, and how catalog paths are found."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from esgcmp.load import catalog_paths, load_files
from esgcmp.errors import CatalogError, UsageError
from esgcmp.model import Citation

HEAD = """\
schema: 1
metrics:
  ghg: {name: GHG, category: environmental, unit: tCO2e}
companies:
  co:
    name: Co
    sources:
      s: {file: s.txt}
      t: {file: t.txt}
    kpis:
      - metric: ghg
        unit: 萬噸
        values: {2019: 1.5, 2020: 2}
        source: s
        line: 3
"""


def load(write, text: str):
    return load_files([write("cat.yaml", text)])


def test_every_field_of_an_other_printing_is_kept(write) -> None:
    catalog = load(write, HEAD + """\
        notes: main
        also:
          - {source: t, line: 7, label: GHG (prose), unit: tons, values: {2020: 20000},
             approx: true, notes: rounded}
          - {source: s, line: 9, label: a mention}
""")
    value = catalog.get("co", "ghg", 2020)
    source_s, source_t = catalog.sources["co"]["s"], catalog.sources["co"]["t"]
    assert value.also == (
        Citation(source_t, 7, "GHG (prose)", "tons", D(20000), None, D(20000), True, "rounded"),
        Citation(source_s, 9, "a mention", "萬噸", None))
    assert value.flags == () and value.notes == "main"
    earlier = catalog.get("co", "ghg", 2019)
    assert earlier.also == (Citation(source_s, 9, "a mention", "萬噸", None),)


def test_an_other_printing_takes_the_entrys_unit_unless_it_has_its_own(write) -> None:
    catalog = load(write, HEAD + """\
        also:
          - {source: t, line: 7, values: {2020: 2, 2019: {value: 1.7, printed: "1.7 萬"}}}
""")
    (citation,) = catalog.get("co", "ghg", 2020).also
    assert (citation.unit, citation.value, citation.normalized, citation.label) == (
        "萬噸", D(2), D(20000), "")
    assert catalog.get("co", "ghg", 2020).flags == ()
    (other,) = catalog.get("co", "ghg", 2019).also
    assert (other.value, other.printed, other.normalized) == (D("1.7"), "1.7 萬", D(17000))
    assert catalog.get("co", "ghg", 2019).flags == ("sources_disagree",)


@pytest.mark.parametrize(("main", "other", "approx", "disagree"), [
    ("1.5", "1.6", "false", False),  # 1.45-1.55 and 1.55-1.65 meet: rounding explains it
    ("1.5", "1.61", "false", True),  # 1.605-1.615 lies beyond 1.55
    ("1.50", "1.56", "false", True),  # two places printed: 1.495-1.505
    ("1.5", "2", "false", False),  # 2 stands for 1.5-2.5
    ("1.4", "2", "false", True),
    ("123", "120", "false", False),  # prose rounds: a whole number's zeros count as rounding
    ("126", "120", "false", True),  # 115-125
    ("1.2", "1", "true", False),  # a hedged 1: 0.5-1.5
    ("8609.5", "8610", "false", False),  # the table and the prose of one report
])
def test_printings_disagree_only_beyond_their_printed_precision(write, main, other, approx,
                                                                disagree) -> None:
    catalog = load(write, HEAD.replace("values: {2019: 1.5, 2020: 2}",
                                       f"values: {{2019: {main}, 2020: 2}}") + f"""\
        also:
          - {{source: t, line: 7, approx: {approx}, values: {{2019: {other}}}}}
""")
    flags = catalog.get("co", "ghg", 2019).flags
    assert ("sources_disagree" in flags) is disagree


@pytest.mark.parametrize(("also", "line", "message", "fix"), [
    ("        also: {source: t, line: 7}\n", 16, "kpi 'ghg': 'also' must be a list", ""),
    ("        also: [{source: t, line: 7, values: [1]}]\n", 16,
     "kpi 'ghg': 'also' values must be a mapping of year: value", ""),
    ("        also: [{source: t, line: 7, unit: 度, values: {2020: 1}}]\n", 16,
     "kpi 'ghg' also: cannot convert '度' ([mass] * [length] ** 2 / [time] ** 2) to 'tCO2e' "
     "([co2e])", "the dimensions differ; check the unit and the metric"),
    ("        also: [{source: u, line: 7}]\n", 16,
     "kpi 'ghg' also: unknown source 'u' (this company's sources: s, t)", ""),
    ("        also: [{source: t, line: 0}]\n", 16,
     "kpi 'ghg' also: 'line' must be a positive whole number (the line in the source file), "
     "not 0", ""),
    ("        also: [{source: t, line: 7, values: {twenty: 1}}]\n", 16,
     "kpi 'ghg': year 'twenty' must be a whole number such as 2020", ""),
    ("        also: [{source: t, line: 7, approx: maybe}]\n", 16,
     "kpi 'ghg' also: 'approx' must be true or false", ""),
    ("        also: [{source: t, line: 7, label: [x]}]\n", 16,
     "kpi 'ghg': 'label' must be text, not a list", ""),
    ("        also: [{source: t, line: 7, notes: [x]}]\n", 16,
     "kpi 'ghg': 'notes' must be text, not a list", ""),
    ("        also: [{source: t, line: 7, unit: [x]}]\n", 16,
     "kpi 'ghg': 'unit' must be text, not a list", ""),
    ("        also: [{source: t, line: 7, values: {2020: x}}]\n", 16,
     "kpi 'ghg' 2020: value 'x' is not a number",
     "write the number without units or thousands separators"),
    ("        also: [seven]\n", 11, "kpi 'ghg': each 'also' must be a mapping, not text", ""),
])
def test_errors_in_other_printings(write, also, line, message, fix) -> None:
    with pytest.raises(CatalogError) as caught:
        load(write, HEAD + also)
    assert (caught.value.line, caught.value.message, caught.value.fix) == (line, message, fix)


def test_a_value_given_as_a_mapping(write) -> None:
    catalog = load(write, HEAD.replace(
        "values: {2019: 1.5, 2020: 2}",
        'values: {2019: 1.5, 2020: {value: 2, printed: "2 萬", flags: [restated], '
        "notes: restated in 2021}}") + "        notes: entry note\n        approx: true\n")
    value = catalog.get("co", "ghg", 2020)
    assert (value.value, value.printed, value.flags) == (D(2), "2 萬", ("approx", "restated"))
    assert value.notes == "entry note; restated in 2021"
    plain = catalog.get("co", "ghg", 2019)
    assert (plain.printed, plain.flags, plain.notes) == (None, ("approx",), "entry note")
    only = load(write, HEAD.replace("values: {2019: 1.5, 2020: 2}",
                                    "values: {2020: {value: 2, notes: its own}}"))
    assert only.get("co", "ghg", 2020).notes == "its own"
    approx = load(write, HEAD.replace("values: {2019: 1.5, 2020: 2}",
                                      "values: {2020: {value: 2.5, approx: true}}"))
    assert approx.get("co", "ghg", 2020).flags == ("approx",)
    assert approx.get("co", "ghg", 2020).value == D("2.5")


@pytest.mark.parametrize(("values", "message"), [
    ("{2020: {printed: x}}", "kpi 'ghg' 2020: no value (a '—' in a report means not "
                             "disclosed: leave the year out)"),
    ("{2020: null}", "kpi 'ghg' 2020: no value (a '—' in a report means not disclosed: leave "
                     "the year out)"),
    ("{2020: {value: .nan}}", "kpi 'ghg' 2020: value nan is not a finite number"),
    ("{2020: {value: -.inf}}", "kpi 'ghg' 2020: value -inf is not a finite number"),
    ("{2020: {value: true}}", "kpi 'ghg' 2020: value True is not a number"),
    ("{2020: {value: 1, flags: [derived]}}", "kpi 'ghg' 2020: unknown flag 'derived'"),
    ("{2020: {value: 1, printed: [x]}}", "kpi 'ghg' 2020: 'printed' must be text, not a list"),
])
def test_errors_in_a_value(write, values, message) -> None:
    with pytest.raises(CatalogError) as caught:
        load(write, HEAD.replace("{2019: 1.5, 2020: 2}", values))
    assert caught.value.message == message
    assert caught.value.line == 13


def test_a_directory_stands_for_its_yaml_files(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for name in ("b.yml", "a.yaml", "c.txt", "d.YAML"):
        (folder / name).write_text("schema: 1\n", encoding="utf-8")
    (folder / "e.yaml").mkdir()
    monkeypatch.delenv("ESGCMP_CATALOG", raising=False)
    assert catalog_paths([folder], builtin=False) == [folder / "a.yaml", folder / "b.yml"]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        catalog_paths([empty], builtin=False)
    assert (caught.value.file, caught.value.message) == (
        str(empty), "directory holds no .yaml catalog files")


def test_the_environment_names_several_catalogs_before_the_options(tmp_path,
                                                                  monkeypatch) -> None:
    one, two, three = (tmp_path / f"{n}.yaml" for n in ("one", "two", "three"))
    monkeypatch.setenv("ESGCMP_CATALOG", f"{one}:{two}: ")
    assert catalog_paths([three], builtin=False) == [one, two, three]
    assert catalog_paths([three], builtin=False, use_env=False) == [three]
    with pytest.raises(UsageError):
        catalog_paths([], builtin=False, use_env=False)


@pytest.mark.parametrize(("change", "line", "message", "fix"), [
    (("      - metric: ghg\n", "      - label: x\n"), 11, "kpi: 'metric' is required", ""),
    (("metric: ghg", "metric: wind"), 11, "kpi: unknown metric 'wind'",
     "define it under 'metrics'"),
    (("metric: ghg", "metric: gh"), 11, "kpi: unknown metric 'gh'", "did you mean 'ghg'?"),
    (("        unit: 萬噸\n", ""), 11, "kpi 'ghg': 'unit' is required", ""),
    (("unit: 萬噸", "unit: furlongs"), 12, "kpi 'ghg': unknown unit 'furlongs' (cannot read "
                                          "'furlongs')",
     "see docs/units.md for the unit forms esgcmp reads"),
    (("values: {2019: 1.5, 2020: 2}", "values: {}"), 13,
     "kpi 'ghg': 'values' must be a mapping of year: value, not a mapping",
     "e.g. values: {2019: 13.2, 2020: 14.23}"),
    (("values: {2019: 1.5, 2020: 2}", "values: {2019: -1.5}"), 13,
     "kpi 'ghg' 2019: negative value -1.5 for a metric that cannot be negative",
     "set 'signed: true' on metric 'ghg' if it can be"),
    (("values: {2019: 1.5, 2020: 2}", "values: {2019: -.inf}"), 13,
     "kpi 'ghg' 2019: value -inf is not a finite number", ""),
    (("values: {2019: 1.5, 2020: 2}", "values: {1899: 1}"), 13,
     "kpi 'ghg': year 1899 is outside 1900-2100", ""),
    (("values: {2019: 1.5, 2020: 2}", "values: {2101: 1}"), 13,
     "kpi 'ghg': year 2101 is outside 1900-2100", ""),
    (("        line: 3\n", ""), 11, "kpi 'ghg': 'line' is required (the line in the source "
                                     "file)", ""),
    (("        line: 3\n", "        line: true\n"), 15, "kpi 'ghg': 'line' must be a positive "
     "whole number (the line in the source file), not True", ""),
    (("        source: s\n", "        source: x\n"), 14,
     "kpi 'ghg': unknown source 'x' (this company's sources: s, t)", ""),
    (("        source: s\n", "        source: s\n        label: [a]\n"), 15,
     "kpi 'ghg': 'label' must be text, not a list", ""),
    (("        source: s\n", "        source: s\n        notes: {a: 1}\n"), 15,
     "kpi 'ghg': 'notes' must be text, not a mapping", ""),
    (("        source: s\n", "        source: s\n        flags: restated\n"), 15, None, None),
])
def test_errors_in_a_kpi_entry(write, change, line, message, fix) -> None:
    text = HEAD.replace(*change)
    if message is None:  # one flag may be written alone
        assert load(write, text).get("co", "ghg", 2020).flags == ("restated",)
        return
    with pytest.raises(CatalogError) as caught:
        load(write, text)
    assert (caught.value.line, caught.value.message, caught.value.fix) == (line, message, fix)


def test_years_at_the_bounds_and_numbers_as_written(write) -> None:
    catalog = load(write, HEAD.replace("values: {2019: 1.5, 2020: 2}",
                                       "values: {1900: 1, 2100: 0.1, 2000: 3.0}"))
    assert catalog.years("co") == [1900, 2000, 2100]
    assert [catalog.get("co", "ghg", y).value for y in (1900, 2000, 2100)] == [
        D(1), D("3.0"), D("0.1")]
    assert catalog.get("co", "ghg", 2100).normalized == D("1000.0")


def test_disagreeing_printings_keep_the_entrys_flags(write) -> None:
    catalog = load(write, HEAD + "        flags: [scope]\n"
                   "        also: [{source: t, line: 7, values: {2020: 4}}]\n")
    assert catalog.get("co", "ghg", 2020).flags == ("scope", "sources_disagree")
    assert catalog.get("co", "ghg", 2020).conversion_note == "mass read as CO2e"
