"""OKX's audit-firm file (the Deloitte agreed-upon-procedures format).

``digitalAsset,network,address,signedMessage,signedMessage2,message,
publicKey,owner1,owner2`` and, in full files, a 10th ``status`` column.
The chain comes from ``network``; multisig rows put the redeem script in
``publicKey``. There are no amounts: rows are ownership claims only.
"""

from __future__ import annotations

from reserves.claims import Proof
from reserves.errors import InputError
from reserves.importers.common import ClaimsFile, PendingRow, build_claims
from reserves.importers.table import Section, SourceFile, check_width, null, read_sections

NULLS = frozenset({"", "null", "NULL", "\\N"})
HEADER = ["digitalasset", "network", "address", "signedmessage", "signedmessage2", "message",
          "publickey", "owner1", "owner2"]


def looks_like(sections: list[Section]) -> bool:
    return bool(sections) and [h.lower() for h in sections[0].header][:9] == HEADER


def load(path: str, text: str, source: SourceFile) -> ClaimsFile:
    sections = read_sections(path, text)
    if len(sections) != 1:
        raise InputError(path, "the audit-firm format has one table; found a blank line "
                               "splitting it", sections[1].header_line if sections[1:] else None)
    table = sections[0]
    names = [h.lower() for h in table.header]
    if names[:9] != HEADER or names[9:] not in ([], ["status"]):
        raise InputError(path, f"header {','.join(table.header)!r} is not the audit-firm "
                               "format", table.header_line)
    width = len(names)
    pending = []
    for line, cells in table.rows:
        check_width(path, line, cells, 6, width)
        cells = cells + [""] * (width - len(cells))
        asset, network, address, sig1, sig2, message, pubkey, o1, o2 = (
            null(c, NULLS) for c in cells[:9])
        if asset is None or network is None:
            raise InputError(path, "empty digitalAsset or network", line)
        if address is None:
            raise InputError(path, "empty address", line, "address")
        pending.append(PendingRow(
            line=line, coin=asset, address=address, amount_text=None,
            proof=Proof(message, tuple(s for s in (sig1, sig2) if s),
                        pubkey, tuple(o for o in (o1, o2) if o)),
            network_label=network))
    claims, findings = build_claims(path, pending)
    return ClaimsFile(source, "okx-audit", claims, [], findings)
