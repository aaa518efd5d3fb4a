"""Solana balances at slot S: rebuilt from history, or read now and pinned by context slot.

Solana's RPC has no "balance at slot". Two modes, and each balance records
which produced it (``method``):

* ``history``: page ``getSignaturesForAddress`` back from the newest
  transaction to S; the last transaction at or before S gives the balance
  after it (``postBalances``, or ``postTokenBalances`` for a token account);
  with none, the first transaction after S gives the balance before it
  (``preBalances``). A transfer after S never changes the figure. Token
  balances are read per token account the owner holds (Token and Token-2022
  programs); accounts closed since S are not found (README).
* ``context``: read current state with ``minContextSlot = S`` and record the
  slot the node answered at: a snapshot taken now, not a reconstruction.

Every figure records the hash of the block at the slot it holds at; a slot
the node has no block for (skipped, or pruned) cannot be a snapshot, and a
per-address node error becomes that balance's error, never a zero.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from solana.rpc.commitment import Confirmed, Finalized
from solana.rpc.core import RPCException
from solana.rpc.models import TokenAccountOpts
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction_status import TransactionDetails

from chains.base import ChainAdapter, Progress
from chains.solana.ownership import AddressError, decode
from chains.solana.rpc import SolanaRpc, SolanaRpcError, is_panic, panic_detail, rpc_detail
from chains.solana.settings import parse
from reserves.balances import AssetSpec, Balance, BlockRef
from reserves.errors import NodeMismatchError, SnapshotError

CONTEXT_BLOCK_WAIT = 5.0
"""Seconds to wait for the block of a slot a node says it answered at."""


class Adapter(ChainAdapter):
    family = "solana"

    def __init__(self, chain: str, settings: dict) -> None:
        super().__init__(chain, settings)
        self.cfg = parse(chain, settings)
        self.rpc = SolanaRpc(self.cfg.rpc, self.cfg.timeout, self.cfg.concurrency,
                             self.cfg.retries)
        self.commitment = Finalized if self.cfg.commitment == "finalized" else Confirmed
        self.source = f"solana {self.rpc.shown}"
        # One transaction often moves both an owner's SOL and its token accounts:
        # ask for each once (futures, so concurrent readers share one request).
        self._transactions: dict[str, asyncio.Future] = {}

    def close(self) -> None:
        self.rpc.close()

    # --- the pinned slot -------------------------------------------------------

    def pin(self, height: int, expected_hash: str | None = None) -> BlockRef:
        final = self.rpc.run("getSlot", lambda c: c.get_slot(self.commitment)).value
        if height > final:
            latest = self.rpc.run("getSlot", lambda c: c.get_slot(Confirmed)).value
            if height > latest:
                raise SnapshotError(f"slot {height} is in the future: node {self.rpc.shown} "
                                    f"is at slot {latest}")
            raise SnapshotError(f"slot {height} is not {self.cfg.commitment} yet (the node's "
                                f"{self.cfg.commitment} slot is {final})")
        block_hash, why = self._block_hash(height, self.commitment)
        if not block_hash:
            raise SnapshotError(f"node {self.rpc.shown} gives no block for slot {height}{why}: "
                                "choose a slot with a block the node keeps")
        if expected_hash is not None and block_hash != expected_hash:
            raise NodeMismatchError(f"slot {height} has block {block_hash}, not the pinned "
                                    f"{expected_hash}")
        return BlockRef(self.chain, height, block_hash)

    def _block_hash(self, slot: int, commitment) -> tuple[str, str]:
        """(hash of the block at ``slot``, "") or ("", why the node gives none)."""
        try:
            block = self.rpc.run("getBlock", lambda c: c.get_block(
                slot, max_supported_transaction_version=0,
                transaction_details=TransactionDetails.None_, rewards=False,
                commitment=commitment)).value
        except SolanaRpcError as e:
            return "", f" ({e.detail})"
        return (str(block.blockhash), "") if block is not None else ("", "")

    def _context_hash(self, slot: int) -> tuple[str, str]:
        """The block a context-mode answer was read at. Some nodes (Surfpool) answer
        from their newest bank whatever the commitment asked, so its block may
        appear only a moment later: wait for it a little, then give up."""
        deadline = time.monotonic() + CONTEXT_BLOCK_WAIT
        while True:
            for commitment in dict.fromkeys((self.commitment, Confirmed)):
                block_hash, why = self._block_hash(slot, commitment)
                if block_hash:
                    return block_hash, ""
            if time.monotonic() > deadline:
                return "", f"node gives no block for the slot it answered at ({slot}){why}"
            time.sleep(0.1)

    # --- balances ---------------------------------------------------------------

    def read_balances(self, addresses: Sequence[str], assets: Sequence[AssetSpec],
                      block: BlockRef, progress: Progress | None = None) -> list[Balance]:
        keys: dict[str, Pubkey] = {}
        errors: dict[str, str] = {}
        for a in addresses:
            try:
                keys[a] = Pubkey(decode(a))
            except AddressError as e:
                errors[a] = f"address does not decode: {e}"
        for spec in assets:
            if spec.contract is not None:
                try:
                    Pubkey.from_string(spec.contract)
                except ValueError:
                    raise SnapshotError(f"mint {spec.contract!r} of {spec.symbol} is not a "
                                        "Solana address") from None
        valid = [a for a in addresses if a in keys]
        jobs = [(a, spec) for a in valid for spec in assets]
        read = self.rpc.map("read", lambda c, job: self._safe_one(c, keys[job[0]], job[1],
                                                                  block), jobs, progress)
        hashes = {block.height: (block.hash, "")}
        for _, height, _, error in read:
            if not error and height not in hashes:
                hashes[height] = self._context_hash(height)
        results: dict[tuple[str, str], Balance] = {}
        for (a, spec), (amount, height, method, error) in zip(jobs, read):
            block_hash, missing = hashes.get(height, ("", ""))
            if missing and not error:
                amount, error = None, missing  # a figure with no block to pin it is not evidence
            results[(a, spec.symbol)] = Balance(
                self.chain, a, spec.symbol, amount, spec.decimals, height, block_hash,
                self.source, method, None, error)
        for a, error in errors.items():
            for spec in assets:
                results[(a, spec.symbol)] = Balance(self.chain, a, spec.symbol, None,
                                                    spec.decimals, block.height, block.hash,
                                                    self.source, self.cfg.mode, None, error)
        return [results[(a, s.symbol)] for a in addresses for s in assets]

    async def _safe_one(self, client, owner: Pubkey, spec: AssetSpec, block: BlockRef):
        """``_one``, with a node error about this address kept as its balance's error."""
        try:
            return await self._one(client, owner, spec, block)
        except RPCException as e:
            return None, block.height, self.cfg.mode, f"node error: {rpc_detail(e)}"
        except NodeMismatchError as e:
            return None, block.height, self.cfg.mode, str(e)
        except BaseException as e:
            if is_panic(e):
                return None, block.height, self.cfg.mode, f"node error: {panic_detail(e)}"
            raise

    async def _one(self, client, owner: Pubkey, spec: AssetSpec, block: BlockRef):
        """(amount, slot it holds at, method, error) for one owner and asset."""
        if self.cfg.mode == "context":
            return await self._context(client, owner, spec, block.height)
        if spec.contract is None:
            amount = await self._lamports_at(client, owner, block.height)
            return amount, block.height, "history", ""
        mint = Pubkey.from_string(spec.contract)
        total = 0
        # Filtering by mint finds the owner's accounts under whichever token program
        # (Token or Token-2022) owns the mint.
        accounts = (await client.get_token_accounts_by_owner_json_parsed(
            owner, TokenAccountOpts(mint=mint), self.commitment)).value
        for account in accounts:
            now = int(account.account.data.parsed["info"]["tokenAmount"]["amount"])
            total += await self._token_at(client, account.pubkey, owner, mint, block.height, now)
        return total, block.height, "history", ""

    async def _context(self, client, owner: Pubkey, spec: AssetSpec, slot: int):
        if spec.contract is None:
            r = await SolanaRpc.balance_at_least(client, owner, slot, self.commitment)
            return r.value, r.context.slot, "context", ""
        r = await SolanaRpc.token_accounts_at_least(
            client, owner, Pubkey.from_string(spec.contract), slot, self.commitment)
        total = sum(int(a.account.data.parsed["info"]["tokenAmount"]["amount"])
                    for a in r.value)
        return total, r.context.slot, "context", ""

    async def _signatures(self, client, address: Pubkey, slot: int):
        """(last signature at or before ``slot``, first signature after it), paging back."""
        before: Signature | None = None
        after = None
        while True:
            page = (await client.get_signatures_for_address(
                address, before=before, limit=self.cfg.page_size,
                commitment=self.commitment)).value
            for s in page:
                if s.slot <= slot:
                    return s.signature, after
                after = s.signature
            if len(page) < self.cfg.page_size:
                return None, after
            before = page[-1].signature

    async def _transaction(self, client, signature: Signature):
        key = str(signature)
        if key not in self._transactions:
            self._transactions[key] = asyncio.ensure_future(self._fetch(client, signature))
        try:
            return await asyncio.shield(self._transactions[key])
        except BaseException:
            self._transactions.pop(key, None)  # an error is this caller's, not cached
            raise

    async def _fetch(self, client, signature: Signature):
        tx = (await client.get_transaction(signature, encoding="json",
                                           commitment=self.commitment,
                                           max_supported_transaction_version=0)).value
        if tx is None or tx.transaction.meta is None:
            raise NodeMismatchError(f"node {self.rpc.shown} lists transaction {signature} but "
                                    "cannot return it with its balances")
        keys = list(tx.transaction.transaction.message.account_keys)
        loaded = tx.transaction.meta.loaded_addresses
        if loaded is not None:
            keys += list(loaded.writable) + list(loaded.readonly)
        return tx.slot, tx.transaction.meta, [str(k) for k in keys]

    async def _touching(self, client, signature: Signature, address: Pubkey, slot: int,
                        at_or_before: bool):
        """(meta, index of ``address``) of a transaction the node listed for it, checked:
        it must touch the address, on the side of S the listing said."""
        tx_slot, meta, keys = await self._transaction(client, signature)
        if str(address) not in keys or len(meta.pre_balances) != len(keys) or \
                len(meta.post_balances) != len(keys):
            raise NodeMismatchError(f"node {self.rpc.shown} lists transaction {signature} for "
                                    f"{address}, but the transaction does not touch it")
        if (tx_slot <= slot) != at_or_before:
            raise NodeMismatchError(f"node {self.rpc.shown} lists transaction {signature} on "
                                    f"the wrong side of slot {slot} (it is in slot {tx_slot})")
        return meta, keys.index(str(address))

    async def _lamports_at(self, client, address: Pubkey, slot: int) -> int:
        at, after = await self._signatures(client, address, slot)
        if at is None and after is None:
            r = await SolanaRpc.balance_at_least(client, address, slot, self.commitment)
            return r.value  # never in a transaction: its balance has not moved
        meta, i = await self._touching(client, at or after, address, slot, at is not None)
        return meta.post_balances[i] if at is not None else meta.pre_balances[i]

    async def _token_at(self, client, account: Pubkey, owner: Pubkey, mint: Pubkey,
                        slot: int, now: int) -> int:
        at, after = await self._signatures(client, account, slot)
        if at is None and after is None:
            return now  # no transaction the node keeps touched it: unchanged since S
        meta, i = await self._touching(client, at or after, account, slot, at is not None)
        balances = meta.post_token_balances if at is not None else meta.pre_token_balances
        for b in balances or []:
            if b.account_index == i:
                if b.mint != mint:
                    raise NodeMismatchError(f"token account {account} holds {b.mint}, not {mint}")
                if b.owner is not None and str(b.owner) != str(owner):
                    return 0  # the account was someone else's at S (its owner changed since)
                return int(b.ui_token_amount.amount)
        return 0  # not a token account at that point (created later, or closed)
