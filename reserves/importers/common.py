"""What every importer shares: the parsed-file record and row-to-claim building.

Importers only know their column layout. Turning a row into a ``Claim``
(resolving the coin label through the label map and the catalog, parsing the
amount exactly, inferring decimals the catalog does not know) happens once,
here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from reserves import labels
from reserves.catalog import Catalog
from reserves.claims import Claim, Proof
from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.labels import Resolver
from reserves.units import (AmountError, format_units, fraction_digits, parse_base_units,
                            to_base_units)


@dataclass(frozen=True, slots=True)
class TotalLine:
    """One line of a file's totals section, as published."""

    line: int
    coin: str
    height: str | None
    amount_text: str


@dataclass
class ClaimsFile:
    """A published reserves file, read: its claims, its totals, what was noticed."""

    source: SourceFile
    format: str
    claims: Sequence[Claim]
    """A list, or a ``ClaimTable`` for files of millions of rows (Binance)."""
    totals: list[TotalLine] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    base_units: bool = False
    """True when the file writes amounts in base units (OKX 2022, native)."""


@dataclass(slots=True)
class PendingRow:
    """A row read off the file, before catalog resolution and amount parsing."""

    line: int
    coin: str
    address: str
    amount_text: str | None
    proof: Proof
    base_units: bool = False
    """True when the amount is already in base units (OKX 2022)."""
    network_label: str | None = None
    chain_id: str | None = None
    """Set by formats that name the chain id directly (native)."""
    decimals: int | None = None
    """Set by formats that state decimals per row (native)."""
    height: int | None = None
    kind: str = "address"
    network: str = "mainnet"


def parse_height(path: str, line: int, text: str | None) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()):  # isdigit() alone accepts '²'
        raise InputError(path, f"snapshot height {text!r} is not a whole number", line,
                         "snapshot height")
    return int(text)


def build_claims(path: str, rows: list[PendingRow], catalog: Catalog | None = None,
                 resolver: Resolver | None = None) -> tuple[list[Claim], list[Finding]]:
    """Resolve and parse pending rows into claims; infer unknown decimals per label.

    Labels go through ``resolver`` (default: the one ``importers.load`` set up, with
    the user's label map): the map, then the catalog. A row whose label names no
    chain keeps chain None and gets the family its address's form names, so its
    proof is still judged; a ``label-unmapped`` warning per label says how to map it.
    """
    if resolver is None:
        resolver = labels.current()
        if catalog is not None and catalog is not resolver.catalog:
            resolver = labels.Resolver(resolver.labels, catalog)
    catalog = resolver.catalog
    resolved = []
    # (asset, chain, published decimals) -> (catalog decimals, first line, rows)
    contradicted: dict[tuple[str, str, int], list[int]] = {}
    # Decimals to start inference from: a label naming no chain keeps the asset's usual
    # decimals (USDT: 6) when the catalog has them, or more if the file writes more.
    seeds: dict[str, int] = {}
    for r in rows:
        if r.chain_id is not None:
            chain = catalog.chain_by_label(r.chain_id)
            asset = catalog.asset_symbol(r.coin)
            known = catalog.decimals(asset, chain)
            dec = r.decimals if r.decimals is not None else known
            if r.decimals is not None and known is not None and known != r.decimals:
                seen = contradicted.setdefault((asset, chain.id if chain else r.chain_id,
                                                r.decimals), [known, r.line, 0])
                seen[2] += 1
            resolved.append((asset, chain, dec))
        else:
            res = resolver.resolve(r.coin, r.network_label)
            dec = res.decimals
            if res.chain is None and dec is not None and not r.base_units:
                seeds[r.coin] = dec
                dec = None
            resolved.append((res.asset, res.chain, dec))
    # Decimals the catalog does not know: the most fraction digits the file writes
    # for that label, so every amount of it stays an exact integer.
    inferred: dict[str, int] = defaultdict(int)
    for r, (_, _, dec) in zip(rows, resolved):
        if dec is None and not r.base_units and r.amount_text is not None:
            try:
                inferred[r.coin] = max(inferred[r.coin], seeds.get(r.coin, 0),
                                       fraction_digits(r.amount_text))
            except AmountError as e:
                raise InputError(path, f"amount: {e}", r.line, "amount") from None
    findings = [
        Finding("decimals-contradict-catalog", Severity.ERROR,
                f"{asset} on {chain}: the file writes {published} decimals (line {line}, "
                f"{count} row{'s' if count != 1 else ''}) where the catalog has {known}: one "
                "of them is wrong, and a base-unit amount read at the wrong scale is off by "
                f"10^{abs(published - known)}", subject=f"{path}:{asset}:{chain}")
        for (asset, chain, published), (known, line, count) in sorted(contradicted.items())]
    findings += [
        Finding("decimals-inferred", Severity.INFO,
                f"{coin}: decimals unknown to the catalog; using {d} (the most the file "
                "writes) to keep amounts exact" if coin not in seeds else
                f"{coin}: the label names no chain, so the catalog's decimals on a chain do "
                f"not apply; using {d} (the asset's usual decimals, or the most the file "
                "writes) to keep amounts exact", subject=f"{path}:{coin}")
        for coin, d in sorted(inferred.items())]
    claims = []
    forms: dict[str, labels.AddressForm | None] = {}
    for r, (asset, chain, dec) in zip(rows, resolved):
        is_inferred = dec is None and r.coin in inferred
        if is_inferred:
            dec = inferred[r.coin]
        amount = None
        if r.amount_text is not None:
            try:
                amount = (parse_base_units(r.amount_text) if r.base_units
                          else to_base_units(r.amount_text, dec or 0))
            except AmountError as e:
                raise InputError(path, f"amount: {e}", r.line, "amount") from None
            except ValueError:  # int() refuses thousands of digits
                raise InputError(path, f"amount: {len(r.amount_text.strip())} characters, "
                                       "too long to be an amount", r.line, "amount") from None
        if chain is not None:
            family = chain.family
        elif r.chain_id is not None:
            # The native format names its chain outright; one the catalog does not know
            # ("moonchain") is not a label to read around: its rows stay unsupported.
            family = ""
        else:
            address = r.address.strip()
            if address not in forms:
                forms[address] = labels.address_form(address)
            form = forms[address]
            family = form.family if form is not None else ""
        claims.append(Claim(
            source=path, row=r.line, coin=r.coin, asset=asset,
            chain=chain.id if chain else None, family=family,
            address=r.address, amount=amount, decimals=dec,
            amount_text=r.amount_text or "", proof=r.proof, network=r.network,
            height=r.height, kind=r.kind, decimals_inferred=is_inferred,
            chain_label=r.network_label or ""))
    findings += _unmapped_findings(path, rows, claims)
    return claims, findings


def _unmapped_findings(path: str, rows: list[PendingRow], claims: list[Claim]) -> list[Finding]:
    """One ``label-unmapped`` warning per label that names no chain, saying how to map it."""
    groups: dict[str, list[tuple[PendingRow, Claim]]] = defaultdict(list)
    for r, c in zip(rows, claims):
        if c.chain is None and r.chain_id is None:
            groups[labels.label_key(r.coin, r.network_label)].append((r, c))
    out = []
    for key, members in sorted(groups.items()):
        asset = members[0][1].asset
        n = len(members)
        what = f"{n} row{'s' if n != 1 else ''}"
        decimals = {c.decimals for _, c in members}
        amounts = [c.amount for _, c in members if c.amount is not None]
        if amounts and len(decimals) == 1 and None not in decimals:
            what += f", claiming {format_units(sum(amounts), decimals.pop())} {asset}"
        families = sorted({c.family for _, c in members if c.family})
        lines = ", ".join(str(c.row) for _, c in members[:5]) + (", ..." if n > 5 else "")
        head = (f"label {key!r} ({what}, line{'s' if n != 1 else ''} {lines}) names no chain "
                "the catalog knows")
        fix = ("map it in a label map file (--labels FILE) or the audit config's [labels]: "
               + labels.mapping_hint(key, asset))
        judged = (f"the proofs were judged by the address's form ({', '.join(families)})"
                  if families else "no address form names a family either, so the proofs "
                                   "cannot be judged (unsupported)")
        out.append(Finding(
            "label-unmapped", Severity.WARNING,
            f"{head}: {judged}; the balances cannot be read and are never counted. To fix, "
            f"{fix}", subject=f"{path}:{key}"))
    return out
