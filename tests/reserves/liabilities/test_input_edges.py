"""Edges of liabilities input: text encodings, odd digits, user files that do not match.

Each case rewrites a real file from ../shared/data/liabilities (or the BitMEX
fixture) in one place. Unusable input is one line naming the file, exit 2,
never an internal error; a usable but dishonest file gets an error finding.
"""

import json

import pytest

from reserves.cli import main
from reserves.liabilities import Binding, load
from tests.support import LIABILITIES, ROOT, shared

OKX_TREE = f"{LIABILITIES}/okx_proof-of-reserves_full-liabilities-merkle-tree.txt"
OKX_PATH = f"{LIABILITIES}/okx_proof-of-reserves_merkle_proof_file.json"
OKX_USER = f"{LIABILITIES}/okx_proof-of-reserves_user_info_file.json"
MEXC = f"{LIABILITIES}/mexcmerkle_mexc-proof-of-reserves_merkle_proof.json"
BITMEX = ROOT / "tests/fixtures/liabilities/bitmex-liabilities-100-proof.csv"


def _run(capsys, *args):
    code = main(["liabilities", "verify", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err, *needles):
    assert err.count("\n") == 1 and err.startswith("reserves: error: "), err
    assert "internal error" not in err and "Traceback" not in err
    for n in needles:
        assert n in err, (n, err)


def _tree_lines():
    return shared(OKX_TREE).read_text().splitlines()


def test_unicode_digit_as_a_tree_height(tmp_path, capsys):
    lines = _tree_lines()
    lines[2] = lines[2].replace(",5,", ",\u00b2,")  # '²' passes str.isdigit(), not int()
    path = tmp_path / "tree.txt"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, f"{path}:3", "hash and a height")


@pytest.mark.parametrize("value", ["\u00b2", "--5", "1e3"])
def test_bitmex_value_that_is_not_a_plain_integer(tmp_path, capsys, value):
    lines = BITMEX.read_text().splitlines()
    digest = lines[4].split(",")[0]
    lines[4] = f"{digest},{value}"
    path = tmp_path / "bitmex.csv"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, f"{path}:5", "expected 'hex_digest,value'")


def test_json_that_is_not_utf8(tmp_path, capsys):
    data = json.loads(shared(OKX_PATH).read_text())
    data["note"] = " " * 5000 + "\u00e9"  # the bad byte lies past the 4 KiB detection reads
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("latin-1"))
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, str(path), "not UTF-8 text")


def test_json_nested_too_deeply(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, str(path), "nested more than 100 levels deep")


def test_malformed_path_height(tmp_path, capsys):
    data = json.loads(shared(OKX_PATH).read_text())
    data["path"][2]["height"] = "x"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, str(path), "malformed")


def test_json_with_a_byte_order_mark(tmp_path):
    """Windows editors write a BOM; the claims importers accept it, so do these."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + shared(OKX_PATH).read_bytes())
    r = load(str(path))
    assert r.binding is Binding.PATH_VERIFIED
    assert r.root == load(str(shared(OKX_PATH))).root


def test_a_character_cut_by_the_detection_window(tmp_path):
    """Format detection reads 4 KiB; a two-byte character across that edge is still UTF-8."""
    prefix = '{"schema": "reserves.liabilities/1", "note": "'
    text = (prefix + "a" * (4095 - len(prefix)) + "\u00e9", '", "assets": '
            '[{"asset": "BTC", "decimals": 8, "total": "24.5"}]}')
    data = "".join(text).encode()
    assert data.index("\u00e9".encode()) == 4095
    path = tmp_path / "edge.json"
    path.write_bytes(data)
    r = load(str(path))
    assert r.binding is Binding.ATTESTED and r.assets[0].total == 2_450_000_000


def test_negative_balance_in_the_users_own_leaf(tmp_path):
    data = json.loads(shared(OKX_PATH).read_text())
    data["self"]["balances"]["USDT"] = "-" + data["self"]["balances"]["USDT"]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    r = load(str(path))
    neg = [f for f in r.findings if f.kind == "negative-balance"]
    assert neg and neg[0].subject.endswith(":self")
    assert r.binding is Binding.ATTESTED and r.exit_code == 1


def test_negative_balance_in_a_mexc_users_own_leaf(tmp_path):
    data = json.loads(shared(MEXC).read_text())
    asset = next(iter(data["self"]["balances"]))
    data["self"]["balances"][asset] = "-1"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    r = load(str(path))
    neg = [f for f in r.findings if f.kind == "negative-balance"]
    assert neg and neg[0].subject.endswith(":self") and r.exit_code == 1


def test_user_info_whose_leaf_was_changed(tmp_path):
    data = json.loads(shared(OKX_USER).read_text())
    data["nodes"][1]["balances"]["BTC"] = "0.0000014"
    path = tmp_path / "user.json"
    path.write_text(json.dumps(data))
    r = load(str(path), tree=str(shared(OKX_TREE)))
    kinds = {f.kind: f.subject for f in r.findings}
    assert kinds["hash-mismatch"].endswith("nodes[1]")
    assert r.exit_code == 1


def test_user_info_against_a_tree_without_its_leaves(tmp_path):
    """The user's leaves must be in the rebuilt tree: a tree of other users fails."""
    from reserves.liabilities.okx_tree_writer import random_leaves, write_tree

    other = tmp_path / "other_tree.txt"
    write_tree(str(other), random_leaves(8, seed=3), 8)
    r = load(str(shared(OKX_USER)), tree=str(other))
    missing = [f for f in r.findings if f.kind == "leaf-missing"]
    assert len(missing) == 2 and r.exit_code == 1


def test_a_zk_proof_table_given_alone_points_to_its_config(capsys):
    path = shared(f"{LIABILITIES}/gateio_proof-of-reserves_proof.csv")
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, f"{path}:1", "zk proof table", "config JSON")


def test_a_claims_file_is_not_mistaken_for_json(capsys):
    path = shared("data/exchanges/okx_proof-of-reserves_okx_por_example.csv")
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line(err, str(path), "unknown liabilities format")
    assert "not valid JSON" not in err
