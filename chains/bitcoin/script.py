"""Bare multisig scripts: ``OP_m <key_1> ... <key_n> OP_n OP_CHECKMULTISIG``.

Exchanges prove a multisig address by publishing its redeem (or witness)
script and m signatures. The script is parsed strictly against that one
template, with minimal pushes and valid key encodings, so "2-of-3" means
what the script really enforces and not what a loose parser guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from chains.secp256k1 import compress

OP_CHECKMULTISIG = 0xAE
_OP_1 = 0x51
_OP_16 = 0x60


class ScriptError(ValueError):
    """The script is not a standard bare multisig script."""


@dataclass(frozen=True, slots=True)
class Multisig:
    m: int
    """Signatures the script requires."""
    keys: tuple[bytes, ...]
    """Public keys in script order, as encoded in the script (33 or 65 bytes)."""

    @property
    def n(self) -> int:
        return len(self.keys)


def _small_int(op: int, what: str) -> int:
    if not _OP_1 <= op <= _OP_16:
        raise ScriptError(f"{what} must be OP_1..OP_16, got 0x{op:02x}")
    return op - _OP_1 + 1


def parse_multisig(script: bytes) -> Multisig:
    """Parse ``script`` as m-of-n bare multisig, or raise ScriptError saying why."""
    if len(script) < 3 + 34:
        raise ScriptError("script too short for multisig")
    if script[-1] != OP_CHECKMULTISIG:
        raise ScriptError("script does not end in OP_CHECKMULTISIG")
    m = _small_int(script[0], "first opcode (m)")
    n = _small_int(script[-2], "opcode before OP_CHECKMULTISIG (n)")
    keys = []
    i, end = 1, len(script) - 2
    while i < end:
        size = script[i]
        if size not in (33, 65):
            raise ScriptError(f"byte {i}: expected a 33- or 65-byte key push, got 0x{size:02x}")
        key = script[i + 1:i + 1 + size]
        if len(key) != size or i + 1 + size > end:
            raise ScriptError("key push runs past the end of the script")
        if (size == 33 and key[0] not in (2, 3)) or (size == 65 and key[0] != 4):
            raise ScriptError(f"key {len(keys) + 1} is not a valid public key encoding")
        keys.append(key)
        i += 1 + size
    if len(keys) != n:
        raise ScriptError(f"script says n={n} but holds {len(keys)} keys")
    if m > n:
        raise ScriptError(f"m={m} is larger than n={n}")
    return Multisig(m, tuple(keys))


def compressed_form(key: bytes) -> bytes:
    """33-byte compressed encoding of a 33- or 65-byte key, for comparing points."""
    return key if len(key) == 33 else compress(key)
