"""Proof that a transaction is in a block, and that blocks chain with proof of work.

``gettxoutproof`` (and Esplora's merkle-proof) return a BIP-37 merkle block:
an 80-byte header, the block's transaction count, and a partial Merkle tree
(hashes plus flag bits). Walking it rebuilds the Merkle root and the list of
matched txids; the root must be the header's, the txid among the matches,
and the header must meet its own proof-of-work target. Headers from an
output's block up to the snapshot must link by their previous-block hashes.

A 64-byte transaction can pose as an inner Merkle node; the raw transaction
behind every counted output is therefore checked to hash to its txid and to
not be 64 bytes long.
"""

from __future__ import annotations

from dataclasses import dataclass

from chains.hashes import sha256d


class ProofError(ValueError):
    pass


@dataclass(frozen=True)
class Header:
    raw: bytes

    @property
    def hash(self) -> str:
        return sha256d(self.raw)[::-1].hex()

    @property
    def prev(self) -> str:
        return self.raw[4:36][::-1].hex()

    @property
    def merkle_root(self) -> bytes:
        return self.raw[36:68]

    @property
    def bits(self) -> int:
        return int.from_bytes(self.raw[72:76], "little")


def target(bits: int) -> int:
    exponent, mantissa = bits >> 24, bits & 0x007FFFFF
    if bits & 0x00800000:
        raise ProofError("negative difficulty target")
    return mantissa << (8 * (exponent - 3)) if exponent > 3 else mantissa >> (8 * (3 - exponent))


def check_pow(header: Header) -> None:
    if len(header.raw) != 80:
        raise ProofError(f"header is {len(header.raw)} bytes, not 80")
    t = target(header.bits)
    if t <= 0 or int.from_bytes(sha256d(header.raw), "little") > t:
        raise ProofError(f"block {header.hash} does not meet its proof-of-work target")


def check_chain(headers: list[Header]) -> None:
    """``headers`` in height order: each links to the previous one and meets its target."""
    for i, h in enumerate(headers):
        check_pow(h)
        if i and h.prev != headers[i - 1].hash:
            raise ProofError(f"header {h.hash} does not link to {headers[i - 1].hash}")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    first = data[pos]
    if first < 0xFD:
        return first, pos + 1
    size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
    return int.from_bytes(data[pos + 1:pos + 1 + size], "little"), pos + 1 + size


def verify_merkleblock(data: bytes) -> tuple[Header, set[str]]:
    """(header, matched txids) of a BIP-37 merkle block whose tree rebuilds its root."""
    try:
        header = Header(data[:80])
        total = int.from_bytes(data[80:84], "little")
        count, pos = _varint(data, 84)
        hashes = [data[pos + 32 * i:pos + 32 * (i + 1)] for i in range(count)]
        pos += 32 * count
        nflags, pos = _varint(data, pos)
        flags = data[pos:pos + nflags]
        if pos + nflags != len(data) or any(len(h) != 32 for h in hashes):
            raise ProofError("merkle block has the wrong length")
    except (IndexError, KeyError):
        raise ProofError("merkle block is truncated") from None
    if total == 0:
        raise ProofError("merkle block claims zero transactions")
    height = 0
    while (1 << height) < total:
        height += 1
    state = {"bit": 0, "hash": 0}
    matched: list[bytes] = []

    def width(h: int) -> int:
        return (total + (1 << h) - 1) >> h

    def walk(h: int, pos: int) -> bytes:
        if state["bit"] >= len(flags) * 8:
            raise ProofError("merkle block ran out of flag bits")
        flag = (flags[state["bit"] >> 3] >> (state["bit"] & 7)) & 1
        state["bit"] += 1
        if h == 0 or not flag:
            if state["hash"] >= len(hashes):
                raise ProofError("merkle block ran out of hashes")
            value = hashes[state["hash"]]
            state["hash"] += 1
            if h == 0 and flag:
                matched.append(value)
            return value
        left = walk(h - 1, pos * 2)
        if pos * 2 + 1 < width(h - 1):
            right = walk(h - 1, pos * 2 + 1)
            if right == left:
                raise ProofError("merkle block has identical siblings (CVE-2012-2459)")
        else:
            right = left
        return sha256d(left + right)

    root = walk(height, 0)
    if state["hash"] != len(hashes) or (state["bit"] + 7) // 8 != len(flags):
        raise ProofError("merkle block has unused hashes or flags")
    if root != header.merkle_root:
        raise ProofError("the partial Merkle tree does not rebuild the header's Merkle root")
    check_pow(header)
    return header, {m[::-1].hex() for m in matched}


def check_raw_tx(raw: bytes, txid: str):
    """Parse a raw transaction and check it is the one ``txid`` names (and not 64 bytes)."""
    from chains.bitcoin.tx import TxError, parse

    try:
        tx = parse(raw)
    except (TxError, ValueError) as e:
        raise ProofError(f"the raw transaction does not parse: {e}") from None
    if len(tx.serialize(witness=False)) == 64:
        raise ProofError("the transaction is 64 bytes: it could pose as a Merkle node")
    if tx.txid.hex() != txid:
        raise ProofError("the raw transaction does not hash to its txid")
    return tx
