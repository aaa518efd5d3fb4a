"""Mine a block of our own choosing on the regtest node, bypassing its mempool.

``sendrawtransaction`` answers for the node's relay policy; a block answers for
consensus. Tests that must show the chain itself refuses a spend (not just a
node's standardness rules) build the block here, coinbase, BIP-141 witness
commitment and proof of work included, and hand it to ``submitblock``.
"""

from __future__ import annotations

import time

from chains.bitcoin.tx import Tx, TxIn, TxOut
from chains.hashes import compact_size, sha256d

COIN = 100_000_000
HALVING = 150  # regtest's subsidy halving interval
_COMMITMENT = bytes.fromhex("aa21a9ed")


def _merkle_root(hashes: list[bytes]) -> bytes:
    level = list(hashes)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def _height_push(height: int) -> bytes:
    """BIP-34: the coinbase's scriptSig starts with the height as a minimal script number."""
    n = height.to_bytes((height.bit_length() + 8) // 8, "little")
    return bytes([len(n)]) + n


def build(node, txs: list[Tx], payout: bytes) -> bytes:
    """A valid-looking block on the node's tip holding ``txs``; its serialization."""
    tip_hash = node.call("getbestblockhash")
    tip = node.call("getblockheader", tip_hash, True)
    raw_tip = bytes.fromhex(node.call("getblockheader", tip_hash, False))
    height = tip["height"] + 1
    coinbase = Tx(2, [TxIn(b"\x00" * 32, 0xFFFFFFFF, _height_push(height) + b"\x51")],
                  [TxOut((50 * COIN) >> (height // HALVING), payout)])
    if any(t.has_witness for t in txs):
        wtxids = [b"\x00" * 32] + [sha256d(t.serialize()) for t in txs]
        reserved = b"\x00" * 32
        commitment = sha256d(_merkle_root(wtxids) + reserved)
        coinbase.outputs.append(TxOut(0, b"\x6a\x24" + _COMMITMENT + commitment))
        coinbase.inputs[0].witness = [reserved]
    block_txs = [coinbase, *txs]
    root = _merkle_root([t.txid[::-1] for t in block_txs])
    stamp = max(int(time.time()), int(tip["time"]) + 1, int(tip.get("mediantime", 0)) + 1)
    bits = int.from_bytes(raw_tip[72:76], "little")  # regtest: no retargeting
    exponent, mantissa = bits >> 24, bits & 0x007FFFFF
    target = mantissa << (8 * (exponent - 3))
    prefix = (0x20000000).to_bytes(4, "little") + bytes.fromhex(tip_hash)[::-1] + root \
        + stamp.to_bytes(4, "little") + bits.to_bytes(4, "little")
    nonce = 0
    while int.from_bytes(sha256d(prefix + nonce.to_bytes(4, "little")), "little") > target:
        nonce += 1
    header = prefix + nonce.to_bytes(4, "little")
    return header + compact_size(len(block_txs)) + b"".join(t.serialize() for t in block_txs)


def mine(node, txs: list[Tx], payout: bytes) -> str | None:
    """Submit a block of ``txs`` on the tip: None when the node accepted it, else its reason.

    Acceptance is checked, not assumed: the tip must then be the new block.
    """
    raw = build(node, txs, payout)
    answer = node.call("submitblock", raw.hex())
    new_hash = sha256d(raw[:80])[::-1].hex()
    accepted = node.call("getbestblockhash") == new_hash
    if accepted:
        return None
    return str(answer or "refused without a reason")
