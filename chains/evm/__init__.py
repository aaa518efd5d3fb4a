"""EVM family: message proofs for every EVM chain (and, with a node, balances)."""

from chains.evm.address import address_key
from chains.evm.ownership import SCHEMES, check_address, verify_ownership


def __getattr__(name: str):
    # The adapter pulls in web3; load it only when balances are wanted.
    if name == "Adapter":
        from chains.evm.adapter import Adapter

        return Adapter
    raise AttributeError(name)


__all__ = ["SCHEMES", "Adapter", "address_key", "check_address", "verify_ownership"]
