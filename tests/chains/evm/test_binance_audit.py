"""A Binance address file audited against anvil: custodians reach every address report.

Binance's rows are Ethereum mainnet rows; anvil stands in for the chain (the
config pins its chain id 31337). Every row is unsigned, so every balance read
is observed and unverified, and the custodian column follows each address into
coverage.json, addresses.csv, report.md and report.html.
"""

import csv
import json

import pytest

from reserves.cli import main

pytestmark = pytest.mark.node

CONFIG = """\
[exchange]
name = "Test"

[claims]
files = ["binance.csv"]

[snapshot.ethereum]
height = {block}

[chains.ethereum]
adapter = "evm"
rpc = "{url}"
chain_id = 31337
"""


def test_binance_file_audited_with_custodians_in_every_report(tmp_path, anvil, world):
    holders = world.holders[:3]
    lines = ["coin,network,address,balance,Height,Third party custodian name"]
    for i, h in enumerate(holders):
        wei = world.expected[(h, "ETH")]
        lines.append(f"ETH,ETH,{h},{wei // 10**18}.{wei % 10**18:018d},{world.block},"
                     f"{'Ceffu' if i == 0 else ''}")
    (tmp_path / "binance.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "audit.toml").write_text(CONFIG.format(block=world.block, url=anvil.url))
    out = tmp_path / "out"
    code = main(["audit", str(tmp_path / "audit.toml"), "--out", str(out), "--quiet"])
    assert code == 1  # nothing verified
    result = json.loads((out / "coverage.json").read_text())
    rows = {a["address"]: a for a in result["addresses"]}
    assert [rows[h]["custodian"] for h in holders] == ["Ceffu", None, None]
    for h in holders:
        a = rows[h]
        assert (a["verdict"], a["bucket"]) == ("unsigned", "unverified")
        assert a["observed"] == a["claimed"] == world.expected[(h, "ETH")]
    (eth,) = result["coverage"]
    assert eth["verified"] == 0 and eth["unverified"] == sum(rows[h]["observed"] for h in holders)
    with open(out / "addresses.csv") as f:
        table = list(csv.DictReader(f))
    assert [r["custodian"] for r in table] == ["Ceffu", "", ""]
    assert "| Ceffu |" in (out / "report.md").read_text()
    assert "<td>Ceffu</td>" in (out / "report.html").read_text()
    assert {i["format"] for i in result["inputs"]} == {"binance"}
    # The bundle replays offline to the same bytes, the Binance file re-read from it.
    again = tmp_path / "again"
    assert main(["replay", str(out / "bundle"), "--out", str(again), "--quiet"]) == code
    for name in ("coverage.json", "addresses.csv", "report.md"):
        assert (again / name).read_bytes() == (out / name).read_bytes()
