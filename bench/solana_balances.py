"""Benchmark: SOL and SPL token balances for 5,000 addresses at a past slot, on Surfpool.

One address in ten is active: SOL and a token account with tokens, by real
transactions before slot S. The other nine held nothing at S (many published
addresses are empty); reading them costs what reading a funded address with no
history the node keeps costs (no signature before S: the balance is read directly).
After S, every tenth active address and 50 empty ones receive SOL, and every tenth
active one more tokens, so both "last transaction at or before S" and "first
transaction after S" are exercised. Measured:

* history mode one request at a time (concurrency 1): the naive loop;
* history mode with the default concurrency (16 requests in flight; Surfpool, like
  many providers, refuses JSON-RPC batches);
* the same through the audit's recording proxy, then replayed from what it recorded
  (as `reserves replay` does): our own code's rate, with no node in the way;
* context mode (current state pinned by context slot), default concurrency;
* history mode one at a time and concurrently through a proxy that adds 20 ms to every
  answer, as a node across a network would (on the active addresses).

Every history figure is checked against the amounts sent before S.
Usage: .venv/bin/python bench/solana_balances.py [--addresses N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LATENCY = 0.020  # added to each answer to stand for a node across a network
PER_TX = 6  # token holders per transaction (keeps it under the compute and size limits)
TIMEOUT = 60


class World:
    """A fresh Surfpool holding the benchmark's addresses, with history after S."""

    def __init__(self, n: int) -> None:
        from solana.rpc.commitment import Confirmed, Finalized
        from solders.keypair import Keypair
        from solders.system_program import TransferParams, transfer
        from spl.token import instructions as spl
        from spl.token.constants import TOKEN_PROGRAM_ID
        from spl.token.models import MintToParams

        from chains.signers import secret
        from reserves.balances import AssetSpec
        from tests.chains.solana.world import _Chain, _mint
        from tests.nodes import surfpool

        self.node = surfpool.start()
        self.chain = _Chain(self.node, timeout=TIMEOUT)
        try:
            payer = self.node.payer.pubkey()
            holders = [Keypair.from_seed(secret("bench-sol", i)).pubkey() for i in range(n)]
            mint = _mint(self.chain, TOKEN_PROGRAM_ID, 6).pubkey()
            active, empty = holders[:max(1, n // 10)], holders[max(1, n // 10):]

            def ata(h):
                return spl.get_associated_token_address(h, mint)

            def sol(h, lamports):
                return transfer(TransferParams(from_pubkey=payer, to_pubkey=h, lamports=lamports))

            def tokens(h, amount):
                return spl.mint_to(MintToParams(program_id=TOKEN_PROGRAM_ID, mint=mint,
                                                dest=ata(h), mint_authority=payer, amount=amount))

            t = time.perf_counter()
            self._send([[sol(h, 1_000_000 + j) for j, h in enumerate(active[k:k + 20], k)]
                        for k in range(0, len(active), 20)])
            self._send([[ix for j, h in enumerate(active[k:k + PER_TX], k) for ix in (
                spl.create_associated_token_account(payer, h, mint), tokens(h, 10_000 + j))]
                        for k in range(0, len(active), PER_TX)])
            self.setup_seconds = time.perf_counter() - t
            self.slot = self.chain.run(self.chain.client.get_slot(Confirmed)).value
            while self.chain.run(self.chain.client.get_slot(Confirmed)).value <= self.slot + 1:
                time.sleep(0.05)
            later = active[::10] + empty[:50]
            self._send([[sol(h, 1_000_777) for h in later[k:k + 20]]
                        for k in range(0, len(later), 20)])
            self._send([[tokens(h, 5)] for h in active[::10]])
            while self.chain.run(self.chain.client.get_slot(Finalized)).value < self.slot + 2:
                time.sleep(0.1)
        except BaseException:
            self.close()
            raise
        self.active, self.empty = len(active), len(empty)
        self.addresses = [str(h) for h in holders]
        self.expected = [v for i in range(n) for v in
                         ((1_000_000 + i, 10_000 + i) if i < len(active) else (0, 0))]
        self.assets = [AssetSpec("SOL", 9), AssetSpec("TOK", 6, str(mint))]

    def _send(self, batches) -> None:
        from solana.rpc.commitment import Confirmed
        from solders.message import Message
        from solders.transaction import Transaction

        chain, payer = self.chain, self.node.payer

        async def go():
            sigs = []
            for instructions in batches:
                # A fresh blockhash each time: Surfpool may let one expire early.
                blockhash = (await chain.client.get_latest_blockhash(Confirmed)).value.blockhash
                tx = Transaction([payer], Message(instructions, payer.pubkey()), blockhash)
                sigs.append((await chain.client.send_transaction(tx)).value)
            for i in range(0, len(sigs), 200):
                while True:
                    st = (await chain.client.get_signature_statuses(sigs[i:i + 200])).value
                    if all(s is not None and s.confirmation_status is not None for s in st):
                        assert all(s.err is None for s in st), st
                        break
                    await asyncio.sleep(0.05)
        chain.run(go())

    def read(self, rpc: str, count: int, **settings) -> float:
        """Seconds to read the first ``count`` addresses' balances at S; checked."""
        from chains.solana.adapter import Adapter

        with Adapter("solana", {"rpc": rpc, "timeout": TIMEOUT, **settings}) as a:
            block = a.pin(self.slot)
            t = time.perf_counter()
            got = a.read_balances(self.addresses[:count], self.assets, block)
            elapsed = time.perf_counter() - t
        bad = [b for b in got if b.error]
        if bad:
            raise SystemExit(f"error: {len(bad)} balances unread, first: {bad[0]}")
        if settings.get("mode") != "context" and \
                [b.amount for b in got] != self.expected[:2 * count]:
            wrong = next(b for b, v in zip(got, self.expected) if b.amount != v)
            raise SystemExit(f"error: a wrong figure at S: {wrong}")
        return elapsed

    def close(self) -> None:
        self.chain.close()
        self.node.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--addresses", type=int, default=5_000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "baselines" / "solana_balances.json"))
    args = ap.parse_args()
    os.environ.setdefault("RESERVES_SHARED", str(ROOT.parent / "shared"))
    from reserves.evidence.exchanges import Recorder, Replayer

    n = args.addresses
    w = World(n)
    try:
        runs = {
            "history_naive": w.read(w.node.url, n, concurrency=1),
            "history": w.read(w.node.url, n),
            "context": w.read(w.node.url, n, mode="context"),
        }
        recorder = Recorder(w.node.url)
        try:
            runs["history_recorded"] = w.read(recorder.url, n)
        finally:
            recorder.close()
        replayer = Replayer(recorder.entries())
        try:
            runs["history_replayed"] = w.read(replayer.url, n)
        finally:
            replayer.close()

        class Remote(Recorder):
            def _forward(self, *request):
                time.sleep(LATENCY)
                return super()._forward(*request)

        proxy = Remote(w.node.url)
        try:
            runs["remote_history_naive"] = w.read(proxy.url, w.active, concurrency=1)
            runs["remote_history"] = w.read(proxy.url, w.active)
        finally:
            proxy.close()
        info = {"active": w.active, "empty": w.empty, "setup": w.setup_seconds}
    finally:
        w.close()
    remote_n = info["active"]
    result = {
        "benchmark": "solana_balances",
        "addresses": n, "assets": ["SOL", "TOK"], "values": 2 * n,
        "active_addresses": info["active"], "empty_addresses": info["empty"],
        "setup_seconds": round(info["setup"], 1),
        **{f"{k}_seconds": round(v, 2) for k, v in runs.items()},
        **{f"{k}_addresses_per_s": round((remote_n if k.startswith("remote") else n) / v)
           for k, v in runs.items()},
        "history_speedup_over_naive": round(runs["history_naive"] / runs["history"], 1),
        "remote_addresses": remote_n, "remote_latency_ms": round(LATENCY * 1000),
        "remote_history_speedup_over_naive": round(runs["remote_history_naive"]
                                                   / runs["remote_history"], 1),
        "node": "Surfpool 1.5.0 (local, npm, offline; no JSON-RPC batches)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
