"""Binance's address file: header detection, every column, the custodian everywhere, streaming.

No Binance file is in shared/ (they are hundreds of megabytes a month), so the
files here follow the published layout with addresses of our own
(``bench/binance_file.py`` writes large ones).
"""

import json

import pytest

from bench.binance_file import HEADER, generate
from reports import csv_report, html, markdown
from reserves.claims_check import check_claims
from reserves.cli import main
from reserves.importers import load, sniff
from reserves.importers.claim_table import ClaimTable
from reserves.reconcile import reconcile
from reserves.result import AuditResult, records

BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
ETH = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
TRX = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def _file(tmp_path, body: str, name="binance.csv", header=HEADER) -> str:
    path = tmp_path / name
    path.write_text(header + "\n" + body)
    return str(path)


def test_every_column_read_and_every_row_unsigned(tmp_path):
    path = _file(tmp_path,
                 f"BTC,BTC,{BTC},1.50000000,850000,Ceffu\n"
                 f"USDT,ETH,{ETH},100.25,19000000,\n"
                 f"USDT,TRX,{TRX},7,62000000,\n"
                 f"ETH,ETH,{ETH.lower()},,,\n")
    check = check_claims(path, jobs=1)
    assert check.file.format == "binance"
    btc, usdt_eth, usdt_trx, eth = check.claims
    assert (btc.row, btc.coin, btc.chain, btc.asset, btc.address) == (2, "BTC", "bitcoin", "BTC", BTC)
    assert (btc.amount, btc.decimals, btc.amount_text, btc.height) == (150000000, 8, "1.50000000", 850000)
    assert btc.custodian == "Ceffu" and btc.chain_label == "BTC"
    assert (usdt_eth.chain, usdt_eth.asset, usdt_eth.amount, usdt_eth.decimals) == \
        ("ethereum", "USDT", 100250000, 6)
    assert usdt_eth.custodian == "" and usdt_eth.height == 19000000
    assert (usdt_trx.chain, usdt_trx.amount) == ("tron", 7000000)
    assert (eth.amount, eth.amount_text, eth.height) == (None, "", None)
    assert [v.status.value for v in check.verdicts] == ["unsigned"] * 4
    assert check.exit_code == 0


def test_header_detected_case_and_order_free_and_custodian_optional(tmp_path):
    path = _file(tmp_path, f"{BTC},BTC,btc,0.1,1\n",
                 header="Address,Network,Coin,Balance,height")
    assert sniff(open(path).read()) == "binance"
    (claim,) = load(path).claims
    assert (claim.address, claim.chain, claim.amount, claim.custodian) == (BTC, "bitcoin",
                                                                          10000000, "")
    # The OKX 9-column header has coin, network, address and balance too: not Binance.
    assert sniff("coin,network,snapshot height,address,balance,message,signature1\n") is None


def test_unknown_network_is_unsigned_with_its_label_and_unknown_decimals_inferred(tmp_path):
    path = _file(tmp_path, "FOO,MOONCHAIN,m1,1.234,5,\nFOO,MOONCHAIN,m2,2.5,5,\n")
    check = check_claims(path, jobs=1)
    a, b = check.claims
    assert a.chain is None and a.chain_label == "MOONCHAIN"
    assert (a.decimals, a.amount, b.amount, a.decimals_inferred) == (3, 1234, 2500, True)
    assert check.verdicts[0].reason == "no signature published (unknown network 'MOONCHAIN')"
    assert [f.kind for f in check.findings if f.kind == "decimals-inferred"] == \
        ["decimals-inferred"]


def test_an_address_that_does_not_decode_fails(tmp_path):
    path = _file(tmp_path, f"BTC,BTC,{BTC[:-1]}x,1,850000,\n")
    check = check_claims(path, jobs=1)
    assert check.verdicts[0].status.value == "failed"
    assert "does not decode" in check.verdicts[0].reason


@pytest.mark.parametrize("body, where, what", [
    (f"BTC,BTC,{BTC},1.5,850000\n", ":2:", "truncated row: 5 columns, the header has 6"),
    (f"BTC,BTC,{BTC},1.5,850000,,x\n", ":2:", "row has 7 columns, the header has 6"),
    (f"BTC,BTC,{BTC},1.123456789,850000,\n", ":2 (balance):", "more than the asset's 8"),
    (f"BTC,BTC,{BTC},-1,850000,\n", ":2 (balance):", "not a non-negative decimal"),
    (f"BTC,BTC,{BTC},1,85e4,\n", ":2 (Height):", "'85e4' is not a whole number"),
    (f",BTC,{BTC},1,1,\n", ":2 (coin):", "empty coin"),
    ("BTC,BTC,,1,1,\n", ":2 (address):", "empty address"),
    (f'BTC,BTC,{BTC},1,1,"open\n', ":2:", "unreadable CSV"),
    ("", "", "no address rows"),
])
def test_malformed_rows_are_one_line_errors_with_file_line_and_column(tmp_path, capsys, body,
                                                                      where, what):
    path = _file(tmp_path, body)
    code = main(["claims", "verify", path])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"binance.csv{where}" in err and what in err


def test_bad_bytes_and_unknown_columns_are_named(tmp_path, capsys):
    path = tmp_path / "b.csv"
    path.write_bytes((HEADER + "\n").encode() + f"BTC,BTC,{BTC},1,1,Caf\xe9\n".encode("latin-1"))
    assert main(["claims", "verify", str(path), "--format", "binance"]) == 2
    assert "b.csv:2: not UTF-8 text (invalid byte 0xe9)" in capsys.readouterr().err
    path.write_text("coin,network,address,balance,Height,colour\n")
    assert main(["claims", "verify", str(path), "--format", "binance"]) == 2
    assert "b.csv:1: unknown column 'colour'" in capsys.readouterr().err


def test_custodian_shown_in_claims_verify_table_and_json(tmp_path, capsys):
    path = _file(tmp_path, f"BTC,BTC,{BTC},1.5,850000,Ceffu\nUSDT,ETH,{ETH},2,19000000,\n")
    assert main(["claims", "verify", path, "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["ROW", "CHAIN", "ASSET", "ADDRESS", "CUSTODIAN", "VERDICT",
                              "SCHEME", "REASON"]
    assert out[2].split()[:6] == ["2", "bitcoin", "BTC", BTC, "Ceffu", "unsigned"]
    assert out[3].split()[4] == "-"
    assert main(["claims", "verify", path, "--json", "--quiet"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["custodian"] for r in rows] == ["Ceffu", None]
    assert [r["verdict"] for r in rows] == ["unsigned", "unsigned"]


def test_custodian_column_in_the_audit_addresses_and_reports(tmp_path):
    check = check_claims(_file(tmp_path, f"BTC,BTC,{BTC},1.5,850000,Ceffu\n"
                                         f"USDT,ETH,{ETH},2,19000000,\n"), jobs=1)
    addresses, coverage, findings = reconcile(list(check.claims), check.verdicts, {}, [])
    assert [r["custodian"] for r in records(addresses)] == ["Ceffu", None]
    result = AuditResult(exchange="x", snapshot=[], inputs=[], liabilities=None,
                         addresses=addresses, coverage=coverage, finding_list=findings,
                         message_policy="any")
    rows = csv_report.render_addresses(result).splitlines()
    header = rows[0].split(",")
    assert header[header.index("address") + 1] == "custodian"
    assert rows[1].split(",")[header.index("custodian")] == "Ceffu"
    assert "| custodian |" in markdown.render(result) and "| Ceffu |" in markdown.render(result)
    assert "<th>custodian</th>" in html.render(result) and "<td>Ceffu</td>" in html.render(result)


def test_files_without_custodians_keep_their_address_columns(tmp_path):
    check = check_claims(_file(tmp_path, f"BTC,BTC,{BTC},1.5,850000,\n"), jobs=1)
    addresses, _, _ = reconcile(list(check.claims), check.verdicts, {}, [])
    assert "custodian" not in addresses


def test_the_table_gives_the_same_claims_as_a_list(tmp_path):
    path = tmp_path / "gen.csv"
    generate(path, 3000)
    table = load(str(path)).claims
    assert isinstance(table, ClaimTable)
    claims = list(table)
    assert len(claims) == 3000 and table[-1] == claims[-1] and table[5:9] == claims[5:9]
    assert {c.custodian for c in claims} == {"", "Ceffu", "Custodian B"}
    assert {c.chain for c in claims} == {"bitcoin", "ethereum", "tron", "bsc", "solana"}
    with pytest.raises(IndexError):
        table[3000]


def test_a_generated_file_verifies_in_parallel_all_unsigned(tmp_path):
    path = tmp_path / "gen.csv"
    generate(path, 12_000)
    one = check_claims(str(path), jobs=1)
    two = check_claims(str(path), jobs=2)
    assert one.verdicts == two.verdicts
    assert {v.status.value for v in one.verdicts} == {"unsigned"}
    assert one.file.source.size == path.stat().st_size
    import hashlib
    assert one.file.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
