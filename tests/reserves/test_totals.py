"""Totals with materiality: rounding is information, a real gap an error with its digits."""

import pytest

from reserves.cli import main
from reserves.config import load_config
from reserves.errors import ConfigError
from reserves.importers import load

HEADER = "coin,address,snapshot height,balance,message,signature"
EVM = ["0x" + f"{i:040x}" for i in range(1, 10)]
TRON = "TYh6mgoMNZTCsgpYHBz7gttEfrQmDMABub"
SOL = "88xTWZMeKfiTgbfEmPLdsUCQcZinwUfk25EBQZ21XMAZ"


def _htx(tmp_path, totals, rows, name="t.csv"):
    text = "\ufeffcoin,snapshot height,balance\n" + "\n".join(totals) + "\n\n" + HEADER + "\n"
    text += "\n".join(f"{coin},{address},1,{amount},-,-" for coin, address, amount in rows)
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _kinds(file):
    return [(f.kind, f.message.split(":")[0]) for f in file.findings
            if f.kind.startswith("totals")]


def test_network_first_labels_group_under_their_asset(tmp_path):
    """ERC20-USDC and SOL-USDC are USDC: USDC(ALL) adds up and SOL(ALL) holds only SOL."""
    path = _htx(tmp_path,
                ["USDC(ALL),-,300.5", "ERC20-USDC,1,100.25", "SOL-USDC,1,200.25",
                 "SOL(ALL),-,7", "BASE-USDC,1,0"],
                [("ERC20-USDC", EVM[0], "100.25"), ("SOL-USDC", SOL, "200.25"),
                 ("SOL", SOL, "7")])
    file = load(str(path))
    assert _kinds(file) == []  # every line adds up exactly
    assert {c.coin: c.asset for c in file.claims} == {"ERC20-USDC": "USDC", "SOL-USDC": "USDC",
                                                      "SOL": "SOL"}


def test_sub_unit_difference_on_a_huge_total_is_rounding(tmp_path):
    """0.42 on 934 billion units, the total written with .00: below 1e-9 of the total."""
    path = _htx(tmp_path, ["TRX(ALL),1,934000000000.00"],
                [("TRX", TRON, "933999999999.58")])
    file = load(str(path))
    (f,) = [f for f in file.findings if f.kind.startswith("totals")]
    assert (f.kind, f.severity.label) == ("totals-rounded", "info")
    assert "says 934000000000.00" in f.message and "933999999999.58" in f.message
    assert "below 1e-9 of the total" in f.message
    # Configurable: with no relative tolerance the same 0.42 is an error, with its digits.
    strict = load(str(path), totals_tolerance=0)
    (f,) = [f for f in strict.findings if f.kind.startswith("totals")]
    assert (f.kind, f.severity.label) == ("totals-mismatch", "error")
    assert "difference -0.42" in f.message and "±0.010" in f.message


def test_trailing_zeros_count_as_precision(tmp_path):
    """'5.00' is written to the hundredth: 4.9 is 0.1 away, beyond its rounding; '5' is
    written to the unit, and 4.9 rounds to it."""
    rows = [("ETH", EVM[1], "4.9")]
    precise = load(str(_htx(tmp_path, ["ETH,1,5.00"], rows, "a.csv")), totals_tolerance=0)
    assert [f.kind for f in precise.findings if f.kind.startswith("totals")] == \
        ["totals-mismatch"]
    coarse = load(str(_htx(tmp_path, ["ETH,1,5"], rows, "b.csv")), totals_tolerance=0)
    assert [f.kind for f in coarse.findings if f.kind.startswith("totals")] == \
        ["totals-rounded"]


def test_a_real_gap_stays_an_error_whatever_the_labels(tmp_path):
    path = _htx(tmp_path, ["USDC(ALL),-,1300", "ERC20-USDC,1,300"],
                [("ERC20-USDC", EVM[2], "300")])
    file = load(str(path))
    (f,) = [f for f in file.findings if f.kind == "totals-mismatch"]
    assert f.message.startswith("USDC(ALL): the totals section says 1300, its 1 lines")


def test_tolerance_option_and_config_key(tmp_path, capsys):
    path = _htx(tmp_path, ["TRX(ALL),1,1000.00"], [("TRX", TRON, "999.98")])
    assert main(["claims", "verify", str(path), "--quiet"]) == 1
    assert main(["claims", "verify", str(path), "--quiet", "--totals-tolerance", "1e-4"]) == 0
    capsys.readouterr()
    assert main(["claims", "verify", str(path), "--quiet", "--totals-tolerance", "lots"]) == 2
    assert "--totals-tolerance: 'lots' is not a number" in capsys.readouterr().err
    assert main(["claims", "verify", str(path), "--quiet", "--totals-tolerance", "2"]) == 2
    config = tmp_path / "audit.toml"
    config.write_text(f'[exchange]\nname = "x"\n[claims]\nfiles = ["{path.name}"]\n'
                      "totals_tolerance = 1e-4\n")
    assert str(load_config(config).totals_tolerance) == "0.0001"
    assert main(["claims", "verify", str(path), "--quiet", "--config", str(config)]) == 0
    config.write_text(f'[exchange]\nname = "x"\n[claims]\nfiles = ["{path.name}"]\n'
                      "totals_tolerance = -1\n")
    with pytest.raises(ConfigError, match="claims.totals_tolerance"):
        load_config(config)


def test_config_labels_table(tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text('[exchange]\nname = "x"\n[claims]\nfiles = ["c.csv"]\n'
                      '[labels]\n"ERC20-WLFI" = { chain = "ethereum", asset = "WLFI" }\n'
                      'aETH = { chain = "etherium", asset = "aETH" }\n')
    with pytest.raises(ConfigError, match=r"^labels\.aETH\.chain: unknown chain 'etherium'"):
        load_config(config)
