"""The digests Tron signers sign a text message under (TIP-191 and its forerunners).

* ``tip191-v2``: keccak256("\\x19TRON Signed Message:\\n" || len || message),
  TronWeb's signMessageV2; OKX uses it from 2025.
* ``tip191-v1``: keccak256("\\x19TRON Signed Message:\\n32" || keccak256(message)),
  TronWeb's legacy sign of a hex digest; OKX 2022 and most HTX rows.
* ``tronweb-legacy``: keccak256("\\x19TRON Signed Message:\\n32" || message), the
  header claims 32 bytes whatever the length (TronWeb 4); HTX "King will be
  back!" rows.
"""

from __future__ import annotations

from functools import lru_cache

from chains.hashes import keccak256

PREFIX = b"\x19TRON Signed Message:\n"


def tip191_v2(message: bytes) -> bytes:
    return keccak256(PREFIX + str(len(message)).encode() + message)


def tip191_v1(message: bytes) -> bytes:
    return keccak256(PREFIX + b"32" + keccak256(message))


def tronweb_legacy(message: bytes) -> bytes:
    return keccak256(PREFIX + b"32" + message)


DIGESTS = {
    "tip191-v1": tip191_v1,
    "tip191-v2": tip191_v2,
    "tronweb-legacy": tronweb_legacy,
}


@lru_cache(maxsize=4096)
def digest(scheme: str, message: bytes) -> bytes:
    return DIGESTS[scheme](message)
