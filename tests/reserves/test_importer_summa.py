"""Summa's signatures CSV: ``chain;address;signature;message``, EVM rows under Summa's digest.

The digest is the one Summa's EVMAddressVerifier contract recovers from: EIP-191
over keccak256(abi.encode(message)). The first two rows of ``PUBLISHED`` are
summa-dev/summa-solvency's own example file (backend/src/apis/csv/
signatures.csv, signed by two of anvil's well-known development keys): a public
vector. The other files are signed here by keys of our own.
"""

import json

import pytest

from chains.signers import Secp256k1Key, secret
from reserves.claims_check import check_claims
from reserves.cli import main
from reserves.importers import load, sniff

MSG = "Summa proof of solvency for CryptoExchange"
HEADER = "chain;address;signature;message"
PUBLISHED = [
    ("ETH", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
     "0x089b32327d332c295dc3b8873c205b72153211de6dc1c51235782b091cefb9d06d6df2661b86a7d441c"
     "d322f125b84901486b150e684221a7b7636eb8182af551b"),
    ("ETH", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
     "0xb17a9e25265d3b88de7bfad81e7accad6e3d5612308ff83cc0fef76a34152b0444309e8fc3dea5139e"
     "49b6fc83a8553071a7af3d0cfd3fb8c1aea2a4c171729c1c"),
]


def _keys(n):
    return [Secp256k1Key(secret("summa", i)) for i in range(n)]


def _write(tmp_path, lines, name="signatures.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return str(path)


def test_summa_s_own_published_file_verifies(tmp_path):
    path = _write(tmp_path, [f"{c};{a};{s};{MSG}" for c, a, s in PUBLISHED])
    assert sniff(open(path).read()) == "summa"
    check = check_claims(path, jobs=1)
    assert check.file.format == "summa"
    assert [(v.status.value, v.scheme) for v in check.verdicts] == \
        [("verified", "eip191-abi-keccak")] * 2
    first = check.claims[0]
    assert (first.row, first.chain, first.asset, first.address, first.amount) == \
        (2, "ethereum", "ETH", PUBLISHED[0][1], None)
    assert (first.proof.message, first.proof.signatures) == (MSG, (PUBLISHED[0][2],))
    assert first.proof.scheme == "eip191-abi-keccak"


def test_swapped_tampered_and_wrong_digest_signatures_fail(tmp_path):
    k = _keys(2)
    good = k[0].evm_sign(MSG, scheme="eip191-abi-keccak")
    tampered = good[:10] + ("0" if good[10] != "0" else "1") + good[11:]
    lines = [
        f"ETH;{k[0].evm_address()};{good};{MSG}",
        f"ETH;{k[0].evm_address()};{tampered};{MSG}",
        # Summa's own file once paired each of these signatures with the other address.
        f"ETH;{PUBLISHED[0][1]};{PUBLISHED[1][2]};{MSG}",
        # The same key over plain personal_sign: a valid signature, but not Summa's digest.
        f"ETH;{k[1].evm_address()};{k[1].evm_sign(MSG, scheme='eip191-text')};{MSG}",
        f"ETH;{k[0].evm_address()};{good};{MSG} (edited)",
    ]
    check = check_claims(_write(tmp_path, lines), jobs=1)
    assert [v.status.value for v in check.verdicts] == ["verified"] + ["failed"] * 4
    assert all("under eip191-abi-keccak" in v.reason for v in check.verdicts[2:4])
    assert check.exit_code == 1


def test_every_column_with_quoting_and_non_evm_chains(tmp_path):
    k = _keys(1)[0]
    message = 'Summa; round "7" 2026-12-01'
    sig = k.evm_sign(message, scheme="eip191-abi-keccak")
    quoted = '"' + message.replace('"', '""') + '"'
    path = _write(tmp_path, [f"BSC;{k.evm_address()};{sig};{quoted}",
                             f"MOON;0xabc;{sig};{quoted}",
                             f"BTC;{k.btc_address('p2wpkh')};{k.btc_sign(message)};{quoted}",
                             f"ETH;{k.evm_address()};;{quoted}"])
    check = check_claims(path, jobs=1)
    bsc, moon, btc, unsigned = zip(check.claims, check.verdicts)
    assert (bsc[0].chain, bsc[0].asset, bsc[0].proof.message) == ("bsc", "BNB", message)
    assert bsc[1].status.value == "verified"
    assert moon[0].chain is None and moon[1].status.value == "unsupported"
    assert "unknown network 'MOON'" in moon[1].reason
    # Non-EVM rows declare no scheme: the family's own (here BIP-137) applies.
    assert btc[0].proof.scheme is None and btc[1].status.value == "verified"
    assert unsigned[1].status.value == "unsigned"


@pytest.mark.parametrize("line, where, what", [
    ("ETH;0xabc;0x12", ":2:", "truncated row: 3 columns, the header has 4"),
    ("ETH;0xabc;0x12;m;extra", ":2:", "row: 5 columns, the header has 4"),
    (";0xabc;0x12;m", ":2 (chain):", "empty chain"),
    ("ETH; ;0x12;m", ":2 (address):", "empty address"),
    ('ETH;0xabc;0x12;"m', ":2:", "unreadable CSV"),
])
def test_malformed_rows_are_one_line_errors(tmp_path, capsys, line, where, what):
    path = _write(tmp_path, [line])
    assert main(["claims", "verify", path]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"signatures.csv{where}" in err and what in err, err


def test_forced_format_names_a_wrong_header(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text("chain,address,signature,message\nETH,0xabc,0x12,m\n")
    assert main(["claims", "verify", str(path), "--format", "summa"]) == 2
    assert "s.csv:1: header" in capsys.readouterr().err


def test_claims_verify_on_a_summa_file(tmp_path, capsys):
    path = _write(tmp_path, [f"{c};{a};{s};{MSG}" for c, a, s in PUBLISHED])
    assert main(["claims", "verify", path, "--message", MSG, "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].split()[:6] == ["2", "ethereum", "ETH", PUBLISHED[0][1], "verified",
                                  "eip191-abi-keccak"]
    assert main(["claims", "verify", path, "--json", "--quiet", "--message", "other"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["verdict"] for r in rows] == ["failed", "failed"]


def test_load_keeps_the_message_exactly(tmp_path):
    path = _write(tmp_path, [f"ETH;{PUBLISHED[0][1]};{PUBLISHED[0][2]};  {MSG} "])
    assert load(path).claims[0].proof.message == f"  {MSG} "
