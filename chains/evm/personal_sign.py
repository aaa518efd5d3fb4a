"""The digests EVM signers sign a text message under.

Four forms exist in published files, and each is its own scheme so a report
shows which one a row used:

* ``eip191-text``: EIP-191 version 0x45 (``personal_sign``) over the text.
* ``eip191-keccak``: EIP-191 over keccak256(text): what OKX signs.
* ``raw-keccak``: keccak256(text) with no prefix (``eth_sign`` of a hash):
  what most HTX rows use. Weaker: the signer may have been shown a bare
  hash, so a report flags it.
* ``okx-framed-keccak``: keccak256 of OKX's framing (OKC and other OKX
  ECDSA chains).
"""

from __future__ import annotations

from functools import lru_cache

from chains.ed25519 import okx_framed
from chains.hashes import keccak256

EIP191_PREFIX = b"\x19Ethereum Signed Message:\n"


def eip191_text(message: bytes) -> bytes:
    return keccak256(EIP191_PREFIX + str(len(message)).encode() + message)


def eip191_keccak(message: bytes) -> bytes:
    return eip191_text(keccak256(message))


def raw_keccak(message: bytes) -> bytes:
    return keccak256(message)


def okx_framed_keccak(message: bytes) -> bytes:
    return keccak256(okx_framed(message))


DIGESTS = {
    "eip191-keccak": eip191_keccak,
    "eip191-text": eip191_text,
    "raw-keccak": raw_keccak,
    "okx-framed-keccak": okx_framed_keccak,
}
WEAK_SCHEMES = frozenset({"raw-keccak"})


@lru_cache(maxsize=4096)
def digest(scheme: str, message: bytes) -> bytes:
    """Digest of ``message`` under ``scheme``; cached, as files repeat one message."""
    return DIGESTS[scheme](message)
