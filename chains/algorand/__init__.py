"""Algorand family: ed25519 message proofs, address = base32(key || checksum)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from chains import ed25519
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed

SCHEMES = tuple(ed25519.MESSAGE_FORMS)


def decode(address: str) -> bytes:
    """The 32-byte public key of an Algorand address; ValueError when invalid."""
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
    return key


def check_address(claim: Claim) -> str | None:
    try:
        decode(claim.address)
    except ValueError as e:
        return f"address does not decode: {e}"
    return None


def verify_ownership(claim: Claim) -> Verdict:
    try:
        key = decode(claim.address)
    except ValueError as e:
        return failed(f"address does not decode: {e}")
    return ed25519.verify_claim(claim, key, {k: ed25519.MESSAGE_FORMS[k] for k in SCHEMES})
