"""Build small OKX-format trees in memory, honest or with one attack, and write them out.

Independent of reserves.liabilities.okx_tree_writer, so the two cross-check.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

ASSETS = ("BTC", "ETH", "USDT")


def text(v: Decimal) -> str:
    if not v:
        return "0"
    return format(v.normalize(), "f")


def leaf(i: int, values) -> dict:
    values = tuple(Decimal(v) for v in values)
    user = hashlib.sha256(f"user{i}".encode()).hexdigest()
    h = hashlib.sha256((user + "".join(text(v) for v in values)).encode()).hexdigest()
    return {"hash": h, "values": values}


def parent(left: dict, right: dict, height: int, sums=None) -> dict:
    sums = sums if sums is not None else tuple(a + b for a, b in zip(left["values"],
                                                                    right["values"]))
    h = hashlib.sha256((left["hash"] + right["hash"] + "".join(text(v) for v in sums)
                        + str(height)).encode()).hexdigest()
    return {"hash": h, "values": sums}


def build(leaves: list[dict], combine=None) -> list[list[dict]]:
    """Levels bottom-up, left to right, each padded to even length (not the root).

    ``combine(height, index, left, right)`` may return altered sums for one parent.
    """
    levels = [list(leaves)]
    height = 1
    while len(levels[-1]) > 1:
        level = levels[-1]
        if len(level) % 2:
            level.append({"hash": level[-1]["hash"], "values": (Decimal(0),) * len(ASSETS),
                          "pad": True})
        height += 1
        nxt = []
        for k in range(len(level) // 2):
            left, right = level[2 * k], level[2 * k + 1]
            sums = combine(height, k, left, right) if combine else None
            nxt.append(parent(left, right, height, sums))
        levels.append(nxt)
    return levels


def lines(levels: list[list[dict]]) -> list[str]:
    out = []
    for height in range(len(levels), 0, -1):
        for node in reversed(levels[height - 1]):
            body = ",".join(f'"{a}":"{text(v)}"' for a, v in zip(ASSETS, node["values"]))
            out.append(f"{node['hash']},{height},{{{body}}}")
    return out


def write(path, levels) -> list[str]:
    ls = lines(levels)
    path.write_text("\n".join(ls) + "\n")
    return ls


def honest_leaves(n: int) -> list[dict]:
    return [leaf(i, (Decimal(i) / 1000, Decimal(2 * i) / 100, Decimal(i * 7) / 10))
            for i in range(1, n + 1)]
