"""Check a file's totals section against its own address rows.

Exchanges publish per-coin totals ("USDT-TRC20,46095694,5436.9044") and
group totals ("USDT(ALL)") above the address table. Each per-coin line must
equal the sum of that coin's rows, and each group line the sum of its
per-coin lines (or of its rows when it has none). A group "X(ALL)" holds
every label whose resolved asset ends in X: HTX counts stETH and BETH in
ETH(ALL) and stUSDT in USDT(ALL), and "ERC20-USDC" (asset USDC, written
network first) belongs to USDC(ALL), not to an "ERC20" group.

Published amounts are rounded for display, so a difference is not material
when rounding explains it: it is no larger than the rounding of the numbers
as written (half a unit in the last written digit of the total, trailing
zeros included, plus the same for each part the sum is made of), or it is
below a relative tolerance of the total (default 1e-9: 0.42 on 934 billion).
Such a difference is a ``totals-rounded`` info finding; a larger one is a
``totals-mismatch`` error quoting both numbers with every digit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from reserves.claims import Claim
from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.common import TotalLine
from reserves.units import AmountError, split_decimal, to_decimal

_GROUP = re.compile(r"(.+)\(ALL\)", re.IGNORECASE)
DEFAULT_TOLERANCE = Decimal("1e-9")


class _Number:
    """A number as written: its exact value, its text and half a unit of its last digit."""

    __slots__ = ("value", "text", "half")

    def __init__(self, value: Decimal, text: str, half: Decimal) -> None:
        self.value, self.text, self.half = value, text, half


def _written(text: str) -> _Number:
    whole, frac = split_decimal(text)
    return _Number(Decimal(f"{whole}.{frac or '0'}"), text.strip(),
                   Decimal(5).scaleb(-len(frac) - 1))


def _fmt(d: Decimal) -> str:
    """Every digit of ``d``, in plain notation (no exponent, no digit dropped)."""
    return format(d, "f")


def _sum_text(parts: list[_Number]) -> str:
    """The sum of ``parts``, written with as many decimals as the most precise part."""
    total = sum((p.value for p in parts), Decimal(0))
    places = max([0] + [-p.value.as_tuple().exponent for p in parts])
    return _fmt(total.quantize(Decimal(1).scaleb(-places)))


def parse_tolerance(text: str | float | int, where: str) -> Decimal:
    """A relative tolerance from a CLI option or config value: a number from 0 to below 1.

    Raises ValueError naming ``where``. A TOML float is read through its shortest
    decimal repr, so 1e-9 means exactly 1e-9.
    """
    if isinstance(text, bool):
        raise ValueError(f"{where}: must be a number such as 1e-9")
    try:
        value = Decimal(repr(text) if isinstance(text, float) else str(text).strip())
    except ArithmeticError:
        raise ValueError(f"{where}: {text!r} is not a number (such as 1e-9)") from None
    if not value.is_finite() or value < 0 or value >= 1:
        raise ValueError(f"{where}: {text!r} must be at least 0 and below 1 (a share of the "
                         "total, such as 1e-9)")
    return value


def check_totals(path: str, totals: list[TotalLine], claims: list[Claim],
                 base_units: bool = False, tolerance: Decimal = DEFAULT_TOLERANCE,
                 asset_of: Callable[[str], str] | None = None) -> list[Finding]:
    """Findings about ``totals`` against ``claims``.

    ``asset_of`` resolves a totals line's label to its asset (the label map and
    the catalog); rows carry their resolved asset already.
    """
    if not totals:
        return []
    findings: list[Finding] = []
    rows: dict[str, list[_Number]] = defaultdict(list)
    row_asset: dict[str, str] = {}
    unknown_decimals: set[str] = set()
    for c in claims:
        if c.amount is None:
            continue
        key = c.coin.lower()
        row_asset.setdefault(key, c.asset)
        if base_units:
            if c.decimals is None:
                unknown_decimals.add(c.coin)
                continue
            value = to_decimal(c.amount, c.decimals)
            rows[key].append(_Number(value, _fmt(value), Decimal(0)))
        else:
            rows[key].append(_written(c.amount_text))
    for coin in sorted(unknown_decimals):
        findings.append(Finding(
            "totals-unchecked", Severity.WARNING,
            f"{coin}: decimals unknown, its base-unit rows cannot be compared with the "
            "totals section", subject=f"{path}:{coin}"))

    lines: dict[str, tuple[TotalLine, _Number]] = {}
    for t in totals:
        try:
            number = _written(t.amount_text)
        except AmountError:
            raise InputError(path, f"total {t.amount_text!r} is not a number", t.line,
                             "amount") from None
        lines[t.coin] = (t, number)

    def asset(label: str) -> str:
        if label.lower() in row_asset:
            return row_asset[label.lower()]
        return asset_of(label) if asset_of is not None else label.split("-", 1)[0]

    def in_group(label: str, group: str) -> bool:
        return asset(label).upper().endswith(group.upper())

    def members(group: str) -> list[str]:
        return [label for label in lines if not _GROUP.fullmatch(label) and in_group(label, group)]

    def compare(t: TotalLine, total: _Number, parts: list[_Number], what: str) -> None:
        got = sum((p.value for p in parts), Decimal(0))
        diff = got - total.value
        if not diff:
            return
        rounding = total.half + sum((p.half for p in parts), Decimal(0))
        relative = tolerance * abs(total.value)
        verb = "adds" if what.startswith("the 1 ") else "add"
        said = (f"{t.coin}: the totals section says {total.text}, {what} {verb} up to "
                f"{_sum_text(parts)} (difference {_fmt(diff)}")
        if abs(diff) <= rounding or abs(diff) <= relative:
            why = (f"within the rounding of the numbers as written (±{_fmt(rounding)})"
                   if abs(diff) <= rounding else
                   f"below {tolerance:g} of the total ({_fmt(relative)})")
            findings.append(Finding("totals-rounded", Severity.INFO, f"{said}, {why})",
                                    subject=f"{path}:{t.line}"))
            return
        findings.append(Finding(
            "totals-mismatch", Severity.ERROR,
            f"{said}: more than the rounding of the numbers as written, ±{_fmt(rounding)}, "
            f"and than {tolerance:g} of the total, {_fmt(relative)})",
            subject=f"{path}:{t.line}"))

    covered: set[str] = set()
    for label, (t, number) in lines.items():
        group = _GROUP.fullmatch(label)
        if group:
            name = group.group(1)
            parts_labels = members(name)
            if parts_labels:
                compare(t, number, [lines[p][1] for p in parts_labels],
                        f"its {len(parts_labels)} lines {', '.join(parts_labels)}")
            else:
                keys = [k for k in rows if in_group(k, name)]
                covered.update(keys)
                n = sum(len(rows[k]) for k in keys)
                compare(t, number, [p for k in keys for p in rows[k]],
                        f"the {n} address row{'s' if n != 1 else ''}")
            continue
        key = label.lower()
        covered.add(key)
        if not rows.get(key):
            if number.value:
                findings.append(Finding(
                    "totals-without-rows", Severity.WARNING,
                    f"{label}: the totals section claims {number.text} but no address row "
                    "carries this coin", subject=f"{path}:{t.line}"))
            continue
        n = len(rows[key])
        compare(t, number, rows[key], f"the {n} address row{'s' if n != 1 else ''}")
    for key in sorted(set(rows) - covered):
        coin = next(c.coin for c in claims if c.coin.lower() == key)
        findings.append(Finding(
            "rows-without-total", Severity.WARNING,
            f"{coin}: address rows carry this coin but the totals section has no line for it",
            subject=f"{path}:{coin}"))
    return findings
