"""The claims model: one published address row, whatever file it came from.

Every importer turns its format into ``Claim`` records; everything after
the importers (verifiers, balance readers, reconciliation, reports) sees
only this model. Fields keep what the file said (``coin``, ``amount_text``)
beside what it was resolved to (``chain``, ``amount``), so a report can
always show the published value next to the interpreted one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PublishedKeys:
    """Keys a file says every one of its multisig scripts is built from.

    BitMEX publishes its static keys and one m-of-n once for the whole file
    (``keys``, ``claim: {m, n}``) and a script per address, with no
    signatures: each script can then be checked against these keys, but
    nothing shows that the exchange holds them.
    """

    m: int
    n: int
    keys: tuple[str, ...]
    """Public keys (hex, 33 or 65 bytes) as published."""
    xpubs: tuple[str, ...] = ()
    """Extended public keys the file's single-key (wpkh) addresses derive from."""


@dataclass(frozen=True, slots=True)
class Proof:
    """The ownership proof published with an address."""

    message: str | None
    """The signed text exactly as published; None when the row has none."""
    signatures: tuple[str, ...] = ()
    """Signatures as published (base64, hex or base58), in column order."""
    script: str | None = None
    """Redeem/witness script (hex) for multisig, or the public key for
    chains whose address is derived from it (ed25519 chains)."""
    owners: tuple[str, ...] = ()
    """Owner addresses (OKX EOA1/EOA2) when the address is a contract
    wallet and its owners signed instead of the address itself."""
    scheme: str | None = None
    """Scheme declared by the file (native format, or implied by the format:
    Summa); None = detect."""
    published: PublishedKeys | None = None
    """The file-wide keys the script must be built from (BitMEX)."""
    script_type: str | None = None
    """The script form the file declares for the address (BitMEX ``addr_type``:
    sh, sh_wsh, wsh, wpkh, unspendable); None when the file does not say."""


@dataclass(frozen=True, slots=True)
class Claim:
    """One address the exchange says it controls, with what it claims there."""

    source: str
    """Path of the file the row came from, as given by the user."""
    row: int
    """Line number of the row in that file (1-based, physical lines)."""
    coin: str
    """Coin label as published: "USDT-TRC20", "ETH", "BTC"."""
    asset: str
    """Asset symbol the label resolves to: "USDT"."""
    chain: str | None
    """Catalog chain id ("bitcoin", "ethereum", "tron"); None = unknown."""
    family: str
    """Verifier family of the chain ("bitcoin", "evm", ...); "" = none."""
    address: str
    """The address as published (not normalised)."""
    amount: int | None
    """Claimed balance in base units; None when the file gives none ("-")."""
    decimals: int | None
    """Decimals of the asset on this chain; None when unknown."""
    amount_text: str
    """The amount cell exactly as published."""
    proof: Proof
    network: str = "mainnet"
    """mainnet, testnet, signet or regtest."""
    height: int | None = None
    """Snapshot height the file states for this row, if any."""
    kind: str = "address"
    """"address", or the staking type of OKX staking rows."""
    decimals_inferred: bool = False
    """True when ``decimals`` was read off the file's own amounts because
    the catalog does not know the asset."""
    chain_label: str = field(default="")
    """The network label as published, when the file has a Network column."""
    custodian: str = ""
    """Third party holding the address for the exchange, as the file names it
    (Binance's "Third party custodian name"); "" when none is named."""
