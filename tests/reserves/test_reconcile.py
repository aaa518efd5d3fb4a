"""Reconciliation arithmetic: exact integers, one asset across chains, duplicates once."""

from reserves.balances import Balance
from reserves.claims import Claim, Proof
from reserves.reconcile import LiabilityTotal, ratio_text, reconcile
from reserves.verdicts import Status, Verdict

OK = Verdict(Status.VERIFIED, "ok", "eip191-text")
BAD = Verdict(Status.FAILED, "bad signature")
OWNERS = Verdict(Status.OWNER_SIGNED, "owners signed")


def _claim(row, chain, family, address, asset, amount, decimals):
    return Claim("f.csv", row, asset, asset, chain, family, address, amount, decimals,
                 str(amount), Proof("m", ("s",)))


def _bal(chain, address, asset, amount, decimals, error=""):
    return Balance(chain, address, asset, amount, decimals, 1, "h", "src", error=error)


def test_one_asset_across_chains_with_different_decimals():
    claims = [_claim(1, "ethereum", "evm", "0xAa", "USDT", 5 * 10**6, 6),
              _claim(2, "bsc", "evm", "0xBb", "USDT", 3 * 10**18, 18),
              _claim(3, "tron", "tron", "TT", "USDT", 2 * 10**6, 6)]
    balances = {("ethereum", "0xaa", "USDT"): _bal("ethereum", "0xAa", "USDT", 5 * 10**6, 6),
                ("bsc", "0xbb", "USDT"): _bal("bsc", "0xBb", "USDT", 3 * 10**18, 18),
                ("tron", "TT", "USDT"): _bal("tron", "TT", "USDT", 2 * 10**6, 6)}
    _, cov, findings = reconcile(claims, [OK, OK, BAD], balances,
                                 [LiabilityTotal("USDT", 6, 9 * 10**6, "recomputed")])
    (row,) = cov.to_dict("records")
    assert row["decimals"] == 18
    assert row["verified"] == 8 * 10**18 and row["unverified"] == 2 * 10**18
    assert row["liabilities"] == 9 * 10**18
    assert row["coverage"] == "0.888888" and row["status"] == "deficit"
    assert row["surplus"] == -(10**18)
    assert cov["verified"].dtype == object and isinstance(row["verified"], int)
    assert {f.kind for f in findings} >= {"asset-under-covered", "ownership-failed",
                                          "reserves-not-counted"}


def test_wei_beyond_int64_stays_exact():
    big = 123456789 * 10**18 + 1
    claims = [_claim(1, "ethereum", "evm", "0xAa", "ETH", big, 18)]
    balances = {("ethereum", "0xaa", "ETH"): _bal("ethereum", "0xAa", "ETH", big, 18)}
    addresses, cov, _ = reconcile(claims, [OK], balances,
                                  [LiabilityTotal("ETH", 18, big - 1, "path-verified")])
    assert addresses["observed"][0] == big
    assert cov["verified"][0] == big and cov["surplus"][0] == 1
    assert cov["coverage"][0] == "1"


def test_duplicate_address_counts_once_and_is_flagged():
    claims = [_claim(1, "ethereum", "evm", "0xAa", "ETH", 10, 18),
              _claim(2, "ethereum", "evm", "0xAA", "ETH", 10, 18)]
    balances = {("ethereum", "0xaa", "ETH"): _bal("ethereum", "0xAa", "ETH", 10, 18)}
    addresses, cov, findings = reconcile(claims, [OK, OK], balances,
                                         [LiabilityTotal("ETH", 18, 10, "recomputed")])
    assert list(addresses["counted"]) == [True, False]
    assert cov["verified"][0] == 10 and cov["status"][0] == "covered"
    assert [f.kind for f in findings if f.kind == "address-duplicate"] == ["address-duplicate"]


def test_buckets_owner_signed_and_not_observed():
    claims = [_claim(1, "ethereum", "evm", "0xAa", "ETH", 7, 18),
              _claim(2, "ethereum", "evm", "0xBb", "ETH", 5, 18)]
    balances = {("ethereum", "0xaa", "ETH"): _bal("ethereum", "0xAa", "ETH", 6, 18),
                ("ethereum", "0xbb", "ETH"): _bal("ethereum", "0xBb", "ETH", None, 18,
                                                  error="node said no")}
    addresses, cov, findings = reconcile(claims, [OWNERS, OK], balances, [])
    assert list(addresses["bucket"]) == ["owner_signed", "not_observed"]
    row = cov.to_dict("records")[0]
    assert (row["verified"], row["owner_signed"], row["not_observed"]) == (0, 6, 5)
    assert row["status"] == "no-liabilities" and row["coverage"] is None
    kinds = {f.kind for f in findings}
    assert {"address-overclaimed", "balance-not-observed", "asset-without-liabilities"} <= kinds


def test_ratio_rounds_down():
    assert ratio_text(2, 3) == "0.666666"
    assert ratio_text(10**30, 10**30) == "1"
    assert ratio_text(0, 5) == "0"
