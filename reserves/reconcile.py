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

import chains
from reserves.balances import Balance
from reserves.claims import Claim
from reserves.findings import Finding, Severity, sort_findings
from reserves.identity import duplicate_findings, groups
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


DecimalsSources = dict[tuple[str, str], list[tuple[str, int]]]
"""(chain, asset) -> where the tool's decimals for it come from, and what they are:
[("config [[assets]]", 18), ("the catalog", 18)]."""


def address_key(claim: Claim) -> str:
    """How an address is compared: by what it locks (``chains.address_key``), never by
    its spelling. Balances are keyed (chain, address_key(claim), asset)."""
    return chains.address_key(claim)


def _bucket(verdict: Verdict, observed: int | None, mismatch: str = "") -> str:
    if observed is None:
        return "not_observed"
    if mismatch:
        return "unverified"
    if verdict.status is Status.VERIFIED:
        return "verified"
    if verdict.status is Status.OWNER_SIGNED:
        return "owner_signed"
    return "unverified"


_RANK = {"verified": 0, "owner_signed": 1, "unverified": 2, "not_observed": 3}


def _percent(numerator: int, denominator: int) -> str:
    """numerator/denominator as a percentage with two places, rounded down."""
    return format_units(numerator * 10_000 // denominator, 2) + "%"


def ratio_text(numerator: int, denominator: int, places: int = RATIO_PLACES) -> str:
    """numerator/denominator as a decimal string, rounded down to ``places``."""
    scaled = numerator * 10 ** places // denominator
    return format_units(scaled, places) if scaled else "0"


def _decimals_mismatch(claim: Claim, balance: Balance | None, observed: int | None,
                       known: DecimalsSources) -> str:
    """Why the claim's decimals cannot be trusted, or "" when they agree with the tool's.

    The tool's decimals are those of the config, the catalog or the token at the
    block (``known``), and always those the balance was read with. Decimals the
    importer inferred from the file's own amounts are no statement of the
    exchange's and cannot contradict anything."""
    if claim.decimals is None or claim.decimals_inferred:
        return ""
    sources = list(known.get((claim.chain or "", claim.asset), []))
    if observed is not None and balance is not None and \
            balance.decimals not in [d for _, d in sources]:
        sources.append(("the balance as read", balance.decimals))
    wrong = [(where, d) for where, d in sources if d != claim.decimals]
    if not wrong:
        return ""
    said = " and ".join(f"{where} has {d}" for where, d in wrong)
    return (f"the claim writes decimals {claim.decimals} for {claim.asset} on {claim.chain}, "
            f"{said}")


def reconcile(claims: list[Claim], verdicts: list[Verdict], balances: dict[tuple, Balance],
              liabilities: list[LiabilityTotal], known_decimals: DecimalsSources | None = None):
    """Return (addresses DataFrame, coverage DataFrame, findings).

    ``balances`` is keyed (chain, ``address_key(claim)``, asset): one balance per
    script or account and asset, found by every spelling of it. An observed amount is in
    base units of the decimals it was read with (``Balance.decimals``); the
    claim's own decimals only say how to read the claimed amount. Where the two
    disagree, or the claim's contradict ``known_decimals``, the row is an error
    finding and is not counted as verified reserves.
    """
    known = known_decimals or {}
    findings: list[Finding] = []
    by_key = groups(claims)
    rows = []
    mismatched: dict[tuple, list[tuple[Claim, str]]] = defaultdict(list)
    for claim, verdict in zip(claims, verdicts):
        balance = balances.get((claim.chain, address_key(claim), claim.asset))
        observed = balance.amount if balance is not None and not balance.error else None
        mismatch = _decimals_mismatch(claim, balance, observed, known)
        if mismatch:
            mismatched[(claim.chain, claim.asset, claim.decimals)].append((claim, mismatch))
        read_with = balance.decimals if observed is not None else None
        places = [d for d in (claim.decimals, read_with) if d is not None]
        d = max(places) if places else None
        # Both amounts exactly at the row's decimals d: the larger of the claim's and
        # the balance's, so neither is rounded.
        claimed = claim.amount
        if claimed is not None and claim.decimals is not None:
            claimed *= 10 ** (d - claim.decimals)
        if observed is not None:
            observed *= 10 ** (d - read_with)
        reason = verdict.reason
        if mismatch and observed is not None:
            reason = f"{reason}; not counted as verified reserves: {mismatch}"
        rows.append({
            "source": claim.source, "row": claim.row, "coin": claim.coin,
            "chain": claim.chain, "network": claim.network, "asset": claim.asset,
            "address": claim.address, "decimals": d,
            "claimed": claimed, "observed": observed,
            "height": balance.height if balance else None,
            "block_hash": balance.block_hash if balance else None,
            "balance_source": balance.source if balance else None,
            "balance_method": balance.method if balance else None,
            "balance_proven": balance.proven if balance else None,
            "balance_error": (balance.error if balance else
                              "no balance read for this chain" if claim.chain else
                              f"label {claim.coin!r} names no chain (map it to read this "
                              "balance)"),
            "verdict": verdict.status.value, "scheme": verdict.scheme, "reason": reason,
            "bucket": _bucket(verdict, observed, mismatch), "counted": False,
        })
    # One balance per key, counted once: on the row that proves the most about it
    # (a verified row over an unsigned one), the first such row on a tie.
    for indexes in by_key.values():
        best = min(indexes, key=lambda i: (_RANK[rows[i]["bucket"]], i))
        rows[best]["counted"] = True
    findings += duplicate_findings(claims, by_key)
    for (chain, asset, _), bad in mismatched.items():
        first, why = bad[0]
        lines = ", ".join(f"{c.source}:{c.row}" for c, _ in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        findings.append(Finding(
            "decimals-mismatch", Severity.ERROR,
            f"{why} ({len(bad)} row{'s' if len(bad) != 1 else ''}: {lines}{more}): the "
            "balance is read and shown with the tool's decimals, and these rows are not "
            "counted as verified reserves", subject=f"{first.source}:{first.row}"))
    for claim, verdict, r in zip(claims, verdicts, rows):
        if r["counted"] and r["observed"] is None and claim.amount:
            findings.append(Finding(
                "balance-not-observed", Severity.WARNING,
                f"{claim.address} ({claim.asset} on {_chain(claim)}): claimed "
                f"{_fmt(r['claimed'], r['decimals'])} but no balance was read "
                f"({r['balance_error']})", subject=f"{claim.source}:{claim.row}"))
        if r["counted"] and r["observed"] is not None and r["claimed"] is not None \
                and r["observed"] < r["claimed"]:
            findings.append(Finding(
                "address-overclaimed", Severity.WARNING,
                f"{claim.address} ({claim.asset} on {_chain(claim)}): claimed "
                f"{_fmt(r['claimed'], r['decimals'])}, the chain shows "
                f"{_fmt(r['observed'], r['decimals'])}", subject=f"{claim.source}:{claim.row}"))
        if verdict.status is Status.FAILED:
            findings.append(Finding(
                "ownership-failed", Severity.ERROR,
                f"{claim.address} ({claim.asset} on {_chain(claim)}): {verdict.reason}",
                subject=f"{claim.source}:{claim.row}"))
    if any(c.custodian for c in claims):
        # Only files that name custodians (Binance) add the column, so every other
        # audit's output keeps its columns.
        for r, c in zip(rows, claims):
            r["custodian"] = c.custodian or None
    addresses = _frame(rows, ["claimed", "observed", "decimals", "height", "row"])
    coverage, cov_findings = _coverage(rows, liabilities)
    return addresses, coverage, sort_findings(findings + cov_findings)


def _chain(claim: Claim) -> str:
    return claim.chain or "no chain named"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'es' if what.endswith('ss') and n != 1 else 's' if n != 1 else ''}"


def _exceeds_message(asset: str, members: list[dict], claimed: int, observed: int, d: int,
                     scaled) -> str:
    """What was claimed, what the chains that were read show, and what was not read.

    A chain that was not read shows nothing: saying it shows 0 would turn a gap in the
    audit into a gap in the reserves.
    """
    read = [r for r in members if r["observed"] is not None]
    unread = [r for r in members if r["observed"] is None]
    text = f"{asset}: the exchange claims {format_units(claimed, d)} on " \
           f"{_count(len(members), 'address')}; "
    if read:
        claimed_read = sum(scaled(r["claimed"], r["decimals"]) for r in read)
        text += (f"the {_count(len(read), 'address')} read show {format_units(observed, d)} "
                 f"(claimed there: {format_units(claimed_read, d)})")
    else:
        text += "no balance of it was read"
    if unread:
        claimed_unread = sum(scaled(r["claimed"], r["decimals"]) for r in unread)
        reasons: dict[str, int] = defaultdict(int)
        for r in unread:
            reasons[r["balance_error"] or "not read"] += 1
        why = "; ".join(f"{reason}: {n}" for reason, n in sorted(reasons.items()))
        text += (f"; {_count(len(unread), 'address')} claiming "
                 f"{format_units(claimed_unread, d)} not read ({why})")
    return text


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
                _exceeds_message(asset, members, claimed, observed, d, scaled),
                subject=subject))
    coverage = _frame(out, ["decimals", "verified", "owner_signed", "unverified",
                            "not_observed", "observed", "claimed", "liabilities", "surplus",
                            "addresses"])
    return coverage, findings
