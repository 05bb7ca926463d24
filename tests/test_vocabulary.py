"""The metric vocabulary (esgcmp/vocabulary.toml) and the placing of extracted rows on it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from esgcmp.catalog import builtin_catalog_path
from esgcmp.errors import CatalogError
from esgcmp.load import load_files
from esgcmp.model import CATEGORIES
from esgcmp.names import fold
from esgcmp.units import parse_target
from esgcmp.vocabulary import POLARITIES, Placement, hkex_kpis, key, place, scopes, terms

REPO = Path(__file__).resolve().parent.parent

# HKEX ESG Reporting Code, Appendix C2: the KPIs that are figures (the others ask for a
# description of policies and practices)
C2_FIGURES = ["A1.1", "A1.2", "A1.3", "A1.4", "A2.1", "A2.2", "A2.5", "B1.1", "B1.2",
              "B2.1", "B2.2", "B3.1", "B3.2", "B5.1", "B6.1", "B6.2", "B7.1", "B8.2"]
C2_CODE = re.compile(r"^(?:A[1-4]|B[1-8])\.[1-6]$")


# ---- the vocabulary file -------------------------------------------------------------

def test_every_builtin_metric_is_in_the_vocabulary_as_the_catalog_declares_it() -> None:
    catalog = load_files([builtin_catalog_path()])
    vocabulary = terms()
    assert sorted(set(catalog.metrics) - set(vocabulary)) == []
    for metric in catalog.metrics.values():
        term = vocabulary[metric.id]
        assert (term.name, term.name_zh, term.category, term.unit, term.density,
                term.hkex) == (metric.name, metric.name_zh, metric.category, metric.unit,
                               metric.density, metric.hkex), \
            metric.id
        assert {fold(alias) for alias in metric.aliases} <= {fold(t) for t in term.labels}


def test_every_entry_has_names_a_unit_a_polarity_and_valid_hkex_codes() -> None:
    for term in terms().values():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", term.id), term.id
        assert term.name and term.name_zh, term.id
        assert term.category in CATEGORIES, term.id
        assert term.polarity in POLARITIES, term.id
        parse_target(term.unit)  # raises on a unit esgcmp cannot compare in
        assert all(C2_CODE.match(code) and code in hkex_kpis() for code in term.hkex), \
            (term.id, term.hkex)


def test_every_hkex_kpi_that_is_a_figure_has_a_metric() -> None:
    coded = {code for term in terms().values() for code in term.hkex}
    assert [code for code in C2_FIGURES if code not in coded] == []
    # and B7.3, anti-corruption training, which the catalog counts
    assert [code for code, kpi in hkex_kpis().items() if kpi.figure] == \
        C2_FIGURES[:-1] + ["B7.3", "B8.2"]
    assert list(hkex_kpis())[0] == "A1.1" and list(hkex_kpis())[-1] == "B8.2"


def test_the_part_d_climate_metrics_are_there() -> None:
    vocabulary = terms()
    assert {"ghg_scope1", "ghg_scope2", "ghg_scope3", "ghg", "ghg_scope1_2_3",
            "ghg_intensity_revenue", "ghg_intensity_employee",
            "ghg_intensity_floor_area"} <= set(vocabulary)
    assert [vocabulary[f"ghg_scope3_cat{n}"].name for n in (1, 6, 15)] == [
        "Scope 3 category 1: Purchased goods and services", "Scope 3 category 6: Business travel",
        "Scope 3 category 15: Investments"]


def test_no_label_names_two_metrics() -> None:
    owners: dict[str, set[str]] = {}
    for term in terms().values():
        for text in (term.id, term.name, term.name_zh, *term.labels):
            owners.setdefault(key(text), set()).add(term.id)
    # the catalog's two names that differ only by a unit in brackets: such a label is left
    # for review as naming both
    assert {k: sorted(v) for k, v in owners.items() if len(v) > 1} == {
        "decrease in total water consumption from previous year": [
            "water_consumption_decrease", "water_consumption_decrease_percent"]}


def test_vocabulary_doc_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_vocabulary",
                                                  REPO / "tools" / "make_vocabulary.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == (REPO / "docs" / "vocabulary.md").read_text(encoding="utf-8"), \
        "docs/vocabulary.md is stale: run python tools/make_docs.py"


# ---- placing a label -----------------------------------------------------------------

@pytest.mark.parametrize("label, metric, match", [
    ("Scope 1 - Total", "ghg_scope1", "scope words 1"),
    ("直接溫室氣體排放（範疇一）", "ghg_scope1", "scope words 1"),
    ("直接温室气体排放（范畴一）", "ghg_scope1", "scope words 1"),
    ("Indirect GHG emissions (Scope II) — electricity consumption", "ghg_scope2",
     "scope words 2"),
    ("Total GHG Emissions (Scope 1 & 2)", "ghg", "scope words 1+2"),
    ("Scope 1 + Scope 2 Location", "ghg", "scope words 1+2"),
    ("Total GHG emissions (Scope 1, 2 and 3)", "ghg_scope1_2_3", "scope words 1+2+3"),
    ("Scopes 1 to 3", "ghg_scope1_2_3", "scope words 1+2+3"),
    ("Other indirect emissions (Scope III) — business air travel, paper", "ghg_scope3",
     "scope words 3"),
    ("Scope 3 Category 6: Business travel", "ghg_scope3_cat6", "scope words 3, category 6"),
    ("GHG intensity (Scope 1 and 2) per employee", "ghg_intensity_employee",
     "scope words 1+2, per employee"),
    ("Electricity", "electricity", "label alias"),
    ("電力", "electricity", "label alias"),
    ("电力", "electricity", "label alias"),
    ("Purchased electricity consumption¹", "electricity", "label alias"),
    ("Total water consumption (Note 2)", "water", "label alias"),
    ("Total hazardous waste generated", "waste_hazardous", "label alias"),
    ("有害廢棄物總量", "waste_hazardous", "label alias"),
    ("Female employees", "employees_female", "label alias"),
    ("Energy Electricity consumption", "electricity", "label alias after the section's name"),
    ("Waste Hazardous waste", "waste_hazardous", "label alias after the section's name"),
    # an abbreviation after the words it abbreviates is no part of the name
    ("Nitrogen oxides (NOx)", "nox", "label alias"),
    ("Total greenhouse gas (GHG) emissions (Scope 1 and 2)", "ghg", "scope words 1+2"),
    # "air", "exhaust gas" and plurals are filler; a section's name before any label
    ("Particulate matters (PM) air emissions", "particulate_matter",
     "label without filler words"),
    ("Emissions - Sulphur dioxide (SO2)", "so2", "label alias after the section's name"),
    ("Emissions - Sulphur dioxides (SO2)", "so2", "label without filler words"),
    # characters a converter set apart are one Chinese word
    ("外購 電力", "electricity", "label alias"),
    # a bracket saying how the figure is computed is not read
    ("Total water consumption (total water withdrawal - total water discharges)", "water",
     "label alias"),
    # market- and location-based are Scope 2's methods
    ("Market based", "ghg_scope2", "scope 2 method words"),
    ("Location-based emissions", "ghg_scope2", "scope 2 method words"),
    # what Scope 1 and Scope 2 are may be said around them
    ("Indirect emissions from electricity consumption (Scope 2)", "ghg_scope2",
     "scope words 2"),
    ("Scope 1: Direct emissions - Combustion of fossil fuels", "ghg_scope1", "scope words 1"),
    ("Scope 3 - Other indirect emissions", "ghg_scope3", "scope words 3"),
    ("Scope 2 GHG emissions - Purchased electricity", "ghg_scope2", "scope words 2"),
    # what a bracket says is not included is not read: Category 3, not Scope 1 + 2
    ("• Category 3: Fuel-and-energy-related activities (not included in scope 1 or scope 2)",
     "ghg_scope3_cat3", "label alias"),
])
def test_a_label_that_states_a_metric_gets_it(label: str, metric: str, match: str) -> None:
    placed = place(label)
    assert (placed.metric, placed.match, placed.why) == (metric, match, "")


@pytest.mark.parametrize("label, why", [
    ("Scope 3 - upstream", "names scope 3 but only a part of it ('upstream')"),
    ("Stationary combustion (Scope 1)", "names scope 1 but only a part of it ('stationary')"),
    ("Headquarters Scope 2 emissions", "names scope 2 but only a part of it ('headquarters')"),
    ("Scope 2 GHG emissions intensity", "an intensity of scope 2, on a denominator or a set of "
                                        "scopes no metric has"),
    ("Scope 1 reduction target", "names scope 1 but is a change, a saving or a target, not "
                                 "the quantity itself"),
    ("Scope 2 and 3", "scopes 2+3 together: no metric totals them"),
    ("Total GHG emissions", "GHG emissions that do not say which scopes they total"),
    ("溫室氣體排放總量", "GHG emissions that do not say which scopes they total"),
    ("Headquarters electricity consumption",
     "a part or another quantity (the label names a source, a site, a group, a kind or a flow)"),
    ("Diesel oil consumption from mobile sources",
     "a part or another quantity (the label names a source, a site, a group, a kind or a flow)"),
    ("Total water discharges",
     "a part or another quantity (the label names a source, a site, a group, a kind or a flow)"),
    ("Decrease in electricity consumption",
     "a change, a saving or a target, not the quantity itself"),
    ("Electricity consumption per square metre",
     "a ratio or an intensity, on a denominator the label does not name as the metric's"),
    ("Widgets shipped", "no metric of the vocabulary has this label"),
    ("Water discharge",
     "a part or another quantity (the label names a source, a site, a group, a kind or a flow)"),
    # one source of Scope 3 after a dash is a part, never total Scope 3
    ("Scope 3 GHG Emission - Paper Consumption",
     "names one source of scope 3 ('paper'), not the total"),
    ("Scope 3 Other Indirect GHG emission - Business air travel",
     "names one source of scope 3 ('business air travel'), not the total"),
    ("Scope 1 emissions - Vehicles", "names one source of scope 1 ('vehicles'), not the total"),
    ("Scope 1 + 2 emissions - Data centres",
     "names one source of scope 1+2 ('data centres'), not the total"),
    # a parenthesis saying what is not included does not make the row that
    ("Scope 3 (not included in scope 1 or scope 2) - Paper",
     "names one source of scope 3 ('paper'), not the total"),
    # a word of a part (a business, a region) before the scopes: never the total
    ("Hong Kong Town Gas production scope 1 and 2 emissions",
     "names scope 1+2 of something it names ('hong kong town production'): a part, not the "
     "company's total"),
    ("Scope 1 carbon emissions (Asia emissions)",
     "names scope 1 of something it names ('asia'): a part, not the company's total"),
    ("Market share",
     "a ratio or an intensity, on a denominator the label does not name as the metric's"),
    ("Nitrogen oxides (NOx) emissions per MJ of town gas",
     "a ratio or an intensity, on a denominator the label does not name as the metric's"),
])
def test_a_label_that_is_a_part_a_ratio_or_a_change_gets_no_metric(label: str,
                                                                   why: str) -> None:
    placed = place(label)
    assert (placed.metric, placed.why) == ("", why)


@pytest.mark.parametrize("label, basis", [
    ("Scope 2 - Market based", (("scope2_method", "market-based"),)),
    ("Scope 2 emissions (location-based)", (("scope2_method", "location-based"),)),
    ("Scope 1 emissions (equity share)", (("boundary", "equity share"),)),
    ("Scope 1 + 2 emissions, operational control, market-based",
     (("scope2_method", "market-based"), ("boundary", "operational control"))),
    ("Scope 1 emissions (market-based)", ()),  # a method of Scope 2 says nothing of Scope 1
])
def test_basis_words_become_the_values_basis(label: str, basis: tuple) -> None:
    assert place(label).basis == basis


def test_scopes_are_read_in_every_form() -> None:
    assert [sorted(scopes(key(text))) for text in (
        "Scope 1, 2 and 3", "Scope 1 & 2", "Scope 1+2", "scopes 1 to 3", "Scope III",
        "範疇一及範疇二", "范围三", "Scope 2")] == [
        [1, 2, 3], [1, 2], [1, 2], [1, 2, 3], [3], [1, 2], [3], [2]]


def test_the_key_leaves_out_units_in_brackets_and_footnote_markers() -> None:
    assert key("Electricity (kWh) (Note 1)") == "electricity"
    assert key("電力(千瓦時)(附註 1 )") == "电力"
    assert key("Packaging materials (plastic)") == "packaging materials plastic"
    assert key("Total water consumption*") == "total water consumption"
    assert key("Total water consumption (in m³)") == "total water consumption"
    assert key("電力(單位：千瓦時)") == "电力"
    assert key("Nitrogen oxides (NOx)") == "nitrogen oxides"
    assert key("Electricity (HQ)") == "electricity hq"  # not an abbreviation of a pollutant
    assert key("平均每位僱員所產生溫室 氣體排放密度") == "平均每位雇员所产生温室气体排放密度"
    assert key("Scope 1 (excluding refrigerants)") == "scope 1"


# ---- extract: rows placed, with the reason ---------------------------------------------

SMALL = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  electricity: {name: Electricity consumption, category: environmental, unit: MWh}
companies: {}
"""


def _rows(run, write, text: str) -> list[dict[str, str]]:
    catalog = write("small.yaml", SMALL)
    report = write("report.txt", text)
    result = run("extract", str(report), "-f", "csv", "--no-builtin", "--catalog",
                 str(catalog))
    assert result.code == 0, result
    return list(csv.DictReader(io.StringIO(result.out)))


def test_a_unit_of_another_dimension_never_gets_the_metric(run, write) -> None:
    rows = _rows(run, write, "Indicator 2023\nElectricity (kWh/m2) 3\n"
                             "Total GHG emissions (Scope 1 and 2) (kgCO2e/TB) 4\n"
                             "Electricity (kWh) 5\n")
    assert [(r["metric"], r["match"], r["notes"]) for r in rows] == [
        ("electricity_2", "proposed",
         "the label names 'electricity' (catalog label), but 'kWh/m2' does not convert to "
         "its unit MWh"),
        ("total_ghg_emissions_scope_1_and_2_2", "proposed",
         "the label names 'ghg' (scope words 1+2), but 'kgCO2e/TB' does not convert to its "
         "unit tCO2e"),
        ("electricity", "catalog label", "")]
    assert rows[2]["normalized_value"] == "0.005"


def test_a_unit_that_divides_the_named_metric_gives_its_ratio(run, write) -> None:
    rows = _rows(run, write, "Indicator 2023\nElectricity (kWh/person) (Note 1) 3\n"
                             "Water (cubic metre/person) 4\n"
                             "Total GHG emissions (Scope 1 and 2) (tCO2e/m2) 5\n")
    assert [(r["metric"], r["match"], r["normalized_value"], r["normalized_unit"])
            for r in rows] == [
        ("electricity_intensity_employee", "catalog label, unit dimension", "0.003",
         "MWh/person"),
        ("water_intensity_employee", "label alias, unit dimension", "4", "t/person"),
        ("ghg_intensity_floor_area", "scope words 1+2, unit dimension", "5", "tCO2e/m2")]


def test_a_metric_of_the_vocabulary_the_catalog_lacks_is_defined_by_the_draft(
        run, write, tmp_path: Path) -> None:
    catalog = write("small.yaml", SMALL)
    report = write("acme.txt", "Indicator Unit 2022 2023\nScope 3 emissions tCO2e 30 31\n"
                               "Scope 2 emissions (market-based) tCO2e 7 8\n"
                               "Scope 1, 2 and 3 emissions tCO2e 40 41\n")
    draft = tmp_path / "acme.yaml"
    result = run("extract", str(report), "-c", "acme", "--name", "Acme", "-o", str(draft),
                 "--no-builtin", "--catalog", str(catalog))
    assert result.code == 0, result
    text = draft.read_text(encoding="utf-8")
    assert ("  # from esgcmp's metric vocabulary (docs/vocabulary.md)\n"
            "  ghg_scope3: {name: \"Other indirect GHG emissions (Scope 3)\", name_zh: "
            "\"其他間接溫室氣體排放（範疇三）\", category: environmental, unit: \"tCO2e\", "
            "hkex: [A1.2]}\n") in text
    assert ("      # placed by scope words 2\n"
            "      - metric: ghg_scope2\n"
            "        label: \"Scope 2 emissions (market-based)\"\n"
            "        unit: \"tCO2e\"\n"
            "        values: {2022: 7, 2023: 8}\n"
            "        source: acme\n"
            "        line: 3\n"
            "        basis: {scope2_method: \"market-based\"}\n") in text
    assert "      # placed by scope words 1+2+3\n      - metric: ghg_scope1_2_3\n" in text
    loaded = load_files([catalog, draft])
    assert loaded.get("acme", "ghg_scope2", 2023).basis == (("scope2_method", "market-based"),)
    assert str(loaded.get("acme", "ghg_scope3", 2022).normalized) == "30"
    assert loaded.get("acme", "ghg", 2022) is None


@pytest.mark.parametrize("label, unit, metric, match", [
    ("GHG Emission Intensity", "tCO2e/Employee", "ghg_intensity_employee",
     "label alias, per employee from the unit"),
    ("Energy Consumption Intensity", "kWh/Employee", "energy_intensity_employee",
     "label without filler words, per employee from the unit"),
    ("Total GHG Emission Intensity", "tonnes of CO2e per sq.m.", "ghg_intensity_floor_area",
     "label without filler words, per floor area from the unit"),
    ("Total GHG Emissions (Scope 1 & 2) Intensity", "tCO2e/m2", "ghg_intensity_floor_area",
     "scope words 1+2, per floor area from the unit"),
    # with its denominator named, "intensity" is a filler word of a ratio's label
    ("GHG emissions intensity", "tCO2e/HK$ million revenue", "ghg_intensity_revenue",
     "label without filler words, per revenue from the unit"),
])
def test_an_intensity_takes_the_denominator_its_unit_names(label: str, unit: str,
                                                          metric: str, match: str) -> None:
    assert place(label, unit) == Placement(metric, match)


@pytest.mark.parametrize("label, unit", [
    # a unit cell of two units, and a denominator that is no metric's
    ("GHG emissions intensity", "tCO₂e/million revenue, tCO₂e/m²"),
    ("GHG emissions intensity", "tonne CO2e/tonne of MSW processed"),
    ("Hazardous waste intensity", "tonnes/million revenue"),
    # the label's own denominator wins over the unit's: per employee stays per employee
    ("GHG emissions per employee", "tCO2e/HK$ million"),
])
def test_an_intensity_whose_unit_names_no_one_metrics_denominator_is_refused(
        label: str, unit: str) -> None:
    placed = place(label, unit)
    assert placed.metric != "ghg_intensity_revenue" and (
        placed.metric == "" or placed.metric == "ghg_intensity_employee")


def test_a_bracket_saying_what_a_total_is_mostly_made_of_is_not_read() -> None:
    assert place("Non-hazardous waste generated (mainly dewatered sludge)") == Placement(
        "waste_non_hazardous", "label alias")
    assert place("總取水量(ML)").metric == ""  # withdrawal is not consumption


def test_a_ratio_per_revenue_in_another_currency_gets_its_currencys_variant(
        run, write, tmp_path: Path) -> None:
    report = write("acme.txt", "Indicator 2022 2023\n"
                               "GHG emission intensity in revenue (tCO2e/HKD'000 revenue) 2 3\n"
                               "Carbon emissions intensity (Scope 1 and Scope 2) "
                               "(t CO2e / US$ million sales) 4 5\n")
    rows = _rows(run, write, report.read_text(encoding="utf-8"))
    assert [(r["metric"], r["match"], r["normalized_value"], r["normalized_unit"])
            for r in rows[::2]] == [
        ("ghg_intensity_revenue_hkd", "label alias, the unit's currency", "2000",
         "tCO2e/(10^6 HKD)"),
        ("ghg_intensity_revenue_usd",
         "scope words 1+2, per revenue from the unit, the unit's currency", "4",
         "tCO2e/(10^6 USD)")]
    draft = tmp_path / "acme.yaml"
    assert run("extract", str(report), "-c", "acme", "--name", "Acme", "-o",
               str(draft)).code == 0
    loaded = load_files([builtin_catalog_path(), draft])
    assert loaded.get("acme", "ghg_intensity_revenue_hkd", 2023).normalized == 3000
    assert loaded.get("acme", "ghg_intensity_revenue", 2023) is None


def test_every_currency_variant_is_its_metrics_unit_in_another_currency() -> None:
    variants = [term for term in terms().values() if term.variant_of]
    assert sorted(term.id for term in variants) == [
        f"{base}_intensity_revenue_{currency}" for base in ("energy", "ghg", "water")
        for currency in ("hkd", "usd")]
    for term in variants:
        base = terms()[term.variant_of]
        assert (term.numerator, term.hkex, term.labels) == (base.numerator, base.hkex, ())
        currency = term.id.rsplit("_", 1)[1].upper()
        assert term.unit.endswith(f"(10^6 {currency})"), term.unit


def test_a_unit_column_does_not_take_the_labels_last_word(run, write) -> None:
    rows = _rows(run, write, "Indicator Unit 2022 2023\n"
                             "Total number of employees  persons 120 130\n"
                             "Scope 3  tCO2e 9 10\n")
    assert [(r["label"], r["unit"], r["metric"]) for r in rows] == [
        ("Total number of employees", "persons", "employees"),
        ("Total number of employees", "persons", "employees"),
        ("Scope 3", "tCO2e", "ghg_scope3"), ("Scope 3", "tCO2e", "ghg_scope3")]


def test_a_proposal_never_takes_a_name_that_exists(run, write, tmp_path: Path) -> None:
    report = write("acme.txt", "Indicator 2022 2023\nRevenue (HKD) 100 120\n")
    draft = tmp_path / "acme.yaml"
    assert run("extract", str(report), "-c", "acme", "--name", "Acme", "-o",
               str(draft)).code == 0
    text = draft.read_text(encoding="utf-8")
    assert "  revenue_2: {name: \"Revenue (line 2)\", category: economic, unit: \"HKD\"}" in text
    # the built-in 'revenue' stays one metric: --per revenue works beside the draft
    result = run("compare", "energy", "--per", "revenue", "--catalog", str(draft), "-f", "csv")
    assert result.code == 0, result


# ---- an unseen report, end to end --------------------------------------------------------

UNSEEN = """\
Northwind Logistics Holdings Limited
Environmental, Social and Governance Report 2020

Environmental KPIs
KPI Unit 2019 2020
A1.2 Scope 1 GHG emissions (Note 1) tCO2e 1,250.5 1,180.2
Scope 2 GHG emissions (location-based) tCO2e 8,420.0 8,011.7
Total GHG emissions (Scope 1 and 2) tCO2e 9,670.5 9,191.9
Scope 3 GHG emissions from business air travel tCO2e 310.4 95.0
GHG emissions intensity per employee tCO2e/employee 4.8 4.5
Purchased electricity consumption MWh 12,106 11,530
Electricity intensity kWh/m² 95.3 90.1
Headquarters electricity consumption MWh 1,020 990
Total water consumption m³ 45,210 44,020
Water intensity per employee m³/employee 22.5 21.6
Hazardous waste tonnes 12.4 10.1
"""


def test_a_draft_of_an_unseen_report_joins_the_comparisons_with_its_figures(
        run, tmp_path: Path) -> None:
    report = tmp_path / "northwind-2020.txt"
    report.write_text(UNSEEN, encoding="utf-8")
    draft = tmp_path / "northwind.yaml"
    assert run("extract", str(report), "-c", "northwind", "--name", "Northwind Logistics",
               "-o", str(draft)).code == 0
    got = {}
    for metric in ("ghg", "electricity", "water"):
        result = run("compare", metric, "--catalog", str(draft), "-y", "2020", "-f", "csv")
        assert result.code == 0, (metric, result)
        rows = {r["company"]: r for r in csv.DictReader(io.StringIO(result.out))}
        got[metric] = (rows["northwind"]["value"], rows["northwind"]["line"])
    assert got == {"ghg": ("9191.9", "8"), "electricity": ("11530", "11"),
                   "water": ("44020", "14")}
    text = draft.read_text(encoding="utf-8")
    # what cannot be placed is listed for review, with the reason
    assert ("  # review: proposed from line 9: names scope 3 but only a part of it "
            "('business air travel'); category and unit are read from the row") in text
    assert ("  # review: proposed from line 13: a part or another quantity (the label names a "
            "source, a site, a group, a kind or a flow); category and unit are read from the "
            "row") in text
    assert "      - metric: ghg_intensity_employee\n" in text
    assert "      - metric: water_intensity_employee\n" in text
    assert "      - metric: waste_hazardous\n" in text


def test_two_drafts_that_define_the_same_vocabulary_metric_load_together(
        run, tmp_path: Path, on_tiny) -> None:
    drafts = [*on_tiny]  # a catalog without ghg_scope3: each draft defines it
    for company, figures in (("acme", "30 31"), ("beta", "40 42")):
        report = tmp_path / f"{company}.txt"
        report.write_text(f"Indicator Unit 2022 2023\nScope 3 emissions tCO2e {figures}\n"
                          "Hazardous waste tonnes 1 2\n", encoding="utf-8")
        draft = tmp_path / f"{company}.yaml"
        assert run("extract", str(report), "-c", company, "--name", company.title(), "-o",
                   str(draft), *on_tiny).code == 0
        assert "  ghg_scope3: {name: " in draft.read_text(encoding="utf-8")
        drafts += ["--catalog", str(draft)]
    result = run("compare", "ghg_scope3", *drafts, "-y", "2023", "-f", "csv")
    assert result.code == 0, result
    assert [(r["company"], r["value"]) for r in csv.DictReader(io.StringIO(result.out))
            if r["company"] in ("acme", "beta")] == [("beta", "42"), ("acme", "31")]
    # a comparison of the catalog they were drafted against is not broken by them
    result = run("compare", "ghg", *drafts, "-y", "2020", "-f", "csv")
    assert [(r["company"], r["value"]) for r in csv.DictReader(io.StringIO(result.out))
            ] == [("tiny-group", "70000"), ("tiny-sub", "32000"), ("acme", ""), ("beta", "")]


def test_a_metric_defined_again_differently_is_still_an_error(write) -> None:
    first = write("a.yaml", "schema: 1\nmetrics:\n  m: {name: M, category: social, unit: t}\n")
    again = write("b.yaml", "schema: 1\nmetrics:\n  m: {name: M, category: social, unit: t}\n")
    assert list(load_files([first, again]).metrics) == ["m"]
    other = write("c.yaml", "schema: 1\nmetrics:\n  m: {name: M, category: social, unit: kg}\n")
    with pytest.raises(CatalogError, match=rf"{other}:3: metric 'm' is defined twice "
                                           rf"\(first at {first}:3\)"):
        load_files([first, other])


def test_a_ghg_total_that_names_no_scope_is_scope_1_and_2_only_when_it_is_their_sum(
        run, write) -> None:
    rows = _rows(run, write, "Indicator Unit 2021 2022\n"
                             "Scope 1 emissions tCO2e 148,294 120,919\n"
                             "Scope 2 emissions tCO2e 49,661 77,859\n"
                             "Total GHG emissions tCO2e 197,955 198,778\n"
                             "Total carbon emissions tCO2e 197,955 201,393\n")
    assert [(r["line"], r["year"], r["metric"], r["match"], r["notes"]) for r in rows[4:]] == [
        ("4", "2021", "ghg", "sum of scope 1 and scope 2", ""),
        ("4", "2022", "ghg", "sum of scope 1 and scope 2", ""),
        # 2022 is Scope 1 + 2 + 2,615 more: it names no scope, and is not their sum
        ("5", "2021", "total_carbon_emissions", "proposed",
         "GHG emissions that do not say which scopes they total"),
        ("5", "2022", "total_carbon_emissions", "proposed",
         "GHG emissions that do not say which scopes they total")]


def test_a_ghg_total_that_names_no_scope_is_scope_1_2_and_3_when_it_is_their_sum(
        run, write) -> None:
    # 2023 as a real HKEX KPI page prints it (esg.hkubs.ai/reports/2024041801508); 2022 laid
    # by hand
    rows = _rows(run, write, "Indicator Unit 2022 2023\n"
                             "GHG emissions (scope 1) tCO2e 13,990.1 14,073.8\n"
                             "GHG emissions (scope 2) tCO2e 25,710 26,080\n"
                             "GHG emissions (scope 3) tCO2e 31 27\n"
                             "Total GHG emissions tCO2e 39,731.1 40,180.8\n"
                             "Total carbon emissions tCO2e 39,731.1 40,207.8\n")
    assert [(r["line"], r["year"], r["metric"], r["match"]) for r in rows[6:]] == [
        ("5", "2022", "ghg_scope1_2_3", "sum of scopes 1, 2 and 3"),
        ("5", "2023", "ghg_scope1_2_3", "sum of scopes 1, 2 and 3"),
        # 2023 is 27 more than the three scopes: left for review
        ("6", "2022", "total_carbon_emissions", "proposed"),
        ("6", "2023", "total_carbon_emissions", "proposed")]


def test_a_method_row_under_a_heading_of_scopes_1_and_2_is_their_total(run, write) -> None:
    # "Market based" alone is Scope 2; under a heading of Scope 1 and 2 it is their total
    rows = _rows(run, write, "GHG emissions Unit 2022 2023\n範疇一及範疇二\n"
                             "Market based tCO2e 9 10\n")
    assert [(r["metric"], r["match"]) for r in rows] == [
        ("ghg", "scope words 1+2 of the section '範疇一及範疇二'")] * 2
    rows = _rows(run, write, "GHG emissions Unit 2022 2023\nMarket based tCO2e 9 10\n")
    assert [(r["metric"], r["match"]) for r in rows] == [
        ("ghg_scope2", "scope 2 method words")] * 2


def test_an_intensity_unit_without_its_denominator_takes_the_labels(run, write) -> None:
    rows = _rows(run, write, "Indicator 2023\n"
                             "GHG emissions intensity per million RMB revenue (tonnes) 2\n"
                             "GHG emissions intensity per employee (tonnes) 3\n"
                             "GHG emissions intensity per million HKD revenue (tonnes) 4\n")
    assert [(r["metric"], r["match"], r["normalized_value"]) for r in rows] == [
        ("ghg_intensity_revenue", "label alias, unit per the label", "2"),
        ("ghg_intensity_employee", "label alias, unit per the label", "3"),
        # another currency: never converted to the metric's CNY
        ("ghg_emissions_intensity_per_million_hkd_revenue", "proposed", "4")]


def test_a_label_per_employee_with_a_unit_per_revenue_gets_no_metric(run, write) -> None:
    rows = _rows(run, write, "Indicator 2023\n"
                             "GHG emissions per employee (tCO2e/million revenue) 2\n")
    # the bracket is no unit esgcmp reads, so it stays in the label, which is proposed
    assert [(r["metric"], r["match"], r["unit"]) for r in rows] == [
        ("ghg_emissions_per_employee_tco2e_million_revenue", "proposed", "")]


def test_rows_under_a_scopes_heading_take_its_scope(run, write) -> None:
    rows = _rows(run, write, "GHG emissions Unit 2022 2023\nScope 1\nTotal tCO2e 5 6\n"
                             "Stationary combustion tCO2e 3 4\nScope 2\n"
                             "Location based tCO2e 7 8\nMarket based tCO2e 9 10\n")
    assert [(r["line"], r["metric"], r["match"], r["notes"]) for r in rows[::2]] == [
        ("3", "ghg_scope1", "scope words 1 of the section 'Scope 1'", ""),
        ("4", "stationary_combustion", "proposed",
         "names scope 1 but only a part of it ('stationary')"),
        ("6", "ghg_scope2", "scope words 2 of the section 'Scope 2'", ""),
        # a second Scope 2 of the same years: its own metric, for review
        ("7", "market_based", "proposed",
         "'ghg_scope2' 2022 is 7 tCO2e on line 6; this row prints 9 tCO2e")]


# ---- any label -------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LABEL_PIECES = st.sampled_from([
    "Scope", "scope 1", "Scope II", "範疇一", "范围三", "and", "&", "+", ",", "-", "—", "(", ")",
    "market-based", "location", "equity share", "per", "employee", "revenue", "m²", "total",
    "GHG", "emissions", "electricity", "電力", "water", "Note 1", "¹", "*", "category 16",
    "category 3", "headquarters", "intensity", "decrease", "1", "2", "3", "9", "to", " "])


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(LABEL_PIECES, max_size=8).map(" ".join) | st.text(max_size=40))
def test_any_label_is_placed_or_refused_with_a_reason(label: str) -> None:
    placed = place(label)
    if placed.metric:
        assert placed.metric in terms() and placed.match and placed.why == ""
    else:
        assert placed.why
    for aspect, _text in placed.basis:
        assert aspect in ("scope2_method", "boundary")
    # the scopes a label names give the metric that totals exactly them, or none
    named = scopes(key(label))
    if placed.match.startswith("scope words") and placed.metric in (
            "ghg_scope1", "ghg_scope2", "ghg_scope3", "ghg", "ghg_scope1_2_3"):
        assert {"ghg_scope1": {1}, "ghg_scope2": {2}, "ghg_scope3": {3}, "ghg": {1, 2},
                "ghg_scope1_2_3": {1, 2, 3}}[placed.metric] == set(named)


# A report laid out as pdftotext gives an HKEX issuer's table: CO2e with its subscript set
# apart, energy in thousands printed before the unit, water in m³, a section's name before
# the label, market-based Scope 2 under its own words, one Scope 3 source after a dash.
UNSEEN_UNITS = """Environmental KPIs Unit 2022 2023
Emissions - Nitrogen oxides (NOx) kg 120 110
Scope 1: Direct emissions - Combustion of fossil fuels tonne of CO2-e 410.5 388.2
Scope 2: Energy indirect emissions - Purchased electricity tonne of CO2-e 2210 2105.4
Total GHG emissions (Scope 1 and 2) tCO 2 e 2620.5 2493.6
Scope 3 GHG Emission - Paper Consumption tCO 2 e 12.5 11.9
Market based tCO 2 e 1990 1902
Purchased electricity consumed '000 kWh 3650 3480
Total water consumption m³ 25010 24870
"""


def test_a_report_in_units_as_printed_joins_the_comparisons_at_once(run, tmp_path) -> None:
    report = tmp_path / "harbour-2023.txt"
    report.write_text(UNSEEN_UNITS, encoding="utf-8")
    draft = tmp_path / "harbour.yaml"
    assert run("extract", str(report), "-c", "harbour", "--name", "Harbour Holdings",
               "-o", str(draft)).code == 0
    got = {}
    for metric in ("ghg", "ghg_scope1", "electricity", "water"):
        result = run("compare", metric, "--catalog", str(draft), "-y", "2023", "-f", "csv")
        assert result.code == 0, (metric, result)
        rows = {r["company"]: r for r in csv.DictReader(io.StringIO(result.out))}
        got[metric] = (rows["harbour"]["value"], rows["harbour"]["line"])
    assert got == {"ghg": ("2493.6", "5"), "ghg_scope1": ("388.2", "3"),
                   "electricity": ("3480", "8"), "water": ("24870", "9")}
    rows = list(csv.DictReader(io.StringIO(
        run("extract", str(report), "-c", "harbour", "-f", "csv").out)))
    placed = {(r["line"], r["metric"], r["match"]) for r in rows}
    assert placed == {
        ("2", "nox", "label alias after the section's name"),
        ("3", "ghg_scope1", "scope words 1"), ("4", "ghg_scope2", "scope words 2"),
        ("5", "ghg", "scope words 1+2"),
        ("6", "scope_3_ghg_emission_paper_consumption", "proposed"),
        # a second Scope 2 of the same years (the market-based one): for review
        ("7", "market_based", "proposed"),
        ("8", "electricity", "label alias"), ("9", "water", "catalog label")}


@pytest.mark.parametrize("label, unit, placed", [
    # the HKEX KPI a row answers, printed before its label
    ("A1 NOx emissions", "tonne", Placement("nox", "label alias, after its HKEX code")),
    ("A1 GHG emissions under Scope 1", "tCO2e",
     Placement("ghg_scope1", "scope words 1, after its HKEX code")),
    ("A1 Hazardous waste handled and/or disposed", "kg/unit",
     Placement("", "", "a ratio or an intensity, on a denominator the label does not name "
                       "as the metric's")),
    # the words say sulphur oxides, the formula sulphur dioxide
    ("Sulfur oxide (SO2) emissions", "kg",
     Placement("", "label without filler words",
               "names sulphur oxides and sulphur dioxide: the label does not settle which")),
    ("Sulfur oxides (SOx) emissions", "kg", Placement("sox", "label alias")),
    ("Staff commuting GHG emissions", "tonnes", Placement("ghg_scope3_cat7", "label alias")),
    ("Staff commuting", "tonnes",
     Placement("", "", "no metric of the vocabulary has this label")),
])
def test_codes_formulas_and_commuting(label: str, unit: str, placed: Placement) -> None:
    assert place(label, unit) == placed


def test_a_ghg_intensity_without_scopes_is_left_for_review_beside_a_scope_3_figure(
        run, write) -> None:
    # without Scope 3 in the report, its GHG is Scope 1 + 2; with it, the same words may
    # divide Scope 1 + 2 + 3
    head = "Indicator 2023\nScope 1 emissions (tCO2e) 5\nScope 2 emissions (tCO2e) 7\n"
    row = "GHG emission intensity (tCO2e/employee) 0.5\n"
    rows = _rows(run, write, head + row)
    assert (rows[-1]["metric"], rows[-1]["match"]) == (
        "ghg_intensity_employee", "label alias, per employee from the unit")
    rows = _rows(run, write, head + "Scope 3 emissions (tCO2e) 9\n" + row)
    assert [(r["metric"], r["match"]) for r in rows] == [
        ("ghg_scope1", "scope words 1"), ("ghg_scope2", "scope words 2"),
        ("ghg_scope3", "scope words 3"), ("ghg_emission_intensity", "proposed")]


@pytest.mark.parametrize("label, unit, placed", [
    # a GRI disclosure cited in brackets is no scope number
    ("Electricity purchased (Scope 2)(305-2)", "Tonnes CO2e",
     Placement("ghg_scope2", "scope words 2")),
    ("Electricity purchased (Scope 2) (G4-EN16)", "Tonnes CO2",
     Placement("ghg_scope2", "scope words 2")),
    # a footnote number glued to the last word or after it
    ("Electricity1", "GJ", Placement("electricity", "label alias")),
    ("Electricity purchased 2", "GJ", Placement("electricity", "label alias")),
    # a number that counts what its word names stays
    ("Scope1", "tCO2e", Placement("ghg_scope1", "scope words 1")),
    ("Scope 1 and 2", "tCO2e", Placement("ghg", "scope words 1+2")),
    ("Scope 3 category 1", "tCO2e",
     Placement("ghg_scope3_cat1", "scope words 3, category 1")),
    # the electricity or fuel of others is one source of Scope 3, not its total
    ("Electricity purchased (Scope 3)", "Tonnes CO2e",
     Placement("", "scope words 3", "names scope 3 of a source of scope 1 or 2 "
                                    "('electricity'): a part, not the total")),
    # Simplified Chinese matches a Traditional label of the vocabulary
    ("每员工用电量", "度/员工", Placement("electricity_intensity_employee", "label alias")),
])
def test_reference_codes_footnote_numbers_and_sources_of_scope_3(label: str, unit: str,
                                                                   placed: Placement) -> None:
    assert place(label, unit) == placed


def test_the_key_drops_footnote_numbers_but_not_counted_ones() -> None:
    assert [key(text) for text in ("Biogas2", "Biogas 4", "Number of sites 2", "Plant 3",
                                   "ghg_scope1", "Total energy use (302-1)")] == [
        "biogas", "biogas", "number of sites 2", "plant 3", "ghg scope 1", "total energy use"]


@pytest.mark.parametrize(("label", "metric"), [
    ("Scope 3 - Fuel and energy related activities", "ghg_scope3_cat3"),
    ("Scope 3 – Fuel- and energy-related activities", "ghg_scope3_cat3"),
    ("Scope 3: Purchased goods and services", "ghg_scope3_cat1"),
    ("Scope 3 - Business travel", "ghg_scope3_cat6"),
    ("Scope 3 - Investments", "ghg_scope3_cat15"),
])
def test_a_scope_3_category_named_after_its_scope_is_that_category(label, metric) -> None:
    """The GHG Protocol's name of a category after "Scope 3" is the category, never the
    Scope 3 total ("and" there names one category, not a list of sources)."""
    from esgcmp.vocabulary import place

    placed = place(label, "tCO2e")
    assert (placed.metric, placed.match) == (metric, "label alias")
