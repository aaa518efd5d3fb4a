"""The audit config: unknown and missing keys are named; the example parses."""

import pytest

from reserves.cli import main
from reserves.config import load_config
from reserves.errors import ConfigError
from tests.support import ROOT


def _write(tmp_path, text):
    p = tmp_path / "c.toml"
    p.write_text(text)
    return p


GOOD = """
[exchange]
name = "X"
[claims]
files = ["claims.csv"]
message = "hello 2026"
"""


def test_example_config_parses():
    cfg = load_config(ROOT / "config.example.toml")
    assert cfg.exchange == "Demo Exchange"
    assert cfg.claims[0].path == ROOT / "examples/demo/claims.csv"


@pytest.mark.parametrize("text,key", [
    (GOOD + "\n[output]\ndirr = 'x'\n", "output.dirr: unknown key"),
    (GOOD.replace('name = "X"', 'nam = "X"'), "exchange.nam: unknown key"),
    (GOOD.replace('files = ["claims.csv"]', ""), "claims.files: missing"),
    (GOOD + "\n[chains.bitcoin]\nadapter = 'bitcoin'\n", "snapshot: missing"),
    (GOOD + "\n[chains.bitcoin]\nadapter='bitcoin'\n[snapshot.bitcoin]\nheigth=1\n",
     "snapshot.bitcoin.heigth: unknown key"),
    (GOOD + "\n[chains.notachain]\nadapter='x'\n", "chains.notachain: unknown chain id"),
    (GOOD + "\nsnapshot_hieght = 5\n", "snapshot_hieght: unknown key"),
    (GOOD + "\n[[assets]]\nsymbol='USDT'\nchain='ethereum'\ncontract='0x'\ndecimals=6\n",
     "assets[0].chain: 'ethereum' has no [chains.ethereum] table"),
    ("[exchange\nname=1", "not valid TOML"),
])
def test_mistakes_are_named(tmp_path, text, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        load_config(_write(tmp_path, text))


def test_claims_verify_takes_the_message_from_the_config(tmp_path, capsys):
    cfg = ROOT / "config.example.toml"
    code = main(["claims", "verify", str(ROOT / "examples/demo/claims.csv"), "--config",
                 str(cfg), "--json", "--quiet"])
    out = capsys.readouterr().out
    assert code == 1
    assert "unexpected message" in out  # the demo row signed over last year's message


def test_config_error_is_one_line_exit_2(tmp_path, capsys):
    p = _write(tmp_path, GOOD + "\nbogus = 1\n")
    code = main(["claims", "verify", str(ROOT / "examples/demo/claims.csv"), "--config", str(p)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "bogus: unknown key" in err
