"""Try a family's digest schemes until one recovers an expected address.

EVM and Tron files do not say which digest a signature is over, so the
verifier tries each scheme the family allows and accepts only one whose
recovered key maps to an expected address. A scheme that matched recently
is tried first: files use one scheme for most rows, and this keeps the
common case at one key recovery per row. The order never changes the
outcome, only the cost: under the wrong digest the recovered key is
unrelated to the address.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from chains.secp256k1 import SignatureError, recover, split_rsv


class SchemeRecovery:
    def __init__(self, schemes: tuple[str, ...], digest: Callable[[str, bytes], bytes],
                 to_address: Callable[[bytes], bytes]) -> None:
        self.schemes = schemes
        self._order = list(schemes)
        self._digest = digest
        self._digests: dict[tuple[str, bytes], bytes] = {}  # a file signs one message
        self._to_address = to_address

    def digest(self, scheme: str, message: bytes) -> bytes:
        key = (scheme, message)
        found = self._digests.get(key)
        if found is None:
            if len(self._digests) > 4096:
                self._digests.clear()
            found = self._digests[key] = self._digest(scheme, message)
        return found

    def recover(self, sig: bytes, message: bytes, expected: Collection[bytes],
                only: str | None = None) -> tuple[str, bytes] | None:
        """(scheme, address) of the first scheme whose signer is in ``expected``.

        Raises SignatureError when the signature itself is unusable (length,
        v byte); returns None when it is well formed but no scheme matches.
        """
        rs, recid = split_rsv(sig)
        for scheme in ([only] if only else self._order):
            try:
                pub = recover(rs, recid, self.digest(scheme, message))
            except SignatureError:
                continue
            addr = self._to_address(pub)
            if addr in expected:
                if only is None and self._order[0] != scheme:
                    self._order.remove(scheme)
                    self._order.insert(0, scheme)
                return scheme, addr
        return None
