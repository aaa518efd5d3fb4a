"""Amounts that tell the story: per-asset claimed amounts by verdict, and messages that
say "not read" when nothing was read."""

import json

from reports import claims as render
from reserves.balances import Balance
from reserves.claim_amounts import asset_amounts, display, share
from reserves.claims import Claim, Proof
from reserves.claims_check import check_claims
from reserves.cli import main
from reserves.reconcile import address_key, reconcile
from reserves.verdicts import Status, Verdict
from tests.support import EXCHANGES, shared

OK = Verdict(Status.VERIFIED, "ok", "eip191-text")
HTX_2022 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20221201_part.csv"


def _claim(row, chain, address, asset, amount, decimals=6):
    return Claim("f.csv", row, asset, asset, chain, "evm" if chain else "", address, amount,
                 decimals, str(amount), Proof("m", ("s",)))


def test_claimed_exceeds_observed_says_what_was_not_read():
    claims = [_claim(1, "ethereum", "0xaa", "USDT", 3 * 10**6),
              _claim(2, "tron", "TT", "USDT", 2 * 10**6),
              _claim(3, "tron", "TU", "USDT", 10**6)]
    balances = {("ethereum", address_key(claims[0]), "USDT"):
                Balance("ethereum", "0xaa", "USDT", 3 * 10**6, 6, 1, "h", "src")}
    _, _, findings = reconcile(claims, [OK] * 3, balances, [])
    (f,) = [f for f in findings if f.kind == "asset-claimed-exceeds-observed"]
    assert f.message == ("USDT: the exchange claims 6 on 3 addresses; the 1 address read show "
                         "3 (claimed there: 3); 2 addresses claiming 3 not read (no balance "
                         "read for this chain: 2)")
    _, _, findings = reconcile(claims[1:], [OK] * 2, {}, [])
    (f,) = [f for f in findings if f.kind == "asset-claimed-exceeds-observed"]
    assert "no balance of it was read" in f.message and "show 0" not in f.message


def test_a_row_on_no_named_chain_says_so():
    claims = [_claim(1, None, "0xaa", "aETH", 5)]
    addresses, _, findings = reconcile(claims, [OK], {}, [])
    assert "names no chain" in addresses.iloc[0]["balance_error"]
    (f,) = [f for f in findings if f.kind == "balance-not-observed"]
    assert "on no chain named" in f.message and "None" not in f.message


def test_display_and_share_never_round_to_a_false_zero_or_whole():
    assert display(24_182_412_345, 6) == "24,182.4"
    assert display(20_000_000 * 10**6, 6) == "20,000,000"
    assert display(123, 8) == "0.00000123" and display(0, 8) == "0"
    assert display(1, 18) == "<0.00000001"
    assert share(0, 10) == "0%" and share(1, 1000) == "<1%" and share(999, 1000) == ">99%"
    assert share(19, 100) == "19%" and share(10, 10) == "100%" and share(1, 0) == "-"


def test_per_asset_amounts_on_a_real_file(capsys):
    """HTX 2022-12: most of every asset is on unsigned rows; the block says how much."""
    path = str(shared(f"{EXCHANGES}/{HTX_2022}"))
    check = check_claims(path, jobs=1)
    amounts = {a.asset: a for a in asset_amounts(check.rows())}
    btc = amounts["BTC"]
    assert btc.claimed == sum(c.amount for c in check.claims
                              if c.asset == "BTC" and c.amount is not None)
    verified = sum(c.amount for c, v in check.rows()
                   if c.asset == "BTC" and c.amount and v.status is Status.VERIFIED)
    assert btc.by_status[Status.VERIFIED][1] == verified
    assert btc.unproven == btc.claimed - verified > 0
    code = main(["claims", "verify", path])
    out = capsys.readouterr().out
    block = out[out.index("amounts  "):].splitlines()
    btc_line = next(line for line in block if line.split()[0] == "BTC")
    assert btc_line.split()[1:] == ["verified", display(verified, 8),
                                    f"({share(verified, btc.claimed)})", "unsigned",
                                    display(btc.claimed - verified, 8),
                                    f"({share(btc.claimed - verified, btc.claimed)})",
                                    "unproven", share(btc.unproven, btc.claimed)]
    code = main(["claims", "verify", path, "--json"])
    captured = capsys.readouterr()
    summary = json.loads(captured.err)["summary"]
    (btc_json,) = [a for a in summary["assets"] if a["asset"] == "BTC"]
    assert btc_json["claimed"] == btc.claimed and btc_json["decimals"] == 8
    assert btc_json["verdicts"]["verified"]["amount"] == verified
    assert btc_json["verdicts"]["verified"]["display"] == display(verified, 8)
    assert btc_json["unproven"]["share"] == share(btc.unproven, btc.claimed)
    assert summary["exit_status"] == code == check.exit_code
    assert summary == json.loads(render.summary_json(check))["summary"]
    assert len(captured.out.splitlines()) == len(check.claims)
