"""EVM balances at a pinned, final block, optionally proven against its state root.

``pin`` checks the node's chain id, that the block exists and is final (at or
below the node's ``finalized`` block, or deep enough under the tip when
``confirmations`` is set), and that it has the expected hash. Every read after
it names the block by hash (EIP-1898, only while canonical), so a reorg after
the pin makes reads fail instead of answering for another block, and stops the
run. ``read_balances`` reads native balances (eth_getBalance) and ERC-20
balances (balanceOf through Multicall3 when it is deployed at the block, else
batched eth_call); with ``verify_proofs`` every value is also proven with
eth_getProof against the block's state root, and a value whose proof fails is
not counted. ``settle_ownership`` settles owner-signed and EIP-1271 rows of
contract wallets: only a known Safe counts, judged from its code hash and
storage (chains/evm/safe.py, chains/evm/state.py), proven in proof mode.
"""

from __future__ import annotations

from collections.abc import Sequence

from collections import Counter

from chains.base import ChainAdapter, Progress
from chains.encoding import decode_signature_text
from chains.evm import calls, proofs, safe
from chains.evm.address import AddressError, checksummed, decode
from chains.evm.header import HeaderError, check_header
from chains.evm.personal_sign import DIGESTS
from chains.evm.rpc import EvmRpc, RpcCallError
from chains.evm.settings import parse
from chains.evm.state import StateError, StateReader
from chains.hashes import keccak256
from reserves.balances import AssetSpec, Balance, BlockRef
from reserves.claims import Claim
from reserves.errors import ChainError, NodeMismatchError, SnapshotError
from reserves.verdicts import Status, Verdict, failed, owner_signed, unsupported, verified

MAX_DECIMALS = 77  # a uint256 holds 78 digits: more places describe no real amount
PROOF_CHUNK = 50
MULTICALL_CHUNK = 300
MULTICALL_BATCH = 4  # aggregate3 calls per HTTP request: each carries 300 balanceOf
SLOT_PROBE = range(0, 12)
SLOT_PROBE_HOLDERS = 4  # holders whose balanceOf the slot probe looks for, each slot


class Adapter(ChainAdapter):
    family = "evm"

    def __init__(self, chain: str, settings: dict) -> None:
        super().__init__(chain, settings)
        self.cfg = parse(chain, settings)
        self.rpc = EvmRpc(self.cfg.rpc, self.cfg.timeout, self.cfg.retries,
                          self.cfg.batch_size, self.cfg.concurrency)
        self.source = f"evm {self.rpc.shown}"
        self._block: dict | None = None
        self._state: StateReader | None = None

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
        try:
            self._read_assets(holders, assets, block, out, progress)
        except RpcCallError:
            self._check_pinned(block)  # a read refused for a block that is gone: a reorg
            raise
        self._check_pinned(block)  # every figure above was read at the pinned block
        return [out[(a, spec.symbol)] for a in addresses for spec in assets]

    def _read_assets(self, holders: list[str], assets: Sequence[AssetSpec], block: BlockRef,
                     out: dict, progress: Progress | None) -> None:
        ref = _block_ref(block)
        for spec in assets:
            if spec.contract is None:
                values = self._native(holders, ref)
                method = "eth_getBalance"
            else:
                try:
                    has_code = self._reader(block).read(decode(spec.contract)).has_code
                except StateError as e:
                    if not self.cfg.verify_proofs:
                        raise ChainError(f"token {spec.symbol} contract {spec.contract} at "
                                         f"block {block.height} on {self.chain}: {e}") from None
                    has_code = True  # unproven: the token account proof fails every holder
                if not has_code:
                    raise ChainError(f"token {spec.symbol} contract {spec.contract} has no code "
                                     f"at block {block.height} on {self.chain}")
                values, method = self._tokens(spec.contract, holders, block)
            proven: dict[str, str | None] = {}
            if self.cfg.verify_proofs:
                proven = self._prove(spec, holders, values, ref)
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

    def _balance(self, address: str, spec: AssetSpec, block: BlockRef, amount: int | None,
                 method: str = "", proven: bool | None = None, error: str = "") -> Balance:
        return Balance(self.chain, address, spec.symbol, amount, spec.decimals, block.height,
                       block.hash, self.source, method, proven, error)

    def _native(self, holders: list[str], ref: dict) -> dict[str, int | str]:
        responses = self.rpc.batch([("eth_getBalance", [h, ref]) for h in holders])
        return {h: _int_or_error(r) for h, r in zip(holders, responses)}

    def _tokens(self, contract: str, holders: list[str], block: BlockRef):
        ref = _block_ref(block)
        if self.cfg.multicall and self._multicall_at(block):
            out: dict[str, int | str] = {}
            chunks = [holders[i:i + MULTICALL_CHUNK]
                      for i in range(0, len(holders), MULTICALL_CHUNK)]
            requests = [("eth_call", [{"to": calls.MULTICALL3, "data": calls.aggregate3(
                [(contract, bytes.fromhex(calls.balance_of(h)[2:])) for h in chunk])}, ref])
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
                                                  ref]) for h in holders])
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

    def _multicall_at(self, block: BlockRef) -> bool:
        """Whether Multicall3 has code at the block (its code hash proven in proof mode);
        when that cannot be read, balances are asked one eth_call each instead."""
        try:
            return self._reader(block).read(decode(calls.MULTICALL3)).has_code
        except StateError:
            return False

    # --- proofs -----------------------------------------------------------------

    def _prove(self, spec: AssetSpec, holders: list[str], values: dict, ref: dict
               ) -> dict[str, str | None]:
        """Per holder, None when its value is proven, else why not."""
        state_root = bytes.fromhex(self._block["stateRoot"][2:])
        result: dict[str, str | None] = {}
        if spec.contract is None:
            responses = self.rpc.batch([("eth_getProof", [h, [], ref]) for h in holders],
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
        slot, unknown = self._balance_slot(spec, holders, values, ref)
        if slot is None:
            return {h: unknown for h in holders}
        token = decode(spec.contract)
        for i in range(0, len(holders), PROOF_CHUNK):
            chunk = holders[i:i + PROOF_CHUNK]
            keys = ["0x" + proofs.mapping_slot(decode(h), slot).hex() for h in chunk]
            try:
                proof = self.rpc.call("eth_getProof", [spec.contract, keys, ref])
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
                      ref: dict) -> tuple[int | None, str]:
        """(the slot of the token's balance mapping, "") or (None, why it is unknown).

        Without a configured slot, the first slots are probed for the balanceOf answers
        of a few holders, and the slot most of them match is taken. A node that lies
        about one holder's balance then fails that holder's proof ("differs from
        balanceOf"), not every holder's slot search.
        """
        if spec.symbol.upper() in self.cfg.token_slots:
            return self.cfg.token_slots[spec.symbol.upper()], ""
        setting = f"set chains.{self.chain}.token_slots.{spec.symbol}"
        probes = [h for h in holders if isinstance(values.get(h), int) and values[h]]
        probes = probes[:SLOT_PROBE_HOLDERS]
        if not probes:
            return None, (f"the balance mapping slot of {spec.symbol} is unknown: no holder "
                          f"has a non-zero balance to find it by ({setting})")
        pairs = [(h, s) for h in probes for s in SLOT_PROBE]
        requests = [("eth_getStorageAt", [spec.contract,
                                          "0x" + proofs.mapping_slot(decode(h), s).hex(), ref])
                    for h, s in pairs]
        matches: Counter = Counter()
        for (h, s), r in zip(pairs, self.rpc.batch(requests)):
            if not r.get("error") and int(r["result"], 16) == values[h]:
                matches[s] += 1
        if not matches:
            return None, (f"the balance mapping slot of {spec.symbol} is unknown: no storage "
                          f"slot {SLOT_PROBE.start}-{SLOT_PROBE.stop - 1} holds the balanceOf "
                          f"answer of any of the {len(probes)} holder(s) probed (the node's "
                          f"balanceOf answers may be wrong, or the token keeps balances "
                          f"elsewhere: {setting})")
        return max(matches, key=lambda s: (matches[s], -s)), ""

    # --- contract wallets -------------------------------------------------------

    def settle_ownership(self, claim: Claim, verdict: Verdict, block: BlockRef) -> Verdict:
        """Settle an owner-signed or an EIP-1271 row from the contract's state at ``block``.

        Only a known Safe (chains/evm/safe.py) can make a row verified, and only from
        its code hash and storage, proven in proof mode; a contract's own answer to a
        call never settles a row on its own.
        """
        if not verdict.onchain or claim.kind != "address":
            return verdict
        if verdict.status is Status.OWNER_SIGNED:
            return self._settle_owners(claim, verdict, block)
        if verdict.status is Status.FAILED:
            return self._settle_1271(claim, verdict, block)
        return verdict

    def _reader(self, block: BlockRef) -> StateReader:
        if self._block is None or self._block["hash"].lower() != block.hash.lower():
            raise ChainError(f"block {block.height} ({block.hash}) is not the block this "
                             f"adapter pinned")  # proofs need that block's state root
        if self._state is None or self._state.ref != _block_ref(block):
            root = bytes.fromhex(self._block["stateRoot"][2:]) if self.cfg.verify_proofs \
                else None
            self._state = StateReader(self.rpc, _block_ref(block), root)
        return self._state

    def token_decimals(self, contract: str, block: BlockRef) -> int | str:
        """ERC-20 ``decimals()`` of ``contract`` at the pinned block (never at the tip:
        a contract's answer can change), or why it cannot be used."""
        at = f"at block {block.height}"
        try:
            has_code = self._reader(block).read(decode(contract)).has_code
        except (AddressError, StateError) as e:
            return f"the code of token contract {contract} could not be read {at}: {e}"
        if not has_code:
            return f"token contract {contract} has no code {at}"
        data = self._eth_call(contract, calls.decimals(), block)
        if data is None:
            return f"its decimals() reverted {at}"
        try:
            value = calls.decode_uint(data)
        except ValueError:
            return f"its decimals() answered {len(data)} bytes {at}, not one uint"
        if value > MAX_DECIMALS:
            return f"its decimals() answered {value} {at}, more than {MAX_DECIMALS}"
        return value

    def _read_safe(self, address: bytes, block: BlockRef):
        """(SafeState, None), or (None, NotASafe), or (None, the reason it was unreadable)."""
        try:
            return safe.read_safe(self._reader(block), address), None
        except safe.NotASafe as e:
            return None, e
        except StateError as e:
            return None, self._fault(block, str(e))

    def _settle_owners(self, claim: Claim, verdict: Verdict, block: BlockRef) -> Verdict:
        height = block.height
        address = decode(claim.address)
        names = ", ".join(verdict.signers)
        state, why = self._read_safe(address, block)
        if isinstance(why, safe.NotASafe) and why.no_code:
            return failed(f"no contract at this address at block {height}: the signatures of "
                          f"its listed owners ({names}) prove nothing about it",
                          verdict.scheme, verdict.signers)
        if isinstance(why, safe.NotASafe):
            return owner_signed(verdict.scheme, f"{len(verdict.signers)} listed owner(s) "
                                f"signed ({names}); contract code not recognised at block "
                                f"{height} ({why}): {ONLY_SAFES}, so their link to it is "
                                "unproven", verdict.signers)
        if state is None:
            return owner_signed(verdict.scheme, f"{verdict.reason}; not settled on chain at "
                                f"block {height}: {why}", verdict.signers)
        signers = [decode(s) for s in verdict.signers]
        try:
            is_owner = safe.owners_among(self._reader(block), address, signers)
        except StateError as e:
            return owner_signed(verdict.scheme, f"{verdict.reason}; not settled on chain at "
                                f"block {height}: {self._fault(block, str(e))}",
                                verdict.signers)
        refusal = _safe_refusal(state, height)
        if refusal is None:
            strangers = [checksummed(s) for s in signers if not is_owner[s]]
            if strangers:
                refusal = (f"{', '.join(strangers)} is not an owner of the Safe at block "
                           f"{height} ({state.owner_count} owners, threshold {state.threshold})")
            elif len(set(signers)) < state.threshold:
                refusal = (f"threshold not met: {len(set(signers))} distinct owner(s) signed, "
                           f"the Safe requires {state.threshold} at block {height}")
        if refusal is not None:
            return failed(refusal, verdict.scheme, verdict.signers)
        return verified(f"{verdict.scheme}+owners",
                        f"{len(set(signers))} distinct owners signed; at block {height} the "
                        f"address is {_describe(state)} listing them among its "
                        f"{state.owner_count} owners with threshold {state.threshold}, no "
                        f"module enabled{_notes(state, height)}", verdict.signers)

    def _settle_1271(self, claim: Claim, verdict: Verdict, block: BlockRef) -> Verdict:
        height = block.height
        address = decode(claim.address.strip())
        contract = checksummed(address)
        try:
            account = self._reader(block).read(address)
        except StateError as e:
            return failed(f"{verdict.reason}; the code at this address could not be read at "
                          f"block {height}: {self._fault(block, str(e))}", verdict.scheme)
        if not account.has_code:
            return verdict  # an externally owned account (proven so in proof mode)
        try:
            signature = decode_signature_text(claim.proof.signatures[0])
        except ValueError:
            return verdict
        message = (claim.proof.message or "").encode("utf-8")
        accepted, said = self._ask_1271(contract, message, signature, claim.proof.scheme, block)
        if accepted is None:
            return failed(f"{verdict.reason}; the contract at this address did not accept it "
                          f"through EIP-1271 at block {height} either: {'; '.join(said)}",
                          verdict.scheme)
        interface, scheme, data = accepted
        legacy = interface == LEGACY
        digest_text = "the message" if legacy else f"the {scheme} digest"
        if self._accepts_anything(contract, legacy, signature, block):
            return failed(f"{verdict.reason}; the contract at this address accepts any "
                          f"signature: its {interface} also accepted a random digest with a "
                          f"random signature at block {height}", verdict.scheme)
        scheme_id = "eip1271-legacy" if legacy else "eip1271"
        said_yes = f"the contract's {interface} accepts the signature over {digest_text}"
        state, why = self._read_safe(address, block)
        if isinstance(why, safe.NotASafe):
            return unsupported(f"{said_yes} at block {height}, but contract code not "
                               f"recognised ({why}): {ONLY_SAFES}", scheme_id)
        if state is None:
            return failed(f"{verdict.reason}; {said_yes} at block {height}, but the Safe "
                          f"could not be read: {why}", verdict.scheme)
        if state.handler is None:
            handler = checksummed(state.fallback_handler) if state.fallback_handler else "none"
            return unsupported(f"{said_yes} at block {height}, but a Safe's isValidSignature "
                               f"is answered by its fallback handler ({handler}), which is not "
                               "a known CompatibilityFallbackHandler", scheme_id)
        refusal = _safe_refusal(state, height)
        if refusal is not None:
            return failed(f"{verdict.reason}; {said_yes}, but {refusal}", verdict.scheme)
        digest = safe.safe_message_hash(self.cfg.chain_id, address, data)
        try:
            owners = safe.recover_owners(digest, signature, state.threshold)
            is_owner = safe.owners_among(self._reader(block), address, owners)
        except safe.SignatureCheckError as e:
            if e.unsupported:
                return unsupported(f"{said_yes} at block {height}, but {e}", scheme_id)
            return failed(f"{verdict.reason}; the node says the Safe accepts it, but by the "
                          f"Safe's state at block {height} it does not: {e}", verdict.scheme)
        except StateError as e:
            return failed(f"{verdict.reason}; {said_yes}, but the Safe's owners could not be "
                          f"read: {self._fault(block, str(e))}", verdict.scheme)
        strangers = [checksummed(o) for o in owners if not is_owner[o]]
        if strangers:
            return failed(f"{verdict.reason}; the node says the Safe accepts it, but "
                          f"{', '.join(strangers)} is not an owner of the Safe at block "
                          f"{height}", verdict.scheme)
        signers = tuple(checksummed(o) for o in owners)
        return verified(scheme_id, f"the Safe's {interface} accepts the signature over "
                                   f"{digest_text} at block {height}: {len(owners)} of its "
                                   f"{state.owner_count} owners ({', '.join(signers)}) signed "
                                   f"its SafeMessage, threshold {state.threshold}, no module "
                                   f"enabled; {_describe(state)}{_notes(state, height)}",
                        signers)

    def _eth_call(self, to: str, data: str, block: BlockRef) -> bytes | None:
        """The call's return data at ``block``, or None when it reverted."""
        try:
            result = self.rpc.call("eth_call", [{"to": to, "data": data}, _block_ref(block)])
        except RpcCallError as e:
            if "revert" not in str(e.error.get("message", "")).lower():
                self._check_pinned(block)  # not a revert: perhaps a block that is gone
            return None
        return bytes.fromhex(result[2:]) if result else b""

    def _ask_1271(self, contract: str, message: bytes, signature: bytes, only: str | None,
                  block: BlockRef):
        """((interface, scheme, signed data), answers) for the first interface that accepts
        the signature, or (None, what each answered)."""
        answers: list[str] = []
        for scheme, digest_of in DIGESTS.items():
            if only and only != scheme:
                continue
            digest = digest_of(message)
            data = self._eth_call(contract, calls.is_valid_signature(digest, signature), block)
            if calls.is_magic(data, calls.MAGIC_1271):
                return (CURRENT, scheme, digest), []
            answers.append(_answered(data))
        data = self._eth_call(contract, calls.is_valid_signature_legacy(message, signature),
                              block)
        if calls.is_magic(data, calls.MAGIC_1271_LEGACY):
            return (LEGACY, "", message), []
        said = []
        if answers:
            said.append(f"{CURRENT} {', '.join(dict.fromkeys(answers))} "
                        f"(magic 0x{calls.MAGIC_1271.hex()})")
        said.append(f"{LEGACY} {_answered(data)} (magic 0x{calls.MAGIC_1271_LEGACY.hex()})")
        return None, said

    def _accepts_anything(self, contract: str, legacy: bool, signature: bytes,
                          block: BlockRef) -> bool:
        """The negative control: does the contract also accept a digest nobody signed, with
        a signature of the same length that nobody made?

        Both are derived from the block, the address and the signature, so a replay asks
        the same question; a contract written to refuse exactly this pair gains nothing,
        since only a known Safe, judged from its storage, is ever counted.
        """
        seed = keccak256(b"reserves/eip1271-negative-control" + bytes.fromhex(block.hash[2:])
                         + bytes.fromhex(contract[2:]) + signature)
        stream = b"".join(keccak256(seed + i.to_bytes(4, "big"))
                          for i in range(len(signature) // 32 + 1))
        random_signature = stream[:len(signature)]
        if legacy:
            data = self._eth_call(contract, calls.is_valid_signature_legacy(
                seed, random_signature), block)
            return calls.is_magic(data, calls.MAGIC_1271_LEGACY)
        data = self._eth_call(contract, calls.is_valid_signature(seed, random_signature), block)
        return calls.is_magic(data, calls.MAGIC_1271)

    def _fault(self, block: BlockRef, text: str) -> str:
        """``text`` for a read that failed, after making sure the block is still pinned."""
        self._check_pinned(block)
        return text

    def _check_pinned(self, block: BlockRef) -> None:
        """Stop the run when the node's block at the pinned height is another (a reorg)."""
        now = self.rpc.call("eth_getBlockByNumber", [hex(block.height), False])
        if not now or now.get("hash", "").lower() != block.hash.lower():
            shown = now.get("hash") if now else "missing"
            raise NodeMismatchError(f"block {block.height} is now {shown} on {self.rpc.shown}, "
                                    f"not the pinned {block.hash}: a reorg during the run")


CURRENT = "isValidSignature(bytes32,bytes)"
LEGACY = "isValidSignature(bytes,bytes)"
ONLY_SAFES = ("only a Safe (a 1.3.0 or 1.4.1 proxy in front of a known singleton) is "
              "counted as a contract wallet")


def _block_ref(block: BlockRef) -> dict:
    """The pinned block as EIP-1898 names it: by hash, and only while it is canonical."""
    return {"blockHash": block.hash, "requireCanonical": True}


def _safe_refusal(state, height: int) -> str | None:
    """Why a known Safe's owners do not control it alone, or None."""
    if state.threshold < 1:
        return (f"the Safe is not set up at block {height} (threshold 0): anyone can call its "
                "setup and take it")
    if state.first_module == bytes(20):
        return f"the Safe's module list is not initialised at block {height}"
    if state.first_module is not None:
        return (f"module {checksummed(state.first_module)} is enabled on the Safe at block "
                f"{height}: a module moves the Safe's funds without its owners' signatures")
    return None


def _describe(state) -> str:
    proxy = "" if state.proxy.version == state.version else f", {state.proxy.version} proxy"
    return (f"a Safe {state.version} ({state.singleton.contract} singleton "
            f"{checksummed(state.singleton_address)}{proxy})")


def _notes(state, height: int) -> str:
    """The guard and fallback handler, and how the state was read."""
    notes = ""
    if state.guard is not None:
        notes += (f"; a transaction guard {checksummed(state.guard)} is set: it can refuse "
                  "the owners' transactions")
    if state.fallback_handler is not None:
        name = (f"{state.handler.contract} {state.handler.version}" if state.handler else
                "not a known handler; it is called, never delegated to")
        notes += f"; fallback handler {checksummed(state.fallback_handler)} ({name})"
    if state.proven:
        return notes + f"; code hashes and storage proven against the state root of block " \
                       f"{height}"
    return notes + "; read from the node without proofs (verify_proofs is off)"


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
