"""The bitcoinlib backend with its Esplora clients (blockstream, mempool).

Esplora itself cannot be installed here: the clients talk to an Esplora-format
view of the real bcoin node (esplora_view.py), so the histories are the
chain's, in Esplora's documented format. bitcoinlib's own paging is what is
under test in the long-history case.
"""

import pytest

from chains.bitcoin.adapter import Adapter
from reserves.balances import AssetSpec
from reserves.errors import NodeMismatchError
from tests.chains.bitcoin.esplora_view import EsploraView

pytestmark = pytest.mark.node
BTC = AssetSpec("BTC", 8)


@pytest.fixture
def view(bcoin):
    views = []

    def make(alter=None, node=bcoin):
        views.append(EsploraView(node.url, alter))
        return views[-1]

    yield make
    for v in views:
        v.close()


def _read(url, provider, height, addresses, expected_hash=None, **extra):
    """Balances through ``provider``'s client; a height at the tip needs confirmations=0."""
    cfg = {"rpc": url, "network": "regtest", "backend": "bitcoinlib", "provider": provider,
           **extra}
    with Adapter("bitcoin", cfg) as a:
        block = a.pin(height, expected_hash)
        return block, {b.address: b for b in a.read_balances(addresses, [BTC], block)}


@pytest.mark.parametrize("provider", ["blockstream", "mempool"])
def test_every_address_type_at_h_and_at_the_tip(bcoin, btc_world, view, provider):
    v = view()
    addresses = list(btc_world.addresses.values())
    block, got = _read(v.url, provider, btc_world.height, addresses, btc_world.block_hash)
    assert block.hash == btc_world.block_hash
    for label, address in btc_world.addresses.items():
        b = got[address]
        assert b.amount == btc_world.expected[label] and not b.error, (label, b)
        assert b.method == f"bitcoinlib-{provider}-history" and b.proven is None
    tip = bcoin.call("getblockcount")
    _, now = _read(v.url, provider, tip, addresses, confirmations=0)  # the tip, on purpose
    assert {lbl: now[a].amount for lbl, a in btc_world.addresses.items()} == \
        btc_world.expected_tip


def test_agrees_with_core_rpc(bcoin, btc_world, view):
    addresses = list(btc_world.addresses.values())
    _, esplora = _read(view().url, "blockstream", btc_world.height, addresses)
    with Adapter("bitcoin", {"rpc": bcoin.url, "network": "regtest", "scan": "forward",
                             "verify_proofs": False}) as a:
        block = a.pin(btc_world.height)
        core = {b.address: b.amount for b in a.read_balances(addresses, [BTC], block)}
    assert {a: b.amount for a, b in esplora.items()} == core


def test_bent_answers_give_no_figure(btc_world, view):
    """A history cut short (its address still counts every transaction), a transaction
    whose JSON is at odds with its txid, an address count the provider will not give."""
    cut, bent, silent = (btc_world.addresses[k] for k in ("p2pkh", "p2wpkh", "p2tr"))

    def alter(path, body):
        if path.startswith(f"/address/{cut}/txs"):
            return body[1:]
        if path.startswith(f"/address/{bent}/txs"):
            for tx in body:
                for out in tx["vout"]:
                    if out["value"] == 50_000_000:
                        out["value"] += 1
        if path == f"/address/{silent}":
            return None  # 404
        return body

    _, got = _read(view(alter).url, "blockstream", btc_world.height,
                   list(btc_world.addresses.values()))
    assert got[cut].amount is None and "the history is incomplete" in got[cut].error
    assert got[bent].amount is None and "hashes to" in got[bent].error
    assert got[silent].amount is None and "gave no transaction count" in got[silent].error
    for label, address in btc_world.addresses.items():
        if address not in (cut, bent, silent):
            assert got[address].amount == btc_world.expected[label], label


def test_wrong_network(view):
    with pytest.raises(NodeMismatchError, match="block 0 is not mainnet's"):
        Adapter("bitcoin", {"rpc": view().url, "network": "mainnet", "backend": "bitcoinlib",
                            "provider": "blockstream"}).pin(1)


def test_long_histories_and_bitcoinlibs_paging(view):
    """26 confirmed payments to one address: more than one Esplora page. bitcoinlib's
    blockstream client pages through them; its mempool client asks for a path Esplora
    does not serve (no figure). With one more payment in the mempool, the first page
    holds 26 transactions and the mempool client stops there: the address's own count
    shows the cut, so no figure, never a short one; the blockstream client fails on such
    a history outright (it sorts heights against the string '-1')."""
    from chains.bitcoin.address import Destination, encode
    from chains.bitcoin.params import params_for
    from chains.bitcoin.rest import BCOIN_REGTEST
    from chains.bitcoin.tx import TxOut
    from chains.hashes import hash160
    from tests.chains.bitcoin.wallet import Coin, p2pkh_script, spend
    from tests.chains.bitcoin.world import COIN, FEE, key
    from tests.nodes import bcoin as bcoin_node
    from tests.nodes import wait_until

    miner, kx = key("p-miner"), key("p-x")
    mine_to = encode(Destination("p2pkh", hash160(miner.pub())), BCOIN_REGTEST)
    node = bcoin_node.start()
    try:
        hashes = node.call("generatetoaddress", 127, mine_to)
        coinbases = [bytes.fromhex(node.call("getblock", h, True)["tx"][0]) for h in hashes[:27]]
        paid = []
        for n, cb in enumerate(coinbases[:26]):
            value = (n + 1) * 1_000_000
            tx = spend([Coin(cb, 0, 50 * COIN, "p2pkh", [miner])],
                       [TxOut(value, p2pkh_script(kx)),
                        TxOut(50 * COIN - value - FEE, p2pkh_script(miner))])
            node.call("sendrawtransaction", tx.serialize().hex())
            paid.append(value)
        wait_until(lambda: len(node.call("getrawmempool")) == 26, 20, "26 payments")
        node.call("generatetoaddress", 1, mine_to)
        height = node.call("getblockcount")
        x = encode(Destination("p2pkh", hash160(kx.pub())), params_for("bitcoin", "regtest"))
        v = view(node=node)
        _, got = _read(v.url, "blockstream", height, [x], confirmations=0)  # the tip
        assert got[x].amount == sum(paid) and not got[x].error
        _, got = _read(v.url, "mempool", height, [x], confirmations=0)
        assert got[x].amount is None and "[404]" in got[x].error
        late = spend([Coin(coinbases[26], 0, 50 * COIN, "p2pkh", [miner])],
                     [TxOut(COIN, p2pkh_script(kx)), TxOut(49 * COIN - FEE, p2pkh_script(miner))])
        node.call("sendrawtransaction", late.serialize().hex())
        wait_until(lambda: len(node.call("getrawmempool")) == 1, 10, "the late payment")
        _, got = _read(v.url, "mempool", height, [x], confirmations=0)
        assert got[x].amount is None and "gave 25 confirmed" in got[x].error
        assert "counts 26" in got[x].error
        _, got = _read(v.url, "blockstream", height, [x], confirmations=0)
        assert got[x].amount is None and "TypeError" in got[x].error
    finally:
        node.stop()


def test_the_api_key_is_sent_and_never_shown(btc_world, view, monkeypatch):
    """bitcoinlib sends the key as ?token=, and puts the URL in its error text."""
    seen = []
    target = btc_world.addresses["p2wsh-multisig"]

    def alter(path, body):
        seen.append(path)
        return None if path.startswith(f"/address/{target}/txs") else body

    monkeypatch.setenv("TEST_ESPLORA_TOKEN", "secret-token-4711")
    _, got = _read(view(alter).url, "blockstream", btc_world.height, [target],
                   api_key_env="TEST_ESPLORA_TOKEN")
    assert any("token=secret-token-4711" in p for p in seen)
    b = got[target]
    assert b.amount is None and "[404]" in b.error and "token=***" in b.error
    assert "secret-token-4711" not in b.error + b.source
