"""Coin labels: the label map, the catalog's two orders, and the address's own form.

The later HTX months that broke the importer are not in shared/, so their
labels are put on real rows of the 2023-09 file: the signatures cover the
message, not the label, so every relabelled row keeps its real proof.
"""

import json
from collections import Counter

import pytest

from chains.signers import Ed25519Key, Secp256k1Key, multisig_address, multisig_script, secret
from reserves.balances import Balance
from reserves.catalog import default_catalog
from reserves.claims_check import judge_file
from reserves.cli import main
from reserves.errors import ConfigError
from reserves.importers import load
from reserves.labels import address_form, load_label_map
from reserves.reconcile import reconcile
from tests.support import EXCHANGES, shared

HTX_2023 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20230901.csv"

# line of the 2023-09 file -> the label a later month writes there
RELABEL = {
    29: "BTC-LEGACY",       # a Bitcoin P2PKH row under a label naming no chain
    53: "jsTRX",
    64: "aETH",
    93: "USDT-aEthUSDT",
    94: "ERC20-USDC",       # network first
    97: "SOL-USDC",         # network first, and SOL is an asset too
}
# totals lines of the relabelled file, kept consistent with its rows
TOTALS = {
    "BTC": "BTC,805602,13547.48853\nBTC-LEGACY,805602,705.0572893",
    "ETH": "ETH,18035610,19478.66284\naETH,18035610,62.53540816",
    "USDT(ALL)": "USDT(ALL),-,638388346.8",
    "USDT-ETH": "USDT-ETH,18035610,44980709.01\nUSDT-aEthUSDT,18035610,27414370.26",
    "USDT-SOL": "USDC(ALL),-,3643232.485\nSOL-USDC,214759743,3643230.491\n"
                "ERC20-USDC,18035610,1.994",
}


def relabelled(tmp_path, relabel=RELABEL, totals=TOTALS):
    lines = shared(f"{EXCHANGES}/{HTX_2023}").read_text(encoding="utf-8-sig").split("\n")
    for number, label in relabel.items():
        coin, rest = lines[number - 1].split(",", 1)
        lines[number - 1] = f"{label},{rest}"
    for i, line in enumerate(lines):
        coin = line.split(",", 1)[0]
        if i < 23 and coin in totals:
            lines[i] = totals[coin]
    path = tmp_path / "htx_later_month.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("label, asset, chain, form", [
    ("USDT-TRC20", "USDT", "tron", "asset-network"),
    ("USDT-Avalanche C-Chain", "USDT", "avalanche", "asset-network"),
    ("HT-ETH", "HT", "ethereum", "asset-network"),
    ("BTC-TRC20", "BTC", "tron", "asset-network"),
    ("ERC20-USDC", "USDC", "ethereum", "network-asset"),
    ("BEP20-USDC", "USDC", "bsc", "network-asset"),
    ("SOL-USDC", "USDC", "solana", "network-asset"),
    ("BASE-USDC", "USDC", "base", "network-asset"),
    ("BASE-ETH", "ETH", "base", "network-asset"),
    ("ERC20-ETH", "ETH", "ethereum", "network-asset"),
    ("ETH-BASE", "ETH", "base", "asset-network"),
    ("USDT-ERC20", "USDT", "ethereum", "asset-network"),
    ("STEAK-USDC", "USDC", None, "qualifier-asset"),
    ("USDT-aEthUSDT", "USDT", None, "asset-qualifier"),
    ("USDT-T-Bills", "USDT", None, "asset-qualifier"),
    ("BTC-BUY-BACK", "BTC", None, "asset-qualifier"),
    ("ETH", "ETH", "ethereum", "bare"),
    ("stETH", "stETH", "ethereum", "bare"),
    ("aETH", "aETH", None, "unknown"),
    ("jsTRX", "jsTRX", None, "unknown"),
    ("WLFI", "WLFI", None, "unknown"),
])
def test_the_catalog_reads_both_orders(label, asset, chain, form):
    r = default_catalog().resolve(label)
    assert (r.asset, r.chain.id if r.chain else None, r.form) == (asset, chain, form)


def test_usdc_written_network_first_on_bsc_has_bscs_decimals():
    assert default_catalog().resolve("BEP20-USDC").decimals == 18


def test_address_forms():
    k = Secp256k1Key(secret("forms", 1))
    script = multisig_script([k, Secp256k1Key(secret("forms", 2))], 1)
    assert address_form(k.evm_address()).family == "evm"
    assert address_form(k.evm_address().lower()).family == "evm"
    assert address_form(k.tron_address()).chains == ("tron",)
    assert address_form(k.btc_address("p2pkh")).chains == ("bitcoin",)
    assert address_form(k.btc_address("p2wpkh")).chains == ("bitcoin",)
    assert address_form(k.btc_address("p2wpkh", "litecoin")).chains == ("litecoin",)
    assert address_form(k.btc_address("p2pkh", "dogecoin")).chains == ("dogecoin",)
    # A 3... address is P2SH on Bitcoin and (legacy) on Litecoin, under two message
    # prefixes: both are tried.
    assert address_form(multisig_address(script, "p2sh")).chains == ("bitcoin", "litecoin")
    assert address_form(Ed25519Key(secret("forms", 3)).address).family == "solana"
    assert address_form("J4AEINCSSLDA7LNBNWM4ZXFCTLTOZT5LG3F5BLMFPJYGFWVCMU37EZI2AM").family \
        == "algorand"
    # Forms that name no single family: an Aptos/Sui/NEAR-style 32-byte hex account,
    # an EOS name, a TON address, an SS58 address of another network, a typo.
    for other in ("0x" + "ab" * 32, "okbwallet1tr",
                  "EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N",
                  "5EYCAe5ijiYfyeZ2JJCGq56LmPyNRAKzpG4QkoQkkQNB5e6Z",
                  k.tron_address()[:-1] + ("1" if k.tron_address()[-1] != "1" else "2"), ""):
        assert address_form(other) is None, other


def test_later_month_labels_verify_by_address_form(tmp_path):
    """The rows a new label made unsupported verify again, with chain null and the
    family set, and each such label draws one label-unmapped warning."""
    check = judge_file(load(str(relabelled(tmp_path))), jobs=1)
    counts = {k.value: v for k, v in check.counts().items() if v}
    assert counts == {"verified": 71, "unsigned": 3}  # as the file with its own labels
    by_coin = {c.coin: (c, v) for c, v in check.rows()}
    expect = {"BTC-LEGACY": ("BTC", "bitcoin"), "jsTRX": ("jsTRX", "tron"),
              "aETH": ("aETH", "evm"), "USDT-aEthUSDT": ("USDT", "evm")}
    for coin, (asset, family) in expect.items():
        claim, verdict = by_coin[coin]
        assert (claim.chain, claim.family, claim.asset) == (None, family, asset)
        assert verdict.status.value == "verified"
        assert "judged as" in verdict.reason and "balance is not read" in verdict.reason
    assert (by_coin["ERC20-USDC"][0].chain, by_coin["ERC20-USDC"][0].asset) == \
        ("ethereum", "USDC")
    assert (by_coin["SOL-USDC"][0].chain, by_coin["SOL-USDC"][0].asset) == ("solana", "USDC")
    unmapped = [f for f in check.findings if f.kind == "label-unmapped"]
    assert sorted(f.subject.rsplit(":", 1)[1] for f in unmapped) == \
        ["BTC-LEGACY", "USDT-aEthUSDT", "aETH", "jsTRX"]
    aeth = next(f for f in unmapped if f.subject.endswith(":aETH"))
    assert "1 row, claiming 62.53540816 aETH" in aeth.message
    assert '"aETH" = { chain = "<chain id>", asset = "aETH" }' in aeth.message
    assert "--labels FILE" in aeth.message
    # No asset is named after a network, and every total adds up.
    assert not {c.asset for c in check.claims} & {"ERC20", "SOL", "BEP20", "BASE"}
    kinds = Counter(f.kind for f in check.findings)
    assert kinds["totals-mismatch"] == 0, [f.message for f in check.findings
                                           if f.kind == "totals-mismatch"]


def test_unmapped_rows_are_never_counted(tmp_path):
    """A verified row whose label names no chain has no balance: not observed, 0 verified,
    even when a balance of the same address and asset was read on a named chain."""
    check = judge_file(load(str(relabelled(tmp_path))), jobs=1)
    claims = [c for c in check.claims if c.coin == "aETH"]
    verdicts = [v for c, v in check.rows() if c.coin == "aETH"]
    assert verdicts[0].status.value == "verified" and claims[0].chain is None
    read = {("ethereum", claims[0].address.lower(), "aETH"): Balance(
        "ethereum", claims[0].address, "aETH", 10 ** 30, 18, 1, "0x00", "test")}
    addresses, coverage, _ = reconcile(claims, verdicts, read, [])
    assert addresses.iloc[0]["bucket"] == "not_observed"
    row = coverage.iloc[0]
    assert row["verified"] == 0 and row["not_observed"] == claims[0].amount


def test_a_wrong_key_under_an_unmapped_label_fails(tmp_path):
    lines = shared(f"{EXCHANGES}/{HTX_2023}").read_text(encoding="utf-8-sig").split("\n")
    row = lines[63].split(",")            # ETH 0x1062..., signed over "King will be back!"
    row[0], row[1] = "aETH", lines[64].split(",")[1]  # the next row's address, not its key
    lines[63] = ",".join(row)
    path = tmp_path / "wrong.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    check = judge_file(load(str(path)), jobs=1)
    (verdict,) = [v for c, v in check.rows() if c.row == 64]
    assert verdict.status.value == "failed" and "an EVM address" in verdict.reason


def test_bitcoin_family_form_tries_each_message_prefix(tmp_path):
    """A P2SH multisig address reads as Bitcoin or Litecoin: Litecoin signatures verify
    under the Litecoin prefix, Bitcoin ones under Bitcoin's; a Dogecoin-prefix
    signature on the same address fails under both."""
    keys = [Secp256k1Key(secret("lbl", i)) for i in range(3)]
    script = multisig_script(keys, 2)
    address = multisig_address(script, "p2sh")
    msg = "proof 2026-01-01"
    rows = [
        ("XBTC", [keys[0].btc_sign(msg), keys[1].btc_sign(msg)]),
        ("XLTC", [keys[0].btc_sign(msg, "litecoin"), keys[2].btc_sign(msg, "litecoin")]),
        ("XDOGE", [keys[0].btc_sign(msg, "dogecoin"), keys[2].btc_sign(msg, "dogecoin")]),
    ]
    lines = ["coin,address,amount,message,signature1,signature2,redeem script/ public key"]
    lines += [f"{coin},{address},1,{msg},{a},{b},{script.hex()}" for coin, (a, b) in rows]
    path = tmp_path / "multisig.csv"
    path.write_text("\n".join(lines) + "\n")
    check = judge_file(load(str(path)), jobs=1)
    got = [(v.status.value, c.chain, c.family) for c, v in check.rows()]
    assert got == [("verified", None, "bitcoin"), ("verified", None, "bitcoin"),
                   ("failed", None, "bitcoin")]


def _map(tmp_path, text):
    path = tmp_path / "labels.toml"
    path.write_text(text)
    return path


def test_a_label_map_names_the_chain(tmp_path, capsys):
    """Mapping a made-up label turns that row's chain from null to the chain."""
    claims = relabelled(tmp_path)
    code = main(["claims", "verify", str(claims), "--json", "--quiet"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (before,) = [r for r in rows if r["coin"] == "aETH"]
    assert (before["chain"], before["family"], before["verdict"]) == (None, "evm", "verified")
    labels = _map(tmp_path, '"aETH" = { chain = "ethereum", asset = "aETH", decimals = 18 }\n'
                            'jsTRX = { chain = "TRON", asset = "jsTRX" }\n')
    code = main(["claims", "verify", str(claims), "--json", "--quiet", "--labels", str(labels)])
    assert code == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_coin = {r["coin"]: r for r in rows}
    assert (by_coin["aETH"]["chain"], by_coin["aETH"]["asset"], by_coin["aETH"]["decimals"]) \
        == ("ethereum", "aETH", 18)
    assert "not read" not in by_coin["aETH"]["reason"]
    assert by_coin["jsTRX"]["chain"] == "tron"  # an alias in the map names the chain id
    check = judge_file(load(str(claims), labels=load_label_map(labels)), jobs=1)
    unmapped = {f.subject.rsplit(":", 1)[1] for f in check.findings
                if f.kind == "label-unmapped"}
    assert unmapped == {"BTC-LEGACY", "USDT-aEthUSDT"}


def test_a_map_entry_may_rename_a_catalog_label(tmp_path):
    """The map comes first: it overrides what the catalog reads."""
    labels = load_label_map(_map(tmp_path, '[labels]\n"USDT-SOL" = { chain = "solana", '
                                           'asset = "USDC" }\n'))
    claims = load(str(shared(f"{EXCHANGES}/{HTX_2023}")), labels=labels).claims
    (sol,) = [c for c in claims if c.coin == "USDT-SOL"]
    assert (sol.asset, sol.chain) == ("USDC", "solana")


@pytest.mark.parametrize("text, needle", [
    ('X = { chain = "etherium", asset = "X" }', "X.chain: unknown chain 'etherium'"),
    ('X = { asset = "X" }', "X.chain: missing"),
    ('X = { chain = "ethereum" }', "X.asset: missing"),
    ('X = { chain = "ethereum", asset = "X", token = "0x" }', "X.token: unknown key"),
    ('X = { chain = "ethereum", asset = "X", decimals = 99 }', "X.decimals: must be"),
    ('X = { chain = "ethereum", asset = "X", decimals = "6" }', "X.decimals: must be"),
    ('"ERC20-USDC" = { chain = "ethereum", asset = "USDC", decimals = 18 }',
     'ERC20-USDC.decimals: 18 contradicts the catalog, which has 6'),
    ('"erc20-usdc" = { chain = "ethereum", asset = "USDC" }\n'
     '"ERC20-USDC" = { chain = "bsc", asset = "USDC" }', "the same label as"),
    ('X = "ethereum"', "X: must be a table"),
    ('X = { chain = "ethereum", asset = "X"', "not valid TOML"),
])
def test_label_map_errors_name_the_key(tmp_path, capsys, text, needle):
    labels = _map(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as e:
        load_label_map(labels)
    assert needle in str(e.value) and str(labels) in str(e.value)
    code = main(["claims", "verify", str(shared(f"{EXCHANGES}/{HTX_2023}")), "--quiet",
                 "--labels", str(labels)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and needle in err


def test_the_labels_command_lists_every_label(tmp_path, capsys):
    claims = relabelled(tmp_path)
    code = main(["labels", str(claims), "--json"])
    report = json.loads(capsys.readouterr().out)
    by_label = {e["label"]: e for e in report["labels"]}
    assert code == 1  # labels that name no chain are findings
    assert by_label["aETH"]["how"] == "inferred" and by_label["aETH"]["families"] == ["evm"]
    assert by_label["aETH"]["rows"] == 1 and by_label["aETH"]["decimals"] == 8
    assert by_label["aETH"]["amount"] == 6253540816
    assert by_label["aETH"]["amount_display"] == "62.53540816"
    assert by_label["SOL-USDC"]["how"] == "catalog" and by_label["SOL-USDC"]["chain"] == "solana"
    assert by_label["USDT-T-Bills"]["rows"] == 0 and by_label["USDT-T-Bills"]["total"] == \
        "33200000"
    assert by_label["USDT-T-Bills"]["how"] == "unknown"
    labels = _map(tmp_path, 'aETH = { chain = "ethereum", asset = "aETH" }\n'
                            'NOPE = { chain = "ethereum", asset = "NOPE" }\n')
    main(["labels", str(claims), "--labels", str(labels), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert {e["label"]: e["how"] for e in report["labels"]}["aETH"] == "map"
    assert report["unused_map_entries"] == ["NOPE"]
    main(["labels", str(claims)])
    out = capsys.readouterr().out
    assert "aETH" in out and "inferred" in out and '"jsTRX" = { chain = ' in out


def test_the_audit_config_labels_table_maps_rows(tmp_path):
    """[labels] in the audit config maps a label for the audit; a label left unmapped is
    claimed but not observed, never counted."""
    import reserves

    claims = relabelled(tmp_path)
    config = tmp_path / "audit.toml"
    config.write_text('[exchange]\nname = "HTX"\n'
                      f'[claims]\nfiles = ["{claims.name}"]\ntotals_tolerance = "1e-9"\n'
                      '[labels]\naETH = { chain = "ethereum", asset = "aETH" }\n')
    from reserves.result import records

    result = reserves.audit(str(config))
    rows = {r["coin"]: r for r in records(result.addresses)}
    assert rows["aETH"]["chain"] == "ethereum"
    assert rows["aETH"]["balance_error"] == "no balance read for this chain"
    jstrx = rows["jsTRX"]
    assert jstrx["chain"] is None and jstrx["verdict"] == "verified"
    assert jstrx["bucket"] == "not_observed" and "names no chain" in jstrx["balance_error"]
    cov = {r["asset"]: r for r in records(result.coverage)}
    assert cov["jsTRX"]["verified"] == 0 and cov["jsTRX"]["not_observed"] > 0
    kinds = {f.kind for f in result.finding_list}
    assert "label-unmapped" in kinds and "totals-mismatch" not in kinds
    import reports

    reports.write_all(result, tmp_path / "out")
    assert "jsTRX" in (tmp_path / "out" / "addresses.csv").read_text()
