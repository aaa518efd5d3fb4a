"""Bitcoin family: BTC, LTC, DOGE and BCH ownership proofs (and, with a node, balances)."""

from chains.bitcoin.ownership import (BIP322_SCHEMES, MULTISIG_SCHEME, SINGLE_KEY_SCHEMES,
                                      check_address, verify_ownership)
from chains.bitcoin.published import judge_unsigned

SCHEMES = (*SINGLE_KEY_SCHEMES, MULTISIG_SCHEME, *BIP322_SCHEMES)


def __getattr__(name: str):
    if name == "Adapter":
        from chains.bitcoin.adapter import Adapter

        return Adapter
    raise AttributeError(name)


__all__ = ["SCHEMES", "Adapter", "check_address", "judge_unsigned", "verify_ownership"]
