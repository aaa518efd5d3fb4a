"""How much each verdict covers: claimed amounts per asset, by verdict.

A count of verified rows hides what matters: one unsigned cold wallet can
hold four fifths of an asset. ``asset_amounts`` sums the claimed amounts of
a checked file per asset (across chains: USDT on Ethereum and Tron is one
asset) and per verdict, exactly, in base units scaled to the largest decimals
the asset has in the file; ``display`` and ``share`` write them for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reserves.claims import Claim
from reserves.verdicts import Status, Verdict


@dataclass
class AssetAmounts:
    """One asset's claimed amounts, in base units at ``decimals``."""

    asset: str
    decimals: int
    rows: int = 0
    claimed: int = 0
    by_status: dict[Status, list[int]] = field(default_factory=dict)
    """status -> [rows, amount]; every status, zero when none."""
    unmapped: int = 0
    """Of ``claimed``, the amount on rows whose label names no chain (never counted)."""
    rows_without_amount: int = 0
    rows_unknown_decimals: int = 0
    """Rows in base units whose decimals nobody knows: not summed."""

    @property
    def unproven(self) -> int:
        return self.claimed - self.by_status[Status.VERIFIED][1]


def asset_amounts(rows: Iterable[tuple[Claim, Verdict]]) -> list[AssetAmounts]:
    """Claimed amounts per asset and verdict, sorted by asset."""
    rows = list(rows)
    decimals: dict[str, int] = {}
    for c, _ in rows:
        if c.decimals is not None:
            decimals[c.asset] = max(decimals.get(c.asset, 0), c.decimals)
    out: dict[str, AssetAmounts] = {}
    for c, v in rows:
        a = out.get(c.asset)
        if a is None:
            a = out[c.asset] = AssetAmounts(c.asset, decimals.get(c.asset, 0),
                                            by_status={s: [0, 0] for s in Status})
        a.rows += 1
        if c.amount is None:
            a.rows_without_amount += 1
            continue
        if c.decimals is None:
            a.rows_unknown_decimals += 1
            continue
        amount = c.amount * 10 ** (a.decimals - c.decimals)
        a.claimed += amount
        a.by_status[v.status][0] += 1
        a.by_status[v.status][1] += amount
        if c.chain is None:
            a.unmapped += amount
    return [out[k] for k in sorted(out)]


def display(amount: int, decimals: int) -> str:
    """Whole units with thousands separators: one decimal from 1 up, else up to 8."""
    value = Decimal(amount).scaleb(-decimals)
    if abs(value) >= 1:
        text = f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP):,}"
        return text.removesuffix(".0")
    if not value:
        return "0"
    small = value.quantize(Decimal("1e-8"), ROUND_HALF_UP)
    if not small:
        return "<0.00000001"
    return format(small, "f").rstrip("0")


def share(part: int, whole: int) -> str:
    """``part`` as a whole percentage of ``whole``, never rounded to 0% or 100% falsely."""
    if not whole:
        return "-"
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP)
    if part and pct == 0:
        return "<1%"
    if part != whole and pct == 100:
        return ">99%"
    return f"{pct}%"


def as_dict(a: AssetAmounts) -> dict:
    """The JSON form: exact integers in base units with their decimals, and display text."""

    def figure(amount: int, **extra) -> dict:
        return {**extra, "amount": amount, "display": display(amount, a.decimals),
                "share": share(amount, a.claimed)}

    return {
        "asset": a.asset, "decimals": a.decimals, "rows": a.rows,
        "claimed": a.claimed, "claimed_display": display(a.claimed, a.decimals),
        "verdicts": {s.value: figure(a.by_status[s][1], rows=a.by_status[s][0])
                     for s in Status},
        "unproven": figure(a.unproven),
        "unmapped": figure(a.unmapped),
        "rows_without_amount": a.rows_without_amount,
        "rows_unknown_decimals": a.rows_unknown_decimals,
    }
