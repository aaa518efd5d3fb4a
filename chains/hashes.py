"""Hash functions the chains use, in one place, each by its plain name."""

from __future__ import annotations

import hashlib

# Keccak-256 (not SHA3-256) from safe-pysha3's C code: 6x pycryptodome's per call,
# which counts when every EVM and Tron row needs two.
from sha3 import keccak_256 as _keccak_256

try:
    _RIPEMD160 = hashlib.new("ripemd160")  # copying it skips the lookup by name

    def ripemd160(data: bytes) -> bytes:
        h = _RIPEMD160.copy()
        h.update(data)
        return h.digest()
except ValueError:  # OpenSSL 3 without the legacy provider
    from Crypto.Hash import RIPEMD160 as _ripemd160

    def ripemd160(data: bytes) -> bytes:
        return _ripemd160.new(data).digest()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash160(data: bytes) -> bytes:
    return ripemd160(hashlib.sha256(data).digest())


def keccak256(data: bytes) -> bytes:
    return _keccak_256(data).digest()


def compact_size(n: int) -> bytes:
    """Bitcoin's CompactSize length prefix."""
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def varstr(data: bytes) -> bytes:
    """CompactSize length followed by the bytes (Bitcoin's var_str)."""
    return compact_size(len(data)) + data
