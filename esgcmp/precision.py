"""What a printed figure stands for: the range its printed precision allows.

A report prints rounded figures: 46.6 stands for anything from 46.55 to 46.65, 13.2 百萬噸
for 13.15-13.25 Mt, 8610 萬戶 for 8609.5-8610.5 萬戶. Two printings, or a total and the
sum of its parts, or a ratio and the quotient of its terms, agree when their ranges
meet; a difference that rounding can explain is no finding, one it cannot is, however
small in percent (docs/checks.md). A hedged figure (約 8600) stands for a range of half
a unit of its last non-zero digit either side (8550-8650).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

import msgspec

HALF = Decimal("0.5")


class Range(msgspec.Struct, frozen=True):
    """A closed range of numbers, ``low`` <= ``high``."""

    low: Decimal
    high: Decimal

    def meets(self, other: Range) -> bool:
        return self.low <= other.high and other.low <= self.high

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def scaled(self, factor: Decimal) -> Range:
        ends = (self.low * factor, self.high * factor)
        return Range(min(ends), max(ends))

    def over(self, other: Range) -> Range | None:
        """self / other, or None when ``other`` may be 0."""
        if other.low <= 0 <= other.high:
            return None
        ends = [a / b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Range(min(ends), max(ends))

    def distance(self, other: Range) -> Decimal:
        """How far apart the two are (0 when they meet)."""
        return max(other.low - self.high, self.low - other.high, Decimal(0))


def half_unit(number: Decimal, approx: bool = False) -> Decimal:
    """Half a unit of the last printed digit (of the last non-zero one when hedged)."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only
    if approx and number != 0:  # 約 8600: the zeros are rounding too
        stripped = number.normalize().as_tuple().exponent
        assert isinstance(stripped, int)
        exponent = max(exponent, stripped)
    return HALF * Decimal(1).scaleb(exponent)


def printed_range(number: Decimal, approx: bool = False, factor: Decimal = Decimal(1)) -> Range:
    """The range a printed ``number`` stands for, times ``factor`` (to the metric's unit)."""
    half = half_unit(number, approx)
    return Range(number - half, number + half).scaled(factor)


def exact(number: Decimal) -> Range:
    """A number that stands for itself (computed, not printed)."""
    return Range(number, number)


def quotient(value: Decimal) -> Decimal:
    """A quotient (an intensity, an implied denominator) to the precision of a double, the
    shortest digits that read back as the same double: 28 digits of a division are noise,
    while a printed or summed value keeps every digit it has."""
    return Decimal(repr(float(value)))


# ---- the digits of a computed figure (docs/output.md#digits) -----------------------------

def significant(number: Decimal, approx: bool = False) -> int:
    """The significant digits of a printed figure: from its first non-zero digit to its
    last printed one (to its last non-zero one when hedged: 約 172000 has 3); 1 for a zero."""
    if not number:
        return 1
    return max(1, number.adjusted() - (half_unit(number, approx) * 2).adjusted() + 1)


def shown(number: Decimal, span: Range | None, digits: int | None = None) -> Decimal:
    """A computed figure to the digits its inputs allow, the one rule of docs/output.md:
    rounded at the decimal place of the width of ``span`` (the range the inputs' printed
    ranges allow it: the first digit rounding can change), and to no more than ``digits``
    significant digits (a quotient's: those of its least precise input) while that stays
    inside ``span`` (half up, as a spreadsheet's ROUND); a digit finer when rounding would
    leave ``span``, and never fewer than one significant digit (a range wider than the
    figure rounds nothing away to 0).
    Unchanged when ``span`` is None or a point (exact inputs: nothing to round away)."""
    if span is None or not number.is_finite():
        return number
    width = span.high - span.low
    if not width:
        return number
    place = width.adjusted()
    if number:  # at least its first digit: a change of 20 % is never shown as 0
        place = min(place, number.adjusted())
    if digits is not None and number:
        coarser = number.adjusted() - digits + 1
        if coarser > place:
            rounded = number.quantize(Decimal(1).scaleb(coarser), rounding=ROUND_HALF_UP)
            if span.low <= rounded <= span.high:
                return rounded
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    while place > exponent:
        rounded = number.quantize(Decimal(1).scaleb(place), rounding=ROUND_HALF_UP)
        if span.low <= rounded <= span.high:
            return rounded
        place -= 1
    return number


def difference(after: Range, before: Range) -> Range:
    """The range of ``after - before``."""
    return Range(after.low - before.high, after.high - before.low)


def change_pct_range(before: Range, after: Range) -> Range | None:
    """The range of a change from ``before`` to ``after`` in per cent of ``|before|``, or
    None when ``before`` may be 0."""
    if before.low <= 0 <= before.high:
        return None
    size = before if before.low > 0 else Range(-before.high, -before.low)
    ratio = after.over(size)
    assert ratio is not None
    sign = Decimal(-1) if before.low > 0 else Decimal(1)  # (after - before) / |before|
    return Range((ratio.low + sign) * 100, (ratio.high + sign) * 100)


def cagr_range(before: Range, after: Range, years: int) -> Range | None:
    """The range of a compound annual rate in per cent, or None unless both ranges lie
    above 0 (the rate grows with ``after`` and falls with ``before``)."""
    if before.low <= 0 or after.low <= 0:
        return None
    root = Decimal(1) / years
    return Range(((after.low / before.high) ** root - 1) * 100,
                 ((after.high / before.low) ** root - 1) * 100)


def ends(span: Range, like: Decimal) -> list[Decimal]:
    """A range's ends for people and files: rounded outwards at the last digit of
    ``like`` (the figure it is the range of), so that it still holds the whole range."""
    exponent = like.as_tuple().exponent
    assert isinstance(exponent, int)
    unit = Decimal(1).scaleb(exponent)
    return [span.low.quantize(unit, rounding=ROUND_FLOOR),
            span.high.quantize(unit, rounding=ROUND_CEILING)]
