"""The bitcoinlib backend: bitcoinlib's bcoin provider against the real bcoin regtest node."""

import socket

import pytest

from chains.bitcoin.adapter import Adapter
from reserves.balances import AssetSpec
from reserves.errors import (
    ConfigError,
    NodeMismatchError,
    NodeUnavailableError,
    SnapshotError,
)
from tests.chains.bitcoin.rest_proxy import RestProxy
from tests.nodes import free_port

pytestmark = pytest.mark.node
BTC = AssetSpec("BTC", 8)


def _cfg(url, **extra):
    return {"rpc": url, "network": "regtest", "backend": "bitcoinlib", "provider": "bcoin",
            "address_format": "bcoin", **extra}


def _read(url, height, addresses, expected_hash=None, **extra):
    with Adapter("bitcoin", _cfg(url, **extra)) as a:
        block = a.pin(height, expected_hash)
        return block, {b.address: b for b in a.read_balances(addresses, [BTC], block)}


def test_every_address_type_at_h_proven_and_the_node_unchanged(bcoin, btc_world):
    before = (bcoin.call("getblockcount"), bcoin.call("getbestblockhash"),
              bcoin.call("getrawmempool"))
    block, got = _read(bcoin.url, btc_world.height, list(btc_world.addresses.values()),
                       btc_world.block_hash)
    assert block.hash == btc_world.block_hash and block.height == btc_world.height
    for label, address in btc_world.addresses.items():
        b = got[address]
        assert b.amount == btc_world.expected[label], (label, b)
        assert b.proven is True and not b.error and b.method == "bitcoinlib-bcoin-history"
        assert b.block_hash == btc_world.block_hash
    assert (bcoin.call("getblockcount"), bcoin.call("getbestblockhash"),
            bcoin.call("getrawmempool")) == before


def test_agrees_with_core_rpc_and_bcoin_rest(bcoin, btc_world):
    addresses = list(btc_world.addresses.values())
    _, ours = _read(bcoin.url, btc_world.height, addresses, verify_proofs=False)
    figures = {}
    for name, cfg in (("core-rpc", {"scan": "forward", "verify_proofs": False}),
                      ("bcoin-rest", {"backend": "bcoin-rest", "address_format": "bcoin"})):
        with Adapter("bitcoin", {"rpc": bcoin.url, "network": "regtest", **cfg}) as a:
            block = a.pin(btc_world.height)
            figures[name] = {b.address: b.amount for b in a.read_balances(addresses, [BTC],
                                                                         block)}
    mine = {a: b.amount for a, b in ours.items()}
    assert mine == figures["core-rpc"] == figures["bcoin-rest"]
    assert all(b.proven is None for b in ours.values())


def test_history_after_h_changes_the_tip_not_h(bcoin, btc_world):
    tip = bcoin.call("getblockcount")
    assert tip > btc_world.height
    _, now = _read(bcoin.url, tip, list(btc_world.addresses.values()),
                   confirmations=0)  # the tip itself, on purpose
    assert {lbl: now[a].amount for lbl, a in btc_world.addresses.items()} == \
        btc_world.expected_tip
    changed = {lbl for lbl in btc_world.addresses
               if btc_world.expected_tip[lbl] != btc_world.expected[lbl]}
    assert changed == {"p2pkh", "p2wpkh", "p2sh-p2wpkh", "p2sh-multisig", "p2wsh-multisig",
                       "p2sh-p2wsh-multisig", "p2tr", "empty"}


def test_unconfirmed_transactions_count_for_nothing_and_the_history_limit():
    """A node of its own: a confirmed payment to A, then in the mempool A's output spent
    to B and a second payment to A. At the tip A holds the confirmed coin only."""
    from chains.bitcoin.address import Destination, encode
    from chains.bitcoin.params import params_for
    from chains.bitcoin.rest import BCOIN_REGTEST
    from chains.bitcoin.tx import TxOut
    from chains.hashes import hash160
    from tests.chains.bitcoin.wallet import Coin, p2pkh_script, spend
    from tests.chains.bitcoin.world import COIN, FEE, key
    from tests.nodes import bcoin as bcoin_node
    from tests.nodes import wait_until

    miner, ka, kb = key("u-miner"), key("u-a"), key("u-b")
    node = bcoin_node.start()
    try:
        hashes = node.call("generatetoaddress", 101, encode(
            Destination("p2pkh", hash160(miner.pub())), BCOIN_REGTEST))
        cb = bytes.fromhex(node.call("getblock", hashes[0], True)["tx"][0])
        pay = spend([Coin(cb, 0, 50 * COIN, "p2pkh", [miner])],
                    [TxOut(COIN, p2pkh_script(ka)), TxOut(49 * COIN - FEE, p2pkh_script(miner))])
        node.call("sendrawtransaction", pay.serialize().hex())
        wait_until(lambda: len(node.call("getrawmempool")) == 1, 10, "the payment to A")
        (mined,) = node.call("generatetoaddress", 1, encode(
            Destination("p2pkh", hash160(miner.pub())), BCOIN_REGTEST))
        height = node.call("getblockcount")
        away = spend([Coin(pay.txid, 0, COIN, "p2pkh", [ka])],
                     [TxOut(COIN - FEE, p2pkh_script(kb))])
        again = spend([Coin(pay.txid, 1, 49 * COIN - FEE, "p2pkh", [miner])],
                      [TxOut(COIN // 2, p2pkh_script(ka)),
                       TxOut(48 * COIN + COIN // 2 - 2 * FEE, p2pkh_script(miner))])
        for tx in (away, again):
            node.call("sendrawtransaction", tx.serialize().hex())
        wait_until(lambda: len(node.call("getrawmempool")) == 2, 10, "both in the mempool")
        regtest = params_for("bitcoin", "regtest")
        a = encode(Destination("p2pkh", hash160(ka.pub())), regtest)
        b = encode(Destination("p2pkh", hash160(kb.pub())), regtest)
        # At the tip, with the mempool's spends beside it: finality waived explicitly.
        _, got = _read(node.url, height, [a, b], mined, confirmations=0)
        assert got[a].amount == COIN and got[a].proven is True
        assert got[b].amount == 0 and got[b].error == ""
        _, limited = _read(node.url, height, [a, b], history_limit=2, confirmations=0)
        assert limited[a].amount is None and "history_limit is 2" in limited[a].error
        assert limited[b].amount == 0  # one transaction: under the limit
    finally:
        node.stop()


def _through(bcoin, alter):
    upstream = bcoin.url
    proxy = RestProxy(upstream, alter)
    return proxy


def test_incomplete_or_failed_answers_give_no_figure(bcoin, btc_world):
    """One address's history fails at the provider, another lists a confirmed transaction
    without a height, a third is listed twice: none of them gets a figure; the rest do."""
    from chains.bitcoin.address import decode
    from chains.bitcoin.params import params_for
    from chains.bitcoin.rest import node_address

    regtest = params_for("bitcoin", "regtest")
    spelled = {lbl: node_address(decode(a, regtest), regtest, "bcoin")
               for lbl, a in btc_world.addresses.items()}

    def alter(path, status, body):
        if path.startswith(f"/tx/address/{spelled['p2wpkh']}"):
            return 500, {"error": {"message": "index unavailable"}}
        if path.startswith(f"/tx/address/{spelled['p2tr']}"):
            body[0]["height"] = -1  # still 'confirmations' > 0
        if path.startswith(f"/tx/address/{spelled['p2sh-multisig']}"):
            body = body + body[:1]
        return status, body

    proxy = _through(bcoin, alter)
    try:
        _, got = _read(proxy.url, btc_world.height, list(btc_world.addresses.values()))
    finally:
        proxy.close()
    by = {lbl: got[a] for lbl, a in btc_world.addresses.items()}
    assert by["p2wpkh"].amount is None and "index unavailable" in by["p2wpkh"].error
    assert "[500]" in by["p2wpkh"].error
    assert by["p2tr"].amount is None and "confirmed but has no block height" in by["p2tr"].error
    assert by["p2sh-multisig"].amount is None and "twice" in by["p2sh-multisig"].error
    for lbl in set(by) - {"p2wpkh", "p2tr", "p2sh-multisig"}:
        assert by[lbl].amount == btc_world.expected[lbl] and by[lbl].proven is True, lbl
    assert all("test-api-key" not in b.error for b in got.values())


def test_operational_errors(bcoin, btc_world):
    tip = bcoin.call("getblockcount")
    with pytest.raises(SnapshotError, match="behind the snapshot height"):
        Adapter("bitcoin", _cfg(bcoin.url)).pin(tip + 5)
    with pytest.raises(NodeMismatchError, match="block 0 is not mainnet's"):
        Adapter("bitcoin", _cfg(bcoin.url, network="mainnet")).pin(1)
    with pytest.raises(NodeMismatchError, match="reorg"):
        Adapter("bitcoin", _cfg(bcoin.url)).pin(btc_world.height, "00" * 32)
    with pytest.raises(NodeUnavailableError, match="unreachable"):
        Adapter("bitcoin", _cfg(f"http://x:y@127.0.0.1:{free_port()}")).pin(1)
    with pytest.raises(NodeUnavailableError, match="refused the credentials") as e:
        Adapter("bitcoin", _cfg(bcoin.url.replace("test-api-key", "wrong-key"))).pin(1)
    assert "wrong-key" not in str(e.value)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    try:
        url = f"http://x:y@127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(NodeUnavailableError, match="timed out after 1s"):
            Adapter("bitcoin", _cfg(url, timeout=1)).pin(1)
    finally:
        silent.close()


def test_a_provider_error_at_pin_is_one_line(bcoin, btc_world):
    def alter(path, status, body):
        return (503, {"error": "maintenance"}) if path.startswith("/block/") else (status, body)

    proxy = _through(bcoin, alter)
    try:
        with pytest.raises(Exception) as e:
            Adapter("bitcoin", _cfg(proxy.url)).pin(btc_world.height)
    finally:
        proxy.close()
    message = str(e.value)
    assert "could not give block 0" in message and "[503]" in message
    assert "\n" not in message and "test-api-key" not in message


@pytest.mark.parametrize("extra,needle", [
    ({"provider": "blockstream", "verify_proofs": True}, "only provider bcoin serves Merkle"),
    ({"provider": "blockchair"}, "needs one of bcoin, blockstream, mempool"),
    ({"provider": None}, "needs one of"),
    ({"backend": "core-rpc"}, "provider: only the bitcoinlib backend takes it"),
    ({"history_limit": 0}, "history_limit: must be a positive integer"),
    ({"api_key_env": "RESERVES_TEST_UNSET_KEY"}, "RESERVES_TEST_UNSET_KEY is not set"),
])
def test_config_errors(extra, needle):
    cfg = {k: v for k, v in _cfg("http://127.0.0.1:1", **extra).items() if v is not None}
    with pytest.raises(ConfigError, match=needle):
        Adapter("bitcoin", cfg)


def test_only_bitcoin():
    cfg = _cfg("http://127.0.0.1:1", network="mainnet")
    with pytest.raises(ConfigError, match="reads Bitcoin only"):
        Adapter("litecoin", cfg)


def test_the_users_bitcoinlib_config_is_not_touched(bcoin, btc_world):
    import bitcoinlib.services.services as module

    data_dir = module.BCL_DATA_DIR
    providers = (module.Path(data_dir) / "providers.json").read_bytes()
    _read(bcoin.url, btc_world.height, [btc_world.addresses["p2tr"]], verify_proofs=False)
    assert module.BCL_DATA_DIR == data_dir
    assert (module.Path(data_dir) / "providers.json").read_bytes() == providers
    assert b"reserves" not in providers


def _cli(capsys, *args):
    from reserves.cli import main

    code = main(["balances", "bitcoin", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


BITCOINLIB = ("--network", "regtest", "--backend", "bitcoinlib", "--provider", "bcoin",
              "--address-format", "bcoin")


def test_cli_json_lines(bcoin, btc_world, capsys):
    import json

    code, out, err = _cli(capsys, "--rpc", bcoin.url, *BITCOINLIB, "--height", btc_world.height,
                          "--timeout", 5, "--json", *btc_world.addresses.values())
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["address"]: r["balance"] for r in rows} == \
        {btc_world.addresses[k]: v for k, v in btc_world.expected.items()}
    assert all(r["height"] == btc_world.height and r["block_hash"] == btc_world.block_hash
               and r["proven"] is True for r in rows)
    assert "test-api-key" not in out + err


def test_cli_a_per_address_provider_error_is_exit_1(bcoin, btc_world, capsys):
    """Core's spelling of a segwit address, which bcoin's index refuses: that row has no
    balance and the provider's reason; the other row is complete."""
    import json

    code, out, err = _cli(capsys, "--rpc", bcoin.url, "--network", "regtest", "--backend",
                          "bitcoinlib", "--provider", "bcoin", "--height", btc_world.height,
                          "--json", btc_world.addresses["p2wpkh"], btc_world.addresses["p2pkh"])
    assert code == 1, err
    rows = {r["address"]: r for r in map(json.loads, out.splitlines())}
    bad = rows[btc_world.addresses["p2wpkh"]]
    assert bad["balance"] is None and "Non-base58" in bad["error"]
    assert rows[btc_world.addresses["p2pkh"]]["balance"] == btc_world.expected["p2pkh"]
    assert "test-api-key" not in out + err


def _silent_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(5)
    return s, f"http://x:y@127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize("args,needle", [
    (lambda n, w: ["--rpc", n.url, *BITCOINLIB, "--height", 10**6, "x"],
     "behind the snapshot height"),
    (lambda n, w: ["--rpc", f"http://a:b@127.0.0.1:{free_port()}", *BITCOINLIB, "--height", 1,
                   "x"], "unreachable"),
    (lambda n, w: ["--rpc", n.url.replace("test-api-key", "bad"), *BITCOINLIB, "--height", 1,
                   "x"], "refused the credentials"),
    (lambda n, w: ["--rpc", n.url, *BITCOINLIB, "--height", w.height, "--block-hash", "00" * 32,
                   "x"], "reorg"),
    (lambda n, w: ["--rpc", n.url, "--network", "mainnet", "--backend", "bitcoinlib",
                   "--provider", "bcoin", "--height", 1, "x"], "block 0 is not mainnet's"),
    (lambda n, w: ["--rpc", n.url, "--network", "regtest", "--backend", "bitcoinlib",
                   "--height", 1, "x"], "needs --provider"),
    (lambda n, w: ["--rpc", n.url, "--network", "regtest", "--provider", "bcoin",
                   "--height", 1, "x"], "--provider is for --backend bitcoinlib"),
    (lambda n, w: ["--rpc", n.url, *BITCOINLIB, "--height", 1, "--timeout", 0, "x"],
     "--timeout must be a positive number"),
])
def test_cli_operational_errors_exit_2(bcoin, btc_world, capsys, args, needle):
    code, out, err = _cli(capsys, *args(bcoin, btc_world))
    assert code == 2 and out == "" and needle in err and err.count("\n") == 1, err
    assert "test-api-key" not in err


@pytest.mark.parametrize("backend", [("--backend", "bitcoinlib", "--provider", "bcoin"),
                                     ("--backend", "core-rpc")])
def test_cli_timeout_option(backend, capsys):
    silent, url = _silent_url()
    try:
        code, out, err = _cli(capsys, "--rpc", url, "--network", "regtest", *backend,
                              "--height", 1, "--timeout", 1, "x")
    finally:
        silent.close()
    assert code == 2 and out == "" and "timed out after 1s" in err and err.count("\n") == 1


def test_recorded_and_replayed_as_an_audit_does(bcoin, btc_world):
    """Through the evidence recorder and then offline from what it recorded: the same
    figures, proofs included, and nothing asked that was not recorded."""
    from reserves.audit import _client_url
    from reserves.evidence.exchanges import Recorder, Replayer

    addresses = list(btc_world.addresses.values())

    def figures(url):
        _, got = _read(url, btc_world.height, addresses, btc_world.block_hash)
        return {a: (b.amount, b.proven, b.error) for a, b in got.items()}

    recorder = Recorder(bcoin.url)
    try:
        live = figures(_client_url(recorder.url, bcoin.url, False))
        entries = recorder.entries()
    finally:
        recorder.close()
    assert {a: f[0] for a, f in live.items()} == \
        {btc_world.addresses[k]: v for k, v in btc_world.expected.items()}
    replayer = Replayer(entries)
    try:
        assert figures(_client_url(replayer.url, bcoin.url, False)) == live
        assert not replayer.missing
    finally:
        replayer.close()
