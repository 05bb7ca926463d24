"""Bad input never crashes: one line on stderr, a documented exit code, no data on stdout."""

from __future__ import annotations

import csv
import io
import re

import pytest

from esgcmp.errors import ExitCode

VALID_HEAD = """schema: 1
companies:
  co:
    name: Co
    sources:
      s: {file: s.txt}
    kpis:
"""

BAD_CATALOGS = [
    ("yaml-syntax", "schema: 1\ncompanies: {co: [\n", r":3: YAML syntax error"),
    ("string-for-number", VALID_HEAD + "      - {metric: ghg, unit: 萬噸, values: {2020: lots}, source: s, line: 1}\n",
     r":8: kpi 'ghg' 2020: value 'lots' is not a number; write the number without units"),
    ("list-for-mapping", "schema: 1\ncompanies: [co]\n",
     r":1: 'companies' must be a mapping, not a list"),
    ("unknown-unit", VALID_HEAD + "      - {metric: ghg, unit: 萬吨吨, values: {2020: 1}, source: s, line: 1}\n",
     r":8: kpi 'ghg': unknown unit '萬吨吨'"),
    ("misspelled-unit", VALID_HEAD + "      - {metric: water, unit: tonnz, values: {2020: 1}, source: s, line: 1}\n",
     r":8: kpi 'water': unknown unit 'tonnz'"),
    ("wrong-dimension", VALID_HEAD + "      - {metric: water, unit: 億度, values: {2020: 1}, source: s, line: 1}\n",
     r":8: kpi 'water': cannot convert '億度'"),
    ("negative", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: -1}, source: s, line: 1}\n",
     r":8: kpi 'water' 2020: negative value -1 for a metric that cannot be negative"),
    ("non-finite", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: .inf}, source: s, line: 1}\n",
     r":8: kpi 'water' 2020: value inf is not a finite number"),
    ("python-tag", "schema: 1\nx: !!python/object/new:os.system [echo pwned]\n",
     r":2: YAML tag .* is not allowed"),
    *((f"tag {tag}", VALID_HEAD + f"      - {{metric: water, unit: 萬噸, values: {{2020: {tag}}}, source: s, line: 1}}\n",
       r":8: YAML tag 'tag:yaml.org,2002:\w+' is not allowed in a catalog \(a catalog holds plain "
       r"data only\); write the value without it, or quote it")
      for tag in ("!!int x", "!!float x", "!!map [1]", "!!str 5", "!!timestamp x", "!!bool maybe",
                  "!!binary aGk=", "!!set {a}", "!!omap [a]", "!!null x")),
    ("alias-bomb", 'schema: 1\na: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n',
     r":2: YAML anchors \(&a\) are not allowed in a catalog"),
    ("alias", "schema: 1\nb: [*a]\n", r":2: YAML aliases \(\*name\) are not allowed in a catalog"),
    ("deep-nesting", "schema: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n",
     r"nested deeper than 32 levels"),
    ("duplicate-year", VALID_HEAD
     + "      - {metric: water, unit: 萬噸, values: {2020: 1}, source: s, line: 1}\n"
     + "      - {metric: water, unit: 萬噸, values: {2020: 2}, source: s, line: 2}\n",
     r":9: co water 2020 is given twice \(first at .*:8\)"),
    ("duplicate-key", "schema: 1\nschema: 1\n", r":2: duplicate key 'schema'"),
    ("control-character", "schema: 1\nx: *\x1b\n", r":2: character U\+001B is not allowed in YAML"),
    ("nul", "schema: 1\n\nx: a\x00b\n", r":3: character U\+0000 is not allowed in YAML"),
    ("octal", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 012}, source: s, line: 1}\n",
     r":8: '012' has a leading zero, which YAML 1.1 reads as an octal number; write the number "
     r"without the leading zero, or quote it if it is text"),
    ("sexagesimal", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 1:30}, source: s, line: 1}\n",
     r":8: '1:30' is a base-60 number in YAML 1.1 \(1:30 is 90\); quote it if it is text"),
    ("hexadecimal", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 0x1F}, source: s, line: 1}\n",
     r":8: '0x1F' is a hexadecimal, octal or binary number in YAML"),
    ("norway", VALID_HEAD.replace("name: Co", "name: NO"),
     r":4: 'NO' is true or false in YAML 1.1 and text in YAML 1.2; write true or false, or quote it"),
    ("thousands-in-flow", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: {value: 1,000}}, source: s, line: 1}\n",
     r":8: '000' follows a comma in a \{...\} mapping, so YAML reads a number with a thousands "
     r"separator \(1,000\) as two entries; write the number without separators \(1000\)"),
    ("date", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 2001-02-30}, source: s, line: 1}\n",
     r":8: kpi 'water' 2020: value '2001-02-30' is not a number"),
    ("timestamp", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 2001-12-14 25:00:00}, source: s, line: 1}\n",
     r":8: kpi 'water' 2020: value '2001-12-14 25:00:00' is not a number"),
    ("block-nesting", "schema: 1\nx:\n" + "- " * 50_000 + "1\n", r":3: nested deeper than 32 levels"),
    ("block-nesting-33", "schema: 1\nx:\n" + "- " * 33 + "1\n", r":3: nested deeper than 32 levels"),
    ("indented-nesting", "schema: 1\n" + "".join(" " * i + f"k{i}:\n" for i in range(40)),
     r"nested deeper than 32 levels"),
    ("merge-key", "schema: 1\n<<: {metrics: {}}\n", r":2: catalog: unknown key '<<'"),
    ("a-dot", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: .}, source: s, line: 1}\n",
     r":8: kpi 'water' 2020: value '.' is not a number"),
    ("huge-exponent", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 1e99999999999999999999999}, source: s, line: 1}\n",
     r":8: '1e99999999999999999999999' is beyond the numbers esgcmp reads"),
    ("unknown-source", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 1}, source: t, line: 1}\n",
     r":8: kpi 'water': unknown source 't'"),
    ("newline-in-a-key", '"a\\nb": 1\nschema: 1\n',
     r":1: catalog: unknown key 'a\\nb'; allowed here: schema, metrics, companies"),
    ("bad-year", VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {20200: 1}, source: s, line: 1}\n",
     r":8: kpi 'water': year 20200 is outside 1900-2100"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_CATALOGS, ids=[b[0] for b in BAD_CATALOGS])
def test_bad_catalog_is_one_line_with_file_and_line(run, tmp_path, name, text, message) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("compare", "water", "--catalog", str(path), "--format", "csv")
    assert result.code == ExitCode.CATALOG
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"esgcmp: error: {path}")
    assert re.search(message, result.err), result.err


def test_missing_empty_and_non_utf8_catalogs(run, tmp_path) -> None:
    result = run("metrics", "--catalog", str(tmp_path / "absent.yaml"))
    assert (result.code, result.out) == (ExitCode.CATALOG, "")
    assert result.err == (f"esgcmp: error: {tmp_path / 'absent.yaml'}: catalog file not found; "
                          "check the path given to --catalog or ESGCMP_CATALOG\n")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert run("metrics", "--catalog", str(empty)).err.startswith(
        f"esgcmp: error: {empty}: catalog file is empty")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("schema: 1\n# 萬噸\n".encode("gbk"))
    result = run("metrics", "--catalog", str(gbk))
    assert result.code == ExitCode.CATALOG
    assert result.err.startswith(f"esgcmp: error: {gbk}:2: not UTF-8")


def test_duplicates_across_files_name_both(run, tmp_path) -> None:
    text = VALID_HEAD + "      - {metric: water, unit: 萬噸, values: {2020: 1}, source: s, line: 1}\n"
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(text, encoding="utf-8")
    second.write_text(text.replace("    name: Co\n", "").replace("s: {file", "t: {file")
                      .replace("source: s", "source: t"), encoding="utf-8")
    result = run("compare", "water", "--catalog", str(first), "--catalog", str(second))
    assert result.code == ExitCode.CATALOG
    assert result.err == (f"esgcmp: error: {second}:7: co water 2020 is given twice "
                          f"(first at {first}:8)\n")


def test_unknown_unit_on_the_command_line(run) -> None:
    result = run("compare", "ghg", "--unit", "furlongs")
    assert result.code == ExitCode.UNIT and result.out == ""
    assert result.err.startswith("esgcmp: error: unknown unit 'furlongs'")


def test_csv_neutralises_formula_cells_and_keeps_numbers(run, tmp_path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(VALID_HEAD.replace("name: Co", 'name: "=HYPERLINK(\\"x\\")"')
                    + "      - {metric: total_profit, label: '=1+2', unit: 億元, values: {2020: -21.7}, "
                      "source: s, line: 1}\n", encoding="utf-8")
    out = run("compare", "total_profit", "--catalog", str(path), "-c", "co", "-f", "csv").out
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["label"] == "'=1+2"
    assert row["value"] == "-2170000000" and row["reported_value"] == "-21.7"


def test_csv_cells_of_every_kind_a_column_at_a_time() -> None:
    from decimal import Decimal

    from esgcmp.model import Kind
    from esgcmp.output import Report, to_csv

    columns = ["text", "mixed", "number", "zero", "empty", "flags", "count", "kind", "inputs",
               "safe"]
    rows = [{"text": "=1+2", "mixed": None, "number": Decimal("25669200.00"),
             "zero": Decimal("0.000"), "empty": [], "flags": ["a", "b"], "count": 7,
             "kind": Kind.reported, "inputs": [], "safe": "a=b"},
            {"text": "plain", "mixed": "-5", "number": None, "zero": Decimal("-0"),
             "empty": (), "flags": [], "count": None, "kind": Kind.derived,
             "inputs": [{"text": "@x"}, {"text": "y"}], "safe": None},
            {"text": "-3", "mixed": "ok", "number": Decimal("1.50"), "zero": Decimal(0),
             "empty": [], "flags": ["c"], "count": 0, "kind": Kind.reported, "inputs": [],
             "safe": "b"}]
    assert to_csv(Report(rows=rows, columns=columns, display=[])) == (
        "text,mixed,number,zero,empty,flags,count,kind,inputs,safe\n"
        "'=1+2,,25669200,0,,a;b,7,reported,,a=b\n"
        "plain,'-5,,0,,,,derived,'@x; y,\n"
        "'-3,ok,1.5,0,,c,0,reported,,b\n")


def test_no_color_and_narrow_terminal(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = run("compare", "ghg", "--format", "table")
    assert result.code == 0
    assert "\x1b[" not in result.out
    assert max(len(line) for line in result.out.splitlines()) <= 60


def test_a_bar_or_a_line_break_in_catalog_text_makes_no_markdown_cell(run, write) -> None:
    catalog = write("bars.yaml", """
        schema: 1
        metrics:
          ghg: {name: "GHG | fake cell", category: environmental, unit: tCO2e}
        companies:
          acme:
            name: Acme
            sources:
              s: {file: s.txt, short: "S\\\\|1", title: "T\\nnext row"}
            kpis:
              - {metric: ghg, label: GHG, unit: t, values: {2020: 5}, source: s, line: 1}
        """)
    result = run("show", "acme", "2020", "--no-builtin", "--catalog", str(catalog),
                 "-f", "markdown")
    assert result.code == 0
    row = next(line for line in result.out.splitlines() if line.startswith("| environmental"))
    assert row == ("| environmental | GHG \\| fake cell (ghg) |       5 | tCO2e  | 5 t          "
                   "| S\\\\\\|1, line 1 |         |")
    # a '|' that no backslash escapes: the cell boundaries, and no more
    assert len(re.findall(r"(?<!\\)(?:\\\\)*\|", row)) == 8
