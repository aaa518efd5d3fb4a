"""One address, one key: spellings of one locking script are one claim, everywhere.

Adversarial cases for issue 13, defect 4 (the live Bitcoin audit is in
tests/chains/bitcoin/test_one_script_many_spellings.py): the exchange lists the
same script under every spelling its chain accepts (bech32 in upper and lower
case, Litecoin's two P2SH version bytes, Bitcoin Cash legacy and CashAddr with
and without its prefix), each row properly signed. Every row is still judged,
but the claims get one `duplicate-address` finding per script, and
reconciliation counts the script's balance once, whichever spelling the one
balance read was made with.
"""

from __future__ import annotations

import pytest

import chains
from chains.bitcoin.address import Destination, encode_cashaddr
from chains.encoding import b58check_encode
from chains.hashes import hash160
from chains.signers import Secp256k1Key, secret
from reserves.balances import Balance
from reserves.claims_check import check_claims
from reserves.reconcile import LiabilityTotal, address_key, reconcile
from tests.support import EXCHANGES, shared

MSG = "A2 Exchange reserves 2026-11-24"
HEADER = "chain,network,asset,address,amount,decimals,message,signatures\n"


def _key(i: int) -> Secp256k1Key:
    return Secp256k1Key(secret("a2-identity", i))


def _spellings():
    """(chain, asset, decimals, [spellings of one script], signature) per case."""
    k = _key(1)
    segwit = k.btc_address("p2wpkh")
    nested = hash160(b"\x00\x14" + hash160(k.pub()))
    ltc_m = k.btc_address("p2sh-p2wpkh", chain="litecoin")
    ltc_3 = b58check_encode(b"\x05" + nested)
    bch_key = _key(2)
    bch = Destination("p2pkh", hash160(bch_key.pub()))
    cash = encode_cashaddr(bch, "bitcoincash")
    evm = _key(3)
    return {
        "bech32": ("bitcoin", "BTC", 8, [segwit, segwit.upper()], k.btc_sign(MSG, header_base=39)),
        "litecoin-p2sh": ("litecoin", "LTC", 8, [ltc_m, ltc_3],
                          k.btc_sign(MSG, chain="litecoin", header_base=35)),
        "cashaddr": ("bitcoin-cash", "BCH", 8,
                     [bch_key.btc_address(chain="bitcoin-cash"), cash, cash.split(":")[1],
                      cash.upper()], bch_key.btc_sign(MSG, chain="bitcoin-cash")),
        "evm-case": ("ethereum", "ETH", 18,
                     [evm.evm_address(), evm.evm_address().lower(),
                      "0x" + evm.evm_address()[2:].upper()], evm.evm_sign(MSG, "eip191-text")),
    }


CASES = sorted(_spellings())


def _file(tmp_path, chain, asset, decimals, spellings, signature, amount=100):
    path = tmp_path / f"{chain}.csv"
    path.write_text(HEADER + "".join(
        f"{chain},mainnet,{asset},{a},{amount},{decimals},{MSG},{signature}\n"
        for a in spellings))
    return path


def test_the_spellings_are_really_different_strings_of_one_script():
    for chain, _, _, spellings, _ in _spellings().values():
        assert len(set(spellings)) == len(spellings) > 1
        assert len({chains.address_key(_claim(chain, a)) for a in spellings}) == 1, chain


def _claim(chain, address, network="mainnet"):
    from tests.claimkit import claim

    return claim(chain, address, MSG, network=network)


@pytest.mark.parametrize("case", CASES)
def test_every_spelling_verifies_and_one_finding_names_every_row(tmp_path, case):
    chain, asset, decimals, spellings, sig = _spellings()[case]
    check = check_claims(str(_file(tmp_path, chain, asset, decimals, spellings, sig)), jobs=1)
    assert [v.status.value for v in check.verdicts] == ["verified"] * len(spellings), \
        [v.reason for v in check.verdicts]
    dups = [f for f in check.findings if f.kind == "duplicate-address"]
    assert len(dups) == 1, [f.message for f in dups]
    rows = ", ".join(str(r) for r in range(2, 2 + len(spellings)))
    assert f"listed {len(spellings)} times: rows {rows}" in dups[0].message
    assert dups[0].subject.endswith(":2")


@pytest.mark.parametrize("case", CASES)
def test_the_scripts_balance_counts_once_whatever_spelling_was_read(tmp_path, case):
    """The adapter is given one spelling per script; every row finds that one balance,
    and coverage counts it once."""
    chain, asset, decimals, spellings, sig = _spellings()[case]
    check = check_claims(str(_file(tmp_path, chain, asset, decimals, spellings, sig)), jobs=1)
    held = 7 * 10 ** decimals
    read_as = spellings[-1]
    last = check.claims[-1]  # keyed as the audit keys the one balance it read
    balances = {(last.chain, address_key(last), asset): Balance(chain, read_as, asset, held,
                                                                decimals, 9, "h", "node")}
    addresses, coverage, findings = reconcile(
        check.claims, check.verdicts, balances, [LiabilityTotal(asset, decimals, 10 * held,
                                                                "attested")])
    assert list(addresses["observed"]) == [held] * len(spellings)
    assert list(addresses["counted"]) == [True] + [False] * (len(spellings) - 1)
    (cov,) = coverage.to_dict("records")
    assert cov["verified"] == held and cov["observed"] == held and cov["addresses"] == 1
    assert cov["claimed"] == 100
    dups = [f for f in findings if f.kind in ("duplicate-address", "address-duplicate")]
    assert [f.kind for f in dups] == ["duplicate-address"]
    assert f"listed {len(spellings)} times" in dups[0].message


def test_a_script_claimed_in_two_files_is_one_finding_naming_both(tmp_path):
    """In an audit the duplicates are found across every claims file."""
    chain, asset, decimals, spellings, sig = _spellings()["bech32"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = check_claims(str(_file(tmp_path / "a", chain, asset, decimals, spellings[:1], sig)),
                         jobs=1)
    second = check_claims(str(_file(tmp_path / "b", chain, asset, decimals, spellings[1:], sig)),
                          jobs=1)
    claims = first.claims + second.claims
    _, _, findings = reconcile(claims, first.verdicts + second.verdicts, {}, [])
    (dup,) = [f for f in findings if f.kind == "duplicate-address"]
    assert f"rows {claims[0].source}:2, {claims[1].source}:2" in dup.message
    assert f"spelled 2 ways: {spellings[0]}, {spellings[1]}" in dup.message


def test_duplicates_are_per_asset_one_address_may_hold_many_coins(tmp_path):
    k = _key(4)
    a = k.evm_address()
    sig = k.evm_sign(MSG, "eip191-text")
    path = tmp_path / "c.csv"
    path.write_text(HEADER + f"ethereum,mainnet,ETH,{a},1,18,{MSG},{sig}\n"
                    f"ethereum,mainnet,USDT,{a.lower()},1,6,{MSG},{sig}\n"
                    f"ethereum,mainnet,USDC,{a},1,6,{MSG},{sig}\n")
    check = check_claims(str(path), jobs=1)
    assert not [f for f in check.findings if f.kind == "duplicate-address"]


def test_the_same_script_on_another_network_is_another_address():
    k = _key(5)
    main_key = chains.address_key(_claim("bitcoin", k.btc_address("p2wpkh")))
    test_key = chains.address_key(_claim("bitcoin", k.btc_address("p2wpkh", network="testnet"),
                                         network="testnet"))
    assert main_key != test_key


def test_an_address_that_does_not_decode_keys_on_its_own_spelling():
    bad = _claim("ethereum", "0x" + "ab" * 19)
    assert chains.address_key(bad) != chains.address_key(_claim("ethereum", "0x" + "AB" * 19))


# --- the real files ----------------------------------------------------------------------

HTX_DECEMBER = "htx-monthly/htx_por_20231201.csv"
HTX_JANUARY = "htx-monthly/htx_por_20240101.csv"
THRICE = {"0xef72CC0Bb3EE2236b3B875C66a8A5D06b53Adb99": (43, 50, 61),
          "0x406ea8F3C6464171f3dEccF6Ba99748D9487CD52": (44, 51, 62),
          "0x3f95d25BfB08e6cF5bA3e159e477D28852BA3F04": (45, 52, 63),
          "0x9EC19cE75a7557d52c32774779158F5A466e0080": (46, 53, 64)}


@pytest.mark.parametrize("name", [HTX_DECEMBER, HTX_JANUARY])
def test_an_address_listed_three_times_is_one_finding_naming_the_three_rows(name):
    """HTX lists four ETH addresses three times each in these months: one finding each
    (the old code gave two per address, each saying "listed twice")."""
    check = check_claims(str(shared(f"{EXCHANGES}/{name}")), jobs=1)
    dups = [f for f in check.findings if f.kind == "duplicate-address"]
    assert len(dups) == 4
    for f in dups:
        address = f.message.split(" ")[0]
        rows = THRICE[address]
        assert f"listed 3 times: rows {rows[0]}, {rows[1]}, {rows[2]}" in f.message
        assert f.subject.endswith(f":{rows[0]}")


def test_the_other_real_files_have_no_duplicate():
    import glob

    folder = shared(EXCHANGES)
    names = sorted(p for p in glob.glob(f"{folder}/**/*.csv", recursive=True)
                   if not p.endswith((HTX_DECEMBER, HTX_JANUARY)))
    assert len(names) == 14
    for name in names:
        check = check_claims(name, jobs=1)
        assert not [f for f in check.findings if f.kind == "duplicate-address"], name
