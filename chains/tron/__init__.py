"""Tron family: TIP-191 message proofs."""

from chains.tron.address import address_key
from chains.tron.ownership import SCHEMES, check_address, verify_ownership

__all__ = ["SCHEMES", "address_key", "check_address", "verify_ownership"]
