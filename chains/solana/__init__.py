"""Solana family: ed25519 message proofs (the address is the public key)."""

from chains.solana.ownership import SCHEMES, check_address, verify_ownership

__all__ = ["SCHEMES", "check_address", "verify_ownership"]
