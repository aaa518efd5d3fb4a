"""Every published file in ../shared/data/exchanges gets the verdicts its data deserves.

The counts are pinned per file and per scheme: a verifier that starts
accepting or rejecting a real row changes them. The expected numbers match
the independent re-verification recorded in ownership-anchors.md section 6.
"""

from collections import Counter

import pytest

from reserves.claims_check import check_claims
from reserves.message_policy import MessagePolicy
from tests.support import EXCHANGES, shared

HTX_2022 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20221201_part.csv"
HTX_2023 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20230901.csv"
OKX_2022 = "okx_proof-of-reserves_okx_por_example_2022-11-22.csv"
OKX_2024 = "okx_proof-of-reserves_okx_por_example.csv"
DELOITTE = "okx_proof-of-reserves_test_deloitte_format.csv"

EXPECTED = {
    HTX_2022: ("htx", {"verified": 39, "unsigned": 28},
               {"raw-keccak": 34, "bitcoin-signmessage": 3, "tronweb-legacy": 2}),
    HTX_2023: ("htx", {"verified": 71, "unsigned": 3},
               {"raw-keccak": 37, "eip191-text": 7, "tip191-v1": 15, "tronweb-legacy": 4,
                "bitcoin-signmessage": 6, "ed25519-raw": 2}),
    OKX_2022: ("okx-7col", {"verified": 33},
               {"eip191-keccak": 17, "bitcoin-multisig": 9, "tip191-v1": 7}),
    OKX_2024: ("okx-11col", {"verified": 2, "owner-signed": 1, "unsupported": 2},
               {"eip191-keccak": 3}),
    DELOITTE: ("okx-audit", {"verified": 6, "unsupported": 3},
               {"bitcoin-multisig": 2, "eip191-keccak": 1, "ed25519-okx-framed": 1,
                "okx-framed-keccak": 1, "tip191-v2": 1}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_verdict_counts(name):
    fmt, verdicts, schemes = EXPECTED[name]
    check = check_claims(str(shared(f"{EXCHANGES}/{name}")), jobs=1)
    assert check.file.format == fmt
    counts = {k.value: v for k, v in check.counts().items() if v}
    assert counts == verdicts
    assert dict(check.scheme_counts()) == schemes
    assert all(v.reason for v in check.verdicts)
    assert len(check.verdicts) == len(check.claims) == sum(verdicts.values())


def test_pinned_message_passes_the_right_rows():
    check = check_claims(str(shared(f"{EXCHANGES}/{OKX_2022}")),
                         policy=MessagePolicy(exact="I am an OKX address"), jobs=1)
    assert check.counts()["verified"] == 33
    kinds = {f.kind for f in check.findings}
    assert "message-not-pinned" not in kinds and "message-not-fresh" in kinds


def test_the_audit_firm_message_is_dated_by_its_year_only():
    check = check_claims(str(shared(f"{EXCHANGES}/{DELOITTE}")),
                         policy=MessagePolicy(exact="OKC_DTT_AUP2025"), jobs=1)
    year = [f for f in check.findings if f.kind == "message-year-only"]
    assert len(year) == 1 and "2025" in year[0].message and "(9 rows)" in year[0].message
    assert not any(f.kind == "message-not-fresh" for f in check.findings)


def test_htx_message_pattern_and_a_wrong_pin():
    path = str(shared(f"{EXCHANGES}/{HTX_2023}"))
    ok = check_claims(path, policy=MessagePolicy(pattern="huobi|King will be back!|"
                                                         "6DcZbFpug1664269042"), jobs=1)
    assert ok.counts()["verified"] == 71
    pinned = check_claims(path, policy=MessagePolicy(exact="huobi"), jobs=1)
    failed = [v for v in pinned.verdicts if v.status.value == "failed"]
    assert len(failed) == 71 - 25
    assert all("unexpected message" in v.reason for v in failed)
    assert pinned.exit_code == 1


def test_unsupported_rows_name_their_chain():
    check = check_claims(str(shared(f"{EXCHANGES}/{DELOITTE}")), jobs=1)
    reasons = {c.chain: v.reason for c, v in check.rows() if v.status.value == "unsupported"}
    assert set(reasons) == {"starknet", "cardano", "eos"}
    assert all(chain in reason for chain, reason in reasons.items())


def test_placeholder_aptos_row_is_never_verified():
    check = check_claims(str(shared(f"{EXCHANGES}/{OKX_2024}")), jobs=1)
    (aptos,) = [(c, v) for c, v in check.rows() if c.coin == "APTOS"]
    assert aptos[1].status.value == "unsupported" and "aptos" in aptos[1].reason


def test_owner_row_names_both_owners_and_is_not_verified():
    check = check_claims(str(shared(f"{EXCHANGES}/{OKX_2024}")), jobs=1)
    (row,) = [(c, v) for c, v in check.rows() if c.proof.owners and c.family == "evm"]
    claim, verdict = row
    assert verdict.status.value == "owner-signed"
    assert {s.lower() for s in verdict.signers} == {o.lower() for o in claim.proof.owners}
    assert "not yet checked on chain" in verdict.reason


def test_totals_sections():
    """HTX totals add up (within display rounding); the OKX examples do not."""
    htx = check_claims(str(shared(f"{EXCHANGES}/{HTX_2023}")), jobs=1)
    kinds = Counter(f.kind for f in htx.findings)
    assert kinds["totals-mismatch"] == 0
    assert kinds["totals-without-rows"] == 1  # USDT-T-Bills: claimed, no address
    okx = check_claims(str(shared(f"{EXCHANGES}/{OKX_2022}")), jobs=1)
    mismatches = [f for f in okx.findings if f.kind == "totals-mismatch"]
    assert [f.message.split(":")[0] for f in mismatches] == ["ETH(ALL)"]
    assert okx.exit_code == 1


def test_amounts_are_exact_integers():
    okx = check_claims(str(shared(f"{EXCHANGES}/{OKX_2022}")), jobs=1)
    eth = [c for c in okx.claims if c.address == "0xe7d5f0677dbc8f27fe57bc8289c0450abd198533"]
    assert eth[0].amount == 58300000000000000 and eth[0].decimals == 18
    okx24 = check_claims(str(shared(f"{EXCHANGES}/{OKX_2024}")), jobs=1)
    c = [c for c in okx24.claims if c.address.startswith("0x16f01")][0]
    assert c.amount == 148960774325814037 and isinstance(c.amount, int)
    htx = check_claims(str(shared(f"{EXCHANGES}/{HTX_2023}")), jobs=1)
    algo = [c for c in htx.claims if c.chain == "algorand"][0]
    assert algo.asset == "USDT" and algo.decimals == 6 and algo.amount == 215723297100


# --- every published file, including the eleven HTX months of htx-monthly/ ---------------

MONTHLY = "htx-monthly/htx_por_{}.csv"
MONTHLY_VERDICTS = {
    "20230201": {"verified": 60, "unsigned": 3}, "20230301": {"verified": 60, "unsigned": 3},
    "20230401": {"verified": 59, "unsigned": 3}, "20230501": {"verified": 64, "unsigned": 4},
    "20230601": {"verified": 63, "unsigned": 3}, "20230701": {"verified": 68, "unsigned": 3},
    "20230801": {"verified": 70, "unsigned": 3}, "20231001": {"verified": 45, "unsigned": 3},
    "20231101": {"verified": 43, "unsigned": 3}, "20231201": {"verified": 44, "unsigned": 4},
    "20240101": {"verified": 43, "unsigned": 5},
}
# Every totals-mismatch error of every file, by totals line, each checked by hand against
# the file (see the report of issue 14): all are real mismatches, none is rounding.
MISMATCHES = {
    # USDT-TRC20's line says 64,050,721.54 where its two rows hold 464,050,722.34: the
    # 400 M gap; USDT(ALL) agrees with the rows, so its lines do not add up to it either.
    # USDT-ETH: the rows hold 2.796231 less than the line (4 rows written to 0.01 or
    # better, far beyond rounding and 1e-9 of 115.8 M).
    MONTHLY.format("20230201"): ["USDT(ALL)", "USDT-ETH", "USDT-TRC20"],
    # The ETH and USDT-ETH lines exceed their rows by 7,399.9 ETH and 7.5 M USDT.
    MONTHLY.format("20230401"): ["ETH", "USDT-ETH"],
    # ETH's line exceeds its rows by 16,915.2; USDT-ETH's rows exceed the line by 24,472.1.
    MONTHLY.format("20230501"): ["ETH", "USDT-ETH"],
    # USDT(ALL) leaves out its own USDT-BTTC line (6,113,066.664, a line with no rows).
    MONTHLY.format("20231201"): ["USDT(ALL)"],
    # BTC-TRC20's line says 12,040.37758 (BTC's figure) for rows of 9,701.924543; BTC(ALL)
    # agrees with the rows, so its lines do not add up to it.
    MONTHLY.format("20240101"): ["BTC(ALL)", "BTC-TRC20"],
    # The OKX examples: ETH(ALL) says 6 for lines adding up to 6.9019; the 2024 example
    # lists 3 of the ETH rows its ETH line (5.2834) counts.
    OKX_2022: ["ETH(ALL)"],
    OKX_2024: ["ETH", "ETH(ALL)"],
}
ALL_FILES = sorted(EXPECTED) + [MONTHLY.format(m) for m in sorted(MONTHLY_VERDICTS)]


def _network_only_labels() -> set[str]:
    from reserves.catalog import default_catalog

    catalog = default_catalog()
    return {a.upper() for a in catalog._alias if catalog.is_network_only(a)}


@pytest.mark.parametrize("month", sorted(MONTHLY_VERDICTS))
def test_htx_monthly_verdict_counts(month):
    check = check_claims(str(shared(f"{EXCHANGES}/{MONTHLY.format(month)}")), jobs=1)
    assert check.file.format == "htx"
    assert {k.value: v for k, v in check.counts().items() if v} == MONTHLY_VERDICTS[month]


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_label_of_every_file_is_understood(name):
    """No row unsupported for a label when its address's form names the family; no asset
    named after a network; every totals-mismatch one the file really has."""
    from reserves.labels import address_form

    check = check_claims(str(shared(f"{EXCHANGES}/{name}")), jobs=1)
    for claim, verdict in check.rows():
        if verdict.status.value == "unsupported":
            # Only a chain the catalog names but cannot verify (TON, APTOS, ADA, ...).
            assert claim.chain is not None and claim.family == "", (claim.row, verdict.reason)
        if claim.chain is None:
            assert address_form(claim.address) is None or claim.family
    networks = _network_only_labels()
    assert not {c.asset.upper() for c in check.claims} & networks
    # Every label of these files names its chain: none is left to the address form.
    assert not [f for f in check.findings if f.kind == "label-unmapped"]
    mismatches = sorted(f.message.split(":")[0] for f in check.findings
                        if f.kind == "totals-mismatch")
    assert mismatches == MISMATCHES.get(name, [])
    assert not [f for f in check.findings if f.kind == "totals-rounded"
                and f.severity.label != "info"]


def test_the_400m_usdt_trc20_gap_of_2023_02_is_found_with_every_digit():
    check = check_claims(str(shared(f"{EXCHANGES}/{MONTHLY.format('20230201')}")), jobs=1)
    (gap,) = [f for f in check.findings
              if f.kind == "totals-mismatch" and f.message.startswith("USDT-TRC20:")]
    assert "says 64050721.54" in gap.message and "add up to 464050722.34" in gap.message
    assert "difference 400000000.80" in gap.message
    assert check.exit_code == 1


def test_display_rounding_is_information_not_an_error():
    """HTX 2023-03 writes ten significant digits: every total differs from its rows by
    display rounding only, each an info finding, and the file is clean."""
    check = check_claims(str(shared(f"{EXCHANGES}/{MONTHLY.format('20230301')}")), jobs=1)
    rounded = [f for f in check.findings if f.kind == "totals-rounded"]
    assert rounded and all(f.severity.label == "info" for f in rounded)
    trx = next(f for f in rounded if f.message.startswith("TRX(ALL):"))
    assert "says 9771713518" in trx.message and "9771713517.911876" in trx.message
    assert not [f for f in check.findings if f.kind == "totals-mismatch"]
    assert check.exit_code == 0
