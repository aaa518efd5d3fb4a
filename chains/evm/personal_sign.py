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

One more is only ever used when a file's format names it, never guessed
for a file that does not (``DECLARED_DIGESTS``):

* ``eip191-abi-keccak``: EIP-191 over keccak256(abi.encode(text)), the
  string ABI-encoded as a single dynamic value: what Summa's address
  verifier contract recovers from (summa-dev/summa-solvency).
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


def abi_encode_string(message: bytes) -> bytes:
    """abi.encode(string): offset 0x20, length, the bytes padded to 32."""
    pad = -len(message) % 32
    return (32).to_bytes(32, "big") + len(message).to_bytes(32, "big") + message + b"\0" * pad


def eip191_abi_keccak(message: bytes) -> bytes:
    return eip191_text(keccak256(abi_encode_string(message)))


DIGESTS = {
    "eip191-keccak": eip191_keccak,
    "eip191-text": eip191_text,
    "raw-keccak": raw_keccak,
    "okx-framed-keccak": okx_framed_keccak,
}
WEAK_SCHEMES = frozenset({"raw-keccak"})
DECLARED_DIGESTS = {
    "eip191-abi-keccak": eip191_abi_keccak,
}
"""Tried only when the row declares the scheme (Summa's importer does)."""


@lru_cache(maxsize=4096)
def digest(scheme: str, message: bytes) -> bytes:
    """Digest of ``message`` under ``scheme``; cached, as files repeat one message."""
    return (DIGESTS.get(scheme) or DECLARED_DIGESTS[scheme])(message)
