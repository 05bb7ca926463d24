"""The one decimal context of esgcmp and the limits of a number it reads.

Every number esgcmp computes with comes from a number it read: a reported value (at most
20 significant digits, 1e-20 <= |x| < 1e20; docs/security.md) times a unit's multiplier
(1e-15 to 1e15, ``units.SCALE_RANGE``). So a value in its metric's unit lies within
1e-35 to 1e35, a quotient of two (an intensity, a change in percent, an emission factor)
within 1e-72 to 1e72, and a comparison unit (``--unit``) moves it by at most 1e30 more.
The context below holds 120 digits, so that rounding any of these to a fixed number of
places (``quantize``) fits, and its exponents reach far beyond them, so that no accepted
number can make arithmetic fail: the bounds are checked once, where numbers enter
(:func:`read_number`, :func:`out_of_bounds`), not at each of the places that compute.

Quotients that are shown are cut to a double's digits (``precision.quotient``), then to
the digits their printed inputs allow (``precision.shown``), and a figure for people is
rounded to at most 4 places, so the wider precision changes no figure the documented
commands print for the built-in catalog; a product of many digits (20 of a
value times 15 of a factor) now keeps all of them in CSV and JSON, where 28 had been kept.
"""

from __future__ import annotations

import decimal
from decimal import Decimal, InvalidOperation

MAX_DIGITS = 20  # significant digits of a number read
MIN_ADJUSTED, MAX_ADJUSTED = -20, 19  # 1e-20 <= |x| < 1e20: the adjusted exponent's range
# The exponent of the last digit of a number read: 0.000 (-3) is a zero printed to three
# places; 0e999999999 is no printing of anything.
MIN_EXPONENT, MAX_EXPONENT = MIN_ADJUSTED - MAX_DIGITS + 1, MAX_ADJUSTED

CONTEXT = decimal.Context(
    prec=120, Emax=999_999, Emin=-999_999, rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])

LIMITS = (f"at most {MAX_DIGITS} significant digits, between 1e{MIN_ADJUSTED} "
          f"and 1e{MAX_ADJUSTED + 1}")


def install() -> None:
    """Make CONTEXT the context of this thread and of threads started from now on."""
    decimal.setcontext(CONTEXT.copy())
    decimal.DefaultContext.prec = CONTEXT.prec
    decimal.DefaultContext.Emax = CONTEXT.Emax
    decimal.DefaultContext.Emin = CONTEXT.Emin


def out_of_bounds(number: Decimal) -> bool:
    """Whether a number lies outside what esgcmp reads (LIMITS): too many digits, too large
    or too small, written with an exponent no printed figure has, or not finite."""
    if not number.is_finite():
        return True
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if not MIN_EXPONENT <= exponent <= MAX_EXPONENT:
        return True
    if not number:
        return False
    return len(digits) > MAX_DIGITS or not MIN_ADJUSTED <= number.adjusted() <= MAX_ADJUSTED


def entered(number: Decimal) -> Decimal | None:
    """A number as esgcmp keeps it, or None when it lies outside LIMITS: a zero is never
    negative (``-0.0`` is the zero 0.0; a sign on nothing is no figure)."""
    if out_of_bounds(number):
        return None
    return number.copy_abs() if not number and number.is_signed() else number


def read_number(text: str) -> Decimal | None:
    """The number a plain text writes (``1234.5``, ``-0.3``, ``1e5``), or None when it is not
    one or lies outside LIMITS: the one reading of a number from text (a report's cell, an
    option), so that every number computed with is within the bounds CONTEXT holds."""
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return entered(number)


install()
