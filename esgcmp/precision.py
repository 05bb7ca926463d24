"""What a printed figure stands for: the range its printed precision allows.

A report prints rounded figures: 46.6 stands for anything from 46.55 to 46.65, 13.2 百萬噸
for 13.15-13.25 Mt, 8610 萬戶 for 8609.5-8610.5 萬戶. Two printings, or a total and the
sum of its parts, or a ratio and the quotient of its terms, agree when their ranges
meet; a difference that rounding can explain is no finding, one it cannot is, however
small in percent (docs/checks.md). A hedged figure (約 8600) stands for a range of half
a unit of its last non-zero digit either side (8550-8650).
"""

from __future__ import annotations

from decimal import Decimal

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
