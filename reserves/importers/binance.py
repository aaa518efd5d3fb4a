"""Binance's proof-of-reserves address file.

One CSV table, header ``coin,network,address,balance,Height,Third party
custodian name`` (names matched case-insensitively, in any order; the
custodian column may be absent). About 1.4 thousand hot and cold wallet
rows and 4.2 million deposit-address rows a month. There are no
signatures: every row is ``unsigned``. The chain comes from ``network``
through the catalog; ``balance`` is in whole units; ``Height`` is the
snapshot height of the row's chain; the custodian, when named, is kept on
the claim and shown in every report.

The file is read as a stream, line by line, into a ``ClaimTable``: neither
the file's text nor a per-row record beside the claim is ever held.
"""

from __future__ import annotations

import csv
from collections import defaultdict

from reserves.catalog import default_catalog
from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.claim_table import ClaimTable
from reserves.importers.common import ClaimsFile
from reserves.importers.stream import decode_line, finish, open_source
from reserves.units import AmountError, fraction_digits, to_base_units

COLUMNS = {
    "coin": "coin",
    "network": "network",
    "address": "address",
    "balance": "balance",
    "height": "height",
    "third party custodian name": "custodian",
}
REQUIRED = ("coin", "network", "address", "balance", "height")
EMPTY = frozenset({"", "-"})
"""Cells read as empty: a missing balance, height, network or custodian."""


def header_names(line: str) -> list[str]:
    return [c.strip().lower() for c in next(csv.reader([line]), [])]


def looks_like(first_line: str) -> bool:
    """True when the first non-blank line is a Binance header."""
    names = header_names(first_line)
    return set(REQUIRED) <= set(names) and set(names) <= set(COLUMNS)


def _header(path: str, line: int, text: str) -> dict[str, int]:
    try:
        names = [c.strip().lower() for c in next(csv.reader([text], strict=True), [])]
    except csv.Error as e:
        raise InputError(path, f"unreadable CSV header: {e}", line) from None
    where: dict[str, int] = {}
    for i, name in enumerate(names):
        field = COLUMNS.get(name)
        if field is None:
            raise InputError(path, f"unknown column {name!r} (a Binance file has "
                                   f"{', '.join(repr(k) for k in COLUMNS)})", line)
        if field in where:
            raise InputError(path, f"column {name!r} appears twice", line)
        where[field] = i
    for need in REQUIRED:
        if need not in where:
            raise InputError(path, f"missing required column {need!r}", line)
    return where


def load_file(path: str, name: str) -> ClaimsFile:
    """Read the Binance file at ``path``; rows and errors name it ``name``."""
    stream, hashing = open_source(path)
    try:
        table, findings = _read(name, stream)
        source = finish(stream, hashing, name)
    finally:
        stream.close()
    return ClaimsFile(source, "binance", table, [], findings)


def _read(path: str, stream) -> tuple[ClaimTable, list[Finding]]:
    catalog = default_catalog()
    resolve = catalog.resolve
    table = ClaimTable(path)
    where: dict[str, int] | None = None
    width = 0
    seen_text = False
    # Labels whose decimals the catalog does not know: their amounts are parsed
    # after the pass, at the most fraction digits the file writes for them.
    pending: dict[int, list[int]] = defaultdict(list)
    places: dict[int, int] = defaultdict(int)
    for number, raw in enumerate(stream, 1):
        text = decode_line(path, number, raw)
        if not text.strip():
            continue
        seen_text = True
        if where is None:
            where = _header(path, number, text)
            width = len(where)
            i_coin, i_net, i_addr = where["coin"], where["network"], where["address"]
            i_bal, i_height = where["balance"], where["height"]
            i_cust = where.get("custodian")
            continue
        if '"' in text:
            try:
                cells = next(csv.reader([text], strict=True))
            except csv.Error as e:
                raise InputError(path, f"unreadable CSV: {e}", number) from None
        else:
            cells = text.split(",")
        if len(cells) != width:
            if len(cells) > width:
                raise InputError(path, f"row has {len(cells)} columns, the header has "
                                       f"{width}", number)
            raise InputError(path, f"truncated row: {len(cells)} columns, the header has "
                                   f"{width}", number)
        coin = cells[i_coin].strip()
        if not coin or coin in EMPTY:
            raise InputError(path, "empty coin", number, "coin")
        address = cells[i_addr].strip()
        if not address or address in EMPTY:
            raise InputError(path, "empty address", number, "address")
        network = cells[i_net].strip()
        if network in EMPTY:
            network = ""
        label = table.label(coin, network, resolve)
        balance = cells[i_bal].strip()
        amount = None
        if balance in EMPTY:
            balance = ""
        else:
            decimals = table.labels[label].decimals
            try:
                if decimals is None:
                    places[label] = max(places[label], fraction_digits(balance))
                    pending[label].append(len(table))
                else:
                    amount = to_base_units(balance, decimals)
            except AmountError as e:
                raise InputError(path, f"balance: {e}", number, "balance") from None
            except ValueError:  # int() refuses thousands of digits
                raise InputError(path, f"balance: {len(balance)} characters, too long to be "
                                       "an amount", number, "balance") from None
        h = cells[i_height].strip()
        if h in EMPTY:
            height = None
        elif h.isascii() and h.isdigit():  # isdigit() alone accepts '²'
            height = int(h)
        else:
            raise InputError(path, f"height {h!r} is not a whole number", number, "Height")
        custodian = 0
        if i_cust is not None:
            name = cells[i_cust].strip()
            if name not in EMPTY:
                custodian = table.custodian(name)
        table.append(number, label, address, balance, amount, height, custodian)
    if not seen_text:
        raise InputError(path, "empty file")
    findings = []
    for label, rows in pending.items():
        lab = table.labels[label]
        lab.decimals, lab.inferred = places[label], True
        for i in rows:
            table.set_amount(i, to_base_units(table.amount_text(i), lab.decimals))
        findings.append(Finding(
            "decimals-inferred", Severity.INFO,
            f"{lab.coin}: decimals unknown to the catalog; using {lab.decimals} (the most the "
            "file writes) to keep amounts exact", subject=f"{path}:{lab.coin}"))
    return table, sorted(findings, key=lambda f: f.subject)
