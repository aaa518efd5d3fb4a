"""reserves balances evm against anvil: JSON lines, table, exit statuses."""

import json

import pytest

from reserves.cli import main
from tests.nodes import free_port
from tests.nodes.anvil import CHAIN_ID

pytestmark = pytest.mark.node




def _run(capsys, *args):
    code = main(["balances", "evm", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines(anvil, world, capsys):
    holders = world.holders[:3]
    code, out, err = _run(capsys, "--rpc", anvil.url, "--block", world.block, "--chain-id",
                          CHAIN_ID, "--token", f"USDT={world.usdt.address}:6", *holders,
                          "--json", "--verify-proofs")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 6
    for r in rows:
        assert {"address", "asset", "balance", "height", "block_hash"} <= set(r)
        assert r["balance"] == world.expected[(r["address"], r["asset"])]
        assert r["height"] == world.block and r["proven"] is True


def test_table_and_claims_file(anvil, world, capsys, tmp_path):
    from chains.signers import Secp256k1Key, secret

    k = Secp256k1Key(secret("evm-holder", 0))
    claims = tmp_path / "claims.csv"
    claims.write_text("chain,asset,address,amount,decimals\n"
                      f"ethereum,ETH,{k.evm_address()},1,18\n")
    code, out, _ = _run(capsys, "--rpc", anvil.url, "--block", world.block, "--chain-id",
                        CHAIN_ID, "--claims", claims)
    assert code == 0
    assert f"ethereum block {world.block}" in out and "1 of 1 balances read" in out
    assert "1.000000000000000000" not in out and " 1 " in out.replace("\n", " ")


@pytest.mark.parametrize("args,needle", [
    (lambda a, w: ["--rpc", a.url, "--block", w.block, "--chain-id", 1, w.holders[0]],
     "chain id 31337"),
    (lambda a, w: ["--rpc", f"http://127.0.0.1:{free_port()}", "--chain-id", CHAIN_ID,
                   "--block", w.block, w.holders[0]], "unreachable"),
    # Without --chain-id the node must report the catalog's id of --chain (ethereum: 1).
    (lambda a, w: ["--rpc", a.url, "--block", w.block, w.holders[0]],
     "is on chain id 31337, the config says ethereum is 1"),
    (lambda a, w: ["--rpc", a.url, "--block", w.block, "--chain", "base", w.holders[0]],
     "is on chain id 31337, the config says base is 8453"),
    (lambda a, w: ["--rpc", a.url, "--block", w.block, "--chain", "bsc", "--chain-id", 56,
                   w.holders[0]], "is on chain id 31337, the config says bsc is 56"),
    (lambda a, w: ["--rpc", a.url, "--block", w.block, "--chain-id", 0, w.holders[0]],
     "--chain-id 0: must be a positive integer"),
    (lambda a, w: ["--rpc", a.url, "--block", w.block, "--chain", "tron", w.holders[0]],
     "is not an EVM chain of the catalog"),
    (lambda a, w: ["--rpc", a.url, "--chain-id", CHAIN_ID, "--block", 10**9, w.holders[0]],
     "in the future"),
    (lambda a, w: ["--rpc", a.url, "--chain-id", CHAIN_ID, "--block",
                   a.w3.eth.block_number - 2, w.holders[0]], "not final"),
    (lambda a, w: ["--rpc", a.url, "--chain-id", CHAIN_ID, "--block",
                   a.w3.eth.block_number - 2, "--confirmations", 12, w.holders[0]],
     "not final: 2 confirmations"),
    (lambda a, w: ["--rpc", a.url, "--chain-id", CHAIN_ID, "--block", w.block, "--token",
                   "X=0x" + "42" * 20 + ":6", w.holders[0]], "has no code"),
    (lambda a, w: ["--rpc", a.url, "--block", w.block, "--token", "X=nope", w.holders[0]],
     "expected SYMBOL=ADDRESS:DECIMALS"),
])
def test_operational_errors_exit_2(anvil, world, capsys, args, needle):
    code, out, err = _run(capsys, *args(anvil, world))
    assert code == 2 and out == "" and needle in err and err.count("\n") == 1


def test_bad_address_is_a_row_not_a_crash(anvil, world, capsys):
    code, out, _ = _run(capsys, "--rpc", anvil.url, "--block", world.block, "--chain-id",
                        CHAIN_ID, "--json", world.holders[0], "0x1234")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and rows[1]["balance"] is None and "does not decode" in rows[1]["error"]


def test_chain_id_override_labels_the_figures_with_chain(anvil, world, capsys):
    """--chain-id N replaces the catalog's id; the figures keep the --chain label."""
    code, out, err = _run(capsys, "--rpc", anvil.url, "--block", world.block, "--chain",
                          "arbitrum", "--chain-id", CHAIN_ID, "--json", world.holders[0])
    assert code == 0, err
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["chain"] == "arbitrum" and row["asset"] == "ETH"
    assert row["balance"] == world.expected[(world.holders[0], "ETH")]


# The EIP-155 ids of the catalog's EVM chains, each checked against the public chain-id
# registry: a node of the chain answers this number to eth_chainId.
CHAIN_IDS = {"ethereum": 1, "optimism": 10, "bsc": 56, "okc": 66, "heco": 128, "polygon": 137,
             "xlayer": 196, "bttc": 199, "base": 8453, "arbitrum": 42161, "avalanche": 43114}


def test_every_evm_chain_of_the_catalog_has_its_chain_id(capsys):
    from reserves.catalog import default_catalog

    chains = default_catalog().chains.values()
    evm = {c.id: c.chain_id for c in chains if c.family == "evm"}
    assert evm == CHAIN_IDS
    assert all(c.chain_id is None for c in chains if c.family != "evm")
    # --help shows them as the catalog has them.
    with pytest.raises(SystemExit):
        main(["balances", "evm", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name, number in CHAIN_IDS.items():
        assert f"{name} {number}" in text
