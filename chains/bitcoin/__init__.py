"""Bitcoin family: BTC, LTC, DOGE and BCH ownership proofs (and, with a node, balances)."""

from chains.bitcoin.ownership import MULTISIG_SCHEME, SINGLE_KEY_SCHEMES, check_address, verify_ownership

SCHEMES = (*SINGLE_KEY_SCHEMES, MULTISIG_SCHEME)

__all__ = ["SCHEMES", "check_address", "verify_ownership"]
