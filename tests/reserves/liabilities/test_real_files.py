"""Every real liabilities file imports with the binding it deserves."""

from reserves.liabilities import Binding, load
from tests.support import LIABILITIES, ROOT, shared

OKX_TREE = f"{LIABILITIES}/okx_proof-of-reserves_full-liabilities-merkle-tree.txt"


def _totals(report):
    return {a.asset: (a.total, a.decimals) for a in report.assets}


def test_okx_full_tree_rebuilds_to_its_published_root():
    r = load(str(shared(OKX_TREE)))
    assert r.format == "okx-tree" and r.binding is Binding.RECOMPUTED
    assert r.root == "9e98ebde32ef22ded88a5fb2d5e53d76ed57cb9c6b2c966f250721defe6ab041"
    assert _totals(r) == {"BTC": (5000, 8), "ETH": (10000000, 8), "USDT": (142045977, 8)}
    assert r.details == {"leaves": 21, "height": 6}
    assert not r.findings


def test_okx_path_proof_recomputes_to_its_root():
    r = load(str(shared(f"{LIABILITIES}/okx_proof-of-reserves_merkle_proof_file.json")))
    assert r.format == "okx-path" and r.binding is Binding.PATH_VERIFIED
    assert r.root == "ac6b39d2a0aa8112bd1aadff5e7d4b5c2b91cd54d595262ba4367f5d2db4160d"
    assert _totals(r)["BTC"] == (9508855505656, 8)  # 95,088.55505656 BTC at the root
    assert {f.kind for f in r.findings} == {"path-only"}


def test_okx_user_info_checked_against_the_tree():
    r = load(str(shared(f"{LIABILITIES}/okx_proof-of-reserves_user_info_file.json")),
             tree=str(shared(OKX_TREE)))
    assert r.binding is Binding.RECOMPUTED and r.details["user_leaves"] == 2
    assert not [f for f in r.findings if f.severity.label == "error"]


def test_mexc_path_verified_and_truncation_flagged():
    r = load(str(shared(f"{LIABILITIES}/mexcmerkle_mexc-proof-of-reserves_merkle_proof.json")))
    assert r.format == "mexc-path" and r.binding is Binding.PATH_VERIFIED
    assert r.root == "35d01ffef2beec3ff0166c03f3d9b0cc"
    assert _totals(r)["BTC"] == (438683137, 2)
    kinds = {f.kind: f.severity.label for f in r.findings}
    assert kinds["truncated-hash"] == "warning" and r.exit_code == 0


def test_gate_zk_package_structure():
    r = load(str(shared(f"{LIABILITIES}/gateio_proof-of-reserves_cex_config.json")))
    assert r.format == "zk-gate" and r.binding is Binding.ZK_STRUCTURE
    assert r.root == "2e7e01ad51d5c668e8d581be83fcfe806644b7c834876d540b188816a67778e6"
    (dbc,) = r.assets
    assert (dbc.asset, dbc.decimals, dbc.total, dbc.equity, dbc.debt) == ("DBC", 2, 29774,
                                                                          29774, 0)
    assert r.details["assets_listed"] == 462 and r.details["batches"] == 1
    assert "zk-proofs-not-verified" in {f.kind for f in r.findings}


def test_bitmex_readme_example_and_account_check():
    r = load(str(ROOT / "tests/fixtures/liabilities/bitmex-liabilities-100-proof.csv"),
             account=2,
             account_nonce="b88860add96111d84d38a500266df715158f91375d9aaa98aa58356f9a872412")
    assert r.format == "bitmex" and r.binding is Binding.RECOMPUTED
    assert _totals(r) == {"BTC": (4000004000, 8)}
    assert [m["leaf"] for m in r.details["account_leaves"]] == [3, 5]
    assert r.details["account_total"] == 3000
    assert r.details["block_height"] == 100 and not r.findings


def test_attested_native_file():
    r = load(str(ROOT / "examples/demo/liabilities.json"))
    assert r.binding is Binding.ATTESTED
    usdt = {a.asset: a for a in r.assets}["USDT"]
    assert (usdt.total, usdt.equity, usdt.debt) == (5_500_000 * 10**6, 5_600_000 * 10**6,
                                                    100_000 * 10**6)
