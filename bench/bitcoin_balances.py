"""Benchmark: Bitcoin balances at a height 100 blocks below the tip, 10,000 watched addresses.

On a bcoin regtest chain: 10,000 addresses (P2WPKH and P2PKH, our own keys)
are paid in a few large transactions up to H; then 100 more blocks are mined
above H, with spends of 1 in 20 of those outputs and new payments to another
1 in 20 of the addresses. Every figure must equal the amount the benchmark
paid at H (the later history must not change it). Measured in one run:

* naive: one request per address to the address index (bcoin REST
  /tx/address), sequentially, balance at H computed from each history;
* the adapter, core-rpc forward scan from a start height (batched getblock),
  with and without the Merkle-proof check;
* the adapter, bcoin-rest backend (the address index, 8 requests in flight).

Usage: .venv/bin/python bench/bitcoin_balances.py [--addresses N]
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
    ap.add_argument("--out", default=str(ROOT / "bench" / "baselines" / "bitcoin_balances.json"))
    args = ap.parse_args()
    os.environ.setdefault("RESERVES_SHARED", str(ROOT.parent / "shared"))
    from chains.bitcoin.adapter import Adapter
    from chains.bitcoin.address import Destination, encode
    from chains.bitcoin.params import params_for
    from chains.bitcoin.rest import BCOIN_REGTEST, BcoinRest, node_address
    from chains.bitcoin.tx import TxOut
    from chains.bitcoin.utxos import history
    from chains.hashes import hash160
    from chains.signers import Secp256k1Key, secret
    from reserves.balances import AssetSpec
    from tests.chains.bitcoin.wallet import Coin, p2pkh_script, spend
    from tests.nodes import bcoin as bcoin_node

    regtest = params_for("bitcoin", "regtest")
    node = bcoin_node.start()
    try:
        miner = Secp256k1Key(secret("bench-btc-miner", 0))
        mine_to = encode(Destination("p2pkh", hash160(miner.pub())), BCOIN_REGTEST)
        hashes = node.call("generatetoaddress", 450, mine_to)
        n = args.addresses
        dests = []
        for i in range(n):
            h = hash160(Secp256k1Key(secret("bench-btc", i)).pub())
            dests.append(Destination("p2wpkh" if i % 2 else "p2pkh", h))
        addresses = [encode(d, regtest) for d in dests]
        per_tx = 500
        start = node.call("getblockcount")
        funded = []  # (funding txid, vout) per address
        for j, lo in enumerate(range(0, n, per_tx)):
            coinbase = node.call("getblock", hashes[j], True)["tx"][0]
            coin = Coin(bytes.fromhex(coinbase), 0, 50 * 10**8, "p2pkh", [miner])
            chunk = dests[lo:lo + per_tx]
            outs = [TxOut(10_000 + i, d.script_pubkey()) for i, d in enumerate(chunk)]
            change = 50 * 10**8 - sum(o.value for o in outs) - 100_000
            tx = spend([coin], outs + [TxOut(change, p2pkh_script(miner))])
            node.call("sendrawtransaction", tx.serialize().hex())
            funded += [(tx.txid, i) for i in range(len(chunk))]
            if j % 5 == 4:
                node.call("generatetoaddress", 1, mine_to)
        node.call("generatetoaddress", 1, mine_to)
        height = node.call("getblockcount")
        expected = [10_000 + i % per_tx for i in range(n)]  # what was paid, the oracle
        # History above H, spread over the 100 blocks: spends of 1 in 20 outputs...
        spent = list(range(0, n, 20))
        batches = [spent[k:k + 50] for k in range(0, len(spent), 50)]
        for k, batch in enumerate(batches):
            coins = [Coin(funded[i][0], funded[i][1], expected[i],
                          "p2wpkh" if i % 2 else "p2pkh",
                          [Secp256k1Key(secret("bench-btc", i))]) for i in batch]
            total = sum(c.value for c in coins)
            node.call("sendrawtransaction", spend(coins, [
                TxOut(total - 20_000, p2pkh_script(miner))]).serialize().hex())
            node.call("generatetoaddress", 100 // (2 * len(batches)), mine_to)
        # ...and new payments to another 1 in 20 addresses.
        paid = list(range(10, n, 20))
        for k, lo in enumerate(range(0, len(paid), per_tx)):
            coinbase = node.call("getblock", hashes[40 + k], True)["tx"][0]
            coin = Coin(bytes.fromhex(coinbase), 0, 50 * 10**8, "p2pkh", [miner])
            outs = [TxOut(777, dests[i].script_pubkey()) for i in paid[lo:lo + per_tx]]
            change = 50 * 10**8 - sum(o.value for o in outs) - 100_000
            node.call("sendrawtransaction", spend(
                [coin], outs + [TxOut(change, p2pkh_script(miner))]).serialize().hex())
            node.call("generatetoaddress", 1, mine_to)
        node.call("generatetoaddress", height + 100 - node.call("getblockcount"), mine_to)
        tip = node.call("getblockcount")
        block_hash = node.call("getblockhash", height)

        rest = BcoinRest(node.url)
        t = time.perf_counter()
        naive = []
        for d in dests:
            utxos = history(rest.history(node_address(d, regtest, "bcoin")), d.script_pubkey(),
                            height)
            naive.append(sum(u.value for u in utxos.values()))
        t_naive = time.perf_counter() - t
        if naive != expected:
            print("error: the naive loop disagrees with the amounts paid at H", file=sys.stderr)
            return 1

        results = {}
        for label, settings in (
                ("forward_scan_no_proofs", {"scan": "forward", "verify_proofs": False}),
                ("forward_scan_with_proofs", {"scan": "forward"}),
                ("forward_scan_from_genesis", {"scan": "forward", "start": 0}),
                ("address_index_8_parallel", {"backend": "bcoin-rest",
                                              "address_format": "bcoin"})):
            first = settings.pop("start", start)
            cfg = {"rpc": node.url, "network": "regtest", "start_height": first, **settings}
            with Adapter("bitcoin", cfg) as a:
                block = a.pin(height, block_hash)
                t = time.perf_counter()
                got = a.read_balances(addresses, [AssetSpec("BTC", 8)], block)
                elapsed = time.perf_counter() - t
            if [b.amount for b in got] != expected:
                print(f"error: {label} disagrees with the amounts paid at H", file=sys.stderr)
                return 1
            results[label] = elapsed
        result = {
            "benchmark": "bitcoin_balances",
            "addresses": n, "height": height, "tip": tip, "blocks_scanned": height - start + 1,
            "outputs_spent_after_h": len(spent), "payments_after_h": len(paid),
            "naive_one_request_per_address_seconds": round(t_naive, 2),
            **{f"{k}_seconds": round(v, 2) for k, v in results.items()},
            **{f"{k}_speedup": round(t_naive / v, 1) for k, v in results.items()},
            "node": "bcoin 1.0.2 regtest (local, npm)",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
    finally:
        node.stop()
    print(json.dumps(result, indent=2))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
