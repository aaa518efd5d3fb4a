"""Render a ``ClaimsCheck``: one JSON object per row, or a table and summary."""

from __future__ import annotations

import json
from collections.abc import Iterator

from reserves.claims_check import ClaimsCheck
from reserves.findings import Severity
from reserves.verdicts import Status


def row_objects(check: ClaimsCheck) -> Iterator[dict]:
    for claim, verdict in check.rows():
        yield {
            "row": claim.row,
            "source": claim.source,
            "coin": claim.coin,
            "chain": claim.chain,
            "network": claim.network,
            "asset": claim.asset,
            "address": claim.address,
            "amount": claim.amount,
            "decimals": claim.decimals,
            "message": claim.proof.message,
            "scheme": verdict.scheme,
            "verdict": verdict.status.value,
            "reason": verdict.reason,
            "signers": list(verdict.signers),
        }


def json_lines(check: ClaimsCheck) -> str:
    # Equivalent to json.dumps(o) per row object, written out by hand: a 200,000-row
    # file spent more time in generic dict serialisation than in this.
    s = _string
    out = []
    for c, v in check.rows():
        amount = "null" if c.amount is None else str(c.amount)
        decimals = "null" if c.decimals is None else str(c.decimals)
        message = "null" if c.proof.message is None else s(c.proof.message)
        out.append(
            f'{{"row": {c.row}, "source": {s(c.source)}, "coin": {s(c.coin)}, '
            f'"chain": {"null" if c.chain is None else s(c.chain)}, '
            f'"network": {s(c.network)}, "asset": {s(c.asset)}, '
            f'"address": {s(c.address)}, "amount": {amount}, "decimals": {decimals}, '
            f'"message": {message}, "scheme": {s(v.scheme)}, '
            f'"verdict": {s(v.status.value)}, "reason": {s(v.reason)}, '
            f'"signers": [{", ".join(s(x) for x in v.signers)}]}}\n')
    return "".join(out)


def _string(text: str) -> str:
    return _encode(text)


_encode = json.encoder.encode_basestring  # the C-accelerated JSON string encoder


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def table(check: ClaimsCheck) -> str:
    rows = [[str(c.row), c.chain or "?", c.asset, c.address, v.status.value,
             v.scheme or "-", v.reason] for c, v in check.rows()]
    return _table(["ROW", "CHAIN", "ASSET", "ADDRESS", "VERDICT", "SCHEME", "REASON"], rows)


def summary(check: ClaimsCheck, show_info: bool = False) -> str:
    f = check.file
    out = [f"file     {f.source.path}  ({f.format}, {len(f.claims)} address rows, "
           f"sha256 {f.source.sha256})",
           f"message  {check.policy.describe()}"]
    counts = check.counts()
    for status in Status:
        out.append(f"{status.value:<13}{counts[status]:>6}")
    schemes = check.scheme_counts()
    if schemes:
        out.append("schemes  " + ", ".join(f"{s} {n}" for s, n in sorted(schemes.items())))
    shown = [x for x in check.findings if show_info or x.severity >= Severity.WARNING]
    hidden = len(check.findings) - len(shown)
    if shown:
        out.append("findings")
        out += [f"  {x.severity.label:<8}{x.kind}: {x.message} [{x.subject}]" for x in shown]
    if hidden:
        out.append(f"  ({hidden} informational finding(s) not shown; --verbose shows them)")
    return "\n".join(out)
