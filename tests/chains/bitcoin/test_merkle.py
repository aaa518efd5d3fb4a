"""Merkle proofs and headers against real mainnet blocks from the shared vectors."""

import json

import pytest

from chains.bitcoin.merkle import (Header, ProofError, check_chain, check_pow, check_raw_tx,
                                   verify_merkleblock)
from chains.hashes import sha256d
from tests.support import VECTORS, shared


def _data():
    return json.loads(shared(f"{VECTORS}/btc_block_headers_merkle.json").read_text())


def merkleblock(header: bytes, txids: list[str], match: set[str]) -> bytes:
    """Build a BIP-37 merkle block (our own construction, the verifier's counterpart)."""
    leaves = [bytes.fromhex(t)[::-1] for t in txids]
    total = len(leaves)
    height = 0
    while (1 << height) < total:
        height += 1

    def width(h):
        return (total + (1 << h) - 1) >> h

    def node_hash(h, pos):
        if h == 0:
            return leaves[pos]
        left = node_hash(h - 1, pos * 2)
        right = node_hash(h - 1, pos * 2 + 1) if pos * 2 + 1 < width(h - 1) else left
        return sha256d(left + right)

    bits, hashes = [], []

    def build(h, pos):
        lo, hi = pos << h, min((pos + 1) << h, total)
        parent_of_match = any(txids[i] in match for i in range(lo, hi))
        bits.append(1 if parent_of_match else 0)
        if h == 0 or not parent_of_match:
            hashes.append(node_hash(h, pos))
        else:
            build(h - 1, pos * 2)
            if pos * 2 + 1 < width(h - 1):
                build(h - 1, pos * 2 + 1)

    build(height, 0)
    flags = bytearray((len(bits) + 7) // 8)
    for i, b in enumerate(bits):
        flags[i >> 3] |= b << (i & 7)
    return (header + total.to_bytes(4, "little") + bytes([len(hashes)]) + b"".join(hashes)
            + bytes([len(flags)]) + bytes(flags))


def test_real_blocks_prove_each_transaction():
    blocks = _data()["full_blocks"]
    assert len(blocks) == 5
    for b in blocks:
        header = bytes.fromhex(b["header_hex"])
        for txid in b["txids"]:
            h, matched = verify_merkleblock(merkleblock(header, b["txids"], {txid}))
            assert matched == {txid} and h.hash == b["hash"]


def test_tampered_proofs_fail():
    b = _data()["full_blocks"][2]  # block 99960, three transactions
    header = bytes.fromhex(b["header_hex"])
    good = merkleblock(header, b["txids"], {b["txids"][1]})
    for at in (90, 100, 120):  # inside the hashes
        bad = bytearray(good)
        bad[at] ^= 1
        with pytest.raises(ProofError):
            verify_merkleblock(bytes(bad))
    with pytest.raises(ProofError):
        verify_merkleblock(good[:-1])
    other = bytearray(header)
    other[40] ^= 1  # a header whose Merkle root the tree does not rebuild
    with pytest.raises(ProofError):
        verify_merkleblock(bytes(other) + good[80:])


def test_checkpoint_headers_meet_their_targets_and_a_changed_one_does_not():
    headers = _data()["bitcoinj_checkpoint_headers"]["headers"]
    assert len(headers) == 436
    for h in headers:
        check_pow(Header(bytes.fromhex(h["header_hex"])))
    raw = bytearray(bytes.fromhex(headers[100]["header_hex"]))
    raw[-1] ^= 0xFF  # another nonce
    with pytest.raises(ProofError, match="proof-of-work"):
        check_pow(Header(bytes(raw)))


def test_headers_must_link():
    blocks = _data()["full_blocks"]
    genesis = Header(bytes.fromhex(blocks[0]["header_hex"]))
    check_chain([genesis])
    with pytest.raises(ProofError, match="does not link"):
        check_chain([genesis, Header(bytes.fromhex(blocks[2]["header_hex"]))])


def test_the_64_byte_transaction_attack():
    v = _data()["merkle_proof_attack_vectors"][0]
    raw = bytes.fromhex(v["valid_64_byte_tx_hex"])
    assert len(raw) == 64
    txid = sha256d(raw)[::-1].hex()
    with pytest.raises(ProofError, match="64 bytes"):
        check_raw_tx(raw, txid)
    with pytest.raises(ProofError):  # the forged leaf has no transaction behind it
        check_raw_tx(bytes.fromhex(v["forged_leaf_internal_order"]),
                     bytes.fromhex(v["forged_leaf_internal_order"])[::-1].hex())


def test_raw_transactions_of_real_blocks_hash_to_their_txids():
    count = 0
    for b in _data()["full_blocks"]:
        for t in b["transactions"]:
            tx = check_raw_tx(bytes.fromhex(t["raw_tx_hex"]), t["txid"])
            assert tx.txid.hex() == t["txid"]
            assert tx.serialize().hex() == t["raw_tx_hex"]  # witness data round-trips too
            count += 1
    assert count >= 10
