"""The header eras and formats no real file in shared/ covers, built with our own keys."""

import json

import pytest

from chains.signers import Ed25519Key, Secp256k1Key, multisig_address, multisig_script, secret
from reserves.claims_check import check_claims
from reserves.cli import main
from reserves.importers import load

MSG = "I am an OKX address"


def _keys(n, seed="imp"):
    return [Secp256k1Key(secret(seed, i)) for i in range(n)]


def test_okx_9_column_era(tmp_path):
    k = _keys(2)
    path = tmp_path / "okx9.csv"
    path.write_text(
        "coin,snapshot height,amount\nETH,100,1.5\nUSDT-TRC20,200,2.25\n\n"
        "coin,network,snapshot height,address,balance,message,signature1,signature2,"
        "redeem script\n"
        f"ETH,ETH,100,{k[0].evm_address()},1.5,{MSG},{k[0].evm_sign(MSG)},\\N,null\n"
        f"USDT-TRC20,TRON,200,{k[1].tron_address()},2.25,{MSG},{k[1].tron_sign(MSG)},,\n")
    check = check_claims(str(path), jobs=1)
    assert check.file.format == "okx-9col"
    assert [v.status.value for v in check.verdicts] == ["verified", "verified"]
    eth, usdt = check.claims
    assert (eth.amount, eth.height, eth.chain) == (1500000000000000000, 100, "ethereum")
    assert (usdt.amount, usdt.chain, usdt.asset) == (2250000, "tron", "USDT")
    assert not [f for f in check.findings if f.kind.startswith("totals")]


def test_okx_12_column_era_with_staking_rows(tmp_path):
    owner, other = _keys(2)
    validator = "0x" + "ab" * 48
    path = tmp_path / "okx12.csv"
    path.write_text(
        "coin,Type,Network,Snapshot Height,address,amount,message,signature1,signature2,"
        "redeem script/ public key,EOA1,EOA2\n"
        f"ETH,Non Staking,ETH,7,{other.evm_address()},3,{MSG},{other.evm_sign(MSG)},,,,\n"
        f"ETH,Native ETH Staking,ETH,7,{validator},32,{MSG},{owner.evm_sign(MSG)},,,"
        f"{owner.evm_address()},\n"
        f"ETH,Eigenlayer Staking,ETH,7,{validator},32,{MSG},{other.evm_sign(MSG)},,,"
        f"{owner.evm_address()},\n")
    check = check_claims(str(path), jobs=1)
    assert check.file.format == "okx-12col"
    plain, staked, wrong = zip(check.claims, check.verdicts)
    assert plain[1].status.value == "verified"
    assert staked[0].kind == "native-eth-staking"
    assert staked[1].status.value == "owner-signed"
    assert "withdrawal credentials are not checked" in staked[1].reason
    assert wrong[1].status.value == "failed"


def test_okx_cells_with_commas_inside_brackets(tmp_path):
    k = _keys(1)[0]
    path = tmp_path / "brackets.csv"
    path.write_text(
        "coin,address,amount,message,signature1,signature2,redeem script/ public key\n"
        f"ETH,{k.evm_address()},5,{MSG},{k.evm_sign(MSG)},,[a,b]\n")
    (claim,) = load(str(path)).claims
    assert claim.proof.script == "[a,b]"


def test_every_bitcoin_family_form(tmp_path):
    """Single-key P2PKH (both key forms), BIP-137 segwit, multisig in all three forms,
    and the other chains' magic and version bytes."""
    k = _keys(4, "btc")
    script = multisig_script(k[:3], 2)
    rows = [
        ("bitcoin", k[0].btc_address("p2pkh"), [k[0].btc_sign(MSG)], ""),
        ("bitcoin", k[0].btc_address("p2pkh-uncompressed"), [k[0].btc_sign(MSG, header_base=27)], ""),
        ("bitcoin", k[1].btc_address("p2wpkh"), [k[1].btc_sign(MSG, header_base=39)], ""),
        ("bitcoin", k[1].btc_address("p2wpkh"), [k[1].btc_sign(MSG, header_base=31)], ""),
        ("bitcoin", k[2].btc_address("p2sh-p2wpkh"), [k[2].btc_sign(MSG, header_base=35)], ""),
        ("bitcoin", multisig_address(script, "p2wsh"), [k[0].btc_sign(MSG), k[2].btc_sign(MSG)],
         script.hex()),
        ("bitcoin", multisig_address(script, "p2sh"), [k[1].btc_sign(MSG), k[2].btc_sign(MSG)],
         script.hex()),
        ("bitcoin", multisig_address(script, "p2sh-p2wsh"), [k[0].btc_sign(MSG),
                                                             k[1].btc_sign(MSG)], script.hex()),
        ("litecoin", k[3].btc_address("p2pkh", "litecoin"), [k[3].btc_sign(MSG, "litecoin")], ""),
        ("litecoin", k[3].btc_address("p2wpkh", "litecoin"),
         [k[3].btc_sign(MSG, "litecoin", header_base=39)], ""),
        ("dogecoin", k[3].btc_address("p2pkh", "dogecoin"), [k[3].btc_sign(MSG, "dogecoin")], ""),
        ("dogecoin", multisig_address(script, "p2sh", "dogecoin"),
         [k[0].btc_sign(MSG, "dogecoin"), k[1].btc_sign(MSG, "dogecoin")], script.hex()),
        ("bitcoin-cash", k[3].btc_address("p2pkh", "bitcoin-cash"), [k[3].btc_sign(MSG)], ""),
        # Wrong: a Bitcoin signature on a Dogecoin address (other magic), and a
        # BIP-137 P2WPKH header on a P2PKH address.
        ("dogecoin", k[3].btc_address("p2pkh", "dogecoin"), [k[3].btc_sign(MSG)], ""),
        ("bitcoin", k[1].btc_address("p2pkh"), [k[1].btc_sign(MSG, header_base=39)], ""),
    ]
    lines = ["chain,asset,address,amount,decimals,message,signatures,script"]
    for chain, address, sigs, s in rows:
        lines.append(f"{chain},X,{address},1,8,{MSG},{';'.join(sigs)},{s}")
    path = tmp_path / "btc.csv"
    path.write_text("\n".join(lines) + "\n")
    check = check_claims(str(path), jobs=1)
    got = [(v.status.value, v.scheme) for v in check.verdicts]
    assert got[:13] == [
        ("verified", "bitcoin-signmessage"), ("verified", "bitcoin-signmessage"),
        ("verified", "bip137"), ("verified", "bip137"), ("verified", "bip137"),
        ("verified", "bitcoin-multisig"), ("verified", "bitcoin-multisig"),
        ("verified", "bitcoin-multisig"), ("verified", "bitcoin-signmessage"),
        ("verified", "bip137"), ("verified", "bitcoin-signmessage"),
        ("verified", "bitcoin-multisig"), ("verified", "bitcoin-signmessage")]
    assert "P2SH-P2WSH" in check.verdicts[7].reason
    assert got[13][0] == "failed" and got[14][0] == "failed"
    assert "header byte" in check.verdicts[14].reason


def test_native_format_declared_scheme_and_lists(tmp_path):
    owners = _keys(2, "own")
    sol = Ed25519Key(secret("sol", 1))
    contract = "0x" + "11" * 20
    path = tmp_path / "native.csv"
    path.write_text(
        "# demo exchange claims\n"
        "chain,network,asset,address,amount,decimals,height,message,scheme,signatures,"
        "script,owners\n"
        f"ethereum,mainnet,ETH,{contract},10,18,5,{MSG},eip191-text,"
        f"{owners[0].evm_sign(MSG, 'eip191-text')};{owners[1].evm_sign(MSG, 'eip191-text')},,"
        f"{owners[0].evm_address()};{owners[1].evm_address()}\n"
        f"ethereum,mainnet,ETH,{owners[0].evm_address()},1,18,5,{MSG},eip191-text,"
        f"{owners[0].evm_sign(MSG, 'eip191-keccak')},,\n"
        f"solana,mainnet,SOL,{sol.address},7,9,5,{MSG},,{sol.sign(MSG)},,\n"
        f"tron,mainnet,TRX,TJTc3g4AuDoPxCFmTbcTJEmQwhFrTnJGNR,1,6,5,,,,,\n")
    check = check_claims(str(path), jobs=1)
    got = [v.status.value for v in check.verdicts]
    assert got == ["owner-signed", "failed", "verified", "unsigned"]
    assert "eip191-text" in check.verdicts[1].reason  # only the declared scheme was tried
    assert check.claims[0].amount == 10 and check.claims[2].decimals == 9


def test_native_format_rejects_unknown_columns_and_networks(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("chain,asset,address,amount,decimals,colour\n")
    with pytest.raises(Exception, match="unknown column 'colour'"):
        load(str(path))
    path.write_text("chain,network,asset,address,amount,decimals\n"
                    "bitcoin,moon,BTC,1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu,1,8\n")
    with pytest.raises(Exception, match=r"n.csv:2 \(network\).*moon"):
        load(str(path))


def test_json_lines_carry_the_promised_fields(tmp_path, capsys):
    k = _keys(1)[0]
    path = tmp_path / "one.csv"
    path.write_text("chain,asset,address,amount,decimals,message,signatures\n"
                    f"ethereum,ETH,{k.evm_address()},123456789012345678901234567890,18,{MSG},"
                    f"{k.evm_sign(MSG)}\n")
    code = main(["claims", "verify", str(path), "--json", "--quiet", "--message", MSG])
    out = capsys.readouterr().out
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    for key in ("row", "chain", "asset", "address", "scheme", "verdict", "reason"):
        assert key in row
    assert row["row"] == 2 and row["verdict"] == "verified"
    assert row["amount"] == 123456789012345678901234567890  # exact, beyond int64


def test_large_file_judged_in_parallel_gives_the_same_verdicts(tmp_path):
    keys = _keys(50, "par")
    lines = ["chain,asset,address,amount,decimals,message,signatures"]
    for i in range(5000):
        k = keys[i % 50]
        sig = k.evm_sign(MSG) if i % 7 else keys[(i + 1) % 50].evm_sign(MSG)
        lines.append(f"ethereum,ETH,{k.evm_address()},{i},18,{MSG},{sig}")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    serial = check_claims(str(path), jobs=1)
    parallel = check_claims(str(path), jobs=2)
    assert serial.verdicts == parallel.verdicts
    assert serial.counts()["failed"] == len(range(0, 5000, 7))
