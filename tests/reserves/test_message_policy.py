"""Which messages tie a signature to one snapshot, and which findings say so."""

import pytest

from reserves.message_policy import MessagePolicy, carries_freshness, message_findings, year_only


@pytest.mark.parametrize("message", [
    "OKX proof of reserves 2026-12-01", "snapshot 2026/12", "as of 01.12.2026",
    "reserves on 1 December 2026", "Dec 1, 2026 snapshot", "December 2026", "Sept. 2026",
    "snapshot of March 3rd, 2026",
    "height 927401", "20261201", "6DcZbFpug1664269042",
    "nonce 9f86d081884c7d659a2feaa0c55ad015",
])
def test_dates_heights_and_nonces_are_fresh(message):
    assert carries_freshness(message)
    assert year_only(message) is None


@pytest.mark.parametrize("message, year", [
    ("OKC_DTT_AUP2025", "2025"),   # the audit-firm file's message
    ("audit 2026", "2026"),
    ("2024 reserves, part 3", "2024"),
])
def test_a_year_alone_is_only_a_year(message, year):
    assert not carries_freshness(message)
    assert year_only(message) == year


@pytest.mark.parametrize("message", ["I am an OKX address", "King will be back!", "huobi",
                                     "version 20.25", "port 2025x9", "market 2025",
                                     "decentralised 2026", "junior 2024"])
def test_undated_messages(message):
    assert not carries_freshness(message)


def test_findings_name_the_weakness():
    findings = message_findings({"OKC_DTT_AUP2025": 9, "I am an OKX address": 33,
                                 "OKX 2026-12-01": 2}, MessagePolicy(pattern=".*"))
    by_kind = {f.kind: f for f in findings}
    assert set(by_kind) == {"message-year-only", "message-not-fresh"}
    assert "2025" in by_kind["message-year-only"].message
    assert "I am an OKX address" in by_kind["message-not-fresh"].message
