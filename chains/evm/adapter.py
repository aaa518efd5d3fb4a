"""EVM balances at a pinned, final block, optionally proven against its state root.

``pin`` checks the node's chain id, that the block exists and is final (at or
below the node's ``finalized`` block, or deep enough under the tip when
``confirmations`` is set), and that it has the expected hash. ``read_balances``
reads native balances (eth_getBalance) and ERC-20 balances (balanceOf through
Multicall3 when it is deployed at the block, else batched eth_call); with
``verify_proofs`` every value is also proven with eth_getProof against the
block's state root, and a value whose proof fails is not counted.
``settle_ownership`` turns owner-signed contract rows into verified or failed
from the owners and threshold the contract reports at the block, and asks
contract wallets to validate signatures (EIP-1271).
"""

from __future__ import annotations

from collections.abc import Sequence

from chains.base import ChainAdapter, Progress
from chains.evm import calls, proofs
from chains.evm.address import AddressError, checksummed, decode
from chains.evm.header import HeaderError, check_header
from chains.evm.personal_sign import DIGESTS
from chains.evm.rpc import EvmRpc, RpcCallError
from chains.evm.settings import parse
from chains.encoding import decode_signature_text
from reserves.balances import AssetSpec, Balance, BlockRef
from reserves.claims import Claim
from reserves.errors import ChainError, NodeMismatchError, SnapshotError
from reserves.verdicts import Status, Verdict, failed, verified

MAX_DECIMALS = 77  # a uint256 holds 78 digits: more places describe no real amount
PROOF_CHUNK = 50
MULTICALL_CHUNK = 300
MULTICALL_BATCH = 4  # aggregate3 calls per HTTP request: each carries 300 balanceOf
SLOT_PROBE = range(0, 12)


class Adapter(ChainAdapter):
    family = "evm"

    def __init__(self, chain: str, settings: dict) -> None:
        super().__init__(chain, settings)
        self.cfg = parse(chain, settings)
        self.rpc = EvmRpc(self.cfg.rpc, self.cfg.timeout, self.cfg.retries,
                          self.cfg.batch_size, self.cfg.concurrency)
        self.source = f"evm {self.rpc.shown}"
        self._block: dict | None = None

    # --- the pinned block -------------------------------------------------------

    def pin(self, height: int, expected_hash: str | None = None) -> BlockRef:
        chain_id = int(self.rpc.call("eth_chainId", []), 16)
        if chain_id != self.cfg.chain_id:
            raise NodeMismatchError(f"node {self.rpc.shown} is on chain id {chain_id}, the "
                                    f"config says {self.chain} is {self.cfg.chain_id}")
        tip = int(self.rpc.call("eth_blockNumber", []), 16)
        if height > tip:
            raise SnapshotError(f"block {height} is in the future: node {self.rpc.shown} is at "
                                f"block {tip}")
        if self.cfg.confirmations is not None:
            if tip - height < self.cfg.confirmations:
                raise SnapshotError(f"block {height} is not final: {tip - height} confirmations, "
                                    f"{self.cfg.confirmations} required")
        else:
            try:
                final = self.rpc.call("eth_getBlockByNumber", ["finalized", False])
            except RpcCallError:
                final = None
            if not final:
                raise SnapshotError(f"node {self.rpc.shown} does not report a finalized block; "
                                    f"set chains.{self.chain}.confirmations")
            finalized = int(final["number"], 16)
            if height > finalized:
                raise SnapshotError(f"block {height} is not final: the node's finalized block "
                                    f"is {finalized}")
        block = self.rpc.call("eth_getBlockByNumber", [hex(height), False])
        if not block:
            raise SnapshotError(f"node {self.rpc.shown} has no block {height}")
        if expected_hash is not None and block["hash"].lower() != expected_hash.lower():
            raise NodeMismatchError(f"block {height} is {block['hash']} on {self.rpc.shown}, "
                                    f"not the pinned {expected_hash} (a reorg, or another chain)")
        try:
            check_header(block)
        except HeaderError as e:
            raise NodeMismatchError(f"block {height} from {self.rpc.shown}: {e}") from None
        self._block = block
        return BlockRef(self.chain, height, block["hash"], int(block["timestamp"], 16))

    # --- balances ---------------------------------------------------------------

    def read_balances(self, addresses: Sequence[str], assets: Sequence[AssetSpec],
                      block: BlockRef, progress: Progress | None = None) -> list[Balance]:
        tag = hex(block.height)
        valid: dict[str, str] = {}
        out: dict[tuple[str, str], Balance] = {}
        for a in addresses:
            try:
                decode(a)
                valid[a] = a
            except AddressError as e:
                for spec in assets:
                    out[(a, spec.symbol)] = self._balance(a, spec, block, None,
                                                          error=f"address does not decode: {e}")
        holders = list(valid)
        for spec in assets:
            if spec.contract is None:
                values = self._native(holders, tag)
                method = "eth_getBalance"
            else:
                code = self.rpc.call("eth_getCode", [spec.contract, tag])
                if code in (None, "0x", "0x0"):
                    raise ChainError(f"token {spec.symbol} contract {spec.contract} has no code "
                                     f"at block {block.height} on {self.chain}")
                values, method = self._tokens(spec.contract, holders, tag)
            proven: dict[str, str | None] = {}
            if self.cfg.verify_proofs:
                proven = self._prove(spec, holders, values, tag)
            for h in holders:
                value = values.get(h)
                if isinstance(value, str):  # an error text
                    out[(h, spec.symbol)] = self._balance(h, spec, block, None, method,
                                                          error=value)
                elif self.cfg.verify_proofs and proven.get(h):
                    out[(h, spec.symbol)] = self._balance(h, spec, block, None, method, False,
                                                          error=proven[h])
                else:
                    out[(h, spec.symbol)] = self._balance(
                        h, spec, block, value, method, True if self.cfg.verify_proofs else None)
                if progress:
                    progress(1)
        return [out[(a, spec.symbol)] for a in addresses for spec in assets]

    def _balance(self, address: str, spec: AssetSpec, block: BlockRef, amount: int | None,
                 method: str = "", proven: bool | None = None, error: str = "") -> Balance:
        return Balance(self.chain, address, spec.symbol, amount, spec.decimals, block.height,
                       block.hash, self.source, method, proven, error)

    def _native(self, holders: list[str], tag: str) -> dict[str, int | str]:
        responses = self.rpc.batch([("eth_getBalance", [h, tag]) for h in holders])
        return {h: _int_or_error(r) for h, r in zip(holders, responses)}

    def _tokens(self, contract: str, holders: list[str], tag: str):
        if self.cfg.multicall and self._multicall_at(tag):
            out: dict[str, int | str] = {}
            chunks = [holders[i:i + MULTICALL_CHUNK]
                      for i in range(0, len(holders), MULTICALL_CHUNK)]
            requests = [("eth_call", [{"to": calls.MULTICALL3, "data": calls.aggregate3(
                [(contract, bytes.fromhex(calls.balance_of(h)[2:])) for h in chunk])}, tag])
                for chunk in chunks]
            for chunk, r in zip(chunks, self.rpc.batch(requests, size=MULTICALL_BATCH)):
                if r.get("error"):
                    for h in chunk:
                        out[h] = f"multicall failed: {r['error'].get('message')}"
                    continue
                results = calls.decode_aggregate3(bytes.fromhex(r["result"][2:]))
                for h, (ok, data) in zip(chunk, results):
                    try:
                        out[h] = calls.decode_uint(data) if ok else "balanceOf reverted"
                    except ValueError as e:
                        out[h] = f"balanceOf returned garbage: {e}"
            return out, "multicall3 balanceOf"
        responses = self.rpc.batch([("eth_call", [{"to": contract, "data": calls.balance_of(h)},
                                                  tag]) for h in holders])
        out = {}
        for h, r in zip(holders, responses):
            if r.get("error"):
                out[h] = f"balanceOf failed: {r['error'].get('message')}"
                continue
            try:
                out[h] = calls.decode_uint(bytes.fromhex(r["result"][2:]))
            except ValueError as e:
                out[h] = f"balanceOf returned garbage: {e}"
        return out, "eth_call balanceOf"

    def _multicall_at(self, tag: str) -> bool:
        code = self.rpc.call("eth_getCode", [calls.MULTICALL3, tag])
        return code not in (None, "0x", "0x0")

    # --- proofs -----------------------------------------------------------------

    def _prove(self, spec: AssetSpec, holders: list[str], values: dict, tag: str
               ) -> dict[str, str | None]:
        """Per holder, None when its value is proven, else why not."""
        state_root = bytes.fromhex(self._block["stateRoot"][2:])
        result: dict[str, str | None] = {}
        if spec.contract is None:
            responses = self.rpc.batch([("eth_getProof", [h, [], tag]) for h in holders],
                                       size=PROOF_CHUNK)
            for h, r in zip(holders, responses):
                if r.get("error"):
                    result[h] = f"eth_getProof failed: {r['error'].get('message')}"
                    continue
                try:
                    _, balance, _, _ = proofs.verify_account(state_root, decode(h),
                                                             r["result"]["accountProof"])
                except proofs.ProofError as e:
                    result[h] = f"balance proof failed: {e}"
                    continue
                result[h] = None if balance == values.get(h) else (
                    f"proven balance {balance} differs from eth_getBalance {values.get(h)}")
            return result
        slot = self._balance_slot(spec, holders, values, tag)
        if slot is None:
            return {h: f"the balance mapping slot of {spec.symbol} is unknown (set "
                       f"chains.{self.chain}.token_slots.{spec.symbol})" for h in holders}
        token = decode(spec.contract)
        for i in range(0, len(holders), PROOF_CHUNK):
            chunk = holders[i:i + PROOF_CHUNK]
            keys = ["0x" + proofs.mapping_slot(decode(h), slot).hex() for h in chunk]
            try:
                proof = self.rpc.call("eth_getProof", [spec.contract, keys, tag])
                _, _, storage_root, _ = proofs.verify_account(state_root, token,
                                                              proof["accountProof"])
            except (RpcCallError, proofs.ProofError) as e:
                for h in chunk:
                    result[h] = f"token account proof failed: {e}"
                continue
            by_key = {p["key"].lower(): p for p in proof.get("storageProof", [])}
            for h, key in zip(chunk, keys):
                entry = by_key.get(key) or by_key.get("0x" + key[2:].lstrip("0"))
                if entry is None:
                    result[h] = "the node returned no storage proof for this holder"
                    continue
                try:
                    value = proofs.verify_storage(storage_root, bytes.fromhex(key[2:]),
                                                  entry["proof"])
                except proofs.ProofError as e:
                    result[h] = f"storage proof failed: {e}"
                    continue
                result[h] = None if value == values.get(h) else (
                    f"proven balance {value} differs from balanceOf {values.get(h)}")
        return result

    def _balance_slot(self, spec: AssetSpec, holders: list[str], values: dict,
                      tag: str) -> int | None:
        if spec.symbol.upper() in self.cfg.token_slots:
            return self.cfg.token_slots[spec.symbol.upper()]
        probe = next((h for h in holders if isinstance(values.get(h), int) and values[h]), None)
        if probe is None:
            return None
        requests = [("eth_getStorageAt", [spec.contract,
                                          "0x" + proofs.mapping_slot(decode(probe), s).hex(),
                                          tag]) for s in SLOT_PROBE]
        for s, r in zip(SLOT_PROBE, self.rpc.batch(requests)):
            if not r.get("error") and int(r["result"], 16) == values[probe]:
                return s
        return None

    # --- contract wallets -------------------------------------------------------

    def settle_ownership(self, claim: Claim, verdict: Verdict, block: BlockRef) -> Verdict:
        if not verdict.onchain or claim.kind != "address":
            return verdict
        tag = hex(block.height)
        if verdict.status is Status.OWNER_SIGNED:
            return self._settle_owners(claim, verdict, tag, block.height)
        if verdict.status is Status.FAILED:
            return self._settle_1271(claim, verdict, tag, block.height)
        return verdict

    def token_decimals(self, contract: str, block: BlockRef) -> int | str:
        """ERC-20 ``decimals()`` of ``contract`` at the pinned block (never at the tip:
        a contract's answer can change), or why it cannot be used."""
        tag = hex(block.height)
        at = f"at block {block.height}"
        code = self.rpc.call("eth_getCode", [contract, tag])
        if code in (None, "0x", "0x0"):
            return f"token contract {contract} has no code {at}"
        data = self._eth_call(contract, calls.decimals(), tag)
        if data is None:
            return f"its decimals() reverted {at}"
        try:
            value = calls.decode_uint(data)
        except ValueError:
            return f"its decimals() answered {len(data)} bytes {at}, not one uint"
        if value > MAX_DECIMALS:
            return f"its decimals() answered {value} {at}, more than {MAX_DECIMALS}"
        return value

    def _eth_call(self, to: str, data: str, tag: str) -> bytes | None:
        try:
            result = self.rpc.call("eth_call", [{"to": to, "data": data}, tag])
        except RpcCallError:
            return None
        return bytes.fromhex(result[2:]) if result else b""

    def _settle_owners(self, claim: Claim, verdict: Verdict, tag: str, height: int) -> Verdict:
        contract = claim.address.strip()
        owners_raw = self._eth_call(contract, calls.get_owners(), tag)
        threshold_raw = self._eth_call(contract, calls.get_threshold(), tag)
        try:
            owners = calls.decode_owners(owners_raw) if owners_raw else None
            threshold = calls.decode_uint(threshold_raw) if threshold_raw else None
        except Exception:
            owners = threshold = None
        if owners is None or threshold is None:
            return failed(f"the contract does not report getOwners()/getThreshold() at block "
                          f"{height}: its owners cannot be checked", verdict.scheme,
                          verdict.signers)
        if threshold < 1:  # a Safe's setup refuses 0; a contract that says so proves nothing
            return failed(f"the contract reports threshold {threshold} at block {height}: no "
                          "Safe has a threshold below 1, so its owner list proves nothing",
                          verdict.scheme, verdict.signers)
        signers = {s.lower() for s in verdict.signers}
        strangers = sorted(s for s in signers if s not in owners)
        if strangers:
            return failed(f"{', '.join(checksummed(s) for s in strangers)} is not an owner of "
                          f"the contract at block {height} (owners: "
                          f"{', '.join(checksummed(o) for o in owners)})", verdict.scheme,
                          verdict.signers)
        if len(signers) < threshold:
            return failed(f"threshold not met: {len(signers)} distinct owner(s) signed, the "
                          f"contract requires {threshold} at block {height}", verdict.scheme,
                          verdict.signers)
        return verified(f"{verdict.scheme}+owners",
                        f"{len(signers)} distinct owners signed; at block {height} the contract "
                        f"lists them among its {len(owners)} owners with threshold {threshold}",
                        verdict.signers)

    def _settle_1271(self, claim: Claim, verdict: Verdict, tag: str, height: int) -> Verdict:
        contract = claim.address.strip()
        code = self.rpc.call("eth_getCode", [contract, tag])
        if code in (None, "0x", "0x0"):
            return verdict  # an externally owned account: nothing on chain can help
        try:
            signature = decode_signature_text(claim.proof.signatures[0])
        except ValueError:
            return verdict
        message = (claim.proof.message or "").encode("utf-8")
        answers: list[str] = []
        for scheme, digest_of in DIGESTS.items():
            if claim.proof.scheme and claim.proof.scheme != scheme:
                continue
            data = self._eth_call(contract, calls.is_valid_signature(digest_of(message),
                                                                      signature), tag)
            if calls.is_magic(data, calls.MAGIC_1271):
                return verified("eip1271", f"the contract's isValidSignature(bytes32,bytes) "
                                           f"accepts the signature over the {scheme} digest at "
                                           f"block {height}")
            answers.append(_answered(data))
        data = self._eth_call(contract, calls.is_valid_signature_legacy(message, signature), tag)
        if calls.is_magic(data, calls.MAGIC_1271_LEGACY):
            return verified("eip1271-legacy", f"the contract's legacy isValidSignature(bytes,"
                                              f"bytes) accepts the signature at block {height}")
        said = []
        if answers:
            said.append(f"isValidSignature(bytes32,bytes) "
                        f"{', '.join(dict.fromkeys(answers))} (magic 0x{calls.MAGIC_1271.hex()})")
        said.append(f"isValidSignature(bytes,bytes) {_answered(data)} "
                    f"(magic 0x{calls.MAGIC_1271_LEGACY.hex()})")
        return failed(f"{verdict.reason}; the contract at this address did not accept it "
                      f"through EIP-1271 at block {height} either: {'; '.join(said)}",
                      verdict.scheme)


def _answered(data: bytes | None) -> str:
    """What an isValidSignature call answered, for a failed row's reason."""
    if data is None:
        return "reverted"
    if not data:
        return "returned nothing"
    head = "0x" + data[:4].hex()
    if len(data) != 32:
        return f"answered {len(data)} bytes starting {head}, not one ABI word"
    if any(data[4:]):
        return f"answered {head} with non-zero ABI padding"
    return f"answered {head}"


def _int_or_error(response: dict) -> int | str:
    if response.get("error"):
        return f"node error: {response['error'].get('message')}"
    try:
        return int(response["result"], 16)
    except (KeyError, TypeError, ValueError):
        return "node returned no number"
