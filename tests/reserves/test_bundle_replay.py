"""Audit output, evidence bundle and replay, on the demo claims (no nodes needed here;
tests/test_end_to_end.py runs the same against the local nodes)."""

import json
import shutil

import pytest

from reserves.cli import main
from tests.support import ROOT

CONFIG = """
[exchange]
name = "Demo Exchange"
[claims]
files = ["claims.csv"]
message = "Demo Exchange proof of reserves, snapshot 2026-11-24"
"""


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    shutil.copy(ROOT / "examples/demo/claims.csv", root / "claims.csv")
    (root / "config.toml").write_text(CONFIG)
    code = main(["audit", str(root / "config.toml"), "--out", str(root / "out"), "--quiet"])
    assert code == 1  # the demo exchange has a failed proof and no liabilities
    return root


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_output_folder_holds_reports_and_bundle(audited):
    out = audited / "out"
    for name in ("coverage.json", "coverage.csv", "addresses.csv", "report.md", "report.html",
                 "bundle/manifest.json", "bundle/config.toml", "bundle/verdicts.jsonl",
                 "bundle/coverage.json"):
        assert (out / name).is_file(), name
    doc = json.loads((out / "coverage.json").read_text())
    assert doc["schema"] == "reserves.coverage/1"
    assert {i["role"] for i in doc["inputs"]} == {"claims"}
    lines = (ROOT / "examples/demo/claims.csv").read_text().splitlines()
    assert len(doc["addresses"]) == len([x for x in lines if not x.startswith("#")]) - 1
    manifest = json.loads((out / "bundle/manifest.json").read_text())
    assert set(manifest["files"]) == {p for p in _tree(out / "bundle") if p != "manifest.json"}


def test_rerun_gives_the_same_bytes(audited, tmp_path):
    assert main(["audit", str(audited / "config.toml"), "--out", str(tmp_path / "again"),
                 "--quiet"]) == 1
    assert _tree(tmp_path / "again") == _tree(audited / "out")


def test_replay_reproduces_every_byte(audited, tmp_path):
    assert main(["replay", str(audited / "out/bundle"), "--out", str(tmp_path / "r"),
                 "--quiet"]) == 1
    assert _tree(tmp_path / "r") == _tree(audited / "out")


@pytest.mark.parametrize("tamper,needle", [
    (lambda b: (b / "inputs/claims/0-claims.csv").write_text("x"), "0-claims.csv: does not match"),
    (lambda b: (b / "extra.txt").write_text("x"), "extra.txt: is not listed"),
    (lambda b: (b / "verdicts.jsonl").unlink(), "verdicts.jsonl: is listed in the manifest but "
                                                "missing"),
])
def test_tampered_bundle_is_named(audited, tmp_path, capsys, tamper, needle):
    bundle = tmp_path / "bundle"
    shutil.copytree(audited / "out/bundle", bundle)
    tamper(bundle)
    code = main(["replay", str(bundle), "--out", str(tmp_path / "r"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_tampered_result_with_a_forged_manifest_is_caught(audited, tmp_path, capsys):
    """Changing the recorded result and fixing the manifest does not help: replay
    recomputes the result and compares."""
    import hashlib

    bundle = tmp_path / "bundle"
    shutil.copytree(audited / "out/bundle", bundle)
    doc = json.loads((bundle / "coverage.json").read_text())
    doc["coverage"][0]["verified"] = 10 ** 20
    data = (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
    (bundle / "coverage.json").write_bytes(data)
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"]["coverage.json"] = hashlib.sha256(data).hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    code = main(["replay", str(bundle), "--out", str(tmp_path / "r"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "coverage.json: differs from the result" in err


def test_failed_run_keeps_the_previous_output(audited, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(audited / "out", out)
    before = _tree(out)
    bad = tmp_path / "bad.toml"
    bad.write_text(CONFIG.replace('files = ["claims.csv"]',
                                  f'files = ["{audited / "missing.csv"}"]'))
    assert main(["audit", str(bad), "--out", str(out), "--quiet"]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    assert _tree(out) == before


def test_node_credentials_stay_out_of_the_bundle_config(tmp_path):
    """The bundle is meant to be shared: its config.toml has every node URL redacted
    (user:password, an API key in the path or query) and still loads for replay."""
    from reserves.config import load_config
    from reserves.errors import ConfigError
    from reserves.outputs import bundle_config_text

    secret_url = "https://alice:hunter2@eth.example/v2/abcdef0123456789abcdef?key=s3cr3tvalue"
    text = CONFIG + f"""
[snapshot.ethereum]
height = 5
[chains.ethereum]
adapter = "evm"
rpc = "{secret_url}"   # the same URL once more: '{secret_url}'
chain_id = 1
"""
    (tmp_path / "config.toml").write_text(text)
    out = bundle_config_text(load_config(tmp_path / "config.toml"))
    for secret in (b"alice", b"hunter2", b"abcdef0123456789abcdef", b"s3cr3tvalue"):
        assert secret not in out
    (tmp_path / "bundle.toml").write_bytes(out)
    again = load_config(tmp_path / "bundle.toml")
    assert again.chains["ethereum"]["rpc"] == "https://eth.example/v2/***?key=***"
    assert bundle_config_text(again) == out  # redacting twice changes nothing: replay is stable

    escaped = text.replace(f'rpc = "{secret_url}"',
                           'rpc = "https://alice:hunter2@eth\\u002Eexample/"')
    (tmp_path / "escaped.toml").write_text(escaped.replace(f"'{secret_url}'", ""))
    with pytest.raises(ConfigError, match="chains.ethereum.rpc: write the URL as a plain"):
        bundle_config_text(load_config(tmp_path / "escaped.toml"))
