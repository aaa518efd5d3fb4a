"""One address, one key: which claims are the same holding, and the one finding for it.

A claim is identified by its chain, what its address locks (``chains.address_key``:
the same for every spelling of one script or account) and its asset: one
address may rightly be listed under many assets (HTX lists one address under
many coins), but one script listed twice for one asset is one balance. The
claims check reports it, and reconciliation counts its balance once; both use
the grouping here, so they cannot disagree on what a duplicate is.
"""

from __future__ import annotations

from collections.abc import Sequence

import chains
from reserves.claims import Claim
from reserves.findings import Finding, Severity

ClaimKey = tuple[str, str, str]


def claim_key(claim: Claim) -> ClaimKey:
    """(chain, what the address locks, asset). A row whose chain is unknown keys on its
    coin label instead of a chain: two unknown chains are not one."""
    return (claim.chain or f"?{claim.coin}", chains.address_key(claim), claim.asset)


def groups(claims: Sequence[Claim]) -> dict[ClaimKey, list[int]]:
    """Indexes of the claims of each key, in file order."""
    out: dict[ClaimKey, list[int]] = {}
    for i, c in enumerate(claims):
        out.setdefault(claim_key(c), []).append(i)
    return out


def duplicate_findings(claims: Sequence[Claim],
                       by_key: dict[ClaimKey, list[int]] | None = None) -> list[Finding]:
    """One ``duplicate-address`` warning per key listed more than once, naming every row."""
    by_key = groups(claims) if by_key is None else by_key
    out = []
    for indexes in by_key.values():
        if len(indexes) < 2:
            continue
        rows = [claims[i] for i in indexes]
        first = rows[0]
        one_file = len({c.source for c in rows}) == 1
        where = ", ".join(str(c.row) if one_file else f"{c.source}:{c.row}" for c in rows)
        spellings = list(dict.fromkeys(c.address.strip() for c in rows))
        spelled = (f" (spelled {len(spellings)} ways: {', '.join(spellings)})"
                   if len(spellings) > 1 else "")
        on = f"{first.asset} on {first.chain}" if first.chain else first.coin
        out.append(Finding(
            "duplicate-address", Severity.WARNING,
            f"{first.address} ({on}) is listed {len(rows)} times: rows {where}{spelled}; "
            "its balance counts once", subject=f"{first.source}:{first.row}"))
    return out
