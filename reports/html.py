"""report.html: one self-contained page (no scripts, no external files) with a chart per asset.

Each asset's bar stacks verified, owner-signed, unverified and not-observed
reserves, with a mark at the liabilities total; widths are computed in
integer arithmetic from the exact amounts.
"""

from __future__ import annotations

from html import escape

from reports.common import amount, percent, short
from reserves.result import AuditResult, records

FILE = "report.html"
WIDTH = 640
BAR = 26

SEGMENTS = (("verified", "#2e7d32", "verified"), ("owner_signed", "#f9a825", "owner-signed"),
            ("unverified", "#c62828", "unverified"), ("not_observed", "#9e9e9e",
                                                      "claimed, not observed"))

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1b1b1b}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.error{color:#b71c1c;font-weight:600}.warning{color:#8a5a00}.info{color:#555}
.covered{color:#2e7d32;font-weight:600}.deficit{color:#b71c1c;font-weight:600}
.muted{color:#666}.legend span{display:inline-block;margin-right:14px}
.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
code{font-size:12px}
"""


def _chart(c: dict) -> str:
    d = c["decimals"]
    parts = [(key, color, label, c[key] or 0) for key, color, label in SEGMENTS]
    liabilities = c["liabilities"] or 0
    scale = max(liabilities, sum(p[3] for p in parts), 1)
    x = 0
    rects = []
    for _, color, label, value in parts:
        w = WIDTH * value // scale
        if w:
            rects.append(f'<rect x="{x}" y="0" width="{w}" height="{BAR}" fill="{color}">'
                         f'<title>{escape(label)}: {escape(amount(value, d))}</title></rect>')
        x += w
    mark = ""
    if liabilities:
        lx = min(WIDTH * liabilities // scale, WIDTH - 1)
        mark = (f'<line x1="{lx}" y1="-4" x2="{lx}" y2="{BAR + 4}" stroke="#000" '
                f'stroke-width="2"/><text x="{max(lx - 4, 0)}" y="{BAR + 16}" '
                f'text-anchor="end" font-size="11">liabilities '
                f'{escape(amount(liabilities, d))}</text>')
    label = (f"{c['asset']}: verified {amount(c['verified'], d)}, liabilities "
             f"{amount(c['liabilities'], d) or 'none'}, coverage {percent(c['coverage'])}")
    return (f'<svg role="img" aria-label="{escape(label)}" width="{WIDTH + 2}" '
            f'height="{BAR + 22}" viewBox="-1 -5 {WIDTH + 2} {BAR + 27}">'
            f'<rect x="0" y="0" width="{WIDTH}" height="{BAR}" fill="#eee"/>'
            + "".join(rects) + mark + "</svg>")


def _row(cells: list[str], numeric: set[int] = frozenset()) -> str:
    return "<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                            for i, c in enumerate(cells)) + "</tr>"


def render(result: AuditResult) -> str:
    e = escape
    cov = records(result.coverage)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Proof of reserves: {e(result.exchange)}</title>",
           f"<style>{STYLE}</style></head><body>",
           f"<h1>Proof of reserves: {e(result.exchange)}</h1>"]
    covered = sum(1 for c in cov if c["status"] == "covered")
    out.append(f'<p id="summary">{covered} of {len(cov)} assets covered by verified reserves. '
               f"Message policy: {e(result.message_policy or 'not pinned')}.</p>")
    out.append('<h2>Coverage</h2><p class="legend">' + "".join(
        f'<span><i class="sw" style="background:{color}"></i>{e(label)}</span>'
        for _, color, label in SEGMENTS) + "<span>| liabilities</span></p>")
    for c in cov:
        status = f'<span class="{e(c["status"])}">{e(c["status"])}</span>'
        out.append(f'<div class="asset" data-asset="{e(c["asset"])}"><h3>{e(c["asset"])} '
                   f'<span class="muted">({e(c["chains"])})</span>: coverage '
                   f'<span class="ratio">{e(percent(c["coverage"]))}</span> {status}</h3>'
                   f"{_chart(c)}</div>")
    out.append("<table id=\"coverage\"><tr><th>asset</th><th>verified</th><th>owner-signed</th>"
               "<th>unverified</th><th>not observed</th><th>liabilities</th><th>coverage</th>"
               "<th>surplus</th><th>binding</th><th>status</th></tr>")
    for c in cov:
        d = c["decimals"]
        out.append(_row([e(c["asset"]), e(amount(c["verified"], d)),
                         e(amount(c["owner_signed"], d)), e(amount(c["unverified"], d)),
                         e(amount(c["not_observed"], d)), e(amount(c["liabilities"], d)),
                         e(percent(c["coverage"])), e(amount(c["surplus"], d)),
                         e(c["binding"] or ""), e(c["status"])], {1, 2, 3, 4, 5, 6, 7}))
    out.append("</table>")
    out.append('<h2>Findings</h2><table id="findings"><tr><th>severity</th><th>kind</th>'
               "<th>subject</th><th>message</th><th>id</th></tr>")
    for f in result.finding_list:
        out.append(_row([f'<span class="{f.severity.label}">{f.severity.label}</span>',
                         e(f.kind), e(f.subject), e(f.message), e(f.id)]))
    out.append("</table>")
    custodians = "custodian" in result.addresses
    out.append('<h2>Addresses</h2><table id="addresses"><tr><th>chain</th><th>asset</th>'
               "<th>address</th>" + ("<th>custodian</th>" if custodians else "") +
               "<th>claimed</th><th>observed</th><th>read by</th>"
               "<th>verdict</th><th>counted as</th><th>reason</th></tr>")
    for a in records(result.addresses):
        d = a["decimals"]
        cells = [e(a["chain"] or "?"), e(a["asset"]),
                 f'<code title="{e(a["address"])}">{e(short(a["address"]))}</code>',
                 e(amount(a["claimed"], d)), e(amount(a["observed"], d)),
                 e(a.get("balance_method") or "-"), e(a["verdict"]),
                 e(a["bucket"].replace("_", "-") if a["counted"] else "duplicate"),
                 e(a["reason"])]
        if custodians:
            cells.insert(3, e(a["custodian"] or "-"))
        out.append(_row(cells, {4, 5} if custodians else {3, 4}))
    out.append("</table>")
    out.append('<h2>Snapshot</h2><table id="snapshot"><tr><th>chain</th><th>height</th>'
               "<th>block hash</th><th>source</th></tr>")
    for s in result.snapshot:
        out.append(_row([e(s["chain"]), e(str(s["height"])), f"<code>{e(s['block_hash'])}</code>",
                         e(s.get("source", ""))]))
    out.append("</table>")
    out.append('<h2>Inputs</h2><table id="inputs"><tr><th>role</th><th>file</th><th>sha256</th>'
               "</tr>")
    for i in result.inputs:
        out.append(_row([e(i["role"]), e(i["path"]), f"<code>{e(i['sha256'])}</code>"]))
    out.append("</table>")
    out.append(f'<p class="muted">Generated by reserves {e(result.version)}.</p></body></html>')
    return "\n".join(out) + "\n"
