"""The recorded example audit (examples/demo/audit/, made by examples/demo/record.py on
live local nodes) replays offline to the very same bytes, and tells the demo story.

No node is needed: this runs everywhere. When an adapter changes the requests it
makes, the recorded answers no longer cover them and this fails: re-record with
`.venv/bin/python examples/demo/record.py` (README "The audit").
"""

from __future__ import annotations

import importlib
import shutil

import reserves
from reserves.cli import main
from tests import demo_story
from tests.support import ROOT

AUDIT = ROOT / "examples/demo/audit"


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_replay_reproduces_every_recorded_file(tmp_path, capsys):
    code = main(["replay", str(AUDIT / "bundle"), "--out", str(tmp_path / "r")])
    assert code == 1, capsys.readouterr().err  # the demo has findings on purpose
    recorded, replayed = _tree(AUDIT), _tree(tmp_path / "r")
    assert set(replayed) == set(recorded)
    for name in ("coverage.json", "coverage.csv", "addresses.csv", "report.md", "report.html"):
        assert name in recorded
    for name, data in recorded.items():
        assert replayed[name] == data, name


def test_the_recorded_example_tells_the_demo_story():
    demo_story.check_output(AUDIT)


def test_the_recorded_example_is_of_the_current_claims_and_liabilities():
    bundle = AUDIT / "bundle"
    assert (bundle / "inputs/claims/0-claims.csv").read_bytes() == \
        (ROOT / "examples/demo/claims.csv").read_bytes()
    assert (bundle / "inputs/liabilities/0-liabilities.json").read_bytes() == \
        (ROOT / "examples/demo/liabilities.json").read_bytes()


def test_python_api_can_be_called_again(tmp_path):
    """reserves.audit stays callable after the reserves.audit module was imported."""
    shutil.copy(ROOT / "examples/demo/claims.csv", tmp_path / "claims.csv")
    shutil.copy(ROOT / "examples/demo/liabilities.json", tmp_path / "liabilities.json")
    (tmp_path / "config.toml").write_text(
        '[exchange]\nname = "Demo Exchange"\n[claims]\nfiles = ["claims.csv"]\n'
        f'message = "{demo_story.w.MESSAGE}"\n[liabilities]\nfile = "liabilities.json"\n')
    first = reserves.audit(tmp_path / "config.toml")
    importlib.import_module("reserves.audit")  # the package attribute is now the module

    again = reserves.audit(str(tmp_path / "config.toml"))
    assert first.coverage.equals(again.coverage)
    # No chain is configured: nothing is observed, nothing counted, every asset short.
    for row in again.coverage.to_dict("records"):
        assert row["verified"] == 0 and type(row["verified"]) is int
        assert row["liabilities"] == demo_story.LIABILITIES[row["asset"]]
