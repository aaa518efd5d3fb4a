"""The [chains.<chain>] table of the EVM adapter: chain_id is required and checked."""

import pytest

from chains.evm.settings import parse
from reserves.errors import ConfigError


def test_chain_id_is_required_and_the_error_names_the_key_and_the_catalog_id():
    with pytest.raises(ConfigError) as e:
        parse("arbitrum", {"rpc": "http://127.0.0.1:8545"})
    assert str(e.value) == ("chains.arbitrum.chain_id: missing (the chain id the node must "
                            "report; arbitrum is 42161 in the catalog)")
    assert parse("arbitrum", {"rpc": "http://127.0.0.1:8545", "chain_id": 31337}).chain_id \
        == 31337


@pytest.mark.parametrize("value", [0, -1, True, "1", 1.0])
def test_chain_id_must_be_a_positive_integer(value):
    with pytest.raises(ConfigError, match=r"chains\.ethereum\.chain_id: must be an integer >= 1"):
        parse("ethereum", {"rpc": "http://127.0.0.1:8545", "chain_id": value})


def test_through_the_audit_config(tmp_path, capsys):
    """An audit whose EVM table has no chain_id stops with the one-line error, exit 2."""
    from reserves.cli import main

    (tmp_path / "claims.csv").write_text("chain,asset,address,amount,decimals\n"
                                         "ethereum,ETH,0x" + "11" * 20 + ",1,18\n")
    (tmp_path / "config.toml").write_text(
        '[exchange]\nname = "Test"\n[claims]\nfiles = ["claims.csv"]\n'
        '[snapshot.ethereum]\nheight = 1\n'
        '[chains.ethereum]\nadapter = "evm"\nrpc = "http://127.0.0.1:9"\n')
    code = main(["audit", str(tmp_path / "config.toml"), "--out", str(tmp_path / "out"),
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "chains.ethereum.chain_id: missing" in err
    assert "ethereum is 1 in the catalog" in err
