"""Formatting shared by the renderers: exact amounts and percentages as text."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from reserves.units import format_units

AMOUNT_COLUMNS = ("verified", "owner_signed", "unverified", "not_observed", "observed",
                  "claimed", "liabilities", "surplus")


def amount(value: int | None, decimals: int | None) -> str:
    """Exact decimal text of a base-unit amount; '' when there is none."""
    if value is None:
        return ""
    if decimals is None:
        return str(value)
    return format_units(value, decimals)


def percent(ratio: str | None) -> str:
    """'0.998765' -> '99.87%' (rounded down, like the ratio itself)."""
    if ratio is None:
        return "n/a"
    pct = (Decimal(ratio) * 100).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    return f"{pct}%"


def short(address: str, keep: int = 10) -> str:
    return address if len(address) <= 2 * keep + 3 else f"{address[:keep]}...{address[-keep:]}"


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table for the terminal: columns padded to their widest cell."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)
