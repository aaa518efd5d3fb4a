"""EVM addresses: 20 bytes as 0x-hex, EIP-55 checksummed when mixed-case."""

from __future__ import annotations

import re

from chains.hashes import keccak256

_ADDR = re.compile(r"0x[0-9a-fA-F]{40}")


class AddressError(ValueError):
    pass


def decode(address: str) -> bytes:
    """The 20 address bytes; a mixed-case address must carry a valid EIP-55 checksum."""
    a = address.strip()
    if not _ADDR.fullmatch(a):
        raise AddressError("not a 0x-prefixed 20-byte hex address")
    body = a[2:]
    if body != body.lower() and body != body.upper() and checksummed(body) != a:
        raise AddressError("bad EIP-55 checksum (mixed case does not match)")
    return bytes.fromhex(body)


def address_key(address: str, chain: str = "", network: str = "") -> bytes:
    """What the address is, whatever its case: the 20 bytes (AddressError if invalid)."""
    return decode(address)


def checksummed(address: str | bytes) -> str:
    """EIP-55 form of an address (given as 20 bytes or hex)."""
    body = address.hex() if isinstance(address, bytes) else address.lower().removeprefix("0x")
    h = keccak256(body.encode()).hex()
    return "0x" + "".join(c.upper() if int(h[i], 16) >= 8 else c for i, c in enumerate(body))


def from_public_key(uncompressed: bytes) -> bytes:
    """Address bytes of a 65-byte uncompressed public key."""
    return keccak256(uncompressed[1:])[12:]
