"""Balances read from chains, each pinned to the block it was read at.

A balance without its chain, height, block hash and source is not
evidence, so the record carries all four. A balance that could not be read
is still a record, with ``amount`` None and the reason in ``error``: a
missing number must never look like a zero.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BlockRef:
    """A block the audit is pinned to."""

    chain: str
    """Catalog chain id ("bitcoin", "ethereum", "solana", ...)."""
    height: int
    """Block height (slot on Solana)."""
    hash: str
    """Block hash as the node reports it (hex, or base58 on Solana)."""
    timestamp: int | None = None
    """Block time in unix seconds, when the node gives it."""


@dataclass(frozen=True, slots=True)
class AssetSpec:
    """An asset to read on one chain: the native coin or one token."""

    symbol: str
    decimals: int
    contract: str | None = None
    """Token contract (EVM, Tron) or mint (Solana); None for the native coin."""


@dataclass(frozen=True, slots=True)
class Balance:
    """One address's holding of one asset at one block."""

    chain: str
    address: str
    asset: str
    amount: int | None
    """Base units; None when it could not be read (see ``error``)."""
    decimals: int
    height: int
    block_hash: str
    source: str
    """Where it came from: backend and node URL, credentials removed."""
    method: str = ""
    """How: "utxo-walk", "esplora", "eth_getBalance", "history", ..."""
    proven: bool | None = None
    """True when a cryptographic proof (Merkle, state proof) was checked;
    False when one was checked and failed; None when none was asked for."""
    error: str = ""
    """Why ``amount`` is None; empty when it was read."""
