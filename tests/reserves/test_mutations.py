"""Mutations of real published rows must fail, each with the reason it deserves.

Each test rewrites one real file (in a temporary copy) the way a careless or
dishonest publisher might, and checks the verdict of exactly the rows touched.
"""

import base64

import pytest

from chains.signers import Secp256k1Key, secret
from reserves.claims_check import check_claims
from tests.support import EXCHANGES, shared

OKX_2022 = "okx_proof-of-reserves_okx_por_example_2022-11-22.csv"
OKX_2024 = "okx_proof-of-reserves_okx_por_example.csv"
HTX_2023 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20230901.csv"


def _lines(name):
    return shared(f"{EXCHANGES}/{name}").read_text(encoding="utf-8-sig").split("\n")


def _check(tmp_path, lines, name="mutated.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return check_claims(str(path), jobs=1)


def _verdict(check, line):
    (v,) = [v for c, v in check.rows() if c.row == line]
    return v


def _find(lines, needle):
    return next(i for i, line in enumerate(lines) if needle in line)


def test_one_character_of_the_message_changed(tmp_path):
    lines = _lines(OKX_2022)
    evm = _find(lines, "0xe7d5f0677dbc8f27fe57bc8289c0450abd198533")
    btc = _find(lines, "bc1qxmaqqg9az39uj8pxf6qckqhu2awquhlg24zg4897mv6wnj8aw97svxgu3r")
    tron = _find(lines, "TJTc3g4AuDoPxCFmTbcTJEmQwhFrTnJGNR")
    for i in (evm, btc, tron):
        lines[i] = lines[i].replace("I am an OKX address", "I am an OKX addresS")
    check = _check(tmp_path, lines)
    for i in (evm, btc, tron):
        v = _verdict(check, i + 1)
        assert v.status.value == "failed", v
        assert "wrong key or wrong message" in v.reason
    assert check.counts()["verified"] == 30
    assert check.exit_code == 1


def test_signature_by_another_key(tmp_path):
    lines = _lines(OKX_2022)
    i = _find(lines, "0x0114efa8f268ce0a41d92b7f9a13880dad234848")
    cells = lines[i].split(",")
    cells[4] = Secp256k1Key(secret("intruder", 1)).evm_sign("I am an OKX address")
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed" and "does not recover to this address" in v.reason


def test_two_rows_addresses_swapped(tmp_path):
    lines = _lines(OKX_2022)
    a = _find(lines, "0xe7d5f0677dbc8f27fe57bc8289c0450abd198533")
    b = _find(lines, "0x0114efa8f268ce0a41d92b7f9a13880dad234848")
    ca, cb = lines[a].split(","), lines[b].split(",")
    ca[1], cb[1] = cb[1], ca[1]
    lines[a], lines[b] = ",".join(ca), ",".join(cb)
    check = _check(tmp_path, lines)
    assert _verdict(check, a + 1).status.value == "failed"
    assert _verdict(check, b + 1).status.value == "failed"
    assert check.counts()["verified"] == 31


def _multisig_row(lines):
    i = _find(lines, "bc1qxmaqqg9az39uj8pxf6qckqhu2awquhlg24zg4897mv6wnj8aw97svxgu3r")
    return i, lines[i].split(",")


def test_same_signature_twice_is_one_signer(tmp_path):
    lines = _lines(OKX_2022)
    i, cells = _multisig_row(lines)
    cells[5] = cells[4]
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed" and "duplicate signer" in v.reason


def test_one_valid_signature_of_two_required(tmp_path):
    lines = _lines(OKX_2022)
    i, cells = _multisig_row(lines)
    cells[5] = ""
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed"
    assert "threshold not met: 1 distinct key(s) signed, the 2-of-3 script requires 2" in v.reason


def test_redeem_script_that_does_not_hash_to_the_address(tmp_path):
    lines = _lines(OKX_2022)
    i, cells = _multisig_row(lines)
    j = _find(lines, "bc1qjyxh8cpsrpe8tn3epklsa28e2txmuyqpky2fq8vjw4ut3ud2884sshmdvt")
    cells[6] = lines[j].split(",")[6]  # another row's (valid, signed) script
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed"
    assert "redeem script does not hash to this p2wsh address" in v.reason


def test_threshold_raised_in_the_script_is_not_met(tmp_path):
    lines = _lines(OKX_2022)
    i, cells = _multisig_row(lines)
    cells[6] = "53" + cells[6][2:]  # OP_3 instead of OP_2: 3-of-3, still 2 signatures
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed"  # the script no longer hashes to the address either
    assert "does not hash" in v.reason


def test_address_that_does_not_decode_fails_even_unsigned(tmp_path):
    lines = _lines(HTX_2023)
    signed = _find(lines, "1LXzGrDQqKqVBqxfGDUyhC6rTRBN5s8Sbj")
    unsigned = _find(lines, "HT-ETH,0xa929022c9107643515f5c777ce9a910f0d1e490c")
    lines[signed] = lines[signed].replace("1LXzGrDQqKqVBqxfGDUyhC6rTRBN5s8Sbj",
                                          "1LXzGrDQqKqVBqxfGDUyhC6rTRBN5s8Sbk")
    lines[unsigned] = lines[unsigned].replace("0xa929022c9107643515f5c777ce9a910f0d1e490c",
                                              "0xa929022c9107643515f5c777ce9a910f0d1e490")
    check = _check(tmp_path, lines)
    v = _verdict(check, signed + 1)
    assert v.status.value == "failed" and "address does not decode" in v.reason
    v = _verdict(check, unsigned + 1)
    assert v.status.value == "failed" and "address does not decode" in v.reason


def test_bad_eip55_checksum_fails(tmp_path):
    lines = _lines(HTX_2023)
    i = _find(lines, "0x0511509A39377F1C6c78DB4330FBfcC16D8A602f")
    lines[i] = lines[i].replace("0x0511509A39377F1C6c78DB4330FBfcC16D8A602f",
                                "0x0511509a39377F1C6c78DB4330FBfcC16D8A602f")
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed" and "EIP-55" in v.reason


@pytest.mark.parametrize("garbage,reason", [
    ("0xzz" + "00" * 64, "not valid hex"),
    (base64.b64encode(b"\x00" * 99).decode(), "neither a 65-byte compact signature"),
    ("not*base64!", "not valid base64 or hex"),
    (base64.b64encode(b"\x1f" + b"\x00" * 64).decode(), "r or s out of range"),
])
def test_undecodable_signature_fails_its_row_only(tmp_path, garbage, reason):
    lines = _lines(HTX_2023)
    i = _find(lines, "1LXzGrDQqKqVBqxfGDUyhC6rTRBN5s8Sbj")
    cells = lines[i].split(",")
    cells[5] = garbage
    lines[i] = ",".join(cells)
    check = _check(tmp_path, lines)
    v = _verdict(check, i + 1)
    assert v.status.value == "failed" and reason in v.reason
    assert check.counts()["verified"] == 70
    assert check.exit_code == 1


def test_contract_row_where_one_owner_signs_twice(tmp_path):
    lines = _lines(OKX_2024)
    i = _find(lines, "0x57e2dcd253527a0f70c6a3de3556f6e6e163f19c")
    cells = lines[i].split(",")
    cells[7] = cells[6]  # owner 1's signature in both columns
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed" and "duplicate signer" in v.reason


def test_contract_row_with_an_owner_missing(tmp_path):
    lines = _lines(OKX_2024)
    i = _find(lines, "0x57e2dcd253527a0f70c6a3de3556f6e6e163f19c")
    cells = lines[i].split(",")
    cells[7] = ""
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed" and "did not sign" in v.reason


def test_contract_row_with_a_wrong_owner(tmp_path):
    lines = _lines(OKX_2024)
    i = _find(lines, "0x57e2dcd253527a0f70c6a3de3556f6e6e163f19c")
    cells = lines[i].split(",")
    cells[10] = Secp256k1Key(secret("intruder", 2)).evm_address()
    lines[i] = ",".join(cells)
    v = _verdict(_check(tmp_path, lines), i + 1)
    assert v.status.value == "failed" and "not by any listed owner" in v.reason
