"""BIP-32 public derivation: the key at an unhardened path below a published xpub.

BitMEX lists some addresses as ``wpkh`` descriptors of a published xpub
(``wpkh(xpub.../0/5)``). Whether such an address is the one the descriptor
names can be checked from public data alone: CKDpub (BIP-32) gives the
child key, which must hash to the P2WPKH program. Hardened steps need the
private key and ranges (``*``) name no single address: both are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import coincurve

from chains.encoding import b58check_decode
from chains.secp256k1 import ORDER

VERSIONS = {bytes.fromhex("0488b21e"): "xpub", bytes.fromhex("043587cf"): "tpub"}
_DESCRIPTOR = re.compile(r"wpkh\((?:\[[0-9a-fA-F]{8}(?:/[0-9]+['hH]?)*\])?"
                         r"([1-9A-HJ-NP-Za-km-z]+)((?:/[^/)]*)*)\)(?:#[0-9a-z]{8})?")


class DerivationError(ValueError):
    """The xpub or path cannot be used."""


class NotOneKey(DerivationError):
    """The path is a range or hardened: no single key follows from public data."""


def parse_xpub(text: str) -> tuple[bytes, bytes]:
    """(chain code, compressed key) of a serialized extended public key."""
    try:
        raw = b58check_decode(text.strip())
    except ValueError as e:
        raise DerivationError(f"xpub does not decode: {e}") from None
    if len(raw) != 78:
        raise DerivationError(f"xpub is {len(raw)} bytes, not 78")
    if raw[:4] not in VERSIONS:
        raise DerivationError(f"version 0x{raw[:4].hex()} is not an extended public key")
    chain_code, key = raw[13:45], raw[45:]
    try:
        coincurve.PublicKey(key)
    except ValueError:
        raise DerivationError("the xpub's key is not a valid point") from None
    if key[0] not in (2, 3):
        raise DerivationError("the xpub's key is not a compressed public key")
    return chain_code, key


def child(chain_code: bytes, key: bytes, index: int) -> tuple[bytes, bytes]:
    """CKDpub: (chain code, compressed key) of unhardened child ``index``."""
    if not 0 <= index < 2**31:
        raise DerivationError(f"index {index} is hardened or out of range")
    digest = hmac.new(chain_code, key + index.to_bytes(4, "big"), hashlib.sha512).digest()
    tweak = int.from_bytes(digest[:32], "big")
    if tweak >= ORDER:
        raise DerivationError(f"child {index} is invalid (BIP-32: skip to the next index)")
    try:
        derived = coincurve.PublicKey(key).add(digest[:32])
    except ValueError:
        raise DerivationError(f"child {index} is the point at infinity") from None
    return digest[32:], derived.format(compressed=True)


def parse_descriptor(text: str) -> tuple[str, tuple[int, ...]]:
    """(xpub, unhardened path) of ``wpkh(xpub/i/j...)``, an origin and checksum allowed."""
    m = _DESCRIPTOR.fullmatch(text.strip())
    if not m:
        raise DerivationError("not a wpkh(xpub/...) descriptor")
    steps = []
    for step in m.group(2).split("/")[1:]:
        if not step.isascii() or not step.isdigit():
            what = "a range (*)" if "*" in step else f"step {step!r} (hardened or not a number)"
            raise NotOneKey(f"the path has {what}: no single public key follows from the xpub")
        steps.append(int(step))
    return m.group(1), tuple(steps)


def derive(xpub: str, path: tuple[int, ...]) -> bytes:
    """The compressed key at ``path`` below ``xpub``."""
    chain_code, key = parse_xpub(xpub)
    for index in path:
        chain_code, key = child(chain_code, key, index)
    return key
