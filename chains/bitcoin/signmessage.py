"""Bitcoin signed messages: legacy signmessage and BIP-137 headers.

The digest is sha256d(varstr(magic) || varstr(message)); the signature is
65 bytes, a header then r and s. The header carries the recovery id and
what kind of address the signer meant:

    27-30  P2PKH, uncompressed key      31-34  P2PKH, compressed key
    35-38  P2SH-P2WPKH (BIP-137)        39-42  P2WPKH (BIP-137)

Rule set (README "Bitcoin signature rules"): the recovered key must hash
to the claimed address, and the header must allow that address type. Headers
27-30 allow only uncompressed P2PKH; 31-34 allow the compressed key's
P2PKH, P2SH-P2WPKH and P2WPKH (the Electrum and Trezor convention);
35-38 and 39-42 allow only their own type. The message is compared byte
for byte: no Unicode normalisation.
"""

from __future__ import annotations

from functools import lru_cache

from chains.hashes import sha256d, varstr
from chains.secp256k1 import SignatureError, compress, recover

# Address kinds each header range may prove, by (header - 27) // 4.
_ALLOWED = {
    0: frozenset({"p2pkh"}),
    1: frozenset({"p2pkh", "p2sh-p2wpkh", "p2wpkh"}),
    2: frozenset({"p2sh-p2wpkh"}),
    3: frozenset({"p2wpkh"}),
}


@lru_cache(maxsize=1024)  # a file signs one message, or a few, over every row
def message_digest(magic: bytes, message: bytes) -> bytes:
    return sha256d(varstr(magic) + varstr(message))


class Recovered:
    """A signer recovered from a compact signature.

    A plain class, not a frozen dataclass: it is made twice per multisig row,
    and the frozen __init__ cost 4,000 instructions more each time.
    """

    __slots__ = ("header", "key")

    def __init__(self, header: int, key: bytes) -> None:
        self.header = header
        self.key = key
        """The recovered key, serialised as the header says (33 or 65 bytes)."""

    @property
    def allowed_kinds(self) -> frozenset[str]:
        return _ALLOWED[(self.header - 27) // 4]

    @property
    def compressed(self) -> bool:
        return self.header >= 31


def recover_compact(sig: bytes, digest: bytes) -> Recovered:
    """Recover the signer of a 65-byte compact signature over ``digest``."""
    if len(sig) != 65:
        raise SignatureError(f"compact signature must be 65 bytes, got {len(sig)}")
    header = sig[0]
    if not 27 <= header <= 42:
        raise SignatureError(f"header byte {header} is not in 27..42")
    recid = (header - 27) & 3
    pub = recover(sig[1:], recid, digest)
    return Recovered(header, compress(pub) if header >= 31 else pub)
