"""Exact amounts: what parses, what is refused, and nothing in between."""

import pytest

from reserves.units import AmountError, parse_base_units, to_base_units


@pytest.mark.parametrize("text, value", [
    ("0", 0), ("58300000000000000", 58300000000000000), ("007", 7), ("+5", 5),
    ("12.000", 12), (" 42 ", 42), ("1" * 40, int("1" * 40)),
])
def test_base_units_parse_exactly(text, value):
    assert parse_base_units(text) == value


@pytest.mark.parametrize("text", ["1.5", "-1", "1_000", "1e3", "\uff11\uff12", "\u00b2",
                                  "", "0x10", "1,000", "nan"])
def test_base_units_refuse_anything_but_plain_digits(text):
    with pytest.raises(AmountError):
        parse_base_units(text)


def test_decimal_strings_become_base_units_without_rounding():
    assert to_base_units("0.148960774325814037", 18) == 148960774325814037
    assert to_base_units("1.50", 1) == 15
    with pytest.raises(AmountError, match="decimal places"):
        to_base_units("1.05", 1)
