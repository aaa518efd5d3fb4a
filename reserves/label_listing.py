"""Every coin label of a claims file, with how it resolved: the ``reserves labels`` engine.

Grouped by the key a label map uses (``labels.label_key``), so what is listed
is exactly what a user writes to map it. Totals-section labels with no rows
are listed too: their asset decides which ``X(ALL)`` group they add up in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from reserves.catalog import normalize_label
from reserves.importers.common import ClaimsFile
from reserves.labels import LabelMap, Resolver, label_key

_GROUP = re.compile(r".+\(ALL\)", re.IGNORECASE)


@dataclass
class LabelRow:
    label: str
    """The label as a label map keys it: the coin label, or ``COIN@NETWORK``."""
    how: str
    """"map", "catalog", "inferred" (chain not named, family from the address form) or
    "unknown"."""
    form: str
    asset: str
    chain: str | None
    families: list[str]
    decimals: int | None
    rows: int = 0
    amount: int | None = None
    """Sum of the rows' claimed amounts in base units at ``decimals``; None without any."""
    total: str | None = None
    """The totals-section line for this label, as written."""


@dataclass
class LabelListing:
    file: ClaimsFile
    labels: list[LabelRow]
    unused: list[str] = field(default_factory=list)
    """Label map entries no label of this file matched (a typo shows here)."""

    @property
    def exit_code(self) -> int:
        return 1 if any(r.rows and r.how in ("inferred", "unknown") for r in self.labels) else 0


def list_labels(file: ClaimsFile, labels: LabelMap | None = None) -> LabelListing:
    resolver = Resolver(labels)
    groups: dict[str, list] = defaultdict(list)
    for c in file.claims:
        groups[label_key(c.coin, c.chain_label or None)].append(c)
    totals = {t.coin: t.amount_text for t in file.totals if not _GROUP.fullmatch(t.coin)}
    out = []
    for key, claims in groups.items():
        first = claims[0]
        res = resolver.resolve(first.coin, first.chain_label or None)
        families = sorted({c.family for c in claims if c.family})
        if first.chain is not None:
            how = "map" if res.how == "map" else "catalog"
        else:
            how = "inferred" if families else "unknown"
        known = [c.decimals for c in claims if c.decimals is not None]
        decimals = max(known) if known else None
        amounts = [c.amount * 10 ** (decimals - c.decimals) for c in claims
                   if c.amount is not None and c.decimals is not None]
        out.append(LabelRow(key, how, res.form, first.asset, first.chain, families, decimals,
                            len(claims), sum(amounts) if amounts else None,
                            totals.pop(first.coin, None)))
    for coin, text in totals.items():
        res = resolver.resolve(coin)
        how = res.how if res.how != "unmapped" else "unknown"
        out.append(LabelRow(coin, how, res.form, res.asset,
                            res.chain.id if res.chain else None, [], res.decimals, 0, None, text))
    seen = {row.label for row in out}
    unused = sorted(e.label for e in (labels.entries.values() if labels else [])
                    if not any(_same(e.label, s) for s in seen))
    order = {"unknown": 0, "inferred": 1, "map": 2, "catalog": 3}
    out.sort(key=lambda r: (order[r.how], r.label.lower()))
    return LabelListing(file, out, unused)


def _same(a: str, b: str) -> bool:
    return normalize_label(a) == normalize_label(b)
