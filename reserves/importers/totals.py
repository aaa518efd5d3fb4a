"""Check a file's totals section against its own address rows.

Exchanges publish per-coin totals ("USDT-TRC20,46095694,5436.9044") and
group totals ("USDT(ALL)") above the address table. Each per-coin line must
equal the sum of that coin's rows, and each group line the sum of its
per-coin lines (or of its rows when it has none). A group "X(ALL)" holds
every label whose asset part ends in X: HTX counts stETH and BETH in
ETH(ALL) and stUSDT in USDT(ALL).

Published amounts are rounded for display, so a difference no larger than
the rounding of the numbers involved (half a unit in the last written
digit of each) is allowed; anything larger is a ``totals-mismatch`` error.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from reserves.claims import Claim
from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.common import TotalLine
from reserves.units import AmountError, split_decimal, to_decimal

_GROUP = re.compile(r"(.+)\(ALL\)", re.IGNORECASE)


def _value(text: str) -> tuple[Decimal, Decimal]:
    """Exact value and half of one unit in its last written digit."""
    whole, frac = split_decimal(text)
    return Decimal(f"{whole}.{frac or '0'}"), Decimal(5).scaleb(-len(frac) - 1)


def _fmt(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s if "." not in s else s.rstrip("0").rstrip(".")


def check_totals(path: str, totals: list[TotalLine], claims: list[Claim],
                 base_units: bool = False) -> list[Finding]:
    if not totals:
        return []
    findings: list[Finding] = []
    rows: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    unknown_decimals: set[str] = set()
    for c in claims:
        if c.amount is None:
            continue
        key = c.coin.lower()
        if base_units:
            if c.decimals is None:
                unknown_decimals.add(c.coin)
                continue
            rows[key].append((to_decimal(c.amount, c.decimals), Decimal(0)))
        else:
            rows[key].append(_value(c.amount_text))
    for coin in sorted(unknown_decimals):
        findings.append(Finding(
            "totals-unchecked", Severity.WARNING,
            f"{coin}: decimals unknown, its base-unit rows cannot be compared with the "
            "totals section", subject=f"{path}:{coin}"))

    lines: dict[str, tuple[TotalLine, Decimal, Decimal]] = {}
    for t in totals:
        try:
            value, half = _value(t.amount_text)
        except AmountError:
            raise InputError(path, f"total {t.amount_text!r} is not a number", t.line,
                             "amount") from None
        lines[t.coin] = (t, value, half)

    def members(asset: str) -> list[str]:
        return [label for label in lines
                if not _GROUP.fullmatch(label) and label.split("-", 1)[0].endswith(asset)]

    def compare(t: TotalLine, value: Decimal, half: Decimal,
                parts: list[tuple[Decimal, Decimal]], what: str) -> None:
        got = sum((p[0] for p in parts), Decimal(0))
        slack = half + sum((p[1] for p in parts), Decimal(0))
        if abs(got - value) > slack:
            findings.append(Finding(
                "totals-mismatch", Severity.ERROR,
                f"{t.coin}: the totals section says {_fmt(value)}, {what} add up to "
                f"{_fmt(got)} (difference {_fmt(got - value)})",
                subject=f"{path}:{t.line}"))

    covered: set[str] = set()
    for label, (t, value, half) in lines.items():
        group = _GROUP.fullmatch(label)
        if group:
            asset = group.group(1)
            parts_labels = members(asset)
            if parts_labels:
                parts = [(lines[p][1], lines[p][2]) for p in parts_labels]
                compare(t, value, half, parts, f"its lines {', '.join(parts_labels)}")
            else:
                keys = [k for k in rows if k.split("-", 1)[0].endswith(asset.lower())]
                covered.update(keys)
                compare(t, value, half, [p for k in keys for p in rows[k]],
                        f"the {sum(len(rows[k]) for k in keys)} address rows")
            continue
        key = label.lower()
        covered.add(key)
        if not rows.get(key):
            if value:
                findings.append(Finding(
                    "totals-without-rows", Severity.WARNING,
                    f"{label}: the totals section claims {_fmt(value)} but no address row "
                    "carries this coin", subject=f"{path}:{t.line}"))
            continue
        compare(t, value, half, rows[key], f"the {len(rows[key])} address rows")
    for key in sorted(set(rows) - covered):
        coin = next(c.coin for c in claims if c.coin.lower() == key)
        findings.append(Finding(
            "rows-without-total", Severity.WARNING,
            f"{coin}: address rows carry this coin but the totals section has no line for it",
            subject=f"{path}:{coin}"))
    return findings
