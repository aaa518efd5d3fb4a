"""Observed balances are scaled by the decimals they were read with, never by the claims'.

Adversarial cases for issue 13, defect 3, live on anvil. A balance read from
the chain is a number of base units of the token; what one unit is worth comes
from the config's `[[assets]]`, the catalog, or the token itself at the pinned
block, never from the exchange's file. The exchange here writes its rows with
decimals 0:

* DAI (configured, 18 decimals, unknown to the catalog): 5 DAI written as
  "5 with decimals 0". The old code read 5e18 base units and scaled them by the
  file's 0: five quintillion DAI, covering any liability, with no finding.
* USDT (in the catalog with 6 decimals on ethereum): the same trick; the
  catalog contradiction was an error, yet the inflated figure still read
  "covered".

Each such row is an error finding and not verified reserves, and the honest
rows beside them count exactly. A token neither the config nor the catalog
gives decimals for is read through `decimals()` at the pinned block: we change
its code after the block (anvil_setCode) so that the tip answers otherwise.
"""

from __future__ import annotations

import json

import pytest

from chains.signers import Secp256k1Key, secret
from reserves.cli import main
from tests.nodes.anvil import CHAIN_ID

pytestmark = pytest.mark.node

MSG = "A2 Exchange reserves 2026-11-24"
DAI, USDT, XYZ = 10**18, 10**6, 10**9


def _key(i):
    return Secp256k1Key(secret("a2-decimals", i))


@pytest.fixture(scope="module")
def chain(anvil):
    k = {i: _key(i) for i in range(1, 7)}
    h = {i: key.evm_address() for i, key in k.items()}
    dai = anvil.deploy("TestToken", "DAI", 18)
    usdt = anvil.deploy("TestToken", "USDT", 6)
    xyz = anvil.deploy("TestToken", "XYZ", 9)
    big = anvil.deploy("TestToken", "BIG", 200)
    echo = anvil.deploy("EchoWallet")  # answers decimals() with its own calldata
    anvil.transact(dai.functions.mint(h[1], 5 * DAI))    # claimed with decimals 0
    anvil.transact(dai.functions.mint(h[2], 2 * DAI))    # claimed honestly
    anvil.transact(usdt.functions.mint(h[3], 5 * USDT))  # claimed with decimals 0
    anvil.transact(usdt.functions.mint(h[4], 3 * USDT))  # claimed honestly
    anvil.transact(xyz.functions.mint(h[5], 4 * XYZ))
    anvil.transact(big.functions.mint(h[6], 1))
    anvil.mine(2)
    block = anvil.w3.eth.block_number
    # After the pinned block XYZ's code becomes a TestToken with 12 decimals (the decimals
    # are an immutable, part of the runtime code; the balances stay in storage).
    other = anvil.deploy("TestToken", "XYZ", 12)
    anvil.rpc("anvil_setCode", [xyz.address, "0x" + anvil.w3.eth.get_code(other.address).hex()
                                .removeprefix("0x")])
    assert xyz.functions.decimals().call() == 12
    assert xyz.functions.decimals().call(block_identifier=block) == 9
    anvil.mine(80)  # anvil's finalized block trails its tip by 64
    return {"k": k, "h": h, "block": block, "dai": dai.address, "usdt": usdt.address,
            "xyz": xyz.address, "big": big.address, "echo": echo.address}


def _row(c, i, asset, amount, decimals):
    sig = c["k"][i].evm_sign(MSG, "eip191-text")
    return f"ethereum,{asset},{c['h'][i]},{amount},{decimals},{MSG},{sig}\n"


def _audit(anvil, chain, folder, rows, assets, liabilities):
    """Run `reserves audit` on ``rows`` (claims lines) with ``assets``
    ((symbol, contract key, decimals or None)); return the result's parts."""
    c = chain
    (folder / "claims.csv").write_text(
        "chain,asset,address,amount,decimals,message,signatures\n" + "".join(rows))
    (folder / "liabilities.json").write_text(json.dumps({
        "schema": "reserves.liabilities/1", "exchange": "A2", "as_of": "2026-11-24",
        "assets": [{"asset": a, "decimals": d, "total": t} for a, d, t in liabilities]}))
    tables = "".join(
        f'[[assets]]\nsymbol = "{symbol}"\nchain = "ethereum"\ncontract = "{c[token]}"\n'
        + (f"decimals = {decimals}\n" if decimals is not None else "")
        for symbol, token, decimals in assets)
    (folder / "audit.toml").write_text(f"""
[exchange]
name = "A2"
[claims]
files = ["claims.csv"]
message = "{MSG}"
[liabilities]
file = "liabilities.json"
[snapshot.ethereum]
height = {c['block']}
[chains.ethereum]
adapter = "evm"
rpc = "{anvil.url}"
chain_id = {CHAIN_ID}
""" + tables)
    code = main(["audit", str(folder / "audit.toml"), "--out", str(folder / "out"), "--quiet"])
    assert (folder / "out" / "coverage.json").exists(), code
    doc = json.loads((folder / "out" / "coverage.json").read_text())
    return {"code": code, "doc": doc, "folder": folder,
            "rows": {r["row"]: r for r in doc["addresses"]},
            "coverage": {r["asset"]: r for r in doc["coverage"]},
            "findings": doc["findings"]}


@pytest.fixture(scope="module")
def audited(anvil, chain, tmp_path_factory):
    """Every decimals in the config: the old code could run this config too."""
    c = chain
    rows = [_row(c, 1, "DAI", 5, 0),            # line 2: 5 DAI at decimals 0
            _row(c, 2, "DAI", 2 * DAI, 18),     # line 3
            _row(c, 3, "USDT", 5, 0),           # line 4: 5 USDT at decimals 0
            _row(c, 4, "USDT", 3 * USDT, 6)]    # line 5
    return _audit(anvil, c, tmp_path_factory.mktemp("decimals"), rows,
                  [("DAI", "dai", 18), ("USDT", "usdt", 6)],
                  [("DAI", 18, "6"), ("USDT", 6, "7")])


@pytest.fixture(scope="module")
def unconfigured(anvil, chain, tmp_path_factory):
    """[[assets]] without decimals: the catalog's (USDT), else the token's at the block."""
    c = chain
    rows = [_row(c, 4, "USDT", 3 * USDT, 6),    # line 2
            _row(c, 5, "XYZ", 4 * XYZ, 9),      # line 3
            _row(c, 6, "BIG", 1, 0),            # line 4
            _row(c, 6, "ECHO", 1, 0)]           # line 5
    return _audit(anvil, c, tmp_path_factory.mktemp("decimals"), rows,
                  [("USDT", "usdt", None), ("XYZ", "xyz", None), ("BIG", "big", None),
                   ("ECHO", "echo", None)],
                  [("USDT", 6, "3"), ("XYZ", 9, "4")])


def test_a_configured_token_written_with_decimals_0_is_not_5e18_dai(audited):
    dai = audited["coverage"]["DAI"]
    assert dai["decimals"] == 18
    # 2 DAI honestly claimed and verified; the 5 DAI row is observed, not counted.
    assert dai["verified"] == 2 * DAI
    assert dai["unverified"] == 5 * DAI
    assert dai["observed"] == 7 * DAI
    assert dai["liabilities"] == 6 * DAI
    assert dai["status"] == "deficit" and dai["coverage"] == "0.333333"
    lying = audited["rows"][2]
    assert lying["verdict"] == "verified"  # the signature is fine: the figure is not
    assert lying["bucket"] == "unverified" and lying["observed"] == 5 * DAI
    assert lying["decimals"] == 18 and lying["claimed"] == 5 * DAI
    assert "decimals 0" in lying["reason"] and "18" in lying["reason"]
    (f,) = [f for f in audited["findings"] if f["kind"] == "decimals-mismatch"
            and "DAI" in f["message"]]
    assert f["severity"] == "error" and f["subject"] == "claims.csv:2"
    assert "config" in f["message"]


def test_a_catalog_asset_raises_an_error_and_the_inflated_figure_is_not_covered(audited):
    kinds = {f["kind"]: f for f in audited["findings"]}
    assert kinds["decimals-contradict-catalog"]["severity"] == "error"
    usdt = audited["coverage"]["USDT"]
    assert usdt["decimals"] == 6
    assert usdt["verified"] == 3 * USDT and usdt["unverified"] == 5 * USDT
    assert usdt["status"] == "deficit" and usdt["surplus"] == -4 * USDT
    row = audited["rows"][4]
    assert row["bucket"] == "unverified" and row["observed"] == 5 * USDT
    assert "catalog" in row["reason"]
    assert [f["subject"] for f in audited["findings"]
            if f["kind"] == "decimals-mismatch" and "USDT" in f["message"]] == ["claims.csv:4"]
    assert audited["code"] == 1


def test_decimals_neither_config_nor_catalog_knows_are_read_at_the_pinned_block(unconfigured):
    audited = unconfigured
    xyz = audited["coverage"]["XYZ"]
    assert xyz["decimals"] == 9  # the tip answers 12
    assert xyz["verified"] == 4 * XYZ and xyz["status"] == "covered"
    row = audited["rows"][3]
    assert row["bucket"] == "verified" and row["observed"] == 4 * XYZ and row["decimals"] == 9
    assert not [f for f in audited["findings"] if f["kind"] == "decimals-mismatch"
                and "XYZ" in f["message"]]


def test_a_catalog_asset_without_config_decimals_takes_the_catalogs(unconfigured):
    usdt = unconfigured["coverage"]["USDT"]
    assert (usdt["decimals"], usdt["verified"], usdt["status"]) == (6, 3 * USDT, "covered")


def test_a_token_whose_decimals_cannot_be_used_is_not_counted_with_the_reason(unconfigured):
    audited = unconfigured
    big, echo = audited["rows"][4], audited["rows"][5]
    assert big["observed"] is None and big["bucket"] == "not_observed"
    assert "decimals() answered 200" in big["balance_error"]
    assert echo["observed"] is None and echo["bucket"] == "not_observed"
    assert "decimals()" in echo["balance_error"]
    assert audited["coverage"]["BIG"]["verified"] == 0


def test_the_decimals_read_on_chain_are_in_the_evidence_and_replay(unconfigured):
    """The decimals() answers are recorded node answers: the replay, offline, gives the
    same figures byte for byte."""
    folder = unconfigured["folder"]
    recorded = (folder / "out/bundle/chains/ethereum.json").read_text()
    assert "0x313ce567" in recorded  # the decimals() selector
    assert main(["replay", str(folder / "out/bundle"), "--out", str(folder / "again"),
                 "--quiet"]) == unconfigured["code"]
    for name in ("coverage.json", "addresses.csv", "coverage.csv", "report.md"):
        assert (folder / "again" / name).read_bytes() == (folder / "out" / name).read_bytes()
