"""HTX (Huobi) monthly snapshot files.

UTF-8 with a BOM; a totals section ``coin,snapshot height,balance``
("BTC(ALL)" group lines and per-network lines), a blank line, then
``coin,address,snapshot height,balance,message,signature``. '-' marks an
empty cell: unsigned rows have '-' for message and signature, owner-EOA
rows '-' for height and balance. One address may appear under many coins.
"""

from __future__ import annotations

from reserves.claims import Proof
from reserves.errors import InputError
from reserves.importers.common import ClaimsFile, PendingRow, TotalLine, build_claims, parse_height
from reserves.importers.table import Section, SourceFile, check_width, null, read_sections

NULLS = frozenset({"", "-", "null", "\\N"})
DETAIL = ["coin", "address", "snapshot height", "balance", "message", "signature"]
TOTALS = ["coin", "snapshot height", "balance"]


def looks_like(sections: list[Section]) -> bool:
    return any([h.lower() for h in s.header] == DETAIL for s in sections)


def load(path: str, text: str, source: SourceFile) -> ClaimsFile:
    sections = read_sections(path, text)
    totals: list[TotalLine] = []
    detail: Section | None = None
    for s in sections:
        names = [h.lower() for h in s.header]
        if names == DETAIL:
            if detail is not None:
                raise InputError(path, "a second address table", s.header_line)
            detail = s
        elif names == TOTALS and detail is None:
            for line, cells in s.rows:
                check_width(path, line, cells, 3, 3)
                totals.append(TotalLine(line, cells[0].strip(), null(cells[1], NULLS),
                                        cells[2].strip()))
        else:
            raise InputError(path, f"unexpected section header {','.join(s.header)!r}",
                             s.header_line)
    if detail is None:
        raise InputError(path, "no address table (header " + ",".join(DETAIL) + ")")
    pending = []
    for line, cells in detail.rows:
        check_width(path, line, cells, 5, 6)
        cells = cells + [""] * (6 - len(cells))
        coin, address, height, balance, message, signature = (null(c, NULLS) for c in cells)
        if coin is None:
            raise InputError(path, "empty coin", line, "coin")
        if address is None:
            raise InputError(path, "empty address", line, "address")
        pending.append(PendingRow(
            line=line, coin=coin, address=address, amount_text=balance,
            proof=Proof(message, (signature,) if signature else ()),
            height=parse_height(path, line, height)))
    claims, findings = build_claims(path, pending)
    return ClaimsFile(source, "htx", claims, totals, findings)
