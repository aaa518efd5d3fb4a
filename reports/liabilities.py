"""Render a ``LiabilitiesReport``: a JSON document, or a table for people."""

from __future__ import annotations

import json

from reserves.liabilities.model import LiabilitiesReport
from reserves.units import format_units


def document(report: LiabilitiesReport) -> dict:
    return {
        "format": report.format,
        "binding": report.binding.value,
        "root": report.root,
        "hash_rule": report.hash_rule,
        "source": {"path": report.source.path, "sha256": report.source.sha256,
                   "bytes": report.source.size},
        "assets": [{
            "asset": a.asset,
            "decimals": a.decimals,
            "total": format_units(a.total, a.decimals),
            "total_base_units": a.total,
            **({"equity": format_units(a.equity, a.decimals)} if a.equity is not None else {}),
            **({"debt": format_units(a.debt, a.decimals)} if a.debt is not None else {}),
        } for a in report.assets],
        "findings": [f.as_dict() for f in report.findings],
        "details": report.details,
        "exit_status": report.exit_code,
    }


def render_json(report: LiabilitiesReport) -> str:
    return json.dumps(document(report), indent=2, sort_keys=True) + "\n"


def render_text(report: LiabilitiesReport) -> str:
    rows = [("ASSET", "TOTAL", "EQUITY", "DEBT")]
    for a in report.assets:
        rows.append((a.asset, format_units(a.total, a.decimals),
                     "" if a.equity is None else format_units(a.equity, a.decimals),
                     "" if a.debt is None else format_units(a.debt, a.decimals)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [f"file     {report.source.path} ({report.format}, sha256 {report.source.sha256})",
             f"binding  {report.binding.value}",
             f"root     {report.root or '-'}",
             "details  " + ", ".join(f"{k} {v}" for k, v in report.details.items()
                                      if not isinstance(v, (list, dict))), ""]
    lines += ["  ".join(c.rjust(w) if i else c.ljust(w)
                        for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in rows]
    if report.findings:
        lines += ["", "findings"]
        lines += [f"  {f.severity.label:<8}{f.kind}: {f.message} [{f.subject}]"
                  for f in report.findings]
    return "\n".join(lines)
