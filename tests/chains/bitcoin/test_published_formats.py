"""A BitMEX reserves file audited against bcoin regtest: balances read, never counted.

The world (``world.py``) pays a 2-of-3 multisig of its keys m1, m2, m3 in P2SH,
P2WSH and P2SH-P2WSH form. A BitMEX-format file publishes m1..m3 and the
scripts. The audit reads every balance at H from the node: the multisig rows
are observed but unsigned (unverified), and a row whose script is not its
address fails.
"""

import json

import pytest
import yaml

from chains.signers import multisig_script
from reserves.cli import main
from tests.chains.bitcoin.world import key

pytestmark = pytest.mark.node

CONFIG = """\
[exchange]
name = "Test"

[claims]
files = ["{claims}"]

[snapshot.bitcoin]
height = {height}
block_hash = "{block_hash}"

[chains.bitcoin]
adapter = "bitcoin"
rpc = "{url}"
rpc_user_env = "A5_BTC_USER"
rpc_password_env = "A5_BTC_PASS"
network = "regtest"
scan = "forward"
"""


def _audit(tmp_path, bcoin, world, claims, monkeypatch):
    monkeypatch.setenv("A5_BTC_USER", "x")
    monkeypatch.setenv("A5_BTC_PASS", "test-api-key")
    cfg = tmp_path / "audit.toml"
    cfg.write_text(CONFIG.format(claims=claims, height=world.height,
                                 block_hash=world.block_hash,
                                 url=bcoin.url.replace("x:test-api-key@", "")))
    out = tmp_path / "out"
    code = main(["audit", str(cfg), "--out", str(out), "--quiet"])
    return code, out, json.loads((out / "coverage.json").read_text())


def test_bitmex_file_audited_balances_observed_and_unverified(tmp_path, bcoin, btc_world,
                                                              monkeypatch):
    w = btc_world
    keys = [key(n) for n in ("m1", "m2", "m3")]
    script = multisig_script(keys, 2).hex()
    forms = {"p2sh-multisig": "sh", "p2wsh-multisig": "wsh", "p2sh-p2wsh-multisig": "sh_wsh"}
    rows = [{"addr": w.addresses[label], "addr_type": kind, "script": script,
             "balance": w.expected[label]} for label, kind in forms.items()]
    # The p2wpkh address with the multisig's script: the script is not that address.
    rows.append({"addr": w.addresses["p2wpkh"], "addr_type": "wsh", "script": script,
                 "balance": w.expected["p2wpkh"]})
    proof = {"address": rows, "chain": "regtest", "claim": {"m": 2, "n": 3},
             "height": w.height, "keys": [k.pub().hex() for k in keys],
             "total": sum(r["balance"] for r in rows)}
    (tmp_path / "reserves.yaml").write_text(yaml.safe_dump(proof))
    code, out, result = _audit(tmp_path, bcoin, w, "reserves.yaml", monkeypatch)
    assert code == 1
    by_address = {a["address"]: a for a in result["addresses"]}
    for label in forms:
        a = by_address[w.addresses[label]]
        assert (a["verdict"], a["bucket"], a["observed"]) == ("unsigned", "unverified",
                                                              w.expected[label])
        assert "script matches the published keys" in a["reason"]
    bad = by_address[w.addresses["p2wpkh"]]
    assert bad["verdict"] == "failed" and "does not hash to this address" in bad["reason"]
    (btc,) = result["coverage"]
    assert btc["verified"] == 0
    assert btc["unverified"] == sum(r["balance"] for r in rows)
    assert {i["format"] for i in result["inputs"]} == {"bitmex"}
    assert "custodian" not in result["addresses"][0]
