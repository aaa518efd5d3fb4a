"""Accounts' code hashes and storage slots at the pinned block, proven in proof mode.

Contract-wallet verdicts rest on these reads, never on a contract's answer to a call.
Without proofs they are the node's word (eth_getCode, eth_getStorageAt). With proofs
(``verify_proofs``) each account comes from eth_getProof and is checked against the
block's state root: the code hash is the account leaf's, each slot's value is its
storage proof's; the node's own ``codeHash`` and ``value`` fields are never read, so a
node can refuse to answer but cannot answer wrongly. A contract is recognised by its
code hash alone, so its code is never fetched in proof mode. Every read names the block
by hash (EIP-1898).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chains.evm import proofs
from chains.evm.address import checksummed
from chains.evm.rpc import EvmRpc, RpcCallError
from chains.hashes import keccak256

EMPTY_CODE_HASH = keccak256(b"")


class StateError(Exception):
    """A read the node would not give, or gave with a proof that does not verify."""


@dataclass(frozen=True)
class AccountState:
    code_hash: bytes
    storage: dict[bytes, int]
    """Value of each slot asked for (32-byte slot -> integer)."""
    proven: bool

    @property
    def has_code(self) -> bool:
        return self.code_hash != EMPTY_CODE_HASH


class StateReader:
    def __init__(self, rpc: EvmRpc, block_ref: dict, state_root: bytes | None) -> None:
        """``state_root`` given: prove every read against it; None: take the node's word."""
        self.rpc = rpc
        self.ref = block_ref
        self.state_root = state_root
        self._code_hashes: dict[bytes, AccountState] = {}

    @property
    def proving(self) -> bool:
        return self.state_root is not None

    def read(self, address: bytes, slots: Sequence[bytes] = ()) -> AccountState:
        """The account's code hash and the values of ``slots``; StateError if unreadable."""
        if not slots and address in self._code_hashes:
            return self._code_hashes[address]
        read = self._proven if self.proving else self._plain
        try:
            state = read("0x" + address.hex(), list(slots))
        except RpcCallError as e:
            raise StateError(str(e)) from None
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            if isinstance(e, proofs.ProofError):
                raise StateError(f"the proof of {checksummed(address)} does not verify: "
                                 f"{e}") from None
            raise StateError(f"the node's answer for {checksummed(address)} is malformed "
                             f"({type(e).__name__})") from None
        if not slots:
            self._code_hashes[address] = state
        return state

    def _proven(self, address: str, slots: list[bytes]) -> AccountState:
        answer = self.rpc.call("eth_getProof", [address, ["0x" + s.hex() for s in slots],
                                                self.ref])
        _, _, storage_root, code_hash = proofs.verify_account(
            self.state_root, bytes.fromhex(address[2:]), answer["accountProof"])
        entries = {int(e["key"], 16): e for e in answer.get("storageProof") or []}
        values = {}
        for slot in slots:
            entry = entries.get(int.from_bytes(slot, "big"))
            if entry is None:
                raise StateError(f"the node gave no storage proof of slot 0x{slot.hex()} of "
                                 f"{checksummed(bytes.fromhex(address[2:]))}")
            values[slot] = proofs.verify_storage(storage_root, slot, entry["proof"])
        return AccountState(code_hash, values, True)

    def _plain(self, address: str, slots: list[bytes]) -> AccountState:
        requests = [("eth_getCode", [address, self.ref])]
        requests += [("eth_getStorageAt", [address, "0x" + s.hex(), self.ref]) for s in slots]
        answers = self.rpc.batch(requests)
        for (method, _), r in zip(requests, answers):
            if r.get("error"):
                raise RpcCallError(method, r["error"])
        code = bytes.fromhex(answers[0]["result"][2:])
        values = {s: int(r["result"], 16) for s, r in zip(slots, answers[1:])}
        return AccountState(keccak256(code), values, False)
