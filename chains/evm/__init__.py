"""EVM family: message proofs for every EVM chain (and, with a node, balances)."""

from chains.evm.ownership import SCHEMES, check_address, verify_ownership

__all__ = ["SCHEMES", "check_address", "verify_ownership"]
