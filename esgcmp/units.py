"""Units: the one pint registry, the printed-unit parser and cached conversion factors.

Reports print units as ``萬噸``, ``*10,000 tons``, ``hundred million kWh`` or
``千克標準煤╱ TB``. pint cannot read those (no spaces in names, no ``million``, and
``萬噸`` would be one undefined name), so :func:`parse_printed` splits each printed unit
into a decimal multiplier and a unit expression in esgcmp's own vocabulary
(``esgcmp/units.txt``); the printed words and magnitudes are data
(``esgcmp/printed_units.toml``). Conversion factors are computed once per (printed unit, target
unit) pair and cached: normalising a million values costs a million multiplications,
not a million pint conversions.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

import msgspec

from .errors import UnitError
from .files import packaged, packaged_toml

if TYPE_CHECKING:  # pint is imported lazily: most cached runs never need it
    import pint

ONE = Decimal(1)

# Limits on a unit's text (docs/security.md): reports print units of a few words, and
# pint's parser is neither linear in the length nor bounded in its exponents.
MAX_UNIT_CHARS = 64
MAX_PARENTHESES = 3  # nested
MAX_EXPONENT = 4  # t**2, kWh/m**3: whole exponents from -4 to 4
SCALE_RANGE = (Decimal("1e-15"), Decimal("1e15"))  # a unit's multiplier (萬 is 1e4, 億 1e8)

GENERIC = "count"  # a bare counter: it takes the counting unit of its metric


class Vocabulary(msgspec.Struct, frozen=True):
    """The printed forms esgcmp reads, from esgcmp/printed_units.toml."""

    english_magnitudes: tuple[tuple[str, Decimal], ...]
    chinese_magnitudes: tuple[tuple[str, Decimal], ...]
    words: dict[str, str]  # printed word (lower case) -> unit name
    case_sensitive: dict[str, str]
    counting_units: tuple[str, ...]
    currency_prefixes: dict[str, str]  # 人民幣 (in 人民幣億元) -> CNY


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = packaged_toml("printed_units.toml")
    words = {word.lower(): unit for unit, printed in data["words"].items() for word in printed}
    return Vocabulary(
        english_magnitudes=tuple((w, Decimal(f)) for w, f in data["magnitudes"]["english"].items()),
        chinese_magnitudes=tuple((w, Decimal(f)) for w, f in data["magnitudes"]["chinese"].items()),
        words=words, case_sensitive=dict(data["case_sensitive"]),
        counting_units=tuple(data["counting_units"]),
        currency_prefixes=dict(data["currency_prefixes"]))


_SLASHES = str.maketrans({"╱": "/", "／": "/", "⁄": "/", "∕": "/"})
_NUMBER = re.compile(r"^\*?\s*(\d[\d,]*(?:\.\d+)?)\s*")
_TRAILING_MAGNITUDE = re.compile(
    r"^(.+?)\s+((?:hundred |ten )?(?:million|billion|thousand))$", re.I)
_CURRENCY_WITH_NUMBER = re.compile(r"^(rmb|cny|hk\$|hkd|us\$|usd)\s*(\d[\d,]*(?:\.\d+)?)$", re.I)
_THOUSANDS = re.compile(r"^(.+?)\s*['\u2019]000$")  # HK$'000, RMB'000: in thousands


class PrintedUnit(msgspec.Struct, frozen=True):
    """A printed unit read as ``scale`` times the unit expression ``expr``."""

    text: str
    scale: Decimal
    expr: str
    generic: bool = False  # a bare counter that takes the metric's counting unit
    bare: bool = False  # only a magnitude (萬, "million"): the unit is the metric's


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The one pint registry, built from esgcmp/units.txt only (no pint defaults)."""
    import pint

    return pint.UnitRegistry(str(packaged("units.txt")), autoconvert_offset_to_baseunit=False,
                             on_redefinition="raise")


def _closing(text: str) -> int:
    """Index of the parenthesis closing the one at text[0], or -1."""
    depth = 0
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return index
    return -1


_EXPONENT = re.compile(r"(\w*)\s*(?:\*\*|\^)\s*(\(?\s*[-+]?[^\s)*/]*\)?)")
_MILLITONNE = re.compile(r"(?<![A-Za-z_])mt(?![A-Za-z_])")


def _fold(text: str) -> str:
    """A unit's text as it is read: compatibility forms folded to their plain ones (NFKC:
    full-width ``ｍｔ`` and ``＊＊``, mathematical letters, ``m²``), each slash a ``/``.
    Every check and every reading sees this text, so that a look-alike cannot pass a
    check its plain form fails."""
    return unicodedata.normalize("NFKC", text).translate(_SLASHES)


def _bounded(text: str) -> None:
    """Refuse a unit text that esgcmp will not hand to pint: too long, nested too deep, a
    power that is not a small whole number, a ``#`` (pint reads the rest as a comment), or
    ``mt`` (which reports use for metric tons or Mt, and pint reads as a millitonne)."""
    if len(text) > MAX_UNIT_CHARS or len(_fold(text)) > MAX_UNIT_CHARS:
        raise UnitError(f"unit '{text[:20]}...' is longer than {MAX_UNIT_CHARS} characters",
                        fix="give the unit as printed, e.g. '萬噸' or 'tons'")
    folded = _fold(text)
    if "#" in folded:
        raise UnitError(f"unit '{text}': '#' is not part of a unit",
                        fix="give the unit as printed, e.g. '萬噸' or 'tons'")
    depth = 0
    for char in folded:
        depth += (char in "(（") - (char in ")）")
        if depth > MAX_PARENTHESES:
            raise UnitError(f"unit '{text}' nests parentheses deeper than {MAX_PARENTHESES}")
    for match in _EXPONENT.finditer(folded):
        power = match.group(2).strip("() ")
        most = 15 if match.group(1) == "10" else MAX_EXPONENT  # 10^4 CNY
        if not re.fullmatch(r"[-+]?[0-9]{1,2}", power) or abs(int(power)) > most:
            raise UnitError(f"unit '{text}': the power '{match.group(2)}' is not a whole "
                            f"number from -{most} to {most}")
    if _MILLITONNE.search(folded):
        raise UnitError(f"unit '{text}': 'mt' is ambiguous (metric tons or megatonnes, read "
                        "as millitonnes by unit libraries)", fix="write t or Mt")


def _scaled(text: str, scale: Decimal) -> Decimal:
    """The multiplier of a unit, if it is a positive number of a plausible size."""
    low, high = SCALE_RANGE
    if not (scale.is_finite() and low <= scale <= high):
        raise UnitError(f"unit '{text}' has the multiplier {scale:.3g}, outside 1e-15 to 1e15",
                        fix="a unit's multiplier is a positive number such as 10,000 or 萬")
    return scale


# A prefixed length squared or cubed: pint reads km2 as k x m2 (1,000 m2), not (km)2.
# Mm3 stays as it is: reports print it for a million m3, which is what pint reads
_PREFIXED_POWER = re.compile(r"(?<![A-Za-z_])([km]m)([23])(?![A-Za-z0-9_])")
# A mass of CO2 or CO2-equivalent as reports spell it: "tCO 2 e" (a subscript set apart
# by a PDF converter), "tonne of CO2-e", "t CO2-eq.", "kt CO2 eq", "t-CO2" are all tCO2e
# (or kt..., kg...); CO2 alone is counted as CO2e, as units.txt defines tCO2.
_CO2E = re.compile(r"\b(kg|kt|t|tons?|tonnes?|metric tons?|metric tonnes?)\s*(?:of\s+)?-?\s*"
                   r"co\s?2(?:\s*-?\s*(?:eq\b\.?|equivalent\b|e\b)|\b)", re.I)
_CO2E_MASS = {"kg": "kg", "kt": "kt"}
# "000 kWh", "'000 kWh": a heading's thousands before the unit, as "kWh'000" after it
_LEADING_THOUSANDS = re.compile(r"^['\u2018\u2019]?000\s*(?=[^\d\s,.])")
# what a currency divides: "HKD'000 revenue", "US$ million sales" are amounts of revenue
_OF_REVENUE = re.compile(r"\s+(?:of\s+)?(?:revenue|revenues|sales|turnover)$", re.I)
# "Revenue (HKD million)": the word first, the currency and its magnitude in brackets
_REVENUE_IN = re.compile(r"^(?:revenue|revenues|sales|turnover)\s*\((.+)\)$", re.I)


# "tonnes per sq.m.", "kWh per employee" are ratios; "per cent" is a percentage
_PER = re.compile(r"\s+per\s+(?!cent\b)", re.I)


_CURRENCIES = frozenset({"CNY", "HKD", "USD"})


def _co2e(match: re.Match[str]) -> str:
    return f"{_CO2E_MASS.get(match.group(1).lower(), 't')}CO2e"


def _clean(text: str) -> str:
    text = _PREFIXED_POWER.sub(r"\1**\2", _fold(text))
    text = re.sub(r"\s+", " ", text).strip()
    text = _CO2E.sub(_co2e, text)
    text = _PER.sub("/", text)
    while len(text) > 1 and text[0] == "(" and _closing(text) == len(text) - 1:
        text = text[1:-1].strip()
    return re.sub(r"\s*/\s*", "/", text)


def _named_currency(text: str) -> tuple[Decimal, str, bool] | None:
    """人民幣億元, 港幣百萬元: a currency, Chinese magnitudes, then 元 (that currency's unit)."""
    for prefix, currency in vocabulary().currency_prefixes.items():
        if not text.startswith(prefix) or not text.endswith("元"):
            continue
        rest, scale = text[len(prefix):-1].strip(), ONE
        while rest:
            for word, factor in vocabulary().chinese_magnitudes:
                if rest.startswith(word):
                    scale *= factor
                    rest = rest[len(word):].strip()
                    break
            else:
                break
        if not rest:
            return scale, currency, False
    return None


def _parse_term(term: str, printed: str) -> tuple[Decimal, str, bool]:
    """One side of a ratio: leading magnitudes, then a unit word."""
    scale = ONE
    rest = term.strip().lstrip("*").strip()
    inside = _REVENUE_IN.match(rest)
    if inside:
        rest = f"{inside.group(1).strip()} revenue"
    revenue = _OF_REVENUE.sub("", rest)
    if revenue != rest:  # "HKD'000 revenue": an amount of money, or no unit at all
        scale, unit, generic = _parse_term(revenue, printed)
        if unit not in _CURRENCIES:
            raise UnitError(f"unknown unit '{printed}' (cannot read '{rest}': revenue in no "
                            "currency)", fix="name the currency, e.g. RMB million revenue")
        return scale, unit, generic
    rest = _LEADING_THOUSANDS.sub("thousand ", rest)
    words = vocabulary().words
    currency = _CURRENCY_WITH_NUMBER.match(rest)
    if currency:  # "RMB10,000", "HK$1,000": a currency amount used as a unit
        return (_scaled(printed, Decimal(currency.group(2).replace(",", ""))),
                words[currency.group(1).lower()], False)
    thousands = _THOUSANDS.match(rest)
    if thousands and thousands.group(1).lower() in words:
        return Decimal(1000), words[thousands.group(1).lower()], False
    named = _named_currency(rest)
    if named is not None:
        return named
    trailing = _TRAILING_MAGNITUDE.match(rest)
    if trailing and trailing.group(1).lower() in words:  # "RMB million"
        rest = f"{trailing.group(2)} {trailing.group(1)}"
    while rest:
        key = rest.lower()
        if key in words:
            break
        number = _NUMBER.match(rest)
        if number:
            scale *= _scaled(printed, Decimal(number.group(1).replace(",", "")))
            rest = rest[number.end():]
            continue
        for word, factor in vocabulary().english_magnitudes:
            if key == word or key.startswith(word + " ") or key.startswith(word + "-"):
                scale *= factor
                rest = rest[len(word):].lstrip(" -")
                break
        else:
            for word, factor in vocabulary().chinese_magnitudes:
                if rest.startswith(word) and (len(rest) > len(word) or rest == term.strip()):
                    scale *= factor
                    rest = rest[len(word):].strip()
                    break
            else:
                break
    if not rest:
        return scale, "", True
    word = words.get(rest.lower())
    if word is not None:
        return scale, word, word == GENERIC
    try:
        registry().parse_units(rest)
    except Exception as exc:  # pint raises several unrelated types for bad input
        raise UnitError(f"unknown unit '{printed}' (cannot read '{rest}')",
                        fix="see docs/units.md for the unit forms esgcmp reads") from exc
    return scale, rest, False


@lru_cache(maxsize=4096)
def parse_printed(text: str) -> PrintedUnit:
    """Read a unit as printed in a report: ``萬噸`` -> 10000 x t."""
    if not isinstance(text, str) or not text.strip():
        raise UnitError("empty unit", fix="give the unit as printed, e.g. '萬噸' or 'tons'")
    _bounded(text)
    cleaned = _clean(text)
    known = vocabulary()
    if cleaned in known.case_sensitive:
        return PrintedUnit(text, ONE, known.case_sensitive[cleaned])
    if cleaned.lower() in known.words:
        word = known.words[cleaned.lower()]
        return PrintedUnit(text, ONE, word, word == GENERIC)
    parts = cleaned.split("/")
    if any(not part.strip() for part in parts):
        raise UnitError(f"unknown unit '{text}' (empty side of '/')")
    scale, expr, generic = _parse_term(parts[0], text)
    if len(parts) == 1 and not expr:
        return PrintedUnit(text, scale, GENERIC, generic=True, bare=True)
    expr = expr or GENERIC
    for part in parts[1:]:
        den_scale, den_expr, den_generic = _parse_term(part, text)
        scale /= den_scale
        expr = f"{expr} / ({den_expr or GENERIC})"
        generic = generic or den_generic
    return PrintedUnit(text, _scaled(text, scale), expr, generic)


class TargetUnit(msgspec.Struct, frozen=True):
    """A metric's comparison unit: ``kgce/(10^4 CNY)`` is scale 1e-4 x kgce/CNY."""

    text: str
    scale: Decimal
    expr: str


@lru_cache(maxsize=1024)
def parse_target(text: str) -> TargetUnit:
    """Parse a unit the user or the catalog names as a comparison unit."""
    if not isinstance(text, str) or not text.strip():
        raise UnitError("empty unit")
    _bounded(text)
    cleaned = _clean(text)
    word = vocabulary().words.get(cleaned.lower())
    if word is not None and word != GENERIC:
        return TargetUnit(text, ONE, word)
    try:
        quantity = registry().parse_expression(cleaned.replace("^", "**"))
    except Exception as exc:
        raise UnitError(f"unknown unit '{text}'",
                        fix="use a unit such as tce, MWh, t, tCO2e, CNY, persons, "
                            "person_times, percent (docs/units.md)") from exc
    if not hasattr(quantity, "units"):
        raise UnitError(f"'{text}' is a number, not a unit")
    return TargetUnit(text, _scaled(text, _to_decimal(quantity.magnitude)), str(quantity.units))


def is_density(text: str) -> bool:
    """Whether a unit expression (``1 t/m3``) is a mass per volume; UnitError if it is not
    a unit at all."""
    target = parse_target(text)
    dimensions = registry().Quantity(1, target.expr).dimensionality
    return dict(dimensions) == {"[mass]": 1, "[length]": -3}


def _to_decimal(number: float | int) -> Decimal:
    """A float factor as a Decimal with 15 significant digits (drops binary noise)."""
    if isinstance(number, int):
        return Decimal(number)
    return Decimal(f"{number:.15g}")  # inf and nan stay themselves


def format_decimal(number: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: 1E+4 -> 10000."""
    text = f"{number.normalize():f}"
    return text


def printed_digits(number: Decimal) -> str:
    """A printed figure with every digit its report prints (690.0, 5.90), without exponent."""
    return f"{number:f}"


def _co2e_as_mass(expr: str) -> str:
    return re.sub(r"(?<=[kMGt])CO2e\b|(?<=\bg)CO2e\b|_CO2e\b", "", expr)


class Conversion(msgspec.Struct, frozen=True):
    """How a printed unit becomes a target unit: value x factor, and why."""

    factor: Decimal
    note: str = ""


def _pint_factor(source_expr: str, target: TargetUnit) -> Decimal:
    ureg = registry()
    if source_expr == target.expr:
        return ONE / target.scale
    magnitude = ureg.Quantity(1, source_expr).to(target.expr).magnitude
    return _to_decimal(magnitude) / target.scale


@lru_cache(maxsize=8192)
def conversion(printed: str, target_text: str, density: str = "") -> Conversion:
    """The factor that turns a value printed in ``printed`` into ``target_text``.

    A bare mass printed under a greenhouse-gas metric is read as CO2-equivalent, and a
    bare counter (個, "million" subscribers) as the metric's counting unit; both are said
    in the note. A metric with a ``density`` (water: ``1 t/m3``) takes a volume for its
    mass or a mass for its volume, and the note says at what density. Anything else
    that does not fit raises :class:`UnitError`.
    """
    import pint

    source = parse_printed(printed)
    target = parse_target(target_text)
    attempts: list[tuple[str, str, str]] = [(source.expr, target.expr, "")]
    if "CO2e" in target.expr:
        attempts.append((source.expr, _co2e_as_mass(target.expr), "mass read as CO2e"))
    if source.generic:
        for unit in vocabulary().counting_units:
            attempts.append((source.expr.replace(GENERIC, unit), target.expr,
                             f"counter read as {unit}"))
    if source.bare:
        attempts.append((target.expr, target.expr, "magnitude only; unit taken from the metric"))
    if re.search(r"/ \(?person\b", target.expr) and "person" not in source.expr:
        attempts.append((f"({source.expr}) / person", target.expr,
                         "per-capita figure; the printed unit omits 'per person'"))
    tried = [(source_expr, target_expr, note, ONE) for source_expr, target_expr, note in attempts]
    if density:  # the density's number is a factor of its own: pint takes only a unit
        weight = parse_target(density)  # checked when the catalog was read
        tried += [(f"({source.expr}) * ({weight.expr})", target.expr,
                   f"volume read as mass at {density}", weight.scale),
                  (f"({source.expr}) / ({weight.expr})", target.expr,
                   f"mass read as volume at {density}", ONE / weight.scale)]
    for source_expr, target_expr, note, multiplier in tried:
        try:
            factor = _pint_factor(source_expr, TargetUnit(target.text, target.scale, target_expr))
        except (pint.errors.DimensionalityError, pint.errors.UndefinedUnitError):
            continue
        return Conversion(source.scale * factor * multiplier, note)
    raise _dimension_error(printed, source.expr, target_text, target.expr,
                           "the dimensions differ; check the unit and the metric",
                           "enter {held} figures under a metric in {held} "
                           "(docs/units.md#currencies)")


class InOtherCurrency(msgspec.Struct, frozen=True):
    """A printed amount in another currency than the metric's: the factor to the metric's
    unit with the printed currency in the place of the metric's, the printed currency
    ("HKD"; "/HKD" for an amount per HKD) and the metric's ("CNY")."""

    factor: Decimal
    currency: str
    metric_currency: str


@lru_cache(maxsize=256)
def in_other_currency(printed: str, target_text: str) -> InOtherCurrency | None:
    """How a value printed in ``printed`` is in ``target_text`` but for its currency, or
    None when the two differ in more than one currency (or not in currency at all).

    esgcmp holds no exchange rate: such a value is kept in its own currency and converted
    only with a rate the user gives (esgcmp.fx); the catalog holds what was printed.
    """
    ureg = registry()
    source, target = parse_printed(printed), parse_target(target_text)
    have = dict(ureg.Quantity(1, source.expr).dimensionality)
    want = dict(ureg.Quantity(1, target.expr).dimensionality)
    held, wanted = _currencies(have), _currencies(want)
    if len(held) != 1 or len(wanted) != 1 or held == wanted:
        return None
    held_dimension = "[currency]" if held[0] == "CNY" else f"[currency_{held[0]}]"
    power = have[held_dimension]
    if power not in (1, -1):
        return None
    # the printed currency's names in the expression (HKD, hong_kong_dollar) become the
    # metric's currency, so that only the rate is left to apply
    swapped = re.sub(r"[A-Za-z_]\w*", lambda name: wanted[0] if dict(
        ureg.Quantity(1, name.group()).dimensionality) == {held_dimension: 1}
        else name.group(), source.expr)
    try:
        factor = _pint_factor(swapped, target)
    except (pint.errors.DimensionalityError, pint.errors.UndefinedUnitError):
        return None
    return InOtherCurrency(source.scale * factor, held[0] if power == 1 else f"/{held[0]}",
                           wanted[0])


def currency_of(target_text: str) -> str:
    """The currency a comparison unit is in ("CNY" for ``tCO2e/(10^6 CNY)``), or ''."""
    found = _currencies(registry().Quantity(1, parse_target(target_text).expr).dimensionality)
    return found[0] if len(found) == 1 else ""


def currencies() -> frozenset[str]:
    """The currencies esgcmp reads amounts in (units.txt), by their codes."""
    return _CURRENCIES


def _dimension_error(from_text: str, from_expr: str, to_text: str, to_expr: str,
                     fix: str, currency_fix: str = "") -> UnitError:
    ureg = registry()
    have = ureg.Quantity(1, from_expr).dimensionality
    want = ureg.Quantity(1, to_expr).dimensionality
    held, wanted = _currencies(have), _currencies(want)
    if held and wanted and held != wanted:
        return UnitError(f"cannot convert '{from_text}' to '{to_text}': "
                         f"{' and '.join(held)} is not {' and '.join(wanted)}, and esgcmp never "
                         "converts one currency into another (that takes an exchange rate)",
                         fix=currency_fix.format(held=" and ".join(held),
                                                 wanted=" and ".join(wanted)) or fix)
    return UnitError(f"cannot convert '{from_text}' ({have}) to '{to_text}' ({want})", fix=fix)


def _currencies(dimensionality: object) -> list[str]:
    """The currencies in a dimensionality: [currency] is CNY, [currency_HKD] is HKD."""
    return sorted("CNY" if name == "[currency]" else name[len("[currency_"):-1]
                  for name in dimensionality  # type: ignore[attr-defined]
                  if name.startswith("[currency"))


# Factors between comparison units worked out so far. The session keeps them in the cache
# (learned / remember), so that a repeated command needs no pint at all: importing pint
# and building its registry costs 100-250 ms, several times a warm command's whole time.
_KNOWN_FACTORS: dict[tuple[str, str], Decimal] = {}
_REMEMBERED: set[tuple[str, str]] = set()


def target_factor(from_text: str, to_text: str, density: str = "") -> Decimal:
    """The factor from one comparison unit to another (``--unit``); with the metric's
    ``density`` (water: ``1 t/m3``), a mass to a volume or back. UnitError if they differ
    in dimension (and the density does not bridge them)."""
    key = (from_text, to_text)
    if key in _KNOWN_FACTORS:
        return _KNOWN_FACTORS[key]
    bridged = _density_key(from_text, to_text, density)
    if density and bridged in _KNOWN_FACTORS:
        return _KNOWN_FACTORS[bridged]
    try:
        _KNOWN_FACTORS[key] = _target_factor(from_text, to_text)
    except UnitError:
        if not density:
            raise
        _KNOWN_FACTORS[bridged] = _density_factor(from_text, to_text, density)
        return _KNOWN_FACTORS[bridged]
    return _KNOWN_FACTORS[key]


def _density_key(from_text: str, to_text: str, density: str) -> tuple[str, str]:
    return (from_text, f"{to_text} at {density}")


def by_density(from_text: str, to_text: str, density: str) -> bool:
    """Whether target_factor turned one into the other through the density."""
    return bool(density) and _density_key(from_text, to_text, density) in _KNOWN_FACTORS


def _density_factor(from_text: str, to_text: str, density: str) -> Decimal:
    import pint

    source, target, weight = parse_target(from_text), parse_target(to_text), parse_target(density)
    for expr, scale in ((f"({source.expr}) / ({weight.expr})", 1 / weight.scale),
                        (f"({source.expr}) * ({weight.expr})", weight.scale)):
        try:
            return source.scale * scale * _pint_factor(expr, target)
        except pint.errors.DimensionalityError:
            continue
    raise _dimension_error(from_text, source.expr, to_text, target.expr,
                           "choose a unit of the same dimension")


def remember(factors: dict[tuple[str, str], Decimal]) -> None:
    """Take the factors an earlier run of this esgcmp worked out (``learned``)."""
    _KNOWN_FACTORS.update(factors)
    _REMEMBERED.update(factors)


def learned() -> dict[tuple[str, str], Decimal]:
    """The factors worked out in this run, not taken from an earlier one."""
    return {key: factor for key, factor in _KNOWN_FACTORS.items() if key not in _REMEMBERED}


def forget() -> None:
    """Drop every factor known (they are worked out again when needed)."""
    _KNOWN_FACTORS.clear()
    _REMEMBERED.clear()


def _target_factor(from_text: str, to_text: str) -> Decimal:
    import pint

    source, target = parse_target(from_text), parse_target(to_text)
    try:
        return source.scale * _pint_factor(source.expr, target)
    except pint.errors.DimensionalityError:
        raise _dimension_error(from_text, source.expr, to_text, target.expr,
                               "choose a unit of the same dimension",
                               "give a unit in {held}") from None
