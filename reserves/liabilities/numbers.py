"""Decimal strings as liabilities files write them, parsed to exact integers.

Each scheme hashes its amounts as text, so the text matters as much as the
value: OKX writes shopspring ``String()`` after ``RoundDown(8)``, MEXC Java
``stripTrailingZeros().toPlainString()``. Both are "plain digits, no
exponent, no trailing fraction zeros, '0' for zero", which ``plain`` writes.
"""

from __future__ import annotations

U64_MAX = (1 << 64) - 1
U128_MAX = (1 << 128) - 1


class NumberError(ValueError):
    pass


def scaled(text: str, places: int) -> int:
    """``text`` (e.g. "-0.0000487") as an integer of 10**-places units."""
    negative = text.startswith("-")
    body = text[1:] if negative else text
    whole, dot, frac = body.partition(".")
    if not whole.isdigit() or (dot and not frac.isdigit()) or not whole.isascii() \
            or not frac.isascii():
        raise NumberError(f"{text!r} is not a plain decimal number")
    if len(frac) > places:
        if frac[places:].strip("0"):
            raise NumberError(f"{text!r} has more than {places} decimal places")
        frac = frac[:places]
    value = int(whole + frac.ljust(places, "0"))
    return -value if negative else value


def plain(value: int, places: int) -> str:
    """Canonical text of ``value`` units of 10**-places: '0.00005', '6', '-1.5'."""
    sign = "-" if value < 0 else ""
    digits = str(abs(value)).rjust(places + 1, "0")
    whole, frac = digits[:-places] if places else digits, digits[-places:] if places else ""
    frac = frac.rstrip("0")
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def fraction_places(text: str) -> int:
    return len(text.partition(".")[2])

