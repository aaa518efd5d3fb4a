"""MEXC path sums are exact integers, bounded like OKX trees (u64 of the file's finest unit).

The proofs here are built by an independent oracle (Decimal with 200 digits
of precision, used only by the test) with MEXC's rules, so their hashes are
what MEXC's exact Java BigDecimal arithmetic would publish.
"""

import decimal
import hashlib
import json
from decimal import Decimal

from reserves.liabilities import Binding, load

EXACT = decimal.Context(prec=200)
DEFAULTS = ("BTC", "ETH", "USDC", "USDT")


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _plain(d: Decimal) -> str:
    """Java stripTrailingZeros().toPlainString()."""
    return "0" if d == 0 else format(d.normalize(EXACT), "f")


def _proof(own: dict[str, str], sibling: dict[str, str]) -> dict:
    """The user's leaf (left) and one sibling (right) under the root."""
    leaf = _h("P-1,42," + ",".join(f"{k}:{own[k]}" for k in sorted(own)))
    sib_hash = "0123456789abcdef0123456789abcdef"
    sums = {k: Decimal(0) for k in DEFAULTS}
    for bal in (own, sibling):
        for k, v in bal.items():
            sums[k] = EXACT.add(sums.get(k, Decimal(0)), Decimal(v))
    root = _h(f"{leaf},{sib_hash}," + ",".join(f"{k}:{_plain(sums[k])}" for k in sorted(sums)))
    return {"self": {"level": 0, "type": 1, "hash": leaf, "balances": own,
                     "proofId": "P-1", "accountId": "42"},
            "pathList": [{"level": 0, "type": 2, "hash": sib_hash, "balances": sibling},
                         {"level": 1, "type": 3, "hash": root,
                          "balances": {k: _plain(v) for k, v in sums.items()}}]}


def _load(tmp_path, data):
    path = tmp_path / "mexc.json"
    path.write_text(json.dumps(data))
    return load(str(path))


def _kinds(report):
    return {f.kind for f in report.findings}


def test_a_sum_a_28_digit_decimal_would_round_is_exact_and_past_the_bound(tmp_path):
    own = {"BTC": "1"}
    sibling = {"BTC": "0.00000000000000000000000000001"}       # 1e-29
    # Decimal's default context (28 digits) would hash 1.000000000000000000000000000
    assert Decimal(1) + Decimal(sibling["BTC"]) == Decimal(1)
    r = _load(tmp_path, _proof(own, sibling))
    # the path recomputes exactly: the sum hashed is 1.00000000000000000000000000001
    assert "hash-mismatch" not in _kinds(r) and "sum-mismatch" not in _kinds(r)
    btc = {a.asset: a for a in r.assets}["BTC"]
    assert (btc.decimals, btc.total) == (29, 10**29 + 1)
    # ... and 10^29 + 1 units of 1e-29 BTC do not fit in 64 bits: flagged, not rounded
    over = [f for f in r.findings if f.kind == "value-overflow"]
    assert over and all("BTC" in f.message for f in over)
    assert {f.subject.rsplit(":", 1)[1] for f in over} >= {"self", "root"}
    assert r.binding is Binding.ATTESTED and r.exit_code == 1


def test_long_sums_within_the_bound_are_exact(tmp_path):
    # 18 significant digits per value at 8 places: below 2^64 units, no rounding anywhere
    own = {"USDT": "92233720368.54775807", "BTC": "0.00000001"}
    sibling = {"USDT": "92233720368.54775807", "ETH": "12345678901.23456789"}
    r = _load(tmp_path, _proof(own, sibling))
    assert not [f for f in r.findings if f.severity.label == "error"], r.findings
    totals = {a.asset: (a.total, a.decimals) for a in r.assets}
    assert totals["USDT"] == (2 * 9223372036854775807, 8)
    assert totals["ETH"] == (1234567890123456789, 8)
    assert r.binding is Binding.PATH_VERIFIED


def test_a_sum_one_unit_past_u64_is_flagged(tmp_path):
    half = (2**64) // 2                                       # two halves: 2^64 units
    own = {"BTC": str(Decimal(half).scaleb(-8))}
    ok = _load(tmp_path, _proof(own, {"BTC": str(Decimal(half - 1).scaleb(-8))}))
    assert "value-overflow" not in _kinds(ok)                  # exactly 2^64 - 1 units
    bad = _load(tmp_path, _proof(own, {"BTC": str(Decimal(half).scaleb(-8))}))
    (f,) = [f for f in bad.findings if f.kind == "value-overflow" and "summed" in f.message]
    assert f.subject.endswith("pathList[0]") and "184467440737.09551616" in f.message
    assert bad.exit_code == 1 and "hash-mismatch" not in _kinds(bad)
