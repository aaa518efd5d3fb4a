"""Block headers: check that a block's fields hash to its block hash.

The state root a balance proof is verified against must belong to the pinned
block, so the header is re-encoded (RLP, with the fields each fork added:
base fee, withdrawals root, blob gas, beacon root, requests hash) and its
keccak256 compared with the block hash the node reported.
"""

from __future__ import annotations

import rlp

from chains.hashes import keccak256

_FIELDS = ("parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot",
           "receiptsRoot", "logsBloom", "difficulty", "number", "gasLimit", "gasUsed",
           "timestamp", "extraData", "mixHash", "nonce")
# Added by later forks, in this order; a header carries a prefix of them.
_OPTIONAL = ("baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas",
             "parentBeaconBlockRoot", "requestsHash")
_INTEGERS = {"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas",
             "blobGasUsed", "excessBlobGas"}


class HeaderError(ValueError):
    pass


def _value(name: str, text: str):
    raw = text[2:] if text.startswith("0x") else text
    if name in _INTEGERS:
        return int(raw or "0", 16)
    return bytes.fromhex(raw)


def header_hash(block: dict) -> str:
    """keccak256 of the RLP-encoded header built from ``block``'s JSON fields."""
    try:
        items = [_value(k, block[k]) for k in _FIELDS]
    except KeyError as e:
        raise HeaderError(f"block lacks header field {e.args[0]}") from None
    optional = [k for k in _OPTIONAL if block.get(k) is not None]
    if optional != list(_OPTIONAL[:len(optional)]):
        raise HeaderError(f"unexpected set of fork fields {optional}")
    items += [_value(k, block[k]) for k in optional]
    return "0x" + keccak256(rlp.encode(items)).hex()


def check_header(block: dict) -> None:
    """Raise HeaderError unless ``block``'s header fields hash to ``block['hash']``."""
    got = header_hash(block)
    if got != block.get("hash", "").lower():
        raise HeaderError(f"header fields hash to {got}, not to the block hash "
                          f"{block.get('hash')}")
