"""What an audit of the demo exchange must show, worked out without running one.

The figures follow from two things only: the amounts examples/demo/world.py
sends to each claimed address before the snapshot (its constants), and how
examples/demo/make_claims.py signed each row (a good signature, the wrong
key, last year's message, none). Liabilities are the totals written in
examples/demo/liabilities.json. Nothing here is read from a node or from the
code under test. Used by tests/test_end_to_end.py (live nodes) and
tests/test_demo_bundle.py (the recorded example).
"""

from __future__ import annotations

import csv
import hashlib
import json
from fractions import Fraction

from chains.signers import multisig_address, multisig_script
from examples.demo import world as w
from examples.demo.make_claims import key, safe_address
from tests.support import ROOT

CLAIMS = ROOT / "examples/demo/claims.csv"

# examples/demo/liabilities.json, in base units: BTC 24.5, ETH 100,
# USDT equity 5,600,000 minus debt 100,000, SOL 8000.
LIABILITIES = {"BTC": 2_450_000_000, "ETH": 100 * w.ETH, "USDT": 5_500_000 * w.USDT,
               "SOL": 8000 * w.SOL}
# The two Tron rows of claims.csv claim 2,000,000 and 250,000 USDT; there is no
# Tron node, so these are shown as claimed but never observed.
TRON_CLAIMED = {"TDQP5GfPVSaGM8qNhMiPVYcS4VcYpZQnYg": 2_000_000 * w.USDT,
                "TYUq1xRms45V2xyNeNwv7zLhqcm7XKuP9x": 250_000 * w.USDT}
TRON_GOOD, TRON_STALE = TRON_CLAIMED


def _cold_address() -> str:
    return multisig_address(multisig_script([key(2), key(3), key(4)], 2), "p2wsh",
                            network="regtest")


# (chain, asset, address) -> (verdict, bucket, amount at the snapshot or None)
ROWS = {
    ("bitcoin", "BTC", key(1).btc_address("p2wpkh", network="regtest")):
        ("verified", "verified", w.BTC_HOT),
    ("bitcoin", "BTC", _cold_address()): ("verified", "verified", w.BTC_COLD),
    ("bitcoin", "BTC", key(5).btc_address("p2pkh", network="regtest")):
        ("unsigned", "unverified", w.BTC_LEGACY),
    ("ethereum", "ETH", key(10).evm_address()): ("verified", "verified", w.ETH_HOT),
    ("ethereum", "USDT", key(10).evm_address()): ("verified", "verified", w.USDT_ETH_HOT),
    # owner-signed offline; at the block the address is a real Safe 1.4.1 (proven proxy
    # and singleton code hashes) whose owners are both signers, threshold 2, no module
    ("ethereum", "ETH", safe_address()): ("verified", "verified", w.ETH_SAFE),
    ("ethereum", "USDT", key(14).evm_address()): ("failed", "unverified", w.USDT_ETH_WRONG),
    ("tron", "USDT", TRON_GOOD): ("verified", "not_observed", None),
    ("tron", "USDT", TRON_STALE): ("failed", "not_observed", None),
    ("solana", "SOL", w.sol_key(30).address): ("verified", "verified", w.SOL_HOT),
    ("solana", "SOL", w.sol_key(31).address): ("unsigned", "unverified", w.SOL_UNSIGNED),
    ("solana", "USDT", w.sol_key(30).address): ("verified", "verified", w.USDT_SOL_HOT),
}


def row_of(chain: str, asset: str, address: str) -> int:
    """The line of claims.csv that claims ``address`` for ``asset`` on ``chain``."""
    with open(CLAIMS, newline="") as f:
        for line, cells in enumerate(csv.reader(f), 1):
            if cells[:1] and not cells[0].startswith("#") and len(cells) > 3 \
                    and (cells[0], cells[2], cells[3]) == (chain, asset, address):
                return line
    raise KeyError((chain, asset, address))


def ratio(numerator: int, denominator: int) -> str:
    """numerator/denominator rounded down to 6 places, written without trailing zeros."""
    q = Fraction(numerator, denominator)
    scaled = q.numerator * 10**6 // q.denominator
    whole, frac = divmod(scaled, 10**6)
    return f"{whole}.{frac:06d}".rstrip("0").rstrip(".")


def coverage() -> dict[str, dict]:
    """asset -> the coverage row the audit must give."""
    out: dict[str, dict] = {}
    for (chain, asset, address), (_, bucket, amount) in ROWS.items():
        row = out.setdefault(asset, {"verified": 0, "owner_signed": 0, "unverified": 0,
                                     "not_observed": 0, "chains": set(), "addresses": 0})
        row["chains"].add(chain)
        row["addresses"] += 1
        row[bucket] += TRON_CLAIMED[address] if bucket == "not_observed" else amount
    for asset, row in out.items():
        owed = LIABILITIES[asset]
        row["chains"] = ",".join(sorted(row["chains"]))
        row["observed"] = row["verified"] + row["owner_signed"] + row["unverified"]
        row["liabilities"] = owed
        row["surplus"] = row["verified"] - owed
        row["coverage"] = ratio(row["verified"], owed)
        row["status"] = "covered" if row["verified"] >= owed else "deficit"
    return out


# By hand, from the constants: BTC (1.5 + 25) / 24.5, ETH (120 + 40) / 100,
# SOL 9000 / 8000, USDT (3,000,000 + 1,500,000) / 5,500,000: USDT is the one
# asset under 100% (the wrong-key row and the unobserved Tron rows do not count).
COVERAGE_BY_HAND = {"BTC": "1.081632", "ETH": "1.6", "SOL": "1.125", "USDT": "0.818181"}


def findings() -> set[tuple[str, str, str]]:
    """(kind, severity, subject) of every finding the audit must report."""
    wrong = row_of("ethereum", "USDT", key(14).evm_address())
    stale = row_of("tron", "USDT", TRON_STALE)
    good_tron = row_of("tron", "USDT", TRON_GOOD)
    return {
        # errors: USDT's deficit, the row signed by key 15, the row over last year's message
        ("asset-under-covered", "error", "asset:USDT"),
        ("ownership-failed", "error", f"claims.csv:{wrong}"),
        ("ownership-failed", "error", f"claims.csv:{stale}"),
        # no Tron node: both Tron rows are claimed but not observed
        ("chain-not-configured", "warning", "chain:tron"),
        ("balance-not-observed", "warning", f"claims.csv:{good_tron}"),
        ("balance-not-observed", "warning", f"claims.csv:{stale}"),
        ("asset-claimed-exceeds-observed", "warning", "asset:USDT"),
        # balances seen on addresses without a good proof: BTC legacy, SOL unsigned,
        # the wrong-key USDT
        ("reserves-not-counted", "warning", "asset:BTC"),
        ("reserves-not-counted", "warning", "asset:SOL"),
        ("reserves-not-counted", "warning", "asset:USDT"),
        # liabilities.json is an attested file: bound to no tree
        ("liabilities-attested-only", "warning", "liabilities.json"),
        *{("liabilities-attested-only", "warning", f"asset:{a}") for a in LIABILITIES},
    }


def finding_id(kind: str, subject: str, message: str) -> str:
    """A finding's stable id: its kind and a hash of kind, subject and message."""
    digest = hashlib.sha256(f"{kind}\x00{subject}\x00{message}".encode()).hexdigest()
    return f"{kind}-{digest[:10]}"


def check_document(doc: dict) -> None:
    """Assert a coverage.json document tells exactly the demo story."""
    want = coverage()
    for asset, by_hand in COVERAGE_BY_HAND.items():
        assert want[asset]["coverage"] == by_hand, asset
    got = {c["asset"]: c for c in doc["coverage"]}
    assert set(got) == set(want)
    for asset, row in want.items():
        for k, v in row.items():
            assert got[asset][k] == v, (asset, k, got[asset][k], v)
            if isinstance(v, int):
                assert type(got[asset][k]) is int, (asset, k)  # exact, never a float
    by_key = {(a["chain"], a["asset"], a["address"]): a for a in doc["addresses"]}
    assert set(by_key) == set(ROWS)
    for k, (verdict, bucket, amount) in ROWS.items():
        a = by_key[k]
        assert (a["verdict"], a["bucket"], a["observed"]) == (verdict, bucket, amount), k
        assert a["row"] == row_of(*k)
    safe = by_key[("ethereum", "ETH", safe_address())]
    assert safe["scheme"].endswith("+owners")  # settled by the Safe's owners on chain
    assert "is a Safe 1.4.1" in safe["reason"] and "no module enabled" in safe["reason"]
    assert "proven against the state root" in safe["reason"]  # the demo runs in proof mode
    assert {(f["kind"], f["severity"], f["subject"]) for f in doc["findings"]} == findings()
    for f in doc["findings"]:
        assert f["id"] == finding_id(f["kind"], f["subject"], f["message"])
    errors = sum(1 for f in findings() if f[1] == "error")
    assert doc["summary"] == {"assets": 4, "covered": 3, "errors": errors,
                              "warnings": len(findings()) - errors, "exit_status": 1}


def check_output(folder) -> None:
    """Assert an audit output folder (reports and bundle) tells exactly the demo story."""
    doc = json.loads((folder / "coverage.json").read_text())
    check_document(doc)
    assert (folder / "bundle/coverage.json").read_bytes() == (folder / "coverage.json").read_bytes()
    want = coverage()
    with open(folder / "coverage.csv", newline="") as f:
        rows = {r["asset"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(want)
    for asset, row in rows.items():
        scale = 10 ** int(row["decimals"])
        for k in ("verified", "owner_signed", "unverified", "not_observed", "liabilities"):
            # whole units as exact decimal text
            assert Fraction(row[k]) * scale == want[asset][k], (asset, k)
        assert (row["coverage"], row["status"]) == (want[asset]["coverage"],
                                                    want[asset]["status"])
    md = (folder / "report.md").read_text()
    html = (folder / "report.html").read_text()
    ids = {f["id"] for f in doc["findings"]}
    assert len(ids) == len(findings())
    for i in ids:
        assert i in md and i in html, i
