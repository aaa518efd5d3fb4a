"""The Bitcoin adapter against bcoin regtest: every address type, both backends, proofs."""

import pytest

from chains.bitcoin.adapter import Adapter
from reserves.balances import AssetSpec

pytestmark = pytest.mark.node
BTC = AssetSpec("BTC", 8)


def _read(bcoin, world, **settings):
    cfg = {"rpc": bcoin.url, "network": "regtest", **settings}
    with Adapter("bitcoin", cfg) as a:
        block = a.pin(world.height, world.block_hash)
        return block, {b.address: b for b in a.read_balances(list(world.addresses.values()),
                                                             [BTC], block)}


def test_forward_scan_at_h_for_every_address_type(bcoin, btc_world):
    block, got = _read(bcoin, btc_world, scan="forward", verify_proofs=False)
    assert block.hash == btc_world.block_hash
    for label, address in btc_world.addresses.items():
        b = got[address]
        assert b.amount == btc_world.expected[label], (label, b)
        assert b.method == "utxo-forward-scan" and b.height == btc_world.height


def test_address_index_backend_agrees(bcoin, btc_world):
    rest_url = bcoin.url  # bcoin serves REST and JSON-RPC on one port
    _, scan = _read(bcoin, btc_world, scan="forward", verify_proofs=False)
    _, index = _read(bcoin, btc_world, backend="bcoin-rest", address_format="bcoin",
                     rpc=rest_url)
    assert {a: b.amount for a, b in index.items()} == {a: b.amount for a, b in scan.items()}
    assert all(b.method == "bcoin-rest-history" for b in index.values())


def test_history_after_h_changes_the_tip_not_h(bcoin, btc_world):
    tip = bcoin.call("getblockcount")
    tip_hash = bcoin.call("getblockhash", tip)
    # The tip itself, on purpose: finality waived explicitly (confirmations 0).
    cfg = {"rpc": bcoin.url, "network": "regtest", "scan": "forward", "verify_proofs": False,
           "confirmations": 0}
    with Adapter("bitcoin", cfg) as a:
        block = a.pin(tip, tip_hash)
        now = {b.address: b.amount for b in a.read_balances(list(btc_world.addresses.values()),
                                                            [BTC], block)}
    assert {lbl: now[addr] for lbl, addr in btc_world.addresses.items()} == \
        btc_world.expected_tip
    changed = [lbl for lbl, addr in btc_world.addresses.items()
               if now[addr] != btc_world.expected[lbl]]
    assert set(changed) == {"p2pkh", "p2wpkh", "p2sh-p2wpkh", "p2sh-multisig",
                            "p2wsh-multisig", "p2sh-p2wsh-multisig", "p2tr", "empty"}


def test_every_counted_output_is_proven(bcoin, btc_world):
    _, got = _read(bcoin, btc_world, scan="forward")
    for label, address in btc_world.addresses.items():
        b = got[address]
        assert b.proven is True and not b.error and b.amount == btc_world.expected[label], b


def test_a_lying_node_is_caught(bcoin, btc_world):
    """A node that alters one Merkle proof: that address is not counted, with the reason."""
    from tests.nodes.tamper import TamperingProxy

    target = btc_world.addresses["p2sh-multisig"]

    def lie(method, params, answer):
        if method == "gettxoutproof" and answer.get("result"):
            proof = answer["result"]
            answer["result"] = proof[:200] + ("0" if proof[200] != "0" else "1") + proof[201:]
        return answer

    proxy = TamperingProxy(bcoin.url.replace("x:test-api-key@", ""), lie)
    try:
        url = proxy.url.replace("http://", "http://x:test-api-key@")
        with Adapter("bitcoin", {"rpc": url, "network": "regtest", "scan": "forward"}) as a:
            block = a.pin(btc_world.height)
            (b,) = a.read_balances([target], [BTC], block)
    finally:
        proxy.close()
    assert b.proven is False and "not counted" in b.error and "Merkle" in b.error
    assert b.amount is None  # no figure that silently leaves an output out


def test_reorg_under_the_pinned_height_is_caught():
    """A separate node: invalidate the pinned block from the test side and mine a fork."""
    from chains.bitcoin.rest import BCOIN_REGTEST
    from chains.bitcoin.address import Destination, encode
    from reserves.errors import NodeMismatchError
    from tests.nodes import bcoin as bcoin_node

    node = bcoin_node.start()
    try:
        a1 = encode(Destination("p2pkh", b"\x01" * 20), BCOIN_REGTEST)
        a2 = encode(Destination("p2pkh", b"\x02" * 20), BCOIN_REGTEST)
        node.call("generatetoaddress", 14, a1)
        pinned = node.call("getblockhash", 8)  # final: 6 blocks below the tip
        cfg = {"rpc": node.url, "network": "regtest", "scan": "forward"}
        assert Adapter("bitcoin", cfg).pin(8, pinned).hash == pinned
        node.call("invalidateblock", pinned)
        node.call("generatetoaddress", 10, a2)  # the fork: its block 8 final too
        with pytest.raises(NodeMismatchError, match="reorg"):
            Adapter("bitcoin", cfg).pin(8, pinned)
    finally:
        node.stop()


def test_operational_errors(bcoin, btc_world):
    import socket

    from reserves.errors import NodeMismatchError, NodeUnavailableError, SnapshotError
    from tests.nodes import free_port

    cfg = {"rpc": bcoin.url, "network": "regtest"}
    tip = bcoin.call("getblockcount")
    with pytest.raises(SnapshotError, match="behind the snapshot height"):
        Adapter("bitcoin", cfg).pin(tip + 5)
    with pytest.raises(NodeMismatchError, match="serves 'regtest', the config says mainnet"):
        Adapter("bitcoin", {**cfg, "network": "mainnet"}).pin(1)
    with pytest.raises(NodeUnavailableError, match="unreachable"):
        Adapter("bitcoin", {**cfg, "rpc": f"http://x:y@127.0.0.1:{free_port()}"}).pin(1)
    with pytest.raises(NodeUnavailableError, match="credentials"):
        Adapter("bitcoin", {**cfg, "rpc": bcoin.url.replace("test-api-key", "wrong")}).pin(1)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    try:
        url = f"http://x:y@127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(NodeUnavailableError, match="timed out"):
            Adapter("bitcoin", {**cfg, "rpc": url, "timeout": 1}).pin(1)
    finally:
        silent.close()


def test_credentials_are_never_printed(bcoin, btc_world):
    with Adapter("bitcoin", {"rpc": bcoin.url, "network": "regtest", "scan": "forward",
                             "verify_proofs": False}) as a:
        block = a.pin(btc_world.height)
        (b,) = a.read_balances([btc_world.addresses["p2tr"]], [BTC], block)
    assert "test-api-key" not in b.source and "test-api-key" not in a.source
