"""Bitcoin transactions: parse, serialise, txid, and the signature hashes.

Used by the balance readers (raw transactions and Merkle proofs from nodes),
by BIP-322 (its virtual to_spend/to_sign transactions and their sighashes),
and by the test fixtures that spend outputs on the regtest node. Legacy
sighash (original), BIP-143 (segwit v0) and BIP-341 (taproot key path,
SIGHASH_DEFAULT and ALL) are implemented from their specifications.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from chains.hashes import compact_size, sha256, sha256d

SIGHASH_ALL = 1


class TxError(ValueError):
    pass


@dataclass
class TxIn:
    txid: bytes
    """Previous transaction id, in display (big-endian) byte order."""
    vout: int
    script_sig: bytes = b""
    sequence: int = 0xFFFFFFFF
    witness: list[bytes] = field(default_factory=list)


@dataclass
class TxOut:
    value: int
    script_pubkey: bytes


@dataclass
class Tx:
    version: int
    inputs: list[TxIn]
    outputs: list[TxOut]
    locktime: int = 0

    @property
    def has_witness(self) -> bool:
        return any(i.witness for i in self.inputs)

    def serialize(self, witness: bool = True) -> bytes:
        out = self.version.to_bytes(4, "little")
        use_witness = witness and self.has_witness
        if use_witness:
            out += b"\x00\x01"
        out += compact_size(len(self.inputs))
        for i in self.inputs:
            out += i.txid[::-1] + i.vout.to_bytes(4, "little")
            out += compact_size(len(i.script_sig)) + i.script_sig + i.sequence.to_bytes(4, "little")
        out += compact_size(len(self.outputs))
        for o in self.outputs:
            out += o.value.to_bytes(8, "little") + compact_size(len(o.script_pubkey)) \
                + o.script_pubkey
        if use_witness:
            for i in self.inputs:
                out += compact_size(len(i.witness))
                for item in i.witness:
                    out += compact_size(len(item)) + item
        return out + self.locktime.to_bytes(4, "little")

    @property
    def txid(self) -> bytes:
        """Transaction id in display byte order."""
        return sha256d(self.serialize(witness=False))[::-1]

    # --- signature hashes ------------------------------------------------------

    def sighash_legacy(self, index: int, script_code: bytes, hashtype: int = SIGHASH_ALL) -> bytes:
        if hashtype != SIGHASH_ALL:
            raise TxError("only SIGHASH_ALL is implemented")
        copy = Tx(self.version, [TxIn(i.txid, i.vout, script_code if n == index else b"",
                                      i.sequence) for n, i in enumerate(self.inputs)],
                  list(self.outputs), self.locktime)
        return sha256d(copy.serialize(witness=False) + hashtype.to_bytes(4, "little"))

    def sighash_segwit_v0(self, index: int, script_code: bytes, value: int,
                          hashtype: int = SIGHASH_ALL) -> bytes:
        if hashtype != SIGHASH_ALL:
            raise TxError("only SIGHASH_ALL is implemented")
        prevouts = b"".join(i.txid[::-1] + i.vout.to_bytes(4, "little") for i in self.inputs)
        sequences = b"".join(i.sequence.to_bytes(4, "little") for i in self.inputs)
        outputs = b"".join(o.value.to_bytes(8, "little") + compact_size(len(o.script_pubkey))
                           + o.script_pubkey for o in self.outputs)
        i = self.inputs[index]
        preimage = (self.version.to_bytes(4, "little") + sha256d(prevouts) + sha256d(sequences)
                    + i.txid[::-1] + i.vout.to_bytes(4, "little")
                    + compact_size(len(script_code)) + script_code
                    + value.to_bytes(8, "little") + i.sequence.to_bytes(4, "little")
                    + sha256d(outputs) + self.locktime.to_bytes(4, "little")
                    + hashtype.to_bytes(4, "little"))
        return sha256d(preimage)

    def sighash_taproot_keypath(self, index: int, spent: list[TxOut], hashtype: int = 0) -> bytes:
        """BIP-341 signature message for a key-path spend (no annex)."""
        if hashtype not in (0, SIGHASH_ALL):
            raise TxError("only SIGHASH_DEFAULT and SIGHASH_ALL are implemented")
        if len(spent) != len(self.inputs):
            raise TxError("need the spent output of every input")
        msg = bytes([0, hashtype]) + self.version.to_bytes(4, "little") \
            + self.locktime.to_bytes(4, "little")
        msg += sha256(b"".join(i.txid[::-1] + i.vout.to_bytes(4, "little") for i in self.inputs))
        msg += sha256(b"".join(o.value.to_bytes(8, "little") for o in spent))
        msg += sha256(b"".join(compact_size(len(o.script_pubkey)) + o.script_pubkey
                               for o in spent))
        msg += sha256(b"".join(i.sequence.to_bytes(4, "little") for i in self.inputs))
        msg += sha256(b"".join(o.value.to_bytes(8, "little") + compact_size(len(o.script_pubkey))
                               + o.script_pubkey for o in self.outputs))
        msg += bytes([0]) + index.to_bytes(4, "little")
        return tagged_hash("TapSighash", msg)


def tagged_hash(tag: str, data: bytes) -> bytes:
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + data).digest()


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise TxError("transaction ends early")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def int(self, n: int) -> int:
        return int.from_bytes(self.take(n), "little")

    def varint(self) -> int:
        first = self.int(1)
        if first < 0xFD:
            return first
        return self.int({0xFD: 2, 0xFE: 4, 0xFF: 8}[first])

    def varbytes(self) -> bytes:
        return self.take(self.varint())


def parse(raw: bytes) -> Tx:
    r = _Reader(raw)
    version = r.int(4)
    segwit = raw[4:6] == b"\x00\x01"
    if segwit:
        r.take(2)
    inputs = []
    for _ in range(r.varint()):
        txid = r.take(32)[::-1]
        vout = r.int(4)
        script = r.varbytes()
        inputs.append(TxIn(txid, vout, script, r.int(4)))
    outputs = [TxOut(r.int(8), r.varbytes()) for _ in range(r.varint())]
    if segwit:
        for i in inputs:
            i.witness = [r.varbytes() for _ in range(r.varint())]
    locktime = r.int(4)
    if r.pos != len(raw):
        raise TxError("trailing bytes after the transaction")
    return Tx(version, inputs, outputs, locktime)
