"""The metric vocabulary (vocabulary.toml) and the placing of a printed row label on it.

A label is reduced to a *key* (case, width, script, footnote markers, units in brackets,
punctuation and spaces folded away; Roman and Chinese scope numbers as digits). The key
then goes through three steps, each of which says why it decided:

1. GHG scope words: the set of scopes a label names decides the metric (``Scope 1, 2 and
   3`` is not the Scope 1 + 2 total), and ``market-based``, ``location-based``, ``equity
   share`` or ``operational control`` become the value's basis.
2. A label of the vocabulary, whole.
3. The label without filler words (``total``, ``consumption``, ``量``), only when no word
   of the label says it is a part, a ratio on another denominator, a change or a target.

A unit whose dimension differs from the metric's is checked by the caller (draft.py),
which never gives the metric then.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import msgspec

from .files import packaged_toml
from .names import fold
from .t2s import SIMPLIFIED, TRADITIONAL

POLARITIES = ("lower", "higher", "neither")
UNSCOPED_GHG = "GHG emissions that do not say which scopes they total"
UNSCOPED_GHG_INTENSITY = ("a GHG intensity that does not say which scopes it divides, in a "
                          "report that prints Scope 3")
METHOD_ONLY = "scope 2 method words"  # a label that says only market- or location-based
_T2S = str.maketrans(TRADITIONAL, SIMPLIFIED)


class Term(msgspec.Struct, frozen=True):
    """One metric of the vocabulary."""

    id: str
    name: str
    name_zh: str
    category: str
    unit: str
    hkex: tuple[str, ...]
    polarity: str
    labels: tuple[str, ...] = ()
    density: str = ""
    numerator: str = ""  # for a ratio, the metric it divides
    variant_of: str = ""  # for a ratio per revenue in another currency, the metric it varies


class Kpi(msgspec.Struct, frozen=True):
    """One KPI of the HKEX ESG Reporting Code (Appendix C2)."""

    code: str
    title: str
    figure: bool  # it asks for a figure (a metric can disclose it), not a description


class Placement(msgspec.Struct, frozen=True):
    """Where a label goes: ``metric`` "" when it goes nowhere, with ``why``."""

    metric: str
    match: str  # how: "scope words 1+2", "label alias", "label without filler words"
    why: str = ""  # why not, when metric is ""
    basis: tuple[tuple[str, str], ...] = ()  # (aspect, text) the label states


@lru_cache(maxsize=1)
def terms() -> dict[str, Term]:
    """Every metric of vocabulary.toml, in the file's order."""
    data = packaged_toml("vocabulary.toml")["metric"]
    return {metric_id: Term(id=metric_id, name=entry["name"], name_zh=entry["name_zh"],
                            category=entry["category"], unit=entry["unit"],
                            hkex=tuple(entry.get("hkex", ())), polarity=entry["polarity"],
                            labels=tuple(entry.get("labels", ())),
                            density=entry.get("density", ""),
                            numerator=entry.get("numerator", ""),
                            variant_of=entry.get("variant_of", ""))
            for metric_id, entry in data.items()}


_CHINESE_NUMERALS = {"一": "1", "二": "2", "三": "3", "1": "1", "2": "2", "3": "3"}
_ROMAN = {"iii": "3", "ii": "2", "i": "1"}
_NOTE = re.compile(r"[(（\[]\s*(?:note|notes|附註|附注|注|註)\s*\d*\s*[)）\]]|[*#†‡]+|\s\(\d\)")
_BRACKETED = re.compile(r"[(（\[【]([^()（）\[\]【】]*)[)）\]】]")
_IN_UNIT = re.compile(r"^\s*(?:in|unit|units|單位|单位)\s*[:：]?\s*")  # "(in tonnes)", "(單位：噸)"
_SCOPE_CN = re.compile(r"(?:范畴|范围)\s*([一二三123])")
_SCOPE_ROMAN = re.compile(r"\bscope\s+(iii|ii|i)\b")
_SCOPE_GLUED = re.compile(r"\bscope(?=[123]\b)")
_SUPERSCRIPTS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_PUNCTUATION = re.compile(r"[^\w%/]+")
# Abbreviations a label prints after the words they abbreviate ("Nitrogen oxides (NOx)",
# "greenhouse gas (GHG)"): the words say it already, so the bracket is no part of the name.
_ABBREVIATIONS = frozenset({"nox", "sox", "so2", "pm", "pm10", "pm2.5", "rsp", "ghg",
                            "ghgs", "co2", "co2e", "voc", "vocs"})
# A bracket saying what a row leaves out, how it is computed or what the total is mostly
# made of ("(not included in scope 1 or scope 2)", "(total water withdrawal - total water
# discharges)", "(mainly dewatered sludge)") does not make the row what it names: its
# words are not read.
_ASIDE = re.compile(r"^\s*(?:not included|not including|excluding|excludes|excl\b|exclusive of"
                    r"|mainly|mostly|primarily|predominantly|chiefly"
                    r"|不包括|不包含|不含|未包括|主要)|\w\s+[-–—]\s+\w")
# pdftotext sets characters of a Chinese label apart ("外購 電力", "溫室 氣體"): no word ends there
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
# a GRI disclosure a label cites in brackets ("(305-2)", "(G4-EN16)", "(GRI 302-1)"): a
# reference, not words of the label (its digits would read as scopes)
_GRI = re.compile(r"[(（\[]\s*(?:gri\s*)?(?:g4-[a-z]{2}\d{1,2}|\d{3}-\d{1,2})\s*[)）\]]")
# a footnote number glued to a word ("Electricity1", "Biogas2") or after the label's last
# word ("Electricity purchased 2"); never one that counts something the word names
_GLUED_NOTE = re.compile(r"(?<=[a-z]{4})\d\b")
_LAST_NOTE = re.compile(r"(?<=[a-z])\s+\d$")
_NUMBERED = re.compile(r"\b(?:scopes?|categor(?:y|ies)|cat|types?|class(?:es)?|tiers?|phases?"
                       r"|levels?|grades?|stages?|groups?|no|numbers?|units?|sites?|plants?"
                       r"|zones?|lines?|blocks?|buildings?|areas?|regions?|and|or|to|pm)\s*\d?$"
                       r"|\d\s+\d$|范围|类别|范畴")


@lru_cache(maxsize=1)
def hkex_kpis() -> dict[str, Kpi]:
    """The HKEX C2 KPIs, A1.1 to B8.2, in the code's order."""
    data = packaged_toml("vocabulary.toml")["hkex"]
    return {code: Kpi(code, entry["title"], entry["figure"]) for code, entry in data.items()}


def _is_unit(text: str) -> bool:
    from .extract import _is_unit as is_unit  # cached there

    return bool(text.strip()) and is_unit(text.strip())


@lru_cache(maxsize=8192)
def key(label: str) -> str:
    """The form labels are compared in: lower case, Simplified, no footnote markers, no
    unit in brackets, punctuation as single spaces, scopes as ``scope N``. Memoised: the
    draft asks again for the key of each row's name."""
    text = _SUPERSCRIPTS.sub(" ", label)  # footnote markers, before NFKC makes them digits
    text = unicodedata.normalize("NFKC", text).casefold().translate(_T2S)
    text = _NOTE.sub(" ", _GRI.sub(" ", text))
    text = _footnote_digits(text.replace("_", " "))
    # a bracket holding a unit is the unit, not the label; any other bracket is words
    text = _BRACKETED.sub(_bracket, text)
    text = _CJK_GAP.sub("", text)
    text = _SCOPE_CN.sub(lambda m: f" scope {_CHINESE_NUMERALS[m.group(1)]} ", text)
    text = _SCOPE_ROMAN.sub(lambda m: f"scope {_ROMAN[m.group(1)]}", text)
    text = _PUNCTUATION.sub(" ", text.replace("_", " "))
    text = _SCOPE_GLUED.sub("scope ", text)  # "Scope1", "ghg_scope1"
    return " ".join(text.split())


def _footnote_digits(text: str) -> str:
    """A label without the footnote number printed after a word ("Electricity1",
    "Biogas 4"); a digit that numbers what its word names (a scope, a category, a site)
    stays."""
    if _NUMBERED.search(text):
        return text
    text = _GLUED_NOTE.sub("", text)
    return _LAST_NOTE.sub("", text.rstrip())


def _bracket(match: re.Match[str]) -> str:
    """A bracket of a label: a unit, an abbreviation or an aside goes; other words stay."""
    inside = match.group(1)
    if (_is_unit(_IN_UNIT.sub("", inside)) or inside.strip() in _ABBREVIATIONS
            or _ASIDE.search(inside)):
        return " "
    return f" {inside} "


@lru_cache(maxsize=1)
def _aliases() -> dict[str, frozenset[str]]:
    """Key -> the metrics whose id, names or labels have it."""
    found: dict[str, set[str]] = {}
    for term in terms().values():
        for text in (term.id, term.name, term.name_zh, *term.labels):
            found.setdefault(key(text), set()).add(term.id)
    found.pop("", None)
    return {k: frozenset(v) for k, v in found.items()}


_FILLER = re.compile(
    r"\b(?:total|consumption|consumed|consumptions|usage|use|used|amount|volume|quantity"
    r"|the|of|annual|overall|in total|group|s|air|exhaust gas)\b|总|消耗|耗用|用量|数量|总量|量$")


def _singular(word: str) -> str:
    # "particulate matters", "oxides": a plural names what the singular names
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _core(text: str) -> str:
    return " ".join(_singular(word) for word in _FILLER.sub(" ", text).split())


@lru_cache(maxsize=1)
def _cores() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for alias, metrics in _aliases().items():
        # a GHG total without its scopes is placed by the scopes alone
        metrics = metrics - {"ghg"}
        core = _core(alias)
        if core and metrics:
            found.setdefault(core, set()).update(metrics)
    return {k: frozenset(v) for k, v in found.items()}


# Words that make a label something other than the whole metric. Each pattern is tried on
# the key; the first that matches is the reason the label is left for review.
_NOT_THE_WHOLE = (
    (re.compile(r"\b(?:decrease|increase|change|changes|compared|yoy|year on year|target|targets"
                r"|goal|reduction|reductions|reduced|avoided|saving|savings|saved|base year)\b"
                r"|同比|较上年|减少|降低|下降|目标|增长|变化|减碳|节约|节能"),
     "a change, a saving or a target, not the quantity itself"),
    (re.compile(r"\b(?:per|intensity|intensities|ratio|rate|rates|density|proportion|share"
                r"|percentage)\b|/|强度|密度|比率|比例|百分比|人均|每"),
     "a ratio or an intensity, on a denominator the label does not name as the metric's"),
    (re.compile(r"\b(?:male|female|men|women|headquarters|head office|hq|stationary|mobile"
                r"|fugitive|upstream|downstream|category|categories|site|sites|plant|plants"
                r"|segment|subsidiary|subsidiaries|region|regions|country|from|excluding"
                r"|carried over|sold|capacity|generated by|generation|renewable|discharge"
                r"|discharges|discharged|wastewater|recycled|reused|surface|ground|sea"
                r"|third party|withdrawal|withdrawn)\b"
                r"|男|女|总部|固定源|流动源|类别|厂|地区|可再生|排放水|废水|污水|回收|容量|装机"
                r"|取水"),
     "a part or another quantity (the label names a source, a site, a group, a kind or a flow)"),
)

_PER = (
    (re.compile(r"\b(?:revenue|revenues|turnover|sales|income)\b|收入|营业额|营收"), "revenue"),
    (re.compile(r"\b(?:employee|employees|person|persons|staff|head|capita|fte|full time)\b"
                r"|员工|雇员|僱员|人均|每人|每名"), "employee"),
    (re.compile(r"\b(?:floor area|area|m2|square metre|square meter|sq m)\b|面积|平方米"),
     "floor_area"),
)
_GHG_INTENSITY = {"revenue": "ghg_intensity_revenue", "employee": "ghg_intensity_employee",
                  "floor_area": "ghg_intensity_floor_area"}
_INTENSITY_WORDS = re.compile(r"\b(?:intensity|per|density)\b|强度|密度|人均|每")

_SCOPE_LIST = re.compile(
    r"\bscopes?\s+(\d)((?:\s*(?:and|&|\+|to|or|\s)\s*(?:scope\s+)?\d)*)")
_SCOPE_RANGE = re.compile(r"\bscopes?\s+(\d)\s*(?:to|\s)\s*(\d)\b")
_SCOPE_PARTS = re.compile(
    r"\b(?:stationary|mobile|fugitive|upstream|downstream|headquarters|head office|process"
    r"|refrigerant|refrigerants|air conditioning|business air travel|business travel|excluding)\b"
    r"|总部|固定源|流动源|上游|下游")
# what follows a dash describes the scope ("Scope 1 - Combustion of fossil fuels",
# "Scope III - business air travel, paper"), except a direction of the value chain
_ALWAYS_PART = re.compile(r"\b(?:upstream|downstream)\b|上游|下游")
_DASH = re.compile(r"\s[—–-]+\s|\s?[—–]+\s?")
_CATEGORY = re.compile(r"\bcategory\s*(\d{1,2})\b|类别\s*(\d{1,2})")
_METHOD = ((re.compile(r"\bmarket\s*based\b|\bmarket\b|市场"), ("scope2_method", "market-based")),
           (re.compile(r"\blocation\s*based\b|\blocation\b|地点|基于位置"),
            ("scope2_method", "location-based")))
_BOUNDARY = ((re.compile(r"\bequity share\b|股权比例"), ("boundary", "equity share")),
             (re.compile(r"\boperational control\b|运营控制"), ("boundary", "operational control")),
             (re.compile(r"\bfinancial control\b|财务控制"), ("boundary", "financial control")))
_CHANGE = _NOT_THE_WHOLE[0][0]
_SECTION = re.compile(
    r"^(?:environmental|environment|energy|energy consumption|emissions|air emissions"
    r"|ghg emissions|resources|use of resources|water|waste|social|employment|employees"
    r"|workforce|health and safety|operating data|环境|能源|排放|资源使用|雇佣|员工) ")
_GHG_WORDS = re.compile(r"\b(?:ghg|greenhouse|emission|emissions|co2e?|carbon)\b|温室|排放|碳")


# The words a GHG label may print around its scopes and still be the whole of them; any
# other word before a dash names what the figure is of ("Hong Kong Town Gas production
# scope 1 and 2 emissions", "Scope 1 carbon emissions (Asia emissions)"): a part.
_AROUND_SCOPES = re.compile(
    r"\b(?:scopes?|under|and|or|to|plus|direct|indirect|energy|other|emission|emissions|ghg|ghgs"
    r"|greenhouse|gas|gases|carbon|co2|co2e|dioxide|equivalent|total|gross|the|of|in|from"
    r"|location|market|based|method|equity|share|operational|financial|control|approach"
    r"|chart|pie|figure|graph|table|tonnes|tons|t|tco2e|\d"
    # what Scope 1 and Scope 2 are: fuel burnt, electricity and heat bought
    r"|electricity|purchased|consumption|heat|steam|combustion|fossil|fuel|fuels)\b")

# a label that says only which method: "Market based", "Location-based emissions"
_METHOD_ONLY = re.compile(r"(?:(?:total|ghg|scope 2|carbon|co2e?|emissions?)\s)*"
                          r"(?:market|location)\s?based(?:\s(?:method|ghg|carbon|co2e?"
                          r"|emissions?|total))*")


# the words _AROUND_SCOPES lets a Scope 1 or 2 total print, which in a Scope 3 label name
# one of its sources (the fuel or electricity of others: contractors, suppliers)
_SCOPE12_SOURCE = re.compile(r"\b(?:electricity|purchased|heat|steam|combustion|fossil|fuel"
                             r"|fuels)\b")


def _other_words(text: str) -> str:
    """The ASCII words of a key that are not what a GHG total of some scopes prints."""
    rest = _AROUND_SCOPES.sub(" ", text)
    return " ".join(word for word in rest.split() if word.isascii())


def scopes(text: str) -> frozenset[int]:
    """The GHG scopes a key names: ``scope 1 2 and 3``, ``scope 1 scope 2``, ``scopes 1 to
    3``."""
    found: set[int] = set()
    for match in _SCOPE_RANGE.finditer(text):
        low, high = int(match.group(1)), int(match.group(2))
        if "to" in match.group(0) and low < high:
            found.update(range(low, high + 1))
    for match in _SCOPE_LIST.finditer(text):
        found.add(int(match.group(1)))
        found.update(int(d) for d in re.findall(r"\d", match.group(2)))
    found.update(int(d) for d in re.findall(r"\bscope\s+(\d)", text))
    return frozenset(n for n in found if 1 <= n <= 3)


def _basis(text: str) -> tuple[tuple[str, str], ...]:
    basis = []
    for patterns in (_METHOD, _BOUNDARY):
        for pattern, aspect in patterns:
            if pattern.search(text):
                basis.append(aspect)
                break
    return tuple(basis)


def _by_scope(text: str, head: str, tail: str = "") -> Placement | None:
    """The GHG metric the scopes of a label give, or why none; None without scope words.
    ``head``: the key of the label before a dash; ``tail``: the label after it, as printed."""
    named = scopes(text)
    if not named:
        return None
    words = "+".join(str(n) for n in sorted(named))
    match = f"scope words {words}"
    basis = _basis(text)
    if _CHANGE.search(text):
        return Placement("", match, f"names scope {words} but is {_NOT_THE_WHOLE[0][1]}")
    if _INTENSITY_WORDS.search(text) or "/" in text:
        per = next((name for pattern, name in _PER if pattern.search(text)), "")
        if named == {1, 2} and per:
            return Placement(_GHG_INTENSITY[per], f"{match}, per {per.replace('_', ' ')}",
                             basis=basis)
        return Placement("", match, f"an intensity of scope {words}, on a denominator or a set "
                                    "of scopes no metric has")
    category = _CATEGORY.search(text)
    if named == {3} and category:
        number = int(category.group(1) or category.group(2))
        if 1 <= number <= 15:
            return Placement(f"ghg_scope3_cat{number}", f"{match}, category {number}",
                             basis=basis)
    part = _SCOPE_PARTS.search(head) or _ALWAYS_PART.search(text)
    if part:
        return Placement("", match, f"names scope {words} but only a part of it "
                                    f"('{part.group(0)}')")
    source = _SCOPE12_SOURCE.search(head) if named == {3} else None
    if source:  # "Electricity purchased (Scope 3)": a contractor's electricity, a part
        return Placement("", match, f"names scope 3 of a source of scope 1 or 2 "
                                    f"('{source.group(0)}'): a part, not the total")
    other = _other_words(head)
    if other:
        return Placement("", match, f"names scope {words} of something it names ('{other}'): "
                                    "a part, not the company's total")
    # one source after the dash is a part ("Scope 3 GHG Emission - Paper Consumption",
    # "GHG Emission (Scope 1) - Mobile"); a list of them says what the total holds
    # ("Scope III - business air travel, paper consumption")
    listed = re.search(r",|、|\band\b|&", tail)
    source = _other_words(key(tail)) if not listed else ""
    if source:
        return Placement("", match, f"names one source of scope {words} ('{source}'), "
                                    "not the total")
    metric = {frozenset({1}): "ghg_scope1", frozenset({2}): "ghg_scope2",
              frozenset({3}): "ghg_scope3", frozenset({1, 2}): "ghg",
              frozenset({1, 2, 3}): "ghg_scope1_2_3"}.get(named, "")
    if not metric:
        return Placement("", match, f"scopes {words} together: no metric totals them")
    if any(aspect == "scope2_method" for aspect, _text in basis) and 2 not in named:
        basis = tuple(pair for pair in basis if pair[0] != "scope2_method")
    return Placement(metric, match, basis=basis)


# the words a label would print for a denominator its unit names instead
_PER_WORDS = {"revenue": "per revenue", "employee": "per employee",
              "floor_area": "per floor area"}


def unit_per(unit: str) -> str:
    """The one denominator (``revenue``, ``employee``, ``floor_area``) a printed unit
    divides by, or "": ``tCO2e/Employee``, ``tonnes of CO2e per sq.m.``. A unit cell that
    holds two units (``tCO2e/million revenue, tCO2e/m²``) names none."""
    text = unicodedata.normalize("NFKC", unit).casefold()
    if "," in text or "，" in text or "、" in text:
        return ""
    parts = re.split(r"/|\bper\b|╱", text, maxsplit=1)
    if len(parts) < 2:
        return ""
    under = " ".join(_PUNCTUATION.sub(" ", parts[1]).split())
    found = {name for pattern, name in _PER if pattern.search(under)}
    return next(iter(found)) if len(found) == 1 else ""


@lru_cache(maxsize=8192)
def place(label: str, unit: str = "") -> Placement:
    """The vocabulary metric a printed label names, or why it names none. ``unit``: the
    unit the row prints, left out of the label where the label ends with it. Memoised: a
    report prints one label again and again (a year a cell, repeated tables), and a
    placement depends on the label and unit alone."""
    placed = _place(label, unit)
    if placed.metric in ("so2", "sox") and _SOX_AND_SO2.search(unicodedata.normalize(
            "NFKC", label)):
        # "Sulfur oxide (SO2) emissions": the words say sulphur oxides, the formula sulphur
        # dioxide; issuers print either for either
        return Placement("", placed.match, "names sulphur oxides and sulphur dioxide: the "
                                           "label does not settle which")
    return placed


_SCOPE3_CATEGORY = re.compile(r"ghg_scope3_cat\d+")


def _place(label: str, unit: str = "") -> Placement:
    """``place`` before the one check that needs the label as printed (a formula)."""
    label = label.strip()
    code = _HKEX_CODE.match(label)
    if code:  # "A1 NOx emissions": the KPI it answers, printed before the label
        placed = _place(label[code.end():], unit)
        return msgspec.structs.replace(placed, match=f"{placed.match}, after its HKEX code"
                                       if placed.match else "")
    if unit and label.casefold().endswith(unit.strip().casefold()) and label != unit.strip():
        label = label[:len(label) - len(unit.strip())].rstrip(" –—-:：")
    text = key(label)
    if not text:
        return Placement("", "", "the label is empty once its unit and markers are left out")
    per = unit_per(unit) if unit and _INTENSITY_WORDS.search(text) else ""
    if per and not any(pattern.search(text) for pattern, _name in _PER):
        # an intensity whose label names no denominator and whose unit names one
        # ("GHG Emission Intensity" in tCO2e/Employee): the label as it would read with it
        completed = _place(f"{label} {_PER_WORDS[per]}")
        if completed.metric:
            words = _PER_WORDS[per]
            match = (completed.match.replace(words, f"{words} from the unit")
                     if words in completed.match else f"{completed.match}, {words} from the unit")
            return msgspec.structs.replace(completed, match=match)
    head, *tails = _DASH.split(label)
    by_scope = _by_scope(text, key(head), " ".join(tails))
    named = _aliases().get(text, frozenset())
    if (len(named) == 1 and _SCOPE3_CATEGORY.fullmatch(next(iter(named)))
            and (by_scope is None or by_scope.metric not in named)):
        # a Scope 3 category by its name ("Scope 3 - Fuel and energy related activities"):
        # the words after the scope name the category, not a list of sources
        return Placement(next(iter(named)), "label alias")
    if by_scope is not None:
        return by_scope
    basis = _basis(text)
    if _METHOD_ONLY.fullmatch(text):
        # a market- or location-based figure is a Scope 2 figure: the GHG Protocol has the
        # two methods for Scope 2 only
        return Placement("ghg_scope2", METHOD_ONLY, basis=basis)
    named = _aliases().get(text, frozenset())
    if len(named) == 1:
        return Placement(next(iter(named)), "label alias", basis=basis)
    if len(named) > 1:
        return Placement("", "label alias", "the label names several metrics: "
                                            + ", ".join(sorted(named)))
    ratio = _ratio_by_core(text)
    if ratio:  # "Energy consumption intensity per employee": a ratio's label, filler aside
        return Placement(ratio, "label without filler words", basis=basis)
    section = _SECTION.match(text)
    if section:  # a section's name in the first column ("Energy Electricity consumption")
        named = _aliases().get(text[section.end():], frozenset())
        if len(named) == 1:
            return Placement(next(iter(named)), "label alias after the section's name",
                             basis=basis)
        text = text[section.end():]  # the section's words name no metric of the row
    ratio = _ratio_by_core(text)
    if ratio:
        return Placement(ratio, "label without filler words", basis=basis)
    for pattern, why in _NOT_THE_WHOLE:
        if pattern.search(text):
            return Placement("", "", why)
    core = _core(text)
    named = _cores().get(core, frozenset()) if core else frozenset()
    if len(named) == 1:
        return Placement(next(iter(named)), "label without filler words", basis=basis)
    if len(named) > 1:
        return Placement("", "label without filler words",
                         "the label names several metrics: " + ", ".join(sorted(named)))
    if _GHG_WORDS.search(text) and not re.search(r"\b(?:nox|sox|so2|pm)\b", text):
        return Placement("", "", UNSCOPED_GHG)
    return Placement("", "", "no metric of the vocabulary has this label")


def _ratio_by_core(text: str) -> str:
    """The ratio of the vocabulary a label names once its filler words are left out, when
    it names one and no word says it is a change or a part: a ratio's labels name their
    denominator, so the label's own words say which it is."""
    if _NOT_THE_WHOLE[0][0].search(text) or _NOT_THE_WHOLE[2][0].search(text):
        return ""
    named = _cores().get(_core(text), frozenset())
    if not named and any(pattern.search(text) for pattern, _name in _PER):
        # "GHG emissions intensity per revenue": with its denominator named, "intensity"
        # says nothing "GHG emissions per revenue" does not
        named = _cores().get(_core(_INTENSITY_WORD.sub(" ", text)), frozenset())
    if len(named) != 1:
        return ""
    metric = next(iter(named))
    return metric if terms()[metric].numerator else ""


_SOX_AND_SO2 = re.compile(r"(?i)(?=.*\bsul(?:ph|f)ur oxides?\b)(?=.*\bSO2\b)")

# an HKEX ESG Reporting Code KPI number in front of a label, followed by more words
_HKEX_CODE = re.compile(r"[AB]\d{1,2}(?:\.\d{1,2})?\s+(?=\S)")

_INTENSITY_WORD = re.compile(r"\b(?:intensity|density)\b|强度|密度")


def variants_of(metric: str) -> list[Term]:
    """The metrics of the vocabulary that are a metric in another currency."""
    return [term for term in terms().values() if term.variant_of == metric]


def ratios_of(metric: str) -> list[Term]:
    """The ratios of the vocabulary that divide a metric (its intensities)."""
    return [term for term in terms().values() if term.numerator == metric]


@lru_cache(maxsize=1)
def taken_names() -> frozenset[str]:
    """Every id, name and label of the vocabulary, folded: a proposed metric takes none."""
    return frozenset(fold(text) for term in terms().values()
                     for text in (term.id, term.name, term.name_zh, *term.labels))
