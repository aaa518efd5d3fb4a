"""The Solana adapter inside an audit: figures from config, the node URL from the
environment, and a replay of the bundle with no node and no variable set."""

import json

import pytest

from reserves.cli import main

pytestmark = pytest.mark.node


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_audit_with_the_url_from_the_environment_and_its_replay(surfnet, sol_world, tmp_path,
                                                                monkeypatch, capsys):
    w = sol_world
    rows = "".join(f"solana,{asset},{h},,{dec}\n" for h in w.holders[:3]
                   for asset, dec in (("SOL", 9), ("TOK", 6)))
    (tmp_path / "claims.csv").write_text("chain,asset,address,amount,decimals\n" + rows)
    (tmp_path / "audit.toml").write_text(f"""
[exchange]
name = "Solana only"
[claims]
files = ["claims.csv"]
[snapshot.solana]
height = {w.slot}
[chains.solana]
adapter = "solana"
rpc_env = "TEST_SOLANA_RPC"
[[assets]]
symbol = "TOK"
chain = "solana"
contract = "{w.mint}"
decimals = 6
""")
    secret_url = surfnet.url.rstrip("/") + "/?api-key=s3cr3t"
    monkeypatch.setenv("TEST_SOLANA_RPC", secret_url)
    code = main(["audit", str(tmp_path / "audit.toml"), "--out", str(tmp_path / "out"),
                 "--quiet"])
    assert code == 1, capsys.readouterr().err  # unsigned rows, no liabilities: findings
    doc = json.loads((tmp_path / "out/coverage.json").read_text())
    got = {(a["address"], a["asset"]): a for a in doc["addresses"]}
    for h in w.holders[:3]:
        for asset in ("SOL", "TOK"):
            row = got[(h, asset)]
            assert int(row["observed"]) == w.expected[(h, asset)], row
    assert doc["snapshot"] == [{"chain": "solana", "height": w.slot,
                                "block_hash": doc["snapshot"][0]["block_hash"],
                                "source": "solana $TEST_SOLANA_RPC"}]
    # Every report says how each figure was obtained (history, not a snapshot taken now).
    assert all(got[(h, a)]["balance_method"] == "history" for h in w.holders[:3]
               for a in ("SOL", "TOK"))
    md = [line.split(" | ") for line in (tmp_path / "out/report.md").read_text().splitlines()
          if line.startswith(("| solana | SOL |", "| solana | TOK |"))]
    assert len(md) == 6 and all(cells[5] == "history" for cells in md), md
    assert (tmp_path / "out/report.html").read_text().count("<td>history</td>") == 6
    written = b"".join(_tree(tmp_path / "out").values())
    assert b"s3cr3t" not in written and surfnet.url.encode() not in written

    monkeypatch.delenv("TEST_SOLANA_RPC")
    assert main(["replay", str(tmp_path / "out/bundle"), "--out", str(tmp_path / "again"),
                 "--quiet"]) == 1
    assert _tree(tmp_path / "again") == _tree(tmp_path / "out")


def test_rpc_env_that_is_not_set_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TEST_SOLANA_RPC_UNSET", raising=False)
    (tmp_path / "claims.csv").write_text("chain,asset,address,amount,decimals\n"
                                         "solana,SOL,4fwzf5RUcptqpMTYjNhXVuYabeX9bF1patCSYTkMufFN,,9\n")
    (tmp_path / "audit.toml").write_text("""
[exchange]
name = "x"
[claims]
files = ["claims.csv"]
[snapshot.solana]
height = 5
[chains.solana]
rpc_env = "TEST_SOLANA_RPC_UNSET"
""")
    code = main(["audit", str(tmp_path / "audit.toml"), "--out", str(tmp_path / "out"),
                 "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "chains.solana.rpc_env: environment variable TEST_SOLANA_RPC_UNSET is not set" in err
    assert not (tmp_path / "out").exists()
