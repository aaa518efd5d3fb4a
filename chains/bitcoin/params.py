"""Per-chain, per-network constants of the Bitcoin family.

Version bytes, segwit prefixes and the signed-message magic differ between
Bitcoin, Litecoin, Dogecoin and Bitcoin Cash; everything else in this
package is shared and takes a ``Params`` to know which chain it is on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Params:
    chain: str
    network: str
    p2pkh: int
    """Base58 version byte of pay-to-pubkey-hash addresses."""
    p2sh: tuple[int, ...]
    """Base58 version bytes of pay-to-script-hash addresses (the first is current)."""
    hrp: str | None
    """Bech32 prefix of segwit addresses; None where the chain has no segwit."""
    magic: bytes
    """The signed-message prefix ("Bitcoin Signed Message:\\n")."""
    cashaddr: str | None = None
    """CashAddr prefix (Bitcoin Cash only)."""


_BTC = b"Bitcoin Signed Message:\n"
_LTC = b"Litecoin Signed Message:\n"
_DOGE = b"Dogecoin Signed Message:\n"

PARAMS: dict[tuple[str, str], Params] = {
    (p.chain, p.network): p
    for p in (
        Params("bitcoin", "mainnet", 0x00, (0x05,), "bc", _BTC),
        Params("bitcoin", "testnet", 0x6F, (0xC4,), "tb", _BTC),
        Params("bitcoin", "signet", 0x6F, (0xC4,), "tb", _BTC),
        Params("bitcoin", "regtest", 0x6F, (0xC4,), "bcrt", _BTC),
        Params("litecoin", "mainnet", 0x30, (0x32, 0x05), "ltc", _LTC),
        Params("litecoin", "testnet", 0x6F, (0x3A, 0xC4), "tltc", _LTC),
        Params("dogecoin", "mainnet", 0x1E, (0x16,), None, _DOGE),
        Params("dogecoin", "testnet", 0x71, (0xC4,), None, _DOGE),
        Params("bitcoin-cash", "mainnet", 0x00, (0x05,), None, _BTC, "bitcoincash"),
        Params("bitcoin-cash", "testnet", 0x6F, (0xC4,), None, _BTC, "bchtest"),
    )
}


def params_for(chain: str, network: str) -> Params:
    """Constants for ``chain`` on ``network``; KeyError when unknown."""
    return PARAMS[(chain, network)]
