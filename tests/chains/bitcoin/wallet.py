"""Spend regtest outputs of every script type with our own keys (chains.bitcoin.tx).

The node validates every transaction built here, so these signers also check
our sighash code against a real consensus implementation.
"""

from __future__ import annotations

import coincurve

from chains.bitcoin.address import Destination
from chains.bitcoin.tx import Tx, TxIn, TxOut
from chains.hashes import hash160, sha256
from chains.signers import Secp256k1Key, multisig_script


def push(data: bytes) -> bytes:
    if len(data) < 0x4C:
        return bytes([len(data)]) + data
    if len(data) <= 0xFF:
        return b"\x4c" + bytes([len(data)]) + data
    return b"\x4d" + len(data).to_bytes(2, "little") + data


def p2pkh_script(key: Secp256k1Key) -> bytes:
    return Destination("p2pkh", hash160(key.pub())).script_pubkey()


def _sig(key: Secp256k1Key, digest: bytes) -> bytes:
    return key.private.sign(digest, hasher=None) + b"\x01"


class Coin:
    """An output we can spend: where it is, what it pays to, and how to unlock it."""

    def __init__(self, txid: bytes, vout: int, value: int, kind: str, keys, script=None):
        self.txid, self.vout, self.value, self.kind, self.keys = txid, vout, value, kind, keys
        self.script = script  # redeem/witness script for multisig kinds

    @property
    def script_pubkey(self) -> bytes:
        k = self.keys
        if self.kind == "p2pkh":
            return Destination("p2pkh", hash160(k[0].pub())).script_pubkey()
        if self.kind == "p2wpkh":
            return Destination("p2wpkh", hash160(k[0].pub())).script_pubkey()
        if self.kind == "p2sh-p2wpkh":
            return Destination("p2sh", hash160(b"\x00\x14" + hash160(k[0].pub()))).script_pubkey()
        if self.kind == "p2sh-multisig":
            return Destination("p2sh", hash160(self.script)).script_pubkey()
        if self.kind == "p2wsh-multisig":
            return Destination("p2wsh", sha256(self.script)).script_pubkey()
        if self.kind == "p2sh-p2wsh-multisig":
            return Destination("p2sh", hash160(b"\x00\x20" + sha256(self.script))).script_pubkey()
        raise ValueError(self.kind)


def multisig(keys: list[Secp256k1Key], m: int, kind: str) -> tuple[bytes, str]:
    return multisig_script(keys, m), kind


def spend(coins: list[Coin], outputs: list[TxOut]) -> Tx:
    tx = Tx(2, [TxIn(c.txid, c.vout) for c in coins], outputs)
    for i, c in enumerate(coins):
        k = c.keys
        if c.kind == "p2pkh":
            sig = _sig(k[0], tx.sighash_legacy(i, c.script_pubkey))
            tx.inputs[i].script_sig = push(sig) + push(k[0].pub())
        elif c.kind in ("p2wpkh", "p2sh-p2wpkh"):
            code = Destination("p2pkh", hash160(k[0].pub())).script_pubkey()
            sig = _sig(k[0], tx.sighash_segwit_v0(i, code, c.value))
            tx.inputs[i].witness = [sig, k[0].pub()]
            if c.kind == "p2sh-p2wpkh":
                tx.inputs[i].script_sig = push(b"\x00\x14" + hash160(k[0].pub()))
        elif c.kind == "p2sh-multisig":
            sigs = [_sig(key, tx.sighash_legacy(i, c.script)) for key in k]
            tx.inputs[i].script_sig = b"\x00" + b"".join(push(s) for s in sigs) + push(c.script)
        elif c.kind in ("p2wsh-multisig", "p2sh-p2wsh-multisig"):
            sigs = [_sig(key, tx.sighash_segwit_v0(i, c.script, c.value)) for key in k]
            tx.inputs[i].witness = [b""] + sigs + [c.script]
            if c.kind == "p2sh-p2wsh-multisig":
                tx.inputs[i].script_sig = push(b"\x00\x20" + sha256(c.script))
        else:
            raise ValueError(c.kind)
    return tx


__all__ = ["Coin", "Secp256k1Key", "TxOut", "coincurve", "multisig", "p2pkh_script", "spend"]
