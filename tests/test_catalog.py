"""Catalog loading: layering, duplicates, and errors that name file and line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esgcmp.catalog import builtin_catalog_path
from esgcmp.load import catalog_paths, load_files
from esgcmp.errors import CatalogError, ExitCode, NotFoundError

from .conftest import USER_CATALOG


def load(*paths):
    return load_files(catalog_paths(paths, use_env=False))


def test_builtin_catalog_holds_the_three_companies_and_core_metrics() -> None:
    catalog = load_files([builtin_catalog_path()])
    # at least these: a company added to the catalog is no fault of the loader
    assert {"china-telecom", "china-unicom", "china-comservice"} <= set(catalog.companies)
    for metric in ("energy", "electricity", "gasoline", "diesel", "natural_gas", "coal",
                   "purchased_heat", "ghg", "ghg_scope1", "ghg_scope2", "water", "revenue",
                   "employees"):
        assert metric in catalog.metrics
    units = {m: catalog.metrics[m].unit for m in ("energy", "electricity", "gasoline",
                                                  "natural_gas", "purchased_heat", "ghg",
                                                  "water", "revenue", "employees")}
    assert units == {"energy": "tce", "electricity": "MWh", "gasoline": "t", "natural_gas": "m3",
                     "purchased_heat": "GJ", "ghg": "tCO2e", "water": "t", "revenue": "CNY",
                     "employees": "persons"}


def test_unicom_ghg_2020_is_normalised_from_the_printed_unit() -> None:
    catalog = load_files([builtin_catalog_path()])
    obs = catalog.observations[("china-unicom", "ghg", 2020)]
    assert (obs.value, obs.unit, obs.normalized) == (Decimal("14.23"), "百萬噸", Decimal(14230000))
    assert (obs.source.file, obs.line) == ("004_74dae4d02e57c763.txt", 4299)


def test_user_catalog_layers_over_the_builtin(write) -> None:
    catalog = load(write("user.yaml", USER_CATALOG))
    assert "acme-telecom" in catalog.companies and "china-unicom" in catalog.companies
    obs = catalog.observations[("acme-telecom", "ghg", 2020)]
    assert obs.normalized == Decimal(1300000)
    assert catalog.observations[("acme-telecom", "electricity", 2020)].normalized == 250000


def test_env_var_layers_catalogs(write, monkeypatch) -> None:
    path = write("user.yaml", USER_CATALOG)
    monkeypatch.setenv("ESGCMP_CATALOG", str(path))
    assert "acme-telecom" in load_files(catalog_paths()).companies


def test_a_directory_of_catalogs_is_read_in_name_order(write, tmp_path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    write("many/a.yaml", USER_CATALOG)
    write("many/b.yaml", """
        schema: 1
        companies:
          acme-telecom:
            sources:
              acme-2021: {file: acme21.txt}
            kpis:
              - {metric: ghg, unit: 萬噸, values: {2021: 140}, source: acme-2021, line: 3}
        """)
    catalog = load(folder)
    assert catalog.observations[("acme-telecom", "ghg", 2021)].normalized == 1400000


def test_company_defined_twice_names_both_places(write) -> None:
    first = write("one.yaml", USER_CATALOG)
    second = write("two.yaml", USER_CATALOG.replace("  widgets:", "  gadgets:"))
    with pytest.raises(CatalogError) as info:
        load(first, second)
    assert str(info.value) == (
        f"{second}:5: company 'acme-telecom' is defined twice (first at {first}:6); "
        "to add data to it, leave out 'name' in this file")
    assert info.value.exit_code == ExitCode.CATALOG


def test_metric_defined_twice_names_both_places(write) -> None:
    path = write("m.yaml", """
        schema: 1
        metrics:
          ghg: {name: Again, category: environmental, unit: tCO2e}
        """)
    with pytest.raises(CatalogError, match=rf"{path}:3: metric 'ghg' is defined twice "
                                           rf"\(first at .*kpi_catalog.yaml:\d+\)"):
        load(path)


def test_same_company_metric_year_twice_is_an_error(write) -> None:
    path = write("dup.yaml", """
        schema: 1
        companies:
          china-unicom:
            sources:
              mine: {file: mine.txt}
            kpis:
              - {metric: ghg, unit: 百萬噸, values: {2020: 15}, source: mine, line: 1}
        """)
    with pytest.raises(CatalogError, match=rf"{path}:7: china-unicom ghg 2020 is given twice "
                                           r"\(first at .*kpi_catalog.yaml:\d+\)"):
        load(path)


@pytest.mark.parametrize(("text", "message"), [
    ("schema: 1\nmetrics: [1, 2\n", r":3: YAML syntax error"),
    ("schema: 2\n", r":1: unsupported schema 2; this esgcmp reads schema 1"),
    ("- just\n- a list\n", r":1: a catalog must be a YAML mapping"),
    ("schema: 1\ncompanies:\n  x:\n    name: X\n    kpis: {a: 1}\n",
     r":5: company 'x': 'kpis' must be a list, not a mapping"),
    ("schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: furlongs}\n",
     r":3: metric 'm': unknown unit 'furlongs'"),
    ("schema: 1\nmetrics:\n  m: {name: M, category: weather, unit: t}\n",
     r":3: metric 'm': category 'weather' is not one of"),
    ("schema: 1\nmetrics:\n  m: {name: M, category: environmental, unit: t}\n  m: {}\n",
     r":4: duplicate key 'm' \(first given at line 3\)"),
    ("schema: 1\nx: !!python/object/apply:os.system [echo hi]\n",
     r":2: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("schema: 1\na: &x [1]\nb: *x\n", r":2: YAML anchors \(&x\) are not allowed"),
])
def test_malformed_catalog_gives_file_and_line(write, text, message) -> None:
    path = write("bad.yaml", text)
    with pytest.raises(CatalogError, match=message) as info:
        load(path)
    assert str(info.value).startswith(f"{path}:")


KPI = """
schema: 1
companies:
  co:
    name: Co
    sources:
      s: {{file: s.txt}}
    kpis:
      - metric: {metric}
        unit: {unit}
        values: {values}
        source: s
        line: 3
"""


@pytest.mark.parametrize(("metric", "unit", "values", "message"), [
    ("ghg", "萬噸", "{2020: abc}", r":10: kpi 'ghg' 2020: value 'abc' is not a number"),
    ("ghg", "萬噸", "{2020: -5}", r":10: kpi 'ghg' 2020: negative value -5"),
    ("ghg", "萬噸", "{2020: .nan}", r":10: kpi 'ghg' 2020: value nan is not a finite number"),
    ("ghg", "萬噸", "{2020: .inf}", r":10: kpi 'ghg' 2020: value inf is not a finite number"),
    ("ghg", "萬噸", "{twenty: 5}", r":10: kpi 'ghg': year 'twenty' must be a whole number"),
    ("ghg", "萬噸", "{1066: 5}", r":10: kpi 'ghg': year 1066 is outside 1900-2100"),
    ("ghg", "萬噸", "[5]", r":10: kpi 'ghg': 'values' must be a mapping of year: value"),
    ("ghg", "度", "{2020: 5}", r":9: kpi 'ghg': cannot convert '度'"),
    ("ghg", "tonnz", "{2020: 5}", r":9: kpi 'ghg': unknown unit 'tonnz'"),
    ("gh", "萬噸", "{2020: 5}", r":8: kpi: unknown metric 'gh'; did you mean 'ghg'\?"),
])
def test_bad_values_are_located(write, metric, unit, values, message) -> None:
    path = write("bad.yaml", KPI.format(metric=metric, unit=unit, values=values))
    with pytest.raises(CatalogError, match=message):
        load(path)


def test_missing_catalog_file(tmp_path) -> None:
    with pytest.raises(CatalogError, match=r"nope.yaml: catalog file not found"):
        load(tmp_path / "nope.yaml")


def test_empty_and_non_utf8_files(tmp_path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(CatalogError, match="empty.yaml: catalog file is empty"):
        load(empty)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("schema: 1\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(CatalogError, match=r"latin.yaml:2: not UTF-8 \(byte 0xe9\)"):
        load(latin)


def test_company_found_by_alias_chinese_name_and_ticker() -> None:
    catalog = load_files([builtin_catalog_path()])
    for name in ("china-unicom", "China Unicom", "UNICOM", "中國聯通", "中国联通", "0762.HK"):
        assert catalog.resolve_company(name).id == "china-unicom"


def test_unknown_company_suggests_the_closest(groups) -> None:
    catalog = load_files([groups])
    with pytest.raises(NotFoundError) as info:
        catalog.resolve_company("south-telecon")
    assert str(info.value) == ("unknown company 'south-telecon' (did you mean "
                               "'south-telecom'?); known: north-mobile, south-services, "
                               "south-telecom; see 'esgcmp companies'")


def test_an_ambiguous_name_lists_the_candidates(write) -> None:
    path = write("twins.yaml", """
        schema: 1
        companies:
          twin-a: {name: Twin A, aliases: [twin], sources: {s: {file: s.txt}}}
          twin-b: {name: Twin B, aliases: [twin], sources: {s: {file: s.txt}}}
        """)
    with pytest.raises(NotFoundError) as info:
        load(path).resolve_company("TWIN")
    assert str(info.value) == ("company 'TWIN' is ambiguous: it names 'twin-a', 'twin-b'; "
                               "give one of these ids")


# A draft's proposal named like a built-in metric, and two of the user's metrics that
# share an alias: the first must never break a name of the built-in catalog, the second
# stays for the user to settle with an id.
NAMED_LIKE_BUILTIN = """
schema: 1
metrics:
  revenue_2: {name: Revenue, category: economic, unit: CNY}
  energy_total_2: {name: Total energy consumption, category: environmental, unit: tce}
  cups: {name: Cups, category: economic, unit: count, aliases: [vessels]}
  mugs: {name: Mugs, category: economic, unit: count, aliases: [vessels]}
companies:
  new-co:
    name: New Co
    sources:
      r: {file: new.txt}
    kpis:
      - {metric: revenue_2, label: Revenue, unit: CNY, values: {2020: 5000000}, source: r, line: 1}
      - {metric: energy_total_2, label: Total energy, unit: tce, values: {2020: 120}, source: r, line: 2}
"""


@pytest.mark.parametrize(("wanted", "found"), [
    ("revenue", "revenue"), ("Revenue", "revenue"), ("营业收入", "revenue"),
    ("Total energy consumption", "energy"), ("revenue_2", "revenue_2"),
    ("energy_total_2", "energy_total_2"), ("cups", "cups")])
def test_a_user_metric_named_like_a_builtin_one_leaves_the_builtin_name(write, wanted,
                                                                        found) -> None:
    catalog = load(write("draft.yaml", NAMED_LIKE_BUILTIN))
    assert catalog.resolve_metric(wanted).id == found


def test_two_user_metrics_with_one_alias_stay_ambiguous(write) -> None:
    catalog = load(write("draft.yaml", NAMED_LIKE_BUILTIN))
    with pytest.raises(NotFoundError) as info:
        catalog.resolve_metric("Vessels")
    assert str(info.value) == ("metric 'Vessels' is ambiguous: it names 'cups', 'mugs'; "
                               "give one of these ids")


def test_without_the_builtin_catalog_an_id_still_beats_a_name(write) -> None:
    path = write("mine.yaml", """
        schema: 1
        metrics:
          revenue: {name: Turnover, category: economic, unit: CNY}
          sales: {name: Revenue, category: economic, unit: CNY}
        """)
    catalog = load_files(catalog_paths([path], use_env=False, builtin=False))
    assert catalog.resolve_metric("REVENUE").id == "revenue"
    assert catalog.resolve_metric("turnover").id == "revenue"


def test_a_draft_metric_named_revenue_leaves_per_revenue_working(run, write) -> None:
    path = write("draft.yaml", NAMED_LIKE_BUILTIN)
    result = run("compare", "ghg", "--per", "Revenue", "-y", "2020", "-f", "csv",
                 "--catalog", str(path))
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].startswith("company,year,")
    assert "ambiguous" not in result.err


def test_a_user_company_named_like_a_builtin_one_leaves_the_builtin_name(write) -> None:
    path = write("draft.yaml", """
        schema: 1
        companies:
          unicom-hk:
            name: China Unicom
            aliases: [unicom, cu-hk]
            sources: {s: {file: s.txt}}
          unicom-sz:
            name: Unicom Shenzhen
            aliases: [cu-hk]
            sources: {s: {file: s.txt}}
        """)
    catalog = load(path)
    assert catalog.resolve_company("Unicom").id == "china-unicom"
    assert catalog.resolve_company("china unicom").id == "china-unicom"
    assert catalog.resolve_company("unicom-hk").id == "unicom-hk"
    with pytest.raises(NotFoundError) as info:
        catalog.resolve_company("CU-HK")
    assert str(info.value) == ("company 'CU-HK' is ambiguous: it names 'unicom-hk', "
                               "'unicom-sz'; give one of these ids")
