"""Ownership proofs for Solana addresses.

A Solana address is its ed25519 public key in base58, so a signature that
verifies under that key proves the address. A program-derived address is
off the curve: no key exists for it and a row presenting one as a signer
fails.
"""

from __future__ import annotations

from solders.pubkey import Pubkey

from chains import ed25519
from chains.encoding import b58decode, b58encode
from chains.solana import offchain
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed

FORMS = {
    **ed25519.MESSAGE_FORMS,
    "solana-offchain": lambda m, key: offchain.cli_v0(m),
    "solana-offchain-full": lambda m, key: offchain.spec_v0(m, key),
}
SCHEMES = tuple(FORMS)


class AddressError(ValueError):
    pass


class NotCanonical(AddressError, ed25519.NotCanonical):
    pass


def decode(address: str) -> bytes:
    """The 32-byte key; AddressError when the text is not its key's one spelling."""
    a = address.strip()
    try:
        raw = b58decode(a)
    except ValueError as e:
        raise AddressError(str(e)) from None
    if len(raw) != 32:
        raise AddressError(f"decodes to {len(raw)} bytes, a Solana address has 32")
    ed25519.require_canonical(a, b58encode(raw), NotCanonical)
    return raw


def address_key(address: str, chain: str = "", network: str = "") -> bytes:
    """What the address is: the 32-byte key."""
    return decode(address)


def check_address(claim: Claim) -> str | None:
    try:
        decode(claim.address)
    except AddressError as e:
        return ed25519.address_problem(e)
    return None


def verify_ownership(claim: Claim) -> Verdict:
    try:
        key = decode(claim.address)
    except AddressError as e:
        return failed(ed25519.address_problem(e))
    if not Pubkey(key).is_on_curve():
        return failed("address is off the ed25519 curve (a program-derived address): "
                      "no key can sign for it")
    return ed25519.verify_claim(claim, key, FORMS)
