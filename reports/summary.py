"""The closing summary the audit prints: one line per asset, the findings, the files."""

from __future__ import annotations

from pathlib import Path

from reports.common import amount, percent
from reserves.result import AuditResult, records


def render(result: AuditResult, out: Path | None = None) -> str:
    rows = [["ASSET", "VERIFIED", "UNPROVEN", "LIABILITIES", "COVERAGE", "BINDING", "STATUS"]]
    for c in records(result.coverage):
        d = c["decimals"]
        unproven = (c["owner_signed"] or 0) + (c["unverified"] or 0) + (c["not_observed"] or 0)
        rows.append([c["asset"], amount(c["verified"], d), amount(unproven, d),
                     amount(c["liabilities"], d) or "-", percent(c["coverage"]),
                     c["binding"] or "-", c["status"]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) if 0 < i < 5 else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(r, widths))).rstrip() for r in rows]
    errors = [f for f in result.finding_list if f.severity.label == "error"]
    warnings = [f for f in result.finding_list if f.severity.label == "warning"]
    lines.append("")
    lines.append(f"findings: {len(errors)} error(s), {len(warnings)} warning(s)")
    for f in errors[:10]:
        lines.append(f"  error    {f.kind}: {f.message}")
    if len(errors) > 10:
        lines.append(f"  ... and {len(errors) - 10} more in report.md")
    if out is not None:
        lines.append(f"written: {out}/ (coverage.json, coverage.csv, addresses.csv, report.md, "
                     "report.html, bundle/)")
    return "\n".join(lines)
