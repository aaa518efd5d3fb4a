"""Render a ``ClaimsCheck``: one JSON object per row, or a table and summary."""

from __future__ import annotations

import json
from collections.abc import Iterator

from reserves import claim_amounts
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
            "family": claim.family or None,
            "network": claim.network,
            "asset": claim.asset,
            "address": claim.address,
            "custodian": claim.custodian or None,
            "amount": claim.amount,
            "decimals": claim.decimals,
            "message": claim.proof.message,
            "scheme": verdict.scheme,
            "verdict": verdict.status.value,
            "reason": verdict.reason,
            "signers": list(verdict.signers),
        }


def json_lines(check: ClaimsCheck) -> str:
    return "".join(json_chunks(check))


def json_chunks(check: ClaimsCheck, rows: int = 10_000) -> Iterator[str]:
    """The JSON lines, ``rows`` at a time: a 4-million-row file is written, never held."""
    # Equivalent to json.dumps(o) per row object, written out by hand: a 200,000-row
    # file spent more time in generic dict serialisation than in this.
    s = _string
    out = []
    for c, v in check.rows():
        amount = "null" if c.amount is None else str(c.amount)
        decimals = "null" if c.decimals is None else str(c.decimals)
        message = "null" if c.proof.message is None else s(c.proof.message)
        custodian = s(c.custodian) if c.custodian else "null"
        out.append(
            f'{{"row": {c.row}, "source": {s(c.source)}, "coin": {s(c.coin)}, '
            f'"chain": {"null" if c.chain is None else s(c.chain)}, '
            f'"family": {s(c.family) if c.family else "null"}, '
            f'"network": {s(c.network)}, "asset": {s(c.asset)}, '
            f'"address": {s(c.address)}, "custodian": {custodian}, '
            f'"amount": {amount}, "decimals": {decimals}, '
            f'"message": {message}, "scheme": {s(v.scheme)}, '
            f'"verdict": {s(v.status.value)}, "reason": {s(v.reason)}, '
            f'"signers": [{", ".join(s(x) for x in v.signers)}]}}\n')
        if len(out) >= rows:
            yield "".join(out)
            out = []
    if out:
        yield "".join(out)


def _string(text: str) -> str:
    return _encode(text)


_encode = json.encoder.encode_basestring  # the C-accelerated JSON string encoder


def _cells(check: ClaimsCheck, custodians: bool) -> Iterator[list[str]]:
    for c, v in check.rows():
        row = [str(c.row), c.chain or "?", c.asset, c.address, v.status.value,
               v.scheme or "-", v.reason]
        if custodians:
            row.insert(4, c.custodian or "-")
        yield row


def table(check: ClaimsCheck) -> str:
    return "\n".join(table_lines(check))


def table_lines(check: ClaimsCheck) -> Iterator[str]:
    """The table, a line at a time, in two passes over the rows (widths, then lines) so
    a file of millions of rows is never held as cells. A CUSTODIAN column is shown
    when some row names one (Binance)."""
    headers = ["ROW", "CHAIN", "ASSET", "ADDRESS", "VERDICT", "SCHEME", "REASON"]
    custodians = any(c.custodian for c in check.claims)
    if custodians:
        headers.insert(4, "CUSTODIAN")
    widths = [len(h) for h in headers]
    for row in _cells(check, custodians):
        widths = [max(w, len(x)) for w, x in zip(widths, row)]
    yield "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()
    yield "  ".join("-" * w for w in widths)
    for row in _cells(check, custodians):
        yield "  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip()


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
    out += amounts_block(check)
    return "\n".join(out)


def amounts_block(check: ClaimsCheck) -> list[str]:
    """Claimed amounts per asset by verdict, in whole units, and the share not verified."""
    assets = claim_amounts.asset_amounts(check.rows())
    if not any(a.claimed or a.rows_unknown_decimals for a in assets):
        return []
    width = max(len(a.asset) for a in assets)
    out = ["amounts  claimed, whole units, by verdict (unproven: not verified)"]
    for a in assets:
        if not a.claimed and not a.rows_unknown_decimals:
            continue
        parts = [f"{s.value} {claim_amounts.display(a.by_status[s][1], a.decimals)} "
                 f"({claim_amounts.share(a.by_status[s][1], a.claimed)})"
                 for s in Status if a.by_status[s][1]]
        line = f"  {a.asset:<{width}}  " + "  ".join(parts)
        if a.claimed:
            line += f"  unproven {claim_amounts.share(a.unproven, a.claimed)}"
        if a.unmapped:
            line += (f"  [{claim_amounts.display(a.unmapped, a.decimals)} on labels naming no "
                     "chain: never counted]")
        if a.rows_unknown_decimals:
            line += f"  [{a.rows_unknown_decimals} row(s) in base units of unknown decimals " \
                    "not summed]"
        out.append(line.rstrip())
    return out


def summary_object(check: ClaimsCheck) -> dict:
    """The summary as one JSON object (``claims verify --json`` writes it to stderr)."""
    f = check.file
    return {
        "file": f.source.path, "format": f.format, "sha256": f.source.sha256,
        "rows": len(f.claims), "message_policy": check.policy.describe(),
        "verdicts": {s.value: n for s, n in check.counts().items()},
        "schemes": dict(sorted(check.scheme_counts().items())),
        "assets": [claim_amounts.as_dict(a) for a in claim_amounts.asset_amounts(check.rows())],
        "findings": [x.as_dict() for x in check.findings],
        "exit_status": check.exit_code,
    }


def summary_json(check: ClaimsCheck) -> str:
    return json.dumps({"summary": summary_object(check)}, ensure_ascii=False, sort_keys=True)
