"""Solana family: ed25519 message proofs (the address is the public key)."""

from chains.solana.ownership import SCHEMES, address_key, check_address, verify_ownership


def __getattr__(name: str):
    if name == "Adapter":
        from chains.solana.adapter import Adapter

        return Adapter
    raise AttributeError(name)


__all__ = ["SCHEMES", "Adapter", "address_key", "check_address", "verify_ownership"]
