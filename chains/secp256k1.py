"""Public-key recovery on secp256k1, through coincurve (libsecp256k1).

Bitcoin, EVM and Tron message signatures all carry a recovery id, so
verifying one means recovering the signer's key from (r, s, recid, digest)
and comparing what that key hashes to with the claimed address.
"""

from __future__ import annotations

import coincurve

ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


class SignatureError(ValueError):
    """The signature cannot be used: wrong length, out of range, no key recovers."""


def recover(rs: bytes, recid: int, digest: bytes) -> coincurve.PublicKey:
    """Recover the public key that signed ``digest`` with (r, s) and ``recid``."""
    if len(rs) != 64:
        raise SignatureError(f"signature body must be 64 bytes, got {len(rs)}")
    if not 0 <= recid <= 3:
        raise SignatureError(f"recovery id {recid} out of range")
    r = int.from_bytes(rs[:32], "big")
    s = int.from_bytes(rs[32:], "big")
    if not 0 < r < ORDER or not 0 < s < ORDER:
        raise SignatureError("r or s out of range")
    try:
        return coincurve.PublicKey.from_signature_and_message(
            rs + bytes([recid]), digest, hasher=None)
    except Exception as e:  # libsecp256k1 gives no typed error
        raise SignatureError("no public key recovers from this signature") from e


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


def uncompressed(pub: coincurve.PublicKey) -> bytes:
    return pub.format(compressed=False)


def compressed(pub: coincurve.PublicKey) -> bytes:
    return pub.format(compressed=True)


def sign_recoverable(secret: bytes, digest: bytes) -> tuple[bytes, int]:
    """Sign ``digest`` with ``secret``; returns (r||s, recid). For fixtures and benchmarks."""
    sig = coincurve.PrivateKey(secret).sign_recoverable(digest, hasher=None)
    return sig[:64], sig[64]
