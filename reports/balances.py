"""Render balances read at a pinned block: JSON lines, or a table for people."""

from __future__ import annotations

import json

from reserves.balances import Balance, BlockRef
from reserves.units import format_units


def json_lines(balances: list[Balance], mode: bool = False) -> str:
    """One object per balance; ``mode`` adds ``mode`` (how the figure was obtained:
    Solana's history or context) beside ``method``."""
    out = []
    for b in balances:
        doc = {
            "chain": b.chain, "address": b.address, "asset": b.asset, "balance": b.amount,
            "decimals": b.decimals, "height": b.height, "block_hash": b.block_hash,
            "source": b.source, "method": b.method, "proven": b.proven, "error": b.error or None,
        }
        if mode:
            doc["mode"] = b.method
        out.append(json.dumps(doc) + "\n")
    return "".join(out)


def table(block: BlockRef, balances: list[Balance]) -> str:
    rows = [("ADDRESS", "ASSET", "BALANCE", "PROVEN", "NOTE")]
    for b in balances:
        rows.append((b.address, b.asset,
                     "-" if b.amount is None else format_units(b.amount, b.decimals),
                     {True: "yes", False: "FAILED", None: "-"}[b.proven], b.error))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [f"{block.chain} block {block.height} {block.hash}", ""]
    lines += ["  ".join(c.rjust(w) if i == 2 else c.ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in rows]
    unread = sum(1 for b in balances if b.amount is None)
    lines += ["", f"{len(balances) - unread} of {len(balances)} balances read"
                  + (f"; {unread} could not be read (see NOTE)" if unread else "")]
    return "\n".join(lines)
