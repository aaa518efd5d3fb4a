"""EIP-1186 proofs (eth_getProof): account and storage values proven against a state root.

An account proof is a Merkle-Patricia path from the block's state root to
keccak256(address); its leaf is rlp([nonce, balance, storageRoot,
codeHash]). A storage proof is a path from that storageRoot to
keccak256(slot). Verification uses the ``trie`` package's proof walker: a
tampered node changes a hash along the path and the walk fails.
"""

from __future__ import annotations

import rlp

from chains.evm import mpt
from chains.hashes import keccak256

EMPTY_TRIE_ROOT = bytes.fromhex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")


ProofError = mpt.ProofError


def _walk(root: bytes, key: bytes, proof: list) -> bytes:
    try:
        nodes = [bytes.fromhex(p[2:] if p.startswith("0x") else p) for p in proof]
    except (ValueError, AttributeError):
        raise ProofError("a proof node is not hex") from None
    return mpt.get(root, key, nodes)


def verify_account(state_root: bytes, address: bytes, proof: list) -> tuple[int, int, bytes,
                                                                             bytes]:
    """(nonce, balance, storageRoot, codeHash) of ``address`` proven against ``state_root``."""
    leaf = _walk(state_root, address, proof)
    if leaf == b"":
        return 0, 0, EMPTY_TRIE_ROOT, keccak256(b"")  # proven absent: an empty account
    try:
        nonce, balance, storage_root, code_hash = rlp.decode(leaf)
    except Exception:
        raise ProofError("account leaf is not rlp([nonce, balance, storageRoot, "
                         "codeHash])") from None
    return (int.from_bytes(nonce, "big"), int.from_bytes(balance, "big"), storage_root,
            code_hash)


def verify_storage(storage_root: bytes, slot: bytes, proof: list) -> int:
    """The value at ``slot`` (32 bytes) proven against ``storage_root``."""
    leaf = _walk(storage_root, slot, proof)
    if leaf == b"":
        return 0
    try:
        return int.from_bytes(rlp.decode(leaf), "big")
    except Exception:
        raise ProofError("storage leaf is not an RLP-encoded integer") from None


def mapping_slot(holder: bytes, base_slot: int) -> bytes:
    """Storage slot of ``mapping[holder]`` for a Solidity mapping at ``base_slot``."""
    return keccak256(holder.rjust(32, b"\x00") + base_slot.to_bytes(32, "big"))
