"""The native claims format: one table any exchange can publish.

A header naming columns (any order), then one row per address and asset:

    chain,network,asset,address,amount,decimals,height,message,scheme,signatures,script,owners

``chain``, ``asset``, ``address``, ``amount`` and ``decimals`` are
required; the rest may be left out. Amounts are integers in base units.
Lists (signatures, owners) are separated by ';'. Lines starting with '#'
are comments. The full description is in README ("Native claims format").
"""

from __future__ import annotations

import csv

from reserves.claims import Proof
from reserves.errors import InputError
from reserves.importers.common import ClaimsFile, PendingRow, build_claims, parse_height
from reserves.importers.table import Section, SourceFile, check_width, null

COLUMNS = ("chain", "network", "asset", "address", "amount", "decimals", "height", "message",
           "scheme", "signatures", "script", "owners")
REQUIRED = ("chain", "asset", "address", "amount", "decimals")
NETWORKS = ("mainnet", "testnet", "signet", "regtest")
NULLS = frozenset({""})
# A uint256 holds 78 digits: more decimals than that cannot describe a real asset, and
# 10**decimals of an absurd value would stall every later step.
MAX_DECIMALS = 77


def looks_like(sections: list[Section]) -> bool:
    for s in sections:
        for cells in [s.header] + [cells for _, cells in s.rows]:
            if cells and not cells[0].lstrip().startswith("#"):
                return set(REQUIRED) <= {h.strip().lower() for h in cells}
    return False


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split(";") if p.strip())


def load(path: str, text: str, source: SourceFile) -> ClaimsFile:
    header: list[str] | None = None
    header_line = 0
    pending = []
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = next(csv.reader((raw,)), [])
        if header is None:
            header = [c.strip().lower() for c in cells]
            header_line = line
            for h in header:
                if h not in COLUMNS:
                    raise InputError(path, f"unknown column {h!r} (known: "
                                           f"{', '.join(COLUMNS)})", line)
            for need in REQUIRED:
                if need not in header:
                    raise InputError(path, f"missing required column {need!r}", line)
            continue
        check_width(path, line, cells, len(header), len(header))
        row = {h: null(c, NULLS) for h, c in zip(header, cells)}
        for need in ("chain", "asset", "address", "decimals"):
            if row[need] is None:
                raise InputError(path, f"empty {need}", line, need)
        if not (row["decimals"].isascii() and row["decimals"].isdigit()):
            raise InputError(path, f"decimals {row['decimals']!r} is not a whole number",
                             line, "decimals")
        if int(row["decimals"]) > MAX_DECIMALS:
            raise InputError(path, f"decimals {row['decimals']} is more than {MAX_DECIMALS} "
                                   "(no chain's amounts have more places)", line, "decimals")
        network = row.get("network") or "mainnet"
        if network not in NETWORKS:
            raise InputError(path, f"network {network!r} is not one of {', '.join(NETWORKS)}",
                             line, "network")
        pending.append(PendingRow(
            line=line, coin=row["asset"], address=row["address"],
            amount_text=row["amount"], base_units=True,
            proof=Proof(row.get("message"), _split(row.get("signatures")), row.get("script"),
                        _split(row.get("owners")), row.get("scheme")),
            chain_id=row["chain"], network_label=row["chain"], decimals=int(row["decimals"]),
            height=parse_height(path, line, row.get("height")), network=network))
    if header is None:
        raise InputError(path, "no header line")
    del header_line
    claims, findings = build_claims(path, pending)
    return ClaimsFile(source, "native", claims, [], findings, True)
