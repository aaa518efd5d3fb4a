"""One P2WPKH claimed in lower and in upper case is one script: counted once, flagged once.

Adversarial case for issue 13, defect 4, live on bcoin regtest. BIP-173 lets a
bech32 address be written all upper case; both spellings decode to the same
scriptPubKey. The exchange claims its one hot wallet twice, once per spelling,
each row signed by the one key. On a fresh node we pay the script through both
spellings in a mined block and then spend both outputs in one transaction
signed by that one key (the node accepts it: one key, one script); the audit at
the pinned height must show the script's balance once in verified reserves and
emit one `duplicate-address` finding naming both rows.
"""

from __future__ import annotations

import json

import pytest

from chains.bitcoin.address import Destination, decode, encode
from chains.bitcoin.params import params_for
from chains.bitcoin.rest import BCOIN_REGTEST
from chains.bitcoin.tx import TxOut
from chains.hashes import hash160
from chains.signers import Secp256k1Key, secret
from reserves.cli import main
from tests.chains.bitcoin.wallet import Coin, p2pkh_script, spend
from tests.nodes import bcoin as bcoin_node
from tests.nodes import wait_until

pytestmark = pytest.mark.node

REGTEST = params_for("bitcoin", "regtest")
COIN = 100_000_000
FEE = 10_000
MSG = "A2 Exchange reserves 2026-11-24"


def _send(node, tx):
    node.call("sendrawtransaction", tx.serialize().hex())
    wait_until(lambda: tx.txid.hex() in node.call("getrawmempool"), 10, "the transaction")


@pytest.fixture(scope="module")
def chain():
    miner = Secp256k1Key(secret("a2-spellings", 0))
    owner = Secp256k1Key(secret("a2-spellings", 1))
    lower = owner.btc_address("p2wpkh", network="regtest")
    upper = lower.upper()
    mine_to = encode(Destination("p2pkh", hash160(miner.pub())), BCOIN_REGTEST)
    node = bcoin_node.start()
    try:
        hashes = node.call("generatetoaddress", 450, mine_to)  # segwit active on regtest
        coinbase = bytes.fromhex(node.call("getblock", hashes[0], True)["tx"][0])
        # Pay 3 BTC through the lower-case spelling and 2 BTC through the upper-case one.
        pay = spend([Coin(coinbase, 0, 50 * COIN, "p2pkh", [miner])],
                    [TxOut(3 * COIN, decode(lower, REGTEST).script_pubkey()),
                     TxOut(2 * COIN, decode(upper, REGTEST).script_pubkey()),
                     TxOut(45 * COIN - FEE, p2pkh_script(miner))])
        _send(node, pay)
        node.call("generatetoaddress", 1, mine_to)
        # Before H: the one key spends the 3 BTC and pays 1 BTC back to the script.
        back = spend([Coin(pay.txid, 0, 3 * COIN, "p2wpkh", [owner])],
                     [TxOut(COIN, decode(upper, REGTEST).script_pubkey()),
                      TxOut(2 * COIN - FEE, p2pkh_script(miner))])
        _send(node, back)
        (block_hash,) = node.call("generatetoaddress", 1, mine_to)
        height = node.call("getblockcount")
        # After H: the one key spends both outputs, the one paid to each spelling, at once.
        both = spend([Coin(pay.txid, 1, 2 * COIN, "p2wpkh", [owner]),
                      Coin(back.txid, 0, COIN, "p2wpkh", [owner])],
                     [TxOut(3 * COIN - FEE, p2pkh_script(miner))])
        _send(node, both)
        node.call("generatetoaddress", 10, mine_to)  # H is final: 10 confirmations deep
        yield {"node": node, "owner": owner, "lower": lower, "upper": upper,
               "height": height, "block_hash": block_hash, "spent_both": both.txid.hex()}
    finally:
        node.stop()


def test_both_outputs_were_spent_by_one_key_in_one_mined_transaction(chain):
    node = chain["node"]
    assert decode(chain["lower"], REGTEST).script_pubkey() == \
        decode(chain["upper"], REGTEST).script_pubkey()
    tx = node.call("getrawtransaction", chain["spent_both"], True)
    assert tx.get("confirmations", 0) >= 1 or tx.get("height", -1) > chain["height"]
    assert len(tx["vin"]) == 2


@pytest.fixture(scope="module")
def audited(chain, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spellings")
    owner = chain["owner"]
    sig = owner.btc_sign(MSG, network="regtest", header_base=39)
    (folder / "claims.csv").write_text(
        "chain,network,asset,address,amount,decimals,message,signatures\n"
        f"bitcoin,regtest,BTC,{chain['lower']},300000000,8,{MSG},{sig}\n"
        f"bitcoin,regtest,BTC,{chain['upper']},300000000,8,{MSG},{sig}\n")
    (folder / "liabilities.json").write_text(json.dumps({
        "schema": "reserves.liabilities/1", "exchange": "A2", "as_of": "2026-11-24",
        "assets": [{"asset": "BTC", "decimals": 8, "total": "5"}]}))
    (folder / "audit.toml").write_text(f"""
[exchange]
name = "A2"
[claims]
files = ["claims.csv"]
message = "{MSG}"
[liabilities]
file = "liabilities.json"
[snapshot.bitcoin]
height = {chain['height']}
block_hash = "{chain['block_hash']}"
[chains.bitcoin]
adapter = "bitcoin"
rpc = "{chain['node'].url}"
network = "regtest"
scan = "forward"
start_height = 450
""")
    code = main(["audit", str(folder / "audit.toml"), "--out", str(folder / "out"), "--quiet"])
    return code, json.loads((folder / "out" / "coverage.json").read_text())


def test_the_scripts_balance_is_counted_once(audited):
    code, doc = audited
    rows = sorted(doc["addresses"], key=lambda r: r["row"])
    assert [r["verdict"] for r in rows] == ["verified", "verified"], [r["reason"] for r in rows]
    # Both spellings find the one balance (2 BTC paid + 1 BTC paid back, at H)...
    assert [r["observed"] for r in rows] == [3 * COIN, 3 * COIN]
    assert [r["counted"] for r in rows] == [True, False]
    # ...and it counts once: 3 BTC against 5 owed is a deficit, not 6 BTC "covered".
    (btc,) = doc["coverage"]
    assert (btc["verified"], btc["observed"], btc["addresses"]) == (3 * COIN, 3 * COIN, 1)
    assert btc["status"] == "deficit" and btc["coverage"] == "0.6"
    assert code == 1


def test_one_duplicate_finding_names_both_rows(audited):
    _, doc = audited
    kinds = [f["kind"] for f in doc["findings"]]
    assert "address-duplicate" not in kinds
    (dup,) = [f for f in doc["findings"] if f["kind"] == "duplicate-address"]
    assert "listed 2 times: rows 2, 3" in dup["message"]
    assert dup["subject"] == "claims.csv:2"
