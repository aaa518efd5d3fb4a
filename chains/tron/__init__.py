"""Tron family: TIP-191 message proofs."""

from chains.tron.ownership import SCHEMES, check_address, verify_ownership

__all__ = ["SCHEMES", "check_address", "verify_ownership"]
