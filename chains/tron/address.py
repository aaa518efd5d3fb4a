"""Tron addresses: base58check of 0x41 followed by the 20-byte account id."""

from __future__ import annotations

from chains.encoding import b58check_decode, b58check_encode
from chains.hashes import keccak256


class AddressError(ValueError):
    pass


def decode(address: str) -> bytes:
    """The 21 address bytes (0x41 + account id)."""
    try:
        body = b58check_decode(address.strip())
    except ValueError as e:
        raise AddressError(str(e)) from None
    if len(body) != 21 or body[0] != 0x41:
        raise AddressError("not a Tron address (needs 21 bytes starting 0x41)")
    return body


def address_key(address: str, chain: str = "", network: str = "") -> bytes:
    """What the address is: the 21 bytes (base58check spells each one one way)."""
    return decode(address)


def from_public_key(uncompressed: bytes) -> bytes:
    return b"\x41" + keccak256(uncompressed[1:])[12:]


def encode(body: bytes) -> str:
    return b58check_encode(body)
