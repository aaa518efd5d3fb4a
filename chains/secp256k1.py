"""Public-key recovery on secp256k1, through coincurve (libsecp256k1).

Bitcoin, EVM and Tron message signatures all carry a recovery id, so
verifying one means recovering the signer's key from (r, s, recid, digest)
and comparing what that key hashes to with the claimed address.
"""

from __future__ import annotations

import threading

import coincurve
from coincurve._libsecp256k1 import ffi as _ffi
from coincurve._libsecp256k1 import lib as _lib
from coincurve.context import GLOBAL_CONTEXT

_CTX = GLOBAL_CONTEXT.ctx
_UNCOMPRESSED = _lib.SECP256K1_EC_UNCOMPRESSED

ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


class SignatureError(ValueError):
    """The signature cannot be used: wrong length, out of range, no key recovers."""


# One set of buffers per thread, reused by every call: allocating them per call
# was a tenth of a row's Python overhead. cffi releases the GIL inside each C
# call, so threads must not share them.
_parse = _lib.secp256k1_ecdsa_recoverable_signature_parse_compact
_recover = _lib.secp256k1_ecdsa_recover
_serialize = _lib.secp256k1_ec_pubkey_serialize
_local = threading.local()


def _buffers():
    sig = _ffi.new("secp256k1_ecdsa_recoverable_signature *")
    pub = _ffi.new("secp256k1_pubkey *")
    out = _ffi.new("unsigned char[65]")
    _local.buffers = found = (sig, pub, out, _ffi.buffer(out, 65), _ffi.new("size_t *"))
    return found


def recover(rs: bytes, recid: int, digest: bytes) -> bytes:
    """Recover the key that signed ``digest`` with (r, s) and ``recid``.

    Returns the 65-byte uncompressed public key. This calls libsecp256k1
    through coincurve's binding directly: verifying hundreds of thousands of
    rows spends most of its time here, and skipping coincurve's wrapper
    objects saves a third of the per-row overhead. libsecp256k1 itself
    rejects r or s that are zero or not below the group order; the reason is
    worked out in Python only when it does.
    """
    if len(rs) != 64:
        raise SignatureError(f"signature body must be 64 bytes, got {len(rs)}")
    if not 0 <= recid <= 3:
        raise SignatureError(f"recovery id {recid} out of range")
    if len(digest) != 32:
        raise SignatureError("digest must be 32 bytes")
    try:
        sig, pub, out, out_bytes, size = _local.buffers
    except AttributeError:
        sig, pub, out, out_bytes, size = _buffers()
    if not _parse(_CTX, sig, rs, recid):
        raise SignatureError("r or s out of range")
    if not _recover(_CTX, pub, sig, digest):
        if not _in_range(rs):
            raise SignatureError("r or s out of range")
        raise SignatureError("no public key recovers from this signature")
    size[0] = 65
    _serialize(_CTX, out, size, pub, _UNCOMPRESSED)
    return out_bytes[:]


def _in_range(rs: bytes) -> bool:
    return 0 < int.from_bytes(rs[:32], "big") < ORDER and 0 < int.from_bytes(rs[32:], "big") < ORDER


def compress(uncompressed_key: bytes) -> bytes:
    """33-byte compressed form of a 65-byte uncompressed key.

    Only for a key known to be a point (one libsecp256k1 produced or parsed):
    it keeps x and the parity of y, so it would map an off-curve encoding that
    shares a real key's x and parity onto that key.
    """
    return bytes([2 + (uncompressed_key[64] & 1)]) + uncompressed_key[1:33]


_pubkey_parse = _lib.secp256k1_ec_pubkey_parse


def parse_public_key(data: bytes) -> bytes | None:
    """The 65-byte uncompressed form of a 33- or 65-byte key, or None if it is no key.

    libsecp256k1 decides: x and y must be field elements and the point on the
    curve. Hybrid encodings (0x06/0x07), which libsecp256k1 would accept, are
    refused here: no standard script or wallet uses them and Bitcoin's policy
    rejects them, so an exchange has no business proving with one.
    """
    if not ((len(data) == 33 and data[0] in (2, 3)) or (len(data) == 65 and data[0] == 4)):
        return None
    try:
        _, pub, out, out_bytes, size = _local.buffers
    except AttributeError:
        _, pub, out, out_bytes, size = _buffers()
    if not _pubkey_parse(_CTX, pub, data, len(data)):
        return None
    size[0] = 65
    _serialize(_CTX, out, size, pub, _UNCOMPRESSED)
    return out_bytes[:]


def split_rsv(sig: bytes) -> tuple[bytes, int]:
    """Split an Ethereum-style 65-byte r||s||v signature into (r||s, recid).

    v may be written as 27/28 (the usual form) or 0/1 (HTX, some wallets).
    """
    if len(sig) != 65:
        raise SignatureError(f"signature must be 65 bytes, got {len(sig)}")
    v = sig[64]
    if v in (27, 28):
        return sig[:64], v - 27
    if v in (0, 1):
        return sig[:64], v
    raise SignatureError(f"v byte {v} is not 0, 1, 27 or 28")


def sign_recoverable(secret: bytes, digest: bytes) -> tuple[bytes, int]:
    """Sign ``digest`` with ``secret``; returns (r||s, recid). For fixtures and benchmarks."""
    sig = coincurve.PrivateKey(secret).sign_recoverable(digest, hasher=None)
    return sig[:64], sig[64]
