"""Render a ``LabelListing``: a table with the label-map lines still to write, or JSON."""

from __future__ import annotations

from reports.common import text_table as _table
from reserves.catalog import default_catalog
from reserves.units import format_units
from reserves.label_listing import LabelListing
from reserves.labels import mapping_hint


def as_dict(listing: LabelListing) -> dict:
    f = listing.file
    return {
        "file": f.source.path, "format": f.format, "sha256": f.source.sha256,
        "labels": [{
            "label": r.label, "how": r.how, "form": r.form, "asset": r.asset,
            "chain": r.chain, "families": r.families, "decimals": r.decimals,
            "rows": r.rows, "amount": r.amount,
            "amount_display": None if r.amount is None or r.decimals is None
            else format_units(r.amount, r.decimals),
            "total": r.total,
        } for r in listing.labels],
        "unused_map_entries": listing.unused,
        "exit_status": listing.exit_code,
    }


def table(listing: LabelListing) -> str:
    rows = [[r.label, r.how, r.chain or "-", ",".join(r.families) or "-", r.asset,
             "-" if r.decimals is None else str(r.decimals), str(r.rows),
             "-" if r.amount is None or r.decimals is None else format_units(r.amount, r.decimals),
             r.total or "-"] for r in listing.labels]
    f = listing.file
    out = [f"file     {f.source.path}  ({f.format}, {len(f.claims)} address rows, "
           f"{len(listing.labels)} labels)", "",
           _table(["LABEL", "HOW", "CHAIN", "FAMILY", "ASSET", "DEC", "ROWS", "AMOUNT",
                   "TOTAL"], rows)]
    todo = [r for r in listing.labels if r.rows and r.how in ("inferred", "unknown")]
    if todo:
        catalog = default_catalog()
        out += ["", f"{len(todo)} label(s) with rows name no chain: their balances cannot be "
                    "read. To map them, fill in the chain and put these lines in a label map "
                    "file (--labels FILE) or under [labels] in the audit config:"]
        for r in todo:
            chains = sorted(c.id for c in catalog.chains.values() if c.family in r.families)
            hint = f"   # {', '.join(r.families)}: {', '.join(chains)}" if chains else ""
            out.append(f"  {mapping_hint(r.label, r.asset)}{hint}")
    if listing.unused:
        out += ["", "label map entries this file does not use: " + ", ".join(listing.unused)]
    return "\n".join(out)
