"""Exact amounts: decimal strings in, integers in base units out, and back.

Money never passes through a float. Published files write amounts as
decimal strings ("0.148960774325814037") or as integers already in base
units ("58300000000000000"); both are parsed digit by digit here.
``Decimal`` is used only to show amounts and to compare rounded totals.
"""

from __future__ import annotations

import re
from decimal import Decimal

_DECIMAL = re.compile(r"\+?([0-9]+)(?:\.([0-9]*))?|\+?\.([0-9]+)")


class AmountError(ValueError):
    """The text is not a non-negative decimal number."""


def split_decimal(text: str) -> tuple[str, str]:
    """Return the integer and fraction digits of a plain decimal string.

    Raises AmountError for anything else: signs other than '+', exponents,
    thousands separators, NaN, empty text.
    """
    s = text.strip()
    m = _DECIMAL.fullmatch(s)
    if not m:
        raise AmountError(f"not a non-negative decimal number: {text!r}")
    if m.group(3) is not None:
        return "0", m.group(3)
    return m.group(1), m.group(2) or ""


def to_base_units(text: str, decimals: int) -> int:
    """Parse ``text`` (a decimal amount in whole units) into base units.

    More fraction digits than ``decimals`` is an error unless the extra
    digits are zeros: silently rounding an amount would change it.
    """
    whole, frac = split_decimal(text)
    if len(frac) > decimals:
        extra = frac[decimals:]
        if extra.strip("0"):
            raise AmountError(
                f"{text.strip()!r} has {len(frac.rstrip('0'))} decimal places, "
                f"more than the asset's {decimals}")
        frac = frac[:decimals]
    return int(whole) * 10 ** decimals + int(frac.ljust(decimals, "0") or "0")


def parse_base_units(text: str) -> int:
    """Parse an integer amount already written in base units."""
    if text.isdigit() and text.isascii():  # the common case, without the regex
        return int(text)
    whole, frac = split_decimal(text)
    if frac.strip("0"):
        raise AmountError(f"not a whole number of base units: {text!r}")
    return int(whole)


def fraction_digits(text: str) -> int:
    """Number of significant fraction digits written in ``text``."""
    return len(split_decimal(text)[1].rstrip("0"))


def to_decimal(amount: int, decimals: int) -> Decimal:
    """Exact Decimal value of ``amount`` base units (for display and comparison)."""
    return Decimal(amount).scaleb(-decimals)


def format_units(amount: int, decimals: int) -> str:
    """Exact decimal string of ``amount`` base units, without trailing zeros."""
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10 ** decimals) if decimals else (abs(amount), 0)
    if not decimals or not frac:
        return f"{sign}{whole}"
    return f"{sign}{whole}." + str(frac).rjust(decimals, "0").rstrip("0")
