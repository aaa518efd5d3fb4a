"""Contract calls the adapter makes, encoded and decoded with eth_abi.

ERC-20 ``balanceOf`` and ``decimals``; Multicall3's ``aggregate3`` (at its
canonical address); both EIP-1271 ``isValidSignature`` forms. Selectors are
derived from the signatures, not typed in. A Safe's owners, threshold and
modules are not asked of it: they are read from its storage
(chains/evm/safe.py), where they can be proven.
"""

from __future__ import annotations

from eth_abi import decode, encode

from chains.hashes import keccak256

MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11"
MAGIC_1271 = bytes.fromhex("1626ba7e")
MAGIC_1271_LEGACY = bytes.fromhex("20c13b0b")


def selector(signature: str) -> bytes:
    return keccak256(signature.encode())[:4]


BALANCE_OF = selector("balanceOf(address)")
DECIMALS = selector("decimals()")
AGGREGATE3 = selector("aggregate3((address,bool,bytes)[])")
IS_VALID_SIGNATURE = selector("isValidSignature(bytes32,bytes)")
IS_VALID_SIGNATURE_LEGACY = selector("isValidSignature(bytes,bytes)")


def balance_of(holder: str) -> str:
    return "0x" + (BALANCE_OF + encode(["address"], [holder])).hex()


def decimals() -> str:
    return "0x" + DECIMALS.hex()


def aggregate3(calls: list[tuple[str, bytes]]) -> str:
    data = encode(["(address,bool,bytes)[]"], [[(t, True, c) for t, c in calls]])
    return "0x" + (AGGREGATE3 + data).hex()


def decode_aggregate3(data: bytes) -> list[tuple[bool, bytes]]:
    (results,) = decode(["(bool,bytes)[]"], data)
    return [(bool(ok), bytes(ret)) for ok, ret in results]


def decode_uint(data: bytes) -> int:
    if len(data) != 32:
        raise ValueError(f"expected a 32-byte uint, got {len(data)} bytes")
    return int.from_bytes(data, "big")


def is_valid_signature(digest: bytes, signature: bytes) -> str:
    return "0x" + (IS_VALID_SIGNATURE + encode(["bytes32", "bytes"], [digest, signature])).hex()


def is_valid_signature_legacy(data: bytes, signature: bytes) -> str:
    return "0x" + (IS_VALID_SIGNATURE_LEGACY + encode(["bytes", "bytes"], [data, signature])).hex()


def is_magic(data: bytes | None, magic: bytes) -> bool:
    """Whether an isValidSignature call returned exactly ``magic`` as its bytes4.

    A bytes4 return value is one ABI word: the four bytes left-aligned, the other 28
    zero. Anything else (a short or long answer, dirty padding) is not the magic
    value. Reading only the first four bytes would be fooled by a contract whose
    fallback echoes its calldata: each isValidSignature selector is its own magic
    value.
    """
    return data is not None and len(data) == 32 and data == magic + bytes(28)
