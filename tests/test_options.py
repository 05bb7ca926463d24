"""One command line: trend takes -c like compare, lists missing companies, and a base year
gives the change since it and the CAGR; -V; counts agree in number."""

from __future__ import annotations

import csv
import io


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_trend_takes_companies_with_c_and_names_one_company_once(run, on_groups) -> None:
    result = run("trend", "ghg", "-c", "north", "-c", "北方移動", *on_groups, "-f", "csv")
    assert result.code == 0, result
    assert [(r["company"], r["year"], r["value"]) for r in _rows(result.out)] == [
        ("north-mobile", "2018", "13130000"), ("north-mobile", "2019", "13200000"),
        ("north-mobile", "2020", "14230000")]


def test_the_older_trend_form_still_works(run) -> None:
    assert run("trend", "china-unicom", "ghg", "-f", "csv").out == \
        run("trend", "ghg", "-c", "china-unicom", "-f", "csv").out


def test_trend_lists_companies_that_do_not_report_the_metric(run, on_groups) -> None:
    result = run("trend", "drop_rate", *on_groups, "-f", "csv")
    assert result.code == 0
    rows = _rows(result.out)
    assert [(r["company"], r["year"], r["kind"], r["notes"]) for r in rows] == [
        ("south-telecom", "2019", "reported", ""), ("south-telecom", "2020", "reported", ""),
        ("north-mobile", "", "missing", "not reported"),
        ("south-services", "", "missing", "not reported")]
    plain = run("trend", "drop_rate", *on_groups, "-f", "plain").out
    assert "Not in the trend: north-mobile (not reported); south-services (not reported)." \
        in plain


def test_a_company_missing_in_the_years_asked_for_says_which_it_has(run, on_groups) -> None:
    rows = _rows(run("trend", "ghg", "--to", "2018", *on_groups, "-f", "csv").out)
    missing = {r["company"]: (r["notes"], r["metric"], r["unit"]) for r in rows
               if r["kind"] == "missing"}
    assert missing == {"south-services": (
        "not reported for those years (reported: 2019, 2020)", "ghg", "tCO2e")}


def test_trend_from_to_gives_the_change_since_the_base_year_and_the_cagr(run, on_groups) -> None:
    result = run("trend", "ghg", "-c", "north", "-c", "south", "--from", "2018", "--to", "2020",
                 *on_groups, "-f", "csv")
    assert result.code == 0, result
    got = [(r["company"], r["year"], r["base_year"], r["base_change"], r["base_change_pct"],
            r["cagr_pct"], r["base_note"]) for r in _rows(result.out)]
    assert got == [
        ("north-mobile", "2018", "2018", "", "", "", "the base year"),
        # 13.13 to 13.2 百萬噸 is 0.53 %, and 0.11 % to 0.95 % as printed: one decimal
        ("north-mobile", "2019", "2018", "70000", "0.5", "0.5", ""),
        # (14,230,000 / 13,130,000) ** (1/2) - 1 = 4.104 %
        ("north-mobile", "2020", "2018", "1100000", "8.4", "4.1", ""),
        ("south-telecom", "2018", "2018", "", "", "", "the base year"),
        # this fixture prints 690, not 690.0: 766.5 - 690 to the place of 1 (*10,000 t),
        # half up as a spreadsheet's ROUND: 76.5 is 77
        ("south-telecom", "2019", "2018", "770000", "11.1", "11.1", ""),
        # (8,866,000 / 6,900,000) ** (1/2) - 1 = 13.354 %
        # 886.6 - 690 *10,000 t to the place of 1: 197 (196.6 +- 0.55)
        ("south-telecom", "2020", "2018", "1970000", "28.5", "13.35", ""),
    ]


def test_trend_from_limits_the_years(run) -> None:
    rows = _rows(run("trend", "ghg", "-c", "unicom", "--from", "2019", "-f", "csv").out)
    assert [r["year"] for r in rows] == ["2019", "2020"]


def test_compare_change_from_a_base_year_for_every_company(run, on_groups) -> None:
    result = run("compare", "ghg", "--change", "--from", "2018", *on_groups, "-f", "csv")
    assert result.code == 0, result
    got = {r["company"]: (r["base_change"], r["base_change_pct"], r["cagr_pct"], r["base_note"])
           for r in _rows(result.out)}
    # 14.23 / 13.13 million t over two years: (14.23 / 13.13) ** 0.5 = 1.0410
    assert got == {"north-mobile": ("1100000", "8.4", "4.1", ""),
                   "south-telecom": ("1970000", "28.5", "13.35", ""),
                   "south-services": ("", "", "", "no value for 2018")}
    plain = run("compare", "ghg", "--change", "--from", "2018", *on_groups, "-f", "plain").out
    assert "south-services 2020: since 2018, no value for 2018." in plain


def test_a_change_since_a_base_year_across_a_basis_change_is_not_comparable(run) -> None:
    rows = _rows(run("trend", "patent_applications", "-c", "ccs", "--from", "2020", "-f",
                     "csv").out)
    later = [r for r in rows if r["year"] != "2020" and r["base_change"] != ""]
    assert later and all(r["cagr_pct"] == "" and r["flags"].count("change_not_comparable") == 1
                         and r["base_note"].startswith("not meaningful") for r in later)


def test_no_company_in_the_years_asked_for_is_exit_3(run) -> None:
    result = run("trend", "ghg", "--from", "2030")
    assert (result.code, result.out) == (3, "")
    assert result.err == ("esgcmp: error: no company reports 'ghg' (Greenhouse gas emissions "
                          "(Scope 1 + 2)) from 2030 on\n")
    for span, said in ((("--from", "2030", "--to", "2031"), "from 2030 to 2031"),
                       (("--to", "1990"), "up to 1990")):
        result = run("trend", "ghg", *span)
        assert (result.code, result.out, result.err) == (
            3, "", "esgcmp: error: no company reports 'ghg' (Greenhouse gas emissions (Scope 1 + "
                   f"2)) {said}\n")
    result = run("trend", "ghg", "-c", "unicom", "-c", "comservice", "--to", "2018")
    assert (result.code, result.err) == (0, "")  # one company is enough
    named = run("trend", "ghg", "-c", "comservice", "--to", "2018")
    assert (named.code, named.out, named.err) == (
        3, "", "esgcmp: error: no company of those named reports 'ghg' (Greenhouse gas "
               "emissions (Scope 1 + 2)) up to 2018\n")


def test_short_version_option(run) -> None:
    assert run("-V").out == run("--version").out != ""


def test_counts_agree_in_number(run, write) -> None:
    result = run("check", "--format", "plain")
    assert result.out.splitlines()[-1].endswith("in 1 catalog file.")


def test_years_are_integers_in_json(run) -> None:
    import json

    companies = json.loads(run("companies", "-f", "json").out)
    assert companies[0]["years"] == [2018, 2019, 2020]
    assert run("companies", "-f", "csv").out.splitlines()[1].split(",")[-4] == "2018;2019;2020"


def test_no_absolute_path_in_output(run, write) -> None:
    import json

    metrics = json.loads(run("metrics", "-f", "json").out)
    assert metrics[0]["defined_at"] == "builtin:kpi_catalog.yaml:14"
    commands = [("metrics",), ("companies",), ("show", "china-unicom", "2020"),
                ("compare", "ghg", "--per", "revenue"), ("trend", "ghg"), ("check",)]
    for command in commands:
        for fmt in ("csv", "json"):
            out = run(*command, "-f", fmt).out
            assert "/" + "kpi_catalog.yaml" not in out and "site-packages" not in out, command


def _metric_ids(run, *args: str) -> list[str]:
    result = run(*args, "-f", "csv")
    assert result.code == 0, result
    return [r["metric"] for r in _rows(result.out)]


def test_metrics_query_searches_names_in_either_script_labels_and_codes(run, on_codes) -> None:
    assert _metric_ids(run, "metrics", "溫室", *on_codes) == ["ghg", "ghg_scope1", "ghg_scope2"]
    assert _metric_ids(run, "metrics", "温室", *on_codes) == ["ghg", "ghg_scope1", "ghg_scope2"]
    assert _metric_ids(run, "metrics", "汽油消耗量", *on_codes) == ["gasoline"]  # a printed label
    assert _metric_ids(run, "metrics", "scope 2", *on_codes) == ["ghg_scope2"]
    assert _metric_ids(run, "metrics", "A1.2", *on_codes) == [
        "ghg", "ghg_scope1", "ghg_scope2", "ghg_intensity_revenue"]


def test_metrics_query_without_a_match_is_exit_3(run) -> None:
    result = run("metrics", "zzz")
    assert (result.code, result.out) == (3, "")
    assert result.err == ("esgcmp: error: no metric matches 'zzz' (searched ids, names, "
                          "Chinese names, aliases, framework codes and printed labels); see "
                          "'esgcmp metrics'\n")


def test_an_hkex_aspect_and_a_gri_standard_name_the_metrics_under_them(run, on_codes) -> None:
    under_a1 = ["ghg", "ghg_scope1", "ghg_scope2", "ghg_intensity_revenue", "so2"]
    assert _metric_ids(run, "metrics", "A1", *on_codes) == under_a1
    assert _metric_ids(run, "metrics", "GRI 305", *on_codes) == under_a1
    compared = sorted(set(_metric_ids(run, "compare", "A1", *on_codes)))
    assert compared == sorted(under_a1)
    assert sorted(set(_metric_ids(run, "compare", "gri 305", *on_codes))) == sorted(under_a1)
    assert sorted(set(_metric_ids(run, "compare", "A1.2", *on_codes))) == sorted(under_a1[:4])


def test_energy_basis_options_with_no_derived_total_are_refused(run) -> None:
    result = run("compare", "ghg", "--basis", "generation", "--kgce-per-kwh", "0.3")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("esgcmp: error: --basis and --kgce-per-kwh change derived energy "
                          "totals only; ghg is not one; leave out --basis and --kgce-per-kwh\n")
    result = run("trend", "water", "--partial")
    assert (result.code, result.err) == (2, "esgcmp: error: --partial changes derived energy "
                                            "totals only; water is not one; leave out "
                                            "--partial\n")
    assert run("compare", "ghg", "--per", "energy", "--partial", "-f", "csv").code == 0
    assert run("compare", "A2.1", "--partial", "-f", "csv").code == 0


def test_metrics_by_framework_lists_coded_metrics_in_code_order(run, on_codes) -> None:
    rows = _rows(run("metrics", "--framework", "hkex", *on_codes, "-f", "csv").out)
    # so2 (A1.1) is defined after the A1.2 metrics; revenue has no HKEX code
    assert [(r["metric"], r["hkex"]) for r in rows] == [
        ("so2", "A1.1"), ("ghg", "A1.2"), ("ghg_scope1", "A1.2"), ("ghg_scope2", "A1.2"),
        ("ghg_intensity_revenue", "A1.2"), ("gasoline", "A2.1"), ("staff", "B1.1")]
    gri = _rows(run("metrics", "温室", "--framework", "gri", *on_codes, "-f", "csv").out)
    assert [(r["metric"], r["gri"]) for r in gri] == [
        ("ghg", "305-1;305-2"), ("ghg_scope1", "305-1"), ("ghg_scope2", "305-2")]


def test_trend_per_gives_the_intensity_over_the_years(run, on_intensities) -> None:
    result = run("trend", "ghg", "--per", "revenue", "-c", "north", *on_intensities, "-f", "csv")
    assert result.code == 0, result
    rows = _rows(result.out)
    # 13.13 million t / 2,908.8 x 10^8 CNY = 45.1389 t per RMB million: 13.13's 4 digits
    assert [(r["year"], r["intensity"], r["reported_intensity"], r["change_pct"])
            for r in rows] == [("2018", "45.14", "45.13", ""),
                               ("2019", "45.4", "45.4", "0.7"),  # 13.2: 3 digits
                               ("2020", "46.83", "46.6", "3.1")]
    assert run("trend", "ghg", "--per", "revenue", "--chart", *on_intensities).code == 2


def test_trend_per_says_each_thing_once_under_the_table(run, on_intensities) -> None:
    """The notes of an intensity over the years are those of its rows taken together: one
    line per side whose bases differ, each company's years named, one list of reports."""
    result = run("trend", "ghg", "--per", "revenue", *on_intensities, "-f", "plain")
    assert result.code == 0, result
    notes = result.out.split("\n\n", 1)[1].splitlines()
    assert notes[0] == ("ghg / revenue in tCO2e/(10^6 CNY), each year a company has both; the "
                        "change is the intensity's.")
    bases = [n for n in notes if n.startswith("Bases ")]
    assert bases[0] == (
        "Bases of ghg differ (flag basis_differs), compare with care: boundary 'the whole "
        "entity' (north-mobile, south-telecom) vs 'Group and certain large-scale subsidiaries' "
        "(south-services); scopes '1+2' (north-mobile) vs 'not stated' (south-services, "
        "south-telecom); definition 'not stated' (north-mobile, south-telecom) vs 'emissions "
        "from energy consumption' (south-services).")
    # south-services' implied revenue takes its basis from the GHG it is implied from
    assert len(bases) == 2 and bases[1].startswith(
        "Bases of revenue differ (flag basis_differs), compare with care: boundary 'the whole "
        "entity' (north-mobile, south-telecom) vs 'Group and certain large-scale subsidiaries' "
        "(south-services); definition 'operating revenue' (north-mobile) vs ")
    assert bases[1].endswith(" vs 'main business income' (south-telecom).")
    assert [n for n in notes if ", recomputed " in n] == [
        "north-mobile 2018: reported 45.13 tCO2e/(10^6 CNY), recomputed 45.14 (+0.02 %).",
        "north-mobile 2019: reported 45.4 tCO2e/(10^6 CNY), recomputed 45.4 (+0.08 %).",
        "north-mobile 2020: reported 46.6 tCO2e/(10^6 CNY), recomputed 46.83 (+0.5 %)."]
    assert [n[:n.index(" is ")] for n in notes if "is implied" in n] == [
        "south-services revenue 2019", "south-services revenue 2020"]
    assert [n for n in notes if n.startswith("Note:")] == [
        "Note: south-services is part of south-telecom; its figures are included in "
        "south-telecom's. Do not add them up."]
    # a finding once, naming each value shown that it flags
    assert [n.split(" inconsistent (")[0] for n in notes if " inconsistent (" in n] == [
        "north-mobile ghg and revenue 2020 are"]
    # an implied factor that nothing tells apart suspects neither of its figures
    assert [n.split(" (")[0] for n in notes if " involved, " in n] == [
        "south-telecom ghg 2020 is involved, not suspected"]
    assert notes[-1] == (
        "Reports: North 2020 = north.txt (North Mobile CSR 2020); Services 2020 = services.txt "
        "(South Services ESG 2020); South 2020 = south.txt (South Telecom CSR 2020).")
    assert sum(n.startswith("Reports:") for n in notes) == 1


def test_trend_per_lists_companies_without_both(run, on_intensities) -> None:
    rows = _rows(run("trend", "ghg", "--per", "water", *on_intensities, "-f", "csv").out)
    assert [(r["company"], r["year"], r["kind"], r["intensity"]) for r in rows] == [
        ("north-mobile", "2020", "reported", "4.59"),
        ("south-services", "2020", "reported", "0.3696"),
        ("south-telecom", "", "missing", "")]


SERIES = """
schema: 1
metrics:
  widgets: {name: Widgets shipped, category: economic, unit: count}
  mass: {name: Mass of widgets, category: environmental, unit: t}
companies:
  acme:
    name: Acme
    sources:
      r: {file: r.txt}
    kpis:
      - metric: widgets
        label: Widgets
        unit: count
        values: {2018: 100, 2019: {value: 150, flags: [not_comparable]}, 2020: 200, 2021: 0}
        source: r
        line: 1
      - metric: mass
        label: Mass
        unit: t
        values: {2018: 1, 2020: 4}
        source: r
        line: 2
"""


def test_a_not_comparable_year_between_base_and_value_makes_the_change_not_meaningful(
        run, write) -> None:
    path = write("series.yaml", SERIES)
    rows = _rows(run("trend", "widgets", "--from", "2018", "--to", "2020", "--no-builtin",
                     "--catalog", str(path), "-f", "csv").out)
    last = rows[-1]
    assert (last["year"], last["base_change"], last["cagr_pct"]) == ("2020", "100", "")
    assert last["base_note"] == "not meaningful: not_comparable"
    assert last["flags"] == "change_not_comparable"


def test_cagr_needs_two_values_above_zero_and_counts_the_years_between(run, write) -> None:
    path = write("series.yaml", SERIES)
    rows = _rows(run("trend", "mass", "--from", "2018", "--no-builtin", "--catalog", str(path),
                     "--unit", "kg", "-f", "csv").out)
    # 1 t to 4 t over two years: (4 / 1) ** (1 / 2) - 1 = 100 %; the change in --unit
    assert [(r["year"], r["base_change"], r["cagr_pct"]) for r in rows] == [
        ("2018", "", ""), ("2020", "3000", "100")]
    zero = _rows(run("trend", "widgets", "--from", "2020", "--no-builtin", "--catalog",
                     str(path), "-f", "csv").out)[-1]
    assert (zero["year"], zero["base_change"], zero["base_change_pct"], zero["cagr_pct"]) == (
        "2021", "-200", "-100", "")


def test_cagr_pct_of_changes() -> None:
    from decimal import Decimal as D

    from esgcmp.model import Change, Kind, Value

    def value(year: int, number: str) -> Value:
        return Value("a", "m", year, D(number), "t", Kind.reported)

    def cagr(first: str, last: str, years: int = 1) -> D | None:
        then, now = value(2018, first), value(2018 + years, last)
        return Change(now, then, now.value - then.value, None).cagr_pct

    assert cagr("1", "2") == D("100.00")
    assert cagr("0.5", "2", 2) == D("100.00")
    assert cagr("2", "0.5") == D("-75.00")
    assert cagr("0", "2") is None and cagr("2", "0") is None and cagr("-1", "2") is None
    assert Change(value(2020, "5"), None, None, None).cagr_pct is None


LATEST_YEARS = """
schema: 1
metrics:
  energy: {name: Total energy consumption, category: environmental, unit: tce}
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  revenue: {name: Revenue, category: economic, unit: CNY}
  energy_intensity_revenue: {name: "Energy per RMB 10,000 revenue", category: environmental, unit: kgce/(10^4 CNY), ratio_of: [energy, revenue]}
companies:
  big:
    name: Big
    sources:
      b: {file: big.txt}
    kpis:
      - {metric: ghg, label: GHG, unit: tCO2e, values: {2021: 70000}, source: b, line: 1}
      - {metric: revenue, label: Revenue, unit: 億元, values: {2021: 12}, source: b, line: 2}
  small:
    name: Small
    sources:
      s: {file: small.txt}
    kpis:
      - {metric: energy, label: Energy, unit: tce, values: {2020: 15000}, source: s, line: 1}
      - {metric: energy_intensity_revenue, label: Energy per revenue, unit: 千克標準煤╱萬元, values: {2020: 50}, source: s, line: 2}
      - {metric: ghg, label: GHG, unit: tCO2e, values: {2020: 32000}, source: s, line: 3}
"""


def test_an_implied_denominator_is_named_with_its_own_year(run, write) -> None:
    """With no common year each company shows its latest: the note on an implied revenue
    names the year it is implied for, not the latest year of the table."""
    path = write("latest.yaml", LATEST_YEARS)
    result = run("compare", "ghg", "--per", "revenue", "-f", "plain", "--no-builtin",
                 "--catalog", str(path))
    assert result.code == 0, result
    assert [line for line in result.out.splitlines() if "is implied" in line] == [
        "small revenue 2020 is implied: energy 15000 tce / energy_intensity_revenue 50 "
        "kgce/(10^4 CNY) [small.txt:1, small.txt:2]; never reported."]


def test_values_a_finding_flags_are_named_in_one_sentence() -> None:
    from decimal import Decimal

    from esgcmp.model import Kind, Value
    from esgcmp.wording import named

    def value(company: str, metric: str, year: int) -> Value:
        return Value(company, metric, year, Decimal(1), "t", Kind.reported)

    assert named([value("co", "ghg", 2020)]) == "co ghg 2020"
    assert named([value("co", "ghg", 2020), value("co", "revenue", 2020),
                   value("co", "water", 2020)]) == "co ghg, revenue and water 2020"
    assert named([value("co", "so2", 2019), value("co", "so2", 2020)]) == "co so2 2019 and 2020"
    assert named([value("co", "ghg", 2019), value("co", "revenue", 2020)]) == \
        "co ghg 2019 and revenue 2020"
    assert named([value("sub", "ghg", 2020), value("group", "ghg", 2020)]) == \
        "sub ghg 2020 and group ghg 2020"


INTENSITY_YEARS = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  revenue: {name: Revenue, category: economic, unit: CNY}
companies:
  co:
    name: Co
    sources:
      r: {file: r.txt}
    kpis:
      - {metric: ghg, label: GHG, unit: t, values: {2016: 0, 2017: 10, 2018: 12, 2020: 15, 2021: {value: 30, flags: [not_comparable]}}, source: r, line: 1}
      - {metric: revenue, label: Revenue, unit: 億元, values: {2016: 1, 2017: 1, 2018: 1, 2020: 1, 2021: {value: 1, flags: [not_comparable]}}, source: r, line: 2}
  other:
    name: Other
    sources:
      o: {file: o.txt}
    kpis:
      - {metric: ghg, label: GHG, unit: t, values: {2020: 5}, source: o, line: 1}
"""


def test_trend_per_changes_gaps_breaks_and_companies_without_both(run, write) -> None:
    """The change of the intensity: none from 0 in per cent, against the year before a
    gap, not meaningful into a year flagged not_comparable; a company that never has both
    is listed with a reason true of every year."""
    args = ("trend", "ghg", "--per", "revenue", "--no-builtin", "--catalog",
            str(write("years.yaml", INTENSITY_YEARS)))
    result = run(*args, "-f", "csv")
    assert result.code == 0, result
    assert result.out.splitlines()[0] == (
        "company,year,metric,value,unit,reported_value,reported_unit,kind,source,line,flags,"
        "per,per_value,per_unit,intensity,intensity_unit,per_kind,per_source,"
        "reported_intensity,reported_intensity_source,intensity_diff_pct,label,basis,part_of,"
        "derivation,inputs,also,notes,change,change_pct,change_note")
    assert [(r["company"], r["year"], r["kind"], r["intensity"], r["change"], r["change_pct"],
             r["change_note"], r["flags"], r["per_source"]) for r in _rows(result.out)] == [
        ("co", "2016", "reported", "0", "", "", "", "", "r.txt:2"),
        # 10, 12 and 15 t per 1 億元: one digit each, the changes from the full quotients
        ("co", "2017", "reported", "0.1", "0.1", "", "", "", "r.txt:2"),
        ("co", "2018", "reported", "0.1", "0.02", "20", "", "", "r.txt:2"),
        # 12 to 15: +25 %, to the one digit its inputs allow, half up
        ("co", "2020", "reported", "0.2", "0.03", "30", "against 2018", "", "r.txt:2"),
        ("co", "2021", "reported", "0.3", "", "",
         "not meaningful: ghg: not_comparable; revenue: not_comparable",
         "not_comparable;change_not_comparable", "r.txt:2"),
        ("other", "", "missing", "", "", "", "", "", "revenue: not reported")]
    plain = run(*args, "-f", "plain").out.splitlines()
    assert plain[0] == ("Greenhouse gas emissions per revenue (ghg --per revenue) over the years, "
                        "tCO2e/(10^6 CNY)")
    assert [cell.strip() for cell in plain[1].split("  ") if cell.strip()][:9] == [
        "Company", "Year", "Intensity (tCO2e/(10^6 CNY))", "Change", "Change %", "ghg (tCO2e)",
        "revenue (CNY)", "Reported", "Diff %"]
    assert plain[-3:] == [
        "ghg / revenue in tCO2e/(10^6 CNY), each year a company has both; the change is the "
        "intensity's.",
        "co 2021: change not meaningful: ghg: not_comparable; revenue: not_comparable.",
        "Reports: r.txt = r.txt."]
    assert plain[-5].split()[:2] == ["other", "missing:"]
    assert plain[5].split()[:7] == ["co", "2018", "0.1", "0.02", "20", "12", "100,000,000"]
    # one year only
    single = run(*args, "--to", "2016", "-f", "plain")
    assert single.code == 0, single
    assert single.out.splitlines()[0].endswith(" over the years, tCO2e/(10^6 CNY)")
    assert single.out.splitlines()[3].split()[:5] == ["co", "2016", "0", "0", "100,000,000"]
    assert single.out.splitlines()[-2] == (
        "ghg / revenue in tCO2e/(10^6 CNY), each year a company has both; the change is the "
        "intensity's.")


ZERO_RATIO = """
schema: 1
metrics:
  ghg: {name: Greenhouse gas emissions, category: environmental, unit: tCO2e}
  revenue: {name: Revenue, category: economic, unit: CNY}
  ghg_intensity_revenue: {name: GHG per revenue, category: environmental, unit: tCO2e/(10^6 CNY), ratio_of: [ghg, revenue]}
companies:
  co:
    name: Co
    sources:
      r: {file: r.txt}
    kpis:
      - {metric: ghg, label: GHG, unit: tCO2e, values: {2020: 10}, source: r, line: 1}
      - {metric: revenue, label: Revenue, unit: 億元, values: {2020: 1}, source: r, line: 2}
      - {metric: ghg_intensity_revenue, label: GHG per revenue, unit: 噸╱百萬元, values: {2020: 0}, source: r, line: 3}
"""


def test_a_reported_intensity_of_zero_is_shown_without_a_difference(run, write) -> None:
    args = ("compare", "ghg", "--per", "revenue", "--no-builtin", "--catalog",
            str(write("zero.yaml", ZERO_RATIO)))
    (row,) = _rows(run(*args, "-f", "csv").out)
    assert (row["intensity"], row["reported_intensity"], row["intensity_diff_pct"]) == (
        "0.1", "0", "")
    result = run(*args, "-f", "plain")
    assert result.code == 0 and result.err == ""
    assert not [line for line in result.out.splitlines() if ", recomputed " in line]


def test_trend_per_table_groups_by_company_and_right_aligns_numbers(run, write,
                                                                    monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run("trend", "ghg", "--per", "revenue", "--no-builtin", "--catalog",
                 str(write("years.yaml", INTENSITY_YEARS)), "-f", "table")
    assert result.code == 0, result
    lines = result.out.splitlines()
    header = next(line for line in lines if " Year " in line)
    first, later = (next(line for line in lines if " 2016 " in line),
                    next(line for line in lines if " 2018 " in line))
    assert first.split()[:2] == ["co", "2016"]  # the company once, on its first row
    assert later.split()[0] == "2018" and later[:header.index("Year")].strip() == ""
    # right-aligned: year, intensity, change and change % end where their headers end
    for title, cell in (("Year", "2018"), ("Change", "0.02"), ("%", "20")):
        end = header.index(title) + len(title)
        assert later[end - len(cell):end] == cell, (title, later)


def test_trend_columns_and_table_header(run, monkeypatch) -> None:
    assert run("trend", "ghg", "-f", "csv").out.splitlines()[0] == (
        "company,year,metric,value,unit,reported_value,reported_unit,kind,source,line,flags,"
        "change,change_pct,label,basis,part_of,derivation,inputs,also,notes,change_note")
    assert run("trend", "ghg", "--from", "2018", "-f", "csv").out.splitlines()[0].endswith(
        ",change_note,base_year,base_change,base_change_pct,cagr_pct,base_note")
    monkeypatch.setenv("COLUMNS", "200")
    table = run("trend", "ghg", "-c", "unicom", "-f", "table").out.splitlines()
    header = next(line for line in table if " Year " in line)
    assert header.split() == ["Company", "Year", "Value", "(tCO2e)", "Change", "Change", "%",
                              "Kind", "Source", "Flags"]


def test_trend_on_the_generation_basis_gives_compare_s_values(run) -> None:
    """The basis chosen reaches every value of the trend, and the change since a base
    year."""
    basis = ("-c", "unicom", "--basis", "generation", "--kgce-per-kwh", "0.3", "-f", "csv")
    trend = _rows(run("trend", "energy", "--from", "2018", *basis).out)
    compare = _rows(run("compare", "energy", "--years", "2018-2020", *basis).out)
    assert [r["value"] for r in trend] == [r["value"] for r in compare] == [
        "4685800", "4901000", "5265000"]  # 4,685,848.08336 ... to their inputs' digits
    # (215,290.19719 and 579,077.18554 tce, to the thousands the components' printed
    # ranges allow: docs/output.md#digits)
    assert [r["base_change"] for r in trend] == ["", "215000", "579000"]


def test_trend_chart_in_plain_output_is_drawn_in_ascii(run) -> None:
    lines = run("trend", "ghg", "-c", "unicom", "--chart", "-f", "plain").out.splitlines()
    assert [line.split()[3] for line in lines[3:6]] == ["#" * 14, "#" * 14, "#" * 16]
