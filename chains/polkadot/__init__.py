"""Polkadot family: ed25519 proofs for SS58 addresses (network prefix 0)."""

from __future__ import annotations

import hashlib

from chains import ed25519
from chains.encoding import b58decode, b58encode
from reserves.claims import Claim
from reserves.verdicts import Verdict, failed

SCHEMES = ("ed25519-okx-framed", "ed25519-raw")
POLKADOT_PREFIX = 0


def decode(address: str) -> bytes:
    """The 32-byte public key of a Polkadot SS58 address; ValueError when invalid."""
    a = address.strip()
    raw = b58decode(a)
    if len(raw) != 35:
        raise ValueError("an SS58 account address decodes to 35 bytes")
    prefix, key, check = raw[:1], raw[1:33], raw[33:]
    if prefix[0] != POLKADOT_PREFIX:
        raise ValueError(f"SS58 prefix {prefix[0]} is not Polkadot's {POLKADOT_PREFIX}")
    expected = hashlib.blake2b(b"SS58PRE" + prefix + key, digest_size=64).digest()[:2]
    if check != expected:
        raise ValueError("bad SS58 checksum")
    ed25519.require_canonical(a, b58encode(raw))
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
