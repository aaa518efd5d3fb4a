"""Addresses of the Bitcoin family, decoded to what they pay to.

A ``Destination`` is the address's kind and program (hash or key), from
which the scriptPubKey follows; nodes are always asked about
scriptPubKeys, never address strings. Decoding is strict: a checksum, a
version byte or a prefix from another network is an error, because an
address that fails to decode must fail its row, never pass it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chains.bitcoin.params import Params, params_for
from chains.encoding import (B58_ALPHABET, b58check_decode, b58check_encode,
                             convert_bits, decode_segwit, encode_segwit)
from chains.hashes import hash160, sha256


_BASE58 = re.compile(f"[{B58_ALPHABET}]+")


class AddressError(ValueError):
    """The address does not decode on this chain and network."""


@dataclass(frozen=True, slots=True)
class Destination:
    kind: str
    """p2pkh, p2sh, p2wpkh, p2wsh, p2tr, or witness-v<N> for future versions."""
    program: bytes
    """The 20-byte hash, 32-byte script hash or 32-byte x-only key."""

    def script_pubkey(self) -> bytes:
        if self.kind == "p2pkh":
            return b"\x76\xa9\x14" + self.program + b"\x88\xac"
        if self.kind == "p2sh":
            return b"\xa9\x14" + self.program + b"\x87"
        if self.kind in ("p2wpkh", "p2wsh"):
            return bytes([0, len(self.program)]) + self.program
        version = 1 if self.kind == "p2tr" else int(self.kind.removeprefix("witness-v"))
        return bytes([0x50 + version, len(self.program)]) + self.program


def decode(address: str, params: Params) -> Destination:
    """Decode ``address`` for the chain and network in ``params``."""
    a = address.strip()
    if not a:
        raise AddressError("empty address")
    if params.cashaddr is not None and (":" in a or a[:1].lower() in ("q", "p")):
        return _decode_cashaddr(a, params.cashaddr)
    if params.hrp and a.lower().startswith(params.hrp + "1"):
        try:
            version, program = decode_segwit(params.hrp, a)
        except ValueError as e:
            raise AddressError(str(e)) from None
        if version == 0:
            return Destination("p2wpkh" if len(program) == 20 else "p2wsh", program)
        if version == 1 and len(program) == 32:
            return Destination("p2tr", program)
        return Destination(f"witness-v{version}", program)
    if not _BASE58.fullmatch(a):
        raise AddressError("not a base58 or bech32 address of this network")
    try:
        body = b58check_decode(a)
    except ValueError as e:
        raise AddressError(str(e)) from None
    if len(body) != 21:
        raise AddressError(f"base58 payload is {len(body)} bytes, not 21")
    version, program = body[0], body[1:]
    if version == params.p2pkh:
        return Destination("p2pkh", program)
    if version in params.p2sh:
        return Destination("p2sh", program)
    raise AddressError(f"version byte 0x{version:02x} is not a "
                       f"{params.chain} {params.network} address")


def address_key(address: str, chain: str, network: str) -> bytes:
    """What the address locks, the same for every spelling of it: its scriptPubKey.

    Upper- and lower-case bech32, Litecoin's ``3...`` and ``M...`` for one
    P2SH, Bitcoin Cash legacy and CashAddr (with or without its prefix) are
    one script, hence one key. AddressError when it does not decode.
    """
    try:
        params = params_for(chain, network)
    except KeyError:
        raise AddressError(f"no Bitcoin-family parameters for {chain} {network}") from None
    return decode(address, params).script_pubkey()


def encode(dest: Destination, params: Params) -> str:
    """The canonical address string of ``dest`` (legacy form on Bitcoin Cash)."""
    if dest.kind == "p2pkh":
        return b58check_encode(bytes([params.p2pkh]) + dest.program)
    if dest.kind == "p2sh":
        return b58check_encode(bytes([params.p2sh[0]]) + dest.program)
    if params.hrp is None:
        raise AddressError(f"{params.chain} has no segwit addresses")
    version = {"p2wpkh": 0, "p2wsh": 0, "p2tr": 1}.get(dest.kind)
    if version is None:
        version = int(dest.kind.removeprefix("witness-v"))
    return encode_segwit(params.hrp, version, dest.program)


def p2wpkh_nested(pubkey: bytes) -> bytes:
    """hash160 of the P2SH-P2WPKH redeem script for a compressed key."""
    return hash160(b"\x00\x14" + hash160(pubkey))


def p2wsh_nested(script: bytes) -> bytes:
    """hash160 of the P2SH-P2WSH redeem script for a witness script."""
    return hash160(b"\x00\x20" + sha256(script))


# --- CashAddr (Bitcoin Cash) ----------------------------------------------

_CASH_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CASH_GEN = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)


def _cash_polymod(values) -> int:
    c = 1
    for d in values:
        c0 = c >> 35
        c = ((c & 0x07FFFFFFFF) << 5) ^ d
        for i in range(5):
            if (c0 >> i) & 1:
                c ^= _CASH_GEN[i]
    return c ^ 1


def _decode_cashaddr(text: str, expected_prefix: str) -> Destination:
    if text.lower() != text and text.upper() != text:
        raise AddressError("cashaddr mixes upper and lower case")
    s = text.lower()
    prefix, _, payload = s.rpartition(":")
    prefix = prefix or expected_prefix
    if prefix != expected_prefix:
        raise AddressError(f"cashaddr prefix {prefix!r} is not {expected_prefix!r}")
    try:
        data = [_CASH_CHARSET.index(c) for c in payload]
    except ValueError:
        raise AddressError("invalid cashaddr character") from None
    if _cash_polymod([ord(c) & 31 for c in prefix] + [0] + data) != 0:
        raise AddressError("bad cashaddr checksum")
    try:
        raw = bytes(convert_bits(data[:-8], 5, 8, False))
    except ValueError as e:
        raise AddressError(str(e)) from None
    if len(raw) != 21 or raw[0] & 0x07:
        raise AddressError("cashaddr payload is not a 160-bit hash")
    kind = {0: "p2pkh", 1: "p2sh"}.get(raw[0] >> 3)
    if kind is None:
        raise AddressError(f"unknown cashaddr type {raw[0] >> 3}")
    return Destination(kind, raw[1:])


def encode_cashaddr(dest: Destination, prefix: str) -> str:
    version = {"p2pkh": 0, "p2sh": 8}[dest.kind]
    data = convert_bits(bytes([version]) + dest.program, 8, 5, True)
    pm = _cash_polymod([ord(c) & 31 for c in prefix] + [0] + data + [0] * 8)
    checksum = [(pm >> 5 * (7 - i)) & 31 for i in range(8)]
    return prefix + ":" + "".join(_CASH_CHARSET[d] for d in data + checksum)
