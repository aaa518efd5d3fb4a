"""Benchmark: EVM balances for 10,000 addresses x (ETH + 2 tokens) at a past block, on anvil.

Compares, in one run on one node:

* naive: one JSON-RPC request at a time (eth_getBalance, eth_call balanceOf);
* the adapter: JSON-RPC batches with Multicall3 for tokens (the default);
* the adapter without Multicall3 (batched eth_call);
* the adapter with every value proven by eth_getProof (verify_proofs).

Target (issue 4): batched at least 5x the naive rate.
Usage: .venv/bin/python bench/evm_balances.py [--addresses N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--addresses", type=int, default=10_000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "baselines" / "evm_balances.json"))
    args = ap.parse_args()
    os.environ.setdefault("RESERVES_SHARED", str(ROOT.parent / "shared"))
    from chains.evm.adapter import Adapter
    from chains.signers import Secp256k1Key, secret
    from reserves.balances import AssetSpec
    from tests.nodes import anvil as anvil_node

    node = anvil_node.start()
    try:
        n = args.addresses
        holders = [Secp256k1Key(secret("bench-evm", i)).evm_address() for i in range(n)]
        t1 = node.deploy("TestToken", "USDT", 6)
        t2 = node.deploy("TestToken", "DAI", 18)
        node.install_multicall()
        for i in range(0, n, 500):
            node.transact(t1.functions.mintMany(holders[i:i + 500], 10**6))
            node.transact(t2.functions.mintMany(holders[i:i + 500], 10**18))
        provider = node.w3.provider
        for i in range(0, n, 1000):
            provider.make_batch_request([("anvil_setBalance", [h, hex(10**18 + j)])
                                         for j, h in enumerate(holders[i:i + 1000])])
        node.mine(1)
        block = node.w3.eth.block_number
        # History after the block, by real transactions (anvil's historical eth_getProof
        # is wrong after anvil_setBalance cheats made later, so none are used after it).
        for h in holders[:50]:
            node.send_eth(h, 12345)
        node.transact(t1.functions.mintMany(holders[:500], 7))
        node.mine(70)
        tag = hex(block)

        from chains.evm import calls

        t = time.perf_counter()
        naive = []
        for h in holders:
            naive.append(int(provider.make_request("eth_getBalance", [h, tag])["result"], 16))
            for token in (t1.address, t2.address):
                r = provider.make_request("eth_call", [{"to": token, "data": calls.balance_of(h)},
                                                       tag])
                naive.append(int(r["result"], 16))
        t_naive = time.perf_counter() - t

        assets = [AssetSpec("ETH", 18), AssetSpec("USDT", 6, t1.address),
                  AssetSpec("DAI", 18, t2.address)]
        results = {}
        # Proof mode is measured on a 200-address subset: anvil recomputes state for every
        # historical eth_getProof, so its cost grows with the chain's size.
        proof_n = min(n, 200)
        for label, extra, count in (("batched_multicall", {}, n),
                                    ("batched_eth_call", {"multicall": False}, n),
                                    ("batched_with_proofs", {"verify_proofs": True}, proof_n)):
            with Adapter("ethereum", {"rpc": node.url, "chain_id": anvil_node.CHAIN_ID,
                                      **extra}) as a:
                ref = a.pin(block)
                t = time.perf_counter()
                got = a.read_balances(holders[:count], assets, ref)
                elapsed = time.perf_counter() - t
            values = [b.amount for b in got]
            if values != naive[:3 * count]:
                bad = next(b for b, v in zip(got, naive) if b.amount != v)
                print(f"error: {label} disagrees with the naive reads: {bad}", file=sys.stderr)
                return 1
            results[label] = (elapsed, 3 * count)
        values_read = 3 * n
        result = {
            "benchmark": "evm_balances",
            "addresses": n, "assets": ["ETH", "USDT", "DAI"], "values": values_read,
            "naive_seconds": round(t_naive, 2),
            "naive_values_per_s": round(values_read / t_naive),
            **{f"{k}_values": c for k, (v, c) in results.items()},
            **{f"{k}_seconds": round(v, 2) for k, (v, c) in results.items()},
            **{f"{k}_values_per_s": round(c / v) for k, (v, c) in results.items()},
            **{f"{k}_speedup": round((c / v) / (values_read / t_naive), 1)
               for k, (v, c) in results.items()},
            "target_speedup": 5,
            "node": "anvil 1.7.1 (local, npm)",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
    finally:
        node.stop()
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
