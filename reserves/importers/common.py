"""What every importer shares: the parsed-file record and row-to-claim building.

Importers only know their column layout. Turning a row into a ``Claim``
(resolving the coin label through the catalog, parsing the amount exactly,
inferring decimals the catalog does not know) happens once, here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from reserves.catalog import Catalog, default_catalog
from reserves.claims import Claim, Proof
from reserves.errors import InputError
from reserves.findings import Finding, Severity
from reserves.importers.table import SourceFile
from reserves.units import AmountError, fraction_digits, parse_base_units, to_base_units


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


def build_claims(path: str, rows: list[PendingRow],
                 catalog: Catalog | None = None) -> tuple[list[Claim], list[Finding]]:
    """Resolve and parse pending rows into claims; infer unknown decimals per label."""
    catalog = catalog or default_catalog()
    resolved = []
    # (asset, chain, published decimals) -> (catalog decimals, first line, rows)
    contradicted: dict[tuple[str, str, int], list[int]] = {}
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
            res = catalog.resolve(r.coin, r.network_label)
            resolved.append((res.asset, res.chain, res.decimals))
    # Decimals the catalog does not know: the most fraction digits the file writes
    # for that label, so every amount of it stays an exact integer.
    inferred: dict[str, int] = defaultdict(int)
    for r, (_, _, dec) in zip(rows, resolved):
        if dec is None and not r.base_units and r.amount_text is not None:
            try:
                inferred[r.coin] = max(inferred[r.coin], fraction_digits(r.amount_text))
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
                "writes) to keep amounts exact", subject=f"{path}:{coin}")
        for coin, d in sorted(inferred.items())]
    claims = []
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
        claims.append(Claim(
            source=path, row=r.line, coin=r.coin, asset=asset,
            chain=chain.id if chain else None, family=chain.family if chain else "",
            address=r.address, amount=amount, decimals=dec,
            amount_text=r.amount_text or "", proof=r.proof, network=r.network,
            height=r.height, kind=r.kind, decimals_inferred=is_inferred,
            chain_label=r.network_label or ""))
    return claims, findings
