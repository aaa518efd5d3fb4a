"""OKX monthly reserve files, in all four address-table header eras.

Layout: a totals section (``coin,[snapshot height,]amount``), a blank
line, then the address table. The address table's header changed over
time (ownership-anchors.md, 3.1):

* 2022-11, 7 columns: coin,address,amount,message,signature1,signature2,
  redeem script/ public key. Amounts in base units.
* 2023-24, 9 columns: adds network and snapshot height; amount is "balance".
* 2024-11, 11 columns: adds eoa1, eoa2 (owner EOAs of contract wallets).
* 2026-07, 12 columns: adds Type (Non Staking / Native ETH Staking /
  Eigenlayer Staking); staking rows are signed by EOA1.

From 2023 on amounts are decimal strings. Empties are '', 'null' or '\\N'.
Columns are found by name, so their order does not matter; an unknown
column is an error rather than something silently ignored.
"""

from __future__ import annotations

from operator import itemgetter

from reserves.claims import Proof
from reserves.errors import InputError
from reserves.importers.common import ClaimsFile, PendingRow, TotalLine, build_claims, parse_height
from reserves.importers.table import Section, SourceFile, check_width, null, read_sections

NULLS = frozenset({"", "null", "NULL", "\\N"})

COLUMNS = {
    "coin": "coin",
    "type": "type",
    "network": "network",
    "snapshot height": "height",
    "address": "address",
    "amount": "amount",
    "balance": "amount",
    "message": "message",
    "signature1": "sig1",
    "signature2": "sig2",
    "redeem script/ public key": "script",
    "redeem script/public key": "script",
    "redeem script": "script",
    "public key": "script",
    "eoa1": "eoa1",
    "eoa2": "eoa2",
}
REQUIRED = ("coin", "address", "amount", "message", "sig1")
OPTIONAL_TAIL = ("sig2", "script", "eoa1", "eoa2")
FIELDS = ("coin", "address", "amount", "message", "sig1", "sig2", "script", "eoa1", "eoa2",
          "type", "network", "height")


def looks_like(sections: list[Section]) -> bool:
    return any(_is_address_header(s.header) for s in sections) and not _is_htx(sections)


def _is_address_header(header: list[str]) -> bool:
    names = {h.lower() for h in header}
    return {"coin", "address", "signature1"} <= names


def _is_htx(sections: list[Section]) -> bool:
    return any({"coin", "address", "signature"} <= {h.lower() for h in s.header}
               for s in sections)


def read_totals(path: str, section: Section) -> list[TotalLine]:
    names = [h.lower() for h in section.header]
    if names[0] != "coin" or names[-1] not in ("amount", "balance") or len(names) not in (2, 3):
        raise InputError(path, f"totals header {','.join(section.header)!r} is not "
                               "'coin,[snapshot height,]amount'", section.header_line)
    out = []
    for line, cells in section.rows:
        check_width(path, line, cells, len(names), len(names))
        height = null(cells[1], NULLS | {"-"}) if len(names) == 3 else None
        out.append(TotalLine(line, cells[0].strip(), height, cells[-1].strip()))
    return out


def load(path: str, text: str, source: SourceFile) -> ClaimsFile:
    sections = read_sections(path, text)
    address_sections = [s for s in sections if _is_address_header(s.header)]
    if len(address_sections) != 1:
        raise InputError(path, "expected exactly one OKX address table "
                               "(a header with coin, address and signature1)")
    table = address_sections[0]
    totals = []
    for s in sections:
        if s is table:
            continue
        if sections.index(s) > sections.index(table):
            raise InputError(path, "unexpected section after the address table",
                             s.header_line)
        totals.extend(read_totals(path, s))
    cols = []
    for h in table.header:
        key = COLUMNS.get(h.strip().lower())
        if key is None:
            raise InputError(path, f"unknown column {h.strip()!r} in the OKX address table",
                             table.header_line)
        cols.append(key)
    for need in REQUIRED:
        if need not in cols:
            raise InputError(path, f"the address table has no {need!r} column",
                             table.header_line)
    idx = {c: i for i, c in enumerate(cols)}
    # Rows may leave off trailing optional columns (OKX writes 9 cells under an
    # 11-column header when the EOA columns are empty), never required ones.
    minimum = 1 + max(idx[c] for c in REQUIRED)
    base_units = "network" not in idx and len(cols) == 7
    pending = []
    width = len(cols)
    # Every field in one C-level pick per row; a column the header lacks reads the
    # empty cell appended at index ``width``.
    pick = itemgetter(*(idx.get(name, width) for name in FIELDS))
    nulls = NULLS
    for line, cells in table.rows:
        if len(cells) != width:
            check_width(path, line, cells, minimum, width)
            cells = cells + [""] * (width - len(cells))
        cells.append("")
        (coin, address, amount, message, sig1, sig2, script, eoa1, eoa2, kind_text,
         network, height) = [None if (v := c.strip()) in nulls else v for c in pick(cells)]
        if coin is None:
            raise InputError(path, "empty coin", line, "coin")
        if address is None:
            raise InputError(path, "empty address", line, "address")
        sigs = tuple(filter(None, (sig1, sig2)))  # cells are None or non-empty
        owners = tuple(filter(None, (eoa1, eoa2)))
        kind = "address" if kind_text in (None, "Non Staking") else \
            "-".join(kind_text.lower().split())
        pending.append(PendingRow(
            line=line, coin=coin, address=address, amount_text=amount,
            proof=Proof(message, sigs, script, owners),
            base_units=base_units, network_label=network,
            height=parse_height(path, line, height), kind=kind))
    claims, findings = build_claims(path, pending)
    return ClaimsFile(source, f"okx-{len(cols)}col", claims, totals, findings, base_units)
