"""reserves liabilities verify: the JSON document, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest

from reserves.cli import main
from tests.reserves.liabilities import okx_trees as t
from tests.support import LIABILITIES, ROOT, shared

OKX_TREE = f"{LIABILITIES}/okx_proof-of-reserves_full-liabilities-merkle-tree.txt"


def _run(capsys, *args):
    code = main(["liabilities", "verify", *map(str, args), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_document(capsys):
    code, out, err = _run(capsys, shared(OKX_TREE), "--json")
    doc = json.loads(out)
    assert code == 0 and err == ""
    assert doc["binding"] == "recomputed" and doc["root"].startswith("9e98ebde")
    assert {a["asset"]: a["total"] for a in doc["assets"]} == {
        "BTC": "0.00005", "ETH": "0.1", "USDT": "1.42045977"}
    assert doc["findings"] == []


def test_error_finding_exits_1_and_names_the_node(tmp_path, capsys):
    leaves = t.honest_leaves(4)
    leaves[1] = t.leaf(50, ("-1", "0", "0"))
    t.write(tmp_path / "tree.txt", t.build(leaves))
    code, out, _ = _run(capsys, tmp_path / "tree.txt", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["binding"] == "attested"
    neg = [f for f in doc["findings"] if f["kind"] == "negative-balance"]
    assert neg and all({"id", "severity", "message", "subject", "line"} <= set(f) for f in neg)


def test_warnings_only_exit_0(capsys):
    code, out, _ = _run(capsys, shared(f"{LIABILITIES}/mexcmerkle_mexc-proof-of-reserves_merkle_proof.json"))
    assert code == 0 and "truncated-hash" in out and "path-verified" in out


@pytest.mark.parametrize("content,needle", [
    ("", "empty file"),
    ("9e98ebde32ef22ded88a5fb2d5e53d76ed57cb9c6b2c966f250721defe6ab041,6,{\"BTC\":\"0.00005\"}\n"
     "zz,5,{}\n", "tree.txt:2: expected a 64-hex hash"),
    ("9e98ebde32ef22ded88a5fb2d5e53d76ed57cb9c6b2c966f250721defe6ab041,6,{\"BTC\":\"1e5\"}\n",
     "tree.txt:1: '1e5' is not a plain decimal number"),
    ("9e98ebde32ef22ded88a5fb2d5e53d76ed57cb9c6b2c966f250721defe6ab041,6,{\"BTC\":\"0.123456789\"}\n",
     "more than 8 decimal places"),
    ("{\"schema\": \"reserves.liabilities/1\", \"assets\": [{\"asset\": \"BTC\", \"decimals\": 8, "
     "\"total\": 1.5}]}", "assets[0].total: write amounts as strings"),
    ("{\"hello\": 1}", "unknown liabilities format"),
    ("\x00\x01binary", "binary data"),
])
def test_malformed_files_give_one_line(tmp_path, capsys, content, needle):
    path = tmp_path / "tree.txt"
    path.write_text(content)
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_user_info_needs_the_tree(capsys):
    code, _, err = _run(capsys, shared(f"{LIABILITIES}/okx_proof-of-reserves_user_info_file.json"))
    assert code == 2 and "--tree" in err


def test_subprocess(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("block_height:1\nnot-a-line\n")
    proc = subprocess.run([sys.executable, "-m", "reserves", "liabilities", "verify", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().endswith("bad.csv:2: expected 'hex_digest,value'")
