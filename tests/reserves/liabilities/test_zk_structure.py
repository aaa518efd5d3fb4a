"""zk packages: the chains between batches, and the Binance variant.

Gate cases change the real package in ../shared/data/liabilities in one
place. No real Binance package is in shared/, so the Binance variant is
checked on a package this test writes (its own values, the layout of
Binance's config and proof table: one shared tree root, account ranges).
"""

import base64
import csv
import json

from reserves.liabilities import Binding, load
from tests.support import LIABILITIES, shared


def _b64(n: int) -> str:
    return base64.b64encode(n.to_bytes(32, "big")).decode()


def _kinds(report):
    return {f.kind: f for f in report.findings}


def _gate(tmp_path, change):
    config = json.loads(shared(f"{LIABILITIES}/gateio_proof-of-reserves_cex_config.json")
                        .read_text())
    with open(shared(f"{LIABILITIES}/gateio_proof-of-reserves_proof.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    change(rows)
    (tmp_path / "g_cex_config.json").write_text(json.dumps(config))
    with open(tmp_path / "g_proof.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return load(str(tmp_path / "g_cex_config.json"))


def test_gate_batch_not_starting_from_the_empty_tree(tmp_path):
    def change(rows):
        roots = json.loads(rows[0]["account_tree_roots"])
        rows[0]["account_tree_roots"] = json.dumps([_b64(1), roots[1]])

    r = _gate(tmp_path, change)
    f = _kinds(r)["root-chain"]
    assert "empty tree" in f.message and f.subject.endswith("g_proof.csv:2")
    assert r.binding is Binding.ATTESTED and r.exit_code == 1


def test_gate_second_batch_that_does_not_continue_the_first(tmp_path):
    def change(rows):
        second = dict(rows[0])
        second["batch_number"] = "1"
        second["cex_asset_list_commitments"] = json.dumps([_b64(7), _b64(8)])
        second["account_tree_roots"] = json.dumps([_b64(9), _b64(10)])
        rows.append(second)

    r = _gate(tmp_path, change)
    kinds = _kinds(r)
    assert kinds["commitment-chain"].subject.endswith("g_proof.csv:3")
    assert kinds["root-chain"].subject.endswith("g_proof.csv:3")
    assert r.details["batches"] == 2 and r.exit_code == 1


def test_gate_two_chained_batches_pass(tmp_path):
    def change(rows):
        second = dict(rows[0])
        _, after = json.loads(rows[0]["cex_asset_list_commitments"])
        _, root_after = json.loads(rows[0]["account_tree_roots"])
        second["batch_number"] = "1"
        second["cex_asset_list_commitments"] = json.dumps([after, _b64(8)])
        second["account_tree_roots"] = json.dumps([root_after, _b64(10)])
        rows.append(second)

    r = _gate(tmp_path, change)
    assert r.binding is Binding.ZK_STRUCTURE and r.root == (10).to_bytes(32, "big").hex()


def _binance(tmp_path, batches):
    config = {"CexAssetsInfo": [
        {"TotalEquity": 150_000_000, "TotalDebt": 50_000_000, "BasePrice": 1, "Symbol": "btc",
         "Index": 0},
        {"TotalEquity": 0, "TotalDebt": 0, "BasePrice": 1, "Symbol": "eth", "Index": 1},
        {"TotalEquity": 12_345, "TotalDebt": 0, "BasePrice": 1, "Symbol": "usdt",
         "Index": 2}]}
    (tmp_path / "b_config.json").write_text(json.dumps(config))
    fields = ["batch_number", "cex_asset_list_commitments", "account_tree_roots",
              "min_account_index", "max_account_index"]
    with open(tmp_path / "b_proof.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for number, commitments, root, lo, hi in batches:
            w.writerow({"batch_number": number,
                        "cex_asset_list_commitments": json.dumps([_b64(c) for c in commitments]),
                        "account_tree_roots": json.dumps([_b64(root)]),
                        "min_account_index": lo, "max_account_index": hi})
    return load(str(tmp_path / "b_config.json"), two_digit={"usdt"})


def test_binance_package_with_one_root_and_contiguous_ranges(tmp_path):
    r = _binance(tmp_path, [(0, (1, 2), 99, 0, 863), (1, (2, 3), 99, 864, 1000)])
    assert r.format == "zk-binance" and r.binding is Binding.ZK_STRUCTURE
    assert r.root == (99).to_bytes(32, "big").hex()
    got = {a.asset: (a.decimals, a.total, a.equity, a.debt) for a in r.assets}
    assert got == {"BTC": (8, 100_000_000, 150_000_000, 50_000_000),
                   "USDT": (2, 12_345, 12_345, 0)}


def test_binance_batches_with_two_roots(tmp_path):
    r = _binance(tmp_path, [(0, (1, 2), 99, 0, 863), (1, (2, 3), 98, 864, 1000)])
    assert "root-chain" in _kinds(r) and r.binding is Binding.ATTESTED


def test_binance_account_ranges_with_a_gap(tmp_path):
    r = _binance(tmp_path, [(0, (1, 2), 99, 0, 863), (1, (2, 3), 99, 900, 1000)])
    f = _kinds(r)["account-range"]
    assert "starts at account 900, expected 864" in f.message
    assert f.subject.endswith("b_proof.csv:3") and r.exit_code == 1


def test_binance_commitments_that_do_not_chain(tmp_path):
    r = _binance(tmp_path, [(0, (1, 2), 99, 0, 863), (1, (5, 6), 99, 864, 1000)])
    assert _kinds(r)["commitment-chain"].subject.endswith("b_proof.csv:3")
