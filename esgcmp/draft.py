"""From values read off a report to a draft catalog: which metric each row is, the value
in the metric's unit (draftyaml.py writes it as the catalog YAML a reviewer edits).

A row's label is matched, after folding (names.fold), with the labels the catalog
already cites and with every metric's id, names and aliases; one match gives the metric.
No match, an ambiguous match or a unit that does not convert gives a proposed metric,
marked for review, never a guess at an existing one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal

import msgspec
from msgspec import field

from .catalog import Catalog
from .errors import UnitError
from .extract import Extraction, Found, Unreadable, has_chinese, label_name, nfkc
from .names import fold
from .t2s import SIMPLIFIED, TRADITIONAL
from .units import GENERIC, conversion, parse_printed, parse_target
from .vocabulary import (METHOD_ONLY, UNSCOPED_GHG, UNSCOPED_GHG_INTENSITY, Term, key,
                         place, ratios_of, scopes, taken_names, terms, variants_of)

_CATEGORY_WORDS = (
    ("environmental", r"環境|环境|低碳|綠色|绿色|節能|节能|能耗|排放|廢|废|水|電|电|氣|气|油|煤"
                      r"|environment|green|energy|emission|electric|water|waste|gas|coal|carbon"),
    ("governance", r"合規|合规|治理|廉|腐|compliance|governance|corruption|integrity"),
    ("economic", r"經營|经营|經濟|经济|股東|股东|收入|利潤|利润|資產|资产|稅|税|shareholder|economic"
                 r"|income|revenue|profit|assets|tax"),
)


class Row(msgspec.Struct):
    """One extracted value with the metric it goes to."""

    found: Found
    metric: str
    new_metric: bool
    normalized: Decimal | None
    normalized_unit: str
    note: str = ""  # why the metric is proposed, or what a reviewer should know
    unit: str = ""  # the unit the draft writes: as printed, else the catalog's or count
    also_of: Row | None = None  # the same figure printed again: a second citation of this
    match: str = ""  # how the metric was found: "catalog label", "label alias", "scope words 1"
    basis: tuple[tuple[str, str], ...] = ()  # aspects of the basis the label states


class Proposal(msgspec.Struct):
    id: str
    name: str
    unit: str
    category: str
    line: int
    name_zh: str = ""
    signed: bool = False
    why: str = ""
    page: int = 0  # a PDF's page the line is on


def where(found: Found | Unreadable | Proposal) -> str:
    """Where a value is printed, as a reader finds it: ``line 12``, or in a PDF ``page 3,
    line 12``."""
    return f"page {found.page}, line {found.line}" if found.page else f"line {found.line}"


def shown(item: Unreadable) -> str:
    """An unreadable row's text as a message quotes it: a PDF's line with its cells'
    runs of spaces as one (they are its layout, and would take the message's room)."""
    return " ".join(item.text.split()) if item.page else item.text


class Draft(msgspec.Struct):
    rows: list[Row] = field(default_factory=list)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    unloadable: list[tuple[Found, str]] = field(default_factory=list)  # (first value, why)
    # metrics of the vocabulary the catalog lacks, which the draft defines
    vocabulary: dict[str, Term] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # folded ids, names and aliases in use
    # the report's Scope 1 and Scope 2 figures by year, each (tCO2e, half its last digit),
    # and its printed rows' values: what tells a GHG total that names no scope
    scope_figures: dict[tuple[int, str], list[tuple[Decimal, Decimal]]] = field(
        default_factory=dict)
    printed_rows: dict[tuple[int, str, str], list[Found]] = field(default_factory=dict)
    # (year, scopes) -> every distinct sum of one figure of each scope that year, with the
    # sum of their half digits: built once, however many totals are checked against it
    scope_sums: dict[tuple[int, tuple[str, ...]], frozenset[tuple[Decimal, Decimal]]] = field(
        default_factory=dict)
    # the next number to try after an id proposed already: many rows of one label would
    # otherwise try _2, _3, ... again each, quadratic in the rows
    suffixes: dict[str, int] = field(default_factory=dict)


def label_index(catalog: Catalog) -> dict[str, dict[str, str]]:
    """Folded label or name -> {metric id it names: the unit the catalog records with
    that label ("" for a metric's name)}."""
    index: dict[str, dict[str, str]] = {}
    for metric in catalog.metrics.values():
        for name in (metric.id, metric.name, metric.name_zh, *metric.aliases):
            if name:
                index.setdefault(_fold(name), {}).setdefault(metric.id, "")
    for metric_id in catalog.metrics_with_values():
        for years in catalog.shard(metric_id).values():
            for observation in years.values():
                for label, unit in ((observation.label, observation.unit),
                                    *((c.label, c.unit) for c in observation.also)):
                    if label:
                        units = index.setdefault(_fold(_label_name(label, unit)), {})
                        if not units.get(metric_id):
                            units[metric_id] = unit
    index.pop("", None)
    return index


# folded names, remembered: a draft folds each row's name, each proposal's candidates and
# every catalog label, many of them again and again
_fold = lru_cache(maxsize=16384)(fold)


@lru_cache(maxsize=8192)
def _label_name(label: str, unit: str) -> str:
    return label_name(label, unit)


def _name(found: Found) -> str:
    """``found.name``, read once per distinct label and unit: the draft asks for a row's
    name at every step, and a report prints one label on many rows."""
    return _label_name(found.label, found.unit)


@lru_cache(maxsize=8192)
def _factor(unit: str, target: str, density: str = "") -> Decimal | None:
    """The factor of ``conversion``, None where the unit does not convert. Remembered
    either way: ``conversion`` remembers only what converts, and a draft tries the same
    unit that does not (a ratio against a quantity's unit) on row after row."""
    try:
        return conversion(unit, target, density).factor
    except UnitError:
        return None


def _slug(text: str) -> str:
    """Lower-case words joined by '_', at most 48 characters: a metric id when it starts
    with a letter."""
    words = re.findall(r"[a-z0-9]+", nfkc(text).lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 48:
            break
        slug = f"{slug}_{word}" if slug else word
    return slug


def _category(found: Found) -> str:
    return _category_of(found.section, _name(found))


@lru_cache(maxsize=8192)
def _category_of(section: str, name: str) -> str:
    for text in (section, name):
        for category, words in _CATEGORY_WORDS:
            if re.search(words, nfkc(text), re.I):
                return category
    return "social"


def _unit_for(unit: str) -> str:
    """The comparison unit a proposed metric takes from a printed unit."""
    if not unit:
        return GENERIC
    printed = parse_printed(unit)
    candidate = GENERIC if printed.generic and "/" not in printed.expr else printed.expr
    try:
        parse_target(candidate)
        conversion(unit, candidate)
    except UnitError:
        return GENERIC
    return candidate


# the characters that tell the scripts apart (compatibility ideographs, which NFKC makes
# ordinary ones, left out)
_PAIRS = [(t, s) for t, s in zip(TRADITIONAL, SIMPLIFIED) if t < "\uf900"]
_TRADITIONAL = {t for t, _s in _PAIRS}
_SIMPLIFIED = {s for _t, s in _PAIRS} - _TRADITIONAL


def language(text: str) -> str:
    """en, zh-Hant or zh-Hans, by the characters the text uses most."""
    chinese = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if chinese * 2 < latin:
        return "en"
    traditional = sum(1 for ch in text if ch in _TRADITIONAL)
    simplified = sum(1 for ch in text if ch in _SIMPLIFIED)
    return "zh-Hant" if traditional >= simplified else "zh-Hans"


def make_draft(extraction: Extraction, catalog: Catalog) -> Draft:
    """Assign every value to a metric: the catalog's when the label names one, else a
    proposed one. A metric takes one value a year; a second row naming it gets a
    proposed metric of its own, with the reason."""
    index = label_index(catalog)
    draft = Draft()
    draft.taken.update(taken_names())
    draft.taken.update(_fold(text) for metric in catalog.metrics.values()
                       for text in (metric.id, metric.name, metric.name_zh, *metric.aliases)
                       if text)
    _read_scopes(extraction, draft)
    chosen: dict[tuple[int, int, str, str], _Choice] = {}
    # (printed row, metric) -> the metric proposed for the row's values that metric
    # cannot take; the proposal's reason is the first one found
    diverted: dict[tuple[tuple[int, int, str, str], str], Proposal] = {}
    given: dict[tuple[str, int], Row] = {}
    for found in extraction.values:
        # a row's values share its metric, even when each cell is on a line of its own
        key = (found.page, found.row or found.line, found.label, found.unit)
        if key not in chosen:
            chosen[key] = _assign(found, index, catalog, draft)
        metric, new, note, unit, match, basis = chosen[key]
        if not metric:
            draft.rows.append(Row(found, "", False, None, "", note, found.unit, match=match))
            continue

        def divert(why: str) -> _Choice:
            if (key, metric) not in diverted:
                diverted[key, metric] = _propose(found, catalog, draft, why)
            proposal = diverted[key, metric]
            return proposal.id, True, proposal.why, found.unit or GENERIC, "proposed", ()

        also_of = None
        if found.value < 0 and not new and not _signed(metric, catalog):
            metric, new, note, unit, match, basis = divert(
                f"a negative value ({found.year}), which '{metric}' cannot have")
        while (metric, found.year) in given:
            first = given[metric, found.year]
            if (first.found.page, first.found.line) != (found.page, found.line) and _same(
                    first, found, unit):
                also_of = first
                break
            metric, new, note, unit, match, basis = divert(
                f"'{metric}' {found.year} is {plain_number(first.found.value)} {first.unit} on "
                f"{where(first.found)}; this row prints {plain_number(found.value)} "
                f"{found.unit}".rstrip())
        target, density = (draft.proposals[metric].unit, "") if new else _unit_of(metric, catalog)
        factor = _factor(unit, target, density)
        if new and found.value < 0:
            draft.proposals[metric].signed = True
        row = Row(found, metric, new, None if factor is None else found.value * factor,
                  target if factor is not None else "", note, unit, also_of, match, basis)
        draft.rows.append(row)
        if also_of is None:
            given[metric, found.year] = row
    return draft


def _half_digit(value: Decimal) -> Decimal:
    """Half a unit of a printed number's last digit: how far rounding may have moved it."""
    return Decimal(5).scaleb(value.as_tuple().exponent - 1)


def _read_scopes(extraction: Extraction, draft: Draft) -> None:
    for found in extraction.values:
        draft.printed_rows.setdefault((found.line, found.label, found.unit), []).append(found)
        placed = place(_name(found), found.unit)
        if placed.metric not in _SCOPES or not found.unit:
            continue
        factor = _factor(found.unit, "tCO2e")
        if factor is None:
            continue
        draft.scope_figures.setdefault((found.year, placed.metric), []).append(
            (found.value * factor, _half_digit(found.value) * factor))


_SCOPES = ("ghg_scope1", "ghg_scope2", "ghg_scope3")


def _scopes_total(found: Found, draft: Draft, scopes: tuple[str, ...] = _SCOPES[:2]) -> bool:
    """Whether a GHG total that names no scope is, every year the report prints each of
    ``scopes``, their sum (as far as the printed digits tell): with Scope 1 and 2, it is
    the Scope 1 + 2 total and no Scope 3 is in it; with the three, the Scope 1 + 2 + 3
    total. A year that lacks one of them tells nothing; one year at least must tell."""
    if not found.unit:
        return False
    factor = _factor(found.unit, "tCO2e")
    if factor is None:
        return False
    checked = 0
    for printed in draft.printed_rows.get((found.line, found.label, found.unit), [found]):
        sums = _scope_sums(draft, printed.year, scopes)
        if not sums:
            continue
        total = printed.value * factor
        slack = _half_digit(printed.value) * factor
        if not any(abs(total - figure) <= slack + half for figure, half in sums):
            return False
        checked += 1
    return checked > 0


def _scope_sums(draft: Draft, year: int, scopes: tuple[str, ...]
                ) -> frozenset[tuple[Decimal, Decimal]]:
    """Every distinct sum of one printed figure of each of ``scopes`` in ``year``, with
    its half digits summed; empty when a scope has no figure that year. A report prints
    its Scope 1 and 2 figures again in summaries and repeated tables: the same figure
    printed twice adds no sum, so the sums stay as few as the distinct figures allow
    (trying every printing of each scope against every other grew as their product)."""
    cached = draft.scope_sums.get((year, scopes))
    if cached is not None:
        return cached
    sums: set[tuple[Decimal, Decimal]] = {(Decimal(0), Decimal(0))}
    for scope in scopes:
        figures = set(draft.scope_figures.get((year, scope), ()))
        sums = {(figure + more, half + more_half) for figure, half in sums
                for more, more_half in figures}
    result = frozenset(sums)
    draft.scope_sums[year, scopes] = result
    return result


def _divides_ghg(metric: str) -> bool:
    """Whether a vocabulary metric is GHG (Scope 1 + 2) divided by something, in any
    currency."""
    term = terms().get(metric)
    if term is not None and term.variant_of:
        term = terms().get(term.variant_of)
    return term is not None and term.numerator == "ghg"


def _scope3_printed(draft: Draft) -> bool:
    """Whether the report prints a Scope 3 figure."""
    return any(scope == "ghg_scope3" for _year, scope in draft.scope_figures)


def _same(first: Row, found: Found, unit: str) -> bool:
    """Whether a second printing gives the same figure as the first row (in one unit)."""
    if first.normalized is None:
        return False
    factor = _factor(unit, first.normalized_unit)
    if factor is None:
        return False
    return found.value * factor == first.normalized


_LABEL_PER = re.compile(r"\bper\s+([^()]+?)\s*$", re.IGNORECASE)
_Choice = tuple[str, bool, str, str, str, tuple[tuple[str, str], ...]]
# metric, proposed, note, unit the draft writes, how it was matched, basis the label states


def _unit_of(metric: str, catalog: Catalog) -> tuple[str, str]:
    """A catalog or vocabulary metric's unit and density."""
    if metric in catalog.metrics:
        return catalog.metrics[metric].unit, catalog.metrics[metric].density
    term = terms()[metric]
    return term.unit, term.density


def _converts(unit: str, target: str, density: str) -> bool:
    return _factor(unit, target, density) is not None


def _signed(metric: str, catalog: Catalog) -> bool:
    return metric in catalog.metrics and catalog.metrics[metric].signed


def _assign(found: Found, index: dict[str, dict[str, str]], catalog: Catalog,
            draft: Draft) -> _Choice:
    if found.unit:
        try:
            parse_printed(found.unit)
        except UnitError as exc:
            draft.unloadable.append((found, exc.message))
            return "", False, exc.message, found.unit, "", ()
    named = index.get(_fold(_name(found)), {})
    matches = sorted(named)
    if len(matches) == 1:
        metric = catalog.metrics[matches[0]]
        if not found.unit and named[metric.id] and not _converts(GENERIC, metric.unit,
                                                                  metric.density):
            return metric.id, False, (f"no unit printed; '{named[metric.id]}' as the "
                                      "catalog records this label"), named[metric.id], \
                "catalog label", ()
        choice = _placed(found, metric.id, "catalog label", (), catalog, draft)
        if not isinstance(choice, str):
            return choice
        why = choice
    elif matches:
        why = f"the label names several metrics: {', '.join(matches)}"
    else:
        placed = place(_name(found), found.unit)
        if ((not placed.metric and not placed.match or placed.match == METHOD_ONLY)
                and scopes(key(found.section))):
            # rows under a scope's own heading ("Scope 2" / "Market based"): the label
            # with the heading's words, which say which scopes a method's figure totals
            under = place(f"{found.section} {_name(found)}", found.unit)
            if under.metric or under.match:
                placed = msgspec.structs.replace(
                    under, match=f"{under.match} of the section '{found.section}'")
        why = placed.why
        if placed.why == UNSCOPED_GHG and _scopes_total(found, draft):
            placed = msgspec.structs.replace(placed, metric="ghg",
                                             match="sum of scope 1 and scope 2")
        elif placed.why == UNSCOPED_GHG and _scopes_total(found, draft, _SCOPES):
            placed = msgspec.structs.replace(placed, metric="ghg_scope1_2_3",
                                             match="sum of scopes 1, 2 and 3")
        if placed.metric:
            choice = _placed(found, placed.metric, placed.match, placed.basis, catalog, draft)
            if isinstance(choice, str):
                why = choice
            elif (_divides_ghg(choice[0]) and not scopes(key(_name(found)))
                  and _scope3_printed(draft)):
                # a GHG intensity that names no scopes, in a report that prints Scope 3:
                # it may divide Scope 1 + 2 + 3, which issuers print under the same words
                why = UNSCOPED_GHG_INTENSITY
            else:
                return choice
    if "prose" in found.flags:  # a clause is no name for a metric: left to the reviewer
        return "", False, f"prose: {why}", found.unit, "", ()
    return _propose(found, catalog, draft, why).id, True, why, found.unit or GENERIC, \
        "proposed", ()


def _placed(found: Found, metric: str, match: str, basis: tuple[tuple[str, str], ...],
            catalog: Catalog, draft: Draft) -> _Choice | str:
    """The choice of a vocabulary metric for a row, or why its unit refuses it: a unit of
    another dimension never gets the metric (kWh/person is not electricity)."""
    target, density = _unit_of(metric, catalog)
    unit = found.unit or GENERIC
    if not _converts(unit, target, density):
        # a ratio per revenue printed in another currency: the metric's variant in that
        # currency, when the vocabulary has one (a currency is never converted into another)
        currency = [term for term in variants_of(metric) if found.unit and _converts(
            found.unit, term.unit, term.density)] if metric in terms() else []
        if len(currency) == 1:
            return _placed(found, currency[0].id, f"{match}, the unit's currency", basis,
                           catalog, draft)
        # the label names a quantity and the unit divides it: its ratio, when exactly one
        # ratio of the vocabulary has that unit's dimension (kWh/person: electricity per
        # employee); never the quantity itself
        fitting = [term for term in ratios_of(metric) if found.unit and _converts(
            found.unit, *_unit_of(term.id, catalog))] if metric in terms() else []
        if len(fitting) == 1:
            return _placed(found, fitting[0].id, f"{match}, unit dimension", basis, catalog,
                           draft)
        # an intensity whose unit column prints the numerator only, the label saying what
        # it is per ("GHG emissions intensity per million RMB revenue" in tonnes)
        per = _LABEL_PER.search(_name(found))
        if found.unit and "/" not in found.unit and per:
            completed = f"{found.unit}/{per.group(1)}"
            if _converts(completed, target, density):
                if metric not in catalog.metrics:
                    draft.vocabulary.setdefault(metric, terms()[metric])
                return (metric, False, f"unit '{found.unit}' read per the label's "
                        f"'{per.group(1)}': {completed}", completed,
                        f"{match}, unit per the label", basis)
        if not found.unit:
            return (f"the label names '{metric}' ({match}), but prints no unit, and its unit "
                    f"is {target}")
        return (f"the label names '{metric}' ({match}), but '{found.unit}' does not convert "
                f"to its unit {target}")
    if metric not in catalog.metrics:
        draft.vocabulary.setdefault(metric, terms()[metric])
    note = "" if found.unit else f"no unit printed; counted in {target}, the metric's unit"
    return metric, False, note, unit, match, basis


def _propose(found: Found, catalog: Catalog, draft: Draft, why: str) -> Proposal:
    name = _name(found) or found.label
    base = _slug(name) if not has_chinese(name) else ""
    base = base if base[:1].isalpha() else (
        f"kpi_page_{found.page}_line_{found.line}" if found.page else f"kpi_line_{found.line}")
    metric_id, suffix = base, draft.suffixes.get(base, 2)
    while _taken(metric_id, catalog, draft):
        metric_id, suffix = f"{base}_{suffix}", suffix + 1
    draft.suffixes[base] = suffix
    # a proposal named as an existing metric would make that name ambiguous in every
    # command that resolves it ('revenue' naming two metrics): its name says its line
    if _taken(name, catalog, draft):
        name = f"{name} (line {found.line})"
    proposal = Proposal(metric_id, name, _unit_for(found.unit), _category(found), found.line,
                        name_zh=name if has_chinese(name) else "", why=why, page=found.page)
    draft.proposals[metric_id] = proposal
    draft.taken.update(_fold(text) for text in (metric_id, proposal.name, proposal.name_zh) if text)
    return proposal


def _taken(name: str, catalog: Catalog, draft: Draft) -> bool:
    """Whether an id or name is an id, name or alias of a catalog, vocabulary or proposed
    metric already."""
    return name in catalog.metrics or _fold(name) in draft.taken


def plain_number(value: Decimal) -> str:
    """A decimal as printed in a draft: never in exponent form."""
    return format(value, "f")
