"""Names match in either Chinese script: every metric and company name of the built-in
catalog, written in Simplified Chinese, finds what its Traditional form finds."""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from esgcmp.names import fold


def test_the_table_is_what_opencc_gives() -> None:
    opencc = pytest.importorskip("opencc")
    import importlib.util
    from pathlib import Path

    tool = Path(__file__).resolve().parent.parent / "tools" / "make_t2s.py"
    spec = importlib.util.spec_from_file_location("make_t2s", tool)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (Path(__file__).resolve().parent.parent / "esgcmp" / "t2s.py").read_text(
        encoding="utf-8")
    assert module.render() == current, "run python tools/make_t2s.py"
    assert opencc.OpenCC("t2s.json").convert("綜合能源消耗量") == "综合能源消耗量"


def test_fold_simplifies_every_character_opencc_simplifies() -> None:
    assert fold("綜合能源消耗量") == fold("综合能源消耗量") == "综合能源消耗量"
    assert fold("中國聯合網絡通信（香港）股份有限公司") == "中国联合网络通信(香港)股份有限公司"
    assert fold("Greenhouse-Gas_Emissions") == "greenhousegasemissions"
    assert fold("溫室 氣體-排放_量") == fold("温室气体排放量") == "温室气体排放量"


def test_every_chinese_metric_name_matches_in_simplified() -> None:
    opencc = pytest.importorskip("opencc")
    from esgcmp.catalog import builtin_catalog_path
    from esgcmp.load import load_files

    to_simplified = opencc.OpenCC("t2s.json").convert
    catalog = load_files([builtin_catalog_path()])
    named = [m for m in catalog.metrics.values() if m.name_zh]
    assert len(named) > 100
    # the name a command is given (compare, trend, show's metrics) finds this metric alone,
    # whether or not any company reports it yet
    for metric in named:
        simplified = to_simplified(metric.name_zh)
        assert [m.id for m in catalog.resolve_metrics(simplified)] == [metric.id], simplified


def test_simplified_company_names_match(run) -> None:
    traditional = run("show", "中國通信服務股份有限公司", "2020", "-f", "csv").out
    assert traditional == run("show", "中国通信服务股份有限公司", "2020", "-f", "csv").out != ""


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_names_fold_as_any_other(name: str) -> None:
    import unicodedata

    from esgcmp.names import _IGNORED, _T2S

    assert fold(name) == _IGNORED.sub(
        "", unicodedata.normalize("NFKC", name).casefold().translate(_T2S))


def test_a_metric_name_comes_before_a_framework_code(tiny_catalog) -> None:
    assert [m.id for m in tiny_catalog.resolve_metrics("A1.2")] == ["ghg", "ghg_scope1",
                                                                    "ghg_scope2"]
    assert [m.id for m in tiny_catalog.resolve_metrics("Carbon")] == ["ghg"]


def test_an_unknown_name_with_several_suggestions_and_many_known() -> None:
    from esgcmp.errors import NotFoundError

    known = [f"m{n}" for n in range(1, 11)]
    assert str(NotFoundError("metric", "mx", known, ["m1", "m2"], "see 'esgcmp metrics'")) == (
        "unknown metric 'mx' (did you mean 'm1', 'm2'?); known: m1, m2, m3, m4, m5, m6, m7, "
        "m8 +2 more; see 'esgcmp metrics'")
    assert str(NotFoundError("metric", "mx", known[:8])) == (
        "unknown metric 'mx'; known: m1, m2, m3, m4, m5, m6, m7, m8")
