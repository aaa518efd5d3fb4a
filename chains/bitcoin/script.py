"""Bare multisig scripts: ``<m> <key_1> ... <key_n> <n> OP_CHECKMULTISIG``.

Exchanges prove a multisig address by publishing its redeem (or witness)
script and m signatures. The script is parsed strictly against that one
template, with minimal pushes, so "2-of-3" means what the script really
enforces and not what a loose parser guessed. m and n are small-integer
opcodes, or (17 to 20, which have none) minimal number pushes, as Bitcoin
Core's own multisig template reads them.

Parsing says only what the script is; whether its keys can sign and whether
consensus lets it be spent at all is ``script_judge``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

OP_0 = 0x00
OP_CHECKMULTISIG = 0xAE
_OP_1 = 0x51
_OP_16 = 0x60
MAX_KEYS = 20
"""CHECKMULTISIG's own limit (MAX_PUBKEYS_PER_MULTISIG): more keys, and it always fails."""
_KEY_HEADERS = {33: (2, 3), 65: (4, 6, 7)}
"""First byte a key push of each size may have to count as a key slot of the
template (6 and 7 are hybrid encodings: slots, but no key can sign through one)."""


class ScriptError(ValueError):
    """The script is not a standard bare multisig script."""


class Unprovable(ScriptError):
    """A multisig script whose address no signature can prove: consensus can never
    spend it (too many keys, m above n, a size limit), or anyone can (m = 0)."""


@dataclass(frozen=True, slots=True)
class Multisig:
    m: int
    """Signatures the script requires."""
    keys: tuple[bytes, ...]
    """Key slots in script order, as encoded in the script (33 or 65 bytes); see
    ``script_judge`` for which of them are keys at all."""

    @property
    def n(self) -> int:
        return len(self.keys)


def _number(script: bytes, i: int, what: str) -> tuple[int, int]:
    """(value, next position) of the script number at ``i``: OP_0, OP_1..OP_16, or
    a minimal push of 17 or more."""
    op = script[i]
    if op == OP_0:
        return 0, i + 1
    if _OP_1 <= op <= _OP_16:
        return op - _OP_1 + 1, i + 1
    if op == 1 and i + 1 < len(script):
        value = script[i + 1]
        # A one-byte push is minimal for 17..127 (1..16 have their own opcodes, and
        # 0x80 and up would be negative or need a sign byte).
        if 17 <= value <= 0x7F:
            return value, i + 2
    raise ScriptError(f"{what} must be OP_1..OP_16 or a minimal number push, got 0x{op:02x}")


def parse_multisig(script: bytes) -> Multisig:
    """Parse ``script`` as m-of-n bare multisig, or raise ScriptError saying why.

    A script that parses but can never prove its address (n over 20, m above n,
    m = 0) raises Unprovable.
    """
    if len(script) < 3 + 34:
        raise ScriptError("script too short for multisig")
    if script[-1] != OP_CHECKMULTISIG:
        raise ScriptError("script does not end in OP_CHECKMULTISIG")
    m, i = _number(script, 0, "first opcode (m)")
    end = len(script) - 1
    keys = []
    while i < end and script[i] in _KEY_HEADERS:
        size = script[i]
        key = script[i + 1:i + 1 + size]
        if i + 1 + size > end:
            raise ScriptError("key push runs past the end of the script")
        if key[0] not in _KEY_HEADERS[size]:
            raise ScriptError(f"key {len(keys) + 1} is not a valid public key encoding")
        keys.append(key)
        i += 1 + size
    if i >= end:
        raise ScriptError("no key count (n) before OP_CHECKMULTISIG")
    n, i = _number(script, i, "opcode before OP_CHECKMULTISIG (n)")
    if i != end:
        raise ScriptError(f"byte {i}: expected OP_CHECKMULTISIG after the key count")
    if len(keys) != n:
        raise ScriptError(f"script says n={n} but holds {len(keys)} keys")
    if n > MAX_KEYS:
        raise Unprovable(f"{n} keys: CHECKMULTISIG takes at most {MAX_KEYS}, so no spend "
                         "of it is valid")
    if m > n:
        raise Unprovable(f"m={m} is larger than n={n}: no spend of it is valid")
    if m == 0:
        raise Unprovable("m=0: anyone can spend it without a signature, so a signature "
                         "proves nothing about it")
    return Multisig(m, tuple(keys))
