"""Text encodings of keys, addresses and signatures: base58, bech32, base32.

Written from the specifications (base58check; BIP-173 bech32 and BIP-350
bech32m) because they sit on the hot path of verifying hundreds of thousands
of rows; tests cross-check them against bitcoinlib. Every decoder raises
``ValueError`` with a short reason; callers turn that into a verdict.
"""

from __future__ import annotations

import binascii
import re
from functools import lru_cache, reduce
from operator import getitem, xor

from chains.hashes import sha256d

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        try:
            n = n * 58 + _B58_INDEX[ch]
        except KeyError:
            raise ValueError(f"invalid base58 character {ch!r}") from None
    pad = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * pad + body


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(B58_ALPHABET[r])
    pad = len(data) - len(data.lstrip(b"\x00"))
    return "1" * pad + "".join(reversed(out))


def b58check_decode(text: str) -> bytes:
    raw = b58decode(text)
    if len(raw) < 5:
        raise ValueError("too short for base58check")
    body, check = raw[:-4], raw[-4:]
    if sha256d(body)[:4] != check:
        raise ValueError("bad base58check checksum")
    return body


def b58check_encode(body: bytes) -> str:
    return b58encode(body + sha256d(body)[:4])


# --- bech32 / bech32m (BIP-173, BIP-350) ----------------------------------

_B32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B32_INDEX = {c: i for i, c in enumerate(_B32_CHARSET)}
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
# The generator XOR for each possible top-5-bits value, so the checksum loop
# does one table lookup per character instead of five conditional XORs.
def _gen_xor(top: int) -> int:
    out = 0
    for i in range(5):
        if (top >> i) & 1:
            out ^= _GEN[i]
    return out


_GEN_TABLE = tuple(_gen_xor(top) for top in range(32))
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3


def _polymod(values) -> int:
    chk = 1
    table = _GEN_TABLE
    for v in values:
        chk = ((chk & 0x1FFFFFF) << 5) ^ v ^ table[chk >> 25]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


# The checksum is linear over GF(2) in the starting value 1 and in every input
# bit, so it is the XOR of one table entry per input byte, chosen by where the
# byte sits, and of where the starting value and the prefix end up. The data
# characters are read as one base-32 number, cut into bytes, and ``reduce``
# runs the whole checksum in C: decoding a bech32 address went from 20 us to
# about a third of that, and it is on every segwit row of a file.
def _zero_steps(chk: int, steps: int) -> int:
    for _ in range(steps):
        chk = ((chk & 0x1FFFFFF) << 5) ^ _GEN_TABLE[chk >> 25]
    return chk


_MAX_VALUES = 2 * 90 + 1  # hrp_expand + data of the longest string bech32_decode takes
# _FOLLOWED_BY[k][v]: what value v contributes when k values follow it.
_FOLLOWED_BY = tuple(tuple(_zero_steps(v, k) for v in range(32)) for k in range(_MAX_VALUES))


def _byte_table(q: int) -> tuple[int, ...]:
    """Contribution of each value of byte q (from the end) of the data's bit string."""
    bit = [_FOLLOWED_BY[b // 5][1 << (b % 5)] for b in range(8 * q, 8 * q + 8)]
    table = [0] * 256
    for x in range(1, 256):
        low = (x & -x).bit_length() - 1
        table[x] = table[x & (x - 1)] ^ bit[low]
    return tuple(table)


_BY_BYTE = tuple(_byte_table(q) for q in range((5 * 90 + 7) // 8))


@lru_cache(maxsize=256)
def _fixed_part(hrp: str, count: int) -> int:
    """Contribution of the start value and of the expanded prefix before ``count`` values."""
    prefix = _hrp_expand(hrp)
    out = _zero_steps(1, len(prefix) + count)
    for i, v in enumerate(prefix):
        out ^= _FOLLOWED_BY[len(prefix) - 1 - i + count][v]
    return out


def _checksum(hrp: str, count: int, number: int) -> int:
    """_polymod(_hrp_expand(hrp) + values) for ``count`` values read as base-32 ``number``."""
    size = (5 * count + 7) // 8
    if size > len(_BY_BYTE) or 2 * len(hrp) + 1 + count > _MAX_VALUES:
        # Past the tables (only a max_length above 90 gets here): the plain loop,
        # never a map() that would stop at the last table and skip values.
        values = [(number >> 5 * k) & 31 for k in range(count - 1, -1, -1)]
        return _polymod(_hrp_expand(hrp) + values)
    data = number.to_bytes(size, "little")
    return reduce(xor, map(getitem, _BY_BYTE, data), _fixed_part(hrp, count))


_B32_AS_DIGITS = bytes.maketrans(_B32_CHARSET.encode(), b"0123456789abcdefghijklmnopqrstuv")
_B32_DATA = re.compile(f"[{_B32_CHARSET}]*")


def _bech32_parse(text: str, max_length: int) -> tuple[str, int, int, int]:
    """(hrp, number of data values with the checksum, those values as one base-32
    number, checksum constant)."""
    if len(text) > max_length:
        raise ValueError("bech32 string too long")
    if text.lower() != text and text.upper() != text:
        raise ValueError("bech32 string mixes upper and lower case")
    s = text.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s):
        raise ValueError("bech32 separator misplaced")
    hrp = s[:pos]
    if any(ord(c) < 33 or ord(c) > 126 for c in hrp):
        raise ValueError("invalid bech32 prefix")
    chars = s[pos + 1:]
    if not _B32_DATA.fullmatch(chars):
        bad = next(c for c in chars if c not in _B32_INDEX)
        raise ValueError(f"invalid bech32 character {bad!r}")
    number = int(chars.encode("ascii").translate(_B32_AS_DIGITS), 32)
    const = _checksum(hrp, len(chars), number)
    if const not in (BECH32_CONST, BECH32M_CONST):
        raise ValueError("bad bech32 checksum")
    return hrp, len(chars), number, const


def bech32_decode(text: str, max_length: int = 90) -> tuple[str, list[int], int]:
    """Return (hrp, data 5-bit values without checksum, checksum constant)."""
    hrp, count, number, const = _bech32_parse(text, max_length)
    return hrp, [(number >> 5 * k) & 31 for k in range(count - 1, 5, -1)], const


def bech32_encode(hrp: str, data: list[int], const: int) -> str:
    values = _hrp_expand(hrp) + data
    pm = _polymod(values + [0] * 6) ^ const
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_B32_CHARSET[d] for d in data + checksum)


def convert_bits(data, frombits: int, tobits: int, pad: bool) -> list[int]:
    if frombits == 5 and tobits == 8 and not pad:
        return _five_to_eight(data)
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            raise ValueError("invalid value for bit conversion")
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        raise ValueError("invalid padding in bech32 data")
    return out


def _five_to_eight(data) -> list[int]:
    """Bech32 data to bytes, as one integer: the per-value loop of the general case is
    the slowest part of decoding an address on a large file."""
    acc = 0
    for value in data:
        if value < 0 or value >> 5:
            raise ValueError("invalid value for bit conversion")
        acc = (acc << 5) | value
    total = 5 * len(data)
    extra = total % 8
    if extra >= 5 or acc & ((1 << extra) - 1):
        raise ValueError("invalid padding in bech32 data")
    return list((acc >> extra).to_bytes(total // 8, "big"))


def decode_segwit(hrp: str, address: str) -> tuple[int, bytes]:
    """Decode a segwit address for ``hrp`` into (witness version, program)."""
    got_hrp, count, number, const = _bech32_parse(address, 90)
    if got_hrp != hrp:
        raise ValueError(f"prefix {got_hrp!r} is not this network's {hrp!r}")
    if count <= 6:
        raise ValueError("empty segwit data")
    version = number >> 5 * (count - 1)
    if version > 16:
        raise ValueError("invalid witness version")
    bits = 5 * (count - 7)  # the program's 5-bit values, between version and checksum
    extra = bits % 8
    program_bits = (number >> 30) & ((1 << bits) - 1)
    if extra >= 5 or program_bits & ((1 << extra) - 1):
        raise ValueError("invalid padding in bech32 data")
    program = (program_bits >> extra).to_bytes(bits // 8, "big")
    if not 2 <= len(program) <= 40:
        raise ValueError("invalid witness program length")
    if version == 0 and len(program) not in (20, 32):
        raise ValueError("invalid v0 witness program length")
    if (version == 0) != (const == BECH32_CONST):
        raise ValueError("wrong checksum variant for witness version "
                         f"{version} (BIP-350)")
    return version, program


def encode_segwit(hrp: str, version: int, program: bytes) -> str:
    const = BECH32_CONST if version == 0 else BECH32M_CONST
    return bech32_encode(hrp, [version] + convert_bits(program, 8, 5, True), const)


# --- signature text -------------------------------------------------------

_HEX = re.compile(r"[0-9a-fA-F]*")


def decode_signature_text(text: str) -> bytes:
    """Decode a signature written as hex (0x-prefixed, or 128/130 digits) or base64.

    Raises ValueError naming the problem when it is neither.
    """
    s = text.strip()
    if s[:2] in ("0x", "0X"):
        return decode_hex(s)
    if len(s) in (128, 130) and _HEX.fullmatch(s):
        return bytes.fromhex(s)
    try:  # base64.b64decode(s, validate=True) without its wrapper
        return binascii.a2b_base64(s.encode("ascii"), strict_mode=True)
    except (binascii.Error, ValueError):  # UnicodeEncodeError is a ValueError
        raise ValueError("not valid base64 or hex") from None


def decode_hex(text: str) -> bytes:
    s = text.strip()
    if s[:2] in ("0x", "0X"):
        s = s[2:]
    try:
        return bytes.fromhex(s)
    except ValueError:
        raise ValueError("not valid hex") from None
