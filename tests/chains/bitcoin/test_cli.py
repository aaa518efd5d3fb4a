"""reserves balances bitcoin against bcoin: JSON lines, credentials never printed, exit 2."""

import json

import pytest

from reserves.cli import main
from tests.nodes import free_port

pytestmark = pytest.mark.node


def _run(capsys, *args):
    code = main(["balances", "bitcoin", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_with_every_field(bcoin, btc_world, capsys):
    addresses = list(btc_world.addresses.values())
    code, out, err = _run(capsys, "--rpc", bcoin.url, "--network", "regtest", "--height",
                          btc_world.height, "--scan", "forward", *addresses, "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    expected = {btc_world.addresses[k]: v for k, v in btc_world.expected.items()}
    assert {r["address"]: r["balance"] for r in rows} == expected
    for r in rows:
        assert r["height"] == btc_world.height and r["block_hash"] == btc_world.block_hash
        assert r["asset"] == "BTC" and r["proven"] is True
    assert "test-api-key" not in out + err


def test_credentials_from_the_environment(bcoin, btc_world, capsys, monkeypatch):
    monkeypatch.setenv("BTC_RPC_USER", "x")
    monkeypatch.setenv("BTC_RPC_PASS", "test-api-key")
    url = bcoin.url.replace("x:test-api-key@", "")
    code, out, err = _run(capsys, "--rpc", url, "--rpc-user-env", "BTC_RPC_USER",
                          "--rpc-password-env", "BTC_RPC_PASS", "--network", "regtest",
                          "--height", btc_world.height, "--scan", "forward", "--no-proofs",
                          btc_world.addresses["p2tr"])
    assert code == 0, err
    assert "700000000" not in out and "7 " in out  # the table shows whole BTC
    assert "test-api-key" not in out + err


@pytest.mark.parametrize("args,needle", [
    (lambda n, w: ["--rpc", n.url, "--network", "regtest", "--height", 10**6, "x"],
     "behind the snapshot height"),
    (lambda n, w: ["--rpc", n.url, "--network", "mainnet", "--height", 1, "x"],
     "the config says mainnet"),
    (lambda n, w: ["--rpc", f"http://a:b@127.0.0.1:{free_port()}", "--network", "regtest",
                   "--height", 1, "x"], "unreachable"),
    (lambda n, w: ["--rpc", n.url.replace("test-api-key", "bad"), "--network", "regtest",
                   "--height", 1, "x"], "credentials"),
    (lambda n, w: ["--rpc", n.url, "--network", "regtest", "--height", w.height,
                   "--block-hash", "00" * 32, "x"], "reorg"),
])
def test_operational_errors_exit_2_without_secrets(bcoin, btc_world, capsys, args, needle):
    code, out, err = _run(capsys, *args(bcoin, btc_world))
    assert code == 2 and out == "" and needle in err and err.count("\n") == 1
    assert "test-api-key" not in err


def test_a_failed_proof_is_not_a_complete_figure(bcoin, btc_world, capsys):
    """A node that alters its Merkle proofs: no balance, the reason, exit 1 (not 0)."""
    from tests.nodes.tamper import TamperingProxy

    def lie(method, params, answer):
        if method == "gettxoutproof" and answer.get("result"):
            proof = answer["result"]
            answer["result"] = proof[:200] + ("0" if proof[200] != "0" else "1") + proof[201:]
        return answer

    proxy = TamperingProxy(bcoin.url.replace("x:test-api-key@", ""), lie)
    try:
        url = proxy.url.replace("http://", "http://x:test-api-key@")
        code, out, err = _run(capsys, "--rpc", url, "--network", "regtest", "--height",
                              btc_world.height, "--scan", "forward", "--json",
                              btc_world.addresses["p2sh-multisig"], btc_world.addresses["empty"])
    finally:
        proxy.close()
    assert code == 1, err
    rows = {r["address"]: r for r in map(json.loads, out.splitlines())}
    bad = rows[btc_world.addresses["p2sh-multisig"]]
    assert bad["balance"] is None and bad["proven"] is False and "Merkle" in bad["error"]
    empty = rows[btc_world.addresses["empty"]]  # nothing to prove: 0, proven
    assert empty["balance"] == 0 and empty["proven"] is True and empty["error"] is None


def test_the_height_must_be_final(bcoin, btc_world, capsys):
    """Default 6 blocks below the tip; --confirmations K sets the depth (0 takes the tip)."""
    tip = bcoin.call("getblockcount")
    base = ["--rpc", bcoin.url, "--network", "regtest", "--scan", "forward", "--no-proofs",
            btc_world.addresses["p2tr"]]
    code, out, err = _run(capsys, *base, "--height", tip - 5)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"block {tip - 5} is not final: 5 block(s) above it" in err and "6 required" in err
    assert _run(capsys, *base, "--height", tip - 6)[0] == 0
    code, out, err = _run(capsys, *base, "--height", tip - 6, "--confirmations", 7)
    assert code == 2 and "7 required" in err
    assert _run(capsys, *base, "--height", tip, "--confirmations", 0)[0] == 0
    code, out, err = _run(capsys, *base, "--height", tip, "--confirmations", -1)
    assert code == 2 and "--confirmations must be a non-negative" in err


@pytest.mark.parametrize("value", [-1, "6", 1.5, True])
def test_confirmations_in_config_must_be_a_non_negative_integer(value):
    from chains.bitcoin.adapter import Adapter
    from reserves.errors import ConfigError

    with pytest.raises(ConfigError, match="chains.bitcoin.confirmations: must be a non-neg"):
        Adapter("bitcoin", {"rpc": "http://127.0.0.1:1", "network": "regtest",
                            "confirmations": value})
