"""Build single claims for verifier tests, with the catalog doing the resolution."""

from __future__ import annotations

from reserves.catalog import default_catalog
from reserves.claims import Claim, Proof

NETWORKS = {"main": "mainnet", "mainnet": "mainnet", "test": "testnet", "testnet": "testnet",
            "regtest": "regtest", "signet": "signet"}


def claim(chain: str, address: str, message: str | None, signatures=(), script=None,
          owners=(), network: str = "mainnet", scheme: str | None = None,
          kind: str = "address", coin: str | None = None) -> Claim:
    c = default_catalog().chain(chain)
    assert c is not None, chain
    return Claim(
        source="test", row=1, coin=coin or c.native, asset=coin or c.native, chain=chain,
        family=c.family, address=address, amount=None, decimals=c.decimals, amount_text="",
        proof=Proof(message, tuple(signatures), script, tuple(owners), scheme),
        network=NETWORKS[network], kind=kind)
