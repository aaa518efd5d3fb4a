"""Reconcile verified reserves against liabilities, asset by asset, on exact integers.

Inputs are the claims, their verdicts, the balances read at the snapshot and
the liabilities totals; outputs are two DataFrames and findings:

* ``addresses``: one row per claim, with what was claimed, what the chain
  showed, the verdict, and which bucket the balance falls in (and the
  third-party custodian, when the claims name any);
* ``coverage``: one row per asset across all chains (USDT on Ethereum,
  Tron and Solana is one asset), reserves split into verified, owner-signed,
  unverified (failed, unsigned, unsupported) and claimed-but-not-observed,
  against liabilities, with the binding level of the liabilities beside it.

Only verified reserves count toward coverage. Every amount column holds
Python ints (object dtype): wei overflows int64 and floats would round.
Amounts of one asset with different decimals on different chains (USDT has 6
on Ethereum, 18 on BSC) are scaled exactly to the largest of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from reserves.balances import Balance
from reserves.claims import Claim
from reserves.findings import Finding, Severity, sort_findings
from reserves.units import format_units
from reserves.verdicts import Status, Verdict

BUCKETS = ("verified", "owner_signed", "unverified", "not_observed")
RATIO_PLACES = 6


@dataclass(frozen=True, slots=True)
class LiabilityTotal:
    """What the exchange owes its users in one asset, and how strongly that is bound."""

    asset: str
    decimals: int
    total: int
    binding: str
    """recomputed | path-verified | zk-structure | attested"""


def address_key_for(family: str, address: str) -> str:
    """How an address is compared: EVM hex is case-insensitive, the rest is exact."""
    a = address.strip()
    return a.lower() if family == "evm" else a


def address_key(claim: Claim) -> str:
    return address_key_for(claim.family, claim.address)


def _bucket(verdict: Verdict, observed: int | None) -> str:
    if observed is None:
        return "not_observed"
    if verdict.status is Status.VERIFIED:
        return "verified"
    if verdict.status is Status.OWNER_SIGNED:
        return "owner_signed"
    return "unverified"


def _percent(numerator: int, denominator: int) -> str:
    """numerator/denominator as a percentage with two places, rounded down."""
    return format_units(numerator * 10_000 // denominator, 2) + "%"


def ratio_text(numerator: int, denominator: int, places: int = RATIO_PLACES) -> str:
    """numerator/denominator as a decimal string, rounded down to ``places``."""
    scaled = numerator * 10 ** places // denominator
    return format_units(scaled, places) if scaled else "0"


def reconcile(claims: list[Claim], verdicts: list[Verdict], balances: dict[tuple, Balance],
              liabilities: list[LiabilityTotal]):
    """Return (addresses DataFrame, coverage DataFrame, findings)."""
    findings: list[Finding] = []
    seen: dict[tuple, Claim] = {}
    rows = []
    for claim, verdict in zip(claims, verdicts):
        key = (claim.chain, address_key(claim), claim.asset)
        balance = balances.get(key)
        observed = balance.amount if balance is not None and not balance.error else None
        first = seen.get(key)
        counted = first is None
        if first is None:
            seen[key] = claim
        else:
            findings.append(Finding(
                "address-duplicate", Severity.WARNING,
                f"{claim.address} ({claim.asset} on {claim.chain}) is claimed again; its "
                f"balance counts once (first claimed at {first.source}:{first.row})",
                subject=f"{claim.source}:{claim.row}"))
        rows.append({
            "source": claim.source, "row": claim.row, "coin": claim.coin,
            "chain": claim.chain, "network": claim.network, "asset": claim.asset,
            "address": claim.address, "decimals": claim.decimals,
            "claimed": claim.amount, "observed": observed,
            "height": balance.height if balance else None,
            "block_hash": balance.block_hash if balance else None,
            "balance_source": balance.source if balance else None,
            "balance_method": balance.method if balance else None,
            "balance_proven": balance.proven if balance else None,
            "balance_error": (balance.error if balance else
                              "no balance read for this chain" if claim.chain else
                              "unknown chain"),
            "verdict": verdict.status.value, "scheme": verdict.scheme, "reason": verdict.reason,
            "bucket": _bucket(verdict, observed), "counted": counted,
        })
        if counted and observed is None and claim.amount:
            findings.append(Finding(
                "balance-not-observed", Severity.WARNING,
                f"{claim.address} ({claim.asset} on {claim.chain}): claimed "
                f"{_fmt(claim.amount, claim.decimals)} but no balance was read "
                f"({rows[-1]['balance_error']})", subject=f"{claim.source}:{claim.row}"))
        if counted and observed is not None and claim.amount is not None \
                and observed < claim.amount:
            findings.append(Finding(
                "address-overclaimed", Severity.WARNING,
                f"{claim.address} ({claim.asset} on {claim.chain}): claimed "
                f"{_fmt(claim.amount, claim.decimals)}, the chain shows "
                f"{_fmt(observed, claim.decimals)}", subject=f"{claim.source}:{claim.row}"))
        if verdict.status is Status.FAILED:
            findings.append(Finding(
                "ownership-failed", Severity.ERROR,
                f"{claim.address} ({claim.asset} on {claim.chain}): {verdict.reason}",
                subject=f"{claim.source}:{claim.row}"))
    if any(c.custodian for c in claims):
        # Only files that name custodians (Binance) add the column, so every other
        # audit's output keeps its columns.
        for r, c in zip(rows, claims):
            r["custodian"] = c.custodian or None
    addresses = _frame(rows, ["claimed", "observed", "decimals", "height", "row"])
    coverage, cov_findings = _coverage(rows, liabilities)
    return addresses, coverage, sort_findings(findings + cov_findings)


def _fmt(amount: int | None, decimals: int | None) -> str:
    if amount is None:
        return "-"
    return format_units(amount, decimals) if decimals is not None else f"{amount} base units"


def _frame(rows: list[dict], int_columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for col in int_columns:
        if col in df:
            df[col] = pd.Series([r[col] for r in rows], dtype=object, index=df.index)
    return df


def _coverage(rows: list[dict], liabilities: list[LiabilityTotal]):
    findings: list[Finding] = []
    by_asset: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["counted"]:
            by_asset[r["asset"]].append(r)
    owed = {l.asset: l for l in liabilities}
    out = []
    for asset in sorted(set(by_asset) | set(owed)):
        members = by_asset.get(asset, [])
        decimals = [r["decimals"] for r in members if r["decimals"] is not None]
        if asset in owed:
            decimals.append(owed[asset].decimals)
        d = max(decimals) if decimals else 0

        def scaled(amount: int | None, dec: int | None, d: int = d) -> int:
            return 0 if amount is None else amount * 10 ** (d - (dec if dec is not None else d))

        sums = {b: 0 for b in BUCKETS}
        claimed = observed = 0
        for r in members:
            amount = r["observed"] if r["bucket"] != "not_observed" else r["claimed"]
            sums[r["bucket"]] += scaled(amount, r["decimals"])
            claimed += scaled(r["claimed"], r["decimals"])
            observed += scaled(r["observed"], r["decimals"])
        liability = owed.get(asset)
        total_owed = scaled(liability.total, liability.decimals) if liability else None
        if total_owed:
            ratio = ratio_text(sums["verified"], total_owed)
            surplus = sums["verified"] - total_owed
            status = "covered" if surplus >= 0 else "deficit"
        else:
            ratio, surplus, status = None, None, "no-liabilities"
        out.append({
            "asset": asset, "decimals": d,
            "chains": ",".join(sorted({r["chain"] or "?" for r in members})),
            "addresses": len(members),
            "verified": sums["verified"], "owner_signed": sums["owner_signed"],
            "unverified": sums["unverified"], "not_observed": sums["not_observed"],
            "observed": observed, "claimed": claimed,
            "liabilities": total_owed, "binding": liability.binding if liability else None,
            "coverage": ratio, "surplus": surplus, "status": status,
        })
        subject = f"asset:{asset}"
        if status == "deficit":
            findings.append(Finding(
                "asset-under-covered", Severity.ERROR,
                f"{asset}: verified reserves {format_units(sums['verified'], d)} cover "
                f"{_percent(sums['verified'], total_owed)} of liabilities "
                f"{format_units(total_owed, d)} "
                f"(deficit {format_units(-surplus, d)}; binding: {liability.binding})",
                subject=subject))
        elif status == "no-liabilities" and members:
            findings.append(Finding(
                "asset-without-liabilities", Severity.WARNING,
                f"{asset}: reserves are claimed but the liabilities give no total for it",
                subject=subject))
        if liability is not None and liability.binding == "attested":
            findings.append(Finding(
                "liabilities-attested-only", Severity.WARNING,
                f"{asset}: the liabilities total is attested only (bound to no tree or proof)",
                subject=subject))
        unproven = sums["owner_signed"] + sums["unverified"]
        if unproven:
            findings.append(Finding(
                "reserves-not-counted", Severity.WARNING,
                f"{asset}: {format_units(unproven, d)} observed on addresses without a "
                "verified ownership proof is not counted", subject=subject))
        if claimed > observed and members:
            findings.append(Finding(
                "asset-claimed-exceeds-observed", Severity.WARNING,
                f"{asset}: the exchange claims {format_units(claimed, d)}, the chains show "
                f"{format_units(observed, d)}", subject=subject))
    coverage = _frame(out, ["decimals", "verified", "owner_signed", "unverified",
                            "not_observed", "observed", "claimed", "liabilities", "surplus",
                            "addresses"])
    return coverage, findings
