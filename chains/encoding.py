"""Text encodings of keys, addresses and signatures: base58, bech32, base32.

Written from the specifications (base58check; BIP-173 bech32 and BIP-350
bech32m) because they sit on the hot path of verifying hundreds of thousands
of rows; tests cross-check them against bitcoinlib. Every decoder raises
``ValueError`` with a short reason; callers turn that into a verdict.
"""

from __future__ import annotations

import base64
import binascii
import re

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


def bech32_decode(text: str, max_length: int = 90) -> tuple[str, list[int], int]:
    """Return (hrp, data 5-bit values without checksum, checksum constant)."""
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
    try:
        data = [_B32_INDEX[c] for c in s[pos + 1:]]
    except KeyError as e:
        raise ValueError(f"invalid bech32 character {e.args[0]!r}") from None
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        raise ValueError("bad bech32 checksum")
    return hrp, data[:-6], const


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
    got_hrp, data, const = bech32_decode(address)
    if got_hrp != hrp:
        raise ValueError(f"prefix {got_hrp!r} is not this network's {hrp!r}")
    if not data:
        raise ValueError("empty segwit data")
    version = data[0]
    if version > 16:
        raise ValueError("invalid witness version")
    program = bytes(convert_bits(data[1:], 5, 8, False))
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
    m = _HEX.fullmatch(s)
    if m and len(s) in (128, 130):
        return bytes.fromhex(s)
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not valid base64 or hex") from None


def decode_hex(text: str) -> bytes:
    s = text.strip()
    if s[:2] in ("0x", "0X"):
        s = s[2:]
    try:
        return bytes.fromhex(s)
    except ValueError:
        raise ValueError("not valid hex") from None
