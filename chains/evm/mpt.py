"""Merkle-Patricia trie proofs (Ethereum yellow paper, appendix D), walked directly.

A proof is the list of RLP-encoded nodes from the root to a key. Each node
must hash (keccak256) to the reference its parent holds; nodes shorter than
32 bytes are held inline by their parent instead. Branches have 17 items (16
children by nibble, then a value); extensions and leaves have 2, a
hex-prefix-encoded path and the next reference (extension) or the value
(leaf). Written here because it runs for every balance in proof mode and the
generic trie package spends most of its time building a database it does not
need; tests cross-check the two.
"""

from __future__ import annotations

import rlp

from chains.hashes import keccak256


EMPTY_ROOT = keccak256(rlp.encode(b""))


class ProofError(ValueError):
    pass


def _nibbles(data: bytes) -> list[int]:
    out = []
    for b in data:
        out += (b >> 4, b & 15)
    return out


def _hex_prefix(encoded: bytes) -> tuple[list[int], bool]:
    if not encoded:
        raise ProofError("empty node path")
    flag = encoded[0] >> 4
    if flag > 3:
        raise ProofError("bad hex-prefix flag")
    nibbles = _nibbles(encoded)
    return (nibbles[1:] if flag & 1 else nibbles[2:]), bool(flag & 2)


def get(root: bytes, key: bytes, proof: list[bytes]) -> bytes:
    """The value stored under keccak256(``key``) in the trie with ``root``; b"" if absent.

    Raises ProofError when the proof does not connect the root to the key.
    """
    path = _nibbles(keccak256(key))
    nodes = iter(proof)
    reference: bytes | list = root
    while True:
        if isinstance(reference, list):
            node = reference  # an inline node: no hash to check
        else:
            if len(reference) != 32:
                raise ProofError("a node reference is neither a hash nor an inline node")
            raw = next(nodes, None)
            if raw is None:
                if reference == EMPTY_ROOT:
                    return b""  # the empty trie holds nothing
                raise ProofError("the proof ends before reaching the key")
            if keccak256(raw) != reference:
                raise ProofError("a proof node does not hash to its parent's reference")
            try:
                node = rlp.decode(raw)
            except Exception:
                raise ProofError("a proof node is not RLP") from None
        if node == b"" and reference == EMPTY_ROOT:
            return b""  # the empty trie, proven by its one empty node
        if not isinstance(node, list):
            raise ProofError("a proof node is not a list")
        if len(node) == 17:
            if not path:
                return node[16]
            child = node[path[0]]
            path = path[1:]
            if child == b"":
                return b""  # proven absent
            reference = child
        elif len(node) == 2:
            segment, is_leaf = _hex_prefix(node[0])
            if is_leaf:
                return node[1] if segment == path else b""
            if path[:len(segment)] != segment:
                return b""
            path = path[len(segment):]
            reference = node[1]
        else:
            raise ProofError(f"a trie node has {len(node)} items")
