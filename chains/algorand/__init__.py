"""Algorand family: ed25519 message proofs, address = base32(key || checksum)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from chains import ed25519
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed

SCHEMES = tuple(ed25519.MESSAGE_FORMS)


def encode(key: bytes) -> str:
    """The Algorand address of a 32-byte key: base32(key || checksum), unpadded."""
    checksum = hashlib.new("sha512_256", key).digest()[-4:]
    return base64.b32encode(key + checksum).decode("ascii").rstrip("=")


def decode(address: str) -> bytes:
    """The 32-byte public key of an Algorand address; ValueError when invalid.

    58 base32 characters carry 290 bits for 288: the last character's two
    spare bits must be zero, as the chain writes them, or one key would have
    four addresses (ed25519.NotCanonical).
    """
    a = address.strip()
    if len(a) != 58:
        raise ValueError("an Algorand address has 58 characters")
    try:
        raw = base64.b32decode(a + "======", casefold=False)
    except (binascii.Error, ValueError):
        raise ValueError("not base32") from None
    key, check = raw[:32], raw[32:]
    if hashlib.new("sha512_256", key).digest()[-4:] != check:
        raise ValueError("bad Algorand address checksum")
    ed25519.require_canonical(a, encode(key))
    return key


def address_key(address: str, chain: str = "", network: str = "") -> bytes:
    """What the address is: the 32-byte key."""
    return decode(address)


def check_address(claim: Claim) -> str | None:
    try:
        decode(claim.address)
    except ValueError as e:
        return ed25519.address_problem(e)
    return None


def verify_ownership(claim: Claim) -> Verdict:
    try:
        key = decode(claim.address)
    except ValueError as e:
        return failed(ed25519.address_problem(e))
    return ed25519.verify_claim(claim, key, {k: ed25519.MESSAGE_FORMS[k] for k in SCHEMES})
