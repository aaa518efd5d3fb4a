"""Bitcoin family: BTC, LTC, DOGE and BCH ownership proofs (and, with a node, balances)."""

from chains.bitcoin.address import address_key
from chains.bitcoin.ownership import SCHEMES, check_address, verify_ownership
from chains.bitcoin.published import judge_unsigned


def __getattr__(name: str):
    if name == "Adapter":
        from chains.bitcoin.adapter import Adapter

        return Adapter
    raise AttributeError(name)


__all__ = ["SCHEMES", "Adapter", "address_key", "check_address", "judge_unsigned",
           "verify_ownership"]
