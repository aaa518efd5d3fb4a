"""Benchmark: SOL and SPL token balances for 5,000 addresses at a past slot, on Surfpool.

Every holder gets SOL and a token by real transactions before slot S, and some get
more after S. Then, in one run on one node:

* history mode one request at a time (concurrency 1): the naive loop;
* history mode with the default concurrency (16 requests in flight; Surfpool, like
  many providers, refuses JSON-RPC batches);
* the same through the audit's recording proxy, then replayed from what it recorded
  (as `reserves replay` does): our own code's rate, with no node in the way;
* context mode (current state pinned by context slot), default concurrency.

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

PER_TX = 6  # holders per funding transaction (keeps it under the compute and size limits)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--addresses", type=int, default=5_000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "baselines" / "solana_balances.json"))
    args = ap.parse_args()
    os.environ.setdefault("RESERVES_SHARED", str(ROOT.parent / "shared"))
    from solana.rpc.commitment import Confirmed, Finalized
    from solders.keypair import Keypair
    from solders.message import Message
    from solders.system_program import TransferParams, transfer
    from solders.transaction import Transaction
    from spl.token import instructions as spl
    from spl.token.constants import TOKEN_PROGRAM_ID
    from spl.token.models import MintToParams

    from chains.signers import secret
    from chains.solana.adapter import Adapter
    from reserves.balances import AssetSpec
    from reserves.evidence.exchanges import Recorder, Replayer
    from tests.chains.solana.world import _Chain, _mint
    from tests.nodes import surfpool

    node = surfpool.start()
    chain = _Chain(node)
    try:
        n = args.addresses
        payer = node.payer.pubkey()
        holders = [Keypair.from_seed(secret("bench-sol", i)).pubkey() for i in range(n)]
        mint = _mint(chain, TOKEN_PROGRAM_ID, 6).pubkey()

        def send_all(batches) -> None:
            async def go():
                blockhash = (await chain.client.get_latest_blockhash()).value.blockhash
                sigs = []
                for instructions in batches:
                    tx = Transaction([node.payer], Message(instructions, payer), blockhash)
                    sigs.append((await chain.client.send_transaction(tx)).value)
                for i in range(0, len(sigs), 200):
                    while True:
                        st = (await chain.client.get_signature_statuses(sigs[i:i + 200])).value
                        if all(s is not None and s.confirmation_status is not None for s in st):
                            assert all(s.err is None for s in st), st
                            break
                        await asyncio.sleep(0.05)
            chain.run(go())

        def fund(h, i):
            ata = spl.get_associated_token_address(h, mint)
            return [transfer(TransferParams(from_pubkey=payer, to_pubkey=h,
                                            lamports=1_000_000 + i)),
                    spl.create_associated_token_account(payer, h, mint),
                    spl.mint_to(MintToParams(program_id=TOKEN_PROGRAM_ID, mint=mint, dest=ata,
                                             mint_authority=payer, amount=10_000 + i))]

        t = time.perf_counter()
        send_all([[ix for j in range(k, min(k + PER_TX, n)) for ix in fund(holders[j], j)]
                  for k in range(0, n, PER_TX)])
        t_setup = time.perf_counter() - t
        slot = chain.run(chain.client.get_slot(Confirmed)).value
        while chain.run(chain.client.get_slot(Confirmed)).value <= slot + 1:
            time.sleep(0.05)
        # After S: more SOL and tokens to every tenth holder.
        later = holders[::10]
        send_all([[ix for h in later[k:k + 10] for ix in (
            transfer(TransferParams(from_pubkey=payer, to_pubkey=h, lamports=777)),
            spl.mint_to(MintToParams(program_id=TOKEN_PROGRAM_ID, mint=mint,
                                     dest=spl.get_associated_token_address(h, mint),
                                     mint_authority=payer, amount=5)))]
                  for k in range(0, len(later), 10)])
        while chain.run(chain.client.get_slot(Finalized)).value < slot + 2:
            time.sleep(0.1)

        addresses = [str(h) for h in holders]
        expected = [v for i in range(n) for v in (1_000_000 + i, 10_000 + i)]
        assets = [AssetSpec("SOL", 9), AssetSpec("TOK", 6, str(mint))]
        runs = {}
        recorder = Recorder(node.url)
        replayer = None
        for label, extra in (("history_naive", {"concurrency": 1}),
                             ("history", {}),
                             ("history_recorded", {"rpc": recorder.url}),
                             ("history_replayed", {}),
                             ("context", {"mode": "context"})):
            if label == "history_replayed":
                recorder.close()
                replayer = Replayer(recorder.entries())
                extra = {"rpc": replayer.url}
            with Adapter("solana", {"rpc": node.url, **extra}) as a:
                block = a.pin(slot)
                t = time.perf_counter()
                got = a.read_balances(addresses, assets, block)
                elapsed = time.perf_counter() - t
            bad = [b for b in got if b.error]
            if bad:
                print(f"error: {label}: {len(bad)} unread, first: {bad[0]}", file=sys.stderr)
                return 1
            if label.startswith("history") and [b.amount for b in got] != expected:
                wrong = next(b for b, v in zip(got, expected) if b.amount != v)
                print(f"error: {label} gives a wrong figure at S: {wrong}", file=sys.stderr)
                return 1
            runs[label] = elapsed
        if replayer is not None:
            replayer.close()
        values = 2 * n
        result = {
            "benchmark": "solana_balances",
            "addresses": n, "assets": ["SOL", "TOK"], "values": values,
            "setup_seconds": round(t_setup, 1),
            **{f"{k}_seconds": round(v, 2) for k, v in runs.items()},
            **{f"{k}_addresses_per_s": round(n / v) for k, v in runs.items()},
            "history_speedup_over_naive": round(runs["history_naive"] / runs["history"], 1),
            "node": "Surfpool 1.5.0 (local, npm, offline; no JSON-RPC batches)",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
    finally:
        chain.close()
        node.stop()
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
