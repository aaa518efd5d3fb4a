"""Reconciliation arithmetic: exact integers, one asset across chains, duplicates once."""

from reserves.balances import Balance
from reserves.claims import Claim, Proof
from reserves.reconcile import LiabilityTotal, address_key, ratio_text, reconcile
from reserves.verdicts import Status, Verdict

OK = Verdict(Status.VERIFIED, "ok", "eip191-text")
BAD = Verdict(Status.FAILED, "bad signature")
OWNERS = Verdict(Status.OWNER_SIGNED, "owners signed")


def _claim(row, chain, family, address, asset, amount, decimals):
    return Claim("f.csv", row, asset, asset, chain, family, address, amount, decimals,
                 str(amount), Proof("m", ("s",)))


def _bal(chain, address, asset, amount, decimals, error=""):
    return Balance(chain, address, asset, amount, decimals, 1, "h", "src", error=error)


def _keyed(claims, *balances):
    """Balances keyed as the audit keys them: by what each claim's address locks."""
    return {(c.chain, address_key(c), c.asset): b for c, b in zip(claims, balances)}


A, B = "0x" + "aa" * 20, "0x" + "bb" * 20
T = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def test_one_asset_across_chains_with_different_decimals():
    claims = [_claim(1, "ethereum", "evm", A, "USDT", 5 * 10**6, 6),
              _claim(2, "bsc", "evm", B, "USDT", 3 * 10**18, 18),
              _claim(3, "tron", "tron", T, "USDT", 2 * 10**6, 6)]
    balances = _keyed(claims, _bal("ethereum", A, "USDT", 5 * 10**6, 6),
                      _bal("bsc", B, "USDT", 3 * 10**18, 18),
                      _bal("tron", T, "USDT", 2 * 10**6, 6))
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
    claims = [_claim(1, "ethereum", "evm", A, "ETH", big, 18)]
    balances = _keyed(claims, _bal("ethereum", A, "ETH", big, 18))
    addresses, cov, _ = reconcile(claims, [OK], balances,
                                  [LiabilityTotal("ETH", 18, big - 1, "path-verified")])
    assert addresses["observed"][0] == big
    assert cov["verified"][0] == big and cov["surplus"][0] == 1
    assert cov["coverage"][0] == "1"


def test_duplicate_address_counts_once_and_is_flagged():
    claims = [_claim(1, "ethereum", "evm", A, "ETH", 10, 18),
              _claim(2, "ethereum", "evm", A.upper().replace("0X", "0x"), "ETH", 10, 18)]
    balances = _keyed(claims, _bal("ethereum", A, "ETH", 10, 18))
    addresses, cov, findings = reconcile(claims, [OK, OK], balances,
                                         [LiabilityTotal("ETH", 18, 10, "recomputed")])
    assert list(addresses["counted"]) == [True, False]
    assert list(addresses["observed"]) == [10, 10]
    assert cov["verified"][0] == 10 and cov["status"][0] == "covered"
    (dup,) = [f for f in findings if "duplicate" in f.kind]
    assert dup.kind == "duplicate-address" and "listed 2 times: rows 1, 2" in dup.message


def test_a_duplicate_counts_on_its_best_proven_row():
    """Listed first unsigned, then signed: the one balance is verified, counted once."""
    claims = [_claim(1, "ethereum", "evm", A, "ETH", 10, 18),
              _claim(2, "ethereum", "evm", A, "ETH", 10, 18)]
    balances = _keyed(claims, _bal("ethereum", A, "ETH", 10, 18))
    addresses, cov, _ = reconcile(claims, [BAD, OK], balances, [])
    assert list(addresses["counted"]) == [False, True]
    assert (cov["verified"][0], cov["unverified"][0]) == (10, 0)


def test_observed_is_scaled_by_the_decimals_it_was_read_with_not_the_claims():
    """5 ETH read as 5e18 wei, claimed as "5 with decimals 0": 5 ETH, not 5e18 ETH,
    and the row is not verified reserves."""
    claims = [_claim(1, "ethereum", "evm", A, "ETH", 5, 0),
              _claim(2, "ethereum", "evm", B, "ETH", 2 * 10**18, 18)]
    balances = _keyed(claims, _bal("ethereum", A, "ETH", 5 * 10**18, 18),
                      _bal("ethereum", B, "ETH", 2 * 10**18, 18))
    addresses, cov, findings = reconcile(claims, [OK, OK], balances,
                                         [LiabilityTotal("ETH", 18, 3 * 10**18, "recomputed")])
    row = cov.to_dict("records")[0]
    assert (row["decimals"], row["verified"], row["unverified"]) == (18, 2 * 10**18, 5 * 10**18)
    assert row["status"] == "deficit"
    lying = addresses.to_dict("records")[0]
    assert (lying["decimals"], lying["claimed"], lying["observed"]) == (18, 5 * 10**18,
                                                                         5 * 10**18)
    assert lying["bucket"] == "unverified" and "decimals 0" in lying["reason"]
    (f,) = [f for f in findings if f.kind == "decimals-mismatch"]
    assert f.severity.label == "error" and f.subject == "f.csv:1"
    assert "the balance as read has 18" in f.message


def test_claim_decimals_contradicting_the_known_ones_are_flagged_even_unread():
    claims = [_claim(1, "ethereum", "evm", A, "USDT", 5, 0)]
    balances = _keyed(claims, _bal("ethereum", A, "USDT", None, 6, error="node said no"))
    _, _, findings = reconcile(claims, [OK], balances, [],
                               {("ethereum", "USDT"): [("config [[assets]]", 6)]})
    (f,) = [f for f in findings if f.kind == "decimals-mismatch"]
    assert "config [[assets]] has 6" in f.message


def test_buckets_owner_signed_and_not_observed():
    claims = [_claim(1, "ethereum", "evm", A, "ETH", 7, 18),
              _claim(2, "ethereum", "evm", B, "ETH", 5, 18)]
    balances = _keyed(claims, _bal("ethereum", A, "ETH", 6, 18),
                      _bal("ethereum", B, "ETH", None, 18, error="node said no"))
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
