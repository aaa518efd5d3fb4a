"""Claims input at its edges: forced formats, odd digits, absurd sizes, foreign keys.

Each case starts from a real file in ../shared/data/exchanges, or builds rows
with the test's own keys, and checks the one outcome that case deserves.
"""

import pytest

from chains.signers import Secp256k1Key, secret
from reserves.claims_check import check_claims
from reserves.cli import main
from tests.support import EXCHANGES, shared

OKX_2022 = "okx_proof-of-reserves_okx_por_example_2022-11-22.csv"
HTX_2023 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20230901.csv"
DELOITTE = "okx_proof-of-reserves_test_deloitte_format.csv"
MSG = "I am an OKX address"


def _run(capsys, *args):
    code = main(["claims", "verify", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err, *needles):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reserves: error: "), err
    assert "internal error" not in err
    for n in needles:
        assert n in lines[0], (n, lines[0])


@pytest.mark.parametrize("name,fmt,verified", [
    (OKX_2022, "okx", 33), (HTX_2023, "htx", 71), (DELOITTE, "okx-audit", 6)])
def test_forced_format_matching_the_file(capsys, name, fmt, verified):
    check = check_claims(str(shared(f"{EXCHANGES}/{name}")), fmt=fmt, jobs=1)
    assert check.counts()["verified"] == verified


@pytest.mark.parametrize("name,fmt,needle", [
    (OKX_2022, "htx", "unexpected section header"),
    (OKX_2022, "okx-audit", "found a blank line"),
    (HTX_2023, "okx", "expected exactly one OKX address table"),
    (DELOITTE, "native", "unknown column 'digitalasset'"),
])
def test_forced_format_that_does_not_fit_is_refused(capsys, name, fmt, needle):
    """--format never bends a file into another shape: one line, exit 2."""
    path = shared(f"{EXCHANGES}/{name}")
    code, out, err = _run(capsys, path, "--format", fmt)
    assert code == 2 and out == ""
    _one_line(err, str(path), needle)


def test_unicode_digit_as_a_snapshot_height(tmp_path, capsys):
    k = Secp256k1Key(secret("edges", 1))
    path = tmp_path / "okx9.csv"
    path.write_text(
        "coin,network,snapshot height,address,balance,message,signature1,signature2,"
        "redeem script\n"
        f"ETH,ETH,\u00b2,{k.evm_address()},1.5,{MSG},{k.evm_sign(MSG)},,\n")
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, f"{path}:2 (snapshot height)", "not a whole number")


def test_amount_too_long_to_be_an_amount(tmp_path, capsys):
    lines = shared(f"{EXCHANGES}/{OKX_2022}").read_text().split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith("ETH,0xe7d5"))
    cells = lines[i].split(",")
    cells[2] = "9" * 5000  # past Python's int() digit limit
    lines[i] = ",".join(cells)
    path = tmp_path / "huge.csv"
    path.write_text("\n".join(lines))
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, f"{path}:{i + 1} (amount)", "too long")


@pytest.mark.parametrize("decimals,needle", [
    ("\u0663", "is not a whole number"),  # ARABIC-INDIC DIGIT THREE: isdigit(), not ASCII
    ("1000000000", "more than 77"),
])
def test_native_decimals_must_be_a_plausible_ascii_number(tmp_path, capsys, decimals, needle):
    path = tmp_path / "n.csv"
    path.write_text("chain,asset,address,amount,decimals\n"
                    f"ethereum,ETH,0x{'00' * 19}01,5,{decimals}\n")
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, f"{path}:2 (decimals)", needle)


def test_native_row_on_an_unknown_chain_names_that_chain(tmp_path):
    k = Secp256k1Key(secret("edges", 2))
    path = tmp_path / "n.csv"
    path.write_text("chain,asset,address,amount,decimals,message,signatures\n"
                    f"moonchain,MOON,{k.evm_address()},5,18,{MSG},{k.evm_sign(MSG)}\n"
                    f"moonchain,MOON,{k.evm_address()},5,18,,\n")
    check = check_claims(str(path), jobs=1)
    signed, unsigned = check.verdicts
    assert signed.status.value == "unsupported" and "moonchain" in signed.reason
    assert unsigned.status.value == "unsigned" and "moonchain" in unsigned.reason


def test_native_decimals_that_contradict_the_catalog_are_an_error(tmp_path, capsys):
    k = Secp256k1Key(secret("edges", 4))
    path = tmp_path / "n.csv"
    rows = [f"ethereum,USDT,{k.evm_address()},{5 + i},18,{MSG},{k.evm_sign(MSG)}"
            for i in range(3)]
    rows.append(f"ethereum,ETH,{k.evm_address()},7,18,{MSG},{k.evm_sign(MSG)}")
    path.write_text("chain,asset,address,amount,decimals,message,signatures\n"
                    + "\n".join(rows) + "\n")
    check = check_claims(str(path), jobs=1)
    (finding,) = [f for f in check.findings if f.kind == "decimals-contradict-catalog"]
    assert "USDT on ethereum" in finding.message and "18 decimals (line 2, 3 rows)" in finding.message
    assert "catalog has 6" in finding.message
    assert all(v.status.value == "verified" for v in check.verdicts)
    assert check.exit_code == 1
    code, _, _ = _run(capsys, path)
    assert code == 1


def test_multisig_signature_by_a_key_outside_the_script(tmp_path):
    """A real 2-of-3 row whose second signature is by a key the script does not hold."""
    lines = shared(f"{EXCHANGES}/{OKX_2022}").read_text().split("\n")
    address = "bc1qxmaqqg9az39uj8pxf6qckqhu2awquhlg24zg4897mv6wnj8aw97svxgu3r"
    i = next(i for i, line in enumerate(lines) if address in line)
    cells = lines[i].split(",")
    outsider = Secp256k1Key(secret("edges", 3))
    cells[5] = outsider.btc_sign(MSG)
    lines[i] = ",".join(cells)
    path = tmp_path / "m.csv"
    path.write_text("\n".join(lines))
    check = check_claims(str(path), jobs=1)
    (v,) = [v for c, v in check.rows() if c.address == address]
    assert v.status.value == "failed"
    assert f"signature 2 is by key {outsider.pub().hex()}, which is not in the script" in v.reason
    assert check.counts()["verified"] == 32
