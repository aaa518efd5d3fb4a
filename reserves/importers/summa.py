"""Summa's address-ownership file (summa-dev/summa-solvency ``signatures.csv``).

Semicolon-separated, header ``chain;address;signature;message``, one row
per address, quoted as the csv crate Summa uses writes it (``"`` around a
cell holding ``;``, ``""`` inside). ``chain`` is a chain name (``ETH``)
resolved through the catalog; the row claims the chain's native asset and
no amount (Summa reads balances on chain). Summa's verifier contract
recovers the signer from EIP-191 ``personal_sign`` over
keccak256(abi.encode(message)), so EVM rows declare that scheme
(``eip191-abi-keccak``) and no other digest is tried for them.
"""

from __future__ import annotations

import csv
import io

from reserves.catalog import default_catalog
from reserves.claims import Proof
from reserves.errors import InputError
from reserves.importers.common import ClaimsFile, PendingRow, build_claims
from reserves.importers.table import SourceFile

HEADER = ["chain", "address", "signature", "message"]
EVM_SCHEME = "eip191-abi-keccak"


def looks_like(first_line: str) -> bool:
    return [c.strip().lower() for c in first_line.split(";")] == HEADER


def load(path: str, text: str, source: SourceFile) -> ClaimsFile:
    catalog = default_catalog()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    pending = []
    header_seen = False
    line = 1
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise InputError(path, f"unreadable CSV: {e}", line) from None
        if not any(c.strip() for c in cells):
            continue
        if not header_seen:
            if [c.strip().lower() for c in cells] != HEADER:
                raise InputError(path, f"header {';'.join(cells)!r} is not Summa's "
                                       f"{';'.join(HEADER)!r}", line)
            header_seen = True
            continue
        if len(cells) != len(HEADER):
            what = "truncated row" if len(cells) < len(HEADER) else "row"
            raise InputError(path, f"{what}: {len(cells)} columns, the header has "
                                   f"{len(HEADER)}", line)
        chain_label, address, signature, message = cells
        chain_label, address, signature = (chain_label.strip(), address.strip(),
                                            signature.strip())
        if not chain_label:
            raise InputError(path, "empty chain", line, "chain")
        if not address:
            raise InputError(path, "empty address", line, "address")
        chain = catalog.chain_by_label(chain_label)
        coin = chain.native if chain else chain_label
        scheme = EVM_SCHEME if chain is not None and chain.family == "evm" else None
        pending.append(PendingRow(
            line=line, coin=coin, address=address, amount_text=None,
            proof=Proof(message, (signature,) if signature else (), scheme=scheme),
            network_label=chain_label))
    if not header_seen:
        raise InputError(path, "no header line")
    claims, findings = build_claims(path, pending)
    return ClaimsFile(source, "summa", claims, [], findings)
